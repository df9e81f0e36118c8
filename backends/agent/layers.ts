import { execFile } from 'node:child_process';
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type Dockerode from 'dockerode';
import type { ContainerInspectInfo, ImageInspectInfo } from 'dockerode';
import type { LayerEntry, LayerSnapshot, RootfsMount } from '../../core/model';
import {
  type ApiHistoryEntry,
  type ConfigHistoryEntry,
  type KnownLayer,
  containerLayers,
  imageLayersFromInspect,
  layerHistory,
  overlayFromInspect,
  rootOverlayFromMountinfo,
} from './layerModel';
import { STAT_FIELDS, type WalkJob, type WalkResult, sharedWalkPool } from './walkPool';

/**
 * Reads the real union filesystem: each layer's diff directory walked into
 * LayerEntry lists (overlay whiteouts are 0/0 character devices, opaque
 * directories carry the trusted.overlay.opaque xattr), a running container's
 * mount from /proc/<pid>/mountinfo, a stopped one's from GraphDriver data.
 *
 * Image and init layers never change once made, so their walks are kept for
 * as long as the layer exists. A container's upper layer changes: its walk is
 * kept with the mtimes of the directories it saw (any file made, removed or
 * renamed changes its directory's mtime) and a generation the watcher bumps on
 * every event of that container (which catches a rewrite in place by
 * `docker exec`).
 */

/** What one walk of a diff directory found. */
export interface LayerWalk {
  entries: LayerEntry[];
  /** Bytes of everything but directories, hard links counted once (as Docker's DiffSize). */
  size: number;
}

export interface WalkOptions {
  /**
   * Which of these directories (absolute paths) are opaque; asked once the
   * walk has listed them. Only directories can be opaque, so this is a few
   * hundred paths where a recursive xattr read would touch every file.
   */
  opaqueAmong?: (dirs: string[]) => Promise<Set<string>>;
  /** Runs one part of the walk (on the agent's worker pool by default). */
  run?: (job: WalkJob) => Promise<WalkResult>;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFLNK = 0o120000;

/** Paths per lstat job of the entries listed in this thread. */
const STAT_BATCH = 512;
/** This thread lists breadth-first until this many directories wait to be walked, */
const SHARE_DIRS = 4;
/** or it has listed this many itself. */
const LIST_HERE = 16;

/**
 * Walks one diff directory; paths come out as the container sees them, sorted.
 *
 * A walk is one lstat per entry, and that is most of its cost (about 5 µs of
 * kernel time each in this VM), so the agent's worker threads do it, on every
 * core, while this thread stays free. This thread lists only the top of the
 * tree, until there are a few directories to share out, and hands the workers
 * the entries it listed to lstat and each directory left to walk whole. The
 * directories found then go to getfattr for opaqueness.
 *
 * Tried on a 2-core VM, reading the 4 layers and 5,173 entries of the
 * benchmark's small-files image (test/bench/layersBench.ts): this, 38 ms;
 * the same loop in the event-loop thread, 53 ms; GNU find in a child process
 * per layer, output parsed here, 81 ms (find itself is fast, the parsing is not).
 */
export async function walkDiffDir(root: string, opts: WalkOptions = {}): Promise<LayerWalk & { dirs: Map<string, number> }> {
  const run = opts.run ?? ((job: WalkJob) => sharedWalkPool().run(job));
  const rootStat = statSync(root);
  const jobs: Promise<WalkResult>[] = [];
  const send = (job: WalkJob) => {
    const answer = run(job);
    answer.catch(() => {}); // awaited below; not unhandled meanwhile
    jobs.push(answer);
  };
  const listed: string[] = [];
  const queue: string[] = [''];
  for (let n = 0; queue.length > 0 && (n === 0 || (queue.length < SHARE_DIRS && n < LIST_HERE)); n++) {
    const dir = queue.shift()!;
    let dirents: Dirent[];
    try {
      dirents = readdirSync(root + dir, { withFileTypes: true });
    } catch {
      continue; // gone while we looked
    }
    for (const d of dirents) {
      const rel = `${dir}/${d.name}`;
      listed.push(rel);
      if (d.isDirectory()) queue.push(rel);
    }
    while (listed.length >= STAT_BATCH) send({ root, stat: listed.splice(0, STAT_BATCH) });
  }
  if (listed.length > 0) send({ root, stat: listed });
  for (const dir of queue) send({ root, walk: [dir] });

  const entries: LayerEntry[] = [];
  const dirs = new Map<string, number>([[root, rootStat.mtimeMs]]);
  const dirEntries = new Map<string, LayerEntry>();
  const seenInodes = new Set<number>();
  let size = 0;
  for (const job of jobs) {
    const { paths, stats, targets } = await job;
    for (let i = 0; i < paths.length; i++) {
      const at = i * STAT_FIELDS;
      const fullMode = stats[at]!;
      if (fullMode < 0) continue; // gone while we looked
      const path = paths[i]!;
      const kind = fullMode & S_IFMT;
      const mode = fullMode & ~S_IFMT;
      if (kind === S_IFDIR) {
        const entry: LayerEntry = { path, type: 'dir', size: 0, mode };
        entries.push(entry);
        dirEntries.set(root + path, entry);
        dirs.set(root + path, stats[at + 5]!);
        continue;
      }
      if (kind === S_IFCHR && stats[at + 4] === 0) {
        entries.push({ path, type: 'whiteout', size: 0, mode });
        continue;
      }
      const fileSize = stats[at + 1]!;
      const ino = stats[at + 2]!;
      if (!seenInodes.has(ino) || stats[at + 3]! <= 1) {
        seenInodes.add(ino);
        size += fileSize;
      }
      if (kind === S_IFLNK) entries.push({ path, type: 'symlink', size: fileSize, mode, target: targets[i] ?? '' });
      else entries.push({ path, type: 'file', size: fileSize, mode });
    }
  }
  // Sorted while getfattr answers.
  const opaqueAsked = opts.opaqueAmong?.([...dirEntries.keys()]);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const dir of (await opaqueAsked) ?? []) {
    const entry = dirEntries.get(dir);
    if (entry) entry.type = 'opaque';
  }
  return { entries, size, dirs };
}

