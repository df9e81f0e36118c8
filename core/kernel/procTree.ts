import { staticDir, textFile, type PDir, type PNode } from '../shell/mountFs';
import type { Kernel, KProcess } from './kernel';
import { HOST_NAMESPACES, HOST_TIME_NS, nsLink, NS_TYPES } from './namespaces';
import { processComm as comm } from '../shell/utils/ps';
import { KERNEL_RELEASE_HOST } from './procfs';
import { cpuinfo, formatMounts, meminfo, mountsOfNamespace, procUptime, procVersion } from './system';

/**
 * procfs as a process sees it: the processes of the pid namespace the /proc
 * was mounted in (a container's own, or the host's for the host and for
 * --pid=host), each by its pid in that namespace, and /proc/self pointing at
 * the process that reads. Built from the kernel's tables on each lookup, so
 * `cat` shows the numbers the Kernel view shows.
 */

/** Whose /proc. */
export interface ProcView {
  /** The pid namespace (inode) the procfs belongs to. */
  pidNs: number;
  /** Host pid of the process reading (/proc/self). */
  reader: number;
}

/** A process's pid as a pid namespace sees it; undefined when it is outside it. */
export function pidIn(p: KProcess, pidNs: number): number | undefined {
  if (pidNs === HOST_NAMESPACES.pid) return p.pid;
  return p.ns.pid === pidNs ? p.nsPid : undefined;
}

/** The v1 hierarchies as /proc/PID/cgroup numbers them on the reference host (0:: is cgroup2's). */
const CGROUP_LINES: readonly [string, string][] = [
  ['systemd', 'name=systemd'], ['pids', 'pids'], ['blkio', 'blkio'], ['freezer', 'freezer'], ['devices', 'devices'],
  ['memory', 'memory'], ['cpuset', 'cpuset'], ['cpuacct', 'cpuacct'], ['cpu', 'cpu'],
];

/**
 * /proc/PID/cgroup: one line per hierarchy with the cgroup the process is in
 * there (a process moved by hand differs per hierarchy). On cgroup v2 a
 * container has a cgroup namespace of its own: its reader sees paths from
 * the container's cgroup down ("0::/").
 */
export function procCgroup(kernel: Kernel, p: KProcess, reader?: KProcess): string {
  const h = kernel.hierarchy;
  if (kernel.cgroupVersion === 2) {
    const path = h.pathOf(p, '');
    const owner = reader && reader.ns.cgroup !== HOST_NAMESPACES.cgroup ? kernel.processList().find((x) => x.ns.cgroup === reader.ns.cgroup && x.containerId !== undefined) : undefined;
    const root = owner?.cgroup;
    const seen = root === undefined ? path : path === root ? '/' : path.startsWith(root + '/') ? path.slice(root.length) : path;
    return `0::${seen}\n`;
  }
  const lines = CGROUP_LINES.map(([name, label], i) => `${CGROUP_LINES.length - i}:${label}:${h.pathOf(p, name)}`);
  return [...lines, `0::${h.pathOf(p, 'unified')}`].join('\n') + '\n';
}

/** /proc/PID/status as Linux 6.1 prints it, with pids as `view`'s namespace numbers them; the reader itself is running. */
export function procStatus(kernel: Kernel, p: KProcess, view: ProcView, frozen: boolean): string {
  const pid = pidIn(p, view.pidNs) ?? 0;
  const parent = kernel.process(p.ppid);
  const ppid = parent ? (pidIn(parent, view.pidNs) ?? 0) : 0;
  // NSpid lists the pid in each namespace from the viewer's down to the process's own.
  const ns = view.pidNs === HOST_NAMESPACES.pid && p.ns.pid !== HOST_NAMESPACES.pid ? `${p.pid}\t${p.nsPid}` : String(pid);
  const kb = (b: number): string => `${String(Math.round(b / 1024)).padStart(8)} kB`;
  const state = p.pid === view.reader ? 'R (running)' : frozen ? 'D (disk sleep)' : 'S (sleeping)';
  return [
    `Name:\t${comm(p)}`,
    'Umask:\t0022',
    `State:\t${state}`,
    `Tgid:\t${pid}`,
    'Ngid:\t0',
    `Pid:\t${pid}`,
    `PPid:\t${ppid}`,
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
    `VmLck:\t${kb(0)}`,
    `VmPin:\t${kb(0)}`,
    `VmHWM:\t${kb(p.rss)}`,
    `VmRSS:\t${kb(p.rss)}`,
    'Threads:\t1',
    `Cpus_allowed_list:\t${kernel.cpus > 1 ? `0-${kernel.cpus - 1}` : '0'}`,
    'Mems_allowed_list:\t0',
    '',
  ].join('\n');
}

/** Reading an nsfs file (what /proc/PID/ns/* links lead to) is EINVAL. */
const NSFS_FILE: PNode = { kind: 'file', mode: 0o444, read: () => ({ error: 'EINVAL' }) };

