import type { ContainerSnapshot, LayerEntry, Snapshot, Transition } from '../core/model';
import { whyNot, type Check, type LineRecord, type Moment } from './checks';
import type { Lesson, LessonStep, Localized } from './lesson';

/**
 * What a step is judged on: everything since the previous step passed, in
 * order. A state event is a snapshot with the lifecycle transitions that led
 * to it (BackendEvent "snapshot"); a line event is a line the student ran,
 * once it ended. Checks are tried on every state the engine passed through,
 * including the ones inside one batch of transitions, so
 * `docker pause web && docker unpause web` credits a "paused" step.
 */
export type HistoryEvent =
  | { kind: 'state'; snapshot: Snapshot; transitions?: readonly Transition[]; files?: Readonly<Record<string, readonly LayerEntry[]>> }
  | ({ kind: 'line' } & LineRecord);

export type StepResult =
  | {
      passed: true;
      /** Index of the event it passed at, and how many of that event's transitions had happened. */
      event: number;
      sub: number;
      /** The state it passed in. */
      snapshot: Snapshot;
    }
  | { passed: false; why: Localized };

const EMPTY: Snapshot = { kind: 'sim', time: 0, containers: [], images: [] };

interface Located extends Moment {
  event: number;
  /** For a state event, how many of its transitions had happened (transitions.length = its final snapshot). */
  sub: number;
}

/** Every moment of the history, in order. */
function moments(history: readonly HistoryEvent[]): Located[] {
  const transcript = history.filter((e): e is { kind: 'line' } & LineRecord => e.kind === 'line');
  // A state's transcript is the lines up to the one that caused it: the next line event, if any.
  const linesFor = (i: number): number => {
    const next = history.findIndex((e, j) => j > i && e.kind === 'line');
    return history.slice(0, next < 0 ? history.length : next + 1).filter((e) => e.kind === 'line').length;
  };
  const out: Located[] = [];
  let current: Snapshot = EMPTY;
  let files: Moment['files'];
  let seen = 0;
  history.forEach((e, event) => {
    if (e.kind === 'line') {
      seen++;
      out.push({ snapshot: current, lines: transcript.slice(0, seen), ...(files ? { files } : {}), event, sub: 0 });
      return;
    }
    files = e.files;
    const upTo = transcript.slice(0, linesFor(event));
    const transitions = e.transitions ?? [];
    for (let k = 1; k < transitions.length; k++) {
      out.push({ snapshot: between(current, e.snapshot, transitions, k), lines: upTo, ...(files ? { files } : {}), event, sub: k });
    }
    current = e.snapshot;
    out.push({ snapshot: current, lines: upTo, ...(files ? { files } : {}), event, sub: transitions.length });
  });
  return out;
}

/**
 * The state after the first `k` of a batch's transitions: the final
 * snapshot, with each container the batch touched set to the state it had
 * then (and gone when it was not yet created or already removed).
 */
function between(before: Snapshot, after: Snapshot, transitions: readonly Transition[], k: number): Snapshot {
  const touched = new Map<string, Transition | null>();
  for (const t of transitions) if (!touched.has(t.containerId)) touched.set(t.containerId, null);
  for (const t of transitions.slice(0, k)) touched.set(t.containerId, t);
  const byId = new Map<string, ContainerSnapshot>();
  for (const c of before.containers) byId.set(c.id, c);
  for (const c of after.containers) byId.set(c.id, c);
  const containers: ContainerSnapshot[] = [];
  const order = [...after.containers.map((c) => c.id), ...before.containers.map((c) => c.id), ...transitions.map((t) => t.containerId)];
  for (const id of new Set(order)) {
    if (!touched.has(id)) {
      const c = after.containers.find((x) => x.id === id);
      if (c) containers.push(c);
      continue;
    }
    const last = touched.get(id);
    const state = last ? last.to : transitions.find((t) => t.containerId === id)!.from;
    if (state === null) continue;
    const base = byId.get(id) ?? skeleton(transitions.find((t) => t.containerId === id)!);
    const exited = last && last.to === 'exited' && last.exitCode !== undefined ? { exitCode: last.exitCode, oomKilled: last.oomKilled ?? false } : {};
    containers.push({ ...base, state, ...exited });
  }
  return { ...after, containers };
}

/** A container that came and went within one batch (`docker run --rm`): what its transitions tell. */
function skeleton(t: Transition): ContainerSnapshot {
  const never = '0001-01-01T00:00:00Z';
  return {
    id: t.containerId, name: t.name, image: '', imageId: '', command: [], state: 'created', exitCode: 0, pid: 0, oomKilled: false, restartCount: 0,
    created: never, startedAt: never, finishedAt: never, status: '',
    config: { hostname: '', env: [], tty: false, openStdin: false, autoRemove: false, restartPolicy: { name: 'no', maximumRetryCount: 0 }, labels: {} },
  };
}

/** Whether `check` held at some moment of `history`: where first, or why not at the last moment. */
export function evaluateCheck(check: Check, history: readonly HistoryEvent[]): StepResult {
  const all = moments(history);
  let why: Localized | null = null;
  for (const m of all) {
    why = whyNot(check, m);
    if (!why) return { passed: true, event: m.event, sub: m.sub, snapshot: m.snapshot };
  }
  return { passed: false, why: why ?? whyNot(check, { snapshot: EMPTY, lines: [] }) ?? { en: 'nothing has happened yet', 'zh-CN': '还什么都没有发生' } };
}

/** Whether `step` is done by `history` (the events since the previous step passed), or why not. */
export function evaluateStep(step: LessonStep, history: readonly HistoryEvent[]): StepResult {
  return evaluateCheck(step.check, history);
}

/**
 * Whether the step's prediction came true: the answer's confirming check,
 * judged on the same history as the step (after its command ran).
 */
export function evaluatePrediction(step: LessonStep, history: readonly HistoryEvent[]): StepResult | null {
  return step.predict ? evaluateCheck(step.predict.confirm, history) : null;
}

/**
 * Moves a student on: the current step is checked against the history since
 * the previous step passed; once it passes, the next step is checked against
 * what followed (from the state it passed in), so one line that achieves two
 * steps completes both. Returns the new count, the history the current step
 * is judged on from now, and why the current step is not done.
 */
export function advance(lesson: Lesson, doneCount: number, history: readonly HistoryEvent[]): { doneCount: number; history: HistoryEvent[]; why: Localized | null } {
  let n = Math.max(0, Math.min(doneCount, lesson.steps.length));
  let rest = [...history];
  while (n < lesson.steps.length) {
    const r = evaluateStep(lesson.steps[n]!, rest);
    if (!r.passed) return { doneCount: n, history: rest, why: r.why };
    const at = rest[r.event]!;
    // The next step starts from the state this one passed in, then the rest of that batch and the events after it.
    const files = at.kind === 'state' && at.files ? { files: at.files } : {};
    const left = at.kind === 'state' ? (at.transitions ?? []).slice(r.sub) : [];
    rest = [
      { kind: 'state', snapshot: r.snapshot, ...files },
      ...(left.length > 0 && at.kind === 'state' ? [{ ...at, transitions: left }] : []),
      ...rest.slice(r.event + 1),
    ];
    n++;
  }
  return { doneCount: n, history: rest, why: null };
}
