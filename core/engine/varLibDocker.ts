import { sha256Digest } from '../images/digest';
import { cacheDir } from '../images/store';
import { rfc3339Nano } from './rfc3339';
import { staticDir, textFile, type PDir, type PNode, type PseudoMount } from '../shell/mountFs';
import { layerEntries, type Layer } from '../unionfs/layer';
import type { LayerDir, LayerNode, TreeNode } from '../unionfs/tree';
import type { Container } from './container';
import type { Services } from './services';
import { configV2, goJsonText, hostConfigJson, imageStoreEntries, sizedFile } from './varLibDockerMeta';

/**
 * Docker's data root on the host, as `ls`, `cat`, `find` and `du` see it,
 * built from the engine at each lookup (read-only): overlay2's layer
 * directories (diff, link, lower, work, merged) with their short names in
 * overlay2/l, and each container's directory of runc's bind-mounted files.
 * A file written in a container shows in its upper layer's diff directory at
 * once: diff is the layer tree itself. volumes/ stays the host disk's (the
 * volumes service writes real directories there), so these are mounted per
 * subdirectory, not over /var/lib/docker.
 */

/** overlay2's directories are 0710 root:root (moby's idtools.MkdirAllAndChown with 0710). */
const LAYER_DIR = 0o710;
const LAYER_INODES = 1 << 30;

/** overlay2's short link name (26 characters of base32 in moby): derived from the directory id so replays agree. */
export function linkName(dirId: string): string {
  const hex = sha256Digest(`overlay2 link ${dirId}`).slice(7);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; i < 26; i++) out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 32];
  return out;
}

/** A layer's diff directory: its own tree, whiteouts as 0, 0 character devices sharing one inode (`links` names: see hostOverlay.ts). */
function layerNode(node: LayerNode, links: number): PNode {
  switch (node.kind) {
    case 'whiteout':
      return { kind: 'file', mode: 0, read: () => '', rdev: { major: 0, minor: 0 }, nlink: links };
    case 'symlink':
      return { kind: 'symlink', target: node.target, size: node.target.length, ...(node.mtime !== undefined ? { mtime: node.mtime } : {}) };
    case 'file':
      // Layer inodes are small catalog numbers: moved clear of the disk's own.
      return { ...textFile(() => (node.sink ? '' : (node.content ?? '')), node.mode & 0o7777, node.mtime), size: node.size, ...(node.ino !== undefined ? { ino: LAYER_INODES + node.ino } : {}) };
    case 'dir':
      return layerDir(node, links);
  }
}

function layerDir(dir: LayerDir | Extract<TreeNode, { kind: 'dir' }>, links: number): PDir {
  return {
    kind: 'dir',
    mode: dir.mode & 0o7777,
    ...(dir.mtime !== undefined ? { mtime: dir.mtime } : {}),
    names: () => [...dir.children.keys()],
    child: (n) => {
      const c = dir.children.get(n);
      return c === undefined ? undefined : layerNode(c as LayerNode, links);
    },
  };
}

interface LayerDirSpec {
  id: string;
  layer: Layer;
  /** Short names of the layers below, top first (absent for a bottom layer). */
  lowers: string[];
  /** An image's layer (not a container's init or upper layer). */
  committed?: boolean;
  /** A container's union while it is mounted (running): overlay2's merged directory. */
  merged?: () => PDir;
}

function overlayDir(spec: LayerDirSpec): PDir {
  const whiteouts = layerEntries(spec.layer).filter((e) => e.type === 'whiteout').length;
  const entries: [string, PNode][] = [['diff', layerDir(spec.layer.root, whiteouts + 1)], ['link', textFile(linkName(spec.id), 0o644)]];
  // An image layer's directory has the empty `committed` marker; a container's layers have lower and work.
  if (spec.committed) entries.push(['committed', textFile('', 0o600)]);
  if (spec.lowers.length > 0) {
    entries.push(['lower', textFile(spec.lowers.map((l) => `l/${l}`).join(':'), 0o644)]);
    entries.push(['work', staticDir(0o700, [['work', staticDir(0o000, [])]])]);
  }
  if (spec.merged) entries.push(['merged', spec.merged()]);
  return staticDir(LAYER_DIR, entries);
}

