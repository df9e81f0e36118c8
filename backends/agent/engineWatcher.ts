import type Dockerode from 'dockerode';
import type { VolumeInspectInfo } from 'dockerode';
import type { BackendEvent } from '../../core/backend';
import type { ContainerSnapshot, ContainerState, DockerEvent, HostDirListing, ImageSnapshot, LayerEntry, LayerSnapshot, NetworkSnapshot, Snapshot, TraceOp, Transition } from '../../core/model';
import {
  type ApiEvent,
  type ContainerHistory,
  asContainerState,
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
import { ContainerTable, isNotFound, mapLimit, withRetries } from './containerTable';

/** How many trace ops snapshots keep (as the sim's TRACE_HISTORY). */
const TRACE_HISTORY = 1000;
/** Tries of one container's re-read within a batch, and batches a container's events are carried over while its reads keep failing. */
const READ_ATTEMPTS = 3;
const CARRY_ROUNDS = 4;

export type EngineEvent = Exclude<BackendEvent, { type: 'connection' }>;

export interface EngineWatcherOptions {
  docker: Dockerode;
  /** How long a burst of events may gather before the affected containers are re-read. */
  batchMs?: number;
  log?: (line: string) => void;
  /** Reads links and firewall rules; none: the snapshot carries Docker's networks only. */
  network?: NetworkReader;
  /** How often the container list is compared with what the watcher holds (0: only after errors and on snapshot requests). */
  relistMs?: number;
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
  private table = new ContainerTable();
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
  /** Events of containers whose re-read failed: tried again with the next batch (a few rounds at most). */
  private carried: DockerEvent[] = [];
  private carryRound = 0;
  private readonly relistMs: number;
  private relistTimer: ReturnType<typeof setTimeout> | null = null;
  private periodic: ReturnType<typeof setInterval> | null = null;
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
    this.relistMs = opts.relistMs ?? 10_000;
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
    await this.enqueue(() => this.fullRead(false), 'reading the engine');
    if (this.relistMs > 0) {
      this.periodic = setInterval(() => this.scheduleRelist(0), this.relistMs);
      this.periodic.unref?.();
    }
  }

  /**
   * Runs `fn` after every read already queued: all writes to the watcher's
   * state go through this one queue, so no two re-reads interleave.
   */
  private enqueue(fn: () => Promise<void>, what: string): Promise<void> {
    const run = this.flushing.then(() => (this.closed ? undefined : fn()));
    this.flushing = run.catch((err: unknown) => this.log(`${what} failed: ${err instanceof Error ? err.message : String(err)}`));
    return run;
  }

  snapshot(): Snapshot {
    return {
      kind: 'real',
      time: Date.now(),
      containers: this.table.values().sort(byCreatedDesc),
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
      volumes: volumesFromApi(this.volumeList, this.table.values()),
      registries: this.registries.snapshot(this.table.values()),
      transfers: this.registries.transfers.recent(),
    };
  }

  /** Re-reads processes, namespaces and cgroups (the containers' pids say where to look). */
  private readKernel(): void {
    try {
      this.kernel = readKernel(this.table.values());
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
    return this.table.values();
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
    const binds = this.table.values().filter((c) => c.state === 'running').flatMap((c) => (c.mounts ?? []).filter((m) => m.type === 'bind').map((m) => m.source));
    return listHostDir(path, this.dataRoot ? [this.dataRoot, ...binds] : binds);
  }

  /** The snapshot with `docker ps` STATUS texts ("Up 5 seconds") brought up to date. */
  async freshSnapshot(): Promise<Snapshot> {
    // The list is compared with what the watcher holds, too: a container an error or a lost event left out comes back here.
    await this.enqueue(async () => {
      if (this.carried.length) await this.flush();
      const transitions = await this.relist();
      this.readKernel();
      if (transitions.length) this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions });
    }, 'listing the containers').catch(() => {});
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
    if (this.relistTimer) clearTimeout(this.relistTimer);
    this.relistTimer = null;
    if (this.periodic) clearInterval(this.periodic);
    this.periodic = null;
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
      } catch (err) {
        this.log(`Docker is not answering: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      // Events missed while the stream was down: only a full read can tell. If that fails, the re-list after errors catches up.
      await this.enqueue(() => this.fullRead(true), 'reading the engine after a reconnect').catch(() => this.scheduleRelist(1000));
      return;
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
    // Also during a full read: the batch is queued behind it, so it re-reads these containers after it.
    this.pending.push(event);
    this.scheduleFlush(this.batchMs);
  }

  private scheduleFlush(ms: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.enqueue(() => this.flush(), 're-reading the engine').catch(() => this.scheduleRelist(1000));
    }, ms);
  }

  /** The safety net: the container list compared with what the watcher holds, soon (after an error, and now and then). */
  private scheduleRelist(ms: number): void {
    if (this.closed || this.relistTimer) return;
    this.relistTimer = setTimeout(() => {
      this.relistTimer = null;
      void this.enqueue(async () => {
        const transitions = await this.relist();
        if (transitions.length === 0) return;
        await this.softly('reading the volumes', () => this.readVolumes());
        this.layerList = await this.layers.snapshotLayers();
        this.readKernel();
        this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions });
      }, 're-listing the containers').catch(() => this.scheduleRelist(2000));
    }, ms);
    this.relistTimer.unref?.();
  }

  /** A secondary read of a batch (images, volumes, registries…): its failure is logged and left to the re-list, the batch still goes out. */
  private async softly(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      this.imagesStale = true;
      this.scheduleRelist(1000);
    }
  }

  /** Images to read again at the next re-list (a read of them failed). */
  private imagesStale = false;

  /**
   * Re-reads one container into the table; false when the engine would not
   * answer (after retries). A 404 is an answer: that id is gone, whatever
   * else now carries its name.
   */
  private async readInto(id: string, status?: string): Promise<boolean> {
    const ticket = this.table.ticket();
    try {
      const c = await withRetries(() => this.readContainer(id, status), READ_ATTEMPTS, 100);
      this.table.apply(id, ticket, c);
      return true;
    } catch (err) {
      this.log(`reading container ${id.slice(0, 12)} failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /**
   * `docker ps -a` against the table: containers missing, gone or in another
   * state are read again (the rest only take their STATUS text); what moved
   * is reported with action 'resync'.
   */
  private async relist(): Promise<Transition[]> {
    const ticket = this.table.ticket();
    const list = await this.docker.listContainers({ all: true });
    if (this.imagesStale) await this.softly('reading the images', () => ((this.imagesStale = false), this.readImages()));
    const listed = new Set(list.map((c) => c.Id));
    const before = new Map(this.table.values().map((c) => [c.id, c]));
    const changed = list.filter((c) => before.get(c.Id)?.state !== asContainerState(c.State) && !this.table.newerThan(c.Id, ticket));
    const moved = new Set(changed.map((c) => c.Id));
    for (const c of list) if (!moved.has(c.Id)) this.table.setStatus(c.Id, ticket, c.Status);
    const ok = await mapLimit(changed, 8, (c) => this.readInto(c.Id));
    if (ok.includes(false)) this.scheduleRelist(1000);
    for (const id of this.table.ids()) {
      if (listed.has(id)) continue;
      if (this.table.apply(id, ticket, null)) this.layers.forgetContainer(id);
      moved.add(id);
    }
    return this.resyncTransitions(before, moved);
  }

  /** 'resync' moves of the containers named, from `before` to the table, and `known` brought along. */
  private resyncTransitions(before: ReadonlyMap<string, ContainerSnapshot>, ids: Iterable<string>): Transition[] {
    const out: Transition[] = [];
    const time = Date.now();
    for (const id of ids) {
      const now = this.table.get(id);
      const from = before.get(id)?.state ?? null;
      const to = now?.state ?? null;
      const name = now?.name ?? before.get(id)?.name ?? id.slice(0, 12);
      if (to) this.known.set(id, { state: to, name });
      else this.known.delete(id);
      if (from !== to) out.push({ containerId: id, name, from, to, action: 'resync', time });
    }
    return out;
  }

  private async flush(): Promise<void> {
    const all = [...this.carried, ...this.pending];
    this.carried = [];
    this.pending = [];
    if (all.length === 0 || this.closed) return;
    const allIds = [...new Set(all.map(containerOf).filter((id): id is string => id !== null))];
    const ok = await mapLimit(allIds, 8, (id) => this.readInto(id));
    // One container the engine would not answer for keeps its events for the next round; the rest of the batch goes out now.
    const failed = new Set(allIds.filter((_, i) => !ok[i]));
    const events = failed.size ? all.filter((e) => !failed.has(containerOf(e) ?? '')) : all;
    if (failed.size) this.carry(all.filter((e) => failed.has(containerOf(e) ?? '')));
    else this.carryRound = 0;
    const ids = allIds.filter((id) => !failed.has(id));
    const current = new Map<string, ContainerState | null>(ids.map((id) => [id, this.table.get(id)?.state ?? null]));
    const transitions = transitionsFor(events, this.known, current);
    // What the registries and the local store held before this batch: a push or pull in it is measured against that.
    const regIds = this.table.values().filter((c) => isRegistryContainer(c.image, c.command)).map((c) => c.id);
    const before = { blobs: new Map(regIds.map((id) => [id, this.registries.blobs(id)])), localDiffIds: new Set([...this.images.values()].flatMap((i) => i.layers)) };
    if (events.some((e) => e.type === 'image')) await this.softly('reading the images', () => this.readImages());
    // A volume event, or a container made or removed (its anonymous volumes come and go with it).
    if (events.some((e) => e.type === 'volume' || (e.type === 'container' && (e.action === 'create' || e.action === 'destroy')))) await this.softly('reading the volumes', () => this.readVolumes());
    const [layerList] = await Promise.all([this.layers.snapshotLayers(), this.readNetView(new Set(ids), this.networksStale || events.some((e) => e.type === 'network'))]);
    this.layerList = layerList;
    const transfer = events.some((e) => e.type === 'image' && (e.action === 'push' || e.action === 'pull'));
    const isRegistry = (id: string): boolean => {
      const c = this.table.get(id);
      return c !== undefined && isRegistryContainer(c.image, c.command);
    };
    const registryMoved = ids.some(isRegistry) || regIds.some((id) => !this.table.has(id));
    if (transfer || registryMoved) {
      await this.softly('reading the registries', () => this.registries.refresh(this.table.values()));
      if (transfer) this.registries.record(events, this.table.values(), before, Date.now());
      // A registry that just started may not listen yet: read it once more in a moment.
      if (registryMoved) this.recheckRegistries();
    }
    this.readKernel();
    this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions });
    this.recheckInterfaces(ids, 1);
  }

  /** Keeps the events of containers whose read failed for the next batch, a few rounds; then the re-list takes over. */
  private carry(events: DockerEvent[]): void {
    if (++this.carryRound > CARRY_ROUNDS) {
      this.log(`giving up re-reading ${events.length} events' containers; the re-list will catch up`);
      this.carryRound = 0;
      this.scheduleRelist(1000);
      return;
    }
    this.carried.push(...events);
    this.scheduleFlush(200 * this.carryRound);
  }

  private recheckTimer: ReturnType<typeof setTimeout> | null = null;

  private recheckRegistries(): void {
    if (this.registryRecheck) clearTimeout(this.registryRecheck);
    this.registryRecheck = setTimeout(() => {
      this.registryRecheck = null;
      this.flushing = this.flushing
        .then(async () => {
          if (this.closed) return;
          await this.registries.refresh(this.table.values());
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
      const c = this.table.get(id);
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
    const ticket = this.table.ticket();
    const list = await this.docker.listContainers({ all: true });
    const before = new Map(this.table.values().map((c) => [c.id, c]));
    const ok = await mapLimit(list, 8, (c) => this.readInto(c.Id, c.Status));
    // One the engine would not answer for now is read by the re-list in a moment.
    if (ok.includes(false)) this.scheduleRelist(1000);
    const listed = new Set(list.map((c) => c.Id));
    for (const id of this.table.ids()) if (!listed.has(id) && this.table.apply(id, ticket, null)) this.layers.forgetContainer(id);
    const transitions = reportChanges ? this.resyncTransitions(before, new Set([...before.keys(), ...this.table.ids()])) : [];
    this.table.prune(ticket);
    this.layers.keepContainers(new Set(this.table.ids()));
    this.known = new Map(this.table.values().map((c) => [c.id, { state: c.state, name: c.name }]));
    await this.softly('reading the images', () => this.readImages());
    await this.softly('reading the volumes', () => this.readVolumes());
    await this.softly('reading the registries', () => this.registries.refresh(this.table.values()));
    this.layerList = await this.layers.snapshotLayers();
    await this.readNetView('all', true);
    this.readKernel();
    if (reportChanges || this.listeners.size > 0) this.emit({ type: 'snapshot', snapshot: this.snapshot(), transitions });
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
      this.netView = await this.netReader.read(this.table.values(), nets, changed);
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
