import type { Proc, Program } from '../engine/process';
import { err, out } from '../cshell/procio';
import type { Socket } from '../network/view';
import { utf8Length } from '../utf8';
import { httpDate, responseHead, serveConnection, type Request } from './httpServer';
import { clfTime, execCommand, readText, utcParts } from './proc';

/**
 * Apache httpd 2.4 as the official image runs it: `httpd-foreground` (the
 * image's /bin/sh script, modelled: it removes a stale pid file and execs
 * `httpd -DFOREGROUND`), and httpd with the event MPM — the parent as PID 1
 * and three children, Listen and DocumentRoot read from
 * conf/httpd.conf, the "It works!" page and Apache's 404 page, the common
 * log format on stdout (the image's CustomLog /proc/self/fd/1), the error
 * log on stderr, and SIGWINCH (the image's STOPSIGNAL) as a graceful stop.
 */

const VERSION = 'Apache/2.4.62 (Unix)';
const PREFIX = '/usr/local/apache2';

export function httpdForeground(p: Proc): void {
  p.fs.remove(`${PREFIX}/logs/httpd.pid`);
  execCommand(p, ['httpd', '-DFOREGROUND', ...p.argv.slice(1)], (name, code) => `/usr/local/bin/httpd-foreground: 7: exec: ${name}: ${code === 127 ? 'not found' : 'Permission denied'}\n`);
}

/** "Thu Jan 01 00:00:00.000000 2026", the error log's time. */
function errorTime(ms: number): string {
  const t = utcParts(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${days[new Date(ms).getUTCDay()]} ${t.month} ${pad(t.d)} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.${pad(t.ms, 3)}000 ${t.y}`;
}

const NOT_FOUND = '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n';

const TYPES: Readonly<Record<string, string>> = { html: 'text/html', htm: 'text/html', txt: 'text/plain', css: 'text/css', js: 'text/javascript', json: 'application/json', png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml' };

export function apacheHttpd(p: Proc): void {
  const args = p.argv.slice(1);
  if (args.includes('-v')) {
    out(p, `Server version: ${VERSION}\nServer built:   Jul 17 2024 00:00:00\n`);
    return p.exit(0);
  }
  const conf = readText(p, `${PREFIX}/conf/httpd.conf`) ?? '';
  const directive = (name: string): string | undefined => new RegExp(`^\\s*${name}\\s+"?([^"\\n]+?)"?\\s*$`, 'mi').exec(conf)?.[1];
  const listen = Number((directive('Listen') ?? '80').replace(/^.*:/, ''));
  const docRoot = directive('DocumentRoot') ?? `${PREFIX}/htdocs`;
  const serverName = directive('ServerName');
  if (args.includes('-t')) {
    if (serverName === undefined) err(p, fqdnWarning(p));
    err(p, 'Syntax OK\n');
    return p.exit(0);
  }
  if (!args.some((a) => a === '-DFOREGROUND' || a === 'FOREGROUND')) {
    err(p, 'glassbox: httpd without -DFOREGROUND (detaching) is not simulated yet\n');
    return p.exit(2);
  }
  const tid = 139_000_000_000_000 + ((p.pid * 2_654_435_761) % 1_000_000_000);
  const log = (module: string, text: string): void => err(p, `[${errorTime(p.now())}] [${module}] [pid ${p.pid}:tid ${tid}] ${text}\n`);
  // The configuration is read twice at start (a test pass, then the real one): the ServerName warning comes twice.
  if (serverName === undefined) err(p, fqdnWarning(p) + fqdnWarning(p));
  const l = p.net.listen('tcp', listen, (s) => connection(s));
  if ('error' in l) {
    err(p, `(98)Address in use: AH00072: make_sock: could not bind to address [::]:${listen}\n(98)Address in use: AH00072: make_sock: could not bind to address 0.0.0.0:${listen}\nno listening sockets available, shutting down\nAH00015: Unable to open logs\n`);
    return p.exit(1);
  }
  p.fs.writeFile(`${PREFIX}/logs/httpd.pid`, `${p.pid}\n`);
  p.setMemory?.(4_718_592);
  const children = [0, 1, 2].map(() => p.spawn(['httpd', '-DFOREGROUND'], { fork: true }));
  log('mpm_event:notice', `AH00489: ${VERSION} configured -- resuming normal operations`);
  log('core:notice', "AH00094: Command line: 'httpd -D FOREGROUND'");
  p.onSignal((sig) => {
    const graceful = sig === 28;
    if (!graceful && sig !== 15 && sig !== 2) return;
    log('mpm_event:notice', graceful ? 'AH00492: caught SIGWINCH, shutting down gracefully' : `AH00491: caught SIG${sig === 15 ? 'TERM' : 'INT'}, shutting down`);
    if ('close' in l) l.close();
    for (const c of children) c.exit(0);
    p.fs.remove(`${PREFIX}/logs/httpd.pid`);
    p.exit(0);
  });

  function connection(s: Socket): void {
    serveConnection(
      s,
      (req, reply) => reply(answer(req, s), req.headers.get('connection')?.toLowerCase() === 'close' || req.version === 'HTTP/1.0'),
      () => responseHead('400 Bad Request', [['Date', httpDate(p.now())], ['Server', VERSION], ['Content-Length', '226'], ['Connection', 'close'], ['Content-Type', 'text/html; charset=iso-8859-1']]) + '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>400 Bad Request</title>\n</head><body>\n<h1>Bad Request</h1>\n<p>Your browser sent a request that this server could not understand.<br />\n</p>\n</body></html>\n',
    );
  }

  function answer(req: Request, s: Socket): string {
    let path = docRoot.replace(/\/$/, '') + req.path;
    let st = p.fs.stat(path);
    if (typeof st !== 'string' && st.kind === 'dir' && req.path.endsWith('/')) {
      path += 'index.html';
      st = p.fs.stat(path);
    }
    const date = httpDate(p.now());
    const access = (status: number, bytes: number): void => out(p, `${s.remote.ip} - - [${clfTime(p.now())}] "${req.line}" ${status} ${bytes === 0 ? '-' : bytes}\n`);
    if (typeof st === 'string' || st.kind !== 'file') {
      // AH00128 (File does not exist) is at info level: below the image's LogLevel warn, so not logged.
      const body = req.method === 'HEAD' ? '' : NOT_FOUND;
      access(404, utf8Length(body));
      return responseHead('404 Not Found', [['Date', date], ['Server', VERSION], ['Content-Length', String(utf8Length(NOT_FOUND))], ['Content-Type', 'text/html; charset=iso-8859-1']]) + body;
    }
    const body = readText(p, path) ?? '';
    const size = utf8Length(body);
    const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
    const sent = req.method === 'HEAD' ? '' : body;
    access(200, utf8Length(sent));
    return responseHead('200 OK', [
      ['Date', date],
      ['Server', VERSION],
      ['Last-Modified', httpDate(st.mtime)],
      ['ETag', `"${size.toString(16)}-${(st.mtime * 1000).toString(16)}"`],
      ['Accept-Ranges', 'bytes'],
      ['Content-Length', String(size)],
      ['Content-Type', TYPES[ext] ?? 'text/plain'],
    ]) + sent;
  }
}

/** AH00558: no ServerName, so httpd names the server by the container's address. */
function fqdnWarning(p: Parameters<Program>[0]): string {
  const ip = p.net.resolve(p.hostname) ?? '127.0.0.1';
  return `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message\n`;
}
