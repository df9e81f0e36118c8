import { describe, expect, it } from 'vitest';
import { progressFor, seeing, type Seen } from './report';

const lesson = { id: 'lifecycle', steps: [{ id: 'run' }, { id: 'pause' }, { id: 'rm' }] };
const other = { id: 'network', steps: [{ id: 'bridge' }] };
const seen = (doneCount: number, finished = 0, l: Seen['lesson'] = lesson): Seen => ({ lesson: l, doneCount, finished });
const at = 1234;

describe('what a student reports', () => {
  it.each<[string, Seen | null, Seen, string | null, ReturnType<typeof progressFor>]>([
    ['nothing without a lesson', null, seen(0, 0, null), null, null],
    ['where they start, on joining', null, seen(0), null, { lesson: 'lifecycle', step: 'run', stepIndex: 0, passed: false, failing: null, at }],
    ['the last step done, on joining part-way', null, seen(2), null, { lesson: 'lifecycle', step: 'pause', stepIndex: 1, passed: true, failing: null, at }],
    ['a step done', seen(0, 1), seen(1, 2), null, { lesson: 'lifecycle', step: 'run', stepIndex: 0, passed: true, failing: null, at }],
    ['the last step of two done by one line', seen(0, 1), seen(2, 2), null, { lesson: 'lifecycle', step: 'pause', stepIndex: 1, passed: true, failing: null, at }],
    ['a line that left the step undone, with the why-not', seen(1, 1), seen(1, 2), 'no container named web is paused', { lesson: 'lifecycle', step: 'pause', stepIndex: 1, passed: false, failing: 'no container named web is paused', at }],
    ['a line after the lesson is complete, as complete', seen(3, 1), seen(3, 2), null, { lesson: 'lifecycle', step: 'rm', stepIndex: 2, passed: true, failing: null, at }],
    ['nothing when nothing changed', seen(1, 2), seen(1, 2), null, null],
    ['the new lesson, on switching', seen(1, 2), seen(0, 2, other), null, { lesson: 'network', step: 'bridge', stepIndex: 0, passed: false, failing: null, at }],
    ['the step moved back to, on a restart', seen(2, 2), seen(0, 2), null, { lesson: 'lifecycle', step: 'run', stepIndex: 0, passed: false, failing: null, at }],
  ])('%s', (_what, before, now, why, expected) => {
    expect(progressFor(before, now, at, why)).toEqual(expected);
  });
});

describe('a line that passes a step before its exit code arrives', () => {
  it('reports the pass, and not then an attempt at the next step', () => {
    const started = seeing(seen(0, 0), { lesson, doneCount: 0, finished: 0, started: 1 });
    const passed = seeing(started, { lesson, doneCount: 1, finished: 0, started: 1 });
    expect(progressFor(started, passed, at)).toEqual({ lesson: 'lifecycle', step: 'run', stepIndex: 0, passed: true, failing: null, at });
    const exited = seeing(passed, { lesson, doneCount: 1, finished: 1, started: 1 });
    expect(progressFor(passed, exited, at, 'web is running, not paused')).toBeNull();
  });

  it('the next line that leaves the step undone is an attempt', () => {
    const before = seeing(null, { lesson, doneCount: 1, finished: 1, started: 1 });
    const started = seeing(before, { lesson, doneCount: 1, finished: 1, started: 2 });
    const exited = seeing(started, { lesson, doneCount: 1, finished: 2, started: 2 });
    expect(progressFor(started, exited, at, 'why')).toEqual({ lesson: 'lifecycle', step: 'pause', stepIndex: 1, passed: false, failing: 'why', at });
  });
});
