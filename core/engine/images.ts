import { normalizeImageRef, type ImageConfig } from '../images/catalog';
import type { BuildFile } from '../images/build';
import type { LoadedImage } from '../images/archive';
import { cacheDir, ImageStore, type Image } from '../images/store';
import type { ImageSnapshot, LayerEntry, LayerSnapshot, RootfsMount } from '../model';
import type { Scheduler } from '../scheduler';
import { layerEntries, layerStats, type Layer } from '../unionfs/layer';
import type { LayerDir } from '../unionfs/tree';
import type { Container, ContainerStore } from './container';
import { deepFreeze } from './deepFreeze';
import { rfc3339Nano } from './rfc3339';
import type { EventsService } from './eventsService';
import { addImageLayer, imageFiles, importImage, loadIntoStore, type ImportOptions } from './imageArchive';
import { hubPullTransfer, transferLog } from './registrySnapshot';
import { containersUsingImage, imageLookupError, pruneImages, pull, removeImage, type DeleteRecord, type ImageServiceContext, type PullMessage } from './imageService';

/**
 * The daemon's image service (moby's ImageService, daemon/images): the image
 * store with its references and layers, the operations on it (pull, tag, rmi,
 * prune, load, import, a build's layers; imageService.ts and imageArchive.ts
 * do the work), and the layer store's views: each layer's diff, the
 * snapshots of images and layers, a container's overlay mount.
 */
