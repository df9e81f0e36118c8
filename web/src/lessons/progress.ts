/**
 * How far a student is through a lesson, as the number of steps done from the
 * start. Steps are done in order (lessons/evaluate.ts `advance` judges the
 * current one), so a step stays done when a later step changes the state it
 * checked (the container the "run" step started is removed in the last step).
 */
export type StepStatus = 'done' | 'current' | 'pending';

export interface CheckedStep {
  id: string;
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
