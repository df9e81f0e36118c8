import type { ContainerSnapshot, ContainerState, DockerEvent, ImageSnapshot, RestartPolicy, Snapshot, LayerEntry, LayerSnapshot } from '../model';
import { randomHex, seededRng, type Rng } from '../ports';
import type { Scheduler } from '../scheduler';
import { normalizeImageRef, type ImageConfig } from '../images/catalog';
import type { ImageStore, Image } from '../images/store';
import type { UnionMount, Change } from '../unionfs/mount';
import { layerStats } from '../unionfs/layer';
import { copyIntoMount, type ImportOptions } from './imageArchive';
import type { BuildFile } from '../images/build';
import type { LoadedImage } from '../images/archive';
import type { LayerDir, TreeNode } from '../unionfs/tree';
import { commit, loadBuiltinImages, type DeleteRecord, type PullMessage } from './imageService';
import { containerStatus } from '../cli/humanize';
import { DaemonError } from './errors';
import type { RestartPolicyRequest } from './validate';
import { TraceRecorder } from '../kernel/trace';
import { HOST_IP, NetworkModel, type Network } from '../network/network';
import { Fabric } from '../network/overlay';
import type { Proto } from '../network/ports';
import { Kernel } from '../kernel/kernel';
import type { Resources } from '../kernel/cgroups';
import { ContainerStore, type AttachOptions, type Container, type LogEntry, type WaitCondition } from './container';
import { containerPorts, networkConnect, networkCreate, networkDisconnect, networkRemove, NetworkService, networkSettings, portBindingsJson, summaryPorts } from './networks';
import { deepFreeze } from './deepFreeze';
import { rfc3339Nano } from './rfc3339';
import { ImagesService } from './images';
import { containerCreate, type CreateOptions } from './create';
import { containerStart } from './start';
import { containerLogs, followLogs, isTty } from './logs';
import { containerStop } from './stop';
import { containerKill } from './kill';
import { containerPause, containerUnpause } from './pause';
import { containerRestart } from './restart';
import { containerRm } from './delete';
import { containerWait } from './wait';
import { attachInfo, closeStdin, containerAttach, writeStdin } from './attach';
import { processExited } from './monitor';
import { containerExecCreate, containerExecStart, execProcess, onExec, type ExecHandle, type ExecHook, type ExecIO, type ExecOptions } from './exec';
import { containerUpdate } from './update';
import { daemonConfig, PEER_HOSTS, type EngineOptions } from './config';
import { EventsService, type Listener } from './eventsService';
import type { Services } from './services';

export { PEER_HOSTS } from './config';
export { rfc3339Nano } from './rfc3339';
export type { AttachOptions, LogEntry, WaitCondition } from './container';
export type { CreateOptions } from './create';
export type { EngineOptions } from './config';

/**
 * The simulated dockerd. The daemon keeps one xstate actor per container
 * (containerMachine) as the authority on what a container may do in its state;
 * the engine around it does what dockerd does around its state struct: ids and
 * names, the process (a simulated program as PID 1), the stop timeout, the
 * restart manager's back-off, logs, events and `--rm`.
 *
 * Every public method is synchronous or resolves on virtual time (the
 * Scheduler); nothing reads the wall clock or Math.random.
 */

export interface ListOptions {
  all?: boolean;
  /** Show the n last created (all states); -1 for no limit. */
  last?: number;
  latest?: boolean;
  /** Docker's filters: status, name, id, exited, ancestor, label. */
  filters?: Record<string, string[]>;
}

/** One container as `docker ps` sees it (Engine API ContainerSummary, trimmed). */
export interface ContainerSummary {
  id: string;
  names: string[];
  image: string;
  imageId: string;
  /** Path and args as `docker ps` shows them (joined with spaces). */
  command: string;
  created: number;
  state: ContainerState;
  status: string;
  labels: Record<string, string>;
  /** Published ports of a running container (API Port objects). */
  ports: { ip: string; privatePort: number; publicPort: number; type: Proto }[];
  /** Names of the networks it is attached to (or its mode). */
  networks: string[];
}

/** dockerd's host pid in the simulation, for the ops it makes (libnetwork's netlink and iptables calls). */

