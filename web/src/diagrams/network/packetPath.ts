import type { NatRule } from '../../../../core/model';
import type { Attachment, BridgeView, Door, HostView, StackView, Topology } from './topology';

/**
 * The packet paths the diagram can play, worked out from the topology: which
 * flows exist for a container, and for each the hops a packet takes, each
 * tied to a place in the drawing and to the device or rule it passes.
 */

export type FlowKind = 'published' | 'external' | 'c2c' | 'internet' | 'vxlan';

export interface Flow {
  id: string;
  kind: FlowKind;
  /** Label parameters: the ends of the flow. */
  from: string;
  to: string;
}

/** Where in the drawing a hop happens. */
export type Anchor =
  | { at: 'door'; host: string; door: string }
  | { at: 'bar' | 'veth' | 'eth'; host: string; containerId: string; network: string }
  | { at: 'box'; host: string; containerId: string }
  | { at: 'uplink' | 'lo' | 'outside'; host: string }
  | { at: 'vxlan'; host: string; network: string };

export type HopKind =
  | 'client'
  | 'curl'
  | 'lo'
  | 'proxy'
  | 'prerouting'
  | 'dnat'
  | 'forward'
  | 'bridge'
  | 'veth'
  | 'eth'
  | 'app'
  | 'route'
  | 'masquerade'
  | 'uplink'
  | 'internet'
  | 'encap'
  | 'tunnel'
  | 'decap';

export interface Hop {
  kind: HopKind;
  anchor: Anchor;
  /** The interface, program or chain the packet passes (for the caption). */
  device: string;
  /** The address rewrite, route or rule text it meets there. */
  detail: string;
}

function stackOf(topo: Topology, id: string): { host: HostView; stack: StackView } | null {
  const p = topo.placement.get(id);
  if (!p?.stack) return null;
  const host = topo.hosts.find((h) => h.name === p.host);
  return host ? { host, stack: p.stack } : null;
}

function bridgeFor(host: HostView, network: string): BridgeView | undefined {
  return host.bridges.find((b) => b.network.name === network);
}

/** The flows worth playing for a container (or, with none chosen, for the first one with a published port). */
export function flowsFor(topo: Topology, containerId: string | null): Flow[] {
  let id = containerId;
  if (!id || !stackOf(topo, id)) {
    const withDoor = topo.hosts.flatMap((h) => h.doors).find((d) => stackOf(topo, d.containerId));
    id = withDoor?.containerId ?? [...topo.placement.entries()].find(([, p]) => p.stack?.mode === 'bridge')?.[0] ?? null;
  }
  if (!id) return [];
  const found = stackOf(topo, id);
  if (!found) return [];
  const { host, stack } = found;
  const name = stack.container.name;
  const out: Flow[] = [];
  for (const d of host.doors.filter((x) => x.containerId === stack.container.id)) {
    out.push({ id: `published:${d.key}`, kind: 'published', from: `localhost:${d.hostPort}`, to: `${name}:${d.containerPort}` });
    if (host.uplink) out.push({ id: `external:${d.key}`, kind: 'external', from: `${hostAddress(host)}:${d.hostPort}`, to: `${name}:${d.containerPort}` });
  }
  for (const a of stack.attachments) {
    const bridge = bridgeFor(host, a.network);
    const peer = bridge?.members.find((m) => m.container.id !== stack.container.id && m.attachments.some((x) => x.network === a.network));
    if (peer) out.push({ id: `c2c:${a.network}:${peer.container.id}`, kind: 'c2c', from: name, to: peer.container.name });
    if (bridge?.network.driver === 'overlay') {
      for (const other of topo.hosts) {
        if (other === host) continue;
        const far = bridgeFor(other, a.network)?.members[0];
        if (far) out.push({ id: `vxlan:${a.network}:${far.container.id}`, kind: 'vxlan', from: name, to: far.container.name });
      }
    }
  }
  const first = stack.attachments[0];
  const firstBridge = first && bridgeFor(host, first.network);
  if (first && firstBridge && !firstBridge.network.internal && firstBridge.network.driver === 'bridge') {
    out.push({ id: `internet:${stack.container.id}`, kind: 'internet', from: name, to: 'internet' });
  }
  return out.map((f) => ({ ...f, id: `${stack.container.id}|${f.id}` }));
}

function hostAddress(h: HostView): string {
  return h.uplink?.addresses[0]?.split('/')[0] ?? h.ip;
}

