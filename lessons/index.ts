import type { Lesson } from './lesson';
import { lifecycleLesson } from './lifecycle';
import { layersLesson } from './layers';
import { networkLesson } from './network';
import { kernelLesson } from './kernel';

/** Every lesson, in course order. */
export const lessons: readonly Lesson[] = [lifecycleLesson, layersLesson, networkLesson, kernelLesson];
