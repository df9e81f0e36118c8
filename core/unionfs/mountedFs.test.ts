import { describe, expect, it } from 'vitest';
import { MemFs } from '../shell/memfs';
import { MountedFs } from './mountedFs';

/** A root and a host: /data is a volume, /ro a read-only bind, /etc/hostname the runtime's own mount. */
function setup(opts: { readOnlyRoot?: boolean } = {}): { root: MemFs; host: MemFs; fs: MountedFs } {
  const root = new MemFs();
  root.mkdir('/data');
  root.mkdir('/ro');
  root.writeFile('/etc/hostname', 'abc\n');
  root.writeFile('/rootfile', 'r');
  const host = new MemFs();
  host.mkdir('/vol/_data', { parents: true });
  host.writeFile('/vol/_data/in-volume', 'v');
  host.mkdir('/srv/site', { parents: true });
  host.writeFile('/srv/site/index.html', '<h1>hi</h1>');
  const fs = new MountedFs(root, {
    mounts: [
      { target: '/data', fs: host, source: '/vol/_data', readOnly: false },
      { target: '/ro', fs: host, source: '/srv/site', readOnly: true },
      { target: '/etc', fs: host, source: '/srv', readOnly: false },
    ],
    readOnlyRoot: opts.readOnlyRoot ?? false,
    rootMounts: ['/etc/hostname', '/dev'],
    writableRootMounts: ['/dev'],
  });
  return { root, host, fs };
}

describe('MountedFs: a container\'s filesystem with volumes and binds over its root', () => {
  it('routes a path under a mount point to the mounted directory, both ways', () => {
    const { root, host, fs } = setup();
    expect(fs.readFile('/data/in-volume')).toBe('v');
    expect(fs.writeFile('/data/new', 'x')).toBeUndefined();
    expect(host.readFile('/vol/_data/new')).toBe('x');
    expect(root.exists('/data/new')).toBe(false);
    host.writeFile('/vol/_data/from-host', 'h');
    expect(fs.readdir('/data')).toEqual(['from-host', 'in-volume', 'new']);
    expect(fs.readFile('/rootfile')).toBe('r');
  });

  it('masks what the root has at the mount point', () => {
    const { root, fs } = setup();
    root.writeFile('/data/hidden', 'image file');
    expect(fs.exists('/data/hidden')).toBe(false);
  });

  it('keeps the runtime\'s own mounts on top of a mount above them', () => {
    const { fs } = setup();
    expect(fs.readFile('/etc/hostname')).toBe('abc\n');
    expect(fs.isDir('/etc/site')).toBe(true);
  });

  it('refuses writes on a read-only mount with EROFS, after the checks that come first', () => {
    const { host, fs } = setup();
    expect(fs.writeFile('/ro/new', 'x')).toBe('EROFS');
    expect(fs.openWrite('/ro/index.html', false)).toBe('EROFS');
    expect(fs.remove('/ro/index.html')).toBe('EROFS');
    expect(fs.remove('/ro/none')).toBe('ENOENT');
    expect(fs.mkdir('/ro/d')).toBe('EROFS');
    expect(fs.mkdir('/ro')).toBe('EEXIST');
    expect(fs.touch('/ro/index.html')).toBe('EROFS');
    expect(fs.writeFile('/ro/no/such', 'x')).toBe('ENOENT');
    expect(fs.chmod('/ro/index.html', 0o600)).toBe('EROFS');
    expect(host.readFile('/srv/site/index.html')).toBe('<h1>hi</h1>');
  });

  it('with --read-only refuses writes to the root but not to mounts or /dev', () => {
    const { root, fs } = setup({ readOnlyRoot: true });
    expect(fs.writeFile('/x', 'x')).toBe('EROFS');
    expect(fs.mkdir('/newdir')).toBe('EROFS');
    expect(fs.remove('/rootfile')).toBe('EROFS');
    expect(fs.writeFile('/data/ok', 'x')).toBeUndefined();
    expect(fs.writeFile('/dev/null', 'x')).toBeUndefined();
    expect(root.exists('/x')).toBe(false);
  });

  it('refuses to remove a mount point (EBUSY)', () => {
    const { fs } = setup();
    expect(fs.remove('/data', { recursive: true })).toBe('EBUSY');
    expect(fs.rename('/data', '/elsewhere')).toBe('EBUSY');
  });

  it('moves and copies across filesystems as mv and cp do (copy, then delete)', () => {
    const { root, host, fs } = setup();
    expect(fs.rename('/rootfile', '/data/moved')).toBeUndefined();
    expect(root.exists('/rootfile')).toBe(false);
    expect(host.readFile('/vol/_data/moved')).toBe('r');
    expect(fs.copy('/ro', '/data/site')).toBeUndefined();
    expect(host.readFile('/vol/_data/site/index.html')).toBe('<h1>hi</h1>');
    expect(fs.link('/data/moved', '/hard')).toBe('EPERM');
  });

  it('lists a mount point in its parent even where the root has no entry for it', () => {
    const root = new MemFs();
    const host = new MemFs();
    host.mkdir('/v');
    const fs = new MountedFs(root, { mounts: [{ target: '/opt/app', fs: host, source: '/v', readOnly: false }] });
    expect(fs.readdir('/opt')).toEqual(['app']);
  });
});