/** The hops of a flow; [] when the topology no longer has its ends. */
export function hopsFor(topo: Topology, flow: Flow): Hop[] {
  const [cid, rest] = splitOnce(flow.id, '|');
  const found = stackOf(topo, cid);
  if (!found) return [];
  const { host, stack } = found;
  const [kind, arg] = splitOnce(rest, ':');
  switch (kind) {
    case 'published':
    case 'external': {
      const door = host.doors.find((d) => d.key === arg && d.containerId === cid);
      const att = door && stack.attachments[0];
      if (!door || !att) return [];
      return kind === 'published' ? publishedHops(topo, host, door, att, stack) : externalHops(topo, host, door, att, stack);
    }
    case 'c2c': {
      const [network, peerId] = splitOnce(arg, ':');
      const peer = stackOf(topo, peerId);
      const a = stack.attachments.find((x) => x.network === network);
      const b = peer?.stack.attachments.find((x) => x.network === network);
      if (!peer || !a || !b) return [];
      const bridge = bridgeFor(host, network);
      return [
        { kind: 'app', anchor: { at: 'box', host: host.name, containerId: cid }, device: stack.container.name, detail: `${a.ip} → ${b.ip}` },
        ...outOf(host, a),
        { kind: 'bridge', anchor: bar(host, b), device: bridge?.device ?? network, detail: b.mac },
        ...into(host, b, peer.stack, ''),
      ];
    }
    case 'internet': {
      const a = stack.attachments[0]!;
      const bridge = bridgeFor(host, a.network);
      const masq = rule(topo.natRules, (r) => r.table === 'nat' && /MASQUERADE/.test(r.rule) && bridge !== undefined && r.rule.includes(`-s ${bridge.network.subnet}`));
      return [
        { kind: 'app', anchor: { at: 'box', host: host.name, containerId: cid }, device: stack.container.name, detail: `${a.ip} → 8.8.8.8` },
        { kind: 'route', anchor: eth(host, a), device: a.ifname || 'eth0', detail: `default via ${a.gateway}` },
        { kind: 'veth', anchor: veth(host, a), device: a.hostVeth || 'veth', detail: a.mac },
        { kind: 'bridge', anchor: bar(host, a), device: bridge?.device ?? a.network, detail: a.gateway },
        { kind: 'masquerade', anchor: { at: 'uplink', host: host.name }, device: 'POSTROUTING', detail: masq?.rule ?? `-s ${bridge?.network.subnet ?? ''} -j MASQUERADE` },
        { kind: 'uplink', anchor: { at: 'uplink', host: host.name }, device: host.uplink?.name ?? 'eth0', detail: `${a.ip} → ${hostAddress(host)}` },
        { kind: 'internet', anchor: { at: 'outside', host: host.name }, device: '8.8.8.8', detail: hostAddress(host) },
      ];
    }
    case 'vxlan': {
      const [network, peerId] = splitOnce(arg, ':');
      const peer = stackOf(topo, peerId);
      const a = stack.attachments.find((x) => x.network === network);
      const b = peer?.stack.attachments.find((x) => x.network === network);
      if (!peer || !a || !b) return [];
      const far = peer.host;
      const vx = (h: HostView): string => h.vxlan[0]?.name ?? 'vxlan0';
      return [
        { kind: 'app', anchor: { at: 'box', host: host.name, containerId: cid }, device: stack.container.name, detail: `${a.ip} → ${b.ip}` },
        ...outOf(host, a),
        { kind: 'bridge', anchor: bar(host, a), device: bridgeFor(host, network)?.device ?? network, detail: b.mac },
        { kind: 'encap', anchor: { at: 'vxlan', host: host.name, network }, device: vx(host), detail: `${hostAddress(host)} → ${hostAddress(far)} UDP 4789` },
        { kind: 'tunnel', anchor: { at: 'vxlan', host: far.name, network }, device: 'VXLAN', detail: `${host.name} → ${far.name}` },
        { kind: 'decap', anchor: { at: 'vxlan', host: far.name, network }, device: vx(far), detail: `${a.ip} → ${b.ip}` },
        { kind: 'bridge', anchor: bar(far, b), device: bridgeFor(far, network)?.device ?? network, detail: b.mac },
        ...into(far, b, peer.stack, ''),
      ];
    }
    default:
      return [];
  }
}

