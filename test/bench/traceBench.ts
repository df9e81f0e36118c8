import { execFile } from 'node:child_process';
import { connectClient, run, startTestAgent } from '../agent/support';
import { summarize, type Stats } from './stats';

/**
 * `docker run --rm busybox true` three ways in one run, interleaved so that a
 * busy neighbour slows them alike: the plain docker CLI, the same line through
 * the agent with the kernel trace off, and with it on (bpftrace attached to
 * dockerd, containerd and their children). Targets: agent/CLI under 1.1 off,
 * under 2 on. The CLI is timed again while the trace is on: bpftrace follows
 * dockerd whoever asks it, so that figure shows the kernel-side cost alone.
 */
export interface TraceBenchResult {
  cliOff: Stats;
  agentOff: Stats;
  cliOn: Stats;
  agentOn: Stats;
  /** agentOff / cliOff. */
  ratioOff: number;
  /** agentOn / cliOff: what tracing costs a command, against the untraced CLI. */
  ratioOn: number;
  /** Trace ops the traced runs produced, on average. */
  opsPerRun: number;
}

const LINE = 'docker run --rm busybox true';

function cli(): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('docker', ['run', '--rm', 'busybox', 'true'], { timeout: 60_000 }, (err) => (err ? reject(err) : resolve())),
  );
}

export async function benchTrace(runs = 9): Promise<TraceBenchResult> {
  const t = await startTestAgent({ trace: true });
  const client = connectClient(t);
  try {
    const caps = await client.capabilities();
    if (!caps.trace) throw new Error('the agent offers no kernel trace here (root, bpftrace and tracefs are needed)');
    const viaAgent = async (): Promise<void> => {
      const r = await run(client, LINE);
      if (r.code !== 0) throw new Error(`${LINE} through the agent exited ${r.code}: ${r.stderr}`);
    };
    const round = async (cliT: number[], agentT: number[]): Promise<void> => {
      for (let i = 0; i < runs + 1; i++) {
        for (const [fn, into] of (i % 2 ? [[cli, cliT], [viaAgent, agentT]] : [[viaAgent, agentT], [cli, cliT]]) as [() => Promise<void>, number[]][]) {
          const t0 = performance.now();
          await fn();
          // The first pair warms caches up and is not counted.
          if (i > 0) into.push(performance.now() - t0);
        }
      }
    };
    const cliOff: number[] = [];
    const agentOff: number[] = [];
    await round(cliOff, agentOff);
    if (!(await client.setTrace!(true))) throw new Error('tracing did not start');
    const before = client.events.filter((e) => e.type === 'trace').reduce((n, e) => n + (e.type === 'trace' ? e.ops.length : 0), 0);
    const cliOn: number[] = [];
    const agentOn: number[] = [];
    await round(cliOn, agentOn);
    await new Promise((r) => setTimeout(r, 500));
    const after = client.events.filter((e) => e.type === 'trace').reduce((n, e) => n + (e.type === 'trace' ? e.ops.length : 0), 0);
    await client.setTrace!(false);
    const s = { cliOff: summarize(cliOff), agentOff: summarize(agentOff), cliOn: summarize(cliOn), agentOn: summarize(agentOn) };
    return { ...s, ratioOff: s.agentOff.median / s.cliOff.median, ratioOn: s.agentOn.median / s.cliOff.median, opsPerRun: (after - before) / (2 * runs + 2) };
  } finally {
    client.close();
    await t.close();
  }
}
