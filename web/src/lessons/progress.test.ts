import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, ContainerState, Snapshot } from '../../../core/model';
import { advance, type HistoryEvent } from '../../../lessons/evaluate';
import { lessons } from './course';
import { parseProgress, serializeProgress, stepStatus } from './progress';

/** A snapshot holding only what lesson checks read: names, states, exit codes. */
function snap(...containers: [name: string, state: ContainerState, exitCode?: number][]): Snapshot {
  return {
    kind: 'sim',
    time: 0,
    images: [],
    containers: containers.map(([name, state, exitCode = 0]) => ({ id: name.padEnd(64, '0'), name, state, exitCode }) as ContainerSnapshot),
  };
}

const lifecycle = lessons.find((l) => l.id === 'lifecycle')!;
const steps = lifecycle.steps;
const state = (snapshot: Snapshot): HistoryEvent => ({ kind: 'state', snapshot });

describe('lesson progress, through the lifecycle lesson as the page bundles it', () => {
  it('starts with the first step current', () => {
    const r = advance(lifecycle, 0, [state(snap())]);
    expect(r.doneCount).toBe(0);
    expect(r.why?.en).toBe('no container named `web`');
    expect(stepStatus(0, r.doneCount)).toBe('current');
  });

  it('walks the steps in order as the state moves, and each stays done when a later step changes the state', () => {
    const states: [Snapshot, number][] = [
      [snap(['web', 'running']), 1],
      [snap(['web', 'paused']), 2],
      [snap(['web', 'running']), 3],
      // Stopping takes a while: nothing moves until it has exited, and the stop step also wants `docker stop` run.
      [snap(['web', 'exited', 0]), 3],
    ];
    let n = 0;
    let history: HistoryEvent[] = [];
    for (const [s, expected] of states) {
      const r = advance(lifecycle, n, [...history, state(s)]);
      n = r.doneCount;
      history = r.history;
      expect(n).toBe(expected);
    }
    const r = advance(lifecycle, n, [...history, { kind: 'line', line: 'docker stop web', exit: 0, output: 'web\n' }]);
    expect(r.doneCount).toBe(4);
  });

  it('does not credit a later step whose check holds before the student reaches it', () => {
    // "unpause" checks for a running container, which the state after "run" also satisfies.
    expect(advance(lifecycle, 0, [state(snap(['web', 'running']))]).doneCount).toBe(1);
    // A kill's exit code is not what the stop step teaches.
    const r = advance(lifecycle, 3, [state(snap(['web', 'exited', 137])), { kind: 'line', line: 'docker kill web', exit: 0, output: '' }]);
    expect(r.doneCount).toBe(3);
    expect(r.why?.en).toBe('`web` exited with code 137, not 0');
  });

  it('marks the current step as the first not done', () => {
    expect([0, 1, 2].map((i) => stepStatus(i, 1))).toEqual(['done', 'current', 'pending']);
  });
});

describe('stored progress', () => {
  it.each([
    ['no record', null, 0],
    ['a round trip', serializeProgress(steps, 3), 3],
    ['all done', serializeProgress(steps, steps.length), steps.length],
    ['ids out of order still count from the first', '["pause","run"]', 2],
    ['a gap stops the run of done steps', '["run","unpause"]', 1],
    ['unknown ids', '["gone","run"]', 1],
    ['not JSON', '{oops', 0],
    ['not a list', '{"run":true}', 0],
    ['non-string entries', '[1,null,"run"]', 1],
  ])('%s', (_what, raw, expected) => {
    expect(parseProgress(steps, raw)).toBe(expected);
  });

  it('stores the ids of the steps done', () => {
    expect(JSON.parse(serializeProgress(steps, 2))).toEqual(['run', 'pause']);
    expect(JSON.parse(serializeProgress(steps, 0))).toEqual([]);
  });
});
