import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { generateLines } from './commandLines';
import { runSimCli } from './simCli';
import { judge, type Failure, type FailureCode } from './verdict';

/**
 * 10,000 random and mutated command lines through `glassbox sim --jsonl`.
 * Whatever a student types, the simulator must answer like a Docker CLI or a
 * shell: a result for every line, no crash, no leaked JavaScript, an exit code
 * Docker could give, and an error message wherever it fails.
 *
 * Two processes with their own seeds run side by side (two cores).
 */
const LINES = Number(process.env.FUZZ_LINES ?? 10_000);
const PROCESSES = 2;

describe('the simulated CLI under 10,000 random and mutated lines', () => {
  test('answers every line soundly', async () => {
    const perProcess = Math.ceil(LINES / PROCESSES);
    const batches = Array.from({ length: PROCESSES }, (_, i) => {
      const seed = `fuzz-${i}`;
      return { seed, lines: generateLines(seed, perProcess) };
    });
    const started = performance.now();
    const outcomes = (await Promise.all(batches.map((b) => runSimCli(b.lines, { seed: b.seed })))).flat();
    const seconds = (performance.now() - started) / 1000;

    const failures: Failure[] = [];
    for (const outcome of outcomes) {
      const failure = judge(outcome);
      if (failure) failures.push(failure);
    }
    const byCode = new Map<FailureCode, Failure[]>();
    for (const f of failures) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);

    const report = [
      `fuzz: ${outcomes.length} lines in ${seconds.toFixed(1)} s, ${failures.length} failed`,
      ...[...byCode].map(([code, list]) => {
        const examples = list.slice(0, 3).map((f) => `      ${JSON.stringify(f.line.slice(0, 200))}\n        → ${f.detail.slice(0, 600).replace(/\n/g, '\n          ')}`);
        return `  ${code}: ${list.length}\n${examples.join('\n')}`;
      }),
    ].join('\n');
    process.stdout.write(report + '\n');
    // Every failure, one JSON object a line, for whoever fixes them.
    const dir = fileURLToPath(new URL('../../test-results', import.meta.url));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'fuzz-failures.jsonl'), failures.map((f) => JSON.stringify(f)).join('\n') + (failures.length ? '\n' : ''));

    expect(outcomes.length).toBe(batches.reduce((n, b) => n + b.lines.length, 0));
    expect(failures.length, report).toBe(0);
  });
});
