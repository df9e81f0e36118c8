import { describe, expect, it } from 'vitest';
import { layerEntries, newLayer } from './layer';
import { UnionMount } from './mount';
import { dirNode } from './tree';
import { UnionFs } from './unionFs';

function container(): { fs: UnionFs; mount: UnionMount } {
  const image = newLayer(
    'sha256:img',
    'image',
    dirNode(0o755, {
      bin: dirNode(0o755, { sh: { kind: 'file', mode: 0o755, size: 100, program: 'sh' } }),
      etc: dirNode(0o755, { passwd: { kind: 'file', mode: 0o644, size: 5, content: 'root\n' } }),
      tmp: dirNode(0o1777),
      usr: dirNode(0o755, { bin: dirNode(0o755) }),
      sbin: { kind: 'symlink', mode: 0o777, target: 'usr/bin' },
    }),
  );
  const mount = new UnionMount({ lowers: [image], upper: newLayer('up', 'container', dirNode()), now: () => 7 });
  return { fs: new UnionFs(mount, 1), mount };
}

const upper = (m: UnionMount): string[] => layerEntries(m.upper).map((e) => `${e.type} ${e.path}`);

describe('UnionFs (the Fs programs in a container use)', () => {
  it('reads the merged view: stat, lstat, readlink, readdir, and the program of an executable', () => {
    const { fs } = container();
    expect(fs.readFile('/etc/passwd')).toBe('root\n');
    expect(fs.stat('/bin/sh')).toMatchObject({ kind: 'file', size: 100, mode: 0o755, mtime: 1, program: 'sh' });
    expect(fs.lstat('/sbin')).toMatchObject({ kind: 'symlink', target: 'usr/bin' });
    expect(fs.stat('/sbin')).toMatchObject({ kind: 'dir', nlink: 2 });
    expect(fs.readlink('/etc/passwd')).toBe('EINVAL');
    expect(fs.readdir('/')).toEqual(['bin', 'etc', 'sbin', 'tmp', 'usr']);
    expect(fs.tryRead('/nope')).toEqual({ error: 'ENOENT' });
    expect(() => fs.readFile('/etc')).toThrow('Is a directory');
  });

  it('writes land in the upper layer: redirects, appends through a writer, copy-up on chmod, whiteouts on rm', () => {
    const { fs, mount } = container();
    const w = fs.openWrite('/tmp/log', false);
    if (typeof w === 'string') throw new Error(w);
    w.write('a');
    w.write('b');
    expect(fs.readFile('/tmp/log')).toBe('ab');
    expect(fs.writeFile('/etc/passwd', 'user\n', true)).toBeUndefined();
    expect(fs.readFile('/etc/passwd')).toBe('root\nuser\n');
    expect(fs.chmod('/bin/sh', 0o700)).toBeUndefined();
    expect(fs.remove('/usr', { recursive: true })).toBeUndefined();
    expect(fs.writeFile('/sbin/x', '')).toBe('ENOENT');
    expect(upper(mount)).toEqual(['dir /bin', 'file /bin/sh', 'dir /etc', 'file /etc/passwd', 'dir /tmp', 'file /tmp/log', 'whiteout /usr']);
    expect(mount.diff().map((c) => `${c.kind} ${c.path}`)).toEqual(['C /bin', 'C /bin/sh', 'C /etc', 'C /etc/passwd', 'C /tmp', 'A /tmp/log', 'D /usr']);
  });

  it('mv, cp -r, ln and ln -s', () => {
    const { fs, mount } = container();
    expect(fs.rename('/etc/passwd', '/tmp/passwd')).toBeUndefined();
    expect(fs.exists('/etc/passwd')).toBe(false);
    expect(fs.copy('/etc', '/tmp/etc')).toBeUndefined();
    expect(fs.symlink('/tmp/passwd', '/tmp/p')).toBeUndefined();
    expect(fs.readFile('/tmp/p')).toBe('root\n');
    expect(fs.link('/tmp/passwd', '/tmp/hard')).toBeUndefined();
    fs.writeFile('/tmp/hard', 'more\n', true);
    expect(fs.readFile('/tmp/passwd')).toBe('root\nmore\n');
    expect(fs.link('/tmp', '/t2')).toBe('EPERM');
    expect(upper(mount)).toEqual(['dir /etc', 'whiteout /etc/passwd', 'dir /tmp', 'dir /tmp/etc', 'file /tmp/hard', 'symlink /tmp/p', 'file /tmp/passwd']);
  });
});
