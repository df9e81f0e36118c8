import { decodeArchive } from '../archive/tar';
import { configBlob, entriesToTree } from '../images/archive';
import { sha256Digest } from '../images/digest';
import type { HistoryEntry, ImageConfig } from '../images/catalog';
import { familiarName, familiarString, type Reference } from '../images/reference';
import { hubImageByConfigDigest } from '../images/registryBlobs';
import { knownIn } from './registryPush';
import { DaemonError } from './errors';
import { transferLog } from './registrySnapshot';
import type { PullMessage } from './imageService';
import { hostOf, registryErrorText, registryRequest, resolveEndpoint, UrlError, type Endpoint, type HttpReply, type RegistryAuth } from './registryClient';
import type { Services } from './services';

/**
 * `docker pull` from a registry other than the Hub (a registry:2 container):
 * the daemon's v2 puller over the simulated network — the manifest by tag,
 * the config blob, then each layer blob the store does not have already
 * ("Already exists" for layers shared with local images, by their diff id;
 * nothing at all per layer when the image itself is already there).
 * Layer blobs are the simulator's tar encoding, as registryPush.ts uploads
 * them. Not simulated: manifest lists, pulling by digest, retries.
 */

interface Manifest {
  config: { digest: string };
  layers: { digest: string; size?: number }[];
}

interface ConfigJson {
  config: ImageConfig;
  created: string;
  history?: HistoryEntry[];
  comment?: string;
  author?: string;
  rootfs: { diff_ids: string[] };
}

/** Virtual time for moving `bytes` over the host's loopback (about 100 MB/s), at least a millisecond. */
function transfer(d: Services, bytes: number): Promise<void> {
  return new Promise((resolve) => d.scheduler.after(Math.max(1, Math.round(bytes / 100_000)), () => resolve()));
}

/** A registry mirror's endpoint: its host, spoken to in the scheme its URL gives. */
function mirrorEndpoint(d: Services, mirror: string | undefined): Endpoint | undefined {
  if (mirror === undefined) return undefined;
  const ep = resolveEndpoint(d, hostOf(mirror));
  const scheme = mirror.startsWith('http://') ? 'http' : 'https';
  const port = /:(\d+)$/.test(ep.hostPort) ? ep.port : scheme === 'http' ? 80 : 443;
  return { ...ep, port, base: `${scheme}://${ep.hostPort}` };
}

async function blob(d: Services, ep: Endpoint, name: string, digest: string): Promise<string> {
  const res: HttpReply = await registryRequest(d, ep, 'GET', `/v2/${name}/blobs/${digest}`);
  if (res.status !== 200) throw new DaemonError(registryErrorText(res), res.status === 404 ? 'notFound' : 'system');
  await transfer(d, res.body.length);
  return res.body;
}

/**
 * Pulls `named` (tag set) from its registry, with the client's credentials
 * if it has some, or a Hub image from a registry mirror (its URL); resolves with the progress stream, rejects with the
 * daemon's error.
 */
