import type { BridgeInfo, Route } from '../view';
import { linkName, netmask, type LinkInfo } from './links';

/**
 * The other table-shaped outputs: busybox `route` and `netstat` inside a
 * container, bridge-utils' `brctl show` and iproute2's `bridge link` on the host.
 */

/** busybox route [-n]: the kernel's IPv4 table, names for 0.0.0.0 unless -n. */
export function formatRouteTable(routes: readonly Route[], numeric: boolean): string {
  let out = 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';
  for (const r of routes) {
    const [net, bits] = r.dst === 'default' ? ['0.0.0.0', 0] : [r.dst.split('/')[0]!, Number(r.dst.split('/')[1] ?? 32)];
    const dst = r.dst === 'default' && !numeric ? 'default' : net;
    const gw = r.via ?? (numeric ? '0.0.0.0' : '*');
    const flags = 'U' + (r.via ? 'G' : '') + (bits === 32 ? 'H' : '');
    out += `${dst.padEnd(15)} ${gw.padEnd(15)} ${netmask(bits).padEnd(16)}${flags.padEnd(6)}${'0'.padEnd(6)} ${'0'.padEnd(2)} ${'0'.padStart(7)} ${r.dev}\n`;
  }
  return out;
}

export interface SocketRow {
  proto: 'tcp' | 'udp';
  /** "0.0.0.0", "::" or an address. */
  ip: string;
  port: number;
  state?: string;
}

/** busybox netstat -tln / -uln / -ln: listening sockets only (-l); ":::80" for a socket on every IPv6 and IPv4 address. */
export function formatNetstat(rows: readonly SocketRow[], listening: boolean): string {
  let out = `Active Internet connections (${listening ? 'only servers' : 'servers and established'})\n`;
  out += 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       \n';
  for (const r of rows) {
    const v6 = r.ip.includes(':');
    const local = v6 ? `${r.ip === '::' ? ':::' : `${r.ip}:`}${r.port}` : `${r.ip}:${r.port}`;
    const foreign = v6 ? ':::*' : '0.0.0.0:*';
    const state = r.proto === 'tcp' ? (r.state ?? 'LISTEN') : '';
    out += `${r.proto.padEnd(5)} ${'0'.padStart(6)} ${'0'.padStart(6)} ${local.padEnd(23)} ${foreign.padEnd(23)} ${state.padEnd(12)}\n`;
  }
  return out;
}

/** brctl show: bridges by name, each one's ports in name order on continuation lines. */
export function formatBrctlShow(bridges: readonly BridgeInfo[]): string {
  let out = 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\n';
  const sorted = [...bridges].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const b of sorted) {
    const ports = [...b.interfaces].sort();
    out += `${b.name}\t\t${b.id}\t${b.stp ? 'yes' : 'no'}\t\t${ports[0] ?? ''}\n`;
    for (const p of ports.slice(1)) out += `\t\t\t\t\t\t\t${p}\n`;
  }
  return out;
}

/** bridge link: every port enslaved to a bridge, in ifindex order. */
export function formatBridgeLink(links: readonly LinkInfo[]): string {
  return links
    .filter((l) => l.iface.master !== undefined)
    .map((l) => `${l.iface.ifindex}: ${linkName(l.iface)}: <${l.flags.join(',')}> mtu ${l.mtu} master ${l.iface.master} state ${l.running ? 'forwarding' : 'disabled'} priority 32 cost 2 \n`)
    .join('');
}
