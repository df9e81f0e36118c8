/**
 * The utilities every shell runs (core/shell/utils: grep, wc, sort, sed,
 * awk …, written over a UtilContext) as container programs over a Proc, so a
 * container's `grep` is the same code as the host's: GNU's messages in
 * debian-like images, busybox's in busybox and alpine (`flavor`).
 *
 * A utility takes its whole stdin as a string. When that input is not all
 * there yet (a pipe still being written, a terminal), the utility is first
 * tried without it: if it never looks at stdin (`ls`, `grep x file`) it
 * runs at once; if it does, its output so far is dropped and it runs again
 * once the input has ended.
 */
import type { Proc, Program } from '../engine/process';
import type { ProcessIO } from '../process';
import type { Interrupt } from '../ports';
import type { ExecError, UtilContext, UtilMemory, UtilSystem, Utility } from '../shell/context';
import { KERNEL_RELEASE_HOST, KERNEL_VERSION } from '../kernel/procfs';
import { whoIs } from './applets';
import { lookupUser, parseGroup, parsePasswd } from './users';
import { err, out } from './procio';
import { envRecord, flavorOf, runChild } from './spawn';

/** Finds the program `name` runs in the process's container (PATH, or a path), or why execvp would fail. */
export type Resolve = (p: Pick<Proc, 'fs' | 'env' | 'cwd'>, name: string) => Program | ExecError;

export interface UtilityProgramOptions {
  /** Given the arguments, a test that the input read so far is all the utility needs (`head -3` after three lines); null when it needs all of it. */
  enough?: (argv: readonly string[]) => ((text: string) => boolean) | null;
}

/** Thrown by the stdin getter of a first try: the utility wants input that has not all arrived. */
const NEED_INPUT = { needInput: true };

class SignalInterrupt implements Interrupt {
  interrupted = false;
  readonly listeners = new Set<() => void>();
  onInterrupt(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || path;
}

/** `head` stops reading once it has its lines (or bytes): `yes | head -3` ends. */
export function headEnough(argv: readonly string[]): ((text: string) => boolean) | null {
  let lines = 10;
  let bytes: number | null = null;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    let m: RegExpExecArray | null;
    if (a === '-n' || a === '-c') {
      const v = argv[++i] ?? '';
      if (!/^\d+$/.test(v)) return null;
      if (a === '-n') lines = Number(v);
      else bytes = Number(v);
    } else if ((m = /^-n(\d+)$/.exec(a)) || (m = /^--lines=(\d+)$/.exec(a)) || (m = /^-(\d+)$/.exec(a))) lines = Number(m[1]);
    else if ((m = /^-c(\d+)$/.exec(a)) || (m = /^--bytes=(\d+)$/.exec(a))) bytes = Number(m[1]);
    else if (a === '-q' || a === '-v' || a === '-') continue;
    else return null; // a file operand, or something else: read it all
  }
  if (bytes !== null) {
    const n = bytes;
    return (text) => text.length >= n;
  }
  const n = lines;
  return (text) => {
    let count = 0;
    for (let i = text.indexOf('\n'); i >= 0 && count < n; i = text.indexOf('\n', i + 1)) count++;
    return count >= n;
  };
}

