import type { CommandRunner, ProcessIO } from '../../process';
import type { Interrupt } from '../../ports';
import { base64 } from '../../base64';
import { utf8Length } from '../../utf8';
import { contains, parseCidr, parseIp } from '../ip';
import type { NetError, NetView } from '../view';
import { parseResponse, parseUrl } from './httpMessages';
import { runIfconfig } from './ifconfig';
import { runIp } from './ipCommand';
import { iptablesSave, runIptables } from './iptables';
import { linkInfos } from './links';
import { formatBrctlShow, formatBridgeLink } from './tables';

/**
 * The network tools of the simulated Debian host, as the root user runs
 * them: iproute2's `ip` and `bridge`, net-tools' `ifconfig`, bridge-utils'
 * `brctl`, iptables 1.8.9 (nf_tables), curl 7.88 and iputils `ping`. Each
 * reads the host's namespace from the network model; curl and ping send
 * their traffic through it (DNAT to a published port, the hop over docker0).
 */
export interface HostNetDeps {
  /** The host's network namespace. */
  net(): NetView;
  /** Virtual time, ms since the epoch. */
  now(): number;
  /** Waits `ms` of virtual time; false when Ctrl-C came first. */
  sleep(ms: number, interrupt: Interrupt): Promise<boolean>;
}

function links(net: NetView) {
  // The host runs IPv6; Docker turns it off in containers' namespaces (nsenter -n).
  const infos = linkInfos(net.interfaces(), net.netns === 'host');
  if (net.netns === 'host') return infos;
  // From inside a container's namespace iproute2 finds a veth's peer in the namespace it numbers 0 (the
  // host's), so it prints link-netnsid 0 and not busybox's M-DOWN, which comes from missing the peer.
  return infos.map((l) => (l.iface.kind === 'veth' ? { ...l, flags: l.flags.filter((f) => f !== 'M-DOWN'), netnsid: 0 } : l));
}

function finish(io: ProcessIO, r: { stdout: string; stderr: string; code: number }): number {
  if (r.stdout) io.stdout(r.stdout);
  if (r.stderr) io.stderr(r.stderr);
  return r.code;
}

const BRCTL_USAGE =
  'Usage: brctl [commands]\ncommands:\n' +
  '\taddbr     \t<bridge>\t\tadd bridge\n\tdelbr     \t<bridge>\t\tdelete bridge\n\taddif     \t<bridge> <device>\tadd interface to bridge\n' +
  '\tdelif     \t<bridge> <device>\tdelete interface from bridge\n\thairpin   \t<bridge> <port> {on|off}\tturn hairpin on/off\n' +
  '\tsetageing \t<bridge> <time>\t\tset ageing time\n\tsetbridgeprio\t<bridge> <prio>\t\tset bridge priority\n' +
  '\tsetfd     \t<bridge> <time>\t\tset bridge forward delay\n\tsethello  \t<bridge> <time>\t\tset hello time\n' +
  '\tsetmaxage \t<bridge> <time>\t\tset max message age\n\tsetpathcost\t<bridge> <port> <cost>\tset path cost\n' +
  '\tsetportprio\t<bridge> <port> <prio>\tset port priority\n\tshow      \t[ <bridge> ]\t\tshow a list of bridges\n' +
  '\tshowmacs  \t<bridge>\t\tshow a list of mac addrs\n\tshowstp   \t<bridge>\t\tshow bridge stp info\n\tstp       \t<bridge> {on|off}\tturn stp on/off\n';

const BRIDGE_USAGE =
  'Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n       bridge [ -force ] -batch filename\n' +
  'where  OBJECT := { link | fdb | mdb | vlan | monitor }\n' +
  '       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |\n' +
  '                    -o[neline] | -t[imestamp] | -n[etns] name |\n' +
  '                    -c[ompressvlans] -color -p[retty] -j[son] }\n';

/** curl's max5data: a size in five characters. */
function five(n: number): string {
  if (n < 100_000) return String(n).padStart(5);
  if (n < 10_000 * 1024) return `${String(Math.floor(n / 1024)).padStart(4)}k`;
  if (n < 100 * 1024 * 1024) return `${Math.floor(n / 1048576)}.${Math.floor(((n % 1048576) * 10) / 1048576)}M`.padStart(5);
  return `${String(Math.floor(n / 1048576)).padStart(4)}M`;
}

