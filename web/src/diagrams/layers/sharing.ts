import type { ContainerSnapshot, ImageSnapshot, LayerEntry, LayerSnapshot, Snapshot } from '../../../../core/model';

/**
 * How layers are shared across the local images and containers: the layer
 * tree (each layer under the one it was built on, as `docker images --tree`
 * once drew it), and per image its size, the part it shares with other images
 * and the space wasted on files that a later layer overwrites or deletes.
 */

export interface SharingNode {
  layer: LayerSnapshot;
  depth: number;
  /** Images whose top layer this is. */
  images: ImageSnapshot[];
  /** How many images use this layer. */
  usedBy: number;
}

export interface ImageUsage {
  image: ImageSnapshot;
  /** Bytes of all its layers. */
  size: number;
  /** Bytes of its layers that some other image uses too (`docker system df -v` SHARED SIZE). */
  shared: number;
  /** Bytes of files in its layers that a later layer of the image overwrites or deletes; null until the file lists are known. */
  wasted: number | null;
}

/** The image layers as a forest, depth first, children in id order; container layers are not part of it. */
export function layerForest(snapshot: Snapshot): SharingNode[] {
  const layers = (snapshot.layers ?? []).filter((l) => l.kind === 'image');
  const byParent = new Map<string | null, LayerSnapshot[]>();
  const ids = new Set(layers.map((l) => l.id));
  for (const l of layers) {
    const parent = l.parent !== null && ids.has(l.parent) ? l.parent : null;
    const list = byParent.get(parent) ?? [];
    list.push(l);
    byParent.set(parent, list);
  }
  const tops = new Map<string, ImageSnapshot[]>();
  const uses = new Map<string, number>();
  for (const img of snapshot.images) {
    const top = img.layers.at(-1);
    if (top) tops.set(top, [...(tops.get(top) ?? []), img]);
    for (const l of new Set(img.layers)) uses.set(l, (uses.get(l) ?? 0) + 1);
  }
  const out: SharingNode[] = [];
  const visit = (parent: string | null, depth: number): void => {
    const children = [...(byParent.get(parent) ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const l of children) {
      out.push({ layer: l, depth, images: tops.get(l.id) ?? [], usedBy: uses.get(l.id) ?? 0 });
      visit(l.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/**
 * Bytes of one image's files that later layers hide: a file overwritten by a
 * later layer, deleted by a whiteout, or under a directory a later layer
 * deletes or makes opaque. Layers bottom first.
 */
export function wastedBytes(layers: readonly (readonly LayerEntry[])[]): number {
  let wasted = 0;
  layers.forEach((entries, i) => {
    const later = layers.slice(i + 1);
    if (later.length === 0) return;
    // Any non-directory entry of a later layer (file, link, whiteout, opaque directory) hides
    // the same path below it; all but a plain file or link also hide what is under that path,
    // and a file or link replacing a directory does too.
    const hiding = new Set<string>();
    for (const l of later) for (const e of l) if (e.type !== 'dir') hiding.add(e.path);
    for (const e of entries) {
      if (e.type !== 'file' && e.type !== 'symlink') continue;
      let hidden = false;
      for (let p = e.path; p.length > 0 && !hidden; p = p.slice(0, p.lastIndexOf('/'))) hidden = hiding.has(p);
      if (hidden) wasted += e.size;
    }
  });
  return wasted;
}

/** Per image: size, shared size and wasted space (null where a layer's file list is not known yet). */
export function imageUsage(snapshot: Snapshot, entries: ReadonlyMap<string, readonly LayerEntry[]>): ImageUsage[] {
  const size = new Map((snapshot.layers ?? []).map((l) => [l.id, l.size]));
  const uses = new Map<string, number>();
  for (const img of snapshot.images) for (const l of new Set(img.layers)) uses.set(l, (uses.get(l) ?? 0) + 1);
  return snapshot.images.map((image) => {
    const own = [...new Set(image.layers)];
    const total = own.reduce((s, l) => s + (size.get(l) ?? 0), 0);
    const shared = own.filter((l) => (uses.get(l) ?? 0) > 1).reduce((s, l) => s + (size.get(l) ?? 0), 0);
    const lists = image.layers.map((l) => entries.get(l));
    const wasted = lists.every((l) => l !== undefined) ? wastedBytes(lists as LayerEntry[][]) : null;
    return { image, size: total, shared, wasted };
  });
}

/** Container names by the id of the image they were made from. */
export function containersByImage(containers: readonly ContainerSnapshot[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of containers) out.set(c.imageId, [...(out.get(c.imageId) ?? []), c.name]);
  return out;
}
