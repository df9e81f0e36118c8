import type { P } from './networkLayout';

/**
 * The timing of a packet's trip along its route: one leg per hop, each at
 * least `minMs` long so its caption can be read, longer legs at `speed` units
 * per millisecond. Pure, so frames cost a lookup and an interpolation.
 */
export interface Timeline {
  points: readonly P[];
  /** Leg i ends (hop i is reached) at ends[i] ms; leg 0 is the start, already there. */
  ends: number[];
  total: number;
}

export function timeline(points: readonly P[], opts: { minMs?: number; speed?: number } = {}): Timeline {
  const minMs = opts.minMs ?? 900;
  const speed = opts.speed ?? 0.5;
  const ends: number[] = [];
  let t = 0;
  points.forEach((p, i) => {
    const prev = points[i - 1];
    const len = prev ? Math.hypot(p.x - prev.x, p.y - prev.y) : 0;
    t += Math.max(minMs, len / speed);
    ends.push(t);
  });
  return { points, ends, total: t };
}

/** Where the packet is at `ms` and which hop it is at or travelling to. */
export function positionAt(tl: Timeline, ms: number): { hop: number; x: number; y: number; done: boolean } {
  const n = tl.points.length;
  if (n === 0) return { hop: -1, x: 0, y: 0, done: true };
  if (ms >= tl.total) {
    const last = tl.points[n - 1]!;
    return { hop: n - 1, x: last.x, y: last.y, done: true };
  }
  let i = 0;
  while (i < n - 1 && tl.ends[i]! <= ms) i++;
  const start = i === 0 ? 0 : tl.ends[i - 1]!;
  const from = tl.points[Math.max(0, i - 1)]!;
  const to = tl.points[i]!;
  const f = Math.min(1, Math.max(0, (ms - start) / (tl.ends[i]! - start)));
  // Ease in and out within each leg, so the packet rests at every device.
  const e = f < 0.5 ? 2 * f * f : 1 - (-2 * f + 2) ** 2 / 2;
  return { hop: i, x: from.x + (to.x - from.x) * e, y: from.y + (to.y - from.y) * e, done: false };
}
