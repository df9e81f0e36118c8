import type { Proc, Program } from '../engine/process';
import { err, out } from '../cshell/procio';
import { fnvHex } from '../fnvHex';
import type { Socket } from '../network/view';
import { isoMicros } from './proc';
import { SqlError } from './sql';
import { SqlEngine, SYSTEM_SCHEMAS, type SessionInfo, type Table } from './sqlEngine';
import { bindUnix } from './unixSockets';

/**
 * mysqld, the MySQL server, in the two versions the course's images carry
 * (mysql:8.0 on Debian, mysql:5.7 on Oracle Linux): `--initialize-insecure`
 * (the data directory and root@localhost without a password), the server
 * itself on its Unix socket /var/run/mysqld/mysqld.sock and on TCP 3306 (or
 * the socket alone with --skip-networking, as the entrypoint's temporary
 * server runs), accounts checked at connect, SQL through sqlEngine.ts,
 * `SHUTDOWN` from mysqladmin and SIGTERM, and the error log on stderr in
 * each version's format. 5.7's long run of shutdown notes is abridged to
 * its first and last lines.
 *
 * The client and server speak the simulator's own request/answer lines
 * over the socket (MySQL's binary protocol is not modelled); what each side
 * prints is mysql's and mysqld's. Databases live in the data directory:
 * one directory per database, and each table's definition and rows kept as
 * JSON in its .ibd file (InnoDB's pages are not modelled).
 */

export interface MysqlBuild {
  version: string;
  /** The image's MYSQL_VERSION (the package). */
  packageVersion: string;
  /** "MySQL Community Server - GPL" (8.0) or "MySQL Community Server (GPL)" (5.7). */
  license: string;
  major: '8.0' | '5.7';
}

export const MYSQL_8_0: MysqlBuild = { version: '8.0.40', packageVersion: '8.0.40-1debian12', license: 'MySQL Community Server - GPL', major: '8.0' };
export const MYSQL_5_7: MysqlBuild = { version: '5.7.44', packageVersion: '5.7.44-1.el7', license: 'MySQL Community Server (GPL)', major: '5.7' };

export const DATADIR = '/var/lib/mysql';
export const SOCKET = '/var/run/mysqld/mysqld.sock';

/** The error log line of each version: 8.0 with the error code and subsystem, 5.7 without. */
export function serverLog(p: Proc, build: MysqlBuild, at: number, thread: number, level: 'System' | 'Warning' | 'Note' | 'ERROR', code: string, subsystem: string, text: string): void {
  const head = `${isoMicros(at)} ${thread}`;
  err(p, build.major === '8.0' ? `${head} [${level}] [MY-${code}] [${subsystem}] ${text}\n` : `${head} [${level === 'System' ? 'Note' : level}] ${text}\n`);
}

export interface Account {
  user: string;
  host: string;
  password: string;
}

interface Stored {
  accounts: Account[];
}

/** The data directory as the server reads and writes it. */
export class DataDir {
  constructor(private readonly p: Proc) {}

  initialized(): boolean {
    return this.p.fs.isDir(`${DATADIR}/mysql`);
  }

  /** mysqld --initialize-insecure: the system schemas and root@localhost with no password. */
  initialize(build: MysqlBuild, uuid: string): void {
    const fs = this.p.fs;
    for (const d of ['mysql', 'performance_schema', 'sys', '#innodb_temp']) fs.mkdir(`${DATADIR}/${d}`, { parents: true });
    fs.writeFile(`${DATADIR}/auto.cnf`, `[auto]\nserver-uuid=${uuid}\n`);
    for (const f of ['ibdata1', 'ib_buffer_pool', 'ca-key.pem', 'ca.pem', 'client-cert.pem', 'client-key.pem', 'private_key.pem', 'public_key.pem', 'server-cert.pem', 'server-key.pem']) fs.writeFile(`${DATADIR}/${f}`, '');
    if (build.major === '8.0') {
      for (const f of ['undo_001', 'undo_002', 'binlog.000001', 'binlog.index']) fs.writeFile(`${DATADIR}/${f}`, '');
      fs.mkdir(`${DATADIR}/#innodb_redo`);
      fs.writeFile(`${DATADIR}/sys/sys_config.ibd`, '');
    } else for (const f of ['ib_logfile0', 'ib_logfile1']) fs.writeFile(`${DATADIR}/${f}`, '');
    this.saveAccounts([{ user: 'root', host: 'localhost', password: '' }]);
  }

