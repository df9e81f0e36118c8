import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NetworkInspectInfo } from 'dockerode';
import type { ContainerSnapshot, InterfaceSnapshot, NetworkSnapshot } from '../../core/model';
import { networkFromInspect } from './engineModel';
import { NetworkReader, dockerNftRules, dockerRules, firewallBackend, interfacesFromIp, parseIptablesSave, parseNftTable, withBridgeGateways } from './network';

// Recorded on this project's Docker host (20.10, iptables-nft): one busybox
// httpd on docker0 published on 127.0.0.1:47811, among a teammate's containers.
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const CID = 'c'.repeat(64);
const OTHER = 'd'.repeat(64);

describe('interfacesFromIp', () => {
  it('reads the host: loopback, the physical uplink, the bridge and a veth enslaved to it, not ifb', () => {
    const ifs = interfacesFromIp(fixture('ip-host.json'), 'host');
    expect(ifs.map((i) => [i.name, i.kind])).toEqual([
      ['lo', 'loopback'],
      ['eth0', 'physical'],
      ['docker0', 'bridge'],
      ['veth0eae14a', 'veth'],
    ]);
    expect(ifs.find((i) => i.name === 'eth0')).toEqual({
      name: 'eth0',
      ifindex: 4,
      kind: 'physical',
      mac: '02:fc:00:00:00:01',
      addresses: ['192.0.2.2/24', 'fd00::2/64'],
      up: true,
      netns: 'host',
    });
    expect(ifs.find((i) => i.name === 'docker0')?.addresses).toEqual(['172.17.0.1/16']);
    expect(ifs.find((i) => i.kind === 'veth')).toMatchObject({ ifindex: 3486, peerIfindex: 3485, master: 'docker0', addresses: [] });
  });

  it('reads a container namespace: eth0 names its host peer by ifindex', () => {
    const ifs = interfacesFromIp(fixture('ip-container.json'), CID);
    expect(ifs).toEqual([
      { name: 'lo', ifindex: 1, kind: 'loopback', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'], up: true, netns: CID },
      { name: 'eth0', ifindex: 3485, kind: 'veth', mac: '02:42:ac:11:00:03', addresses: ['172.17.0.3/16'], up: true, netns: CID, peerIfindex: 3486 },
    ]);
  });

  it('gives nothing for output that is not ip -j', () => {
    expect(interfacesFromIp('not json', 'host')).toEqual([]);
    expect(interfacesFromIp('{"ifname": 3}', 'host')).toEqual([]);
  });
});

describe('withBridgeGateways', () => {
  // Daemon 20.10's default bridge: IPAM has the subnet only; docker0 holds 172.17.0.1/16 (both recorded here).
  const bridge = networkFromInspect(JSON.parse(fixture('network-inspect-bridge.json')) as NetworkInspectInfo);
  const host = interfacesFromIp(fixture('ip-host.json'), 'host');
  const net = (over: Partial<NetworkSnapshot>): NetworkSnapshot => ({ ...bridge, ...over });
  const dev = (over: Partial<InterfaceSnapshot>): InterfaceSnapshot => ({ name: 'br-5a217a8cd096', ifindex: 9, kind: 'bridge', mac: '', addresses: [], up: true, netns: 'host', ...over });

  it('the recorded inspect has no gateway, the recorded docker0 has it', () => {
    expect(bridge).toMatchObject({ name: 'bridge', bridge: 'docker0', subnet: '172.17.0.0/16', gateway: '' });
  });

  it.each<[string, NetworkSnapshot, InterfaceSnapshot[], string]>([
    ['the default bridge: docker0’s address', bridge, host, '172.17.0.1'],
    ['a gateway IPAM names is kept', net({ gateway: '172.17.0.254' }), host, '172.17.0.254'],
    ['no bridge device (yet)', bridge, host.filter((i) => i.name !== 'docker0'), ''],
    ['a bridge without an address', bridge, host.map((i) => (i.name === 'docker0' ? { ...i, addresses: [] } : i)), ''],
    ['an address outside the subnet is not the gateway', bridge, host.map((i) => (i.name === 'docker0' ? { ...i, addresses: ['10.9.0.1/24'] } : i)), ''],
    ['IPv6 first, IPv4 taken', bridge, host.map((i) => (i.name === 'docker0' ? { ...i, addresses: ['fd00::1/64', '172.17.0.1/16'] } : i)), '172.17.0.1'],
    ['a user bridge by its br- name', net({ name: 'mynet', bridge: 'br-5a217a8cd096', subnet: '172.20.0.0/16' }), [dev({ addresses: ['172.20.0.1/16'] })], '172.20.0.1'],
    ['a same-named link in a container is not the bridge', bridge, [dev({ name: 'docker0', netns: 'c'.repeat(64), addresses: ['172.17.0.1/16'] })], ''],
    ['a network without a bridge (host, none)', net({ name: 'host', driver: 'host', bridge: '', subnet: '' }), host, ''],
  ])('%s', (_what, network, interfaces, gateway) => {
    expect(withBridgeGateways([network], interfaces)[0]!.gateway).toBe(gateway);
  });

  it('returns the same object where nothing changes', () => {
    const kept = net({ gateway: '172.17.0.1' });
    expect(withBridgeGateways([kept], host)[0]).toBe(kept);
  });
});

describe('iptables-save', () => {
  const saved = parseIptablesSave(fixture('iptables-save.txt'));
  const ctx = { bridges: ['docker0'], subnets: ['172.17.0.0/16'], containerIps: new Map([['172.17.0.3', CID], ['172.17.0.2', OTHER]]) };

  it('keeps each -A line with its table and chain', () => {
    expect(saved.filter((r) => r.table === 'nat').map((r) => r.chain)).toEqual([
      'PREROUTING', 'OUTPUT', 'POSTROUTING', 'POSTROUTING', 'POSTROUTING', 'POSTROUTING', 'DOCKER', 'DOCKER', 'DOCKER', 'DOCKER',
    ]);
  });

  it('ties the DNAT, the filter ACCEPT and the hairpin MASQUERADE to the container they were made for', () => {
    const rules = dockerRules(saved, ctx).filter((r) => r.containerId === CID);
    expect(rules).toEqual([
      { table: 'filter', chain: 'DOCKER', rule: '-A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT', containerId: CID },
      { table: 'nat', chain: 'POSTROUTING', rule: '-A POSTROUTING -s 172.17.0.3/32 -d 172.17.0.3/32 -p tcp -m tcp --dport 80 -j MASQUERADE', containerId: CID },
      { table: 'nat', chain: 'DOCKER', rule: '-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 47811 -j DNAT --to-destination 172.17.0.3:80', containerId: CID },
    ]);
  });

  it("keeps Docker's chains, the jumps into them and the rules naming its bridges or subnets, nothing else", () => {
    const all = [...saved, { table: 'filter', chain: 'INPUT', rule: '-A INPUT -i lo -j ACCEPT' }, { table: 'mangle', chain: 'DOCKER', rule: '-A DOCKER -j RETURN' }];
    const rules = dockerRules(all, ctx).map((r) => r.rule);
    expect(rules).toContain('-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER');
    expect(rules).toContain('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
    expect(rules).toContain('-A FORWARD -i docker0 ! -o docker0 -j ACCEPT');
    expect(rules).not.toContain('-A INPUT -i lo -j ACCEPT');
    expect(rules).not.toContain('-A DOCKER -j RETURN');
    // The other network's MASQUERADE names neither a known bridge nor a known subnet.
    expect(rules).not.toContain('-A POSTROUTING -s 172.20.0.0/16 ! -o br-5a217a8cd096 -j MASQUERADE');
  });
});

describe('the firewall backend', () => {
  it('tells iptables-legacy, iptables over nf_tables and Docker writing nftables itself apart', () => {
    expect(firewallBackend('iptables v1.8.9 (legacy)', '')).toBe('iptables-legacy');
    expect(firewallBackend('iptables v1.8.9 (nf_tables)', 'table ip nat\ntable ip filter\n')).toBe('iptables-nft');
    expect(firewallBackend('iptables v1.8.9 (nf_tables)', 'table ip nat\ntable ip docker-bridges\n')).toBe('nftables');
  });

  it("reads Docker's own nftables table and ties rules to containers by address", () => {
    const text = [
      'table ip docker-bridges { # handle 7',
      '\tchain nat-prerouting-and-output { # handle 5',
      '\t\ttype nat hook prerouting priority dstnat; policy accept;',
      '\t\tfib daddr type local counter jump nat-prerouting-and-output # handle 9',
      '\t}',
      '\tchain nat-docker0 { # handle 11',
      '\t\tiifname != "docker0" tcp dport 8088 counter dnat to 172.17.0.3:80 comment "DNAT" # handle 12',
      '\t}',
      '}',
    ].join('\n');
    const rules = dockerNftRules(parseNftTable(text), new Map([['172.17.0.3', CID], ['172.17.0.30', OTHER]]));
    expect(rules).toEqual([
      { table: 'nat', chain: 'nat-prerouting-and-output', rule: 'fib daddr type local counter jump nat-prerouting-and-output' },
      { table: 'nat', chain: 'nat-docker0', rule: 'iifname != "docker0" tcp dport 8088 counter dnat to 172.17.0.3:80 comment "DNAT"', containerId: CID },
    ]);
  });
});

describe('NetworkReader', () => {
  const container = (id: string, pid: number, networkMode = 'default'): ContainerSnapshot =>
    ({ id, pid, networkMode, networks: [{ network: 'bridge', ip: '172.17.0.3', prefixLen: 16, gateway: '172.17.0.1', mac: '02:42:ac:11:00:03', aliases: [] }] }) as unknown as ContainerSnapshot;

  function reader(ns: Record<string, string>): { r: NetworkReader; calls: string[] } {
    const calls: string[] = [];
    const r = new NetworkReader({
      exec: (file, args) => {
        calls.push([file, ...args].join(' '));
        if (file === 'ip') return Promise.resolve(fixture('ip-host.json'));
        if (file === 'nsenter') return Promise.resolve(fixture('ip-container.json'));
        if (file === 'iptables-save') return Promise.resolve(fixture('iptables-save.txt'));
        if (file === 'iptables') return Promise.resolve('iptables v1.8.9 (nf_tables)\n');
        return Promise.resolve('');
      },
      nsOf: (pid) => Promise.resolve(ns[String(pid)] ?? ''),
    });
    return { r, calls };
  }

  it('enters each container namespace once, without a shell, and re-reads it only when named as changed', async () => {
    const { r, calls } = reader({ self: 'net:[1]', 100: 'net:[2]' });
    const c = container(CID, 100);
    const view = await r.read([c], [], 'all');
    expect(calls).toContain('nsenter --net=/proc/100/ns/net ip -j -d addr show');
    expect(view.interfaces.filter((i) => i.netns === CID).map((i) => i.name)).toEqual(['lo', 'eth0']);
    expect(view.firewall).toBe('iptables-nft');
    calls.length = 0;
    await r.read([c], [], new Set());
    expect(calls.filter((x) => x.startsWith('nsenter'))).toEqual([]);
    await r.read([c], [], new Set([CID]));
    expect(calls.filter((x) => x.startsWith('nsenter'))).toHaveLength(1);
  });

  it('gives host-mode containers and those joined to another container no interfaces of their own', async () => {
    const { r, calls } = reader({ self: 'net:[1]', 100: 'net:[1]', 200: 'net:[2]', 300: 'net:[2]' });
    const view = await r.read([container(OTHER, 300, `container:${CID}`), container('e'.repeat(64), 100, 'host'), container(CID, 200)], [], 'all');
    expect(calls.filter((x) => x.startsWith('nsenter'))).toEqual(['nsenter --net=/proc/200/ns/net ip -j -d addr show']);
    expect([...new Set(view.interfaces.map((i) => i.netns))]).toEqual(['host', CID]);
  });
});
