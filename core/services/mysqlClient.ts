import type { Proc, Program } from '../engine/process';
import { err, out } from '../cshell/procio';
import type { Socket } from '../network/view';
import { utf8Length } from '../utf8';
import type { Answer, MysqlBuild, Request } from './mysqld';
import { SOCKET } from './mysqld';
import { splitStatements, type SqlValue } from './sql';
import type { Result } from './sqlEngine';
import { connectUnix } from './unixSockets';

/**
 * The mysql command-line client and mysqladmin: options as they parse them,
 * the connection (the server's Unix socket for localhost, TCP for any other
 * host), and output as mysql prints it — tab-separated in batch mode (a pipe,
 * or -e without a terminal), boxed tables with "N rows in set" at the
 * interactive `mysql>` prompt (or with -t), and MySQL's error lines
 * ("ERROR 1045 (28000): …", "… at line N" in batch mode).
 */

interface Options {
  user: string;
  password: string | null | 'prompt';
  host: string;
  port: number;
  db?: string;
  execute?: string;
  table: boolean;
  batch: boolean;
  skipNames: boolean;
  vertical: boolean;
  socket: string;
  passwordOnCommandLine: boolean;
}

function parseOptions(prog: string, argv: readonly string[]): Options | { error: string } | 'version' {
  const o: Options = { user: 'root', password: null, host: 'localhost', port: 3306, table: false, batch: false, skipNames: false, vertical: false, socket: SOCKET, passwordOnCommandLine: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    const takeValue = (inline: string | undefined): string | undefined => inline ?? argv[++i];
    if (long) {
      const [, name, inline] = long;
      if (name === 'user') o.user = takeValue(inline) ?? '';
      else if (name === 'password') {
        if (inline === undefined) o.password = 'prompt';
        else {
          o.password = inline;
          o.passwordOnCommandLine = true;
        }
      } else if (name === 'host') o.host = takeValue(inline) ?? '';
      else if (name === 'port') o.port = Number(takeValue(inline));
      else if (name === 'database') o.db = takeValue(inline);
      else if (name === 'execute') o.execute = takeValue(inline);
      else if (name === 'socket') o.socket = takeValue(inline) ?? SOCKET;
      else if (name === 'protocol') {
        if ((takeValue(inline) ?? '').toUpperCase() === 'TCP' && o.host === 'localhost') o.host = '127.0.0.1';
      } else if (name === 'table') o.table = true;
      else if (name === 'batch') o.batch = true;
      else if (name === 'skip-column-names') o.skipNames = true;
      else if (name === 'vertical') o.vertical = true;
      else if (name === 'silent') o.batch = true;
      else if (name === 'version') return 'version';
      else if (name === 'comments' || name === 'force') continue;
      else return { error: `${prog}: [ERROR] unknown option '--${name}'.` };
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      const flag = a[1]!;
      const rest = a.slice(2);
      if ('uhPDeS'.includes(flag)) {
        const v = rest !== '' ? rest : argv[++i];
        if (v === undefined) return { error: `${prog}: [ERROR] ${prog}: option '-${flag}' requires an argument.` };
        if (flag === 'u') o.user = v;
        else if (flag === 'h') o.host = v;
        else if (flag === 'P') o.port = Number(v);
        else if (flag === 'D') o.db = v;
        else if (flag === 'e') o.execute = v;
        else o.socket = v;
      } else if (flag === 'p') {
        if (rest === '') o.password = 'prompt';
        else {
          o.password = rest;
          o.passwordOnCommandLine = true;
        }
      } else if ([...a.slice(1)].every((c) => 'tBNsEV'.includes(c))) {
        for (const c of a.slice(1)) {
          if (c === 't') o.table = true;
          else if (c === 'B' || c === 's') o.batch = true;
          else if (c === 'N') o.skipNames = true;
          else if (c === 'E') o.vertical = true;
          else return 'version';
        }
      } else return { error: `${prog}: [ERROR] unknown option '-${flag}'.` };
      continue;
    }
    positional.push(a);
  }
  if (positional[0] !== undefined && o.db === undefined) o.db = positional[0];
  return o;
}

/** A connection, request by request. */
class Connection {
  private buffer = '';
  private waiting: ((a: Answer) => void)[] = [];
  closed = false;

