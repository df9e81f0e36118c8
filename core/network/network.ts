import { Traffic } from './traffic';
import { InterfaceMemo } from './interfaceMemo';
import { DaemonError } from '../engine/errors';
import type { ContainerNetwork, InterfaceSnapshot, NatRule, NetworkSnapshot, PortBinding } from '../model';
import { randomHex, type Rng } from '../ports';
import { contains, formatCidr, formatIp, macFromIp, overlaps, parseCidr, parseIp, type Cidr } from './ip';
import { AddressPool, pickPool } from './ipam';
import { natRules } from './nat';
import type { Fabric } from './overlay';
import { PortAllocator, type PortBindingRequest, type Proto } from './ports';
import { socketPair } from './socket';
import type { BridgeInfo, ConnectResult, Hop, NetError, NetView, PingResult, Route, Socket } from './view';

/**
 * The simulated host's network stack as dockerd's libnetwork shapes it: the
 * predefined networks (bridge on docker0, host, none), user-defined bridges,
 * one sandbox (network namespace) per running container with a veth pair per
 * endpoint, published ports with their DNAT rules, the embedded DNS of
 * user-defined networks, and the socket layer programs use through `proc.net`.
 */

/** The simulated host's own address on its uplink. */
export const HOST_IP = '10.0.2.15';
export const HOST_GATEWAY = '10.0.2.2';
const HOST_PREFIX = 24;
export const HOST_HOSTS_FILE = '127.0.0.1\tlocalhost\n127.0.1.1\tglassbox\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';
export const HOST_RESOLV_CONF = 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n';
const EMBEDDED_DNS_RESOLV_CONF = 'nameserver 127.0.0.11\noptions ndots:0\n';
const HOSTS_HEADER = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';

export interface Network {
  id: string;
  name: string;
  driver: 'bridge' | 'host' | 'null' | 'overlay';
  scope: 'local' | 'swarm';
  internal: boolean;
  attachable: boolean;
  created: number;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** The IPAM config as given (empty strings where Docker omits the field). */
  ipamConfig: { subnet: string; ipRange: string; gateway: string } | null;
  subnet: Cidr | null;
  gateway: number;
  pool: AddressPool | null;
  /** docker0, br-<12 hex>, '' for host/none. */
  bridge: string;
  bridgeIfindex: number;
  bridgeMac: string;
  /** Endpoints by container id, in the order they joined. */
  endpoints: Map<string, Endpoint>;
  predefined: boolean;
}

export interface Endpoint {
  id: string;
  containerId: string;
  network: Network;
  ip: number;
  mac: string;
  /** The interface name in the container (eth0, eth1 …). */
  ifname: string;
  ifindex: number;
  hostVeth: string;
  hostIfindex: number;
  /** The host's model the endpoint's container lives in (overlay networks span several). */
  model: NetworkModel;
}

/** What a container asked for on one network (EndpointSettings of the create or connect request). */
export interface EndpointRequest {
  aliases: string[];
  /** --ip, '' when not given. */
  ip: string;
  /** Made by `docker network connect` (the API then stores empty IPAMConfig/DriverOpts objects, not null). */
  live?: boolean;
}

/** A published port with the address it reaches. */
export interface Published {
  containerPort: number;
  proto: Proto;
  hostIp: string;
  hostPort: number;
  containerIp: string;
  network: Network;
}

interface ContainerNet {
  id: string;
  name: string;
  hostname: string;
  /** HostConfig.NetworkMode as the client sent it ('default', 'bridge', 'host', 'none', 'container:<ref>', a network name). */
  mode: string;
  /** Networks by id → the request, in the order they were configured. */
  requests: Map<string, EndpointRequest>;
  portBindings: PortBindingRequest[];
  publishAll: boolean;
  exposed: { port: number; proto: Proto }[];
  sandbox: Sandbox | null;
  /** Kept after a stop, as dockerd keeps SandboxID/SandboxKey. */
  sandboxId: string;
  /** In host or none mode: the endpoint on that network (no interface, no address) while running. */
  modeEndpoint: Endpoint | null;
}

interface Sandbox {
  id: string;
  /** The netns this container's processes use: its own id, 'host', or the owner's for container: mode. */
  netns: string;
  endpoints: Endpoint[];
  published: Published[];
  /** Only for a sandbox this container owns (not host or container: mode). */
  own: boolean;
}

interface ListenEntry {
  proto: 'tcp' | 'udp';
  ip: string;
  port: number;
  owner: string;
  onConnection: (s: Socket) => void;
}

export interface NetworkCreateRequest {
  name: string;
  driver?: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

/** What the model needs to know of containers, from the engine. */
export interface ContainerLookup {
  /** The full id and name a reference resolves to; throws the daemon's "No such container". */
  resolve(ref: string): { id: string; name: string };
  running(id: string): boolean;
}

/** A kernel-level step, in the order libnetwork performs them (DESIGN.md TraceOp). */
export type NetOp = { op: string; args: Record<string, string | number>; containerId?: string; affects?: { kind: 'interface' | 'rule'; id: string }[] };

export interface NetworkModelOptions {
  rng: Rng;
  now: () => number;
  containers: ContainerLookup;
  /** Called for each kernel-level step (link.add, addr.add, iptables …). */
  onOp?: (op: NetOp) => void;
  /** How the trace names a container's network namespace (its inode, once core/kernel gives one). */
  netnsName?: (containerId: string) => string;
  /** Another simulated host: its name and LAN address (default: the local host, 10.0.2.15). */
  host?: { name: string; ip: string };
  /** The LAN the hosts share, with the swarm and its overlay networks. */
  fabric?: Fabric;
}

/** Where a packet ended up (`to`, in `model`'s host when another) or why not, and the hops it took. */
export interface TraceResult {
  path: Hop[];
  to?: { netns: string; ip: string; port: number; model?: NetworkModel };
  error?: NetError;
  routers: number;
}

export class NetworkModel {
  private readonly rng: Rng;
  private readonly now: () => number;
  private readonly lookup: ContainerLookup;
  private readonly onOp: (op: NetOp) => void;
  private readonly netnsName: (containerId: string) => string;
  private readonly networks = new Map<string, Network>();
  private readonly containers = new Map<string, ContainerNet>();
  private readonly ports = new PortAllocator();
  private readonly listeners = new Map<string, ListenEntry[]>();
  /** What each namespace's interfaces moved (traffic.ts): docker stats' NET I/O. */
  readonly traffic = new Traffic();
  /** The next kernel ifindex (lo is 1 in every namespace; the host's eth0 is 2, docker0 3). */
  private nextIfindex = 4;
  /** Order in which networks' chain rules were programmed (newest rules go on top). */
  private readonly publishOrder: Published[] = [];
  private readonly hostLo: InterfaceSnapshot;
  /** '' for the local host; another host's name. */
  readonly hostName: string;
  readonly hostIp: string;
  readonly fabric: Fabric | undefined;
  /** Each overlay's br0 and vxlan0 on this host, made when the first local container joins. */
  private readonly overlayDevices = new Map<string, { br: number; vx: number; brMac: string; vxMac: string }>();
  private readonly hostEth0: InterfaceSnapshot;

