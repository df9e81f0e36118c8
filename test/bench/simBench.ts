import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../../backends/sim/simHost';
import { runOk } from '../../backends/sim/testRun';
import { summarize, type Stats } from './stats';
import { TEST_IMAGES } from '../../core/engine/testDriver';

/**
 * How fast the simulated engine answers, in Node, on an in-process SimHost
 * (the same code the Web Worker runs). Time spent yielding to the event loop
 * between virtual timers is included, as the user would feel it.
 */
export interface SimBenchResult {
  /** One `docker run -d busybox sleep 300` + `docker rm -f <id>` cycle. */
  runRmCycle: Stats;
  /** One `docker run -d -p 8080:80 nginx` + `curl localhost:8080` + `docker rm -f <id>` cycle (the image already pulled). */
  nginxCurlCycle: Stats;
  /** Commands with many live containers. */
  withLiveContainers: {
    containers: number;
    ps: Stats;
    psAll: Stats;
    runDetached: Stats;
    /** The same with a snapshot listener attached, as in the Web Worker: each change then costs a full snapshot. */
    runDetachedSubscribed: Stats;
    snapshot: Stats;
  };
}

function newHost(seed: string): SimHost {
  // The image is there already: the bench times the run, not the first pull.
  return new SimHost({ seed, preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
}

async function runRmCycle(host: SimHost): Promise<number> {
  const t0 = performance.now();
  const stdout = await runOk(host, 'docker run -d busybox sleep 300');
  await runOk(host, `docker rm -f ${stdout.trim()}`);
  return performance.now() - t0;
}

async function nginxCurlCycle(host: SimHost): Promise<number> {
  const t0 = performance.now();
  const stdout = await runOk(host, 'docker run -d -p 8080:80 nginx');
  const page = await runOk(host, 'curl -s localhost:8080');
  if (!page.includes('Welcome to nginx!')) throw new Error('curl localhost:8080 did not return the welcome page');
  await runOk(host, `docker rm -f ${stdout.trim()}`);
  return performance.now() - t0;
}

/** The nginx service cycle alone (`docker run -d -p 8080:80 nginx`, `curl`, `docker rm -f`), after pulling nginx once. */
export async function benchNginxCurlCycle(cycles = 500): Promise<Stats> {
  const host = newHost('bench-nginx');
  await runOk(host, 'docker pull nginx');
  return summarize(await sample(cycles, 50, () => nginxCurlCycle(host)));
}

/** Times each of `n` runs of `fn` after `warmup` untimed ones. */
async function sample(n: number, warmup: number, fn: () => Promise<number | void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const inner = await fn();
    times.push(typeof inner === 'number' ? inner : performance.now() - t0);
  }
  return times;
}

export async function benchSim(opts: { cycles?: number; liveContainers?: number } = {}): Promise<SimBenchResult> {
  const cycles = opts.cycles ?? 2_000;
  const live = opts.liveContainers ?? 1_000;

  const host = newHost('bench-cycle');
  const cycleTimes = await sample(cycles, 300, () => runRmCycle(host));

  const nginx = await benchNginxCurlCycle(Math.max(50, Math.floor(cycles / 4)));

  const crowded = newHost('bench-crowded');
  for (let i = 0; i < live; i++) await runOk(crowded, 'docker run -d busybox sleep 300');
  const ps = await sample(30, 5, () => runOk(crowded, 'docker ps').then(() => undefined));
  const psAll = await sample(30, 5, () => runOk(crowded, 'docker ps -a').then(() => undefined));
  // Each new container is removed again, untimed, so the count stays at `live`.
  const runOnce = async (): Promise<number> => {
    const t0 = performance.now();
    const stdout = await runOk(crowded, 'docker run -d busybox sleep 300');
    const took = performance.now() - t0;
    await runOk(crowded, `docker rm -f ${stdout.trim()}`);
    return took;
  };
  const runDetached = await sample(30, 5, runOnce);
  const snapshot = await sample(30, 5, async () => void crowded.snapshot());
  const unsubscribe = crowded.subscribe(() => {});
  const runDetachedSubscribed = await sample(30, 5, runOnce);
  unsubscribe();

  return {
    runRmCycle: summarize(cycleTimes),
    nginxCurlCycle: nginx,
    withLiveContainers: {
      containers: live,
      ps: summarize(ps),
      psAll: summarize(psAll),
      runDetached: summarize(runDetached),
      runDetachedSubscribed: summarize(runDetachedSubscribed),
      snapshot: summarize(snapshot),
    },
  };
}

/** The same 10,000-line pipeline in the host shell and in a container's shell (through docker exec). */
export interface ShellPipelineBenchResult {
  line: string;
  host: Stats;
  container: Stats;
  /** container median / host median (target: within 2×). */
  ratio: number;
}

export async function benchShellPipeline(opts: { runs?: number } = {}): Promise<ShellPipelineBenchResult> {
  const runs = opts.runs ?? 30;
  const line = 'seq 10000 | sort -r | head -1';
  const host = newHost('bench-shell');
  await runOk(host, 'docker run -d --name pipe busybox sleep 3600');
  const expect = async (cmd: string): Promise<void> => {
    const out = await runOk(host, cmd);
    // sort -r orders the lines as text, so 9999 comes before 10000.
    if (out !== '9999\n') throw new Error(`\`${cmd}\` printed ${JSON.stringify(out)}`);
  };
  const onHost = await sample(runs, 5, () => expect(line));
  const inContainer = await sample(runs, 5, () => expect(`docker exec pipe sh -c '${line}'`));
  const h = summarize(onHost);
  const c = summarize(inContainer);
  return { line, host: h, container: c, ratio: c.median / h.median };
}
