import { describe, expect, it } from 'vitest';
import { LessonSyntaxError, parseLesson } from './format';

const FRONT = `---
id: demo
title:
  en: Demo
  zh-CN: 演示
summary:
  en: A demo.
  zh-CN: 一个演示。
setup:
  - docker pull busybox
creates: [web]
---
`;

const STEP = `## Run it {#run}

:::zh-CN 运行它
中文正文。
> hint: 提示一
> hint: 提示二
:::

English text.

> hint: first
> hint: second

\`\`\`cmd
docker run -d --name web nginx
\`\`\`

\`\`\`check
container web is running
\`\`\`
`;

describe('parseLesson', () => {
  it('reads front matter, titles, bodies, hints in order, command and check', () => {
    const l = parseLesson(FRONT + STEP);
    expect(l.id).toBe('demo');
    expect(l.title).toEqual({ en: 'Demo', 'zh-CN': '演示' });
    expect(l.setup).toEqual(['docker pull busybox']);
    expect(l.creates).toEqual(['web']);
    expect(l.backends).toEqual(['sim', 'real']);
    const s = l.steps[0]!;
    expect(s.title).toEqual({ en: 'Run it', 'zh-CN': '运行它' });
    expect(s.body).toEqual({ en: 'English text.', 'zh-CN': '中文正文。' });
    expect(s.hints).toEqual([{ en: 'first', 'zh-CN': '提示一' }, { en: 'second', 'zh-CN': '提示二' }]);
    expect(s.commands).toEqual(['docker run -d --name web nginx']);
    expect(s.check).toMatchObject({ kind: 'atom', form: 'state', name: 'web', state: 'running' });
  });

  it('reads a prediction', () => {
    const step = STEP.replace('> hint: first', '> hint: first\n> predict: Exit code?\n> a) 0\n> b) 137')
      .replace('> hint: 提示一', '> hint: 提示一\n> predict: 退出码？\n> a) 0\n> b) 137')
      .replace('```check', '```predict\nanswer: b\nconfirm: container web exited with code 137\n```\n\n```check');
    const p = parseLesson(FRONT + step).steps[0]!.predict!;
    expect(p.answer).toBe('b');
    expect(p.question).toEqual({ en: 'Exit code?', 'zh-CN': '退出码？' });
    expect(p.choices.map((c) => c.key)).toEqual(['a', 'b']);
    expect(p.confirm).toMatchObject({ form: 'exitCode', code: 137 });
  });

  it('reads the view a step is about, in any case, and leaves it out when the step names none', () => {
    const named = parseLesson(FRONT + STEP.replace('English text.', '> view: Volumes\n\nEnglish text.'));
    expect(named.steps[0]!.view).toEqual({ tab: 'volumes' });
    expect(named.steps[0]!.body.en).toBe('English text.');
    expect(parseLesson(FRONT + STEP.replace('English text.', '> view: registry\nEnglish text.')).steps[0]!.view).toEqual({ tab: 'registry' });
    expect(parseLesson(FRONT + STEP).steps[0]!.view).toBeUndefined();
  });

  it('fills the languages a file does not have with its first one', () => {
    const en = FRONT.replace('  zh-CN: 演示\n', '').replace('  zh-CN: 一个演示。\n', '').replace('---\nid', '---\nlanguages: [en]\nid');
    const l = parseLesson(en + STEP.replace(/:::zh-CN[\s\S]*?:::\n/, ''));
    expect(l.steps[0]!.title['zh-CN']).toBe('Run it');
  });

  const line = (text: string, where: string): number => text.split('\n').findIndex((l) => l.includes(where)) + 1;
  const bad: [string, string, string, string][] = [
    ['no front matter', 'no', 'no', 'starts with front matter'],
    ['an unknown key', FRONT.replace('creates:', 'colour: red\ncreates:') + STEP, 'colour: red', 'unknown front matter key "colour"'],
    ['a title without Chinese', FRONT.replace('  zh-CN: 演示\n', '') + STEP, 'title:', 'title has no zh-CN text'],
    ['a heading without an id', FRONT + STEP.replace(' {#run}', ''), '## Run it', 'a step heading is "## Title {#id}"'],
    ['no check', FRONT + STEP.replace('```check\ncontainer web is running\n```\n', ''), '## Run it', 'the step has no ```check fence'],
    ['an unknown check', FRONT + STEP.replace('container web is running', 'container web is happy'), 'container web is happy', 'unknown container state "happy"'],
    ['a sentence that is no check', FRONT + STEP.replace('container web is running', 'web runs'), 'web runs', 'unknown check: "web runs"'],
    ['an unclosed fence', FRONT + STEP.replace(/```\n$/, ''), '```check', 'this fence has no closing ```'],
    ['an unclosed language block', FRONT + STEP.replace('> hint: 提示二\n:::', '> hint: 提示二'), '```cmd', 'fence belongs to the step, not inside a :::zh-CN block'],
    ['hints that do not match', FRONT + STEP.replace('> hint: 提示二\n', ''), ':::zh-CN', 'zh-CN has 1 hints, en has 2'],
    ['a view no tab shows', FRONT + STEP.replace('English text.', '> view: Storage\n\nEnglish text.'), '> view: Storage', 'unknown view "Storage" (one of lifecycle, layers, network, volumes, registry, kernel, trace)'],
    ['a second view in one step', FRONT + STEP.replace('English text.', '> view: volumes\n> view: layers\n\nEnglish text.'), '> view: layers', 'the step already names its view ("volumes")'],
    ['a bad regex', FRONT + STEP.replace('container web is running', 'a line matching /(/ was run'), 'a line matching', 'bad regular expression'],
    ['two steps with one id', FRONT + STEP + '\n' + STEP, 'x', 'two steps have the id "run"'],
    ['any: without children', FRONT + STEP.replace('container web is running', 'any:'), 'any:', '"any:" needs more-indented checks'],
  ];
  it.each(bad)('refuses %s, naming the line', (_what, text, where, reason) => {
    let err: unknown;
    try {
      parseLesson(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LessonSyntaxError);
    expect((err as LessonSyntaxError).reason).toContain(reason);
    const expected = where === 'x' ? text.split('\n').lastIndexOf('## Run it {#run}') + 1 : where === 'no' ? 1 : line(text, where);
    expect((err as LessonSyntaxError).line).toBe(expected);
  });
});
