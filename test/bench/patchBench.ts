import { setImmediate as yieldImmediate } from 'node:timers/promises';
import type { BackendEvent } from '../../core/backend';
import type { Snapshot } from '../../core/model';
import { SimHost } from '../../backends/sim/simHost';
import { receivingPatches, sendingPatches } from '../../backends/sim/patchStream';
import { diffSnapshot } from '../../core/snapshotPatch';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { summarize, type Stats } from './stats';

/**
 * Issue 14: `docker run -d` with a snapshot listener, with many live
 * containers, timed from the line's start until the page-side listener holds
 * the new whole Snapshot. One process, no worker: the port's cost is modelled
 * by a structured clone of each event (what postMessage does to it).
 */
export interface PatchBenchRow {
  containers: number;
  /** The listener gets the engine's snapshot as is (no port). */
  fullInProcess: Timed;
  /** Whole snapshots, each structured-cloned as the port would (before issue 14). */
  fullCloned: Timed;
  /** Patches after the first snapshot, structured-cloned, applied on the page side (after issue 14). */
  patchesCloned: Timed;
  /** JSON bytes of one `docker run -d`'s changes as a patch, and of the whole snapshot after it. */
  patchBytes: number;
  snapshotBytes: number;
}

async function exec(host: SimHost, line: string): Promise<string> {
  let out = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  if (exit !== 0) throw new Error(`\`${line}\` exited ${exit}: ${err}`);
  return out;
}

/** Wall-clock and this process's CPU time (ms): on a shared machine the CPU time says what the work costs, the wall time what a user would wait. */
export interface Timed {
  wall: Stats;
  cpu: Stats;
}

/** Times `docker run -d` (each container removed again, untimed) with `listener` subscribed. */
async function timeRuns(host: SimHost, listener: (e: BackendEvent) => void, runs: number): Promise<Timed> {
  const off = host.subscribe(listener);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const id = (await exec(host, 'docker run -d busybox sleep 300')).trim();
    const c = process.cpuUsage(c0);
    if (i >= 5) {
      wall.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    await exec(host, `docker rm -f ${id}`);
  }
  off();
  return { wall: summarize(wall), cpu: summarize(cpu) };
}

export async function benchPatches(opts: { sizes?: number[]; runs?: number } = {}): Promise<PatchBenchRow[]> {
  const rows: PatchBenchRow[] = [];
  const runs = opts.runs ?? 40;
  for (const live of opts.sizes ?? [100, 1_000]) {
    const host = new SimHost({ seed: `bench-patches-${live}`, preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
    for (let i = 0; i < live; i++) await exec(host, 'docker run -d busybox sleep 300');
    let held: Snapshot | null = null;
    const fullInProcess = await timeRuns(host, (e) => void (e.type === 'snapshot' && (held = e.snapshot)), runs);
    const fullCloned = await timeRuns(host, (e) => {
      const copy = structuredClone(e);
      if (copy.type === 'snapshot') held = copy.snapshot;
    }, runs);
    const page = receivingPatches((e) => void (e.type === 'snapshot' && (held = e.snapshot)));
    const patchesCloned = await timeRuns(host, sendingPatches((e) => page(structuredClone(e))), runs);

    // The sizes: one more run's changes as one patch, against the whole snapshot after it.
    const before = host.snapshot();
    await exec(host, 'docker run -d busybox sleep 300');
    const after = host.snapshot();
    const patchBytes = JSON.stringify(diffSnapshot(before, after)).length;
    if (!held) throw new Error('no snapshot reached the listener');
    rows.push({ containers: live, fullInProcess, fullCloned, patchesCloned, patchBytes, snapshotBytes: JSON.stringify(after).length });
  }
  return rows;
}
