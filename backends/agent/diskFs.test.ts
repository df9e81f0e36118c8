import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsError, type FsErrorCode } from '../../core/shell/filesystem';
import { createAgentShell } from './agentShell';
import { DiskFs, fsErrorCode } from './diskFs';

let dir: string;
const fs = new DiskFs();
const p = (name: string): string => join(dir, name);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gb-diskfs-'));
  // a file, a directory with one file, a symlink to the file, a dangling link
  writeFileSync(p('f'), 'héllo\n');
  mkdirSync(p('d'));
  writeFileSync(p('d/inner'), 'x');
  symlinkSync('f', p('ln'));
  symlinkSync('missing', p('dangling'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fsErrorCode', () => {
  it.each<[string, FsErrorCode]>([
    ['ENOENT', 'ENOENT'],
    ['EACCES', 'EACCES'],
    ['ENOTEMPTY', 'ENOTEMPTY'],
    ['ENAMETOOLONG', 'EINVAL'],
    ['EDQUOT', 'ENOSPC'],
    ['ETXTBSY', 'EBUSY'],
    ['EWHATEVER', 'EINVAL'],
  ])('%s → %s', (code, want) => {
    expect(fsErrorCode(Object.assign(new Error('x'), { code }))).toBe(want);
  });
});

describe('DiskFs reads', () => {
  it('stat follows links; lstat sees the link; sizes are UTF-8 bytes', () => {
    expect(fs.stat(p('f'))).toMatchObject({ kind: 'file', size: 7, nlink: 1, mode: statSync(p('f')).mode & 0o7777, uid: process.getuid!() });
    expect(fs.stat(p('ln'))).toMatchObject({ kind: 'file', size: 7 });
    expect(fs.lstat(p('ln'))).toMatchObject({ kind: 'symlink', size: 1, target: 'f' });
    expect(fs.stat(p('d'))).toMatchObject({ kind: 'dir' });
    expect(Math.abs((fs.stat(p('f')) as { mtime: number }).mtime - Date.now())).toBeLessThan(60_000);
  });

  it.each<[string, 'stat' | 'lstat', FsErrorCode]>([
    ['nope', 'stat', 'ENOENT'],
    ['f/under', 'stat', 'ENOTDIR'],
    ['dangling', 'stat', 'ENOENT'],
    ['f/under', 'lstat', 'ENOTDIR'],
  ])('%s: %s → %s', (name, op, code) => {
    expect(fs[op](p(name))).toBe(code);
  });

  it('reads text, through links; errors as codes, readFile throws FsError', () => {
    expect(fs.tryRead(p('ln'))).toEqual({ data: 'héllo\n' });
    expect(fs.readFile(p('f'))).toBe('héllo\n');
    expect(fs.tryRead(p('d'))).toEqual({ error: 'EISDIR' });
    expect(fs.tryRead(p('nope'))).toEqual({ error: 'ENOENT' });
    expect(() => fs.readFile(p('nope'))).toThrow(FsError);
    expect(fs.tryRead('/dev/null')).toEqual({ data: '' });
  });

  it('reads a bounded piece of an endless device', () => {
    const r = fs.tryRead('/dev/zero');
    expect('data' in r && r.data.length).toBe(1024 * 1024);
  });

  it('exists, isDir, readdir (sorted by code point), readlink', () => {
    writeFileSync(p('B'), '');
    expect([fs.exists(p('f')), fs.exists(p('dangling')), fs.isDir(p('d')), fs.isDir(p('f')), fs.isDir(p('nope'))]).toEqual([true, false, true, false, false]);
    expect(fs.readdir(dir)).toEqual(['B', 'd', 'dangling', 'f', 'ln']);
    expect(fs.readdir(p('f'))).toBe('ENOTDIR');
    expect(fs.readdir(p('nope'))).toBe('ENOENT');
    expect(fs.readlink(p('ln'))).toBe('f');
    expect(fs.readlink(p('f'))).toBe('EINVAL');
  });
});

