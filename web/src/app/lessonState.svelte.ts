import type { Lesson, Localized } from '../../../lessons/lesson';
import type { LayerEntry, Snapshot, Transition } from '../../../core/model';
import { needsFiles } from '../../../lessons/checks';
import { advance, type HistoryEvent } from '../../../lessons/evaluate';
import { lessons } from '../lessons/course';
import { lessonScope } from '../../../lessons/scope';
import { lessonNames, suffixedNames, suffixLesson } from '../../../lessons/suffix';
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
  readonly all: readonly Lesson[] = lessons;
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
  /**
   * The student's suffix on a shared real engine (lessons/suffix.ts), set by
   * the app with `useSuffix`; null on the simulator. With one, the lesson
   * shows and checks suffixed names and the diagrams keep to its containers.
   */
  suffix = $state<string | null>(null);
  /** The lesson's names on the engine, for `view`. */
  private scopeNames: string[] = [];
  private latest: Snapshot | null = null;
  /** What the current step is judged on: the events since the previous step passed. */
  private history: HistoryEvent[] = [];

  constructor() {
    this.collapsed = read(COLLAPSED_KEY) === 'true';
    const saved = read(CHOSEN_KEY);
    this.load(this.all.find((l) => l.id === saved) ?? null);
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

  status(index: number): StepStatus {
    return stepStatus(index, this.doneCount);
  }

  /** Follow lesson `id`, or none; its saved progress comes back. */
  choose(id: string | null): void {
    const lesson = this.all.find((l) => l.id === id) ?? null;
    if (lesson?.id === this.lesson?.id) return;
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

  private load(plain: Lesson | null): void {
    const names = plain && this.suffix ? lessonNames(plain) : null;
    const lesson = plain && names ? suffixLesson(plain, this.suffix!, names) : plain;
    this.scopeNames = names ? suffixedNames(names, this.suffix!) : [];
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
