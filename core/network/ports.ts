import { parseIp } from './ip';

/**
 * Published ports: the client's `-p` parsing (go-connections nat.ParsePortSpec),
 * the daemon's host-port allocator (libnetwork portallocator) and the two ways
 * the client prints bindings (`docker ps` PORTS, `docker port`).
 */

export type Proto = 'tcp' | 'udp' | 'sctp';

/** One HostConfig.PortBindings entry: "80/tcp" → [{HostIp, HostPort}]. */
export interface PortBindingRequest {
  containerPort: number;
  proto: Proto;
  /** '' = every address (0.0.0.0 and ::). */
  hostIp: string;
  /** '' = an ephemeral port; "8000-8010" = one free port of the range. */
  hostPort: string;
}

/** "80/tcp" as the API keys ports. */
export function portKey(port: number, proto: Proto): string {
  return `${port}/${proto}`;
}

function parseRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a > 65535 || b > 65535 || b < a) return undefined;
  return [a, b];
}

/**
 * nat.ParsePortSpec: `[ip:][hostPort:]containerPort[/proto]`, ports or ranges.
 * Returns the bindings, or the error text the client prints.
 */
export function parsePortSpec(raw: string): PortBindingRequest[] | { error: string } {
  let rest = raw;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let ip = '';
  let host = '';
  let container: string;
  // An IPv6 host address is bracketed: [::1]:8080:80.
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(rest);
  if (v6) {
    ip = v6[1]!;
    const parts = v6[2]!.split(':');
    if (parts.length !== 2) return { error: `invalid port format for --publish: ${raw}` };
    [host, container] = parts as [string, string];
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) container = parts[0]!;
    else if (parts.length === 2) [host, container] = parts as [string, string];
    else if (parts.length === 3) [ip, host, container] = parts as [string, string, string];
    else {
      ip = parts.slice(0, -2).join(':');
      host = parts[parts.length - 2]!;
      container = parts[parts.length - 1]!;
    }
  }
  if (ip !== '' && !v6 && parseIp(ip) === undefined) return { error: `invalid IP address: ${ip}` };
  if (container === '') return { error: `no port specified: ${raw}<empty>` };
  const cRange = parseRange(container);
  if (!cRange) return { error: `invalid containerPort: ${container}` };
  let hRange: [number, number] | undefined;
  if (host !== '') {
    hRange = parseRange(host);
    if (!hRange) return { error: `invalid hostPort: ${host}` };
  }
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') return { error: `invalid proto: ${proto}` };
  const cCount = cRange[1] - cRange[0];
  if (hRange && cCount !== 0 && hRange[1] - hRange[0] !== cCount) {
    return { error: `invalid ranges specified for container and host Ports: ${container} and ${host}` };
  }
  const out: PortBindingRequest[] = [];
  for (let i = 0; i <= cCount; i++) {
    let hostPort = '';
    if (hRange) {
      // One container port with a host range: the daemon picks one port of the range.
      hostPort = cCount === 0 && hRange[0] !== hRange[1] ? `${hRange[0]}-${hRange[1]}` : String(hRange[0] + i);
    }
    out.push({ containerPort: cRange[0] + i, proto: proto as Proto, hostIp: ip, hostPort });
  }
  return out;
}

/** `--expose 80`, `--expose 7000-7001/udp`: the ports, or the client's error text. */
export function parseExpose(raw: string): { port: number; proto: Proto }[] | { error: string } {
  const slash = raw.lastIndexOf('/');
  const proto = slash < 0 ? 'tcp' : raw.slice(slash + 1).toLowerCase();
  const text = slash < 0 ? raw : raw.slice(0, slash);
  const range = parseRange(text);
  if (!range) {
    const bad = text.split('-').find((part) => !/^\d+$/.test(part)) ?? text;
    return { error: `invalid range format for --expose: ${raw}, error: strconv.ParseUint: parsing ${JSON.stringify(bad)}: invalid syntax` };
  }
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') return { error: `invalid proto: ${proto}` };
  const out: { port: number; proto: Proto }[] = [];
  for (let p = range[0]; p <= range[1]; p++) out.push({ port: p, proto });
  return out;
}

/** The first port of the kernel's ephemeral range (ip_local_port_range), where Docker starts. */
export const EPHEMERAL_FIRST = 32768;
export const EPHEMERAL_LAST = 60999;

/**
 * libnetwork's PortAllocator: ports in use per host address and protocol; an
 * ephemeral request takes the port after the last one handed out (wrapping),
 * not the lowest free one.
 */
