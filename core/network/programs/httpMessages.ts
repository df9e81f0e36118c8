import { utf8Length } from '../../utf8';

/**
 * HTTP/1.x as the busybox tools and curl speak it over the simulated
 * sockets: requests, busybox httpd's responses (its headers and its 404 page,
 * word for word), and a parser for what comes back.
 */

export interface HttpRequest {
  method: string;
  path: string;
  version: string;
}

/** The request line of a request whose header has fully arrived; undefined while it has not. */
export function parseRequest(text: string): HttpRequest | undefined | 'bad' {
  const end = text.indexOf('\r\n\r\n') >= 0 ? text.indexOf('\r\n\r\n') : text.indexOf('\n\n');
  if (end < 0) return undefined;
  const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])\r?$/.exec(text.slice(0, text.indexOf('\n')));
  if (!m) return 'bad';
  return { method: m[1]!, path: m[2]!, version: m[3]! };
}

export interface HttpResponse {
  status: number;
  reason: string;
  /** The status line as sent, "HTTP/1.1 404 Not Found". */
  statusLine: string;
  /** Header lines as sent, without line ends. */
  headers: string[];
  body: string;
}

export function parseResponse(text: string): HttpResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = text.slice(0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0]!);
  if (!m) return undefined;
  return { status: Number(m[1]), reason: m[2]!, statusLine: lines[0]!, headers: lines.slice(1), body: text.slice(end + 4) };
}

/** RFC 1123 date as HTTP servers send it: "Fri, 27 Nov 2026 21:06:31 GMT". */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

const NOT_FOUND_PAGE = '<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n';
const BAD_REQUEST_PAGE = '<HTML><HEAD><TITLE>400 Bad Request</TITLE></HEAD>\n<BODY><H1>400 Bad Request</H1>\nUnsupported method\n</BODY></HTML>\n';

/** busybox httpd's content types, by suffix (its built-in table, the common part). */
const MIME: Record<string, string> = {
  html: 'text/html', htm: 'text/html', txt: 'text/plain', css: 'text/css', js: 'application/javascript', json: 'application/json',
  xml: 'text/xml', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', ico: 'image/x-icon',
};

function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot + 1).toLowerCase() : '';
  return MIME[ext] ?? 'application/octet-stream';
}

/**
 * busybox httpd's answer to one request. `file` finds a regular file's
 * content under the served directory (a directory path means its index.html).
 * `modified` is the file's modification time; the simulated filesystem keeps
 * none, so callers pass when the server started.
 */
export function httpdResponse(req: HttpRequest | 'bad', file: (path: string) => string | undefined, now: number, modified: number): string {
  const date = httpDate(now);
  const head = (status: string, extra: string[]): string => [`HTTP/1.1 ${status}`, `Date: ${date}`, 'Connection: close', ...extra].join('\r\n') + '\r\n\r\n';
  if (req === 'bad' || (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST')) {
    return head('400 Bad Request', ['Content-type: text/html']) + BAD_REQUEST_PAGE;
  }
  let path = decodeURIComponent(req.path.split('?')[0]!);
  if (path.endsWith('/')) path += 'index.html';
  const content = file(path);
  if (content === undefined) return head('404 Not Found', ['Content-type: text/html']) + (req.method === 'HEAD' ? '' : NOT_FOUND_PAGE);
  const size = utf8Length(content);
  const mtime = Math.floor(modified / 1000);
  const headers = [`Content-type: ${contentType(path)}`, 'Accept-Ranges: bytes', `Last-Modified: ${httpDate(modified)}`, `ETag: "${mtime.toString(16)}-${size.toString(16)}"`, `Content-Length: ${size}`];
  return head('200 OK', headers) + (req.method === 'HEAD' ? '' : content);
}

export interface Url {
  host: string;
  /** The port as written, '' when none. */
  portText: string;
  port: number;
  path: string;
}

/** http://host[:port][/path]; curl also takes it without the scheme. */
export function parseUrl(raw: string, schemeOptional: boolean): Url | { error: 'scheme' | 'port' } {
  let rest = raw;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    if (scheme[1]!.toLowerCase() !== 'http') return { error: 'scheme' };
    rest = rest.slice(scheme[0].length);
  } else if (!schemeOptional) return { error: 'scheme' };
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '/' : rest.slice(slash);
  const colon = authority.lastIndexOf(':');
  const host = colon < 0 ? authority : authority.slice(0, colon);
  const portText = colon < 0 ? '' : authority.slice(colon + 1);
  if (portText !== '' && (!/^\d+$/.test(portText) || Number(portText) > 65535)) return { error: 'port' };
  return { host, portText, port: portText === '' ? 80 : Number(portText), path };
}
