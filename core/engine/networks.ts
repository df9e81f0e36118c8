import type { Kernel } from '../kernel/kernel';
import type { TraceOpName, TraceRecorder } from '../kernel/trace';
import { formatIp } from '../network/ip';
import type { Network, NetOp, NetworkModel } from '../network/network';
import type { PortBindingRequest, Proto } from '../network/ports';
import type { Container } from './container';
import type { ContainerSummary } from './list';
import type { Services } from './services';

/**
 * The daemon's glue to libnetwork (core/network holds the model): network
 * events, a container's /etc/hosts and resolv.conf, the API's shapes of its
 * ports and NetworkSettings, and the trace of the steps libnetwork makes, the
 * in-namespace ones held until runc's prestart hook (libnetwork-setkey).
 */
export class NetworkService {
  /** While a container starts: the network's in-namespace steps, held for runc's prestart hook. */
  private netOpsForSetKey: NetOp[] | null = null;

  constructor(
    private readonly trace: TraceRecorder,
    private readonly kernel: Kernel,
  ) {}

  /** What libnetwork did (NetworkModel's onOp). */
  onOp(op: NetOp): void {
    // libnetwork makes the veth pair and the NAT rules before the task exists; what happens inside the
    // container's namespace waits for runc's prestart hook (libnetwork-setkey), as on a real host.
    if (this.netOpsForSetKey && insideNetns(op)) this.netOpsForSetKey.push(op);
    else this.emitNetOp(op);
  }

  /** A container starts: hold the in-namespace steps until flushNetOps. */
  holdForSetKey(): void {
    this.netOpsForSetKey = [];
  }

  /** Emits the network steps held for the prestart hook (or what is left of them), and stops holding. */
  flushNetOps(): void {
    const held = this.netOpsForSetKey ?? [];
    this.netOpsForSetKey = null;
    for (const op of held) this.emitNetOp(op);
  }

  private emitNetOp(op: NetOp): void {
    this.trace.emit(op.op as TraceOpName, op.args, { ...this.kernel.dockerd, ...(op.containerId ? { containerId: op.containerId } : {}) }, op.affects);
  }
}

/** `docker network create`. */
export function networkCreate(d: Services, req: Parameters<NetworkModel['create']>[0]): Network {
  return d.events.op(() => {
    const net = d.net.create(req);
    d.events.emitNetwork(net, 'create');
    return net;
  });
}

/** `docker network rm`. */
export function networkRemove(d: Services, ref: string): void {
  d.events.op(() => {
    const net = d.net.remove(ref);
    d.events.emitNetwork(net, 'destroy');
  });
}

/** `docker network connect`: a running container gets its new interface at once. */
export function networkConnect(d: Services, netRef: string, containerRef: string, req: { aliases: string[]; ip: string }): void {
  d.events.op(() => {
    const net = d.net.get(netRef);
    const c = d.containers.get(containerRef);
    d.net.connectNetwork(c.id, net.id, req);
    if (c.run) {
      networkFiles(d, c);
      d.events.emitNetwork(net, 'connect', c.id);
    }
  });
}

/** `docker network disconnect`. */
export function networkDisconnect(d: Services, netRef: string, containerRef: string): void {
  d.events.op(() => {
    const net = d.net.get(netRef);
    const c = d.containers.get(containerRef);
    const attached = c.run !== null && d.net.containerNetworks(c.id).some((n) => n.network === net && n.endpoint);
    d.net.disconnectNetwork(c.id, net.id);
    if (attached) {
      networkFiles(d, c);
      d.events.emitNetwork(net, 'disconnect', c.id);
    }
  });
}

/** The container's /etc/hosts and /etc/resolv.conf for its current endpoints. */
export function networkFiles(d: Services, c: Container): void {
  // Bind mounts from /var/lib/docker/containers/<id>/: no layer changes.
  c.mount.writeFile('/etc/hosts', d.net.hostsFile(c.id));
  c.mount.writeFile('/etc/resolv.conf', d.net.resolvConf(c.id));
}

export function emitNetworks(d: Services, c: Container, action: 'connect' | 'disconnect'): void {
  for (const { network, endpoint } of d.net.containerNetworks(c.id)) if (endpoint) d.events.emitNetwork(network, action, c.id);
}

