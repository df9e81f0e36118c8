/**
 * The cgroup files Docker's limits become, as runc writes them and as the
 * kernel shows them (values read on Docker 20.10 / runc 1.1 / cgroup v1 with
 * `docker run --memory 64m --cpus 1.5 --cpu-shares 512 --cpuset-cpus 0
 * --pids-limit 100`, then `cat` under /sys/fs/cgroup/<controller>/docker/<id>).
 * v2 is the systemd driver's layout (/sys/fs/cgroup/system.slice/docker-<id>.scope).
 */

/** HostConfig's resource fields as the daemon stores them (0 = unset). */
export interface Resources {
  /** Bytes. */
  memory: number;
  /** Memory plus swap, bytes; -1 unlimited; the daemon makes it 2 × memory when only memory is set. */
  memorySwap: number;
  memoryReservation: number;
  /** CPUs × 1e9. */
  nanoCpus: number;
  cpuShares: number;
  cpuPeriod: number;
  cpuQuota: number;
  cpusetCpus: string;
  cpusetMems: string;
  /** 0 = unset; -1 or 0 from the client means unlimited. */
  pidsLimit: number;
  oomKillDisable: boolean;
}

export function noResources(): Resources {
  return { memory: 0, memorySwap: 0, memoryReservation: 0, nanoCpus: 0, cpuShares: 0, cpuPeriod: 0, cpuQuota: 0, cpusetCpus: '', cpusetMems: '', pidsLimit: 0, oomKillDisable: false };
}

/** What the kernel shows for "no limit" in v1 memory files (PAGE_COUNTER_MAX pages × 4096). */
export const V1_UNLIMITED = '9223372036854771712';
/** The CFS period Docker uses for --cpus. */
export const CFS_PERIOD_US = 100_000;

/** v1 controllers in runc's subsystem order (mkdir, cgroup.procs and Set follow it), as mounted on the reference host. */
export const V1_CONTROLLERS = ['cpuset', 'devices', 'memory', 'cpu', 'cpuacct', 'pids', 'blkio', 'freezer', 'systemd', 'unified'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];
/** The order `runc delete` removed them in (Go map order, as observed). */
export const V1_RMDIR_ORDER: readonly V1Controller[] = ['blkio', 'cpuacct', 'memory', 'pids', 'unified', 'cpu', 'cpuset', 'devices', 'freezer', 'systemd'];

export type CgroupVersion = 1 | 2;

/** The cgroup path of a container under each hierarchy root. */
export function containerCgroupPath(id: string, version: CgroupVersion): string {
  return version === 1 ? `/docker/${id}` : `/system.slice/docker-${id}.scope`;
}

/** The directory as the host names it: /sys/fs/cgroup/memory/docker/<id> (v1) or /sys/fs/cgroup/system.slice/docker-<id>.scope (v2). */
export function cgroupDir(path: string, version: CgroupVersion, controller?: string): string {
  return version === 1 ? `/sys/fs/cgroup/${controller ?? 'memory'}${path}` : `/sys/fs/cgroup${path}`;
}

/** The limit writes runc's Set makes, in its order: [controller, file, value]. Devices rules are left out (see trace.ts). */
export function limitWrites(r: Resources, version: CgroupVersion): [string, string, string][] {
  const out: [string, string, string][] = [];
  if (version === 1) {
    if (r.cpusetCpus !== '') out.push(['cpuset', 'cpuset.cpus', r.cpusetCpus]);
    if (r.cpusetMems !== '') out.push(['cpuset', 'cpuset.mems', r.cpusetMems]);
    if (r.memory > 0) {
      out.push(['memory', 'memory.limit_in_bytes', String(r.memory)]);
      if (r.memorySwap !== 0) out.push(['memory', 'memory.memsw.limit_in_bytes', String(r.memorySwap)]);
    }
    if (r.memoryReservation > 0) out.push(['memory', 'memory.soft_limit_in_bytes', String(r.memoryReservation)]);
    if (r.oomKillDisable) out.push(['memory', 'memory.oom_control', '1']);
    if (r.cpuShares > 0) out.push(['cpu', 'cpu.shares', String(r.cpuShares)]);
    const { period, quota } = cfs(r);
    if (period > 0) out.push(['cpu', 'cpu.cfs_period_us', String(period)]);
    if (quota !== 0) out.push(['cpu', 'cpu.cfs_quota_us', String(quota)]);
    if (r.pidsLimit !== 0) out.push(['pids', 'pids.max', r.pidsLimit < 0 ? 'max' : String(r.pidsLimit)]);
    return out;
  }
  if (r.cpusetCpus !== '') out.push(['cpuset', 'cpuset.cpus', r.cpusetCpus]);
  if (r.memory > 0) {
    out.push(['memory', 'memory.max', String(r.memory)]);
    if (r.memorySwap !== 0) out.push(['memory', 'memory.swap.max', r.memorySwap < 0 ? 'max' : String(r.memorySwap - r.memory)]);
  }
  if (r.cpuShares > 0) out.push(['cpu', 'cpu.weight', String(sharesToWeight(r.cpuShares))]);
  const { period, quota } = cfs(r);
  if (quota > 0) out.push(['cpu', 'cpu.max', `${quota} ${period}`]);
  if (r.pidsLimit !== 0) out.push(['pids', 'pids.max', r.pidsLimit < 0 ? 'max' : String(r.pidsLimit)]);
  return out;
}

