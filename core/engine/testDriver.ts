import { seededRng } from '../ports';
import { Scheduler } from '../scheduler';
import type { DockerEvent, Transition } from '../model';
import { Engine } from './engine';
import { DaemonError } from './errors';

/** 2026-01-01T00:00:00Z, the epoch of scripted runs. */
export const TEST_EPOCH = Date.UTC(2026, 0, 1);

/** Lets promise continuations run (the host's event loop turn, without timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** The images the conformance host has built locally (test/setup/images.sh). */
export const TEST_IMAGES: readonly string[] = ['busybox:latest', 'hello-world:latest'];

/**
 * A simulated machine for tests: the engine, its virtual clock and a record of
 * what it emitted, with events written compactly ("die(137)", "kill[15]").
 * It starts with the test images already there, as the conformance host does
 * (engine-level tests create containers without the client's pull); pass
 * `preload: []` for a fresh install.
 */
export class EngineDriver {
  readonly scheduler: Scheduler;
  readonly engine: Engine;
  readonly events: DockerEvent[] = [];
  readonly transitions: Transition[] = [];

  constructor(seed = 'test', opts: { preload?: readonly string[]; cgroupVersion?: 1 | 2 } = {}) {
    this.scheduler = new Scheduler(TEST_EPOCH);
    this.engine = new Engine({ scheduler: this.scheduler, rng: seededRng(seed), preload: opts.preload ?? TEST_IMAGES, ...(opts.cgroupVersion ? { cgroupVersion: opts.cgroupVersion } : {}) });
    this.engine.subscribe((t, e) => {
      this.transitions.push(...t);
      this.events.push(...e);
    });
  }

  /** Events of one container (or all), as "action", "die(code)" or "kill[signal]". */
  actions(id?: string): string[] {
    return this.events
      .filter((e) => id === undefined || e.id === id)
      .map((e) => (e.action === 'die' ? `die(${e.attributes.exitCode})` : e.action === 'kill' ? `kill[${e.attributes.signal}]` : e.action));
  }

  /** Moves virtual time forward by `ms`, one timer at a time, letting continuations run in between. */
  async advance(ms: number): Promise<void> {
    const target = this.scheduler.now() + ms;
    await settle();
    for (let at = this.scheduler.nextAt(); at !== undefined && at <= target; at = this.scheduler.nextAt()) {
      this.scheduler.advanceTo(at);
      await settle();
    }
    this.scheduler.advanceTo(target);
    await settle();
  }

  /** Awaits `p`, jumping virtual time to each next timer while it is pending (as `glassbox sim` does). */
  async until<T>(p: Promise<T>, maxMs = 3_600_000): Promise<T> {
    let done = false;
    let value!: T;
    let error: unknown;
    let failed = false;
    p.then(
      (v) => {
        done = true;
        value = v;
      },
      (e: unknown) => {
        done = true;
        failed = true;
        error = e;
      },
    );
    const limit = this.scheduler.now() + maxMs;
    await settle();
    while (!done) {
      const at = this.scheduler.nextAt();
      if (at === undefined || at > limit) throw new Error('promise never settled');
      this.scheduler.advanceTo(at);
      await settle();
    }
    if (failed) throw error;
    return value;
  }

  /** `docker run -d`: create and start, returning the id. */
  runDetached(cmd: string[], opts: Partial<Parameters<Engine['create']>[0]> = {}): string {
    const { id } = this.engine.create({ image: 'busybox', cmd, ...opts });
    this.engine.start(id);
    return id;
  }

  state(id: string): string {
    return (this.engine.inspect(id).State as { Status: string }).Status;
  }
}

/** The DaemonError `fn` throws (fails the test when it throws none). */
export function daemonError(fn: () => unknown): DaemonError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DaemonError) return e;
    throw e;
  }
  throw new Error('expected a DaemonError');
}
