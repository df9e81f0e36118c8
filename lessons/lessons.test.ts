import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLesson } from '../backends/node/lessonRun';
import { parseLesson } from './format';
import { LANGUAGES } from './lesson';
import { lessonNames } from './suffix';
import type { StepView } from './view';
import type { Snapshot } from '../core/model';

/** What of a step's view is not in the snapshot, or null: its container, the state, mount, image, volume, registry, veth or cgroup it points at. */
function viewMisses(view: StepView, snapshot: Snapshot): string | null {
  const c = view.container ? snapshot.containers.find((x) => x.name === view.container) : undefined;
  if (view.container && !c) return `no container ${view.container}`;
  const p = view.point;
  if (!p) return null;
  if (p.kind === 'state' && c && c.state !== p.name) return `${c.name} is ${c.state}, not ${p.name}`;
  if (p.kind === 'mount' && !c!.mounts?.some((m) => m.destination === p.path)) return `${c!.name} has no mount at ${p.path}`;
  if (p.kind === 'image' && !snapshot.images.some((im) => im.tags.includes(/:[^/]*$/.test(p.name) ? p.name : `${p.name}:latest`))) return `no image ${p.name}`;
  if (p.kind === 'volume' && !snapshot.volumes?.some((v) => v.name === p.name)) return `no volume ${p.name}`;
  if (p.kind === 'registry' && !snapshot.registries?.some((r) => r.host === p.name)) return `no registry ${p.name}`;
  if (p.kind === 'veth' && !snapshot.interfaces?.some((x) => x.netns === c!.id && x.kind === 'veth')) return `${c!.name} has no veth`;
  if (p.kind === 'cgroup' && !snapshot.cgroups?.some((g) => g.containerId === c!.id)) return `${c!.name} has no cgroup`;
  return null;
}

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
    // Each step's view finds what it names in the state the step leaves: the view stays to show what the line did.
    const missing = lesson.steps.flatMap((step, i) => {
      const why = viewMisses(step.view!, report.steps[i]!.snapshot!);
      return why ? [`${step.id}: ${why}`] : [];
    });
    expect(missing).toEqual([]);
  });
});
