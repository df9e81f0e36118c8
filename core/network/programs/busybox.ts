import { fsErrorText } from '../../shell/filesystem';
import type { Proc, Program } from '../../engine/process';
import { utf8Length } from '../../utf8';
import type { Listener, NetError, Socket } from '../view';
import { httpdResponse, parseRequest, parseResponse, parseUrl } from './httpMessages';
import { runIfconfig } from './ifconfig';
import { BUSYBOX_BANNER, runIp } from './ipCommand';
import { linkInfos } from './links';
import { formatNetstat, formatRouteTable } from './tables';

/**
 * busybox 1.35's network applets as a container runs them, over the
 * namespace the process sees (`proc.net`): `ip`, `ifconfig`, `route`,
 * `netstat`, `hostname -i`, `ping`, `wget`, `nc`, `httpd` and `nslookup`.
 * Texts and exit codes are busybox's, read from `docker run --rm busybox …`
 * on this machine (fixtures/); waiting (ping's interval, a connect that
 * times out) runs on virtual time.
 */

/** With a terminal, "\n" reaches the screen as "\r\n" (onlcr). */
function out(p: Proc, text: string): void {
  p.stdout(p.tty ? text.replace(/\n/g, '\r\n') : text);
}
function err(p: Proc, text: string): void {
  p.stderr(p.tty ? text.replace(/\n/g, '\r\n') : text);
}

function links(p: Proc) {
  // The host runs IPv6; Docker turns it off in a container's own namespace.
  return linkInfos(p.net.interfaces(), p.net.netns === 'host');
}

const ip: Program = (p) => {
  const r = runIp(p.argv.slice(1), links(p), p.net.routes(), 'busybox');
  out(p, r.stdout);
  err(p, r.stderr);
  p.exit(r.code);
};

const ifconfig: Program = (p) => {
  const r = runIfconfig(p.argv.slice(1), links(p), 'busybox', (name) => ({ rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, ...p.net.linkStats?.(name), txDropped: 0 }));
  out(p, r.stdout);
  err(p, r.stderr);
  p.exit(r.code);
};

const route: Program = (p) => {
  const args = p.argv.slice(1);
  if (args.some((a) => a === 'add' || a === 'del')) {
    err(p, 'route: SIOCADDRT: Operation not permitted\n');
    return p.exit(1);
  }
  out(p, formatRouteTable(p.net.routes(), args.some((a) => /^-[a-z]*n/.test(a))));
  p.exit(0);
};

const netstat: Program = (p) => {
  const flags = p.argv.slice(1).filter((a) => a.startsWith('-')).join('').replace(/-/g, '');
  const bad = [...flags].find((c) => !'ralntuwxeWp'.includes(c) || c === 'p');
  if (bad !== undefined) {
    err(p, `netstat: invalid option -- '${bad}'\n${BUSYBOX_BANNER}\nUsage: netstat [-ral] [-tuwx] [-en]\n\nDisplay networking information\n\n\t-r\tRouting table\n\t-a\tAll sockets\n\t-l\tListening sockets\n\t\tElse: connected sockets\n\t-t\tTCP sockets\n\t-u\tUDP sockets\n\t-w\tRaw sockets\n\t-x\tUnix sockets\n\t\tElse: all socket types\n\t-e\tOther/more information\n\t-n\tDon't resolve names\n`);
    return p.exit(1);
  }
  if (flags.includes('r')) {
    out(p, formatRouteTable(p.net.routes(), flags.includes('n')));
    return p.exit(0);
  }
  const listening = flags.includes('l');
  const all = flags.includes('a');
  const anyType = !/[tuwx]/.test(flags);
  const title = all ? 'servers and established' : listening ? 'only servers' : 'w/o servers';
  const inContainer = p.net.netns !== 'host';
  const sockets = [...embeddedDns(p), ...p.net.listeners()];
  const rows = all || listening
    ? sockets
        .filter((l) => anyType || flags.includes(l.proto[0]!))
        .sort((a, b) => (a.proto === b.proto ? 0 : a.proto === 'tcp' ? -1 : 1))
        // busybox's servers bind the IPv6 wildcard, which takes IPv4 too: netstat shows ":::80".
        .map((l) => ({ proto: l.proto, ip: inContainer && l.ip === '0.0.0.0' ? '::' : l.ip, port: l.port }))
    : [];
  let text = formatNetstat(rows, listening && !all).replace('(only servers)', `(${title})`);
  if (anyType || flags.includes('x')) {
    if (!anyType && !/[tuw]/.test(flags)) text = '';
    text += `Active UNIX domain sockets (${title})\nProto RefCnt Flags       Type       State         I-Node Path\n`;
  }
  out(p, text);
  p.exit(0);
};

