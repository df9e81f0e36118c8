import type { ProgressMessage } from '../../../backends/classroom/protocol';

/**
 * What a student's page reports to the class, decided from what it saw before
 * and what it sees now. Pure, so the rules are tested without a page.
 */

export interface StepLike {
  id: string;
}

export interface Seen {
  lesson: { id: string; steps: readonly StepLike[] } | null;
  doneCount: number;
  /** Terminal lines finished so far (a new one is a new attempt at the step). */
  finished: number;
  /** Lines started so far, and the steps done when the newest one started (see `seeing`). */
  started?: number;
  doneAtStart?: number;
}

/**
 * `now` with the steps done when its newest line started: a line during which
 * the step passed is not then also an attempt at the next one (the snapshot
 * that passes it can arrive before the line's exit code).
 */
export function seeing(before: Seen | null, now: Omit<Seen, 'doneAtStart'>): Seen {
  const sameLine = before !== null && before.lesson?.id === now.lesson?.id && before.started === now.started;
  return { ...now, doneAtStart: sameLine ? before.doneAtStart : now.doneCount };
}

/**
 * The progress message for the change from `before` to `now`, or null when
 * there is nothing new: a step done reports that step passed; a finished line
 * that left the step undone reports it failing (with the check's why-not when
 * the lesson gives one); a new lesson or a (re)join reports where the student is.
 */
export function progressFor(before: Seen | null, now: Seen, at: number, whyNot: string | null = null): Omit<ProgressMessage, 'type'> | null {
  const lesson = now.lesson;
  if (!lesson || lesson.steps.length === 0) return null;
  const done = Math.min(now.doneCount, lesson.steps.length);
  const fresh = before === null || before.lesson?.id !== lesson.id;
  const advanced = !fresh && done !== before.doneCount;
  const attempted = !fresh && now.finished > before.finished && (now.doneAtStart === undefined || now.doneAtStart === done);
  if (!fresh && !advanced && !attempted) return null;
  if (done > 0 && (fresh || advanced || done === lesson.steps.length)) {
    return { lesson: lesson.id, step: lesson.steps[done - 1]!.id, stepIndex: done - 1, passed: true, failing: null, at };
  }
  return { lesson: lesson.id, step: lesson.steps[done]!.id, stepIndex: done, passed: false, failing: fresh ? null : whyNot, at };
}
