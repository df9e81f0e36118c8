import type { ContainerInspectInfo, ImageInspectInfo } from 'dockerode';
import type { LayerSnapshot, RootfsMount } from '../../core/model';

/**
 * Pure mapping from what Docker and the kernel say about overlay mounts to the
 * layer model: which overlay2 directory holds which image layer, and how a
 * container's root filesystem stacks them. The reading (files, /proc, xattrs)
 * is in ./layers.ts.
 */

/** A layer the agent can read: where its diff directory is and whether it can still change. */
export interface KnownLayer {
  id: string;
  kind: LayerSnapshot['kind'];
  parent: string | null;
  dir: string;
  createdBy?: string;
  containerId?: string;
}

/** The overlay options of a mount, as the kernel shows them in mountinfo. */
export interface OverlayMount {
  /** As written in lowerdir=, top first (may be `l/XXXX` short names, relative to the overlay2 root). */
  lowerdirs: string[];
  upperdir: string;
  workdir: string;
}

function graphData(info: { GraphDriver?: { Data?: unknown } }): Record<string, string> {
  const data = info.GraphDriver?.Data;
  return data && typeof data === 'object' ? (data as Record<string, string>) : {};
}

/**
 * An image's layer diff directories, bottom first, from GraphDriver.Data
 * (overlay2: UpperDir is the top layer's diff, LowerDir the ones below it, top
 * first). Null when the driver does not say (another driver or store).
 */
export function imageLayerDirs(info: ImageInspectInfo): string[] | null {
  const data = graphData(info);
  if (!data.UpperDir) return null;
  const lower = data.LowerDir ? data.LowerDir.split(':').filter(Boolean) : [];
  return [data.UpperDir, ...lower].reverse();
}

/**
 * The image's layers, bottom first: RootFS.Layers paired with the diff
 * directories (null when the counts disagree: the mapping would be a guess).
 * `createdBy` holds the history lines of the non-empty layers, oldest first.
 */
export function imageLayersFromInspect(info: ImageInspectInfo, createdBy: readonly string[] | null): KnownLayer[] | null {
  const ids = info.RootFS?.Layers ?? [];
  const dirs = imageLayerDirs(info);
  if (!dirs || dirs.length !== ids.length || ids.length === 0) return null;
  const useHistory = createdBy && createdBy.length === ids.length ? createdBy : null;
  return ids.map((id, i) => {
    const layer: KnownLayer = { id, kind: 'image', parent: i === 0 ? null : ids[i - 1]!, dir: dirs[i]! };
    const by = useHistory?.[i];
    if (by) layer.createdBy = by;
    return layer;
  });
}

/** One entry of an image's history as the Engine API's /images/{id}/history gives it (newest first). */
export interface ApiHistoryEntry {
  CreatedBy?: string;
  Size?: number;
}

/** One entry of an image config's history (oldest first), which says which entries made a layer. */
export interface ConfigHistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
}

/**
 * The history lines of an image's non-empty layers, oldest first. The image
 * config says which entries are empty; the Engine API's history does not, so
 * without the config the entries that added bytes are taken, and only when
 * that gives one per layer.
 */
export function layerHistory(layerCount: number, config: readonly ConfigHistoryEntry[] | null, api: readonly ApiHistoryEntry[] | null): string[] | null {
  if (config) {
    const lines = config.filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
    if (lines.length === layerCount) return lines;
  }
  if (api) {
    const oldestFirst = [...api].reverse();
    if (oldestFirst.length === layerCount) return oldestFirst.map((h) => h.CreatedBy ?? '');
    const sized = oldestFirst.filter((h) => (h.Size ?? 0) > 0);
    if (sized.length === layerCount) return sized.map((h) => h.CreatedBy ?? '');
  }
  return null;
}