  constructor(private readonly socket: Socket) {
    socket.onData((t) => {
      this.buffer += t;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const a = JSON.parse(this.buffer.slice(0, nl)) as Answer;
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(a);
      }
    });
    socket.onEnd(() => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w({ error: { code: 2013, state: 'HY000', message: 'Lost connection to MySQL server during query' } });
    });
  }

  send(req: Request, done: (a: Answer) => void): void {
    if (this.closed) return done({ error: { code: 2006, state: 'HY000', message: 'MySQL server has gone away' } });
    this.waiting.push(done);
    this.socket.write(JSON.stringify(req) + '\n');
  }
}

/** Opens the connection as the client does: the socket for localhost, else TCP; the text of error 2002/2003/2005 otherwise. */
function open(p: Proc, o: Options, build: MysqlBuild): Socket | string {
  if (o.host === 'localhost') {
    const s = connectUnix(p, o.socket);
    if (typeof s !== 'string') return s;
    return `ERROR 2002 (HY000): Can't connect to local MySQL server through socket '${o.socket}' (${s === 'ENOENT' ? 2 : 111})`;
  }
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(o.host) ? o.host : p.net.resolve(o.host);
  if (ip === undefined) return `ERROR 2005 (HY000): Unknown MySQL server host '${o.host}' (-2)`;
  const c = p.net.connect(ip, o.port);
  if (!c.ok) {
    const errno = c.error === 'ECONNREFUSED' ? 111 : c.error === 'ETIMEDOUT' ? 110 : 113;
    return build.major === '8.0' ? `ERROR 2003 (HY000): Can't connect to MySQL server on '${o.host}:${o.port}' (${errno})` : `ERROR 2003 (HY000): Can't connect to MySQL server on '${o.host}' (${errno})`;
  }
  return c.socket;
}

const cell = (v: SqlValue): string => (v === null ? 'NULL' : String(v));

/** mysql's boxed table. */
export function formatTable(r: Extract<Result, { kind: 'rows' }>): string {
  const widths = r.headers.map((h, i) => Math.max(utf8Length(h), ...r.rows.map((row) => utf8Length(cell(row[i]!)))));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const pad = (s: string, w: number, right: boolean): string => (right ? ' '.repeat(w - utf8Length(s)) + s : s + ' '.repeat(w - utf8Length(s)));
  const row = (cells: string[], numeric: boolean[]): string => `| ${cells.map((c, i) => pad(c, widths[i]!, numeric[i]!)).join(' | ')} |\n`;
  return line + row(r.headers, r.headers.map(() => false)) + line + r.rows.map((x) => row(x.map(cell), r.numeric)).join('') + line;
}

/** Batch mode: tab-separated, special characters escaped, column names first unless -N. */
export function formatBatch(r: Extract<Result, { kind: 'rows' }>, skipNames: boolean): string {
  if (r.rows.length === 0) return '';
  const esc = (v: SqlValue): string => (v === null ? 'NULL' : String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\0/g, '\\0'));
  return (skipNames ? '' : r.headers.join('\t') + '\n') + r.rows.map((row) => row.map(esc).join('\t') + '\n').join('');
}

function formatVertical(r: Extract<Result, { kind: 'rows' }>): string {
  const w = Math.max(...r.headers.map(utf8Length));
  return r.rows.map((row, i) => `${'*'.repeat(27)} ${i + 1}. row ${'*'.repeat(27)}\n${r.headers.map((h, k) => `${' '.repeat(w - utf8Length(h))}${h}: ${cell(row[k]!)}\n`).join('')}`).join('');
}

/** What the interactive client prints after a result. */
function interactiveResult(r: Result, vertical: boolean): string {
  if (r.kind === 'use') return 'Database changed\n';
  if (r.kind === 'ok') return `Query OK, ${r.affected} ${r.affected === 1 ? 'row' : 'rows'} affected (0.01 sec)\n${r.info ? `${r.info}\n` : ''}\n`;
  if (r.rows.length === 0) return 'Empty set (0.00 sec)\n\n';
  return `${vertical ? formatVertical(r) : formatTable(r)}${r.rows.length} ${r.rows.length === 1 ? 'row' : 'rows'} in set (0.00 sec)\n\n`;
}

