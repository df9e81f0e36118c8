import type { Backend } from '../../core/backend';
import type { LayerEntry, Snapshot } from '../../core/model';
import { needsFiles, type Check } from '../../lessons/checks';
import { evaluateCheck, evaluateStep, type HistoryEvent } from '../../lessons/evaluate';
import type { Lesson, LessonStep, Localized } from '../../lessons/lesson';
import type { LessonReport, StepReport } from './lessonRun';

/** A step the run left out, and why (the lesson's `sim-only` reason, or what this machine lacks). */
export interface SkippedStep extends StepReport {
  skipped: Localized;
}

export interface BackendLessonReport extends LessonReport {
  steps: (StepReport | SkippedStep)[];
}

export interface BackendRunOptions {
  /** Why a step cannot run here, if it cannot: it is reported as skipped, its lines are not run. */
  skip?: (step: LessonStep) => Localized | undefined;
  /** Quiet time after a line before its state is read: the engine's events arrive after the CLI exits. */
  settleMs?: number;
}

/** Extra reads of the engine before a step that has not passed is reported as failed. */
const RETRIES = 5;

/** Output a check may read, per line (as lessonRun.ts keeps). */
const OUTPUT_KEPT = 64 * 1024;

/**
 * Runs a lesson's solution through any Backend (the real one: the agent's
 * shell and the real docker), judging each step on the events since the
 * previous one passed, as `runLesson` does on the simulator: a step fails when
 * its check held before its command, does not hold after, or its prediction
 * is not what happened. The engine is not reset first: on a shared engine
 * checks name the lesson's own (suffixed) objects.
 */
export async function runLessonOnBackend(lesson: Lesson, backend: Backend, opts: BackendRunOptions = {}): Promise<BackendLessonReport> {
  const settleMs = opts.settleMs ?? 300;
  let history: HistoryEvent[] = [];
  let lastEvent = Date.now();
  const off = backend.subscribe((e) => {
    if (e.type !== 'snapshot') return;
    lastEvent = Date.now();
    history.push({ kind: 'state', snapshot: e.snapshot, transitions: e.transitions });
  });
  const run = async (line: string): Promise<number> => {
    let output = '';
    const keep = (t: string): void => {
      if (output.length < OUTPUT_KEPT) output += t;
    };
    const exit = await backend.exec(line, { stdout: keep, stderr: keep });
    history.push({ kind: 'line', line, exit, output });
    // The engine reports what the line did a moment after the CLI exits: wait for that from here.
    lastEvent = Date.now();
    return exit;
  };
  /** The engine's state once its events have stopped, with the files the checks read. */
  const settled = async (check?: Check): Promise<HistoryEvent> => {
    const deadline = Date.now() + 10 * settleMs;
    while (Date.now() - lastEvent < settleMs && Date.now() < deadline) await new Promise((r) => setTimeout(r, settleMs / 3));
    const snapshot = await backend.snapshot();
    const files = check && needsFiles(check) ? await layerFiles(backend, snapshot, upperNames(check)) : undefined;
    return { kind: 'state', snapshot, ...(files ? { files } : {}) };
  };
  try {
    for (const line of lesson.setup) {
      const exit = await run(line);
      if (exit !== 0) return { steps: [], setupError: `setup line "${line}" exited ${exit}` };
    }
    history = [await settled(lesson.steps[0]?.check)];
    const steps: (StepReport | SkippedStep)[] = [];
    for (const step of lesson.steps) {
      const report = (why?: Localized): void => void steps.push({ id: step.id, title: step.title, passed: why === undefined, ...(why ? { why } : {}) });
      const skip = step.simOnly ?? opts.skip?.(step);
      if (skip) {
        steps.push({ id: step.id, title: step.title, passed: false, skipped: skip });
        continue;
      }
      const before = evaluateStep(step, history);
      if (before.passed) {
        report({ en: 'the check already holds before the command runs, so it does not test the command', 'zh-CN': '命令运行之前检查就已通过，所以它检验不了这条命令' });
        continue;
      }
      for (const line of step.commands) await run(line);
      const judged: Check = step.predict ? { kind: 'all', checks: [step.check, step.predict.confirm], line: 0 } : step.check;
      history.push(await settled(judged));
      let after = evaluateStep(step, history);
      // A loaded machine reports a moment later still: look again for a while before calling it a failure.
      for (let again = 0; !after.passed && again < RETRIES; again++) {
        await new Promise((r) => setTimeout(r, settleMs));
        history.push(await settled(judged));
        after = evaluateStep(step, history);
      }
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
      const last = [...history].reverse().find((e) => e.kind === 'state');
      history = last ? [{ ...last, transitions: [] }] : [];
    }
    return { steps };
  } finally {
    off();
  }
}

/** The containers whose upper layers a check reads. */
function upperNames(check: Check): Set<string> {
  if (check.kind !== 'atom') return new Set(check.checks.flatMap((c) => [...upperNames(c)]));
  return check.form === 'upper' ? new Set([check.name]) : new Set();
}

/** The file lists of those containers' layers (a shared engine has many others, not read). */
async function layerFiles(backend: Backend, snapshot: Snapshot, names: Set<string>): Promise<Record<string, readonly LayerEntry[]>> {
  const ids = [...new Set(snapshot.containers.filter((c) => names.has(c.name)).flatMap((c) => c.rootfs?.layers ?? []))];
  return ids.length ? backend.layerEntries(ids) : {};
}
