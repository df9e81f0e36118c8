/** The host shell's system utilities read the simulated machine (core/kernel/system.ts). */
import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

describe('the host shell sees the simulated machine', () => {
  const host = new SimHost({ seed: 'host-system', yieldToEventLoop: () => yieldImmediate() });

  it('uname: the reference host kernel', async () => {
    expect(await run(host, 'uname -a')).toEqual({ out: 'Linux glassbox 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\n', err: '', exit: 0 });
  });

  it('date: virtual time, UTC', async () => {
    expect(await run(host, 'date')).toEqual({ out: 'Thu Jan  1 00:00:00 UTC 2026\n', err: '', exit: 0 });
    expect((await run(host, 'date +%s')).out).toBe(`${Date.UTC(2026, 0, 1) / 1000}\n`);
  });

  it("mount and df: a running container's overlay appears, and goes when it stops; Docker's data fills the disk", async () => {
    const root = async (): Promise<number[]> => (await run(host, 'df /')).out.split('\n')[1]!.split(/\s+/).slice(1, 4).map(Number);
    expect((await run(host, 'df')).out.split('\n').find((l) => l.endsWith(' /'))).toBe('/dev/vda       264212084 24780672  81610240  24% /');
    await run(host, 'docker run -d --name web busybox sleep 300');
    const mounts = (await run(host, 'mount -t overlay')).out;
    expect(mounts).toMatch(/^overlay on \/var\/lib\/docker\/overlay2\/[0-9a-f]{64}\/merged type overlay \(rw,relatime,lowerdir=/);
    // One table: /proc/mounts lists the same overlay with the same options.
    const [, target, options] = /^overlay on (\S+) type overlay \((\S+)\)$/m.exec(mounts)!;
    expect((await run(host, 'cat /proc/mounts')).out).toContain(`overlay ${target} overlay ${options} 0 0\n`);
    const df = (await run(host, 'df')).out.split('\n');
    expect(df[0]).toBe('Filesystem     1K-blocks     Used Available Use% Mounted on');
    const [size, used, avail] = await root();
    expect(size).toBe(264212084);
    expect(used! - 24780672).toBeGreaterThan(1000);
    expect(81610240 - avail!).toBe(used! - 24780672);
    expect(df.some((l) => l.startsWith('overlay '))).toBe(true);
    await run(host, 'docker rm -f web');
    expect((await run(host, 'mount -t overlay')).out).toBe('');
  });

  it("in a container, busybox mount and df read the table its /proc/mounts shows, with df's rows as the real busybox prints them", async () => {
    const proc = (await run(host, 'docker run --rm busybox cat /proc/mounts')).out;
    const mount = (await run(host, 'docker run --rm busybox mount')).out;
    expect(mount.split('\n').slice(1)).toEqual(proc.split('\n').slice(1).map((l) => (l === '' ? l : l.replace(/^(\S+) (\S+) (\S+) (\S+) 0 0$/, '$1 on $2 type $3 ($4)'))));
    const df = (await run(host, 'docker run --rm busybox df')).out.trimEnd().split('\n');
    // `docker run --rm busybox df` on the reference host (core/shell/utils/fixtures/system.json).
    expect(df.map((l) => l.split(/\s+/).at(-1))).toEqual(['on', '/', '/dev', '/sys/fs/cgroup', '/dev/shm', '/etc/resolv.conf', '/etc/hostname', '/etc/hosts', '/proc/acpi', '/proc/keys', '/proc/timer_list', '/sys/firmware']);
  });

  it('free: the kernel total, and kill: a check works, a signal is refused plainly', async () => {
    expect((await run(host, 'free')).out).toMatch(/^ +total +used +free +shared +buff\/cache +available\nMem: +24683656 /);
    expect(await run(host, 'env kill -0 1')).toEqual({ out: '', err: '', exit: 0 });
    expect(await run(host, 'env kill 1')).toEqual({ out: '', err: 'glassbox: kill: delivering signal 15 to pid 1 is not simulated yet\n', exit: 2 });
    expect(await run(host, 'env kill 99999')).toEqual({ out: '', err: 'kill: (99999): No such process\n', exit: 1 });
  });
});
