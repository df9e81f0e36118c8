import type { InterfaceSnapshot } from '../../model';
import { broadcast, formatIp, parseCidr } from '../ip';

/**
 * What `ip`, `ifconfig` and `bridge` print about a link beyond the snapshot's
 * fields: flags, MTU, queueing discipline, operational state, the peer's
 * namespace id. The snapshot says what kind of device it is and whether it is
 * up; the rest follows from that as the kernel and Docker set it up (values
 * read from this machine's Debian 12 host and busybox containers).
 */
export interface LinkInfo {
  iface: InterfaceSnapshot;
  /** In kernel order: LOOPBACK/NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP(,M-DOWN). */
  flags: string[];
  mtu: number;
  qdisc: string;
  /** iproute2's operstate: UNKNOWN (lo), UP, DOWN. */
  state: 'UNKNOWN' | 'UP' | 'DOWN';
  /** txqueuelen; 0 is not printed by `ip`. */
  qlen: number;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Whether the device has a carrier (ifconfig's RUNNING). */
  running: boolean;
  /** A host veth's peer namespace id (link-netnsid), in the order the host first saw each namespace. */
  netnsid?: number;
  /** Every address with its broadcast, IPv6 link-local addresses included. */
  addrs: AddrInfo[];
}

export interface AddrInfo {
  family: 'inet' | 'inet6';
  /** "172.17.0.2" or "fe80::42:acff:fe11:2". */
  local: string;
  prefixlen: number;
  /** IPv4 broadcast, when the address has one. */
  brd?: string;
  scope: 'host' | 'link' | 'global';
  /** Address flags printed after the scope (iproute2), e.g. "nodad". */
  flags?: string[];
}

/**
 * Docker's default bridge is given its address without a broadcast (as
 * `ip addr` shows docker0 here: "inet 172.17.0.1/16 scope global docker0",
 * ifconfig "broadcast 0.0.0.0"); user bridges and container eth0 get one.
 */
function hasBroadcast(iface: InterfaceSnapshot): boolean {
  return iface.kind !== 'loopback' && !(iface.netns === 'host' && iface.name === 'docker0');
}

/** The modified EUI-64 link-local address the kernel gives a link with this MAC when it comes up. */
export function linkLocal(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  b[0] = b[0]! ^ 0x02;
  const words = [(b[0] << 8) | b[1]!, (b[2]! << 8) | 0xff, (0xfe << 8) | b[3]!, (b[4]! << 8) | b[5]!];
  return `fe80::${words.map((w) => w.toString(16)).join(':')}`;
}

function addrInfo(iface: InterfaceSnapshot, cidr: string): AddrInfo {
  const slash = cidr.indexOf('/');
  const local = cidr.slice(0, slash);
  const prefixlen = Number(cidr.slice(slash + 1));
  if (local.includes(':')) {
    const scope = local === '::1' ? 'host' : local.toLowerCase().startsWith('fe80:') ? 'link' : 'global';
    return { family: 'inet6', local, prefixlen, scope };
  }
  const parsed = parseCidr(cidr);
  const loopback = local.startsWith('127.');
  const brd = parsed && hasBroadcast(iface) && prefixlen < 31 ? formatIp(broadcast(parsed)) : undefined;
  return { family: 'inet', local, prefixlen, ...(brd ? { brd } : {}), scope: loopback ? 'host' : 'global' };
}

/**
 * Derives the printed details of every interface of one namespace. `all`
 * is that namespace's interfaces (a bridge has a carrier when one of its
 * ports is up); `ipv6` says whether the namespace runs IPv6 (the host does;
 * Docker disables it in containers, so they have no link-local addresses).
 */
export function linkInfos(all: readonly InterfaceSnapshot[], ipv6: boolean): LinkInfo[] {
  let nextNetnsid = 0;
  return all.map((iface) => {
    // Docker brings its bridges up when it makes them; one has a carrier once a port is up in it.
    const adminUp = iface.kind === 'bridge' || iface.up;
    const running = iface.kind === 'bridge' ? all.some((p) => p.master === iface.name && p.up) : iface.up;
    const flags: string[] = [];
    if (iface.kind === 'loopback') flags.push('LOOPBACK');
    else {
      if (adminUp && !running) flags.push('NO-CARRIER');
      flags.push('BROADCAST', 'MULTICAST');
    }
    if (adminUp) flags.push('UP');
    if (running) flags.push('LOWER_UP');
    const inContainer = iface.netns !== 'host';
    if (iface.kind === 'veth' && inContainer && running) flags.push('M-DOWN');
    const state = iface.kind === 'loopback' ? 'UNKNOWN' : running ? 'UP' : 'DOWN';
    const qdisc = !adminUp ? 'noop' : iface.kind === 'physical' ? 'pfifo_fast' : 'noqueue';
    const qlen = iface.kind === 'loopback' || iface.kind === 'physical' || (iface.kind === 'bridge' && iface.name === 'docker0') ? 1000 : 0;
    let netnsid: number | undefined;
    if (iface.kind === 'veth' && !inContainer && iface.peerIfindex !== undefined) {
      // Each peer lives in its own container namespace; the host numbers them as it meets them.
      netnsid = nextNetnsid++;
    }
    const addrs = iface.addresses.map((a) => addrInfo(iface, a));
    if (ipv6) {
      if (iface.kind === 'loopback' && !addrs.some((a) => a.family === 'inet6')) addrs.push({ family: 'inet6', local: '::1', prefixlen: 128, scope: 'host' });
      if (iface.kind !== 'loopback' && running && !addrs.some((a) => a.scope === 'link')) addrs.push({ family: 'inet6', local: linkLocal(iface.mac), prefixlen: 64, scope: 'link' });
    }
    return { iface, up: adminUp, flags, mtu: iface.kind === 'loopback' ? 65536 : 1500, qdisc, state, qlen, running, ...(netnsid !== undefined ? { netnsid } : {}), addrs };
  });
}

/** "eth0@if3286" for a veth (its peer's ifindex), the plain name otherwise. */
export function linkName(iface: InterfaceSnapshot): string {
  return iface.kind === 'veth' && iface.peerIfindex !== undefined ? `${iface.name}@if${iface.peerIfindex}` : iface.name;
}

/** 255.255.0.0 for a /16. */
export function netmask(prefixlen: number): string {
  const m = prefixlen === 0 ? 0 : (0xffffffff << (32 - prefixlen)) >>> 0;
  return formatIp(m);
}
