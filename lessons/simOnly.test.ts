import { describe, expect, it } from 'vitest';
import { parseLesson } from './format';

/** The `sim-only` marks: a lesson or a step that does not run on the real engine, and why, in every language. */
const front = (extra: string): string => `---
id: demo
title:
  en: Demo
  zh-CN: 演示
summary:
  en: A demo.
  zh-CN: 一个演示。
${extra}---

`;

const step = (en: string, zh: string): string => `## Swarm {#swarm}

:::zh-CN 集群
正文。
${zh}
> hint: 提示
:::

Text.
${en}
> hint: a hint

\`\`\`cmd
docker swarm init
\`\`\`

\`\`\`check
the last line exited 0
\`\`\`
`;

describe('sim-only', () => {
  it('a step says why it does not run on the real engine, in each language', () => {
    const l = parseLesson(front('') + step('> sim-only: it would make the shared engine a swarm manager', '> sim-only: 它会让共享的引擎成为集群管理节点'));
    expect(l.backends).toEqual(['sim', 'real']);
    expect(l.steps[0]!.simOnly).toEqual({ en: 'it would make the shared engine a swarm manager', 'zh-CN': '它会让共享的引擎成为集群管理节点' });
    expect(l.steps[0]!.hints).toHaveLength(1);
  });

  it('a step without the mark runs on both', () => {
    expect(parseLesson(front('') + step('', '')).steps[0]!.simOnly).toBeUndefined();
  });

  it('refuses a reason in one language only', () => {
    expect(() => parseLesson(front('') + step('> sim-only: reason', ''))).toThrow(/line 13: the zh-CN text has no "> sim-only: reason"/);
  });

  it('a lesson says why in its front matter, and then runs on the simulator only', () => {
    const l = parseLesson(front('sim-only:\n  en: needs two hosts\n  zh-CN: 需要两台主机\n') + step('', ''));
    expect(l.simOnly).toEqual({ en: 'needs two hosts', 'zh-CN': '需要两台主机' });
    expect(l.backends).toEqual(['sim']);
    expect(() => parseLesson(front('backends: [sim, real]\nsim-only:\n  en: x\n  zh-CN: 无\n') + step('', ''))).toThrow(/cannot list the real backend/);
    expect(parseLesson(front('') + step('', '')).simOnly).toBeUndefined();
  });
});
