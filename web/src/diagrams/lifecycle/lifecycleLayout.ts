import { path as d3path } from 'd3';
import { arrowLabel, ENTRY, GONE, type LifecycleEdge, type LifecycleGraph, type LifecycleNode } from './lifecycleGraph';

/**
 * Where everything in the lifecycle diagram goes: a small layered
 * (Sugiyama-style) layout, deterministic, so the same machine always gives the
 * same picture.
 *
 * Ranks follow the flow of a container's life: the graph's strongly connected
 * parts (the states a container can move between and back) are ranked by
 * longest path, and inside each part states are ranked by their distance from
 * where the part is entered. For Docker that puts running on one level and the
 * states it leaves for (paused, restarting, exited) side by side on the next,
 * which is how people draw it. Order within a level minimises crossings
 * (exhaustively: levels are small), x positions pull each node towards its
 * neighbours (isotonic regression keeps the order and spacing), and labels go
 * at the first free spot along their arrow. Parallel transitions between the
 * same two states share one arrow whose label lists each of them.
 */

export interface Point {
  x: number;
  y: number;
}

export interface NodeBox {
  id: string;
  kind: LifecycleNode['kind'];
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
  rank: number;
}

export interface BundleLabel {
  edgeId: string;
  text: string;
  /** A docker command (shown without "docker") or an engine event. */
  kind: 'command' | 'event';
}

export interface EdgeBundle {
  /** `source->target` */
  id: string;
  source: string;
  target: string;
  edges: LifecycleEdge[];
  /** One line per distinct short label, in definition order. */
  labels: BundleLabel[];
  /** The route's key points: on the source's border, through the levels it crosses, on the target's border. */
  points: Point[];
  /** SVG path data of the route. */
  path: string;
  /** Centre of the label block. */
  labelX: number;
  labelY: number;
  labelWidth: number;
  labelHeight: number;
}

export interface LifecycleLayout {
  width: number;
  height: number;
  nodes: NodeBox[];
  bundles: EdgeBundle[];
}

export interface LayoutSizes {
  stateWidth: number;
  stateHeight: number;
  /** Width of one character of the (monospace) edge labels. */
  labelCharWidth: number;
  labelLineHeight: number;
  /** Vertical gap between levels, where arrows and their labels run. */
  rankGap: number;
  nodeGap: number;
  margin: number;
}

export const defaultSizes: LayoutSizes = {
  stateWidth: 152,
  stateHeight: 64,
  labelCharWidth: 7.8,
  labelLineHeight: 16,
  rankGap: 70,
  nodeGap: 28,
  margin: 12,
};

/** Used for the entry edge, whose label the machine does not carry (the UI translates it). */
export const ENTRY_LABEL = 'docker create';

const DUMMY_WIDTH = 16;
const round = (n: number): number => Math.round(n * 10) / 10;

function nodeSize(node: LifecycleNode, s: LayoutSizes): { width: number; height: number } {
  switch (node.kind) {
    case 'entry':
      return { width: 18, height: 18 };
    case 'gone':
      return { width: 104, height: 34 };
    default:
      return { width: s.stateWidth, height: s.stateHeight };
  }
}

function bundleLabels(edges: LifecycleEdge[]): BundleLabel[] {
  const seen = new Set<string>();
  const out: BundleLabel[] = [];
  for (const e of edges) {
    const { text, kind } = arrowLabel(e.source === ENTRY ? ENTRY_LABEL : e.label || e.event);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ edgeId: e.id, text, kind });
  }
  return out;
}

// ---- ranks ------------------------------------------------------------------

/** Tarjan's strongly connected components, in a deterministic order. */
function components(ids: string[], succ: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of succ.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      out.push(comp.sort((a, b) => ids.indexOf(a) - ids.indexOf(b)));
    }
  };
  for (const v of ids) if (!idx.has(v)) visit(v);
  return out;
}

