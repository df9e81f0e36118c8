import type { ImageSnapshot, RegistrySnapshot, RegistryTransfer } from '../../../../core/model';

/**
 * Where the Registry view draws things: the local image store on the left,
 * Docker Hub and each private registry stacked on the right, a lane between
 * the store and each registry, and the layers of one push or pull on that
 * lane — the ones sent travel it, the ones the other side already had stay
 * at the start, marked skipped.
 * Pure and deterministic: the same snapshot gives the same coordinates.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ImageRow {
  image: ImageSnapshot;
  /** Its tags, or "<none>:<none>". */
  label: string;
  y: number;
}

export interface TagRow {
  repo: string;
  tag: string;
  /** 12 hex of the manifest digest, '' when unknown. */
  digest: string;
  layers: number;
  y: number;
}

export interface RegistryNode extends Box {
  registry: RegistrySnapshot;
  rows: TagRow[];
  /** Repositories (or tags) not drawn for room. */
  more: number;
  /** Where its lane arrives (middle of its left edge, level with its header). */
  port: { x: number; y: number };
}

export interface Lane {
  registry: string;
  /** A cubic Bézier from the store's right edge to the registry's left edge. */
  p0: Point;
  p1: Point;
  p2: Point;
  p3: Point;
  d: string;
}

export interface Point {
  x: number;
  y: number;
}

export interface RegistryLayout {
  width: number;
  height: number;
  local: Box;
  images: ImageRow[];
  /** Local images not drawn for room. */
  moreImages: number;
  registries: RegistryNode[];
  lanes: Lane[];
}

export const LOCAL_X = 16;
export const LOCAL_W = 270;
export const REG_X = 560;
export const REG_W = 390;
const TOP = 78;
const HEAD = 58;
const ROW = 20;
const GAP = 18;
const MAX_IMAGES = 12;
const MAX_ROWS = 8;

/** A reference's repository as a registry names it: "nginx:latest" → "library/nginx" on the Hub, "localhost:5000/app:v1" → "app" there. */
export function repoOf(ref: string, registry: string): string | null {
  const at = ref.split('@')[0]!;
  const slash = at.lastIndexOf('/');
  const colon = at.indexOf(':', slash + 1);
  const name = colon < 0 ? at : at.slice(0, colon);
  const first = name.split('/')[0]!;
  const hasDomain = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const domain = hasDomain ? first : 'docker.io';
  if (domain !== registry) return null;
  const path = hasDomain ? name.slice(first.length + 1) : name;
  return domain === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
}

/**
 * The rows a registry shows: one per repository tag. A private registry shows
 * all it holds; the Hub holds hundreds, so only those the local store or a
 * transfer names.
 */
function tagRows(r: RegistrySnapshot, images: readonly ImageSnapshot[], transfers: readonly RegistryTransfer[]): { rows: Omit<TagRow, 'y'>[]; more: number } {
  const repos = r.repositories ?? [];
  let shown = repos;
  if (r.kind === 'hub') {
    const named = new Set<string>();
    for (const i of images) for (const t of i.tags) named.add(repoOf(t, r.host) ?? '');
    for (const t of transfers) if (t.registry === r.host) named.add(repoOf(t.ref, r.host) ?? '');
    shown = repos.filter((x) => named.has(x.name));
  }
  const rows: Omit<TagRow, 'y'>[] = [];
  for (const repo of shown) {
    // The Hub's repositories have many tags: those local images carry.
    const localTags = new Set(images.flatMap((i) => i.tags).filter((t) => repoOf(t, r.host) === repo.name).map((t) => t.slice(t.lastIndexOf(':') + 1)));
    for (const t of repo.tags) {
      if (r.kind === 'hub' && !localTags.has(t.tag)) continue;
      rows.push({ repo: repo.name, tag: t.tag, digest: t.digest.replace(/^sha256:/, '').slice(0, 12), layers: t.layers.length });
    }
  }
  const hidden = r.kind === 'hub' ? repos.length - shown.length : 0;
  return { rows: rows.slice(0, MAX_ROWS), more: Math.max(0, rows.length - MAX_ROWS) + hidden };
}

