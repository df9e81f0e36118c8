/**
 * The engine's image store: images (config, history, layer stack), the
 * references naming them (`busybox:latest`, `nginx@sha256:…`) and the layers
 * they share, as dockerd's image, reference and layer stores hold them.
 *
 * API for the other image commands (build, save/load, export/import, cp):
 *   - `store.layerFromTree(tree)`: registers a diff tree as a read-only layer;
 *     its diff id is the digest of its content, so the same tree is one layer.
 *   - `store.createImage({ layers, config, history, … })`: a new image from a
 *     stack of layers (bottom first), its id the digest of its config, as
 *     Docker computes it; then `store.tag(image.id, 'repo:tag')` to name it.
 *   - `store.get(ref)` / `store.resolve(ref)`: the daemon's image lookup (a
 *     reference, then a full or short id).
 *   - `store.chainIds(image)`, `store.cacheDir(chainId)`: overlay2's names.
 *   - A container's filesystem is the engine's: `engine.containerMount(ref)`
 *     gives its UnionMount (`tree(path)` reads the merged view; `put`,
 *     `writeFile`, `mkdir`… write into its upper layer with copy-up);
 *     `engine.commitContainer` turns the upper layer into an image.
 *
 * Everything is plain data and deterministic: no clock is read here (callers
 * pass `created`), no randomness (ids are digests).
 */

import { cloneTree, walkLayer, type LayerDir } from '../unionfs/tree';
import { layerStats, newLayer, type Layer } from '../unionfs/layer';
import type { CatalogImage, HistoryEntry, ImageConfig } from './catalog';
import { sha256Digest } from './digest';
import { familiarString, fullName, parseNormalizedNamed, ReferenceError, withDefaultTag, type Reference } from './reference';

export interface Image {
  /** sha256:… — the digest of the image's config. */
  id: string;
  /** Familiar references, in the order they were added: "busybox:latest". */
  repoTags: string[];
  /** "nginx@sha256:…" for images pulled from a registry. */
  repoDigests: string[];
  /** The image a commit or build started from ('' for a pulled or imported image). */
  parent: string;
  comment: string;
  author: string;
  /** RFC 3339. */
  created: string;
  config: ImageConfig;
  /** Bottom first. */
  layers: Layer[];
  history: HistoryEntry[];
  dockerVersion: string;
  /** The container a commit was made from ('' otherwise). */
  container: string;
  /** RFC 3339 of the last `docker tag`, '' when never tagged locally. */
  lastTagTime: string;
}

export interface NewImage {
  layers: Layer[];
  config: ImageConfig;
  history: HistoryEntry[];
  created: string;
  parent?: string;
  comment?: string;
  author?: string;
  container?: string;
  /** A fixed id (the local test images); otherwise the config's digest. */
  id?: string;
  dockerVersion?: string;
}

/** The daemon's image-not-found, with the reference as given. */
export class ImageNotFound extends Error {}

export const DOCKER_VERSION = '28.2.2';

export class ImageStore {
  private readonly images = new Map<string, Image>();
  /** Familiar reference ("busybox:latest", "nginx@sha256:…") → image id. */
  private readonly refs = new Map<string, string>();
  /** Diff id → layer: the same content is one layer, shared by every image that has it. */
  private readonly layers = new Map<string, Layer>();
  /** Counts changes, for snapshot memos. */
  version = 0;

  /** Images in the order they were added. */
  list(): Image[] {
    return [...this.images.values()];
  }

  byId(id: string): Image | undefined {
    return this.images.get(id);
  }

  /** The registered layer with this diff id. */
  layer(diffId: string): Layer | undefined {
    return this.layers.get(diffId);
  }

  /** Registers a catalog (Hub or built-in) image's layers and the image itself; returns it. */
  addCatalogImage(c: CatalogImage, created?: string): Image {
    const layers = c.layers.map((l) => this.registerLayer(l.diffId, () => l.tree()));
    return this.createImage({ layers, config: c.config, history: c.history, created: created ?? c.created, comment: c.comment, ...(c.id ? { id: c.id } : {}), dockerVersion: c.dockerVersion ?? '' });
  }

