import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../backends/sim/simHost';
import type { ContainerSnapshot, ContainerState, Snapshot, Transition } from '../core/model';
import { parseChecks } from './checks';
import { advance, evaluateCheck, type HistoryEvent } from './evaluate';
import { parseLesson } from './format';

const c = (name: string, state: ContainerState, exitCode = 0): ContainerSnapshot => ({ id: name.padEnd(64, '0'), name, state, exitCode, oomKilled: false }) as ContainerSnapshot;
const snap = (...containers: ContainerSnapshot[]): Snapshot => ({ kind: 'sim', time: 0, containers, images: [] });
const t = (name: string, from: ContainerState | null, to: ContainerState | null, action: string, exitCode?: number): Transition => ({ containerId: name.padEnd(64, '0'), name, from, to, action, time: 0, ...(exitCode === undefined ? {} : { exitCode }) });

describe('evaluateCheck over intermediate states', () => {
  it('credits a state one batch of transitions passed through (pause && unpause)', () => {
    const history: HistoryEvent[] = [
      { kind: 'state', snapshot: snap(c('web', 'running')) },
      { kind: 'state', snapshot: snap(c('web', 'running')), transitions: [t('web', 'running', 'paused', 'pause'), t('web', 'paused', 'running', 'unpause')] },
    ];
    expect(evaluateCheck(parseChecks('container web is paused'), history).passed).toBe(true);
    // Only the final state: not paused.
    expect(evaluateCheck(parseChecks('container web is paused'), [history[0]!, { kind: 'state', snapshot: snap(c('web', 'running')) }])).toMatchObject({ passed: false });
  });

  it('sees a container that came and went in one batch, with its exit code (run --rm)', () => {
    const history: HistoryEvent[] = [
      { kind: 'state', snapshot: snap() },
      { kind: 'state', snapshot: snap(), transitions: [t('once', null, 'created', 'create'), t('once', 'created', 'running', 'start'), t('once', 'running', 'exited', 'die', 3), t('once', 'exited', null, 'destroy')] },
    ];
    expect(evaluateCheck(parseChecks('container once exited with code 3'), history).passed).toBe(true);
    expect(evaluateCheck(parseChecks('container once exited with code 0'), history)).toMatchObject({ passed: false, why: { en: 'no container named `once`' } });
  });

  it('judges transcript checks with the lines up to the one that caused a state', () => {
    const history: HistoryEvent[] = [
      { kind: 'state', snapshot: snap(c('web', 'exited', 137)) },
      { kind: 'line', line: 'docker kill web', exit: 0, output: '' },
      { kind: 'state', snapshot: snap(c('web', 'running')) },
      { kind: 'line', line: 'docker start web', exit: 0, output: '' },
    ];
    // Exited 137 and "docker stop" were never true together.
    expect(evaluateCheck(parseChecks('container web exited with code 137\na line matching /docker stop/ was run'), history).passed).toBe(false);
    expect(evaluateCheck(parseChecks('container web exited with code 137\na line matching /docker kill/ was run'), history).passed).toBe(true);
  });

  it('advance moves two steps on one && line and keeps the rest of the batch for the next step', () => {
    const lesson = parseLesson(`---
id: t
languages: [en]
title:
  en: T
summary:
  en: T
---
## Pause {#pause}
Pause.
\`\`\`cmd
docker pause web
\`\`\`
\`\`\`check
container web is paused
\`\`\`
## Unpause {#unpause}
Unpause.
\`\`\`cmd
docker unpause web
\`\`\`
\`\`\`check
container web is running
a line matching /unpause/ was run
\`\`\`
`);
    const history: HistoryEvent[] = [
      { kind: 'state', snapshot: snap(c('web', 'running')) },
      { kind: 'state', snapshot: snap(c('web', 'running')), transitions: [t('web', 'running', 'paused', 'pause'), t('web', 'paused', 'running', 'unpause')] },
      { kind: 'line', line: 'docker pause web && docker unpause web', exit: 0, output: '' },
    ];
    expect(advance(lesson, 0, history).doneCount).toBe(2);
    expect(advance(lesson, 0, history.slice(0, 2))).toMatchObject({ doneCount: 1, why: { en: 'no line matching /unpause/ was run' } });
  });

  it('on the simulator, `docker pause web && docker unpause web` passes a paused check, per-change snapshots or not', async () => {
    for (const snapshotEachChange of [false, true]) {
      const host = new SimHost({ seed: 't', yieldToEventLoop: () => yieldImmediate(), snapshotEachChange });
      const history: HistoryEvent[] = [];
      host.subscribe((e) => void (e.type === 'snapshot' && history.push({ kind: 'state', snapshot: e.snapshot, transitions: e.transitions })));
      const quiet = { stdout: () => {}, stderr: () => {} };
      await host.runToCompletion('docker run -d --name web busybox sleep 600', quiet);
      history.length = 0;
      await host.runToCompletion('docker pause web && docker unpause web', quiet);
      expect(host.snapshot().containers[0]!.state).toBe('running');
      expect(evaluateCheck(parseChecks('container web is paused'), history).passed, String(snapshotEachChange)).toBe(true);
    }
  });
});
