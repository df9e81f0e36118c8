import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../../backends/sim/simHost';
import { runOk } from '../../backends/sim/testRun';
import { formatStats, summarize } from './stats';
import { TEST_IMAGES } from '../../core/engine/testDriver';

/**
 * A focused benchmark of the crowded-engine commands (`node --import tsx
 * test/bench/psBench.ts [containers]`): docker ps, ps -a, run -d and
 * snapshot() with many live containers, plus a digest of each output so a
 * speed-up can be checked to print the same bytes.
 */
const live = Number(process.argv[2] ?? 1000);

async function time(n: number, fn: () => Promise<unknown> | unknown): Promise<string> {
  for (let i = 0; i < 5; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return formatStats(summarize(times));
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

const host = new SimHost({ seed: 'bench-ps', preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
for (let i = 0; i < live; i++) await runOk(host, i % 10 === 0 ? `docker run -d -l k=v${i} busybox sh -c 'exit 3'` : 'docker run -d busybox sleep 300');
const lines = ['docker ps', 'docker ps -a', 'docker ps -a --no-trunc', 'docker ps -a --format "{{.ID}} {{.Names}}"', 'docker ps -q'];
const outputs = [];
for (const l of lines) outputs.push(`$ ${l}\n${await runOk(host, l)}`);
outputs.push(`snapshot\n${JSON.stringify(host.snapshot(), null, 1)}\n`);
for (const o of outputs) process.stdout.write(`${o.slice(0, o.indexOf('\n')).padEnd(45)} ${digest(o)}\n`);
// GB_BENCH_OUT=file keeps the outputs whole, to diff two versions.
if (process.env.GB_BENCH_OUT) writeFileSync(process.env.GB_BENCH_OUT, outputs.join(''));
process.stdout.write(`docker ps        ${await time(30, () => runOk(host, 'docker ps'))}\n`);
process.stdout.write(`docker ps -a     ${await time(30, () => runOk(host, 'docker ps -a'))}\n`);
process.stdout.write(`snapshot()       ${await time(30, () => host.snapshot())}\n`);
const runRm = async (): Promise<void> => {
  const id = (await runOk(host, 'docker run -d busybox sleep 300')).trim();
  await runOk(host, `docker rm -f ${id}`);
};
process.stdout.write(`run -d + rm -f   ${await time(30, runRm)}\n`);
const unsub = host.subscribe(() => {});
process.stdout.write(`… subscribed     ${await time(30, runRm)}\n`);
unsub();