  private registerLayer(diffId: string, tree: () => LayerDir): Layer {
    let layer = this.layers.get(diffId);
    if (layer === undefined) {
      layer = newLayer(diffId, 'image', tree());
      this.layers.set(diffId, layer);
    }
    return layer;
  }

  /** A read-only layer from a diff tree (copied: later changes to `tree` do not reach it). Its diff id is the digest of its content. */
  layerFromTree(tree: LayerDir): Layer {
    const copy = cloneTree(tree);
    return this.registerLayer(sha256Digest(serialiseTree(copy)), () => copy);
  }

  /** Adds an image (or returns the one with the same id). */
  createImage(spec: NewImage): Image {
    for (const l of spec.layers) if (!this.layers.has(l.id)) this.layers.set(l.id, l);
    const id = spec.id ?? imageDigest(spec);
    const existing = this.images.get(id);
    if (existing) return existing;
    const image: Image = {
      id,
      repoTags: [],
      repoDigests: [],
      parent: spec.parent ?? '',
      comment: spec.comment ?? '',
      author: spec.author ?? '',
      created: spec.created,
      config: spec.config,
      layers: [...spec.layers],
      history: [...spec.history],
      dockerVersion: spec.dockerVersion ?? DOCKER_VERSION,
      container: spec.container ?? '',
      lastTagTime: '',
    };
    this.images.set(id, image);
    this.version++;
    return image;
  }

  /**
   * The daemon's GetImage: a full id ("sha256:…" or 64 hex), then the
   * normalised reference (default tag latest), then a unique id prefix.
   */
  get(ref: string): Image | undefined {
    const hex = ref.startsWith('sha256:') ? ref.slice(7) : ref;
    if (/^[a-f0-9]{64}$/.test(hex)) {
      const byId = this.images.get(`sha256:${hex}`);
      if (byId) return byId;
    }
    let parsed: Reference | undefined;
    try {
      parsed = withDefaultTag(parseNormalizedNamed(ref));
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
    }
    if (parsed) {
      const id = this.refs.get(familiarString(parsed));
      if (id !== undefined) return this.images.get(id);
    }
    if (/^[a-f0-9]+$/.test(hex)) {
      let found: Image | undefined;
      for (const image of this.images.values()) {
        if (!image.id.slice(7).startsWith(hex)) continue;
        if (found) return undefined;
        found = image;
      }
      return found;
    }
    return undefined;
  }

  /** Like get, but throws the parse error for a malformed reference (the daemon's "invalid reference format"). */
  resolve(ref: string): Image {
    const image = this.get(ref);
    if (image) return image;
    if (!/^(sha256:)?[a-f0-9]+$/.test(ref)) parseNormalizedNamed(ref); // throws ReferenceError when malformed
    throw new ImageNotFound(ref);
  }

  /** The familiar references naming `image`: tags first, then digests. */
  references(image: Image): string[] {
    return [...image.repoTags, ...image.repoDigests];
  }

  /** Names `image` `ref` (normalised, default tag latest), moving the name from any image that had it. */
  tag(imageId: string, ref: string, time?: string): string {
    const name = familiarString(withDefaultTag(parseNormalizedNamed(ref)));
    const image = this.images.get(imageId);
    if (!image) throw new ImageNotFound(imageId);
    const previous = this.refs.get(name);
    if (previous === imageId) return name;
    if (previous !== undefined) this.dropRef(previous, name);
    this.refs.set(name, imageId);
    // The reference store lists an image's references sorted by their full names.
    const byFullName = (a: string, b: string): number => {
      const fa = fullName(parseNormalizedNamed(a)) + a.slice(a.search(/[:@][^/]*$/));
      const fb = fullName(parseNormalizedNamed(b)) + b.slice(b.search(/[:@][^/]*$/));
      return fa < fb ? -1 : fa > fb ? 1 : 0;
    };
    if (name.includes('@')) image.repoDigests = [...image.repoDigests, name].sort(byFullName);
    else image.repoTags = [...image.repoTags, name].sort(byFullName);
    if (time !== undefined) image.lastTagTime = time;
    this.version++;
    return name;
  }