export class PortAllocator {
  private readonly inUse = new Map<string, Set<number>>();
  private readonly last = new Map<string, number>();

  private set(ip: string, proto: Proto): Set<number> {
    const key = `${ip}/${proto}`;
    let s = this.inUse.get(key);
    if (!s) this.inUse.set(key, (s = new Set()));
    return s;
  }

  /**
   * Whether `port` is taken on `ip`, on the wildcard address of its family,
   * or (for the wildcard itself) on any address of the family: the bind the
   * proxy makes would fail in each case.
   */
  busy(ip: string, proto: Proto, port: number): boolean {
    const v6 = ip.includes(':');
    const wildcard = v6 ? '::' : '0.0.0.0';
    for (const [key, ports] of this.inUse) {
      const slash = key.lastIndexOf('/');
      const keyIp = key.slice(0, slash);
      if (key.slice(slash + 1) !== proto || keyIp.includes(':') !== v6 || !ports.has(port)) continue;
      if (keyIp === ip || keyIp === wildcard || ip === wildcard) return true;
    }
    return false;
  }

  /** Takes `port` (or an ephemeral one when 0); the taken port, or undefined when it is in use. */
  request(ip: string, proto: Proto, port: number, range?: [number, number]): number | undefined {
    if (port !== 0) {
      if (this.busy(ip, proto, port)) return undefined;
      this.set(ip, proto).add(port);
      return port;
    }
    const [lo, hi] = range ?? [EPHEMERAL_FIRST, EPHEMERAL_LAST];
    const key = `${ip}/${proto}`;
    const start = range ? lo : (this.last.get(key) ?? lo - 1) + 1;
    const span = hi - lo + 1;
    for (let i = 0; i < span; i++) {
      const p = lo + ((start - lo + i) % span + span) % span;
      if (!this.busy(ip, proto, p)) {
        this.set(ip, proto).add(p);
        if (!range) this.last.set(key, p);
        return p;
      }
    }
    return undefined;
  }

  release(ip: string, proto: Proto, port: number): void {
    this.set(ip, proto).delete(port);
  }
}

/** One published port as the API's ContainerSummary.Ports lists it. */
export interface SummaryPort {
  /** '' for an exposed port that is not published. */
  ip: string;
  privatePort: number;
  /** 0 when not published. */
  publicPort: number;
  type: Proto;
}

function joinHostPort(ip: string, port: string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * docker/cli's formatter.DisplayablePorts: sorted by private port, address,
 * public port and type; same-numbered mappings grouped into ranges, the
 * others listed after them.
 */
export function displayablePorts(ports: readonly SummaryPort[]): string {
  const sorted = [...ports].sort((a, b) =>
    a.privatePort !== b.privatePort ? a.privatePort - b.privatePort
      : a.ip !== b.ip ? (a.ip < b.ip ? -1 : 1)
        : a.publicPort !== b.publicPort ? a.publicPort - b.publicPort
          : a.type < b.type ? -1 : a.type > b.type ? 1 : 0,
  );
  const groups = new Map<string, { first: number; last: number }>();
  const keys: string[] = [];
  const result: string[] = [];
  const hostMappings: string[] = [];
  const form = (key: string, first: number, last: number): string => {
    const slash = key.lastIndexOf('/');
    const ip = slash < 0 ? '' : key.slice(0, slash);
    const type = slash < 0 ? key : key.slice(slash + 1);
    let group = first === last ? String(first) : `${first}-${last}`;
    if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
    return `${group}/${type}`;
  };
  for (const p of sorted) {
    let key: string = p.type;
    if (p.ip !== '') {
      if (p.publicPort !== p.privatePort) {
        hostMappings.push(`${joinHostPort(p.ip, String(p.publicPort))}->${p.privatePort}/${p.type}`);
        continue;
      }
      key = `${p.ip}/${p.type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: p.privatePort, last: p.privatePort });
      keys.push(key);
      continue;
    }
    if (p.privatePort === g.last + 1) {
      g.last = p.privatePort;
      continue;
    }
    result.push(form(key, g.first, g.last));
    groups.set(key, { first: p.privatePort, last: p.privatePort });
  }
  for (const k of keys) {
    const g = groups.get(k)!;
    result.push(form(k, g.first, g.last));
  }
  return [...result, ...hostMappings].join(', ');
}

/** One `docker port` line's right side: "0.0.0.0:8088", "[::]:8088". */
export function hostAddress(ip: string, port: number): string {
  return joinHostPort(ip, String(port));
}
