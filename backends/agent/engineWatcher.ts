import type Dockerode from 'dockerode';
import type { VolumeInspectInfo } from 'dockerode';
import type { BackendEvent } from '../../core/backend';
import type { ContainerSnapshot, ContainerState, DockerEvent, HostDirListing, ImageSnapshot, LayerEntry, LayerSnapshot, NetworkSnapshot, Snapshot, TraceOp, Transition } from '../../core/model';
import {
  type ApiEvent,
  type ContainerHistory,
  byCreatedDesc,
  containerFromInspect,
  dockerEventFromApi,
  imageFromInspect,
  networkFromInspect,
  transitionsFor,
  volumesFromApi,
} from './engineModel';
import { listHostDir } from './hostDir';
import { LayerReader } from './layers';
import { RegistryReader } from './registries';
import { isRegistryContainer } from '../../core/engine/registrySnapshot';
import { sharedWalkPool } from './walkPool';
import { type NetworkReader, type NetworkView, withBridgeGateways } from './network';
import { type KernelView, readKernel } from './procfs';

/** How many trace ops snapshots keep (as the sim's TRACE_HISTORY). */
const TRACE_HISTORY = 1000;

export type EngineEvent = Exclude<BackendEvent, { type: 'connection' }>;

export interface EngineWatcherOptions {
  docker: Dockerode;
  /** How long a burst of events may gather before the affected containers are re-read. */
  batchMs?: number;
  log?: (line: string) => void;
  /** Reads links and firewall rules; none: the snapshot carries Docker's networks only. */
  network?: NetworkReader;
}

/**
 * Keeps a Snapshot of the real engine current from the Engine API's /events
 * stream: every container event re-reads that container (inspect + its `docker
 * ps` line), bursts are gathered for `batchMs` and pushed as one snapshot with
 * every transition of the burst, in event order. Containers made outside
 * Glassbox (another terminal) show up the same way, because the daemon reports
 * them all.
 */
export class EngineWatcher {
  private readonly docker: Dockerode;
  private readonly batchMs: number;
  private readonly log: (line: string) => void;
  private containers = new Map<string, ContainerSnapshot>();
  private images = new Map<string, ImageSnapshot>();
  private networks = new Map<string, NetworkSnapshot>();
  private readonly netReader: NetworkReader | null;
  private netView: NetworkView = { interfaces: [], natRules: [], firewall: null };
  private known = new Map<string, ContainerHistory>();
  private listeners = new Set<(e: EngineEvent) => void>();
  private pending: DockerEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private stream: NodeJS.ReadableStream | null = null;
  private closed = false;
  /** True while a full read is in progress: events then only mark containers for a re-read. */
  private syncing = false;
  private resyncIds = new Set<string>();
  /** Issue 5: the image and container layers, read from the overlay directories. */
  private layers: LayerReader;
  private layerList: LayerSnapshot[] = [];
  /** Processes, namespaces and cgroups as /proc and /sys last showed them. */
  private kernel: KernelView = { processes: [], namespaces: [], cgroups: [] };
  private trace: TraceOp[] = [];
  /** Issue 11: registry containers, what they hold, and the pushes and pulls seen. */
  private registries = new RegistryReader();
  private registryRecheck: ReturnType<typeof setTimeout> | null = null;
  /** The engine's data root (docker info's DockerRootDir); '' until read. */
  private dataRoot = '';
  /** `docker volume ls` as last read (users are worked out from the containers at each snapshot). */
  private volumeList: VolumeInspectInfo[] = [];

  constructor(opts: EngineWatcherOptions) {
    this.docker = opts.docker;
    this.batchMs = opts.batchMs ?? 40;
    this.log = opts.log ?? (() => {});
    this.layers = new LayerReader({ docker: this.docker, log: this.log });
    this.netReader = opts.network ?? null;
  }

  /** Subscribes to /events first, then reads everything, so nothing falls between the two. */
  async start(): Promise<void> {
    // The layer walk's worker threads start now, so that the first walk need not wait for them.
    sharedWalkPool().warm();
    const info = (await this.docker.info()) as { DockerRootDir?: string; RegistryConfig?: { InsecureRegistryCIDRs?: string[]; IndexConfigs?: Record<string, { Secure?: boolean }> } };
    if (info.DockerRootDir) this.dataRoot = info.DockerRootDir;
    const rc = info.RegistryConfig;
    if (rc) this.registries.insecure = [...(rc.InsecureRegistryCIDRs ?? []), ...Object.entries(rc.IndexConfigs ?? {}).filter(([, c]) => c.Secure === false).map(([name]) => name)];
    if (info.DockerRootDir) this.layers = new LayerReader({ docker: this.docker, dataRoot: info.DockerRootDir, log: this.log });
    await this.openStream();
    await this.fullRead(false);
  }

