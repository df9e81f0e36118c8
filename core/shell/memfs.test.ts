import { describe, expect, it } from 'vitest';
import { MemFs } from './memfs';

describe('MemFs as an Fs', () => {
  it('follows symlinks for stat and reads, not for lstat, readlink or remove', () => {
    const fs = new MemFs();
    fs.writeFile('/tmp/a', 'hello\n');
    expect(fs.symlink('a', '/tmp/l')).toBeUndefined();
    expect(fs.symlink('/tmp', '/d')).toBeUndefined();
    expect(fs.readFile('/tmp/l')).toBe('hello\n');
    expect(fs.readFile('/d/l')).toBe('hello\n');
    expect(fs.stat('/tmp/l')).toMatchObject({ kind: 'file', size: 6 });
    expect(fs.lstat('/tmp/l')).toMatchObject({ kind: 'symlink', size: 1, target: 'a' });
    expect(fs.readlink('/tmp/l')).toBe('a');
    expect(fs.readlink('/tmp/a')).toBe('EINVAL');
    expect(fs.symlink('x', '/tmp/l')).toBe('EEXIST');
    expect(fs.remove('/tmp/l')).toBeUndefined();
    expect(fs.exists('/tmp/a')).toBe(true);
  });

  it('creates a file through a dangling symlink and reports loops', () => {
    const fs = new MemFs();
    fs.symlink('/tmp/new', '/tmp/dangling');
    expect(fs.exists('/tmp/dangling')).toBe(false);
    expect(fs.writeFile('/tmp/dangling', 'x')).toBeUndefined();
    expect(fs.readFile('/tmp/new')).toBe('x');
    fs.symlink('/tmp/loop2', '/tmp/loop1');
    fs.symlink('/tmp/loop1', '/tmp/loop2');
    expect(fs.stat('/tmp/loop1')).toBe('ELOOP');
  });

  it('hard links share contents and count links; copy deep-copies; chmod sets bits', () => {
    const fs = new MemFs();
    fs.writeFile('/tmp/a', 'one');
    expect(fs.link('/tmp/a', '/tmp/b')).toBeUndefined();
    fs.writeFile('/tmp/b', 'two', true);
    expect(fs.readFile('/tmp/a')).toBe('onetwo');
    expect(fs.stat('/tmp/a')).toMatchObject({ nlink: 2 });
    expect(fs.link('/tmp', '/tmp2')).toBe('EPERM');
    fs.remove('/tmp/b');
    expect(fs.stat('/tmp/a')).toMatchObject({ nlink: 1 });
    fs.mkdir('/tmp/d/e', { parents: true });
    fs.writeFile('/tmp/d/e/f', 'deep');
    expect(fs.copy('/tmp/d', '/tmp/c')).toBeUndefined();
    fs.writeFile('/tmp/d/e/f', 'changed');
    expect(fs.readFile('/tmp/c/e/f')).toBe('deep');
    expect(fs.chmod('/tmp/a', 0o4755)).toBeUndefined();
    expect(fs.stat('/tmp/a')).toMatchObject({ mode: 0o4755 });
    const w = fs.openWrite('/tmp/w', false);
    if (typeof w === 'string') throw new Error(w);
    w.write('a');
    w.write('b');
    expect(fs.readFile('/tmp/w')).toBe('ab');
  });
});
