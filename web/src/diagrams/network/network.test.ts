import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, InterfaceSnapshot, NetworkSnapshot, Snapshot } from '../../../../core/model';
import { anchorPoint, columnsFor, layoutNetwork, routeOf } from './networkLayout';
import { flowsFor, hopsFor } from './packetPath';
import { positionAt, timeline } from './playback';
import { sampleId, sampleSnapshot } from './sampleSnapshot';
import { buildTopology, dnatRule } from './topology';

const C1 = sampleId(0);

function withContainers(base: Snapshot, extra: Partial<ContainerSnapshot>[]): Snapshot {
  const proto = base.containers[0]!;
  return { ...base, containers: [...base.containers, ...extra.map((e) => ({ ...proto, ports: [], networks: [], ...e }) as ContainerSnapshot)] };
}

describe('buildTopology', () => {
  it('hangs each container under its bridge, paired with the host veth whose ifindex its eth0 names', () => {
    const topo = buildTopology(sampleSnapshot({ containers: 4, bridges: 2, published: 1 }));
    expect(topo.hosts).toHaveLength(1);
    const host = topo.hosts[0]!;
    expect(host.uplink?.name).toBe('eth0');
    expect(host.bridges.map((b) => [b.device, b.members.map((m) => m.container.name)])).toEqual([
      ['docker0', ['c1', 'c3']],
      [expect.stringMatching(/^br-/), ['c2', 'c4']],
    ]);
    expect(host.bridges[0]!.members[0]!.attachments).toEqual([
      { containerId: C1, network: 'bridge', ifname: 'eth0', ip: '172.17.0.2', prefixLen: 16, mac: '02:42:ac:11:00:02', gateway: '172.17.0.1', hostVeth: 'veth0000000' },
    ]);
    expect(host.doors).toEqual([
      expect.objectContaining({ key: '8088/tcp', hostIp: '0.0.0.0', containerIp: '172.17.0.2', containerPort: 80, containerName: 'c1', rule: expect.objectContaining({ chain: 'DOCKER' }) }),
    ]);
  });

  it('finds the host end from its own peer index when the container side was not read', () => {
    const s = sampleSnapshot({ containers: 1, bridges: 1 });
    const eth0 = s.interfaces!.find((i) => i.netns === C1 && i.name === 'eth0')!;
    const hostOnly = { ...s, interfaces: s.interfaces!.filter((i) => i !== eth0) };
    expect(buildTopology(hostOnly).hosts[0]!.bridges[0]!.members[0]!.attachments[0]!.hostVeth).toBe('');
    // With the container side present but no peer recorded on it, the host side's peerIfindex still pairs them.
    const noPeer = { ...s, interfaces: s.interfaces!.map((i) => (i === eth0 ? { ...i, peerIfindex: undefined } : i)) };
    expect(buildTopology(noPeer).hosts[0]!.bridges[0]!.members[0]!.attachments[0]!.hostVeth).toBe('veth0000000');
  });

  it('draws host-mode containers in the host stack, none-mode ones with only lo, container:NAME in its owner', () => {
    const s = withContainers(sampleSnapshot({ containers: 1, bridges: 1 }), [
      { id: 'h'.repeat(64), name: 'hostnet', networkMode: 'host', networks: [{ network: 'host', ip: '', prefixLen: 0, gateway: '', mac: '', aliases: [] }] },
      { id: 'n'.repeat(64), name: 'alone', networkMode: 'none', networks: [{ network: 'none', ip: '', prefixLen: 0, gateway: '', mac: '', aliases: [] }] },
      { id: 's'.repeat(64), name: 'sidecar', networkMode: 'container:c1' },
      { id: 'x'.repeat(64), name: 'stopped', state: 'exited', networkMode: 'default' },
    ]);
    const topo = buildTopology(s);
    const host = topo.hosts[0]!;
    expect(host.hostMode.map((c) => c.name)).toEqual(['hostnet']);
    expect(host.isolated.map((x) => [x.container.name, x.mode])).toEqual([['alone', 'none']]);
    expect(host.bridges[0]!.members[0]!.joined.map((c) => c.name)).toEqual(['sidecar']);
    expect(topo.placement.get('s'.repeat(64))?.via).toBe('joined');
    expect(topo.placement.has('x'.repeat(64))).toBe(false);
  });

  it('lists containers the backend gave no network data for, rather than drawing them anywhere', () => {
    const s = sampleSnapshot({ containers: 1, bridges: 1 });
    const bare = { ...s.containers[0]!, id: 'b'.repeat(64), name: 'bare' } as ContainerSnapshot;
    delete bare.networkMode;
    delete bare.networks;
    expect(buildTopology({ ...s, containers: [...s.containers, bare] }).unknown.map((c) => c.name)).toEqual(['bare']);
  });

  it("matches a published port's DNAT rule by host port, protocol and destination", () => {
    const rules = sampleSnapshot({ containers: 3, bridges: 1, published: 3 }).natRules!;
    expect(dnatRule(rules, 8089, 'tcp', '172.17.0.3', 80)?.rule).toBe('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8089 -j DNAT --to-destination 172.17.0.3:80');
    expect(dnatRule(rules, 8089, 'udp', '172.17.0.3', 80)).toBeNull();
    expect(dnatRule(rules, 808, 'tcp', '', 80)).toBeNull();
  });
});