export class ImagesService {
  /** Images, their references and layers (the API other image commands build on: see core/images/store.ts). */
  readonly store = new ImageStore();
  private imageSnapshotMemo: { version: number; images: ImageSnapshot[]; layers: LayerSnapshot[] } | undefined;
  private readonly layerSnapshotMemo = new WeakMap<Container, { version: number; layers: LayerSnapshot[] }>();
  private allLayersMemo: { images: LayerSnapshot[]; containerSet: number; upperSum: number; layers: LayerSnapshot[] } | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly events: EventsService,
    private readonly containers: ContainerStore,
  ) {}

  /** The image a reference (or id) names, or undefined (the client then tries to pull it). */
  image(ref: string): Image | undefined {
    return this.store.get(ref);
  }

  /** The image a reference names; throws the daemon's "No such image" / "invalid reference format". */
  resolveImage(ref: string): Image {
    try {
      return this.store.resolve(ref);
    } catch (e) {
      throw imageLookupError(ref, e);
    }
  }

  /** Bytes of all the image's layers (Docker's Size). */
  imageSize(image: Image): number {
    return this.store.size(image);
  }

  /**
   * A pull from the simulated Docker Hub: the progress messages the daemon
   * streams (layer updates, "Already exists" for layers the store has, Digest
   * and Status), for the client to print. A repository or tag the Hub lacks is
   * refused as Hub does.
   */
  pull(ref: string): PullMessage[] {
    return this.pullImage(ref).messages;
  }

  /** `docker tag SOURCE TARGET`. */
  tagImage(source: string, target: string): void {
    this.events.op(() => {
      const image = this.resolveImage(source);
      const name = this.store.tag(image.id, target, rfc3339Nano(this.scheduler.now()));
      this.events.emitImage('tag', image.id, { name });
    });
  }

  /** `docker rmi [-f] [--no-prune]`: the Untagged/Deleted records, or a DaemonError (conflicts as Docker words them). */
  removeImage(ref: string, opts: { force?: boolean; prune?: boolean } = {}): DeleteRecord[] {
    return this.events.op(() => removeImage(this.imageContext(), ref, opts));
  }

  /** `docker image prune [-a] [--filter until=|label=]`. */
  pruneImages(opts: { all?: boolean; filters?: Readonly<Record<string, readonly string[]>> } = {}): { records: DeleteRecord[]; reclaimed: number } {
    return this.events.op(() => pruneImages(this.imageContext(), opts));
  }

  /** A pull for a build's FROM: the progress messages and the image. */
  pullImage(ref: string): { messages: PullMessage[]; image: Image } {
    return this.events.op(() => {
      const r = pull(this.imageContext(), ref);
      // Issue 11: the Registry view draws which layers came down.
      transferLog(this.events).add(hubPullTransfer(r.messages, r.image, this.scheduler.now()));
      return r;
    });
  }

  /** The reference as the daemon names it: `busybox` → `busybox:latest`. */
  normalizeRef(ref: string): string {
    return normalizeImageRef(ref);
  }

  /** A build's COPY/ADD step: the parent's layers plus one holding `tree`, the step in the history. */
  addImageLayer(parentId: string, tree: LayerDir, config: ImageConfig, createdBy: string): Image {
    return this.events.op(() => addImageLayer(this.imageContext(), this.resolveImage(parentId), tree, config, createdBy));
  }

  /** The files under `path` in an image's merged layers (COPY --from=stage). */
  imageFiles(imageId: string, path: string): BuildFile[] {
    return imageFiles(this.resolveImage(imageId), path);
  }

  /** `docker load`: adds the images `load` reads from the archive, tags them, and returns the lines the client prints. */
  loadImages(load: (store: ImageStore) => LoadedImage[]): string[] {
    return this.events.op(() => loadIntoStore(this.imageContext(), load));
  }

  /** `docker import`: an image of one layer; returns its id. */
  importImage(opts: ImportOptions): string {
    return this.events.op(() => importImage(this.imageContext(), opts));
  }

  /** The diff directory of one layer (image, init or upper), whiteouts and opaque directories marked; [] for an unknown id. */
  layerEntries(layerId: string): readonly LayerEntry[] {
    const layer = this.findLayer(layerId);
    return layer ? layerEntries(layer) : [];
  }

  /** Bytes of one layer's diff (0 for an unknown id). */
  layerSize(layerId: string): number {
    const layer = this.findLayer(layerId);
    return layer ? layerStats(layer).size : 0;
  }

  /** Whether a layer (image, init or upper) of that id exists. */
  hasLayer(layerId: string): boolean {
    return this.findLayer(layerId) !== undefined;
  }

  private findLayer(layerId: string): Layer | undefined {
    const image = this.store.layer(layerId);
    if (image) return image;
    for (const c of this.containers.byId.values()) {
      if (c.layerId === layerId) return c.mount.upper;
      if (`${c.layerId}-init` === layerId) return c.mount.layers[1];
    }
    return undefined;
  }

  imageContext(): ImageServiceContext {
    return {
      store: this.store,
      now: () => rfc3339Nano(this.scheduler.now()),
      containersUsing: (imageId) => containersUsingImage([...this.containers.byId.values()].reverse(), imageId),
      emit: (action, id, attributes) => this.events.emitImage(action, id, attributes),
    };
  }

  /** Image snapshots and their layers (each once, shared layers too), rebuilt only when the store changed. */
  imageSnapshots(): { images: ImageSnapshot[]; layers: LayerSnapshot[] } {
    const memo = this.imageSnapshotMemo;
    if (memo && memo.version === this.store.version) return memo;
    const images: ImageSnapshot[] = [];
    const layers: LayerSnapshot[] = [];
    const seen = new Set<string>();
    for (const image of this.store.list()) {
      images.push(deepFreeze({ id: image.id, tags: [...image.repoTags], layers: image.layers.map((l) => l.id), size: this.store.size(image), created: image.created }));
      const chains = this.store.chainIds(image);
      const createdBy = image.history.filter((h) => !h.emptyLayer).map((h) => h.createdBy);
      image.layers.forEach((l, i) => {
        if (seen.has(l.id)) return;
        seen.add(l.id);
        const stats = layerStats(l);
        const snap: LayerSnapshot = {
          id: l.id,
          kind: 'image',
          parent: i === 0 ? null : image.layers[i - 1]!.id,
          dir: `/var/lib/docker/overlay2/${cacheDir(chains[i]!)}/diff`,
          size: stats.size,
          entries: stats.entries,
        };
        if (createdBy[i] !== undefined) snap.createdBy = createdBy[i];
        layers.push(deepFreeze(snap));
      });
    }
    this.imageSnapshotMemo = { version: this.store.version, images: Object.freeze(images) as ImageSnapshot[], layers: Object.freeze(layers) as LayerSnapshot[] };
    return this.imageSnapshotMemo;
  }

  /** Every layer, each once: the images' (shared ones once), then each container's init and upper layer. Reused while nothing changed. */
  layerSnapshots(): LayerSnapshot[] {
    const { layers: imageLayers } = this.imageSnapshots();
    // Upper layer versions only grow, so their sum changes whenever any of them does.
    let upperSum = 0;
    for (const c of this.containers.byId.values()) upperSum += c.mount.upper.version;
    const memo = this.allLayersMemo;
    if (memo && memo.images === imageLayers && memo.containerSet === this.containers.version && memo.upperSum === upperSum) return memo.layers;
    const layers = [...imageLayers];
    for (const c of this.containers.byId.values()) layers.push(...this.containerLayerSnapshots(c));
    Object.freeze(layers);
    this.allLayersMemo = { images: imageLayers, containerSet: this.containers.version, upperSum, layers };
    return layers;
  }

  /** A container's init and upper layer snapshots, rebuilt only when its upper layer changed. */
  private containerLayerSnapshots(c: Container): LayerSnapshot[] {
    const upper = c.mount.upper;
    const memo = this.layerSnapshotMemo.get(c);
    if (memo && memo.version === upper.version) return memo.layers;
    const init = c.mount.layers[1]!;
    const initStats = layerStats(init);
    const upperStats = layerStats(upper);
    const top = c.image.layers[c.image.layers.length - 1];
    const layers: LayerSnapshot[] = [
      deepFreeze({ id: init.id, kind: 'init', parent: top?.id ?? null, dir: `/var/lib/docker/overlay2/${init.id}/diff`, size: initStats.size, entries: initStats.entries, containerId: c.id }),
      deepFreeze({ id: upper.id, kind: 'container', parent: init.id, dir: `/var/lib/docker/overlay2/${upper.id}/diff`, size: upperStats.size, entries: upperStats.entries, containerId: c.id }),
    ];
    this.layerSnapshotMemo.set(c, { version: upper.version, layers });
    return layers;
  }

  /** overlay2's directories for a container: lowerdir= top first (init, then the image's layers), upperdir, workdir, merged. */
  rootfsMount(c: Container): RootfsMount {
    const chains = this.store.chainIds(c.image);
    const lowers = [`/var/lib/docker/overlay2/${c.layerId}-init/diff`];
    for (let i = chains.length - 1; i >= 0; i--) lowers.push(`/var/lib/docker/overlay2/${cacheDir(chains[i]!)}/diff`);
    return {
      containerId: c.id,
      lowerdirs: lowers,
      upperdir: `/var/lib/docker/overlay2/${c.layerId}/diff`,
      workdir: `/var/lib/docker/overlay2/${c.layerId}/work`,
      merged: `/var/lib/docker/overlay2/${c.layerId}/merged`,
      layers: [...c.image.layers.map((l) => l.id), `${c.layerId}-init`, c.layerId],
    };
  }
}