/** ContainerSummary.Ports: published bindings while running, else the exposed ports without a host side. */
export function summaryPorts(d: Services, c: Container): ContainerSummary['ports'] {
  const published = d.net.published(c.id);
  if (published.length > 0) return published.map((p) => ({ ip: p.hostIp, privatePort: p.containerPort, publicPort: p.hostPort, type: p.proto }));
  // A container that is not running has no NetworkSettings.Ports to list.
  if (!d.net.config(c.id)?.running) return [];
  return c.config.exposedPorts.map((k) => ({ ip: '', privatePort: Number(k.slice(0, k.indexOf('/'))), publicPort: 0, type: k.slice(k.indexOf('/') + 1) as Proto }));
}

/** The running container's published ports (`docker port`), in NetworkSettings.Ports order. */
export function containerPorts(d: Services, ref: string): { containerPort: number; proto: Proto; hostIp: string; hostPort: number }[] {
  const c = d.containers.get(ref);
  return sortPortMap(d.net.published(c.id));
}

/** NetworkSettings as `docker inspect` prints it (Engine 20.10 fields, the 28.x client's additions). */
export function networkSettings(d: Services, c: Container): Record<string, unknown> {
  const cfg = d.net.config(c.id);
  const running = cfg?.running ?? false;
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const p of sortPortMap(d.net.published(c.id))) (ports[`${p.containerPort}/${p.proto}`] ??= [])!.push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  if (running) for (const k of c.config.exposedPorts) if (!(k in ports)) ports[k] = null;
  const nets: Record<string, unknown> = {};
  let primary: Record<string, unknown> | null = null;
  const mode = d.net.mode(c.id);
  for (const { network, request, endpoint } of d.net.containerNetworks(c.id)) {
    const aliases = network.predefined ? null : [...request.aliases, c.id.slice(0, 12)];
    const e = {
      IPAMConfig: request.ip !== '' ? { IPv4Address: request.ip } : request.live ? {} : null,
      Links: null,
      Aliases: aliases,
      MacAddress: endpoint?.mac ?? '',
      DriverOpts: request.live ? {} : null,
      GwPriority: 0,
      NetworkID: network.id,
      EndpointID: endpoint?.id ?? '',
      Gateway: endpoint && network.subnet ? formatIp(network.gateway) : '',
      IPAddress: endpoint && network.subnet ? formatIp(endpoint.ip) : '',
      IPPrefixLen: endpoint && network.subnet ? network.subnet.prefix : 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      DNSNames: null,
    };
    nets[network.name] = e;
    if (network.name === 'bridge' && endpoint) primary = e;
  }
  const sandboxId = mode.startsWith('container:') ? '' : cfg?.sandboxId ?? '';
  return {
    Bridge: '',
    SandboxID: sandboxId,
    SandboxKey: sandboxId === '' ? '' : mode === 'host' ? '/var/run/docker/netns/default' : `/var/run/docker/netns/${sandboxId.slice(0, 12)}`,
    Ports: ports,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: (primary?.EndpointID as string | undefined) ?? '',
    Gateway: (primary?.Gateway as string | undefined) ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: (primary?.IPAddress as string | undefined) ?? '',
    IPPrefixLen: (primary?.IPPrefixLen as number | undefined) ?? 0,
    IPv6Gateway: '',
    MacAddress: (primary?.MacAddress as string | undefined) ?? '',
    Networks: nets,
  };
}

/** HostConfig.PortBindings as the client sent them: "80/tcp" → [{HostIp, HostPort}], keys sorted. */
export function portBindingsJson(bindings: readonly PortBindingRequest[]): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const sorted = sortPortMap(bindings.map((b) => ({ ...b, proto: b.proto })));
  for (const b of sorted) (out[`${b.containerPort}/${b.proto}`] ??= []).push({ HostIp: b.hostIp, HostPort: b.hostPort });
  return out;
}

/** NetworkSettings.Ports order: a Go map, so keys sorted as strings; bindings in the order they were made. */
function sortPortMap<T extends { containerPort: number; proto: Proto }>(ports: readonly T[]): T[] {
  const key = (p: T): string => `${p.containerPort}/${p.proto}`;
  return [...ports].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The network steps libnetwork makes inside the container's namespace (at SetKey), rather than on the host side. */
function insideNetns(op: NetOp): boolean {
  if (op.op === 'link.netns' || op.op === 'link.rename' || op.op === 'addr.add' || op.op === 'route.add') return true;
  return op.op === 'link.up' && !String(op.args.name ?? '').startsWith('veth');
}
