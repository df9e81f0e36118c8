import { describe, expect, it } from 'vitest';
import { MemFs } from '../shell/memfs';
import { HostMountTable, HostOverlayFs, type MadeMount } from './hostOverlay';
import { MountedFs } from './mountedFs';

function disk(): MemFs {
  const d = new MemFs(() => 5000);
  for (const p of ['/t/A', '/t/B/d', '/t/U', '/t/W', '/t/C']) d.mkdir(p, { parents: true });
  d.writeFile('/t/A/a', 'A');
  d.writeFile('/t/B/a', 'B');
  d.writeFile('/t/B/d/x', 'x');
  return d;
}

describe('HostOverlayFs: directories of the disk as an overlay', () => {
  it('the upper directory is live both ways: writes land in it, and files put in it show at once', () => {
    const d = disk();
    const fs = new HostOverlayFs(d, { lowerdirs: ['/t/A', '/t/B'], upperdir: '/t/U' });
    expect(fs.readFile('/a')).toBe('A');
    fs.writeFile('/d/y', 'new');
    expect(d.readFile('/t/U/d/y')).toBe('new');
    d.writeFile('/t/U/direct', 'z');
    expect(fs.readdir('/')).toEqual(['a', 'd', 'direct']);
  });

  it('a deletion is a 0, 0 character device in the upper directory; a directory remade there is opaque', () => {
    const d = disk();
    const fs = new HostOverlayFs(d, { lowerdirs: ['/t/A', '/t/B'], upperdir: '/t/U' });
    expect(fs.remove('/a')).toBeUndefined();
    expect(d.lstat('/t/U/a')).toMatchObject({ kind: 'file', mode: 0, rdev: { major: 0, minor: 0 } });
    expect(fs.exists('/a')).toBe(false);
    fs.remove('/d', { recursive: true });
    fs.mkdir('/d');
    expect(fs.readdir('/d')).toEqual([]);
    const upperD = d.lookup('/t/U/d');
    expect(typeof upperD !== 'string' && upperD.kind === 'dir' && upperD.opaque).toBe(true);
  });
});

describe('HostMountTable', () => {
  const table = (): { t: HostMountTable; layer: MountedFs; made: MadeMount[] } => {
    const d = disk();
    const layer = new MountedFs(d, { mounts: [] });
    const made: MadeMount[] = [];
    return { t: new HostMountTable(d, layer, made), layer, made };
  };
  const req = (options: string, fstype = 'overlay', target = '/t/C') => ({ fstype, source: 'overlay', target, options, cwd: '/t' });

  it.each([
    [req('lowerdir=A,upperdir=U,workdir=W', 'overlay', '/t/none'), 'mount point does not exist.'],
    [req('lowerdir=A,upperdir=U,workdir=W', 'overlay', '/t/A/a'), 'mount point is not a directory.'],
    [req('upperdir=U,workdir=W'), 'wrong fs type, bad option, bad superblock on overlay, missing codepage or helper program, or other error.'],
    [req('lowerdir=A,upperdir=U'), 'wrong fs type, bad option, bad superblock on overlay, missing codepage or helper program, or other error.'],
    [req('lowerdir=A:Z,upperdir=U,workdir=W'), 'special device overlay does not exist.'],
    [req('dirs=U:A', 'aufs'), "unknown filesystem type 'aufs'."],
  ])('refuses %j: %s', (r, why) => {
    const { t, made } = table();
    expect(t.mount(r)).toBe(why);
    expect(made).toEqual([]);
  });

  it('mounts over the target and lists it; umount takes both away', () => {
    const { t, layer, made } = table();
    expect(t.mount(req('lowerdir=A:B,upperdir=U,workdir=W'))).toBeUndefined();
    expect(layer.readdir('/t/C')).toEqual(['a', 'd']);
    expect(made).toEqual([{ source: 'overlay', target: '/t/C', fstype: 'overlay', options: 'rw,relatime,lowerdir=A:B,upperdir=U,workdir=W' }]);
    expect(t.umount('/t/C')).toBe(true);
    expect(layer.readdir('/t/C')).toEqual([]);
    expect(made).toEqual([]);
    expect(t.umount('/t/C')).toBe(false);
  });
});