/** --cpus becomes a CFS quota over Docker's 100 ms period; --cpu-period/--cpu-quota pass through. */
export function cfs(r: Resources): { period: number; quota: number } {
  if (r.nanoCpus > 0) return { period: CFS_PERIOD_US, quota: Math.round((r.nanoCpus * CFS_PERIOD_US) / 1e9) };
  return { period: r.cpuPeriod, quota: r.cpuQuota };
}

/** runc's ConvertCPUSharesToCgroupV2Value. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

/** What a container's cgroup holds now: the inputs of every file. */
export interface CgroupState {
  resources: Resources;
  /** Pids in the cgroup (host pids), in the order they joined. */
  procs: number[];
  memoryUsage: number;
  maxUsage: number;
  failcnt: number;
  oomKills: number;
  underOom: boolean;
  frozen: boolean;
  /** Nanoseconds of CPU time used. */
  cpuUsageNs: number;
  /** The host's CPUs, "0-1". */
  hostCpus: string;
}

/** The files a container's cgroup shows, controller → file → content (without the trailing newline). */
export function cgroupFiles(s: CgroupState, version: CgroupVersion): Record<string, Record<string, string>> {
  const r = s.resources;
  const procs = s.procs.join('\n');
  const { period, quota } = cfs(r);
  if (version === 1) {
    const common = { 'cgroup.procs': procs, tasks: procs, 'notify_on_release': '0', 'cgroup.clone_children': '0' };
    return {
      memory: {
        ...common,
        'memory.limit_in_bytes': r.memory > 0 ? String(r.memory) : V1_UNLIMITED,
        'memory.memsw.limit_in_bytes': r.memory > 0 && r.memorySwap > 0 ? String(r.memorySwap) : V1_UNLIMITED,
        'memory.soft_limit_in_bytes': r.memoryReservation > 0 ? String(r.memoryReservation) : V1_UNLIMITED,
        'memory.usage_in_bytes': String(s.memoryUsage),
        'memory.max_usage_in_bytes': String(s.maxUsage),
        'memory.failcnt': String(s.failcnt),
        'memory.oom_control': `oom_kill_disable ${r.oomKillDisable ? 1 : 0}\nunder_oom ${s.underOom ? 1 : 0}\noom_kill ${s.oomKills}`,
        'memory.swappiness': '60',
        'memory.use_hierarchy': '1',
      },
      cpu: {
        ...common,
        'cpu.shares': String(r.cpuShares > 0 ? r.cpuShares : 1024),
        'cpu.cfs_period_us': String(period > 0 ? period : CFS_PERIOD_US),
        'cpu.cfs_quota_us': String(quota !== 0 ? quota : -1),
      },
      cpuacct: { ...common, 'cpuacct.usage': String(s.cpuUsageNs) },
      cpuset: { ...common, 'cpuset.cpus': r.cpusetCpus !== '' ? r.cpusetCpus : s.hostCpus, 'cpuset.mems': r.cpusetMems !== '' ? r.cpusetMems : '0' },
      pids: { ...common, 'pids.max': r.pidsLimit > 0 ? String(r.pidsLimit) : 'max', 'pids.current': String(s.procs.length) },
      freezer: { ...common, 'freezer.state': s.frozen ? 'FROZEN' : 'THAWED' },
      blkio: { ...common },
      devices: { ...common },
    };
  }
  return {
    '': {
      'cgroup.procs': procs,
      'cgroup.type': 'domain',
      'cgroup.freeze': s.frozen ? '1' : '0',
      'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc',
      'cgroup.events': `populated ${s.procs.length > 0 ? 1 : 0}\nfrozen ${s.frozen ? 1 : 0}`,
    },
    memory: {
      'memory.max': r.memory > 0 ? String(r.memory) : 'max',
      'memory.swap.max': r.memory > 0 && r.memorySwap > 0 ? String(r.memorySwap - r.memory) : 'max',
      'memory.current': String(s.memoryUsage),
      'memory.peak': String(s.maxUsage),
      'memory.events': `low 0\nhigh 0\nmax ${s.failcnt}\noom ${s.oomKills}\noom_kill ${s.oomKills}\noom_group_kill 0`,
    },
    cpu: {
      'cpu.max': `${quota > 0 ? quota : 'max'} ${period > 0 ? period : CFS_PERIOD_US}`,
      'cpu.weight': String(r.cpuShares > 0 ? sharesToWeight(r.cpuShares) : 100),
      'cpu.stat': `usage_usec ${Math.floor(s.cpuUsageNs / 1000)}`,
    },
    cpuset: { 'cpuset.cpus': r.cpusetCpus, 'cpuset.cpus.effective': r.cpusetCpus !== '' ? r.cpusetCpus : s.hostCpus },
    pids: { 'pids.max': r.pidsLimit > 0 ? String(r.pidsLimit) : 'max', 'pids.current': String(s.procs.length) },
  };
}

/** The memory limit in force (bytes; 0 = none). */
export function memoryLimit(r: Resources): number {
  return r.memory > 0 ? r.memory : 0;
}
