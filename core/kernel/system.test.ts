import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../engine/testDriver';
import { never } from '../ports';
import type { UtilSystem } from '../shell/context';
import { MemFs } from '../shell/memfs';
import { utilities } from '../shell/utils/index';
import { containerMounts, formatMounts, hostMounts, hostSystem, memoryOf, overlayOptions } from './system';

/** Runs one utility of the host shell over `sys`; returns stdout, stderr and the status. */
async function util(name: string, argv: string[], sys: UtilSystem, flavor: 'gnu' | 'busybox' = 'gnu'): Promise<[string, string, number]> {
  let out = '';
  let err = '';
  const code = await utilities[name]!({
    argv: [name, ...argv], io: { stdin: null, stdout: (t) => (out += t), stderr: (t) => (err += t), interrupt: never, stdinIsTTY: false }, stdoutIsTTY: false, fs: new MemFs(), cwd: '/', env: {}, user: 'root', hostname: 'glassbox', flavor,
    now: () => 0, sleep: async () => true, exec: async () => 'ENOENT', sys,
  });
  return [out, err, code];
}

describe('uname over the host (GNU coreutils 9.1)', () => {
  const sys = hostSystem(new EngineDriver('uname').engine.kernel);
  it.each([
    [[], 'Linux\n', '', 0],
    [['-r'], '6.1.0-18-amd64\n', '', 0],
    [['-s', '-r'], 'Linux 6.1.0-18-amd64\n', '', 0],
    [['-rs'], 'Linux 6.1.0-18-amd64\n', '', 0],
    [['-n'], 'glassbox\n', '', 0],
    [['--kernel-release'], '6.1.0-18-amd64\n', '', 0],
    [['-a'], 'Linux glassbox 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\n', '', 0],
    [['-p'], 'unknown\n', '', 0],
    [['-m', '-o'], 'x86_64 GNU/Linux\n', '', 0],
    [['-x'], '', "uname: invalid option -- 'x'\nTry 'uname --help' for more information.\n", 1],
    [['--bogus'], '', "uname: unrecognized option '--bogus'\nTry 'uname --help' for more information.\n", 1],
    [['foo'], '', "uname: extra operand \u2018foo\u2019\nTry 'uname --help' for more information.\n", 1],
  ])('uname %j', async (args, out, err, code) => {
    expect(await util('uname', args, sys)).toEqual([out, err, code]);
  });
});

describe('the host’s mounts and disk', () => {
  it('lists the base system and cgroups as the reference host does, then each running container’s overlay and netns', () => {
    const d = new EngineDriver('system');
    const kernel = d.engine.kernel;
    const before = formatMounts(hostMounts(kernel));
    // `cat /proc/mounts` on the reference host (its sandbox's own mounts left out).
    expect(before.split('\n').slice(0, 8)).toEqual([
      'proc /proc proc rw,relatime 0 0',
      'sysfs /sys sysfs rw,relatime 0 0',
      'devtmpfs /dev devtmpfs rw,relatime,size=12341828k,nr_inodes=3083690,mode=755 0 0',
      'tmpfs /dev/shm tmpfs rw,relatime,size=24683656k 0 0',
      'devpts /dev/pts devpts rw,relatime,mode=600,ptmxmode=000 0 0',
      '/dev/vda / ext4 rw,relatime,discard,resv_strict,resuid=65534,resgid=65534 0 0',
      'tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0',
      'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
    ]);
    expect(before).toContain('cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n');
    expect(before).not.toContain('overlay');
    const id = d.runDetached(['sleep', '300']);
    const after = hostMounts(kernel);
    const overlay = after.find((m) => m.fstype === 'overlay')!;
    expect(overlay.target).toMatch(/^\/var\/lib\/docker\/overlay2\/[0-9a-f]{64}\/merged$/);
    expect(overlay.options).toMatch(/^rw,relatime,lowerdir=.*,upperdir=.*\/diff,workdir=.*\/work$/);
    expect(after.at(-1)).toMatchObject({ source: 'nsfs', fstype: 'nsfs', target: expect.stringMatching(/^\/run\/docker\/netns\/[0-9a-f]{12}$/) });
    d.engine.kill(id);
    expect(hostMounts(kernel).some((m) => m.fstype === 'overlay')).toBe(false);
  });

  it('df’s numbers: the root disk counts Docker’s data as used; pseudo filesystems have none', () => {
    const d = new EngineDriver('system-df');
    let docker = 0;
    const sys = hostSystem(d.engine.kernel, { dockerKb: () => docker });
    const at = (target: string) => sys.mounts().find((m) => m.target === target)!;
    const empty = at('/');
    expect(empty).toMatchObject({ blocks: 264_212_084, used: 24_780_672, avail: 81_610_240 });
    docker = 1000;
    expect(at('/').used - empty.used).toBe(1000);
    expect(at('/').avail - empty.avail).toBe(-1000);
    expect(at('/dev/shm')).toMatchObject({ blocks: 24_683_656, used: 0 });
    expect(at('/proc')).toMatchObject({ blocks: 0, files: 0 });
  });

  it('nsenter -m into a container: mount and df read the container’s table', () => {
    const d = new EngineDriver('system-mntns');
    const id = d.runDetached(['sleep', '300']);
    const kernel = d.engine.kernel;
    const pid = kernel.containerInit(id)!;
    const sys = hostSystem(kernel, { mntNs: kernel.process(pid)!.ns.mnt });
    expect(sys.mounts()[0]).toMatchObject({ source: 'overlay', target: '/' });
    expect(sys.mounts().some((m) => m.target === '/etc/hosts')).toBe(true);
  });
});

