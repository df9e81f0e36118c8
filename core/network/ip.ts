/**
 * IPv4 addresses and prefixes as plain numbers, and the MAC address Docker
 * (up to Engine 25) derives from a container's IPv4 address.
 */

export interface Cidr {
  /** The network address (host bits cleared), as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

/** "172.17.0.2" → number; undefined when not a dotted quad. */
export function parseIp(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function formatIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * "172.18.0.0/16" → Cidr. `strict` refuses host bits (Docker keeps the given
 * address for --subnet but compares networks by their masked base).
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(p) || Number(p) > 32) return undefined;
  const prefix = Number(p);
  return { base: (ip & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function broadcast(c: Cidr): number {
  return c.base + cidrSize(c) - 1;
}

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.prefix)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b.base) || contains(b, a.base);
}

/**
 * libnetwork's netutils.GenerateMACFromIP (Docker ≤ 25): 02:42 followed by
 * the four bytes of the IPv4 address. Docker 26 and later pick a random MAC.
 */
export function macFromIp(ip: number): string {
  const bytes = [0x02, 0x42, (ip >>> 24) & 255, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
