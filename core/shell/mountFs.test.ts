import { describe, expect, it } from 'vitest';
import { MemFs } from './memfs';
import { MountFs, staticDir, textFile, type PDir, type PNode } from './mountFs';

/** A small procfs-like tree with a knob that keeps what is written and a directory that makes entries. */
function setup(opts: { readOnly?: boolean } = {}) {
  const base = new MemFs(() => 1000);
  base.mkdir('/proc');
  base.mkdir('/sys/fs/cgroup', { parents: true });
  base.writeFile('/etc/hostname', 'glassbox\n');
  base.symlink('/proc/mounts', '/etc/mtab');
  base.symlink('/proc/self', '/tmp/me');
  let knob = '-1';
  const made = new Set<string>();
  const nsFile = textFile(() => ({ error: 'EINVAL' as const }));
  const proc = (): PDir =>
    staticDir(0o555, [
      ['42', staticDir(0o555, [
        ['status', textFile('Name:\tbash\nPid:\t42\n')],
        ['mounts', textFile('proc /proc proc rw 0 0\n')],
        ['ns', staticDir(0o511, [['net', { kind: 'symlink', target: 'net:[4026531833]', resolves: nsFile } satisfies PNode]])],
        ['root', { kind: 'symlink', target: '/' }],
      ])],
      ['self', { kind: 'symlink', target: '42' }],
      ['mounts', { kind: 'symlink', target: 'self/mounts', size: 11 }],
    ]);
  const cgroup = (): PDir => {
    const group = (): PDir => staticDir(0o755, [['cpu.cfs_quota_us', { kind: 'file', mode: 0o644, read: () => knob + '\n', write: (d) => (/^-?\d+\n?$/.test(d) ? void (knob = d.trim()) : 'EINVAL') }]], { createError: 'EACCES' });
    return {
      kind: 'dir',
      mode: 0o755,
      createError: 'EACCES',
      names: () => ['tasks', ...made],
      child: (n) => (n === 'tasks' ? textFile('') : made.has(n) ? group() : undefined),
      mkdir: (n) => (made.has(n) ? 'EEXIST' : void made.add(n)),
      rmdir: (n) => (made.delete(n) ? undefined : 'ENOENT'),
    };
  };
  const fs = new MountFs(base, [{ at: '/proc', root: proc }, { at: '/sys/fs/cgroup', root: cgroup, readOnly: opts.readOnly ?? false }], () => 5000);
  return { fs, base, knob: () => knob };
}