export class Engine {
  private readonly scheduler: Scheduler;
  private readonly rng: Rng;
  /** Images, their references and layers (the API other image commands build on: see core/images/store.ts). */
  get imageStore(): ImageStore {
    return this.services.images.store;
  }
  /** The daemon's services (services.ts), which the operations take as `d`. */
  readonly services: Services;
  /** The simulated host kernel: processes, namespaces, cgroups (core/kernel). */
  readonly kernel: Kernel;
  /** Each container's last snapshot and what it was built from (see containerSnapshot). */
  private readonly snapshotMemo = new WeakMap<Container, SnapshotMemo>();
  /** The kernel operations the engine's commands cause (core/kernel/trace.ts lists who emits what). */
  readonly trace: TraceRecorder;
  /** libnetwork: networks, sandboxes, ports, NAT, and the socket layer programs use. */
  readonly net: NetworkModel;
  private imageSnapshotMemo: { version: number; images: ImageSnapshot[]; layers: LayerSnapshot[] } | undefined;
  private readonly layerSnapshotMemo = new WeakMap<Container, { version: number; layers: LayerSnapshot[] }>();
  private allLayersMemo: { images: LayerSnapshot[]; containerSet: number; upperSum: number; layers: LayerSnapshot[] } | undefined;
  /** The simulated LAN and swarm this host is on. */
  private readonly fabric: Fabric;
  /** '' for the local host. */
  get hostName(): string {
    return this.services.config.hostName;
  }
  /** The other simulated hosts, made on first use (`docker -H node2`). */
  private readonly peers = new Map<string, Engine>();

  constructor(opts: EngineOptions) {
    this.scheduler = opts.scheduler;
    this.rng = opts.rng;
    const config = daemonConfig(opts);
    const events = new EventsService(opts.scheduler);
    const containers = new ContainerStore();
    const images = new ImagesService(opts.scheduler, events, containers);
    this.trace = new TraceRecorder(opts.scheduler);
    this.kernel = new Kernel({ scheduler: opts.scheduler, rng: seededRng(randomHex(this.rng, 16)), trace: this.trace, cgroupVersion: config.cgroupVersion });
    this.kernel.onPidNamespaceGone = (id) => {
      const c = this.containers.get(id);
      if (c?.run) processExited(this.services, c, c.run, 137, 'SIGKILL');
    };
    loadBuiltinImages(images.store, config.preload);
    const networks = new NetworkService(this.trace, this.kernel);
    this.fabric = opts.fabric ?? new Fabric(seededRng(`fabric-${this.rng.nextU32()}`));
    this.net = new NetworkModel({
      host: opts.host,
      fabric: this.fabric,
      rng: seededRng(`network-${this.rng.nextU32()}`),
      now: () => this.scheduler.now(),
      onOp: (op) => networks.onOp(op),
      containers: {
        resolve: (ref) => {
          const c = this.get(ref);
          return { id: c.id, name: c.name };
        },
        running: (id) => {
          const state = this.containers.get(id)?.state;
          return state === 'running' || state === 'paused';
        },
      },
    });
    this.services = { scheduler: opts.scheduler, rng: opts.rng, config, events, containers, images, kernel: this.kernel, trace: this.trace, net: this.net, networks };
    this.fabric.addHost({ name: this.hostName, ip: opts.host?.ip ?? HOST_IP, model: this.net });
  }

  /**
   * The engine of another simulated host (`docker -H node2`), undefined for an
   * unknown name. Its changes reach this engine's listeners, and this engine's
   * snapshot shows its containers, networks and interfaces.
   */
  peer(name: string): Engine | undefined {
    const known = PEER_HOSTS.find((h) => h.name === name || h.ip === name);
    if (!known || this.hostName !== '') return known && known.name === this.hostName ? this : undefined;
    let peer = this.peers.get(known.name);
    if (!peer) {
      // The other hosts of the LAN were set up like this one: the same images already there, or none.
      peer = new Engine({ scheduler: this.scheduler, rng: seededRng(`${known.name}-${this.rng.nextU32()}`), host: known, fabric: this.fabric, preload: this.services.config.preload });
      peer.subscribe((t, e) => this.services.events.forward(t, e));
      this.peers.set(known.name, peer);
    }
    return peer;
  }

  /** `docker swarm init`: this host becomes the manager. */
  swarmInit(): { nodeId: string; token: string; addr: string } {
    return this.op(() => {
      if (this.fabric.isMember(this.hostName)) throw new DaemonError('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.', 'system');
      const { nodeId, token } = this.fabric.init(this.hostName);
      return { nodeId, token, addr: this.fabric.hosts.get(this.hostName)!.ip };
    });
  }

  /** `docker swarm join --token T ADDR:2377`. */
  swarmJoin(token: string, addr: string): void {
    this.op(() => {
      if (this.fabric.isMember(this.hostName)) throw new DaemonError('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.', 'system');
      const swarm = this.fabric.swarm;
      const manager = swarm ? this.fabric.hosts.get(swarm.members[0]!) : undefined;
      const host = addr.replace(/:\d+$/, '');
      if (!swarm || !manager || host !== manager.ip) {
        throw new DaemonError('Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.', 'system');
      }
      if (token !== swarm.workerToken && token !== swarm.managerToken) throw new DaemonError('rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster', 'invalidParameter');
      this.fabric.join(this.hostName);
    });
  }

  /** `docker swarm leave [-f]`. */
  swarmLeave(force: boolean): void {
    this.op(() => {
      if (!this.fabric.isMember(this.hostName)) throw new DaemonError('This node is not part of a swarm', 'system');
      const manager = this.fabric.isManager(this.hostName);
      if (manager && !force) {
        throw new DaemonError(
          'You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.',
          'system',
        );
      }
      const swarm = this.fabric.swarm!;
      swarm.members = swarm.members.filter((m) => m !== this.hostName);
      if (manager || swarm.members.length === 0) this.fabric.swarm = null;
    });
  }