/**
 * On a user-defined network dockerd's embedded DNS server listens inside the
 * container, on 127.0.0.11 at a TCP and a UDP port it picks at random (iptables
 * sends port 53 there). The port here is a stable function of the namespace.
 */
function embeddedDns(p: Proc): { proto: 'tcp' | 'udp'; ip: string; port: number }[] {
  if (p.net.netns === 'host' || nameserver(p) !== '127.0.0.11') return [];
  let h = 0;
  for (const ch of p.net.netns) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return [
    { proto: 'tcp', ip: '127.0.0.11', port: 32768 + (h % 28000) },
    { proto: 'udp', ip: '127.0.0.11', port: 32768 + ((h >>> 8) % 28000) },
  ];
}

/** `hostname [-i|-s]`: -i looks the name up as the resolver does (/etc/hosts first). */
const hostname: Program = (p) => {
  const args = p.argv.slice(1);
  if (args.includes('-i')) {
    const addr = p.net.resolve(p.hostname);
    if (addr === undefined) {
      err(p, `hostname: ${p.hostname}: Host name lookup failure\n`);
      return p.exit(1);
    }
    out(p, addr + '\n');
    return p.exit(0);
  }
  out(p, (args.includes('-s') ? p.hostname.split('.')[0]! : p.hostname) + '\n');
  p.exit(0);
};

/** The text strerror gives each socket error. */
const ERROR_TEXT: Record<NetError, string> = {
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
};

/**
 * How long connect(2) takes to fail: a refusal (RST) or no route is
 * immediate; an address on the link that no one answers is three ARP
 * probes; a silently dropped SYN is retried six times (~127 s).
 */
const CONNECT_FAILS_AFTER: Record<NetError, number> = { ECONNREFUSED: 0, ENETUNREACH: 0, EHOSTUNREACH: 3_000, ETIMEDOUT: 127_000 };

function isIpv4(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text);
}

/** getaddrinfo as busybox calls it: a dotted quad as is, else /etc/hosts then DNS; undefined = "bad address". */
function lookup(p: Proc, host: string): string | undefined {
  return isIpv4(host) ? host : p.net.resolve(host);
}

function parsePositiveSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** busybox ping: one echo request a second; the round-trip times are sub-millisecond on a bridge. */
const ping: Program = (p) => {
  const args = p.argv.slice(1);
  let count = 0;
  let timeout = 10;
  let deadline = 0;
  let interval = 1;
  let quiet = false;
  let size = 56;
  let host: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-([cWwis])(.*)$/.exec(a);
    if (m) {
      const v = m[2] !== '' ? m[2] : args[++i];
      const n = parsePositiveSeconds(v);
      if (n === undefined) {
        err(p, `ping: invalid number '${v ?? ''}'\n`);
        return p.exit(1);
      }
      if (m[1] === 'c') count = Math.floor(n);
      else if (m[1] === 'W') timeout = n;
      else if (m[1] === 'w') deadline = n;
      else if (m[1] === 'i') interval = n;
      else size = Math.floor(n);
    } else if (a === '-q') quiet = true;
    else if (a === '-4') continue;
    else host = a;
  }
  if (host === undefined) {
    err(p, `${BUSYBOX_BANNER}\nUsage: ping [OPTIONS] HOST\n\nSend ICMP ECHO_REQUESTs to HOST\n\n\t-4,-6\t\tForce IP or IPv6 name resolution\n\t-c CNT\t\tSend only CNT pings\n\t-s SIZE\t\tSend SIZE data bytes in packets (default 56)\n\t-i SECS\t\tInterval\n\t-A\t\tPing as soon as reply is recevied\n\t-t TTL\t\tSet TTL\n\t-I IFACE/IP\tSource interface or IP address\n\t-W SEC\t\tSeconds to wait for the first response (default 10)\n\t\t\t(after all -c CNT packets are sent)\n\t-w SEC\t\tSeconds until ping exits (default:infinite)\n\t\t\t(can exit earlier with -c CNT)\n\t-q\t\tQuiet, only display output at start/finish\n\t-p HEXBYTE\tPayload pattern\n`);
    return p.exit(1);
  }
  const addr = lookup(p, host);
  if (addr === undefined) {
    err(p, `ping: bad address '${host}'\n`);
    return p.exit(1);
  }
  out(p, `PING ${host} (${addr}): ${size} data bytes\n`);
  let transmitted = 0;
  let received = 0;
  const rtts: number[] = [];
  let done = false;
  let cancel: () => void = () => {};
  const micro = (us: number): string => `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
  const finish = (): void => {
    if (done) return;
    done = true;
    cancel();
    const loss = transmitted === 0 ? 0 : Math.floor(((transmitted - received) * 100) / transmitted);
    let text = `\n--- ${host} ping statistics ---\n${transmitted} packets transmitted, ${received} packets received, ${loss}% packet loss\n`;
    if (received > 0) {
      const avg = Math.floor(rtts.reduce((a, b) => a + b, 0) / rtts.length);
      text += `round-trip min/avg/max = ${micro(Math.min(...rtts))}/${micro(avg)}/${micro(Math.max(...rtts))} ms\n`;
    }
    out(p, text);
    p.exit(received > 0 ? 0 : 1);
  };
  p.onSignal((sig) => {
    if (sig === 2 || sig === 15 || sig === 1 || sig === 3) finish();
  });
  if (deadline > 0) p.after(deadline * 1000, finish);
  const send = (): void => {
    if (done) return;
    const r = p.net.ping(addr);
    if (r.error === 'ENETUNREACH') {
      err(p, 'ping: sendto: Network is unreachable\n');
      done = true;
      return p.exit(1);
    }
    const seq = transmitted++;
    if (r.ok) {
      // A deterministic sub-millisecond round trip: longer the more hops the request took.
      const us = 40 + 15 * r.path.length + ((seq * 7) % 5) * 3;
      rtts.push(us);
      received++;
      if (!quiet) out(p, `${size + 8} bytes from ${r.from}: seq=${seq} ttl=${r.ttl} time=${micro(us)} ms\n`);
      if (count > 0 && received >= count) return finish();
    }
    if (count > 0 && transmitted >= count) {
      cancel = p.after(timeout * 1000, finish);
      return;
    }
    cancel = p.after(interval * 1000, send);
  };
  send();
};

/** Writes a file through the container's filesystem (its upper layer, or a volume mounted there). */
function writeFile(p: Proc, path: string, content: string): string | undefined {
  const code = p.fs.writeFile(path, content);
  return code === undefined ? undefined : fsErrorText(code);
}

function absolute(p: Proc, path: string): string {
  return path.startsWith('/') ? path : `${p.cwd.replace(/\/$/, '')}/${path}`;
}

/** busybox's progress bar line as printed once the transfer is complete (no terminal redraws). */
function progressLine(name: string, bytes: number): string {
  const shown = bytes < 100_000 ? String(bytes).padStart(5) + ' ' : `${(bytes / 1024).toFixed(0).padStart(4)}k`;
  return `${name.padEnd(20).slice(0, 20)} 100% |${'*'.repeat(32)}| ${shown} 0:00:00 ETA\n`;
}

/** `wget [-q] [-O FILE] [-T SEC] URL` over the simulated sockets. */
const wget: Program = (p) => {
  const args = p.argv.slice(1);
  let quiet = false;
  let outFile: string | undefined;
  let timeout = 0;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--spider' || a === '-c' || a === '-s') continue;
    if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (c === 'q') quiet = true;
        else if (c === 'O' || c === 'T' || c === 'U' || c === 'P' || c === 'Y') {
          const v = a.slice(k + 1) !== '' ? a.slice(k + 1) : args[++i];
          if (c === 'O') outFile = v;
          if (c === 'T') timeout = Number(v ?? 0);
          break;
        }
      }
    } else urls.push(a);
  }
  const raw = urls[0];
  if (raw === undefined) {
    err(p, `${BUSYBOX_BANNER}\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP\n`);
    return p.exit(1);
  }
  const url = parseUrl(raw, false);
  if ('error' in url) {
    err(p, url.error === 'scheme' ? `wget: not an http or ftp url: ${raw}\n` : `wget: bad port spec '${raw}'\n`);
    return p.exit(1);
  }
  const addr = lookup(p, url.host);
  if (addr === undefined) {
    err(p, `wget: bad address '${url.host}'\n`);
    return p.exit(1);
  }
  const target = outFile ?? (url.path.endsWith('/') ? 'index.html' : url.path.slice(url.path.lastIndexOf('/') + 1));
  if (outFile === undefined && p.fs.exists(absolute(p, target))) {
    err(p, `wget: can't open '${target}': File exists\n`);
    return p.exit(1);
  }
  if (!quiet) err(p, `Connecting to ${url.host}${url.portText ? `:${url.portText}` : ''} (${addr}:${url.port})\n`);
  const c = p.net.connect(addr, url.port);
  if (!c.ok) {
    const wait = CONNECT_FAILS_AFTER[c.error];
    if (timeout > 0 && wait > timeout * 1000) {
      p.after(timeout * 1000, () => {
        err(p, 'wget: download timed out\n');
        p.exit(1);
      });
      return;
    }
    p.after(wait, () => {
      err(p, `wget: can't connect to remote host (${addr}): ${ERROR_TEXT[c.error]}\n`);
      p.exit(1);
    });
    return;
  }
  let received = '';
  c.socket.onData((t) => (received += t));
  c.socket.onEnd(() => {
    const res = parseResponse(received);
    if (res === undefined) {
      err(p, 'wget: error getting response: Connection reset by peer\n');
      return p.exit(1);
    }
    if (res.status !== 200) {
      err(p, `wget: server returned error: ${res.statusLine}\n`);
      return p.exit(1);
    }
    const bytes = utf8Length(res.body);
    if (target === '-') {
      if (!quiet) err(p, 'writing to stdout\n');
      out(p, res.body);
      if (!quiet) err(p, progressLine('-', bytes) + 'written to stdout\n');
      return p.exit(0);
    }
    const failed = writeFile(p, absolute(p, target), res.body);
    if (failed) {
      err(p, `wget: can't open '${target}': ${failed}\n`);
      return p.exit(1);
    }
    if (!quiet) err(p, `saving to '${target}'\n${progressLine(target.slice(target.lastIndexOf('/') + 1), bytes)}'${target}' saved\n`);
    p.exit(0);
  });
  c.socket.write(`GET ${url.path} HTTP/1.1\r\nHost: ${url.host}${url.portText ? `:${url.portText}` : ''}\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n`);
};

