import type { InterfaceSnapshot, NatRule } from '../model';

/**
 * What a program sees of the network namespace it runs in (`proc.net`): the
 * interfaces and routes `ip` prints, name resolution as the container's
 * resolver does it, and a small socket layer whose connections travel the
 * simulated path (bridges, veths, DNAT, MASQUERADE, isolation rules) and
 * record it hop by hop for the diagram.
 */
export interface NetView {
  /** 'host', or the id of the container whose namespace this is (a `container:` mode container sees its owner's). */
  readonly netns: string;
  /** Interfaces in ifindex order, as `ip link` lists them. */
  interfaces(): InterfaceSnapshot[];
  /** The main routing table, as `ip route` lists it. */
  routes(): Route[];
  /**
   * A name as the resolver finds it: /etc/hosts, then Docker's embedded DNS
   * (127.0.0.11) on user-defined networks. undefined is busybox's "bad address".
   */
  resolve(name: string): string | undefined;
  /** Binds a listening socket on `ip` ('0.0.0.0' = every address). */
  listen(proto: 'tcp' | 'udp', port: number, onConnection: (socket: Socket) => void, ip?: string): Listener | { error: 'EADDRINUSE' | 'EADDRNOTAVAIL' };
  /** Opens a connection from this namespace, as connect(2) would end. */
  connect(ip: string, port: number, proto?: 'tcp' | 'udp'): ConnectResult;
  /** An ICMP echo: answered or not, and the path the request took. */
  ping(ip: string): PingResult;
  /** The rules as iptables-save prints them (the host's; a container's namespace has none). */
  natRules(): NatRule[];
  /** Linux bridges in this namespace with the ports enslaved to them (brctl show). */
  bridges(): BridgeInfo[];
  /** TCP/UDP sockets listening here (netstat -ltn). */
  listeners(): { proto: 'tcp' | 'udp'; ip: string; port: number; owner: string }[];
  /** Bytes and packets an interface moved (network/traffic.ts), where they are counted. */
  linkStats?(name: string): { rxBytes: number; rxPackets: number; txBytes: number; txPackets: number } | undefined;
}

export interface Route {
  /** 'default' or a CIDR. */
  dst: string;
  via?: string;
  dev: string;
  proto?: 'kernel';
  scope?: 'link' | 'host';
  src?: string;
  /** The device has no carrier (a bridge with no port up). */
  linkdown?: boolean;
}

export interface BridgeInfo {
  name: string;
  /** "8000.0242ac110001": priority and MAC, as brctl prints the bridge id. */
  id: string;
  stp: boolean;
  interfaces: string[];
}

export interface Listener {
  close(): void;
}

export interface SocketAddress {
  ip: string;
  port: number;
}

/** One end of a simulated stream connection. Data written before the peer listens is kept for it. */
export interface Socket {
  readonly local: SocketAddress;
  readonly remote: SocketAddress;
  write(text: string): void;
  /** Half-closes: the peer's onEnd runs after the data already written. */
  end(): void;
  onData(cb: (text: string) => void): void;
  onEnd(cb: () => void): void;
}

/** One step of a packet's way, for the diagram to play. */
export interface Hop {
  kind: 'send' | 'loopback' | 'route' | 'bridge' | 'veth' | 'dnat' | 'proxy' | 'masquerade' | 'forward' | 'vxlan' | 'deliver' | 'drop' | 'refused';
  /** The namespace the step happens in ('host' or a container id). */
  netns: string;
  /** The interface, bridge or chain it happens at. */
  at: string;
  /** Source and destination as they are after this step ("172.17.0.2:80"). */
  src: string;
  dst: string;
  /** A short English note (the iptables rule for dnat/masquerade/drop). */
  note?: string;
  /** Which simulated host ('' = the local one). */
  host?: string;
}

export type NetError = 'ECONNREFUSED' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ETIMEDOUT';

export type ConnectResult = { ok: true; socket: Socket; path: Hop[] } | { ok: false; error: NetError; path: Hop[] };

export interface PingResult {
  ok: boolean;
  /** Why no reply came (ENETUNREACH is immediate; EHOSTUNREACH and ETIMEDOUT are silence). */
  error?: NetError;
  /** The replying address. */
  from: string;
  /** TTL of the reply as seen by the sender (64, less one per router crossed). */
  ttl: number;
  path: Hop[];
}
