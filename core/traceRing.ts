import type { TraceOp } from './model';

/**
 * Snapshot.trace is a ring: each change drops its oldest ops and appends the
 * ones just made, and those new ops have already gone to the page in the
 * trace event before the snapshot. So the patch stream sends the ring's
 * change as "drop this many, then append the last N ops of the trace events"
 * and does not send the ops a second time (issue 14: they were most of a
 * `docker run -d`'s patch).
 */
export interface RingDelta {
  /** How many ops leave the front. */
  drop: number;
  /** The ops appended: sent here, or how many of the trace events' latest ops they are. */
  add: TraceOp[] | number;
}

/**
 * The delta that turns `prev` into `next`, when `next` is `prev` less some
 * ops at the front plus new ones at the end, the same objects in the same
 * order; null otherwise (the caller then diffs the list as any other).
 * `sent` holds the ops the trace events carried since the last snapshot.
 */
export function ringDelta(prev: readonly TraceOp[], next: readonly TraceOp[], sent: readonly TraceOp[]): RingDelta | null {
  // Where next's first op sits in prev: ops carry increasing seqs, so search by seq.
  let drop = prev.length;
  if (next.length > 0) {
    const first = next[0]!.seq;
    let lo = 0;
    let hi = prev.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (prev[mid]!.seq < first) lo = mid + 1;
      else hi = mid;
    }
    drop = lo;
  }
  const kept = prev.length - drop;
  if (kept > next.length) return null;
  for (let i = 0; i < kept; i++) if (prev[drop + i] !== next[i]) return null;
  const added = next.length - kept;
  if (added === 0) return { drop, add: [] };
  // The appended ops are the trace events' latest: name them by count.
  if (added <= sent.length) {
    let same = true;
    for (let i = 0; i < added && same; i++) same = next[kept + i] === sent[sent.length - added + i];
    if (same) return { drop, add: added };
  }
  return { drop, add: next.slice(kept) };
}

/** `prev` with `delta` applied; `received` holds the ops the trace events brought since the last snapshot. */
export function applyRing(prev: readonly TraceOp[], delta: RingDelta, received: readonly TraceOp[]): TraceOp[] {
  if (delta.drop > prev.length) throw new Error('trace ring patch: drops more ops than the ring holds');
  let add: readonly TraceOp[];
  if (typeof delta.add === 'number') {
    if (delta.add > received.length) throw new Error('trace ring patch: names ops no trace event brought');
    add = received.slice(received.length - delta.add);
  } else add = delta.add;
  // Made once at its size: the ring is a thousand ops.
  const kept = prev.length - delta.drop;
  const out: TraceOp[] = new Array(kept + add.length);
  for (let i = 0; i < kept; i++) out[i] = prev[delta.drop + i]!;
  for (let i = 0; i < add.length; i++) out[kept + i] = add[i]!;
  return out;
}
