import type { Route } from '../view';
import { linkName, type AddrInfo, type LinkInfo } from './links';

/**
 * `ip link`, `ip addr` and `ip route` as two implementations print them:
 * iproute2 6.1 on the host and busybox 1.35's applet in a container. They
 * share the layout; busybox has no operstate, group, mode or link-netnsid,
 * no `-br`, and writes routes without their protocol.
 */
export type IpDialect = 'iproute2' | 'busybox';

export interface IpOutput {
  stdout: string;
  stderr: string;
  code: number;
}

export const BUSYBOX_BANNER = 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n';

const BUSYBOX_IP_USAGE =
  BUSYBOX_BANNER +
  '\nUsage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n\n' +
  'OPTIONS := -f[amily] inet|inet6|link | -o[neline]\n\n' +
  'ip addr add|del IFADDR dev IFACE | show|flush [dev IFACE] [to PREFIX]\n' +
  'ip route list|flush|add|del|change|append|replace|test ROUTE\n' +
  'ip link set IFACE [up|down] [arp on|off] [multicast on|off]\n' +
  '\t[promisc on|off] [mtu NUM] [name NAME] [qlen NUM] [address MAC]\n' +
  '\t[master IFACE | nomaster] [netns PID]\n' +
  'ip tunnel add|change|del|show [NAME]\n' +
  '\t[mode ipip|gre|sit] [remote ADDR] [local ADDR] [ttl TTL]\n' +
  'ip neigh show|flush [to PREFIX] [dev DEV] [nud STATE]\n' +
  'ip rule [list] | add|del SELECTOR ACTION\n';

function linkHeader(l: LinkInfo, dialect: IpDialect, mode: boolean): string {
  const i = l.iface;
  let s = `${i.ifindex}: ${linkName(i)}: <${l.flags.join(',')}> mtu ${l.mtu} qdisc ${l.qdisc}`;
  if (i.master) s += ` master ${i.master}`;
  if (dialect === 'iproute2') s += ` state ${l.state}${mode ? ' mode DEFAULT' : ''} group default`;
  return s + (l.qlen > 0 ? ` qlen ${l.qlen}` : ' ') + '\n';
}

function linkLine(l: LinkInfo, dialect: IpDialect): string {
  const lo = l.iface.kind === 'loopback';
  const netnsid = dialect === 'iproute2' && l.netnsid !== undefined ? ` link-netnsid ${l.netnsid}` : '';
  return `    link/${lo ? 'loopback' : 'ether'} ${l.iface.mac} brd ${lo ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'}${netnsid}\n`;
}

function addrText(a: AddrInfo, label: string): string {
  if (a.family === 'inet') return `inet ${a.local}/${a.prefixlen}${a.brd ? ` brd ${a.brd}` : ''} scope ${a.scope} ${label}`;
  return `inet6 ${a.local}/${a.prefixlen} scope ${a.scope} ${a.flags ? a.flags.join(' ') + ' ' : ''}`;
}

const LIFETIME = 'valid_lft forever preferred_lft forever';

/**
 * With -o (iproute2's and busybox's oneline), a record's continuation lines
 * are joined to its first with a backslash where the line break was:
 * "1: lo: <…> qlen 1000\    link/loopback …".
 */
function joinContinuations(record: string): string {
  return record.replace(/\n(?!$)/g, '\\');
}

export function formatLinks(links: readonly LinkInfo[], dialect: IpDialect, opts: { oneline?: boolean } = {}): string {
  return links
    .map((l) => {
      const record = linkHeader(l, dialect, true) + linkLine(l, dialect);
      return opts.oneline ? joinContinuations(record) : record;
    })
    .join('');
}

export interface AddrOptions {
  family?: 'inet' | 'inet6';
  oneline?: boolean;
}

export function formatAddrs(links: readonly LinkInfo[], dialect: IpDialect, opts: AddrOptions = {}): string {
  let out = '';
  for (const l of links) {
    const addrs = l.addrs.filter((a) => opts.family === undefined || a.family === opts.family);
    if (opts.family !== undefined && addrs.length === 0) continue;
    if (opts.oneline) {
      // Each address is its own record, headed by the link's index and name; the link lines are left out.
      for (const a of addrs) out += joinContinuations(`${l.iface.ifindex}: ${l.iface.name}    ${addrText(a, l.iface.name)}\n       ${LIFETIME}\n`);
      continue;
    }
    out += linkHeader(l, dialect, false);
    if (opts.family === undefined) out += linkLine(l, dialect);
    for (const a of addrs) out += `    ${addrText(a, l.iface.name)}\n       ${LIFETIME}\n`;
  }
  return out;
}