  snapshot(): Snapshot {
    return {
      kind: 'real',
      time: Date.now(),
      containers: [...this.containers.values()].sort(byCreatedDesc),
      images: [...this.images.values()].sort(byCreatedDesc),
      layers: this.layerList,
      networks: withBridgeGateways(
        [...this.networks.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        this.netView.interfaces,
      ),
      interfaces: this.netView.interfaces,
      natRules: this.netView.natRules,
      processes: this.kernel.processes,
      namespaces: this.kernel.namespaces,
      cgroups: this.kernel.cgroups,
      trace: this.trace,
      volumes: volumesFromApi(this.volumeList, [...this.containers.values()]),
      registries: this.registries.snapshot([...this.containers.values()]),
      transfers: this.registries.transfers.recent(),
    };
  }

  /** Re-reads processes, namespaces and cgroups (the containers' pids say where to look). */
  private readKernel(): void {
    try {
      this.kernel = readKernel([...this.containers.values()]);
    } catch (err) {
      this.log(`reading /proc failed: ${String(err)}`);
    }
  }

  /** Kernel operations the tracer observed: kept (bounded) for snapshots and sent on as they come. */
  addTrace(ops: TraceOp[]): void {
    if (!ops.length) return;
    this.trace = [...this.trace, ...ops].slice(-TRACE_HISTORY);
    this.emit({ type: 'trace', ops });
  }

  /** The known containers, for attributing trace ops: id, merged dir, sandbox key, addresses. */
  containerList(): ContainerSnapshot[] {
    return [...this.containers.values()];
  }

  /** The file lists of the named layers, for layers this engine has (others are left out). */
  async layerEntries(ids: readonly string[]): Promise<Record<string, LayerEntry[]>> {
    await this.flushing;
    return this.layers.entries(ids);
  }

  /**
   * Issue 11: a host directory the diagrams show, read-only: only under the
   * data root or a bind-mount source of a running container (hostDir.ts and
   * security.ts check the path).
   */
  async listHostDir(path: unknown): Promise<HostDirListing> {
    const binds = [...this.containers.values()].filter((c) => c.state === 'running').flatMap((c) => (c.mounts ?? []).filter((m) => m.type === 'bind').map((m) => m.source));
    return listHostDir(path, this.dataRoot ? [this.dataRoot, ...binds] : binds);
  }

  /** The snapshot with `docker ps` STATUS texts ("Up 5 seconds") brought up to date. */
  async freshSnapshot(): Promise<Snapshot> {
    await this.flushing;
    const list = await this.docker.listContainers({ all: true });
    for (const c of list) {
      const known = this.containers.get(c.Id);
      if (known) this.containers.set(c.Id, { ...known, status: c.Status });
    }
    this.readKernel();
    return this.snapshot();
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
    if (this.registryRecheck) clearTimeout(this.registryRecheck);
    this.registryRecheck = null;
    const s = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | null;
    s?.destroy?.();
    this.stream = null;
    await this.flushing.catch(() => {});
  }

  private emit(e: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.log(`listener failed: ${String(err)}`);
      }
    }
  }

  private async openStream(): Promise<void> {
    const stream = await this.docker.getEvents();
    this.stream = stream;
    let buffered = '';
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) this.onRawEvent(line);
      }
    });
    const lost = (why: string): void => {
      if (this.stream !== stream || this.closed) return;
      this.stream = null;
      this.log(`lost the Docker event stream (${why}); reconnecting`);
      void this.reconnect();
    };
    stream.on('end', () => lost('end'));
    stream.on('error', (err: Error) => lost(err.message));
  }

  private async reconnect(): Promise<void> {
    for (let delay = 500; !this.closed; delay = Math.min(delay * 2, 10_000)) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.closed) return;
      try {
        await this.openStream();
        await this.fullRead(true);
        return;
      } catch (err) {
        this.log(`Docker is not answering: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private onRawEvent(line: string): void {
    let raw: ApiEvent;
    try {
      raw = JSON.parse(line) as ApiEvent;
    } catch {
      return;
    }
    const event = dockerEventFromApi(raw);
    if (!event) return;
    this.emit({ type: 'docker', event });
    if (event.type !== 'container' && event.type !== 'image' && event.type !== 'network' && event.type !== 'volume') return;
    if (event.type === 'container') this.layers.touch(event.id);
    if (this.syncing) {
      const id = containerOf(event);
      if (id) this.resyncIds.add(id);
      this.networksStale = true;
      return;
    }
    this.pending.push(event);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flushing = this.flushing.then(() => this.flush()).catch((err: unknown) => this.log(`re-reading the engine failed: ${String(err)}`));
    }, this.batchMs);
  }

  private async flush(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    if (events.length === 0 || this.closed) return;
    const ids = [...new Set(events.map(containerOf).filter((id): id is string => id !== null))];
    const reads = await mapLimit(ids, 8, (id) => this.readContainer(id));
    const current = new Map<string, ContainerState | null>();
    ids.forEach((id, i) => current.set(id, reads[i]?.state ?? null));
    const transitions = transitionsFor(events, this.known, current);
    ids.forEach((id, i) => {
      const c = reads[i];
      if (c) this.containers.set(id, c);
      else this.containers.delete(id);
    });
    // What the registries and the local store held before this batch: a push or pull in it is measured against that.
    const regIds = [...this.containers.values()].filter((c) => isRegistryContainer(c.image, c.command)).map((c) => c.id);
    const before = { blobs: new Map(regIds.map((id) => [id, this.registries.blobs(id)])), localDiffIds: new Set([...this.images.values()].flatMap((i) => i.layers)) };
    if (events.some((e) => e.type === 'image')) await this.readImages();
    // A volume event, or a container made or removed (its anonymous volumes come and go with it).
    if (events.some((e) => e.type === 'volume' || (e.type === 'container' && (e.action === 'create' || e.action === 'destroy')))) await this.readVolumes();
    const [layerList] = await Promise.all([this.layers.snapshotLayers(), this.readNetView(new Set(ids), this.networksStale || events.some((e) => e.type === 'network'))]);
    this.layerList = layerList;
    const transfer = events.some((e) => e.type === 'image' && (e.action === 'push' || e.action === 'pull'));
    const isRegistry = (id: string): boolean => {
      const c = this.containers.get(id);
      return c !== undefined && isRegistryContainer(c.image, c.command);
    };
    const registryMoved = ids.some(isRegistry) || regIds.some((id) => !this.containers.has(id));
    if (transfer || registryMoved) {
      await this.registries.refresh([...this.containers.values()]);
      if (transfer) this.registries.record(events, [...this.containers.values()], before, Date.now());
      // A registry that just started may not listen yet: read it once more in a moment.
      if (registryMoved) this.recheckRegistries();
    }
    this.readKernel();
    this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions });
    this.recheckInterfaces(ids, 1);
  }

  private recheckTimer: ReturnType<typeof setTimeout> | null = null;

  private recheckRegistries(): void {
    if (this.registryRecheck) clearTimeout(this.registryRecheck);
    this.registryRecheck = setTimeout(() => {
      this.registryRecheck = null;
      this.flushing = this.flushing
        .then(async () => {
          if (this.closed) return;
          await this.registries.refresh([...this.containers.values()]);
          this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions: [] });
        })
        .catch((err: unknown) => this.log(`reading the registries failed: ${String(err)}`));
    }, 700);
  }

  /**
   * Docker reports a network connect (and a start) as the endpoint joins,
   * which can be a moment before the veth end is inside the container's
   * namespace under its name with its address: containers with an endpoint
   * address no interface of theirs holds yet are read again shortly (a few
   * times at most).
   */
  private recheckInterfaces(ids: readonly string[], attempt: number): void {
    const lagging = ids.filter((id) => {
      const c = this.containers.get(id);
      if (!c || c.pid <= 0 || !this.netReader) return false;
      const own = this.netView.interfaces.filter((i) => i.netns === id && i.kind !== 'loopback');
      // Until then the new end has no address yet (and a temporary vethXXXX name).
      const addressed = new Set(own.flatMap((i) => i.addresses.map((a) => a.split('/')[0])));
      return own.length > 0 && (c.networks ?? []).some((n) => n.ip !== '' && !addressed.has(n.ip));
    });
    if (lagging.length === 0 || attempt > 5 || this.closed) return;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      this.flushing = this.flushing
        .then(async () => {
          if (this.closed) return;
          await this.readNetView(new Set(lagging), false);
          this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions: [] });
          this.recheckInterfaces(lagging, attempt + 1);
        })
        .catch((err: unknown) => this.log(`re-reading the network failed: ${String(err)}`));
    }, 50 * attempt);
  }

  /**
   * Reads every container and image. After a lost event stream, moves that
   * happened unseen are reported with action 'resync'.
   */
  private async fullRead(reportChanges: boolean): Promise<void> {
    this.syncing = true;
    try {
      const list = await this.docker.listContainers({ all: true });
      const reads = await mapLimit(list, 8, (c) => this.readContainer(c.Id, c.Status));
      // Containers that moved while we were reading are read once more.
      const again = [...this.resyncIds];
      this.resyncIds.clear();
      const rereads = await mapLimit(again, 8, (id) => this.readContainer(id));
      const next = new Map<string, ContainerSnapshot>();
      for (const c of reads) if (c) next.set(c.id, c);
      again.forEach((id, i) => {
        const c = rereads[i];
        if (c) next.set(id, c);
        else next.delete(id);
      });
      const transitions: Transition[] = [];
      if (reportChanges) {
        const time = Date.now();
        for (const id of new Set([...this.containers.keys(), ...next.keys()])) {
          const from = this.containers.get(id)?.state ?? null;
          const to = next.get(id)?.state ?? null;
          const name = next.get(id)?.name ?? this.containers.get(id)?.name ?? id.slice(0, 12);
          if (from !== to) transitions.push({ containerId: id, name, from, to, action: 'resync', time });
        }
      }
      this.containers = next;
      this.layers.keepContainers(new Set(next.keys()));
      this.known = new Map([...next.values()].map((c) => [c.id, { state: c.state, name: c.name }]));
      await this.readImages();
      await this.readVolumes();
      await this.registries.refresh([...next.values()]);
      this.layerList = await this.layers.snapshotLayers();
      await this.readNetView('all', true);
      this.readKernel();
      if (reportChanges || this.listeners.size > 0) this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions });
    } finally {
      this.syncing = false;
    }
  }

  /** One container as now; null when it no longer exists. */
  private async readContainer(id: string, status?: string): Promise<ContainerSnapshot | null> {
    try {
      const [info, line] = await Promise.all([
        this.docker.getContainer(id).inspect(),
        status !== undefined
          ? Promise.resolve(status)
          : this.docker.listContainers({ all: true, filters: JSON.stringify({ id: [id] }) }).then((l) => l.find((c) => c.Id === id)?.Status ?? ''),
      ]);
      const c = containerFromInspect(info, line);
      const rootfs = await this.layers.readContainer(info);
      if (rootfs) c.rootfs = rootfs;
      return c;
    } catch (err) {
      if (isNotFound(err)) {
        this.layers.forgetContainer(id);
        return null;
      }
      throw err;
    }
  }

  private networksStale = false;

  /** Every network, inspected (the list omits the attached containers). */
  private async readNetworks(): Promise<void> {
    this.networksStale = false;
    const list = await this.docker.listNetworks();
    const inspected = await mapLimit(list, 8, async (n) => {
      try {
        return networkFromInspect(await this.docker.getNetwork(n.Id).inspect());
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    });
    this.networks = new Map(inspected.filter((n): n is NetworkSnapshot => n !== null).map((n) => [n.id, n]));
  }

  /** Docker's networks (when `networks` says they changed), links and rules, read side by side; namespaces of the containers named (or all) re-read. */
  private async readNetView(changed: ReadonlySet<string> | 'all', networks: boolean): Promise<void> {
    const nets = networks ? this.readNetworks().then(() => [...this.networks.values()]) : Promise.resolve([...this.networks.values()]);
    if (!this.netReader) {
      await nets;
      return;
    }
    try {
      this.netView = await this.netReader.read([...this.containers.values()], nets, changed);
    } catch (err) {
      this.log(`reading the network failed: ${String(err)}`);
    }
  }

  private async readVolumes(): Promise<void> {
    const { Volumes } = await this.docker.listVolumes();
    this.volumeList = Volumes ?? [];
  }

  private async readImages(): Promise<void> {
    const list = await this.docker.listImages();
    const next = new Map<string, ImageSnapshot>();
    const missing = list.filter((i) => !this.images.has(i.Id));
    const inspected = await mapLimit(missing, 8, async (i) => {
      try {
        const info = await this.docker.getImage(i.Id).inspect();
        await this.layers.readImage(info);
        return imageFromInspect(info);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    });
    for (const img of inspected) if (img) this.images.set(img.id, img);
    for (const i of list) {
      const known = this.images.get(i.Id);
      // Tags move between images (docker tag, a rebuild): take them from the list.
      if (known) next.set(i.Id, { ...known, tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>') });
    }
    this.images = next;
    this.layers.keepImages(new Set(next.keys()));
  }
}

/** The container an event is about: its own id, or for a network event the container connected or disconnected. */
function containerOf(e: DockerEvent): string | null {
  if (e.type === 'container') return e.id;
  if (e.type === 'network') return e.attributes.container ?? null;
  return null;
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}

/** Promise.all with at most `limit` calls in flight (the daemon serialises much of its work anyway). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
