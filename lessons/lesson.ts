import type { ContainerSnapshot, Snapshot } from '../core/model';
import type { Check } from './checks';
import type { StepView } from './view';

/** The languages a lesson may be written in: the ones the UI ships. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Text in every language the UI ships. */
export type Localized = Record<Language, string>;

/** A "predict, then run" question: the student picks a choice before running the step's command. */
export interface Prediction {
  question: Localized;
  choices: { key: string; text: Localized }[];
  /** The key of the right choice. */
  answer: string;
  /** What must hold after the command for `answer` to be right: `glassbox lesson check` proves it against the engine. */
  confirm: Check;
}

/**
 * One step: what to read, what to type, hints, and how we know it was done.
 * Checks read the snapshot and the transcript only, so a lesson works the
 * same on both backends.
 */
export interface LessonStep {
  id: string;
  title: Localized;
  /** Paragraphs separated by a blank line; backticks mark code. */
  body: Localized;
  /** The lines the step suggests, in order (usually one); the solution `glassbox lesson check` runs. */
  commands: string[];
  /** Shown one at a time, in order. */
  hints: Localized[];
  predict?: Prediction;
  /** What the diagrams show for this step: a ```view fence, or `> view: TAB` for the tab alone. */
  view?: StepView;
  /** Why this step does not run on the real engine (it would disturb a shared engine …): the real backend shows the reason and skips it. */
  simOnly?: Localized;
  check: Check;
  /** Line of the step's heading in its file, for messages. */
  line: number;
}

export interface Lesson {
  id: string;
  title: Localized;
  summary: Localized;
  /** The languages the file is written in (the others fall back to the first). */
  languages: Language[];
  backends: ('sim' | 'real')[];
  /** Why the lesson does not run on the real engine at all (front matter `sim-only:`); then `backends` is `[sim]`. */
  simOnly?: Localized;
  /** Lines run before step 1 (pulls, a container the lesson starts from). */
  setup: string[];
  /** Names the lesson creates (containers, images, networks), removed to reset it. */
  creates: string[];
  steps: LessonStep[];
}

/** The container named `name` (Docker names, no leading slash), if any. */
export function containerNamed(snapshot: Snapshot, name: string): ContainerSnapshot | undefined {
  return snapshot.containers.find((c) => c.name === name);
}
