import type { Clock } from './ports';

/**
 * A discrete-event timer queue. core schedules work here instead of calling
 * setTimeout; the backend that hosts core decides how virtual time advances:
 * paced to the wall clock in the browser, or jumped straight to the next timer
 * by the headless CLI and the tests.
 */
export class Scheduler implements Clock {
  private time: number;
  private seq = 0;
  private queue: { at: number; seq: number; run: () => void }[] = [];

  constructor(epochMs: number) {
    this.time = epochMs;
  }

  now(): number {
    return this.time;
  }

  /** Runs `run` once virtual time reaches now + ms. Returns a cancel function. */
  after(ms: number, run: () => void): () => void {
    const entry = { at: this.time + Math.max(0, ms), seq: this.seq++, run };
    // Keep the queue sorted by (at, seq): timers due at the same moment fire in the order set.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1]!.at > entry.at || (this.queue[i - 1]!.at === entry.at && this.queue[i - 1]!.seq > entry.seq))) i--;
    this.queue.splice(i, 0, entry);
    return () => {
      const k = this.queue.indexOf(entry);
      if (k >= 0) this.queue.splice(k, 1);
    };
  }

  /** A promise that settles after `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** The virtual time of the next pending timer, or undefined when none is set. */
  nextAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Moves time forward to `t`, firing every timer due by then in order. */
  advanceTo(t: number): void {
    while (this.queue.length > 0 && this.queue[0]!.at <= t) {
      const next = this.queue.shift()!;
      this.time = Math.max(this.time, next.at);
      next.run();
    }
    this.time = Math.max(this.time, t);
  }

  /** Fires the next timer (moving time to it). Returns false when none is pending. */
  advanceToNext(): boolean {
    const at = this.nextAt();
    if (at === undefined) return false;
    this.advanceTo(at);
    return true;
  }
}
