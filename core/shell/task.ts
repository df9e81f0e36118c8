/**
 * The shell interpreter's control flow: generator functions that `yield` a
 * Wait whenever they must wait for something (a program's exit, a timer,
 * input), stepped by runTask. A wait that completes from a callback resumes
 * the interpreter synchronously inside that callback, so a script in a
 * container runs exactly as a callback-style program would: its next step
 * happens at the virtual time of the event that allowed it, however the host
 * interleaves promise continuations (see the comment on Proc). A Promise
 * (the host's `docker`, an async utility) is awaited through a Wait too.
 */

/** Something to wait for: it calls `resume` (or `fail`) once, now or later. */
export type Wait<T> = (resume: (value: T) => void, fail: (error: unknown) => void) => void;

/** A step of the interpreter: a generator that yields the waits it needs. */
export type Task<T> = Generator<Wait<unknown>, T, unknown>;

/** Waits for `w` inside a task: `const v = yield* suspend(w)`. */
export function* suspend<T>(w: Wait<T>): Task<T> {
  return (yield w as Wait<unknown>) as T;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** A value that may be a promise, as a task (no wait when it is a plain value). */
export function* awaitValue<T>(v: T | PromiseLike<T>): Task<T> {
  if (!isThenable(v)) return v as T;
  return yield* suspend<T>((resume, fail) => void (v as PromiseLike<T>).then(resume, fail));
}

/** Whether `v` is a running task (a generator object) rather than a plain result. */
export function isTask<T>(v: unknown): v is Task<T> {
  return typeof v === 'object' && v !== null && typeof (v as { next?: unknown }).next === 'function' && typeof (v as { throw?: unknown }).throw === 'function';
}

let suspensions = 0;

/** How many times a task has had to wait for a later callback (a loop that never does cannot let time pass). */
export function suspensionCount(): number {
  return suspensions;
}

/** A task started with runTask: it can be abandoned while it waits. */
export interface TaskHandle {
  /** Throws `error` into the task at the wait it is suspended on (its finally blocks run); ignored once it has ended. */
  cancel(error: unknown): void;
  readonly done: boolean;
}

/**
 * Runs `task` now, synchronously until its first wait that does not complete
 * at once; each later step runs inside the callback that completes the wait.
 * `done` or `fail` is called exactly once.
 */
export function runTask<T>(task: Task<T>, done: (value: T) => void, fail: (error: unknown) => void): TaskHandle {
  let finished = false;
  let running = false;
  /** Bumped at each wait, so a late callback of an abandoned wait is ignored. */
  let waitId = 0;
  let input: { ok: true; value: unknown } | { ok: false; error: unknown } = { ok: true, value: undefined };
  const step = (): void => {
    running = true;
    for (;;) {
      let r: IteratorResult<Wait<unknown>, T>;
      try {
        r = input.ok ? task.next(input.value) : task.throw(input.error);
      } catch (e) {
        running = false;
        finished = true;
        fail(e);
        return;
      }
      if (r.done) {
        running = false;
        finished = true;
        done(r.value);
        return;
      }
      const id = ++waitId;
      let sync = true;
      let settled = false;
      const settle = (next: typeof input): void => {
        if (settled || id !== waitId || finished) return;
        settled = true;
        input = next;
        if (!sync) step();
      };
      try {
        r.value((value) => settle({ ok: true, value }), (error) => settle({ ok: false, error }));
      } catch (e) {
        settle({ ok: false, error: e });
      }
      sync = false;
      if (!settled) {
        suspensions++;
        running = false;
        return;
      }
    }
  };
  step();
  return {
    get done() {
      return finished;
    },
    cancel(error: unknown): void {
      if (finished || running) return;
      waitId++;
      input = { ok: false, error };
      step();
    },
  };
}

/** Runs a task to a promise (the host terminal's `run`). */
export function taskToPromise<T>(task: Task<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => void runTask(task, resolve, reject));
}

/** Waits for all of `tasks`, started in order; resolves with their results in order. */
export function* all<T>(tasks: readonly Task<T>[]): Task<T[]> {
  const results: T[] = new Array(tasks.length);
  let left = tasks.length;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  tasks.forEach((t, i) => {
    runTask(
      t,
      (v) => {
        results[i] = v;
        if (--left === 0) wake?.();
      },
      (e) => {
        failure ??= { error: e };
        if (--left === 0) wake?.();
      },
    );
  });
  if (left > 0) yield* suspend<void>((resume) => (wake = () => resume()));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}
