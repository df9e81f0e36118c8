import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listHostDir } from './hostDir';
import { resolveListablePath, TokenBucket, hostAllowed, isLoopback, newToken, originAllowed, parsePublicUrl, tokenFileProblem, tokenFromAuthorization, tokenFromUpgrade, tokenMatches } from './security';

describe('tokens', () => {
  it('are 32 random bytes in hex, different each start', () => {
    const a = newToken();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken()).not.toBe(a);
  });

  const token = 'ab'.repeat(32);
  it.each([
    [token, true],
    [token.slice(0, -1), false],
    [token + '0', false],
    [token.toUpperCase(), false],
    ['', false],
    [null, false],
    [undefined, false],
    ['x'.repeat(10_000), false],
  ])('tokenMatches(%s) is %s', (given, ok) => {
    expect(tokenMatches(token, given)).toBe(ok);
  });

  it.each([
    ['/ws', 'glassbox.v1, glassbox.token.abc', 'abc'],
    ['/ws?token=q1', undefined, 'q1'],
    ['/ws?token=q1', 'glassbox.v1,glassbox.token.p1', 'p1'],
    ['/ws', 'glassbox.v1', null],
    ['/ws', undefined, null],
  ])('tokenFromUpgrade(%s, %s) is %s', (url, proto, expected) => {
    expect(tokenFromUpgrade(url, proto)).toBe(expected);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Basic abc', null],
    [undefined, null],
  ])('tokenFromAuthorization(%s) is %s', (h, expected) => {
    expect(tokenFromAuthorization(h)).toBe(expected);
  });
});

describe('Host and Origin allowlists', () => {
  it.each([
    ['127.0.0.1:5170', true],
    ['localhost:5170', true],
    ['LOCALHOST:5170', true],
    ['[::1]:5170', true],
    ['127.0.0.1', false],
    ['127.0.0.1:5171', false],
    ['evil.example:5170', false],
    ['localhost.evil.example:5170', false],
    [undefined, false],
  ])('Host %s → %s', (host, ok) => {
    expect(hostAllowed(host, 5170)).toBe(ok);
  });

  it.each([
    ['http://127.0.0.1:5170', true],
    ['http://localhost:5170', true],
    ['http://[::1]:5170', true],
    ['https://127.0.0.1:5170', false],
    ['http://127.0.0.1:5171', false],
    ['http://evil.example', false],
    ['null', false],
    [undefined, false],
  ])('Origin %s → %s', (origin, ok) => {
    expect(originAllowed(origin, 5170)).toBe(ok);
  });
});

describe('behind a published port or a proxy (--public-url)', () => {
  const pub = parsePublicUrl('https://hub.example.edu/user/ana/glassbox/') as URL;
  const published = parsePublicUrl('http://127.0.0.1:41234/') as URL;

  it.each([
    ['hub.example.edu', pub, true],
    ['HUB.example.edu', pub, true],
    ['127.0.0.1:7681', pub, true],
    ['hub.example.edu:7681', pub, false],
    ['evil.example', pub, false],
    ['hub.example.edu.evil.example', pub, false],
    ['127.0.0.1:41234', published, true],
    ['localhost:41234', published, false],
    ['127.0.0.1:41234', undefined, false],
  ])('Host %s (public %s) → %s', (host, url, ok) => {
    expect(hostAllowed(host, 7681, url)).toBe(ok);
  });

  it.each([
    ['https://hub.example.edu', pub, true],
    ['http://hub.example.edu', pub, false],
    ['https://hub.example.edu:8443', pub, false],
    ['https://evil.example', pub, false],
    ['http://127.0.0.1:7681', pub, true],
    ['http://127.0.0.1:41234', published, true],
    ['http://127.0.0.1:41234', undefined, false],
    ['null', pub, false],
    [undefined, pub, false],
  ])('Origin %s (public %s) → %s', (origin, url, ok) => {
    expect(originAllowed(origin, 7681, url)).toBe(ok);
  });

  it.each([
    ['http://127.0.0.1:41234', 'http://127.0.0.1:41234/'],
    ['https://hub.example.edu/user/ana/glassbox', 'https://hub.example.edu/user/ana/glassbox/'],
    ['https://Hub.Example.EDU:443/x/', 'https://hub.example.edu/x/'],
    ['hub.example.edu', 'invalid public URL: hub.example.edu'],
    ['ws://hub.example.edu/', 'the public URL must be http: or https:, not ws: (ws://hub.example.edu/)'],
    ['https://u:p@hub.example.edu/', 'the public URL must have no user, query or fragment: https://u:p@hub.example.edu/'],
    ['https://hub.example.edu/#x', 'the public URL must have no user, query or fragment: https://hub.example.edu/#x'],
    ['https://hub.example.edu/?', 'the public URL must have no user, query or fragment: https://hub.example.edu/?'],
  ])('parsePublicUrl(%s) → %s', (text, expected) => {
    const got = parsePublicUrl(text);
    expect(typeof got === 'string' ? got : got.href).toBe(expected);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['localhost', false],
  ])('isLoopback(%s) is %s', (address, ok) => {
    expect(isLoopback(address)).toBe(ok);
  });
});

