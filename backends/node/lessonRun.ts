import { setImmediate as yieldImmediate } from 'node:timers/promises';
import type { LayerEntry, Snapshot } from '../../core/model';
import { SimHost } from '../sim/simHost';
import { needsFiles } from '../../lessons/checks';
import { evaluateCheck, evaluateStep, type HistoryEvent } from '../../lessons/evaluate';
import type { Lesson, Localized } from '../../lessons/lesson';

/** How one step fared when its solution ran. */
export interface StepReport {
  id: string;
  title: Localized;
  passed: boolean;
  /** Why it failed, when it did. */
  why?: Localized;
  /** The engine's state once the step's commands ran: what its view shows. */
  snapshot?: Snapshot;
}

export interface LessonReport {
  steps: StepReport[];
  /** A setup line that failed, if one did. */
  setupError?: string;
}

/** Output a check may read, per line: enough for any lesson, bounded so a runaway line costs little. */
const OUTPUT_KEPT = 64 * 1024;

/**
 * Runs a lesson's solution on a fresh simulated engine: the setup lines, then
 * each step's commands in order, judging each step on the events since the
 * previous one passed, as the page does. A step fails when its check already
 * held before its command ran (it would not test the command), when it does
 * not hold after, or when its prediction's answer is not what happened.
 */
export async function runLesson(lesson: Lesson, seed = 'lesson'): Promise<LessonReport> {
  // The page's terminal is a TTY, so `docker exec -it` works there: the solution runs as if typed into it.
  const host = new SimHost({ seed, yieldToEventLoop: () => yieldImmediate(), snapshotEachChange: true, stdinIsTTY: true });
  const withFiles = lesson.steps.some((s) => needsFiles(s.check) || (s.predict !== undefined && needsFiles(s.predict.confirm)));
  const imageFiles = new Map<string, readonly LayerEntry[]>();
  let history: HistoryEvent[] = [];
  host.subscribe((e) => {
    if (e.type !== 'snapshot') return;
    history.push({ kind: 'state', snapshot: e.snapshot, transitions: e.transitions, ...(withFiles ? { files: layerFiles(host, e.snapshot, imageFiles) } : {}) });
  });
  const run = async (line: string): Promise<number> => {
    let output = '';
    const keep = (t: string): void => {
      if (output.length < OUTPUT_KEPT) output += t;
    };
    const exit = await host.runToCompletion(line, { stdout: keep, stderr: keep });
    history.push({ kind: 'line', line, exit, output });
    return exit;
  };
  for (const line of lesson.setup) {
    const exit = await run(line);
    if (exit !== 0) return { steps: [], setupError: `setup line "${line}" exited ${exit}` };
  }
  host.flushEvents();
  history = [{ kind: 'state', snapshot: host.snapshot(), ...(withFiles ? { files: layerFiles(host, host.snapshot(), imageFiles) } : {}) }];
  const steps: StepReport[] = [];
  for (const step of lesson.steps) {
    const report = (why?: Localized): void => void steps.push({ id: step.id, title: step.title, passed: why === undefined, ...(why ? { why } : {}), snapshot: host.snapshot() });
    const before = evaluateStep(step, history);
    if (before.passed) {
      report({ en: 'the check already holds before the command runs, so it does not test the command', 'zh-CN': '命令运行之前检查就已通过，所以它检验不了这条命令' });
      continue;
    }
    for (const line of step.commands) await run(line);
    host.flushEvents();
    const after = evaluateStep(step, history);
    if (!after.passed) {
      report(after.why);
      continue;
    }
    const predicted = step.predict ? evaluateCheck(step.predict.confirm, history) : null;
    if (predicted && !predicted.passed) {
      report({ en: `the prediction's answer (${step.predict!.answer}) is not what happened: ${predicted.why.en}`, 'zh-CN': `预测的答案（${step.predict!.answer}）与实际不符：${predicted.why['zh-CN']}` });
      continue;
    }
    report();
    // The next step is judged from the state this one ended in (the page moves on at the passing state; the solution runs every line).
    const last = [...history].reverse().find((e) => e.kind === 'state');
    history = last ? [{ ...last, transitions: [] }] : [];
  }
  return { steps };
}

/** The file lists of every layer under each container's root filesystem (image layers, which never change, cached). */
function layerFiles(host: SimHost, snapshot: Snapshot, cache: Map<string, readonly LayerEntry[]>): Record<string, readonly LayerEntry[]> {
  const out: Record<string, readonly LayerEntry[]> = {};
  const kinds = new Map((snapshot.layers ?? []).map((l) => [l.id, l.kind]));
  const want = new Set(snapshot.containers.flatMap((c) => c.rootfs?.layers ?? []));
  const fresh = [...want].filter((id) => kinds.get(id) !== 'image' || !cache.has(id));
  const got = host.layerEntries(fresh);
  for (const id of want) {
    const entries = got[id] ?? cache.get(id);
    if (!entries) continue;
    if (kinds.get(id) === 'image') cache.set(id, entries);
    out[id] = entries;
  }
  return out;
}