describe('packet paths', () => {
  const snap = sampleSnapshot({ containers: 4, bridges: 2, published: 1 });
  const topo = buildTopology(snap);

  it('offers the published port (from localhost and from outside), a neighbour on the bridge and the internet', () => {
    expect(flowsFor(topo, C1).map((f) => [f.kind, f.from, f.to])).toEqual([
      ['published', 'localhost:8088', 'c1:80'],
      ['external', '192.0.2.2:8088', 'c1:80'],
      ['c2c', 'c1', 'c3'],
      ['internet', 'c1', 'internet'],
    ]);
    // With nothing selected, the first container with a door.
    expect(flowsFor(topo, null)[0]?.from).toBe('localhost:8088');
  });

  it('localhost goes through docker-proxy where the nat OUTPUT jump skips 127.0.0.0/8, else through DNAT', () => {
    const flow = flowsFor(topo, C1)[0]!;
    expect(hopsFor(topo, flow).map((h) => [h.kind, h.device])).toEqual([
      ['curl', 'curl'],
      ['lo', 'lo'],
      ['proxy', 'docker-proxy'],
      ['bridge', 'docker0'],
      ['veth', 'veth0000000'],
      ['eth', 'eth0'],
      ['app', 'c1'],
    ]);
    const hairpin = buildTopology({ ...snap, natRules: snap.natRules!.map((r) => (r.chain === 'OUTPUT' ? { ...r, rule: '-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER' } : r)) });
    const dnat = hopsFor(hairpin, flowsFor(hairpin, C1)[0]!).find((h) => h.kind === 'dnat');
    expect(dnat?.detail).toBe('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.17.0.2:80');
  });

  it('from outside: uplink, PREROUTING, DNAT, the FORWARD accept, then down the veth', () => {
    const hops = hopsFor(topo, flowsFor(topo, C1)[1]!);
    expect(hops.map((h) => h.kind)).toEqual(['client', 'uplink', 'prerouting', 'dnat', 'forward', 'bridge', 'veth', 'eth', 'app']);
    expect(hops[4]!.detail).toBe('-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT');
  });

  it('container to container crosses both veths and the bridge; to the internet meets MASQUERADE', () => {
    const [, , c2c, net] = flowsFor(topo, C1);
    expect(hopsFor(topo, c2c!).map((h) => `${h.kind}:${h.device}`)).toEqual(['app:c1', 'eth:eth0', 'veth:veth0000000', 'bridge:docker0', 'veth:veth0000002', 'eth:eth0', 'app:c3']);
    const out = hopsFor(topo, net!);
    expect(out.find((h) => h.kind === 'masquerade')?.detail).toBe('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
    expect(out.at(-1)).toMatchObject({ kind: 'internet', detail: '192.0.2.2' });
  });

  it('across hosts: encapsulated at one VXLAN device, through the tunnel, unwrapped at the other', () => {
    const overlay: NetworkSnapshot = { id: 'o'.repeat(64), name: 'ov', driver: 'overlay', scope: 'swarm', bridge: 'br0', subnet: '10.0.1.0/24', gateway: '10.0.1.1', internal: false, containers: [], hosts: ['host1', 'host2'] };
    const iface = (name: string, kind: InterfaceSnapshot['kind'], netns: string, host: string, extra: Partial<InterfaceSnapshot> = {}): InterfaceSnapshot => ({ name, ifindex: 5, kind, mac: '', addresses: [], up: true, netns, host, ...extra });
    const base = sampleSnapshot({ containers: 2, bridges: 1 });
    const [a, b] = base.containers.map((c, i) => ({ ...c, networkMode: 'ov', networks: [{ network: 'ov', ip: `10.0.1.${i + 2}`, prefixLen: 24, gateway: '10.0.1.1', mac: `02:42:0a:00:01:0${i + 2}`, aliases: [] }] }));
    const s: Snapshot = {
      ...base,
      hosts: [{ name: 'host1', ip: '192.168.56.11' }, { name: 'host2', ip: '192.168.56.12' }],
      networks: [overlay],
      containers: [a!, b!],
      interfaces: [
        iface('eth0', 'physical', 'host', 'host1', { addresses: ['192.168.56.11/24'] }),
        iface('eth0', 'physical', 'host', 'host2', { addresses: ['192.168.56.12/24'] }),
        iface('vxlan0', 'vxlan', 'host', 'host1', { master: 'br0' }),
        iface('vxlan0', 'vxlan', 'host', 'host2', { master: 'br0' }),
        iface('eth0', 'veth', a!.id, 'host1', { addresses: ['10.0.1.2/24'] }),
        iface('eth0', 'veth', b!.id, 'host2', { addresses: ['10.0.1.3/24'] }),
      ],
      natRules: [],
    };
    const t = buildTopology(s);
    expect(t.hosts.map((h) => [h.name, h.bridges.map((x) => x.members.map((m) => m.container.name))])).toEqual([
      ['host1', [['c1']]],
      ['host2', [['c2']]],
    ]);
    const flow = flowsFor(t, a!.id).find((f) => f.kind === 'vxlan')!;
    const hops = hopsFor(t, flow);
    expect(hops.map((h) => `${h.kind}@${h.anchor.host}`)).toEqual(['app@host1', 'eth@host1', 'veth@host1', 'bridge@host1', 'encap@host1', 'tunnel@host2', 'decap@host2', 'bridge@host2', 'veth@host2', 'eth@host2', 'app@host2']);
    expect(hops[4]!.detail).toBe('192.168.56.11 → 192.168.56.12 UDP 4789');
    const layout = layoutNetwork(t);
    expect(layout.tunnels).toHaveLength(1);
    expect(layout.hosts[1]!.box.x).toBeGreaterThan(layout.hosts[0]!.box.x + layout.hosts[0]!.box.w);
    expect(routeOf(layout, hops).every((p) => p.x > 0 && p.y > 0)).toBe(true);
  });

  it('gives no hops for a flow whose container has gone', () => {
    const flow = flowsFor(topo, C1)[2]!;
    const gone = buildTopology({ ...snap, containers: snap.containers.filter((c) => c.name !== 'c3') });
    expect(hopsFor(gone, flow)).toEqual([]);
  });
});

describe('layoutNetwork', () => {
  it('puts containers below their bridge bar without overlapping, each cable from the bar to its eth0', () => {
    const topo = buildTopology(sampleSnapshot({ containers: 200, bridges: 3, published: 12 }));
    const layout = layoutNetwork(topo);
    const host = layout.hosts[0]!;
    expect(host.bridges).toHaveLength(3);
    expect(host.containers).toHaveLength(200);
    expect(layout.cables).toHaveLength(200);
    const boxes = host.containers.map((c) => c.box);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `boxes ${i} and ${j} overlap`).toBe(false);
      }
    for (const b of host.bridges) for (const o of host.bridges) if (b !== o) expect(b.column.x + b.column.w <= o.column.x || o.column.x + o.column.w <= b.column.x).toBe(true);
    for (const cable of layout.cables) {
      const bridge = host.bridges.find((b) => b.view.network.name === cable.network)!;
      expect(cable.bar.y).toBe(bridge.bar.y + bridge.bar.h);
      expect(cable.bar.x).toBeGreaterThanOrEqual(bridge.column.x);
      expect(cable.bar.x).toBeLessThanOrEqual(bridge.column.x + bridge.column.w);
      const box = host.containers.find((c) => c.stack.container.id === cable.containerId)!.box;
      expect(cable.eth).toEqual({ x: box.x, y: expect.any(Number) });
      expect(cable.eth.y).toBeGreaterThan(box.y);
      expect(cable.eth.y).toBeLessThan(box.y + box.h);
    }
    // Doors sit in the host's top edge; ten are drawn, the rest counted.
    expect(host.doors).toHaveLength(10);
    expect(host.hiddenDoors).toBe(2);
    for (const d of host.doors) expect(d.point.y).toBeCloseTo(host.box.y + d.box.h / 2);
    expect(layout.width).toBeGreaterThanOrEqual(host.box.x + host.box.w);
    expect(layout.height).toBeGreaterThanOrEqual(host.box.y + host.box.h);
  });

  it('grids stay near square and at most six wide', () => {
    expect([1, 2, 6, 14, 67, 500].map(columnsFor)).toEqual([1, 2, 2, 4, 6, 6]);
  });

  it('a second network of a container gets its own cable, to the right side of the box', () => {
    const s = sampleSnapshot({ containers: 2, bridges: 2 });
    const c1 = s.containers[0]!;
    const second = { network: 'net1', ip: '172.18.0.9', prefixLen: 16, gateway: '172.18.0.1', mac: '02:42:ac:12:00:09', aliases: [] };
    const layout = layoutNetwork(buildTopology({ ...s, containers: [{ ...c1, networks: [...c1.networks!, second] }, s.containers[1]!] }));
    const cables = layout.cables.filter((c) => c.containerId === C1);
    expect(cables.map((c) => [c.network, c.primary])).toEqual([
      ['bridge', true],
      ['net1', false],
    ]);
    const box = layout.hosts[0]!.containers.find((c) => c.stack.container.id === C1)!.box;
    expect(cables[1]!.eth.x).toBe(box.x + box.w);
  });

  it('resolves every hop of a path to a point in the drawing', () => {
    const topo = buildTopology(sampleSnapshot({ containers: 6, bridges: 3, published: 2 }));
    const layout = layoutNetwork(topo);
    for (const f of flowsFor(topo, C1)) for (const h of hopsFor(topo, f)) expect(anchorPoint(layout, h.anchor), `${f.kind} ${h.kind}`).not.toBeNull();
  });
});

describe('playback', () => {
  const pts = [{ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 1000, y: 0 }];
  const tl = timeline(pts, { minMs: 500, speed: 1 });

  it('gives each hop at least the minimum time and long legs their length over the speed', () => {
    expect(tl.ends).toEqual([500, 1000, 2000]);
    expect(tl.total).toBe(2000);
  });

  it('moves along the leg towards the hop, easing, and ends at the last point', () => {
    expect(positionAt(tl, 250)).toEqual({ hop: 0, x: 0, y: 0, done: false });
    expect(positionAt(tl, 1500)).toEqual({ hop: 2, x: 500, y: 0, done: false });
    expect(positionAt(tl, 1100).x).toBeLessThan(100);
    expect(positionAt(tl, 5000)).toEqual({ hop: 2, x: 1000, y: 0, done: true });
    expect(positionAt(timeline([]), 10).done).toBe(true);
  });
});
