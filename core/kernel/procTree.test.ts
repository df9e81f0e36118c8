import { describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { EngineDriver } from '../engine/testDriver';
import { seededRng } from '../ports';
import { Scheduler } from '../scheduler';
import { MemFs } from '../shell/memfs';
import type { Fs } from '../shell/filesystem';
import { HOST_NAMESPACES } from './namespaces';
import { processFs } from './views';

/**
 * /proc and /sys/fs/cgroup as a process sees them, read through the same
 * filesystem view the engine and the host shell give their programs. The
 * expected shapes are the reference host's (`docker run --rm -m 64m --cpus 0.5
 * busybox sh -c 'cat /proc/1/cgroup; ls -l /proc/1/ns; …'`, recorded below).
 */

/** What the reference host printed for `cat /proc/1/cgroup` in such a container (the id masked). */
const REAL_PROC_1_CGROUP = [
  '9:name=systemd:/docker/<id>', '8:pids:/docker/<id>', '7:blkio:/docker/<id>', '6:freezer:/docker/<id>', '5:devices:/docker/<id>',
  '4:memory:/docker/<id>', '3:cpuset:/docker/<id>', '2:cpuacct:/docker/<id>', '1:cpu:/docker/<id>', '0::/docker/<id>', '',
].join('\n');
/** `ls /proc/1/ns` there. */
const REAL_NS_NAMES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'pid_for_children', 'time', 'time_for_children', 'user', 'uts'];
/** The first lines of `cat /proc/self/status` when cat is the container's PID 1. */
const REAL_STATUS_HEAD = ['Name:\tcat', 'Umask:\t0022', 'State:\tR (running)', 'Tgid:\t1', 'Ngid:\t0', 'Pid:\t1', 'PPid:\t0', 'TracerPid:\t0', 'Uid:\t0\t0\t0\t0', 'Gid:\t0\t0\t0\t0'];

function setup() {
  const d = new EngineDriver('proc-tree');
  const id = d.runDetached(['cat'], { resources: { memory: 64 * 1024 * 1024, nanoCpus: 0.5e9 }, openStdin: true });
  const kernel = d.engine.kernel;
  const pid = (d.engine.inspect(id).State as { Pid: number }).Pid;
  const now = (): number => 0;
  const host = processFs(kernel, new MemFs(), kernel.shellPid, now);
  const inside = processFs(kernel, new MemFs(), pid, now);
  return { d, id, kernel, pid, host, inside };
}

function read(fs: Fs, path: string): string {
  const r = fs.tryRead(path);
  return 'data' in r ? r.data : `<${r.error}>`;
}

describe('procfs seen from inside a container', () => {
  const { id, pid, kernel, inside } = setup();
  const ns = kernel.containerNamespaces(id)!;
  it.each([
    ['/proc/1/cgroup', REAL_PROC_1_CGROUP.replaceAll('<id>', id)],
    ['/proc/self/cgroup', REAL_PROC_1_CGROUP.replaceAll('<id>', id)],
    ['/proc/1/cmdline', 'cat\0'],
    ['/proc/1/comm', 'cat\n'],
    ['/proc/1/ns/net', '<EINVAL>'],
    [`/proc/${pid}/status`, '<ENOENT>'],
    ['/proc/2/status', '<ENOENT>'],
    ['/sys/fs/cgroup/memory/memory.limit_in_bytes', '67108864\n'],
    ['/sys/fs/cgroup/cpu/cpu.cfs_quota_us', '50000\n'],
    ['/sys/fs/cgroup/cpu/cpu.cfs_period_us', '100000\n'],
    ['/sys/fs/cgroup/cpu/cpu.shares', '1024\n'],
    ['/sys/fs/cgroup/pids/pids.max', 'max\n'],
    ['/sys/fs/cgroup/cpu/tasks', '1\n'],
    ['/sys/fs/cgroup/memory/cgroup.procs', '1\n'],
  ])('%s', (path, want) => {
    expect(read(inside, path)).toBe(want);
  });

  it('/proc/self/status is the reading process, numbered in its pid namespace', () => {
    expect(read(inside, '/proc/self/status').split('\n').slice(0, 10)).toEqual(REAL_STATUS_HEAD);
    expect(read(inside, '/proc/self/status')).toContain('NSpid:\t1\n');
  });

  it('lists only the container’s processes, /proc/self and the machine files', () => {
    expect(inside.readdir('/proc')).toEqual(['1', 'cgroups', 'cmdline', 'cpuinfo', 'filesystems', 'loadavg', 'meminfo', 'mounts', 'self', 'uptime', 'version']);
    expect(inside.readlink('/proc/self')).toBe('1');
    expect(inside.readdir('/proc/1/ns')).toEqual(REAL_NS_NAMES);
  });

  it('links each namespace to the inode the kernel gave it; the host’s for what it shares', () => {
    for (const t of ['ipc', 'mnt', 'net', 'pid', 'uts'] as const) expect(inside.readlink(`/proc/1/ns/${t}`)).toBe(`${t}:[${ns[t]}]`);
    expect(inside.readlink('/proc/1/ns/cgroup')).toBe(`cgroup:[${HOST_NAMESPACES.cgroup}]`);
    expect(inside.readlink('/proc/1/ns/user')).toBe(`user:[${HOST_NAMESPACES.user}]`);
    expect(inside.lstat('/proc/1/ns/net')).toMatchObject({ kind: 'symlink', mode: 0o777, size: 0 });
  });

  it('shows runc’s mounts: the overlay root, proc, the read-only cgroup binds, the /etc binds', () => {
    const mounts = read(inside, '/proc/mounts');
    expect(mounts).toMatch(/^overlay \/ overlay rw,relatime,lowerdir=\/var\/lib\/docker\/overlay2\/[0-9a-f]{64}-init\/diff:.*,upperdir=.*\/diff,workdir=.*\/work 0 0\n/);
    expect(mounts).toContain('\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n');
    expect(mounts).toContain('\ncgroup /sys/fs/cgroup/memory cgroup ro,nosuid,nodev,noexec,relatime,memory 0 0\n');
    expect(mounts).toContain('\n/dev/vda /etc/hostname ext4 ');
    expect(read(inside, '/proc/1/mounts')).toBe(mounts);
    expect(inside.readlink('/proc/mounts')).toBe('self/mounts');
  });

  it('has the hierarchies runc binds, read-only: no cgroup2, nothing written', () => {
    expect(inside.readdir('/sys/fs/cgroup')).toEqual(['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids', 'systemd']);
    expect(inside.writeFile('/sys/fs/cgroup/cpu/cpu.shares', '5\n')).toBe('EROFS');
    expect(inside.mkdir('/sys/fs/cgroup/cpu/x')).toBe('EROFS');
  });

  it('meminfo and cpuinfo have the kernel’s shapes', () => {
    expect(read(inside, '/proc/meminfo')).toMatch(/^MemTotal: {7}24683656 kB\nMemFree: +\d+ kB\nMemAvailable: +\d+ kB\n/);
    expect(read(inside, '/proc/cpuinfo').match(/^processor\t: \d+$/gm)).toEqual(['processor\t: 0', 'processor\t: 1']);
  });
});

