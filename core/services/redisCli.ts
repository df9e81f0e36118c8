import type { Proc } from '../engine/process';
import { err, out } from '../cshell/procio';
import type { Socket } from '../network/view';
import { encodeCommand, parseReply, splitArgs, type Reply } from './resp';

/**
 * redis-cli 7.4: one command from its arguments, commands read from a piped
 * stdin, or, with a terminal, the interactive prompt ("127.0.0.1:6379> ").
 * It connects over the simulated network (so `-h r` reaches a container
 * named r on the same user network), and prints replies as redis-cli does:
 * quoted and numbered on a terminal ("(integer) 1", "(nil)", "(error) …"),
 * raw when its output is not a terminal or with --raw.
 */

const VERSION = '7.4.1';

/** sdscatrepr: the string quoted with C escapes, as redis-cli prints a bulk reply on a terminal. */
export function repr(s: string): string {
  let o = '"';
  for (const ch of s) {
    if (ch === '\\' || ch === '"') o += `\\${ch}`;
    else if (ch === '\n') o += '\\n';
    else if (ch === '\r') o += '\\r';
    else if (ch === '\t') o += '\\t';
    else if (ch === '\x07') o += '\\a';
    else if (ch === '\b') o += '\\b';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) o += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else if (ch.codePointAt(0)! > 0x7f) for (const b of new TextEncoderLite(ch).bytes) o += `\\x${b.toString(16).padStart(2, '0')}`;
    else o += ch;
  }
  return o + '"';
}

/** UTF-8 bytes of one character (sdscatrepr escapes each byte of a non-ASCII one). */
class TextEncoderLite {
  readonly bytes: number[];
  constructor(ch: string) {
    const c = ch.codePointAt(0)!;
    this.bytes = c < 0x800 ? [0xc0 | (c >> 6), 0x80 | (c & 0x3f)] : c < 0x10000 ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)] : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
  }
}

/** cliFormatReplyTTY. */
export function formatTty(r: Reply, prefix = ''): string {
  switch (r.type) {
    case 'error':
      return `(error) ${r.text}\n`;
    case 'status':
      return `${r.text}\n`;
    case 'integer':
      return `(integer) ${r.value}\n`;
    case 'bulk':
      return r.text === null ? '(nil)\n' : `${repr(r.text)}\n`;
    case 'array': {
      if (r.items === null) return '(nil)\n';
      if (r.items.length === 0) return '(empty array)\n';
      const width = String(r.items.length).length;
      const inner = prefix + ' '.repeat(width + 2);
      return r.items
        .map((item, i) => {
          const head = `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}) `;
          return head + formatTty(item, inner);
        })
        .join('');
    }
  }
}

/** cliFormatReplyRaw (with the newline redis-cli adds after each reply). */
export function formatRaw(r: Reply): string {
  const raw = (x: Reply): string => {
    switch (x.type) {
      case 'error':
        return `${x.text}\n`;
      case 'status':
        return x.text;
      case 'integer':
        return String(x.value);
      case 'bulk':
        return x.text ?? '';
      case 'array':
        return (x.items ?? []).map(raw).join('\n');
    }
  };
  return `${raw(r)}\n`;
}

/** Commands whose reply redis-cli prints verbatim even on a terminal (cliSendCommand's output_raw). */
function verbatim(args: readonly string[]): boolean {
  const name = args[0]?.toLowerCase() ?? '';
  const sub = args[1]?.toLowerCase() ?? '';
  return name === 'info' || name === 'lolwut' || (name === 'client' && sub === 'list') || (name === 'cluster' && ['nodes', 'info'].includes(sub));
}

function format(r: Reply, args: readonly string[], raw: boolean): string {
  if (verbatim(args) && r.type === 'bulk') return r.text ?? '';
  return raw ? formatRaw(r) : formatTty(r);
}

interface Options {
  host: string;
  port: number;
  db: number;
  raw: boolean | undefined;
  errExit: boolean;
  args: string[];
}

function parseOptions(argv: readonly string[]): Options | { error: string } | 'version' {
  const o: Options = { host: '127.0.0.1', port: 6379, db: 0, raw: undefined, errExit: false, args: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => argv[++i];
    if (a === '-h' && i + 1 < argv.length) o.host = value()!;
    else if (a === '-p' && i + 1 < argv.length) o.port = Number(value());
    else if (a === '-n' && i + 1 < argv.length) o.db = Number(value());
    else if ((a === '-a' || a === '--pass') && i + 1 < argv.length) value();
    else if (a === '--raw') o.raw = true;
    else if (a === '--no-raw') o.raw = false;
    else if (a === '-e') o.errExit = true;
    else if (a === '-v' || a === '--version') return 'version';
    else if (a === '--no-auth-warning') continue;
    else if (a.startsWith('-') && a !== '-') return { error: `Unrecognized option or bad number of args for: '${a}'` };
    else break;
  }
  o.args = argv.slice(i);
  return o;
}

