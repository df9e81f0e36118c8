import type { CommandRunner } from '../process';
import type { DirNode, FileNode, FsNode } from '../shell/memfs';
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

export interface PsTable {
  header: string[];
  rows: string[][];
  /** Column alignment: true for right-aligned (numbers). */
  right: boolean[];
  /** procps' minimum width of each column. */
  widths: number[];
}

export interface PsOptions {
  /** Bytes, for %MEM. */
  memTotal: number;
  /** Pids whose cgroup is frozen (paused containers): state D. */
  frozen?: ReadonlySet<number>;
}

type Field = { title: string; right: boolean; width: number; value: (p: KProcess) => string };

function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function command(p: KProcess): string {
  return p.argv.join(' ');
}

/** The host's name for a process's uid, as ps reads /etc/passwd (the reference host's: root and nobody). */
function userName(p: KProcess): string {
  const uid = p.uid ?? 0;
  return uid === 0 ? 'root' : uid === 65534 ? 'nobody' : String(uid);
}

function comm(p: KProcess): string {
  const a0 = p.argv[0] ?? '';
  if (p.kthread) return a0.replace(/^\[|\]$/g, '');
  return a0.slice(a0.lastIndexOf('/') + 1).replace(/^-/, '').slice(0, 15);
}

function stat(p: KProcess, frozen: ReadonlySet<number> | undefined): string {
  let s = frozen?.has(p.pid) ? 'D' : p.role === 'client' ? 'S' : 'S';
  if (p.nsPid === 1 || p.pid === 1 || p.argv[0] === '-bash' || p.role === 'dockerd') s += 's';
  if (p.role === 'dockerd' || p.role === 'containerd' || p.role === 'shim' || p.role === 'client') s += 'l';
  if (p.tty.startsWith('pts/') && p.role !== 'host') s += '+';
  return s;
}

function fields(now: number, opts: PsOptions, long: boolean): Record<string, Field> {
  const f = (title: string, right: boolean, width: number, value: (p: KProcess) => string): Field => ({ title, right, width, value });
  return {
    uid: f('UID', false, 8, userName),
    user: f('USER', false, 8, userName),
    pid: f('PID', true, long ? 7 : 5, (p) => String(p.pid)),
    ppid: f('PPID', true, long ? 7 : 5, (p) => String(p.ppid)),
    c: f('C', true, 2, () => '0'),
    stime: f('STIME', false, 5, (p) => hhmm(p.started)),
    start: f('START', false, 5, (p) => hhmm(p.started)),
    tty: f('TTY', false, 8, (p) => p.tty),
    time: f('TIME', true, 8, () => '00:00:00'),
    cputime: f('TIME', true, 6, () => '0:00'),
    cmd: f('CMD', false, 0, command),
    args: f('COMMAND', false, 0, command),
    command: f('COMMAND', false, 0, command),
    comm: f('COMMAND', false, 15, comm),
    pcpu: f('%CPU', true, 4, () => '0.0'),
    pmem: f('%MEM', true, 4, (p) => ((p.rss / opts.memTotal) * 100).toFixed(1)),
    vsz: f('VSZ', true, 6, (p) => String(Math.round(p.vsz / 1024))),
    rss: f('RSS', true, 5, (p) => String(Math.round(p.rss / 1024))),
    stat: f('STAT', false, 4, (p) => stat(p, opts.frozen)),
    etime: f('ELAPSED', true, 11, (p) => elapsed(now - p.started)),
  };
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h > 0 ? `${String(h).padStart(2, '0')}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * The table `ps <args>` prints for `procs`: -ef, -f, aux, -x, -o a,b,c (and
 * no args: PID TTY TIME CMD). Returns ps's error for what it does not know.
 */
export function formatPs(args: readonly string[], procs: readonly KProcess[], now: number, opts: PsOptions): PsTable | { error: string } {
  const long = args.some((a) => /^-[a-zA-Z]*f/.test(a));
  const all = fields(now, opts, long);
  let cols: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === 'o' || a === '-O') {
      const spec = args[++i];
      if (spec === undefined) return { error: 'error: unknown user-defined format specifier ""' };
      cols = [...(cols ?? []), ...spec.split(',')];
      continue;
    }
    if (a.startsWith('-o')) {
      cols = [...(cols ?? []), ...a.slice(2).split(',')];
      continue;
    }
    if (/^-[efAaxl]+$/.test(a)) {
      if (a.includes('f')) cols = cols ?? ['uid', 'pid', 'ppid', 'c', 'stime', 'tty', 'time', 'cmd'];
      else if (a.includes('x')) cols = cols ?? ['pid', 'tty', 'stat', 'cputime', 'command'];
      continue;
    }
    if (/^[auxwe]+$/.test(a)) {
      if (a.includes('u')) cols = ['user', 'pid', 'pcpu', 'pmem', 'vsz', 'rss', 'tty', 'stat', 'start', 'cputime', 'command'];
      else cols = cols ?? ['pid', 'tty', 'stat', 'cputime', 'command'];
      continue;
    }
    return { error: `error: unsupported option (BSD syntax)` };
  }
  cols = cols ?? ['pid', 'tty', 'time', 'cmd'];
  const picked: Field[] = [];
  for (const c of cols) {
    const field = all[c.toLowerCase()];
    if (!field) return { error: `error: unknown user-defined format specifier "${c}"` };
    picked.push(field);
  }
  return {
    header: picked.map((f) => f.title),
    rows: procs.map((p) => picked.map((f) => f.value(p))),
    right: picked.map((f) => f.right),
    widths: picked.map((f) => f.width),
  };
}

/** procps' own layout: minimum widths, numbers right-aligned, the last column unpadded. */
export function renderPs(t: PsTable): string {
  const widths = t.header.map((h, i) => {
    let w = Math.max(h.length, t.widths[i]!);
    for (const r of t.rows) w = Math.max(w, r[i]!.length);
    return w;
  });
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : t.right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' ') + '\n';
  return line(t.header) + t.rows.map(line).join('');
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
      const all = args.some((a) => /^-[a-zA-Z]*[eA]/.test(a) || /^[a-z]*a[a-z]*x|^[a-z]*x[a-z]*a/.test(a) || a === 'ax' || a === 'aux');
      const procs = kernel.processList().filter((p) => all || p.tty === 'pts/0');
      const table = formatPs(args, procs, now(), { memTotal: kernel.memTotal, frozen });
      if ('error' in table) {
        io.stderr(`${table.error}\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`);
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