function assignRanks(ids: string[], links: [string, string][]): Map<string, number> {
  const succ = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of links) if (a !== b) succ.get(a)!.push(b);
  const comps = components(ids, succ);
  const compOf = new Map<string, number>();
  comps.forEach((c, i) => c.forEach((v) => compOf.set(v, i)));

  // Depth inside each component, from the states it is entered by (or its first state).
  const depth = new Map<string, number>();
  comps.forEach((comp, ci) => {
    const inside = new Set(comp);
    let frontier = comp.filter((v) => links.some(([a, b]) => b === v && compOf.get(a) !== ci));
    if (frontier.length === 0) frontier = [comp[0]!];
    for (const v of frontier) depth.set(v, 0);
    for (let d = 1; frontier.length; d++) {
      const next: string[] = [];
      for (const v of frontier)
        for (const w of succ.get(v)!)
          if (inside.has(w) && !depth.has(w)) {
            depth.set(w, d);
            next.push(w);
          }
      frontier = next;
    }
    for (const v of comp) if (!depth.has(v)) depth.set(v, 0);
  });

  // Tarjan emits components in reverse topological order.
  const rank = new Map<string, number>();
  for (const comp of [...comps].reverse()) {
    const ci = compOf.get(comp[0]!)!;
    let start = 0;
    for (const [a, b] of links) if (compOf.get(b) === ci && compOf.get(a) !== ci) start = Math.max(start, rank.get(a)! + 1 - depth.get(b)!);
    for (const v of comp) rank.set(v, start + depth.get(v)!);
  }
  return rank;
}

// ---- order ------------------------------------------------------------------

interface LNode {
  id: string;
  rank: number;
  width: number;
  height: number;
  dummy: boolean;
  x: number;
}

interface Chain {
  bundle: string;
  ids: string[]; // source, dummies…, target
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([item, ...rest]);
  });
  return out;
}

function crossings(segments: [number, number][]): number {
  let n = 0;
  for (let i = 0; i < segments.length; i++)
    for (let j = i + 1; j < segments.length; j++) {
      const [a1, b1] = segments[i]!;
      const [a2, b2] = segments[j]!;
      if ((a1 - a2) * (b1 - b2) < 0) n++;
    }
  return n;
}

/** Isotonic regression (pool adjacent violators): the non-decreasing sequence closest to `v`. */
function isotonic(v: number[]): number[] {
  const blocks: { sum: number; n: number }[] = [];
  for (const x of v) {
    blocks.push({ sum: x, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.n <= b.sum / b.n) break;
      blocks.pop();
      a.sum += b.sum;
      a.n += b.n;
    }
  }
  return blocks.flatMap((b) => Array<number>(b.n).fill(b.sum / b.n));
}

// ---- geometry -----------------------------------------------------------------

interface Cubic {
  p0: Point;
  c1: Point;
  c2: Point;
  p1: Point;
}

function bezier(c: Cubic, t: number): Point {
  const u = 1 - t;
  return {
    x: u * u * u * c.p0.x + 3 * u * u * t * c.c1.x + 3 * u * t * t * c.c2.x + t * t * t * c.p1.x,
    y: u * u * u * c.p0.y + 3 * u * u * t * c.c1.y + 3 * u * t * t * c.c2.y + t * t * t * c.p1.y,
  };
}

