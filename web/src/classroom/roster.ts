import type { StudentRow } from '../../../backends/classroom/protocol';

/**
 * The teacher's view of the class, arranged for a projector: one group per
 * lesson (in the course's order, unknown lessons after, students with no
 * lesson yet last); within a group, who is furthest behind first (they need
 * the teacher), failing before working at the same step, offline students
 * last, then by name.
 */

export interface RosterGroup {
  /** null: students who have not chosen a lesson yet. */
  lesson: string | null;
  students: StudentRow[];
}

/** The step a student is on (0-based): the step after the one they passed, or the one they are failing. */
export function position(s: StudentRow): number {
  const p = s.progress;
  return p === null ? -1 : p.passed ? p.stepIndex + 1 : p.stepIndex;
}

export function groupRoster(rows: readonly StudentRow[], lessonOrder: readonly string[]): RosterGroup[] {
  const groups = new Map<string | null, StudentRow[]>();
  for (const r of rows) {
    const key = r.progress?.lesson ?? null;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rank = (lesson: string | null): number => {
    if (lesson === null) return Number.MAX_SAFE_INTEGER;
    const i = lessonOrder.indexOf(lesson);
    return i < 0 ? lessonOrder.length : i;
  };
  const failing = (s: StudentRow): number => (s.progress && !s.progress.passed && s.progress.failing ? 0 : 1);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || String(a).localeCompare(String(b)))
    .map(([lesson, students]) => ({
      lesson,
      students: [...students].sort(
        (a, b) => Number(!a.online) - Number(!b.online) || position(a) - position(b) || failing(a) - failing(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
      ),
    }));
}
