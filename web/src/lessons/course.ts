import { parseLesson } from '../../../lessons/format';
import type { Lesson } from '../../../lessons/lesson';

/** The course's lesson files, bundled as text at build time and parsed in the page. */
const sources = import.meta.glob('../../../lessons/course/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Every lesson, in course order (the files' NN- prefixes). */
export const lessons: readonly Lesson[] = Object.keys(sources)
  .sort()
  .map((path) => parseLesson(sources[path]!));
