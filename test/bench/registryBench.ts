import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../../backends/sim/simHost';
import { runOk } from '../../backends/sim/testRun';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { summarize, type Stats } from './stats';

/**
 * `docker push` and `docker pull` of a five-layer image (busybox and four
 * RUN layers) to and from a registry:2 container on the simulated host: the
 * daemon's requests over the simulated network, the registry's storage in its
 * volume. Target: a median under 5 ms each.
 */
export interface RegistryBenchResult {
  layers: number;
  /** A push into an empty registry: every layer uploaded (HEAD, POST, PATCH, PUT), then the config and the manifest. */
  push: Stats;
  /** A pull after `docker rmi`: the four layers of its own downloaded, busybox's already there. */
  pull: Stats;
}

async function timed(fn: () => Promise<void>, clock: () => number): Promise<number> {
  const t0 = clock();
  await fn();
  return clock() - t0;
}

/** Untimed: a fresh registry container, its storage in a new anonymous volume. */
async function freshRegistry(host: SimHost): Promise<void> {
  await runOk(host, 'docker rm -f -v registry');
  await runOk(host, 'docker run -d -p 5000:5000 --name registry registry:2');
}

/**
 * `clock` is wall time by default; on a loaded machine the process's CPU time
 * (`process.cpuUsage`) shows the cost without the wait for a core.
 */
export async function benchRegistry(opts: { runs?: number; warmup?: number; clock?: () => number } = {}): Promise<RegistryBenchResult> {
  const clock = opts.clock ?? ((): number => performance.now());
  const runs = opts.runs ?? 200;
  const warmup = opts.warmup ?? 20;
  const host = new SimHost({ seed: 'bench-registry', preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
  await runOk(host, 'mkdir -p /bench');
  await runOk(host, "printf 'FROM busybox\\nRUN echo one > /one\\nRUN echo two > /two\\nRUN mkdir -p /srv && echo three > /srv/three\\nRUN echo four > /four\\n' > /bench/Dockerfile");
  await runOk(host, 'docker build -q -t localhost:5000/app /bench');
  const layers = Number((await runOk(host, "docker image inspect --format '{{len .RootFS.Layers}}' localhost:5000/app")).trim());
  await runOk(host, 'docker run -d -p 5000:5000 --name registry registry:2');

  const push = async (): Promise<number> => {
    await freshRegistry(host);
    let pushed = 0;
    const took = await timed(async () => {
      pushed = (await runOk(host, 'docker push localhost:5000/app')).split('\n').filter((l) => l.endsWith(': Pushed')).length;
    }, clock);
    if (pushed !== layers) throw new Error(`docker push pushed ${pushed} of ${layers} layers`);
    return took;
  };
  const pushTimes: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t = await push();
    if (i >= warmup) pushTimes.push(t);
  }

  // The registry now holds the image; each pull starts without it.
  const pull = async (): Promise<number> => {
    await runOk(host, 'docker rmi localhost:5000/app');
    let complete = 0;
    const took = await timed(async () => {
      complete = (await runOk(host, 'docker pull localhost:5000/app')).split('\n').filter((l) => l.endsWith(': Pull complete')).length;
    }, clock);
    if (complete !== layers - 1) throw new Error(`docker pull completed ${complete} layers, expected ${layers - 1}`);
    return took;
  };
  const pullTimes: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t = await pull();
    if (i >= warmup) pullTimes.push(t);
  }
  return { layers, push: summarize(pushTimes), pull: summarize(pullTimes) };
}