/**
 * Joins a connected socket to the process's stdin and stdout. As busybox nc's
 * select loop reads stdin before the socket, input already waiting is sent
 * before the peer's close is seen; the close ends the program (exit 0), and
 * the end of stdin half-closes the connection (shutdown SHUT_WR).
 */
function pipe(p: Proc, s: Socket): void {
  s.onData((t) => out(p, t));
  s.onEnd(() => p.after(0, () => p.exit(0)));
  p.stdin.read(
    (t) => s.write(t),
    () => s.end(),
  );
}

/** `nc HOST PORT` connects; `nc -l -p PORT` waits for one connection. */
const nc: Program = (p) => {
  const args = p.argv.slice(1);
  let listen = false;
  let port: number | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[lkvn]+$/.test(a)) listen ||= a.includes('l');
    else if (a === '-p') port = Number(args[++i]);
    else if (a === '-w') i++;
    else rest.push(a);
  }
  if (listen) {
    if (port === undefined || !Number.isInteger(port)) {
      err(p, 'nc: -l needs -p PORT in this simulation\n');
      return p.exit(1);
    }
    let listener: Listener | undefined;
    const l = p.net.listen('tcp', port, (s) => {
      // One connection, as busybox nc -l without -k: the port closes once it is taken.
      listener?.close();
      pipe(p, s);
    });
    if (!('error' in l)) listener = l;
    else {
      err(p, 'nc: bind: Address already in use\n');
      return p.exit(1);
    }
    return;
  }
  const [host, portText] = rest;
  if (host === undefined || portText === undefined) {
    err(p, `${BUSYBOX_BANNER}\nUsage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n\n\t-e PROG\tRun PROG after connect (must be last)\n\t-l\tListen mode, for inbound connects\n\t-lk\tWith -e, provides persistent server\n\t-p PORT\tLocal port\n\t-s ADDR\tLocal address\n\t-w SEC\tTimeout for connects and final net reads\n\t-i SEC\tDelay interval for lines sent\n\t-n\tDon't do DNS resolution\n\t-u\tUDP mode\n\t-b\tAllow broadcasts\n\t-v\tVerbose\n\t-o FILE\tHex dump traffic\n\t-z\tZero-I/O mode (scanning)\n`);
    return p.exit(1);
  }
  const addr = lookup(p, host);
  if (addr === undefined) {
    err(p, `nc: bad address '${host}'\n`);
    return p.exit(1);
  }
  const c = p.net.connect(addr, Number(portText));
  if (!c.ok) {
    p.after(CONNECT_FAILS_AFTER[c.error], () => {
      err(p, `nc: can't connect to remote host (${addr}): ${ERROR_TEXT[c.error]}\n`);
      p.exit(1);
    });
    return;
  }
  pipe(p, c.socket);
};

