import type { ContainerSnapshot, Snapshot } from '../core/model';

/** Text in every language the UI ships. */
export interface Localized {
  en: string;
  'zh-CN': string;
}

/**
 * One step: what to read, what to type, and how we know it was done. Checks
 * read only the Snapshot, so a lesson works the same on both backends.
 */
export interface LessonStep {
  id: string;
  title: Localized;
  body: Localized;
  /** The command the step suggests; the UI offers it to paste into the terminal. */
  command: string;
  /** True once the step's goal holds in the snapshot. */
  done(snapshot: Snapshot): boolean;
}

export interface Lesson {
  id: string;
  title: Localized;
  summary: Localized;
  steps: LessonStep[];
}

/** The container named `name` (Docker names, no leading slash), if any. */
export function containerNamed(snapshot: Snapshot, name: string): ContainerSnapshot | undefined {
  return snapshot.containers.find((c) => c.name === name);
}
