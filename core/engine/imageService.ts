import { pruneMatcher } from './prune';
import { builtinImages, normalizeImageRef, type CatalogImage, type HistoryEntry, type ImageConfig } from '../images/catalog';
import { sha256Digest } from '../images/digest';
import { hubImages } from '../images/hub';
import { schema1PullError, schema1Repositories } from '../images/hubSchema1';
import { DEFAULT_DOMAIN, familiarName, familiarString, fullName, parseNormalizedNamed, ReferenceError, remotePath, withDefaultTag, type Reference } from '../images/reference';
import { ImageNotFound, type Image, type ImageStore } from '../images/store';
import { layerStats, newLayer } from '../unionfs/layer';
import type { UnionMount } from '../unionfs/mount';
import { DaemonError } from './errors';

/**
 * What dockerd's image service does around the image store: pulls from the
 * simulated Hub, `docker rmi` with its conflicts, `docker commit`, `docker
 * image prune`. The engine passes what it knows of containers and how to log
 * image events.
 */
export interface ImageServiceContext {
  store: ImageStore;
  /** RFC 3339 of the current virtual time. */
  now(): string;
  /** Containers using an image (by id), newest first. */
  containersUsing(imageId: string): { id: string; running: boolean }[];
  emit(action: string, id: string, attributes?: Record<string, string>): void;
}

/** The images the simulated Hub serves: the test images' stand-ins and the course's images. */
function hub(): readonly CatalogImage[] {
  return [...builtinImages(), ...hubImages()];
}

/** The built-in images a daemon can start with ("busybox:latest", "hello-world:latest"), each as `repo:tag`. */
export function preloadableImages(): string[] {
  return builtinImages().flatMap((c) => c.tags.map((t) => `${c.repo}:${t}`));
}

/**
 * Puts the named built-in images in the store, tagged, as if they had been
 * there before the daemon started. A name the catalog lacks is a mistake in
 * the caller's set-up, not a user's error: it throws.
 */
export function loadBuiltinImages(store: ImageStore, refs: readonly string[]): void {
  for (const ref of refs) {
    const name = normalizeImageRef(ref);
    const c = builtinImages().find((b) => b.tags.some((t) => `${b.repo}:${t}` === name));
    if (c === undefined) throw new Error(`no built-in image ${JSON.stringify(ref)} to preload (there are ${preloadableImages().join(', ')})`);
    const image = store.addCatalogImage(c);
    store.tag(image.id, name);
  }
}

/** The daemon's error for a reference it cannot parse or find, as the client prints it after "Error response from daemon: ". */
export function imageLookupError(ref: string, e: unknown): DaemonError {
  if (e instanceof ReferenceError) return new DaemonError(e.message, 'invalidParameter');
  if (e instanceof ImageNotFound) return new DaemonError(`No such image: ${noSuchImageName(ref)}`, 'notFound');
  throw e;
}

/** "No such image: busybox:latest": the reference with its default tag, or the id as given. */
function noSuchImageName(ref: string): string {
  if (/^(sha256:)?[a-f0-9]+$/.test(ref) && ref.length >= 64) return ref;
  try {
    return familiarString(withDefaultTag(parseNormalizedNamed(ref)));
  } catch {
    return ref;
  }
}

/** The id Docker shows for an image: 12 hex. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** The registry's manifest digest of a Hub image (what "Digest:" and RepoDigests show). */
export function hubManifestDigest(c: CatalogImage): string {
  return manifestDigest(c);
}

function manifestDigest(c: CatalogImage): string {
  return sha256Digest(`manifest ${c.repo} ${c.layers.map((l) => l.diffId).join(' ')} ${JSON.stringify(c.config)}`);
}

/** The compressed blob a layer downloads as; pull progress names it by its first 12 hex. */
function blobId(diffId: string): string {
  return hubBlobDigest(diffId).slice(7, 19);
}

/** The Hub's blob digest of a layer (sha256:…). */
export function hubBlobDigest(diffId: string): string {
  return sha256Digest(`blob ${diffId}`);
}

/**
 * One message of the daemon's pull stream (a JSONMessage): a status, for a tag
 * or a layer id. `progress` marks the layer updates, which carry a
 * progressDetail: a client on a terminal redraws those in place, one line per
 * layer (core/cli/docker/jsonMessages.ts).
 */
export interface PullMessage {
  id?: string;
  status: string;
  progress?: true;
}

/**
 * A pull that failed after the daemon had begun its progress stream: the
 * client prints `messages`, then the error as it is — without "Error response
 * from daemon: ", which only an error before the stream gets.
 */
export class PullStreamError extends DaemonError {
  constructor(
    message: string,
    readonly messages: readonly PullMessage[],
  ) {
    super(message, 'invalidParameter');
  }
}