/**
 * Parses `getfattr --absolute-names -d -e text` output: the files whose
 * overlay opaque attribute is "y". getfattr escapes odd bytes in file names
 * as octal (\012) and a backslash as \\.
 */
export function opaqueFromGetfattr(text: string): Set<string> {
  const out = new Set<string>();
  let file: string | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      file = line.slice('# file: '.length).replace(/\\(\\|[0-7]{3})/g, (_m, g: string) => (g === '\\' ? '\\' : String.fromCharCode(parseInt(g, 8))));
      continue;
    }
    if (file && /^(trusted|user)\.overlay\.opaque="y"$/.test(line)) out.add(file);
  }
  return out;
}

/** Bytes of paths handed to one getfattr run, well under the kernel's argument limit. */
const GETFATTR_ARG_BYTES = 96 * 1024;

/**
 * Which of `dirs` are opaque, asked of Debian's getfattr (package `attr`;
 * Node has no xattr API), the paths as arguments in as few runs as the
 * argument limit allows. No shell, fixed options, the paths after `--`: they
 * are directories the agent found itself under diff directories it derived
 * from Docker's answers.
 */
export async function opaqueAmongWithGetfattr(dirs: readonly string[], bin = 'getfattr'): Promise<Set<string>> {
  const chunks: string[][] = [];
  let bytes = Infinity;
  for (const dir of dirs) {
    if (bytes + dir.length + 1 > GETFATTR_ARG_BYTES) {
      chunks.push([]);
      bytes = 0;
    }
    chunks[chunks.length - 1]!.push(dir);
    bytes += dir.length + 1;
  }
  const out = new Set<string>();
  for (const chunk of chunks) {
    const text = await new Promise<string>((resolve, reject) => {
      execFile(
        bin,
        ['--no-dereference', '--absolute-names', '--dump', '--encoding=text', '--match=^(trusted|user)\\.overlay\\.opaque$', '--', ...chunk],
        { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 },
        (err, stdout) => {
          // Exit 1 with output: some path vanished while it read; what was read still counts.
          if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(err);
          else resolve(stdout ?? '');
        },
      );
    });
    for (const dir of opaqueFromGetfattr(text)) out.add(dir);
  }
  return out;
}

/**
 * Gathers the opaque questions of walks that run together into one answer:
 * a walk registers as it starts, hands in its directories when it has listed
 * them, and the question goes out when no registered walk is still listing.
 * Reading an image's four layers then costs one getfattr run, not four.
 */
export class OpaqueBatch {
  private listing = 0;
  private pending: { dirs: string[]; resolve: (s: Set<string>) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly read: (dirs: string[]) => Promise<Set<string>>) {}

  /** Runs `walk`, whose `ask` joins the batch. */
  async around<T>(walk: (ask: (dirs: string[]) => Promise<Set<string>>) => Promise<T>): Promise<T> {
    this.listing++;
    let asked = false;
    // Walks started in the same turn all register before the first one lists.
    await Promise.resolve();
    const ask = (dirs: string[]): Promise<Set<string>> => {
      if (asked) return this.read(dirs);
      asked = true;
      this.listing--;
      const answer = new Promise<Set<string>>((resolve, reject) => this.pending.push({ dirs, resolve, reject }));
      this.flush();
      return answer;
    };
    try {
      return await walk(ask);
    } finally {
      if (!asked) {
        this.listing--;
        this.flush();
      }
    }
  }

