import type { Lesson, Localized } from '../../../lessons/lesson';
import type { LayerEntry, Snapshot, Transition } from '../../../core/model';
import { needsFiles } from '../../../lessons/checks';
import { advance, type HistoryEvent } from '../../../lessons/evaluate';
import { parseProgress, serializeProgress, stepStatus, type StepStatus } from '../lessons/progress';

/**
 * The lesson being followed and how far the student is, kept in app state (not
 * in the pane) so progress moves with every snapshot whether or not the pane
 * is open, and persisted per lesson so a reload does not lose it.
 */

const CHOSEN_KEY = 'glassbox.lesson';
const COLLAPSED_KEY = 'glassbox.lesson.collapsed';

function progressKey(lessonId: string): string {
  return `glassbox.lesson.${lessonId}.progress`;
}

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

export class LessonState {
  /** The course, empty until `loadCourse()` fetched it: it is kept out of the page's first load. */
  all = $state.raw<readonly Lesson[]>([]);
  private course: Promise<readonly Lesson[]> | null = null;
  lesson = $state.raw<Lesson | null>(null);
  /** Steps done, from the first: the current step is `steps[doneCount]`. */
  doneCount = $state(0);
  collapsed = $state(false);
  /** Why the current step is not done yet, once the student has run a line for it. */
  why = $state.raw<Localized | null>(null);
  /** How many of the current step's hints are shown. */
  hintsShown = $state(0);
  /** Reads layers' file lists (the upper-layer checks need them); set by the app once a backend is open. */
  files: ((layerIds: string[]) => Promise<Record<string, LayerEntry[]>>) | null = null;
  private latest: Snapshot | null = null;
  /** What the current step is judged on: the events since the previous step passed. */
  private history: HistoryEvent[] = [];

  constructor() {
    this.collapsed = read(COLLAPSED_KEY) === 'true';
    const saved = read(CHOSEN_KEY);
    this.load(null);
    if (saved) void this.loadCourse().then((all) => this.lesson ?? this.load(all.find((l) => l.id === saved) ?? null));
  }

  /** Fetches the course once (the menu opens, a lesson is chosen or was being followed); resolves to it. */
  loadCourse(): Promise<readonly Lesson[]> {
    this.course ??= import('../lessons/course').then((m) => (this.all = m.lessons));
    return this.course;
  }

  get complete(): boolean {
    return this.lesson !== null && this.doneCount >= this.lesson.steps.length;
  }

  status(index: number): StepStatus {
    return stepStatus(index, this.doneCount);
  }

  /** Follow lesson `id`, or none; its saved progress comes back. */
  choose(id: string | null): void {
    if (id !== null && this.all.length === 0) {
      void this.loadCourse().then(() => this.choose(id));
      return;
    }
    const lesson = this.all.find((l) => l.id === id) ?? null;
    if (lesson === this.lesson) return;
    write(CHOSEN_KEY, lesson?.id ?? '');
    this.load(lesson);
    if (lesson) this.collapsed = false;
  }

  restart(): void {
    this.doneCount = 0;
    this.history = this.latest ? [{ kind: 'state', snapshot: this.latest }] : [];
    this.hintsShown = 0;
    this.judge(true);
  }

  /** Shows the current step's next hint. */
  nextHint(): void {
    const step = this.lesson?.steps[this.doneCount];
    if (step && this.hintsShown < step.hints.length) this.hintsShown++;
  }

  /**
   * Puts the student on step `index` (the teacher moved the class there):
   * the steps before it count as done, and the pane shows it as current.
   */
  goTo(index: number): void {
    const lesson = this.lesson;
    if (!lesson) return;
    this.doneCount = Math.max(0, Math.min(index, lesson.steps.length));
    this.hintsShown = 0;
    this.collapsed = false;
    this.judge(true);
  }

  toggle(): void {
    this.collapsed = !this.collapsed;
    write(COLLAPSED_KEY, String(this.collapsed));
  }

  /** Every snapshot the page receives comes through here, with the transitions that led to it. */
  observe(snapshot: Snapshot | null, transitions: readonly Transition[] = []): void {
    this.latest = snapshot;
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
    if (step && fetch && needsFiles(step.check)) {
      const ids = snapshot.containers.flatMap((c) => c.rootfs?.layers ?? []).filter((x, i, all) => all.indexOf(x) === i);
      void fetch(ids).then(
        (files) => {
          if (this.latest !== snapshot) return;
          this.history.push({ kind: 'state', snapshot, files });
          this.judge();
        },
        () => {},
      );
    }
  }

  /** Every line the student ran, once it ended: transcript checks read it. */
  lineDone(line: string, exit: number, output: string): void {
    if (!this.lesson) return;
    this.history.push({ kind: 'line', line, exit, output });
    this.judge();
  }

  // ── Presenter controls (presenter branch). Minimal step moves for presenter mode's keys and buttons;
  //    the lesson player's own API may replace this block when the two branches meet.

  /** The current step's first command, or null (no lesson, or it is complete). */
  get stepCommand(): string | null {
    return this.lesson?.steps[this.doneCount]?.commands[0] ?? null;
  }

  /** The teacher moves on one step (the current one counts as done). */
  next(): void {
    this.moveTo(this.doneCount + 1);
  }

  /** The teacher moves back one step. */
  prev(): void {
    this.moveTo(this.doneCount - 1);
  }

  /**
   * Unlike goTo, judged only on what happens next: a step whose check already
   * holds (the container is running) would otherwise pass at once and make
   * stepping back impossible.
   */
  private moveTo(index: number): void {
    const lesson = this.lesson;
    if (!lesson) return;
    this.doneCount = Math.max(0, Math.min(index, lesson.steps.length));
    this.history = [];
    this.hintsShown = 0;
    this.why = null;
    write(progressKey(lesson.id), serializeProgress(lesson.steps, this.doneCount));
  }

  /** Hands the current step's command to `run` (the terminal's); false when there is none or the terminal is busy. */
  runStepCommand(run: (command: string) => boolean): boolean {
    const command = this.stepCommand;
    return command !== null && run(command);
  }

  // ── End of the presenter controls.

  private load(lesson: Lesson | null): void {
    this.lesson = lesson;
    this.doneCount = lesson ? parseProgress(lesson.steps, read(progressKey(lesson.id))) : 0;
    this.history = this.latest ? [{ kind: 'state', snapshot: this.latest }] : [];
    this.hintsShown = 0;
    this.judge();
  }

  /** Moves progress on by the latest snapshot; saves it when it moved (or always, with `save`). */
  private judge(save = false): void {
    const lesson = this.lesson;
    if (!lesson) return;
    const before = this.doneCount;
    const r = advance(lesson, before, this.history);
    this.doneCount = r.doneCount;
    this.history = r.history;
    // Say why only once the student has tried something for this step.
    this.why = r.history.some((e) => e.kind === 'line') ? r.why : null;
    if (this.doneCount !== before) this.hintsShown = 0;
    if (save || this.doneCount !== before) write(progressKey(lesson.id), serializeProgress(lesson.steps, this.doneCount));
  }
}