/** Undoes the octal escapes the kernel writes in mountinfo (\040 space, \011 tab, \012 newline, \134 backslash). */
export function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Splits overlay super options on commas, keeping backslash-escaped commas (newer kernels escape them in paths). */
function splitOptions(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[++i]!;
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Splits lowerdir= on colons, keeping backslash-escaped ones. */
function splitLower(s: string): string[] {
  return s
    .split(/(?<!\\):/)
    .filter(Boolean)
    .map((p) => p.replace(/\\([:,\\])/g, '$1'));
}

/**
 * The overlay mount at `/` in a process's /proc/<pid>/mountinfo: its lowerdir,
 * upperdir and workdir as the kernel shows them. Null when `/` is not overlay.
 */
export function rootOverlayFromMountinfo(text: string): OverlayMount | null {
  let found: OverlayMount | null = null;
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields[4] !== '/') continue;
    if (fields[dash + 1] !== 'overlay') continue;
    const opts = new Map<string, string>();
    for (const o of splitOptions(fields[dash + 3] ?? '')) {
      const eq = o.indexOf('=');
      if (eq > 0) opts.set(o.slice(0, eq), unescapeMountinfo(o.slice(eq + 1)));
    }
    const lower = opts.get('lowerdir');
    if (!lower) continue;
    // The last mount on / wins: that is the one the process sees.
    found = { lowerdirs: splitLower(lower), upperdir: opts.get('upperdir') ?? '', workdir: opts.get('workdir') ?? '' };
  }
  return found;
}

/** The overlay2 directory name (64 hex, "-init" for an init layer) a diff directory belongs to. */
export function overlayDirId(diffDir: string): string | null {
  const m = /\/([0-9a-f]{64}(?:-init)?)\/diff\/?$/.exec(diffDir);
  return m ? m[1]! : null;
}

/** A container's mount from GraphDriver.Data, for containers not running (no /proc to read). */
export function overlayFromInspect(info: ContainerInspectInfo): OverlayMount | null {
  const data = graphData(info);
  if (!data.UpperDir || !data.LowerDir) return null;
  return { lowerdirs: data.LowerDir.split(':').filter(Boolean), upperdir: data.UpperDir, workdir: data.WorkDir ?? '' };
}

/**
 * The container's init and upper layers and its root filesystem mount.
 * `resolvedLower` are the mount's lowerdirs with `l/` short names resolved to
 * their diff directories (same order, top first). Layers are matched to the
 * image's by directory; where the driver does not say (containerd's
 * snapshotter), by position, the bottom ones being the image's.
 */
export function containerLayers(
  info: ContainerInspectInfo,
  mount: OverlayMount,
  resolvedLower: readonly string[],
  image: readonly KnownLayer[],
): { layers: KnownLayer[]; rootfs: RootfsMount } {
  const byDir = new Map(image.map((l) => [l.dir, l]));
  const bottomFirst = [...resolvedLower].reverse();
  const stack: string[] = [];
  const layers: KnownLayer[] = [];
  let parent: string | null = null;
  const extra = bottomFirst.length - image.length;
  bottomFirst.forEach((dir, i) => {
    const known = byDir.get(dir) ?? (extra >= 0 && i < image.length ? image[i] : undefined);
    if (known) {
      stack.push(known.id);
      parent = known.id;
      return;
    }
    // A lower layer that is not the image's: the init layer (there is one, at the top of the lowers).
    const id = overlayDirId(dir) ?? `${info.Id}-init`;
    layers.push({ id, kind: 'init', parent, dir, containerId: info.Id });
    stack.push(id);
    parent = id;
  });
  const upperId = overlayDirId(mount.upperdir) ?? info.Id;
  layers.push({ id: upperId, kind: 'container', parent, dir: mount.upperdir, containerId: info.Id });
  stack.push(upperId);
  const merged = graphData(info).MergedDir ?? '';
  return {
    layers,
    rootfs: { containerId: info.Id, lowerdirs: [...mount.lowerdirs], upperdir: mount.upperdir, workdir: mount.workdir, merged, layers: stack },
  };
}
