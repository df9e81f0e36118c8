import { createActor, type Actor } from 'xstate';
import { fnvHex } from '../fnvHex';
import { containerMachine, refusalText, type ContainerEvent, type ContainerEventType } from '../lifecycle/containerMachine';
import type { ContainerSnapshot, ContainerState, DockerEvent, ImageSnapshot, RestartPolicy, Snapshot, Transition } from '../model';
import { randomHex, seededRng, type Rng } from '../ports';
import type { Scheduler } from '../scheduler';
import { normalizeImageRef } from '../images/catalog';
import { cacheDir, ImageStore, type Image } from '../images/store';
import { UnionMount, type Change } from '../unionfs/mount';
import { DEFAULT_HOSTS, initLayerTree, runtimeBinds } from '../unionfs/init';
import { layerEntries, layerStats, newLayer, type Layer } from '../unionfs/layer';
import type { LayerEntry, LayerSnapshot, RootfsMount } from '../model';
import { addImageLayer, copyIntoMount, imageFiles, importImage, loadIntoStore, type ImportOptions } from './imageArchive';
import type { BuildFile } from '../images/build';
import type { LoadedImage } from '../images/archive';
import type { ImageConfig } from '../images/catalog';
import type { LayerDir, TreeNode } from '../unionfs/tree';
import { commit, containersUsingImage, imageLookupError, loadBuiltinImages, pruneImages, pull, removeImage, type DeleteRecord, type ImageServiceContext, type PullMessage } from './imageService';
import { containerStatus, isoTime } from '../cli/humanize';
import { DaemonError, noSuchContainer } from './errors';
import { generateName } from './names';
import type { ChildProcess, Proc, ProcessInfo, Program } from './process';
import { parseSignal, signals } from './process';
import { validateRestartPolicy, validateStopSignal, type RestartPolicyRequest } from './validate';
import { DEFAULT_PATH, resolveCommand } from './programs';
import { TraceRecorder, type TraceOpName } from '../kernel/trace';
import { HOST_IP, NetworkModel, type Network, type NetOp } from '../network/network';
import { Fabric } from '../network/overlay';
import type { PortBindingRequest, Proto } from '../network/ports';
import { formatIp } from '../network/ip';
import { Kernel } from '../kernel/kernel';
import type { Resources } from '../kernel/cgroups';
import { adaptResources, containerRefs, namespaceJoin, validateIpcMode, type NamespaceModes } from '../kernel/hostConfig';
import { programRss, resolveExecutable } from '../kernel/programs';
import { containerMounts, HOST_HOSTNAME, mountsOfNamespace, overlayOptions } from '../kernel/system';
import type { UtilMount } from '../shell/context';
import { processFs } from '../kernel/views';
import { utilProcess } from '../kernel/procfs';
import { UnionFs } from '../unionfs/unionFs';
import { lookupUser, parseGroup, parsePasswd } from '../cshell/users';
import { resolvePath, type Fs } from '../shell/filesystem';
import { StdinPipe } from './stdin';
import { execChdirError, execStartError, execUserError, type ExecHandle, type ExecHook, type ExecInstance, type ExecIO, type ExecOptions } from './exec';
import { MemFs } from '../shell/memfs';
import { VolumesService } from './volumes/volumeService';
import { ContainerMounts, type MountsRequest } from './volumes/containerMounts';
import { copyIntoContainer, volumeTree } from './volumes/volumeCopy';

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

export interface EngineOptions {
  scheduler: Scheduler;
  rng: Rng;
  /** The host's cgroup hierarchy: v1 as on the reference host (default), or v2 (systemd driver). */
  cgroupVersion?: 1 | 2;
  /** Another simulated host of the course's cross-host case (made by the local engine for `docker -H node2`). */
  host?: { name: string; ip: string };
  fabric?: Fabric;
  /**
   * Images already there when the daemon starts, as references to the built-in
   * catalog ("busybox:latest"): what the conformance host has (test/setup/images.sh).
   * Absent or empty is a fresh install: no images, `docker run` pulls from the simulated Hub.
   */
  preload?: readonly string[];
  /** The host's filesystem (the host shell's): volumes' data and bind sources live there. A fresh one when absent. */
  hostFs?: Fs;
}

/** The other hosts on the simulated LAN that `docker -H` can address. */
export const PEER_HOSTS: readonly { name: string; ip: string }[] = [
  { name: 'node2', ip: '10.0.2.16' },
  { name: 'node3', ip: '10.0.2.17' },
];

/** What `docker create`/`docker run` ask of the daemon (Engine API ContainerCreate, trimmed). */
export interface CreateOptions {
  /** The image reference as typed (`busybox`, `busybox:latest`). */
  image: string;
  /** Without the leading slash; generated when absent. */
  name?: string;
  /** The command after the image; empty or absent keeps the image's Cmd. */
  cmd?: string[];
  /** `--entrypoint`: absent keeps the image's; `''` resets it. */
  entrypoint?: string;
  /** `-w`/a build step's WORKDIR: absent keeps the image's. */
  workingDir?: string;
  env?: string[];
  hostname?: string;
  tty?: boolean;
  openStdin?: boolean;
  attachStdin?: boolean;
  attachStdout?: boolean;
  attachStderr?: boolean;
  autoRemove?: boolean;
  /** `--restart` as the client parsed it; the daemon validates the name and count. */
  restartPolicy?: RestartPolicyRequest;
  labels?: Record<string, string>;
  /** `--stop-signal`: what `docker stop` sends first (default SIGTERM). */
  stopSignal?: string;
  /** `-u`: name, uid, name:group or uid:gid; absent keeps the image's. */
  user?: string;
  /** `--stop-timeout`: seconds `docker stop` waits before SIGKILL (default 10). */
  stopTimeout?: number;
  /** HostConfig.NetworkMode: '' or 'default' (the bridge), 'bridge', 'host', 'none', 'container:<ref>', a network. */
  networkMode?: string;
  /** `--network-alias` and `--ip` for the network of the mode. */
  networkAliases?: string[];
  ip?: string;
  /** `-p`, as the client parsed it. */
  portBindings?: PortBindingRequest[];
  /** `-P`. */
  publishAll?: boolean;
  /** `--expose` (and the ports of `-p`), added to the image's ExposedPorts. */
  expose?: { port: number; proto: Proto }[];
  /** Further `--network` flags (Engine 20.10 refuses more than one at create). */
  extraNetworks?: string[];
  /** `--memory`, `--cpus`, `--pids-limit` … as the client parsed them (HostConfig's units). */
  resources?: Partial<Resources>;
  /** `--pid`, `--ipc`, `--uts`: '' or absent for the container's own. */
  pidMode?: string;
  ipcMode?: string;
  utsMode?: string;
  /** -v, --mount, --volumes-from, --tmpfs, --read-only, --volume-driver as the client sent them. */
  mounts?: MountsRequest;
}

/** Where attached output goes, and what feeds stdin. */
export interface AttachOptions {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * With `-i`: the piped input (delivered, then end of file), or null when
   * stdin is the interactive terminal (stays open). Ignored without `-i`.
   */
  stdin?: string | null;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  text: string;
  /** ms since epoch */
  time: number;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

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
  /** Its mounts: a volume's name, the host path, the volume driver ('' for binds and tmpfs). */
  mounts?: { name: string; source: string; driver: string }[];
}

type Listener = (transitions: Transition[], events: DockerEvent[]) => void;

interface Run {
  alive: boolean;
  pid: number;
  startedAt: number;
  timers: Set<() => void>;
  /** Timer callbacks that came due while frozen; run at unpause. */
  deferred: (() => void)[];
  handler: ((signal: number, from?: number) => void) | null;
  /** Feeds whoever reads stdin (through a line discipline with a tty). */
  stdin: StdinPipe;
}

interface Container {
  id: string;
  name: string;
  imageRef: string;
  image: Image;
  path: string;
  args: string[];
  config: {
    hostname: string;
    env: string[];
    cmd: string[] | null;
    entrypoint: string[] | null;
    tty: boolean;
    openStdin: boolean;
    stdinOnce: boolean;
    attachStdin: boolean;
    attachStdout: boolean;
    attachStderr: boolean;
    workingDir: string;
    labels: Record<string, string>;
    /** Config.StopSignal, '' when unset. */
    stopSignal: string;
    /** Config.StopTimeout, null when unset. */
    stopTimeout: number | null;
    /** Config.User: who PID 1 runs as ('' is root). */
    user: string;
    /** Config.ExposedPorts keys ("80/tcp"), in the order Docker sorts them. */
    exposedPorts: string[];
  };
  autoRemove: boolean;
  restartPolicy: RestartPolicy;
  created: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  error: string;
  actor: Actor<typeof containerMachine>;
  state: ContainerState;
  run: Run | null;
  logs: LogEntry[];
  attachments: Set<AttachOptions>;
  /** The stdin a client attached for the next start. */
  pendingStdin: string | null | undefined;
  waiters: { condition: WaitCondition; resolve: (code: number) => void }[];
  /** Called once when the current process exits (stop's wait). */
  exitListeners: (() => void)[];
  restartTimer: (() => void) | null;
  backoffMs: number;
  /** Set while `docker restart` stops the container, so `--rm` does not remove it. */
  manualRestart: boolean;
  /** HostConfig's resources; replaced (not mutated) by `docker update`. */
  resources: Resources;
  nsModes: NamespaceModes;
  oomKilled: boolean;
  /** The root filesystem: the image's layers, the init layer and the upper layer, overlay-mounted. */
  mount: UnionMount;
  /** The overlay2 directory of the upper layer (the init layer's is this + "-init"). */
  layerId: string;
  /** The container's filesystem as its programs see it. */
  fs: Fs;
  /** `docker exec` processes: created (not started yet) and running. */
  execs: Map<string, ExecInstance>;
  /** Children its processes forked (Proc.spawn), by pid in the container: what a kill(2) to them reaches. */
  forked: Map<number, { handler: ((signal: number, from?: number) => void) | null; killed: (signal: number) => void }>;
  /** `docker rm -v`: its anonymous volumes go with it. */
  removeVolumes?: boolean;
}

/** dockerd's host pid in the simulation, for the ops it makes (libnetwork's netlink and iptables calls). */
const ZERO_TIME = '0001-01-01T00:00:00Z';
const MAX_LOG_ENTRIES = 10_000;
/** dockerd keeps this many events in memory for `docker events --since`. */
const EVENTS_KEPT = 256;
const NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** RFC 3339 with nanoseconds, trailing zeros trimmed, as Go's RFC3339Nano prints. */
export function rfc3339Nano(ms: number): string {
  if (ms <= 0) return ZERO_TIME;
  const iso = isoTime(ms); // 2026-01-01T00:00:00.500Z
  const dot = iso.lastIndexOf('.');
  let end = iso.length - 1;
  while (end > dot + 1 && iso.charCodeAt(end - 1) === 0x30 /* '0' */) end--;
  return end === dot + 1 ? iso.slice(0, dot) + 'Z' : iso.slice(0, end) + 'Z';
}

