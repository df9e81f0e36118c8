import type { CommandRunner } from '../process';
import { HOST_NAMESPACES } from './namespaces';
import type { Kernel } from './kernel';
import { KERNEL_RELEASE_HOST, KERNEL_VERSION } from './procfs';

/**
 * The simulated host as the programs that describe it read it (uname, date,
 * df, mount, /proc/mounts, /proc/meminfo): its name, kernel, mounts and disk.
 * Shapes follow the reference host (Debian 12 on a VM with one virtio disk,
 * /dev/vda, cgroup v1 hybrid), on which the conformance suite runs.
 */

/** The host's name (the prompt's, `hostname`, and a --net=host container's). */
export const HOST_HOSTNAME = 'glassbox';

/** One line of /proc/mounts. */
export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  options: string;
}

/** statfs(2) of a mounted filesystem, in 1K blocks (what df prints). */
export interface DiskUsage {
  totalKb: number;
  usedKb: number;
  availKb: number;
  inodes: number;
  inodesFree: number;
}

/** What the host's utilities read of the machine: the port the host shell's date, df, mount and uname are given. */
export interface HostSystem {
  /** uname: -s -n -r -v -m. */
  readonly sysname: string;
  readonly hostname: string;
  readonly release: string;
  readonly version: string;
  readonly machine: string;
  /** The login shell's pid (`$$`). */
  readonly shellPid: number;
  /** Virtual time, ms since the epoch. */
  now(): number;
  /** When the host booted, ms since the epoch. */
  bootTime(): number;
  /** The host's mount table, in /proc/mounts order (running containers' overlays and netns mounts at the end). */
  mounts(): MountEntry[];
  /** statfs of the filesystem mounted at `target`; undefined for pseudo filesystems (proc, sysfs, cgroup). */
  diskUsage(target: string): DiskUsage | undefined;
}

/** The reference host's root disk and its mount options. */
const ROOT_DEVICE = '/dev/vda';
const EXT4_OPTIONS = 'rw,relatime,discard,resv_strict,resuid=65534,resgid=65534';
/** The reference host's disk as statfs reports it: 252G, 25G used before Docker's data, 77G free to users. */
const DISK = { totalKb: 264_212_084, usedKb: 24_780_672, reservedKb: 157_820_172, inodes: 16_777_216, inodesUsed: 412_345 };

/** The cgroup v1 hierarchies in the order the host mounted them (runc copies it into containers). */
const V1_MOUNT_ORDER = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'] as const;

/** `cgroup` lines for each v1 hierarchy, mounted at `at/<name>` with `access` (rw on the host, ro in a container). */
function cgroupMounts(access: 'rw' | 'ro', flags: string): MountEntry[] {
  const out = V1_MOUNT_ORDER.map((c) => ({ source: 'cgroup', target: `/sys/fs/cgroup/${c}`, fstype: 'cgroup', options: `${access},${flags}relatime,${c}` }));
  out.push({ source: 'cgroup', target: '/sys/fs/cgroup/systemd', fstype: 'cgroup', options: `${access},${flags}relatime,name=systemd` });
  return out;
}

