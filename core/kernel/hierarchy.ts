import type { FsErrorCode } from '../shell/filesystem';
import { cgroupFiles, V1_UNLIMITED, type CgroupState, type CgroupVersion, type Resources } from './cgroups';
import { KNOBS, MEMORY_SIZE_KNOBS, memoryStat, V1_ROOT_ONLY, type Knob } from './cgroupKnobs';
import { parseUintList } from './hostConfig';
import type { KProcess } from './kernel';

/**
 * The cgroup hierarchies as root on the host sees and changes them under
 * /sys/fs/cgroup: each hierarchy's root, Docker's parent (/docker) and each
 * container's cgroup (whose limits the kernel's container records hold), and
 * the cgroups a user makes by hand — the course's demo: mkdir a cgroup under
 * cpu/, its files appear; write a quota and read it back; write a pid into
 * `tasks` and that process moves (/proc/PID/cgroup says so); rmdir is EBUSY
 * while it has tasks. Writes are checked as the kernel checks them, with its
 * errnos.
 */

/** What the hierarchy needs of the kernel. */
export interface HierarchyHost {
  readonly version: CgroupVersion;
  readonly cpus: number;
  processes(): readonly KProcess[];
  /** Containers' cgroup paths now ('/docker/<id>' on v1). */
  containerPaths(): readonly string[];
  /** The container whose cgroup `path` is, with what its files are made from. */
  containerCgroup(path: string): { id: string; state: Readonly<CgroupState> } | undefined;
  /** New limits for a container's cgroup, written into its files by hand. */
  setLimits(id: string, resources: Resources): void;
}

/** cgroup v2's files (the systemd driver's unified tree): cgroup2's own plus the controllers Docker enables. */
const V2_KNOBS: Readonly<Record<string, Knob>> = {
  ...KNOBS.unified,
  'cgroup.controllers': { mode: 0o444, value: 'cpuset cpu io memory hugetlb pids rdma misc' },
  'cpu.max': { mode: 0o644, value: 'max 100000' },
  'cpu.weight': { mode: 0o644, value: '100' },
  'cpuset.cpus': { mode: 0o644, value: '' },
  'memory.current': { mode: 0o444, value: '0' },
  'memory.max': { mode: 0o644, value: 'max' },
  'pids.current': { mode: 0o444, value: '0' },
  'pids.max': { mode: 0o644, value: 'max' },
};

const PID_MAX = 4_194_304;
const PAGE = 4096n;
const UNLIMITED = BigInt(V1_UNLIMITED);

