import type { CommandRunner } from '../process';
import type { DirNode, FileNode, FsNode } from '../shell/memfs';
import type { UtilProcess } from '../shell/context';
import { formatProcps, processComm, procpsSelects, PROCPS_USAGE, renderPs, type PsTable } from '../shell/utils/ps';
import { V1_CONTROLLERS } from './cgroups';
import type { Kernel, KProcess } from './kernel';
import { HOST_TIME_NS, nsLink, NS_TYPES } from './namespaces';

/**
 * How procps' `ps` prints the simulated processes (Debian 12's procps 4:
 * `ps -ef`, `ps aux`, `ps -o …`, plain `ps`), the form `docker top` takes its
 * rows from.
 */

/** The host's kernel release, as `uname -r` and `docker info` show it. */
export const KERNEL_RELEASE_HOST = '6.1.0-18-amd64';

export interface PsOptions {
  /** Bytes, for %MEM. */
  memTotal: number;
  /** Pids whose cgroup is frozen (paused containers): state D. */
  frozen?: ReadonlySet<number>;
}

function comm(p: KProcess): string {
  return processComm(p);
}

function stat(p: KProcess, frozen: ReadonlySet<number> | undefined): string {
  let s = frozen?.has(p.pid) ? 'D' : p.role === 'client' ? 'S' : 'S';
  if (p.nsPid === 1 || p.pid === 1 || p.argv[0] === '-bash' || p.role === 'dockerd') s += 's';
  if (p.role === 'dockerd' || p.role === 'containerd' || p.role === 'shim' || p.role === 'client') s += 'l';
  if (p.tty.startsWith('pts/') && p.role !== 'host') s += '+';
  return s;
}

/** A kernel process as ps and kill see it (host processes all run as root). */
export function utilProcess(p: KProcess, frozen?: ReadonlySet<number>): UtilProcess {
  return { pid: p.pid, ppid: p.ppid, user: '', argv: p.argv, tty: p.tty, started: p.started, rss: p.rss, vsz: p.vsz, stat: stat(p, frozen), kthread: p.kthread };
}

