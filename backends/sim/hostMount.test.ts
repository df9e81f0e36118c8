/** The course's union-mount demo on the simulated host: `mount -t overlay` over plain directories (core/unionfs/hostOverlay.ts). */
import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

async function out(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  expect(r, line).toMatchObject({ exit: 0, err: '' });
  return r.out;
}

async function demo(): Promise<SimHost> {
  const host = new SimHost({ seed: 'host-mount', yieldToEventLoop: () => yieldImmediate() });
  await out(host, 'mkdir -p /tmp/u/A /tmp/u/B /tmp/u/U /tmp/u/W /tmp/u/C && cd /tmp/u && echo a > A/a && echo bb > B/a && echo b > B/b && mkdir B/d && echo x > B/d/x');
  return host;
}

const DMESG = '       dmesg(1) may have more information after failed mount system call.\n';

describe('mount -t overlay on the host', () => {
  it('shows the merged view: the upper lower wins, directories merge', async () => {
    const host = await demo();
    await out(host, 'mount -t overlay overlay -o lowerdir=A:B,upperdir=U,workdir=W C');
    expect(await out(host, 'ls C')).toBe('a\nb\nd\n');
    expect(await out(host, 'cat C/a C/b C/d/x')).toBe('a\nb\nx\n');
  });

  it('copies a changed file up into the upper directory and leaves the lower one alone', async () => {
    const host = await demo();
    await out(host, 'mount -t overlay overlay -o lowerdir=A:B,upperdir=U,workdir=W C');
    await out(host, 'echo changed > C/b');
    expect(await out(host, 'cat U/b B/b C/b')).toBe('changed\nb\nchanged\n');
    await out(host, 'echo new > C/d/n');
    expect(await out(host, 'ls U/d')).toBe('n\n');
  });

  it('deleting a lower file leaves a whiteout: a 0, 0 character device in the upper directory', async () => {
    const host = await demo();
    await out(host, 'mount -t overlay overlay -o lowerdir=A:B,upperdir=U,workdir=W C');
    await out(host, 'rm C/a C/b');
    expect(await out(host, 'ls C')).toBe('d\n');
    // Every whiteout of a mount is a link of one inode (Linux ≥ 5.8): two whiteouts, three links.
    expect(await out(host, 'ls -l U')).toBe('total 0\nc--------- 3 root root 0, 0 Jan  1 00:00 a\nc--------- 3 root root 0, 0 Jan  1 00:00 b\n');
    expect(await out(host, 'cat A/a B/a')).toBe('a\nbb\n');
  });

  it('a directory made where a whiteout stands is opaque: the lower one does not show through', async () => {
    const host = await demo();
    await out(host, 'mount -t overlay overlay -o lowerdir=A:B,upperdir=U,workdir=W C');
    await out(host, 'rm -r C/d && mkdir C/d');
    expect(await out(host, 'ls C/d')).toBe('');
    expect(await out(host, 'ls B/d')).toBe('x\n');
  });

  it('is one mount table: /proc/mounts and mount list it; umount takes it away and the directory is empty again', async () => {
    const host = await demo();
    await out(host, 'mount -t overlay overlay -o lowerdir=A:B,upperdir=U,workdir=W C');
    expect(await out(host, 'grep /tmp/u /proc/mounts')).toBe('overlay /tmp/u/C overlay rw,relatime,lowerdir=A:B,upperdir=U,workdir=W 0 0\n');
    expect(await out(host, 'mount | grep /tmp/u')).toBe('overlay on /tmp/u/C type overlay (rw,relatime,lowerdir=A:B,upperdir=U,workdir=W)\n');
    await out(host, 'echo kept > C/k');
    await out(host, 'umount C');
    expect(await out(host, 'ls C')).toBe('');
    expect(await out(host, 'cat U/k')).toBe('kept\n');
    expect(await run(host, 'grep -c /tmp/u /proc/mounts')).toMatchObject({ out: '0\n', exit: 1 });
    expect(await run(host, 'umount C')).toEqual({ out: '', err: 'umount: C: not mounted.\n', exit: 32 });
  });

  it.each([
    ['mount -t overlay overlay -o lowerdir=A,upperdir=U,workdir=W /tmp/u/nope', `mount: /tmp/u/nope: mount point does not exist.\n${DMESG}`],
    ['mount -t overlay overlay -o upperdir=U,workdir=W C', `mount: /tmp/u/C: wrong fs type, bad option, bad superblock on overlay, missing codepage or helper program, or other error.\n${DMESG}`],
    ['mount -t overlay overlay -o lowerdir=A:Z,upperdir=U,workdir=W C', `mount: /tmp/u/C: special device overlay does not exist.\n${DMESG}`],
    // The course's CentOS demo: a Debian 12 kernel has no aufs.
    ['mount -t aufs -o dirs=U:A none C', `mount: /tmp/u/C: unknown filesystem type 'aufs'.\n${DMESG}`],
    ['umount /tmp/u/zz', 'umount: /tmp/u/zz: no mount point specified.\n'],
  ])('%s: util-linux’s error, exit 32', async (line, err) => {
    const host = await demo();
    expect(await run(host, line)).toEqual({ out: '', err, exit: 32 });
  });

  it('C: a lone directory is looked up in /etc/fstab', async () => {
    const host = await demo();
    expect(await run(host, 'mount C')).toEqual({ out: '', err: "mount: C: can't find in /etc/fstab.\n", exit: 1 });
  });
});

describe('the host root’s ~/.bashrc', () => {
  it('is Debian’s, with ll enabled as on the course’s CentOS hosts: ll lists long, and alias shows it', async () => {
    const host = await demo();
    expect(await out(host, 'alias')).toBe("alias ll='ls -l'\n");
    expect(await out(host, 'll -d /tmp/u/A')).toBe(await out(host, 'ls -l -d /tmp/u/A'));
    expect(await out(host, 'grep -c "^# alias" ~/.bashrc')).toBe('6\n');
  });
});
