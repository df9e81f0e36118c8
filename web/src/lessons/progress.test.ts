import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, ContainerState, Snapshot } from '../../../core/model';
import { lifecycleLesson } from '../../../lessons/lifecycle';
import { advance, parseProgress, serializeProgress, stepStatus, type CheckedStep } from './progress';

/** A snapshot holding only what lesson checks read: names, states, exit codes. */
function snap(...containers: [name: string, state: ContainerState, exitCode?: number][]): Snapshot {
  return {
    kind: 'sim',
    time: 0,
    images: [],
    containers: containers.map(([name, state, exitCode = 0]) => ({ id: name.padEnd(64, '0'), name, state, exitCode }) as ContainerSnapshot),
  };
}

const steps = lifecycleLesson.steps;
const statuses = (doneCount: number): string[] => steps.map((_, i) => stepStatus(i, doneCount));

describe('lesson progress, through the lifecycle lesson', () => {
  it('starts with the first step current and the rest pending', () => {
    const n = advance(steps, 0, snap());
    expect(n).toBe(0);
    expect(statuses(n)).toEqual(['current', 'pending', 'pending', 'pending', 'pending']);
  });

  it('walks the steps in order as the state moves, and each stays done when a later step changes the state', () => {
    const states: [Snapshot, string[]][] = [
      [snap(['web', 'running']), ['done', 'current', 'pending', 'pending', 'pending']],
      [snap(['web', 'paused']), ['done', 'done', 'current', 'pending', 'pending']],
      [snap(['web', 'running']), ['done', 'done', 'done', 'current', 'pending']],
      // Stopping takes a while: nothing moves until it has exited with 137.
      [snap(['web', 'running']), ['done', 'done', 'done', 'current', 'pending']],
      [snap(['web', 'exited', 137]), ['done', 'done', 'done', 'done', 'current']],
      // The container the first step ran is gone, and that step is still done.
      [snap(), ['done', 'done', 'done', 'done', 'done']],
    ];
    let n = 0;
    for (const [s, expected] of states) {
      n = advance(steps, n, s);
      expect(statuses(n)).toEqual(expected);
    }
  });

  it('does not credit a later step whose check holds before the student reaches it', () => {
    // "unpause" checks for a running container, which the state after "run" also satisfies.
    expect(advance(steps, 0, snap(['web', 'running']))).toBe(1);
    // A stop without the SIGKILL exit code is not what the stop step teaches.
    expect(advance(steps, 3, snap(['web', 'exited', 0]))).toBe(3);
  });

  it('a restart (progress 0) is judged afresh against the current state', () => {
    expect(advance(steps, 0, snap())).toBe(0);
    expect(advance(steps, 0, snap(['web', 'running']))).toBe(1);
  });

  it('completes consecutive steps that one state satisfies', () => {
    const both: CheckedStep[] = [
      { id: 'a', done: (s) => s.containers.length > 0 },
      { id: 'b', done: (s) => s.containers.some((c) => c.state === 'running') },
      { id: 'c', done: () => false },
    ];
    expect(advance(both, 0, snap(['x', 'running']))).toBe(2);
  });

  it('treats a check that throws as not done', () => {
    const broken: CheckedStep[] = [{ id: 'a', done: () => { throw new Error('bad lesson'); } }];
    expect(advance(broken, 0, snap())).toBe(0);
  });

  it('marks the current step as the first not done, and nothing current once all are done', () => {
    expect(statuses(2)).toEqual(['done', 'done', 'current', 'pending', 'pending']);
    expect(statuses(5)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });
});

describe('stored progress', () => {
  it.each([
    ['no record', null, 0],
    ['a round trip', serializeProgress(steps, 3), 3],
    ['all done', serializeProgress(steps, 5), 5],
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