  // -------------------------------------------------------------------------
  // Observation

  /** Calls `listener` after every change with the transitions and events it made. Returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    return this.services.events.subscribe(listener);
  }

  /** The whole visible state as plain data. */
  snapshot(): Snapshot {
    const now = this.scheduler.now();
    const containers: ContainerSnapshot[] = [];
    for (const c of this.containers.values()) containers.push(this.containerSnapshot(c, now));
    const { images } = this.services.images.imageSnapshots();
    const networks = this.net.networkSnapshots();
    const interfaces = this.net.interfaceSnapshots();
    for (const peer of this.peers.values()) {
      const p = peer.snapshot();
      containers.push(...p.containers);
      networks.push(...(p.networks ?? []).filter((n) => n.driver !== 'overlay'));
      interfaces.push(...(p.interfaces ?? []));
    }
    const hosts = this.peers.size > 0 ? [{ name: 'glassbox', ip: HOST_IP }, ...[...this.peers.values()].map((e) => ({ name: e.hostName, ip: e.net.hostIp }))] : undefined;
    return {
      kind: 'sim',
      time: now,
      containers,
      images,
      layers: this.services.images.layerSnapshots(),
      ...(hosts ? { hosts } : {}),
      trace: this.trace.recent(),
      networks,
      interfaces,
      natRules: this.net.natRules(),
      processes: this.kernel.processSnapshots(),
      namespaces: this.kernel.namespaceSnapshots(),
      cgroups: this.kernel.cgroupSnapshots(),
    };
  }

  /** The events dockerd still holds (the last 256), oldest first. */
  events(): readonly DockerEvent[] {
    return this.services.events.events();
  }

  now(): number {
    return this.scheduler.now();
  }

  /** Runs `cb` after `ms` of virtual time (a client that redraws, like `docker stats`). Returns a cancel function. */
  after(ms: number, cb: () => void): () => void {
    return this.scheduler.after(ms, cb);
  }

  // -------------------------------------------------------------------------
  // Images (images.ts)

  /** The image a reference (or id) names, or undefined (the client then tries to pull it). */
  image(ref: string): Image | undefined {
    return this.services.images.image(ref);
  }

  /** The image a reference names; throws the daemon's "No such image" / "invalid reference format". */
  resolveImage(ref: string): Image {
    return this.services.images.resolveImage(ref);
  }

  /** Bytes of all the image's layers (Docker's Size). */
  imageSize(image: Image): number {
    return this.services.images.imageSize(image);
  }

  /**
   * A pull from the simulated Docker Hub: the progress messages the daemon
   * streams (layer updates, "Already exists" for layers the store has, Digest
   * and Status), for the client to print. A repository or tag the Hub lacks is
   * refused as Hub does.
   */
  pull(ref: string): PullMessage[] {
    return this.services.images.pull(ref);
  }

  /** `docker tag SOURCE TARGET`. */
  tagImage(source: string, target: string): void {
    this.services.images.tagImage(source, target);
  }

  /** `docker rmi [-f] [--no-prune]`: the Untagged/Deleted records, or a DaemonError (conflicts as Docker words them). */
  removeImage(ref: string, opts: { force?: boolean; prune?: boolean } = {}): DeleteRecord[] {
    return this.services.images.removeImage(ref, opts);
  }

  /** `docker image prune [-a]`. */
  pruneImages(opts: { all?: boolean } = {}): { records: DeleteRecord[]; reclaimed: number } {
    return this.services.images.pruneImages(opts);
  }

  /** A pull for a build's FROM: the progress messages and the image. */
  pullImage(ref: string): { messages: PullMessage[]; image: Image } {
    return this.services.images.pullImage(ref);
  }

  /** The reference as the daemon names it: `busybox` → `busybox:latest`. */
  normalizeRef(ref: string): string {
    return this.services.images.normalizeRef(ref);
  }

  /** A build's COPY/ADD step: the parent's layers plus one holding `tree`, the step in the history. */
  addImageLayer(parentId: string, tree: LayerDir, config: ImageConfig, createdBy: string): Image {
    return this.services.images.addImageLayer(parentId, tree, config, createdBy);
  }

  /** The files under `path` in an image's merged layers (COPY --from=stage). */
  imageFiles(imageId: string, path: string): BuildFile[] {
    return this.services.images.imageFiles(imageId, path);
  }

  /** `docker load`: adds the images `load` reads from the archive, tags them, and returns the lines the client prints. */
  loadImages(load: (store: ImageStore) => LoadedImage[]): string[] {
    return this.services.images.loadImages(load);
  }

  /** `docker import`: an image of one layer; returns its id. */
  importImage(opts: ImportOptions): string {
    return this.services.images.importImage(opts);
  }

