import { encodeArchive } from '../archive/tar';
import type { Layer } from '../unionfs/layer';
import { configBlob, treeToEntries } from '../images/archive';
import { sha256Hex } from '../images/digest';
import { familiarName, familiarString, type Reference } from '../images/reference';
import { schema2Manifest } from '../images/registryBlobs';
import { utf8Length } from '../utf8';
import type { RegistryTransfer } from '../model';
import { DaemonError } from './errors';
import { transferLog } from './registrySnapshot';
import type { PullMessage } from './imageService';
import { NO_BASIC_AUTH, registryErrorText, registryRequest, resolveEndpoint, UrlError, type Endpoint, type HttpReply, type RegistryAuth } from './registryClient';
import type { Services } from './services';

/**
 * `docker push` as the daemon does it (distribution's v2 pusher): the
 * version check, then each layer top first — HEAD of its blob ("Layer
 * already exists"), a mount from another repository of the registry
 * ("Mounted from"), or an upload (POST, PATCH the data, PUT ?digest=) — the
 * config blob, and the schema 2 manifest under the tag, all over the
 * simulated network to the registry. A layer blob is the layer's tar as the
 * simulator encodes archives (uncompressed; the real one is gzipped, so
 * digests and sizes differ from a real push of the same image). The stream's
 * messages go to `emit` as they happen; a failure rejects with the text the
 * client prints, after what was already stored (which stays stored).
 * A layer whose upload loses the registry is tried five times, as dockerd
 * does. Not simulated: pushing several layers at once ("Waiting").
 */

/** distribution/xfer's maxUploadAttempts. */
const MAX_UPLOAD_ATTEMPTS = 5;

function check(res: HttpReply, ok: number[]): HttpReply {
  if (ok.includes(res.status)) return res;
  throw new DaemonError(registryErrorText(res), 'system');
}

/**
 * The daemon's V2 metadata: which repositories of a registry a blob is known
 * to be in (pushed there, or pulled from there), so a push to another
 * repository of that registry can mount it ("Mounted from") instead of uploading.
 */
const blobRepos = new WeakMap<Services, Map<string, string[]>>();

/** Records that `name` on the endpoint's registry has the blob. */
export function knownIn(d: Services, ep: Endpoint, digest: string, name: string): void {
  let m = blobRepos.get(d);
  if (!m) blobRepos.set(d, (m = new Map()));
  const key = `${ep.hostPort} ${digest}`;
  const repos = (m.get(key) ?? []).filter((r) => r !== name);
  m.set(key, [name, ...repos]);
}

function knownRepo(d: Services, ep: Endpoint, digest: string, name: string): string | undefined {
  return blobRepos.get(d)?.get(`${ep.hostPort} ${digest}`)?.find((r) => r !== name);
}

/** A layer's blob as pushed, by layer and mtime: layers never change, and encoding and hashing a large one is most of a push. */
const blobs = new WeakMap<Layer, Map<string, { blob: string; digest: string; size: number }>>();

function layerBlob(l: Layer, mtime: number): { blob: string; digest: string; size: number } {
  let byTime = blobs.get(l);
  if (!byTime) blobs.set(l, (byTime = new Map()));
  const key = `${l.version} ${mtime}`;
  let b = byTime.get(key);
  if (!b) {
    const blob = encodeArchive(treeToEntries(l.root, mtime));
    b = { blob, digest: `sha256:${sha256Hex(blob)}`, size: utf8Length(blob) };
    byTime.set(key, b);
  }
  return b;
}

/** Virtual time for moving `bytes` over the host's loopback (about 100 MB/s), at least a millisecond. */
function transfer(d: Services, bytes: number): Promise<void> {
  return new Promise((resolve) => d.scheduler.after(Math.max(1, Math.round(bytes / 100_000)), () => resolve()));
}

async function uploadBlob(d: Services, ep: Endpoint, name: string, data: string, digest: string): Promise<void> {
  const start = check(await registryRequest(d, ep, 'POST', `/v2/${name}/blobs/uploads/`, ''), [202]);
  const location = start.headers.get('location') ?? '';
  await transfer(d, data.length);
  const patched = check(await registryRequest(d, ep, 'PATCH', location, data), [202]);
  const at = patched.headers.get('location') ?? location;
  check(await registryRequest(d, ep, 'PUT', `${at}${at.includes('?') ? '&' : '?'}digest=${digest}`, ''), [201]);
}

/**
 * Pushes the local image `ref` (domain, path and tag set) to its registry
 * with the client's credentials if it has some; `onUpload` hears of each
 * layer upload as it starts.
 */
export async function pushImage(d: Services, ref: Reference, emit: (m: PullMessage) => void, onUpload?: (layer: string) => void, auth?: RegistryAuth): Promise<void> {
  try {
    await push(d, ref, emit, onUpload, auth);
  } catch (e) {
    // The pusher's retryOnError: a missing credential is printed bare, without the request it failed.
    if (e instanceof UrlError && e.reason === NO_BASIC_AUTH) throw new DaemonError(NO_BASIC_AUTH, 'system');
    throw e;
  }
}

