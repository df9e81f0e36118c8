import type { ContainerSnapshot, RegistryRepository, RegistrySnapshot, RegistryTransfer } from '../model';
import { builtinImages, type CatalogImage } from '../images/catalog';
import { hubImages } from '../images/hub';
import type { Image } from '../images/store';
import { layerStats } from '../unionfs/layer';
import type { Fs } from '../shell/filesystem';
import { insecureRegistries } from './config';
import { hubBlobDigest, hubManifestDigest, type PullMessage } from './imageService';
import { isInsecure } from './registryClient';
import type { Services } from './services';

/**
 * The Registry view's data (Snapshot.registries and .transfers): Docker Hub
 * (simulated), each registry:2 container with what its storage holds, and
 * the recent pushes and pulls with which layers travelled. The recognition
 * of a registry container and the transfer bookkeeping are shared with the
 * real backend's agent.
 */

/** How many transfers a snapshot keeps. */
export const TRANSFER_HISTORY = 20;

/**
 * Whether a container runs a Docker registry: its image's repository is
 * (or ends in) "registry" or has it in its last path component
 * ("registry:2", "glassbox-fixture/registry:debian"), or its command is
 * `registry serve` / `docker-registry serve` (Debian's package).
 */
export function isRegistryContainer(image: string, command: readonly string[]): boolean {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  const repoLast = (colon < 0 ? noDigest : noDigest.slice(0, colon)).slice(lastSlash + 1);
  if (repoLast.includes('registry')) return true;
  const i = command.findIndex((a) => /(^|\/)(docker-)?registry$/.test(a));
  return i >= 0 && command[i + 1] === 'serve';
}

/** The port a registry listens on (http.addr of its config, 5000 by default). */
export function registryListenPort(configText: string | undefined): number {
  const addr = configText === undefined ? undefined : /^\s+addr:\s*\S*?:(\d+)\s*$/m.exec(configText)?.[1];
  return Number(addr ?? '5000');
}

/** Whether a registry asks for credentials: REGISTRY_AUTH in its environment, or an auth section in its config. */
export function registryNeedsAuth(env: readonly string[], configText: string | undefined): boolean {
  if (env.some((e) => /^REGISTRY_AUTH(_[A-Z_]+)?=./.test(e))) return true;
  return configText !== undefined && /^auth:\s*$/m.test(configText);
}

/** Where its host reaches a registry container: the host port published for `listen` (localhost:PORT), else its address. */
export function registryAddress(c: ContainerSnapshot, listen: number): { host: string; port: number } {
  const b = (c.ports ?? []).find((p) => p.containerPort === listen && p.protocol === 'tcp');
  if (b) return { host: `localhost:${b.hostPort}`, port: b.hostPort };
  const ip = c.networks?.find((n) => n.ip !== '')?.ip;
  return { host: ip ? `${ip}:${listen}` : `${c.name}:${listen}`, port: 0 };
}

/** A bounded, numbered list of transfers (one per engine or agent session). */
export class TransferLog {
  private next = 1;
  private list: RegistryTransfer[] = [];

  add(t: Omit<RegistryTransfer, 'seq'>): RegistryTransfer {
    const full = { ...t, seq: this.next++ };
    this.list = [...this.list, full].slice(-TRANSFER_HISTORY);
    return full;
  }

  recent(): RegistryTransfer[] {
    return this.list;
  }
}

/** Each simulated engine's transfers, by its events service (the one object every path that pushes or pulls holds). */
const logs = new WeakMap<object, TransferLog>();

export function transferLog(key: object): TransferLog {
  let log = logs.get(key);
  if (!log) logs.set(key, (log = new TransferLog()));
  return log;
}

/**
 * A Hub pull's transfer from its progress stream: each layer the stream
 * names, in order, "Already exists" or fetched, with the size of the image's
 * layer at that position (the stream lists layers bottom first, as the image
 * holds them). A pull that found the image up to date moved no layer.
 */
export function hubPullTransfer(messages: readonly PullMessage[], image: Image, now: number): Omit<RegistryTransfer, 'seq'> {
  const status = messages.find((m) => m.status.startsWith('Status: '))?.status ?? '';
  const ref = /for (\S+)$/.exec(status)?.[1] ?? image.repoTags[0] ?? image.id;
  const order: string[] = [];
  const exists = new Set<string>();
  for (const m of messages) {
    if (!m.progress || m.id === undefined) continue;
    if (!order.includes(m.id)) order.push(m.id);
    if (m.status === 'Already exists') exists.add(m.id);
  }
  const layers = order.map((id, i) => {
    const layer = image.layers[i];
    return { id, digest: layer ? hubBlobDigest(layer.id) : '', size: layer ? layerStats(layer).size : 0, action: exists.has(id) ? ('exists' as const) : ('pulled' as const) };
  });
  return { time: now, direction: 'pull', registry: 'docker.io', ref, layers };
}

/** The Hub's repositories (static: computed once). */
let hubRepos: RegistryRepository[] | undefined;