  /** The diff directory of one layer (image, init or upper), whiteouts and opaque directories marked; [] for an unknown id. */
  layerEntries(layerId: string): readonly LayerEntry[] {
    return this.services.images.layerEntries(layerId);
  }

  /** Bytes of one layer's diff (0 for an unknown id). */
  layerSize(layerId: string): number {
    return this.services.images.layerSize(layerId);
  }

  /** Whether a layer (image, init or upper) of that id exists. */
  hasLayer(layerId: string): boolean {
    return this.services.images.hasLayer(layerId);
  }

  /** `docker diff`: the container's changes against its image, in the daemon's order. */
  containerDiff(ref: string): readonly Change[] {
    return this.get(ref).mount.diff();
  }

  /**
   * A container's root filesystem: read the merged view (`tree`, `lookup`,
   * `readdir`) or write into its upper layer (`put`, `writeFile`, `mkdir`,
   * `remove` …, with copy-up and whiteouts), as `docker cp` and builds do.
   * Writes made here are not announced to subscribers: call `touchContainer`.
   */
  containerMount(ref: string): UnionMount {
    return this.get(ref).mount;
  }

  // Archives and builds (core/engine/imageArchive.ts does the work)

  /** `docker cp SRC CONTAINER:PATH`: puts `node` into the container's upper layer (copy-up, as a write would). */
  copyToContainer(ref: string, path: string, node: TreeNode, name: string): void {
    this.op(() => {
      const c = this.get(ref);
      copyIntoMount(c.mount, c.name, path, node, name);
      this.emit(c, 'extract-to-dir');
    });
  }

  /** `docker commit`: the upper layer as a new image layer; returns the new image. */
  commitContainer(ref: string, opts: { reference?: string; comment?: string; author?: string; changes?: Partial<Image['config']>; createdBy?: string } = {}): Image {
    return this.op(() => {
      const c = this.get(ref);
      if (c.state === 'removing' || c.state === 'dead') throw new DaemonError(`You cannot commit container ${c.id} which is being removed or dead`, 'conflict');
      const base = c.image.config;
      const config = {
        ...base,
        Env: [...c.config.env],
        Cmd: c.config.cmd ? [...c.config.cmd] : null,
        Entrypoint: c.config.entrypoint ? [...c.config.entrypoint] : null,
        WorkingDir: c.config.workingDir,
        Labels: Object.keys(c.config.labels).length > 0 ? { ...c.config.labels } : base.Labels,
        ...(opts.changes ?? {}),
      };
      return commit(this.services.images.imageContext(), {
        containerId: c.id,
        image: c.image,
        config,
        mount: c.mount,
        createdBy: opts.createdBy ?? [c.path, ...c.args].join(' '),
        ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
        ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
        ...(opts.author !== undefined ? { author: opts.author } : {}),
      });
    });
  }

  /** Bytes in the container's upper layer (the API's SizeRw). */
  containerSizeRw(ref: string): number {
    return layerStats(this.get(ref).mount.upper).size;
  }

  /** The image a container was created from. */
  resolveContainerImage(ref: string): Image {
    return this.get(ref).image;
  }

  private emitImage(action: string, id: string, attributes: Record<string, string> = {}): void {
    this.services.events.emitImage(action, id, attributes);
  }

  // -------------------------------------------------------------------------
  // Lookup

  private get(ref: string): Container {
    return this.services.containers.get(ref);
  }

  private get containers(): Map<string, Container> {
    return this.services.containers.byId;
  }

  private get names(): Map<string, string> {
    return this.services.containers.names;
  }

  /** The full id a reference resolves to (throws DaemonError as the API would). */
  resolve(ref: string): string {
    return this.get(ref).id;
  }

  // -------------------------------------------------------------------------
  // Create

  create(opts: CreateOptions): { id: string; warnings: string[] } {
    return containerCreate(this.services, opts);
  }

  // -------------------------------------------------------------------------
  // Attach, start

  /** Attaches a client to the container's output (and stdin, with -i). Emits `attach`. Returns a detach function. */
  attach(ref: string, sink: AttachOptions): () => void {
    return containerAttach(this.services, ref, sink);
  }

  /** Streams the container's new output to `sink` (`docker logs -f`), without the attach a client makes. Returns a stop function. */
  followLogs(ref: string, sink: Pick<AttachOptions, 'stdout' | 'stderr'>): () => void {
    return followLogs(this.services, ref, sink);
  }

  /** Keystrokes or text for PID 1's stdin (an attached `-i` client); ignored without -i or when it is not running. */
  writeStdin(ref: string, data: string): void {
    writeStdin(this.services, ref, data);
  }

  /** The attached client closed stdin (end of file). */
  closeStdin(ref: string): void {
    closeStdin(this.services, ref);
  }

  // -------------------------------------------------------------------------
  // Exec

  /** Tells `hook` whenever an exec process starts or ends (the kernel model's seam). Returns an unsubscribe function. */
  onExec(hook: ExecHook): () => void {
    return onExec(this.services, hook);
  }

