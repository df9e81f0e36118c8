import type { Snapshot } from '../../../core/model';

/**
 * How far a student is through a lesson, as the number of steps done from the
 * start. Steps are done in order: only the current step (the first not done)
 * is checked, so a step stays done when a later step changes the state it
 * checked (the container the "run" step started is removed in the last step).
 */
export type StepStatus = 'done' | 'current' | 'pending';

export interface CheckedStep {
  id: string;
  done(snapshot: Snapshot): boolean;
}

/**
 * Progress after seeing `snapshot`: the current step is done once its check
 * holds, and then the next step is reached and checked against the same
 * snapshot, so one command that achieves two steps completes both.
 */
export function advance(steps: readonly CheckedStep[], doneCount: number, snapshot: Snapshot): number {
  let n = Math.max(0, Math.min(doneCount, steps.length));
  while (n < steps.length && checkHolds(steps[n]!, snapshot)) n++;
  return n;
}

/** A check that throws (a lesson bug, or a snapshot shape it did not expect) counts as not done. */
function checkHolds(step: CheckedStep, snapshot: Snapshot): boolean {
  try {
    return step.done(snapshot);
  } catch {
    return false;
  }
}

export function stepStatus(index: number, doneCount: number): StepStatus {
  if (index < doneCount) return 'done';
  return index === doneCount ? 'current' : 'pending';
}

/** What is stored for a lesson: the ids of the steps done, so an edited lesson does not credit the wrong steps. */
export function serializeProgress(steps: readonly CheckedStep[], doneCount: number): string {
  return JSON.stringify(steps.slice(0, Math.max(0, doneCount)).map((s) => s.id));
}

/** Reads stored progress back: the longest run of the lesson's steps, from the first, that the store says are done. */
export function parseProgress(steps: readonly CheckedStep[], raw: string | null): number {
  let ids: unknown;
  try {
    ids = raw === null ? [] : JSON.parse(raw);
  } catch {
    return 0;
  }
  if (!Array.isArray(ids)) return 0;
  const done = new Set(ids.filter((id): id is string => typeof id === 'string'));
  let n = 0;
  while (n < steps.length && done.has(steps[n]!.id)) n++;
  return n;
}
