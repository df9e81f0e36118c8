import type { BackendEvent } from '../../core/backend';
import type { Snapshot } from '../../core/model';
import { applyPatch, diffSnapshot } from '../../core/snapshotPatch';

/**
 * The worker's snapshot events as patches, and back. The worker sends one
 * whole snapshot, then only what changed; the page applies each patch to the
 * snapshot it holds and hands its listeners whole snapshots again, so the
 * views never see a patch. The port keeps the events in order, which is all
 * the two ends need to agree on the base.
 */

/** Wraps a listener so that snapshot events after the first reach it as patch events. */
export function sendingPatches(listener: (e: BackendEvent) => void): (e: BackendEvent) => void {
  let sent: Snapshot | null = null;
  return (e) => {
    if (e.type !== 'snapshot') return listener(e);
    const base = sent;
    sent = e.snapshot;
    if (!base) return listener(e);
    listener({ type: 'patch', patch: diffSnapshot(base, e.snapshot), transitions: e.transitions });
  };
}

/**
 * Turns patch events back into snapshot events against the last snapshot seen.
 * A patch with no base (none received yet) is dropped: it cannot happen on an
 * ordered port, and a guess would show the student a wrong machine.
 */
export function receivingPatches(listener: (e: BackendEvent) => void): (e: BackendEvent) => void {
  let held: Snapshot | null = null;
  return (e) => {
    if (e.type === 'snapshot') {
      held = e.snapshot;
      return listener(e);
    }
    if (e.type !== 'patch') return listener(e);
    if (!held) return;
    held = applyPatch(held, e.patch);
    listener({ type: 'snapshot', snapshot: held, transitions: e.transitions });
  };
}
