import { describe, expect, it } from 'vitest';
import { TokenBucket, hostAllowed, isLoopback, newToken, originAllowed, parsePublicUrl, tokenFileProblem, tokenFromAuthorization, tokenFromUpgrade, tokenMatches } from './security';

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
