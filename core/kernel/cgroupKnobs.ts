/**
 * The files of a fresh cgroup in each hierarchy and what they hold, as `ls`
 * and `cat` showed them on the reference host (Debian 12, cgroup v1 hybrid,
 * `mkdir /sys/fs/cgroup/<controller>/probe`), with their modes: 0644 knobs,
 * 0444 read-only reports, 0200 write-only triggers (reading them is EINVAL).
 * `null` marks a file whose content is computed (tasks, cgroup.procs) or
 * that cannot be read.
 */

export interface Knob {
  mode: number;
  /** The content without its trailing newline; null: computed, or unreadable when write-only. */
  value: string | null;
}

const rw = (value: string | null): Knob => ({ mode: 0o644, value });
const ro = (value: string): Knob => ({ mode: 0o444, value });
const wo = (): Knob => ({ mode: 0o200, value: null });

const V1_COMMON: Record<string, Knob> = {
  'cgroup.clone_children': rw('0'),
  'cgroup.procs': rw(null),
  notify_on_release: rw('0'),
  tasks: rw(null),
};

const PRESSURE = 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0';

const MEMORY_STAT_KEYS = [
  'cache', 'rss', 'rss_huge', 'shmem', 'mapped_file', 'dirty', 'writeback', 'workingset_refault_anon', 'workingset_refault_file', 'swap', 'swapcached',
  'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable',
];

/** memory.stat for a cgroup whose processes hold `rss` bytes (anonymous memory), under the given limits. */
export function memoryStat(rss: number, limit: string, memswLimit: string): string {
  const own = MEMORY_STAT_KEYS.map((k) => `${k} ${k === 'rss' || k === 'active_anon' ? rss : 0}`);
  const total = MEMORY_STAT_KEYS.map((k) => `total_${k} ${k === 'rss' || k === 'active_anon' ? rss : 0}`);
  return [...own, `hierarchical_memory_limit ${limit}`, `hierarchical_memsw_limit ${memswLimit}`, ...total].join('\n');
}

