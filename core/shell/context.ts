import type { ProcessIO } from '../process';
import type { Interrupt } from '../ports';
import { fsErrorText, resolvePath, type Fs } from './filesystem';
import { BUSYBOX_BANNER, BUSYBOX_USAGE } from './utils/busyboxUsage';

/** What a built-in utility sees: its argv and streams plus the shell's filesystem and environment. */
export interface UtilContext {
  /** argv[0] is the name it was called by. */
  argv: string[];
  io: ProcessIO;
  /** True when stdout is the terminal itself (not a pipe or file): `ls` prints columns then. */
  stdoutIsTTY: boolean;
  fs: Fs;
  cwd: string;
  /** The exported environment the program would see. */
  env: Record<string, string>;
  user: string;
  hostname: string;
  /** Whose program this is: GNU's (the host, debian/ubuntu/centos) or a busybox applet (busybox, alpine); messages and formats differ. */
  flavor: 'gnu' | 'busybox';
  now(): number;
  sleep(ms: number, interrupt: Interrupt): Promise<boolean>;
  /**
   * Runs another program by name, as execvp would (xargs, env): no shell
   * builtins such as `cd`. `env` is its whole environment (the caller's
   * when absent). When there is no such program (or it cannot be run)
   * nothing is printed and the error comes back instead of a status, for the
   * caller to word as its real counterpart does.
   */
  exec(argv: string[], io: ProcessIO, env?: Record<string, string>): Promise<number | ExecError>;
  /** The machine around the program (processes, mounts, memory, terminal, kernel), for ps, kill, df, free, tty …; absent where nothing provides it. */
  sys?: UtilSystem;
}

/** Why `exec` could not run a program: none by that name, or not an executable file (a directory, say). */
export type ExecError = 'ENOENT' | 'EACCES';

export type Utility = (ctx: UtilContext) => Promise<number> | number;

/** One process as ps and kill see it, in the caller's pid namespace. */
export interface UtilProcess {
  pid: number;
  ppid: number;
  /** Who runs it, as `--user` gives it (a name or uid; '' is root); names come from the caller's /etc/passwd. */
  user: string;
  argv: readonly string[];
  /** The controlling terminal as ps shows it ('pts/0'), or '?'. */
  tty: string;
  /** ms since the epoch. */
  started: number;
  /** Resident and virtual memory, bytes. */
  rss: number;
  vsz: number;
  /** procps' STAT letters ('Ss', 'S+', 'D' for a frozen cgroup). */
  stat: string;
  /** Kernel threads are shown in brackets. */
  kthread?: boolean;
  /** CPU time it has used, ms (a spinning loop's); 0 when absent. */
  cpuMs?: number;
}

/** One mount as /proc/mounts lists it, with what statfs says of it (in 1K blocks). */
export interface UtilMount {
  source: string;
  target: string;
  fstype: string;
  options: string;
  /** statfs: size, used and available to users, in 1024-byte blocks; 0 for pseudo filesystems. */
  blocks: number;
  used: number;
  avail: number;
  /** statfs: inodes (total, free). */
  files: number;
  filesFree: number;
  /** Its device as "major:minor" (mountinfo's third field): mounts of one filesystem (bind mounts) share it, and GNU df lists it once. */
  dev: string;
  /** mountinfo's root: the directory of the filesystem mounted here ("/" unless a bind mount). */
  root?: string;
}

/** /proc/meminfo's numbers, in kB, as free reads them. */
export interface UtilMemory {
  total: number;
  free: number;
  available: number;
  /** Shmem. */
  shared: number;
  buffers: number;
  /** Cached plus SReclaimable (the cache free counts). */
  cached: number;
  swapTotal: number;
  swapFree: number;
}

/** The terminal a program's stdin is, as tty and stty see it. */
export interface UtilTerminal {
  /** Its device name, "/dev/pts/0". */
  name: string;
  /** Its size, when known (the page's terminal does not tell the host shell). */
  rows?: number;
  cols?: number;
}

/**
 * The system around a utility: what ps, kill, df, mount, free, tty, stty,
 * uname and date need beyond the filesystem. The host shell gets one from
 * the simulated kernel; a container's shell from its process (core/engine/process.ts).
 */
