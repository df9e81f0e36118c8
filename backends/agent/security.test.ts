import { describe, expect, it } from 'vitest';
import { TokenBucket, hostAllowed, newToken, originAllowed, tokenFromAuthorization, tokenFromUpgrade, tokenMatches } from './security';

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