  /** POST /containers/{id}/exec: an exec instance, not started yet. Emits exec_create. */
  execCreate(ref: string, opts: ExecOptions): string {
    return containerExecCreate(this.services, ref, opts);
  }

  /**
   * POST /exec/{id}/start: runs the command in the container. Throws a
   * DaemonError with exit code 126 when runc cannot start it (missing command,
   * working directory or user).
   */
  execStart(execId: string, io: ExecIO): ExecHandle {
    return containerExecStart(this.services, execId, io);
  }

  /** `docker start`: throws for a paused or removed container, does nothing for a running one (304). */
  start(ref: string): void {
    containerStart(this.services, ref);
  }

  // -------------------------------------------------------------------------
  // Signals: stop, kill, pause, unpause, restart

  /**
   * `docker stop`: the stop signal, then SIGKILL after `timeoutSeconds`
   * (default 10; negative waits for ever). Resolves once the container has
   * stopped. A container that is not running is left as it is (Docker's 304).
   */
  stop(ref: string, opts: { timeoutSeconds?: number; signal?: string } = {}): Promise<void> {
    return containerStop(this.services, ref, opts);
  }

  /** `docker kill [-s SIGNAL]`. */
  kill(ref: string, signalName?: string): void {
    containerKill(this.services, ref, signalName);
  }

  pause(ref: string): void {
    containerPause(this.services, ref);
  }

  unpause(ref: string): void {
    containerUnpause(this.services, ref);
  }

  /** `docker restart`: stop (if running) then start; logs `restart`. */
  restart(ref: string, opts: { timeoutSeconds?: number; signal?: string } = {}): Promise<void> {
    return containerRestart(this.services, ref, opts);
  }

  /**
   * `docker update` of resource limits (written to the running container's
   * cgroup with runc update). Checks as dockerd's ContainerUpdate does;
   * throws DaemonError.
   */
  update(ref: string, req: { resources?: Partial<Resources>; restartPolicy?: RestartPolicyRequest }): void {
    containerUpdate(this.services, ref, req);
  }

  /**
   * The kernel side of `docker exec` (the CLI and the in-container shell own
   * the rest): runc exec joins the running container's namespaces and cgroup.
   * Returns the new process's host pid and its pid inside the container, and
   * `exit` to call when it ends.
   */
  execProcess(ref: string, argv: string[], opts: { tty?: boolean } = {}): { pid: number; nsPid: number; exit: (code: number) => void } {
    return execProcess(this.services, ref, argv, opts);
  }

  // -------------------------------------------------------------------------
  // Remove

  /** `docker rm [-f]`. With force a live container is killed first (SIGKILL). */
  remove(ref: string, opts: { force?: boolean } = {}): void {
    containerRm(this.services, ref, opts);
  }

  // -------------------------------------------------------------------------
  // Wait, logs, list, inspect

  /**
   * `docker wait` / the client's wait in `docker run`: resolves with the exit
   * code once the condition holds. `not-running` resolves at once for a
   * container that is not running.
   */
  wait(ref: string, condition: WaitCondition = 'not-running'): Promise<number> {
    return containerWait(this.services, ref, condition);
  }

  /** The container's log entries (json-file driver), oldest first; `tail` keeps the last n. */
  logs(ref: string, opts: { tail?: number } = {}): LogEntry[] {
    return containerLogs(this.services, ref, opts);
  }

  /** Whether the container was created with a tty (logs are then one stream). */
  isTty(ref: string): boolean {
    return isTty(this.services, ref);
  }

  /** What `docker attach` checks first: the state, and whether there is a tty and an open stdin. */
  attachInfo(ref: string): { state: ContainerState; tty: boolean; openStdin: boolean } {
    return attachInfo(this.services, ref);
  }

  /** `docker ps`: newest first. */
  list(opts: ListOptions = {}): ContainerSummary[] {
    const now = this.scheduler.now();
    const all = opts.all || (opts.last ?? -1) > 0 || opts.latest;
    const limit = opts.latest ? 1 : opts.last ?? -1;
    const filters = opts.filters ?? {};
    const filtered = Object.keys(filters).length > 0;
    const out: ContainerSummary[] = [];
    const list = [...this.containers.values()];
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!;
      if (!all && c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting') continue;
      if (filtered && !matchesFilters(c, filters, this.net)) continue;
      out.push({
        id: c.id,
        names: [`/${c.name}`],
        image: c.imageRef,
        imageId: c.image.id,
        command: summaryCommand(c.path, c.args),
        created: c.created,
        state: c.state,
        status: this.statusText(c, now),
        labels: { ...c.config.labels },
        ports: summaryPorts(this.services, c),
        networks: this.net.containerNetworks(c.id).map((n) => n.network.name),
      });
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }

  /** The names of the filters `docker ps -f` accepts, for the CLI's validation. */
  static readonly psFilters = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];