  accounts(): Account[] {
    const r = this.p.fs.tryRead(this.accountsFile());
    if (!('data' in r)) return [];
    try {
      return (JSON.parse(r.data) as Stored).accounts;
    } catch {
      return [];
    }
  }

  saveAccounts(accounts: Account[]): void {
    this.p.fs.writeFile(this.accountsFile(), JSON.stringify({ accounts } satisfies Stored));
  }

  private accountsFile(): string {
    return `${DATADIR}/mysql.ibd`;
  }

  /** The user databases and their tables. */
  load(engine: SqlEngine): void {
    const names = this.p.fs.readdir(DATADIR);
    if (typeof names === 'string') return;
    for (const db of names) {
      if (SYSTEM_SCHEMAS.includes(db) || db.startsWith('#') || !this.p.fs.isDir(`${DATADIR}/${db}`)) continue;
      const tables = new Map<string, Table>();
      const files = this.p.fs.readdir(`${DATADIR}/${db}`);
      for (const f of typeof files === 'string' ? [] : files) {
        if (!f.endsWith('.ibd')) continue;
        const r = this.p.fs.tryRead(`${DATADIR}/${db}/${f}`);
        if ('data' in r) {
          try {
            tables.set(f.slice(0, -4), JSON.parse(r.data) as Table);
          } catch {
            // A file that is not ours: not a table the simulator can read.
          }
        }
      }
      engine.databases.set(db, tables);
    }
  }

  /** Writes what the engine holds back: a directory per database, an .ibd per table. */
  save(engine: SqlEngine): void {
    const fs = this.p.fs;
    const names = fs.readdir(DATADIR);
    for (const db of typeof names === 'string' ? [] : names) {
      if (!SYSTEM_SCHEMAS.includes(db) && !db.startsWith('#') && fs.isDir(`${DATADIR}/${db}`) && !engine.databases.has(db)) fs.remove(`${DATADIR}/${db}`, { recursive: true });
    }
    for (const [db, tables] of engine.databases) {
      fs.mkdir(`${DATADIR}/${db}`, { parents: true });
      const files = fs.readdir(`${DATADIR}/${db}`);
      for (const f of typeof files === 'string' ? [] : files) if (f.endsWith('.ibd') && !tables.has(f.slice(0, -4))) fs.remove(`${DATADIR}/${db}/${f}`);
      for (const [name, t] of tables) fs.writeFile(`${DATADIR}/${db}/${name}.ibd`, JSON.stringify(t));
    }
  }
}

/** What a client sends: a line of JSON. */
export type Request = { type: 'connect'; user: string; password: string | null; db?: string } | { type: 'query'; sql: string; line: number } | { type: 'shutdown' };

export type Answer =
  | { ok: true; id: number; version: string; db: string | null }
  | { ok: true; result: ReturnType<SqlEngine['run']>; db: string | null }
  | { ok: true }
  | { error: { code: number; state: string; message: string } };

/** A running server: its sockets, sessions and the SQL engine. */
export class MysqlServer {
  readonly engine: SqlEngine;
  private nextId: number;
  private closers: (() => void)[] = [];

  constructor(
    private readonly p: Proc,
    readonly build: MysqlBuild,
    private readonly data: DataDir,
    private readonly onShutdown: (user: string) => void,
    firstConnection: number,
  ) {
    this.engine = new SqlEngine(build.version, () => p.now());
    this.nextId = firstConnection;
    data.load(this.engine);
  }

