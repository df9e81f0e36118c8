import type { Proc } from '../engine/process';
import type { SocketAddress } from '../network/view';
import { utf8Length } from '../utf8';
import { clfTime } from './proc';
import { httpDate, responseHead, type Request } from './httpServer';
import { setting, type Directive, type Location, type NginxConfig, type Server } from './nginxConf';

/**
 * What an nginx worker answers (ngx_http_core_module, static, index,
 * try_files, error_page, return and proxy_pass): the server a request is for,
 * its location, then the file under root or alias in the container's
 * filesystem as it is now (an `echo > index.html` or `docker cp` shows at
 * once), nginx's own error pages (ngx_http_special_response.c, CRLF line
 * ends), the error log's lines for a missing file, and the access-log line.
 */

export interface RequestContext {
  p: Proc;
  conf: NginxConfig;
  /** "1.27.2". */
  version: string;
  /** The port the connection came in on. */
  port: number;
  client: SocketAddress;
  /** Error log at `level` (error, warn …) with the request's context appended by the caller's format. */
  error(level: string, text: string): void;
  access(line: string): void;
}

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Moved Temporarily', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Not Allowed', 413: 'Request Entity Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** The page titles where they differ from the status line (ngx_http_error_302_page says "302 Found"). */
const PAGE_TITLES: Readonly<Record<number, string>> = { 302: '302 Found', 401: '401 Authorization Required' };

/** nginx's built-in error page for `status`, with its version in the tail (server_tokens on). */
export function errorPage(status: number, version: string, tokens = true): string {
  const title = PAGE_TITLES[status] ?? `${status} ${REASONS[status] ?? ''}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${tokens ? `nginx/${version}` : 'nginx'}</center>\r\n</body>\r\n</html>\r\n`;
}

interface Answer {
  status: number;
  body: string;
  type: string;
  headers: [string, string][];
  /** The file served (for Last-Modified and ETag). */
  file?: { mtime: number; size: number };
  close?: boolean;
}

/** The server a request is for: the listen port's servers, by Host against server_name, else the default one. */
export function pickServer(conf: NginxConfig, port: number, host: string | undefined): Server | undefined {
  const candidates = conf.servers.filter((s) => s.listens.some((l) => l.port === port));
  const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  return candidates.find((s) => s.names.some((n) => n.toLowerCase() === name)) ?? candidates.find((s) => s.listens.some((l) => l.port === port && l.defaultServer)) ?? candidates[0];
}

/** ngx_http_core_find_location: exact match, then the longest prefix (final with ^~), then regexes in order. */
export function findLocation(locations: readonly Location[], uri: string): Location | undefined {
  const exact = locations.find((l) => l.modifier === '=' && l.pattern === uri);
  if (exact) return exact;
  let best: Location | undefined;
  for (const l of locations) {
    if ((l.modifier === '' || l.modifier === '^~') && uri.startsWith(l.pattern) && (!best || l.pattern.length > best.pattern.length)) best = l;
  }
  if (best) {
    const inner = findLocation(best.locations, uri);
    if (inner) return inner;
    if (best.modifier === '^~') return best;
  }
  const regex = locations.find((l) => l.regex?.test(uri));
  return regex ?? best;
}

function settingsOf(conf: NginxConfig, server: Server, loc: Location | undefined): Directive[][] {
  return [conf.http, server.directives, ...(loc ? [loc.directives] : [])];
}

function contentType(conf: NginxConfig, lists: Directive[][], path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot >= 0 ? base.slice(dot + 1).toLowerCase() : '';
  return (ext !== '' ? conf.types.get(ext) : undefined) ?? setting(lists, 'default_type')?.[0] ?? 'text/plain';
}

