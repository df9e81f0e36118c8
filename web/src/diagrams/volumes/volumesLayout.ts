import type { ContainerSnapshot, LayerSnapshot, MountSnapshot, VolumeSnapshot } from '../../../../core/model';

/**
 * Where the Volumes view draws things. Two pictures:
 * - one container: its union filesystem (merged view over the container,
 *   init and image layers) in a frame, and beside it each mount point, with a
 *   line that runs past the frame, not through it, straight down to the
 *   directory on the host that holds the data (a volume's _data, a bind
 *   source, or memory for a tmpfs);
 * - the engine: every volume, and the containers that use it.
 * Pure and deterministic: the same snapshot gives the same coordinates.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type StackKind = 'merged' | 'container' | 'init' | 'image';

export interface StackBox extends Box {
  kind: StackKind;
  /** For the image box: how many image layers it stands for. */
  count: number;
}

export interface MountColumn {
  mount: MountSnapshot;
  /** The mount point, level with the merged view. */
  point: Box;
  /** The directory on the host the mount shows (a volume's _data, the bind source, memory for tmpfs). */
  host: Box;
  /** Up from the merged view, along a rail over the top to the mount point, then straight down past the union to the host. */
  path: string;
  /** The middle of the drop past the union, where a label can run along it. */
  drop: { x: number; y: number };
}

export interface ContainerVolumesLayout {
  width: number;
  height: number;
  /** Top first: merged, container layer, init layer, the image layers as one box. */
  stack: StackBox[];
  /** The frame around the layers: the union filesystem the mounts bypass. */
  union: Box;
  /** Where the union's own layers live on the host (overlay2). */
  unionHost: Box;
  /** The top of the host row. */
  hostY: number;
  mounts: MountColumn[];
}

export const STACK_X = 16;
/** Wide enough for "merged: what the container sees" at 13 px. */
export const STACK_W = 250;
export const BOX_H = 34;
const GAP = 8;
const TOP = 84;
const COL_W = 150;
const COL_GAP = 12;
const HOST_H = 68;
const MIN_W = 720;

/** The image layers of a container's stack (its rootfs layers but init and upper), as far as the snapshot knows them. */
function imageLayerCount(container: ContainerSnapshot, layers: readonly LayerSnapshot[]): number {
  const ids = container.rootfs?.layers ?? [];
  const kinds = new Map(layers.map((l) => [l.id, l.kind]));
  const known = ids.filter((id) => kinds.get(id) === 'image').length;
  // Without the layer list: all but the init and the container layer.
  return known > 0 ? known : Math.max(0, ids.length - 2);
}

export function layoutContainerVolumes(container: ContainerSnapshot, layers: readonly LayerSnapshot[]): ContainerVolumesLayout {
  const kinds: StackKind[] = ['merged', 'container', 'init', 'image'];
  const images = imageLayerCount(container, layers);
  const stack: StackBox[] = kinds.map((kind, i) => ({ kind, count: kind === 'image' ? images : 1, x: STACK_X, y: TOP + i * (BOX_H + GAP), w: STACK_W, h: BOX_H }));
  const merged = stack[0]!;
  const last = stack[stack.length - 1]!;
  const union: Box = { x: STACK_X - 8, y: merged.y + BOX_H + GAP / 2 - 4, w: STACK_W + 16, h: last.y + BOX_H - (merged.y + BOX_H) + 4 };
  const hostY = union.y + union.h + 64;
  const unionHost: Box = { x: STACK_X, y: hostY, w: STACK_W, h: HOST_H };
  const colX0 = STACK_X + STACK_W + 36;
  const railY = merged.y - 14;
  const mounts = (container.mounts ?? []).map((mount, i): MountColumn => {
    const x = colX0 + i * (COL_W + COL_GAP);
    const point: Box = { x, y: merged.y, w: COL_W, h: BOX_H };
    const host: Box = { x, y: hostY, w: COL_W, h: HOST_H };
    const cx = x + COL_W / 2;
    // One continuous line: out of the merged view's top, over the rail, through the mount point, down to the host.
    const path = `M${merged.x + merged.w - 24},${merged.y} V${railY} H${cx} V${host.y}`;
    return { mount, point, host, path, drop: { x: cx, y: (point.y + point.h + host.y) / 2 } };
  });
  const width = Math.max(MIN_W, colX0 + mounts.length * (COL_W + COL_GAP) + STACK_X);
  return { width, height: hostY + HOST_H + 28, stack, union, unionHost, hostY, mounts };
}

export interface VolumeNode extends Box {
  volume: VolumeSnapshot;
}

export interface UserNode extends Box {
  container: ContainerSnapshot;
}

export interface VolumeLink {
  volume: string;
  container: string;
  /** Where the container mounts it, and how. */
  destination: string;
  rw: boolean;
  /** A curve from the volume's right edge to the container's left edge. */
  d: string;
  /** Where to put the destination label along it. */
  label: { x: number; y: number };
}

