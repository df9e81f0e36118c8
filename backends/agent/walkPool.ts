import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { STAT_FIELDS, type WalkJob, type WalkResult, runJob } from './walkWorker.mjs';

export { STAT_FIELDS, type WalkJob, type WalkResult };

interface Pending {
  job: WalkJob;
  resolve: (r: WalkResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  pending: Pending | null;
}

/**
 * A few worker threads that list and lstat parts of a diff directory for the
 * layer walk (backends/agent/walkWorker.mjs). A walk is one lstat per entry,
 * about 5 µs of kernel time each in this VM: spread over the cores, an image
 * reads in about two thirds of the time, and the agent's event loop is not
 * held meanwhile.
 *
 * Workers start on first use (or `warm()`) and stay, unref'd while idle so
 * they never keep the process alive. They are only a speed-up: should one
 * fail, its job and all later ones run in this thread instead.
 */
export class WalkPool {
  private readonly size: number;
  private readonly script: URL;
  private slots: Slot[] = [];
  private queue: Pending[] = [];
  private broken = false;

  /** `script` is the worker's module (tests give a broken one). */
  constructor(size = Math.max(1, Math.min(4, availableParallelism())), script = new URL('./walkWorker.mjs', import.meta.url)) {
    this.size = size;
    this.script = script;
  }

  /** How many jobs can run at once. */
  get parallelism(): number {
    return this.broken ? 1 : this.size;
  }

  /** Runs one job on the first free worker. */
  run(job: WalkJob): Promise<WalkResult> {
    if (this.broken) return Promise.resolve().then(() => runJob(job));
    this.warm();
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts the workers now (the agent does at start, so that the first walk need not wait for them). */
  warm(): void {
    while (!this.broken && this.slots.length < this.size) this.spawn();
  }

  /** Stops the workers; work in flight finishes in this thread. */
  async close(): Promise<void> {
    await Promise.all(this.takeBackWork().map((s) => s.worker.terminate()));
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = new Worker(this.script);
    } catch {
      this.fail();
      return;
    }
    worker.unref();
    const slot: Slot = { worker, pending: null };
    worker.on('message', (m: Partial<WalkResult> & { error?: string }) => {
      const pending = slot.pending;
      slot.pending = null;
      if (pending) {
        if (m.error !== undefined || !m.stats || !m.paths) pending.reject(new Error(m.error ?? 'the walk worker gave no answer'));
        else pending.resolve({ paths: m.paths, stats: m.stats, targets: m.targets ?? [] });
      }
      this.dispatch();
    });
    worker.on('error', () => this.fail());
    worker.on('exit', () => {
      if (this.slots.includes(slot)) this.fail();
    });
    this.slots.push(slot);
  }

  /** A worker failed: everything from now on runs in this thread. */
  private fail(): void {
    if (this.broken) return;
    this.broken = true;
    process.emitWarning('the layer walk workers failed; layers are walked in the main thread from now on', { code: 'GLASSBOX_WALK_WORKERS' });
    for (const s of this.takeBackWork()) void s.worker.terminate();
  }

  /** Empties the pool, answering the jobs in flight and queued in this thread; gives the workers to stop. */
  private takeBackWork(): Slot[] {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) if (s.pending) s.pending.resolve(runJob(s.pending.job));
    for (const p of this.queue.splice(0)) p.resolve(runJob(p.job));
    return slots;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.pending) continue;
      const next = this.queue.shift();
      if (!next) {
        slot.worker.unref();
        continue;
      }
      slot.pending = next;
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }
}

let shared: WalkPool | null = null;

/** The agent's pool, made on first use. */
export function sharedWalkPool(): WalkPool {
  shared ??= new WalkPool();
  return shared;
}