export function layoutRegistries(images: readonly ImageSnapshot[], registries: readonly RegistrySnapshot[], transfers: readonly RegistryTransfer[]): RegistryLayout {
  const sorted = [...images].sort((a, b) => {
    const ka = a.tags[0] ?? '\uffff';
    const kb = b.tags[0] ?? '\uffff';
    return ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : 1;
  });
  const imageRows: ImageRow[] = sorted.slice(0, MAX_IMAGES).map((image, i) => ({ image, label: image.tags.length ? image.tags.join(', ') : '<none>:<none>', y: TOP + HEAD + i * ROW }));
  const moreImages = Math.max(0, sorted.length - MAX_IMAGES);
  const localH = HEAD + Math.max(1, imageRows.length + (moreImages > 0 ? 1 : 0)) * ROW + 12;
  const local: Box = { x: LOCAL_X, y: TOP, w: LOCAL_W, h: localH };
  const nodes: RegistryNode[] = [];
  let y = TOP;
  for (const r of registries) {
    const { rows, more } = tagRows(r, images, transfers);
    const lines = Math.max(1, rows.length + (more > 0 ? 1 : 0));
    const h = HEAD + lines * ROW + 12;
    nodes.push({ registry: r, x: REG_X, y, w: REG_W, h, rows: rows.map((row, i) => ({ ...row, y: y + HEAD + i * ROW })), more, port: { x: REG_X, y: y + 26 } });
    y += h + GAP;
  }
  const from: Point = { x: local.x + local.w, y: local.y + 26 };
  const lanes: Lane[] = nodes.map((n) => {
    const to = n.port;
    const mx = (from.x + to.x) / 2;
    const p1 = { x: mx, y: from.y };
    const p2 = { x: mx, y: to.y };
    return { registry: n.registry.host, p0: from, p1, p2, p3: to, d: `M${from.x},${from.y} C${p1.x},${p1.y} ${p2.x},${p2.y} ${to.x},${to.y}` };
  });
  const height = Math.max(local.y + local.h, y) + 24;
  return { width: REG_X + REG_W + 16, height, local, images: imageRows, moreImages, registries: nodes, lanes };
}

/** The point at `t` (0..1) along a lane. */
export function pointOnLane(l: Lane, t: number): Point {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * l.p0.x + b * l.p1.x + c * l.p2.x + d * l.p3.x, y: a * l.p0.y + b * l.p1.y + c * l.p2.y + d * l.p3.y };
}

export interface LayerChip {
  id: string;
  size: number;
  action: 'pushed' | 'exists' | 'pulled';
  /** Sent (travels the lane) or skipped (the other side had it: stays where it started). */
  moves: boolean;
  /** Its top-left corner where it starts and where it ends (the same for a skipped one), chips stacked so they do not overlap. */
  from: Point;
  to: Point;
  /** Its place among the moving chips: each starts a little after the one before. */
  order: number;
  /** The lane it follows, and whether backwards (a pull: registry to store). */
  lane: Lane;
  reverse: boolean;
}

export const CHIP_W = 150;
export const CHIP_H = 22;
/** Milliseconds a chip takes along the lane, and between one chip's start and the next. */
export const TRAVEL_MS = 1400;
export const STAGGER_MS = 250;

/**
 * The layers of one transfer as chips on its registry's lane: a push runs
 * from the store to the registry, a pull back. Chips stack downwards from
 * the lane's ends, beside the boxes rather than on them; a skipped layer
 * stays at the start. Null when the transfer's registry is not drawn.
 */
export function transferChips(t: RegistryTransfer, layout: RegistryLayout): LayerChip[] | null {
  const lane = layout.lanes.find((l) => l.registry === t.registry);
  if (!lane) return null;
  const reverse = t.direction === 'pull';
  const besideStore = (i: number): Point => ({ x: lane.p0.x + 8, y: lane.p0.y + 8 + i * (CHIP_H + 4) });
  const besideRegistry = (i: number): Point => ({ x: lane.p3.x - CHIP_W - 8, y: lane.p3.y + 8 + i * (CHIP_H + 4) });
  let moving = 0;
  return t.layers.map((l, i) => {
    const moves = l.action !== 'exists';
    const from = reverse ? besideRegistry(i) : besideStore(i);
    const to = moves ? (reverse ? besideStore(i) : besideRegistry(i)) : from;
    return { id: l.id, size: l.size, action: l.action, moves, from, to, order: moves ? moving++ : -1, lane, reverse };
  });
}

/**
 * Where a chip's top-left corner is `elapsed` ms into its transfer's
 * animation, and whether it has arrived: along the lane's curve, its offset
 * from the lane shifting from the start's to the end's (eased by `ease`).
 */
export function chipAt(c: LayerChip, elapsed: number, ease: (t: number) => number = (t) => t): { x: number; y: number; done: boolean } {
  if (!c.moves) return { ...c.from, done: true };
  const p = Math.min(1, Math.max(0, (elapsed - c.order * STAGGER_MS) / TRAVEL_MS));
  const e = ease(p);
  const [a, b] = c.reverse ? [c.lane.p3, c.lane.p0] : [c.lane.p0, c.lane.p3];
  const base = pointOnLane(c.lane, c.reverse ? 1 - e : e);
  const ox = (c.from.x - a.x) * (1 - e) + (c.to.x - b.x) * e;
  const oy = (c.from.y - a.y) * (1 - e) + (c.to.y - b.y) * e;
  return { x: base.x + ox, y: base.y + oy, done: p >= 1 };
}

/** Total length of a transfer's animation (0 when nothing moves: nothing is played). */
export function transferDuration(chips: readonly LayerChip[]): number {
  const moving = chips.filter((c) => c.moves).length;
  return moving === 0 ? 0 : (moving - 1) * STAGGER_MS + TRAVEL_MS;
}

/** Bytes as the Docker client prints sizes (1000-based, three significant digits): 772kB, 4.19MB. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const text = u === 0 ? String(Math.round(v)) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text.replace(/\.0+$|(\.\d*?)0+$/, '$1')}${units[u]}`;
}
