import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import type { Backend } from '../../core/backend';
import { parseLesson } from '../../lessons/format';
import { suffixLesson } from '../../lessons/suffix';
import { SimHost } from '../sim/simHost';
import { skeleton } from './lessonCli';
import { runLessonOnBackend } from './lessonRunBackend';

/** The simulator behind the Backend port, as the runner sees the real backend. */
function simBackend(): Backend {
  const host = new SimHost({ seed: 'backend-run', yieldToEventLoop: () => yieldImmediate(), snapshotEachChange: true });
  return {
    capabilities: async () => host.capabilities(),
    exec: async (line, io) => {
      const code = await host.runToCompletion(line, io);
      host.flushEvents();
      return code;
    },
    interrupt: async () => host.interrupt(),
    input: async (data) => host.input(data),
    snapshot: async () => host.snapshot(),
    layerEntries: async (ids) => host.layerEntries(ids),
    subscribe: (l) => host.subscribe(l),
    reset: async () => host.reset(),
  };
}

const SIM_ONLY_STOP = skeleton('demo').replace(
  '> b) 137\n\n```cmd\ndocker stop web',
  '> b) 137\n\n> sim-only: stopping is for the simulator today\n\n```cmd\ndocker stop web',
).replace('> b) 137\n:::', '> b) 137\n> sim-only: 今天只在模拟器里停止\n:::');

describe('runLessonOnBackend', () => {
  it('runs the solution through the Backend port and judges every step, with the suffixed names', async () => {
    const lesson = suffixLesson(parseLesson(skeleton('demo')), 'ab12');
    const backend = simBackend();
    const report = await runLessonOnBackend(lesson, backend, { settleMs: 5 });
    expect(report.steps.map((s) => [s.id, s.passed])).toEqual([
      ['run', true],
      ['stop', true],
    ]);
    expect((await backend.snapshot()).containers.map((c) => `${c.name} ${c.state}`)).toEqual(['web-ab12 exited']);
  });

  it("reports a sim-only step and one this machine cannot run as skipped, with the reason, and never runs their lines", async () => {
    const backend = simBackend();
    const lesson = parseLesson(SIM_ONLY_STOP);
    expect(lesson.steps[1]!.simOnly?.en).toBe('stopping is for the simulator today');
    const report = await runLessonOnBackend(lesson, backend, { settleMs: 5 });
    expect(report.steps).toEqual([
      expect.objectContaining({ id: 'run', passed: true }),
      expect.objectContaining({ id: 'stop', passed: false, skipped: lesson.steps[1]!.simOnly }),
    ]);
    expect((await backend.snapshot()).containers.find((c) => c.name === 'web')?.state).toBe('running');
    const offline = await runLessonOnBackend(parseLesson(skeleton('demo')), simBackend(), { settleMs: 5, skip: (s) => (s.id === 'run' ? { en: 'needs nginx', 'zh-CN': '需要 nginx' } : undefined) });
    expect(offline.steps[0]).toMatchObject({ id: 'run', passed: false, skipped: { en: 'needs nginx' } });
    // The next step then fails honestly: its container was never made.
    expect(offline.steps[1]).toMatchObject({ id: 'stop', passed: false, why: { en: 'no container named `web`' } });
  });

  it('fails a step whose check held before its command', async () => {
    const backend = simBackend();
    await backend.exec('docker run -d --name web nginx', { stdout: () => {}, stderr: () => {} });
    const report = await runLessonOnBackend(parseLesson(skeleton('demo')), backend, { settleMs: 5 });
    expect(report.steps[0]).toMatchObject({ id: 'run', passed: false, why: { en: 'the check already holds before the command runs, so it does not test the command' } });
  });
});