const BANNER = (build: MysqlBuild, id: number): string =>
  `Welcome to the MySQL monitor.  Commands end with ; or \\g.\nYour MySQL connection id is ${id}\nServer version: ${build.version} ${build.license}\n\n` +
  `Copyright (c) 2000, ${build.major === '8.0' ? '2024' : '2023'}, Oracle and/or its affiliates.\n\nOracle is a registered trademark of Oracle Corporation and/or its\n` +
  "affiliates. Other names may be trademarks of their respective\nowners.\n\nType 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n";

export function mysqlClient(build: MysqlBuild): Program {
  return (p) => {
    const o = parseOptions('mysql', p.argv.slice(1));
    if (o === 'version') {
      out(p, build.major === '8.0' ? `mysql  Ver ${build.version} for Linux on x86_64 (${build.license})\n` : `mysql  Ver 14.14 Distrib ${build.version}, for Linux (x86_64) using  EditLine wrapper\n`);
      return p.exit(0);
    }
    if ('error' in o) {
      err(p, `${o.error}\n`);
      return p.exit(1);
    }
    withPassword(p, o, () => connect(p, o, build, (conn, id) => {
      const interactive = o.execute === undefined && p.tty;
      if (o.execute !== undefined) return runBatch(p, o, conn, o.execute, () => {});
      if (!interactive) {
        let text = '';
        return p.stdin.read((t) => (text += t), () => runBatch(p, o, conn, text, () => {}));
      }
      runInteractive(p, o, build, conn, id);
    }));
  };
}

/** -p without a value: "Enter password: " and a line from the terminal. */
function withPassword(p: Proc, o: Options, next: () => void): void {
  if (o.password !== 'prompt') return next();
  err(p, 'Enter password: ');
  let typed = '';
  let done = false;
  p.stdin.read(
    (t) => {
      if (done) return;
      typed += t;
      const nl = typed.indexOf('\n');
      if (nl < 0) return;
      done = true;
      o.password = typed.slice(0, nl).replace(/\r$/, '');
      next();
    },
    () => {
      if (done) return;
      done = true;
      o.password = typed;
      next();
    },
  );
}

function connect(p: Proc, o: Options, build: MysqlBuild, then: (conn: Connection, id: number) => void): void {
  if (o.passwordOnCommandLine) err(p, 'mysql: [Warning] Using a password on the command line interface can be insecure.\n');
  const s = open(p, o, build);
  if (typeof s === 'string') {
    err(p, `${s}\n`);
    return p.exit(1);
  }
  const conn = new Connection(s);
  const password = o.password === 'prompt' ? null : o.password;
  conn.send({ type: 'connect', user: o.user, password: password === '' ? null : password, ...(o.db !== undefined ? { db: o.db } : {}) }, (a) => {
    if ('error' in a) {
      err(p, `ERROR ${a.error.code} (${a.error.state}): ${a.error.message}\n`);
      return p.exit(1);
    }
    then(conn, 'id' in a ? a.id : 0);
  });
}

/** Statements from -e or a pipe: batch output; the first error ends it ("at line N"), exit 1. */
function runBatch(p: Proc, o: Options, conn: Connection, text: string, done: () => void): void {
  const { statements, rest } = splitStatements(text);
  if (rest.trim() !== '') statements.push({ sql: rest, line: 1 + (text.slice(0, text.length - rest.length).split('\n').length - 1) + leadingNewlines(rest), vertical: false });
  const next = (i: number): void => {
    if (i >= statements.length) {
      done();
      return p.exit(0);
    }
    const st = statements[i]!;
    conn.send({ type: 'query', sql: st.sql.trim(), line: st.line }, (a) => {
      if ('error' in a) {
        err(p, a.error.code === 0 ? `${a.error.message}\n` : `ERROR ${a.error.code} (${a.error.state}) at line ${st.line}: ${a.error.message}\n`);
        return p.exit(a.error.code === 0 ? 2 : 1);
      }
      // A terminal on both ends (docker exec -t) keeps mysql out of silent mode: -e then prints the boxed table.
      const boxed = o.table || (p.tty && !o.batch);
      if ('result' in a && a.result.kind === 'rows') out(p, st.vertical || o.vertical ? formatVertical(a.result) : boxed ? (a.result.rows.length > 0 ? formatTable(a.result) : '') : formatBatch(a.result, o.skipNames));
      next(i + 1);
    });
  };
  next(0);
}

