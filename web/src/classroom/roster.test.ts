import { describe, expect, it } from 'vitest';
import type { StudentRow } from '../../../backends/classroom/protocol';
import { groupRoster, position } from './roster';

const row = (name: string, lesson: string | null, stepIndex = 0, passed = false, failing: string | null = null, online = true): StudentRow => ({
  id: name.toLowerCase(),
  name,
  online,
  seen: 0,
  progress: lesson === null ? null : { lesson, step: `s${stepIndex}`, stepIndex, passed, failing, at: 0 },
});

describe('the teacher’s roster', () => {
  it.each([
    ['no progress yet', row('A', null), -1],
    ['failing step 2', row('A', 'l', 1, false, 'why'), 1],
    ['passed step 2', row('A', 'l', 1, true), 2],
  ])('a student with %s is on step index %i', (_what, r, n) => {
    expect(position(r)).toBe(n);
  });

  it('groups by lesson in course order, unknown lessons next, no lesson last', () => {
    const groups = groupRoster([row('A', null), row('B', 'network'), row('C', 'custom'), row('D', 'lifecycle')], ['lifecycle', 'layers', 'network']);
    expect(groups.map((g) => [g.lesson, g.students.map((s) => s.name)])).toEqual([
      ['lifecycle', ['D']],
      ['network', ['B']],
      ['custom', ['C']],
      [null, ['A']],
    ]);
  });

  it('puts the furthest behind first, failing before working at the same step, offline last', () => {
    const groups = groupRoster(
      [row('Zoe', 'l', 2, true), row('Off', 'l', 0, false, null, false), row('Bob', 'l', 1, false), row('Amy', 'l', 1, false, 'not paused'), row('Cat', 'l', 0, true)],
      ['l'],
    );
    expect(groups[0]!.students.map((s) => s.name)).toEqual(['Amy', 'Bob', 'Cat', 'Zoe', 'Off']);
  });
});
