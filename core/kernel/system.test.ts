/** The mount table a container sees, against what the busybox image showed (core/shell/utils/fixtures/system.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerMounts, memoryOf } from './system';

const CAPTURES: { flavor: string; command: string; mounts?: string[]; output: string }[] = JSON.parse(readFileSync(join(__dirname, '../shell/utils/fixtures/system.json'), 'utf8'));

describe('containerMounts', () => {
  const real = CAPTURES.find((c) => c.flavor === 'busybox' && c.command === 'mount')!;
  const rootfs = { containerId: 'c0ffee', lowerdirs: ['/var/lib/docker/overlay2/l/INIT', '/var/lib/docker/overlay2/l/BASE'], upperdir: '/var/lib/docker/overlay2/x/diff', workdir: '/var/lib/docker/overlay2/x/work', merged: '/var/lib/docker/overlay2/x/merged', layers: [] };

  it('has the mounts, in the order, that `docker run busybox cat /proc/mounts` shows', () => {
    const ours = containerMounts(rootfs, 24683772).map((m) => `${m.source} ${m.target} ${m.fstype}`);
    expect(ours).toEqual(real.mounts!.map((l) => l.split(' ').slice(0, 3).join(' ')));
  });

  it('gives the overlay its layers, top first', () => {
    expect(containerMounts(rootfs, 24683772)[0]!.options).toBe('rw,relatime,lowerdir=/var/lib/docker/overlay2/l/INIT:/var/lib/docker/overlay2/l/BASE,upperdir=/var/lib/docker/overlay2/x/diff,workdir=/var/lib/docker/overlay2/x/work');
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
    const { utilities } = await import('../shell/utils/index');
    const { MemFs } = await import('../shell/memfs');
    const { never } = await import('../ports');
    const mounts = containerMounts(undefined, 24683772);
    const df = async (flavor: 'gnu' | 'busybox'): Promise<string[]> => {
      let out = '';
      await utilities.df!({
        argv: ['df'], io: { stdin: null, stdout: (t) => (out += t), stderr: () => {}, interrupt: never, stdinIsTTY: false }, stdoutIsTTY: false, fs: new MemFs(), cwd: '/', env: {}, user: 'root', hostname: 'c', flavor,
        now: () => 0, sleep: async () => true, exec: async () => 'ENOENT',
        sys: { processes: () => [], kill: () => 'ESRCH', mounts: () => mounts, memory: () => memoryOf(0, 0), terminal: () => null, kernel: { release: '', version: '', machine: '' }, privileged: false },
      });
      return out.trim().split('\n').slice(1).map((l) => l.split(/\s+/).pop()!);
    };
    expect(await df('gnu')).toEqual(['/', '/dev', '/sys/fs/cgroup', '/dev/shm', '/etc/hosts', '/proc/acpi', '/sys/firmware']);
    expect(await df('busybox')).toEqual(['/', '/dev', '/sys/fs/cgroup', '/dev/shm', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts', '/proc/acpi', '/proc/keys', '/proc/timer_list', '/sys/firmware']);
  });
});
