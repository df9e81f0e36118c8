import { netmask, type LinkInfo } from './links';

/**
 * `ifconfig` in its two layouts: busybox's (the classic net-tools 1.60 one the
 * course notes show) inside containers, and net-tools 2.10's on the Debian
 * host. Interfaces are listed by name; without -a only those that are up.
 */
export type IfconfigDialect = 'net-tools' | 'busybox';

/** Packet counters: a container's eth0 has what network/traffic.ts counted; other links show zero. */
export interface LinkStats {
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
  txDropped: number;
}

const NO_STATS: LinkStats = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, txDropped: 0 };

/** net-tools 2.10: "(109.4 KiB)", binary units, the tenth truncated. */
function scaledNetTools(n: number): string {
  const units: [number, string][] = [
    [2 ** 50, 'PiB'],
    [2 ** 40, 'TiB'],
    [2 ** 30, 'GiB'],
    [2 ** 20, 'MiB'],
    [2 ** 10, 'KiB'],
  ];
  for (const [size, unit] of units) if (n > size) return `${(Math.floor((n * 10) / size) / 10).toFixed(1)} ${unit}`;
  return `${n.toFixed(1)} B`;
}

/** busybox's print_bytes_scaled: integer division by 1024 up to four times, the tenth truncated. */
function scaledBusybox(n: number): string {
  let int = n;
  let frac = 0;
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let u = 0;
  for (let i = 0; i < 4; i++) {
    if (int >= 1024) {
      frac = Math.floor(((int % 1024) * 10) / 1024);
      int = Math.floor(int / 1024);
      u++;
    }
  }
  return `${int}.${frac} ${units[u]}B`;
}

/** SIOCGIFFLAGS bits net-tools prints, in its order. */
const FLAG_BITS: [string, number][] = [
  ['UP', 0x1],
  ['BROADCAST', 0x2],
  ['LOOPBACK', 0x8],
  ['RUNNING', 0x40],
  ['MULTICAST', 0x1000],
];

function ifFlags(l: LinkInfo): string[] {
  const names: string[] = [];
  if (l.up) names.push('UP');
  if (l.iface.kind !== 'loopback') names.push('BROADCAST');
  else names.push('LOOPBACK');
  if (l.running) names.push('RUNNING');
  if (l.iface.kind !== 'loopback') names.push('MULTICAST');
  return names;
}

function netToolsBlock(l: LinkInfo, s: LinkStats): string {
  const flags = ifFlags(l);
  const bits = FLAG_BITS.filter(([n]) => flags.includes(n)).reduce((a, [, b]) => a | b, 0);
  let out = `${l.iface.name}: flags=${bits}<${flags.join(',')}>  mtu ${l.mtu}\n`;
  for (const a of l.addrs.filter((x) => x.family === 'inet')) {
    out += `        inet ${a.local}  netmask ${netmask(a.prefixlen)}${l.iface.kind === 'loopback' ? '' : `  broadcast ${a.brd ?? '0.0.0.0'}`}\n`;
  }
  // /proc/net/if_inet6 lists the newest address first: the reverse of `ip addr`.
  for (const a of l.addrs.filter((x) => x.family === 'inet6').reverse()) {
    const scope = a.scope === 'link' ? '0x20<link>' : a.scope === 'host' ? '0x10<host>' : '0x0<global>';
    out += `        inet6 ${a.local}  prefixlen ${a.prefixlen}  scopeid ${scope}\n`;
  }
  out += l.iface.kind === 'loopback' ? `        loop  txqueuelen ${l.qlen}  (Local Loopback)\n` : `        ether ${l.iface.mac}  txqueuelen ${l.qlen}  (Ethernet)\n`;
  out += `        RX packets ${s.rxPackets}  bytes ${s.rxBytes} (${scaledNetTools(s.rxBytes)})\n`;
  out += `        RX errors 0  dropped 0  overruns 0  frame 0\n`;
  out += `        TX packets ${s.txPackets}  bytes ${s.txBytes} (${scaledNetTools(s.txBytes)})\n`;
  out += `        TX errors 0  dropped ${s.txDropped} overruns 0  carrier 0  collisions 0\n\n`;
  return out;
}

function busyboxBlock(l: LinkInfo, s: LinkStats): string {
  const lo = l.iface.kind === 'loopback';
  let out = `${l.iface.name.padEnd(9)} Link encap:${lo ? 'Local Loopback  ' : `Ethernet  HWaddr ${l.iface.mac.toUpperCase()}  `}\n`;
  for (const a of l.addrs.filter((x) => x.family === 'inet')) {
    out += `          inet addr:${a.local}  ${lo ? '' : `Bcast:${a.brd ?? '0.0.0.0'}  `}Mask:${netmask(a.prefixlen)}\n`;
  }
  for (const a of l.addrs.filter((x) => x.family === 'inet6').reverse()) {
    out += `          inet6 addr: ${a.local}/${a.prefixlen} Scope:${a.scope === 'link' ? 'Link' : a.scope === 'host' ? 'Host' : 'Global'}\n`;
  }
  out += `          ${ifFlags(l).join(' ')}  MTU:${l.mtu}  Metric:1\n`;
  out += `          RX packets:${s.rxPackets} errors:0 dropped:0 overruns:0 frame:0\n`;
  out += `          TX packets:${s.txPackets} errors:0 dropped:${s.txDropped} overruns:0 carrier:0\n`;
  out += `          collisions:0 txqueuelen:${l.qlen} \n`;
  out += `          RX bytes:${s.rxBytes} (${scaledBusybox(s.rxBytes)})  TX bytes:${s.txBytes} (${scaledBusybox(s.txBytes)})\n\n`;
  return out;
}

export interface IfconfigResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** `ifconfig [-a] [IFACE]` (showing only; changing an interface needs privileges a container lacks). */
export function runIfconfig(args: readonly string[], links: readonly LinkInfo[], dialect: IfconfigDialect, stats: (name: string) => LinkStats = () => NO_STATS): IfconfigResult {
  let all = false;
  const names: string[] = [];
  for (const a of args) {
    if (a === '-a') all = true;
    else names.push(a);
  }
  const block = (l: LinkInfo): string => (dialect === 'busybox' ? busyboxBlock(l, stats(l.iface.name)) : netToolsBlock(l, stats(l.iface.name)));
  if (names.length > 0) {
    const l = links.find((x) => x.iface.name === names[0]);
    if (!l) return { stdout: '', stderr: `${dialect === 'busybox' ? 'ifconfig: ' : ''}${names[0]}: error fetching interface information: Device not found\n`, code: 1 };
    if (names.length > 1) return { stdout: '', stderr: dialect === 'busybox' ? 'ifconfig: SIOCSIFADDR: Operation not permitted\n' : 'SIOCSIFADDR: Operation not permitted\n', code: 1 };
    return { stdout: block(l), stderr: '', code: 0 };
  }
  const shown = links.filter((l) => all || l.up).sort((a, b) => (a.iface.name < b.iface.name ? -1 : a.iface.name > b.iface.name ? 1 : 0));
  return { stdout: shown.map(block).join(''), stderr: '', code: 0 };
}
