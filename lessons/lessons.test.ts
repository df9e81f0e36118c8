import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../backends/sim/simHost';
import { lessons } from './index';

const quiet = { stdout: () => {}, stderr: () => {} };

describe.each(lessons.map((l) => [l.id, l] as const))('lesson %s', (_id, lesson) => {
  it('has every text in English and Simplified Chinese', () => {
    for (const text of [lesson.title, lesson.summary, ...lesson.steps.flatMap((s) => [s.title, s.body])]) {
      expect(text.en.trim()).not.toBe('');
      expect(text['zh-CN'].trim()).not.toBe('');
      expect(text['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('each step is not done before its command and done after it, on the simulator', async () => {
    const host = new SimHost({ seed: 'lesson', yieldToEventLoop: () => yieldImmediate() });
    for (const step of lesson.steps) {
      expect(step.done(host.snapshot()), `${step.id} before`).toBe(false);
      const exit = await host.runToCompletion(step.command, quiet);
      expect(exit, step.command).toBe(0);
      expect(step.done(host.snapshot()), `${step.id} after`).toBe(true);
    }
  });
});
