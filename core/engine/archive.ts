import type { Image } from '../images/store';
import type { UnionMount, Change } from '../unionfs/mount';
import { layerStats } from '../unionfs/layer';
import { copyIntoMount } from './imageArchive';
import type { TreeNode } from '../unionfs/tree';
import type { Services } from './services';
import { copyIntoContainer, volumeTree } from './volumes/volumeCopy';

/**
 * A container's filesystem from outside (moby's daemon/archive.go and
 * changes.go): `docker cp` into it, `docker diff`, its upper layer's size,
 * and the mount builds and `docker cp` read and write.
 */

/** `docker diff`: the container's changes against its image, in the daemon's order. */
export function containerChanges(d: Services, ref: string): readonly Change[] {
  return d.containers.get(ref).mount.diff();
}

/**
 * A container's root filesystem: read the merged view (`tree`, `lookup`,
 * `readdir`) or write into its upper layer (`put`, `writeFile`, `mkdir`,
 * `remove` …, with copy-up and whiteouts), as `docker cp` and builds do.
 * Writes made here are not announced to subscribers: call `touchContainer`.
 */
export function containerMount(d: Services, ref: string): UnionMount {
  return d.containers.get(ref).mount;
}

/** `docker cp SRC CONTAINER:PATH`: puts `node` into the container's upper layer (copy-up, as a write would), or into the volume or bind mounted there. */
export function containerCopyTo(d: Services, ref: string, path: string, node: TreeNode, name: string): void {
  d.events.op(() => {
    const c = d.containers.get(ref);
    if (d.mounts.mounted(c.id)) {
      copyIntoContainer({ union: c.mount, view: c.fs, route: (p) => d.mounts.route(c.id, p), readonlyRootfs: d.mounts.readonlyRootfs(c.id) }, c.name, path, node, name);
    } else copyIntoMount(c.mount, c.name, path, node, name);
    d.events.emit(c, 'extract-to-dir');
  });
}

/** `docker cp CONTAINER:PATH`: the tree at `path`, from the volume or bind mounted there when there is one; undefined when nothing is there. */
export function containerTree(d: Services, ref: string, path: string): TreeNode | undefined {
  const c = d.containers.get(ref);
  const abs = path.startsWith('/') ? path : `/${path}`;
  const mounted = d.mounts.route(c.id, abs);
  return mounted ? volumeTree(mounted.fs, mounted.path) : c.mount.tree(abs);
}

/** Bytes in the container's upper layer (the API's SizeRw). */
export function containerSizeRw(d: Services, ref: string): number {
  return layerStats(d.containers.get(ref).mount.upper).size;
}

/** The image a container was created from. */
export function containerImage(d: Services, ref: string): Image {
  return d.containers.get(ref).image;
}