/** The v1 hierarchies mounted under /sys/fs/cgroup, and cgroup2's at unified/, each with its files. */
export const KNOBS: Readonly<Record<string, Readonly<Record<string, Knob>>>> = {
  blkio: {
    ...V1_COMMON,
    'blkio.reset_stats': wo(),
    'blkio.throttle.io_service_bytes': ro('Total 0'),
    'blkio.throttle.io_service_bytes_recursive': ro('Total 0'),
    'blkio.throttle.io_serviced': ro('Total 0'),
    'blkio.throttle.io_serviced_recursive': ro('Total 0'),
    'blkio.throttle.read_bps_device': rw(''),
    'blkio.throttle.read_iops_device': rw(''),
    'blkio.throttle.write_bps_device': rw(''),
    'blkio.throttle.write_iops_device': rw(''),
  },
  cpu: {
    ...V1_COMMON,
    'cpu.cfs_burst_us': rw('0'),
    'cpu.cfs_period_us': rw('100000'),
    'cpu.cfs_quota_us': rw('-1'),
    'cpu.idle': rw('0'),
    'cpu.rt_period_us': rw('1000000'),
    'cpu.rt_runtime_us': rw('0'),
    'cpu.shares': rw('1024'),
    'cpu.stat': ro('nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0'),
    'cpu.stat.local': ro('throttled_time 0'),
  },
  cpuacct: {
    ...V1_COMMON,
    'cpuacct.stat': ro('user 0\nsystem 0'),
    'cpuacct.usage': rw('0'),
    'cpuacct.usage_all': ro('cpu user system\n0 0 0\n1 0 0'),
    'cpuacct.usage_percpu': ro('0 0 '),
    'cpuacct.usage_percpu_sys': ro('0 0 '),
    'cpuacct.usage_percpu_user': ro('0 0 '),
    'cpuacct.usage_sys': ro('0'),
    'cpuacct.usage_user': ro('0'),
  },
  cpuset: {
    ...V1_COMMON,
    'cpuset.cpu_exclusive': rw('0'),
    'cpuset.cpus': rw(''),
    'cpuset.effective_cpus': ro(''),
    'cpuset.effective_mems': ro(''),
    'cpuset.mem_exclusive': rw('0'),
    'cpuset.mem_hardwall': rw('0'),
    'cpuset.memory_migrate': rw('0'),
    'cpuset.memory_pressure': ro('0'),
    'cpuset.memory_spread_page': rw('0'),
    'cpuset.memory_spread_slab': rw('0'),
    'cpuset.mems': rw(''),
    'cpuset.sched_load_balance': rw('1'),
    'cpuset.sched_relax_domain_level': rw('-1'),
  },
  devices: { ...V1_COMMON, 'devices.allow': wo(), 'devices.deny': wo(), 'devices.list': ro('a *:* rwm') },
  freezer: { ...V1_COMMON, 'freezer.parent_freezing': ro('0'), 'freezer.self_freezing': ro('0'), 'freezer.state': rw('THAWED') },
  memory: {
    ...V1_COMMON,
    'cgroup.event_control': wo(),
    'memory.failcnt': rw('0'),
    'memory.force_empty': wo(),
    'memory.kmem.failcnt': rw('0'),
    'memory.kmem.limit_in_bytes': rw('9223372036854771712'),
    'memory.kmem.max_usage_in_bytes': rw('0'),
    'memory.kmem.slabinfo': ro(''),
    'memory.kmem.tcp.failcnt': rw('0'),
    'memory.kmem.tcp.limit_in_bytes': rw('9223372036854771712'),
    'memory.kmem.tcp.max_usage_in_bytes': rw('0'),
    'memory.kmem.tcp.usage_in_bytes': ro('0'),
    'memory.kmem.usage_in_bytes': ro('0'),
    'memory.limit_in_bytes': rw('9223372036854771712'),
    'memory.max_usage_in_bytes': rw('0'),
    'memory.memsw.failcnt': rw('0'),
    'memory.memsw.limit_in_bytes': rw('9223372036854771712'),
    'memory.memsw.max_usage_in_bytes': rw('0'),
    'memory.memsw.usage_in_bytes': ro('0'),
    'memory.move_charge_at_immigrate': rw('0'),
    'memory.numa_stat': ro(
      'total=0 N0=0\nfile=0 N0=0\nanon=0 N0=0\nunevictable=0 N0=0\nhierarchical_total=0 N0=0\nhierarchical_file=0 N0=0\nhierarchical_anon=0 N0=0\nhierarchical_unevictable=0 N0=0',
    ),
    'memory.oom_control': rw('oom_kill_disable 0\nunder_oom 0\noom_kill 0'),
    'memory.pressure_level': { mode: 0o444, value: null },
    'memory.shown_ram_in_bytes': rw('0'),
    'memory.soft_limit_in_bytes': rw('9223372036854771712'),
    'memory.stat': ro(memoryStat(0, '9223372036854771712', '9223372036854771712')),
    'memory.swappiness': rw('60'),
    'memory.usage_in_bytes': ro('0'),
    'memory.use_hierarchy': rw('1'),
  },
  pids: { ...V1_COMMON, 'pids.current': ro('0'), 'pids.events': ro('max 0'), 'pids.max': rw('max'), 'pids.peak': ro('0') },
  systemd: { ...V1_COMMON },
  unified: {
    'cgroup.controllers': ro(''),
    'cgroup.events': ro('populated 0\nfrozen 0'),
    'cgroup.freeze': rw('0'),
    'cgroup.kill': wo(),
    'cgroup.max.depth': rw('max'),
    'cgroup.max.descendants': rw('max'),
    'cgroup.pressure': rw('1'),
    'cgroup.procs': rw(null),
    'cgroup.stat': ro('nr_descendants 0\nnr_subsys_perf_event 1\nnr_subsys_hugetlb 0\nnr_dying_descendants 0\nnr_dying_subsys_perf_event 0\nnr_dying_subsys_hugetlb 0'),
    'cgroup.stat.local': ro('frozen_usec 0'),
    'cgroup.subtree_control': rw(''),
    'cgroup.threads': rw(null),
    'cgroup.type': rw('domain'),
    'cpu.pressure': rw(PRESSURE),
    'cpu.stat': ro('usage_usec 0\nuser_usec 0\nsystem_usec 0\nnice_usec 0'),
    'cpu.stat.local': ro(''),
    'io.pressure': rw(PRESSURE),
    'memory.pressure': rw(PRESSURE),
  },
};

/** Files only a hierarchy's root has (cgroup v1). */
export const V1_ROOT_ONLY: Readonly<Record<string, Knob>> = { 'cgroup.sane_behavior': ro('0'), release_agent: rw('') };

/** The memory knobs that take a size (memparse: 64m, 1G, -1 for no limit). */
export const MEMORY_SIZE_KNOBS = new Set(['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.soft_limit_in_bytes', 'memory.kmem.limit_in_bytes', 'memory.kmem.tcp.limit_in_bytes']);