function publishedHops(topo: Topology, host: HostView, door: Door, att: Attachment, stack: StackView): Hop[] {
  // Docker's nat OUTPUT jump skips 127.0.0.0/8: localhost reaches the port through docker-proxy, not DNAT.
  const output = rule(topo.natRules, (r) => r.table === 'nat' && r.chain === 'OUTPUT' && /-j DOCKER\b/.test(r.rule));
  const viaProxy = output ? output.rule.includes('! -d 127.0.0.0/8') : door.rule === null && topo.natRules.length > 0;
  const target = `${door.containerIp}:${door.containerPort}`;
  const hops: Hop[] = [
    { kind: 'curl', anchor: { at: 'lo', host: host.name }, device: 'curl', detail: `localhost:${door.hostPort}` },
    { kind: 'lo', anchor: { at: 'lo', host: host.name }, device: host.loopback?.name ?? 'lo', detail: `127.0.0.1:${door.hostPort}` },
  ];
  if (viaProxy) hops.push({ kind: 'proxy', anchor: { at: 'door', host: host.name, door: door.key }, device: 'docker-proxy', detail: `${door.hostIp}:${door.hostPort} → ${target}` });
  else hops.push({ kind: 'dnat', anchor: { at: 'door', host: host.name, door: door.key }, device: 'DOCKER', detail: door.rule?.rule ?? `--dport ${door.hostPort} -j DNAT --to-destination ${target}` });
  const bridge = bridgeFor(host, att.network);
  hops.push({ kind: 'bridge', anchor: bar(host, att), device: bridge?.device ?? att.network, detail: `${att.gateway} → ${att.ip}` });
  return [...hops, ...into(host, att, stack, `${door.containerPort}/${door.protocol}`)];
}

function externalHops(topo: Topology, host: HostView, door: Door, att: Attachment, stack: StackView): Hop[] {
  const pre = rule(topo.natRules, (r) => r.table === 'nat' && r.chain === 'PREROUTING' && /-j DOCKER\b/.test(r.rule));
  const accept = rule(topo.natRules, (r) => r.table === 'filter' && r.containerId === stack.container.id && new RegExp(`--dport ${door.containerPort}(\\s|$)`).test(r.rule));
  const target = `${door.containerIp}:${door.containerPort}`;
  const bridge = bridgeFor(host, att.network);
  return [
    { kind: 'client', anchor: { at: 'outside', host: host.name }, device: 'client', detail: `${hostAddress(host)}:${door.hostPort}` },
    { kind: 'uplink', anchor: { at: 'uplink', host: host.name }, device: host.uplink?.name ?? 'eth0', detail: `${hostAddress(host)}:${door.hostPort}` },
    { kind: 'prerouting', anchor: { at: 'uplink', host: host.name }, device: 'PREROUTING', detail: pre?.rule ?? '-m addrtype --dst-type LOCAL -j DOCKER' },
    { kind: 'dnat', anchor: { at: 'door', host: host.name, door: door.key }, device: 'DOCKER', detail: door.rule?.rule ?? `--dport ${door.hostPort} -j DNAT --to-destination ${target}` },
    { kind: 'forward', anchor: bar(host, att), device: 'FORWARD', detail: accept?.rule ?? `-d ${door.containerIp}/32 -o ${bridge?.device ?? ''} -j ACCEPT` },
    { kind: 'bridge', anchor: bar(host, att), device: bridge?.device ?? att.network, detail: att.mac },
    ...into(host, att, stack, `${door.containerPort}/${door.protocol}`),
  ];
}

/** From a container's process out through its eth0 and veth onto the bridge. */
function outOf(host: HostView, a: Attachment): Hop[] {
  return [
    { kind: 'eth', anchor: eth(host, a), device: a.ifname || 'eth0', detail: `${a.ip}/${a.prefixLen} ${a.mac}` },
    { kind: 'veth', anchor: veth(host, a), device: a.hostVeth || 'veth', detail: a.mac },
  ];
}

/** From the bridge down the veth into a container's eth0 and to its process. */
function into(host: HostView, a: Attachment, stack: StackView, port: string): Hop[] {
  return [
    { kind: 'veth', anchor: veth(host, a), device: a.hostVeth || 'veth', detail: a.mac },
    { kind: 'eth', anchor: eth(host, a), device: a.ifname || 'eth0', detail: `${a.ip}/${a.prefixLen} ${a.mac}` },
    { kind: 'app', anchor: { at: 'box', host: host.name, containerId: stack.container.id }, device: stack.container.name, detail: port },
  ];
}

const bar = (host: HostView, a: Attachment): Anchor => ({ at: 'bar', host: host.name, containerId: a.containerId, network: a.network });
const veth = (host: HostView, a: Attachment): Anchor => ({ at: 'veth', host: host.name, containerId: a.containerId, network: a.network });
const eth = (host: HostView, a: Attachment): Anchor => ({ at: 'eth', host: host.name, containerId: a.containerId, network: a.network });

function rule(rules: readonly NatRule[], test: (r: NatRule) => boolean): NatRule | undefined {
  return rules.find(test);
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}
