import type { UtilMemory, UtilMount, UtilSystem, UtilTerminal } from '../shell/context';
import { HOST_NAMESPACES } from './namespaces';
import type { ContainerMounts, Kernel } from './kernel';
import { KERNEL_RELEASE_HOST, KERNEL_VERSION, utilProcess } from './procfs';

/**
 * The simulated host as the programs that describe it read it: one mount
 * table per machine and per container, feeding both /proc/mounts (the
 * per-process views) and mount, df and stat (UtilContext.sys); one memory
 * model for /proc/meminfo and free; one kernel for uname and /proc/version.
 * Shapes follow the reference host (Debian 12 on a VM with one virtio disk,
 * /dev/vda, cgroup v1 hybrid), on which the conformance suite runs.
 */

/** The host's name (the prompt's, `hostname`, and a --net=host container's). */
export const HOST_HOSTNAME = 'glassbox';

/** statfs(2) of a filesystem in 1K blocks (what df prints): size, used, available to users, inodes and free inodes. */
export interface DiskUsage {
  blocks: number;
  used: number;
  avail: number;
  files: number;
  filesFree: number;
}

/** The reference host's root disk and its mount options. */
const ROOT_DEVICE = '/dev/vda';
const ROOT_DEV = '254:0';
const EXT4_OPTIONS = 'rw,relatime,discard,resv_strict,resuid=65534,resgid=65534';
/** statfs of the reference host's /dev/vda before Docker's data (5% reserved: 252G, 25G used, 77G free to users), as core/cshell's df has it. */
export const HOST_DISK: DiskUsage = { blocks: 264_212_084, used: 24_780_672, avail: 81_610_240, files: 16_777_216, filesFree: 16_301_262 };
/** Docker's default /dev and /dev/shm size in a container (64 MiB). */
const SHM_KB = 65536;

/** The root disk with `dockerKb` of Docker's layers and containers' upper layers on it. */
export function rootDiskUsage(dockerKb: number): DiskUsage {
  const kb = Math.ceil(dockerKb);
  return { ...HOST_DISK, used: HOST_DISK.used + kb, avail: Math.max(0, HOST_DISK.avail - kb) };
}

function mount(source: string, target: string, fstype: string, options: string, dev: string, size?: DiskUsage, root?: string): UtilMount {
  const s = size ?? { blocks: 0, used: 0, avail: 0, files: 0, filesFree: 0 };
  return { source, target, fstype, options, dev, ...s, ...(root !== undefined ? { root } : {}) };
}

/** A tmpfs of `kb` kilobytes, empty. */
function tmpfs(kb: number): DiskUsage {
  const files = Math.floor(kb / 8);
  return { blocks: kb, used: 0, avail: kb, files, filesFree: files - 1 };
}

/** The cgroup v1 hierarchies in the order the reference host mounted them (runc copies it into containers). */
const V1_MOUNT_ORDER = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'] as const;

/** `cgroup` lines for each v1 hierarchy, then name=systemd: rw on the host, ro with nosuid,nodev,noexec in a container. */
function cgroupMounts(access: 'rw' | 'ro', flags: string): UtilMount[] {
  const out = V1_MOUNT_ORDER.map((c, i) => mount('cgroup', `/sys/fs/cgroup/${c}`, 'cgroup', `${access},${flags}relatime,${c}`, `0:${29 + i}`));
  out.push(mount('cgroup', '/sys/fs/cgroup/systemd', 'cgroup', `${access},${flags}relatime,name=systemd`, '0:37'));
  return out;
}

/**
 * The host's mount table (`cat /proc/mounts` on the reference host, less the
 * sandbox's own mounts): the base system, the cgroups, then each running
 * container's overlay and netns bind mount. `disk` is the root disk's statfs.
 */
