import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupSnapshot, ContainerSnapshot, NamespaceSnapshot, NamespaceType, ProcessRole, ProcessSnapshot } from '../../core/model';

/**
 * The real kernel's view of Docker's processes, namespaces and cgroups, read
 * from /proc and /sys/fs/cgroup. Parsers are pure (tested on recorded files);
 * `readKernel` walks a proc root and a cgroup root given by the caller, so the
 * tests can point it at a fixture tree.
 */

export const NS_TYPES: readonly NamespaceType[] = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts'];

export interface ProcStatus {
  name: string;
  ppid: number;
  /** NSpid: the pid in each pid namespace, outermost (host) first. */
  nspid: number[];
}

/** /proc/PID/status → name, ppid and the NSpid chain. */
export function parseStatus(text: string): ProcStatus {
  const out: ProcStatus = { name: '', ppid: 0, nspid: [] };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === 'Name') out.name = value;
    else if (key === 'PPid') out.ppid = Number(value) || 0;
    else if (key === 'NSpid') out.nspid = value.split(/\s+/).map(Number).filter((n) => Number.isInteger(n));
  }
  return out;
}

/** "net:[4026532573]" → 4026532573; 0 when the link is not a namespace link. */
export function parseNsLink(link: string): number {
  const m = /^\w+:\[(\d+)\]$/.exec(link.trim());
  return m ? Number(m[1]) : 0;
}

/**
 * /proc/PID/cgroup → controller → path. v1 lines are "4:memory:/docker/<id>"
 * (a line may name several controllers, "2:cpu,cpuacct:/…"); the v2 line is
 * "0::/path", kept under the key "" .
 */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const controllers = m[1]!;
    if (controllers === '') out.set('', m[2]!);
    else for (const c of controllers.split(',')) out.set(c, m[2]!);
  }
  return out;
}

/** A 64-hex container id inside a cgroup path ("/docker/<id>", "/system.slice/docker-<id>.scope"). */
export function containerIdInPath(path: string): string | undefined {
  return /(?:^|[/-])([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path)?.[1];
}

/** cmdline (NUL-separated) → argv. */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Which part of Docker's chain a process is, by its name and argv; null when it is not one of them. */
export function roleOf(name: string, argv: readonly string[]): Exclude<ProcessRole, 'container' | 'host'> | null {
  const exe = (argv[0] ?? '').split('/').pop() ?? '';
  if (name === 'dockerd' || exe === 'dockerd') return 'dockerd';
  if (name.startsWith('containerd-shim') || exe.startsWith('containerd-shim')) return 'shim';
  if (name === 'containerd' || exe === 'containerd') return 'containerd';
  if (name === 'runc' || exe === 'runc' || name.startsWith('runc:[')) return 'runc';
  if (name === 'docker' || exe === 'docker') return 'client';
  return null;
}

/** The value after `flag` in argv ("-id <id>"). */
function argAfter(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** "9223372036854771712" (v1 no limit), "max" (v2) → 0; else the byte count. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = text.trim();
  if (v === '' || v === 'max' || v === '-1') return 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n >= 2 ** 62) return 0;
  return n;
}

/** The files each controller's limits and usage live in, per cgroup version. */
export const CGROUP_FILES: Record<1 | 2, Record<string, readonly string[]>> = {
  1: {
    memory: ['memory.limit_in_bytes', 'memory.usage_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.oom_control', 'memory.failcnt', 'memory.max_usage_in_bytes'],
    cpu: ['cpu.shares', 'cpu.cfs_quota_us', 'cpu.cfs_period_us'],
    cpuacct: ['cpuacct.usage'],
    blkio: ['blkio.throttle.io_service_bytes'],
    cpuset: ['cpuset.cpus', 'cpuset.mems'],
    pids: ['pids.max', 'pids.current'],
    freezer: ['freezer.state'],
  },
  2: {
    '': ['memory.max', 'memory.current', 'memory.swap.max', 'memory.events', 'cpu.max', 'cpu.weight', 'cpu.stat', 'io.stat', 'cpuset.cpus', 'pids.max', 'pids.current', 'cgroup.freeze', 'cgroup.events'],
  },
};