/**
 * `docker pull` as the daemon streams it: the tag's "Pulling from", one status
 * per layer event (the byte counts of Downloading and Extracting, which a
 * client shows only on a terminal, are left out), then Digest and Status.
 * Layers the store already has are "Already exists".
 */
export function pull(ctx: ImageServiceContext, ref: string): { messages: PullMessage[]; image: Image } {
  let parsed: Reference;
  try {
    parsed = parseNormalizedNamed(ref);
  } catch (e) {
    throw imageLookupError(ref, e);
  }
  const named = withDefaultTag(parsed);
  const name = familiarName(named);
  if (named.domain !== DEFAULT_DOMAIN) {
    const host = named.domain.replace(/:\d+$/, '');
    const reason = host === 'localhost' || host === '127.0.0.1' ? `dial tcp 127.0.0.1:${/:(\d+)$/.exec(named.domain)?.[1] ?? '443'}: connect: connection refused` : `dial tcp: lookup ${host}: no such host`;
    throw new DaemonError(`Get "https://${named.domain}/v2/": ${reason}`, 'system');
  }
  const candidates = hub().filter((c) => c.repo === name);
  const schema1 = schema1Repositories().filter((r) => r.repo === name);
  if (candidates.length === 0 && schema1.length === 0) {
    throw new DaemonError(`pull access denied for ${name}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`, 'notFound');
  }
  const wanted = named.digest;
  const legacy = schema1.find((r) => (wanted !== undefined ? r.digest === wanted : r.tags.includes(named.tag!)));
  if (legacy !== undefined) {
    // The manifest is fetched and "Pulling from" sent before its format is refused (pull_v2.go).
    const resolved = fullName(named) + (wanted !== undefined ? `@${wanted}` : `:${named.tag!}`);
    throw new PullStreamError(schema1PullError(resolved), [{ id: wanted ?? named.tag!, status: `Pulling from ${remotePath(named)}` }]);
  }
  const catalog = wanted !== undefined ? candidates.find((c) => manifestDigest(c) === wanted) : candidates.find((c) => c.tags.includes(named.tag!));
  if (catalog === undefined) {
    throw new DaemonError(`manifest for ${familiarString(named)} not found: manifest unknown: manifest unknown`, 'notFound');
  }
  const digest = manifestDigest(catalog);
  const label = wanted ?? named.tag!;
  const tagName = familiarString(named);
  const messages: PullMessage[] = [{ id: label, status: `Pulling from ${remotePath(named)}` }];
  const layer = (id: string, status: string): void => void messages.push({ id, status, progress: true });
  const have = ctx.store.get(tagName);
  // The manifest matches what the tag already names: nothing to download.
  const upToDate = have !== undefined && have.layers.map((l) => l.id).join() === catalog.layers.map((l) => l.diffId).join();
  if (!upToDate) {
    const fresh: string[] = [];
    for (const l of catalog.layers) {
      const id = blobId(l.diffId);
      if (ctx.store.layer(l.diffId)) layer(id, 'Already exists');
      else {
        layer(id, 'Pulling fs layer');
        fresh.push(id);
      }
    }
    // The daemon downloads three layers at a time; the others wait their turn.
    fresh.forEach((id, i) => {
      if (i >= 3) layer(id, 'Waiting');
    });
    for (const id of fresh) {
      layer(id, 'Verifying Checksum');
      layer(id, 'Download complete');
    }
    for (const id of fresh) layer(id, 'Pull complete');
  }
  const image = upToDate ? have : ctx.store.addCatalogImage(catalog);
  if (!named.digest) ctx.store.tag(image.id, tagName);
  const digestRef = `${name}@${digest}`;
  if (!upToDate && !image.repoDigests.includes(digestRef)) ctx.store.tag(image.id, digestRef);
  messages.push({ status: `Digest: ${digest}` });
  messages.push({ status: upToDate ? `Status: Image is up to date for ${tagName}` : `Status: Downloaded newer image for ${tagName}` });
  ctx.emit('pull', image.id, { name: tagName });
  return { messages, image };
}

/** One line of `docker rmi`'s answer. */
export type DeleteRecord = { untagged: string } | { deleted: string };

/** moby's imageDeleteConflict. */
function conflict(imageId: string, hard: boolean, message: string): DaemonError {
  return new DaemonError(`conflict: unable to delete ${shortId(imageId)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${message}`, 'conflict');
}

/** isSingleReference: at most one tag, and any digests in that tag's repository. */
function isSingleReference(refs: readonly string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const repoOf = (r: string): string => (r.includes('@') ? r.slice(0, r.indexOf('@')) : r.slice(0, r.lastIndexOf(':')));
  let single: string | undefined;
  const canonical = new Set<string>();
  for (const r of refs) {
    if (r.includes('@')) canonical.add(repoOf(r));
    else if (single === undefined) single = r;
    else return false;
  }
  single ??= refs[0]!;
  return canonical.size === 1 && canonical.has(repoOf(single));
}