  constructor(opts: NetworkModelOptions) {
    this.rng = opts.rng;
    this.now = opts.now;
    this.lookup = opts.containers;
    this.onOp = opts.onOp ?? (() => {});
    this.hostName = opts.host?.name ?? '';
    this.hostIp = opts.host?.ip ?? HOST_IP;
    this.fabric = opts.fabric;
    this.netnsName = opts.netnsName ?? ((id) => `/var/run/docker/netns/${this.containers.get(id)?.sandboxId.slice(0, 12) ?? ''}`);
    this.hostLo = { name: 'lo', ifindex: 1, kind: 'loopback', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'], up: true, netns: 'host' };
    this.hostEth0 = { name: 'eth0', ifindex: 2, kind: 'physical', mac: `52:54:00:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}`, addresses: [`${this.hostIp}/${HOST_PREFIX}`], up: true, netns: 'host' };
    const t = this.now();
    // A fresh install's first daemon start records no Gateway in the default bridge's IPAM config (moby#26799, still open);
    // docker0 still has 172.17.0.1. Only a restarted daemon, reading docker0 back, shows it.
    this.addNetwork({ name: 'bridge', driver: 'bridge', subnet: parseCidr('172.17.0.0/16')!, bridge: 'docker0', ifindex: 3, created: t, predefined: true, ipamConfig: { subnet: '172.17.0.0/16', ipRange: '', gateway: '' }, options: DEFAULT_BRIDGE_OPTIONS });
    this.addNetwork({ name: 'host', driver: 'host', subnet: null, bridge: '', ifindex: 0, created: t, predefined: true, ipamConfig: null, options: {} });
    this.addNetwork({ name: 'none', driver: 'null', subnet: null, bridge: '', ifindex: 0, created: t, predefined: true, ipamConfig: null, options: {} });
  }

  private newId(): string {
    for (;;) {
      const id = randomHex(this.rng, 64);
      if (!/^[0-9]+$/.test(id.slice(0, 12))) return id;
    }
  }

  private addNetwork(n: { name: string; driver: Network['driver']; subnet: Cidr | null; gateway?: number; range?: Cidr; bridge: string; ifindex: number; created: number; predefined: boolean; ipamConfig: Network['ipamConfig']; internal?: boolean; attachable?: boolean; labels?: Record<string, string>; options: Record<string, string>; id?: string }): Network {
    const id = n.id ?? this.newId();
    const gateway = n.gateway ?? (n.subnet ? n.subnet.base + 1 : 0);
    const pool = n.subnet ? new AddressPool(n.subnet, n.range) : null;
    pool?.take(gateway);
    const net: Network = {
      id,
      name: n.name,
      driver: n.driver,
      scope: 'local',
      internal: n.internal ?? false,
      attachable: n.attachable ?? false,
      created: n.created,
      labels: n.labels ?? {},
      options: n.options,
      ipamConfig: n.ipamConfig,
      subnet: n.subnet,
      gateway,
      pool,
      bridge: n.bridge === '' || n.bridge === 'docker0' ? n.bridge : n.options['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`,
      bridgeIfindex: n.ifindex,
      bridgeMac: n.driver === 'bridge' ? `02:42:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}` : '',
      endpoints: new Map(),
      predefined: n.predefined,
    };
    this.networks.set(id, net);
    return net;
  }

  // -------------------------------------------------------------------------
  // Networks

  /** Every network, in creation order. */
  list(): Network[] {
    return [...this.networks.values(), ...this.overlays()];
  }

  /** The swarm's overlay networks, when this host is a member. */
  private overlays(): Network[] {
    return this.fabric?.isMember(this.hostName) ? this.fabric.overlays : [];
  }

  /** dockerd's FindNetwork: full id, then exact name, then unique id prefix. */
  find(ref: string): Network | undefined {
    const all = this.list();
    const byId = all.find((n) => n.id === ref);
    if (byId) return byId;
    for (const n of all) if (n.name === ref) return n;
    const matches = all.filter((n) => n.id.startsWith(ref));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** The network `ref` names, or the daemon's "network … not found". */
  get(ref: string): Network {
    const n = this.find(ref);
    if (!n) throw new DaemonError(`network ${ref} not found`, 'notFound');
    return n;
  }

  create(req: NetworkCreateRequest): Network {
    const driver = req.driver ?? 'bridge';
    if (driver === 'overlay') return this.createOverlay(req);
    if (driver === 'host' || driver === 'null') throw new DaemonError(`only one instance of "${driver}" network is allowed`, 'conflict');
    if (driver !== 'bridge') throw new DaemonError(`plugin "${driver}" not found`, 'notFound');
    for (const n of this.networks.values()) if (n.name === req.name) throw new DaemonError(`network with name ${req.name} already exists`, 'conflict');
    const taken = this.list().flatMap((n) => (n.subnet ? [n.subnet] : []));
    let subnet: Cidr | undefined;
    let range: Cidr | undefined;
    let gateway: number | undefined;
    if (req.subnet) {
      subnet = parseCidr(req.subnet);
      if (!subnet) throw new DaemonError(`invalid CIDR address: ${req.subnet}`, 'invalidParameter');
      const clash = this.list().find((n) => n.subnet && overlaps(n.subnet, subnet!));
      if (clash) throw new DaemonError(`Pool overlaps with other one on this address space`, 'conflict');
    } else {
      subnet = pickPool(taken);
      if (!subnet) throw new DaemonError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network', 'system');
    }
    if (req.ipRange) {
      range = parseCidr(req.ipRange);
      if (!range) throw new DaemonError(`invalid CIDR address: ${req.ipRange}`, 'invalidParameter');
      if (!contains(subnet, range.base) || range.prefix < subnet.prefix) throw new DaemonError(`Invalid Address Pool: ip range ${req.ipRange} is not within subnet ${req.subnet}`, 'invalidParameter');
    }
    if (req.gateway) {
      gateway = parseIp(req.gateway);
      if (gateway === undefined) throw new DaemonError(`invalid gateway address ${req.gateway} in Subnet ${req.subnet ?? formatCidr(subnet)}`, 'invalidParameter');
      if (!contains(subnet, gateway)) throw new DaemonError(`no matching subnet for gateway ${req.gateway}`, 'invalidParameter');
    }
    const gw = gateway ?? subnet.base + 1;
    // IPAM.Config keeps what was asked: a --subnet without --gateway has no Gateway there (the bridge still gets the first address).
    const ipamConfig = { subnet: req.subnet ?? formatCidr(subnet), ipRange: req.ipRange ?? '', gateway: req.gateway ?? (req.subnet ? '' : formatIp(gw)) };
    const before = this.natRules();
    const ifindex = this.nextIfindex++;
    const net = this.addNetwork({ name: req.name, driver: 'bridge', subnet, gateway: gw, range, bridge: 'br', ifindex, created: this.now(), predefined: false, ipamConfig, internal: req.internal, attachable: req.attachable, labels: req.labels, options: req.options ?? {} });
    this.op({ op: 'link.add', args: { type: 'bridge', name: net.bridge }, affects: [{ kind: 'interface', id: net.bridge }] });
    this.op({ op: 'addr.add', args: { dev: net.bridge, addr: `${formatIp(gw)}/${subnet.prefix}` }, affects: [{ kind: 'interface', id: net.bridge }] });
    this.op({ op: 'link.up', args: { name: net.bridge }, affects: [{ kind: 'interface', id: net.bridge }] });
    this.ruleChanges(before);
    return net;
  }

  private createOverlay(req: NetworkCreateRequest): Network {
    const fabric = this.fabric;
    if (!fabric?.isMember(this.hostName)) {
      throw new DaemonError('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.', 'system');
    }
    if (!fabric.isManager(this.hostName)) {
      throw new DaemonError('Cannot create a multi-host network from a worker node. Please create the network from a manager node.', 'system');
    }
    for (const n of this.list()) if (n.name === req.name) throw new DaemonError(`network with name ${req.name} already exists`, 'conflict');
    const subnet = req.subnet ? parseCidr(req.subnet) : fabric.nextSubnet(fabric.overlays.flatMap((n) => (n.subnet ? [n.subnet] : [])));
    if (!subnet) throw new DaemonError(`invalid CIDR address: ${req.subnet}`, 'invalidParameter');
    const gateway = req.gateway ? parseIp(req.gateway) ?? subnet.base + 1 : subnet.base + 1;
    const pool = new AddressPool(subnet);
    pool.take(gateway);
    const net: Network = {
      id: fabric.newId(),
      name: req.name,
      driver: 'overlay',
      scope: 'swarm',
      internal: req.internal ?? false,
      attachable: req.attachable ?? false,
      created: this.now(),
      labels: req.labels ?? {},
      options: { 'com.docker.network.driver.overlay.vxlanid_list': String(4097 + fabric.overlays.length), ...(req.options ?? {}) },
      ipamConfig: { subnet: formatCidr(subnet), ipRange: '', gateway: formatIp(gateway) },
      subnet,
      gateway,
      pool,
      bridge: 'br0',
      bridgeIfindex: 0,
      bridgeMac: '',
      endpoints: new Map(),
      predefined: false,
    };
    fabric.overlays.push(net);
    fabric.vni(net);
    return net;
  }

  remove(ref: string): Network {
    const net = this.get(ref);
    if (net.driver === 'overlay') {
      if (net.endpoints.size > 0) throw new DaemonError(`rpc error: code = FailedPrecondition desc = network ${net.id} is in use by task`, 'conflict');
      const list = this.fabric!.overlays;
      list.splice(list.indexOf(net), 1);
      return net;
    }
    if (net.predefined) throw new DaemonError(`${net.name} is a pre-defined network and cannot be removed`, 'conflict');
    if (net.endpoints.size > 0) {
      throw new DaemonError(`error while removing network: network ${net.name} id ${net.id} has active endpoints`, 'conflict');
    }
    const before = this.natRules();
    this.networks.delete(net.id);
    this.ruleChanges(before);
    this.op({ op: 'link.del', args: { name: net.bridge }, affects: [{ kind: 'interface', id: net.bridge }] });
    // Containers that asked for it keep the request; their next start fails as Docker's does.
    return net;
  }

  // -------------------------------------------------------------------------
  // Containers

  /**
   * Records a new container's network config (create). Resolves the mode's
   * network now, as the daemon does: an unknown network is refused here.
   */
  register(c: { id: string; name: string; hostname: string; mode: string; aliases: string[]; ip: string; portBindings: PortBindingRequest[]; publishAll: boolean; exposed: { port: number; proto: Proto }[] }): void {
    const mode = c.mode === '' ? 'default' : c.mode;
    const requests = new Map<string, EndpointRequest>();
    let stored = mode;
    if (mode.startsWith('container:')) {
      if (c.portBindings.length > 0 || c.publishAll) throw new DaemonError('conflicting options: port publishing and the container type network mode', 'invalidParameter');
      // The daemon keeps the id of a container it can find now, else the reference as given (checked at start).
      const owner = this.safeResolve(mode.slice('container:'.length));
      if (owner) stored = `container:${owner}`;
    } else if (mode !== 'host' && mode !== 'none') {
      const net = this.get(mode === 'default' ? 'bridge' : mode);
      if (net.driver === 'overlay' && !net.attachable) throw new DaemonError(`Could not attach to network ${mode}: rpc error: code = PermissionDenied desc = network ${mode} not manually attachable`, 'conflict');
      if ((c.aliases.length > 0 || c.ip !== '') && net.predefined) {
        if (c.aliases.length > 0) throw new DaemonError('network-scoped alias is supported only for containers in user defined networks', 'invalidParameter');
        throw new DaemonError('user specified IP address is supported on user defined networks only', 'invalidParameter');
      }
      requests.set(net.id, { aliases: [...c.aliases], ip: c.ip });
    }
    this.touch(c.id);
    this.containers.set(c.id, { id: c.id, name: c.name, hostname: c.hostname, mode: stored, requests, portBindings: c.portBindings, publishAll: c.publishAll, exposed: c.exposed, sandbox: null, sandboxId: '', modeEndpoint: null });
  }

  /** Forgets a removed container (its sandbox must be gone already). */
  unregister(id: string): void {
    const cn = this.containers.get(id);
    if (cn?.sandbox) this.stop(id);
    this.containers.delete(id);
    this.versions.delete(id);
  }

  /** The name of a container this host's daemon knows. */
  containerName(id: string): string {
    return this.containers.get(id)?.name ?? '';
  }

  /** The container's mode as HostConfig.NetworkMode shows it. */
  mode(id: string): string {
    return this.containers.get(id)?.mode ?? 'default';
  }

  /**
   * Builds the running container's network namespace (start): a veth pair per
   * network, addresses, routes, published ports. Throws Docker's error when it
   * cannot, leaving nothing allocated.
   */
  start(id: string): void {
    const cn = this.mustGet(id);
    const mode = cn.mode;
    this.touch(id);
    if (mode === 'host' || mode === 'none') {
      // libnetwork still makes an endpoint on the host or null network: an id, no interface, no address.
      const net = this.get(mode);
      cn.modeEndpoint = { id: this.newId(), containerId: id, network: net, ip: 0, mac: '', ifname: '', ifindex: 0, hostVeth: '', hostIfindex: 0, model: this };
      net.endpoints.set(id, cn.modeEndpoint);
    }
    if (mode === 'host') {
      cn.sandbox = { id: cn.sandboxId || this.newId(), netns: 'host', endpoints: [], published: [], own: false };
      cn.sandboxId = cn.sandbox.id;
      return;
    }
    if (mode.startsWith('container:')) {
      const ref = mode.slice('container:'.length);
      const owner = this.lookup.resolve(ref);
      if (!this.lookup.running(owner.id)) throw new DaemonError(`cannot join network of a non running container: ${ref}`, 'conflict');
      const ownerNs = this.containers.get(owner.id)?.sandbox?.netns ?? owner.id;
      cn.sandbox = { id: '', netns: ownerNs, endpoints: [], published: [], own: false };
      return;
    }
    const sandbox: Sandbox = { id: cn.sandboxId || this.newId(), netns: id, endpoints: [], published: [], own: true };
    cn.sandboxId = sandbox.id;
    cn.sandbox = sandbox;
    // New veth endpoints: their counters start at zero.
    this.traffic.forget(id);
    this.op({ op: 'link.up', args: { name: 'lo' }, containerId: id, affects: [{ kind: 'interface', id: 'lo' }] });
    try {
      for (const [netId, req] of cn.requests) {
        const net = this.networks.get(netId) ?? this.overlays().find((n) => n.id === netId);
        if (!net) throw new DaemonError(`network ${netId} not found`, 'notFound');
        this.join(cn, net, req);
      }
      this.publish(cn);
    } catch (e) {
      this.stop(id);
      throw e;
    }
  }

  /** Tears the namespace down (the container stopped): addresses and ports go back to the pools. */
  stop(id: string): void {
    const cn = this.containers.get(id);
    const sb = cn?.sandbox;
    if (!cn || !sb) return;
    if (cn.modeEndpoint) {
      cn.modeEndpoint.network.endpoints.delete(id);
      cn.modeEndpoint = null;
    }
    const before = this.natRules();
    for (const p of sb.published) this.unpublish(cn, p);
    sb.published = [];
    this.ruleChanges(before, id);
    for (const ep of [...sb.endpoints].reverse()) this.leave(cn, ep);
    // The container's processes are gone, and with them their sockets.
    for (const [ns, list] of this.listeners) this.listeners.set(ns, list.filter((l) => l.owner !== id));
    if (sb.own) this.listeners.delete(id);
    cn.sandbox = null;
    this.touch(id);
  }

  private mustGet(id: string): ContainerNet {
    const cn = this.containers.get(id);
    if (!cn) throw new DaemonError(`No such container: ${id}`, 'notFound');
    return cn;
  }

  private join(cn: ContainerNet, net: Network, req: EndpointRequest): Endpoint {
    const sb = cn.sandbox!;
    let ip: number | undefined;
    if (req.ip !== '') {
      ip = parseIp(req.ip);
      if (ip === undefined || !net.pool) throw new DaemonError(`invalid IPv4 address: ${req.ip}`, 'invalidParameter');
      const err = net.pool.take(ip);
      if (err) throw new DaemonError(err, 'system');
    } else {
      ip = net.pool?.allocate();
      if (ip === undefined) throw new DaemonError(`no available IPv4 addresses on this network's address pools: ${net.name} (${net.id})`, 'system');
    }
    const ifname = `eth${sb.endpoints.length === 0 ? 0 : Math.max(...sb.endpoints.map((e) => Number(e.ifname.slice(3)))) + 1}`;
    const ifindex = this.nextIfindex++;
    const hostIfindex = this.nextIfindex++;
    const ep: Endpoint = { id: this.newId(), containerId: cn.id, network: net, ip, mac: macFromIp(ip), ifname, ifindex, hostVeth: `veth${randomHex(this.rng, 7)}`, hostIfindex, model: this };
    if (net.driver === 'overlay' && !this.overlayDevices.has(net.id)) {
      this.overlayDevices.set(net.id, { br: this.nextIfindex++, vx: this.nextIfindex++, brMac: `02:42:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}`, vxMac: `02:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}:${randomHex(this.rng, 2)}` });
      const vni = this.fabric!.vni(net);
      this.op({ op: 'link.add', args: { type: 'bridge', name: 'br0' }, affects: [{ kind: 'interface', id: 'br0' }] });
      this.op({ op: 'link.add', args: { type: 'vxlan', name: 'vxlan0', id: vni, dstport: 4789 }, affects: [{ kind: 'interface', id: 'vxlan0' }] });
      this.op({ op: 'link.master', args: { name: 'vxlan0', master: 'br0' }, affects: [{ kind: 'interface', id: 'vxlan0' }] });
    }
    sb.endpoints.push(ep);
    net.endpoints.set(cn.id, ep);
    const cid = cn.id;
    const tmpName = `veth${randomHex(this.rng, 7)}`;
    const iface = (name: string): { kind: 'interface'; id: string }[] => [{ kind: 'interface', id: name }];
    // libnetwork's order: the pair in the host namespace, the host end on the bridge and up, the
    // other end moved into the sandbox, renamed, addressed, up, then the default route.
    this.op({ op: 'link.add', args: { type: 'veth', name: ep.hostVeth, peer: tmpName }, containerId: cid, affects: iface(ep.hostVeth) });
    this.op({ op: 'link.master', args: { name: ep.hostVeth, master: net.bridge }, containerId: cid, affects: iface(ep.hostVeth) });
    this.op({ op: 'link.up', args: { name: ep.hostVeth }, containerId: cid, affects: iface(ep.hostVeth) });
    this.op({ op: 'link.netns', args: { name: tmpName, netns: this.netnsName(cid) }, containerId: cid, affects: iface(ifname) });
    this.op({ op: 'link.rename', args: { name: tmpName, newname: ifname }, containerId: cid, affects: iface(ifname) });
    this.op({ op: 'addr.add', args: { dev: ifname, addr: `${formatIp(ip)}/${net.subnet!.prefix}` }, containerId: cid, affects: iface(ifname) });
    this.op({ op: 'link.up', args: { name: ifname }, containerId: cid, affects: iface(ifname) });
    if (!net.internal && !sb.endpoints.some((e) => e !== ep && !e.network.internal)) {
      this.op({ op: 'route.add', args: { dst: 'default', via: formatIp(net.gateway), dev: ifname }, containerId: cid, affects: iface(ifname) });
    }
    return ep;
  }

  private leave(cn: ContainerNet, ep: Endpoint): void {
    const sb = cn.sandbox!;
    sb.endpoints = sb.endpoints.filter((e) => e !== ep);
    ep.network.endpoints.delete(cn.id);
    ep.network.pool?.release(ep.ip);
    this.op({ op: 'link.del', args: { name: ep.hostVeth }, containerId: cn.id, affects: [{ kind: 'interface', id: ep.hostVeth }] });
  }

  private publish(cn: ContainerNet): void {
    const sb = cn.sandbox!;
    const ep = sb.endpoints[0];
    const requests: PortBindingRequest[] = [...cn.portBindings];
    if (cn.publishAll) {
      for (const e of cn.exposed) {
        if (!requests.some((r) => r.containerPort === e.port && r.proto === e.proto)) requests.push({ containerPort: e.port, proto: e.proto, hostIp: '', hostPort: '' });
      }
    }
    if (!ep || requests.length === 0) return;
    const before = this.natRules();
    for (const r of requests) {
      const ips = r.hostIp === '' ? ['0.0.0.0', '::'] : [r.hostIp];
      let port = 0;
      let range: [number, number] | undefined;
      if (r.hostPort.includes('-')) range = r.hostPort.split('-').map(Number) as [number, number];
      else if (r.hostPort !== '') port = Number(r.hostPort);
      for (const ip of ips) {
        const hostListener = this.hostListenerOn(r.proto === 'udp' ? 'udp' : 'tcp', ip, port);
        const got = hostListener ? undefined : this.ports.request(ip, r.proto, port, port === 0 ? range : undefined);
        if (got === undefined) {
          const family = ip.includes(':') ? '6' : '4';
          const where = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
          const reason = hostListener
            ? `Error starting userland proxy: listen ${r.proto}${family} ${where}: bind: address already in use`
            : port === 0 ? `Bind for ${ip}: failed: port range exhausted` : `Bind for ${where} failed: port is already allocated`;
          throw new DaemonError(`failed to set up container networking: driver failed programming external connectivity on endpoint ${cn.name} (${ep.id}): ${reason}`, 'system');
        }
        port = got;
        const p: Published = { containerPort: r.containerPort, proto: r.proto, hostIp: ip, hostPort: got, containerIp: formatIp(ep.ip), network: ep.network };
        sb.published.push(p);
        this.publishOrder.push(p);
      }
    }
    this.ruleChanges(before, cn.id);
  }

  private unpublish(cn: ContainerNet, p: Published): void {
    this.ports.release(p.hostIp, p.proto, p.hostPort);
    const i = this.publishOrder.indexOf(p);
    if (i >= 0) this.publishOrder.splice(i, 1);
  }

  private hostListenerOn(proto: 'tcp' | 'udp', ip: string, port: number): boolean {
    if (port === 0) return false;
    return (this.listeners.get('host') ?? []).some((l) => l.proto === proto && l.port === port && (l.ip === ip || l.ip === '0.0.0.0' || ip === '0.0.0.0' || ip === '::'));
  }

  /**
   * `docker network connect`: records the request, and for a running
   * container adds the endpoint at once (a new ethN).
   */
  connectNetwork(id: string, netRef: string, req: EndpointRequest): void {
    this.touch(id);
    const net = this.get(netRef);
    const cn = this.mustGet(id);
    if (cn.mode === 'host' || cn.mode === 'none' || cn.mode.startsWith('container:')) {
      if (net.driver === 'host' && cn.mode === 'host') throw new DaemonError(`container cannot be disconnected from host network or connected to host network`, 'conflict');
      throw new DaemonError(cn.mode.startsWith('container:') ? 'container sharing network namespace with another container or host cannot be connected to any other network' : `container cannot be disconnected from host network or connected to host network`, 'conflict');
    }
    if (net.driver !== 'bridge') throw new DaemonError(`container cannot be disconnected from host network or connected to host network`, 'conflict');
    if (cn.requests.has(net.id)) throw new DaemonError(`endpoint with name ${cn.name} already exists in network ${net.name}`, 'conflict');
    if (net.predefined && (req.aliases.length > 0 || req.ip !== '')) {
      throw new DaemonError(req.ip !== '' ? 'user specified IP address is supported on user defined networks only' : 'network-scoped alias is supported only for containers in user defined networks', 'invalidParameter');
    }
    cn.requests.set(net.id, { aliases: [...req.aliases], ip: req.ip, live: true });
    if (cn.sandbox && cn.sandbox.own) {
      try {
        this.join(cn, net, req);
      } catch (e) {
        cn.requests.delete(net.id);
        throw e;
      }
    }
  }

  /** `docker network disconnect`. */
  disconnectNetwork(id: string, netRef: string): void {
    this.touch(id);
    const net = this.get(netRef);
    const cn = this.mustGet(id);
    if (!cn.requests.has(net.id)) {
      if (net.driver === 'host' && cn.mode === 'host') throw new DaemonError('container cannot be disconnected from host network or connected to host network', 'conflict');
      throw new DaemonError(`container ${id} is not connected to network ${net.name}`, 'conflict');
    }
    cn.requests.delete(net.id);
    const ep = cn.sandbox?.endpoints.find((e) => e.network === net);
    if (ep && cn.sandbox) {
      const before = this.natRules();
      const gone = cn.sandbox.published.filter((p) => p.network === net);
      for (const p of gone) this.unpublish(cn, p);
      cn.sandbox.published = cn.sandbox.published.filter((p) => p.network !== net);
      this.ruleChanges(before, id);
      this.leave(cn, ep);
    }
  }

  /** The networks the container asked for, by name, in order (NetworkSettings.Networks keys). */
  containerNetworks(id: string): { network: Network; request: EndpointRequest; endpoint: Endpoint | undefined }[] {
    const cn = this.containers.get(id);
    if (!cn) return [];
    if (cn.mode === 'host' || cn.mode === 'none') return [{ network: this.get(cn.mode), request: { aliases: [], ip: '' }, endpoint: cn.modeEndpoint ?? undefined }];
    const out: { network: Network; request: EndpointRequest; endpoint: Endpoint | undefined }[] = [];
    for (const [netId, request] of cn.requests) {
      const network = this.networks.get(netId) ?? this.overlays().find((n) => n.id === netId);
      if (!network) continue;
      out.push({ network, request, endpoint: cn.sandbox?.endpoints.find((e) => e.network === network) });
    }
    return out;
  }

  /** The ports the running container publishes (NetworkSettings.Ports), in the order they were bound. */
  published(id: string): Published[] {
    return this.containers.get(id)?.sandbox?.published ?? [];
  }

  config(id: string): { portBindings: PortBindingRequest[]; publishAll: boolean; exposed: { port: number; proto: Proto }[]; sandboxId: string; running: boolean } | undefined {
    const cn = this.containers.get(id);
    if (!cn) return undefined;
    return { portBindings: cn.portBindings, publishAll: cn.publishAll, exposed: cn.exposed, sandboxId: cn.sandboxId, running: cn.sandbox !== null };
  }

  // -------------------------------------------------------------------------
  // /etc/hosts, /etc/resolv.conf

  /** The container's /etc/hosts as Docker writes it for its mode. */
  hostsFile(id: string): string {
    const cn = this.containers.get(id);
    if (!cn) return HOSTS_HEADER;
    if (cn.mode === 'host') return HOST_HOSTS_FILE;
    if (cn.mode.startsWith('container:')) {
      const owner = this.safeResolve(cn.mode.slice('container:'.length));
      return owner && owner !== id ? this.hostsFile(owner) : HOSTS_HEADER;
    }
    let text = HOSTS_HEADER;
    for (const ep of cn.sandbox?.endpoints ?? []) text += `${formatIp(ep.ip)}\t${cn.hostname}\n`;
    return text;
  }

  resolvConf(id: string): string {
    const cn = this.containers.get(id);
    if (!cn) return HOST_RESOLV_CONF;
    if (cn.mode.startsWith('container:')) {
      const owner = this.safeResolve(cn.mode.slice('container:'.length));
      return owner && owner !== id ? this.resolvConf(owner) : HOST_RESOLV_CONF;
    }
    const userNet = [...cn.requests.keys()].some((nid) => !this.networks.get(nid)?.predefined);
    return userNet ? EMBEDDED_DNS_RESOLV_CONF : HOST_RESOLV_CONF;
  }

  private safeResolve(ref: string): string | undefined {
    try {
      return this.lookup.resolve(ref).id;
    } catch {
      return undefined;
    }
  }

  // -------------------------------------------------------------------------
  // Namespaces and the socket layer

  /** The namespace a running container's processes use ('host', its own id, or its owner's). */
  netnsOf(id: string): string | undefined {
    return this.containers.get(id)?.sandbox?.netns;
  }

  private ownerContainer(netns: string): ContainerNet | undefined {
    return netns === 'host' ? undefined : this.containers.get(netns);
  }

  /** Interfaces of one namespace, in ifindex order. */
  interfacesOf(netns: string): InterfaceSnapshot[] {
    if (netns === 'host') {
      const out: InterfaceSnapshot[] = [{ ...this.hostLo }, { ...this.hostEth0 }];
      for (const n of this.networks.values()) {
        if (n.driver !== 'bridge') continue;
        out.push({ name: n.bridge, ifindex: n.bridgeIfindex, kind: 'bridge', mac: n.bridgeMac, addresses: [`${formatIp(n.gateway)}/${n.subnet!.prefix}`], up: n.endpoints.size > 0, netns: 'host' });
        for (const ep of n.endpoints.values()) out.push(this.hostVethOf(ep, n.bridge));
      }
      for (const n of this.overlays()) {
        const dev = this.overlayDevices.get(n.id);
        if (!dev) continue;
        const local = [...n.endpoints.values()].filter((e) => e.model === this);
        // In the overlay's own namespace on a real host (1-<id>); drawn with the host's devices here.
        out.push({ name: 'br0', ifindex: dev.br, kind: 'bridge', mac: dev.brMac, addresses: [`${formatIp(n.gateway)}/${n.subnet!.prefix}`], up: local.length > 0, netns: 'host' });
        out.push({ name: 'vxlan0', ifindex: dev.vx, kind: 'vxlan', mac: dev.vxMac, addresses: [], up: true, netns: 'host', master: 'br0' });
        for (const ep of local) out.push({ name: ep.hostVeth, ifindex: ep.hostIfindex, kind: 'veth', mac: vethMac(ep), addresses: [], up: true, netns: 'host', master: 'br0', peerIfindex: ep.ifindex });
      }
      return out.sort((a, b) => a.ifindex - b.ifindex);
    }
    const cn = this.ownerContainer(netns);
    const out: InterfaceSnapshot[] = [{ name: 'lo', ifindex: 1, kind: 'loopback', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'], up: true, netns }];
    for (const ep of cn?.sandbox?.endpoints ?? []) {
      out.push({ name: ep.ifname, ifindex: ep.ifindex, kind: 'veth', mac: ep.mac, addresses: [`${formatIp(ep.ip)}/${ep.network.subnet!.prefix}`], up: true, netns, peerIfindex: ep.hostIfindex });
    }
    return out.sort((a, b) => a.ifindex - b.ifindex);
  }

  /**
   * A bridge endpoint's host-side veth, the same frozen object while it shows
   * the same: a thousand of them were built after every change (issue 14).
   */
  private hostVethOf(ep: Endpoint, master: string): InterfaceSnapshot {
    const kept = this.hostVeths.get(ep);
    if (kept && kept.name === ep.hostVeth && kept.ifindex === ep.hostIfindex && kept.master === master && kept.peerIfindex === ep.ifindex) return kept; // its mac derives from the id, which never changes
    const snap: InterfaceSnapshot = Object.freeze({ name: ep.hostVeth, ifindex: ep.hostIfindex, kind: 'veth', mac: vethMac(ep), addresses: Object.freeze([]) as unknown as string[], up: true, netns: 'host', master, peerIfindex: ep.ifindex });
    this.hostVeths.set(ep, snap);
    return snap;
  }

  private readonly hostVeths = new WeakMap<Endpoint, InterfaceSnapshot>();

  routesOf(netns: string): Route[] {
    if (netns === 'host') {
      const out: Route[] = [{ dst: 'default', via: HOST_GATEWAY, dev: 'eth0' }, { dst: `10.0.2.0/${HOST_PREFIX}`, dev: 'eth0', proto: 'kernel', scope: 'link', src: this.hostIp }];
      for (const n of this.networks.values()) {
        if (n.driver !== 'bridge') continue;
        out.push({ dst: formatCidr(n.subnet!), dev: n.bridge, proto: 'kernel', scope: 'link', src: formatIp(n.gateway), linkdown: n.endpoints.size === 0 });
      }
      return out;
    }
    const cn = this.ownerContainer(netns);
    const eps = cn?.sandbox?.endpoints ?? [];
    const out: Route[] = [];
    const gw = eps.find((e) => !e.network.internal);
    if (gw) out.push({ dst: 'default', via: formatIp(gw.network.gateway), dev: gw.ifname });
    // The prefix route the kernel adds with the address (iproute2 prints its proto; busybox does not).
    for (const ep of eps) out.push({ dst: formatCidr(ep.network.subnet!), dev: ep.ifname, proto: 'kernel', scope: 'link', src: formatIp(ep.ip) });
    return out;
  }

  /** A name as the resolver in `netns` finds it (see NetView.resolve). */
  resolve(netns: string, name: string): string | undefined {
    if (parseIp(name) !== undefined) return name;
    if (name === 'localhost') return '127.0.0.1';
    if (netns === 'host') return name === 'glassbox' ? '127.0.1.1' : undefined;
    const cn = this.ownerContainer(netns);
    if (!cn?.sandbox) return undefined;
    const eps = cn.sandbox.endpoints;
    if (name === cn.hostname && eps[0]) return formatIp(eps[0].ip);
    // The embedded DNS answers on user-defined networks, for containers sharing one.
    for (const ep of eps) {
      const net = ep.network;
      if (net.predefined) continue;
      for (const other of net.endpoints.values()) {
        const oc = other.model.containers.get(other.containerId);
        if (!oc) continue;
        const aliases = oc.requests.get(net.id)?.aliases ?? [];
        if (oc.name === name || oc.id.slice(0, 12) === name || aliases.includes(name)) return formatIp(other.ip);
      }
    }
    return undefined;
  }

  /** The listening sockets of one namespace. */
  listenersOf(netns: string): ListenEntry[] {
    return this.listeners.get(netns) ?? [];
  }

  listen(netns: string, proto: 'tcp' | 'udp', port: number, ip: string, owner: string, onConnection: (s: Socket) => void): { close(): void } | { error: 'EADDRINUSE' | 'EADDRNOTAVAIL' } {
    const list = this.listeners.get(netns) ?? [];
    if (ip !== '0.0.0.0' && ip !== '127.0.0.1' && !this.localAddresses(netns).includes(ip)) return { error: 'EADDRNOTAVAIL' };
    const clash = list.some((l) => l.proto === proto && l.port === port && (l.ip === ip || l.ip === '0.0.0.0' || ip === '0.0.0.0'));
    // On the host, docker-proxy holds every published port.
    const proxied = netns === 'host' && this.publishOrder.some((p) => p.proto === proto && p.hostPort === port && (p.hostIp === ip || p.hostIp === '0.0.0.0' || ip === '0.0.0.0'));
    if (clash || proxied) return { error: 'EADDRINUSE' };
    const entry: ListenEntry = { proto, ip, port, owner, onConnection };
    list.push(entry);
    this.listeners.set(netns, list);
    return {
      close: () => {
        const l = this.listeners.get(netns);
        if (l) this.listeners.set(netns, l.filter((e) => e !== entry));
      },
    };
  }

  private localAddresses(netns: string): string[] {
    return this.interfacesOf(netns).flatMap((i) => i.addresses.map((a) => a.slice(0, a.indexOf('/'))));
  }

  /** The source address a packet from `netns` to `dst` leaves with. */
  private sourceFor(netns: string, dst: number): string {
    if ((dst >>> 24) === 127) return '127.0.0.1';
    if (netns === 'host') {
      for (const n of this.networks.values()) if (n.subnet && n.driver === 'bridge' && contains(n.subnet, dst)) return formatIp(n.gateway);
      return this.hostIp;
    }
    const eps = this.ownerContainer(netns)?.sandbox?.endpoints ?? [];
    const direct = eps.find((e) => contains(e.network.subnet!, dst));
    const via = direct ?? eps.find((e) => !e.network.internal);
    return via ? formatIp(via.ip) : '127.0.0.1';
  }

  /**
   * Where a packet from `netns` to ip:port ends up, hop by hop: the namespace
   * that receives it (with the address and port after NAT), or why it does not
   * arrive. `port` 0 is an ICMP echo.
   */
  trace(netns: string, dstText: string, port: number, proto: 'tcp' | 'udp' | 'icmp'): TraceResult {
    const path: Hop[] = [];
    const dst = parseIp(dstText);
    const fmt = (ip: string, p: number): string => (p > 0 ? `${ip}:${p}` : ip);
    if (dst === undefined) return { path, error: 'ENETUNREACH', routers: 0 };
    let src = this.sourceFor(netns, dst);
    const hop = (h: Omit<Hop, 'src' | 'dst'> & { src?: string; dst?: string }): void => {
      path.push({ src: fmt(src, 0), dst: fmt(dstText, port), ...h } as Hop);
    };
    hop({ kind: 'send', netns, at: netns === 'host' ? 'host' : 'eth0' });
    const local = (dst >>> 24) === 127 || this.localAddresses(netns).includes(dstText);
    if (local) {
      if (netns === 'host') {
        const dnat = this.publishedFor(proto, port, dstText);
        if (dnat) {
          if ((dst >>> 24) === 127) {
            // 127/8 skips the OUTPUT DNAT rule: docker-proxy accepts and connects onwards.
            path.push({ kind: 'proxy', netns: 'host', at: 'docker-proxy', src: fmt(src, 0), dst: fmt(dstText, port), note: `docker-proxy -proto ${proto} -host-ip ${dnat.hostIp} -host-port ${dnat.hostPort} -container-ip ${dnat.containerIp} -container-port ${dnat.containerPort}` });
            src = formatIp(dnat.network.gateway);
          } else {
            path.push({ kind: 'dnat', netns: 'host', at: 'nat/OUTPUT → DOCKER', src: fmt(src, 0), dst: fmt(dnat.containerIp, dnat.containerPort), note: `-A DOCKER ! -i ${dnat.network.bridge} -p ${proto} -m ${proto} --dport ${dnat.hostPort} -j DNAT --to-destination ${dnat.containerIp}:${dnat.containerPort}` });
          }
          return this.toBridge(path, src, dnat.network, parseIp(dnat.containerIp)!, dnat.containerPort, 0);
        }
      }
      path.push({ kind: 'loopback', netns, at: 'lo', src: fmt(src, 0), dst: fmt(dstText, port) });
      return { path, to: { netns, ip: dstText, port }, routers: 0 };
    }
    if (netns === 'host') {
      const net = this.bridgeFor(dst);
      if (net) return this.toBridge(path, src, net, dst, port, 0);
      path.push({ kind: 'route', netns: 'host', at: 'eth0', src: fmt(src, 0), dst: fmt(dstText, port), note: `default via ${HOST_GATEWAY}` });
      return this.outside(path, dstText, port, proto);
    }
    const cn = this.ownerContainer(netns);
    const eps = cn?.sandbox?.endpoints ?? [];
    const direct = eps.find((e) => contains(e.network.subnet!, dst));
    if (direct) {
      path.push({ kind: 'veth', netns, at: `${direct.ifname} → ${direct.hostVeth}`, src: fmt(src, 0), dst: fmt(dstText, port) });
      if (direct.network.driver === 'overlay') return this.acrossOverlay(path, src, direct.network, dst, port);
      return this.toBridge(path, src, direct.network, dst, port, 0, true);
    }
    const gw = eps.find((e) => !e.network.internal);
    if (!gw) {
      path.push({ kind: 'drop', netns, at: 'route', src: fmt(src, 0), dst: fmt(dstText, port), note: 'Network unreachable: no route' });
      return { path, error: 'ENETUNREACH', routers: 0 };
    }
    path.push({ kind: 'veth', netns, at: `${gw.ifname} → ${gw.hostVeth}`, src: fmt(src, 0), dst: fmt(dstText, port), note: `default via ${formatIp(gw.network.gateway)}` });
    path.push({ kind: 'bridge', netns: 'host', at: gw.network.bridge, src: fmt(src, 0), dst: fmt(dstText, port) });
    // Now on the host: a host address, another bridge, or out through eth0.
    if (this.localAddresses('host').includes(dstText)) {
      const dnat = this.publishedFor(proto, port, dstText);
      if (dnat) {
        // The DOCKER chain RETURNs for packets from a bridge: docker-proxy (hairpin) carries them.
        path.push({ kind: 'proxy', netns: 'host', at: 'docker-proxy', src: fmt(src, 0), dst: fmt(dstText, port) });
        return this.toBridge(path, formatIp(dnat.network.gateway), dnat.network, parseIp(dnat.containerIp)!, dnat.containerPort, 0);
      }
      path.push({ kind: 'deliver', netns: 'host', at: 'host', src: fmt(src, 0), dst: fmt(dstText, port) });
      return { path, to: { netns: 'host', ip: dstText, port }, routers: 0 };
    }
    const other = this.bridgeFor(dst);
    if (other) {
      path.push({ kind: 'drop', netns: 'host', at: 'filter/DOCKER-ISOLATION-STAGE-2', src: fmt(src, 0), dst: fmt(dstText, port), note: `-A DOCKER-ISOLATION-STAGE-2 -o ${other.bridge} -j DROP` });
      return { path, error: 'ETIMEDOUT', routers: 1 };
    }
    path.push({ kind: 'masquerade', netns: 'host', at: 'nat/POSTROUTING', src: fmt(this.hostIp, 0), dst: fmt(dstText, port), note: `-A POSTROUTING -s ${formatCidr(gw.network.subnet!)} ! -o ${gw.network.bridge} -j MASQUERADE` });
    return this.outside(path, dstText, port, proto, 1);
  }

  /** On an overlay's br0: to a local endpoint, or encapsulated in VXLAN to the host that has it. */
  private acrossOverlay(path: Hop[], src: string, net: Network, dst: number, port: number): TraceResult {
    const dstText = formatIp(dst);
    const d = port > 0 ? `${dstText}:${port}` : dstText;
    path.push({ kind: 'bridge', netns: 'host', at: 'br0', src, dst: d, host: this.hostName });
    const target = [...net.endpoints.values()].find((e) => e.ip === dst);
    if (!target) {
      path.push({ kind: 'drop', netns: 'host', at: 'br0', src, dst: d, note: 'no ARP reply', host: this.hostName });
      return { path, error: 'EHOSTUNREACH', routers: 0 };
    }
    const there = target.model;
    if (there !== this) {
      const vni = this.fabric!.vni(net);
      path.push({ kind: 'vxlan', netns: 'host', at: 'vxlan0', src: this.hostIp, dst: there.hostIp, note: `VXLAN VNI ${vni}: ${src} → ${d} inside UDP ${this.hostIp} → ${there.hostIp}:4789`, host: this.hostName });
      path.push({ kind: 'vxlan', netns: 'host', at: 'vxlan0', src, dst: d, note: 'decapsulated', host: there.hostName });
      path.push({ kind: 'bridge', netns: 'host', at: 'br0', src, dst: d, host: there.hostName });
    }
    path.push({ kind: 'veth', netns: target.containerId, at: `${target.hostVeth} → ${target.ifname}`, src, dst: d, host: there.hostName });
    path.push({ kind: 'deliver', netns: target.containerId, at: target.ifname, src, dst: d, host: there.hostName });
    return { path, to: { netns: target.containerId, ip: dstText, port, model: there }, routers: 0 };
  }

  private outside(path: Hop[], dstText: string, port: number, proto: 'tcp' | 'udp' | 'icmp', routers = 0): TraceResult {
    path.push({ kind: 'forward', netns: 'host', at: 'eth0', src: this.hostIp, dst: port > 0 ? `${dstText}:${port}` : dstText, note: `via ${HOST_GATEWAY}` });
    // The simulated world beyond the host answers pings; no server there is modelled.
    if (proto === 'icmp') return { path, to: { netns: 'outside', ip: dstText, port: 0 }, routers: routers + 1 };
    return { path, error: 'ETIMEDOUT', routers: routers + 1 };
  }

  private bridgeFor(dst: number): Network | undefined {
    for (const n of this.networks.values()) if (n.driver === 'bridge' && n.subnet && contains(n.subnet, dst)) return n;
    return undefined;
  }

  private publishedFor(proto: string, port: number, dstText: string): Published | undefined {
    if (port === 0) return undefined;
    return this.publishOrder.find((p) => p.proto === proto && p.hostPort === port && (p.hostIp === '0.0.0.0' || p.hostIp === dstText || (dstText.startsWith('127.') && p.hostIp === '127.0.0.1')));
  }

  /** The packet is on `net`'s bridge: to the endpoint holding `dst`, or nowhere (no ARP answer). */
  private toBridge(path: Hop[], src: string, net: Network, dst: number, port: number, routers: number, fromContainer = false): TraceResult {
    const dstText = formatIp(dst);
    const d = port > 0 ? `${dstText}:${port}` : dstText;
    if (!fromContainer || path[path.length - 1]?.kind !== 'bridge') path.push({ kind: 'bridge', netns: 'host', at: net.bridge, src, dst: d });
    if (dst === net.gateway) {
      path.push({ kind: 'deliver', netns: 'host', at: net.bridge, src, dst: d });
      return { path, to: { netns: 'host', ip: dstText, port }, routers };
    }
    const ep = [...net.endpoints.values()].find((e) => e.ip === dst);
    if (!ep) {
      path.push({ kind: 'drop', netns: 'host', at: net.bridge, src, dst: d, note: 'no ARP reply' });
      return { path, error: 'EHOSTUNREACH', routers };
    }
    path.push({ kind: 'veth', netns: ep.containerId, at: `${ep.hostVeth} → ${ep.ifname}`, src, dst: d });
    path.push({ kind: 'deliver', netns: ep.containerId, at: ep.ifname, src, dst: d });
    return { path, to: { netns: ep.containerId, ip: dstText, port }, routers };
  }

  connectSocket(netns: string, ip: string, port: number, proto: 'tcp' | 'udp' = 'tcp'): ConnectResult {
    const t = this.trace(netns, ip, port, proto);
    if (!t.to) return { ok: false, error: t.error ?? 'ETIMEDOUT', path: t.path };
    const to = t.to;
    const listener = ((to.model ?? this).listeners.get(to.netns) ?? []).find((l) => l.proto === proto && l.port === to.port && (l.ip === '0.0.0.0' || l.ip === to.ip || (to.ip.startsWith('127.') && l.ip === '127.0.0.1')));
    if (!listener) {
      t.path.push({ kind: 'refused', netns: to.netns, at: to.netns === 'host' ? 'host' : 'eth0', src: t.path[t.path.length - 1]!.src, dst: `${to.ip}:${to.port}`, note: 'RST: nothing listens on this port' });
      return { ok: false, error: 'ECONNREFUSED', path: t.path };
    }
    const srcIp = t.path[t.path.length - 1]!.src.split(':')[0]!;
    const [client, server] = this.traffic.counted(...socketPair({ ip: this.sourceFor(netns, parseIp(ip)!), port: this.ephemeral() }, { ip: to.ip, port: to.port }, srcIp), netns, to.netns);
    listener.onConnection(server);
    return { ok: true, socket: client, path: t.path };
  }

  private ephemeralNext = EPHEMERAL_CLIENT_FIRST;
  private ephemeral(): number {
    const p = this.ephemeralNext;
    this.ephemeralNext = p >= 60999 ? EPHEMERAL_CLIENT_FIRST : p + 1;
    return p;
  }

  ping(netns: string, ip: string): PingResult {
    const t = this.trace(netns, ip, 0, 'icmp');
    if (t.to) this.traffic.ping(netns, t.to.netns);
    return { ok: t.to !== undefined, error: t.to ? undefined : t.error, from: ip, ttl: 64 - t.routers, path: t.path };
  }

  /** The hop list for one flow, for the diagram to play (`curl localhost:8088` from the host is trace('host', '127.0.0.1', 8088, 'tcp')). */
  flow(fromNetns: string, ip: string, port: number, proto: 'tcp' | 'udp' | 'icmp' = 'tcp'): Hop[] {
    return this.trace(fromNetns, ip, port, proto).path;
  }

  /** The namespace view a process gets as `proc.net`. */
  view(netns: string, owner = netns): NetView {
    return {
      netns,
      interfaces: () => this.interfacesOf(netns),
      routes: () => this.routesOf(netns),
      resolve: (name) => this.resolve(netns, name),
      listen: (proto, port, onConnection, ip = '0.0.0.0') => this.listen(netns, proto, port, ip, owner, onConnection),
      connect: (ip, port, proto) => this.connectSocket(netns, ip, port, proto),
      ping: (ip) => this.ping(netns, ip),
      natRules: () => (netns === 'host' ? this.natRules() : []),
      bridges: () => (netns === 'host' ? this.bridges() : []),
      listeners: () => this.listenersOf(netns).map((l) => ({ proto: l.proto, ip: l.ip, port: l.port, owner: l.owner })),
      // A container's traffic is counted per namespace and shown on its first endpoint (eth0); loopback is not counted.
      linkStats: (name) => (netns !== 'host' && name === 'eth0' ? this.traffic.of(netns) : undefined),
    };
  }

  bridges(): BridgeInfo[] {
    return this.list()
      .filter((n) => n.driver === 'bridge')
      .map((n) => ({ name: n.bridge, id: `8000.${n.bridgeMac.replace(/:/g, '')}`, stp: false, interfaces: [...n.endpoints.values()].map((e) => e.hostVeth).sort() }));
  }

  // -------------------------------------------------------------------------
  // Snapshot

  private state(): Parameters<typeof natRules>[0] {
    return { networks: this.list(), published: this.publishOrder };
  }

  natRules(): NatRule[] {
    return natRules(this.state());
  }

  networkSnapshots(): NetworkSnapshot[] {
    return this.list().map((n) => ({
      id: n.id,
      name: n.name,
      driver: n.driver,
      scope: n.scope,
      bridge: n.bridge,
      subnet: n.subnet ? formatCidr(n.subnet) : '',
      gateway: n.subnet ? formatIp(n.gateway) : '',
      internal: n.internal,
      containers: [...n.endpoints.keys()],
      ...(n.driver === 'overlay' ? { hosts: [...(this.fabric?.swarm?.members ?? [])] } : this.hostName !== '' ? { host: this.hostName } : {}),
    }));
  }

  /** Every interface in every namespace: the host's, then each running container's. */
  interfaceSnapshots(): InterfaceSnapshot[] {
    const host = this.interfaceMemo.stable(this.interfacesOf('host'));
    this.interfaceMemo.beginRound();
    const lists: InterfaceSnapshot[][] = [];
    let size = host.length;
    for (const cn of this.containers.values()) {
      const sb = cn.sandbox;
      if (!sb?.own) continue;
      const list = this.interfaceMemo.ofContainer(cn.id, this.version(cn.id), sb, this.interfacesOfBound);
      lists.push(list);
      size += list.length;
    }
    this.interfaceMemo.endRound();
    // Made once at its size: with a thousand containers it is thousands long.
    const out: InterfaceSnapshot[] = new Array(size);
    let o = 0;
    for (const i of host) out[o++] = i;
    for (const list of lists) for (const i of list) out[o++] = i;
    return this.hostName === '' ? out : this.peerInterfaceMemo.stable(out.map((i) => ({ ...i, host: this.hostName })));
  }

  private readonly peerInterfaceMemo = new InterfaceMemo();

  /** interfacesOf, made once: a closure per container per snapshot is garbage a thousand times over. */
  private readonly interfacesOfBound = (netns: string): InterfaceSnapshot[] => this.interfacesOf(netns);

  private readonly interfaceMemo = new InterfaceMemo();

  containerNetworkSnapshot(id: string): { networkMode: string; networks: ContainerNetwork[]; ports: PortBinding[] } {
    const cn = this.containers.get(id);
    const networks: ContainerNetwork[] = this.containerNetworks(id).map(({ network, request, endpoint }) => ({
      network: network.name,
      ip: endpoint && network.subnet ? formatIp(endpoint.ip) : '',
      prefixLen: endpoint && network.subnet ? network.subnet.prefix : 0,
      gateway: endpoint && network.subnet ? formatIp(network.gateway) : '',
      mac: endpoint?.mac ?? '',
      aliases: [...request.aliases],
    }));
    const ports: PortBinding[] = this.published(id).map((p) => ({ containerId: id, containerPort: p.containerPort, protocol: p.proto, hostIp: p.hostIp, hostPort: p.hostPort }));
    return { networkMode: cn?.mode ?? 'default', networks, ports };
  }

  /** A number that moves whenever what the container's snapshot shows of the network moves. */
  version(id: string): number {
    return this.versions.get(id) ?? 0;
  }

  private readonly versions = new Map<string, number>();

  private touch(id: string): void {
    this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
  }

  private op(op: NetOp): void {
    this.onOp(op);
  }

  /** Traces the iptables calls that turn the rules `before` into today's: deletions (-D), then additions. */
  private ruleChanges(before: readonly NatRule[], containerId?: string): void {
    const key = (r: NatRule): string => `${r.table} ${r.rule}`;
    const after = this.natRules();
    const had = new Set(before.map(key));
    const has = new Set(after.map(key));
    const by = containerId === undefined ? {} : { containerId };
    for (const r of before) if (!has.has(key(r))) this.op({ op: 'iptables', args: { table: r.table, chain: r.chain, rule: r.rule.replace(/^-A /, '-D ') }, ...by, affects: [{ kind: 'rule', id: r.rule }] });
    for (const r of after) if (!had.has(key(r))) this.op({ op: 'iptables', args: { table: r.table, chain: r.chain, rule: r.rule }, ...by, affects: [{ kind: 'rule', id: r.rule }] });
  }
}

const EPHEMERAL_CLIENT_FIRST = 40000;

/** The host end of a veth gets a random locally administered MAC; a stable one per endpoint here. */
function vethMac(ep: Endpoint): string {
  const h = ep.id;
  const first = (parseInt(h.slice(0, 2), 16) & 0xfe) | 0x02;
  return [first.toString(16).padStart(2, '0'), h.slice(2, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10), h.slice(10, 12)].join(':');
}

/** The default bridge's driver options, as `docker network inspect bridge` shows them. */
const DEFAULT_BRIDGE_OPTIONS: Record<string, string> = {
  'com.docker.network.bridge.default_bridge': 'true',
  'com.docker.network.bridge.enable_icc': 'true',
  'com.docker.network.bridge.enable_ip_masquerade': 'true',
  'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
  'com.docker.network.bridge.name': 'docker0',
  'com.docker.network.driver.mtu': '1500',
};