/** The mount table a container sees, against what the busybox image showed (core/shell/utils/fixtures/system.json). */
const CAPTURES: { flavor: string; command: string; mounts?: string[]; output: string }[] = JSON.parse(readFileSync(join(__dirname, '../shell/utils/fixtures/system.json'), 'utf8'));

describe('containerMounts', () => {
  const real = CAPTURES.find((c) => c.flavor === 'busybox' && c.command === 'mount')!;
  const rootfs = { lowerdirs: ['/var/lib/docker/overlay2/l/INIT', '/var/lib/docker/overlay2/l/BASE'], upperdir: '/var/lib/docker/overlay2/x/diff', workdir: '/var/lib/docker/overlay2/x/work' };
  const container = { id: 'c0ffee', rootfsOptions: overlayOptions(rootfs) };

  it('is, line for line but the overlay’s layers, what `docker run busybox cat /proc/mounts` shows', () => {
    const ours = formatMounts(containerMounts(container, 24683772)).trimEnd().split('\n');
    expect(ours.slice(1)).toEqual(real.mounts!.slice(1));
    expect(ours[0]!.split(' ').slice(0, 3)).toEqual(real.mounts![0]!.split(' ').slice(0, 3));
  });

  it('gives the overlay its layers, top first', () => {
    expect(containerMounts(container, 24683772)[0]!.options).toBe('rw,relatime,lowerdir=/var/lib/docker/overlay2/l/INIT:/var/lib/docker/overlay2/l/BASE,upperdir=/var/lib/docker/overlay2/x/diff,workdir=/var/lib/docker/overlay2/x/work');
  });
});

describe('memoryOf', () => {
  it('counts what processes hold as used, and never goes below nothing free', () => {
    const m = memoryOf(24683656 * 1024, 100 * 1024 * 1024);
    expect(m.total).toBe(24683656);
    expect(m.total - m.free - m.buffers - m.cached).toBe(163840 + 102400);
    expect(memoryOf(1024 * 1024, 10 * 1024 * 1024 * 1024).free).toBe(0);
  });
});

describe("df over a container's mounts", () => {
  it('GNU lists each filesystem once (the bind mounts as /etc/hosts); busybox lists every mount with blocks', async () => {
    const mounts = containerMounts(undefined, 24683772);
    const sys: UtilSystem = { processes: () => [], kill: () => 'ESRCH', mounts: () => mounts, memory: () => memoryOf(0, 0), terminal: () => null, kernel: { release: '', version: '', machine: '' }, privileged: false };
    const df = async (flavor: 'gnu' | 'busybox'): Promise<string[]> => (await util('df', [], sys, flavor))[0].trim().split('\n').slice(1).map((l) => l.split(/\s+/).pop()!);
    expect(await df('gnu')).toEqual(['/', '/dev', '/sys/fs/cgroup', '/dev/shm', '/etc/hosts', '/proc/acpi', '/sys/firmware']);
    expect(await df('busybox')).toEqual(['/', '/dev', '/sys/fs/cgroup', '/dev/shm', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts', '/proc/acpi', '/proc/keys', '/proc/timer_list', '/sys/firmware']);
  });
});

describe('one memory model', () => {
  it('/proc/meminfo and free agree', async () => {
    const kernel = new EngineDriver('system-mem').engine.kernel;
    const sys = hostSystem(kernel);
    const { meminfo } = await import('./system');
    const info = meminfo(kernel);
    const kb = (name: string): number => Number(new RegExp(`^${name}: +(\\d+) kB$`, 'm').exec(info)![1]);
    const m = sys.memory();
    expect([kb('MemTotal'), kb('MemFree'), kb('MemAvailable'), kb('Buffers'), kb('Cached') + kb('SReclaimable'), kb('Shmem')]).toEqual([m.total, m.free, m.available, m.buffers, m.cached, m.shared]);
  });
});