export function redisCli(p: Proc): void {
  const o = parseOptions(p.argv.slice(1));
  if (o === 'version') {
    out(p, `redis-cli ${VERSION}\n`);
    return p.exit(0);
  }
  if ('error' in o) {
    err(p, `${o.error}\n`);
    return p.exit(1);
  }
  const interactive = o.args.length === 0 && p.tty;
  const useRaw = o.raw ?? !p.tty;
  const client = new Client(p, o);
  if (o.args.length > 0) {
    if (!client.connect(true)) return p.exit(1);
    return client.run(o.args, (r) => {
      if (r.type === 'error' && o.errExit) {
        err(p, `${r.text}\n`);
        return p.exit(1);
      }
      out(p, format(r, o.args, useRaw));
      p.exit(0);
    });
  }
  if (!interactive) {
    // Commands piped in, one a line.
    if (!client.connect(true)) return p.exit(1);
    let text = '';
    p.stdin.read(
      (t) => (text += t),
      () => {
        const lines = text.split('\n').filter((l) => l.trim() !== '');
        const next = (i: number): void => {
          if (i >= lines.length) return p.exit(0);
          const args = splitArgs(lines[i]!);
          if (!args) return next(i + 1);
          client.run(args, (r) => {
            out(p, format(r, args, useRaw));
            next(i + 1);
          });
        };
        next(0);
      },
    );
    return;
  }
  client.connect(true);
  const prompt = (): void => out(p, client.connected ? `${o.host}:${o.port}${client.db !== 0 ? `[${client.db}]` : ''}> ` : 'not connected> ');
  let typed = '';
  let busy = false;
  let done = false;
  const runTyped = (): void => {
    if (busy || done) return;
    const nl = typed.indexOf('\n');
    if (nl < 0) return;
    const line = typed.slice(0, nl).replace(/\r$/, '');
    typed = typed.slice(nl + 1);
    const args = splitArgs(line);
    if (args === undefined) {
      out(p, 'Invalid argument(s)\n');
      prompt();
      return runTyped();
    }
    if (args.length === 0) {
      prompt();
      return runTyped();
    }
    const name = args[0]!.toLowerCase();
    if (name === 'exit' || name === 'quit') {
      done = true;
      return p.exit(0);
    }
    if (!client.connected && !client.connect(false)) {
      prompt();
      return runTyped();
    }
    busy = true;
    client.run(args, (r) => {
      busy = false;
      out(p, format(r, args, false));
      if (name === 'select' && r.type === 'status') client.db = Number(args[1]);
      prompt();
      runTyped();
    });
  };
  p.onSignal((sig) => {
    if (sig === 2) {
      done = true;
      p.exit(0);
    }
  });
  prompt();
  p.stdin.read(
    (t) => {
      typed += t;
      runTyped();
    },
    () => {
      done = true;
      p.exit(0);
    },
  );
}

/** The connection to the server: commands in, one reply each, in order. */
class Client {
  connected = false;
  db = 0;
  private socket: Socket | undefined;
  private buffer = '';
  private waiting: ((r: Reply) => void)[] = [];

  constructor(
    private readonly p: Proc,
    private readonly o: Options,
  ) {}

  /** Connects (and selects the -n database); says why not on stderr. */
  connect(quietAfter: boolean): boolean {
    const { p, o } = this;
    void quietAfter;
    const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(o.host) ? o.host : o.host === 'localhost' ? '127.0.0.1' : p.net.resolve(o.host);
    if (ip === undefined) {
      err(p, `Could not connect to Redis at ${o.host}:${o.port}: Name or service not known\n`);
      return false;
    }
    const c = p.net.connect(ip, o.port);
    if (!c.ok) {
      const why = c.error === 'ECONNREFUSED' ? 'Connection refused' : c.error === 'ETIMEDOUT' ? 'Connection timed out' : c.error === 'ENETUNREACH' ? 'Network is unreachable' : 'No route to host';
      err(p, `Could not connect to Redis at ${o.host}:${o.port}: ${why}\n`);
      return false;
    }
    this.socket = c.socket;
    this.connected = true;
    c.socket.onData((t) => {
      this.buffer += t;
      for (;;) {
        const r = parseReply(this.buffer);
        if (!r) return;
        this.buffer = this.buffer.slice(r.end);
        this.waiting.shift()?.(r.reply);
      }
    });
    c.socket.onEnd(() => {
      this.connected = false;
      const pending = this.waiting.splice(0);
      for (const w of pending) w({ type: 'error', text: 'Server closed the connection' });
    });
    if (o.db !== 0) {
      this.db = o.db;
      this.run(['SELECT', String(o.db)], () => {});
    }
    return true;
  }

  run(args: readonly string[], done: (r: Reply) => void): void {
    if (!this.socket || !this.connected) return done({ type: 'error', text: 'Server closed the connection' });
    this.waiting.push(done);
    this.socket.write(encodeCommand(args));
  }
}
