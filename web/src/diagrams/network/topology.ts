import type { ContainerSnapshot, InterfaceSnapshot, NatRule, NetworkSnapshot, PortBinding, Snapshot } from '../../../../core/model';

/**
 * What the network diagram draws, read from a Snapshot of either backend: per
 * host its uplink, its bridges (one per bridge or overlay network) with the
 * containers whose stack hangs off them, the containers sharing the host's
 * stack, those with none, and the published ports as doors. Each container's
 * interface is paired with its host veth through the ifindexes netlink gives
 * (the container end's peer is the host end's ifindex).
 */

/** One endpoint of a container on one network: its interface inside, the veth end on the host. */
export interface Attachment {
  containerId: string;
  network: string;
  /** The interface inside the container ("eth0"); '' when the backend did not say. */
  ifname: string;
  ip: string;
  prefixLen: number;
  mac: string;
  gateway: string;
  /** The host end of the veth pair; '' when not known. */
  hostVeth: string;
}

/** A container with a network stack of its own. */
export interface StackView {
  container: ContainerSnapshot;
  mode: 'bridge' | 'none';
  attachments: Attachment[];
  /** The loopback addresses, when the backend read them. */
  lo: string[];
  /** Containers started with --network container:<this one>. */
  joined: ContainerSnapshot[];
}

export interface BridgeView {
  /** Unique per host: the network id. */
  key: string;
  network: NetworkSnapshot;
  /** The Linux device: docker0, br-…, or the overlay's name. */
  device: string;
  /** Containers drawn under this bridge (their first network). */
  members: StackView[];
}

export interface Door {
  key: string;
  hostIp: string;
  hostPort: number;
  protocol: PortBinding['protocol'];
  containerId: string;
  containerName: string;
  containerIp: string;
  containerPort: number;
  /** The DNAT rule Docker made for it, when the backend read the rules. */
  rule: NatRule | null;
}

export interface HostView {
  name: string;
  ip: string;
  uplink: InterfaceSnapshot | null;
  loopback: InterfaceSnapshot | null;
  bridges: BridgeView[];
  /** --network host: they use the host's own interfaces. */
  hostMode: ContainerSnapshot[];
  /** --network none: only lo. */
  isolated: StackView[];
  doors: Door[];
  vxlan: InterfaceSnapshot[];
}

export interface Topology {
  hosts: HostView[];
  /** Every container drawn, by id: the stack it uses and the host it is on. */
  placement: Map<string, { host: string; stack: StackView | null; via: 'own' | 'host' | 'joined' }>;
  natRules: readonly NatRule[];
  /** Running containers for which the backend gave no network data. */
  unknown: ContainerSnapshot[];
}

const LIVE = new Set(['running', 'paused', 'restarting']);

/** The host a piece of data lives on, '' meaning the first (local) host. */
function hostKey(h: string | undefined, hosts: readonly { name: string }[]): string {
  return h || hosts[0]?.name || '';
}

/** The container `container:<ref>` names: by id, id prefix or name. */
export function containerByRef(ref: string, containers: readonly ContainerSnapshot[]): ContainerSnapshot | undefined {
  return containers.find((c) => c.id === ref) ?? containers.find((c) => c.name === ref) ?? containers.find((c) => ref.length >= 4 && c.id.startsWith(ref));
}