describe('procfs seen from the host', () => {
  const { id, pid, kernel, host } = setup();
  it.each([
    ['/proc/self', () => String(kernel.shellPid)],
    ['/proc/1/cmdline', () => '/sbin/init\0'],
    [`/proc/${kernel.shellPid}/cmdline`, () => '-bash\0'],
  ])('%s', (path, want) => {
    const r = host.lstat(path);
    if (typeof r !== 'string' && r.kind === 'symlink') expect(r.target).toBe(want());
    else expect(read(host, path)).toBe(want());
  });

  it('numbers a container process by both its pids', () => {
    expect(read(host, `/proc/${pid}/status`)).toContain(`\nPid:\t${pid}\n`);
    expect(read(host, `/proc/${pid}/status`)).toContain(`\nNSpid:\t${pid}\t1\n`);
    expect(host.readlink(`/proc/${pid}/ns/net`)).toBe(`net:[${kernel.containerNamespaces(id)!.net}]`);
  });

  it('lists every hierarchy with Docker’s cgroups, and the container’s pids as the host numbers them', () => {
    expect(host.readdir('/sys/fs/cgroup')).toEqual(['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids', 'systemd', 'unified']);
    expect(host.readdir('/sys/fs/cgroup/cpu/docker')).toContain(id);
    expect(read(host, `/sys/fs/cgroup/cpu/docker/${id}/tasks`)).toBe(`${pid}\n`);
    expect(read(host, `/sys/fs/cgroup/memory/docker/${id}/memory.limit_in_bytes`)).toBe('67108864\n');
    expect(read(host, '/proc/mounts')).toContain(`\noverlay /var/lib/docker/overlay2/`);
    expect(read(host, '/proc/mounts')).toContain('\ncgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n');
  });
});

describe('cgroup v2 (the systemd driver’s unified tree)', () => {
  it('a container sees its own cgroup as the root of its cgroup namespace; the host sees the scope', () => {
    const engine = new Engine({ scheduler: new Scheduler(0), rng: seededRng('v2'), cgroupVersion: 2, preload: ['busybox:latest'] });
    const { id } = engine.create({ image: 'busybox', cmd: ['sleep', '300'], resources: { memory: 64 * 1024 * 1024, nanoCpus: 0.5e9 } });
    engine.start(id);
    const kernel = engine.kernel;
    const pid = (engine.inspect(id).State as { Pid: number }).Pid;
    const inside = processFs(kernel, new MemFs(), pid, () => 0);
    const host = processFs(kernel, new MemFs(), kernel.shellPid, () => 0);
    expect(read(inside, '/proc/1/cgroup')).toBe('0::/\n');
    expect(read(host, `/proc/${pid}/cgroup`)).toBe(`0::/system.slice/docker-${id}.scope\n`);
    expect(read(inside, '/sys/fs/cgroup/memory.max')).toBe('67108864\n');
    expect(read(inside, '/sys/fs/cgroup/cpu.max')).toBe('50000 100000\n');
    expect(read(inside, '/sys/fs/cgroup/cgroup.procs')).toBe('1\n');
    expect(read(host, `/sys/fs/cgroup/system.slice/docker-${id}.scope/cgroup.procs`)).toBe(`${pid}\n`);
    expect(read(inside, '/proc/mounts')).toContain('\ncgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0\n');
  });
});
