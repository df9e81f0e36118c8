import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InterfaceSnapshot } from '../../model';
import type { Route } from '../view';
import { containerLinks, hostFromIpJson, parseFixture, type Fixture, type IpJson } from './fixtures';
import { runIp } from './ipCommand';
import { linkInfos, linkLocal, type LinkInfo } from './links';

function fixture(name: string): Fixture {
  return parseFixture(readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8'));
}

const ifb = (name: string): boolean => name.startsWith('ifb');

/**
 * The host's links as `ip` printed them; eth0's MTU and the netnsids the host handed out are this machine's, so they
 * are carried over. With `asRecorded`, so are each device's queue length and its addresses' broadcast, which this
 * machine's later set-up has where the reference host had none (docker0's qlen and brd): a test of the layout alone.
 */
function realHost(json = 'host-ip-j-addr', asRecorded = false): LinkInfo[] {
  const { ifaces, json: links } = hostFromIpJson(fixture(json).text);
  return linkInfos(ifaces, true).map((l, n) => {
    const j = links[n]!;
    const addrs = l.addrs.map((a) => {
      const b = a.local === 'fd00::2' ? { ...a, flags: ['nodad'] } : a;
      if (!asRecorded || b.family !== 'inet') return b;
      const { brd: _brd, ...rest } = b;
      const recorded = j.addr_info.find((x) => x.local === b.local)?.broadcast;
      return recorded ? { ...rest, brd: recorded } : rest;
    });
    return { ...l, mtu: j.mtu, addrs, ...(asRecorded ? { qlen: j.txqlen ?? 0 } : {}), ...(j.link_netnsid !== undefined ? { netnsid: j.link_netnsid } : {}) };
  });
}

/** The fixture's text without the blocks of devices the simulated host does not have. */
function withoutIfb(text: string): string {
  const out: string[] = [];
  let skip = false;
  for (const line of text.split('\n')) {
    const head = /^\d+: ([^:@]+)/.exec(line) ?? /^(\S+)\s/.exec(line);
    if (head) skip = ifb(head[1]!);
    if (!skip) out.push(line);
  }
  return out.join('\n');
}

const hostRoutes: Route[] = [
  { dst: 'default', via: '192.0.2.1', dev: 'eth0' },
  { dst: '172.17.0.0/16', dev: 'docker0', proto: 'kernel', scope: 'link', src: '172.17.0.1' },
  { dst: '172.20.0.0/16', dev: 'br-5a217a8cd096', proto: 'kernel', scope: 'link', src: '172.20.0.1' },
  { dst: '192.0.2.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '192.0.2.2' },
];

describe('ip on the host (iproute2 6.1), against this machine', () => {
  const host = realHost();
  it.each([
    ['host-ip-addr', ['addr']],
    ['host-ip-link', ['link']],
    ['host-ip-br-a', ['-br', 'a']],
    ['host-ip-br-link', ['-br', 'link']],
  ])('%s', (name, args) => {
    const f = fixture(name);
    const r = runIp(args, host, [], 'iproute2');
    expect(r.stdout).toBe(withoutIfb(f.text));
    expect(r.code).toBe(f.exit);
  });

  it.each([
    ['host-ip-o-link', ['-o', 'link']],
    ['host-ip-o-addr', ['-o', 'addr']],
  ])('%s: each record on one line, its continuation lines joined with a backslash', (name, args) => {
    // Recorded together with host-o-ip-j-addr, the machine as it was then (a container's veth on docker0).
    const f = fixture(name);
    const r = runIp(args, realHost('host-o-ip-j-addr', true), [], 'iproute2');
    expect(r.stdout).toBe(withoutIfb(f.text));
    expect(r.code).toBe(f.exit);
  });

  it('ip route: default route, then each bridge and eth0 by address', () => {
    expect(runIp(['route'], host, hostRoutes, 'iproute2').stdout).toBe(fixture('host-ip-route').text);
  });

  it('an empty user bridge has no carrier: NO-CARRIER, state DOWN, no link-local address, a linkdown route', () => {
    const json = (JSON.parse(fixture('host-empty-bridge-j').text) as IpJson[])[0]!;
    const bridge: InterfaceSnapshot = { name: json.ifname, ifindex: json.ifindex, kind: 'bridge', mac: json.address, addresses: ['172.25.0.1/16'], up: true, netns: 'host' };
    const links = linkInfos([bridge], true);
    // The captured text is of another empty bridge made the same way; only the names and numbers differ.
    const text = fixture('host-empty-bridge-ip-addr').text.replace(/br-7a24eb0ea8d6|br-6b67e3504d76/g, json.ifname).replace(/3487|3492/, String(json.ifindex));
    expect(runIp(['addr', 'show', json.ifname], links, [], 'iproute2').stdout).toBe(text.replace(/172\.24\./g, '172.25.').replace('02:42:dd:22:74:bc', json.address));
    const route: Route = { dst: '172.25.0.0/16', dev: json.ifname, proto: 'kernel', scope: 'link', src: '172.25.0.1', linkdown: true };
    expect(runIp(['route'], links, [route], 'iproute2').stdout).toBe(`172.25.0.0/16 dev ${json.ifname} proto kernel scope link src 172.25.0.1 linkdown \n`);
  });

  it('errors: an unknown device, an unknown object', () => {
    const host2 = realHost();
    expect(runIp(['addr', 'show', 'nosuch'], host2, [], 'iproute2')).toEqual({ stdout: '', stderr: fixture('host-ip-addr-nosuch.stderr').text, code: 1 });
    expect(runIp(['foo'], host2, [], 'iproute2')).toEqual({ stdout: '', stderr: fixture('host-ip-bad.stderr').text, code: 1 });
  });

  it('derives the link-local address from the MAC (EUI-64), as the kernel does', () => {
    expect(linkLocal('06:75:2f:a3:33:bb')).toBe('fe80::475:2fff:fea3:33bb');
    expect(linkLocal('02:42:60:d1:d0:6b')).toBe('fe80::42:60ff:fed1:d06b');
  });
});

describe('ip in a busybox container, against docker run', () => {
  /** The numbers a fixture's container had: its eth0 ifindex, the host peer's, its address and MAC. */
  function container(name: string): { f: Fixture; links: LinkInfo[]; routes: Route[] } {
    const f = fixture(name);
    const m = /(\d+): eth0(?:@if(\d+))?/.exec(f.text);
    const ip = /inet (172\.\d+\.\d+\.\d+)\/16/.exec(f.text)?.[1] ?? /src (172\.\d+\.\d+\.\d+)/.exec(f.text)?.[1] ?? '172.17.0.6';
    const octets = ip.split('.').map(Number);
    const mac = /link\/ether (\S+)/.exec(f.text)?.[1] ?? '02:42:' + octets.map((o) => o.toString(16).padStart(2, '0')).join(':');
    const ifaces = containerLinks({ id: 'c1', ifindex: Number(m?.[1] ?? 2), peer: Number(m?.[2] ?? 3), ip, prefix: 16, mac });
    const gw = `${octets[0]}.${octets[1]}.0.1`;
    const routes: Route[] = [
      { dst: 'default', via: gw, dev: 'eth0' },
      { dst: `${octets[0]}.${octets[1]}.0.0/16`, dev: 'eth0', proto: 'kernel', scope: 'link', src: ip },
    ];
    return { f, links: linkInfos(ifaces, false), routes };
  }

  it.each([
    ['bb-ip-addr', ['addr']],
    ['bb-ip-link', ['link']],
    ['bb-ip-route', ['route']],
    ['bb-ip-4-addr-show-eth0', ['-4', 'addr', 'show', 'eth0']],
    ['bb-ip-o-addr', ['-o', 'addr']],
    ['bb-ip-o-link', ['-o', 'link']],
  ])('%s', (name, args) => {
    const { f, links, routes } = container(name);
    const r = runIp(args, links, routes, 'busybox');
    expect(r.stdout).toBe(f.text);
    expect(r.code).toBe(f.exit);
  });

  it('--network none: only lo, no routes', () => {
    const lo = containerLinks({ id: 'c1', ifindex: 2, peer: 3, ip: '172.17.0.2', prefix: 16, mac: '02:42:ac:11:00:02' }).slice(0, 1);
    expect(runIp(['addr'], linkInfos(lo, false), [], 'busybox').stdout).toBe(fixture('bb-none-ip-addr').text);
    expect(runIp(['route'], linkInfos(lo, false), [], 'busybox').stdout).toBe(fixture('bb-none-ip-route').text);
  });

  it('errors as busybox words them: -br is no busybox option, an unknown device, an unknown object', () => {
    const { links, routes } = container('bb-ip-addr');
    const usage = fixture('bb-ip-bad.stderr');
    expect(runIp(['-br', 'a'], links, routes, 'busybox')).toEqual({ stdout: '', stderr: usage.text, code: usage.exit });
    expect(runIp(['foo'], links, routes, 'busybox')).toEqual({ stdout: '', stderr: fixture('bb-ip-bad-obj.stderr').text, code: 1 });
    expect(runIp(['addr', 'show', 'nosuch'], links, routes, 'busybox')).toEqual({ stdout: '', stderr: fixture('bb-ip-addr-nosuch.stderr').text, code: 1 });
  });
});
