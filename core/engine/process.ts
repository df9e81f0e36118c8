import type { EditRequest } from '../process';
import type { ImageDir } from '../images/catalog';
import type { NetView } from '../network/view';
import type { UnionMount } from '../unionfs/mount';
import type { RootfsMount } from '../model';
import type { Fs } from '../shell/filesystem';
import type { UtilMount } from '../shell/context';

/**
 * What a simulated program sees of its process: argv, environment, its
 * container's filesystem and hostname, stdio, virtual-time timers and the
 * signals sent to it. Programs are written in continuation style (callbacks on
 * the scheduler) rather than async/await, so their timing does not depend on
 * how the host interleaves promise continuations: a simulation replays the
 * same from its journal however coarsely time is advanced.
 */
export interface Proc {
  readonly argv: readonly string[];
  /** Its pid in the container's pid namespace (1 for the container's main process). */
  readonly pid: number;
  /**
   * Forks a child that execs `argv` in the same container (a shell running a
   * command, a server starting its workers): it shows in `ps` and `docker top`
   * with this process as its parent until `exit` is called. With `fork`
   * the child does not exec anything: it is the same program (a server's
   * worker) and `argv` is the title it shows.
   */
  spawn(argv: readonly string[], opts?: { fork?: boolean }): ChildProcess;
  /**
   * The process execs another program in its place (a shell running its
   * last command, `exec cmd`): same pid, and `ps` and `docker top` show the
   * new command line.
   */
  exec?(argv: readonly string[]): void;
  /** KEY=value, in the order the process received them. */
  readonly env: readonly string[];
  readonly hostname: string;
  readonly cwd: string;
  /** The container's root filesystem (image tree plus the runtime files Docker adds). */
  readonly root: ImageDir;
  /** The same filesystem for writing: the container's union mount (copy-up into its upper layer, whiteouts on delete); `new UnionFs(mount)` (core/unionfs/unionFs.ts) gives it as an Fs. */
  readonly mount?: UnionMount;
  /**
   * The filesystem as this process reads and writes it: the container's merged
   * view, with procfs and sysfs mounted for this process (/proc/self is it).
   */
  readonly fs: Fs;
  /** Who it runs as, as `--user` gives it (a name, uid, name:group or uid:gid); '' is root. */
  readonly user: string;
  /** The processes in the container's pid namespace, as `ps` lists them. */
  processes(): readonly ProcessInfo[];
  /** The container's root mount (overlay lowerdir/upperdir/workdir), when the engine knows it. */
  rootfs(): RootfsMount | undefined;
  /** The container's mount table with statfs numbers: the one its /proc/mounts shows (core/kernel/system.ts), for mount and df. */
  mounts(): readonly UtilMount[];
  /** Whether stdout is a terminal (`docker run -t`). */
  readonly tty: boolean;
  readonly stdin: Stdin;
  /** The network namespace the process runs in: interfaces, routes, name resolution, sockets. */
  readonly net: NetView;
  /** Virtual time, ms since the epoch. */
  now(): number;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Ends the program with `code`. Later calls are ignored. */
  exit(code: number): void;
  /** Runs `cb` after `ms` of virtual time (deferred while the container is paused). Returns a cancel function. */
  after(ms: number, cb: () => void): () => void;
  /**
   * Installs a signal handler (a program that catches signals, like `top` or
   * a shell with `trap`). Without one, PID 1 ignores every signal but SIGKILL,
   * as the kernel does for a namespace's init. `from` is the sender's pid when
   * a process of the same container sent it (kill(2)); a signal from outside
   * (docker stop, docker kill) has none, as si_pid is 0 there.
   */
  onSignal(handler: (signal: number, from?: number) => void): void;
  /**
   * The program's resident memory is now `bytes` (a program that allocates,
   * like `tail /dev/zero`). Past the container's memory limit the kernel's
   * OOM killer ends it (exit 137, State.OOMKilled).
   */
  setMemory?(bytes: number): void;
  /** CPUs online as the process sees them (sysconf(_SC_NPROCESSORS_ONLN)): nginx's `worker_processes auto` starts one worker each. */
  readonly cpus?: number;
  /**
   * The process's command line becomes `argv`, as ps and `docker top` show
   * it: an execve of the file `execve` (an entrypoint script's `exec "$@"`),
   * or, without it, the program rewriting its own title (nginx's
   * "nginx: master process …").
   */
  setCommand?(argv: readonly string[], execve?: string): void;
  /**
   * The editor pane of the terminal on this process's tty (vi in a container
   * a client is attached to with `-it`). Present with a tty only; while no
   * such client is attached it waits, as vi waits for keys on its tty.
   */
  edit?(request: EditRequest): Promise<string | null>;
  /** The process starts using a CPU without pause (a loop of `:`); the function returned ends that (docker stats' CPU %). */
  spin?(): () => void;
  /** kill(2) to a pid of the container's pid namespace (`nginx -s reload` signals its master); 'ESRCH' when there is none. */
  kill?(pid: number, signal: number): 'ESRCH' | undefined;
}