export interface VolumeGraphLayout {
  width: number;
  height: number;
  volumes: VolumeNode[];
  containers: UserNode[];
  links: VolumeLink[];
}

const VOL_X = 16;
const VOL_W = 330;
const USER_X = 500;
const USER_W = 204;
const ROW_H = 48;
const ROW_GAP = 12;
const GRAPH_TOP = 70;

/**
 * The engine's volumes (named ones first, then anonymous, each by name) in a
 * column, the containers that use them in another (in the order of the first
 * volume each uses), and a link for each mount of a volume.
 */
export function layoutVolumeGraph(volumes: readonly VolumeSnapshot[], containers: readonly ContainerSnapshot[]): VolumeGraphLayout {
  const ordered = [...volumes].sort((a, b) => Number(a.anonymous) - Number(b.anonymous) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const vnodes: VolumeNode[] = ordered.map((volume, i) => ({ volume, x: VOL_X, y: GRAPH_TOP + i * (ROW_H + ROW_GAP), w: VOL_W, h: ROW_H }));
  const row = new Map(ordered.map((v, i) => [v.name, i]));
  const users = containers
    .map((c) => ({ c, first: Math.min(...(c.mounts ?? []).filter((m) => m.type === 'volume' && row.has(m.name)).map((m) => row.get(m.name)!)) }))
    .filter((u) => Number.isFinite(u.first))
    .sort((a, b) => a.first - b.first || (a.c.name < b.c.name ? -1 : a.c.name > b.c.name ? 1 : 0));
  const unodes: UserNode[] = users.map(({ c }, i) => ({ container: c, x: USER_X, y: GRAPH_TOP + i * (ROW_H + ROW_GAP), w: USER_W, h: ROW_H }));
  const links: VolumeLink[] = [];
  for (const u of unodes) {
    for (const m of u.container.mounts ?? []) {
      const vi = m.type === 'volume' ? row.get(m.name) : undefined;
      if (vi === undefined) continue;
      const v = vnodes[vi]!;
      const x0 = v.x + v.w;
      const y0 = v.y + v.h / 2;
      const x1 = u.x;
      const y1 = u.y + u.h / 2;
      const mx = (x0 + x1) / 2;
      links.push({ volume: m.name, container: u.container.id, destination: m.destination, rw: m.rw, d: `M${x0},${y0} C${mx},${y0} ${mx},${y1} ${x1},${y1}`, label: { x: mx, y: (y0 + y1) / 2 - 6 } });
    }
  }
  const rows = Math.max(1, vnodes.length, unodes.length);
  return { width: USER_X + USER_W + 16, height: GRAPH_TOP + rows * (ROW_H + ROW_GAP) + 16, volumes: vnodes, containers: unodes, links };
}

/** A volume's name as a diagram shows it: an anonymous one's 64 hex digits cut to 12, as `docker ps` cuts ids. */
export function shortVolumeName(v: Pick<VolumeSnapshot, 'name' | 'anonymous'>): string {
  return v.anonymous ? `${v.name.slice(0, 12)}…` : v.name;
}

/**
 * A host path in at most three lines of `max` characters, broken after a
 * slash: a volume's data directory as "/var/lib/docker/", "volumes/",
 * "NAME/_data" (an anonymous name cut to 12); what still does not fit has its
 * start elided.
 */
export function hostPathLines(path: string, max = 20): string[] {
  const m = /^\/var\/lib\/docker\/volumes\/([^/]+)\/_data$/.exec(path);
  if (m) return ['/var/lib/docker/', 'volumes/', `${/^[0-9a-f]{64}$/.test(m[1]!) ? `${m[1]!.slice(0, 12)}…` : fit(m[1]!, max - 6)}/_data`];
  const parts = path.match(/[^/]*\/|[^/]+$/g) ?? [path];
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + part.length <= max) lines[last] += part;
    else lines.push(part);
  }
  if (lines.length <= 3) return lines.map((l) => fit(l, max));
  return [fit(lines[0]!, max), '…/', fit(lines.slice(-1)[0]!, max)];
}

/** Words in lines of at most `max` characters (a word longer than that is cut), at most `lines` of them. */
export function wrapWords(text: string, max: number, lines = 2): string[] {
  const out: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const last = out.length - 1;
    if (last >= 0 && out[last]!.length + 1 + word.length <= max) out[last] += ` ${word}`;
    else out.push(word.length > max ? `${word.slice(0, max - 1)}…` : word);
  }
  if (out.length <= lines) return out;
  const kept = out.slice(0, lines);
  kept[lines - 1] = `${kept[lines - 1]!.slice(0, max - 1)}…`;
  return kept;
}

function fit(s: string, max: number): string {
  return s.length > max ? `…${s.slice(-(max - 1))}` : s;
}