function nsDir(p: KProcess): PDir {
  const link = (type: Parameters<typeof nsLink>[0], inode: number): PNode => ({ kind: 'symlink', target: nsLink(type, inode), mtime: p.started, resolves: NSFS_FILE });
  const entries: [string, PNode][] = NS_TYPES.map((t) => [t, link(t, p.ns[t])]);
  entries.push(['pid_for_children', link('pid', p.ns.pid)], ['time', link('time', HOST_TIME_NS)], ['time_for_children', link('time', HOST_TIME_NS)]);
  return staticDir(0o511, entries, { mtime: p.started });
}

function pidDir(kernel: Kernel, p: KProcess, view: ProcView): PDir {
  const file = (data: () => string, mode = 0o444): PNode => textFile(data, mode, p.started);
  return staticDir(
    0o555,
    [
      ['cgroup', file(() => procCgroup(kernel, p, kernel.process(view.reader)))],
      ['cmdline', file(() => (p.kthread ? '' : p.argv.join('\0') + '\0'))],
      ['comm', file(() => comm(p) + '\n', 0o644)],
      ['mounts', file(() => formatMounts(mountsOfNamespace(kernel, p.ns.mnt)))],
      ['ns', nsDir(p)],
      ['status', file(() => procStatus(kernel, p, view, kernel.frozenPids().has(p.pid)))],
    ],
    { mtime: p.started, nlink: 3 },
  );
}

const FILESYSTEMS = ['nodev\tsysfs', 'nodev\ttmpfs', 'nodev\tproc', 'nodev\tcgroup', 'nodev\tcgroup2', 'nodev\tdevtmpfs', 'nodev\tdebugfs', 'nodev\tsockfs', 'nodev\tpipefs', 'nodev\tdevpts', '\text4', 'nodev\toverlay', 'nodev\tmqueue', 'nodev\tnsfs'];

/** /proc/cgroups: each controller's hierarchy number and how many cgroups it has now. */
function procCgroups(kernel: Kernel): string {
  const ids: [string, number][] = [['cpuset', 3], ['cpu', 1], ['cpuacct', 2], ['blkio', 7], ['memory', 4], ['devices', 5], ['freezer', 6], ['net_cls', 0], ['perf_event', 0], ['net_prio', 0], ['hugetlb', 0], ['pids', 8]];
  const count = (h: string): number => {
    let n = 0;
    const walk = (path: string): void => {
      n++;
      for (const c of kernel.hierarchy.children(h, path)) walk(path === '/' ? `/${c}` : `${path}/${c}`);
    };
    walk('/');
    return n;
  };
  const v1 = kernel.cgroupVersion === 1;
  return '#subsys_name\thierarchy\tnum_cgroups\tenabled\n' + ids.map(([name, id]) => `${name}\t${v1 ? id : 0}\t${v1 && id > 0 ? count(name) : 1}\t1\n`).join('');
}

/** The /proc a process sees (`view`), at virtual time `now`. */
export function procRoot(kernel: Kernel, view: ProcView, now: number): PDir {
  const visible = (): KProcess[] => kernel.processList().filter((p) => pidIn(p, view.pidNs) !== undefined);
  const reader = kernel.process(view.reader);
  const self = reader ? pidIn(reader, view.pidNs) : undefined;
  const fixed = new Map<string, PNode>([
    ['cgroups', textFile(() => procCgroups(kernel))],
    ['cmdline', textFile(`BOOT_IMAGE=/boot/vmlinuz-${KERNEL_RELEASE_HOST} root=/dev/vda ro quiet\n`)],
    ['cpuinfo', textFile(() => cpuinfo(kernel.cpus))],
    ['filesystems', textFile(FILESYSTEMS.join('\n') + '\n')],
    ['loadavg', textFile(() => `0.00 0.00 0.00 1/${visible().length} ${Math.max(...visible().map((p) => pidIn(p, view.pidNs)!))}\n`)],
    ['meminfo', textFile(() => meminfo(kernel))],
    ['mounts', { kind: 'symlink', target: 'self/mounts', size: 11, mtime: now }],
    ['uptime', textFile(() => procUptime(kernel, now))],
    ['version', textFile(() => procVersion())],
  ]);
  if (self !== undefined) fixed.set('self', { kind: 'symlink', target: String(self), mtime: now });
  return {
    kind: 'dir',
    mode: 0o555,
    mtime: kernel.bootTime,
    names: () => [...visible().map((p) => String(pidIn(p, view.pidNs))), ...fixed.keys()],
    child: (name) => {
      const f = fixed.get(name);
      if (f) return f;
      if (!/^[1-9][0-9]*$/.test(name)) return undefined;
      const n = Number(name);
      const p = view.pidNs === HOST_NAMESPACES.pid ? kernel.process(n) : visible().find((x) => x.nsPid === n);
      return p ? pidDir(kernel, p, view) : undefined;
    },
  };
}