interface ConflictMask {
  child: boolean;
  running: boolean;
  reference: boolean;
  stopped: boolean;
}

function checkConflict(ctx: ImageServiceContext, image: Image, mask: ConflictMask): { error: DaemonError; used: boolean } | undefined {
  if (mask.child && ctx.store.children(image.id).length > 0) return { error: conflict(image.id, true, 'image has dependent child images'), used: false };
  const users = ctx.containersUsing(image.id);
  const running = users.find((c) => c.running);
  if (mask.running && running) return { error: conflict(image.id, true, `image is being used by running container ${shortId(running.id)}`), used: true };
  if (mask.reference && ctx.store.references(image).length > 0) return { error: conflict(image.id, false, 'image is referenced in multiple repositories'), used: false };
  const stopped = users.find((c) => !c.running);
  if (mask.stopped && stopped) return { error: conflict(image.id, false, `image is being used by stopped container ${shortId(stopped.id)}`), used: true };
  return undefined;
}

/** `docker rmi`: moby's ImageDelete — untag a reference, delete the image when nothing names or uses it. */
export function removeImage(ctx: ImageServiceContext, ref: string, opts: { force?: boolean; prune?: boolean } = {}): DeleteRecord[] {
  const force = opts.force ?? false;
  const prune = opts.prune ?? true;
  let image: Image;
  try {
    image = ctx.store.resolve(ref);
  } catch (e) {
    throw imageLookupError(ref, e);
  }
  const records: DeleteRecord[] = [];
  let refs = ctx.store.references(image);
  let quiet = false;
  const byId = image.id.startsWith(ref) || image.id.slice(7).startsWith(ref);
  if (!byId) {
    if (!force && isSingleReference(refs)) {
      const user = ctx.containersUsing(image.id)[0];
      if (user) {
        throw new DaemonError(`conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(user.id)} is using its referenced image ${shortId(image.id)}`, 'conflict');
      }
    }
    const name = familiarString(withDefaultTag(parseNormalizedNamed(ref)));
    ctx.store.untag(name);
    ctx.emit('untag', image.id, { name: image.id });
    records.push({ untagged: name });
    refs = ctx.store.references(image);
    // A removed tag takes the digests of its repository with it when no other tag of that repository is left.
    if (!name.includes('@')) {
      const repo = name.slice(0, name.lastIndexOf(':'));
      if (!refs.some((r) => !r.includes('@') && r.slice(0, r.lastIndexOf(':')) === repo)) {
        for (const r of refs.filter((x) => x.includes('@') && x.slice(0, x.indexOf('@')) === repo)) {
          ctx.store.untag(r);
          records.push({ untagged: r });
        }
        refs = ctx.store.references(image);
      }
    }
    if (refs.length > 0) return records;
    quiet = true;
  } else if (isSingleReference(refs)) {
    const c = checkConflict(ctx, image, { child: true, running: true, reference: false, stopped: !force });
    if (c) throw c.error;
    for (const r of refs) {
      ctx.store.untag(r);
      ctx.emit('untag', image.id, { name: image.id });
      records.push({ untagged: r });
    }
  }
  deleteHelper(ctx, image, records, force, prune, quiet);
  return records;
}

function deleteHelper(ctx: ImageServiceContext, image: Image, records: DeleteRecord[], force: boolean, prune: boolean, quiet: boolean): void {
  const c = checkConflict(ctx, image, { child: true, running: true, reference: !force, stopped: !force });
  if (c) {
    // moby's imageIsDangling: no reference and no child (an intermediate build step with other children is not).
    const dangling = image.repoTags.length === 0 && image.repoDigests.length === 0 && ctx.store.children(image.id).length === 0;
    if (quiet && (!dangling || c.used)) return;
    throw c.error;
  }
  for (const r of ctx.store.references(image)) {
    ctx.store.untag(r);
    records.push({ untagged: r });
  }
  const parent = image.parent;
  const released = ctx.store.delete(image.id);
  ctx.emit('delete', image.id, { name: image.id });
  records.push({ deleted: image.id });
  for (const chain of released) records.push({ deleted: chain });
  if (!prune || parent === '') return;
  const parentImage = ctx.store.byId(parent);
  if (parentImage) deleteHelper(ctx, parentImage, records, false, true, true);
}

