import type { ContainerSnapshot, ContainerState, DockerEvent, Snapshot, LayerEntry } from '../model';
import { seededRng } from '../ports';
import type { ImageConfig } from '../images/catalog';
import type { ImageStore, Image } from '../images/store';
import type { UnionMount, Change } from '../unionfs/mount';
import type { ImportOptions } from './imageArchive';
import type { BuildFile } from '../images/build';
import type { LoadedImage } from '../images/archive';
import type { LayerDir, TreeNode } from '../unionfs/tree';
import type { DeleteRecord, PullMessage } from './imageService';
import type { RestartPolicyRequest } from './validate';
import type { TraceRecorder } from '../kernel/trace';
import { type NetworkModel, HOST_IP, type Network } from '../network/network';
import type { Proto } from '../network/ports';
import type { Kernel } from '../kernel/kernel';
import type { Resources } from '../kernel/cgroups';
import { containerRoot, type AttachOptions, type LogEntry, type WaitCondition } from './container';
import type { Fs } from '../shell/filesystem';
import { containerPorts, networkConnect, networkCreate, networkDisconnect, networkRemove } from './networks';
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
import { containerExecCreate, containerExecStart, execProcess, onExec, type ExecHandle, type ExecHook, type ExecIO, type ExecOptions } from './exec';
import { containerUpdate } from './update';
import { PS_FILTERS, containerList, type ContainerSummary, type ListOptions } from './list';
import { containerInspect } from './inspect';
import { containerSnapshot } from './containerSnapshot';
import { containerChanges, containerCopyTo, containerImage, containerMount, containerSizeRw, containerTree } from './archive';
import { containerCommit } from './commit';
import { swarmInit, swarmJoin, swarmLeave } from './swarm';
import { daemonShutdown, daemonStart, newDaemon, type ManualStops } from './daemon';
import { PEER_HOSTS, type DaemonConfig, type EngineOptions } from './config';
import type { Listener } from './eventsService';
import { containerPrune, networkPrune } from './prune';
import { diskUsage, type DiskUsage } from './diskUsage';
import type { Services } from './services';
import type { VolumesService } from './volumes/volumeService';
import { registrySnapshots, transferLog } from './registrySnapshot';

export { PEER_HOSTS } from './config';
export { rfc3339Nano } from './rfc3339';
export type { AttachOptions, LogEntry, WaitCondition } from './container';
export type { CreateOptions } from './create';
export type { ContainerSummary, ListOptions } from './list';
export type { EngineOptions } from './config';

/**
 * The simulated dockerd, as the CLI and the hosts see it: a thin façade over
 * the daemon's services (services.ts; started by daemon.ts), as moby's Daemon
 * is. Each operation is a file named after it: create.ts, start.ts, stop.ts,
 * kill.ts, pause.ts, restart.ts, delete.ts (`docker rm`), wait.ts, logs.ts,
 * attach.ts, exec.ts, update.ts, inspect.ts, list.ts, archive.ts, commit.ts;
 * monitor.ts handles a process's exit and the restart manager. The daemon
 * keeps one xstate actor per container (containerMachine) as the authority on
 * what a container may do in its state.
 *
 * Every public method is synchronous or resolves on virtual time (the
 * Scheduler); nothing reads the wall clock or Math.random.
 */

export class Engine {
  /** The daemon's services (services.ts), which the operations take as `d`. */
  readonly services: Services;
  /** The other simulated hosts, made on first use (`docker -H node2`). */
  private readonly peers = new Map<string, Engine>();

  constructor(opts: EngineOptions) {
    this.services = newDaemon(opts);
  }

  /** Images, their references and layers (the API other image commands build on: see core/images/store.ts). */
  get imageStore(): ImageStore {
    return this.services.images.store;
  }

  /** The simulated host kernel: processes, namespaces, cgroups (core/kernel). */
  get kernel(): Kernel {
    return this.services.kernel;
  }

  /** The kernel operations the engine's commands cause (core/kernel/trace.ts lists who emits what). */
  get trace(): TraceRecorder {
    return this.services.trace;
  }

