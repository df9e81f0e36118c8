import type { Socket } from '../network/view';

/**
 * HTTP/1.1 on the server side, as the services in core/services speak it
 * over the simulated sockets: requests arriving in pieces (request line and
 * headers, keep-alive, the client's half-close), and the response head the
 * server writes. What each server answers is its own (nginx.ts, httpd.ts,
 * tomcat.ts, registry.ts).
 */

export interface Request {
  method: string;
  /** The request target as sent ("/index.html?x=1"). */
  target: string;
  /** The path without the query, %-decoded. */
  path: string;
  /** "HTTP/1.1". */
  version: string;
  /** The request line as sent, for access logs. */
  line: string;
  /** Header names lower-cased; the last one wins. */
  headers: Map<string, string>;
  body: string;
}

/** One request from the head of `buffer`: the request and what is left, 'incomplete', or 'bad' (no valid request line). */
export function takeRequest(buffer: string): { request: Request; rest: string } | 'incomplete' | 'bad' {
  const end = buffer.indexOf('\r\n\r\n');
  const endLf = buffer.indexOf('\n\n');
  const headEnd = end >= 0 && (endLf < 0 || end < endLf) ? end : endLf;
  if (headEnd < 0) return /^[A-Z]*( |$)/.test(buffer) || buffer === '' ? 'incomplete' : 'bad';
  const sep = headEnd === end ? 4 : 2;
  const lines = buffer.slice(0, headEnd).split(/\r?\n/);
  const line = lines[0]!;
  const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(line);
  if (!m) return 'bad';
  const headers = new Map<string, string>();
  for (const h of lines.slice(1)) {
    const colon = h.indexOf(':');
    if (colon > 0) headers.set(h.slice(0, colon).trim().toLowerCase(), h.slice(colon + 1).trim());
  }
  const length = Number(headers.get('content-length') ?? '0') || 0;
  const bodyStart = headEnd + sep;
  if (buffer.length - bodyStart < length) return 'incomplete';
  const target = m[2]!;
  let path = target.split('?')[0]!;
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as sent.
  }
  const request = { method: m[1]!, target, path, version: m[3]!, line, headers, body: buffer.slice(bodyStart, bodyStart + length) };
  return { request, rest: buffer.slice(bodyStart + length) };
}

/** RFC 1123 date as HTTP servers send it: "Fri, 02 Jan 2026 21:06:31 GMT". */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** A response head: status line, headers in the order given, blank line. */
export function responseHead(status: string, headers: readonly (readonly [string, string])[]): string {
  return `HTTP/1.1 ${status}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/**
 * Serves one connection: each complete request is answered in turn —
 * `answer` calls `reply` with the bytes to write and whether to close, at
 * once or later (a proxied request) — a malformed one gets `bad`, and the
 * client's half-close closes the connection once everything it sent has
 * been answered.
 */
export function serveConnection(s: Socket, answer: (req: Request, reply: (text: string, close: boolean) => void) => void, bad: () => string): void {
  let buffer = '';
  let closed = false;
  let busy = false;
  let peerDone = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    s.end();
  };
  const pump = (): void => {
    while (!busy && !closed) {
      const r = takeRequest(buffer);
      if (r === 'incomplete') {
        if (peerDone) close();
        return;
      }
      if (r === 'bad') {
        s.write(bad());
        return close();
      }
      buffer = r.rest;
      busy = true;
      let sync = true;
      answer(r.request, (text, closeAfter) => {
        s.write(text);
        busy = false;
        if (closeAfter) return close();
        if (!sync) pump();
      });
      sync = false;
    }
  };
  s.onData((t) => {
    if (closed) return;
    buffer += t;
    pump();
  });
  s.onEnd(() => {
    peerDone = true;
    if (!busy) pump();
  });
}
