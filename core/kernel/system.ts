/**
 * The machine as the shell utilities see it (UtilSystem, core/shell/context.ts):
 * the simulated host's processes, mount table, memory, terminal and kernel,
 * and the mount table a container sees. The disk is the reference host's
 * (a 252 GiB /dev/vda, the numbers fixed so output is reproducible); memory is
 * the kernel's total less what its processes hold.
 */
import type { RootfsMount } from '../model';
import type { UtilMemory, UtilMount, UtilSystem, UtilTerminal } from '../shell/context';
import type { Kernel } from './kernel';
import { KERNEL_RELEASE_HOST, utilProcess } from './procfs';

/** `uname -v` of the reference host. */
export const KERNEL_VERSION_HOST = '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)';

/** The host disk in 1K blocks (statfs of the reference host's /dev/vda: 5% reserved), as core/cshell's df has it. */
export const HOST_DISK = { blocks: 264212084, used: 24780672, avail: 81610240, files: 16777216, filesFree: 16301262 };
/** Docker's default /dev and /dev/shm size in a container (64 MiB). */
const SHM_KB = 65536;
/** What the kernel and the host's own services hold besides the processes the simulator lists (kB). */
const KERNEL_USED_KB = 163_840;
const BUFFERS_KB = 3436;
const CACHED_KB = 749_504;
const SHMEM_KB = 8952;

type MountSpec = [source: string, target: string, fstype: string, options: string, dev: string];

function mount([source, target, fstype, options, dev]: MountSpec, size?: { blocks: number; used: number; avail: number; files?: number; filesFree?: number }, root?: string): UtilMount {
  const s = size ?? { blocks: 0, used: 0, avail: 0 };
  return { source, target, fstype, options, dev, blocks: s.blocks, used: s.used, avail: s.avail, files: s.files ?? 0, filesFree: s.filesFree ?? 0, ...(root !== undefined ? { root } : {}) };
}

/** A tmpfs of `kb` kilobytes, empty. */
function tmpfs(kb: number): { blocks: number; used: number; avail: number; files: number; filesFree: number } {
  const files = Math.floor(kb / 8);
  return { blocks: kb, used: 0, avail: kb, files, filesFree: files - 1 };
}

function overlayOptions(r: RootfsMount): string {
  return `rw,relatime,lowerdir=${r.lowerdirs.join(':')},upperdir=${r.upperdir},workdir=${r.workdir}`;
}

/** The host's mount table: Debian 12's, with an overlay for each running container's rootfs. */
export function hostMounts(memTotalKb: number, cgroupVersion: 1 | 2, rootfs: readonly RootfsMount[]): UtilMount[] {
  const half = Math.floor(memTotalKb / 2);
  const out: UtilMount[] = [
    mount(['sysfs', '/sys', 'sysfs', 'rw,nosuid,nodev,noexec,relatime', '0:21']),
    mount(['proc', '/proc', 'proc', 'rw,nosuid,nodev,noexec,relatime', '0:22']),
    mount(['udev', '/dev', 'devtmpfs', `rw,nosuid,relatime,size=${half}k,nr_inodes=${Math.floor(half / 4)},mode=755,inode64`, '0:5'], tmpfs(half)),
    mount(['devpts', '/dev/pts', 'devpts', 'rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000', '0:23']),
    mount(['tmpfs', '/run', 'tmpfs', `rw,nosuid,nodev,noexec,relatime,size=${Math.floor(memTotalKb / 10)}k,mode=755,inode64`, '0:24'], { ...tmpfs(Math.floor(memTotalKb / 10)), used: 1064, avail: Math.floor(memTotalKb / 10) - 1064 }),
    mount(['/dev/vda', '/', 'ext4', 'rw,relatime,discard', '254:0'], HOST_DISK),
    mount(['tmpfs', '/dev/shm', 'tmpfs', 'rw,nosuid,nodev,inode64', '0:25'], tmpfs(half)),
    mount(['tmpfs', '/run/lock', 'tmpfs', 'rw,nosuid,nodev,noexec,relatime,size=5120k,inode64', '0:26'], tmpfs(5120)),
    cgroupVersion === 2
      ? mount(['cgroup2', '/sys/fs/cgroup', 'cgroup2', 'rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot', '0:27'])
      : mount(['tmpfs', '/sys/fs/cgroup', 'tmpfs', 'ro,nosuid,nodev,noexec,mode=755,inode64', '0:27'], tmpfs(4096)),
  ];
  if (cgroupVersion === 1) {
    const ctls = ['systemd', 'cpu,cpuacct', 'memory', 'devices', 'freezer', 'pids', 'blkio', 'cpuset'];
    ctls.forEach((c, i) => out.push(mount(['cgroup', `/sys/fs/cgroup/${c}`, 'cgroup', `rw,nosuid,nodev,noexec,relatime,${c === 'systemd' ? 'xattr,name=systemd' : c}`, `0:${28 + i}`])));
  }
  rootfs.forEach((r, i) => out.push(mount(['overlay', r.merged, 'overlay', overlayOptions(r), `0:${60 + i}`], HOST_DISK)));
  return out;
}

