import { describe, expect, it } from 'vitest';
import type { TraceOp } from './model';
import { applyRing, ringDelta } from './traceRing';

const op = (seq: number): TraceOp => ({ seq, time: seq, op: 'execve', args: { path: `/bin/${seq}` }, actor: 'kernel', pid: 1 });
const ops = (from: number, to: number): TraceOp[] => Array.from({ length: to - from }, (_, i) => op(from + i));

describe('the trace ring as a delta', () => {
  const pool = ops(0, 20);
  const slice = (a: number, b: number): TraceOp[] => pool.slice(a, b);
  const cases: { name: string; prev: TraceOp[]; next: TraceOp[]; sent: TraceOp[]; want: { drop: number; add: number | number[] } | null }[] = [
    { name: 'ops appended, none dropped, all sent in trace events', prev: slice(0, 5), next: slice(0, 8), sent: slice(5, 8), want: { drop: 0, add: 3 } },
    { name: 'the oldest dropped and new ones appended', prev: slice(0, 10), next: slice(4, 14), sent: slice(10, 14), want: { drop: 4, add: 4 } },
    { name: 'more sent than the ring kept: the latest N', prev: slice(0, 4), next: slice(6, 10), sent: slice(4, 10), want: { drop: 4, add: 4 } },
    { name: 'appended ops no trace event carried are sent', prev: slice(0, 5), next: slice(0, 7), sent: [], want: { drop: 0, add: [5, 6] } },
    { name: 'no change', prev: slice(0, 5), next: slice(0, 5), sent: [], want: { drop: 0, add: [] } },
    { name: 'emptied', prev: slice(0, 5), next: [], sent: [], want: { drop: 5, add: [] } },
    { name: 'a kept op replaced by another object: no delta', prev: slice(0, 5), next: [pool[0]!, op(1), ...slice(2, 6)], sent: slice(5, 6), want: null },
    { name: 'an op in the middle gone: no delta', prev: slice(0, 5), next: [pool[0]!, ...slice(2, 5)], sent: [], want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = ringDelta(c.prev, c.next, c.sent);
      if (c.want === null) return expect(d).toBeNull();
      expect(d?.drop).toBe(c.want.drop);
      expect(typeof d?.add === 'number' ? d.add : d?.add.map((o) => o.seq)).toEqual(c.want.add);
      // The receiver, with its own copies of what the trace events brought, rebuilds next.
      const received = structuredClone(c.sent);
      expect(applyRing(structuredClone(c.prev), structuredClone(d!), received)).toEqual(c.next);
    });
  }

  it('refuses a delta its base cannot take', () => {
    expect(() => applyRing(ops(0, 2), { drop: 3, add: [] }, [])).toThrow(/drops more/);
    expect(() => applyRing(ops(0, 2), { drop: 0, add: 2 }, ops(2, 3))).toThrow(/no trace event/);
  });
});
