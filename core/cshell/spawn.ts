/**
 * How a container process runs a program as its child (fork + exec), or in
 * its own place (exec): the child is a Proc of its own, with its argv, pid,
 * environment, working directory and stdio, its timers cancelled when it
 * ends, and the signals sent to it delivered to its handler or acted on as
 * the kernel's default would. The shell (containerShell.ts) and programs
 * that run others (a utility's `exec`, as xargs does) share it.
 */
import type { ChildProcess, Proc, Program, Stdin } from '../engine/process';
import type { EditRequest } from '../process';

/** What forks children: a process, or a child that is itself a shell. */
export interface Spawner {
  spawn(argv: readonly string[], opts?: { fork?: boolean }): ChildProcess;
}

export interface ChildSpec {
  argv: readonly string[];
  env: readonly string[];
  cwd: string;
  stdin: Stdin;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether its stdout is the terminal. */
  tty: boolean;
  /** The child execs in place of `parent` (same pid, its signals) rather than being forked. */
  inPlace?: boolean;
  /** Who forks it (default: `parent`). */
  spawner?: Spawner;
  /** Each of its timers that fires (a loop that waits is making progress). */
  onTimer?(): void;
}

export interface RunningChild {
  readonly pid: number;
  readonly ended: boolean;
  /** The signal whose default action (or SIGKILL) ended it. */
  readonly killedBy: number | null;
  /** A signal for it: its handler gets it, else the default action (most signals end it with 128+n). */
  signal(signal: number): void;
  /** Ends it with `code` whatever it does (its parent is gone). */
  kill(code: number): void;
}

/** Signals whose default action is to do nothing (or to stop, which the simulation leaves out). */
const IGNORED_BY_DEFAULT = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

/** Runs `program` as a child of `parent`; `done` gets its exit status, once. */
export function runChild(parent: Proc, program: Program, spec: ChildSpec, done: (code: number) => void): RunningChild {
  const inPlace = spec.inPlace ?? false;
  let child: ChildProcess | null = null;
  if (inPlace) parent.exec?.(spec.argv);
  else child = (spec.spawner ?? parent).spawn(spec.argv);
  const pid = child?.pid ?? parent.pid;
  let ended = false;
  let killedBy: number | null = null;
  let handler: ((signal: number) => void) | null = null;
  const timers = new Set<() => void>();
  const finish = (code: number): void => {
    if (ended) return;
    ended = true;
    for (const cancel of timers) cancel();
    timers.clear();
    child?.exit(code);
    done(code);
  };
  const proc: Proc = {
    argv: spec.argv,
    pid,
    env: spec.env,
    cwd: spec.cwd,
    tty: spec.tty,
    stdin: spec.stdin,
    hostname: parent.hostname,
    root: parent.root,
    ...(parent.mount ? { mount: parent.mount } : {}),
    // The child's own view: /proc/self is the child.
    fs: child ? child.fs : parent.fs,
    user: parent.user,
    net: parent.net,
    processes: () => parent.processes(),
    rootfs: () => parent.rootfs(),
    mounts: () => parent.mounts(),
    ...(parent.cpus !== undefined ? { cpus: parent.cpus } : {}),
    now: () => parent.now(),
    spawn: (argv, o) => (child ? (child.spawn?.(argv, o) ?? parent.spawn(argv, o)) : parent.spawn(argv, o)),
    setCommand: (argv, execve) => {
      if (child) child.setCommand(argv);
      else parent.setCommand?.(argv, execve);
    },
    ...(parent.kill ? { kill: (target: number, signal: number) => parent.kill!(target, signal) } : {}),
    exec: (argv) => (child ? child.exec?.(argv) : parent.exec?.(argv)),
    stdout: (t) => {
      if (!ended) spec.stdout(t);
    },
    stderr: (t) => {
      if (!ended) spec.stderr(t);
    },
    exit: finish,
    after: (ms, cb) => {
      const cancel = parent.after(ms, () => {
        timers.delete(cancel);
        if (ended) return;
        spec.onTimer?.();
        cb();
      });
      timers.add(cancel);
      return () => {
        cancel();
        timers.delete(cancel);
      };
    },
    onSignal: (h) => {
      handler = h;
      // In place of the shell, it is the process the engine signals.
      if (inPlace) parent.onSignal(h);
    },
    ...(parent.edit ? { edit: (r: EditRequest) => parent.edit!(r) } : {}),
    ...(parent.setMemory ? { setMemory: (bytes: number) => parent.setMemory!(bytes) } : {}),
  };
  const running: RunningChild = {
    pid,
    get ended() {
      return ended;
    },
    get killedBy() {
      return killedBy;
    },
    signal: (signal) => {
      if (ended) return;
      if (signal === 9) {
        killedBy = 9;
        return finish(137);
      }
      if (handler) return handler(signal);
      // A namespace's init ignores what it does not handle.
      if (inPlace && pid === 1) return;
      if (IGNORED_BY_DEFAULT.has(signal) || signal === 0) return;
      killedBy = signal;
      finish(128 + signal);
    },
    kill: (code) => finish(code),
  };
  child?.onSignal((signal) => running.signal(signal));
  // SIGKILL (or a signal sent where no handler is) ended it in the kernel: the parent reaps it.
  child?.onKilled((signal) => {
    if (ended) return;
    killedBy = signal;
    finish(128 + signal);
  });
  try {
    program(proc);
  } catch (e) {
    // A program's defect: it dies as a crashed process would, with a word on stderr.
    spec.stderr(`${spec.argv[0]}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    finish(139);
  }
  return running;
}

/** KEY=value list → record (the last one wins). */
export function envRecord(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** Whose programs run here: busybox's applets (busybox, alpine) or GNU's (debian, ubuntu, centos). */
export function flavorOf(p: Pick<Proc, 'fs'>): 'busybox' | 'gnu' {
  return p.fs.exists('/bin/busybox') ? 'busybox' : 'gnu';
}