describe('DiskFs writes', () => {
  it('writeFile creates, truncates, appends; creates through a dangling link', () => {
    expect(fs.writeFile(p('new'), 'a')).toBeUndefined();
    expect(fs.writeFile(p('new'), 'b', true)).toBeUndefined();
    expect(readFileSync(p('new'), 'utf8')).toBe('ab');
    expect(fs.writeFile(p('new'), 'c')).toBeUndefined();
    expect(readFileSync(p('new'), 'utf8')).toBe('c');
    expect(fs.writeFile(p('dangling'), 'via link')).toBeUndefined();
    expect(readFileSync(p('missing'), 'utf8')).toBe('via link');
  });

  it.each<[string, FsErrorCode]>([
    ['d', 'EISDIR'],
    ['nodir/x', 'ENOENT'],
    ['f/x', 'ENOTDIR'],
  ])('writeFile %s → %s', (name, code) => {
    expect(fs.writeFile(p(name), 'x')).toBe(code);
  });

  it('openWrite truncates at open (or appends) and each write lands on disk', () => {
    const w = fs.openWrite(p('f'), false);
    if (typeof w === 'string') throw new Error(w);
    expect(readFileSync(p('f'), 'utf8')).toBe('');
    w.write('one\n');
    w.write('two\n');
    expect(readFileSync(p('f'), 'utf8')).toBe('one\ntwo\n');
    const a = fs.openWrite(p('f'), true);
    if (typeof a === 'string') throw new Error(a);
    a.write('three\n');
    expect(readFileSync(p('f'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(fs.openWrite(p('d'), false)).toBe('EISDIR');
    expect(fs.openWrite(p('no/x'), true)).toBe('ENOENT');
  });

  it('touch creates a file or updates its time', () => {
    expect(fs.touch(p('t'))).toBeUndefined();
    expect(readFileSync(p('t'), 'utf8')).toBe('');
    const old = new Date(2000, 0, 1);
    writeFileSync(p('old'), 'keep');
    utimesSync(p('old'), old, old);
    expect(fs.touch(p('old'))).toBeUndefined();
    expect(statSync(p('old')).mtimeMs).toBeGreaterThan(old.getTime() + 1000);
    expect(readFileSync(p('old'), 'utf8')).toBe('keep');
    expect(fs.touch(p('no/t'))).toBe('ENOENT');
  });

  it.each<[string, boolean, FsErrorCode | undefined]>([
    ['a', false, undefined],
    ['a/b/c', true, undefined],
    ['a/b/c', false, 'ENOENT'],
    ['d', false, 'EEXIST'],
    ['d', true, undefined],
    ['f', true, 'EEXIST'],
    ['f/x', true, 'ENOTDIR'],
  ])('mkdir %s (parents %s) → %s', (name, parents, code) => {
    expect(fs.mkdir(p(name), { parents })).toBe(code);
    if (!code) expect(statSync(p(name)).isDirectory()).toBe(true);
  });

  it.each<[string, { recursive?: boolean; dir?: boolean }, FsErrorCode | undefined]>([
    ['f', {}, undefined],
    ['ln', {}, undefined],
    ['d', {}, 'EISDIR'],
    ['d', { dir: true }, 'ENOTEMPTY'],
    ['d', { recursive: true }, undefined],
    ['nope', {}, 'ENOENT'],
  ])('remove %s %j → %s', (name, opts, code) => {
    expect(fs.remove(p(name), opts)).toBe(code);
    if (!code) expect(existsSync(p(name))).toBe(false);
    if (name === 'ln') expect(existsSync(p('f'))).toBe(true);
  });

  it('remove never takes the root; an empty directory goes with dir', () => {
    expect(fs.remove('/', { recursive: true })).toBe('EBUSY');
    mkdirSync(p('empty'));
    expect(fs.remove(p('empty'), { dir: true })).toBeUndefined();
  });

  it('rename moves a node; a directory into itself is EINVAL', () => {
    expect(fs.rename(p('f'), p('g'))).toBeUndefined();
    expect(readFileSync(p('g'), 'utf8')).toBe('héllo\n');
    expect(fs.rename(p('nope'), p('x'))).toBe('ENOENT');
    expect(fs.rename(p('d'), p('d/sub'))).toBe('EINVAL');
    expect(fs.rename(p('g'), p('no/g'))).toBe('ENOENT');
  });

  it('copy copies a file (mode too) or a tree, links kept as links', () => {
    chmodSync(p('f'), 0o750);
    expect(fs.copy(p('f'), p('f2'))).toBeUndefined();
    expect(readFileSync(p('f2'), 'utf8')).toBe('héllo\n');
    expect(statSync(p('f2')).mode & 0o777).toBe(0o750);
    symlinkSync('inner', p('d/l'));
    expect(fs.copy(p('d'), p('d2'))).toBeUndefined();
    expect(readFileSync(p('d2/inner'), 'utf8')).toBe('x');
    expect(readlinkSync(p('d2/l'))).toBe('inner');
    expect(fs.copy(p('nope'), p('x'))).toBe('ENOENT');
    expect(fs.copy(p('f'), p('no/x'))).toBe('ENOENT');
  });

  it('symlink, chmod, link', () => {
    expect(fs.symlink('/etc/hostname', p('s'))).toBeUndefined();
    expect(lstatSync(p('s')).isSymbolicLink()).toBe(true);
    expect(fs.symlink('x', p('f'))).toBe('EEXIST');
    expect(fs.chmod(p('f'), 0o4711)).toBeUndefined();
    expect(statSync(p('f')).mode & 0o7777).toBe(0o4711);
    expect(fs.chmod(p('nope'), 0o600)).toBe('ENOENT');
    expect(fs.link(p('f'), p('hard'))).toBeUndefined();
    expect(fs.stat(p('f'))).toMatchObject({ nlink: 2 });
    expect(fs.link(p('d'), p('hd'))).toBe('EPERM');
    expect(fs.link(p('f'), p('d'))).toBe('EEXIST');
    expect(fs.link(p('nope'), p('h2'))).toBe('ENOENT');
  });
});

describe('the agent shell with --host-shell', () => {
  const run = async (line: string): Promise<{ status: number; out: string; err: string }> => {
    const shell = createAgentShell({ dockerBin: '/nonexistent/docker', hostShell: true, hostname: 'h', cwd: dir })({});
    let out = '';
    let err = '';
    const status = await shell.run(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, { interrupted: false, onInterrupt: () => () => {} });
    return { status, out, err };
  };

  it('writes with its own utilities land on the disk, and host programs see them', async () => {
    const r = await run('echo hi > a && cat a && mkdir -p s/t && cp a s/t/b && mv s/t/b c && ls -1 && head -n1 c | tee e >/dev/null && grep -c hi e && /bin/cat c && rm a && ls -1');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toBe('hi\na\nc\nd\ndangling\nf\nln\ns\n1\nhi\nc\nd\ndangling\ne\nf\nln\ns\n');
    expect(readFileSync(p('c'), 'utf8')).toBe('hi\n');
    expect(existsSync(p('a'))).toBe(false);
  });

  it('a host program runs in the shell\'s working directory', async () => {
    const r = await run(`cd ${dir}/d && pwd && /bin/ls`);
    expect(r.out).toBe(`${dir}/d\ninner\n`);
  });

  it('errors are the disk\'s, in the utilities\' words', async () => {
    const r = await run('cat nope; mkdir d; rm d');
    expect(r.err).toBe("cat: nope: No such file or directory\nmkdir: cannot create directory ‘d’: File exists\nrm: cannot remove 'd': Is a directory\n");
  });
});
