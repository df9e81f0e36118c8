import type { Image } from '../images/store';
import { layerStats } from '../unionfs/layer';
import { containerSizeRw } from './archive';
import type { Services } from './services';
import type { Volume } from './volumes/volumeService';

/**
 * moby's daemon/disk_usage.go (`GET /system/df`, what `docker system df`
 * shows): each image with its size, the part it shares with other images
 * and how many containers use it; each container's upper layer; each local
 * volume with its size and references. There is no BuildKit here (the
 * legacy builder caches in images), so the build cache is always empty.
 */

export interface ImageUsage {
  image: Image;
  /** All its layers (the API's Size). */
  size: number;
  /** Its layers that other images also use (SharedSize). */
  sharedSize: number;
  /** Containers created from it, running or not. */
  containers: number;
}

export interface DiskUsage {
  /** Every distinct layer once (LayersSize): the Images row's SIZE. */
  layersSize: number;
  images: ImageUsage[];
  /** Container id and the bytes of its upper layer (SizeRw). */
  containers: { id: string; sizeRw: number }[];
  volumes: { volume: Volume; size: number; refCount: number }[];
}

export function diskUsage(d: Services): DiskUsage {
  const store = d.images.store;
  const all = store.list();
  // The images `docker images` lists (no intermediate build steps) share layers among themselves; all images count for LayersSize.
  const listed = all.filter((i) => i.repoTags.length > 0 || i.repoDigests.length > 0 || store.children(i.id).length === 0);
  const users = new Map<string, number>();
  for (const l of listed.flatMap((i) => [...new Set(i.layers)])) users.set(l.id, (users.get(l.id) ?? 0) + 1);
  const counted = new Set<string>();
  let layersSize = 0;
  for (const l of all.flatMap((i) => i.layers)) {
    if (counted.has(l.id)) continue;
    counted.add(l.id);
    layersSize += layerStats(l).size;
  }
  const containers = [...d.containers.byId.values()];
  const images = listed.map((image) => ({
    image,
    size: store.size(image),
    sharedSize: image.layers.filter((l) => (users.get(l.id) ?? 0) > 1).reduce((n, l) => n + layerStats(l).size, 0),
    containers: containers.filter((c) => c.image.id === image.id).length,
  }));
  return {
    layersSize,
    images,
    containers: containers.reverse().map((c) => ({ id: c.id, sizeRw: containerSizeRw(d, c.id) })),
    volumes: d.volumes.list().map((volume) => ({ volume, size: d.volumes.size(volume), refCount: d.volumes.refs(volume.name).length })),
  };
}
