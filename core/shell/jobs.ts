/**
 * Background jobs (`list &`): each runs as its own task in a subshell while
 * the shell goes on; `$!`, `wait`, `jobs` and `kill %n` find them here.
 */
import type { Interrupt } from '../ports';
import { TextInput } from './io';
import type { AndOr, Pipeline } from './syntax';
import { plainWord } from './expand';
import { runTask, suspend, type Task, type TaskHandle } from './task';
import type { Interpreter } from './interp';
import { cloneState } from './interp';
import { Interrupted, type Ctx, type JobRef } from './shellTypes';

export interface Job {
  id: number;
  ref: JobRef;
  command: string;
  status: number | null;
  handle: TaskHandle | null;
  waiters: (() => void)[];
  interrupt: InterruptFlag;
  /** `Jobs.reaps` when it ended: a foreground command's waitpid since then reaped it silently (ash). */
  endedAtReap?: number;
}

/** An Interrupt the shell raises itself (a job's `kill`). */
class InterruptFlag implements Interrupt {
  interrupted = false;
  private listeners = new Set<() => void>();
  onInterrupt(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  fire(): void {
    this.interrupted = true;
    for (const l of [...this.listeners]) l();
  }
}

export class Jobs {
  readonly list: Job[] = [];
  /** $! */
  lastPid: number | undefined;
  private fakePid = 0;
  /** Foreground programs the shell itself has waited for (each waitpid also reaps finished jobs). */
  reaps = 0;
  /** The `wait` builtin's wake-up for a trapped signal. */
  private signalWaiter: ((signal: number) => void) | null = null;

  constructor(private readonly sh: Interpreter) {}

  /** `list &`: runs in a subshell while the shell goes on; its stdin is /dev/null. */
  start(ao: AndOr, ctx: Ctx): void {
    // A script that starts jobs forever must not keep them all: the finished ones go, but for the last ($!, for `wait $!`).
    if (!this.sh.voice.interactive) {
      for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.status !== null && this.list[i]!.ref.pid !== this.lastPid) this.list.splice(i, 1);
    }
    const id = this.list.reduce((m, j) => Math.max(m, j.id), 0) + 1;
    const ref: JobRef = { programs: new Set(), pid: 0 };
    const first = ao.first.cmds[0]!;
    const word = first.type === 'simple' && first.words[0] ? plainWord(first.words[0]) : null;
    // A lone program is the job's process itself; anything else runs in a forked shell.
    const lone = ao.rest.length === 0 && ao.first.cmds.length === 1 && !ao.first.negate && first.type === 'simple' && word !== null && !this.sh.builtins[word] && !ctx.state.functions.has(word);
    const sub = lone ? undefined : this.sh.platform.forkSubshell?.(ctx);
    if (sub) ref.pid = sub.pid;
    const interrupt = new InterruptFlag();
    const job: Job = { id, ref, command: describe(ao), status: null, handle: null, waiters: [], interrupt };
    this.list.push(job);
    const c: Ctx = {
      ...ctx, state: cloneState(ctx.state), fds: { ...ctx.fds, stdin: new TextInput(''), stdinIsTTY: false }, interrupt,
      job: ref, main: false, execOk: false, nested: true, owner: sub ? sub.owner : ctx.owner,
    };
    const body = (): Task<number> => this.sh.inSubshell(this.sh.runAndOr(ao, c), c);
    const done = (code: number): void => {
      job.status = code;
      job.endedAtReap = this.reaps;
      sub?.exit(code);
      for (const w of job.waiters.splice(0)) w();
    };
    job.handle = runTask(body(), done, (e) => {
      c.fds.err.write(this.sh.message(`internal error: ${e instanceof Error ? e.message : String(e)}`));
      done(1);
    });
    if (ref.pid === 0) ref.pid = this.sh.platform.pid + 100 + ++this.fakePid;
    this.lastPid = ref.pid;
    if (this.sh.voice.interactive && ctx.fds.stdinIsTTY) ctx.fds.err.write(`[${id}] ${ref.pid}\n`);
  }

  /** A job by `%n`, `%%`, `%+`, `%-` or pid; a string is the error. */
  find(spec: string): Job | string {
    if (/^\d+$/.test(spec)) {
      const j = this.list.find((x) => x.ref.pid === Number(spec));
      return j ?? `pid ${spec} is not a child of this shell`;
    }
    if (spec === '%%' || spec === '%+' || spec === '%') {
      const j = this.list[this.list.length - 1];
      return j ?? `${spec}: no such job`;
    }
    if (spec === '%-') {
      const j = this.list[this.list.length - 2];
      return j ?? `${spec}: no such job`;
    }
    const m = /^%(\d+)$/.exec(spec);
    if (m) return this.list.find((x) => x.id === Number(m[1])) ?? `${spec}: no such job`;
    const byName = this.list.find((x) => x.command.startsWith(spec.slice(1)));
    return byName ?? `${spec}: no such job`;
  }

  /** Sends `signal` to a job: its programs get it; the job's own shell code stops (killed by the signal). */
  signal(job: Job, signal: number): void {
    for (const deliver of [...job.ref.programs]) deliver(signal);
    if (job.status === null && signal !== 0 && signal !== 17 && signal !== 18 && signal !== 28) {
      job.ref.signal ??= signal;
      job.interrupt.fire();
      job.handle?.cancel(new Interrupted(128 + signal));
    }
  }

  /** Waits for jobs (all of them, or those named); a trapped signal ends the wait with 128+signal. */
  *waitFor(jobs: Job[], ctx: Ctx): Task<number | { signal: number }> {
    let status = 0;
    for (const job of jobs) {
      if (job.status === null) {
        const r = yield* suspend<number | { signal: number }>((resume) => {
          job.waiters.push(() => resume(job.status ?? 0));
          if (ctx.main) this.signalWaiter = (signal) => resume({ signal });
          // Ctrl-C ends the wait as SIGINT would.
          const off = ctx.interrupt.onInterrupt(() => {
            off();
            resume({ signal: 2 });
          });
          job.waiters.push(off);
        });
        this.signalWaiter = null;
        if (typeof r !== 'number') return r;
      }
      status = job.status ?? 0;
      const k = this.list.indexOf(job);
      if (k >= 0) this.list.splice(k, 1);
    }
    return status;
  }

  /** Forgets the jobs that have finished (an interactive shell reports them before its prompt). */
  reap(): Job[] {
    const done = this.list.filter((j) => j.status !== null);
    for (const j of done) this.list.splice(this.list.indexOf(j), 1);
    return done;
  }

  /** A trapped signal arrived: a `wait` in progress ends now. */
  wakeForSignal(signal: number, defer?: (cb: () => void) => void): void {
    const waiter = this.signalWaiter;
    if (!waiter) return;
    this.signalWaiter = null;
    const wake = (): void => waiter(signal);
    if (defer) defer(wake);
    else wake();
  }
}

/** A job's command as `jobs` shows it. */
function describe(ao: AndOr): string {
  const pipe = (p: Pipeline): string => (p.negate ? '! ' : '') + p.cmds.map((c) => (c.type === 'simple' ? c.words.map((w) => w.raw).join(' ') : c.type)).join(' | ');
  return [pipe(ao.first), ...ao.rest.map((r) => `${r.op} ${pipe(r.pipeline)}`)].join(' ');
}
