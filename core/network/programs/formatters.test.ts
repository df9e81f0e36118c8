import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InterfaceSnapshot, NatRule } from '../../model';
import type { BridgeInfo, Route } from '../view';
import { containerLinks, hostFromIpJson, parseFixture, type Fixture, type IpJson } from './fixtures';
import { runIfconfig, type LinkStats } from './ifconfig';
import { ctime, iptablesSave, parseRule, runIptables } from './iptables';
import { linkInfos } from './links';
import { formatBridgeLink, formatBrctlShow, formatNetstat, formatRouteTable } from './tables';

function fixture(name: string): Fixture {
  return parseFixture(readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8'));
}

function hostIfaces(): { ifaces: InterfaceSnapshot[]; json: IpJson[] } {
  return hostFromIpJson(fixture('host-ip-j-addr').text);
}

/** The counters a captured ifconfig printed, so the layout of every number can be compared. */
function statsFrom(text: string, dialect: 'net-tools' | 'busybox'): (name: string) => LinkStats {
  const stats = new Map<string, LinkStats>();
  for (const block of text.split('\n\n')) {
    const name = /^(\S+?):? /.exec(block)?.[1];
    if (!name) continue;
    const num = (re: RegExp): number => Number(re.exec(block)?.[1] ?? 0);
    stats.set(
      name,
      dialect === 'net-tools'
        ? { rxPackets: num(/RX packets (\d+)/), rxBytes: num(/RX packets \d+  bytes (\d+)/), txPackets: num(/TX packets (\d+)/), txBytes: num(/TX packets \d+  bytes (\d+)/), txDropped: num(/TX errors \d+  dropped (\d+)/) }
        : { rxPackets: num(/RX packets:(\d+)/), rxBytes: num(/RX bytes:(\d+)/), txPackets: num(/TX packets:(\d+)/), txBytes: num(/TX bytes:(\d+)/), txDropped: num(/TX packets:\d+ errors:\d+ dropped:(\d+)/) },
    );
  }
  return (name) => stats.get(name) ?? { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, txDropped: 0 };
}

describe('ifconfig', () => {
  it('on the host: net-tools 2.10, up interfaces by name, docker0 without a broadcast address', () => {
    const { ifaces, json } = hostIfaces();
    const links = linkInfos(ifaces, true).map((l, n) => ({ ...l, mtu: json[n]!.mtu }));
    const f = fixture('host-ifconfig');
    expect(runIfconfig([], links, 'net-tools', statsFrom(f.text, 'net-tools')).stdout).toBe(f.text);
  });

  it('an empty bridge is up but not RUNNING (flags=4099)', () => {
    const f = fixture('host-empty-bridge-ifconfig');
    const bridge: InterfaceSnapshot = { name: 'br-6b67e3504d76', ifindex: 3492, kind: 'bridge', mac: '02:42:8e:e3:3b:6d', addresses: ['172.25.0.1/16'], up: true, netns: 'host' };
    expect(runIfconfig(['br-6b67e3504d76'], linkInfos([bridge], true), 'net-tools').stdout).toBe(f.text);
  });

  it('in a container: busybox, eth0 then lo, upper-case MAC', () => {
    const f = fixture('bb-ifconfig');
    const ifaces = containerLinks({ id: 'c', ifindex: 9, peer: 10, ip: '172.17.0.6', prefix: 16, mac: '02:42:ac:11:00:06' });
    expect(runIfconfig([], linkInfos(ifaces, false), 'busybox', statsFrom(f.text, 'busybox')).stdout).toBe(f.text);
    expect(runIfconfig(['lo'], linkInfos(ifaces, false), 'busybox').stdout).toBe(fixture('bb-ifconfig-lo').text);
    expect(runIfconfig([], linkInfos(ifaces.slice(0, 1), false), 'busybox').stdout).toBe(fixture('bb-none-ifconfig').text);
  });
});

describe('iptables, from the rules iptables-save printed at the same moment', () => {
  const save = fixture('host-iptables-save');
  const rules: NatRule[] = [];
  let table: NatRule['table'] = 'filter';
  for (const line of save.text.split('\n')) {
    if (line === '*nat') table = 'nat';
    if (line.startsWith('-A ')) rules.push({ table, chain: line.split(' ')[1]!, rule: line });
  }
  const stamp = /on (.+)$/m.exec(save.text)![1]!;
  const when = Date.parse(`${stamp.replace(/^\w+ /, '')} UTC`);

  it('iptables-save: tables, chains with policies, rules, the time stamps', () => {
    expect(ctime(when)).toBe(stamp);
    expect(iptablesSave(rules, when)).toBe(save.text);
  });

  it.each([
    ['host-iptables-nat-L', ['-t', 'nat', '-L', '-n']],
    ['host-iptables-L', ['-L', '-n']],
    ['host-iptables-L-DOCKER-lines', ['-L', 'DOCKER', '-n', '--line-numbers']],
    ['host-iptables-nat-L-DOCKER-lines', ['-t', 'nat', '-L', 'DOCKER', '-n', '--line-numbers']],
    ['host-iptables-nat-S', ['-t', 'nat', '-S']],
    ['host-iptables-S', ['-S']],
    ['host-iptables-L-DOCKER-USER', ['-L', 'DOCKER-USER']],
  ])('%s', (name, args) => {
    const f = fixture(name);
    const r = runIptables(args, rules);
    expect(r.stdout).toBe(f.text);
    expect(r.code).toBe(f.exit);
  });

  it('errors: a chain that does not exist, a table that does not exist', () => {
    expect(runIptables(['-L', 'NOSUCH', '-n'], rules)).toEqual({ stdout: '', stderr: fixture('host-iptables-L-bad.stderr').text, code: 1 });
    expect(runIptables(['-t', 'foo', '-L'], rules)).toEqual({ stdout: '', stderr: fixture('host-iptables-t-bad.stderr').text, code: 3 });
  });

  it('reads a DNAT rule: inverted interface, protocol, port and destination', () => {
    const r = parseRule('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.17.0.2:80');
    expect(r).toMatchObject({ chain: 'DOCKER', target: 'DNAT', proto: 'tcp', matches: { dport: '8088', toDestination: '172.17.0.2:80' } });
  });
});

describe('route, netstat, brctl and bridge link', () => {
  const routes: Route[] = [
    { dst: 'default', via: '172.17.0.1', dev: 'eth0' },
    { dst: '172.17.0.0/16', dev: 'eth0', proto: 'kernel', scope: 'link', src: '172.17.0.6' },
  ];
  it('busybox route -n and route', () => {
    expect(formatRouteTable(routes, true)).toBe(fixture('bb-route-n').text);
    expect(formatRouteTable(routes, false)).toBe(fixture('bb-route').text);
    expect(formatRouteTable([], true)).toBe(fixture('bb-none-route-n').text);
  });

  it('busybox netstat -tln: nothing listening; on a user network the embedded DNS and httpd on every address', () => {
    expect(formatNetstat([], true)).toBe(fixture('bb-netstat-tln-empty').text);
    const rows = [
      { proto: 'tcp', ip: '127.0.0.11', port: 37107 },
      { proto: 'tcp', ip: '::', port: 80 },
    ] as const;
    expect(formatNetstat(rows, true)).toBe(fixture('bb-netstat-tln-httpd').text);
    const dns = [
      { proto: 'tcp', ip: '127.0.0.11', port: 38513 },
      { proto: 'udp', ip: '127.0.0.11', port: 44032 },
    ] as const;
    expect(formatNetstat(dns, true)).toBe(fixture('bb-user-netstat-tuln').text);
  });

  it('brctl show: bridges by name, ports on continuation lines; an empty bridge', () => {
    const f = fixture('host-brctl-show');
    const bridges: BridgeInfo[] = [];
    for (const line of f.text.split('\n').slice(1)) {
      const cells = line.split('\t').filter((c) => c !== '');
      if (line.startsWith('\t')) bridges[bridges.length - 1]!.interfaces.push(cells[0]!);
      else if (cells.length >= 3) bridges.push({ name: cells[0]!, id: cells[1]!, stp: cells[2] === 'yes', interfaces: cells[3] ? [cells[3]] : [] });
    }
    expect(bridges.map((b) => b.name)).toEqual(['br-5a217a8cd096', 'docker0']);
    // Given in another order, printed in bridge-utils' order.
    expect(formatBrctlShow([...bridges].reverse().map((b) => ({ ...b, interfaces: [...b.interfaces].reverse() })))).toBe(f.text);
    expect(formatBrctlShow([{ name: 'br-6b67e3504d76', id: '8000.02428ee33b6d', stp: false, interfaces: [] }])).toBe(fixture('host-empty-bridge-brctl').text);
  });

  it('bridge link: the enslaved veths with their master', () => {
    const { ifaces } = hostIfaces();
    expect(formatBridgeLink(linkInfos(ifaces, true))).toBe(fixture('host-bridge-link').text);
  });
});