/** Every overlay2 directory now: the images' layers (each chain once), then each container's init and upper layer. */
function overlayDirs(s: Services): LayerDirSpec[] {
  const out: LayerDirSpec[] = [];
  const seen = new Set<string>();
  const imageChain = (image: Container['image']): string[] => {
    const chains = s.images.store.chainIds(image);
    const links: string[] = [];
    image.layers.forEach((layer, i) => {
      const id = cacheDir(chains[i]!);
      if (!seen.has(id)) {
        seen.add(id);
        out.push({ id, layer, lowers: [...links], committed: true });
      }
      links.unshift(linkName(id));
    });
    return links;
  };
  for (const image of s.images.store.list()) imageChain(image);
  for (const c of s.containers.byId.values()) {
    const below = imageChain(c.image);
    const init = c.mount.layers[1]!;
    const initId = `${c.layerId}-init`;
    out.push({ id: initId, layer: init, lowers: below });
    const running = c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
    out.push({ id: c.layerId, layer: c.mount.upper, lowers: [linkName(initId), ...below], ...(running ? { merged: () => layerDir(c.mount.root(), 1) } : {}) });
  }
  return out;
}

function overlay2Root(s: Services): PDir {
  const dirs = overlayDirs(s);
  const byId = new Map(dirs.map((d) => [d.id, d] as const));
  const links = new Map(dirs.map((d) => [linkName(d.id), d.id] as const));
  const l: PDir = {
    kind: 'dir',
    mode: 0o700,
    names: () => [...links.keys()],
    child: (n) => {
      const id = links.get(n);
      return id === undefined ? undefined : { kind: 'symlink', target: `../${id}/diff`, size: `../${id}/diff`.length };
    },
  };
  return {
    kind: 'dir',
    mode: LAYER_DIR,
    names: () => ['l', ...byId.keys()],
    child: (n) => {
      if (n === 'l') return l;
      const d = byId.get(n);
      return d === undefined ? undefined : overlayDir(d);
    },
  };
}

/**
 * A container's directory: the daemon's records (config.v2.json,
 * hostconfig.json), its log, the files runc bind-mounts into it
 * (/etc/hostname, /etc/hosts, /etc/resolv.conf) as they are now, and the
 * empty checkpoints/ and mounts/ (shm lives there only for shareable IPC).
 */
function containerDir(s: Services, c: Container): PDir {
  const bound = (path: string): PNode => sizedFile(() => {
    const n = c.mount.lookup(path);
    return n?.kind === 'file' ? (n.content ?? '') : '';
  }, 0o644);
  return staticDir(0o710, [
    [`${c.id}-json.log`, sizedFile(() => jsonLog(c), 0o640)],
    ['checkpoints', staticDir(0o700, [])],
    ['config.v2.json', sizedFile(() => configV2(s, c), 0o600)],
    ['hostconfig.json', sizedFile(() => hostConfigJson(s, c), 0o644)],
    ['hostname', bound('/etc/hostname')],
    ['hosts', bound('/etc/hosts')],
    ['mounts', staticDir(0o710, [])],
    ['resolv.conf', bound('/etc/resolv.conf')],
  ]);
}

/**
 * The json-file log driver's file: one JSON object per entry (log, stream,
 * time in RFC 3339 with nanoseconds), with Go's HTML escaping of < > &.
 */
function jsonLog(c: Container): string {
  return c.logs
    .map((e) => goJsonText({ log: e.text, stream: e.stream, time: rfc3339Nano(e.time) }) + '\n')
    .join('');
}

/** image/overlay2/repositories.json: each repository's tags and the image id they name (Go's map order: sorted keys). */
function repositoriesJson(s: Services): string {
  const repos = new Map<string, Map<string, string>>();
  for (const image of s.images.store.list()) {
    for (const tag of image.repoTags) {
      const repo = tag.slice(0, tag.lastIndexOf(':'));
      if (!repos.has(repo)) repos.set(repo, new Map());
      repos.get(repo)!.set(tag, image.id);
    }
  }
  const sorted = (m: Map<string, unknown>): [string, unknown][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const obj = Object.fromEntries(sorted(repos).map(([r, tags]) => [r, Object.fromEntries(sorted(tags as Map<string, string>))]));
  return JSON.stringify({ Repositories: obj });
}

function containersRoot(s: Services): PDir {
  return {
    kind: 'dir',
    mode: 0o710,
    names: () => [...s.containers.byId.keys()],
    child: (n) => {
      const c = s.containers.byId.get(n);
      return c === undefined ? undefined : containerDir(s, c);
    },
  };
}

/** The pseudo trees to mount on the host under /var/lib/docker. */
export function varLibDockerMounts(s: Services): PseudoMount[] {
  return [
    { at: '/var/lib/docker/overlay2', root: () => overlay2Root(s), readOnly: true },
    { at: '/var/lib/docker/containers', root: () => containersRoot(s), readOnly: true },
    { at: '/var/lib/docker/image', root: () => staticDir(0o700, [['overlay2', staticDir(0o700, [...imageStoreEntries(s), ['repositories.json', sizedFile(() => repositoriesJson(s), 0o600)]])]]), readOnly: true },
  ];
}
