import type { CommandRunner } from '../process';
import type { UtilProcess } from '../shell/context';
import { formatProcps, procpsSelects, PROCPS_USAGE, renderPs, type PsTable } from '../shell/utils/ps';
import type { Kernel, KProcess } from './kernel';

/**
 * How procps' `ps` prints the simulated processes (Debian 12's procps 4:
 * `ps -ef`, `ps aux`, `ps -o …`, plain `ps`), the form `docker top` takes its
 * rows from.
 */

/** The host's kernel release, as `uname -r` and `docker info` show it. */
export const KERNEL_RELEASE_HOST = '6.1.0-18-amd64';
/** Its build (`uname -v`). */
export const KERNEL_VERSION = '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)';

export interface PsOptions {
  /** Bytes, for %MEM. */
  memTotal: number;
  /** Pids whose cgroup is frozen (paused containers): state D. */
  frozen?: ReadonlySet<number>;
  /** A process's CPU time and whether it is on a CPU now (kernel.cpuOf). */
  cpu?: (pid: number) => { ms: number; running: boolean } | undefined;
}

/** The host's name for a uid, as ps reads /etc/passwd (the reference host's: root and nobody). */
function hostUserName(uid: number): string {
  return uid === 0 ? 'root' : uid === 65534 ? 'nobody' : String(uid);
}

function stat(p: KProcess, frozen: ReadonlySet<number> | undefined): string {
  let s = frozen?.has(p.pid) ? 'D' : p.role === 'client' ? 'S' : 'S';
  if (p.nsPid === 1 || p.pid === 1 || p.argv[0] === '-bash' || p.role === 'dockerd') s += 's';
  if (p.role === 'dockerd' || p.role === 'containerd' || p.role === 'shim' || p.role === 'client') s += 'l';
  if (p.tty.startsWith('pts/') && p.role !== 'host') s += '+';
  return s;
}

/** A kernel process as ps and kill see it ('' is root; `--user`'s uid otherwise). */
export function utilProcess(p: KProcess, frozen?: ReadonlySet<number>, cpu?: { ms: number; running: boolean }): UtilProcess {
  // A process on a CPU now is R (running), not S (sleeping).
  const st = stat(p, frozen);
  return { pid: p.pid, ppid: p.ppid, user: p.uid ? String(p.uid) : '', argv: p.argv, tty: p.tty, started: p.started, rss: p.rss, vsz: p.vsz, stat: cpu?.running && st.startsWith('S') ? 'R' + st.slice(1) : st, kthread: p.kthread, ...(cpu && cpu.ms > 0 ? { cpuMs: cpu.ms } : {}) };
}

/** procps' table for kernel processes (the host's `ps`, `docker top`); the formatting is the ps utility's. */
export function formatPs(args: readonly string[], procs: readonly KProcess[], now: number, opts: PsOptions): PsTable | { error: string } {
  return formatProcps(args, procs.map((p) => utilProcess(p, opts.frozen, opts.cpu?.(p.pid))), now, { memTotal: opts.memTotal, userName: (p) => hostUserName(p.user === '' ? 0 : Number(p.user)) });
}

/**
 * The host shell's `ps`: the simulated host's process table, the `ps`
 * process itself included (a child of the login shell while it runs).
 */
export function psCommand(kernel: Kernel, now: () => number): CommandRunner {
  return async (argv, io) => {
    const self = kernel.hostExec(argv);
    try {
      const frozen = kernel.frozenPids();
      const args = argv.slice(1);
      const procs = kernel.processList().filter((p) => procpsSelects(args) || p.tty === 'pts/0');
      const table = formatPs(args, procs, now(), { memTotal: kernel.memTotal, frozen, cpu: (pid) => kernel.cpuOf(pid) });
      if ('error' in table) {
        io.stderr(`${table.error}\n${PROCPS_USAGE}`);
        return 1;
      }
      io.stdout(renderPs(table));
      return 0;
    } finally {
      kernel.hostExit(self);
    }
  };
}