/** A child process as its parent holds it. */
export interface ChildProcess {
  /** Pid in the container's pid namespace. */
  readonly pid: number;
  /** The filesystem as the child sees it (its own /proc/self): the `fs` of the Proc it runs as. */
  readonly fs: Fs;
  /** The child is gone (exit status as the parent reaps it). */
  exit(code: number): void;
  /** Installs the child's signal handler (kill(2) from another process); without one a terminating signal ends it. */
  onSignal(handler: (signal: number, from?: number) => void): void;
  /** Runs when a signal no handler caught ends the child (what the parent's SIGCHLD would tell it). */
  onKilled(cb: (signal: number) => void): void;
  /** The child rewrites its title (setproctitle), as ps shows it. */
  setCommand(argv: readonly string[]): void;
  /** The child forks a child of its own (a shell that runs commands). */
  spawn?(argv: readonly string[], opts?: { fork?: boolean }): ChildProcess;
  /** The child execs another program in its place. */
  exec?(argv: readonly string[]): void;
}

/** One process as `ps` inside a container shows it. */
export interface ProcessInfo {
  /** Pid in the container's pid namespace (PID 1 is the container's main process). */
  pid: number;
  /** As `--user` gave it ('' is root). */
  user: string;
  /** argv joined with spaces. */
  command: string;
  /** What the kernel knows of it besides (ps's other columns), where the engine gives it. */
  argv?: readonly string[];
  /** Parent's pid in the same namespace (0 for PID 1). */
  ppid?: number;
  /** 'pts/0', or '?'. */
  tty?: string;
  /** ms since the epoch. */
  started?: number;
  /** Resident and virtual memory, bytes. */
  rss?: number;
  vsz?: number;
  /** procps' STAT letters. */
  stat?: string;
}

/** A process's standard input. */
export interface Stdin {
  /**
   * Calls `onData` with each chunk as it arrives and `onEnd` at end of file.
   * Without `-i` stdin is /dev/null (ends at once); with `-i` and a terminal
   * it stays open; with `-i` and a pipe it ends after the piped text.
   */
  read(onData: (text: string) => void, onEnd: () => void): void;
  /**
   * What a read would get at once, without taking it: the text already
   * there and whether end of input follows it (a program that reads all its
   * input before it starts can tell whether it must wait).
   */
  peek?(): { text: string; ended: boolean };
}

/** A program the simulator can run; it reports its end through `proc.exit`. */
export type Program = (proc: Proc) => void;

/** Linux signal numbers (x86-64) and names, as `docker kill -s` accepts them. */
export const signals: Readonly<Record<string, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCLD: 17, SIGCONT: 18, SIGSTOP: 19,
  SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29,
  SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31, SIGRTMIN: 34, SIGRTMAX: 64,
};

/**
 * moby/sys/signal.ParseSignal: a number, or a name with or without "SIG",
 * any case, or RTMIN+n / RTMAX-n. Returns the error text Docker gives
 * otherwise (lower case since Engine 23, which moved to moby/sys/signal).
 */
export function parseSignal(raw: string): number | { error: string } {
  if (/^[0-9]+$/.test(raw)) {
    const n = Number(raw);
    return n === 0 ? { error: `invalid signal: ${raw}` } : n;
  }
  const name = raw.toUpperCase().startsWith('SIG') ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`;
  const rt = /^SIGRT(MIN|MAX)([+-])([0-9]+)$/.exec(name);
  if (rt) {
    const base = rt[1] === 'MIN' ? 34 : 64;
    const n = rt[2] === '+' ? base + Number(rt[3]) : base - Number(rt[3]);
    if (n >= 34 && n <= 64) return n;
  }
  const n = signals[name];
  return n === undefined ? { error: `invalid signal: ${raw}` } : n;
}