describe('a token given in a file (--token-file)', () => {
  const hex = 'ab'.repeat(32);
  it.each([
    [`${hex}\n`, 0o100600, null],
    [hex, 0o100400, null],
    [hex, 0o100644, 'is readable or writable by others (mode 644): chmod 600 it'],
    [hex, 0o100620, 'is readable or writable by others (mode 620): chmod 600 it'],
    ['ab'.repeat(16), 0o100600, "must hold 64 lowercase hex digits (e.g. od -An -tx1 -N32 /dev/urandom | tr -d ' \\n')"],
    [hex.toUpperCase(), 0o100600, "must hold 64 lowercase hex digits (e.g. od -An -tx1 -N32 /dev/urandom | tr -d ' \\n')"],
    ['', 0o100600, "must hold 64 lowercase hex digits (e.g. od -An -tx1 -N32 /dev/urandom | tr -d ' \\n')"],
  ])('%j with mode %o → %s', (text, mode, problem) => {
    expect(tokenFileProblem(text, mode)).toBe(problem);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    const b = new TokenBucket(3, 2, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(400)).toBe(false);
    expect(b.take(500)).toBe(true);
    expect(b.take(500)).toBe(false);
    expect([b.take(10_000), b.take(10_000), b.take(10_000), b.take(10_000)]).toEqual([true, true, true, false]);
  });

  it('takes a cost: a budget of characters refuses a piece bigger than what is left', () => {
    const b = new TokenBucket(100, 10, 0);
    expect(b.take(0, 60)).toBe(true);
    expect(b.take(0, 60)).toBe(false);
    expect(b.take(0, 40)).toBe(true);
    expect(b.take(1000, 11)).toBe(false);
    expect(b.take(1000, 10)).toBe(true);
  });
});

describe('host directory listings (hostile paths)', () => {
  // root/ stands for the engine's data root, bind/ for a live container's bind source, outside/ for the rest of the host.
  const base = mkdtempSync(join(tmpdir(), 'gb-views-sec-'));
  const root = join(base, 'root');
  const bind = join(base, 'bind');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'volumes', 'data', '_data'), { recursive: true });
  mkdirSync(bind);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'x');
  writeFileSync(join(root, 'volumes', 'data', '_data', 'hello.txt'), 'hello');
  symlinkSync(outside, join(root, 'volumes', 'data', '_data', 'escape'));
  symlinkSync('../../outside', join(root, 'volumes', 'rel-escape'));
  symlinkSync(join(root, 'volumes'), join(root, 'inside-link'));
  // A sibling whose name starts with the root's: a prefix test without the slash would let it in.
  mkdirSync(`${root}-evil`);
  const roots = [root, bind];
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it.each([
    ['the data root itself', root],
    ['a volume under it', join(root, 'volumes', 'data', '_data')],
    ['a bind source', bind],
    ['a symlink that stays inside', join(root, 'inside-link', 'data')],
  ])('lists %s', async (_what, path) => {
    await expect(resolveListablePath(path, roots)).resolves.toMatch(/^\//);
  });

  it.each([
    ['.. up and out', `${root}/volumes/../../outside`, 'the path has . or .. in it'],
    ['.. that stays inside', `${root}/volumes/../volumes`, 'the path has . or .. in it'],
    ['a symlink out (absolute)', join(root, 'volumes', 'data', '_data', 'escape'), 'outside the engine’s data root'],
    ['a symlink out (relative)', join(root, 'volumes', 'rel-escape'), 'outside the engine’s data root'],
    ['a path beyond a symlink out', join(root, 'volumes', 'data', '_data', 'escape', 'secret'), 'outside the engine’s data root'],
    ['an absolute path elsewhere', '/etc', 'outside the engine’s data root'],
    ['the filesystem root', '/', 'outside the engine’s data root'],
    ['a sibling sharing the root’s prefix', `${root}-evil`, 'outside the engine’s data root'],
    ['a NUL byte', `${root}\u0000/../../etc`, 'control characters in the path'],
    ['a NUL byte at the end', `${root}/volumes\u0000`, 'control characters in the path'],
    ['a relative path', 'volumes/data', 'not an absolute path'],
    ['something not a string', { path: root }, 'not a path'],
    ['a path too long', `/${'a/'.repeat(3000)}`, 'path too long'],
    ['nothing there', join(root, 'nothing'), 'no such directory'],
  ])('refuses %s', async (_what, path, why) => {
    await expect(resolveListablePath(path, roots)).rejects.toThrow(why);
  });

  it('never takes "/" as a root, whatever the caller passes', async () => {
    await expect(resolveListablePath('/etc', ['/'])).rejects.toThrow('outside');
  });

  it('lists names, types and sizes without following symlinks, and refuses a file', async () => {
    const l = await listHostDir(join(root, 'volumes', 'data', '_data'), roots);
    expect(l.total).toBe(2);
    expect(l.entries).toEqual([
      { name: 'escape', type: 'symlink', size: outside.length },
      { name: 'hello.txt', type: 'file', size: 5 },
    ]);
    await expect(listHostDir(join(root, 'volumes', 'data', '_data', 'hello.txt'), roots)).rejects.toThrow('not a directory');
  });

  it('gives the first 100 entries of a big directory by name, and how many it has', async () => {
    const big = join(bind, 'big');
    mkdirSync(big);
    for (let i = 0; i < 130; i++) writeFileSync(join(big, `f${String(i).padStart(3, '0')}`), '');
    const l = await listHostDir(big, roots);
    expect(l.total).toBe(130);
    expect(l.entries.map((e) => e.name).slice(0, 2)).toEqual(['f000', 'f001']);
    expect(l.entries).toHaveLength(100);
  });
});
