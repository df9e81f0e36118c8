import type { Check } from './checks';
import type { Lesson, LessonStep, Localized, Prediction } from './lesson';
import type { StepView } from './view';

/**
 * A lesson rewritten for one student on a shared engine (names in
 * suffix.ts, host ports and paths in hostSide.ts): each says how it
 * rewrites a shell line, prose, a check, a view and a `creates` entry, and
 * this walks every place of the lesson that holds one.
 */
export interface LessonRewrite {
  line(line: string): string;
  text(text: string): string;
  check(check: Check): Check;
  view(view: StepView): StepView;
  created(entry: string): string;
}

function localized(text: Localized, rw: LessonRewrite): Localized {
  return Object.fromEntries(Object.entries(text).map(([l, t]) => [l, rw.text(t)])) as Localized;
}

function prediction(p: Prediction, rw: LessonRewrite): Prediction {
  return { ...p, question: localized(p.question, rw), choices: p.choices.map((c) => ({ ...c, text: localized(c.text, rw) })), confirm: rw.check(p.confirm) };
}

function step(s: LessonStep, rw: LessonRewrite): LessonStep {
  return {
    ...s,
    title: localized(s.title, rw),
    body: localized(s.body, rw),
    commands: s.commands.map((c) => rw.line(c)),
    hints: s.hints.map((h) => localized(h, rw)),
    check: rw.check(s.check),
    ...(s.predict ? { predict: prediction(s.predict, rw) } : {}),
    ...(s.view ? { view: rw.view(s.view) } : {}),
  };
}

export function rewriteLesson<L extends Lesson>(lesson: L, rw: LessonRewrite): L {
  return {
    ...lesson,
    setup: lesson.setup.map((l) => rw.line(l)),
    creates: lesson.creates.map((c) => rw.created(c)),
    steps: lesson.steps.map((s) => step(s, rw)),
  };
}