/** A path under root or alias for `uri` in location `loc`. */
function mapPath(lists: Directive[][], loc: Location | undefined, uri: string): string {
  const alias = loc ? setting([loc.directives], 'alias')?.[0] : undefined;
  if (alias !== undefined && loc) return alias + uri.slice(loc.pattern.length);
  let root = setting(lists, 'root')?.[0] ?? 'html';
  if (!root.startsWith('/')) root = `/etc/nginx/${root}`;
  return root.replace(/\/$/, '') + uri;
}

function errorContext(ctx: RequestContext, server: Server, req: Request): string {
  const host = req.headers.get('host');
  return `, client: ${ctx.client.ip}, server: ${server.names[0] ?? ''}, request: "${req.line}"${host !== undefined ? `, host: "${host}"` : ''}`;
}

const MAX_REDIRECTS = 10;

/** Answers one request; `reply` gets the bytes (at once, or when a proxied upstream has answered). */
export function answerRequest(ctx: RequestContext, req: Request, reply: (text: string, close: boolean) => void): void {
  const { conf, p } = ctx;
  const server = pickServer(conf, ctx.port, req.headers.get('host'));
  const keepAlive = req.version === 'HTTP/1.1' && req.headers.get('connection')?.toLowerCase() !== 'close';
  const finish = (a: Answer, loc: Location | undefined): void => {
    const lists = server ? settingsOf(conf, server, loc) : [conf.http];
    const tokens = setting(lists, 'server_tokens')?.[0] !== 'off';
    const close = a.close === true || !keepAlive;
    const head: [string, string][] = [['Server', tokens ? `nginx/${ctx.version}` : 'nginx'], ['Date', httpDate(p.now())]];
    const size = utf8Length(a.body);
    if (a.status !== 304 && a.status !== 204) head.push(['Content-Type', a.type], ['Content-Length', String(size)]);
    if (a.file) head.push(['Last-Modified', httpDate(a.file.mtime)]);
    head.push(['Connection', close ? 'close' : 'keep-alive']);
    for (const h of a.headers) head.push(h);
    if (a.file) head.push(['ETag', `"${Math.floor(a.file.mtime / 1000).toString(16)}-${a.file.size.toString(16)}"`], ['Accept-Ranges', 'bytes']);
    for (const d of lists.flat().filter((x) => x.words[0] === 'add_header')) {
      const always = d.words[3] === 'always';
      if (always || [200, 201, 204, 206, 301, 302, 303, 304, 307, 308].includes(a.status)) head.push([d.words[1]!, d.words[2]!]);
    }
    const sent = req.method === 'HEAD' ? '' : a.body;
    const logOff = setting(lists, 'access_log')?.[0] === 'off';
    if (!logOff) {
      const ref = req.headers.get('referer') ?? '-';
      const ua = req.headers.get('user-agent') ?? '-';
      const xff = req.headers.get('x-forwarded-for') ?? '-';
      ctx.access(`${ctx.client.ip} - - [${clfTime(p.now())}] "${req.line}" ${a.status} ${utf8Length(sent)} "${ref}" "${ua}" "${xff}"\n`);
    }
    reply(responseHead(`${a.status} ${REASONS[a.status] ?? ''}`, head) + sent, close);
  };
  if (!server) return finish({ status: 404, body: errorPage(404, ctx.version), type: 'text/html', headers: [] }, undefined);
  const builtIn = (status: number, loc: Location | undefined, extra: [string, string][] = []): Answer => {
    const lists = settingsOf(conf, server, loc);
    return { status, body: errorPage(status, ctx.version, setting(lists, 'server_tokens')?.[0] !== 'off'), type: 'text/html', headers: extra };
  };
  /** An error status: the error_page for it if one is set and found, else nginx's page. */
  const fail = (status: number, loc: Location | undefined, depth: number): void => {
    const lists = settingsOf(conf, server, loc);
    for (const list of [...lists].reverse()) {
      const d = [...list].reverse().find((x) => x.words[0] === 'error_page' && x.words.slice(1, -1).includes(String(status)));
      if (!d) continue;
      const target = d.words[d.words.length - 1]!;
      const override = d.words.find((w) => /^=\d*$/.test(w));
      if (depth < MAX_REDIRECTS && target.startsWith('/')) {
        const code = override ? Number(override.slice(1)) || status : status;
        return serve(target, depth + 1, code);
      }
      break;
    }
    finish(builtIn(status, loc), loc);
  };
  /** Serves `uri` (after internal redirects); `status` replaces 200 for an error page. */
  const serve = (uri: string, depth: number, status?: number): void => {
    const loc = findLocation(server.locations, uri);
    const lists = settingsOf(conf, server, loc);
    const errorStatus = status !== undefined && status !== 200;
    const ret = loc ? setting([loc.directives], 'return') ?? undefined : setting([server.directives], 'return');
    if (ret) return finish(returned(ret, builtIn, loc, conf, lists), loc);
    const proxy = loc ? setting([loc.directives], 'proxy_pass')?.[0] : undefined;
    if (proxy !== undefined) return proxyPass(ctx, proxy, loc!, req, uri, (a) => finish(a, loc), errorContext(ctx, server, req));
    if (req.method !== 'GET' && req.method !== 'HEAD' && !errorStatus) return fail(405, loc, depth);
    const tryFiles = loc ? setting([loc.directives], 'try_files') : setting([server.directives], 'try_files');
    if (tryFiles && depth < MAX_REDIRECTS) {
      for (const cand of tryFiles.slice(0, -1)) {
        const u = cand.replace(/\$uri/g, uri);
        const st = p.fs.stat(mapPath(lists, loc, u.replace(/\/$/, '') || '/'));
        if (typeof st !== 'string' && (u.endsWith('/') ? st.kind === 'dir' : st.kind === 'file')) return u === uri ? staticFile(uri, loc, lists, depth, status) : serve(u, depth + 1, status);
      }
      const last = tryFiles[tryFiles.length - 1]!;
      if (/^=\d+$/.test(last)) return Number(last.slice(1)) >= 400 ? fail(Number(last.slice(1)), loc, depth) : finish(builtIn(Number(last.slice(1)), loc), loc);
      return serve(last.replace(/\$uri/g, uri), depth + 1, status);
    }
    staticFile(uri, loc, lists, depth, status);
  };
  const staticFile = (uri: string, loc: Location | undefined, lists: Directive[][], depth: number, status?: number): void => {
    const path = mapPath(lists, loc, uri);
    const context = errorContext(ctx, server, req);
    if (uri.endsWith('/')) {
      const index = setting(lists, 'index') ?? ['index.html'];
      for (const name of index) {
        const st = p.fs.stat(path + name);
        if (typeof st !== 'string' && st.kind === 'file' && depth < MAX_REDIRECTS) return serve(uri + name, depth + 1, status);
      }
      const dir = p.fs.stat(path.replace(/\/$/, '') || '/');
      if (typeof dir !== 'string' && dir.kind === 'dir') {
        ctx.error('error', `directory index of "${path}" is forbidden${context}`);
        return fail(403, loc, depth);
      }
      ctx.error('error', `"${path}${index[0]}" is not found (2: No such file or directory)${context}`);
      return fail(404, loc, depth);
    }
    const st = p.fs.stat(path);
    if (typeof st === 'string' || st.kind === 'symlink') {
      if (setting(lists, 'log_not_found')?.[0] !== 'off') ctx.error('error', `open() "${path}" failed (${st === 'ENOTDIR' ? '20: Not a directory' : '2: No such file or directory'})${context}`);
      return fail(404, loc, depth);
    }
    if (st.kind === 'dir') {
      const host = (req.headers.get('host') ?? server.names[0] ?? 'localhost').replace(/:\d+$/, '');
      const port = ctx.port === 80 ? '' : `:${ctx.port}`;
      return finish(builtIn(301, loc, [['Location', `http://${host}${port}${uri}/`]]), loc);
    }
    const r = p.fs.tryRead(path);
    if (!('data' in r)) {
      ctx.error('crit', `open() "${path}" failed (13: Permission denied)${context}`);
      return fail(403, loc, depth);
    }
    finish({ status: status ?? 200, body: r.data, type: contentType(conf, lists, path), headers: [], file: { mtime: st.mtime, size: st.size } }, loc);
  };
  serve(req.path, 0);
}