/** A non-negative integer counter from a file; undefined when the file is missing or holds something else. */
function counter(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * v1 blkio.throttle.io_service_bytes → bytes read and written, summed over
 * the devices ("8:0 Read 4096" lines), as docker stats sums its BLOCK I/O.
 * The per-device and overall "Total" lines are not added again.
 */
export function parseIoServiceBytes(text: string): { read: number; write: number } {
  const out = { read: 0, write: 0 };
  for (const line of text.split('\n')) {
    const m = /^\d+:\d+ (Read|Write) (\d+)$/.exec(line.trim());
    if (m) out[m[1] === 'Read' ? 'read' : 'write'] += Number(m[2]);
  }
  return out;
}

/** v2 io.stat ("8:0 rbytes=4096 wbytes=0 rios=1 …" per device) → bytes read and written. */
export function parseIoStat(text: string): { read: number; write: number } {
  const out = { read: 0, write: 0 };
  for (const line of text.split('\n')) {
    for (const [, key, value] of line.matchAll(/\b([rw]bytes)=(\d+)/g)) out[key === 'rbytes' ? 'read' : 'write'] += Number(value);
  }
  return out;
}

type Figures = Pick<CgroupSnapshot, 'memoryUsage' | 'memoryLimit' | 'pidsCurrent' | 'frozen' | 'cpuUsageNs' | 'blockRead' | 'blockWrite'>;

/** Numbers from a cgroup's files: memory, pids, frozen, CPU time and block I/O (these two left out when their files are missing). */
export function cgroupFigures(version: 1 | 2, files: Record<string, Record<string, string>>): Figures {
  let out: Figures;
  let io: string | undefined;
  if (version === 1) {
    out = {
      memoryUsage: parseLimit(files.memory?.['memory.usage_in_bytes']),
      memoryLimit: parseLimit(files.memory?.['memory.limit_in_bytes']),
      pidsCurrent: Number(files.pids?.['pids.current'] ?? 0) || 0,
      frozen: (files.freezer?.['freezer.state'] ?? '').trim() === 'FROZEN',
    };
    const cpu = counter(files.cpuacct?.['cpuacct.usage']);
    if (cpu !== undefined) out.cpuUsageNs = cpu;
    io = files.blkio?.['blkio.throttle.io_service_bytes'];
    if (io !== undefined) {
      const { read, write } = parseIoServiceBytes(io);
      out.blockRead = read;
      out.blockWrite = write;
    }
    return out;
  }
  const v2 = files[''] ?? {};
  const events = v2['cgroup.events'] ?? '';
  out = {
    memoryUsage: parseLimit(v2['memory.current']),
    memoryLimit: parseLimit(v2['memory.max']),
    pidsCurrent: Number(v2['pids.current'] ?? 0) || 0,
    frozen: (v2['cgroup.freeze'] ?? '').trim() === '1' || /^frozen 1$/m.test(events),
  };
  const usec = /^usage_usec (\d+)$/m.exec(v2['cpu.stat'] ?? '');
  if (usec) out.cpuUsageNs = Number(usec[1]) * 1000;
  io = v2['io.stat'];
  if (io !== undefined) {
    const { read, write } = parseIoStat(io);
    out.blockRead = read;
    out.blockWrite = write;
  }
  return out;
}

export interface KernelView {
  processes: ProcessSnapshot[];
  namespaces: NamespaceSnapshot[];
  cgroups: CgroupSnapshot[];
}

export interface KernelReadOptions {
  /** Where proc is mounted (tests pass a fixture tree). */
  procRoot?: string;
  cgroupRoot?: string;
}

interface RawProc {
  pid: number;
  status: ProcStatus;
  argv: string[];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readNamespaces(procRoot: string, pid: number): Record<NamespaceType, number> {
  const out = {} as Record<NamespaceType, number>;
  for (const t of NS_TYPES) {
    let inode = 0;
    try {
      inode = parseNsLink(readlinkSync(join(procRoot, String(pid), 'ns', t)));
    } catch {
      // gone, or a kernel without this namespace type
    }
    out[t] = inode;
  }
  return out;
}

/** Whether the cgroup root is the v2 unified hierarchy (cgroup.controllers at its top). */
export function cgroupVersion(cgroupRoot: string): 1 | 2 {
  return readText(join(cgroupRoot, 'cgroup.controllers')) !== undefined ? 2 : 1;
}

/**
 * Docker's process chain, every namespace a container uses (with the host's),
 * and each running container's cgroup: what `ps`, `ls -l /proc/PID/ns` and
 * `cat /sys/fs/cgroup/…` would show. Processes that vanish while being read
 * are left out.
 */
export function readKernel(containers: readonly ContainerSnapshot[], opts: KernelReadOptions = {}): KernelView {
  const procRoot = opts.procRoot ?? '/proc';
  const cgroupRoot = opts.cgroupRoot ?? '/sys/fs/cgroup';
  const all = new Map<number, RawProc>();
  let entries: string[] = [];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return { processes: [], namespaces: [], cgroups: [] };
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const status = readText(join(procRoot, e, 'status'));
    if (status === undefined) continue;
    all.set(Number(e), { pid: Number(e), status: parseStatus(status), argv: parseCmdline(readText(join(procRoot, e, 'cmdline')) ?? '') });
  }
  const children = new Map<number, number[]>();
  for (const p of all.values()) {
    const list = children.get(p.status.ppid) ?? [];
    list.push(p.pid);
    children.set(p.status.ppid, list);
  }

  // The chain: dockerd, containerd, clients, shims; then everything under a shim is a container's.
  const picked = new Map<number, { role: ProcessRole; containerId?: string }>();
  for (const p of all.values()) {
    const role = roleOf(p.status.name, p.argv);
    if (!role) continue;
    if (role === 'shim') picked.set(p.pid, { role, containerId: argAfter(p.argv, '-id') });
    else if (role !== 'runc') picked.set(p.pid, { role });
  }
  const byPid1 = new Map(containers.filter((c) => c.pid > 0).map((c) => [c.pid, c.id]));
  for (const [pid, info] of [...picked]) {
    if (info.role !== 'shim') continue;
    const stack = [...(children.get(pid) ?? [])];
    while (stack.length) {
      const child = stack.pop()!;
      const p = all.get(child);
      if (!p || picked.has(child)) continue;
      const role = roleOf(p.status.name, p.argv) === 'runc' ? 'runc' : 'container';
      picked.set(child, { role, containerId: byPid1.get(child) ?? info.containerId });
      stack.push(...(children.get(child) ?? []));
    }
  }

  const version = cgroupVersion(cgroupRoot);
  const processes: ProcessSnapshot[] = [];
  for (const [pid, info] of [...picked].sort((a, b) => a[0] - b[0])) {
    const p = all.get(pid)!;
    const cg = parseProcCgroup(readText(join(procRoot, String(pid), 'cgroup')) ?? '');
    const snap: ProcessSnapshot = {
      pid,
      ppid: p.status.ppid,
      nsPid: p.status.nspid.at(-1) ?? pid,
      command: p.argv.length ? p.argv : [p.status.name],
      role: info.role,
      namespaces: readNamespaces(procRoot, pid),
      cgroup: (version === 1 ? cg.get('memory') : cg.get('')) ?? cg.get('') ?? '',
    };
    if (info.containerId) snap.containerId = info.containerId;
    processes.push(snap);
  }

  // Namespaces: the host's (PID 1's) and each container's; a namespace belongs to the container that made it.
  const namespaces: NamespaceSnapshot[] = [];
  const seen = new Set<string>();
  const add = (type: NamespaceType, inode: number, owner: string): void => {
    const key = `${type}:${inode}`;
    if (!inode || seen.has(key)) return;
    seen.add(key);
    namespaces.push({ type, inode, owner });
  };
  // The host's: PID 1's where they can be read (not always: a VM's init may hide them), else dockerd's, which runs in them.
  let host = readNamespaces(procRoot, 1);
  if (NS_TYPES.every((t) => !host[t])) host = processes.find((p) => p.role === 'dockerd')?.namespaces ?? readNamespaces(procRoot, process.pid);
  for (const t of NS_TYPES) add(t, host[t], 'host');
  // Oldest first, so a namespace joined by `--net container:A` is A's.
  const running = containers.filter((c) => c.pid > 0).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  for (const c of running) {
    const ns = processes.find((p) => p.pid === c.pid)?.namespaces ?? readNamespaces(procRoot, c.pid);
    for (const t of NS_TYPES) add(t, ns[t], c.id);
  }

  const cgroups: CgroupSnapshot[] = [];
  for (const c of running) {
    const cg = parseProcCgroup(readText(join(procRoot, String(c.pid), 'cgroup')) ?? '');
    const snap = readCgroup(cgroupRoot, version, cg, c.id);
    if (snap) cgroups.push(snap);
  }
  return { processes, namespaces, cgroups };
}

/** One container's cgroup: its files per controller and the figures drawn from them. */
export function readCgroup(cgroupRoot: string, version: 1 | 2, paths: Map<string, string>, containerId: string): CgroupSnapshot | null {
  const files: Record<string, Record<string, string>> = {};
  const path = version === 1 ? paths.get('memory') : paths.get('');
  if (path === undefined) return null;
  for (const [controller, names] of Object.entries(CGROUP_FILES[version])) {
    const dir = version === 1 ? paths.get(controller) : paths.get('');
    if (dir === undefined) continue;
    const got: Record<string, string> = {};
    for (const name of names) {
      const text = readText(join(cgroupRoot, controller, dir, name));
      if (text !== undefined) got[name] = text.replace(/\n$/, '');
    }
    if (Object.keys(got).length) files[controller] = got;
  }
  return { path, version, containerId, files, ...cgroupFigures(version, files) };
}
