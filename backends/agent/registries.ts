import { request } from 'node:http';
import type { ContainerSnapshot, DockerEvent, RegistryRepository, RegistrySnapshot, RegistryTransfer } from '../../core/model';
import { isRegistryContainer, manifestLayers, registryAddress, registryNeedsAuth, TransferLog } from '../../core/engine/registrySnapshot';
import { isInsecure } from '../../core/engine/registryClient';

/**
 * Issue 11 on the real engine: the registry containers (recognised as the
 * simulator recognises them), what each running one holds — read over HTTP
 * from its port published on this machine, at 127.0.0.1 only, with strict
 * timeouts and size limits — and the layers each `docker push` / `docker
 * pull` moved, worked out from the engine's push and pull events by
 * comparing what the registry (for a push) or the local store (for a pull)
 * had before with the manifest after.
 */

/** One registry request's limits: the registry is a container anyone may have started. */
const TIMEOUT_MS = 1500;
const MAX_BODY = 1 << 20;
const MAX_REPOS = 50;
const MAX_TAGS = 20;
const MANIFEST_ACCEPT = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

/** distribution's repository name and tag grammars: anything else never goes into a URL. */
const REPO_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET http://127.0.0.1:PORT/PATH, bounded in time and size; rejects on anything else. */
export function loopbackGet(port: number, path: string, accept?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    if (!Number.isInteger(port) || port <= 0 || port > 65535 || !path.startsWith('/v2/')) return reject(new Error('refused'));
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: TIMEOUT_MS, headers: accept ? { accept } : {} }, (res) => {
      let size = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          req.destroy(new Error('answer too large'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

type Get = typeof loopbackGet;

interface Known {
  /** Whether it answered /v2/ with 401 (a login is needed). */
  auth: boolean;
  repositories?: RegistryRepository[];
  /** diff id of each layer blob seen in a manifest (from its config), for the ids `docker push` prints. */
  diffIds: Map<string, string>;
  /** Layer blob sizes from the manifests. */
  sizes: Map<string, number>;
}

/** The port a registry container is reached at on this machine: its 5000/tcp published on 0.0.0.0 or 127.0.0.1. */
function loopbackPort(c: ContainerSnapshot): number {
  const b = (c.ports ?? []).find((p) => p.containerPort === 5000 && p.protocol === 'tcp' && (p.hostIp === '0.0.0.0' || p.hostIp === '127.0.0.1' || p.hostIp === '::' || p.hostIp === ''));
  return b?.hostPort ?? 0;
}

export class RegistryReader {
  private known = new Map<string, Known>();
  /**
   * The blobs each registry is known to hold for measuring a push: what the
   * first successful read found, plus every push seen since. Later reads do
   * not change it, so a read that races a push (a registry read again just
   * after it started) cannot make the push's own layers look already there.
   */
  private held = new Map<string, Set<string>>();
  readonly transfers = new TransferLog();
  /** From docker info: the insecure registries (CIDRs and host:port names). */
  insecure: string[] = ['127.0.0.0/8'];

  constructor(private readonly get: Get = loopbackGet) {}

  /** The registry containers as the snapshot shows them, with what was last read of each. */
  snapshot(containers: readonly ContainerSnapshot[]): RegistrySnapshot[] {
    return containers
      .filter((c) => isRegistryContainer(c.image, c.command))
      .sort((a, b) => (a.created < b.created ? -1 : 1))
      .map((c) => {
        const { host, port } = registryAddress(c, 5000);
        const k = this.known.get(c.id);
        const r: RegistrySnapshot = {
          id: c.id,
          kind: 'private',
          host,
          port,
          container: c.name,
          running: c.state === 'running',
          insecure: isInsecure(this.insecure, host, port > 0 ? '127.0.0.1' : host.split(':')[0]),
          auth: (k?.auth ?? false) || registryNeedsAuth(c.config.env, undefined),
        };
        if (r.running && k?.repositories) r.repositories = k.repositories;
        return r;
      });
  }

  /** Reads again what every running, published registry holds (side by side, each bounded). */
  async refresh(containers: readonly ContainerSnapshot[]): Promise<void> {
    const regs = containers.filter((c) => isRegistryContainer(c.image, c.command));
    const live = new Set(regs.map((c) => c.id));
    for (const id of [...this.known.keys()]) if (!live.has(id)) this.known.delete(id);
    for (const id of [...this.held.keys()]) if (!live.has(id)) this.held.delete(id);
    await Promise.all(
      regs.map(async (c) => {
        const port = loopbackPort(c);
        if (c.state !== 'running' || port === 0) return;
        const prev = this.known.get(c.id);
        try {
          const k = await this.read(port, prev);
          this.known.set(c.id, k);
          if (!this.held.has(c.id) && k.repositories) this.held.set(c.id, new Set(k.repositories.flatMap((r) => r.tags.flatMap((t) => t.layers))));
        } catch {
          // Not answering (starting, or not a registry after all): what it holds is unknown.
          this.known.set(c.id, { auth: false, diffIds: prev?.diffIds ?? new Map(), sizes: prev?.sizes ?? new Map() });
        }
      }),
    );
  }

  private async read(port: number, prev: Known | undefined): Promise<Known> {
    const diffIds = prev?.diffIds ?? new Map<string, string>();
    const sizes = prev?.sizes ?? new Map<string, number>();
    const ping = await this.get(port, '/v2/');
    if (ping.status === 401) return { auth: true, diffIds, sizes };
    if (ping.status !== 200) throw new Error(`status ${ping.status}`);
    const catalog = JSON.parse((await this.get(port, `/v2/_catalog?n=${MAX_REPOS}`)).body) as { repositories?: unknown };
    const names = (Array.isArray(catalog.repositories) ? catalog.repositories : []).filter((n): n is string => typeof n === 'string' && REPO_NAME.test(n)).slice(0, MAX_REPOS);
    const repositories: RegistryRepository[] = [];
    for (const name of names.sort()) {
      const list = await this.get(port, `/v2/${name}/tags/list`);
      const tags = list.status === 200 ? ((JSON.parse(list.body) as { tags?: unknown }).tags ?? []) : [];
      const valid = (Array.isArray(tags) ? tags : []).filter((t): t is string => typeof t === 'string' && TAG.test(t)).sort().slice(0, MAX_TAGS);
      const out: RegistryRepository['tags'] = [];
      for (const tag of valid) {
        const m = await this.get(port, `/v2/${name}/manifests/${tag}`, MANIFEST_ACCEPT);
        if (m.status !== 200) continue;
        const digest = String(m.headers['docker-content-digest'] ?? '');
        const layers = manifestLayers(m.body);
        const parsed = JSON.parse(m.body) as { config?: { digest?: unknown }; layers?: { digest?: unknown; size?: unknown }[] };
        for (const l of parsed.layers ?? []) if (typeof l.digest === 'string' && typeof l.size === 'number') sizes.set(l.digest, l.size);
        const configDigest = parsed.config?.digest;
        if (typeof configDigest === 'string' && /^sha256:[0-9a-f]{64}$/.test(configDigest) && layers.some((l) => !diffIds.has(l))) {
          const config = await this.get(port, `/v2/${name}/blobs/${configDigest}`);
          const ids = config.status === 200 ? (JSON.parse(config.body) as { rootfs?: { diff_ids?: unknown } }).rootfs?.diff_ids : undefined;
          if (Array.isArray(ids)) layers.forEach((l, i) => typeof ids[i] === 'string' && diffIds.set(l, ids[i] as string));
        }
        out.push({ tag, digest: /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : '', layers });
      }
      repositories.push({ name, tags: out });
    }
    return { auth: false, repositories, diffIds, sizes };
  }

  /** The layer blobs a registry is known to hold (see `held`). */
  blobs(containerId: string): Set<string> {
    return new Set(this.held.get(containerId) ?? []);
  }

  /**
   * The transfers a batch's push and pull events imply, recorded: `before`
   * is what each registry held (push) and which diff ids the local store had
   * (pull) before the batch; the registries must have been refreshed since.
   */
  record(events: readonly DockerEvent[], containers: readonly ContainerSnapshot[], before: { blobs: Map<string, Set<string>>; localDiffIds: Set<string> }, now: number): void {
    const regs = this.snapshot(containers);
    for (const e of events) {
      if (e.type !== 'image' || (e.action !== 'push' && e.action !== 'pull')) continue;
      // The event's id is the reference with its tag; its name attribute has none.
      const ref = e.id.includes('/') ? e.id : (e.attributes.name ?? e.id);
      const reg = regs.find((r) => ref.startsWith(`${r.host}/`));
      if (!reg) continue;
      const rest = ref.slice(reg.host.length + 1);
      const colon = rest.lastIndexOf(':');
      const [name, tag] = colon > 0 && !rest.slice(colon).includes('/') ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest, 'latest'];
      const k = this.known.get(reg.id);
      const manifest = k?.repositories?.find((r) => r.name === name)?.tags.find((t) => t.tag === tag);
      if (!k || !manifest) continue;
      const had = before.blobs.get(reg.id) ?? new Set<string>();
      const layers = manifest.layers.map((digest) => {
        const diffId = k.diffIds.get(digest) ?? '';
        const exists = e.action === 'push' ? had.has(digest) : before.localDiffIds.has(diffId);
        // The client prints a push's layers by diff id, a pull's by blob digest.
        const shown = e.action === 'push' && diffId ? diffId : digest;
        return { id: shown.replace(/^sha256:/, '').slice(0, 12), digest, size: k.sizes.get(digest) ?? 0, action: exists ? ('exists' as const) : e.action === 'push' ? ('pushed' as const) : ('pulled' as const) };
      });
      // docker push prints the top layer first; pull the bottom one first.
      const t: Omit<RegistryTransfer, 'seq'> = { time: now || e.time, direction: e.action, registry: reg.host, ref: `${reg.host}/${name}:${tag}`, layers: e.action === 'push' ? layers.reverse() : layers };
      this.transfers.add(t);
      if (e.action === 'push') {
        const held = this.held.get(reg.id) ?? new Set<string>();
        for (const l of manifest.layers) held.add(l);
        this.held.set(reg.id, held);
      }
    }
  }
}
