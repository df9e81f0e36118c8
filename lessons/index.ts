import type { Lesson } from './lesson';
import { lifecycleLesson } from './lifecycle';

/** Every lesson, in course order. */
export const lessons: readonly Lesson[] = [lifecycleLesson];
