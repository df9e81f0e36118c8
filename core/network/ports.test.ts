import { describe, expect, it } from 'vitest';
import { displayablePorts, parseExpose, parsePortSpec, PortAllocator, type SummaryPort } from './ports';

describe('-p as nat.ParsePortSpec reads it', () => {
  it.each([
    ['80', [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '' }]],
    ['8088:80', [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8088' }]],
    ['127.0.0.1:8088:80/udp', [{ containerPort: 80, proto: 'udp', hostIp: '127.0.0.1', hostPort: '8088' }]],
    ['127.0.0.1::80', [{ containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: '' }]],
    ['8000-8001:90-91', [{ containerPort: 90, proto: 'tcp', hostIp: '', hostPort: '8000' }, { containerPort: 91, proto: 'tcp', hostIp: '', hostPort: '8001' }]],
    ['8000-8010:80', [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8000-8010' }]],
  ])('%s', (raw, want) => {
    expect(parsePortSpec(raw)).toEqual(want);
  });
  it.each([
    ['abc', 'invalid containerPort: abc'],
    ['80:abc', 'invalid containerPort: abc'],
    ['1.2.3:80:80', 'invalid IP address: 1.2.3'],
    ['80/xyz', 'invalid proto: xyz'],
    ['8000-8002:80-81', 'invalid ranges specified for container and host Ports: 80-81 and 8000-8002'],
    ['70000:80', 'invalid hostPort: 70000'],
  ])('refuses %s with the real client text', (raw, error) => {
    expect(parsePortSpec(raw)).toEqual({ error });
  });
  it('--expose takes ranges and says what the client says for junk', () => {
    expect(parseExpose('7000-7001/udp')).toEqual([{ port: 7000, proto: 'udp' }, { port: 7001, proto: 'udp' }]);
    expect(parseExpose('abc')).toEqual({ error: 'invalid range format for --expose: abc, error: strconv.ParseUint: parsing "abc": invalid syntax' });
  });
});

describe('PortAllocator', () => {
  it('refuses a port in use on the same or the wildcard address', () => {
    const a = new PortAllocator();
    expect(a.request('0.0.0.0', 'tcp', 8088)).toBe(8088);
    expect(a.request('0.0.0.0', 'tcp', 8088)).toBeUndefined();
    expect(a.request('127.0.0.1', 'tcp', 8088)).toBeUndefined();
    expect(a.request('0.0.0.0', 'udp', 8088)).toBe(8088);
    expect(a.request('::', 'tcp', 8088)).toBe(8088);
    a.release('0.0.0.0', 'tcp', 8088);
    expect(a.request('127.0.0.1', 'tcp', 8088)).toBe(8088);
  });
  it('hands out ephemeral ports from 32768 on, moving on rather than reusing a released one', () => {
    const a = new PortAllocator();
    expect(a.request('0.0.0.0', 'tcp', 0)).toBe(32768);
    a.release('0.0.0.0', 'tcp', 32768);
    expect(a.request('0.0.0.0', 'tcp', 0)).toBe(32769);
    // Each protocol has its own position, as observed on Engine 20.10.
    expect(a.request('0.0.0.0', 'udp', 0)).toBe(32768);
  });
});

describe('the PORTS column (formatter.DisplayablePorts)', () => {
  const p = (ip: string, privatePort: number, publicPort: number, type: SummaryPort['type'] = 'tcp'): SummaryPort => ({ ip, privatePort, publicPort, type });
  it.each([
    [[p('0.0.0.0', 80, 8088), p('::', 80, 8088)], '0.0.0.0:8088->80/tcp, [::]:8088->80/tcp'],
    [[p('', 80, 0)], '80/tcp'],
    [[p('', 80, 0), p('', 81, 0), p('', 82, 0)], '80-82/tcp'],
    [[p('0.0.0.0', 80, 80), p('0.0.0.0', 81, 81)], '0.0.0.0:80-81->80-81/tcp'],
    [
      [p('0.0.0.0', 90, 38090), p('127.0.0.1', 81, 38089, 'udp'), p('::', 90, 38090)],
      '127.0.0.1:38089->81/udp, 0.0.0.0:38090->90/tcp, [::]:38090->90/tcp',
    ],
    [[], ''],
  ])('%j → %s', (ports, text) => {
    expect(displayablePorts(ports)).toBe(text);
  });
});
