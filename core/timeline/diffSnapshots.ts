import type { ContainerState, LayerEntry, Snapshot } from '../model';

/**
 * What changed between two moments of the engine (two lines of the timeline):
 * containers, images and layers, the files of containers' writable layers (as
 * `docker diff` marks them), networks and volumes, interfaces and NAT rules,
 * namespaces and cgroups. Pure: the page lists the result.
 */
export type Change = 'added' | 'removed' | 'changed';

export interface SnapshotDiff {
  containers: { id: string; name: string; change: Change; from?: ContainerState; to?: ContainerState }[];
  images: { id: string; tags: string[]; change: Change }[];
  layers: { id: string; kind: string; change: Change }[];
  /** A, C, D as `docker diff` prints them: added, changed, deleted in the container's writable layer. */
  files: { container: string; path: string; change: 'A' | 'C' | 'D' }[];
  networks: { name: string; change: Change }[];
  volumes: { name: string; change: Change }[];
  interfaces: { name: string; netns: string; change: Change; detail?: string }[];
  natRules: { table: string; chain: string; rule: string; change: Change }[];
  namespaces: { type: string; inode: number; owner: string; change: Change }[];
  cgroups: { path: string; change: Change; detail?: string }[];
}

/** Layer id → its diff directory's entries, as `Backend.layerEntries` answers. */
export type LayerFiles = Readonly<Record<string, readonly LayerEntry[]>>;

/** Whether the diff lists nothing at all. */
export function isEmptyDiff(d: SnapshotDiff): boolean {
  return Object.values(d).every((list: unknown[]) => list.length === 0);
}

/**
 * The changes from `a` (earlier) to `b` (later). `filesA`/`filesB` are the
 * layers' entries at each moment; without them no file changes are listed.
 */
export function diffSnapshots(a: Snapshot, b: Snapshot, filesA: LayerFiles = {}, filesB: LayerFiles = {}): SnapshotDiff {
  const containers: SnapshotDiff['containers'] = [];
  const before = new Map(a.containers.map((c) => [c.id, c]));
  const after = new Map(b.containers.map((c) => [c.id, c]));
  for (const c of b.containers) {
    const old = before.get(c.id);
    if (!old) containers.push({ id: c.id, name: c.name, change: 'added', to: c.state });
    else if (old.state !== c.state || old.name !== c.name) containers.push({ id: c.id, name: c.name, change: 'changed', from: old.state, to: c.state });
  }
  for (const c of a.containers) if (!after.has(c.id)) containers.push({ id: c.id, name: c.name, change: 'removed', from: c.state });

  const images = keyed(a.images, b.images, (i) => i.id, (x, y) => x.tags.join(' ') !== y.tags.join(' ')).map(({ item, change }) => ({ id: item.id, tags: item.tags, change }));
  const layers = keyed(a.layers ?? [], b.layers ?? [], (l) => l.id, () => false).map(({ item, change }) => ({ id: item.id, kind: item.kind, change }));
  const networks = keyed(a.networks ?? [], b.networks ?? [], (n) => n.id, (x, y) => x.name !== y.name).map(({ item, change }) => ({ name: item.name, change }));
  const volumes = keyed(a.volumes ?? [], b.volumes ?? [], (v) => v.name, () => false).map(({ item, change }) => ({ name: item.name, change }));
  const interfaces = keyed(
    a.interfaces ?? [],
    b.interfaces ?? [],
    (i) => `${i.host ?? ''}/${i.netns}/${i.ifindex}/${i.name}`,
    (x, y) => ifaceText(x) !== ifaceText(y),
  ).map(({ item, change }) => (change === 'changed' ? { name: item.name, netns: item.netns, change, detail: ifaceText(item) } : { name: item.name, netns: item.netns, change }));
  const natRules = keyed(a.natRules ?? [], b.natRules ?? [], (r) => `${r.table} ${r.rule}`, () => false).map(({ item, change }) => ({ table: item.table, chain: item.chain, rule: item.rule, change }));
  const namespaces = keyed(a.namespaces ?? [], b.namespaces ?? [], (n) => `${n.type}:${n.inode}`, () => false).map(({ item, change }) => ({ type: item.type, inode: item.inode, owner: item.owner, change }));
  const cgroups = keyed(a.cgroups ?? [], b.cgroups ?? [], (c) => c.path, (x, y) => cgroupText(x) !== cgroupText(y)).map(({ item, change }) =>
    change === 'changed' ? { path: item.path, change, detail: cgroupText(item) } : { path: item.path, change },
  );
  return { containers, images, layers, files: fileChanges(a, b, filesA, filesB), networks, volumes, interfaces, natRules, namespaces, cgroups };
}

/** Items of `b` not in `a` (added), in both but different (changed, as in `b`), then items of `a` not in `b` (removed). */
function keyed<T>(a: readonly T[], b: readonly T[], key: (t: T) => string, differs: (x: T, y: T) => boolean): { item: T; change: Change }[] {
  const before = new Map(a.map((t) => [key(t), t]));
  const after = new Set(b.map(key));
  const out: { item: T; change: Change }[] = [];
  for (const t of b) {
    const old = before.get(key(t));
    if (old === undefined) out.push({ item: t, change: 'added' });
    else if (differs(old, t)) out.push({ item: t, change: 'changed' });
  }
  for (const t of a) if (!after.has(key(t))) out.push({ item: t, change: 'removed' });
  return out;
}

function ifaceText(i: NonNullable<Snapshot['interfaces']>[number]): string {
  return [i.up ? 'UP' : 'DOWN', ...i.addresses, ...(i.master ? [`master ${i.master}`] : [])].join(' ');
}

function cgroupText(c: NonNullable<Snapshot['cgroups']>[number]): string {
  return [`memory.limit=${c.memoryLimit}`, ...(c.frozen ? ['frozen'] : [])].join(' ');
}

/**
 * Per container alive at `b`: entries of its writable layer that are new or
 * different since `a`. A whiteout is a deletion; a path the image's layers
 * (or the init layer) already had is a change; anything else is added.
 */
function fileChanges(a: Snapshot, b: Snapshot, filesA: LayerFiles, filesB: LayerFiles): SnapshotDiff['files'] {
  const out: SnapshotDiff['files'] = [];
  const upperOf = (s: Snapshot, id: string): string | undefined => s.layers?.find((l) => l.kind === 'container' && l.containerId === id)?.id;
  for (const c of b.containers) {
    const upper = upperOf(b, c.id);
    const now = upper !== undefined ? filesB[upper] : undefined;
    if (!upper || !now) continue;
    const then = new Map((upperOf(a, c.id) === upper ? (filesA[upper] ?? []) : []).map((e) => [e.path, e]));
    const lower = new Set<string>();
    for (const id of c.rootfs?.layers ?? []) if (id !== upper) for (const e of filesB[id] ?? filesA[id] ?? []) lower.add(e.path);
    for (const e of now) {
      const old = then.get(e.path);
      if (old && old.type === e.type && old.size === e.size && old.mode === e.mode && old.target === e.target) continue;
      if (e.type === 'whiteout') out.push({ container: c.name, path: e.path, change: 'D' });
      else if (e.type === 'opaque') out.push({ container: c.name, path: e.path, change: 'C' });
      else out.push({ container: c.name, path: e.path, change: old || lower.has(e.path) ? 'C' : 'A' });
    }
  }
  return out;
}
