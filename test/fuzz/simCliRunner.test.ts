import { describe, expect, test } from 'vitest';
import { runSimCli } from './simCli';

/**
 * The harness itself: a stand-in CLI that answers, crashes on "crash", hangs
 * on "hang" and writes to its own stderr on "leak", so the fuzz run can be
 * trusted to notice when the real one does.
 */
const standIn = `
const rl = require('node:readline').createInterface({ input: process.stdin });
let hung = false;
rl.on('line', (line) => {
  if (hung) return;
  if (line === 'crash') { process.stderr.write('TypeError: boom\\n'); process.exit(7); }
  if (line === 'hang') { hung = true; setInterval(() => {}, 1000); return; }
  if (line === 'leak') process.stderr.write('warning from nowhere\\n');
  process.stdout.write(JSON.stringify({ cmd: line, stdout: '', stderr: '', exit: 0 }) + '\\n');
});
`;
const command = [process.execPath, '-e', standIn];

describe('runSimCli', () => {
  test('returns one answer per line, in order', async () => {
    const out = await runSimCli(['a', '', 'b c'], { seed: 's', command });
    expect(out.map((o) => [o.kind, o.line])).toEqual([['answer', 'a'], ['answer', ''], ['answer', 'b c']]);
    expect(out[2]).toMatchObject({ json: { cmd: 'b c', exit: 0 } });
  });

  test('pins a crash on its line and carries on in a fresh process', async () => {
    const out = await runSimCli(['a', 'crash', 'b'], { seed: 's', command });
    expect(out.map((o) => [o.kind, o.line])).toEqual([['answer', 'a'], ['crash', 'crash'], ['answer', 'b']]);
    expect(out[1]).toMatchObject({ detail: expect.stringContaining('TypeError: boom') });
  });

  test('pins a hang on its line and carries on', async () => {
    const out = await runSimCli(['a', 'hang', 'b'], { seed: 's', command, lineTimeoutMs: 1_500 });
    expect(out.map((o) => [o.kind, o.line])).toEqual([['answer', 'a'], ['hang', 'hang'], ['answer', 'b']]);
  });

  test('gives up after too many hangs, and says which lines it did not run', async () => {
    const out = await runSimCli(['hang', 'hang', 'a'], { seed: 's', command, lineTimeoutMs: 1_000, maxHangs: 2 });
    expect(out.map((o) => o.kind)).toEqual(['hang', 'hang', 'not-run']);
  });

  test('treats anything on the process stderr as a failure', async () => {
    const out = await runSimCli(['a', 'leak'], { seed: 's', command });
    expect(out.map((o) => o.kind)).toEqual(['answer', 'crash']);
  });
});
