import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { BackendEvent } from '../../core/backend';
import type { Snapshot } from '../../core/model';
import { SimHost } from '../../backends/sim/simHost';
import { runOk } from '../../backends/sim/testRun';
import { receivingPatches, sendingPatches } from '../../backends/sim/patchStream';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { summarize, type Stats } from './stats';
import type { PageAck, PageMessage } from './patchPage';

/**
 * Issue 14: `docker run -d` with a snapshot listener, with many live
 * containers, timed from the line's start until the page-side listener holds
 * the new whole Snapshot. One process, no worker: the port's cost is modelled
 * by a structured clone of each event (what postMessage does to it), and,
 * closer to the browser, by a real MessagePort to a page in a thread (and a
 * heap) of its own, as the page is to the simulator's Web Worker.
 */
export interface PatchBenchRow {
  containers: number;
  /** The listener gets the engine's snapshot as is (no port). */
  fullInProcess: Timed;
  /** Whole snapshots, each structured-cloned as the port would (before issue 14). */
  fullCloned: Timed;
  /** Patches after the first snapshot, structured-cloned, applied on the page side (after issue 14). */
  patchesCloned: Timed;
  /** Whole snapshots over a real port to a page thread (before issue 14). */
  fullThread: Timed;
  /** Patches over a real port to a page thread, applied there (after issue 14): the browser's shape. */
  patchesThread: Timed;
  /** JSON bytes of one `docker run -d`'s patch event (its trace ops travel in the trace event), and of the whole snapshot after it. */
  patchBytes: number;
  snapshotBytes: number;
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
    const id = (await runOk(host, 'docker run -d busybox sleep 300')).trim();
    const c = process.cpuUsage(c0);
    if (i >= 5) {
      wall.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    await runOk(host, `docker rm -f ${id}`);
  }
  off();
  return { wall: summarize(wall), cpu: summarize(cpu) };
}

/**
 * The page in a worker thread, fed through its MessagePort; it acknowledges
 * each snapshot it holds with the moment, on the clock both threads share.
 */
class PageThread {
  private readonly worker = new Worker(new URL('./patchPage.worker.mjs', import.meta.url));
  private sent = 0;
  private lastSnapshot = 0;
  private readonly acks: PageAck[] = [];
  private wake: (() => void) | null = null;

  constructor() {
    this.worker.on('message', (a: PageAck) => {
      this.acks.push(a);
      this.wake?.();
    });
  }

  send(event: BackendEvent): void {
    const n = ++this.sent;
    if (event.type === 'snapshot' || event.type === 'patch') this.lastSnapshot = n;
    this.worker.postMessage({ n, event } satisfies PageMessage);
  }

  reset(): void {
    this.worker.postMessage('reset');
  }

  /** The acknowledgement of the last snapshot or patch sent so far. */
  async held(): Promise<PageAck> {
    const want = this.lastSnapshot;
    for (;;) {
      const i = this.acks.findIndex((a) => a.n === want);
      if (i >= 0) return this.acks.splice(0, i + 1)[i]!;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Times `docker run -d` until the page thread holds the snapshot with the new container. */
async function timeRunsThreaded(host: SimHost, page: PageThread, patches: boolean, live: number, runs: number): Promise<Timed> {
  page.reset();
  const send = (e: BackendEvent): void => page.send(e);
  const off = host.subscribe(patches ? sendingPatches(send) : send);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const c0 = process.cpuUsage();
    const id = (await runOk(host, 'docker run -d busybox sleep 300')).trim();
    const ack = await page.held();
    const c = process.cpuUsage(c0);
    // What the page holds must be the machine with the new container, or the timing means nothing.
    if (ack.containers !== live + 1) throw new Error(`the page holds ${ack.containers} containers, not ${live + 1}`);
    if (i >= 5) {
      wall.push(ack.at - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    await runOk(host, `docker rm -f ${id}`);
    await page.held();
  }
  off();
  return { wall: summarize(wall), cpu: summarize(cpu) };
}

export async function benchPatches(opts: { sizes?: number[]; runs?: number } = {}): Promise<PatchBenchRow[]> {
  const rows: PatchBenchRow[] = [];
  for (const live of opts.sizes ?? [100, 1_000]) {
    // A p95 from 40 samples is the third slowest: more runs where they are cheap.
    const runs = opts.runs ?? (live <= 100 ? 200 : 60);
    const host = new SimHost({ seed: `bench-patches-${live}`, preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
    for (let i = 0; i < live; i++) await runOk(host, 'docker run -d busybox sleep 300');
    let held: Snapshot | null = null;
    const fullInProcess = await timeRuns(host, (e) => void (e.type === 'snapshot' && (held = e.snapshot)), runs);
    const fullCloned = await timeRuns(host, (e) => {
      const copy = structuredClone(e);
      if (copy.type === 'snapshot') held = copy.snapshot;
    }, runs);
    const page = receivingPatches((e) => void (e.type === 'snapshot' && (held = e.snapshot)));
    const patchesCloned = await timeRuns(host, sendingPatches((e) => page(structuredClone(e))), runs);
    const thread = new PageThread();
    const fullThread = await timeRunsThreaded(host, thread, false, live, runs);
    const patchesThread = await timeRunsThreaded(host, thread, true, live, runs);
    await thread.close();

    // The sizes: one more run's patch event as the worker sends it, against the whole snapshot after it.
    let patchEvent: BackendEvent | null = null;
    const offSize = host.subscribe(sendingPatches((e) => void (e.type === 'patch' && (patchEvent = e))));
    await runOk(host, 'docker run -d busybox sleep 300');
    patchEvent = null;
    await runOk(host, 'docker run -d busybox sleep 300');
    offSize();
    const after = host.snapshot();
    if (!patchEvent) throw new Error('no patch event for a docker run -d');
    const patchBytes = JSON.stringify(patchEvent).length;
    if (!held) throw new Error('no snapshot reached the listener');
    rows.push({ containers: live, fullInProcess, fullCloned, patchesCloned, fullThread, patchesThread, patchBytes, snapshotBytes: JSON.stringify(after).length });
  }
  return rows;
}
