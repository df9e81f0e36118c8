import type { LayerEntry } from '../../../../core/model';

/**
 * The union filesystem as overlayfs presents it, from each layer's diff
 * entries: what the merged view shows, which layer every path comes from, and
 * the container's changes marked as `docker diff` marks them (A added, C
 * changed, D deleted). Pure: the diagrams draw what this computes.
 */

export type Mark = 'A' | 'C' | 'D';

export interface MergedEntry {
  path: string;
  /** What the merged view shows; 'deleted' for a path a whiteout hides (kept so the diagram can show it). */
  type: 'file' | 'dir' | 'symlink' | 'deleted';
  size: number;
  /** The layer the visible version comes from (for a deleted path: the layer whose whiteout hides it). */
  layerId: string;
  /** For a deleted path: the layer that held what is hidden. */
  hiddenIn?: string;
  /** Only for entries of the top (container) layer, as `docker diff` reports them. */
  mark?: Mark;
  /** A directory the top layer made opaque (deleted and made again: nothing from below shows through). */
  opaque?: boolean;
  target?: string;
}

export interface StackLayer {
  id: string;
  entries: readonly LayerEntry[];
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function isUnder(path: string, dir: string): boolean {
  return path.startsWith(dir === '/' ? '/' : dir + '/') && path !== dir;
}

/** Drops every path below `dir` from the map. */
function dropBelow(map: Map<string, MergedEntry>, dir: string): void {
  for (const p of [...map.keys()]) if (isUnder(p, dir)) map.delete(p);
}

/**
 * Stacks the layers, bottom first, as overlayfs does: a whiteout hides the
 * path (and all below it), an opaque directory hides everything below it from
 * lower layers, a non-directory over a directory hides the directory's
 * contents, and directories over directories merge. With `markTop`, entries of
 * the top layer carry Docker's A/C/D marks against the layers under it.
 */
export function mergeLayers(layers: readonly StackLayer[], opts: { markTop?: boolean } = {}): Map<string, MergedEntry> {
  const merged = new Map<string, MergedEntry>();
  const top = layers.length - 1;
  layers.forEach((layer, i) => {
    const marking = opts.markTop === true && i === top;
    for (const e of layer.entries) {
      const below = merged.get(e.path);
      const existedBelow = below !== undefined && below.type !== 'deleted';
      if (e.type === 'whiteout') {
        dropBelow(merged, e.path);
        if (existedBelow || marking) {
          const gone: MergedEntry = { path: e.path, type: 'deleted', size: below?.size ?? 0, layerId: layer.id };
          if (below) gone.hiddenIn = below.layerId;
          if (marking) gone.mark = 'D';
          merged.set(e.path, gone);
        } else merged.delete(e.path);
        continue;
      }
      const type = e.type === 'opaque' ? 'dir' : e.type;
      if (e.type === 'opaque' || (below && below.type === 'dir' && type !== 'dir')) dropBelow(merged, e.path);
      const entry: MergedEntry = { path: e.path, type, size: e.size, layerId: layer.id };
      if (e.target !== undefined) entry.target = e.target;
      if (e.type === 'opaque' && marking) entry.opaque = true;
      if (marking) entry.mark = existedBelow ? 'C' : 'A';
      merged.set(e.path, entry);
    }
  });
  // A deleted path below a whiteout of an upper layer that was not marked stays hidden;
  // deleted markers of lower layers (image layers deleting image files) are not part of the merged view.
  for (const [p, e] of merged) if (e.type === 'deleted' && e.mark === undefined) merged.delete(p);
  return merged;
}

/** One row of the tree as drawn: a path with its depth, and how much is folded inside it. */
export interface TreeRow {
  path: string;
  name: string;
  depth: number;
  entry: MergedEntry;
  /** Directories: whether its children are shown. */
  open: boolean;
  /** Directories: number of entries below it, and how many of them carry a mark. */
  inside: number;
  changedInside: number;
  /** A "N more" row standing for children left out (`path` is the directory's). */
  more?: number;
}

/** Children of each directory, sorted by name; the root is "/". */
export function childIndex(merged: ReadonlyMap<string, MergedEntry>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const paths = [...merged.keys()].sort();
  for (const p of paths) {
    const parent = parentOf(p);
    let list = out.get(parent);
    if (!list) out.set(parent, (list = []));
    list.push(p);
  }
  return out;
}

/** Per directory: entries below it and marked entries below it. */
function counts(merged: ReadonlyMap<string, MergedEntry>): Map<string, { inside: number; changed: number }> {
  const out = new Map<string, { inside: number; changed: number }>();
  for (const [p, e] of merged) {
    for (let d = parentOf(p); ; d = parentOf(d)) {
      const c = out.get(d) ?? { inside: 0, changed: 0 };
      c.inside++;
      if (e.mark) c.changed++;
      out.set(d, c);
      if (d === '/') break;
    }
  }
  return out;
}

/** Directories to open at first: every one on the way to a marked entry. */
export function openForChanges(merged: ReadonlyMap<string, MergedEntry>): Set<string> {
  const open = new Set<string>(['/']);
  for (const [p, e] of merged) {
    if (!e.mark) continue;
    for (let d = parentOf(p); d !== '/'; d = parentOf(d)) open.add(d);
  }
  return open;
}

/**
 * The visible rows, depth first: children of open directories only, at most
 * `limit` per directory (marked entries always shown), the rest folded into a
 * "N more" row unless the directory is in `showAll`. Large trees stay cheap:
 * only what is open is walked.
 */
export function visibleRows(
  merged: ReadonlyMap<string, MergedEntry>,
  open: ReadonlySet<string>,
  opts: { limit?: number; showAll?: ReadonlySet<string>; index?: Map<string, string[]> } = {},
): TreeRow[] {
  const limit = opts.limit ?? 40;
  const index = opts.index ?? childIndex(merged);
  const inside = counts(merged);
  const rows: TreeRow[] = [];
  const visit = (dir: string, depth: number): void => {
    const children = index.get(dir) ?? [];
    const all = opts.showAll?.has(dir) ?? false;
    let shown = 0;
    let hidden = 0;
    for (let i = 0; i < children.length; i++) {
      const p = children[i]!;
      const e = merged.get(p)!;
      const c = inside.get(p);
      if (!all && shown >= limit && !e.mark && !(c && c.changed > 0)) {
        hidden++;
        continue;
      }
      shown++;
      const isOpen = e.type === 'dir' && open.has(p);
      rows.push({ path: p, name: p.slice(p.lastIndexOf('/') + 1), depth, entry: e, open: isOpen, inside: c?.inside ?? 0, changedInside: c?.changed ?? 0 });
      if (isOpen) visit(p, depth + 1);
    }
    if (hidden > 0) rows.push({ path: dir, name: '', depth, entry: merged.get(dir) ?? { path: dir, type: 'dir', size: 0, layerId: '' }, open: true, inside: 0, changedInside: 0, more: hidden });
  };
  visit('/', 0);
  return rows;
}

/** What happened to one path of the upper layer between two reads of it. */
export interface UpperChange {
  path: string;
  /** copy-up: a file from a lower layer now in the upper one; added: new in the upper layer; whiteout: a delete recorded; opaque: a directory made again; changed: rewritten in the upper layer; gone: no longer in the upper layer. */
  kind: 'copy-up' | 'added' | 'whiteout' | 'opaque' | 'changed' | 'gone';
  /** For copy-up and whiteout: the layer whose version it hides. */
  from?: string;
}

/**
 * The changes to the container's upper layer from one read to the next, for
 * the diagram to animate: files only (directories made on the way are copy-up
 * plumbing), each path once, in path order.
 */
export function upperChanges(before: readonly LayerEntry[], after: readonly LayerEntry[], lower: ReadonlyMap<string, MergedEntry>): UpperChange[] {
  const prev = new Map(before.map((e) => [e.path, e]));
  const next = new Map(after.map((e) => [e.path, e]));
  const out: UpperChange[] = [];
  for (const e of after) {
    const p = prev.get(e.path);
    const fromLower = lower.get(e.path);
    const inLower = fromLower !== undefined && fromLower.type !== 'deleted';
    if (p && p.type === e.type && p.size === e.size) continue;
    if (e.type === 'dir' && !(p && p.type !== 'dir')) continue;
    const change: UpperChange = { path: e.path, kind: 'added' };
    if (e.type === 'whiteout') change.kind = 'whiteout';
    else if (e.type === 'opaque') change.kind = 'opaque';
    else if (p) change.kind = 'changed';
    else if (inLower) change.kind = 'copy-up';
    if (inLower && (change.kind === 'copy-up' || change.kind === 'whiteout' || change.kind === 'opaque')) change.from = fromLower.layerId;
    out.push(change);
  }
  for (const e of before) if (!next.has(e.path) && e.type !== 'dir' && e.type !== 'opaque') out.push({ path: e.path, kind: 'gone' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The set with `path` added, or removed if it was there. */
export function toggled(set: ReadonlySet<string>, path: string): Set<string> {
  const next = new Set(set);
  if (next.has(path)) next.delete(path);
  else next.add(path);
  return next;
}

/** The set with every directory above each of `paths` added. */
export function withAncestors(set: ReadonlySet<string>, paths: readonly string[]): Set<string> {
  const next = new Set(set);
  for (const p of paths) for (let d = parentOf(p); d !== '/'; d = parentOf(d)) next.add(d);
  return next;
}

/** Short names for the stack's layers: image layers L1…Ln bottom first, then the init and container layers. */
export function stackLabels(stack: readonly { id: string; kind: 'image' | 'init' | 'container' }[], names: { init: string; container: string }): Map<string, string> {
  const out = new Map<string, string>();
  let n = 0;
  for (const l of stack) out.set(l.id, l.kind === 'image' ? `L${++n}` : names[l.kind]);
  return out;
}
