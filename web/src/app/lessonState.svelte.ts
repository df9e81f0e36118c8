import type { Lesson, Localized } from '../../../lessons/lesson';
import type { LayerEntry, Snapshot, Transition } from '../../../core/model';
import type { StepView } from '../../../lessons/view';
import { needsFiles } from '../../../lessons/checks';
import { advance, evaluateCheck, type HistoryEvent } from '../../../lessons/evaluate';
import { LessonSyntaxError, parseLesson } from '../../../lessons/format';
import type { MessageKey } from '../i18n/i18n';
import { completedKey, legacyProgressKey, progressKey, rebuildAtStep, type LessonBackend } from '../lessons/player';
import { lessonScope } from '../../../lessons/scope';
import { lessonNames, suffixedNames, suffixLesson } from '../../../lessons/suffix';
import { parseProgress, serializeProgress, stepStatus, type StepStatus } from '../lessons/progress';

/**
 * The lesson being followed and how far the student is, kept in app state (not
 * in the pane) so progress moves with every snapshot whether or not the pane
 * is open, and persisted per backend and lesson so a reload does not lose it.
 * The player's moves (restart, back, forward, jump) put the engine where the
 * step starts when the backend can (the simulator rebuilds); otherwise only
 * the pane moves, and `notice` says so.
 */

const CHOSEN_KEY = 'glassbox.lesson';
const COLLAPSED_KEY = 'glassbox.lesson.collapsed';
const CHALLENGE_KEY = 'glassbox.lesson.challenge';
/** Lessons the user opened from a file, kept so a reload (and its progress) finds them again. */
const FILES_KEY = 'glassbox.lesson.files';
const FILES_KEPT = 10;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage full or disabled: progress lasts for this page only.
  }
}

