import type { LayerEntry } from '../model';
import { joinPath, pathParts, walkLayer, type LayerDir } from './tree';

/**
 * One overlay2 layer: an image layer (read-only, named by its diff id), a
 * container's init layer or its writable upper layer. `version` counts the
 * changes made to the tree, so everything derived from it (sizes, entry
 * lists, `docker diff`) is computed once per change, not once per snapshot.
 */
export interface Layer {
  /** Image layers: the diff id (sha256:…). Init and upper layers: the overlay2 directory id. */
  id: string;
  kind: 'image' | 'init' | 'container';
  root: LayerDir;
  version: number;
}

export interface LayerStats {
  /** Bytes of regular files (each inode once: busybox's applets are one binary) and symlinks (their target's length), as the daemon's directory.Size counts. */
  size: number;
  /** Entries of the diff directory: files, directories, symlinks, whiteouts. */
  entries: number;
  files: number;
}

export function newLayer(id: string, kind: Layer['kind'], root: LayerDir): Layer {
  return { id, kind, root, version: 0 };
}

/** Memoises `compute(layer)` per layer version. */
function perVersion<T>(compute: (layer: Layer) => T): (layer: Layer) => T {
  const memo = new WeakMap<Layer, { version: number; value: T }>();
  return (layer) => {
    const hit = memo.get(layer);
    if (hit && hit.version === layer.version) return hit.value;
    const value = compute(layer);
    memo.set(layer, { version: layer.version, value });
    return value;
  };
}

/** Size, entry and file counts of a layer's diff directory. */
export const layerStats: (layer: Layer) => LayerStats = perVersion((layer) => {
  let size = 0;
  let entries = 0;
  let files = 0;
  const inodes = new Set<number>();
  // No paths and no order needed: a plain walk (this runs after every change to an upper layer).
  const visit = (dir: LayerDir): void => {
    for (const node of dir.children.values()) {
      entries++;
      if (node.kind === 'dir') visit(node);
      else if (node.kind === 'symlink') size += node.target.length;
      else if (node.kind === 'file') {
        files++;
        if (node.ino !== undefined) {
          if (inodes.has(node.ino)) continue;
          inodes.add(node.ino);
        }
        size += node.size;
      }
    }
  };
  visit(layer.root);
  return { size, entries, files };
});

/** The layer's diff directory as a list, parents first, names in byte order; whiteouts and opaque directories marked. */
export const layerEntries: (layer: Layer) => readonly LayerEntry[] = perVersion((layer) => {
  const out: LayerEntry[] = [];
  walkLayer(layer.root, (path, node) => {
    switch (node.kind) {
      case 'whiteout':
        out.push({ path, type: 'whiteout', size: 0, mode: 0o20000 });
        break;
      case 'dir':
        out.push({ path, type: node.opaque ? 'opaque' : 'dir', size: 4096, mode: node.mode });
        break;
      case 'symlink':
        out.push({ path, type: 'symlink', size: node.target.length, mode: node.mode, target: node.target });
        break;
      case 'file':
        out.push({ path, type: 'file', size: node.size, mode: node.mode });
        break;
    }
  });
  return Object.freeze(out);
});

/**
 * Bytes of files in `layers` (bottom first) that a later layer overwrites or
 * deletes: still shipped with the image, never visible in a container (what
 * dive calls wasted space).
 */
export function wastedBytes(layers: readonly Layer[]): number {
  let wasted = 0;
  // Paths that a higher layer replaces or deletes, and directories it hides entirely.
  const covered = new Set<string>();
  const hiddenDirs = new Set<string>();
  const hidden = (path: string): boolean => {
    if (covered.has(path)) return true;
    const parts = pathParts(path);
    let p = '/';
    for (let i = 0; i < parts.length - 1; i++) {
      p = joinPath(p, parts[i]!);
      if (hiddenDirs.has(p)) return true;
    }
    return false;
  };
  for (let i = layers.length - 1; i >= 0; i--) {
    const seen = new Set<number>();
    const mine: [string, boolean][] = [];
    walkLayer(layers[i]!.root, (path, node) => {
      if (node.kind === 'file' && hidden(path) && !(node.ino !== undefined && seen.has(node.ino))) {
        if (node.ino !== undefined) seen.add(node.ino);
        wasted += node.size;
      }
      // A whiteout, a file or an opaque directory hides everything below its path.
      mine.push([path, node.kind !== 'dir' || node.opaque === true]);
    });
    for (const [path, hidesBelow] of mine) {
      covered.add(path);
      if (hidesBelow) hiddenDirs.add(path);
    }
  }
  return wasted;
}