/** `httpd -f -p PORT [-h DIR]`: serves files from the container's filesystem; without -f it detaches and PID 1 ends. */
const httpd: Program = (p) => {
  const args = p.argv.slice(1);
  let foreground = false;
  let port = 80;
  let home = '.';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        if (c === 'f') foreground = true;
        else if (c === 'p' || c === 'h' || c === 'c' || c === 'u' || c === 'r') {
          const v = a.slice(k + 1) !== '' ? a.slice(k + 1) : (args[++i] ?? '');
          if (c === 'p') port = Number(v.slice(v.lastIndexOf(':') + 1));
          if (c === 'h') home = v;
          break;
        }
      }
    }
  }
  const root = absolute(p, home);
  const started = p.now();
  const l = p.net.listen('tcp', port, (s) => {
    let request = '';
    let answered = false;
    s.onData((t) => {
      if (answered) return;
      request += t;
      const req = parseRequest(request);
      if (req === undefined) return;
      answered = true;
      // Through the container's filesystem: a site bind-mounted over the document root is what is served.
      const file = (path: string): string | undefined => {
        const r = p.fs.tryRead(`${root.replace(/\/$/, '')}${path}`);
        return 'data' in r ? r.data : undefined;
      };
      s.write(httpdResponse(req, file, p.now(), started));
      s.end();
    });
  });
  if ('error' in l) {
    err(p, 'httpd: bind: Address already in use\n');
    return p.exit(1);
  }
  if (!foreground) {
    // The daemon forks away and the parent, PID 1, exits: the container stops with it.
    l.close();
    p.exit(0);
  }
};

/** The first nameserver of the container's /etc/resolv.conf. */
function nameserver(p: Proc): string {
  const r = p.fs.tryRead('/etc/resolv.conf');
  const text = 'data' in r ? r.data : '';
  return /^nameserver\s+(\S+)/m.exec(text)?.[1] ?? '127.0.0.1';
}

/** `nslookup NAME`: asks the nameserver for A and AAAA records and prints each answer as it comes. */
const nslookup: Program = (p) => {
  const name = p.argv.slice(1).find((a) => !a.startsWith('-'));
  if (name === undefined) {
    err(p, `${BUSYBOX_BANNER}\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n`);
    return p.exit(1);
  }
  const server = nameserver(p);
  const reach = p.net.connect(server, 53, 'udp');
  if (!reach.ok && reach.error === 'ENETUNREACH') {
    err(p, `nslookup: can't connect to remote host (${server}): Network is unreachable\n`);
    return p.exit(1);
  }
  if (reach.ok) reach.socket.end();
  let text = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  const addr = isIpv4(name) ? undefined : p.net.resolve(name);
  if (addr === undefined) {
    text += `** server can't find ${name}: NXDOMAIN\n\n`.repeat(2);
    out(p, text);
    return p.exit(1);
  }
  // The AAAA answer (no records) arrives first, then the A record.
  text += `Non-authoritative answer:\n\nNon-authoritative answer:\nName:\t${name}\nAddress: ${addr}\n\n`;
  out(p, text);
  p.exit(0);
};

export const netPrograms: Readonly<Record<string, Program>> = { ip, ifconfig, route, netstat, hostname, ping, wget, nc, httpd, nslookup };
