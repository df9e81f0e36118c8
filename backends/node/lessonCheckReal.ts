import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startAgent } from '../agent/server';
import { createRealBackend } from '../real/realBackend';
import type { Language, Lesson, LessonStep, Localized } from '../../lessons/lesson';
import { stepNeeds } from '../../lessons/requirements';
import { lessonNames, studentSuffix, suffixLesson } from '../../lessons/suffix';
import { runLessonOnBackend } from './lessonRunBackend';

function imagePresent(ref: string): Promise<boolean> {
  return new Promise((resolve) => execFile('docker', ['image', 'inspect', ref], { timeout: 30_000 }, (err) => resolve(!err)));
}

/**
 * `glassbox lesson check --real`: each lesson's solution on the local Docker
 * Engine, through an agent started here (loopback, its own token) and the real
 * backend's client, as a student on a shared engine would run it: with a
 * suffix on every name, then the lesson's reset. It never pulls: a step
 * whose images the engine lacks is skipped with that reason (pull them first).
 * Returns how many lessons or steps failed.
 */
export async function checkOnRealEngine(lessons: { file: string; lesson: Lesson }[], lang: Language, out: (s: string) => void): Promise<number> {
  const staticDir = mkdtempSync(join(tmpdir(), 'glassbox-lesson-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>glassbox lesson check</title>\n');
  // The terminal's files are the disk's (--host-shell): lines that write relative files (a Dockerfile, docker save -o) write them in the temp dir.
  const work = mkdtempSync(join(tmpdir(), 'glassbox-lesson-work-'));
  const agent = await startAgent({ port: 0, staticDir, hostShell: true, shellCwd: work, trace: false });
  const origin = `http://127.0.0.1:${agent.port}`;
  // The agent accepts connections from its own page only: say we are it.
  class FromAgentPage extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin });
    }
  }
  const backend = createRealBackend({ url: `ws://127.0.0.1:${agent.port}/ws`, token: agent.token, WebSocketImpl: FromAgentPage as unknown as typeof globalThis.WebSocket });
  const present = new Map<string, Promise<boolean>>();
  const have = (ref: string): Promise<boolean> => present.get(ref) ?? (present.set(ref, imagePresent(ref)), present.get(ref)!);
  let failed = 0;
  try {
    for (const { file, lesson } of lessons) {
      out(`${file}: ${lesson.title[lang]} (real engine)\n`);
      if (lesson.simOnly) {
        out(`  sim-only: ${lesson.simOnly[lang]}\n`);
        continue;
      }
      const made = lessonNames(lesson).images;
      const missing = new Map<LessonStep, string[]>();
      for (const step of lesson.steps) {
        const lacking: string[] = [];
        for (const image of stepNeeds(step, made).images) if (!(await have(image))) lacking.push(image);
        if (lacking.length) missing.set(step, lacking);
      }
      const skip = (step: LessonStep): Localized | undefined => {
        const lacking = missing.get(lesson.steps.find((s) => s.id === step.id)!);
        return lacking ? { en: `needs ${lacking.join(', ')}, not on this engine (docker pull it first)`, 'zh-CN': `需要 ${lacking.join('、')}，这台引擎上没有（请先 docker pull）` } : undefined;
      };
      const suffix = studentSuffix(randomBytes(8).toString('hex'));
      let report;
      try {
        report = await runLessonOnBackend(suffixLesson(lesson, suffix), backend, { skip });
      } finally {
        await backend.resetLesson({ suffix, setup: [] }).catch((err: unknown) => out(`  (reset failed: ${err instanceof Error ? err.message : String(err)})\n`));
      }
      if (report.setupError) {
        out(`  FAIL setup: ${report.setupError}\n`);
        failed++;
        continue;
      }
      const width = Math.max(...report.steps.map((s) => s.id.length));
      report.steps.forEach((s, i) => {
        const skipped = 'skipped' in s ? s.skipped : undefined;
        const head = `  ${s.passed ? 'ok  ' : skipped ? 'skip' : 'FAIL'} ${String(i + 1).padStart(2)} ${s.id.padEnd(width)}  ${s.title[lang]}`;
        const why = skipped ?? s.why;
        out(why && !s.passed ? `${head}\n         ${why[lang]}\n` : `${head}\n`);
        if (!s.passed && !skipped) failed++;
      });
    }
  } finally {
    backend.close();
    await agent.close();
    rmSync(staticDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  return failed;
}