  private statusText(c: Container, now: number): string {
    return containerStatus(
      {
        running: c.state === 'running' || c.state === 'paused' || c.state === 'restarting',
        paused: c.state === 'paused',
        restarting: c.state === 'restarting',
        removalInProgress: c.state === 'removing',
        dead: c.state === 'dead',
        exitCode: c.exitCode,
        startedAt: c.startedAt,
        finishedAt: c.finishedAt,
      },
      now,
    );
  }

  /** `docker inspect` of a container: Engine API ContainerJSON, keys in Docker's order. */
  inspect(ref: string): Record<string, unknown> {
    const c = this.get(ref);
    const running = c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
    const dir = `/var/lib/docker/containers/${c.id}`;
    const layer = c.layerId;
    const rootfs = this.services.images.rootfsMount(c);
    return {
      Id: c.id,
      Created: rfc3339Nano(c.created),
      Path: c.path,
      Args: [...c.args],
      State: {
        Status: c.state,
        Running: running,
        Paused: c.state === 'paused',
        Restarting: c.state === 'restarting',
        OOMKilled: c.oomKilled,
        Dead: c.state === 'dead',
        Pid: c.run?.pid ?? 0,
        ExitCode: c.exitCode,
        Error: c.error,
        StartedAt: rfc3339Nano(c.startedAt),
        FinishedAt: rfc3339Nano(c.finishedAt),
      },
      Image: c.image.id,
      ResolvConfPath: `${dir}/resolv.conf`,
      HostnamePath: `${dir}/hostname`,
      HostsPath: `${dir}/hosts`,
      LogPath: `${dir}/${c.id}-json.log`,
      Name: `/${c.name}`,
      RestartCount: c.actor.getSnapshot().context.restartCount,
      Driver: 'overlay2',
      Platform: 'linux',
      MountLabel: '',
      ProcessLabel: '',
      AppArmorProfile: '',
      ExecIDs: null,
      HostConfig: {
        Binds: null,
        ContainerIDFile: '',
        LogConfig: { Type: 'json-file', Config: {} },
        NetworkMode: this.net.mode(c.id),
        PortBindings: portBindingsJson(this.net.config(c.id)?.portBindings ?? []),
        RestartPolicy: { Name: c.restartPolicy.name, MaximumRetryCount: c.restartPolicy.maximumRetryCount },
        AutoRemove: c.autoRemove,
        VolumeDriver: '',
        VolumesFrom: null,
        ConsoleSize: [0, 0],
        CapAdd: null,
        CapDrop: null,
        CgroupnsMode: c.nsModes.cgroupns,
        Dns: [],
        DnsOptions: [],
        DnsSearch: [],
        ExtraHosts: null,
        GroupAdd: null,
        IpcMode: c.nsModes.ipc,
        Cgroup: '',
        Links: null,
        OomScoreAdj: 0,
        PidMode: c.nsModes.pid,
        Privileged: false,
        PublishAllPorts: this.net.config(c.id)?.publishAll ?? false,
        ReadonlyRootfs: false,
        SecurityOpt: null,
        UTSMode: c.nsModes.uts,
        UsernsMode: '',
        ShmSize: 67108864,
        Runtime: 'runc',
        Isolation: '',
        ...hostConfigResources(c.resources),
      },
      GraphDriver: {
        Data: {
          LowerDir: rootfs.lowerdirs.join(':'),
          MergedDir: `/var/lib/docker/overlay2/${layer}/merged`,
          UpperDir: `/var/lib/docker/overlay2/${layer}/diff`,
          WorkDir: `/var/lib/docker/overlay2/${layer}/work`,
        },
        Name: 'overlay2',
      },
      Mounts: [],
      Config: {
        Hostname: c.config.hostname,
        Domainname: '',
        User: '',
        AttachStdin: c.config.attachStdin,
        AttachStdout: c.config.attachStdout,
        AttachStderr: c.config.attachStderr,
        ...(c.config.exposedPorts.length > 0 ? { ExposedPorts: Object.fromEntries(c.config.exposedPorts.map((k) => [k, {}])) } : {}),
        Tty: c.config.tty,
        OpenStdin: c.config.openStdin,
        StdinOnce: c.config.stdinOnce,
        Env: [...c.config.env],
        Cmd: c.config.cmd ? [...c.config.cmd] : null,
        Image: c.imageRef,
        Volumes: null,
        WorkingDir: c.config.workingDir,
        Entrypoint: c.config.entrypoint ? [...c.config.entrypoint] : null,
        OnBuild: null,
        Labels: { ...c.config.labels },
        // omitempty in the API's Config: present only when set.
        ...(c.config.stopSignal !== '' ? { StopSignal: c.config.stopSignal } : {}),
        ...(c.config.stopTimeout !== null ? { StopTimeout: c.config.stopTimeout } : {}),
      },
      NetworkSettings: networkSettings(this.services, c),
    };
  }

  // -------------------------------------------------------------------------
  // Networks (networks.ts)