/** iproute2's -br: name, state, then addresses (addr) or MAC and flags (link), each followed by a space. */
export function formatBrief(links: readonly LinkInfo[], what: 'addr' | 'link', family?: 'inet' | 'inet6'): string {
  return links
    .map((l) => {
      const head = `${linkName(l.iface).padEnd(16)} ${l.state.padEnd(14)} `;
      if (what === 'link') return `${head}${l.iface.mac} <${l.flags.join(',')}> \n`;
      return head + l.addrs.filter((a) => family === undefined || a.family === family).map((a) => `${a.local}/${a.prefixlen} `).join('') + '\n';
    })
    .join('');
}

export function formatRoutes(routes: readonly Route[], dialect: IpDialect): string {
  return routes
    .map((r) => {
      let s = r.dst;
      if (r.via) s += ` via ${r.via}`;
      s += ` dev ${r.dev}`;
      if (dialect === 'iproute2') {
        if (r.proto) s += ` proto ${r.proto}`;
        if (r.scope) s += ` scope ${r.scope}`;
        if (r.src) s += ` src ${r.src}`;
        if (r.linkdown) s += ' linkdown';
      } else {
        if (r.scope) s += ` scope ${r.scope} `;
        if (r.src) s += ` src ${r.src}`;
      }
      return s + ' \n';
    })
    .join('');
}

const OBJECTS: readonly [string, 'addr' | 'link' | 'route'][] = [
  ['address', 'addr'],
  ['link', 'link'],
  ['route', 'route'],
];

/**
 * Runs `ip ARGS` (the read-only subcommands: show/list) over one namespace's
 * links and routes. Changes (`ip link set`, `ip addr add`) need privileges a
 * container does not have: they answer as the kernel does, "Operation not permitted".
 */
export function runIp(args: readonly string[], links: readonly LinkInfo[], routes: readonly Route[], dialect: IpDialect): IpOutput {
  const ok = (stdout: string): IpOutput => ({ stdout, stderr: '', code: 0 });
  const fail = (stderr: string, code = 1): IpOutput => ({ stdout: '', stderr, code });
  const usage = (): IpOutput => (dialect === 'busybox' ? fail(BUSYBOX_IP_USAGE) : fail('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n', 255));
  let family: 'inet' | 'inet6' | undefined;
  let oneline = false;
  let brief = false;
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    const a = args[i]!;
    if (a === '-4') family = 'inet';
    else if (a === '-6') family = 'inet6';
    else if (a === '-o' || a === '-oneline') oneline = true;
    else if (dialect === 'iproute2' && (a === '-br' || a === '-brief')) brief = true;
    else if (dialect === 'iproute2' && a === '-d') continue;
    else return dialect === 'busybox' ? usage() : fail(`Option "${a}" is unknown, try "ip -help".\n`, 255);
  }
  const word = args[i++];
  if (word === undefined) return usage();
  const object = OBJECTS.find(([full]) => full.startsWith(word))?.[1] ?? (word === 'addr' ? 'addr' : undefined);
  if (object === undefined) return dialect === 'busybox' ? usage() : fail(`Object "${word}" is unknown, try "ip help".\n`);
  let rest = args.slice(i);
  const sub = rest[0];
  if (sub !== undefined && ['show', 'list', 'lst', 'ls', 's', 'sh', 'l'].includes(sub)) rest = rest.slice(1);
  else if (sub !== undefined && ['add', 'del', 'delete', 'set', 'change', 'replace', 'flush', 'append'].includes(sub)) {
    return fail(dialect === 'busybox' ? 'ip: RTNETLINK answers: Operation not permitted\n' : 'RTNETLINK answers: Operation not permitted\n', dialect === 'busybox' ? 1 : 2);
  }
  if (object === 'route') return ok(formatRoutes(family === 'inet6' ? [] : routes, dialect));
  let dev: string | undefined;
  if (rest[0] === 'dev') dev = rest[1];
  else if (rest[0] !== undefined) dev = rest[0];
  let shown = links;
  if (dev !== undefined) {
    shown = links.filter((l) => l.iface.name === dev);
    if (shown.length === 0) return fail(dialect === 'busybox' ? `ip: can't find device '${dev}'\n` : `Device "${dev}" does not exist.\n`);
  }
  if (brief) return ok(formatBrief(shown, object === 'link' ? 'link' : 'addr', family));
  if (object === 'link') return ok(formatLinks(shown, dialect, { oneline }));
  return ok(formatAddrs(shown, dialect, { ...(family ? { family } : {}), oneline }));
}
