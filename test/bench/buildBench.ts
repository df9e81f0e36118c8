import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../../backends/sim/simHost';
import { summarize, type Stats } from './stats';
import { TEST_IMAGES } from '../../core/engine/testDriver';

/**
 * `docker build` on the simulated engine: a 20-instruction Dockerfile (every
 * kind of step: FROM, ENV, LABEL, WORKDIR, COPY, ADD, RUN, EXPOSE, USER,
 * VOLUME, ENTRYPOINT, CMD), built from scratch (--no-cache) and again from
 * the cache, in an in-process SimHost as the Web Worker runs it.
 */
export interface BuildBenchResult {
  instructions: number;
  cold: Stats;
  cached: Stats;
}

export const DOCKERFILE_20 = [
  'FROM busybox',
  'LABEL course=glassbox',
  'ENV APP=/app',
  'ENV MODE=bench',
  'WORKDIR $APP',
  'COPY a.txt .',
  'COPY b.txt ./sub/',
  'ADD c.txt /opt/',
  'RUN echo one',
  'RUN echo two',
  'RUN ls /bin',
  'RUN true',
  'RUN echo three',
  'RUN echo four',
  'EXPOSE 80 443/udp',
  'USER nobody',
  'VOLUME /data',
  'STOPSIGNAL SIGINT',
  'ENTRYPOINT ["sh","-c"]',
  'CMD ["echo $MODE"]',
].join('\\n');

async function run(host: SimHost, line: string): Promise<void> {
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: () => {}, stderr: (t) => (err += t) });
  if (exit !== 0) throw new Error(`\`${line}\` exited ${exit}: ${err.trim()}`);
}

export async function benchBuild(opts: { samples?: number } = {}): Promise<BuildBenchResult> {
  const n = opts.samples ?? 30;
  const host = new SimHost({ seed: 'bench-build', preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
  await run(host, `mkdir /ctx && cd /ctx && echo a > a.txt && echo b > b.txt && echo c > c.txt && printf '${DOCKERFILE_20}\\n' > Dockerfile`);
  const time = async (line: string): Promise<number> => {
    const t0 = performance.now();
    await run(host, line);
    return performance.now() - t0;
  };
  const cold: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const c = await time('cd /ctx && docker build --no-cache -t bench:cold .');
    const w = await time('cd /ctx && docker build -t bench:warm .');
    if (i >= 3) {
      cold.push(c);
      cached.push(w);
    }
  }
  return { instructions: 20, cold: summarize(cold), cached: summarize(cached) };
}