function savedFiles(): string[] {
  try {
    const v: unknown = JSON.parse(read(FILES_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

/** What the player asks of the page's engine; set by the app as a backend opens. */
export interface LessonEngine {
  kind: LessonBackend;
  /** A fresh engine with these lines run (the simulator). */
  rebuild?(lines: string[]): Promise<void>;
  /** Removes the lesson's own objects and runs its set-up (a real engine whose agent offers it). */
  resetLesson?(names: string[], setup: string[]): Promise<void>;
}

/** A sentence for the pane: what the player did not (or could not) do. */
export interface LessonNotice {
  key: MessageKey;
  params?: Record<string, string | number>;
  tone: 'info' | 'bad';
}

/** The student's prediction for a step, and whether the engine bore it out once the line ran. */
export interface PredictionState {
  chosen: string | null;
  /** null until the engine did what the answer says (the prediction's confirm check held). */
  held: boolean | null;
}

const STUDENT_KEY = 'glassbox.student';

/** This browser's student id, made once and kept: the seed of the suffix on a shared real engine. */
export function studentSeed(): string {
  const saved = read(STUDENT_KEY);
  if (saved) return saved;
  const id = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  write(STUDENT_KEY, id);
  return id;
}

export class LessonState {
  /** The course, empty until `loadCourse()` fetched it: it is kept out of the page's first load. */
  all = $state.raw<readonly Lesson[]>([]);
  private course: Promise<readonly Lesson[]> | null = null;
  lesson = $state.raw<Lesson | null>(null);
  /** Steps done, from the first: the current step is `steps[doneCount]`. */
  doneCount = $state(0);
  collapsed = $state(false);
  /** Challenge mode: the steps' commands are hidden; hints come one at a time, the solution last. */
  challenge = $state(false);
  /** Why the current step is not done yet, once the student has run a line for it. */
  why = $state.raw<Localized | null>(null);
  /** How many of the current step's hints are shown. */
  hintsShown = $state(0);
  /** Whether the current step's solution is shown (challenge mode, after the hints). */
  solutionShown = $state(false);
  /** Predictions by step id. */
  predictions = $state.raw<Record<string, PredictionState>>({});
  notice = $state.raw<LessonNotice | null>(null);
  /** The engine is being put at a step's start. */
  busy = $state(false);
  /** The backend progress is read for and saved under. */
  kind = $state<LessonBackend>('sim');
  /** The current step's view, numbered so the diagrams tell a new request from a re-render. */
  focus = $state.raw<{ seq: number; view: StepView } | null>(null);
  /** Reads layers' file lists (the upper-layer checks need them); set by the app once a backend is open. */
  files: ((layerIds: string[]) => Promise<Record<string, LayerEntry[]>>) | null = null;
  engine: LessonEngine | null = null;
  /** Types a command at the prompt and runs it; false when the terminal is busy. Set by the page. */
  runner: ((command: string) => boolean) | null = null;
  /** Bumped when a lesson's completion is saved, so the menu's ✓ re-reads it. */
  private completedVersion = $state(0);
  /**
   * The student's suffix on a shared real engine (lessons/suffix.ts), set by
   * the app with `useSuffix`; null on the simulator. With one, the lesson
   * shows and checks suffixed names, the student's host ports and scratch
   * host paths (lessons/hostSide.ts), and the diagrams keep to its containers.
   */
  suffix = $state<string | null>(null);
  /** The lesson's names on the engine, for `view`. */
  private scopeNames: string[] = [];
  private latest: Snapshot | null = null;
  /** What the current step is judged on: the events since the previous step passed. */
  private history: HistoryEvent[] = [];
  /** While the engine is rebuilt, its states are not the student's doing. */
  private suspended = false;
  private focused = '';
  /**
   * After a move that left the engine as it was (a real engine), the step
   * counts only once the student runs a line for it: the state already
   * there would otherwise credit it again at once.
   */
  private awaitLine = false;

  constructor() {
    this.collapsed = read(COLLAPSED_KEY) === 'true';
    this.challenge = read(CHALLENGE_KEY) === 'true';
    for (const source of savedFiles()) {
      try {
        this.include(parseLesson(source));
      } catch {
        // A saved file that no longer parses is dropped from the menu.
      }
    }
    const saved = read(CHOSEN_KEY);
    // A lesson opened from a file is here already; a course lesson waits for the course to load.
    const opened = this.all.find((l) => l.id === saved) ?? null;
    this.load(opened);
    if (saved && !opened)
      void this.loadCourse().then((all) => {
        if (this.lesson) return;
        // A notice set meanwhile (a link to another site, an unknown lesson) outlives this late load.
        const notice = this.notice;
        this.load(all.find((l) => l.id === saved) ?? null);
        this.notice ??= notice;
      });
  }

  /** Fetches the course once (the menu opens, a lesson is chosen or was being followed); resolves to it. */
  loadCourse(): Promise<readonly Lesson[]> {
    // Lessons opened from files stay, and replace a course lesson of the same id.
    this.course ??= import('../lessons/course').then((m) => {
      const opened = this.all;
      const course = m.lessons.map((c) => opened.find((l) => l.id === c.id) ?? c);
      return (this.all = [...course, ...opened.filter((l) => !m.lessons.some((c) => c.id === l.id))]);
    });
    return this.course;
  }

  /** Whether the diagrams show only the lesson's own containers (a lesson followed on a shared real engine). */
  get scoped(): boolean {
    return this.suffix !== null && this.lesson !== null;
  }

  /** What the diagrams draw: the whole engine, or the lesson's part of it when `scoped`. */
  view(snapshot: Snapshot): Snapshot {
    return this.scoped ? lessonScope(snapshot, this.scopeNames, { suffix: this.suffix! }) : snapshot;
  }

  /** On a shared real engine: this student's suffix (null back to plain names); the lesson is loaded again with it. */
  useSuffix(suffix: string | null): void {
    if (suffix === this.suffix) return;
    this.suffix = suffix;
    const id = this.lesson?.id ?? null;
    this.lesson = null;
    this.load(this.all.find((l) => l.id === id) ?? null);
  }

  get complete(): boolean {
    return this.lesson !== null && this.doneCount >= this.lesson.steps.length;
  }

  /** The lesson after this one in the menu, if any. */
  get nextLesson(): Lesson | null {
    const i = this.all.findIndex((l) => l === this.lesson);
    return i >= 0 ? (this.all[i + 1] ?? null) : null;
  }

  status(index: number): StepStatus {
    return stepStatus(index, this.doneCount);
  }

  /** Whether lesson `id` was finished on the backend in use (the menu's ✓). */
  isCompleted(id: string): boolean {
    void this.completedVersion;
    return read(completedKey(this.kind, id)) === '1';
  }

  /** The backend changed: its own progress comes back. */
  setBackend(kind: LessonBackend): void {
    if (kind === this.kind) return;
    this.kind = kind;
    this.latest = null;
    // From the plain lesson: the one followed may carry the other backend's suffix.
    const id = this.lesson?.id;
    this.load(this.all.find((l) => l.id === id) ?? null);
  }

  /** Follow lesson `id`, or none; its saved progress comes back. */
  choose(id: string | null): void {
    if (id !== null && this.all.length === 0) {
      void this.loadCourse().then(() => this.choose(id));
      return;
    }
    const lesson = this.all.find((l) => l.id === id) ?? null;
    if (lesson?.id === this.lesson?.id) return;
    write(CHOSEN_KEY, lesson?.id ?? '');
    this.load(lesson);
    if (lesson) this.collapsed = false;
  }

  /**
   * Opens a lesson from a file's text (dropped on the page, or `?lessonUrl=`):
   * it joins the menu (replacing a lesson with its id) and is followed.
   * Returns the parse error, if the file is not a lesson.
   */
  open(source: string): LessonSyntaxError | null {
    let lesson: Lesson;
    try {
      lesson = parseLesson(source);
    } catch (err) {
      if (err instanceof LessonSyntaxError) {
        this.notice = { key: 'lesson.notice.badFile', params: { reason: err.message }, tone: 'bad' };
        return err;
      }
      throw err;
    }
    this.include(lesson);
    const kept = savedFiles().filter((s) => {
      try {
        return parseLesson(s).id !== lesson.id;
      } catch {
        return false;
      }
    });
    write(FILES_KEY, JSON.stringify([...kept, source].slice(-FILES_KEPT)));
    this.lesson = null;
    this.choose(lesson.id);
    return null;
  }

  /** Puts the lesson back at its first step; the engine too, where the backend can. */
  async restart(): Promise<void> {
    const lesson = this.lesson;
    if (!lesson || this.busy) return;
    const engine = this.engine;
    if (engine?.rebuild) {
      await this.rebuildTo(0);
      return;
    }
    if (engine?.resetLesson) {
      const reset = engine.resetLesson.bind(engine);
      if (await this.whileBusy(() => reset(lesson.creates, lesson.setup))) this.notice = null;
      this.place(0);
      return;
    }
    this.place(0, true);
    // No engine yet (a backend still opening) has nothing to reset.
    if (engine) this.notice = { key: 'lesson.notice.noReset', tone: 'bad' };
  }

  /**
   * Moves to step `index` (0-based): on the simulator the engine is rebuilt
   * at that step's start (the set-up and the solutions of the steps before);
   * elsewhere only the pane moves, and the notice says so.
   */
  async jump(index: number): Promise<void> {
    const lesson = this.lesson;
    if (!lesson || this.busy) return;
    const target = Math.max(0, Math.min(index, lesson.steps.length - 1));
    if (this.engine?.rebuild) {
      await this.rebuildTo(target);
      return;
    }
    this.place(target, true);
    if (this.engine) this.notice = { key: 'lesson.notice.paneOnly', tone: 'info' };
  }

  /** The step after the current one (the presenter's keyboard and the pane's ›). */
  async next(): Promise<void> {
    if (this.lesson && this.doneCount < this.lesson.steps.length - 1) await this.jump(this.doneCount + 1);
  }

  /** The step before the current one. */
  async prev(): Promise<void> {
    if (this.lesson && this.doneCount > 0) await this.jump(Math.min(this.doneCount, this.lesson.steps.length) - 1);
  }

  /** Runs the current step's command at the terminal, as if typed; false when there is none or the terminal is busy. */
  runStepCommand(run: ((command: string) => boolean) | null = this.runner): boolean {
    const command = this.stepCommand;
    // A sim-only step on a real engine is skipped, never typed: it would disturb the shared engine.
    if (!command || !run || this.busy || this.stepSimOnly(this.doneCount)) return false;
    return run(command);
  }

  /** Shows the current step's next hint; after the last, in challenge mode, the solution. */
  nextHint(): void {
    const step = this.lesson?.steps[this.doneCount];
    if (!step) return;
    if (this.hintsShown < step.hints.length) this.hintsShown++;
    else this.solutionShown = true;
  }

  /** The student's answer to the current step's question, before running its line. */
  predict(key: string): void {
    const step = this.lesson?.steps[this.doneCount];
    if (!step?.predict || this.predictions[step.id]?.held != null) return;
    this.predictions = { ...this.predictions, [step.id]: { chosen: key, held: null } };
  }

  toggleChallenge(): void {
    this.challenge = !this.challenge;
    write(CHALLENGE_KEY, String(this.challenge));
  }

  /**
   * Puts the student on step `index` (the teacher moved the class there), as
   * a jump does: on the simulator the engine is rebuilt at that step's start;
   * on a real engine only the pane moves, and the notice says so. A push that
   * arrives while the engine is being rebuilt waits for it.
   */
  async goTo(index: number): Promise<void> {
    const lesson = this.lesson;
    if (!lesson) return;
    this.collapsed = false;
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    if (this.lesson !== lesson) return;
    const target = Math.max(0, Math.min(index, lesson.steps.length - 1));
    if (this.engine?.rebuild) {
      await this.rebuildTo(target);
      return;
    }
    if (!this.engine) {
      // No backend open yet: the pane moves; the engine it opens on is judged as it comes.
      this.place(target);
      return;
    }
    this.place(target, true);
    this.notice = { key: 'lesson.notice.classPaneOnly', tone: 'info' };
  }

  /** Why the followed lesson cannot be done here (a `sim-only` lesson on a real engine); null on the simulator. */
  get lessonSimOnly(): Localized | null {
    return this.kind === 'real' ? (this.lesson?.simOnly ?? null) : null;
  }

  /** Why step `index` is not run here (a `sim-only` step on a real engine); null on the simulator. */
  stepSimOnly(index: number): Localized | null {
    return this.kind === 'real' ? (this.lesson?.steps[index]?.simOnly ?? null) : null;
  }

  /**
   * Moves past the current step without running it: only a sim-only step on
   * a real engine. The engine is left as it is, so the next step counts only
   * once the student runs a line for it; a skipped step never marks the
   * lesson completed.
   */
  skipStep(): void {
    if (this.busy || !this.stepSimOnly(this.doneCount)) return;
    this.place(this.doneCount + 1, true);
  }

  toggle(): void {
    this.collapsed = !this.collapsed;
    write(COLLAPSED_KEY, String(this.collapsed));
  }

  /** Every snapshot the page receives comes through here, with the transitions that led to it. */
  observe(snapshot: Snapshot | null, transitions: readonly Transition[] = []): void {
    this.latest = snapshot;
    if (this.suspended) return;
    if (!snapshot) {
      this.history = [];
      return;
    }
    // Without a lesson only the latest state matters (a lesson chosen later starts from it).
    if (!this.lesson) this.history = [];
    this.history.push({ kind: 'state', snapshot, transitions });
    this.judge();
    const step = this.lesson?.steps[this.doneCount];
    const fetch = this.files;
    if (step && fetch && (needsFiles(step.check) || (step.predict !== undefined && needsFiles(step.predict.confirm)))) {
      const ids = snapshot.containers.flatMap((c) => c.rootfs?.layers ?? []).filter((x, i, all) => all.indexOf(x) === i);
      void fetch(ids).then(
        (files) => {
          if (this.latest !== snapshot || this.suspended) return;
          this.history.push({ kind: 'state', snapshot, files });
          this.judge();
        },
        () => {},
      );
    }
  }

  /**
   * A line starts: it is for the current step, whose view now comes forward.
   * (When a step passes, its view stays, showing what the line did, until
   * the student starts on the next.)
   */
  lineStarted(): void {
    if (!this.suspended) this.refocus();
  }

  /** Every line the student ran, once it ended: transcript checks read it. */
  lineDone(line: string, exit: number, output: string): void {
    if (!this.lesson || this.suspended) return;
    this.history.push({ kind: 'line', line, exit, output });
    this.judge();
  }

  private include(lesson: Lesson): void {
    const i = this.all.findIndex((l) => l.id === lesson.id);
    this.all = i < 0 ? [...this.all, lesson] : this.all.map((l, k) => (k === i ? lesson : l));
  }

  private async whileBusy(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.suspended = true;
    try {
      await work();
      return true;
    } catch (err) {
      this.notice = { key: 'lesson.notice.failed', params: { reason: err instanceof Error ? err.message : String(err) }, tone: 'bad' };
      return false;
    } finally {
      this.suspended = false;
      this.busy = false;
    }
  }

  private async rebuildTo(index: number): Promise<void> {
    const lesson = this.lesson!;
    const engine = this.engine!;
    if (await this.whileBusy(() => rebuildAtStep(engine, lesson, index).then(() => {}))) this.notice = null;
    if (this.lesson === lesson) this.place(index);
  }

  /** The student is at the start of step `index`, judged from the engine's state now. */
  private place(index: number, engineUnchanged = false): void {
    const lesson = this.lesson;
    if (!lesson) return;
    this.awaitLine = engineUnchanged;
    this.doneCount = Math.max(0, Math.min(index, lesson.steps.length));
    this.history = this.latest ? [{ kind: 'state', snapshot: this.latest }] : [];
    this.fresh();
    this.judge(true);
    this.focused = '';
    this.refocus();
  }

  /** A new current step: its hints, solution and prediction start over. */
  private fresh(): void {
    this.hintsShown = 0;
    this.solutionShown = false;
    const step = this.lesson?.steps[this.doneCount];
    if (step && step.id in this.predictions) {
      const { [step.id]: _gone, ...rest } = this.predictions;
      this.predictions = rest;
    }
  }

  /** The current step's first command, or null (no lesson, or it is complete): presenter mode's strip shows it. */
  get stepCommand(): string | null {
    return this.lesson?.steps[this.doneCount]?.commands[0] ?? null;
  }

  private load(plain: Lesson | null): void {
    const names = plain && this.suffix ? lessonNames(plain) : null;
    const lesson = plain && names ? suffixLesson(plain, this.suffix!, names) : plain;
    this.scopeNames = names ? suffixedNames(names, this.suffix!) : [];
    this.lesson = lesson;
    this.awaitLine = false;
    this.notice = null;
    this.predictions = {};
    let saved = lesson ? read(progressKey(this.kind, lesson.id)) : null;
    if (lesson && saved === null && this.kind === 'sim') saved = read(legacyProgressKey(lesson.id));
    this.doneCount = lesson ? parseProgress(lesson.steps, saved) : 0;
    this.history = this.latest ? [{ kind: 'state', snapshot: this.latest }] : [];
    this.hintsShown = 0;
    this.solutionShown = false;
    this.focused = '';
    this.judge();
    this.refocus();
  }

  /** Moves progress on by the latest snapshot; saves it when it moved (or always, with `save`). */
  private judge(save = false): void {
    const lesson = this.lesson;
    // A sim-only lesson on a real engine is read, not checked: its steps would disturb a shared engine.
    if (!lesson || this.lessonSimOnly) return;
    const before = this.doneCount;
    if (this.awaitLine) {
      if (!this.history.some((e) => e.kind === 'line')) {
        if (save) write(progressKey(this.kind, lesson.id), serializeProgress(lesson.steps, before));
        return;
      }
      this.awaitLine = false;
    }
    // A prediction is judged on the same events as its step, before the step's pass trims them.
    const step = lesson.steps[before];
    const guess = step ? this.predictions[step.id] : undefined;
    if (step?.predict && guess?.held === null && evaluateCheck(step.predict.confirm, this.history).passed) {
      this.predictions = { ...this.predictions, [step.id]: { chosen: guess.chosen, held: guess.chosen === step.predict.answer } };
    }
    const r = advance(lesson, before, this.history);
    this.doneCount = r.doneCount;
    this.history = r.history;
    // Say why only once the student has tried something for this step.
    this.why = r.history.some((e) => e.kind === 'line') ? r.why : null;
    if (this.doneCount !== before) {
      this.hintsShown = 0;
      this.solutionShown = false;
      this.notice = null;
      if (this.doneCount >= lesson.steps.length) {
        write(completedKey(this.kind, lesson.id), '1');
        this.completedVersion++;
      }
    }
    if (save || this.doneCount !== before) write(progressKey(this.kind, lesson.id), serializeProgress(lesson.steps, this.doneCount));
  }

  /** Asks the diagrams to show the current step's view, once per step. */
  private refocus(): void {
    const lesson = this.lesson;
    const step = lesson?.steps[this.doneCount];
    const where = `${lesson?.id ?? ''}#${step?.id ?? ''}`;
    if (where === this.focused) return;
    this.focused = where;
    if (step?.view) this.focus = { seq: (this.focus?.seq ?? 0) + 1, view: step.view };
  }
}