export class Engine {
  private readonly scheduler: Scheduler;
  private readonly rng: Rng;
  private readonly containers = new Map<string, Container>();
  private readonly names = new Map<string, string>();
  /** Images, their references and layers (the API other image commands build on: see core/images/store.ts). */
  readonly imageStore = new ImageStore();
  private readonly listeners = new Set<Listener>();
  private readonly eventLog: DockerEvent[] = [];
  private pendingTransitions: Transition[] = [];
  private pendingEvents: DockerEvent[] = [];
  private depth = 0;
  /** The simulated host kernel: processes, namespaces, cgroups (core/kernel). */
  readonly kernel: Kernel;
  /** While a container starts: the network's in-namespace steps, held for runc's prestart hook. */
  private netOpsForSetKey: NetOp[] | null = null;
  /** Each container's last snapshot and what it was built from (see containerSnapshot). */
  private readonly snapshotMemo = new WeakMap<Container, SnapshotMemo>();
  /** The kernel operations the engine's commands cause (core/kernel/trace.ts lists who emits what). */
  readonly trace: TraceRecorder;
  /** libnetwork: networks, sandboxes, ports, NAT, and the socket layer programs use. */
  readonly net: NetworkModel;
  private imageSnapshotMemo: { version: number; images: ImageSnapshot[]; layers: LayerSnapshot[] } | undefined;
  private readonly layerSnapshotMemo = new WeakMap<Container, { version: number; layers: LayerSnapshot[] }>();
  private allLayersMemo: { images: LayerSnapshot[]; containerSet: number; upperSum: number; layers: LayerSnapshot[] } | undefined;
  /** Bumped when a container is added or removed (the layer list's memo). */
  private containerSetVersion = 0;
  /** The simulated LAN and swarm this host is on. */
  private readonly fabric: Fabric;
  /** '' for the local host. */
  readonly hostName: string;
  /** The other simulated hosts, made on first use (`docker -H node2`). */
  private readonly peers = new Map<string, Engine>();
  /** The images this daemon started with (EngineOptions.preload). */
  private readonly preload: readonly string[];
  /** The host's filesystem: where volumes' data and bind sources are. */
  readonly hostFs: Fs;
  /** Volumes (core/engine/volumes/volumeService.ts); change them through volumeOp. */
  readonly volumes: VolumesService;
  /** Each container's mounts (core/engine/volumes/containerMounts.ts). */
  private readonly mounts: ContainerMounts;