export function hostMounts(kernel: Pick<Kernel, 'memTotal' | 'cgroupVersion' | 'containerMounts'> & Partial<Pick<Kernel, 'hostMadeMounts'>>, disk: DiskUsage = HOST_DISK): UtilMount[] {
  const memKb = Math.floor(kernel.memTotal / 1024);
  const half = Math.floor(memKb / 2);
  const out: UtilMount[] = [
    mount('proc', '/proc', 'proc', 'rw,relatime', '0:21'),
    mount('sysfs', '/sys', 'sysfs', 'rw,relatime', '0:22'),
    mount('devtmpfs', '/dev', 'devtmpfs', `rw,relatime,size=${half}k,nr_inodes=3083690,mode=755`, '0:6', { blocks: half, used: 0, avail: half, files: 3_083_690, filesFree: 3_083_577 }),
    mount('tmpfs', '/dev/shm', 'tmpfs', `rw,relatime,size=${memKb}k`, '0:23', tmpfs(memKb)),
    mount('devpts', '/dev/pts', 'devpts', 'rw,relatime,mode=600,ptmxmode=000', '0:24'),
    mount(ROOT_DEVICE, '/', 'ext4', EXT4_OPTIONS, ROOT_DEV, disk),
  ];
  if (kernel.cgroupVersion === 1) {
    out.push(mount('tmpfs', '/sys/fs/cgroup', 'tmpfs', 'rw,relatime,mode=755', '0:28', tmpfs(half)));
    out.push(...cgroupMounts('rw', ''));
    out.push(mount('cgroup2', '/sys/fs/cgroup/unified', 'cgroup2', 'rw,relatime', '0:38'));
  } else {
    out.push(mount('cgroup2', '/sys/fs/cgroup', 'cgroup2', 'rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot', '0:28'));
  }
  out.push(mount('nsfs', '/run/docker/netns/default', 'nsfs', 'rw', '0:4'));
  kernel.containerMounts().forEach((m, i) => {
    out.push(mount('overlay', m.rootfs, 'overlay', m.rootfsOptions, `0:${60 + i}`, disk));
    if (m.sandboxKey !== '') out.push(mount('nsfs', m.sandboxKey.replace(/^\/var\/run\//, '/run/'), 'nsfs', 'rw', '0:4'));
  });
  // Mounts made by hand, after the containers' (in mount order, as the kernel lists them); an overlay shows the disk below.
  kernel.hostMadeMounts?.forEach((m, i) => out.push(mount(m.source, m.target, m.fstype, m.options, `0:${90 + i}`, m.fstype === 'overlay' ? disk : undefined)));
  return out;
}

/**
 * The mounts runc makes for a container (Docker 20.10: `docker run --rm
 * busybox cat /proc/mounts` on the reference host), with statfs numbers: the
 * rootfs and the bind-mounted /etc files are the host disk.
 */
export function containerMounts(c: Pick<ContainerMounts, 'id' | 'rootfsOptions'> | undefined, memTotalKb: number, cgroupVersion: 1 | 2 = 1, disk: DiskUsage = HOST_DISK): UtilMount[] {
  const half = Math.floor(memTotalKb / 2);
  const out: UtilMount[] = [
    mount('overlay', '/', 'overlay', c?.rootfsOptions ?? 'rw,relatime', '0:42', disk),
    mount('proc', '/proc', 'proc', 'rw,nosuid,nodev,noexec,relatime', '0:40'),
    mount('tmpfs', '/dev', 'tmpfs', `rw,nosuid,size=${SHM_KB}k,mode=755`, '0:41', tmpfs(SHM_KB)),
    mount('devpts', '/dev/pts', 'devpts', 'rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666', '0:45'),
    mount('sysfs', '/sys', 'sysfs', 'ro,nosuid,nodev,noexec,relatime', '0:46'),
  ];
  if (cgroupVersion === 1) {
    out.push(mount('tmpfs', '/sys/fs/cgroup', 'tmpfs', 'rw,nosuid,nodev,noexec,relatime,mode=755', '0:47', tmpfs(half)));
    out.push(...cgroupMounts('ro', 'nosuid,nodev,noexec,'));
  } else {
    // cgroup2's superblock options (nsdelegate, memory_recursiveprot) show in every mount of it.
    out.push(mount('cgroup', '/sys/fs/cgroup', 'cgroup2', 'ro,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot', '0:28'));
  }
  out.push(
    mount('mqueue', '/dev/mqueue', 'mqueue', 'rw,nosuid,nodev,noexec,relatime', '0:44'),
    mount('shm', '/dev/shm', 'tmpfs', `rw,nosuid,nodev,noexec,relatime,size=${SHM_KB}k`, '0:43', tmpfs(SHM_KB)),
    ...['resolv.conf', 'hostname', 'hosts'].map((f) => mount(ROOT_DEVICE, `/etc/${f}`, 'ext4', EXT4_OPTIONS, ROOT_DEV, disk, `/var/lib/docker/containers/${c?.id ?? ''}/${f}`)),
    // runc's ReadonlyPaths and MaskedPaths (moby's default spec).
    ...['bus', 'fs', 'irq', 'sys'].map((d) => mount('proc', `/proc/${d}`, 'proc', 'ro,nosuid,nodev,noexec,relatime', '0:40')),
    mount('tmpfs', '/proc/acpi', 'tmpfs', 'ro,relatime', '0:48', tmpfs(half)),
    ...['keys', 'timer_list'].map((f) => mount('tmpfs', `/proc/${f}`, 'tmpfs', `rw,nosuid,size=${SHM_KB}k,mode=755`, '0:41', tmpfs(SHM_KB))),
    mount('tmpfs', '/sys/firmware', 'tmpfs', 'ro,relatime', '0:49', tmpfs(half)),
  );
  return out;
}

/** An overlay root's options as /proc/mounts prints them. */
export function overlayOptions(m: { lowerdirs: readonly string[]; upperdir: string; workdir: string }): string {
  return `rw,relatime,lowerdir=${m.lowerdirs.join(':')},upperdir=${m.upperdir},workdir=${m.workdir}`;
}

/** /proc/mounts text. */
export function formatMounts(mounts: readonly Pick<UtilMount, 'source' | 'target' | 'fstype' | 'options'>[]): string {
  return mounts.map((m) => `${m.source} ${m.target} ${m.fstype} ${m.options} 0 0\n`).join('');
}

/** The mount table of a mount namespace: the host's, or that of the container that made it. */
export function mountsOfNamespace(kernel: Kernel, mntNs: number, disk: DiskUsage = HOST_DISK): UtilMount[] {
  if (mntNs === HOST_NAMESPACES.mnt) return hostMounts(kernel, disk);
  const id = kernel.containerOfMountNs(mntNs);
  return containerMounts(kernel.containerMounts().find((c) => c.id === id), Math.floor(kernel.memTotal / 1024), kernel.cgroupVersion, disk);
}

// ---------------------------------------------------------------------------
// Memory: /proc/meminfo and free read the same numbers.

/** What the kernel and the host's own services hold besides the processes the simulator lists (kB). */
const KERNEL_USED_KB = 163_840;
const BUFFERS_KB = 3436;
/** Page cache and reclaimable slab, which free counts together as buff/cache's cache. */
const PAGE_CACHE_KB = 698_304;
const SRECLAIMABLE_KB = 51_200;
const SUNRECLAIM_KB = 51_200;
const SHMEM_KB = 8952;

/** Memory as free reads it: the kernel's total, what its processes hold, and the reference host's caches. */
export function memoryOf(memTotalBytes: number, rssBytes: number): UtilMemory {
  const total = Math.floor(memTotalBytes / 1024);
  const used = KERNEL_USED_KB + Math.floor(rssBytes / 1024);
  const cached = PAGE_CACHE_KB + SRECLAIMABLE_KB;
  const free = Math.max(0, total - used - BUFFERS_KB - cached);
  return { total, free, available: Math.min(total, free + BUFFERS_KB + cached - SHMEM_KB), shared: SHMEM_KB, buffers: BUFFERS_KB, cached, swapTotal: 0, swapFree: 0 };
}

function kernelMemory(kernel: Kernel): UtilMemory {
  return memoryOf(kernel.memTotal, kernel.processList().reduce((n, p) => n + p.rss, 0));
}

function kbLine(name: string, kb: number): string {
  return `${(name + ':').padEnd(16)}${String(kb).padStart(8)} kB\n`;
}

/** /proc/meminfo (Linux 6.1's fields, in its order), from the numbers free shows. */
export function meminfo(kernel: Kernel): string {
  const m = kernelMemory(kernel);
  const anon = Math.floor(kernel.processList().reduce((n, p) => n + p.rss, 0) / 1024);
  const cached = PAGE_CACHE_KB;
  const slab = SRECLAIMABLE_KB + SUNRECLAIM_KB;
  const activeFile = Math.floor(cached / 2);
  const lines: [string, number][] = [
    ['MemTotal', m.total], ['MemFree', m.free], ['MemAvailable', m.available], ['Buffers', m.buffers], ['Cached', cached],
    ['SwapCached', 0], ['Active', anon + activeFile], ['Inactive', cached - activeFile + m.buffers], ['Active(anon)', anon], ['Inactive(anon)', 0],
    ['Active(file)', activeFile], ['Inactive(file)', cached - activeFile + m.buffers], ['Unevictable', 0], ['Mlocked', 0], ['SwapTotal', m.swapTotal], ['SwapFree', m.swapFree],
    ['Zswap', 0], ['Zswapped', 0], ['Dirty', 0], ['Writeback', 0], ['AnonPages', anon], ['Mapped', 190_284], ['Shmem', m.shared],
    ['KReclaimable', SRECLAIMABLE_KB], ['Slab', slab], ['SReclaimable', SRECLAIMABLE_KB], ['SUnreclaim', SUNRECLAIM_KB],
    ['KernelStack', 4032], ['PageTables', 12_396], ['SecPageTables', 0], ['NFS_Unstable', 0], ['Bounce', 0], ['WritebackTmp', 0],
    ['CommitLimit', Math.floor(m.total / 2)], ['Committed_AS', anon * 2], ['VmallocTotal', 34_359_738_367], ['VmallocUsed', 16_860], ['VmallocChunk', 0],
    ['Percpu', 1040], ['AnonHugePages', 0], ['ShmemHugePages', 0], ['ShmemPmdMapped', 0], ['FileHugePages', 0], ['FilePmdMapped', 0],
  ];
  let text = lines.map(([n, v]) => kbLine(n, v)).join('');
  for (const n of ['HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp']) text += `${(n + ':').padEnd(16)}${'0'.padStart(8)}\n`;
  text += kbLine('Hugepagesize', 2048) + kbLine('Hugetlb', 0) + kbLine('DirectMap4k', 26_624) + kbLine('DirectMap2M', 2_070_528) + kbLine('DirectMap1G', 25_165_824);
  return text;
}

// ---------------------------------------------------------------------------
// The host as one object: what the host shell's utilities read (ps, kill, df, mount, stat, free, uname, tty).

export interface HostSystemOptions {
  /** What /var/lib/docker holds now (layers, upper layers), in kB: used on the root disk. */
  dockerKb?: () => number;
  /** The mount namespace whose table mount and df read (nsenter -m into a container's); the host's by default. */
  mntNs?: number;
  /** The login shell's terminal, when there is one. */
  terminal?: () => UtilTerminal | null;
  /** The host's mount(2) and umount(2) (core/unionfs/hostOverlay.ts), when this shell may mount. */
  mounting?: Pick<UtilSystem, 'mount' | 'umount'>;
  /** A signal some host process handles (SIGHUP to dockerd reloads daemon.json): 'ok' when it took it, undefined when not modelled. */
  signal?: (pid: number, signal: number) => 'ok' | undefined;
}

/**
 * The simulated host for its shell's utilities. Signals other than 0 (a
 * check) and the ones `opts.signal` handles are not delivered from here yet:
 * `kill` says so rather than pretend.
 */
export function hostSystem(kernel: Kernel, opts: HostSystemOptions = {}): UtilSystem {
  return {
    processes: () => {
      const frozen = kernel.frozenPids();
      return kernel.processList().map((p) => utilProcess(p, frozen, kernel.cpuOf(p.pid)));
    },
    kill: (pid, signal) => (kernel.process(pid) === undefined ? 'ESRCH' : signal === 0 ? 'ok' : (opts.signal?.(pid, signal) ?? 'ENOSYS')),
    mounts: () => mountsOfNamespace(kernel, opts.mntNs ?? HOST_NAMESPACES.mnt, rootDiskUsage(opts.dockerKb?.() ?? 0)),
    memory: () => kernelMemory(kernel),
    terminal: () => opts.terminal?.() ?? { name: '/dev/pts/0' },
    kernel: { release: KERNEL_RELEASE_HOST, version: KERNEL_VERSION, machine: 'x86_64' },
    privileged: true,
    ...(opts.mounting ? { mount: (req) => opts.mounting!.mount!(req), umount: (t) => opts.mounting!.umount!(t) } : {}),
  };
}

// ---------------------------------------------------------------------------
// /proc files about the machine

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