  /** Removes one reference; returns the image it named. */
  untag(name: string): Image | undefined {
    const id = this.refs.get(name);
    if (id === undefined) return undefined;
    this.refs.delete(name);
    this.dropRef(id, name);
    this.version++;
    return this.images.get(id);
  }

  private dropRef(id: string, name: string): void {
    const image = this.images.get(id);
    if (!image) return;
    image.repoTags = image.repoTags.filter((t) => t !== name);
    image.repoDigests = image.repoDigests.filter((t) => t !== name);
  }

  /** Images whose parent is `id` (a commit's or build's). */
  children(id: string): Image[] {
    return this.list().filter((i) => i.parent === id);
  }

  /**
   * Deletes an image (its references must be gone) and returns the chain ids
   * of the layers no other image uses any more, top first, as the layer store
   * releases them.
   */
  delete(id: string): string[] {
    const image = this.images.get(id);
    if (!image) return [];
    this.images.delete(id);
    for (const r of this.references(image)) this.refs.delete(r);
    const stillUsed = new Set<string>();
    for (const other of this.images.values()) for (const c of this.chainIds(other)) stillUsed.add(c);
    const released: string[] = [];
    const chains = this.chainIds(image);
    for (let i = chains.length - 1; i >= 0; i--) {
      if (stillUsed.has(chains[i]!)) break;
      released.push(chains[i]!);
    }
    const liveDiffs = new Set<string>();
    for (const other of this.images.values()) for (const l of other.layers) liveDiffs.add(l.id);
    for (const l of image.layers) if (!liveDiffs.has(l.id)) this.layers.delete(l.id);
    this.version++;
    return released;
  }

  /** Chain ids of the image's layers, bottom first: ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
  chainIds(image: Image): string[] {
    return chainIdsOf(image.layers.map((l) => l.id));
  }

  /** The image's size (all its layers, shared or not), as Docker reports Size. */
  size(image: Image): number {
    let total = 0;
    for (const l of image.layers) total += layerStats(l).size;
    return total;
  }
}

const chainMemo = new Map<string, string>();

/** The chain ids of a stack of diff ids, bottom first. */
export function chainIdsOf(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let chain = '';
  for (const diff of diffIds) {
    if (chain === '') chain = diff;
    else {
      const key = `${chain} ${diff}`;
      let next = chainMemo.get(key);
      if (next === undefined) {
        next = sha256Digest(key);
        chainMemo.set(key, next);
      }
      chain = next;
    }
    out.push(chain);
  }
  return out;
}

/** overlay2's directory id for a layer (the layer store's random cache id; here derived from the chain id so replays agree). */
export function cacheDir(chainId: string): string {
  let dir = cacheMemo.get(chainId);
  if (dir === undefined) {
    dir = sha256Digest(`overlay2 cache ${chainId}`).slice(7);
    cacheMemo.set(chainId, dir);
  }
  return dir;
}
const cacheMemo = new Map<string, string>();

/** The image config JSON's digest (the image id), over the fields Docker's config has. */
function imageDigest(spec: NewImage): string {
  return sha256Digest(
    JSON.stringify({
      architecture: 'amd64',
      author: spec.author ?? '',
      comment: spec.comment ?? '',
      config: spec.config,
      container: spec.container ?? '',
      created: spec.created,
      history: spec.history,
      os: 'linux',
      parent: spec.parent ?? '',
      rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => l.id) },
    }),
  );
}

/** A tar-like listing of a tree (paths, types, modes, sizes, contents), whose digest stands for the layer's diff id. */
function serialiseTree(tree: LayerDir): string {
  const lines: string[] = [];
  walkLayer(tree, (path, node) => {
    switch (node.kind) {
      case 'whiteout':
        lines.push(`w ${path}`);
        break;
      case 'dir':
        lines.push(`d ${path} ${node.mode.toString(8)}${node.opaque ? ' opaque' : ''}`);
        break;
      case 'symlink':
        lines.push(`l ${path} ${node.target}`);
        break;
      case 'file':
        lines.push(`f ${path} ${node.mode.toString(8)} ${node.size} ${node.program ?? ''} ${JSON.stringify(node.content ?? '')}`);
        break;
    }
  });
  return lines.join('\n');
}