/** What `docker commit` is given. */
export interface CommitOptions {
  /** The container's id and name, its image and its config (Cmd, Env …) as the new image's defaults. */
  containerId: string;
  image: Image;
  config: ImageConfig;
  mount: UnionMount;
  comment?: string;
  author?: string;
  /** `docker commit REPO[:TAG]`. */
  reference?: string;
  /** The history line: the container's command, as Docker records it. */
  createdBy: string;
}

/**
 * `docker commit`: the container's upper layer (not the init layer) frozen as
 * a new layer on top of the image's, a history line, the image as parent.
 */
export function commit(ctx: ImageServiceContext, opts: CommitOptions): Image {
  let tagName: string | undefined;
  if (opts.reference !== undefined && opts.reference !== '') {
    try {
      const r = parseNormalizedNamed(opts.reference);
      if (r.digest !== undefined) throw new DaemonError('invalid reference format', 'invalidParameter');
      tagName = familiarString(withDefaultTag(r));
    } catch (e) {
      if (e instanceof ReferenceError) throw new DaemonError(e.message, 'invalidParameter');
      throw e;
    }
  }
  const created = ctx.now();
  // An unchanged container commits no layer, only a history line marked empty (image.NewChildImage).
  const empty = opts.mount.upper.root.children.size === 0;
  const layers = empty ? [...opts.image.layers] : [...opts.image.layers, ctx.store.layerFromTree(opts.mount.upper.root)];
  const entry: HistoryEntry = { created, createdBy: opts.createdBy };
  if (opts.author) entry.author = opts.author;
  if (opts.comment) entry.comment = opts.comment;
  if (empty) entry.emptyLayer = true;
  const image = ctx.store.createImage({
    layers,
    config: opts.config,
    history: [...opts.image.history, entry],
    created,
    parent: opts.image.id,
    comment: opts.comment ?? '',
    author: opts.author ?? '',
    container: opts.containerId,
  });
  ctx.emit('commit', opts.containerId, { comment: opts.comment ?? '', imageID: image.id, ...(tagName ? { imageRef: tagName } : {}) });
  if (tagName !== undefined) ctx.store.tag(image.id, tagName, created);
  return image;
}

/** `docker image prune`: dangling images (or, with all, every image no container uses). Returns the records and the bytes reclaimed. */
export function pruneImages(ctx: ImageServiceContext, opts: { all?: boolean; filters?: Readonly<Record<string, readonly string[]>> } = {}): { records: DeleteRecord[]; reclaimed: number } {
  const filters = opts.filters ?? {};
  const { dangling, ...rest } = filters;
  const match = pruneMatcher(rest, Date.parse(ctx.now()), ['label', 'label!', 'until']);
  // The client sends -a as dangling=false; the daemon prunes only dangling images otherwise.
  const all = opts.all === true || (dangling ?? []).some((v) => v === 'false' || v === '0');
  const records: DeleteRecord[] = [];
  let reclaimed = 0;
  const candidates = ctx.store.list().filter((i) => {
    if (ctx.containersUsing(i.id).length > 0) return false;
    if (!match(i.config.Labels ?? {}, Date.parse(i.created))) return false;
    if (all) return true;
    return i.repoTags.length === 0;
  });
  for (const image of candidates) {
    if (!ctx.store.byId(image.id)) continue;
    if (ctx.store.children(image.id).length > 0) continue;
    const before = new Set(ctx.store.list().flatMap((i) => i.layers.map((l) => l.id)));
    const mine: DeleteRecord[] = [];
    try {
      deleteHelper(ctx, image, mine, true, true, false);
    } catch (e) {
      if (e instanceof DaemonError) continue;
      throw e;
    }
    const after = new Set(ctx.store.list().flatMap((i) => i.layers.map((l) => l.id)));
    for (const l of image.layers) if (before.has(l.id) && !after.has(l.id)) reclaimed += layerStats(l).size;
    records.push(...mine);
  }
  ctx.emit('prune', '', { reclaimed: String(reclaimed) });
  return { records, reclaimed };
}

/** A container's new upper and init layers (named by the overlay2 directory id). */
export function containerLayers(layerId: string): { init: ReturnType<typeof newLayer>; upper: ReturnType<typeof newLayer> } {
  return {
    init: newLayer(`${layerId}-init`, 'init', { kind: 'dir', mode: 0o755, children: new Map() }),
    upper: newLayer(layerId, 'container', { kind: 'dir', mode: 0o755, children: new Map() }),
  };
}

/** Which of `containers` (newest first) use the image, and whether each runs (paused and restarting count as running, as IsRunning does). */
export function containersUsingImage(containers: readonly { id: string; image: { id: string }; state: string }[], imageId: string): { id: string; running: boolean }[] {
  return containers.filter((c) => c.image.id === imageId).map((c) => ({ id: c.id, running: c.state === 'running' || c.state === 'paused' || c.state === 'restarting' }));
}