/** The host's mounts: the base system, cgroups, then each running container's overlay and netns bind mount. */
export function hostMounts(kernel: Kernel): MountEntry[] {
  const out: MountEntry[] = [
    { source: 'proc', target: '/proc', fstype: 'proc', options: 'rw,relatime' },
    { source: 'sysfs', target: '/sys', fstype: 'sysfs', options: 'rw,relatime' },
    { source: 'devtmpfs', target: '/dev', fstype: 'devtmpfs', options: `rw,relatime,size=${Math.floor(kernel.memTotal / 2048)}k,nr_inodes=3083690,mode=755` },
    { source: 'tmpfs', target: '/dev/shm', fstype: 'tmpfs', options: `rw,relatime,size=${Math.floor(kernel.memTotal / 1024)}k` },
    { source: 'devpts', target: '/dev/pts', fstype: 'devpts', options: 'rw,relatime,mode=600,ptmxmode=000' },
    { source: ROOT_DEVICE, target: '/', fstype: 'ext4', options: EXT4_OPTIONS },
  ];
  if (kernel.cgroupVersion === 1) {
    out.push({ source: 'tmpfs', target: '/sys/fs/cgroup', fstype: 'tmpfs', options: 'rw,relatime,mode=755' });
    out.push(...cgroupMounts('rw', ''));
    out.push({ source: 'cgroup2', target: '/sys/fs/cgroup/unified', fstype: 'cgroup2', options: 'rw,relatime' });
  } else {
    out.push({ source: 'cgroup2', target: '/sys/fs/cgroup', fstype: 'cgroup2', options: 'rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot' });
  }
  out.push({ source: 'nsfs', target: '/run/docker/netns/default', fstype: 'nsfs', options: 'rw' });
  for (const m of kernel.containerMounts()) {
    out.push({ source: 'overlay', target: m.rootfs, fstype: 'overlay', options: m.rootfsOptions });
    if (m.sandboxKey !== '') out.push({ source: 'nsfs', target: m.sandboxKey.replace(/^\/var\/run\//, '/run/'), fstype: 'nsfs', options: 'rw' });
  }
  return out;
}

/** The mounts runc makes for a container (read from /proc/mounts in a busybox container on the reference host). */
export function containerMountTable(rootfsOptions: string, cgroupVersion: 1 | 2): MountEntry[] {
  const out: MountEntry[] = [
    { source: 'overlay', target: '/', fstype: 'overlay', options: rootfsOptions },
    { source: 'proc', target: '/proc', fstype: 'proc', options: 'rw,nosuid,nodev,noexec,relatime' },
    { source: 'tmpfs', target: '/dev', fstype: 'tmpfs', options: 'rw,nosuid,size=65536k,mode=755' },
    { source: 'devpts', target: '/dev/pts', fstype: 'devpts', options: 'rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666' },
    { source: 'sysfs', target: '/sys', fstype: 'sysfs', options: 'ro,nosuid,nodev,noexec,relatime' },
  ];
  if (cgroupVersion === 1) {
    out.push({ source: 'tmpfs', target: '/sys/fs/cgroup', fstype: 'tmpfs', options: 'rw,nosuid,nodev,noexec,relatime,mode=755' });
    out.push(...cgroupMounts('ro', 'nosuid,nodev,noexec,'));
  } else {
    out.push({ source: 'cgroup', target: '/sys/fs/cgroup', fstype: 'cgroup2', options: 'ro,nosuid,nodev,noexec,relatime' });
  }
  out.push({ source: 'mqueue', target: '/dev/mqueue', fstype: 'mqueue', options: 'rw,nosuid,nodev,noexec,relatime' });
  out.push({ source: 'shm', target: '/dev/shm', fstype: 'tmpfs', options: 'rw,nosuid,nodev,noexec,relatime,size=65536k' });
  for (const f of ['resolv.conf', 'hostname', 'hosts']) out.push({ source: ROOT_DEVICE, target: `/etc/${f}`, fstype: 'ext4', options: EXT4_OPTIONS });
  // runc's ReadonlyPaths and MaskedPaths (moby's default spec).
  for (const d of ['bus', 'fs', 'irq', 'sys']) out.push({ source: 'proc', target: `/proc/${d}`, fstype: 'proc', options: 'ro,nosuid,nodev,noexec,relatime' });
  out.push({ source: 'tmpfs', target: '/proc/acpi', fstype: 'tmpfs', options: 'ro,relatime' });
  for (const f of ['keys', 'timer_list']) out.push({ source: 'tmpfs', target: `/proc/${f}`, fstype: 'tmpfs', options: 'rw,nosuid,size=65536k,mode=755' });
  out.push({ source: 'tmpfs', target: '/sys/firmware', fstype: 'tmpfs', options: 'ro,relatime' });
  return out;
}

/** An overlay root's options as /proc/mounts prints them. */
export function overlayOptions(m: { lowerdirs: readonly string[]; upperdir: string; workdir: string }): string {
  return `rw,relatime,lowerdir=${m.lowerdirs.join(':')},upperdir=${m.upperdir},workdir=${m.workdir}`;
}

/** /proc/mounts text. */
export function formatMounts(mounts: readonly MountEntry[]): string {
  return mounts.map((m) => `${m.source} ${m.target} ${m.fstype} ${m.options} 0 0\n`).join('');
}

/** The mount table of a mount namespace: the host's, or the container's that made it. */
export function mountsOfNamespace(kernel: Kernel, mntNs: number): MountEntry[] {
  if (mntNs === HOST_NAMESPACES.mnt) return hostMounts(kernel);
  const id = kernel.containerOfMountNs(mntNs);
  const m = kernel.containerMounts().find((c) => c.id === id);
  return containerMountTable(m?.rootfsOptions ?? 'rw,relatime', kernel.cgroupVersion);
}

/** statfs of the root disk: Docker's layers and containers' upper layers count as used. */
export function rootDiskUsage(dockerKb: number): DiskUsage {
  const usedKb = DISK.usedKb + Math.ceil(dockerKb);
  return { totalKb: DISK.totalKb, usedKb, availKb: Math.max(0, DISK.totalKb - DISK.reservedKb - usedKb + DISK.usedKb), inodes: DISK.inodes, inodesFree: DISK.inodes - DISK.inodesUsed };
}

/** The HostSystem of a simulated host. `dockerKb` is what /var/lib/docker holds now (layers, upper layers). */
export function hostSystem(kernel: Kernel, opts: { now: () => number; hostname?: string; dockerKb?: () => number }): HostSystem {
  return {
    sysname: 'Linux',
    hostname: opts.hostname ?? HOST_HOSTNAME,
    release: KERNEL_RELEASE_HOST,
    version: KERNEL_VERSION,
    machine: 'x86_64',
    shellPid: kernel.shellPid,
    now: opts.now,
    bootTime: () => kernel.bootTime,
    mounts: () => hostMounts(kernel),
    diskUsage: (target) => {
      const m = hostMounts(kernel).find((x) => x.target === target);
      if (!m) return undefined;
      if (m.source === ROOT_DEVICE || m.fstype === 'overlay') return rootDiskUsage(opts.dockerKb?.() ?? 0);
      const size = /size=([0-9]+)k/.exec(m.options);
      if (size) return { totalKb: Number(size[1]), usedKb: 0, availKb: Number(size[1]), inodes: 3_083_690, inodesFree: 3_083_690 - 500 };
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------
// /proc files about the machine

function kbLine(name: string, kb: number): string {
  return `${(name + ':').padEnd(16)}${String(kb).padStart(8)} kB\n`;
}

/** /proc/meminfo: the host's memory less what the simulated processes hold (Linux 6.1's fields, in its order). */
export function meminfo(kernel: Kernel): string {
  const total = Math.floor(kernel.memTotal / 1024);
  const anon = Math.floor(kernel.processList().reduce((n, p) => n + p.rss, 0) / 1024);
  const cached = 722_520;
  const buffers = 12_312;
  const slab = 102_400;
  const free = Math.max(0, total - anon - cached - buffers - slab);
  const lines: [string, number][] = [
    ['MemTotal', total], ['MemFree', free], ['MemAvailable', free + cached + buffers + Math.floor(slab / 2)], ['Buffers', buffers], ['Cached', cached],
    ['SwapCached', 0], ['Active', anon + 300_000], ['Inactive', cached - 300_000 + buffers], ['Active(anon)', anon], ['Inactive(anon)', 0],
    ['Active(file)', 300_000], ['Inactive(file)', cached - 300_000 + buffers], ['Unevictable', 0], ['Mlocked', 0], ['SwapTotal', 0], ['SwapFree', 0],
    ['Zswap', 0], ['Zswapped', 0], ['Dirty', 0], ['Writeback', 0], ['AnonPages', anon], ['Mapped', 190_284], ['Shmem', 10_304],
    ['KReclaimable', Math.floor(slab / 2)], ['Slab', slab], ['SReclaimable', Math.floor(slab / 2)], ['SUnreclaim', slab - Math.floor(slab / 2)],
    ['KernelStack', 4032], ['PageTables', 12_396], ['SecPageTables', 0], ['NFS_Unstable', 0], ['Bounce', 0], ['WritebackTmp', 0],
    ['CommitLimit', Math.floor(total / 2)], ['Committed_AS', anon * 2], ['VmallocTotal', 34_359_738_367], ['VmallocUsed', 16_860], ['VmallocChunk', 0],
    ['Percpu', 1040], ['AnonHugePages', 0], ['ShmemHugePages', 0], ['ShmemPmdMapped', 0], ['FileHugePages', 0], ['FilePmdMapped', 0],
  ];
  let text = lines.map(([n, v]) => kbLine(n, v)).join('');
  for (const n of ['HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp']) text += `${(n + ':').padEnd(16)}${'0'.padStart(8)}\n`;
  text += kbLine('Hugepagesize', 2048) + kbLine('Hugetlb', 0) + kbLine('DirectMap4k', 26_624) + kbLine('DirectMap2M', 2_070_528) + kbLine('DirectMap1G', 25_165_824);
  return text;
}

const CPU_FLAGS =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext cpuid_fault vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx_vnni avx512_bf16 clzero xsaveerptr arat avx512vbmi umip avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid fsrm avx512_vp2intersect';

/** /proc/cpuinfo: one block per CPU, as the reference host's virtual AMD EPYC shows them. */
export function cpuinfo(cpus: number): string {
  let text = '';
  for (let i = 0; i < cpus; i++) {
    text +=
      `processor\t: ${i}\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\nstepping\t: 1\nmicrocode\t: 0x1000065\n` +
      `cpu MHz\t\t: 2596.122\ncache size\t: 1024 KB\nphysical id\t: 0\nsiblings\t: ${cpus}\ncore id\t\t: ${i}\ncpu cores\t: ${cpus}\napicid\t\t: ${i}\ninitial apicid\t: ${i}\n` +
      `fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 28\nwp\t\t: yes\nflags\t\t: ${CPU_FLAGS}\n` +
      'bugs\t\t: sysret_ss_attrs null_seg spectre_v1 spectre_v2 spec_store_bypass srso spectre_v2_user\nbogomips\t: 5192.24\nTLB size\t: 192 4K pages\n' +
      'clflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 48 bits physical, 48 bits virtual\npower management:\n\n';
  }
  return text;
}

/** /proc/version for the model's kernel. */
export function procVersion(): string {
  return `Linux version ${KERNEL_RELEASE_HOST} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) ${KERNEL_VERSION}\n`;
}

/** /proc/uptime: seconds since boot, and idle time summed over the CPUs. */
export function procUptime(kernel: Kernel, now: number): string {
  const up = Math.max(0, now - kernel.bootTime) / 1000;
  return `${up.toFixed(2)} ${(up * kernel.cpus * 0.97).toFixed(2)}\n`;
}

const UNAME_FIELDS = [
  ['s', 'kernel-name'], ['n', 'nodename'], ['r', 'kernel-release'], ['v', 'kernel-version'],
  ['m', 'machine'], ['p', 'processor'], ['i', 'hardware-platform'], ['o', 'operating-system'],
] as const;

/** GNU coreutils' uname over the host's HostSystem. */
export function unameCommand(sys: () => Pick<HostSystem, 'sysname' | 'hostname' | 'release' | 'version' | 'machine'>): CommandRunner {
  return async (argv, io) => {
    const want = new Set<string>();
    const usage = (msg: string): number => {
      io.stderr(`uname: ${msg}\nTry 'uname --help' for more information.\n`);
      return 1;
    };
    for (const a of argv.slice(1)) {
      if (a === '--help' || a === '--version') {
        io.stderr(`glassbox: uname ${a}: not simulated yet\n`);
        return 2;
      }
      if (a.startsWith('--')) {
        const f = a === '--all' ? 'a' : UNAME_FIELDS.find(([, long]) => `--${long}` === a)?.[0];
        if (f === undefined) return usage(`unrecognized option '${a}'`);
        want.add(f);
      } else if (a.startsWith('-') && a !== '-') {
        for (const c of a.slice(1)) {
          if (c !== 'a' && !UNAME_FIELDS.some(([s]) => s === c)) return usage(`invalid option -- '${c}'`);
          want.add(c);
        }
      } else return usage(`extra operand \u2018${a}\u2019`);
    }
    const s = sys();
    const value: Record<string, string> = { s: s.sysname, n: s.hostname, r: s.release, v: s.version, m: s.machine, p: 'unknown', i: 'unknown', o: 'GNU/Linux' };
    // -a leaves out processor and hardware platform when they are unknown.
    if (want.has('a')) for (const f of ['s', 'n', 'r', 'v', 'm', 'o']) want.add(f);
    if (want.size === 0) want.add('s');
    const fields = UNAME_FIELDS.filter(([f]) => want.has(f) && !(want.has('a') && value[f] === 'unknown')).map(([f]) => value[f]!);
    io.stdout(fields.join(' ') + '\n');
    return 0;
  };
}