  constructor(opts: EngineOptions) {
    this.scheduler = opts.scheduler;
    this.rng = opts.rng;
    this.trace = new TraceRecorder(opts.scheduler);
    this.kernel = new Kernel({ scheduler: opts.scheduler, rng: seededRng(randomHex(this.rng, 16)), trace: this.trace, cgroupVersion: opts.cgroupVersion ?? 1 });
    this.kernel.onPidNamespaceGone = (id) => {
      const c = this.containers.get(id);
      if (c?.run) this.processExited(c, c.run, 137, 'SIGKILL');
    };
    this.preload = [...(opts.preload ?? [])];
    this.hostFs = opts.hostFs ?? new MemFs(() => opts.scheduler.now());
    this.volumes = new VolumesService({
      fs: this.hostFs,
      rng: this.rng,
      now: () => this.scheduler.now(),
      emit: (action, name, attributes) => this.emitEvent({ type: 'volume', action, id: name, attributes, time: this.scheduler.now() }),
    });
    this.mounts = new ContainerMounts({
      volumes: this.volumes,
      hostFs: this.hostFs,
      mountsOf: (ref) => {
        const c = this.get(ref);
        return { id: c.id, points: this.mounts.points(c.id) };
      },
      now: () => this.scheduler.now(),
    });
    loadBuiltinImages(this.imageStore, this.preload);
    this.fabric = opts.fabric ?? new Fabric(seededRng(`fabric-${this.rng.nextU32()}`));
    this.hostName = opts.host?.name ?? '';
    this.net = new NetworkModel({
      host: opts.host,
      fabric: this.fabric,
      rng: seededRng(`network-${this.rng.nextU32()}`),
      now: () => this.scheduler.now(),
      onOp: (op) => {
        // libnetwork makes the veth pair and the NAT rules before the task exists; what happens inside the
        // container's namespace waits for runc's prestart hook (libnetwork-setkey), as on a real host.
        if (this.netOpsForSetKey && insideNetns(op)) this.netOpsForSetKey.push(op);
        else this.emitNetOp(op);
      },
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
      peer = new Engine({ scheduler: this.scheduler, rng: seededRng(`${known.name}-${this.rng.nextU32()}`), host: known, fabric: this.fabric, preload: this.preload });
      peer.subscribe((t, e) => {
        for (const l of [...this.listeners]) l(t, e);
      });
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The whole visible state as plain data. */
  snapshot(): Snapshot {
    const now = this.scheduler.now();
    const containers: ContainerSnapshot[] = [];
    for (const c of this.containers.values()) containers.push(this.containerSnapshot(c, now));
    const { images } = this.imageSnapshots();
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
      layers: this.layerSnapshots(),
      ...(hosts ? { hosts } : {}),
      trace: this.trace.recent(),
      networks,
      interfaces,
      natRules: this.net.natRules(),
      volumes: this.volumes.snapshots(),
      processes: this.kernel.processSnapshots(),
      namespaces: this.kernel.namespaceSnapshots(),
      cgroups: this.kernel.cgroupSnapshots(),
    };
  }

  /** The events dockerd still holds (the last 256), oldest first. */
  events(): readonly DockerEvent[] {
    return this.eventLog;
  }

  now(): number {
    return this.scheduler.now();
  }

  /** Runs `cb` after `ms` of virtual time (a client that redraws, like `docker stats`). Returns a cancel function. */
  after(ms: number, cb: () => void): () => void {
    return this.scheduler.after(ms, cb);
  }

  // -------------------------------------------------------------------------
  // Images

  /** The image a reference (or id) names, or undefined (the client then tries to pull it). */
  image(ref: string): Image | undefined {
    return this.imageStore.get(ref);
  }

  /** The image a reference names; throws the daemon's "No such image" / "invalid reference format". */
  resolveImage(ref: string): Image {
    try {
      return this.imageStore.resolve(ref);
    } catch (e) {
      throw imageLookupError(ref, e);
    }
  }

  /** Bytes of all the image's layers (Docker's Size). */
  imageSize(image: Image): number {
    return this.imageStore.size(image);
  }

  /**
   * A pull from the simulated Docker Hub: the progress messages the daemon
   * streams (layer updates, "Already exists" for layers the store has, Digest
   * and Status), for the client to print. A repository or tag the Hub lacks is
   * refused as Hub does.
   */
  pull(ref: string): PullMessage[] {
    return this.op(() => pull(this.imageContext(), ref).messages);
  }

  /** `docker tag SOURCE TARGET`. */
  tagImage(source: string, target: string): void {
    this.op(() => {
      const image = this.resolveImage(source);
      const name = this.imageStore.tag(image.id, target, rfc3339Nano(this.scheduler.now()));
      this.emitImage('tag', image.id, { name });
    });
  }

  /** `docker rmi [-f] [--no-prune]`: the Untagged/Deleted records, or a DaemonError (conflicts as Docker words them). */
  removeImage(ref: string, opts: { force?: boolean; prune?: boolean } = {}): DeleteRecord[] {
    return this.op(() => removeImage(this.imageContext(), ref, opts));
  }

  /** `docker image prune [-a]`. */
  pruneImages(opts: { all?: boolean } = {}): { records: DeleteRecord[]; reclaimed: number } {
    return this.op(() => pruneImages(this.imageContext(), opts));
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

  /** A pull for a build's FROM: the progress messages and the image. */
  pullImage(ref: string): { messages: PullMessage[]; image: Image } {
    return this.op(() => pull(this.imageContext(), ref));
  }

  /** The reference as the daemon names it: `busybox` → `busybox:latest`. */
  normalizeRef(ref: string): string {
    return normalizeImageRef(ref);
  }

  /** A build's COPY/ADD step: the parent's layers plus one holding `tree`, the step in the history. */
  addImageLayer(parentId: string, tree: LayerDir, config: ImageConfig, createdBy: string): Image {
    return this.op(() => addImageLayer(this.imageContext(), this.resolveImage(parentId), tree, config, createdBy));
  }

  /** The files under `path` in an image's merged layers (COPY --from=stage). */
  imageFiles(imageId: string, path: string): BuildFile[] {
    return imageFiles(this.resolveImage(imageId), path);
  }

  /** `docker load`: adds the images `load` reads from the archive, tags them, and returns the lines the client prints. */
  loadImages(load: (store: ImageStore) => LoadedImage[]): string[] {
    return this.op(() => loadIntoStore(this.imageContext(), load));
  }

  /** `docker import`: an image of one layer; returns its id. */
  importImage(opts: ImportOptions): string {
    return this.op(() => importImage(this.imageContext(), opts));
  }

  /** `docker cp SRC CONTAINER:PATH`: puts `node` into the container's upper layer (copy-up, as a write would), or into the volume or bind mounted there. */
  copyToContainer(ref: string, path: string, node: TreeNode, name: string): void {
    this.op(() => {
      const c = this.get(ref);
      if (this.mounts.mounted(c.id)) {
        copyIntoContainer({ union: c.mount, view: c.fs, route: (p) => this.mounts.route(c.id, p), readonlyRootfs: this.mounts.readonlyRootfs(c.id) }, c.name, path, node, name);
      } else copyIntoMount(c.mount, c.name, path, node, name);
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
      return commit(this.imageContext(), {
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

  /** The diff directory of one layer (image, init or upper), whiteouts and opaque directories marked; [] for an unknown id. */
  layerEntries(layerId: string): readonly LayerEntry[] {
    const layer = this.findLayer(layerId);
    return layer ? layerEntries(layer) : [];
  }

  /** Bytes of one layer's diff (0 for an unknown id). */
  layerSize(layerId: string): number {
    const layer = this.findLayer(layerId);
    return layer ? layerStats(layer).size : 0;
  }

  /** Bytes in the container's upper layer (the API's SizeRw). */
  containerSizeRw(ref: string): number {
    return layerStats(this.get(ref).mount.upper).size;
  }

  /** `docker cp CONTAINER:PATH`: the tree at `path`, from the volume or bind mounted there when there is one; undefined when nothing is there. */
  containerTree(ref: string, path: string): TreeNode | undefined {
    const c = this.get(ref);
    const abs = path.startsWith('/') ? path : `/${path}`;
    const mounted = this.mounts.route(c.id, abs);
    return mounted ? volumeTree(mounted.fs, mounted.path) : c.mount.tree(abs);
  }

  /** The image a container was created from. */
  resolveContainerImage(ref: string): Image {
    return this.get(ref).image;
  }

  /** Whether a layer (image, init or upper) of that id exists. */
  hasLayer(layerId: string): boolean {
    return this.findLayer(layerId) !== undefined;
  }

  private findLayer(layerId: string): Layer | undefined {
    const image = this.imageStore.layer(layerId);
    if (image) return image;
    for (const c of this.containers.values()) {
      if (c.layerId === layerId) return c.mount.upper;
      if (`${c.layerId}-init` === layerId) return c.mount.layers[1];
    }
    return undefined;
  }

  private imageContext(): ImageServiceContext {
    return {
      store: this.imageStore,
      now: () => rfc3339Nano(this.scheduler.now()),
      containersUsing: (imageId) => containersUsingImage([...this.containers.values()].reverse(), imageId),
      emit: (action, id, attributes) => this.emitImage(action, id, attributes),
    };
  }

  /** Runs `fn` on the volumes as one change (listeners hear of it once, with the volume events it caused). */
  volumeOp<T>(fn: (volumes: VolumesService) => T): T {
    return this.op(() => fn(this.volumes));
  }

  private emitEvent(event: DockerEvent): void {
    this.pendingEvents.push(event);
    this.eventLog.push(event);
    if (this.eventLog.length > EVENTS_KEPT) this.eventLog.splice(0, this.eventLog.length - EVENTS_KEPT);
  }

  private emitImage(action: string, id: string, attributes: Record<string, string> = {}): void {
    const event: DockerEvent = { type: action === 'commit' ? 'container' : 'image', action, id, attributes, time: this.scheduler.now() };
    this.pendingEvents.push(event);
    this.eventLog.push(event);
    if (this.eventLog.length > EVENTS_KEPT) this.eventLog.splice(0, this.eventLog.length - EVENTS_KEPT);
  }

  /** Image snapshots and their layers (each once, shared layers too), rebuilt only when the store changed. */
  private imageSnapshots(): { images: ImageSnapshot[]; layers: LayerSnapshot[] } {
    const memo = this.imageSnapshotMemo;
    if (memo && memo.version === this.imageStore.version) return memo;
    const images: ImageSnapshot[] = [];
    const layers: LayerSnapshot[] = [];
    const seen = new Set<string>();
    for (const image of this.imageStore.list()) {
      images.push(deepFreeze({ id: image.id, tags: [...image.repoTags], layers: image.layers.map((l) => l.id), size: this.imageStore.size(image), created: image.created }));
      const chains = this.imageStore.chainIds(image);
      const createdBy = image.history.filter((h) => !h.emptyLayer).map((h) => h.createdBy);
      image.layers.forEach((l, i) => {
        if (seen.has(l.id)) return;
        seen.add(l.id);
        const stats = layerStats(l);
        const snap: LayerSnapshot = {
          id: l.id,
          kind: 'image',
          parent: i === 0 ? null : image.layers[i - 1]!.id,
          dir: `/var/lib/docker/overlay2/${cacheDir(chains[i]!)}/diff`,
          size: stats.size,
          entries: stats.entries,
        };
        if (createdBy[i] !== undefined) snap.createdBy = createdBy[i];
        layers.push(deepFreeze(snap));
      });
    }
    this.imageSnapshotMemo = { version: this.imageStore.version, images: Object.freeze(images) as ImageSnapshot[], layers: Object.freeze(layers) as LayerSnapshot[] };
    return this.imageSnapshotMemo;
  }

  /** Every layer, each once: the images' (shared ones once), then each container's init and upper layer. Reused while nothing changed. */
  private layerSnapshots(): LayerSnapshot[] {
    const { layers: imageLayers } = this.imageSnapshots();
    // Upper layer versions only grow, so their sum changes whenever any of them does.
    let upperSum = 0;
    for (const c of this.containers.values()) upperSum += c.mount.upper.version;
    const memo = this.allLayersMemo;
    if (memo && memo.images === imageLayers && memo.containerSet === this.containerSetVersion && memo.upperSum === upperSum) return memo.layers;
    const layers = [...imageLayers];
    for (const c of this.containers.values()) layers.push(...this.containerLayerSnapshots(c));
    Object.freeze(layers);
    this.allLayersMemo = { images: imageLayers, containerSet: this.containerSetVersion, upperSum, layers };
    return layers;
  }

  /** A container's init and upper layer snapshots, rebuilt only when its upper layer changed. */
  private containerLayerSnapshots(c: Container): LayerSnapshot[] {
    const upper = c.mount.upper;
    const memo = this.layerSnapshotMemo.get(c);
    if (memo && memo.version === upper.version) return memo.layers;
    const init = c.mount.layers[1]!;
    const initStats = layerStats(init);
    const upperStats = layerStats(upper);
    const top = c.image.layers[c.image.layers.length - 1];
    const layers: LayerSnapshot[] = [
      deepFreeze({ id: init.id, kind: 'init', parent: top?.id ?? null, dir: `/var/lib/docker/overlay2/${init.id}/diff`, size: initStats.size, entries: initStats.entries, containerId: c.id }),
      deepFreeze({ id: upper.id, kind: 'container', parent: init.id, dir: `/var/lib/docker/overlay2/${upper.id}/diff`, size: upperStats.size, entries: upperStats.entries, containerId: c.id }),
    ];
    this.layerSnapshotMemo.set(c, { version: upper.version, layers });
    return layers;
  }

  /** overlay2's directories for a container: lowerdir= top first (init, then the image's layers), upperdir, workdir, merged. */
  /** What mount and df show in the container: its mount namespace's table, the one /proc/mounts prints. */
  private mountTable(c: Container): UtilMount[] {
    const mnt = this.kernel.containerNamespaces(c.id)?.mnt;
    if (mnt !== undefined) return mountsOfNamespace(this.kernel, mnt);
    return containerMounts({ id: c.id, rootfsOptions: overlayOptions(this.rootfsMount(c)) }, Math.floor(this.kernel.memTotal / 1024), this.kernel.cgroupVersion);
  }

  private rootfsMount(c: Container): RootfsMount {
    const chains = this.imageStore.chainIds(c.image);
    const lowers = [`/var/lib/docker/overlay2/${c.layerId}-init/diff`];
    for (let i = chains.length - 1; i >= 0; i--) lowers.push(`/var/lib/docker/overlay2/${cacheDir(chains[i]!)}/diff`);
    return {
      containerId: c.id,
      lowerdirs: lowers,
      upperdir: `/var/lib/docker/overlay2/${c.layerId}/diff`,
      workdir: `/var/lib/docker/overlay2/${c.layerId}/work`,
      merged: `/var/lib/docker/overlay2/${c.layerId}/merged`,
      layers: [...c.image.layers.map((l) => l.id), `${c.layerId}-init`, c.layerId],
    };
  }


  // -------------------------------------------------------------------------
  // Lookup

  /** dockerd's GetContainer: full id, then name, then unique id prefix. */
  private get(ref: string): Container {
    if (ref === '') throw new DaemonError(`invalid name or ID supplied: ""`, 'invalidParameter');
    const byId = this.containers.get(ref);
    if (byId) return byId;
    const byName = this.names.get(ref.startsWith('/') ? ref.slice(1) : ref);
    if (byName) return this.containers.get(byName)!;
    if (/^[0-9a-f]+$/.test(ref)) {
      let found: Container | undefined;
      for (const [id, c] of this.containers) {
        if (!id.startsWith(ref)) continue;
        if (found) throw new DaemonError(`multiple IDs found with provided prefix: ${ref}`, 'invalidParameter');
        found = c;
      }
      if (found) return found;
    }
    throw noSuchContainer(ref);
  }

  /** The full id a reference resolves to (throws DaemonError as the API would). */
  resolve(ref: string): string {
    return this.get(ref).id;
  }

  // -------------------------------------------------------------------------
  // Create

  create(opts: CreateOptions): { id: string; warnings: string[] } {
    return this.op(() => {
      // verifyContainerSettings runs before the image is looked up: Config (the stop signal), then HostConfig.
      if (opts.stopSignal) validateStopSignal(opts.stopSignal);
      const requested = opts.restartPolicy ?? { name: 'no', maximumRetryCount: 0 };
      if (opts.autoRemove && requested.name !== 'no' && requested.name !== '') {
        throw new DaemonError(`can't create 'AutoRemove' container with restart policy`, 'invalidParameter');
      }
      const restartPolicy = validateRestartPolicy(requested);
      this.mounts.verify(opts.mounts ?? {});
      if (opts.extraNetworks && opts.extraNetworks.length > 0) {
        throw new DaemonError(`Container cannot be connected to network endpoints: ${[opts.networkMode ?? '', ...opts.extraNetworks].join(', ')}`, 'invalidParameter');
      }
      const { resources, warnings } = adaptResources(opts.resources ?? {}, this.kernel.cpus);
      const nsModes: NamespaceModes = {
        pid: opts.pidMode ?? '',
        ipc: validateIpcMode(opts.ipcMode ?? ''),
        uts: opts.utsMode ?? '',
        net: opts.networkMode ?? 'bridge',
        cgroupns: this.kernel.cgroupVersion === 1 ? 'host' : 'private',
      };
      for (const ref of containerRefs(nsModes)) this.get(ref);
      // dockerd stores the pid mode's container by its full id.
      if (nsModes.pid.startsWith('container:')) nsModes.pid = `container:${this.get(nsModes.pid.slice('container:'.length)).id}`;
      const image = this.image(opts.image);
      if (!image) throw new DaemonError(`No such image: ${normalizeImageRef(opts.image)}`, 'notFound');
      let name = opts.name;
      if (name !== undefined && name !== '') {
        if (!NAME_PATTERN.test(name)) throw new DaemonError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, 'invalidParameter');
        if (name.startsWith('/')) name = name.slice(1);
        const holder = this.names.get(name);
        if (holder) {
          throw new DaemonError(
            `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
            'conflict',
          );
        }
      }
      const entrypoint = opts.entrypoint === undefined ? image.config.Entrypoint : opts.entrypoint === '' ? null : [opts.entrypoint];
      const userCmd = opts.cmd && opts.cmd.length > 0 ? opts.cmd : null;
      // A user entrypoint drops the image's Cmd (Docker does the same).
      const cmd = userCmd ?? (opts.entrypoint === undefined ? image.config.Cmd : null);
      const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
      if (argv.length === 0) throw new DaemonError('No command specified', 'invalidParameter');

      const id = this.newId();
      if (name === undefined || name === '') name = this.generateUniqueName(id);
      const now = this.scheduler.now();
      // dockerd appends the default PATH when neither the image nor the user sets one.
      const env = withImageEnv(opts.env ?? [], image.config.Env ?? []);
      if (!env.some((kv) => kv.startsWith('PATH='))) env.push(`PATH=${DEFAULT_PATH}`);
      // moby's newContainer: a host-network container takes the host's name.
      const hostname = opts.hostname || (opts.networkMode === 'host' ? HOST_HOSTNAME : id.slice(0, 12));
      this.net.register({
        id,
        name,
        hostname,
        mode: opts.networkMode ?? '',
        aliases: opts.networkAliases ?? [],
        ip: opts.ip ?? '',
        portBindings: opts.portBindings ?? [],
        publishAll: opts.publishAll ?? false,
        exposed: exposedPorts(image, opts),
      });
      const actor = createActor(containerMachine, { input: { restartPolicy } }).start();
      const c: Container = {
        id,
        name,
        imageRef: opts.image,
        image,
        path: argv[0]!,
        args: argv.slice(1),
        config: {
          hostname,
          env,
          cmd,
          entrypoint,
          tty: opts.tty ?? false,
          openStdin: opts.openStdin ?? false,
          stdinOnce: (opts.openStdin ?? false) && (opts.attachStdin ?? false),
          attachStdin: opts.attachStdin ?? false,
          attachStdout: opts.attachStdout ?? false,
          attachStderr: opts.attachStderr ?? false,
          workingDir: opts.workingDir ?? image.config.WorkingDir,
          labels: { ...(image.config.Labels ?? {}), ...(opts.labels ?? {}) },
          // moby's merge(): an unset stop signal is the image's (nginx's STOPSIGNAL SIGQUIT).
          stopSignal: opts.stopSignal || (image.config.StopSignal ?? ''),
          stopTimeout: opts.stopTimeout ?? null,
          user: opts.user ?? image.config.User ?? '',
          exposedPorts: exposedPorts(image, opts).map((e) => `${e.port}/${e.proto}`),
        },
        autoRemove: opts.autoRemove ?? false,
        restartPolicy,
        created: now,
        startedAt: 0,
        finishedAt: 0,
        exitCode: 0,
        error: '',
        actor,
        state: 'created',
        run: null,
        logs: [],
        attachments: new Set(),
        pendingStdin: undefined,
        waiters: [],
        exitListeners: [],
        restartTimer: null,
        backoffMs: 0,
        manualRestart: false,
        resources,
        nsModes,
        oomKilled: false,
        layerId: layerIdFor(id),
        mount: undefined as unknown as UnionMount,
        fs: undefined as unknown as Fs,
        execs: new Map(),
        forked: new Map(),
      };
      c.mount = this.newMount(c);
      try {
        const root = new UnionFs(c.mount, Date.parse(image.created));
        c.fs = this.mounts.create(id, opts.mounts ?? {}, { imageVolumes: Object.keys(image.config.Volumes ?? {}), union: c.mount, root, rootMounts: c.mount.bindPaths() });
      } catch (e) {
        this.net.unregister(id);
        throw e;
      }
      this.containers.set(id, c);
      this.containerSetVersion++;
      this.names.set(name, id);
      this.emit(c, 'create');
      this.transition(c, null, 'created', 'create');
      warnings.push(...(opts.networkMode === 'host' && ((opts.portBindings ?? []).length > 0 || opts.publishAll) ? ['Published ports are discarded when using host network mode'] : []));
      return { id, warnings };
    });
  }

  /** The container's root filesystem: image layers, a fresh init layer and an empty upper layer; runc's bind mounts over them. */
  private newMount(c: Container): UnionMount {
    return new UnionMount({
      lowers: [...c.image.layers, newLayer(`${c.layerId}-init`, 'init', initLayerTree())],
      upper: newLayer(c.layerId, 'container', { kind: 'dir', mode: 0o755, children: new Map() }),
      binds: runtimeBinds({ hostname: c.config.hostname, hosts: DEFAULT_HOSTS, resolvConf: 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n' }),
      now: () => this.scheduler.now(),
    });
  }

  private newId(): string {
    for (;;) {
      const id = randomHex(this.rng, 64);
      // Docker rejects all-digit ids (they could be read as numbers).
      if (!/^[0-9]+$/.test(id.slice(0, 12)) && !this.containers.has(id)) return id;
    }
  }

  /** dockerd's generateNewName: six tries (a digit appended after the first), then the short id. */
  private generateUniqueName(id: string): string {
    for (let retry = 0; retry < 6; retry++) {
      const name = generateName(this.rng, retry);
      if (!this.names.has(name)) return name;
    }
    return id.slice(0, 12);
  }

  // -------------------------------------------------------------------------
  // Attach, start

  /** Attaches a client to the container's output (and stdin, with -i). Emits `attach`. Returns a detach function. */
  attach(ref: string, sink: AttachOptions): () => void {
    return this.op(() => {
      const c = this.get(ref);
      c.attachments.add(sink);
      if (c.config.openStdin && sink.stdin !== undefined) c.pendingStdin = sink.stdin;
      this.emit(c, 'attach');
      return () => {
        c.attachments.delete(sink);
      };
    });
  }

  /** Streams the container's new output to `sink` (`docker logs -f`), without the attach a client makes. Returns a stop function. */
  followLogs(ref: string, sink: Pick<AttachOptions, 'stdout' | 'stderr'>): () => void {
    const c = this.get(ref);
    const entry: AttachOptions = { stdout: sink.stdout, stderr: sink.stderr };
    c.attachments.add(entry);
    return () => {
      c.attachments.delete(entry);
    };
  }

  /** Keystrokes or text for PID 1's stdin (an attached `-i` client); ignored without -i or when it is not running. */
  writeStdin(ref: string, data: string): void {
    this.op(() => {
      const c = this.get(ref);
      if (c.config.openStdin && c.run) c.run.stdin.write(data);
    });
  }

  /** The attached client closed stdin (end of file). */
  closeStdin(ref: string): void {
    this.op(() => {
      const c = this.get(ref);
      if (c.config.openStdin && c.run) c.run.stdin.close();
    });
  }

  // -------------------------------------------------------------------------
  // Exec

  private readonly execHooks = new Set<ExecHook>();

  /** Tells `hook` whenever an exec process starts or ends (the kernel model's seam). Returns an unsubscribe function. */
  onExec(hook: ExecHook): () => void {
    this.execHooks.add(hook);
    return () => this.execHooks.delete(hook);
  }

  /** dockerd's getActiveContainer: the container must be running, not paused or restarting. */
  private activeContainer(ref: string): Container {
    const c = this.get(ref);
    if (c.state === 'paused') throw new DaemonError(`Container ${ref} is paused, unpause the container before exec`, 'conflict');
    if (c.state === 'restarting') throw new DaemonError(`Container ${c.id} is restarting, wait until the container is running`, 'conflict');
    if (c.state !== 'running' || !c.run) throw new DaemonError(`Container ${c.id} is not running`, 'conflict');
    return c;
  }

  /** POST /containers/{id}/exec: an exec instance, not started yet. Emits exec_create. */
  execCreate(ref: string, opts: ExecOptions): string {
    return this.op(() => {
      const c = this.activeContainer(ref);
      const id = randomHex(this.rng, 64);
      c.execs.set(id, { id, opts, running: false, pid: 0, stdin: null, kill: () => {}, handler: null });
      this.emit(c, `exec_create: ${opts.cmd.join(' ')}`, { execID: id });
      return id;
    });
  }

  /**
   * POST /exec/{id}/start: runs the command in the container. Throws a
   * DaemonError with exit code 126 when runc cannot start it (missing command,
   * working directory or user).
   */
  execStart(execId: string, io: ExecIO): ExecHandle {
    return this.op(() => {
      const c = [...this.containers.values()].find((x) => x.execs.has(execId));
      if (!c) throw new DaemonError(`No such exec instance: ${execId}`, 'notFound');
      const inst = c.execs.get(execId)!;
      this.activeContainer(c.id);
      const run = c.run!;
      const { opts } = inst;
      const cmd = opts.cmd[0];
      this.emit(c, `exec_start: ${opts.cmd.join(' ')}`, { execID: execId });
      const fail = (message: string): never => {
        c.execs.delete(execId);
        throw new DaemonError(message, 'system', 126);
      };
      const read = (path: string): string => {
        const r = c.fs.tryRead(path);
        return 'data' in r ? r.data : '';
      };
      // Without -u, an exec runs as the container's user.
      const user = opts.user || c.config.user;
      const who = lookupUser(user, parsePasswd(read('/etc/passwd')), parseGroup(read('/etc/group')));
      if (!who) return fail(execUserError(user));
      const cwd = resolvePath(opts.workingDir || c.config.workingDir || '/', '/');
      if (!c.fs.isDir(cwd)) fail(execChdirError(opts.workingDir || cwd));
      const base = this.processEnv(c).filter((kv) => !kv.startsWith('HOME='));
      const env = mergeEnv([...base, `HOME=${who!.home}`], opts.env ?? []);
      const program = resolveCommand({ fs: c.fs, env, cwd }, cmd ?? '');
      if (typeof program === 'number') return fail(execStartError(cmd ?? '', program));
      const tty = opts.tty ?? false;
      // The kernel model: runc exec joins the container's namespaces and cgroup; the pid is the one inside.
      const kernelProc = this.execProcess(c.id, opts.cmd, { tty, uid: who!.uid });
      const pid = kernelProc.nsPid;
      let alive = true;
      const timers = new Set<() => void>();
      let resolveDone: (code: number) => void = () => {};
      const done = new Promise<number>((resolve) => (resolveDone = resolve));
      const write = (stream: 'stdout' | 'stderr', text: string): void => {
        if (!alive || text === '') return;
        (stream === 'stdout' || tty ? io.stdout : io.stderr)(text);
      };
      const stdin = new StdinPipe({ tty, echo: (t) => write('stdout', t), signal: (signal) => inst.handler?.(signal), alive: () => alive });
      const exit = (code: number): void => {
        if (!alive) return;
        alive = false;
        for (const cancel of timers) cancel();
        timers.clear();
        inst.running = false;
        c.execs.delete(execId);
        kernelProc.exit(code);
        this.op(() => this.emit(c, 'exec_die', { execID: execId, exitCode: String(code) }));
        for (const h of this.execHooks) h({ phase: 'exit', containerId: c.id, execId, pid, exitCode: code });
        resolveDone(code);
      };
      Object.assign(inst, { running: true, pid, stdin, kill: exit });
      const proc: Proc = {
        argv: opts.cmd,
        pid,
        spawn: (argv, o) => this.forkProcess(c, kernelProc.pid, argv, env, cwd, o?.fork),
        exec: (argv) => this.execInPlace(c, kernelProc.pid, argv, env, cwd),
        env,
        hostname: c.config.hostname,
        cwd,
        root: c.mount.root(),
        mount: c.mount,
        // An exec joins the container's network namespace.
        net: this.net.view(this.net.netnsOf(c.id) ?? c.id, c.id),
        fs: this.processFs(c, kernelProc.pid),
        user,
        processes: () => this.containerProcesses(c),
        rootfs: () => this.rootfsMount(c),
        mounts: () => this.mountTable(c),
        tty,
        stdin: { read: (onData, onEnd) => stdin.read(onData, onEnd), peek: () => stdin.peek() },
        now: () => this.scheduler.now(),
        stdout: (t) => write('stdout', t),
        stderr: (t) => write('stderr', t),
        exit: (code) => this.op(() => exit(code)),
        after: (ms, cb) => {
          let cancel: () => void = () => {};
          const fire = (): void => {
            timers.delete(cancel);
            if (!alive) return;
            if (c.state === 'paused') run.deferred.push(fire);
            else this.op(cb);
          };
          cancel = this.scheduler.after(ms, fire);
          timers.add(cancel);
          return () => {
            cancel();
            timers.delete(cancel);
          };
        },
        onSignal: (h) => {
          inst.handler = h;
        },
        cpus: this.kernel.cpus,
        setCommand: (argv, execve) => this.kernel.setArgv(kernelProc.pid, [...argv], execve),
        kill: (target, signal) => this.op(() => this.killInContainer(c, kernelProc.pid, target, signal)),
      };
      for (const h of this.execHooks) h({ phase: 'start', containerId: c.id, execId, pid, argv: opts.cmd, user });
      program(proc);
      if (alive) {
        if (!opts.attachStdin) stdin.close();
        else if (typeof io.stdin === 'string') stdin.close(io.stdin);
      }
      return { done, write: (data) => this.op(() => stdin.write(data)), closeStdin: () => this.op(() => stdin.close()) };
    });
  }

  /** The processes in a container's pid namespace: PID 1, the running execs and the children they forked. */
  private containerProcesses(c: Container): ProcessInfo[] {
    if (!c.run) return [];
    const users = new Map<number, string>();
    for (const e of c.execs.values()) if (e.running) users.set(e.pid, e.opts.user || c.config.user);
    const byHostPid = new Map<number, string>();
    const list: ProcessInfo[] = [];
    const inside = this.kernel.containerProcesses(c.id);
    const nsPidOf = new Map(inside.map((k) => [k.pid, k.nsPid]));
    const frozen = this.kernel.frozenPids();
    for (const k of inside) {
      // A forked child runs as its parent does.
      const user = k.pid === c.run.pid ? c.config.user : (users.get(k.nsPid) ?? byHostPid.get(k.ppid) ?? '');
      byHostPid.set(k.pid, user);
      const u = utilProcess(k, frozen);
      // The parent as the namespace sees it: one outside it (containerd-shim, runc) is 0.
      list.push({ pid: k.nsPid, user, command: k.argv.join(' '), argv: k.argv, ppid: nsPidOf.get(k.ppid) ?? 0, tty: k.tty, started: k.started, rss: k.rss, vsz: k.vsz, stat: u.stat });
    }
    return list.sort((a, b) => a.pid - b.pid);
  }

  /**
   * A running container's files below its procfs and sysfs (the union) and its
   * hostname: what a host program that enters its mount and uts namespaces sees (nsenter).
   */
  containerRoot(id: string): { fs: Fs; hostname: string } | undefined {
    const c = this.containers.get(id);
    return c ? { fs: c.fs, hostname: c.config.hostname } : undefined;
  }

  /** The container's files as one of its processes (host pid) sees them: procfs and sysfs mounted for it. */
  private processFs(c: Container, hostPid: number): Fs {
    return processFs(this.kernel, c.fs, hostPid, () => this.scheduler.now());
  }

  /** A container process forks a child that runs `argv` (Proc.spawn): the kernel records it until it exits. */
  private forkProcess(c: Container, parentPid: number, argv: readonly string[], env: string[], cwd: string, forkOnly = false): ChildProcess {
    const path = forkOnly ? '' : resolveExecutable(c.mount.root(), env, cwd, argv[0] ?? '');
    const pid = this.kernel.fork(parentPid, [...argv], path, { rss: programRss(argv[0] ?? ''), exec: !forkOnly });
    const nsPid = this.kernel.process(pid)?.nsPid ?? pid;
    let alive = true;
    let onKilled: (signal: number) => void = () => {};
    const end = (code: number, signal?: number): void => {
      if (!alive) return;
      alive = false;
      c.forked.delete(nsPid);
      this.op(() => this.kernel.processExit(pid, code, signal === undefined ? undefined : signalName(signal)));
    };
    const entry = { handler: null as ((signal: number, from?: number) => void) | null, killed: (signal: number) => { end(128 + signal, signal); onKilled(signal); } };
    c.forked.set(nsPid, entry);
    return {
      pid: nsPid,
      fs: this.processFs(c, pid),
      exit: (code) => end(code),
      onSignal: (h) => (entry.handler = h),
      onKilled: (cb) => (onKilled = cb),
      setCommand: (title) => this.kernel.setArgv(pid, [...title]),
      spawn: (childArgv, o) => this.forkProcess(c, pid, childArgv, env, cwd, o?.fork),
      exec: (newArgv) => this.execInPlace(c, pid, newArgv, env, cwd),
    };
  }

  /**
   * kill(2) from a container process (host pid `from`) to `nsPid` in its pid
   * namespace. The namespace's init gets only what it handles (not even
   * SIGKILL from inside); any other process without a handler dies of a
   * terminating signal. Signal 0 only asks whether the pid exists.
   */
  private killInContainer(c: Container, from: number, nsPid: number, signal: number): 'ESRCH' | undefined {
    const run = c.run;
    const target = run ? this.kernel.containerProcesses(c.id).find((k) => k.nsPid === nsPid) : undefined;
    if (!run || !target) return 'ESRCH';
    if (signal === 0) return undefined;
    this.trace.emit('kill', { sig: signalName(signal), target: target.pid }, { actor: 'container', pid: from, containerId: c.id }, [{ kind: 'process', id: String(target.pid) }]);
    // Stopping is not simulated: the stop signals do nothing, as the ignored ones.
    const ignoredByDefault = [17, 18, 19, 20, 21, 22, 23, 28].includes(signal);
    const sender = this.kernel.process(from)?.nsPid;
    if (target.pid === run.pid) {
      if (signal !== 9) run.handler?.(signal, sender);
      return undefined;
    }
    const exec = [...c.execs.values()].find((e) => e.running && e.pid === nsPid);
    const child = c.forked.get(nsPid);
    const handler = exec ? exec.handler : (child?.handler ?? null);
    if (handler && signal !== 9) handler(signal, sender);
    else if (!ignoredByDefault) {
      if (exec) exec.kill(128 + signal);
      else child?.killed(signal);
    }
    return undefined;
  }

  /** A container process execs another program in its place (the kernel's execve): `ps` shows the new command. */
  private execInPlace(c: Container, pid: number, argv: readonly string[], env: string[], cwd: string): void {
    this.kernel.setArgv(pid, [...argv], resolveExecutable(c.mount.root(), env, cwd, argv[0] ?? ''));
  }

  /** `docker start`: throws for a paused or removed container, does nothing for a running one (304). */
  start(ref: string): void {
    this.op(() => {
      const c = this.get(ref);
      const snap = c.actor.getSnapshot();
      if (c.state === 'running' || c.state === 'restarting') throw new DaemonError('Container is already started', 'notModified');
      if (!snap.can({ type: 'container.start' })) throw new DaemonError(refusalText(c.state, 'container.start', c.id, ref)!, 'conflict');
      this.startProcess(c, { type: 'container.start' });
    });
  }

  /** Starts PID 1; throws (and records ExitCode/Error) when the command cannot be executed. */
  private startProcess(c: Container, event: ContainerEvent, afterStartEvent?: () => void): void {
    let env = this.processEnv(c);
    // Namespaces shared with another container need that container running (dockerd checks before creating the task).
    for (const ref of containerRefs(c.nsModes)) {
      const other = this.get(ref);
      if (other.state !== 'running' && other.state !== 'paused' && other.state !== 'restarting') throw new DaemonError(`container ${other.id} is not running`, 'conflict');
    }
    this.mounts.prepare(c.id);
    const shares = c.resources.cpuShares;
    const cgroupError = shares !== 0 && shares < 2 ? 'the minimum allowed cpu-shares is 2' : shares > 262_144 ? 'the maximum allowed cpu-shares is 262144' : '';
    const program = cgroupError !== '' ? 125 : resolveCommand({ fs: c.fs, env, cwd: c.config.workingDir || '/' }, c.path);
    if (typeof program === 'number') {
      const reason = program === 126 ? 'permission denied' : c.path.includes('/') ? `stat ${c.path}: no such file or directory` : 'executable file not found in $PATH';
      const init = cgroupError !== '' ? `error setting cgroup config for procHooks process: ${cgroupError}` : `exec: ${JSON.stringify(c.path)}: ${reason}`;
      const message = `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ${init}: unknown`;
      c.exitCode = program === 125 ? 128 : program;
      c.error = message;
      c.pendingStdin = undefined;
      if (c.autoRemove) this.removeNow(c);
      throw new DaemonError(message, 'system', program);
    }
    // runc looks the user up in the container's own /etc/passwd; HOME is that user's.
    const read = (path: string): string => {
      const r = c.fs.tryRead(path);
      return 'data' in r ? r.data : '';
    };
    const who = lookupUser(c.config.user, parsePasswd(read('/etc/passwd')), parseGroup(read('/etc/group')));
    if (!who) {
      const message = execUserError(c.config.user);
      c.exitCode = 128;
      c.error = message;
      c.pendingStdin = undefined;
      if (c.autoRemove) this.removeNow(c);
      throw new DaemonError(message, 'system');
    }
    if (!c.config.env.some((kv) => kv.startsWith('HOME='))) env = env.map((kv) => (kv.startsWith('HOME=') ? `HOME=${who.home}` : kv));
    // dockerd mounts the container's overlay before it sets up the network (moby's conditionalMountOnStart).
    const rootfs = this.rootfsMount(c);
    this.trace.emit(
      'mount',
      { fstype: 'overlay', source: 'overlay', target: rootfs.merged, options: `index=off,lowerdir=${rootfs.lowerdirs.join(':')},upperdir=${rootfs.upperdir},workdir=${rootfs.workdir}` },
      { ...this.kernel.dockerd, containerId: c.id },
      [{ kind: 'mount', id: rootfs.merged }, ...rootfs.layers.map((id) => ({ kind: 'layer' as const, id }))],
    );
    this.netOpsForSetKey = [];
    try {
      this.net.start(c.id);
    } catch (e) {
      this.flushNetOps();
      if (e instanceof DaemonError) c.error = e.message;
      c.pendingStdin = undefined;
      throw e;
    }
    this.networkFiles(c);
    this.emitNetworks(c, 'connect');
    if (event.type !== 'container.autoRestart') c.backoffMs = 0;
    const from = c.state;
    this.send(c, event);
    c.startedAt = this.scheduler.now();
    c.exitCode = 0;
    c.error = '';
    c.oomKilled = false;
    this.emit(c, 'start');
    this.transition(c, from, c.state, 'start');
    // Anything dockerd logs right after the start comes before the process's own exit.
    afterStartEvent?.();
    this.spawn(c, program, env, who.uid);
  }

  private emitNetOp(op: NetOp): void {
    this.trace.emit(op.op as TraceOpName, op.args, { ...this.kernel.dockerd, ...(op.containerId ? { containerId: op.containerId } : {}) }, op.affects);
  }

  /** Emits the network steps held for the prestart hook (or what is left of them), and stops holding. */
  private flushNetOps(): void {
    const held = this.netOpsForSetKey ?? [];
    this.netOpsForSetKey = null;
    for (const op of held) this.emitNetOp(op);
  }

  private processEnv(c: Container): string[] {
    const base = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${c.config.hostname}`];
    if (c.config.tty) base.push('TERM=xterm');
    const env = mergeEnv(base, c.config.env);
    if (!env.some((kv) => kv.startsWith('HOME='))) env.push('HOME=/root');
    return env;
  }

  private spawn(c: Container, program: Program, env: string[], uid: number): void {
    const sandboxId = this.net.config(c.id)?.sandboxId;
    const pid = this.kernel.startContainer({
      id: c.id,
      hostname: c.config.hostname,
      argv: [c.path, ...c.args],
      path: resolveExecutable(c.mount.root(), env, c.config.workingDir || '/', c.path),
      resources: c.resources,
      join: namespaceJoin(c.nsModes, (ref) => this.get(ref).id),
      rootfs: `/var/lib/docker/overlay2/${c.layerId}/merged`,
      rootfsOptions: overlayOptions(this.rootfsMount(c)),
      mounts: this.mounts.attach(c.id, c.mount, `/var/lib/docker/overlay2/${c.layerId}/merged`),
      tty: c.config.tty,
      rss: programRss(c.path),
      ...(uid ? { uid } : {}),
      ...(sandboxId ? { sandboxKey: `/var/run/docker/netns/${sandboxId.slice(0, 12)}` } : {}),
    }, { setKey: () => this.flushNetOps() });
    this.flushNetOps();
    const run: Run = {
      alive: true,
      pid,
      startedAt: this.scheduler.now(),
      timers: new Set(),
      deferred: [],
      handler: null,
      stdin: new StdinPipe({
        tty: c.config.tty,
        echo: (t) => write('stdout', t),
        // The terminal's Ctrl-C goes to the foreground process: PID 1, which ignores it without a handler.
        signal: (signal) => run.handler?.(signal),
        alive: () => run.alive,
      }),
    };
    c.run = run;
    const stdinText = c.pendingStdin;
    c.pendingStdin = undefined;
    const write = (stream: 'stdout' | 'stderr', text: string): void => {
      if (!run.alive || text === '') return;
      this.output(c, c.config.tty ? 'stdout' : stream, text);
    };
    const proc: Proc = {
      argv: [c.path, ...c.args],
      pid: this.kernel.process(pid)?.nsPid ?? 1,
      spawn: (argv, o) => this.forkProcess(c, pid, argv, env, c.config.workingDir || '/', o?.fork),
      exec: (argv) => this.execInPlace(c, pid, argv, env, c.config.workingDir || '/'),
      env,
      hostname: c.config.hostname,
      cwd: c.config.workingDir || '/',
      root: c.mount.root(),
      mount: c.mount,
      fs: this.processFs(c, pid),
      user: c.config.user,
      processes: () => this.containerProcesses(c),
      rootfs: () => this.rootfsMount(c),
      mounts: () => this.mountTable(c),
      tty: c.config.tty,
      stdin: { read: (onData, onEnd) => run.stdin.read(onData, onEnd), peek: () => run.stdin.peek() },
      now: () => this.scheduler.now(),
      stdout: (t) => write('stdout', t),
      stderr: (t) => write('stderr', t),
      exit: (code) => this.op(() => this.processExited(c, run, code)),
      after: (ms, cb) => {
        let cancel: () => void = () => {};
        const fire = (): void => {
          run.timers.delete(cancel);
          if (!run.alive) return;
          if (c.state === 'paused') run.deferred.push(fire);
          else this.op(cb);
        };
        cancel = this.scheduler.after(ms, fire);
        run.timers.add(cancel);
        return () => {
          cancel();
          run.timers.delete(cancel);
        };
      },
      onSignal: (h) => {
        run.handler = h;
      },
      net: this.net.view(this.net.netnsOf(c.id) ?? c.id, c.id),
      cpus: this.kernel.cpus,
      setCommand: (argv, execve) => this.kernel.setArgv(pid, [...argv], execve),
      kill: (target, signal) => this.op(() => this.killInContainer(c, pid, target, signal)),
      setMemory: (bytes) => {
        if (!run.alive) return;
        const verdict = this.kernel.setRss(run.pid, bytes);
        if (verdict !== 'oom') return;
        this.op(() => {
          // Only a cgroup's own limit raises the oom event; the host running out kills without it.
          if (c.resources.memory > 0) {
            this.kernel.oomKill(c.id, run.pid);
            c.oomKilled = true;
            this.emit(c, 'oom');
          }
          this.processExited(c, run, 137, 'SIGKILL');
        });
      },
    };
    program(proc);
    // Stdin: without -i it is /dev/null (a terminal's stays open, unwritten: `docker run -dt busybox sh` waits at its prompt);
    // with -i and a pipe, the text then end of file; with a terminal it stays open.
    if (run.alive) {
      if (!c.config.openStdin && !c.config.tty) this.endStdin(run, '');
      else if (typeof stdinText === 'string') this.endStdin(run, stdinText);
    }
  }

  private endStdin(run: Run, text: string): void {
    run.stdin.close(text);
  }

  private output(c: Container, stream: 'stdout' | 'stderr', text: string): void {
    const time = this.scheduler.now();
    // One log entry per line, as the json-file driver stores them.
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl + 1;
      c.logs.push({ stream, text: text.slice(start, end), time });
      start = end;
    }
    if (c.logs.length > MAX_LOG_ENTRIES) c.logs.splice(0, c.logs.length - MAX_LOG_ENTRIES);
    for (const a of c.attachments) (stream === 'stdout' ? a.stdout : a.stderr)(text);
  }

  private processExited(c: Container, run: Run, code: number, signal?: string): void {
    if (!run.alive || c.run !== run) return;
    run.alive = false;
    for (const cancel of run.timers) cancel();
    run.timers.clear();
    c.run = null;
    c.forked.clear();
    // The pid namespace ends with its init: every exec process in it is killed.
    for (const e of [...c.execs.values()]) {
      if (e.running) e.kill(137);
      c.execs.delete(e.id);
    }
    this.kernel.containerExited(c.id, code, {
      ...(signal === undefined ? {} : { signal }),
      release: () => {
        this.emitNetworks(c, 'disconnect');
        this.net.stop(c.id);
      },
    });
    const from = c.state;
    this.send(c, { type: 'container.die', exitCode: code });
    c.exitCode = code;
    c.finishedAt = this.scheduler.now();
    this.emit(c, 'die', { exitCode: String(code) });
    this.transition(c, from, c.state, 'die');
    const listeners = c.exitListeners;
    c.exitListeners = [];
    for (const l of listeners) l();
    this.settleWaiters(c, 'next-exit');
    if (c.state === 'restarting') {
      this.scheduleRestart(c, c.finishedAt - run.startedAt);
      return;
    }
    this.settleWaiters(c, 'not-running');
    if (c.state === 'removing') this.finishRemoval(c);
    else if (c.autoRemove && !c.manualRestart && c.state === 'exited') this.removeNow(c);
  }

  /** dockerd's restart manager: 100 ms doubling to 1 min, reset after a run of 10 s or more. */
  private scheduleRestart(c: Container, ranMs: number): void {
    if (ranMs >= 10_000) c.backoffMs = 0;
    if (c.backoffMs === 0) c.backoffMs = 100;
    else if (c.backoffMs < 60_000) c.backoffMs *= 2;
    if (c.backoffMs > 60_000) c.backoffMs = 60_000;
    c.restartTimer = this.scheduler.after(c.backoffMs, () => {
      c.restartTimer = null;
      if (c.state !== 'restarting') return;
      this.op(() => {
        try {
          this.startProcess(c, { type: 'container.autoRestart' });
        } catch {
          // The command vanished between runs: the restart manager gives up.
          this.stateChange(c, { type: 'container.stop' }, 'die');
          this.settleWaiters(c, 'not-running');
        }
      });
    });
  }

  private cancelRestart(c: Container): void {
    c.restartTimer?.();
    c.restartTimer = null;
  }

  // -------------------------------------------------------------------------
  // Signals: stop, kill, pause, unpause, restart

  /**
   * `docker stop`: the stop signal, then SIGKILL after `timeoutSeconds`
   * (default 10; negative waits for ever). Resolves once the container has
   * stopped. A container that is not running is left as it is (Docker's 304).
   */
  stop(ref: string, opts: { timeoutSeconds?: number; signal?: string } = {}): Promise<void> {
    return this.op(() => {
      const c = this.get(ref);
      const { signal, timeoutSeconds } = this.stopParams(c, opts);
      return this.stopContainer(c, timeoutSeconds, signal);
    });
  }

  /** The stop signal and timeout: the request's, else the container's --stop-signal/--stop-timeout, else SIGTERM and 10 s. */
  private stopParams(c: Container, opts: { timeoutSeconds?: number; signal?: string }): { signal: number; timeoutSeconds: number } {
    const raw = opts.signal !== undefined && opts.signal !== '' ? opts.signal : c.config.stopSignal;
    let signal = 15;
    if (raw !== '') {
      const s = parseSignal(raw);
      if (typeof s !== 'number') throw new DaemonError(s.error, 'invalidParameter');
      signal = s;
    }
    return { signal, timeoutSeconds: opts.timeoutSeconds ?? c.config.stopTimeout ?? 10 };
  }

  private stopContainer(c: Container, timeoutSeconds: number, signal: number): Promise<void> {
    if (c.state === 'restarting') {
      this.cancelRestart(c);
      this.stateChange(c, { type: 'container.stop' }, 'stop');
      this.emit(c, 'stop');
      this.settleWaiters(c, 'not-running');
      return Promise.resolve();
    }
    if (c.state !== 'running' && c.state !== 'paused') return Promise.resolve();
    return new Promise<void>((resolve) => {
      let cancelTimer: () => void = () => {};
      c.exitListeners.push(() => {
        cancelTimer();
        this.emit(c, 'stop');
        resolve();
      });
      this.send(c, { type: 'container.stop' });
      this.signal(c, signal);
      if (c.run && timeoutSeconds >= 0) {
        cancelTimer = this.scheduler.after(timeoutSeconds * 1000, () => this.op(() => {
          if (c.run) this.killNow(c);
        }));
      }
    });
  }

  /** Sends `signal` to PID 1: logs `kill`, thaws a paused container (Docker resumes it so the signal lands), delivers it. */
  private signal(c: Container, signal: number): void {
    const run = c.run;
    if (!run) return;
    this.emit(c, 'kill', { signal: String(signal) });
    this.kernel.signal(c.id, signal, signalName(signal));
    if (signal === 9) {
      this.processExited(c, run, 137, 'SIGKILL');
      return;
    }
    if (c.state === 'paused') this.thaw(c);
    if (!run.alive) return;
    if (run.handler) run.handler(signal);
    // Without a handler PID 1 ignores the signal (the kernel protects a namespace's init).
  }

  private killNow(c: Container): void {
    if (c.run) this.signal(c, 9);
  }

  /** `docker kill [-s SIGNAL]`. */
  kill(ref: string, signalName?: string): void {
    this.op(() => {
      let signal = 9;
      if (signalName !== undefined && signalName !== '') {
        const s = parseSignal(signalName);
        if (typeof s !== 'number') throw new DaemonError(s.error, 'invalidParameter');
        if (s < 1 || s > 64) throw new DaemonError(`the linux daemon does not support signal ${s}`, 'invalidParameter');
        signal = s;
      }
      const c = this.get(ref);
      const snap = c.actor.getSnapshot();
      if (!snap.can({ type: 'container.kill', signal: String(signal) })) {
        throw new DaemonError(refusalText(c.state, 'container.kill', c.id, ref)!, 'conflict');
      }
      if (c.state === 'restarting') {
        // The restart manager is told to give up; no signal reaches a process that is not there.
        this.cancelRestart(c);
        this.stateChange(c, { type: 'container.kill', signal: String(signal) }, 'die');
        this.settleWaiters(c, 'not-running');
        return;
      }
      this.send(c, { type: 'container.kill', signal: String(signal) });
      this.signal(c, signal);
    });
  }

  pause(ref: string): void {
    this.op(() => {
      const c = this.get(ref);
      this.checkAccepted(c, { type: 'container.pause' }, ref);
      this.kernel.freeze(c.id, true);
      this.stateChange(c, { type: 'container.pause' }, 'pause');
      this.emit(c, 'pause');
    });
  }

  unpause(ref: string): void {
    this.op(() => {
      const c = this.get(ref);
      this.checkAccepted(c, { type: 'container.unpause' }, ref);
      this.thaw(c);
    });
  }

  private thaw(c: Container): void {
    this.kernel.freeze(c.id, false);
    this.stateChange(c, { type: 'container.unpause' }, 'unpause');
    this.emit(c, 'unpause');
    const run = c.run;
    if (!run) return;
    const due = run.deferred;
    run.deferred = [];
    for (const fire of due) if (run.alive && c.state !== 'paused') fire();
  }

  /** `docker restart`: stop (if running) then start; logs `restart`. */
  restart(ref: string, opts: { timeoutSeconds?: number; signal?: string } = {}): Promise<void> {
    return this.op(() => {
      const c = this.get(ref);
      const wrap = (e: unknown): never => {
        if (e instanceof DaemonError) throw new DaemonError(`Cannot restart container ${ref}: ${e.message}`, e.kind, e.exitCode);
        throw e;
      };
      let params: { signal: number; timeoutSeconds: number } = { signal: 15, timeoutSeconds: 10 };
      try {
        params = this.stopParams(c, opts);
      } catch (e) {
        wrap(e);
      }
      const { signal, timeoutSeconds } = params;
      if (c.state === 'removing' || c.state === 'dead') wrap(new DaemonError(refusalText(c.state, 'container.restart', c.id, ref)!, 'conflict'));
      const startAgain = (): void =>
        this.op(() => {
          c.manualRestart = false;
          if (!this.containers.has(c.id)) return;
          try {
            if (c.state === 'restarting') this.cancelRestart(c);
            this.startProcess(c, { type: 'container.restart' }, () => this.emit(c, 'restart'));
          } catch (e) {
            wrap(e);
          }
        });
      if (c.state === 'running' || c.state === 'paused') {
        c.manualRestart = true;
        this.send(c, { type: 'container.restart' });
        return this.stopContainer(c, timeoutSeconds, signal).then(startAgain);
      }
      startAgain();
      return Promise.resolve();
    });
  }

  /**
   * `docker update` of resource limits (written to the running container's
   * cgroup with runc update). Checks as dockerd's ContainerUpdate does;
   * throws DaemonError.
   */
  update(ref: string, req: { resources?: Partial<Resources>; restartPolicy?: RestartPolicyRequest }): void {
    this.op(() => {
      const requested = req.resources ?? {};
      adaptResources(requested, this.kernel.cpus, true);
      // verifyContainerSettings runs before the container is looked up; an empty name leaves the policy as it is.
      const policy = req.restartPolicy && req.restartPolicy.name !== '' ? validateRestartPolicy(req.restartPolicy) : undefined;
      const c = this.get(ref);
      const cannot = (text: string): never => {
        throw new DaemonError(`Cannot update container ${c.id}: ${text}`, 'conflict');
      };
      const policyEvent = policy && ({ type: 'container.update', restartPolicy: policy } as const);
      if (policyEvent && !c.actor.getSnapshot().can(policyEvent)) cannot(refusalText(c.state, 'container.update', c.id, ref)!);
      if (policy && policy.name !== 'no' && c.autoRemove) cannot('Restart policy cannot be updated because AutoRemove is enabled for the container');
      const old = c.resources;
      const memory = requested.memory ?? 0;
      // A new memory limit above the swap already set (or with none set: the kernel's memsw is then the cap) needs the swap updated too.
      if (memory > 0 && (requested.memorySwap ?? 0) === 0 && old.memorySwap !== -1 && (old.memorySwap === 0 || memory > old.memorySwap)) {
        cannot('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
      }
      const next: Resources = { ...old };
      for (const [k, v] of Object.entries(requested) as [keyof Resources, never][]) if (v !== 0 && v !== '' && v !== undefined) next[k] = v;
      if (requested.pidsLimit !== undefined && requested.pidsLimit <= 0) next.pidsLimit = 0;
      c.resources = next;
      if (c.run) this.kernel.update(c.id, next);
      if (policyEvent) {
        // dockerd's UpdateMonitor: the restart manager decides the next exit with the new policy.
        this.send(c, policyEvent);
        c.restartPolicy = policy;
      }
      this.emit(c, 'update');
    });
  }

  /**
   * The kernel side of `docker exec` (the CLI and the in-container shell own
   * the rest): runc exec joins the running container's namespaces and cgroup.
   * Returns the new process's host pid and its pid inside the container, and
   * `exit` to call when it ends.
   */
  execProcess(ref: string, argv: string[], opts: { tty?: boolean; uid?: number } = {}): { pid: number; nsPid: number; exit: (code: number) => void } {
    const c = this.get(ref);
    if (!c.run) throw new DaemonError(`Container ${c.id} is not running`, 'conflict');
    const env = this.processEnv(c);
    const path = resolveExecutable(c.mount.root(), env, c.config.workingDir || '/', argv[0] ?? '');
    const pid = this.kernel.exec(c.id, argv, path, { tty: opts.tty ?? false, rss: programRss(argv[0] ?? ''), ...(opts.uid ? { uid: opts.uid } : {}) });
    const nsPid = this.kernel.process(pid)?.nsPid ?? pid;
    return { pid, nsPid, exit: (code) => this.op(() => this.kernel.processExit(pid, code)) };
  }

  // -------------------------------------------------------------------------
  // Remove

  /** `docker rm [-f] [-v]`. With force a live container is killed first (SIGKILL); with volumes its anonymous volumes go too. */
  remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): void {
    this.op(() => {
      const c = this.get(ref);
      const event: ContainerEvent = { type: 'container.remove', force: opts.force ?? false };
      this.checkAccepted(c, event, ref);
      if (opts.volumes) c.removeVolumes = true;
      if (c.state === 'running' || c.state === 'paused') {
        this.send(c, event);
        this.killNow(c);
        return;
      }
      this.cancelRestart(c);
      this.stateChange(c, event, 'destroy');
      if (c.state === 'removing') this.finishRemoval(c);
    });
  }

  private removeNow(c: Container): void {
    this.cancelRestart(c);
    this.stateChange(c, { type: 'container.remove', force: true }, 'destroy');
    this.finishRemoval(c);
  }

  private finishRemoval(c: Container): void {
    this.send(c, { type: 'container.removed' });
    c.actor.stop();
    this.containers.delete(c.id);
    this.net.unregister(c.id);
    this.mounts.release(c.id, c.autoRemove || c.removeVolumes === true);
    this.containerSetVersion++;
    if (this.names.get(c.name) === c.id) this.names.delete(c.name);
    this.emit(c, 'destroy');
    this.transition(c, 'removing', null, 'destroy');
    this.settleWaiters(c, 'not-running');
    this.settleWaiters(c, 'removed');
    c.attachments.clear();
  }

  // -------------------------------------------------------------------------
  // Wait, logs, list, inspect

  /**
   * `docker wait` / the client's wait in `docker run`: resolves with the exit
   * code once the condition holds. `not-running` resolves at once for a
   * container that is not running.
   */
  wait(ref: string, condition: WaitCondition = 'not-running'): Promise<number> {
    return this.op(() => {
      const c = this.get(ref);
      if (condition === 'not-running' && c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting') return Promise.resolve(c.exitCode);
      return new Promise<number>((resolve) => c.waiters.push({ condition, resolve }));
    });
  }

  private settleWaiters(c: Container, condition: WaitCondition): void {
    const keep: Container['waiters'] = [];
    for (const w of c.waiters) {
      if (w.condition === condition) w.resolve(c.exitCode);
      else keep.push(w);
    }
    c.waiters = keep;
  }

  /** The container's log entries (json-file driver), oldest first; `tail` keeps the last n. */
  logs(ref: string, opts: { tail?: number } = {}): LogEntry[] {
    const c = this.get(ref);
    const tail = opts.tail;
    if (tail === undefined || tail < 0) return [...c.logs];
    return tail === 0 ? [] : c.logs.slice(-tail);
  }

  /** Whether the container was created with a tty (logs are then one stream). */
  isTty(ref: string): boolean {
    return this.get(ref).config.tty;
  }

  /** What `docker attach` checks first: the state, and whether there is a tty and an open stdin. */
  attachInfo(ref: string): { state: ContainerState; tty: boolean; openStdin: boolean } {
    const c = this.get(ref);
    return { state: c.state, tty: c.config.tty, openStdin: c.config.openStdin };
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
      if (filtered && !matchesFilters(c, filters, this.net, (v) => this.mounts.matchesVolume(c.id, v))) continue;
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
        ports: this.summaryPorts(c),
        networks: this.net.containerNetworks(c.id).map((n) => n.network.name),
        mounts: this.mounts.summary(c.id),
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
    const rootfs = this.rootfsMount(c);
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
      HostConfig: this.mounts.hostConfig(c.id, {
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
      }),
      GraphDriver: {
        Data: {
          LowerDir: rootfs.lowerdirs.join(':'),
          MergedDir: `/var/lib/docker/overlay2/${layer}/merged`,
          UpperDir: `/var/lib/docker/overlay2/${layer}/diff`,
          WorkDir: `/var/lib/docker/overlay2/${layer}/work`,
        },
        Name: 'overlay2',
      },
      Mounts: this.mounts.inspectMounts(c.id),
      Config: {
        Hostname: c.config.hostname,
        Domainname: '',
        User: c.config.user,
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
        Volumes: this.mounts.configVolumes(c.id),
        WorkingDir: c.config.workingDir,
        Entrypoint: c.config.entrypoint ? [...c.config.entrypoint] : null,
        OnBuild: null,
        Labels: { ...c.config.labels },
        // omitempty in the API's Config: present only when set.
        ...(c.config.stopSignal !== '' ? { StopSignal: c.config.stopSignal } : {}),
        ...(c.config.stopTimeout !== null ? { StopTimeout: c.config.stopTimeout } : {}),
      },
      NetworkSettings: this.networkSettings(c),
    };
  }

  // -------------------------------------------------------------------------
  // Networks (the model is core/network; here: events, container files, the API's shapes)

  /** `docker network create`. */
  networkCreate(req: Parameters<NetworkModel['create']>[0]): Network {
    return this.op(() => {
      const net = this.net.create(req);
      this.emitNetwork(net, 'create');
      return net;
    });
  }

  /** `docker network rm`. */
  networkRemove(ref: string): void {
    this.op(() => {
      const net = this.net.remove(ref);
      this.emitNetwork(net, 'destroy');
    });
  }

  /** `docker network connect`: a running container gets its new interface at once. */
  networkConnect(netRef: string, containerRef: string, req: { aliases: string[]; ip: string }): void {
    this.op(() => {
      const net = this.net.get(netRef);
      const c = this.get(containerRef);
      this.net.connectNetwork(c.id, net.id, req);
      if (c.run) {
        this.networkFiles(c);
        this.emitNetwork(net, 'connect', c.id);
      }
    });
  }

  /** `docker network disconnect`. */
  networkDisconnect(netRef: string, containerRef: string): void {
    this.op(() => {
      const net = this.net.get(netRef);
      const c = this.get(containerRef);
      const attached = c.run !== null && this.net.containerNetworks(c.id).some((n) => n.network === net && n.endpoint);
      this.net.disconnectNetwork(c.id, net.id);
      if (attached) {
        this.networkFiles(c);
        this.emitNetwork(net, 'disconnect', c.id);
      }
    });
  }

  /** The container's /etc/hosts and /etc/resolv.conf for its current endpoints. */
  private networkFiles(c: Container): void {
    // Bind mounts from /var/lib/docker/containers/<id>/: no layer changes.
    c.mount.writeFile('/etc/hosts', this.net.hostsFile(c.id));
    c.mount.writeFile('/etc/resolv.conf', this.net.resolvConf(c.id));
  }

  private emitNetworks(c: Container, action: 'connect' | 'disconnect'): void {
    for (const { network, endpoint } of this.net.containerNetworks(c.id)) if (endpoint) this.emitNetwork(network, action, c.id);
  }

  private emitNetwork(net: Network, action: string, containerId?: string): void {
    const attributes: Record<string, string> = containerId ? { container: containerId, name: net.name, type: net.driver } : { name: net.name, type: net.driver };
    const event: DockerEvent = { type: 'network', action, id: net.id, attributes, time: this.scheduler.now() };
    this.pendingEvents.push(event);
    this.eventLog.push(event);
    if (this.eventLog.length > EVENTS_KEPT) this.eventLog.splice(0, this.eventLog.length - EVENTS_KEPT);
  }

  /** ContainerSummary.Ports: published bindings while running, else the exposed ports without a host side. */
  private summaryPorts(c: Container): ContainerSummary['ports'] {
    const published = this.net.published(c.id);
    if (published.length > 0) return published.map((p) => ({ ip: p.hostIp, privatePort: p.containerPort, publicPort: p.hostPort, type: p.proto }));
    // A container that is not running has no NetworkSettings.Ports to list.
    if (!this.net.config(c.id)?.running) return [];
    return c.config.exposedPorts.map((k) => ({ ip: '', privatePort: Number(k.slice(0, k.indexOf('/'))), publicPort: 0, type: k.slice(k.indexOf('/') + 1) as Proto }));
  }

  /** The running container's published ports (`docker port`), in NetworkSettings.Ports order. */
  containerPorts(ref: string): { containerPort: number; proto: Proto; hostIp: string; hostPort: number }[] {
    const c = this.get(ref);
    return sortPortMap(this.net.published(c.id));
  }

  /** NetworkSettings as `docker inspect` prints it (Engine 20.10 fields, the 28.x client's additions). */
  private networkSettings(c: Container): Record<string, unknown> {
    const cfg = this.net.config(c.id);
    const running = cfg?.running ?? false;
    const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
    for (const p of sortPortMap(this.net.published(c.id))) (ports[`${p.containerPort}/${p.proto}`] ??= [])!.push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
    if (running) for (const k of c.config.exposedPorts) if (!(k in ports)) ports[k] = null;
    const nets: Record<string, unknown> = {};
    let primary: Record<string, unknown> | null = null;
    const mode = this.net.mode(c.id);
    for (const { network, request, endpoint } of this.net.containerNetworks(c.id)) {
      const aliases = network.predefined ? null : [...request.aliases, c.id.slice(0, 12)];
      const e = {
        IPAMConfig: request.ip !== '' ? { IPv4Address: request.ip } : request.live ? {} : null,
        Links: null,
        Aliases: aliases,
        MacAddress: endpoint?.mac ?? '',
        DriverOpts: request.live ? {} : null,
        GwPriority: 0,
        NetworkID: network.id,
        EndpointID: endpoint?.id ?? '',
        Gateway: endpoint && network.subnet ? formatIp(network.gateway) : '',
        IPAddress: endpoint && network.subnet ? formatIp(endpoint.ip) : '',
        IPPrefixLen: endpoint && network.subnet ? network.subnet.prefix : 0,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        DNSNames: null,
      };
      nets[network.name] = e;
      if (network.name === 'bridge' && endpoint) primary = e;
    }
    const sandboxId = mode.startsWith('container:') ? '' : cfg?.sandboxId ?? '';
    return {
      Bridge: '',
      SandboxID: sandboxId,
      SandboxKey: sandboxId === '' ? '' : mode === 'host' ? '/var/run/docker/netns/default' : `/var/run/docker/netns/${sandboxId.slice(0, 12)}`,
      Ports: ports,
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: (primary?.EndpointID as string | undefined) ?? '',
      Gateway: (primary?.Gateway as string | undefined) ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: (primary?.IPAddress as string | undefined) ?? '',
      IPPrefixLen: (primary?.IPPrefixLen as number | undefined) ?? 0,
      IPv6Gateway: '',
      MacAddress: (primary?.MacAddress as string | undefined) ?? '',
      Networks: nets,
    };
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
      rootfs: this.rootfsMount(c),
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
      mounts: this.mounts.snapshot(c.id),
      readonlyRootfs: this.mounts.readonlyRootfs(c.id),
    };
  }

  private processEnvForSnapshot(c: Container): string[] {
    return [...c.config.env];
  }

  private checkAccepted(c: Container, event: ContainerEvent, ref: string): void {
    if (c.actor.getSnapshot().can(event)) return;
    const text = refusalText(c.state, event.type as ContainerEventType, c.id, ref);
    throw new DaemonError(text ?? `container ${c.id} cannot ${event.type.slice('container.'.length)} while ${c.state}`, 'conflict');
  }

  /** Sends an event to the container's actor and mirrors its state. */
  private send(c: Container, event: ContainerEvent): void {
    c.actor.send(event);
    c.state = c.actor.getSnapshot().value as ContainerState;
  }

  /** Sends an event and records the transition it caused, if any. */
  private stateChange(c: Container, event: ContainerEvent, action: string): void {
    const from = c.state;
    this.send(c, event);
    if (c.state !== from) this.transition(c, from, c.state, action);
  }

  private transition(c: Container, from: ContainerState | null, to: ContainerState | null, action: string): void {
    const exited = to === 'exited' ? { exitCode: c.exitCode, oomKilled: c.oomKilled } : {};
    this.pendingTransitions.push({ containerId: c.id, name: c.name, from, to, action, time: this.scheduler.now(), ...exited });
  }

  private emit(c: Container, action: string, extra: Record<string, string> = {}): void {
    const attributes: Record<string, string> = { ...extra, image: c.imageRef, name: c.name };
    for (const [k, v] of Object.entries(c.config.labels)) attributes[k] = v;
    const event: DockerEvent = { type: 'container', action, id: c.id, attributes, time: this.scheduler.now() };
    this.pendingEvents.push(event);
    this.eventLog.push(event);
    if (this.eventLog.length > EVENTS_KEPT) this.eventLog.splice(0, this.eventLog.length - EVENTS_KEPT);
  }

  /** Runs `fn` as one change: listeners hear about it once, when the outermost operation ends. */
  private op<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    if (this.pendingTransitions.length === 0 && this.pendingEvents.length === 0) return;
    const transitions = this.pendingTransitions;
    const events = this.pendingEvents;
    this.pendingTransitions = [];
    this.pendingEvents = [];
    for (const l of [...this.listeners]) l(transitions, events);
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

/** Freezes plain data all the way down, so a shared snapshot cannot be changed by whoever holds it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function summaryCommand(path: string, args: readonly string[]): string {
  // A plain loop: `docker ps` builds one per listed container.
  let out = path;
  for (const a of args) out += a.includes(' ') ? ` '${a}'` : ` ${a}`;
  return out;
}

/** Config.ExposedPorts: the image's, then --expose and -p ports, each once, sorted as Go's map keys print. */
function exposedPorts(image: Image, opts: CreateOptions): { port: number; proto: Proto }[] {
  const keys = new Set<string>(Object.keys(image.config.ExposedPorts ?? {}));
  for (const e of opts.expose ?? []) keys.add(`${e.port}/${e.proto}`);
  for (const b of opts.portBindings ?? []) keys.add(`${b.containerPort}/${b.proto}`);
  return [...keys].sort().map((k) => ({ port: Number(k.slice(0, k.indexOf('/'))), proto: k.slice(k.indexOf('/') + 1) as Proto }));
}

/** HostConfig.PortBindings as the client sent them: "80/tcp" → [{HostIp, HostPort}], keys sorted. */
function portBindingsJson(bindings: readonly PortBindingRequest[]): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const sorted = sortPortMap(bindings.map((b) => ({ ...b, proto: b.proto })));
  for (const b of sorted) (out[`${b.containerPort}/${b.proto}`] ??= []).push({ HostIp: b.hostIp, HostPort: b.hostPort });
  return out;
}

/** NetworkSettings.Ports order: a Go map, so keys sorted as strings; bindings in the order they were made. */
function sortPortMap<T extends { containerPort: number; proto: Proto }>(ports: readonly T[]): T[] {
  const key = (p: T): string => `${p.containerPort}/${p.proto}`;
  return [...ports].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The daemon's merge of a container's Env with its image's: the user's first, then each image variable the user did not set. */
function withImageEnv(user: readonly string[], image: readonly string[]): string[] {
  const key = (kv: string): string => kv.split('=')[0]!;
  const keys = new Set(user.map(key));
  return [...user, ...image.filter((kv) => !keys.has(key(kv)))];
}

/** Docker's ReplaceOrAppendEnvValues: a later KEY=value replaces an earlier KEY; a bare KEY is dropped when unset. */
function mergeEnv(base: string[], overrides: string[]): string[] {
  const out = [...base];
  for (const kv of overrides) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    const i = out.findIndex((e) => (e.indexOf('=') < 0 ? e : e.slice(0, e.indexOf('='))) === key);
    if (eq < 0) continue;
    if (i >= 0) out[i] = kv;
    else out.push(kv);
  }
  return out;
}

function matchesFilters(c: Container, filters: Record<string, string[]>, net: NetworkModel, volume: (v: string) => boolean): boolean {
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
        case 'volume':
          return volume(v);
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

/** SIGTERM for 15: the name the trace shows. */
function signalName(n: number): string {
  for (const [name, num] of Object.entries(signals)) if (num === n) return name;
  return String(n);
}

/** The network steps libnetwork makes inside the container's namespace (at SetKey), rather than on the host side. */
function insideNetns(op: NetOp): boolean {
  if (op.op === 'link.netns' || op.op === 'link.rename' || op.op === 'addr.add' || op.op === 'route.add') return true;
  return op.op === 'link.up' && !String(op.args.name ?? '').startsWith('veth');
}

/** The container's read-write layer id: overlay2's directory name, stable per container (derived from its id). */
function layerIdFor(containerId: string): string {
  return fnvHex(containerId, 64);
}