function hubRepositories(): RegistryRepository[] {
  if (hubRepos) return hubRepos;
  const byRepo = new Map<string, RegistryRepository>();
  const all: readonly CatalogImage[] = [...builtinImages(), ...hubImages()];
  for (const c of all) {
    const name = c.repo.includes('/') ? c.repo : `library/${c.repo}`;
    const repo = byRepo.get(name) ?? { name, tags: [] };
    byRepo.set(name, repo);
    const layers = c.layers.map((l) => hubBlobDigest(l.diffId));
    for (const tag of c.tags) if (!repo.tags.some((t) => t.tag === tag)) repo.tags.push({ tag, digest: hubManifestDigest(c), layers });
  }
  hubRepos = [...byRepo.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return hubRepos;
}

function readText(fs: Fs, path: string): string | undefined {
  try {
    return fs.readFile(path);
  } catch {
    return undefined;
  }
}

/**
 * What a registry's storage holds, read as distribution lays it out
 * (docker/registry/v2/repositories/NAME/_manifests/tags/TAG/current/link,
 * the manifest in blobs/sha256/XX/HEX/data): repositories (nested names
 * included), their tags, each tag's manifest digest and layer blobs.
 */
export function readRegistryStorage(fs: Fs, root: string): RegistryRepository[] {
  const v2 = `${root}/docker/registry/v2`;
  const out: RegistryRepository[] = [];
  const walk = (dir: string, prefix: string, depth: number): void => {
    const names = fs.readdir(dir);
    if (typeof names === 'string' || depth > 8) return;
    for (const n of [...names].sort()) {
      if (n.startsWith('_')) continue;
      const path = `${dir}/${n}`;
      if (!fs.isDir(path)) continue;
      if (fs.isDir(`${path}/_manifests`)) out.push({ name: prefix + n, tags: readTags(fs, v2, `${path}/_manifests/tags`) });
      walk(path, `${prefix}${n}/`, depth + 1);
    }
  };
  walk(`${v2}/repositories`, '', 0);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function readTags(fs: Fs, v2: string, dir: string): RegistryRepository['tags'] {
  const tags = fs.readdir(dir);
  if (typeof tags === 'string') return [];
  return [...tags].sort().map((tag) => {
    const digest = readText(fs, `${dir}/${tag}/current/link`)?.trim() ?? '';
    const manifest = /^sha256:[0-9a-f]{64}$/.test(digest) ? readText(fs, `${v2}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`) : undefined;
    return { tag, digest, layers: manifestLayers(manifest) };
  });
}

/** The layer digests a schema 2 manifest lists, bottom first ([] for anything else). */
export function manifestLayers(text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    const m = JSON.parse(text) as { layers?: { digest?: unknown }[] };
    return (m.layers ?? []).map((l) => l.digest).filter((d): d is string => typeof d === 'string');
  } catch {
    return [];
  }
}

const REGISTRY_CONFIG = '/etc/docker/registry/config.yml';

/** The Hub and every registry container of the simulated engine, with what each running one holds. */
/**
 * Container snapshots are kept (frozen) while unchanged, so whether one is a
 * registry is worked out once per snapshot object, not for every container
 * after every change (issue 14).
 */
const registryMemo = new WeakMap<ContainerSnapshot, boolean>();

function isRegistrySnapshot(c: ContainerSnapshot): boolean {
  let is = registryMemo.get(c);
  if (is === undefined) {
    is = isRegistryContainer(c.image, c.command);
    registryMemo.set(c, is);
  }
  return is;
}

export function registrySnapshots(d: Services, containers: readonly ContainerSnapshot[]): RegistrySnapshot[] {
  const out: RegistrySnapshot[] = [{ id: 'docker.io', kind: 'hub', host: 'docker.io', port: 0, container: '', running: true, insecure: false, auth: false, repositories: hubRepositories() }];
  for (const c of containers) {
    // Another simulated host's containers (docker -H) are not this daemon's registries.
    if (!d.containers.byId.has(c.id) || !isRegistrySnapshot(c)) continue;
    const fs = d.containers.byId.get(c.id)?.fs;
    const config = fs ? readText(fs, REGISTRY_CONFIG) : undefined;
    const listen = registryListenPort(config);
    const { host, port } = registryAddress(c, listen);
    const root = (config === undefined ? undefined : /^\s+rootdirectory:\s*(\S+)\s*$/m.exec(config)?.[1]) ?? '/var/lib/registry';
    const running = c.state === 'running';
    const r: RegistrySnapshot = {
      id: c.id,
      kind: 'private',
      host,
      port,
      container: c.name,
      running,
      insecure: isInsecure(insecureRegistries(d.config), host, port > 0 ? '127.0.0.1' : host.split(':')[0]),
      auth: registryNeedsAuth(c.config.env, config),
    };
    // Only a running registry answers; its storage is read as it would serve it.
    if (running && fs) r.repositories = readRegistryStorage(fs, root);
    out.push(r);
  }
  return out;
}
