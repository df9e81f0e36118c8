import { describe, expect, it } from 'vitest';
import { EngineDriver } from './testDriver';

async function run(d: EngineDriver, cmd: string[]): Promise<{ out: string; code: number; state: string }> {
  const { id } = d.engine.create({ image: 'busybox', cmd });
  let out = '';
  d.engine.attach(id, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  d.engine.start(id);
  await d.advance(1000);
  const state = d.engine.inspect(id).State as { Status: string; ExitCode: number };
  return { out, code: state.ExitCode, state: state.Status };
}

describe('busybox programs in a container', () => {
  it.each([['infinity'], ['inf'], ['INFINITY']])('sleep %s runs until something stops it, as busybox’s strtod reads it', async (arg) => {
    const d = new EngineDriver();
    expect(await run(d, ['sleep', arg])).toEqual({ out: '', code: 0, state: 'running' });
  });

  it('an applet the simulator does not model says so and exits 2, never pretending to succeed', async () => {
    const d = new EngineDriver();
    expect(await run(d, ['fdisk', '-l'])).toEqual({ out: "glassbox: 'fdisk' is not simulated yet\n", code: 2, state: 'exited' });
  });
});