export interface UtilSystem {
  /** Every process in the caller's pid namespace, the caller itself included. */
  processes(): readonly UtilProcess[];
  /**
   * Sends `signal` (0 only checks) to `pid`: ESRCH when there is no such
   * process, EPERM when the caller may not signal it, ENOSYS when the
   * simulator cannot deliver that signal to that process yet.
   */
  kill(pid: number, signal: number): 'ok' | 'ESRCH' | 'EPERM' | 'ENOSYS';
  /** The mount table, in /proc/mounts order. */
  mounts(): readonly UtilMount[];
  memory(): UtilMemory;
  /** The terminal on stdin, or null when stdin is not one. */
  terminal(): UtilTerminal | null;
  /** uname's fields: kernel release and version (`#1 SMP PREEMPT_DYNAMIC …`), machine. */
  kernel: { release: string; version: string; machine: string };
  /** Whether the caller holds CAP_SYS_ADMIN (the host's root, a --privileged container): mount and hostname need it. */
  privileged: boolean;
  /** Seconds since boot and the load averages, for uptime and top. */
  uptime?(): { seconds: number; load: [number, number, number] };
  /**
   * mount(2): undefined when mounted, else util-linux's reason (`mount point
   * does not exist.`), printed after `mount: TARGET: `. Absent: this system
   * makes no mounts.
   */
  mount?(req: UtilMountRequest): string | undefined;
  /** umount(2) of the last mount at `target` (absolute); false when nothing is mounted there. */
  umount?(target: string): boolean;
}

/** What `mount -t TYPE -o OPTIONS SOURCE TARGET` asks for. */
export interface UtilMountRequest {
  fstype: string;
  source: string;
  /** Absolute. */
  target: string;
  /** The -o options as typed (relative directories stay relative in /proc/mounts). */
  options: string;
  /** Where relative directories in the options are resolved. */
  cwd: string;
}

/** `glassbox: NAME: not simulated here`, exit 2: the utility needs the system and this shell has none to give. */
export function notSimulated(ctx: UtilContext): number {
  ctx.io.stderr(`glassbox: ${ctx.argv[0]}: not simulated here\n`);
  return 2;
}

/** `prog: message` plus GNU's "Try 'prog --help'" line, as coreutils prints usage errors. */
export function usageError(ctx: UtilContext, message: string, code = 1): number {
  const prog = ctx.argv[0]!;
  ctx.io.stderr(`${prog}: ${message}\nTry '${prog} --help' for more information.\n`);
  return code;
}

/** busybox's bb_show_usage: the banner and the applet's usage text on stderr. */
export function bbUsage(ctx: UtilContext, code = 1, applet = ctx.argv[0]!): number {
  ctx.io.stderr(`${BUSYBOX_BANNER}\n\n${BUSYBOX_USAGE[applet] ?? `Usage: ${applet}\n`}`);
  return code;
}

/**
 * A bad option or operand as each flavor reports it: coreutils' message and
 * "Try --help" line, or busybox's message followed by the applet's usage.
 * `message` is getopt's text ("invalid option -- 'x'"), the same in both.
 */
export function optionError(ctx: UtilContext, message: string, code = 1): number {
  if (ctx.flavor === 'gnu') return usageError(ctx, message, code);
  ctx.io.stderr(`${ctx.argv[0]}: ${message}\n`);
  return bbUsage(ctx, code);
}

/**
 * Reads a file operand ('-' is stdin). Prints the error and returns null on
 * failure: `prog: name: error`, or with `bbOpen` busybox's `prog: can't open
 * 'name': error` (the applets that open with xfopen/open_or_warn).
 */
export function readOperand(ctx: UtilContext, name: string, prog = ctx.argv[0]!, bbOpen = false): string | null {
  if (name === '-') return ctx.io.stdin ?? '';
  const r = ctx.fs.tryRead(resolvePath(name, ctx.cwd));
  if ('error' in r) {
    if (ctx.flavor === 'busybox' && bbOpen && r.error !== 'EISDIR') ctx.io.stderr(`${prog}: can't open '${name}': ${fsErrorText(r.error)}\n`);
    else ctx.io.stderr(`${prog}: ${name}: ${fsErrorText(r.error)}\n`);
    return null;
  }
  return r.data;
}

/** Splits text into lines, dropping the empty string after a final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Coreutils' ‘x’ quoting (locale quotes in a UTF-8 locale). */
export function q(s: string): string {
  return `\u2018${s}\u2019`;
}

/** Coreutils' shell-style 'x' quoting for file names in messages. */
export function qf(s: string): string {
  if (/^[A-Za-z0-9_.\/,+@%:=-]+$/.test(s)) return `'${s}'`;
  if (!s.includes("'")) return `'${s}'`;
  return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}