  /** libnetwork: networks, sandboxes, ports, NAT, and the socket layer programs use. */
  get net(): NetworkModel {
    return this.services.net;
  }

  /** The host's filesystem: where volumes' data and bind sources are. */
  get hostFs(): Fs {
    return this.services.hostFs;
  }

  /** Volumes (core/engine/volumes/volumeService.ts); change them through volumeOp. */
  get volumes(): VolumesService {
    return this.services.volumes;
  }

  /** The configuration the daemon started with (daemon.json's settings in `file`). */
  get config(): DaemonConfig {
    return this.services.config;
  }

  /** Whether dockerd is up; while it is not, clients cannot connect. */
  get daemonRunning(): boolean {
    return this.services.running;
  }

  /** dockerd stops (`systemctl stop docker`): its containers stop unless live-restore is on. */
  daemonShutdown(): Promise<ManualStops> {
    return daemonShutdown(this.services);
  }

  /** dockerd starts again with `config`; restart policies bring containers back. */
  daemonStart(config: DaemonConfig, manual: ManualStops): void {
    daemonStart(this.services, config, manual);
  }

  /** '' for the local host. */
  get hostName(): string {
    return this.services.config.hostName;
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
      peer = new Engine({ scheduler: this.services.scheduler, rng: seededRng(`${known.name}-${this.services.rng.nextU32()}`), host: known, fabric: this.services.fabric, preload: this.services.config.preload });
      peer.subscribe((t, e) => this.services.events.forward(t, e));
      this.peers.set(known.name, peer);
    }
    return peer;
  }

  /** `docker swarm init`: this host becomes the manager. */
  swarmInit(): { nodeId: string; token: string; addr: string } {
    return swarmInit(this.services);
  }

  /** `docker swarm join --token T ADDR:2377`. */
  swarmJoin(token: string, addr: string): void {
    swarmJoin(this.services, token, addr);
  }

  /** `docker swarm leave [-f]`. */
  swarmLeave(force: boolean): void {
    swarmLeave(this.services, force);
  }

  // -------------------------------------------------------------------------
  // Observation

  /** Calls `listener` after every change with the transitions and events it made. Returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    return this.services.events.subscribe(listener);
  }

  /** The whole visible state as plain data. */
  snapshot(): Snapshot {
    const now = this.services.scheduler.now();
    const containers: ContainerSnapshot[] = [];
    for (const c of this.services.containers.byId.values()) containers.push(containerSnapshot(this.services, c, now));
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
      volumes: this.volumes.snapshots(),
      registries: registrySnapshots(this.services, containers),
      transfers: transferLog(this.services.events).recent(),
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
    return this.services.scheduler.now();
  }

  /** Runs `cb` after `ms` of virtual time (a client that redraws, like `docker stats`). Returns a cancel function. */
  after(ms: number, cb: () => void): () => void {
    return this.services.scheduler.after(ms, cb);
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

  /** `docker image prune [-a] [--filter until=|label=]`. */
  pruneImages(opts: { all?: boolean; filters?: Readonly<Record<string, readonly string[]>> } = {}): { records: DeleteRecord[]; reclaimed: number } {
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
    return containerChanges(this.services, ref);
  }

  /**
   * A container's root filesystem: read the merged view (`tree`, `lookup`,
   * `readdir`) or write into its upper layer (`put`, `writeFile`, `mkdir`,
   * `remove` …, with copy-up and whiteouts), as `docker cp` and builds do.
   * Writes made here are not announced to subscribers: call `touchContainer`.
   */
  containerMount(ref: string): UnionMount {
    return containerMount(this.services, ref);
  }

  // A container's filesystem (archive.ts, commit.ts)

  /** `docker cp SRC CONTAINER:PATH`: puts `node` into the container's upper layer (copy-up, as a write would), or into the volume or bind mounted there. */
  copyToContainer(ref: string, path: string, node: TreeNode, name: string): void {
    containerCopyTo(this.services, ref, path, node, name);
  }

  /** `docker commit`: the upper layer as a new image layer; returns the new image. */
  commitContainer(ref: string, opts: { reference?: string; comment?: string; author?: string; changes?: Partial<Image['config']>; createdBy?: string } = {}): Image {
    return containerCommit(this.services, ref, opts);
  }

  /** Bytes in the container's upper layer (the API's SizeRw). */
  containerSizeRw(ref: string): number {
    return containerSizeRw(this.services, ref);
  }

  /** `docker cp CONTAINER:PATH`: the tree at `path`, from the volume or bind mounted there when there is one; undefined when nothing is there. */
  containerTree(ref: string, path: string): TreeNode | undefined {
    return containerTree(this.services, ref, path);
  }

  /** The image a container was created from. */
  resolveContainerImage(ref: string): Image {
    return containerImage(this.services, ref);
  }

  // -------------------------------------------------------------------------
  // Lookup (container.ts)

  /** The full id a reference resolves to (throws DaemonError as the API would). */
  resolve(ref: string): string {
    return this.services.containers.get(ref).id;
  }

  // -------------------------------------------------------------------------
  // Create (create.ts)

  create(opts: CreateOptions): { id: string; warnings: string[] } {
    return containerCreate(this.services, opts);
  }

  // -------------------------------------------------------------------------
  // Attach (attach.ts, logs.ts)

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
  // Exec (exec.ts), start (start.ts)

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
  // Signals: stop.ts, kill.ts, pause.ts, restart.ts; update.ts

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
  execProcess(ref: string, argv: string[], opts: { tty?: boolean; uid?: number } = {}): { pid: number; nsPid: number; exit: (code: number) => void } {
    return execProcess(this.services, ref, argv, opts);
  }

  /**
   * A running container's files below its procfs and sysfs (the union) and its
   * hostname: what a host program that enters its mount and uts namespaces sees (nsenter).
   */
  containerRoot(id: string): { fs: Fs; hostname: string } | undefined {
    return containerRoot(this.services, id);
  }

  // -------------------------------------------------------------------------
  // Remove (delete.ts)

  /** `docker system df`: what images, containers and volumes hold on disk. */
  diskUsage(): DiskUsage {
    return diskUsage(this.services);
  }

  /** `docker container prune [--filter until=|label=]`: the stopped containers removed and the bytes freed. */
  pruneContainers(filters: Readonly<Record<string, readonly string[]>> = {}): { deleted: string[]; reclaimed: number } {
    return containerPrune(this.services, filters);
  }

  /** `docker rm [-f] [-v]`. With force a live container is killed first (SIGKILL); with volumes its anonymous volumes go too. */
  remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): void {
    containerRm(this.services, ref, opts);
  }

  // -------------------------------------------------------------------------
  // Wait, logs, list, inspect (wait.ts, logs.ts, list.ts, inspect.ts)

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
    return containerList(this.services, opts);
  }

  /** The names of the filters `docker ps -f` accepts, for the CLI's validation. */
  static readonly psFilters = PS_FILTERS;

  /** `docker inspect` of a container: Engine API ContainerJSON, keys in Docker's order. */
  inspect(ref: string): Record<string, unknown> {
    return containerInspect(this.services, ref);
  }

  // -------------------------------------------------------------------------
  // Volumes (volumes/)

  /** Runs `fn` on the volumes as one change (listeners hear of it once, with the volume events it caused). */
  volumeOp<T>(fn: (volumes: VolumesService) => T): T {
    return this.services.events.op(() => fn(this.services.volumes));
  }

  // -------------------------------------------------------------------------
  // Networks (networks.ts)

  /** `docker network create`. */
  networkCreate(req: Parameters<NetworkModel['create']>[0]): Network {
    return networkCreate(this.services, req);
  }

  /** `docker network rm`. */
  /** `docker network prune [--filter until=|label=]`: the names of the networks removed. */
  pruneNetworks(filters: Readonly<Record<string, readonly string[]>> = {}): string[] {
    return networkPrune(this.services, filters);
  }

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
}