/** A Utility as a Program; `resolve` finds the programs it runs (UtilContext.exec). */
export function utilityProgram(u: Utility, resolve: Resolve, opts: UtilityProgramOptions = {}): Program {
  return (p) => {
    const argv = [basename(p.argv[0] ?? ''), ...p.argv.slice(1)];
    const interrupt = new SignalInterrupt();
    let handlerInstalled = false;
    const listen: Interrupt = {
      get interrupted() {
        return interrupt.interrupted;
      },
      onInterrupt(cb) {
        // A utility that registers for Ctrl-C handles SIGINT itself; one that does not dies of it.
        if (!handlerInstalled) {
          handlerInstalled = true;
          p.onSignal((signal) => {
            if (signal === 2 || signal === 15 || signal === 1) {
              interrupt.interrupted = true;
              for (const l of [...interrupt.listeners]) l();
            } else if (signal !== 17 && signal !== 28) p.exit(128 + signal);
          });
        }
        return interrupt.onInterrupt(cb);
      },
    };
    let user: string | undefined;
    const utilCtx = (io: ProcessIO): UtilContext => ({
      argv,
      io,
      stdoutIsTTY: p.tty,
      fs: p.fs,
      cwd: p.cwd,
      env: envRecord(p.env),
      // Read from /etc/passwd only by the utilities that ask (whoami, id, ls -l).
      get user() {
        if (user === undefined) {
          const who = whoIs(p);
          user = who.user ?? String(who.uid);
        }
        return user;
      },
      hostname: p.hostname,
      flavor: flavorOf(p),
      sys: procSystem(p),
      now: () => p.now(),
      sleep: (ms, intr) =>
        new Promise<boolean>((resolve) => {
          const cancel = p.after(ms, () => {
            off();
            resolve(true);
          });
          const off = intr.onInterrupt(() => {
            cancel();
            off();
            resolve(false);
          });
        }),
      exec: (a, io2, env) => execFrom(p, resolve, a, io2, env),
    });

    /** One run of the utility; `held` keeps a first try's output until it is known to count. */
    const run = (stdin: () => string | null, firstTry: boolean, onNeed: () => void): void => {
      const held: [1 | 2, string][] = [];
      let holding = firstTry;
      const write = (fd: 1 | 2, t: string): void => {
        if (holding) held.push([fd, t]);
        else (fd === 1 ? out : err)(p, t);
      };
      const flush = (): void => {
        holding = false;
        for (const [fd, t] of held.splice(0)) (fd === 1 ? out : err)(p, t);
      };
      const io: ProcessIO = {
        get stdin() {
          return stdin();
        },
        stdinIsTTY: p.tty,
        stdoutIsTTY: p.tty,
        cwd: p.cwd,
        interrupt: listen,
        stdout: (t) => write(1, String(t)),
        stderr: (t) => write(2, String(t)),
      };
      const finish = (code: unknown): void => {
        flush();
        p.exit(typeof code === 'number' && Number.isFinite(code) ? ((Math.trunc(code) % 256) + 256) % 256 : 1);
      };
      const failed = (e: unknown): void => {
        if (e === NEED_INPUT) {
          held.length = 0;
          holding = false;
          onNeed();
          return;
        }
        flush();
        err(p, `${argv[0]}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        p.exit(1);
      };
      let r: number | Promise<number>;
      try {
        r = u(utilCtx(io));
      } catch (e) {
        failed(e);
        return;
      }
      if (typeof r === 'number') finish(r);
      else r.then(finish, failed);
    };

    /** Takes stdin that has all arrived (peek said so): it is handed over at once. */
    const takeNow = (): (() => string) => {
      let text: string | null = null;
      return () => {
        if (text === null) {
          let got = '';
          p.stdin.read((t) => (got += t), () => {});
          text = got;
        }
        return text;
      };
    };

    const whenInput = (): void => {
      const enough = opts.enough?.(argv) ?? null;
      let text = '';
      let started = false;
      const start = (): void => {
        if (started) return;
        started = true;
        run(() => text, false, () => {});
      };
      p.stdin.read(
        (t) => {
          if (started) return;
          text += t;
          if (enough?.(text)) start();
        },
        start,
      );
    };

    const peek = p.stdin.peek?.();
    if (peek?.ended) run(takeNow(), false, () => {});
    else run(() => {
      throw NEED_INPUT;
    }, true, whenInput);
  };
}

/**
 * The container around a utility, from its process: the pid namespace's
 * processes, kill(2) within it, its mount table, /proc/meminfo (the host's,
 * as a container without lxcfs reads it), its terminal and the kernel.
 */
function procSystem(p: Proc): UtilSystem {
  const read = (path: string): string => {
    const r = p.fs.tryRead(path);
    return 'data' in r ? r.data : '';
  };
  const uidOf = (user: string): number => lookupUser(user, parsePasswd(read('/etc/passwd')), parseGroup(read('/etc/group')))?.uid ?? 0;
  const processes = (): ReturnType<UtilSystem['processes']> =>
    p.processes().map((x) => ({
      pid: x.pid,
      ppid: x.ppid ?? 0,
      user: x.user,
      argv: x.argv ?? x.command.split(' '),
      tty: x.tty ?? '?',
      started: x.started ?? 0,
      rss: x.rss ?? 0,
      vsz: x.vsz ?? 0,
      stat: x.stat ?? 'S',
    }));
  return {
    processes,
    kill: (pid, signal) => {
      if (!p.kill) return 'ENOSYS';
      const target = p.processes().find((x) => x.pid === pid);
      if (!target) return 'ESRCH';
      // Only root signals another user's processes.
      const me = uidOf(p.user);
      if (me !== 0 && uidOf(target.user) !== me) return 'EPERM';
      return p.kill(pid, signal) === 'ESRCH' ? 'ESRCH' : 'ok';
    },
    mounts: () => p.mounts(),
    memory: () => meminfo(read('/proc/meminfo')),
    terminal: () => {
      if (!p.tty) return null;
      const tty = p.processes().find((x) => x.pid === p.pid)?.tty;
      return { name: `/dev/${tty !== undefined && tty !== '?' ? tty : 'pts/0'}` };
    },
    kernel: { release: KERNEL_RELEASE_HOST, version: KERNEL_VERSION, machine: 'x86_64' },
    privileged: false,
    uptime: () => {
      const up = Number(read('/proc/uptime').split(' ')[0]) || 0;
      const load = read('/proc/loadavg').split(' ').slice(0, 3).map((v) => Number(v) || 0);
      return { seconds: up, load: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0] };
    },
  };
}

/** /proc/meminfo's lines → free's numbers (kB). */
function meminfo(text: string): UtilMemory {
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    total: kb('MemTotal'),
    free: kb('MemFree'),
    available: kb('MemAvailable'),
    shared: kb('Shmem'),
    buffers: kb('Buffers'),
    cached: kb('Cached') + kb('SReclaimable'),
    swapTotal: kb('SwapTotal'),
    swapFree: kb('SwapFree'),
  };
}

/**
 * UtilContext.exec in a container: the program found by name runs as a
 * child of `p`, with the streams given and `env` as its whole environment.
 * A name that does not run comes back as the error, for the utility to word.
 */
function execFrom(p: Proc, resolve: Resolve, argv: string[], io: ProcessIO, env?: Record<string, string>): Promise<number | ExecError> {
  const envList = env ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : [...p.env];
  const program = resolve({ fs: p.fs, env: envList, cwd: p.cwd }, argv[0] ?? '');
  if (typeof program === 'string') return Promise.resolve(program);
  const stdinText = io.stdin ?? '';
  return new Promise<number | ExecError>((resolveCode) => {
    runChild(
      p,
      program,
      {
        argv,
        env: envList,
        cwd: p.cwd,
        tty: false,
        stdin: {
          read: (onData, onEnd) => {
            if (stdinText !== '') onData(stdinText);
            onEnd();
          },
          peek: () => ({ text: stdinText, ended: true }),
        },
        stdout: (t) => io.stdout(t),
        stderr: (t) => io.stderr(t),
      },
      resolveCode,
    );
  });
}