function parent(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The value written, as the kernel's parsers see it: one trailing newline allowed. */
function arg(data: string): string {
  return data.endsWith('\n') ? data.slice(0, -1) : data;
}

function integer(data: string): bigint | undefined {
  const s = arg(data);
  return /^-?[0-9]+$/.test(s) ? BigInt(s) : undefined;
}

/** memparse + page_counter_memparse: "-1" is no limit, sizes take k/m/g/t/p/e, rounded down to pages. */
export function parseMemoryLimit(data: string): string | FsErrorCode {
  const s = arg(data);
  if (s === '-1') return V1_UNLIMITED;
  const m = /^([0-9]+)([kKmMgGtTpPeE]?)$/.exec(s);
  if (!m) return 'EINVAL';
  const shift = { '': 0n, k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n }[m[2]!.toLowerCase()]!;
  const bytes = (BigInt(m[1]!) << shift) / PAGE * PAGE;
  return bytes >= UNLIMITED ? V1_UNLIMITED : String(bytes);
}

export class CgroupHierarchy {
  /** Cgroups made with mkdir (and Docker's parent), by hierarchy, then path → the knobs written to it. */
  private readonly made = new Map<string, Map<string, Map<string, string>>>();
  /** Processes moved by hand: pid → hierarchy → path. */
  private readonly moved = new Map<number, Map<string, string>>();

  constructor(private readonly host: HierarchyHost) {
    const cpus = host.cpus > 1 ? `0-${host.cpus - 1}` : '0';
    for (const h of this.hierarchies()) {
      const parentValues = new Map<string, string>(h === 'cpuset' ? [['cpuset.cpus', cpus], ['cpuset.mems', '0']] : []);
      this.made.set(h, new Map([['/', new Map()], [host.version === 1 ? '/docker' : '/system.slice', parentValues]]));
    }
  }

  /** The hierarchies, as `ls /sys/fs/cgroup` lists them (v2: the one unified tree, named ''). */
  hierarchies(): readonly string[] {
    return this.host.version === 1 ? Object.keys(KNOBS) : [''];
  }

  /** The cgroup `p` is in, in hierarchy `h`. */
  pathOf(p: KProcess, h: string): string {
    return this.moved.get(p.pid)?.get(h) ?? p.cgroup;
  }

  exists(h: string, path: string): boolean {
    return path === '/' || this.made.get(h)?.has(path) === true || this.host.containerPaths().includes(path);
  }

  /** The cgroups directly under `path`. */
  children(h: string, path: string): string[] {
    const prefix = path === '/' ? '/' : path + '/';
    const out: string[] = [];
    for (const p of [...(this.made.get(h)?.keys() ?? []), ...this.host.containerPaths()]) {
      if (p !== path && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) out.push(p.slice(prefix.length));
    }
    return out;
  }

  /** The processes in a cgroup, by host pid. */
  members(h: string, path: string): KProcess[] {
    return this.host.processes().filter((p) => this.pathOf(p, h) === path);
  }

  private knobs(h: string): Readonly<Record<string, Knob>> {
    return this.host.version === 1 ? (KNOBS[h] ?? {}) : V2_KNOBS;
  }

  /**
   * A cgroup's files and their contents. `pidOf` gives a process's pid as the
   * reader sees it (undefined: outside the reader's pid namespace, left out),
   * since `tasks` lists pids in the reader's namespace, sorted.
   */
  files(h: string, path: string, pidOf: (p: KProcess) => number | undefined): Record<string, Knob> {
    const out: Record<string, Knob> = { ...this.knobs(h) };
    if (path === '/' && this.host.version === 1) Object.assign(out, V1_ROOT_ONLY);
    const members = this.members(h, path);
    const container = this.host.containerCgroup(path);
    const set = (name: string, value: string): void => {
      out[name] = { mode: out[name]?.mode ?? 0o644, value };
    };
    if (container) {
      const files = cgroupFiles(container.state, this.host.version);
      for (const [name, value] of Object.entries(this.host.version === 1 ? (files[h] ?? {}) : Object.assign({}, ...Object.values(files)))) set(name, value as string);
    } else {
      for (const [name, value] of this.made.get(h)?.get(path) ?? []) set(name, value);
      const rss = (path === '/' ? this.host.processes() : members).reduce((n, p) => n + p.rss, 0);
      if (h === 'memory') {
        set('memory.usage_in_bytes', String(rss));
        set('memory.max_usage_in_bytes', String(rss));
      }
      if (h === 'cpuset' && path === '/') for (const k of ['cpuset.cpus', 'cpuset.effective_cpus']) set(k, this.host.cpus > 1 ? `0-${this.host.cpus - 1}` : '0');
      if (h === 'cpuset' && path === '/') for (const k of ['cpuset.mems', 'cpuset.effective_mems']) set(k, '0');
    }
    if (h === 'cpuset') {
      set('cpuset.effective_cpus', out['cpuset.cpus']!.value ?? '');
      if (path !== '/' || container) set('cpuset.effective_mems', out['cpuset.mems']?.value ?? '');
    }
    if (h === 'memory') {
      const usage = out['memory.usage_in_bytes']!.value ?? '0';
      set('memory.stat', memoryStat(Number(usage), out['memory.limit_in_bytes']!.value ?? V1_UNLIMITED, out['memory.memsw.limit_in_bytes']!.value ?? V1_UNLIMITED));
    }
    const pids = members.map(pidOf).filter((n): n is number => n !== undefined && n > 0).sort((a, b) => a - b);
    for (const name of ['tasks', 'cgroup.procs', 'cgroup.threads']) if (name in out) set(name, pids.join('\n'));
    if ('pids.current' in out) set('pids.current', String(members.length));
    if ('cgroup.events' in out) set('cgroup.events', `populated ${members.length > 0 ? 1 : 0}\nfrozen ${container?.state.frozen ? 1 : 0}`);
    return out;
  }

  /** mkdir(2) of a cgroup. */
  mkdir(h: string, path: string): FsErrorCode | undefined {
    if (this.exists(h, path)) return 'EEXIST';
    const up = parent(path);
    if (!this.exists(h, up)) return 'ENOENT';
    // Cgroups below a container's are not simulated (runc would have to remove them at its end).
    if (this.host.containerPaths().some((c) => up === c || up.startsWith(c + '/'))) return 'EPERM';
    // A new cpuset starts with no CPUs and no memory nodes (cgroup.clone_children 0).
    this.made.get(h)!.set(path, new Map());
    return undefined;
  }

  /** rmdir(2): only an empty cgroup (no tasks, no child cgroups) goes. */
  rmdir(h: string, path: string): FsErrorCode | undefined {
    if (path === '/') return 'EBUSY';
    if (!this.exists(h, path)) return 'ENOENT';
    if (this.host.containerCgroup(path) || this.members(h, path).length > 0 || this.children(h, path).length > 0) return 'EBUSY';
    this.made.get(h)!.delete(path);
    return undefined;
  }

  /**
   * One write(2) into a cgroup file by root on the host. `lookup` finds a
   * process by the pid the writer gave (in the writer's pid namespace; 0 is
   * the writer itself).
   */
  write(h: string, path: string, file: string, data: string, lookup: (pid: number) => KProcess | undefined): FsErrorCode | undefined {
    const knob = this.files(h, path, (p) => p.pid)[file];
    if (!knob) return 'EACCES';
    if (!(knob.mode & 0o200)) return 'EACCES';
    if (file === 'tasks' || file === 'cgroup.procs' || file === 'cgroup.threads') return this.attach(h, path, data, lookup);
    const container = this.host.containerCgroup(path);
    if (container) return this.writeContainer(container, h, file, data);
    const checked = this.check(h, path, file, data);
    if ('error' in checked) return checked.error;
    if (file === 'memory.limit_in_bytes' && checked.value !== V1_UNLIMITED) {
      const usage = this.members(h, path).reduce((n, p) => n + p.rss, 0);
      if (Number(checked.value) < usage) return 'EBUSY';
    }
    this.made.get(h)!.get(path)!.set(file, checked.value);
    return undefined;
  }

  /** What a write stores, after the kernel's checks, or the errno it gets. */
  private check(h: string, path: string, file: string, data: string): { value: string } | { error: FsErrorCode } {
    const n = integer(data);
    const ok = (value: string): { value: string } => ({ value });
    const no = (error: FsErrorCode): { error: FsErrorCode } => ({ error });
    if (MEMORY_SIZE_KNOBS.has(file)) {
      const limit = parseMemoryLimit(data);
      return limit === 'EINVAL' ? no(limit) : ok(limit);
    }
    switch (file) {
      case 'cpu.cfs_quota_us':
        if (n === undefined || n > 17_592_186_044_415n) return no('EINVAL');
        if (n < 0n) return ok('-1');
        return n < 1000n ? no('EINVAL') : ok(String(n));
      case 'cpu.cfs_period_us':
        return n === undefined || n < 1000n || n > 1_000_000n ? no('EINVAL') : ok(String(n));
      case 'cpu.shares':
        if (n === undefined || n < 0n) return no('EINVAL');
        return ok(String(n < 2n ? 2n : n > 262_144n ? 262_144n : n));
      case 'pids.max':
        if (arg(data) === 'max') return ok('max');
        return n === undefined || n < 0n || n > BigInt(PID_MAX) ? no('EINVAL') : ok(String(n));
      case 'memory.swappiness':
        return n === undefined || n < 0n || n > 100n ? no('EINVAL') : ok(String(n));
      case 'cpuset.cpus':
      case 'cpuset.mems': {
        const s = arg(data);
        if (s === '') return ok('');
        const ids = parseUintList(s);
        if (!ids) return no('EINVAL');
        const max = file === 'cpuset.cpus' ? this.host.cpus : 1;
        return ids.some((i) => i >= max) ? no('ERANGE') : ok(s);
      }
      // Freezing or killing a cgroup by hand would have to stop the processes in it: not simulated.
      case 'freezer.state':
      case 'cgroup.freeze':
      case 'cgroup.kill':
        return no('EPERM');
    }
    const current = this.files(h, path, (p) => p.pid)[file]?.value ?? '';
    const s = arg(data);
    if (/^-?[0-9]+$/.test(current)) return n === undefined ? no('EINVAL') : ok(String(n));
    if (current === 'max') return s === 'max' || n !== undefined ? ok(s) : no('EINVAL');
    if (current === '' && /^[0-9]+:[0-9]+ [0-9]+$/.test(s)) return ok(s);
    return ok(s.trim());
  }

  /** A limit written into a container's cgroup takes effect as `docker update` would (without the daemon knowing). */
  private writeContainer(c: { id: string; state: Readonly<CgroupState> }, h: string, file: string, data: string): FsErrorCode | undefined {
    const r: Resources = { ...c.state.resources };
    const checked = this.check(h, '/', file, data);
    if ('error' in checked) return checked.error;
    const value = checked.value;
    const num = (v: string): number => (v === V1_UNLIMITED || v === 'max' ? 0 : Number(v));
    switch (file) {
      case 'memory.limit_in_bytes': {
        const limit = num(value);
        if (limit !== 0 && limit < c.state.memoryUsage) return 'EBUSY';
        if (limit !== 0 && r.memorySwap > 0 && limit > r.memorySwap) return 'EINVAL';
        r.memory = limit;
        break;
      }
      case 'memory.memsw.limit_in_bytes':
        if (num(value) !== 0 && num(value) < r.memory) return 'EINVAL';
        r.memorySwap = num(value) === 0 ? -1 : num(value);
        break;
      case 'memory.soft_limit_in_bytes':
        r.memoryReservation = num(value);
        break;
      case 'cpu.shares':
        r.cpuShares = Number(value);
        break;
      case 'cpu.cfs_quota_us':
      case 'cpu.cfs_period_us': {
        // --cpus is a quota over Docker's period: from now on the two are plain CFS numbers.
        const period = r.nanoCpus > 0 ? 100_000 : r.cpuPeriod;
        const quota = r.nanoCpus > 0 ? Math.round((r.nanoCpus * 100_000) / 1e9) : r.cpuQuota;
        r.nanoCpus = 0;
        r.cpuPeriod = file === 'cpu.cfs_period_us' ? Number(value) : period;
        r.cpuQuota = file === 'cpu.cfs_quota_us' ? Number(value) : quota;
        break;
      }
      case 'pids.max':
        r.pidsLimit = num(value);
        break;
      case 'cpuset.cpus':
        r.cpusetCpus = value;
        break;
      default:
        // Other knobs of a container's cgroup have no simulated effect: refused rather than kept for show.
        return 'EPERM';
    }
    this.host.setLimits(c.id, r);
    return undefined;
  }

  /** A pid written into tasks or cgroup.procs: that process moves into the cgroup, in this hierarchy only. */
  private attach(h: string, path: string, data: string, lookup: (pid: number) => KProcess | undefined): FsErrorCode | undefined {
    const n = integer(data);
    if (n === undefined || n < 0n || n > BigInt(PID_MAX)) return 'EINVAL';
    const p = lookup(Number(n));
    if (!p) return 'ESRCH';
    if (h === 'cpuset' && (this.files(h, path, () => undefined)['cpuset.cpus']?.value ?? '') === '') return 'ENOSPC';
    let m = this.moved.get(p.pid);
    if (path === p.cgroup) m?.delete(h);
    else {
      if (!m) this.moved.set(p.pid, (m = new Map()));
      m.set(h, path);
    }
    if (m?.size === 0) this.moved.delete(p.pid);
    return undefined;
  }

  /** A child starts in its parent's cgroups. */
  inherit(parentPid: number, childPid: number): void {
    const m = this.moved.get(parentPid);
    if (m) this.moved.set(childPid, new Map(m));
  }

  /** Forgets an ended process. */
  forget(pid: number): void {
    this.moved.delete(pid);
  }
}
