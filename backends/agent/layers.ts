import { execFile } from 'node:child_process';
import { type Stats, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
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
  /** The opaque directories under a diff directory (absolute paths); asked at the start, so it runs while the walk does. */
  opaqueUnder?: (root: string) => Promise<Set<string>>;
}

const S_IFMT = 0o170000;

/** How long a walk may hold the event loop before it lets other work (the WebSocket, events) run. */
const SLICE_MS = 8;

/**
 * Walks one diff directory; paths come out as the container sees them, sorted.
 * Synchronous calls, a directory at a time, yielding to the event loop every
 * few milliseconds: on a busy machine this is about twice as fast as one
 * promise per lstat, and the agent stays responsive.
 */
export async function walkDiffDir(root: string, opts: WalkOptions = {}): Promise<LayerWalk & { dirs: Map<string, number> }> {
  const entries: LayerEntry[] = [];
  const dirs = new Map<string, number>();
  const seenInodes = new Set<number>();
  let size = 0;
  dirs.set(root, statSync(root).mtimeMs);
  const opaqueAsked = opts.opaqueUnder?.(root);
  const dirEntries: { abs: string; entry: LayerEntry }[] = [];
  const queue: { abs: string; rel: string }[] = [{ abs: root, rel: '' }];
  let sliceStart = performance.now();
  while (queue.length > 0) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    const { abs, rel } = queue.pop()!;
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      continue; // gone while we looked
    }
    for (const name of names) {
      const path = `${rel}/${name}`;
      const childAbs = join(abs, name);
      let st: Stats;
      try {
        st = lstatSync(childAbs);
      } catch {
        continue;
      }
      const mode = st.mode & ~S_IFMT;
      if (st.isDirectory()) {
        const entry: LayerEntry = { path, type: 'dir', size: 0, mode };
        entries.push(entry);
        dirEntries.push({ abs: childAbs, entry });
        dirs.set(childAbs, st.mtimeMs);
        queue.push({ abs: childAbs, rel: path });
        continue;
      }
      if (st.isCharacterDevice() && st.rdev === 0) {
        entries.push({ path, type: 'whiteout', size: 0, mode });
        continue;
      }
      if (!seenInodes.has(st.ino) || st.nlink <= 1) {
        seenInodes.add(st.ino);
        size += st.size;
      }
      if (st.isSymbolicLink()) {
        let target = '';
        try {
          target = readlinkSync(childAbs);
        } catch {
          // gone while we looked
        }
        entries.push({ path, type: 'symlink', size: st.size, mode, target });
      } else {
        entries.push({ path, type: 'file', size: st.size, mode });
      }
    }
  }
  if (opaqueAsked) {
    const opaque = await opaqueAsked;
    for (const d of dirEntries) if (opaque.has(d.abs)) d.entry.type = 'opaque';
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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

/**
 * The opaque directories under `root`, asked of Debian's getfattr (package
 * `attr`; Node has no xattr API) in one recursive run that does not follow
 * links. No shell, fixed arguments; the path is a diff directory the agent
 * derived itself from Docker's answers, after `--`.
 */
export async function opaqueUnderWithGetfattr(root: string, bin = 'getfattr'): Promise<Set<string>> {
  const text = await new Promise<string>((resolve, reject) => {
    execFile(
      bin,
      ['--recursive', '--physical', '--absolute-names', '--dump', '--encoding=text', '--match=^(trusted|user)\\.overlay\\.opaque$', '--', root],
      { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 },
      (err, stdout) => {
        // Exit 1 with output: some path vanished while it read; what was read still counts.
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(err);
        else resolve(stdout ?? '');
      },
    );
  });
  return opaqueFromGetfattr(text);
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
  opaqueUnder?: (root: string) => Promise<Set<string>>;
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
  private readonly opaqueUnder: (root: string) => Promise<Set<string>>;
  private readonly log: (line: string) => void;
  private walks = new Map<string, Promise<CachedWalk>>();
  private generations = new Map<string, number>();
  private imageLayers = new Map<string, KnownLayer[]>();
  private containerViews = new Map<string, ContainerLayerView>();
  private warned = false;

  constructor(opts: LayerReaderOptions) {
    this.docker = opts.docker;
    this.dataRoot = opts.dataRoot ?? '/var/lib/docker';
    this.opaqueUnder =
      opts.opaqueUnder ??
      ((root) =>
        opaqueUnderWithGetfattr(root).catch((err: unknown) => {
          // Without getfattr the file lists are still right, only opaque directories show as plain ones.
          this.warnOnce(`cannot read overlay xattrs (install the attr package for getfattr): ${String(err)}`);
          return new Set<string>();
        }));
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
    // Side by side: each walk waits on its getfattr run at the end, and those can overlap.
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
    const fresh = walkDiffDir(layer.dir, { opaqueUnder: this.opaqueUnder }).then(({ dirs, ...walk }) => ({ walk, dirs: mutable ? dirs : null, generation }));
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
