import { describe, expect, it } from 'vitest';
import { MemFs } from '../shell/memfs';
import { HOST_DIR_MAX_ENTRIES, hostDirPathProblem, listFsDir } from './hostDir';

describe('hostDirPathProblem', () => {
  it.each([
    ['/var/lib/docker/volumes/data/_data', null],
    ['/', null],
    ['', 'not a path'],
    ['var/lib/docker', 'not an absolute path'],
    ['/var/lib/docker/../../etc', 'the path has . or .. in it'],
    ['/var/lib/docker/./x', 'the path has . or .. in it'],
    ['/var/lib/docker\u0000/etc/shadow', 'control characters in the path'],
    ['/var/lib/docker\n', 'control characters in the path'],
    [`/${'a'.repeat(5000)}`, 'path too long'],
    [42, 'not a path'],
  ])('%j → %s', (path, want) => {
    expect(hostDirPathProblem(path)).toBe(want);
  });
});

describe('listFsDir (the simulated host)', () => {
  function fs(): MemFs {
    const f = new MemFs();
    f.mkdir('/data/sub', { parents: true });
    f.writeFile('/data/b.txt', 'hello');
    f.writeFile('/data/a.txt', '');
    f.symlink('/etc/passwd', '/data/link');
    return f;
  }

  it('lists entries by name with their type and size, not following symlinks', () => {
    expect(listFsDir(fs(), '/data')).toEqual({
      path: '/data',
      total: 4,
      entries: [
        { name: 'a.txt', type: 'file', size: 0 },
        { name: 'b.txt', type: 'file', size: 5 },
        { name: 'link', type: 'symlink', size: 11 },
        { name: 'sub', type: 'dir', size: 4096 },
      ],
    });
  });

  it('gives the first entries of a big directory and how many there are', () => {
    const f = fs();
    for (let i = 0; i < 150; i++) f.writeFile(`/data/sub/f${String(i).padStart(3, '0')}`, 'x');
    const l = listFsDir(f, '/data/sub');
    expect(l.total).toBe(150);
    expect(l.entries).toHaveLength(HOST_DIR_MAX_ENTRIES);
    expect(l.entries[0]!.name).toBe('f000');
  });

  it('refuses what is not a directory, or not a plain absolute path', () => {
    expect(() => listFsDir(fs(), '/data/b.txt')).toThrow('not a directory');
    expect(() => listFsDir(fs(), '/nothing')).toThrow('no such directory');
    expect(() => listFsDir(fs(), '/data/../etc')).toThrow('the path has . or .. in it');
  });
});