function leadingNewlines(s: string): number {
  return /^\s*/.exec(s)![0].split('\n').length - 1;
}

/** The `mysql>` prompt: statements as they are completed by ; \g or \G; exit, quit or \q leave. */
function runInteractive(p: Proc, o: Options, build: MysqlBuild, conn: Connection, id: number): void {
  out(p, BANNER(build, id));
  let pending = '';
  let typed = '';
  let busy = false;
  const prompt = (): void => out(p, pending.trim() === '' ? 'mysql> ' : '    -> ');
  const bye = (): void => {
    out(p, 'Bye\n');
    p.exit(0);
  };
  const step = (): void => {
    if (busy) return;
    const nl = typed.indexOf('\n');
    if (nl < 0) return;
    const line = typed.slice(0, nl).replace(/\r$/, '');
    typed = typed.slice(nl + 1);
    if (pending.trim() === '' && /^\s*(exit|quit|\\q)\s*;?\s*$/i.test(line)) return bye();
    if (/\\c\s*$/.test(line)) {
      pending = '';
      prompt();
      return step();
    }
    pending += `${line}\n`;
    const { statements, rest } = splitStatements(pending);
    pending = rest.trim() === '' ? '' : rest;
    if (statements.length === 0) {
      if (/^\s*;\s*$/.test(line)) out(p, 'ERROR: \nNo query specified\n\n');
      prompt();
      return step();
    }
    busy = true;
    const run = (i: number): void => {
      if (i >= statements.length) {
        busy = false;
        prompt();
        return step();
      }
      const st = statements[i]!;
      conn.send({ type: 'query', sql: st.sql.trim(), line: 1 }, (a) => {
        if ('error' in a) out(p, a.error.code === 0 ? `${a.error.message}\n` : `ERROR ${a.error.code} (${a.error.state}): ${a.error.message}\n`);
        else if ('result' in a) out(p, interactiveResult(a.result, st.vertical || o.vertical));
        run(i + 1);
      });
    };
    run(0);
  };
  p.onSignal((sig) => {
    if (sig !== 2) return;
    // ^C clears the statement being typed, as mysql 8 does.
    pending = '';
    out(p, '^C\n');
    prompt();
  });
  prompt();
  p.stdin.read(
    (t) => {
      typed += t;
      step();
    },
    bye,
  );
}

/** mysqladmin ping | shutdown (the entrypoint stops its temporary server with it). */
export function mysqladmin(build: MysqlBuild): Program {
  return (p) => {
    const args = p.argv.slice(1);
    const o = parseOptions('mysqladmin', args.filter((a) => !['ping', 'shutdown', 'status', 'version'].includes(a)));
    const command = args.find((a) => ['ping', 'shutdown', 'status', 'version'].includes(a));
    if (o === 'version' || command === 'status' || command === 'version') {
      err(p, 'glassbox: mysqladmin status/version is not simulated yet\n');
      return p.exit(2);
    }
    if ('error' in o) {
      err(p, `${o.error}\n`);
      return p.exit(1);
    }
    if (command === undefined) {
      err(p, 'glassbox: mysqladmin without ping or shutdown is not simulated yet\n');
      return p.exit(2);
    }
    if (o.passwordOnCommandLine) err(p, 'mysqladmin: [Warning] Using a password on the command line interface can be insecure.\n');
    const s = open(p, o, build);
    if (typeof s === 'string') {
      const why = s.replace(/^ERROR \d+ \(HY000\): /, '');
      err(p, `mysqladmin: connect to server at '${o.host}' failed\nerror: '${why}'\n${o.host === 'localhost' ? `Check that mysqld is running and that the socket: '${o.socket}' exists!\n` : ''}`);
      return p.exit(1);
    }
    const conn = new Connection(s);
    conn.send({ type: 'connect', user: o.user, password: o.password === 'prompt' ? null : o.password }, (a) => {
      if ('error' in a) {
        err(p, `mysqladmin: connect to server at '${o.host}' failed\nerror: '${a.error.message}'\n`);
        return p.exit(1);
      }
      if (command === 'ping') {
        out(p, 'mysqld is alive\n');
        return p.exit(0);
      }
      conn.send({ type: 'shutdown' }, () => p.exit(0));
    });
  };
}