/** `return CODE [TEXT|URL]` or `return URL`. */
function returned(args: string[], builtIn: (status: number, loc: Location | undefined, extra?: [string, string][]) => Answer, loc: Location | undefined, conf: NginxConfig, lists: Directive[][]): Answer {
  const [first, second] = args;
  if (!/^\d+$/.test(first!)) return builtIn(302, loc, [['Location', first!]]);
  const code = Number(first);
  if ([301, 302, 303, 307, 308].includes(code)) return builtIn(code, loc, second !== undefined ? [['Location', second]] : []);
  if (second !== undefined) return { status: code, body: second, type: setting(lists, 'default_type')?.[0] ?? conf.types.get('txt') ?? 'text/plain', headers: [] };
  return code >= 400 ? builtIn(code, loc) : { status: code, body: '', type: 'text/html', headers: [] };
}

/**
 * proxy_pass http://HOST[:PORT][/URI]: the request relayed from the worker
 * (HTTP/1.0, Connection: close, as nginx's defaults send it), the upstream's
 * answer relayed back with nginx's own Server and Date; an upstream that
 * refuses is a 502 and an error-log line.
 */
function proxyPass(ctx: RequestContext, url: string, loc: Location, req: Request, uri: string, done: (a: Answer) => void, context: string): void {
  const m = /^https?:\/\/([^/:]+)(?::(\d+))?(\/.*)?$/.exec(url)!;
  const host = m[1]!;
  const port = Number(m[2] ?? '80');
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : ctx.p.net.resolve(host);
  const path = m[3] !== undefined ? m[3] + uri.slice(loc.pattern.length) : req.target;
  const upstream = `http://${ip ?? host}:${port}${path}`;
  const bad = (): void => done({ status: 502, body: errorPage(502, ctx.version), type: 'text/html', headers: [] });
  if (ip === undefined) {
    ctx.error('error', `no resolver defined to resolve ${host}${context}`);
    return bad();
  }
  const c = ctx.p.net.connect(ip, port);
  if (!c.ok) {
    const errno = c.error === 'ECONNREFUSED' ? '111: Connection refused' : c.error === 'ETIMEDOUT' ? '110: Connection timed out' : '113: No route to host';
    ctx.error('error', `connect() failed (${errno}) while connecting to upstream${context}, upstream: "${upstream}"`);
    return bad();
  }
  let text = '';
  c.socket.onData((t) => (text += t));
  c.socket.onEnd(() => {
    const end = text.indexOf('\r\n\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(text);
    if (end < 0 || !statusLine) {
      ctx.error('error', `upstream prematurely closed connection while reading response header from upstream${context}, upstream: "${upstream}"`);
      return bad();
    }
    const headers: [string, string][] = [];
    let type = 'text/plain';
    for (const line of text.slice(0, end).split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      const lower = name.toLowerCase();
      if (lower === 'content-type') type = value;
      else if (!['server', 'date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(lower)) headers.push([name, value]);
    }
    done({ status: Number(statusLine[1]), body: text.slice(end + 4), type, headers });
  });
  const fwd = [...req.headers].filter(([k]) => !['host', 'connection'].includes(k)).map(([k, v]) => `${k.replace(/(^|-)([a-z])/g, (_s, a: string, b: string) => a + b.toUpperCase())}: ${v}\r\n`);
  c.socket.write(`${req.method} ${path} HTTP/1.0\r\nHost: ${host}${m[2] ? `:${port}` : ''}\r\nConnection: close\r\n${fwd.join('')}\r\n${req.body}`);
  c.socket.end();
}