/** procps' table for kernel processes (the host's `ps`, `docker top`); the formatting is the ps utility's. */
export function formatPs(args: readonly string[], procs: readonly KProcess[], now: number, opts: PsOptions): PsTable | { error: string } {
  return formatProcps(args, procs.map((p) => utilProcess(p, opts.frozen)), now, { memTotal: opts.memTotal, userName: () => 'root' });
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
      const table = formatPs(args, procs, now(), { memTotal: kernel.memTotal, frozen });
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

// ---------------------------------------------------------------------------
// /proc and /sys/fs/cgroup as the host shell sees them: generated from the
// kernel's tables on each look, so `cat` and `ls` show the numbers the
// diagrams show.

function file(data: string, mtime: number, mode = 0o444): FileNode {
  return { kind: 'file', data, mtime, mode };
}

function dir(entries: [string, FsNode][], mtime: number, mode = 0o555): DirNode {
  return { kind: 'dir', children: new Map(entries), mtime, mode };
}

/** /proc/<pid>/status as Linux 6.1 prints it (the lines a student reads: Name, State, Tgid, Pid, PPid, NSpid …). */
export function procStatus(p: KProcess, frozen: boolean): string {
  const name = comm(p);
  const ns = p.nsPid !== p.pid ? `${p.pid}\t${p.nsPid}` : String(p.pid);
  const kb = (b: number): string => `${String(Math.round(b / 1024)).padStart(8)} kB`;
  return [
    `Name:\t${name}`,
    'Umask:\t0022',
    `State:\t${frozen ? 'D (disk sleep)' : 'S (sleeping)'}`,
    `Tgid:\t${p.pid}`,
    'Ngid:\t0',
    `Pid:\t${p.pid}`,
    `PPid:\t${p.ppid}`,
    'TracerPid:\t0',
    'Uid:\t0\t0\t0\t0',
    'Gid:\t0\t0\t0\t0',
    'FDSize:\t64',
    `Groups:\t${p.containerId !== undefined ? '0 10 ' : '0 '}`,
    `NStgid:\t${ns}`,
    `NSpid:\t${ns}`,
    `NSpgid:\t${ns}`,
    `NSsid:\t${ns}`,
    `VmPeak:\t${kb(p.vsz)}`,
    `VmSize:\t${kb(p.vsz)}`,
    `VmRSS:\t${kb(p.rss)}`,
    'Threads:\t1',
    '',
  ].join('\n');
}

/** /proc/<pid>/cgroup: one line per v1 hierarchy (as mounted on the reference host), or the v2 line. */
export function procCgroup(p: KProcess, version: 1 | 2): string {
  if (version === 2) return `0::${p.cgroup}\n`;
  const lines = ['name=systemd', 'pids', 'blkio', 'freezer', 'devices', 'memory', 'cpuset', 'cpuacct', 'cpu'].map((c, i) => `${9 - i}:${c}:${p.cgroup}`);
  return [...lines, `0::${p.cgroup}`].join('\n') + '\n';
}

/** The whole /proc tree for the host's pid namespace. */
export function procTree(kernel: Kernel, now: number): DirNode {
  const frozen = kernel.frozenPids();
  const entries: [string, FsNode][] = [];
  for (const p of kernel.processList()) {
    const ns: [string, FsNode][] = [];
    for (const t of NS_TYPES) {
      ns.push([t, { kind: 'symlink', target: nsLink(t, p.ns[t]), mtime: now }]);
      if (t === 'pid') ns.push(['pid_for_children', { kind: 'symlink', target: nsLink('pid', p.ns.pid), mtime: now }]);
    }
    ns.push(['time', { kind: 'symlink', target: nsLink('time', HOST_TIME_NS), mtime: now }]);
    ns.push(['time_for_children', { kind: 'symlink', target: nsLink('time', HOST_TIME_NS), mtime: now }]);
    ns.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    entries.push([
      String(p.pid),
      dir(
        [
          ['cgroup', file(procCgroup(p, kernel.cgroupVersion), p.started)],
          ['cmdline', file(p.argv.join('\0') + '\0', p.started)],
          ['comm', file(comm(p) + '\n', p.started, 0o644)],
          ['ns', dir(ns, p.started, 0o511)],
          ['status', file(procStatus(p, frozen.has(p.pid)), p.started)],
        ],
        p.started,
      ),
    ]);
  }
  entries.push(['self', { kind: 'symlink', target: String(kernel.processList().at(-1)?.pid ?? 1), mtime: now }]);
  return dir(entries, now);
}

/** /sys/fs/cgroup: the v1 controllers (or the v2 unified tree) with Docker's container cgroups and their files. */
export function cgroupTree(kernel: Kernel, now: number): DirNode {
  const cgroups = kernel.cgroupSnapshots();
  const leaf = (files: Record<string, string>): DirNode => dir(Object.entries(files).map(([n, v]) => [n, file(v === '' ? '' : v + '\n', now, n.startsWith('cgroup.') || n === 'tasks' || n.includes('limit') || n.endsWith('.max') || n.endsWith('shares') || n.endsWith('_us') || n.endsWith('.state') ? 0o644 : 0o444)]), now, 0o755);
  if (kernel.cgroupVersion === 2) {
    const scopes: [string, FsNode][] = cgroups.map((cg) => {
      const files: Record<string, string> = {};
      for (const ctl of Object.values(cg.files)) Object.assign(files, ctl);
      return [cg.path.slice('/system.slice/'.length), leaf(files)];
    });
    return dir([['system.slice', dir(scopes, now, 0o755)], ['cgroup.controllers', file('cpuset cpu io memory hugetlb pids rdma misc\n', now)]], now, 0o755);
  }
  const controllers: [string, FsNode][] = [];
  for (const ctl of V1_CONTROLLERS) {
    const containers: [string, FsNode][] = cgroups.map((cg) => {
      const files = cg.files[ctl] ?? { 'cgroup.procs': cg.files.memory!['cgroup.procs']!, tasks: cg.files.memory!.tasks! };
      return [cg.containerId!, leaf(files)];
    });
    controllers.push([ctl, dir([['docker', dir(containers, now, 0o755)]], now, 0o755)]);
  }
  return dir(controllers, now, 0o755);
}
