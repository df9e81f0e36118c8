/**
 * RESP2, the Redis protocol, as redis-server and redis-cli speak it over the
 * simulated sockets: commands as arrays of bulk strings, replies as simple
 * strings, errors, integers, bulk strings (or nil) and arrays. Parsing is
 * incremental: a reply or command that has not fully arrived waits.
 */

export type Reply =
  | { type: 'status'; text: string }
  | { type: 'error'; text: string }
  | { type: 'integer'; value: number }
  | { type: 'bulk'; text: string | null }
  | { type: 'array'; items: Reply[] | null };

export const OK: Reply = { type: 'status', text: 'OK' };
export const NIL: Reply = { type: 'bulk', text: null };

export function status(text: string): Reply {
  return { type: 'status', text };
}
export function error(text: string): Reply {
  return { type: 'error', text };
}
export function integer(value: number): Reply {
  return { type: 'integer', value };
}
export function bulk(text: string | null): Reply {
  return { type: 'bulk', text };
}
export function array(items: Reply[] | null): Reply {
  return { type: 'array', items };
}

/** Byte length as RESP counts it (UTF-8). */
function bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

export function encodeCommand(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${bytes(a)}\r\n${a}\r\n`).join('')}`;
}

export function encodeReply(r: Reply): string {
  switch (r.type) {
    case 'status':
      return `+${r.text}\r\n`;
    case 'error':
      return `-${r.text}\r\n`;
    case 'integer':
      return `:${r.value}\r\n`;
    case 'bulk':
      return r.text === null ? '$-1\r\n' : `$${bytes(r.text)}\r\n${r.text}\r\n`;
    case 'array':
      return r.items === null ? '*-1\r\n' : `*${r.items.length}\r\n${r.items.map(encodeReply).join('')}`;
  }
}

/** Takes the first bulk string of `n` bytes at `at` (UTF-8 aware), or undefined when not all there yet. */
function takeBytes(buf: string, at: number, n: number): { text: string; end: number } | undefined {
  let i = at;
  let count = 0;
  while (count < n) {
    if (i >= buf.length) return undefined;
    const c = buf.codePointAt(i)!;
    count += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += c > 0xffff ? 2 : 1;
  }
  if (buf.length < i + 2) return undefined;
  return { text: buf.slice(at, i), end: i + 2 };
}

/** One reply from the head of `buf`, and where it ends; undefined while incomplete. */
export function parseReply(buf: string, at = 0): { reply: Reply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const kind = buf[at];
  const line = buf.slice(at + 1, eol);
  if (kind === '+') return { reply: status(line), end: eol + 2 };
  if (kind === '-') return { reply: error(line), end: eol + 2 };
  if (kind === ':') return { reply: integer(Number(line)), end: eol + 2 };
  if (kind === '$') {
    const n = Number(line);
    if (n < 0) return { reply: NIL, end: eol + 2 };
    const t = takeBytes(buf, eol + 2, n);
    return t ? { reply: bulk(t.text), end: t.end } : undefined;
  }
  if (kind === '*') {
    const n = Number(line);
    if (n < 0) return { reply: array(null), end: eol + 2 };
    const items: Reply[] = [];
    let end = eol + 2;
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, end);
      if (!r) return undefined;
      items.push(r.reply);
      end = r.end;
    }
    return { reply: array(items), end };
  }
  return undefined;
}

/**
 * One command from the head of `buf`: a RESP array of bulk strings, or an
 * inline command (a line of words, as `nc`/telnet send). 'bad' is a protocol
 * error (redis-server answers it and closes).
 */
export function parseCommand(buf: string): { args: string[]; rest: string } | undefined | { error: string } {
  if (buf === '') return undefined;
  if (buf[0] === '*') {
    const r = parseReply(buf);
    if (!r) return undefined;
    if (r.reply.type !== 'array' || !r.reply.items || r.reply.items.some((i) => i.type !== 'bulk')) return { error: "Protocol error: expected '$', got something else" };
    return { args: r.reply.items.map((i) => (i as { text: string }).text), rest: buf.slice(r.end) };
  }
  const eol = buf.indexOf('\n');
  if (eol < 0) return undefined;
  const line = buf.slice(0, eol).replace(/\r$/, '');
  const args = splitArgs(line);
  if (args === undefined) return { error: 'Protocol error: unbalanced quotes in request' };
  return { args, rest: buf.slice(eol + 1) };
}

/** sdssplitargs: words, "double quoted" (with \n \t \xhh escapes) or 'single quoted'; undefined for unbalanced quotes. */
export function splitArgs(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    let word = '';
    let inQ: '"' | "'" | null = null;
    for (;;) {
      const c = line[i];
      if (inQ === '"') {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (c === '\\' && i + 1 < line.length) {
          const n = line[i + 1]!;
          word += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n === 'b' ? '\b' : n === 'a' ? '\x07' : n;
          i += 2;
        } else if (c === '"') {
          if (i + 1 < line.length && !/\s/.test(line[i + 1]!)) return undefined;
          i++;
          break;
        } else {
          word += c;
          i++;
        }
      } else if (inQ === "'") {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === "'") {
          word += "'";
          i += 2;
        } else if (c === "'") {
          if (i + 1 < line.length && !/\s/.test(line[i + 1]!)) return undefined;
          i++;
          break;
        } else {
          word += c;
          i++;
        }
      } else {
        if (c === undefined || /\s/.test(c)) break;
        if (c === '"' || c === "'") inQ = c;
        else word += c;
        i++;
      }
    }
    out.push(word);
  }
  return out;
}
