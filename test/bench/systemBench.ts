import { pathToFileURL } from 'node:url';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../../backends/sim/simHost';
import { runOk } from '../../backends/sim/testRun';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { formatStats, summarize, type Stats } from './stats';

/**
 * `docker system df -v` with 1,000 containers and 200 volumes (target: median
 * under 16 ms), and `docker stats --no-stream` over the same 1,000 (reported).
 * Run alone: `node --import tsx test/bench/systemBench.ts [containers] [volumes]`.
 */
export interface SystemBenchResult {
  containers: number;
  volumes: number;
  systemDfVerbose: Stats;
  statsNoStream: Stats;
  /** The same runs in this process's CPU time (user + system): steadier than wall time on a shared machine. */
  cpu: { systemDfVerbose: Stats; statsNoStream: Stats };
  /** Lines each printed (a sanity check that the command did the work). */
  lines: { systemDfVerbose: number; statsNoStream: number };
}

async function sample(n: number, warmup: number, fn: () => Promise<unknown>): Promise<{ wall: Stats; cpu: Stats }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: summarize(times), cpu: summarize(cpu) };
}

export async function benchSystem(opts: { containers?: number; volumes?: number } = {}): Promise<SystemBenchResult> {
  const containers = opts.containers ?? 1_000;
  const volumes = opts.volumes ?? 200;
  const host = new SimHost({ seed: 'bench-system', preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
  for (let i = 0; i < volumes; i++) await runOk(host, `docker volume create bench-v${i}`);
  // Every fifth container mounts one of the volumes and writes into it and its upper layer; a tenth have exited.
  for (let i = 0; i < containers; i++) {
    if (i % 10 === 9) await runOk(host, `docker run -d busybox sh -c 'echo x > /f; exit 3'`);
    else if (i % 5 === 0) await runOk(host, `docker run -d -v bench-v${(i / 5) % volumes}:/data busybox sh -c 'echo x > /data/f; sleep 3000'`);
    else await runOk(host, 'docker run -d busybox sleep 3000');
  }
  let dfLines = 0;
  let statsLines = 0;
  const systemDfVerbose = await sample(30, 5, async () => {
    dfLines = (await runOk(host, 'docker system df -v')).split('\n').length - 1;
  });
  const statsNoStream = await sample(20, 3, async () => {
    statsLines = (await runOk(host, 'docker stats --no-stream')).split('\n').length - 1;
  });
  return {
    containers,
    volumes,
    systemDfVerbose: systemDfVerbose.wall,
    statsNoStream: statsNoStream.wall,
    cpu: { systemDfVerbose: systemDfVerbose.cpu, statsNoStream: statsNoStream.cpu },
    lines: { systemDfVerbose: dfLines, statsNoStream: statsLines },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchSystem({ containers: Number(process.argv[2] ?? 1000), volumes: Number(process.argv[3] ?? 200) });
  process.stdout.write(`docker system df -v      ${formatStats(r.systemDfVerbose)} (${r.lines.systemDfVerbose} lines)\n`);
  process.stdout.write(`docker stats --no-stream ${formatStats(r.statsNoStream)} (${r.lines.statsNoStream} lines)\n`);
  process.stdout.write(`  CPU time: df -v ${formatStats(r.cpu.systemDfVerbose)}; stats ${formatStats(r.cpu.statsNoStream)}\n`);
}
