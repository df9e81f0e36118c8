import { utf8Length } from '../utf8';
import { tarSize, type ArchiveEntry } from '../archive/tar';
import { sha256Hex } from './digest';
import type { LayerDir, LayerNode, TreeNode } from '../unionfs/tree';
import type { HistoryEntry, ImageConfig } from './catalog';
import type { Image, ImageStore } from './store';

/**
 * Images and container filesystems as tar archives, in the layouts Docker
 * writes: `docker save` (the OCI image layout Docker 25+ writes, with the
 * legacy manifest.json and repositories files beside it), `docker load`,
 * `docker export` (the container's merged tree) and `docker import` (one
 * layer from an archive). Layer archives use overlay's tar convention:
 * a whiteout is an empty `.wh.<name>` file, an opaque directory holds
 * `.wh..wh..opq`.
 */

const ROOT = { uid: 0, gid: 0, uname: 'root', gname: 'root' };
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Seconds since the epoch of an RFC 3339 time (0 when absent or invalid). */
function seconds(rfc3339: string): number {
  const ms = Date.parse(rfc3339);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** A tree (a layer's diff, or a merged view) as archive members, parents first, names in byte order. */
export function treeToEntries(root: LayerDir | TreeNode, mtime: number, prefix = ''): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  const inodes = new Map<number, string>();
  const walk = (node: LayerNode, name: string): void => {
    const time = 'mtime' in node && node.mtime !== undefined ? Math.floor(node.mtime / 1000) : mtime;
    switch (node.kind) {
      case 'whiteout': {
        const slash = name.lastIndexOf('/');
        out.push({ name: `${name.slice(0, slash + 1)}${WHITEOUT_PREFIX}${name.slice(slash + 1)}`, type: 'file', mode: 0o644, size: 0, mtime: time, ...ROOT, content: '' });
        return;
      }
      case 'symlink':
        out.push({ name, type: 'symlink', mode: 0o777, size: 0, mtime: time, ...ROOT, linkname: node.target });
        return;
      case 'file': {
        const owner = { uid: node.uid ?? 0, gid: node.gid ?? 0, uname: node.uid ? '' : 'root', gname: node.gid ? '' : 'root' };
        if (node.ino !== undefined) {
          const first = inodes.get(node.ino);
          if (first !== undefined) {
            // busybox's applets are one binary under many names; the name picks the program.
            out.push({ name, type: 'hardlink', mode: node.mode, size: 0, mtime: time, ...owner, linkname: first, ...(node.program ? { program: node.program } : {}) });
            return;
          }
          inodes.set(node.ino, name);
        }
        out.push({ name, type: 'file', mode: node.mode, size: node.size, mtime: time, ...owner, ...(node.content !== undefined ? { content: node.content } : {}), ...(node.program ? { program: node.program } : {}) });
        return;
      }
      case 'dir': {
        if (name !== '') out.push({ name: `${name}/`, type: 'dir', mode: node.mode, size: 0, mtime: time, ...ROOT });
        if ('opaque' in node && node.opaque) out.push({ name: `${name === '' ? '' : name + '/'}${OPAQUE}`, type: 'file', mode: 0o644, size: 0, mtime: time, ...ROOT, content: '' });
        const names = [...node.children.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (const child of names) walk(node.children.get(child)! as LayerNode, name === '' ? child : `${name}/${child}`);
        return;
      }
    }
  };
  walk(root as LayerNode, prefix);
  return out;
}

/** Archive members back into a layer's diff tree (whiteout and opaque markers become overlay's). */
export function entriesToTree(entries: readonly ArchiveEntry[]): LayerDir {
  const root: LayerDir = { kind: 'dir', mode: 0o755, children: new Map() };
  const byName = new Map<string, ArchiveEntry>();
  const dirAt = (parts: string[]): LayerDir => {
    let dir = root;
    for (const p of parts) {
      let next = dir.children.get(p);
      if (!next || next.kind !== 'dir') {
        next = { kind: 'dir', mode: 0o755, children: new Map() };
        dir.children.set(p, next);
      }
      dir = next;
    }
    return dir;
  };
  for (const e of entries) {
    const clean = e.name.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/$/, '');
    if (clean === '' || clean === '.') {
      if (e.type === 'dir') root.mode = e.mode;
      continue;
    }
    const parts = clean.split('/');
    const base = parts.pop()!;
    const dir = dirAt(parts);
    if (base === OPAQUE) {
      dir.opaque = true;
      continue;
    }
    if (base.startsWith(WHITEOUT_PREFIX)) {
      dir.children.set(base.slice(WHITEOUT_PREFIX.length), { kind: 'whiteout' });
      continue;
    }
    byName.set(clean, e);
    const mtime = e.mtime * 1000;
    switch (e.type) {
      case 'dir': {
        const d = dirAt([...parts, base]);
        d.mode = e.mode;
        d.mtime = mtime;
        break;
      }
      case 'symlink':
        dir.children.set(base, { kind: 'symlink', mode: 0o777, target: e.linkname ?? '', mtime });
        break;
      case 'hardlink': {
        const target = byName.get((e.linkname ?? '').replace(/^(\.\/)+/, ''));
        const ino = inoFor(e.linkname ?? '');
        const first = lookupFile(root, (e.linkname ?? '').replace(/^(\.\/)+/, ''));
        if (first) first.ino = ino;
        dir.children.set(base, { kind: 'file', mode: e.mode, size: target?.size ?? 0, mtime, ino, ...(e.program ?? first?.program ? { program: e.program ?? first!.program! } : {}), ...(target?.content !== undefined ? { content: target.content } : {}) });
        break;
      }
      case 'char':
        dir.children.set(base, { kind: 'file', mode: e.mode, size: 0, mtime, sink: true, content: '' });
        break;
      case 'file':
        dir.children.set(base, { kind: 'file', mode: e.mode, size: e.size, mtime, ...(e.content !== undefined ? { content: e.content } : {}), ...(e.program ? { program: e.program } : {}), ...(e.uid ? { uid: e.uid } : {}), ...(e.gid ? { gid: e.gid } : {}) });
        break;
    }
  }
  return root;
}

function lookupFile(root: LayerDir, path: string): Extract<LayerNode, { kind: 'file' }> | undefined {
  let node: LayerNode | undefined = root;
  for (const p of path.split('/')) {
    if (!node || node.kind !== 'dir') return undefined;
    node = node.children.get(p);
  }
  return node && node.kind === 'file' ? node : undefined;
}

/** A stable inode number for a hard-link group, from its first member's name. */
function inoFor(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const hex = (id: string): string => id.replace(/^sha256:/, '');

/** The image config blob as Docker writes it (what the image id is the digest of). */
export function configBlob(image: Image): string {
  return configBlobOf({ ...image, diffIds: image.layers.map((l) => l.id) });
}

/** The config blob from its parts (a catalog image's, before any store holds it). */
export function configBlobOf(image: Pick<Image, 'config' | 'created' | 'history' | 'comment' | 'author'> & { diffIds: readonly string[] }): string {
  return JSON.stringify({
    architecture: 'amd64',
    config: image.config,
    created: image.created,
    history: image.history,
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: image.diffIds },
    ...(image.comment ? { comment: image.comment } : {}),
    ...(image.author ? { author: image.author } : {}),
  });
}

/**
 * `docker save`: the images with the references they were asked for by (a
 * tag, or every tag of an image named by id). Members in the order Docker 28
 * writes them.
 */
export function saveImages(items: readonly { image: Image; tags: string[] }[], mtime: number): ArchiveEntry[] {
  const blobs = new Map<string, ArchiveEntry>();
  const manifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const indexEntries: object[] = [];
  const dir = (name: string): ArchiveEntry => ({ name, type: 'dir', mode: 0o755, size: 0, mtime, ...ROOT });
  const file = (name: string, content: string): ArchiveEntry => ({ name, type: 'file', mode: 0o644, size: utf8Length(content), mtime, ...ROOT, content });
  for (const { image, tags } of items) {
    const layers: string[] = [];
    for (const l of image.layers) {
      const name = `blobs/sha256/${hex(l.id)}`;
      layers.push(name);
      if (!blobs.has(name)) blobs.set(name, { name, type: 'file', mode: 0o644, size: 0, mtime, ...ROOT, archive: treeToEntries(l.root, seconds(image.created)) });
    }
    const config = `blobs/sha256/${hex(image.id)}`;
    const configText = configBlob(image);
    blobs.set(config, file(config, configText));
    // The OCI manifest naming the config and layer blobs; index.json points at it.
    const ociManifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.id, size: utf8Length(configText) },
      layers: image.layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l.id, size: tarSize(blobs.get(`blobs/sha256/${hex(l.id)}`)!.archive!) })),
    });
    const manifestDigest = sha256Hex(ociManifest);
    blobs.set(`blobs/sha256/${manifestDigest}`, file(`blobs/sha256/${manifestDigest}`, ociManifest));
    indexEntries.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${manifestDigest}`, size: utf8Length(ociManifest), ...(tags.length > 0 ? { annotations: { 'io.containerd.image.name': `docker.io/${tags[0]}`, 'org.opencontainers.image.ref.name': tags[0]!.slice(tags[0]!.lastIndexOf(':') + 1) } } : {}) });
    manifest.push({ Config: config, RepoTags: tags.length > 0 ? tags : null, Layers: layers });
    for (const t of tags) {
      const colon = t.lastIndexOf(':');
      (repositories[t.slice(0, colon)] ??= {})[t.slice(colon + 1)] = hex(image.layers[image.layers.length - 1]?.id ?? image.id);
    }
  }
  return [
    dir('blobs/'),
    dir('blobs/sha256/'),
    ...[...blobs.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    file('index.json', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: indexEntries })),
    file('manifest.json', JSON.stringify(manifest)),
    file('oci-layout', '{"imageLayoutVersion": "1.0.0"}'),
    file('repositories', JSON.stringify(repositories)),
  ];
}


/** What `docker load` found in an archive: each image, its id and the tags it carries. */
export interface LoadedImage {
  image: Image;
  tags: string[];
}

/** Thrown for an archive `docker load` cannot read, with the daemon's text. */
export class LoadError extends Error {}

/** `docker load`: adds the archive's images (and layers) to the store; the caller tags them and prints "Loaded image: …". */
export function loadImages(store: ImageStore, entries: readonly ArchiveEntry[]): LoadedImage[] {
  const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, ''), e]));
  const manifestEntry = byName.get('manifest.json');
  if (!manifestEntry) {
    // A tar without Docker's files: what the daemon says for e.g. an exported container.
    throw new LoadError('open /var/lib/docker/tmp/docker-import-0/repositories: no such file or directory');
  }
  let manifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[];
  try {
    manifest = JSON.parse(manifestEntry.content ?? '') as typeof manifest;
  } catch {
    throw new LoadError('invalid character in manifest.json');
  }
  const loaded: LoadedImage[] = [];
  for (const m of manifest) {
    const cfgEntry = byName.get(m.Config);
    if (!cfgEntry) throw new LoadError(`open /var/lib/docker/tmp/docker-import-0/${m.Config}: no such file or directory`);
    const cfg = JSON.parse(cfgEntry.content ?? '{}') as { config: ImageConfig; created: string; history?: HistoryEntry[]; comment?: string; author?: string };
    const layers = m.Layers.map((name) => {
      const blob = byName.get(name);
      if (!blob?.archive) throw new LoadError(`open /var/lib/docker/tmp/docker-import-0/${name}: no such file or directory`);
      const existing = store.layer(`sha256:${name.slice(name.lastIndexOf('/') + 1)}`);
      return existing ?? store.layerFromTree(entriesToTree(blob.archive));
    });
    const image = store.createImage({
      id: `sha256:${m.Config.slice(m.Config.lastIndexOf('/') + 1).replace(/\.json$/, '')}`,
      layers,
      config: cfg.config,
      history: cfg.history ?? [],
      created: cfg.created,
      ...(cfg.comment ? { comment: cfg.comment } : {}),
      ...(cfg.author ? { author: cfg.author } : {}),
    });
    loaded.push({ image, tags: m.RepoTags ?? [] });
  }
  return loaded;
}
