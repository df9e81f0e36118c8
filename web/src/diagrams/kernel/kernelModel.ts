import { humanSizeWithPrecision } from '../../../../core/cli/humanize';
import type { CgroupSnapshot, ContainerSnapshot, NamespaceType, ProcessRole, ProcessSnapshot, Snapshot } from '../../../../core/model';

/**
 * What the Kernel tab draws, worked out from a snapshot: the process chain
 * from the docker client down to the container's processes, the namespace
 * table (host and each running container, the seven types, sharing made
 * explicit) and the selected container's cgroup.
 */

export const NS_TYPES: readonly NamespaceType[] = ['mnt', 'uts', 'ipc', 'pid', 'net', 'user', 'cgroup'];

export interface ChainNode {
  role: ProcessRole;
  /** Host pid; 0 for the client, which exists only while a command runs. */
  pid: number;
  nsPid: number;
  command: string;
  /** Depth under the container's PID 1 (0 for the chain above it and PID 1 itself). */
  depth: number;
}

/**
 * client → dockerd → containerd → shim → (runc, while it works) → PID 1 → its
 * children (depth-first). Without a container: the daemons alone.
 */
export function processChain(processes: readonly ProcessSnapshot[], container: ContainerSnapshot | null): ChainNode[] {
  const node = (p: ProcessSnapshot, depth = 0): ChainNode => ({ role: p.role, pid: p.pid, nsPid: p.nsPid, command: p.command.join(' '), depth });
  const out: ChainNode[] = [];
  const client = processes.find((p) => p.role === 'client');
  out.push(client ? node(client) : { role: 'client', pid: 0, nsPid: 0, command: 'docker', depth: 0 });
  for (const role of ['dockerd', 'containerd'] as const) {
    const p = processes.find((x) => x.role === role);
    if (p) out.push(node(p));
  }
  if (!container) return out;
  const mine = processes.filter((p) => p.containerId === container.id);
  const shim = mine.find((p) => p.role === 'shim') ?? processes.find((p) => p.role === 'shim' && mine.some((m) => m.ppid === p.pid));
  if (shim) out.push(node(shim));
  for (const p of mine.filter((x) => x.role === 'runc')) out.push(node(p));
  const pid1 = mine.find((p) => p.pid === container.pid) ?? mine.find((p) => p.role === 'container' && p.nsPid === 1);
  if (!pid1) return out;
  const walk = (p: ProcessSnapshot, depth: number): void => {
    out.push(node(p, depth));
    for (const c of mine.filter((x) => x.ppid === p.pid && x.role === 'container').sort((a, b) => a.pid - b.pid)) walk(c, depth + 1);
  };
  walk(pid1, 0);
  return out;
}

export interface NsCell {
  type: NamespaceType;
  inode: number;
  /** Who made this namespace when it is not this row's own: 'host' or a container name. */
  sharedWith: string | null;
}

export interface NsRow {
  /** 'host' or a container id. */
  id: string;
  label: string;
  pid: number;
  cells: NsCell[];
}

/** One row for the host and one per running container, with each namespace's inode and, when shared, whose it is. */
export function namespaceRows(snapshot: Pick<Snapshot, 'containers' | 'processes' | 'namespaces'>): NsRow[] {
  const procs = snapshot.processes ?? [];
  const owners = new Map((snapshot.namespaces ?? []).map((n) => [`${n.type}:${n.inode}`, n.owner]));
  const nameOf = (owner: string): string => (owner === 'host' ? 'host' : (snapshot.containers.find((c) => c.id === owner)?.name ?? owner.slice(0, 12)));
  const rows: NsRow[] = [];
  const hostNs = (snapshot.namespaces ?? []).filter((n) => n.owner === 'host');
  if (hostNs.length) {
    rows.push({
      id: 'host',
      label: 'host',
      pid: 1,
      cells: NS_TYPES.map((type) => ({ type, inode: hostNs.find((n) => n.type === type)?.inode ?? 0, sharedWith: null })),
    });
  }
  for (const c of snapshot.containers) {
    if (c.pid <= 0) continue;
    const p = procs.find((x) => x.pid === c.pid);
    if (!p) continue;
    rows.push({
      id: c.id,
      label: c.name,
      pid: c.pid,
      cells: NS_TYPES.map((type) => {
        const inode = p.namespaces[type] ?? 0;
        const owner = owners.get(`${type}:${inode}`);
        return { type, inode, sharedWith: owner && owner !== c.id ? nameOf(owner) : null };
      }),
    });
  }
  return rows;
}

export interface CgroupView {
  cgroup: CgroupSnapshot;
  /** Where each controller's directory is, as the host names it. */
  dirs: { controller: string; dir: string }[];
  /** The limit files and what they hold. */
  files: { controller: string; file: string; value: string }[];
  /** Usage as a fraction of the limit (0..1); null without a limit. */
  memoryFraction: number | null;
  /** CPU time used, "12.34s"; null where the backend does not report it. */
  cpuTime: string | null;
  /** Block I/O as docker stats prints it, "1.06MB / 21MB" (read / written); null where not reported. */
  blockIO: string | null;
}

/** The files a limit, a usage figure or the freezer lives in (not cgroup.procs, tasks and the like). */
const LIMIT_FILE = /limit|max|current|usage_in_bytes|shares|cfs_|cpuset\.(cpus|mems)$|weight|swap|oom_control|freezer\.state|cgroup\.freeze|failcnt/;

export function cgroupView(snapshot: Pick<Snapshot, 'cgroups'>, containerId: string | null): CgroupView | null {
  const cg = (snapshot.cgroups ?? []).find((g) => g.containerId === containerId);
  if (!cg) return null;
  const controllers = Object.keys(cg.files);
  const dirs = controllers.map((controller) => ({ controller, dir: `/sys/fs/cgroup${controller ? `/${controller}` : ''}${cg.path}` }));
  const files = controllers.flatMap((controller) =>
    Object.entries(cg.files[controller] ?? {})
      .filter(([file]) => LIMIT_FILE.test(file))
      .map(([file, value]) => ({ controller, file, value })),
  );
  return {
    cgroup: cg,
    dirs,
    files,
    memoryFraction: cg.memoryLimit > 0 ? Math.min(1, cg.memoryUsage / cg.memoryLimit) : null,
    cpuTime: cg.cpuUsageNs === undefined ? null : `${(cg.cpuUsageNs / 1e9).toFixed(2)}s`,
    blockIO: cg.blockRead === undefined || cg.blockWrite === undefined ? null : `${humanSizeWithPrecision(cg.blockRead, 3)} / ${humanSizeWithPrecision(cg.blockWrite, 3)}`,
  };
}

/** go-units style sizes, as docker stats prints them: 64MiB, 1.5GiB. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(2).replace(/\.?0+$/, '')}${units[i]}`;
}
