import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../engine/testDriver';
import type { ProcessIO } from '../process';
import { formatMounts, hostMounts, hostSystem, unameCommand } from './system';

function io(): ProcessIO & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    stdin: null,
    stdinIsTTY: false,
    interrupt: { interrupted: false, onInterrupt: () => () => {} },
    stdout: (t: string) => void (r.out += t),
    stderr: (t: string) => void (r.err += t),
  };
  return r;
}

describe('uname (GNU coreutils 9.1)', () => {
  const sys = () => ({ sysname: 'Linux', hostname: 'glassbox', release: '6.1.0-18-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)', machine: 'x86_64' });
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
    const r = io();
    expect(await unameCommand(sys)(['uname', ...args], r)).toBe(code);
    expect([r.out, r.err]).toEqual([out, err]);
  });
});

describe('the host’s mounts and disk', () => {
  it('lists the base system and cgroups as the reference host does, then each running container’s overlay and netns', () => {
    const d = new EngineDriver('system');
    const kernel = d.engine.kernel;
    const before = formatMounts(hostMounts(kernel));
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
    const sys = hostSystem(d.engine.kernel, { now: () => 0, dockerKb: () => docker });
    const empty = sys.diskUsage('/')!;
    docker = 1000;
    expect(sys.diskUsage('/')!.usedKb - empty.usedKb).toBe(1000);
    expect(sys.diskUsage('/')!.availKb - empty.availKb).toBe(-1000);
    expect(sys.diskUsage('/dev/shm')).toMatchObject({ totalKb: 24_683_656, usedKb: 0 });
    expect(sys.diskUsage('/proc')).toBeUndefined();
    expect(sys.shellPid).toBe(d.engine.kernel.shellPid);
  });
});
