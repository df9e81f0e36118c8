import { broadcast, contains, formatCidr, overlaps, parseCidr, type Cidr } from './ip';

/**
 * libnetwork's default IPAM driver: the pools a network may take when no
 * --subnet is given, and the bitmap allocator that hands out addresses.
 */

/**
 * ipamutils' local-scope defaults (Engine 20.10 to 28): 172.17.0.0/16 through
 * 172.31.0.0/16 one /16 each, then 192.168.0.0/16 cut into /20s.
 */
export function defaultPools(): Cidr[] {
  const pools: Cidr[] = [];
  for (let second = 17; second <= 31; second++) pools.push(parseCidr(`172.${second}.0.0/16`)!);
  for (let third = 0; third < 256; third += 16) pools.push(parseCidr(`192.168.${third}.0/20`)!);
  return pools;
}

/** The first default pool that overlaps none of `taken` (libnetwork's getPredefinedPool). */
export function pickPool(taken: readonly Cidr[]): Cidr | undefined {
  return defaultPools().find((p) => !taken.some((t) => overlaps(p, t)));
}

/**
 * The addresses of one subnet. Like libnetwork's bitseq allocator without the
 * serial option, a request takes the lowest free address of the range, so an
 * address released by a stopped container is the next one handed out. The
 * network address and the broadcast address are never handed out.
 */
export class AddressPool {
  private readonly used = new Set<number>();
  readonly subnet: Cidr;
  /** Where dynamic addresses come from (--ip-range), the whole subnet by default. */
  readonly range: Cidr;

  constructor(subnet: Cidr, range?: Cidr) {
    this.subnet = subnet;
    this.range = range ?? subnet;
  }

  /** The lowest free address of the range, taken; undefined when the range is full. */
  allocate(): number | undefined {
    const first = Math.max(this.range.base, this.subnet.base + 1);
    const last = Math.min(broadcast(this.range), broadcast(this.subnet) - 1);
    for (let ip = first; ip <= last; ip++) {
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
    return undefined;
  }

  /** Takes a given address; an error text as libnetwork words it when it cannot. */
  take(ip: number): string | undefined {
    if (!contains(this.subnet, ip) || ip === this.subnet.base || ip === broadcast(this.subnet)) return `no available IPv4 addresses on this network's address pools: ${formatCidr(this.subnet)}`;
    if (this.used.has(ip)) return 'Address already in use';
    this.used.add(ip);
    return undefined;
  }

  release(ip: number): void {
    this.used.delete(ip);
  }

  has(ip: number): boolean {
    return this.used.has(ip);
  }
}