  /** `docker network create`. */
  networkCreate(req: Parameters<NetworkModel['create']>[0]): Network {
    return networkCreate(this.services, req);
  }

  /** `docker network rm`. */
  networkRemove(ref: string): void {
    networkRemove(this.services, ref);
  }

  /** `docker network connect`: a running container gets its new interface at once. */
  networkConnect(netRef: string, containerRef: string, req: { aliases: string[]; ip: string }): void {
    networkConnect(this.services, netRef, containerRef, req);
  }

  /** `docker network disconnect`. */
  networkDisconnect(netRef: string, containerRef: string): void {
    networkDisconnect(this.services, netRef, containerRef);
  }

  /** The running container's published ports (`docker port`), in NetworkSettings.Ports order. */
  containerPorts(ref: string): { containerPort: number; proto: Proto; hostIp: string; hostPort: number }[] {
    return containerPorts(this.services, ref);
  }

  // -------------------------------------------------------------------------
  // Plumbing

  /**
   * The container's snapshot, reused from the last call while nothing it shows
   * has changed (the UI asks after every change; with a thousand containers
   * rebuilding them all took milliseconds). A reused snapshot is deep-frozen,
   * so no consumer can change what a later call returns.
   */
  private containerSnapshot(c: Container, now: number): ContainerSnapshot {
    const memo = this.snapshotMemo.get(c);
    const restartCount = c.actor.getSnapshot().context.restartCount;
    const netVersion = this.net.version(c.id);
    if (memo && memo.netVersion === netVersion && sameSnapshotInputs(memo, c, restartCount)) {
      if (memo.now === now) return memo.snap;
      const status = this.statusText(c, now);
      memo.now = now;
      if (status === memo.snap.status) return memo.snap;
      memo.snap = Object.freeze({ ...memo.snap, status });
      return memo.snap;
    }
    const snap = deepFreeze(this.buildContainerSnapshot(c, now, restartCount));
    this.snapshotMemo.set(c, { ...snapshotMemo(snap, c, now, restartCount), netVersion });
    return snap;
  }

  /** Every container field read here must also be compared in sameSnapshotInputs. */
  private buildContainerSnapshot(c: Container, now: number, restartCount: number): ContainerSnapshot {
    return {
      id: c.id,
      name: c.name,
      image: c.imageRef,
      imageId: c.image.id,
      rootfs: this.services.images.rootfsMount(c),
      command: [c.path, ...c.args],
      state: c.state,
      exitCode: c.exitCode,
      pid: c.run?.pid ?? 0,
      oomKilled: c.oomKilled,
      restartCount,
      created: rfc3339Nano(c.created),
      startedAt: rfc3339Nano(c.startedAt),
      finishedAt: rfc3339Nano(c.finishedAt),
      status: this.statusText(c, now),
      config: {
        hostname: c.config.hostname,
        env: this.processEnvForSnapshot(c),
        tty: c.config.tty,
        openStdin: c.config.openStdin,
        autoRemove: c.autoRemove,
        restartPolicy: { ...c.restartPolicy },
        labels: { ...c.config.labels },
      },
      ...this.net.containerNetworkSnapshot(c.id),
      resources: {
        memory: c.resources.memory,
        memorySwap: c.resources.memorySwap,
        nanoCpus: c.resources.nanoCpus,
        cpuShares: c.resources.cpuShares,
        cpusetCpus: c.resources.cpusetCpus,
        pidsLimit: c.resources.pidsLimit,
        oomKillDisable: c.resources.oomKillDisable,
      },
    };
  }

  private processEnvForSnapshot(c: Container): string[] {
    return [...c.config.env];
  }

  private transition(c: Container, from: ContainerState | null, to: ContainerState | null, action: string): void {
    this.services.events.transition(c, from, to, action);
  }

  private emit(c: Container, action: string, extra: Record<string, string> = {}): void {
    this.services.events.emit(c, action, extra);
  }

  private op<T>(fn: () => T): T {
    return this.services.events.op(fn);
  }
}

/** The daemon's ContainerSummary.Command: arguments containing a space are wrapped in single quotes. */
/** A container snapshot and the values it was built from. */
interface SnapshotMemo {
  snap: ContainerSnapshot;
  /** The time its status text was computed for. */
  now: number;
  name: string;
  imageRef: string;
  image: Image;
  path: string;
  args: string[];
  state: ContainerState;
  exitCode: number;
  pid: number;
  restartCount: number;
  created: number;
  startedAt: number;
  finishedAt: number;
  config: Container['config'];
  hostname: string;
  env: string[];
  envLength: number;
  tty: boolean;
  openStdin: boolean;
  labels: Record<string, string>;
  autoRemove: boolean;
  restartPolicy: RestartPolicy;
  restartPolicyName: RestartPolicy['name'];
  maximumRetryCount: number;
  /** The network model's change counter when built (networkMode, networks, ports come from it). */
  netVersion?: number;
  resources: Resources;
  oomKilled: boolean;
}

