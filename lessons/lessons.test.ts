import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLesson } from '../backends/node/lessonRun';
import { parseLesson } from './format';
import { LANGUAGES } from './lesson';
import { lessonNames } from './suffix';

const dir = join(import.meta.dirname, 'course');
const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
const course = files.map((f) => [f, parseLesson(readFileSync(join(dir, f), 'utf8'))] as const);

describe('the course', () => {
  it('has lessons 1-14, one file each, numbered in order', () => {
    expect(files.map((f) => f.slice(0, 2))).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14']);
    expect(new Set(course.map(([, l]) => l.id)).size).toBe(course.length);
  });
});

describe.each(course)('lesson %s, its views', (_file, lesson) => {
  it('names the view of every step, selecting only containers the lesson makes', () => {
    const names = lessonNames(lesson);
    for (const step of lesson.steps) {
      expect(step.view, step.id).toBeDefined();
      if (step.view!.container) expect(names.containers, step.id).toContain(step.view!.container);
      const point = step.view!.point;
      if (point?.kind === 'volume') expect(names.volumes, step.id).toContain(point.name);
      // These points are found in the selected container's drawing.
      if (point && ['veth', 'cgroup', 'ns', 'mount', 'row', 'whiteout'].includes(point.kind)) expect(step.view!.container, step.id).toBeDefined();
    }
  });
});

describe.each(course.filter(([f]) => ['11', '12', '13'].includes(f.slice(0, 2))))('lesson %s, written with nudges', (_file, lesson) => {
  it('gives every step a nudge before the solution', () => {
    for (const step of lesson.steps) {
      expect(step.hints.length, step.id).toBeGreaterThanOrEqual(2);
      // The last hint is the solution: it quotes the step's first command.
      expect(step.hints.at(-1)!.en, step.id).toContain(step.commands[0]!);
      expect(step.hints.at(-1)!['zh-CN'], step.id).toContain(step.commands[0]!);
    }
  });
});

describe.each(course)('lesson %s', (_file, lesson) => {
  it('has at least five checked steps, every text in English and Simplified Chinese, and every step a hint', () => {
    expect(lesson.steps.length).toBeGreaterThanOrEqual(5);
    expect(lesson.languages).toEqual([...LANGUAGES]);
    for (const step of lesson.steps) expect(step.hints.length, step.id).toBeGreaterThan(0);
    // Hints may be a bare command in both languages; the rest is written in each.
    const texts = [lesson.title, lesson.summary, ...lesson.steps.flatMap((s) => [s.title, s.body])];
    for (const text of texts) {
      expect(text.en.trim()).not.toBe('');
      expect(text['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
    for (const hint of lesson.steps.flatMap((s) => s.hints)) expect(hint['zh-CN'].trim()).not.toBe('');
  });

  it("runs its solution on a fresh simulator with every step passing, its predictions true, and the reasons in both languages", async () => {
    const report = await runLesson(lesson);
    expect(report.setupError).toBeUndefined();
    const failed = report.steps.filter((s) => !s.passed).map((s) => `${s.id}: ${s.why!.en} / ${s.why!['zh-CN']}`);
    expect(failed).toEqual([]);
    expect(report.steps.map((s) => s.id)).toEqual(lesson.steps.map((s) => s.id));
  });
});