export function buildTopology(snapshot: Snapshot): Topology {
  const hostList = snapshot.hosts?.length ? snapshot.hosts : [{ name: '', ip: '' }];
  const interfaces = snapshot.interfaces ?? [];
  const networks = snapshot.networks ?? [];
  const natRules = snapshot.natRules ?? [];
  const live = snapshot.containers.filter((c) => LIVE.has(c.state));

  const hosts = new Map<string, HostView>();
  for (const h of hostList) {
    const here = interfaces.filter((i) => i.netns === 'host' && hostKey(i.host, hostList) === h.name);
    hosts.set(h.name, {
      name: h.name,
      ip: h.ip,
      uplink: here.find((i) => i.kind === 'physical' && i.addresses.length > 0) ?? here.find((i) => i.kind === 'physical') ?? null,
      loopback: here.find((i) => i.kind === 'loopback') ?? null,
      bridges: [],
      hostMode: [],
      isolated: [],
      doors: [],
      vxlan: here.filter((i) => i.kind === 'vxlan'),
    });
  }

  // Each host's bridges, in the snapshot's network order (docker0's network first).
  const bridgeOf = new Map<string, BridgeView>(); // `${host}|${networkName}`
  const ordered = [...networks].sort((a, b) => Number(b.name === 'bridge') - Number(a.name === 'bridge'));
  for (const n of ordered) {
    if (n.driver !== 'bridge' && n.driver !== 'overlay') continue;
    const on = n.driver === 'overlay' ? (n.hosts?.length ? n.hosts : hostList.map((h) => h.name)) : [hostKey(n.host, hostList)];
    for (const h of on) {
      const host = hosts.get(hostKey(h, hostList));
      if (!host) continue;
      const view: BridgeView = { key: n.id, network: n, device: n.bridge || n.name, members: [] };
      host.bridges.push(view);
      bridgeOf.set(`${host.name}|${n.name}`, view);
    }
  }

  const placement: Topology['placement'] = new Map();
  const unknown: ContainerSnapshot[] = [];
  const hostOfContainer = (c: ContainerSnapshot): string => {
    const own = interfaces.find((i) => i.netns === c.id);
    if (own) return hostKey(own.host, hostList);
    const first = networks.find((n) => n.name === c.networks?.[0]?.network);
    return hostKey(first?.driver === 'overlay' ? undefined : first?.host, hostList);
  };

  const joinedTo = new Map<string, ContainerSnapshot[]>();
  for (const c of live) {
    const mode = c.networkMode ?? '';
    const host = hosts.get(hostOfContainer(c))!;
    if (mode.startsWith('container:')) {
      const owner = containerByRef(mode.slice('container:'.length), snapshot.containers);
      if (owner) {
        joinedTo.set(owner.id, [...(joinedTo.get(owner.id) ?? []), c]);
        continue;
      }
    }
    if (mode === 'host') {
      host.hostMode.push(c);
      placement.set(c.id, { host: host.name, stack: null, via: 'host' });
      continue;
    }
    if (c.networkMode === undefined && c.networks === undefined) {
      unknown.push(c);
      continue;
    }
    const own = interfaces.filter((i) => i.netns === c.id);
    const attachments: Attachment[] = (c.networks ?? [])
      .filter((n) => bridgeOf.has(`${host.name}|${n.network}`))
      .map((n) => {
        const inside = own.find((i) => i.kind !== 'loopback' && i.addresses.some((a) => a.split('/')[0] === n.ip)) ?? own.find((i) => i.mac === n.mac && n.mac !== '');
        const peer = inside?.peerIfindex !== undefined ? interfaces.find((i) => i.netns === 'host' && hostKey(i.host, hostList) === host.name && i.ifindex === inside.peerIfindex) : undefined;
        // The host end names the container end too (its peer), when the container's own side was not read.
        const back = peer ?? (inside ? interfaces.find((i) => i.netns === 'host' && i.kind === 'veth' && hostKey(i.host, hostList) === host.name && i.peerIfindex === inside.ifindex) : undefined);
        return { containerId: c.id, network: n.network, ifname: inside?.name ?? '', ip: n.ip, prefixLen: n.prefixLen, mac: n.mac, gateway: n.gateway, hostVeth: back?.name ?? '' };
      });
    const stack: StackView = {
      container: c,
      mode: mode === 'none' || attachments.length === 0 ? 'none' : 'bridge',
      attachments,
      lo: own.find((i) => i.kind === 'loopback')?.addresses ?? [],
      joined: [],
    };
    if (stack.mode === 'none') host.isolated.push(stack);
    else bridgeOf.get(`${host.name}|${attachments[0]!.network}`)!.members.push(stack);
    placement.set(c.id, { host: host.name, stack, via: 'own' });
  }
  for (const [ownerId, list] of joinedTo) {
    const owner = placement.get(ownerId);
    for (const c of list) {
      if (owner?.stack) {
        owner.stack.joined.push(c);
        placement.set(c.id, { host: owner.host, stack: owner.stack, via: 'joined' });
      } else if (owner?.via === 'host') {
        hosts.get(owner.host)!.hostMode.push(c);
        placement.set(c.id, { host: owner.host, stack: null, via: 'host' });
      }
    }
  }

  // Published ports: one door per host port and protocol (the IPv4 and IPv6 bindings share it).
  for (const c of live) {
    const where = placement.get(c.id);
    if (!where) continue;
    const host = hosts.get(where.host)!;
    const stack = where.stack;
    for (const p of c.ports ?? []) {
      const key = `${p.hostPort}/${p.protocol}`;
      if (host.doors.some((d) => d.key === key)) continue;
      const att = stack?.attachments[0];
      const ip = att?.ip ?? '';
      host.doors.push({
        key,
        hostIp: p.hostIp,
        hostPort: p.hostPort,
        protocol: p.protocol,
        containerId: c.id,
        containerName: c.name,
        containerIp: ip,
        containerPort: p.containerPort,
        rule: dnatRule(natRules, p.hostPort, p.protocol, ip, p.containerPort),
      });
    }
  }
  for (const h of hosts.values()) h.doors.sort((a, b) => a.hostPort - b.hostPort || a.protocol.localeCompare(b.protocol));

  return { hosts: [...hosts.values()], placement, natRules, unknown };
}

/** The nat-table DNAT rule for a published port: --dport <hostPort> … --to-destination <ip>:<port>. */
export function dnatRule(rules: readonly NatRule[], hostPort: number, protocol: string, ip: string, port: number): NatRule | null {
  return (
    rules.find(
      (r) =>
        r.table === 'nat' &&
        /\bDNAT\b/.test(r.rule) &&
        new RegExp(`--dport ${hostPort}(\\s|$)`).test(r.rule) &&
        new RegExp(`-p ${protocol}\\b`).test(r.rule) &&
        (ip === '' || r.rule.includes(`--to-destination ${ip}:${port}`)),
    ) ?? null
  );
}
