import type { BackendEvent } from '../../core/backend';
import type { Snapshot, TraceOp } from '../../core/model';
import { applyPatch, diffSnapshot } from '../../core/snapshotPatch';
import { applyRing, ringDelta } from '../../core/traceRing';
import { TRACE_HISTORY } from '../../core/kernel/trace';

/**
 * The worker's snapshot events as patches, and back. The worker sends one
 * whole snapshot, then only what changed; the page applies each patch to the
 * snapshot it holds and hands its listeners whole snapshots again, so the
 * views never see a patch. The port keeps the events in order, which is all
 * the two ends need to agree on the base. The trace ring's new ops are not
 * sent twice: the patch names them in the trace events that came before it.
 */

/** The snapshot without its trace ring (diffed on its own, as a ring). */
function withoutTrace(s: Snapshot): Snapshot {
  const { trace: _, ...rest } = s;
  return rest;
}

/** Appends to a buffer of the trace events' ops since the last snapshot, keeping at most a ring's worth. */
function collect(buffer: TraceOp[], ops: readonly TraceOp[]): void {
  for (const op of ops) buffer.push(op);
  if (buffer.length > 2 * TRACE_HISTORY) buffer.splice(0, buffer.length - TRACE_HISTORY);
}

/** Wraps a listener so that snapshot events after the first reach it as patch events. */
export function sendingPatches(listener: (e: BackendEvent) => void): (e: BackendEvent) => void {
  let sent: Snapshot | null = null;
  let ops: TraceOp[] = [];
  return (e) => {
    if (e.type === 'trace') collect(ops, e.ops);
    if (e.type !== 'snapshot') return listener(e);
    const base = sent;
    const since = ops;
    sent = e.snapshot;
    ops = [];
    if (!base) return listener(e);
    const [a, b] = [base.trace, e.snapshot.trace];
    const ring = a && b && a !== b ? ringDelta(a, b, since) : null;
    if (!ring) return listener({ type: 'patch', patch: diffSnapshot(base, e.snapshot), transitions: e.transitions });
    listener({ type: 'patch', patch: diffSnapshot(withoutTrace(base), withoutTrace(e.snapshot)), trace: ring, transitions: e.transitions });
  };
}

/**
 * Turns patch events back into snapshot events against the last snapshot seen.
 * A patch with no base (none received yet) is dropped: it cannot happen on an
 * ordered port, and a guess would show the student a wrong machine.
 */
export function receivingPatches(listener: (e: BackendEvent) => void): (e: BackendEvent) => void {
  let held: Snapshot | null = null;
  let ops: TraceOp[] = [];
  return (e) => {
    if (e.type === 'trace') collect(ops, e.ops);
    if (e.type === 'snapshot') {
      held = e.snapshot;
      ops = [];
      return listener(e);
    }
    if (e.type !== 'patch') return listener(e);
    if (!held) return;
    const next = applyPatch(held, e.patch);
    if (e.trace) next.trace = applyRing(held.trace ?? [], e.trace, ops);
    held = next;
    ops = [];
    listener({ type: 'snapshot', snapshot: held, transitions: e.transitions });
  };
}
