/**
 * stat's default layouts, as GNU coreutils 9.1 and busybox printed them for a
 * new 3-byte file and a symlink to it on the reference host's /dev/vda
 * (device 254:0): `stat f l` and `busybox stat f l`. The simulated inode
 * numbers are the filesystem's; the times are the file's one time.
 */
import { describe, expect, it } from 'vitest';
import { MemFs } from '../memfs';
import { never } from '../../ports';
import type { UtilContext, UtilSystem } from '../context';
import { stat } from './stat';

const T = Date.UTC(2026, 11, 6, 22, 36, 13, 246);

function run(argv: string[], flavor: 'gnu' | 'busybox', withSys = true): { stdout: string; stderr: string; code: number; ino: number } {
  let stdout = '';
  let stderr = '';
  const fs = new MemFs(() => T);
  fs.writeFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  fs.writeFile('/etc/group', 'root:x:0:\n');
  fs.writeFile('/f', 'hi\n');
  fs.symlink('f', '/l');
  const sys: UtilSystem = {
    processes: () => [], kill: () => 'ESRCH', memory: () => ({ total: 0, free: 0, available: 0, shared: 0, buffers: 0, cached: 0, swapTotal: 0, swapFree: 0 }),
    mounts: () => [{ source: '/dev/vda', target: '/', fstype: 'ext4', options: 'rw', blocks: 0, used: 0, avail: 0, files: 0, filesFree: 0, dev: '254:0' }],
    terminal: () => null, kernel: { release: '', version: '', machine: '' }, privileged: true,
  };
  const ctx: UtilContext = {
    argv, io: { stdin: null, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt: never, stdinIsTTY: false }, stdoutIsTTY: false,
    fs, cwd: '/', env: {}, user: 'root', hostname: 'h', flavor, now: () => T, sleep: async () => true, exec: async () => 'ENOENT', ...(withSys ? { sys } : {}),
  };
  const code = stat(ctx);
  const ino = (fs.stat('/f') as { ino: number }).ino;
  return { stdout, stderr, code, ino };
}

const TIMES = 'Access: 2026-12-06 22:36:13.246000000 +0000\nModify: 2026-12-06 22:36:13.246000000 +0000\nChange: 2026-12-06 22:36:13.246000000 +0000\n';

describe('stat', () => {
  it('GNU: the default layout', () => {
    const r = run(['stat', 'f'], 'gnu');
    expect(r.stdout).toBe(`  File: f\n  Size: 3         \tBlocks: 8          IO Block: 4096   regular file\nDevice: 254,0\tInode: ${String(r.ino).padEnd(11)} Links: 1\nAccess: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)\n${TIMES} Birth: -\n`);
  });

  it('busybox: the default layout, a symlink quoted', () => {
    const r = run(['stat', 'l'], 'busybox');
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(["  File: 'l' -> 'f'", '  Size: 1         \tBlocks: 0          IO Block: 4096   symbolic link']);
    expect(r.stdout.split('\n')[2]).toMatch(/^Device: fe00h\/65024d\tInode: \d+ +  Links: 1$/);
  });

  it('-c formats and -t', () => {
    expect(run(['stat', '-c', '%n %s %a %A %U:%G %F %h %Y', 'f'], 'gnu').stdout).toBe(`f 3 644 -rw-r--r-- root:root regular file 1 ${Math.floor(T / 1000)}\n`);
    const t = run(['stat', '-t', 'f'], 'busybox');
    expect(t.stdout).toBe(`f 3 8 81a4 0 0 fe00 ${t.ino} 1 0 0 ${Math.floor(T / 1000)} ${Math.floor(T / 1000)} ${Math.floor(T / 1000)} 4096\n`);
  });

  it('says what it cannot know without the mount table', () => {
    expect(run(['stat', 'f'], 'gnu', false)).toMatchObject({ stdout: '', stderr: 'glassbox: stat: not simulated here\n', code: 2 });
    expect(run(['stat', '-c', '%s', 'f'], 'gnu', false)).toMatchObject({ stdout: '3\n', code: 0 });
  });
});