  /** Binds the socket, and TCP 3306 unless `port` is 0. Returns the error text mysqld logs when it cannot. */
  listen(port: number): string | undefined {
    const unix = bindUnix(this.p, SOCKET, (s) => this.session(s, 'localhost'));
    if (unix === 'EADDRINUSE') return `Another process with pid 1 is using unix socket file.`;
    this.closers.push(() => unix.close());
    if (port > 0) {
      const tcp = this.p.net.listen('tcp', port, (s) => this.session(s, s.remote.ip));
      if ('error' in tcp) return `Can't start server: Bind on TCP/IP port: Address already in use`;
      this.closers.push(() => tcp.close());
    }
    return undefined;
  }

  close(): void {
    for (const c of this.closers.splice(0)) c();
  }

  /** SHUTDOWN as `user` sends it (mysqladmin shutdown). */
  shutdownBy(user: string): void {
    this.onShutdown(user);
  }

  private session(s: Socket, host: string): void {
    let buffer = '';
    let session: SessionInfo | undefined;
    const send = (a: Answer): void => s.write(JSON.stringify(a) + '\n');
    const fail = (e: SqlError): void => send({ error: { code: e.code, state: e.state, message: e.message } });
    s.onEnd(() => s.end());
    s.onData((t) => {
      buffer += t;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const req = JSON.parse(buffer.slice(0, nl)) as Request;
        buffer = buffer.slice(nl + 1);
        if (req.type === 'connect') {
          const account = this.data.accounts().find((a) => a.user === req.user && (a.host === '%' || a.host === host));
          if (!account || account.password !== (req.password ?? '')) {
            fail(new SqlError(1045, '28000', `Access denied for user '${req.user}'@'${host}' (using password: ${req.password ? 'YES' : 'NO'})`));
            s.end();
            return;
          }
          session = { db: null, user: req.user, host, connectionId: this.nextId++ };
          if (req.db !== undefined) {
            if (!this.engine.databases.has(req.db) && !SYSTEM_SCHEMAS.includes(req.db)) {
              fail(new SqlError(1049, '42000', `Unknown database '${req.db}'`));
              s.end();
              return;
            }
            session.db = req.db;
          }
          send({ ok: true, id: session.connectionId, version: this.build.version, db: session.db });
        } else if (!session) {
          s.end();
        } else if (req.type === 'shutdown') {
          send({ ok: true });
          s.end();
          this.onShutdown(session.user);
          return;
        } else {
          try {
            const result = this.engine.run(req.sql, session, req.line);
            if (result.kind !== 'rows') this.data.save(this.engine);
            send({ ok: true, result, db: session.db });
          } catch (e) {
            if (!(e instanceof SqlError)) throw e;
            fail(e);
          }
        }
      }
    });
  }
}

