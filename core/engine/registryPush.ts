import { encodeArchive } from '../archive/tar';
import { configBlob, treeToEntries } from '../images/archive';
import { sha256Hex } from '../images/digest';
import { familiarName, familiarString, type Reference } from '../images/reference';
import { utf8Length } from '../utf8';
import type { RegistryTransfer } from '../model';
import { DaemonError } from './errors';
import { transferLog } from './registrySnapshot';
import type { PullMessage } from './imageService';
import { registryRequest, resolveEndpoint, type Endpoint, type HttpReply } from './registryClient';
import type { Services } from './services';

/**
 * `docker push` as the daemon does it (distribution's v2 pusher): the
 * version check, then each layer top first — HEAD of its blob ("Layer
 * already exists") or an upload (POST, PATCH the data, PUT ?digest=) — the
 * config blob, and the schema 2 manifest under the tag, all over the
 * simulated network to the registry. A layer blob is the layer's tar as the
 * simulator encodes archives (uncompressed; the real one is gzipped, so
 * digests and sizes differ from a real push of the same image). The stream's
 * messages go to `emit` as they happen; a failure rejects with the text the
 * client prints, after what was already stored (which stays stored).
 * Not simulated: retries ("Retrying in 5 seconds"), cross-repository mounts
 * ("Mounted from"), pushing several layers at once ("Waiting").
 */

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

function check(res: HttpReply, ok: number[]): HttpReply {
  if (ok.includes(res.status)) return res;
  // The registry's error JSON: the client prints its first message.
  let message = `unexpected status: ${res.status}`;
  try {
    const parsed = JSON.parse(res.body) as { errors?: { message?: string }[] };
    message = parsed.errors?.[0]?.message ?? message;
  } catch {
    // Not JSON: the status says it.
  }
  throw new DaemonError(message, 'system');
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

/** Pushes the local image `ref` (domain, path and tag set) to its registry; `onUpload` hears of each layer upload as it starts. */
export async function pushImage(d: Services, ref: Reference, emit: (m: PullMessage) => void, onUpload?: (layer: string) => void): Promise<void> {
  const tag = ref.tag ?? 'latest';
  const repoName = `${ref.domain}/${ref.path}`;
  emit({ status: `The push refers to repository [${repoName}]` });
  const local = familiarString({ ...ref, tag });
  const image = d.images.image(local);
  if (!image) throw new DaemonError(`An image does not exist locally with the tag: ${familiarString({ domain: ref.domain, path: ref.path })}`, 'notFound');
  const ep = resolveEndpoint(d, ref.domain);
  check(await registryRequest(d, ep, 'GET', '/v2/'), [200]);
  const name = ref.path;
  const mtime = Math.floor(Date.parse(image.created) / 1000);
  const top = [...image.layers].reverse();
  const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
  for (const l of top) emit({ id: short(l.id), status: 'Preparing', progress: true });
  const descriptors: { size: number; digest: string }[] = [];
  const sent: RegistryTransfer['layers'] = [];
  for (const l of top) {
    const blob = encodeArchive(treeToEntries(l.root, mtime));
    const digest = `sha256:${sha256Hex(blob)}`;
    descriptors.unshift({ size: utf8Length(blob), digest });
    const head = await registryRequest(d, ep, 'HEAD', `/v2/${name}/blobs/${digest}`);
    sent.push({ id: short(l.id), digest, size: utf8Length(blob), action: head.status === 200 ? 'exists' : 'pushed' });
    if (head.status === 200) {
      emit({ id: short(l.id), status: 'Layer already exists', progress: true });
      continue;
    }
    // "Pushing" messages carry a progress bar, which a client shows only on a terminal and then overwrites
    // with "Pushed": the stream leaves them out, as pull's leaves out Downloading.
    onUpload?.(short(l.id));
    await uploadBlob(d, ep, name, blob, digest);
    emit({ id: short(l.id), status: 'Pushed', progress: true });
  }
  const config = configBlob(image);
  const configDigest = `sha256:${sha256Hex(config)}`;
  if ((await registryRequest(d, ep, 'HEAD', `/v2/${name}/blobs/${configDigest}`)).status !== 200) await uploadBlob(d, ep, name, config, configDigest);
  // distribution's schema2 manifest is marshalled with a three-space indent.
  const manifest = JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: utf8Length(config), digest: configDigest },
      layers: descriptors.map((x) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: x.size, digest: x.digest })),
    },
    null,
    3,
  );
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