function snapshotMemo(snap: ContainerSnapshot, c: Container, now: number, restartCount: number): SnapshotMemo {
  return {
    snap,
    now,
    name: c.name,
    imageRef: c.imageRef,
    image: c.image,
    path: c.path,
    args: c.args,
    state: c.state,
    exitCode: c.exitCode,
    pid: c.run?.pid ?? 0,
    restartCount,
    created: c.created,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    config: c.config,
    hostname: c.config.hostname,
    env: c.config.env,
    envLength: c.config.env.length,
    tty: c.config.tty,
    openStdin: c.config.openStdin,
    labels: c.config.labels,
    autoRemove: c.autoRemove,
    restartPolicy: c.restartPolicy,
    restartPolicyName: c.restartPolicy.name,
    maximumRetryCount: c.restartPolicy.maximumRetryCount,
    resources: c.resources,
    oomKilled: c.oomKilled,
  };
}

/** Whether everything a container snapshot shows, but its time-dependent status, is as when `m` was built. */
function sameSnapshotInputs(m: SnapshotMemo, c: Container, restartCount: number): boolean {
  return (
    m.state === c.state &&
    m.exitCode === c.exitCode &&
    m.pid === (c.run?.pid ?? 0) &&
    m.restartCount === restartCount &&
    m.startedAt === c.startedAt &&
    m.finishedAt === c.finishedAt &&
    m.created === c.created &&
    m.name === c.name &&
    m.imageRef === c.imageRef &&
    m.image === c.image &&
    m.path === c.path &&
    m.args === c.args &&
    m.config === c.config &&
    m.hostname === c.config.hostname &&
    m.env === c.config.env &&
    m.envLength === c.config.env.length &&
    m.tty === c.config.tty &&
    m.openStdin === c.config.openStdin &&
    m.labels === c.config.labels &&
    m.autoRemove === c.autoRemove &&
    m.restartPolicy === c.restartPolicy &&
    m.restartPolicyName === c.restartPolicy.name &&
    m.maximumRetryCount === c.restartPolicy.maximumRetryCount &&
    m.resources === c.resources &&
    m.oomKilled === c.oomKilled
  );
}

function summaryCommand(path: string, args: readonly string[]): string {
  // A plain loop: `docker ps` builds one per listed container.
  let out = path;
  for (const a of args) out += a.includes(' ') ? ` '${a}'` : ` ${a}`;
  return out;
}

function matchesFilters(c: Container, filters: Record<string, string[]>, net: NetworkModel): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    const ok = values.some((v) => {
      switch (key) {
        case 'status':
          return c.state === v;
        case 'name':
          try {
            return new RegExp(v).test(`/${c.name}`);
          } catch {
            return false;
          }
        case 'id':
          return c.id.startsWith(v);
        case 'exited':
          return c.state === 'exited' && String(c.exitCode) === v;
        case 'ancestor':
          return normalizeImageRef(v) === normalizeImageRef(c.imageRef) || c.image.id === v || c.image.id.slice(7).startsWith(v);
        case 'network':
          // A network's name or id (a prefix of the id matches, as the daemon's filter does).
          return net.containerNetworks(c.id).some(({ network }) => network.name === v || network.id.startsWith(v));
        case 'publish':
        case 'expose': {
          // "80", "80/udp" or a range "8000-8080/tcp": published host ports, or exposed container ports.
          const [range, proto = 'tcp'] = v.split('/');
          const [lo, hi = lo] = (range ?? '').split('-').map(Number);
          const ports = key === 'publish' ? net.published(c.id).map((p) => ({ port: p.hostPort, proto: p.proto as string })) : c.config.exposedPorts.map((k) => ({ port: Number(k.split('/')[0]), proto: k.split('/')[1]! }));
          return ports.some((p) => p.proto === proto && p.port >= lo! && p.port <= hi!);
        }
        case 'label': {
          const eq = v.indexOf('=');
          return eq < 0 ? v in c.config.labels : c.config.labels[v.slice(0, eq)] === v.slice(eq + 1);
        }
        default:
          return true;
      }
    });
    if (!ok) return false;
  }
  return true;
}

/** HostConfig's resource fields, in the API's order (PidsLimit is null when unset). */
function hostConfigResources(r: Resources): Record<string, unknown> {
  return {
    CpuShares: r.cpuShares,
    Memory: r.memory,
    NanoCpus: r.nanoCpus,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: r.cpuPeriod,
    CpuQuota: r.cpuQuota,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: r.cpusetCpus,
    CpusetMems: r.cpusetMems,
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    KernelMemory: 0,
    KernelMemoryTCP: 0,
    MemoryReservation: r.memoryReservation,
    MemorySwap: r.memorySwap,
    MemorySwappiness: null,
    OomKillDisable: r.oomKillDisable,
    PidsLimit: r.pidsLimit > 0 ? r.pidsLimit : null,
    Ulimits: null,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
    ReadonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
  };
}