describe('MountFs', () => {
  it.each([
    ['/proc/42/status', { data: 'Name:\tbash\nPid:\t42\n' }],
    ['/proc/self/status', { data: 'Name:\tbash\nPid:\t42\n' }],
    ['/tmp/me/status', { data: 'Name:\tbash\nPid:\t42\n' }],
    ['/proc/42/ns/net', { error: 'EINVAL' }],
    ['/proc/42/root/etc/hostname', { data: 'glassbox\n' }],
    ['/proc/43/status', { error: 'ENOENT' }],
    ['/proc/42/status/x', { error: 'ENOTDIR' }],
    ['/proc/42', { error: 'EISDIR' }],
    ['/etc/hostname', { data: 'glassbox\n' }],
  ])('reads %s', (path, want) => {
    expect(setup().fs.tryRead(path)).toEqual(want);
  });

  it('follows a link from below into the tree, and one out of it', () => {
    const { fs } = setup();
    expect(fs.tryRead('/etc/mtab')).toEqual({ data: 'proc /proc proc rw 0 0\n' }); // → /proc/mounts → self/mounts → 42/mounts
    expect(fs.stat('/proc/42/root')).toMatchObject({ kind: 'dir' });
  });

  it('stats pseudo files as procfs does: size 0, links with their target', () => {
    const { fs } = setup();
    expect(fs.stat('/proc/42/status')).toMatchObject({ kind: 'file', size: 0, mode: 0o444, mtime: 5000 });
    expect(fs.lstat('/proc/self')).toMatchObject({ kind: 'symlink', target: '42', size: 0 });
    expect(fs.lstat('/proc/mounts')).toMatchObject({ kind: 'symlink', size: 11 });
    expect(fs.readlink('/proc/42/ns/net')).toBe('net:[4026531833]');
    expect(fs.readlink('/proc/42/status')).toBe('EINVAL');
  });

  it('lists a mount point in its parent and a tree sorted', () => {
    const { fs } = setup();
    expect(fs.readdir('/proc')).toEqual(['42', 'mounts', 'self']);
    expect(fs.readdir('/sys/fs')).toEqual(['cgroup']);
  });

  it('writes a knob through a redirect and reads it back; bad values are refused', () => {
    const { fs, knob } = setup();
    expect(fs.mkdir('/sys/fs/cgroup/demo')).toBeUndefined();
    const w = fs.openWrite('/sys/fs/cgroup/demo/cpu.cfs_quota_us', false);
    if (typeof w === 'string') throw new Error(w);
    expect(w.write('20000\n')).toBeUndefined();
    expect(knob()).toBe('20000');
    expect(fs.writeFile('/sys/fs/cgroup/demo/cpu.cfs_quota_us', 'abc\n')).toBe('EINVAL');
    expect(fs.readFile('/sys/fs/cgroup/demo/cpu.cfs_quota_us')).toBe('20000\n');
  });

  it.each([
    ['a new file in a cgroup', (fs: MountFs) => fs.writeFile('/sys/fs/cgroup/newfile', 'x'), 'EACCES'],
    ['a new file in procfs', (fs: MountFs) => fs.touch('/proc/foo'), 'ENOENT'],
    ['mkdir in procfs', (fs: MountFs) => fs.mkdir('/proc/x'), 'ENOENT'],
    ['mkdir of an existing name', (fs: MountFs) => fs.mkdir('/proc/42'), 'EEXIST'],
    ['writing a read-only procfs file', (fs: MountFs) => fs.writeFile('/proc/42/status', 'x'), 'EINVAL'],
    ['rm of a procfs file', (fs: MountFs) => fs.remove('/proc/42/status'), 'EPERM'],
    ['rm of the mount point', (fs: MountFs) => fs.remove('/proc', { recursive: true }), 'EBUSY'],
    ['rmdir of a missing cgroup', (fs: MountFs) => fs.remove('/sys/fs/cgroup/nope', { dir: true }), 'ENOENT'],
    ['a symlink in procfs', (fs: MountFs) => fs.symlink('x', '/proc/l'), 'ENOENT'],
    ['renaming out of procfs', (fs: MountFs) => fs.rename('/proc/42/status', '/tmp/s'), 'EPERM'],
  ])('refuses %s', (_what, op, code) => {
    expect(op(setup().fs)).toBe(code);
  });

  it('makes and removes a directory through the tree', () => {
    const { fs } = setup();
    expect(fs.mkdir('/sys/fs/cgroup/demo')).toBeUndefined();
    expect(fs.mkdir('/sys/fs/cgroup/demo')).toBe('EEXIST');
    expect(fs.isDir('/sys/fs/cgroup/demo')).toBe(true);
    expect(fs.remove('/sys/fs/cgroup/demo', { dir: true })).toBeUndefined();
    expect(fs.exists('/sys/fs/cgroup/demo')).toBe(false);
  });

  it('a read-only mount refuses every change with EROFS', () => {
    const { fs } = setup({ readOnly: true });
    expect(fs.mkdir('/sys/fs/cgroup/demo')).toBe('EROFS');
    expect(fs.openWrite('/sys/fs/cgroup/tasks', false)).toBe('EROFS');
    expect(fs.writeFile('/sys/fs/cgroup/new', 'x')).toBe('EROFS');
  });

  it('copies a pseudo file out as plain data, and into a knob as a write', () => {
    const { fs, base, knob } = setup();
    expect(fs.copy('/proc/self/status', '/tmp/status')).toBeUndefined();
    expect(base.readFile('/tmp/status')).toBe('Name:\tbash\nPid:\t42\n');
    fs.mkdir('/sys/fs/cgroup/demo');
    base.writeFile('/tmp/q', '30000\n');
    expect(fs.copy('/tmp/q', '/sys/fs/cgroup/demo/cpu.cfs_quota_us')).toBeUndefined();
    expect(knob()).toBe('30000');
  });

  it('leaves everything outside its mounts to the filesystem below', () => {
    const { fs, base } = setup();
    expect(fs.writeFile('/root/x', 'hi\n')).toBeUndefined();
    expect(base.readFile('/root/x')).toBe('hi\n');
    expect(fs.mkdir('/tmp/a/b', { parents: true })).toBeUndefined();
    expect(base.isDir('/tmp/a/b')).toBe(true);
    expect(fs.remove('/tmp/a', { recursive: true })).toBeUndefined();
  });
});
