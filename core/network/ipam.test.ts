import { describe, expect, it } from 'vitest';
import { formatCidr, formatIp, macFromIp, parseCidr, parseIp } from './ip';
import { AddressPool, pickPool } from './ipam';

describe('MAC addresses derived from the IPv4 address (Docker ≤ 25)', () => {
  it.each([
    ['172.17.0.2', '02:42:ac:11:00:02'],
    ['172.18.0.3', '02:42:ac:12:00:03'],
    ['10.99.0.200', '02:42:0a:63:00:c8'],
    ['192.168.16.255', '02:42:c0:a8:10:ff'],
  ])('%s → %s', (ip, mac) => {
    expect(macFromIp(parseIp(ip)!)).toBe(mac);
  });
});

describe('address parsing', () => {
  it.each([
    ['172.17.0.0/16', '172.17.0.0/16'],
    ['10.99.0.7/24', '10.99.0.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('%s is the network %s', (text, net) => {
    expect(formatCidr(parseCidr(text)!)).toBe(net);
  });
  it.each(['300.1.1.0/24', '1.2.3/8', '1.2.3.4', '1.2.3.4/33'])('refuses %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('the default pools of user-defined networks', () => {
  const taken = (...cidrs: string[]) => cidrs.map((c) => parseCidr(c)!);
  it.each([
    [['172.17.0.0/16'], '172.18.0.0/16'],
    [['172.17.0.0/16', '172.18.0.0/16'], '172.19.0.0/16'],
    [['172.17.0.0/16', '172.19.0.0/16'], '172.18.0.0/16'],
    // A --subnet inside a default pool takes that whole pool out of the running.
    [['172.17.0.0/16', '172.18.5.0/24'], '172.19.0.0/16'],
    [Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`), '192.168.0.0/20'],
    [[...Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`), '192.168.0.0/20'], '192.168.16.0/20'],
  ])('with %j taken the next is %s', (used, next) => {
    expect(formatCidr(pickPool(taken(...used))!)).toBe(next);
  });
});

describe('AddressPool (libnetwork bitseq, not serial)', () => {
  const pool = (subnet: string, range?: string) => new AddressPool(parseCidr(subnet)!, range ? parseCidr(range) : undefined);
  it('hands out .2, .3, … after the gateway, and reuses the lowest released address first', () => {
    const p = pool('172.17.0.0/16');
    expect(p.take(parseIp('172.17.0.1')!)).toBeUndefined();
    const got = [p.allocate(), p.allocate(), p.allocate()].map((n) => formatIp(n!));
    expect(got).toEqual(['172.17.0.2', '172.17.0.3', '172.17.0.4']);
    p.release(parseIp('172.17.0.3')!);
    p.release(parseIp('172.17.0.2')!);
    expect(formatIp(p.allocate()!)).toBe('172.17.0.2');
    expect(formatIp(p.allocate()!)).toBe('172.17.0.3');
    expect(formatIp(p.allocate()!)).toBe('172.17.0.5');
  });
  it('takes dynamic addresses from --ip-range only', () => {
    const p = pool('10.99.0.0/24', '10.99.0.128/25');
    expect(formatIp(p.allocate()!)).toBe('10.99.0.128');
  });
  it('never hands out the broadcast address, and says when the range is full', () => {
    const p = pool('10.0.0.0/30');
    expect(p.take(parseIp('10.0.0.1')!)).toBeUndefined();
    expect(formatIp(p.allocate()!)).toBe('10.0.0.2');
    expect(p.allocate()).toBeUndefined();
  });
  it('refuses an address in use and one outside the subnet', () => {
    const p = pool('10.0.0.0/24');
    expect(p.take(parseIp('10.0.0.9')!)).toBeUndefined();
    expect(p.take(parseIp('10.0.0.9')!)).toBe('Address already in use');
    expect(p.take(parseIp('10.0.1.9')!)).toMatch(/no available IPv4 addresses/);
  });
});
