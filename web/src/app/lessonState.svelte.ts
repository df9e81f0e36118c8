import type { Lesson } from '../../../lessons/lesson';
import { lessons } from '../../../lessons/index';
import type { Snapshot } from '../../../core/model';
import { advance, parseProgress, serializeProgress, stepStatus, type StepStatus } from '../lessons/progress';

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
  readonly all: readonly Lesson[] = lessons;
  lesson = $state.raw<Lesson | null>(null);
  /** Steps done, from the first: the current step is `steps[doneCount]`. */
  doneCount = $state(0);
  collapsed = $state(false);
  private latest: Snapshot | null = null;

  constructor() {
    this.collapsed = read(COLLAPSED_KEY) === 'true';
    const saved = read(CHOSEN_KEY);
    this.load(this.all.find((l) => l.id === saved) ?? null);
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
    if (lesson === this.lesson) return;
    write(CHOSEN_KEY, lesson?.id ?? '');
    this.load(lesson);
    if (lesson) this.collapsed = false;
  }

  restart(): void {
    this.doneCount = 0;
    this.judge(true);
  }

  /**
   * Puts the student on step `index` (the teacher moved the class there):
   * the steps before it count as done, and the pane shows it as current.
   */
  goTo(index: number): void {
    const lesson = this.lesson;
    if (!lesson) return;
    this.doneCount = Math.max(0, Math.min(index, lesson.steps.length));
    this.collapsed = false;
    this.judge(true);
  }

  toggle(): void {
    this.collapsed = !this.collapsed;
    write(COLLAPSED_KEY, String(this.collapsed));
  }

  /** Every snapshot the page receives comes through here. */
  observe(snapshot: Snapshot | null): void {
    this.latest = snapshot;
    this.judge();
  }

  private load(lesson: Lesson | null): void {
    this.lesson = lesson;
    this.doneCount = lesson ? parseProgress(lesson.steps, read(progressKey(lesson.id))) : 0;
    this.judge();
  }

  /** Moves progress on by the latest snapshot; saves it when it moved (or always, with `save`). */
  private judge(save = false): void {
    const lesson = this.lesson;
    if (!lesson) return;
    const before = this.doneCount;
    if (this.latest) this.doneCount = advance(lesson.steps, before, this.latest);
    if (save || this.doneCount !== before) write(progressKey(lesson.id), serializeProgress(lesson.steps, this.doneCount));
  }
}