/**
 * The mount table inside a container, as `docker run` sets it up (Docker
 * 20.10, cgroup v1: what `cat /proc/mounts` shows in the busybox image), with
 * statfs numbers: the rootfs and the bind-mounted /etc files are the host disk.
 */
export function containerMounts(rootfs: RootfsMount | undefined, memTotalKb: number, cgroupVersion: 1 | 2 = 1): UtilMount[] {
  const half = Math.floor(memTotalKb / 2);
  const overlay = rootfs ? overlayOptions(rootfs) : 'rw,relatime';
  const id = rootfs?.containerId ?? '';
  const out: UtilMount[] = [
    mount(['overlay', '/', 'overlay', overlay, '0:42'], HOST_DISK),
    mount(['proc', '/proc', 'proc', 'rw,nosuid,nodev,noexec,relatime', '0:40']),
    mount(['tmpfs', '/dev', 'tmpfs', 'rw,nosuid,size=65536k,mode=755', '0:41'], tmpfs(SHM_KB)),
    mount(['devpts', '/dev/pts', 'devpts', 'rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666', '0:45']),
    mount(['sysfs', '/sys', 'sysfs', 'ro,nosuid,nodev,noexec,relatime', '0:46']),
  ];
  if (cgroupVersion === 2) out.push(mount(['cgroup', '/sys/fs/cgroup', 'cgroup2', 'ro,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot', '0:27']));
  else {
    out.push(mount(['tmpfs', '/sys/fs/cgroup', 'tmpfs', 'rw,nosuid,nodev,noexec,relatime,mode=755', '0:47'], tmpfs(half)));
    ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'].forEach((c, i) => out.push(mount(['cgroup', `/sys/fs/cgroup/${c}`, 'cgroup', `ro,nosuid,nodev,noexec,relatime,${c}`, `0:${29 + i}`])));
    out.push(mount(['cgroup', '/sys/fs/cgroup/systemd', 'cgroup', 'ro,nosuid,nodev,noexec,relatime,name=systemd', '0:37']));
  }
  out.push(
    mount(['mqueue', '/dev/mqueue', 'mqueue', 'rw,nosuid,nodev,noexec,relatime', '0:44']),
    mount(['shm', '/dev/shm', 'tmpfs', 'rw,nosuid,nodev,noexec,relatime,size=65536k', '0:43'], tmpfs(SHM_KB)),
    ...['resolv.conf', 'hostname', 'hosts'].map((f) => mount(['/dev/vda', `/etc/${f}`, 'ext4', 'rw,relatime,discard', '254:0'], HOST_DISK, `/var/lib/docker/containers/${id}/${f}`)),
    ...['bus', 'fs', 'irq', 'sys'].map((d) => mount(['proc', `/proc/${d}`, 'proc', 'ro,nosuid,nodev,noexec,relatime', '0:40'])),
    mount(['tmpfs', '/proc/acpi', 'tmpfs', 'ro,relatime', '0:48'], tmpfs(half)),
    ...['keys', 'timer_list'].map((f) => mount(['tmpfs', `/proc/${f}`, 'tmpfs', 'rw,nosuid,size=65536k,mode=755', '0:41'], tmpfs(SHM_KB))),
    mount(['tmpfs', '/sys/firmware', 'tmpfs', 'ro,relatime', '0:49'], tmpfs(half)),
  );
  return out;
}

/** Memory as free reads it: the kernel's total, what its processes hold, and the reference host's caches. */
export function memoryOf(memTotalBytes: number, rssBytes: number): UtilMemory {
  const total = Math.floor(memTotalBytes / 1024);
  const used = KERNEL_USED_KB + Math.floor(rssBytes / 1024);
  const free = Math.max(0, total - used - BUFFERS_KB - CACHED_KB);
  return { total, free, available: Math.min(total, free + BUFFERS_KB + CACHED_KB - SHMEM_KB), shared: SHMEM_KB, buffers: BUFFERS_KB, cached: CACHED_KB, swapTotal: 0, swapFree: 0 };
}

export interface HostSystemOptions {
  /** The rootfs mounts of running containers (from the engine), for the host's mount table. */
  rootfs?: () => readonly RootfsMount[];
  /** The login shell's terminal, when there is one. */
  terminal?: () => UtilTerminal | null;
}

/**
 * The simulated host for its shell's utilities. Signals other than 0 (a
 * check) are not delivered from here yet: `kill` says so rather than pretend.
 */
export function hostSystem(kernel: Kernel, opts: HostSystemOptions = {}): UtilSystem {
  return {
    processes: () => {
      const frozen = kernel.frozenPids();
      return kernel.processList().map((p) => utilProcess(p, frozen));
    },
    kill: (pid, signal) => (kernel.process(pid) === undefined ? 'ESRCH' : signal === 0 ? 'ok' : 'ENOSYS'),
    mounts: () => hostMounts(Math.floor(kernel.memTotal / 1024), kernel.cgroupVersion, opts.rootfs?.() ?? []),
    memory: () => memoryOf(kernel.memTotal, kernel.processList().reduce((n, p) => n + p.rss, 0)),
    terminal: () => opts.terminal?.() ?? { name: '/dev/pts/0' },
    kernel: { release: KERNEL_RELEASE_HOST, version: KERNEL_VERSION_HOST, machine: 'x86_64' },
    privileged: true,
  };
}