/** The uuid a server generates at --initialize (stable: derived from the container's hostname and the time). */
export function serverUuid(p: Proc): string {
  const h = fnvHex(`mysql ${p.hostname} ${p.now()}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-11ef-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `mysqld` run on its own: --version; as the server (the entrypoint's `exec "$@"`) when the data directory is ready. */
export function mysqldProgram(build: MysqlBuild): Program {
  return (p) => {
    const args = p.argv.slice(1);
    if (args.includes('--version') || args.includes('-V')) {
      out(p, build.major === '8.0' ? `/usr/sbin/mysqld  Ver ${build.version} for Linux on x86_64 (${build.license})\n` : `mysqld  Ver ${build.version} for Linux on x86_64 (${build.license})\n`);
      return p.exit(0);
    }
    const data = new DataDir(p);
    if (!data.initialized()) {
      err(p, 'glassbox: mysqld without an initialized data directory (and without the image\'s entrypoint) is not simulated yet\n');
      return p.exit(2);
    }
    runServer(p, build, data, { pid: p.pid, port: args.includes('--skip-networking') ? 0 : 3306, thread: 0 });
  };
}

/** Starts the server as this process: start-up lines, "ready for connections", then serves until SHUTDOWN or SIGTERM. */
export function runServer(p: Proc, build: MysqlBuild, data: DataDir, opts: { pid: number; port: number; thread: number; onExit?: () => void }): MysqlServer {
  const log = (ms: number, level: 'System' | 'Warning' | 'Note', code: string, subsystem: string, text: string): void => {
    const emit = (): void => serverLog(p, build, p.now(), 0, level, code, subsystem, text);
    if (ms === 0) emit();
    else p.after(ms, emit);
  };
  let stopped = false;
  const stop = (by: string): void => {
    if (stopped) return;
    stopped = true;
    server.close();
    if (build.major === '8.0') {
      log(0, 'System', '013172', 'Server', `Received SHUTDOWN from user ${by}. Shutting down mysqld (Version: ${build.version}).`);
      p.after(1_200, () => {
        log(0, 'System', '010910', 'Server', `/usr/sbin/mysqld: Shutdown complete (mysqld ${build.version})  ${build.license}.`);
        (opts.onExit ?? (() => p.exit(0)))();
      });
    } else {
      log(0, 'Note', '', '', 'Giving 0 client threads a chance to die gracefully');
      log(0, 'Note', '', '', 'Shutting down slave threads');
      log(0, 'Note', '', '', 'Forcefully disconnecting 0 remaining clients');
      log(0, 'Note', '', '', 'Event Scheduler: Purging the queue. 0 events');
      log(0, 'Note', '', '', 'Binlog end');
      p.after(1_200, () => {
        log(0, 'Note', '', '', 'mysqld: Shutdown complete');
        err(p, '\n');
        (opts.onExit ?? (() => p.exit(0)))();
      });
    }
  };
  const server = new MysqlServer(p, build, data, (user) => stop(user), 8);
  if (build.major === '8.0') {
    log(0, 'System', '010116', 'Server', `/usr/sbin/mysqld (mysqld ${build.version}) starting as process ${opts.pid}`);
    log(10, 'System', '013576', 'InnoDB', 'InnoDB initialization has started.');
    log(300, 'System', '013577', 'InnoDB', 'InnoDB initialization has ended.');
    log(600, 'Warning', '010068', 'Server', 'CA certificate ca.pem is self signed.');
    log(600, 'System', '013602', 'Server', 'Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel.');
    log(610, 'Warning', '011810', 'Server', "Insecure configuration for --pid-file: Location '/var/run/mysqld' in the path is accessible to all OS users. Consider choosing a different directory.");
  } else {
    log(0, 'Warning', '', '', 'TIMESTAMP with implicit DEFAULT value is deprecated. Please use --explicit_defaults_for_timestamp server option (see documentation for more details).');
    log(1, 'Note', '', '', `mysqld (mysqld ${build.version}) starting as process ${opts.pid} ...`);
    log(5, 'Note', '', '', 'InnoDB: PUNCH HOLE support available');
    log(300, 'Note', '', '', 'InnoDB: Buffer pool(s) load completed');
    log(600, 'Warning', '', '', 'CA certificate ca.pem is self signed.');
    log(610, 'Warning', '', '', "Insecure configuration for --pid-file: Location '/var/run/mysqld' in the path is accessible to all OS users. Consider choosing a different directory.");
  }
  // The server takes its sockets when start-up is done: a client before then gets ERROR 2002.
  p.after(650, () => {
    if (stopped) return;
    const failed = server.listen(opts.port);
    if (failed !== undefined) {
      serverLog(p, build, p.now(), 0, 'ERROR', '010262', 'Server', failed);
      stopped = true;
      return (opts.onExit ?? (() => p.exit(1)))();
    }
    if (build.major === '8.0') {
      log(0, 'System', '011323', 'Server', opts.port > 0 ? "X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock" : 'X Plugin ready for connections. Socket: /var/run/mysqld/mysqlx.sock');
      log(0, 'System', '010931', 'Server', `/usr/sbin/mysqld: ready for connections. Version: '${build.version}'  socket: '${SOCKET}'  port: ${opts.port}  ${build.license}.`);
    } else {
      log(0, 'Note', '', '', 'mysqld: ready for connections.');
      err(p, `Version: '${build.version}'  socket: '${SOCKET}'  port: ${opts.port}  ${build.license}\n`);
    }
  });
  if (opts.onExit === undefined) {
    p.setMemory?.(build.major === '8.0' ? 375_000_000 : 205_000_000);
    p.onSignal((sig) => {
      if (sig === 15 || sig === 2 || sig === 3) stop('<via user signal>');
    });
  }
  return server;
}
