import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../backends/sim/simHost';
import { SimTimeline } from '../../backends/sim/timeline';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { parseLesson } from '../../lessons/format';
import { linesUpTo } from '../../web/src/lessons/player';
import { summarize, type Stats } from './stats';

/**
 * Issue 14: the timeline over a long session, in Node on an in-process SimHost
 * (what the Web Worker runs): 200 containers and 1,000 lines. Jumping to an
 * earlier line is producing its Snapshot as the page receives it (a lookup,
 * then the structured clone postMessage makes); continuing from a line
 * rebuilds the live machine by replay.
 */
export interface TimelineBenchResult {
  lines: number;
  containers: number;
  /** Lines that exited non-zero (the mix is meant to succeed; a few failures are reported, not hidden). */
  failedLines: number;
  /** Keeping the moment after one line (snapshot, layer files, sharing with the line before). */
  recordPerLine: Stats;
  /** Producing the Snapshot of a random earlier line, cloned as postMessage would. */
  jump: Stats;
  /** The same plus the layer files of every layer at that line. */
  jumpWithLayers: Stats;
  /** Bytes persisted: the journal and the branches, as JSON in localStorage. */
  persistedBytes: number;
  /** Bytes of one snapshot at the end, as JSON (what each moment would cost unshared). */
  snapshotBytes: number;
  /** Heap growth while the 1,000 moments were kept, bytes (rough: includes the engine's own growth). */
  heapGrowthBytes: number;
  /** "Continue from here" at an early, a middle and a late line: replay into the live machine. */
  fork: Stats;
  lessonJump: LessonJumpBenchResult;
}

/**
 * The lesson player's jump back one step in the course's longest lesson, as
 * the Web Worker's SimHost does it: through the timeline by `fork` (the live
 * journal already begins with the step's lines), against the rebuild from
 * zero a fresh engine needs (the step's lines run again, a moment kept after each).
 */
export interface LessonJumpBenchResult {
  lesson: string;
  /** Lines at the last step's start, where the student is. */
  lines: number;
  /** Lines at the step before it, where the jump goes. */
  backTo: number;
  byFork: Stats;
  fromZero: Stats;
  /** The rebuild from zero as it was before the timeline took jumps: the lines run, no moment kept. */
  fromZeroNoMoments: Stats;
}

/** The session: 200 containers started, written to, stopped and removed, with networks and volumes along the way. */
export function timelineHistory(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 200; i++) {
    if (i % 20 === 0) out.push(`docker network create net${i}`);
    if (i % 20 === 10) out.push(`docker volume create vol${i}`);
    const vol = i % 20 >= 10 ? ` -v vol${i - (i % 10)}:/data` : '';
    out.push(`docker run -d --name c${i}${vol} busybox sleep 100000`);
    out.push(`docker exec c${i} sh -c 'echo ${i} > /tmp/f${i}'`);
    if (i % 20 === 0) out.push(`docker network connect net${i} c${i}`);
  }
  for (let k = 0; out.length < 1000; k++) {
    const i = (k * 7) % 200;
    const round = Math.floor((k * 7) / 200);
    if (round === 0) out.push(`docker exec c${i} touch /tmp/more${k}`);
    else if (round === 1) out.push(`docker stop -t 1 c${i}`);
    else if (round === 2) out.push(`docker start c${i}`);
    else if (round === 3) out.push(`docker exec c${i} rm /bin/vi`);
    else out.push(`docker ps -q --filter name=c${i}`);
  }
  return out;
}

export async function benchTimeline(): Promise<TimelineBenchResult> {
  const host = new SimHost({ seed: 'timeline', preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
  const timeline = new SimTimeline(host);
  const lines = timelineHistory();
  const sink = { stdout: () => {}, stderr: () => {} };
  const record: number[] = [];
  let failedLines = 0;
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  for (const line of lines) {
    const exit = await host.runToCompletion(line, sink);
    if (exit !== 0) failedLines++;
    const t0 = performance.now();
    timeline.record(exit);
    record.push(performance.now() - t0);
  }
  global.gc?.();
  const heapGrowthBytes = process.memoryUsage().heapUsed - heap0;
  const end = host.snapshot();

  // A fixed sequence of "random" lines, so runs compare.
  let seed = 14;
  const pick = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % lines.length;
  };
  const jump: number[] = [];
  const jumpWithLayers: number[] = [];
  for (let k = 0; k < 100; k++) {
    const n = pick();
    const t0 = performance.now();
    const snap = structuredClone(timeline.at(n));
    jump.push(performance.now() - t0);
    const files = structuredClone(timeline.layerEntriesAt(n, (snap?.layers ?? []).map((l) => l.id)));
    jumpWithLayers.push(performance.now() - t0);
    if (!snap || Object.keys(files).length === 0) throw new Error(`line ${n} has no moment`);
  }
  const persistedBytes = JSON.stringify(host.journal).length + JSON.stringify(timeline.savedBranches()).length;

  // Each fork keeps the rest as a branch; switching back restores the whole session for the next one.
  const fork: number[] = [];
  for (const n of [100, 500, 900]) {
    const t0 = performance.now();
    await timeline.fork(n);
    fork.push(performance.now() - t0);
    const [branch] = timeline.branches();
    await timeline.switchBranch(branch!.id);
  }
  const persistedWithBranches = JSON.stringify(host.journal).length + JSON.stringify(timeline.savedBranches()).length;
  return {
    lines: lines.length,
    containers: 200,
    failedLines,
    recordPerLine: summarize(record),
    jump: summarize(jump),
    jumpWithLayers: summarize(jumpWithLayers),
    persistedBytes: Math.max(persistedBytes, persistedWithBranches),
    snapshotBytes: JSON.stringify(end).length,
    heapGrowthBytes,
    fork: summarize(fork),
    lessonJump: await benchLessonJump(),
  };
}

export async function benchLessonJump(rounds = 7): Promise<LessonJumpBenchResult> {
  const dir = fileURLToPath(new URL('../../lessons/course/', import.meta.url));
  const course = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => parseLesson(readFileSync(join(dir, f), 'utf8')));
  const lesson = course.reduce((a, b) => (linesUpTo(b, b.steps.length - 1).length > linesUpTo(a, a.steps.length - 1).length ? b : a));
  const last = lesson.steps.length - 1;
  const all = linesUpTo(lesson, last);
  const back = linesUpTo(lesson, last - 1);
  // As the worker's host: a fresh install (images from the simulated Hub), the page's terminal.
  const newHost = (): SimHost => new SimHost({ seed: 'lesson-jump', yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: true, terminalInput: true });
  const byFork: number[] = [];
  const fromZero: number[] = [];
  const fromZeroNoMoments: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const host = newHost();
    const timeline = new SimTimeline(host);
    await timeline.jumpTo(all);
    const epoch = host.journal.epoch;
    let t0 = performance.now();
    await timeline.jumpTo(back);
    byFork.push(performance.now() - t0);
    if (host.journal.epoch !== epoch || timeline.lines().length !== back.length) throw new Error('the jump back did not continue from the timeline');

    const fresh = new SimTimeline(newHost());
    t0 = performance.now();
    await fresh.jumpTo(back);
    fromZero.push(performance.now() - t0);

    const bare = newHost();
    t0 = performance.now();
    await bare.rebuild(back);
    fromZeroNoMoments.push(performance.now() - t0);
  }
  return { lesson: lesson.id, lines: all.length, backTo: back.length, byFork: summarize(byFork), fromZero: summarize(fromZero), fromZeroNoMoments: summarize(fromZeroNoMoments) };
}