async function push(d: Services, ref: Reference, emit: (m: PullMessage) => void, onUpload: ((layer: string) => void) | undefined, auth: RegistryAuth | undefined): Promise<void> {
  const tag = ref.tag ?? 'latest';
  const repoName = `${ref.domain}/${ref.path}`;
  emit({ status: `The push refers to repository [${repoName}]` });
  const local = familiarString({ ...ref, tag });
  const image = d.images.image(local);
  if (!image) throw new DaemonError(`An image does not exist locally with the tag: ${familiarString({ domain: ref.domain, path: ref.path })}`, 'notFound');
  const ep = resolveEndpoint(d, ref.domain, auth);
  // The version check: 200, or 401 naming the challenge to answer.
  check(await registryRequest(d, ep, 'GET', '/v2/'), [200, 401]);
  const name = ref.path;
  const mtime = Math.floor(Date.parse(image.created) / 1000);
  const top = [...image.layers].reverse();
  const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
  for (const l of top) emit({ id: short(l.id), status: 'Preparing', progress: true });
  const descriptors: { size: number; digest: string }[] = [];
  const sent: RegistryTransfer['layers'] = [];
  for (const l of top) {
    const { blob, digest, size } = layerBlob(l, mtime);
    descriptors.unshift({ size, digest });
    const id = short(l.id);
    for (let attempt = 1; ; attempt++) {
      try {
        const head = await registryRequest(d, ep, 'HEAD', `/v2/${name}/blobs/${digest}`);
        if (head.status === 200) {
          emit({ id, status: 'Layer already exists', progress: true });
          sent.push({ id, digest, size, action: 'exists' });
          knownIn(d, ep, digest, name);
          break;
        }
        // A repository of the same registry the layer went to (or came from) lends it: a mount, no upload.
        const from = knownRepo(d, ep, digest, name);
        if (from !== undefined) {
          const mounted = await registryRequest(d, ep, 'POST', `/v2/${name}/blobs/uploads/?mount=${digest}&from=${from}`, '');
          if (mounted.status === 201) {
            emit({ id, status: `Mounted from ${from}`, progress: true });
            // Not sent over the wire: the registry links the blob it has.
            sent.push({ id, digest, size, action: 'exists' });
            knownIn(d, ep, digest, name);
            break;
          }
        }
        // "Pushing" messages carry a progress bar, which a client shows only on a terminal and then overwrites
        // with "Pushed": the stream leaves them out, as pull's leaves out Downloading.
        onUpload?.(id);
        await uploadBlob(d, ep, name, blob, digest);
        emit({ id, status: 'Pushed', progress: true });
        sent.push({ id, digest, size, action: 'pushed' });
        knownIn(d, ep, digest, name);
        break;
      } catch (e) {
        // The upload manager's retryOnError: a connection failure is tried again after 5, 10, 15 and 20 s,
        // counted down each second; after the fifth attempt its cause is the error, without the request.
        if (!(e instanceof UrlError) || e.reason === NO_BASIC_AUTH) throw e;
        if (attempt === MAX_UPLOAD_ATTEMPTS) throw new DaemonError(e.reason, 'system');
        for (let left = 5 * attempt; left > 0; left--) {
          emit({ id, status: `Retrying in ${left} second${left === 1 ? '' : 's'}`, progress: true });
          await new Promise<void>((resolve) => d.scheduler.after(1000, () => resolve()));
        }
      }
    }
  }
  const config = configBlob(image);
  const configDigest = `sha256:${sha256Hex(config)}`;
  if ((await registryRequest(d, ep, 'HEAD', `/v2/${name}/blobs/${configDigest}`)).status !== 200) await uploadBlob(d, ep, name, config, configDigest);
  const manifest = schema2Manifest(config, descriptors);
  const put = check(await registryRequest(d, ep, 'PUT', `/v2/${name}/manifests/${tag}`, manifest), [201]);
  const digest = put.headers.get('docker-content-digest') ?? `sha256:${sha256Hex(manifest)}`;
  await transfer(d, manifest.length);
  // The daemon records the pushed manifest's digest as a RepoDigest and logs the push.
  d.events.op(() => {
    const ctx = d.images.imageContext();
    const digestRef = `${familiarName(ref)}@${digest}`;
    if (!image.repoDigests.includes(digestRef)) ctx.store.tag(image.id, digestRef);
    transferLog(d.events).add({ time: d.scheduler.now(), direction: 'push', registry: ref.domain, ref: `${repoName}:${tag}`, layers: sent });
    ctx.emit('push', local, { name: local });
  });
  emit({ status: `${tag}: digest: ${digest} size: ${utf8Length(manifest)}` });
}