/** One line of curl's progress meter. */
export function meterLine(total: number, received: number, speed: number): string {
  const pct = total > 0 && received === total ? 100 : 0;
  return `${String(pct).padStart(3)} ${five(total)}  ${String(0).padStart(3)} ${five(received)}  ${String(0).padStart(3)} ${five(0)}  ${five(speed)}  ${five(0)} --:--:-- --:--:-- --:--:-- ${five(speed)}`;
}

const METER_HEAD = '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n';
const METER_ZERO = '\r' + meterLine(0, 0, 0);
/** The simulator moves a small body over loopback in a simulated 6 ms; curl's speed columns follow from that. */
const TRANSFER_MS = 6;

const CURL_CONNECT_FAILS_AFTER: Record<NetError, number> = { ECONNREFUSED: 0, ENETUNREACH: 0, EHOSTUNREACH: 3_000, ETIMEDOUT: 127_000 };

function curl(deps: HostNetDeps): CommandRunner {
  return async (argv, io) => {
    let silent = false;
    let showError = false;
    let head = false;
    let include = false;
    let fail = false;
    let discard = false;
    let user: string | undefined;
    let url: string | undefined;
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--silent') silent = true;
      else if (a === '--show-error') showError = true;
      else if (a === '--head') head = true;
      else if (a === '--include') include = true;
      else if (a === '--fail') fail = true;
      else if (a === '-o' || a === '--output') {
        const file = args[++i];
        if (file !== '/dev/null') {
          io.stderr(`curl: (23) Failure writing output to destination: writing files is not simulated, use -o /dev/null or a redirect\n`);
          return 23;
        }
        discard = true;
      } else if (a === '-u' || a === '--user' || (a.startsWith('-u') && a.length > 2)) {
        user = a.length > 2 && !a.startsWith('--') ? a.slice(2) : args[++i];
        if (user === undefined) {
          io.stderr(`curl: option ${a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
          return 2;
        }
        if (!user.includes(':')) {
          io.stderr('glassbox: curl -u without a password (its prompt) is not simulated yet; use -u USER:PASSWORD\n');
          return 2;
        }
      } else if (/^-[sSIifL]+$/.test(a)) {
        for (const c of a.slice(1)) {
          if (c === 's') silent = true;
          if (c === 'S') showError = true;
          if (c === 'I') head = true;
          if (c === 'i') include = true;
          if (c === 'f') fail = true;
        }
      } else if (a.startsWith('-')) {
        io.stderr(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
        return 2;
      } else url = a;
    }
    if (url === undefined) {
      io.stderr("curl: try 'curl --help' or 'curl --manual' for more information\n");
      return 2;
    }
    // The meter goes to stderr when the body does not go to a terminal (a script, a pipe).
    const meter = !silent && !io.stdinIsTTY;
    const report = (code: number, text: string, afterMeter = ''): number => {
      if (meter) io.stderr(afterMeter);
      if (!silent || showError) io.stderr(`curl: (${code}) ${text}\n`);
      return code;
    };
    const u = parseUrl(url, true);
    if ('error' in u) {
      const scheme = /^([^:]+):\/\//.exec(url)?.[1] ?? url;
      return report(u.error === 'scheme' ? 1 : 3, u.error === 'scheme' ? `Protocol "${scheme}" not supported or disabled in libcurl` : 'URL using bad/illegal format or missing URL');
    }
    if (meter) io.stderr(METER_HEAD + METER_ZERO);
    const net = deps.net();
    const addr = /^\d{1,3}(\.\d{1,3}){3}$/.test(u.host) ? u.host : net.resolve(u.host);
    if (addr === undefined) return report(6, `Could not resolve host: ${u.host}`);
    const c = net.connect(addr, u.port);
    if (!c.ok) {
      const wait = CURL_CONNECT_FAILS_AFTER[c.error];
      if (wait > 0 && !(await deps.sleep(wait, io.interrupt))) return 130;
      const code = c.error === 'ETIMEDOUT' ? 28 : 7;
      return report(code, `Failed to connect to ${u.host} port ${u.port} after ${wait} ms: Couldn't connect to server`, `${METER_ZERO}\n`);
    }
    const body = await new Promise<string>((resolve) => {
      let received = '';
      c.socket.onData((t) => (received += t));
      c.socket.onEnd(() => resolve(received));
      const authorization = user !== undefined ? `Authorization: Basic ${base64(user)}\r\n` : '';
      c.socket.write(`${head ? 'HEAD' : 'GET'} ${u.path} HTTP/1.1\r\nHost: ${u.host}${u.portText ? `:${u.portText}` : ''}\r\n${authorization}User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`);
      c.socket.end();
    });
    const res = parseResponse(body);
    if (res === undefined) return report(52, 'Empty reply from server', `${METER_ZERO}\n`);
    if (fail && res.status >= 400) return report(22, `The requested URL returned error: ${res.status}`, `${METER_ZERO}\n`);
    const size = utf8Length(res.body);
    if (meter) io.stderr(`\r${meterLine(size, size, Math.floor((size * 1000) / TRANSFER_MS))}\n`);
    const headerText = [res.statusLine, ...res.headers].join('\r\n') + '\r\n\r\n';
    if (discard) return 0;
    if (head) io.stdout(headerText);
    else io.stdout((include ? headerText : '') + res.body);
    return 0;
  };
}

const ARP_GIVES_UP_MS = 3_000;

/** The host's own address on the link toward `addr` (the bridge's gateway address for a container subnet). */
function sourceAddress(net: NetView, addr: string): string {
  const ip = parseIp(addr);
  for (const i of net.interfaces()) {
    for (const a of i.addresses) {
      const c = parseCidr(a);
      if (c && ip !== undefined && !a.includes(':') && contains(c, ip)) return a.slice(0, a.indexOf('/'));
    }
  }
  return addr;
}

/** iputils ping from the host: icmp_seq from 1, "time" and mdev in the summary. */
function ping(deps: HostNetDeps): CommandRunner {
  return async (argv, io) => {
    let count = 0;
    let timeout = 10;
    let host: string | undefined;
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const m = /^-([cW])(.*)$/.exec(a);
      if (m) {
        const v = m[2] !== '' ? m[2]! : (args[++i] ?? '');
        if (!/^\d+$/.test(v)) {
          io.stderr(`ping: invalid argument: '${v}'\n`);
          return 1;
        }
        if (m[1] === 'c') count = Number(v);
        else timeout = Number(v);
      } else if (a === '-4' || a === '-n' || a === '-q') continue;
      else host = a;
    }
    if (host === undefined) {
      io.stderr('ping: usage error: Destination address required\n');
      return 1;
    }
    const net = deps.net();
    const addr = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : net.resolve(host);
    if (addr === undefined) {
      io.stderr(`ping: ${host}: Name or service not known\n`);
      return 2;
    }
    io.stdout(`PING ${host} (${addr}) 56(84) bytes of data.\n`);
    const start = deps.now();
    const rtts: number[] = [];
    let sent = 0;
    let interrupted = false;
    // An address on a bridge that no one answers: ARP gives up after 3 s and the
    // kernel reports every packet waiting for it as unreachable, from the host's own address there.
    const waiting: { seq: number; at: number }[] = [];
    let errors = 0;
    let pipe = 0;
    let lastEvent = start;
    const flushUnreachable = (): void => {
      if (waiting.length === 0) return;
      const from = sourceAddress(net, addr);
      for (const w of waiting) io.stdout(`From ${from} icmp_seq=${w.seq} Destination Host Unreachable\n`);
      errors += waiting.length;
      pipe = Math.max(pipe, waiting.length);
      waiting.length = 0;
      lastEvent = deps.now();
    };
    for (;;) {
      const r = net.ping(addr);
      if (r.error === 'ENETUNREACH') {
        io.stderr('ping: connect: Network is unreachable\n');
        return 2;
      }
      sent++;
      lastEvent = deps.now();
      if (r.ok) {
        const us = 30 + 12 * r.path.length + ((sent * 7) % 5) * 3;
        rtts.push(us);
        io.stdout(`64 bytes from ${r.from}: icmp_seq=${sent} ttl=${r.ttl} time=${(us / 1000).toFixed(3)} ms\n`);
      } else if (r.error === 'EHOSTUNREACH') waiting.push({ seq: sent, at: deps.now() });
      if (waiting.length > 0 && deps.now() - waiting[0]!.at >= ARP_GIVES_UP_MS) flushUnreachable();
      if (count > 0 && sent >= count) break;
      if (!(await deps.sleep(1000, io.interrupt))) {
        interrupted = true;
        break;
      }
    }
    if (!interrupted && waiting.length > 0) {
      const wait = waiting[0]!.at + ARP_GIVES_UP_MS - deps.now();
      if (wait > timeout * 1000) await deps.sleep(timeout * 1000, io.interrupt);
      else if (await deps.sleep(wait, io.interrupt)) flushUnreachable();
    } else if (!interrupted && count > 0 && rtts.length + errors < count) await deps.sleep(timeout * 1000, io.interrupt);
    const elapsed = lastEvent - start;
    const loss = Math.floor(((sent - rtts.length) * 100) / sent);
    let text = `\n--- ${host} ping statistics ---\n${sent} packets transmitted, ${rtts.length} received, ${errors > 0 ? `+${errors} errors, ` : ''}${loss}% packet loss, time ${elapsed}ms\n`;
    if (rtts.length > 0) {
      const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
      const mdev = Math.sqrt(rtts.reduce((a, b) => a + b * b, 0) / rtts.length - avg * avg);
      const ms = (us: number): string => (us / 1000).toFixed(3);
      text += `rtt min/avg/max/mdev = ${ms(Math.min(...rtts))}/${ms(avg)}/${ms(Math.max(...rtts))}/${ms(mdev)} ms\n`;
    }
    if (pipe > 1) text += `pipe ${pipe}\n`;
    else if (rtts.length === 0 && errors === 0) text += '\n';
    io.stdout(text);
    return rtts.length > 0 ? 0 : 1;
  };
}

/** The host's network commands, for the host shell's command table. */
export function hostNetCommands(deps: HostNetDeps): Record<string, CommandRunner> {
  return {
    ip: async (argv, io) => {
      const net = deps.net();
      return finish(io, runIp(argv.slice(1), links(net), net.routes(), 'iproute2'));
    },
    ifconfig: async (argv, io) => finish(io, runIfconfig(argv.slice(1), links(deps.net()), 'net-tools')),
    brctl: async (argv, io) => {
      const [sub, name] = argv.slice(1);
      if (sub !== 'show') return finish(io, { stdout: BRCTL_USAGE, stderr: '', code: 1 });
      const bridges = deps.net().bridges();
      const shown = name === undefined ? bridges : bridges.filter((b) => b.name === name);
      if (name !== undefined && shown.length === 0) {
        io.stdout('bridge name\tbridge id\t\tSTP enabled\tinterfaces\n');
        return finish(io, { stdout: '', stderr: `bridge ${name} does not exist!\n`, code: 1 });
      }
      return finish(io, { stdout: formatBrctlShow(shown), stderr: '', code: 0 });
    },
    bridge: async (argv, io) => {
      const [obj, sub] = argv.slice(1);
      if (obj === undefined || !'link'.startsWith(obj) || (sub !== undefined && sub !== 'show')) return finish(io, { stdout: '', stderr: BRIDGE_USAGE, code: 255 });
      return finish(io, { stdout: formatBridgeLink(links(deps.net())), stderr: '', code: 0 });
    },
    iptables: async (argv, io) => finish(io, runIptables(argv.slice(1), deps.net().natRules())),
    'iptables-save': async (argv, io) => {
      const t = argv.indexOf('-t');
      const table = t >= 0 ? argv[t + 1] : undefined;
      if (table !== undefined && table !== 'nat' && table !== 'filter') {
        io.stderr(`iptables-save v1.8.9 (nf_tables): table '${table}' does not exist\n`);
        return 1;
      }
      io.stdout(iptablesSave(deps.net().natRules(), deps.now(), table ? [table] : undefined));
      return 0;
    },
    curl: curl(deps),
    ping: ping(deps),
  };
}