  private flush(): void {
    if (this.listing > 0 || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const dirs = batch.flatMap((b) => b.dirs);
    const asked = dirs.length === 0 ? Promise.resolve(new Set<string>()) : this.read(dirs);
    asked.then(
      (set) => batch.forEach((b) => b.resolve(set)),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
  }
}

interface CachedWalk {
  walk: LayerWalk;
  /** Directory → mtime as seen by the walk (mutable layers only). */
  dirs: Map<string, number> | null;
  generation: number;
}

export interface LayerReaderOptions {
  docker: Dockerode;
  /** Docker's data root (`docker info` DockerRootDir). */
  dataRoot?: string;
  /** Which of these directories are opaque (getfattr by default). */
  opaqueAmong?: (dirs: string[]) => Promise<Set<string>>;
  log?: (line: string) => void;
}

/** A container's layers as read now, for the watcher to keep with the container. */
export interface ContainerLayerView {
  layers: KnownLayer[];
  rootfs: RootfsMount;
}

/**
 * The agent's layer bookkeeping: image layers by image, container layers by
 * container (both kept by the watcher's own reads), walks cached per directory.
 * Only layers known from Docker's answers can be read: a client names layers
 * by id, never by path.
 */
export class LayerReader {
  private readonly docker: Dockerode;
  private readonly dataRoot: string;
  private readonly opaque: OpaqueBatch;
  private readonly log: (line: string) => void;
  private walks = new Map<string, Promise<CachedWalk>>();
  private generations = new Map<string, number>();
  private imageLayers = new Map<string, KnownLayer[]>();
  private containerViews = new Map<string, ContainerLayerView>();
  private warned = false;

  constructor(opts: LayerReaderOptions) {
    this.docker = opts.docker;
    this.dataRoot = opts.dataRoot ?? '/var/lib/docker';
    this.opaque = new OpaqueBatch(
      opts.opaqueAmong ??
      ((dirs) =>
        opaqueAmongWithGetfattr(dirs).catch((err: unknown) => {
          // Without getfattr the file lists are still right, only opaque directories show as plain ones.
          this.warnOnce(`cannot read overlay xattrs (install the attr package for getfattr): ${String(err)}`);
          return new Set<string>();
        })),
    );
    this.log = opts.log ?? (() => {});
  }

  /** A container changed (any event of it): its upper layer is read afresh next time. */
  touch(containerId: string): void {
    this.generations.set(containerId, (this.generations.get(containerId) ?? 0) + 1);
  }

  /** Reads an image's layer mapping and history once; later calls reuse it. */
  async readImage(info: ImageInspectInfo): Promise<void> {
    if (this.imageLayers.has(info.Id)) return;
    const count = info.RootFS?.Layers?.length ?? 0;
    const [config, api] = await Promise.all([this.imageConfigHistory(info.Id), this.apiHistory(info.Id)]);
    const layers = imageLayersFromInspect(info, layerHistory(count, config, api));
    if (layers) this.imageLayers.set(info.Id, layers);
  }

  /** The image ids the watcher still has; forgets the rest. */
  keepImages(ids: ReadonlySet<string>): void {
    for (const id of [...this.imageLayers.keys()]) if (!ids.has(id)) this.imageLayers.delete(id);
    this.dropUnusedWalks();
  }

  /** Reads a container's mount: /proc/<pid>/mountinfo while it runs, GraphDriver data otherwise. */
  async readContainer(info: ContainerInspectInfo): Promise<RootfsMount | undefined> {
    const view = await this.containerView(info).catch((err: unknown) => {
      this.warnOnce(`cannot read the layers of container ${info.Id.slice(0, 12)}: ${String(err)}`);
      return null;
    });
    if (view) this.containerViews.set(info.Id, view);
    else this.containerViews.delete(info.Id);
    return view?.rootfs;
  }

  forgetContainer(id: string): void {
    this.containerViews.delete(id);
    this.generations.delete(id);
    this.dropUnusedWalks();
  }

  /** The container ids the watcher still has; forgets the rest. */
  keepContainers(ids: ReadonlySet<string>): void {
    for (const id of [...this.containerViews.keys()]) if (!ids.has(id)) this.forgetContainer(id);
  }

  /** Every layer of every image and container, each once, with sizes from their walks. */
  async snapshotLayers(): Promise<LayerSnapshot[]> {
    const known = this.known();
    const out: LayerSnapshot[] = [];
    for (const layer of known.values()) {
      const walk = await this.walk(layer).catch(() => null);
      const snap: LayerSnapshot = { id: layer.id, kind: layer.kind, parent: layer.parent, dir: layer.dir, size: walk?.size ?? 0, entries: walk?.entries.length ?? 0 };
      if (layer.createdBy !== undefined) snap.createdBy = layer.createdBy;
      if (layer.containerId !== undefined) snap.containerId = layer.containerId;
      out.push(snap);
    }
    return out;
  }

  /** The entries of the named layers the agent knows; unknown ids are left out. */
  async entries(ids: readonly string[]): Promise<Record<string, LayerEntry[]>> {
    const known = this.known();
    const wanted = [...new Set(ids)].flatMap((id) => known.get(id) ?? []);
    // Side by side: their opaque questions go to getfattr together once all have listed their directories.
    const walks = await Promise.all(wanted.map((layer) => this.walk(layer)));
    const out: Record<string, LayerEntry[]> = {};
    wanted.forEach((layer, i) => (out[layer.id] = walks[i]!.entries));
    return out;
  }

  private known(): Map<string, KnownLayer> {
    const out = new Map<string, KnownLayer>();
    for (const layers of this.imageLayers.values()) for (const l of layers) if (!out.has(l.id)) out.set(l.id, l);
    for (const view of this.containerViews.values()) for (const l of view.layers) out.set(l.id, l);
    return out;
  }

  private async walk(layer: KnownLayer): Promise<LayerWalk> {
    const mutable = layer.kind === 'container';
    const generation = mutable ? (this.generations.get(layer.containerId ?? '') ?? 0) : 0;
    const cached = this.walks.get(layer.dir);
    if (cached) {
      const c = await cached.catch(() => null);
      if (c && (!mutable || (c.generation === generation && (await unchanged(c.dirs))))) return c.walk;
      if (this.walks.get(layer.dir) !== cached) return this.walk(layer);
    }
    const fresh = this.opaque.around((ask) => walkDiffDir(layer.dir, { opaqueAmong: ask })).then(({ dirs, ...walk }) => ({ walk, dirs: mutable ? dirs : null, generation }));
    this.walks.set(layer.dir, fresh);
    fresh.catch(() => {
      if (this.walks.get(layer.dir) === fresh) this.walks.delete(layer.dir);
    });
    return (await fresh).walk;
  }

  private dropUnusedWalks(): void {
    const dirs = new Set([...this.known().values()].map((l) => l.dir));
    for (const dir of [...this.walks.keys()]) if (!dirs.has(dir)) this.walks.delete(dir);
  }

  private async containerView(info: ContainerInspectInfo): Promise<ContainerLayerView | null> {
    let image = this.imageLayers.get(info.Image);
    if (!image) {
      try {
        await this.readImage(await this.docker.getImage(info.Image).inspect());
      } catch {
        // an image removed under a container: its layers stay unnamed
      }
      image = this.imageLayers.get(info.Image) ?? [];
    }
    let mount = null;
    if (info.State.Pid > 0) {
      const text = await readFile(`/proc/${info.State.Pid}/mountinfo`, 'utf8').catch(() => null);
      if (text) mount = rootOverlayFromMountinfo(text);
    }
    mount ??= overlayFromInspect(info);
    if (!mount) return null;
    const resolved = await Promise.all(mount.lowerdirs.map((d) => this.resolveLower(d)));
    return containerLayers(info, mount, resolved, image);
  }

  /** A lowerdir as mounted (`l/XXXX` short names are symlinks under the overlay2 root) → its diff directory. */
  private async resolveLower(dir: string): Promise<string> {
    const abs = isAbsolute(dir) ? dir : join(this.dataRoot, 'overlay2', dir);
    return realpath(abs).catch(() => abs);
  }

  /** The image config's history (says which entries are empty layers); null where the store keeps it elsewhere. */
  private async imageConfigHistory(imageId: string): Promise<ConfigHistoryEntry[] | null> {
    const hex = /^sha256:([0-9a-f]{64})$/.exec(imageId)?.[1];
    if (!hex) return null;
    try {
      const config = JSON.parse(await readFile(join(this.dataRoot, 'image', 'overlay2', 'imagedb', 'content', 'sha256', hex), 'utf8')) as { history?: ConfigHistoryEntry[] };
      return Array.isArray(config.history) ? config.history : null;
    } catch {
      return null;
    }
  }

  private async apiHistory(imageId: string): Promise<ApiHistoryEntry[] | null> {
    try {
      const h = (await this.docker.getImage(imageId).history()) as unknown;
      return Array.isArray(h) ? (h as ApiHistoryEntry[]) : null;
    } catch {
      return null;
    }
  }

  private warnOnce(line: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log(line);
  }
}

/** Whether every directory a walk saw still has the mtime it had. */
async function unchanged(dirs: Map<string, number> | null): Promise<boolean> {
  if (!dirs) return true;
  const now = await Promise.all([...dirs.keys()].map((d) => stat(d).then((s) => s.mtimeMs, () => -1)));
  let i = 0;
  for (const mtime of dirs.values()) if (now[i++] !== mtime) return false;
  return true;
}