function sample(route: Cubic[], steps = 12): Point[] {
  const out: Point[] = [route[0]!.p0];
  for (const c of route) for (let i = 1; i <= steps; i++) out.push(bezier(c, i / steps));
  return out;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function overlap(a: Rect, b: Rect): number {
  const dx = Math.min(a.x + a.w / 2, b.x + b.w / 2) - Math.max(a.x - a.w / 2, b.x - b.w / 2);
  const dy = Math.min(a.y + a.h / 2, b.y + b.h / 2) - Math.max(a.y - a.h / 2, b.y - b.h / 2);
  return dx > 0 && dy > 0 ? dx * dy : 0;
}

/** Lays the graph out top to bottom. Pure: equal input gives equal output. */
export function layoutLifecycle(graph: LifecycleGraph, sizes: LayoutSizes = defaultSizes): LifecycleLayout {
  const ids = graph.nodes.map((n) => n.id);

  // Bundle parallel transitions: one arrow per (source, target).
  const bundleEdges = new Map<string, LifecycleEdge[]>();
  for (const e of graph.edges) {
    const key = `${e.source}->${e.target}`;
    const list = bundleEdges.get(key);
    if (list) list.push(e);
    else bundleEdges.set(key, [e]);
  }
  const links: [string, string][] = [...bundleEdges.values()].map((es) => [es[0]!.source, es[0]!.target]);
  const rankOf = assignRanks(ids, links);
  const maxRank = Math.max(0, ...rankOf.values());

  // Nodes, plus a dummy per level crossed by a long arrow.
  const lnodes = new Map<string, LNode>();
  for (const n of graph.nodes) lnodes.set(n.id, { id: n.id, rank: rankOf.get(n.id)!, ...nodeSize(n, sizes), dummy: false, x: 0 });
  const chains: Chain[] = [];
  for (const [key, es] of bundleEdges) {
    const { source, target } = es[0]!;
    if (source === target) continue;
    const r0 = rankOf.get(source)!;
    const r1 = rankOf.get(target)!;
    const chain: Chain = { bundle: key, ids: [source] };
    const step = Math.sign(r1 - r0);
    for (let r = r0 + step; step !== 0 && r !== r1; r += step) {
      const id = `${key}#${r}`;
      lnodes.set(id, { id, rank: r, width: DUMMY_WIDTH, height: 0, dummy: true, x: 0 });
      chain.ids.push(id);
    }
    chain.ids.push(target);
    chains.push(chain);
  }

  const levels: string[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (const n of lnodes.values()) levels[n.rank]!.push(n.id);

  // Segments between adjacent levels and links within a level.
  const segs: [string, string][] = [];
  const flats: [string, string][] = [];
  for (const c of chains) {
    for (let i = 0; i + 1 < c.ids.length; i++) {
      const a = lnodes.get(c.ids[i]!)!;
      const b = lnodes.get(c.ids[i + 1]!)!;
      if (a.rank === b.rank) flats.push([a.id, b.id]);
      else segs.push(a.rank < b.rank ? [a.id, b.id] : [b.id, a.id]);
    }
  }

  const pos = new Map<string, number>();
  const setPositions = (): void => levels.forEach((lv) => lv.forEach((id, i) => pos.set(id, i)));
  setPositions();
  const cost = (r: number): number => {
    let c = 0;
    for (const rr of [r - 1, r]) {
      if (rr < 0 || rr >= maxRank) continue;
      const between = segs.filter(([a]) => lnodes.get(a)!.rank === rr).map(([a, b]) => [pos.get(a)!, pos.get(b)!] as [number, number]);
      c += crossings(between) * 10;
    }
    for (const [a, b] of flats) {
      if (lnodes.get(a)!.rank !== r) continue;
      c += (Math.abs(pos.get(a)! - pos.get(b)!) - 1) * 4;
    }
    return c;
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    const order = sweep % 2 === 0 ? levels.map((_, i) => i) : levels.map((_, i) => maxRank - i);
    for (const r of order) {
      const level = levels[r]!;
      if (level.length < 2) continue;
      const candidates = level.length <= 7 ? permutations(level) : [level];
      let best = level;
      let bestCost = Infinity;
      for (const cand of candidates) {
        cand.forEach((id, i) => pos.set(id, i));
        const c = cost(r);
        if (c < bestCost) {
          bestCost = c;
          best = cand;
        }
      }
      levels[r] = best;
      best.forEach((id, i) => pos.set(id, i));
    }
  }

  // x: start packed and centred, then pull each node towards its neighbours.
  // Two boxes joined by an arrow on their level need room for its label between them.
  const labelWidthOf = (key: string): number => Math.max(...bundleLabels(bundleEdges.get(key)!).map((l) => l.text.length)) * sizes.labelCharWidth + 10;
  const flatRoom = new Map<string, number>();
  for (const [a, b] of flats) {
    const k = [a, b].sort().join('|');
    flatRoom.set(k, Math.max(flatRoom.get(k) ?? 0, labelWidthOf(`${a}->${b}`) + 28));
  }
  const gapBetween = (a: LNode, b: LNode): number =>
    (a.width + b.width) / 2 + Math.max(a.dummy || b.dummy ? sizes.nodeGap / 2 : sizes.nodeGap, flatRoom.get([a.id, b.id].sort().join('|')) ?? 0);
  for (const level of levels) {
    let x = 0;
    level.forEach((id, i) => {
      const n = lnodes.get(id)!;
      if (i > 0) x += gapBetween(lnodes.get(level[i - 1]!)!, n);
      n.x = x;
    });
    const shift = x / 2;
    for (const id of level) lnodes.get(id)!.x -= shift;
  }
  const neighbours = new Map<string, string[]>(ids.concat([...lnodes.keys()]).map((id) => [id, []]));
  for (const [a, b] of segs) {
    neighbours.get(a)!.push(b);
    neighbours.get(b)!.push(a);
  }
  for (let iter = 0; iter < 24; iter++) {
    const order = iter % 2 === 0 ? levels : [...levels].reverse();
    for (const level of order) {
      const desired = level.map((id) => {
        const n = lnodes.get(id)!;
        const nb = neighbours.get(id)!;
        if (!nb.length) return n.x;
        const mean = nb.reduce((s, o) => s + lnodes.get(o)!.x, 0) / nb.length;
        // Dummies follow their arrow; real nodes also keep a little of where they are.
        return n.dummy ? mean : (mean + n.x) / 2;
      });
      const offsets: number[] = [0];
      for (let i = 1; i < level.length; i++) offsets.push(offsets[i - 1]! + gapBetween(lnodes.get(level[i - 1]!)!, lnodes.get(level[i]!)!));
      const fitted = isotonic(desired.map((d, i) => d - offsets[i]!));
      level.forEach((id, i) => (lnodes.get(id)!.x = fitted[i]! + offsets[i]!));
    }
  }

  // y: levels stacked with room between them for arrows and labels.
  const levelTop: number[] = [];
  const levelHeight = levels.map((lv) => Math.max(0, ...lv.map((id) => lnodes.get(id)!.height)));
  let y = 0;
  levels.forEach((_, r) => {
    levelTop.push(y);
    const small = levels[r]!.every((id) => lnodes.get(id)!.dummy || graph.nodes.find((n) => n.id === id)?.kind === 'entry');
    // A busy gap (many arrows, so many labels) gets more room.
    const crossing = segs.filter(([a]) => lnodes.get(a)!.rank === r).length;
    y += levelHeight[r]! + (small ? sizes.rankGap * 0.6 : sizes.rankGap + 6 * Math.max(0, crossing - 4));
  });
  const centreY = (r: number): number => levelTop[r]! + levelHeight[r]! / 2;

  // Normalise to the margin.
  const minX = Math.min(...[...lnodes.values()].map((n) => n.x - n.width / 2));
  for (const n of lnodes.values()) n.x = n.x - minX + sizes.margin;
  const nodeY = (n: LNode): number => centreY(n.rank) + sizes.margin;

  // Where arrows attach: spread along the top and bottom of each box, in the order of where they come from.
  interface Attach {
    bundle: string;
    end: 'start' | 'end';
    side: 'top' | 'bottom' | 'left' | 'right';
    other: number;
  }
  const attaches = new Map<string, Attach[]>();
  const hasReverse = (c: Chain): boolean => bundleEdges.has(`${c.ids.at(-1)}->${c.ids[0]}`);
  for (const c of chains) {
    const a = lnodes.get(c.ids[0]!)!;
    const b = lnodes.get(c.ids[1]!)!;
    const z = lnodes.get(c.ids.at(-1)!)!;
    const y2 = lnodes.get(c.ids.at(-2)!)!;
    const flat = c.ids.length === 2 && a.rank === z.rank;
    const adjacentFlat = flat && Math.abs(pos.get(a.id)! - pos.get(z.id)!) === 1;
    const sideOut = flat ? (adjacentFlat ? (z.x > a.x ? 'right' : 'left') : 'bottom') : b.rank > a.rank ? 'bottom' : 'top';
    const sideIn = flat ? (adjacentFlat ? (z.x > a.x ? 'left' : 'right') : 'bottom') : y2.rank < z.rank ? 'top' : 'bottom';
    (attaches.get(a.id) ?? attaches.set(a.id, []).get(a.id)!).push({ bundle: c.bundle, end: 'start', side: sideOut, other: b.x });
    (attaches.get(z.id) ?? attaches.set(z.id, []).get(z.id)!).push({ bundle: c.bundle, end: 'end', side: sideIn, other: y2.x });
  }
  const anchor = new Map<string, Point>(); // `${bundle}|start` / `${bundle}|end`
  for (const [id, list] of attaches) {
    const n = lnodes.get(id)!;
    const ny = nodeY(n);
    for (const side of ['top', 'bottom', 'left', 'right'] as const) {
      const here = list.filter((a) => a.side === side);
      if (side === 'top' || side === 'bottom') {
        // Order by where the other end lies; an arrow's two directions sit side by side.
        here.sort((p, q) => p.other - q.other || (p.end === q.end ? 0 : p.end === 'start' ? (side === 'bottom' ? -1 : 1) : side === 'bottom' ? 1 : -1));
        const span = Math.min(n.width * 0.8, here.length * 24);
        here.forEach((a, i) => {
          const x = here.length === 1 ? n.x + Math.max(-n.width * 0.35, Math.min(n.width * 0.35, (a.other - n.x) * 0.25)) : n.x - span / 2 + (span * (i + 0.5)) / here.length;
          anchor.set(`${a.bundle}|${a.end}`, { x, y: side === 'top' ? ny - n.height / 2 : ny + n.height / 2 });
        });
      } else {
        here.forEach((a, i) => {
          const dy = here.length === 1 ? 0 : (i - (here.length - 1) / 2) * 16;
          anchor.set(`${a.bundle}|${a.end}`, { x: side === 'left' ? n.x - n.width / 2 : n.x + n.width / 2, y: ny + dy });
        });
      }
    }
  }

  // Routes.
  const routes = new Map<string, Cubic[]>();
  const keyPoints = new Map<string, Point[]>();
  for (const c of chains) {
    const a = lnodes.get(c.ids[0]!)!;
    const z = lnodes.get(c.ids.at(-1)!)!;
    const start = anchor.get(`${c.bundle}|start`)!;
    const end = anchor.get(`${c.bundle}|end`)!;
    const pts: Point[] = [start, ...c.ids.slice(1, -1).map((id) => ({ x: lnodes.get(id)!.x, y: nodeY(lnodes.get(id)!) })), end];
    const route: Cubic[] = [];
    if (c.ids.length === 2 && a.rank === z.rank) {
      if (Math.abs(pos.get(a.id)! - pos.get(z.id)!) === 1) {
        // Side by side: a straight arrow between facing sides.
        route.push({ p0: start, c1: { x: (2 * start.x + end.x) / 3, y: start.y }, c2: { x: (start.x + 2 * end.x) / 3, y: end.y }, p1: end });
      } else {
        // Further along the same level: an arc under it.
        const dip = start.y + sizes.rankGap * 0.55 + (hasReverse(c) ? 10 : 0);
        route.push({ p0: start, c1: { x: start.x, y: dip }, c2: { x: end.x, y: dip }, p1: end });
      }
    } else {
      for (let i = 0; i + 1 < pts.length; i++) {
        const p = pts[i]!;
        const q = pts[i + 1]!;
        const dy = (q.y - p.y) * 0.5;
        route.push({ p0: p, c1: { x: p.x, y: p.y + dy }, c2: { x: q.x, y: q.y - dy }, p1: q });
      }
    }
    routes.set(c.bundle, route);
    keyPoints.set(c.bundle, pts);
  }

  // Self-loops (a state's transition back to itself) sit on the box's right side.
  for (const [key, es] of bundleEdges) {
    const { source, target } = es[0]!;
    if (source !== target) continue;
    const n = lnodes.get(source)!;
    const r = n.x + n.width / 2;
    const ny = nodeY(n);
    const p0 = { x: r, y: ny - 12 };
    const p1 = { x: r, y: ny + 12 };
    routes.set(key, [{ p0, c1: { x: r + 40, y: ny - 26 }, c2: { x: r + 40, y: ny + 26 }, p1 }]);
    keyPoints.set(key, [p0, p1]);
  }

  // Labels: the first spot along the arrow that covers no box, no other label and no arrow's end.
  const boxes: Rect[] = [...lnodes.values()].filter((n) => !n.dummy).map((n) => ({ x: n.x, y: nodeY(n), w: n.width + 8, h: n.height + 8 }));
  const placed: Rect[] = [];
  const labelAt = new Map<string, Rect>();
  const order = [...bundleEdges.keys()].sort((p, q) => (routes.get(p)!.length - routes.get(q)!.length) || 0);
  for (const key of order) {
    const labels = bundleLabels(bundleEdges.get(key)!);
    const w = Math.max(...labels.map((l) => l.text.length)) * sizes.labelCharWidth + 10;
    const h = labels.length * sizes.labelLineHeight + 4;
    const route = routes.get(key)!;
    const samples = sample(route, 16);
    const mid = Math.floor(samples.length / 2);
    const tries: Rect[] = [];
    for (const k of [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6]) {
      const p = samples[Math.max(1, Math.min(samples.length - 2, mid + k * Math.max(1, Math.floor(samples.length / 16))))]!;
      tries.push({ x: p.x, y: p.y, w, h });
      tries.push({ x: p.x + w / 2 + 6, y: p.y, w, h });
      tries.push({ x: p.x - w / 2 - 6, y: p.y, w, h });
    }
    const others = [...routes].filter(([k]) => k !== key).flatMap(([, r]) => sample(r, 10));
    const covers = (r: Rect): number => others.filter((p) => Math.abs(p.x - r.x) < r.w / 2 && Math.abs(p.y - r.y) < r.h / 2).length;
    const score = (r: Rect): number =>
      boxes.reduce((s, b) => s + overlap(r, b) * 4, 0) + placed.reduce((s, b) => s + overlap(r, { ...b, w: b.w + 6, h: b.h + 4 }), 0) + covers(r) * 40;
    let best = tries[0]!;
    let bestScore = Infinity;
    for (const r of tries) {
      const s = score(r);
      if (s < bestScore - 1e-9) {
        best = r;
        bestScore = s;
      }
      if (s === 0) break;
    }
    placed.push(best);
    labelAt.set(key, best);
  }

  // Bounds of everything, then shift so nothing is cut off.
  const xs: number[] = [];
  const ys: number[] = [];
  for (const n of lnodes.values()) {
    if (n.dummy) continue;
    xs.push(n.x - n.width / 2, n.x + n.width / 2);
    ys.push(nodeY(n) - n.height / 2, nodeY(n) + n.height / 2);
  }
  for (const r of labelAt.values()) {
    xs.push(r.x - r.w / 2, r.x + r.w / 2);
    ys.push(r.y - r.h / 2, r.y + r.h / 2);
  }
  for (const route of routes.values())
    for (const p of sample(route, 8)) {
      xs.push(p.x);
      ys.push(p.y);
    }
  const dx = sizes.margin - Math.min(...xs);
  const dy = sizes.margin - Math.min(...ys);
  const mv = (p: Point): Point => ({ x: round(p.x + dx), y: round(p.y + dy) });

  const nodes: NodeBox[] = graph.nodes.map((n) => {
    const l = lnodes.get(n.id)!;
    return { id: n.id, kind: n.kind, ...mv({ x: l.x, y: nodeY(l) }), width: l.width, height: l.height, rank: l.rank };
  });

  const bundles: EdgeBundle[] = [...bundleEdges].map(([key, edges]) => {
    const route = routes.get(key)!.map((c) => ({ p0: mv(c.p0), c1: mv(c.c1), c2: mv(c.c2), p1: mv(c.p1) }));
    const p = d3path();
    p.moveTo(route[0]!.p0.x, route[0]!.p0.y);
    for (const c of route) p.bezierCurveTo(c.c1.x, c.c1.y, c.c2.x, c.c2.y, c.p1.x, c.p1.y);
    const label = labelAt.get(key)!;
    const centre = mv({ x: label.x, y: label.y });
    return {
      id: key,
      source: edges[0]!.source,
      target: edges[0]!.target,
      edges,
      labels: bundleLabels(edges),
      points: keyPoints.get(key)!.map(mv),
      path: p.toString(),
      labelX: centre.x,
      labelY: centre.y,
      labelWidth: round(label.w),
      labelHeight: round(label.h),
    };
  });

  return { width: Math.ceil(Math.max(...xs) + dx + sizes.margin), height: Math.ceil(Math.max(...ys) + dy + sizes.margin), nodes, bundles };
}

export { ENTRY, GONE };