export async function pullFromRegistry(d: Services, named: Reference, auth?: RegistryAuth, mirror?: string): Promise<PullMessage[]> {
  const tag = named.tag ?? 'latest';
  const ep = mirrorEndpoint(d, mirror) ?? resolveEndpoint(d, named.domain, auth);
  const name = named.path;
  const tagName = familiarString({ ...named, tag });
  // The version check: 200, or 401 naming the challenge to answer.
  const ping = await registryRequest(d, ep, 'GET', '/v2/');
  if (ping.status !== 200 && ping.status !== 401) throw new DaemonError(`Get "${ep.base}/v2/": unexpected status ${ping.status}`, 'system');
  // The tag is resolved with a HEAD (dockerd 20.10's tag service), then the manifest fetched by its digest.
  const head = await registryRequest(d, ep, 'HEAD', `/v2/${name}/manifests/${tag}`);
  if (head.status === 404) throw new DaemonError(`manifest for ${tagName} not found: manifest unknown: manifest unknown`, 'notFound');
  if (head.status !== 200) throw new DaemonError(registryErrorText(head), 'system');
  const digest = head.headers.get('docker-content-digest') ?? '';
  const res = await registryRequest(d, ep, 'GET', `/v2/${name}/manifests/${digest !== '' ? digest : tag}`);
  if (res.status !== 200) throw new DaemonError(registryErrorText(res), 'system');
  const manifest = JSON.parse(res.body) as Manifest;
  const configText = await blob(d, ep, name, manifest.config.digest);
  const config = JSON.parse(configText) as ConfigJson;
  const messages: PullMessage[] = [{ id: tag, status: `Pulling from ${name}` }];
  const short = (dg: string): string => dg.slice(7, 19);
  const store = d.images.imageContext().store;
  // The image the config describes, if the store has it: the simulator's built-in images carry the real
  // images' ids, which their simulated config does not hash to, so they are found by their config blob.
  const local = store.byId(manifest.config.digest) ?? store.list().find((i) => sha256Digest(configBlob(i)) === manifest.config.digest);
  const have = store.get(tagName);
  const upToDate = have !== undefined && local !== undefined && have.id === local.id;
  const fresh: { digest: string; index: number }[] = [];
  // With the image's config already in the store the daemon skips the layers altogether: no layer lines
  // (recorded against distribution 2.8.2 and dockerd 20.10: Pulling from, Digest, Status only).
  if (!local) {
    manifest.layers.forEach((l, i) => {
      if (store.layer(config.rootfs.diff_ids[i] ?? '')) messages.push({ id: short(l.digest), status: 'Already exists', progress: true });
      else {
        messages.push({ id: short(l.digest), status: 'Pulling fs layer', progress: true });
        fresh.push({ digest: l.digest, index: i });
      }
    });
  }
  const trees = new Map<number, string>();
  for (const l of manifest.layers) knownIn(d, ep, l.digest, name);
  for (const f of fresh) {
    trees.set(f.index, await blob(d, ep, name, f.digest));
    messages.push({ id: short(f.digest), status: 'Verifying Checksum', progress: true });
    messages.push({ id: short(f.digest), status: 'Download complete', progress: true });
  }
  d.events.op(() => {
    const ctx = d.images.imageContext();
    // A simulated Hub image (through a mirror, or pushed and pulled back) is stored as a direct pull stores it.
    const hubImage = local ? undefined : hubImageByConfigDigest(manifest.config.digest);
    let image = local ?? (hubImage ? ctx.store.addCatalogImage(hubImage) : undefined);
    if (image && !local) for (const f of fresh) messages.push({ id: short(f.digest), status: 'Pull complete', progress: true });
    if (!image) {
      const layers = manifest.layers.map((_, i) => {
        const existing = ctx.store.layer(config.rootfs.diff_ids[i] ?? '');
        if (existing) return existing;
        const entries = decodeArchive(trees.get(i) ?? '');
        if (!entries) throw new DaemonError('archive/tar: invalid tar header', 'system');
        return ctx.store.layerFromTree(entriesToTree(entries));
      });
      image = ctx.store.createImage({
        id: manifest.config.digest,
        layers,
        config: config.config,
        history: config.history ?? [],
        created: config.created,
        ...(config.comment ? { comment: config.comment } : {}),
        ...(config.author ? { author: config.author } : {}),
      });
      for (const f of fresh) messages.push({ id: short(f.digest), status: 'Pull complete', progress: true });
    }
    ctx.store.tag(image!.id, tagName);
    const digestRef = `${familiarName(named)}@${digest}`;
    if (digest !== '' && !image!.repoDigests.includes(digestRef)) ctx.store.tag(image!.id, digestRef);
    const moved = local ? [] : manifest.layers.map((l, i) => ({ id: short(l.digest), digest: l.digest, size: l.size ?? 0, action: trees.has(i) ? ('pulled' as const) : ('exists' as const) }));
    transferLog(d.events).add({ time: d.scheduler.now(), direction: 'pull', registry: named.domain, ref: `${named.domain}/${name}:${tag}`, layers: moved });
    ctx.emit('pull', image!.id, { name: tagName });
  });
  messages.push({ status: `Digest: ${digest}` });
  messages.push({ status: upToDate ? `Status: Image is up to date for ${tagName}` : `Status: Downloaded newer image for ${tagName}` });
  return messages;
}

/**
 * A Docker Hub pull with `registry-mirrors` (moby's endpoint loop): each
 * mirror first, then the Hub itself (`hub`). A mirror that fails — down,
 * or without the image — is logged and the next endpoint tried.
 */
export async function pullWithMirrors(d: Services, named: Reference, hub: () => PullMessage[]): Promise<PullMessage[]> {
  for (const mirror of d.config.file.registryMirrors) {
    try {
      return await pullFromRegistry(d, named, undefined, mirror);
    } catch (e) {
      if (!(e instanceof DaemonError)) throw e;
      // A failed version check is NewV2Repository's error, which the puller logs before giving up on the endpoint.
      if (e instanceof UrlError && e.message.includes('/v2/":')) d.daemonLog?.('warning', `Error getting v2 registry: ${e.message}`);
      d.daemonLog?.('info', `Attempting next endpoint for pull after error: ${e.message}`);
    }
  }
  return hub();
}
