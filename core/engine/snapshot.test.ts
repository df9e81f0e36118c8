import { describe, expect, it } from 'vitest';
import { rfc3339Nano } from './engine';
import { EngineDriver } from './testDriver';

type Step = [string, (d: EngineDriver) => unknown];

// A session touching every field a container snapshot shows: state, exit code, pid, restart count, times, status.
const STEPS: Step[] = [
  ['create idle', (d) => d.engine.create({ image: 'busybox', name: 'idle', cmd: ['true'], labels: { tier: 'db' } })],
  ['create web', (d) => d.engine.create({ image: 'busybox', name: 'web', cmd: ['sleep', '300'], env: ['A=1'], tty: true })],
  ['start web', (d) => d.engine.start('web')],
  ['5 s pass', (d) => d.advance(5_000)],
  ['write in web', (d) => d.engine.containerMount('web').writeFile('/etc/motd', 'hi\n')],
  ['pause web', (d) => d.engine.pause('web')],
  ['70 s pass', (d) => d.advance(70_000)],
  ['unpause web', (d) => d.engine.unpause('web')],
  ['create flaky', (d) => d.engine.create({ image: 'busybox', name: 'flaky', cmd: ['sh', '-c', 'exit 3'], restartPolicy: { name: 'on-failure', maximumRetryCount: 2 } })],
  ['start flaky', (d) => d.engine.start('flaky')],
  ['3 s pass', (d) => d.advance(3_000)],
  ['kill web', (d) => d.engine.kill('web')],
  ['start web again', (d) => d.engine.start('web')],
  ['restart web', (d) => d.until(d.engine.restart('web', { timeoutSeconds: 1 }))],
  ['stop web', (d) => d.until(d.engine.stop('web', { timeoutSeconds: 0 }))],
  ['2 h pass', (d) => d.advance(7_200_000)],
  ['remove idle', (d) => d.engine.remove('idle')],
  ['start idle-2', (d) => d.engine.start(d.engine.create({ image: 'busybox', name: 'idle-2', cmd: ['sleep', '1'] }).id)],
  ['2 s pass', (d) => d.advance(2_000)],
];

async function replay(steps: readonly Step[]): Promise<EngineDriver> {
  const d = new EngineDriver('snapshots');
  for (const [, step] of steps) await step(d);
  return d;
}

describe('Engine.snapshot', () => {
  it('taken after every step equals one taken afresh at that point', async () => {
    const warm = new EngineDriver('snapshots');
    for (let i = 0; i < STEPS.length; i++) {
      await STEPS[i]![1](warm);
      const incremental = warm.engine.snapshot();
      const fresh = (await replay(STEPS.slice(0, i + 1))).engine.snapshot();
      expect(incremental, `after "${STEPS[i]![0]}"`).toEqual(fresh);
    }
  });

  it('shows the status text of the moment it is taken', async () => {
    const d = await replay(STEPS.slice(0, 3));
    expect(d.engine.snapshot().containers.find((c) => c.name === 'web')!.status).toBe('Up Less than a second');
    await d.advance(3_000);
    expect(d.engine.snapshot().containers.find((c) => c.name === 'web')!.status).toBe('Up 3 seconds');
  });

  it('cannot be changed by whoever holds it: a later snapshot is unaffected', async () => {
    const d = await replay(STEPS.slice(0, 3));
    const first = d.engine.snapshot();
    const web = first.containers.find((c) => c.name === 'web')!;
    expect(() => {
      web.state = 'dead';
    }).toThrow(TypeError);
    expect(() => web.config.env.push('B=2')).toThrow(TypeError);
    expect(() => {
      web.config.labels.x = 'y';
    }).toThrow(TypeError);
    first.containers.pop();
    const again = d.engine.snapshot();
    expect(again.containers.map((c) => c.name)).toEqual(['idle', 'web']);
    expect(again.containers.find((c) => c.name === 'web')).toMatchObject({ state: 'running', config: { env: expect.not.arrayContaining(['B=2']), labels: {} } });
  });

  it('is plain data: a structured clone is equal and can be changed', async () => {
    const snap = (await replay(STEPS)).engine.snapshot();
    const clone = structuredClone(snap);
    expect(clone).toEqual(snap);
    clone.containers[0]!.status = 'changed';
    expect(clone.containers[0]!.status).toBe('changed');
  });

  it('keeps the same object for a container that did not change, and a new one for one that did', async () => {
    const d = await replay(STEPS.slice(0, 3));
    const before = d.engine.snapshot().containers;
    d.engine.start('idle');
    const after = d.engine.snapshot().containers;
    expect(after.find((c) => c.name === 'web')).toBe(before.find((c) => c.name === 'web'));
    expect(after.find((c) => c.name === 'idle')).not.toBe(before.find((c) => c.name === 'idle'));
  });
});

describe('rfc3339Nano (Go RFC3339Nano: trailing zeros of the fraction trimmed)', () => {
  it.each([
    [0, '0001-01-01T00:00:00Z'], [-5, '0001-01-01T00:00:00Z'], [1_767_225_600_000, '2026-01-01T00:00:00Z'], [1_767_225_600_500, '2026-01-01T00:00:00.5Z'],
    [1_767_225_600_120, '2026-01-01T00:00:00.12Z'], [1_767_225_600_007, '2026-01-01T00:00:00.007Z'], [1_767_225_659_999, '2026-01-01T00:00:59.999Z'],
  ])('%d → %s', (ms, want) => expect(rfc3339Nano(ms)).toBe(want));
});
