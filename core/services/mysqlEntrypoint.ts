import type { Program } from '../engine/process';
import { programFor } from '../engine/programs';
import { envValue, err, out } from '../cshell/procio';
import { fnvHex } from '../fnvHex';
import { DataDir, runServer, serverLog, serverUuid, type MysqlBuild, type MysqlServer } from './mysqld';
import { execCommand, readText, rfc3339Seconds } from './proc';
import { splitStatements, SqlError } from './sql';
import { unbindAll } from './unixSockets';

/**
 * The mysql image's /usr/local/bin/docker-entrypoint.sh (docker-library/mysql,
 * copied in fixtures/mysql.ts). The real script runs under bash, which
 * containers here cannot run yet; this program does what it does, with its
 * output line for line and its steps on virtual time: the step down to the
 * mysql user (gosu), the refusal without a root password setting, then on a
 * fresh data directory `mysqld --initialize-insecure`, a temporary server on
 * the socket alone, the root password, MYSQL_DATABASE and MYSQL_USER, the
 * /docker-entrypoint-initdb.d files, the temporary server's shutdown, and
 * finally `exec mysqld` — the server as PID 1, ready some ten seconds after
 * the start. Until then a client gets ERROR 2002.
 */

const TZ_SKIPPED = ['iso3166.tab', 'leap-seconds.list', 'leapseconds', 'tzdata.zi', 'zone.tab', 'zone1970.tab'];

export function mysqlEntrypoint(build: MysqlBuild): Program {
  return (p) => {
    const me = p.argv[0] ?? 'docker-entrypoint.sh';
    let args = p.argv.slice(1);
    if (args[0]?.startsWith('-')) args = ['mysqld', ...args];
    const exec = (): void => execCommand(p, args, (name, code) => `${me.includes('/') ? me : `/usr/local/bin/${me}`}: line 410: exec: ${name}: ${code === 127 ? 'not found' : 'cannot execute: Permission denied'}\n`);
    if (args[0] !== 'mysqld' || args.some((a) => ['-?', '--help', '--print-defaults', '-V', '--version'].includes(a))) return exec();
    // A new run of the container: nothing of the previous one holds a socket.
    unbindAll(p);
    const env = (k: string): string => envValue(p.env, k) ?? '';
    const note = (text: string): void => out(p, `${rfc3339Seconds(p.now())} [Note] [Entrypoint]: ${text}\n`);
    const warn = (text: string): void => err(p, `${rfc3339Seconds(p.now())} [Warn] [Entrypoint]: ${text}\n`);
    const fail = (text: string): void => {
      err(p, `${rfc3339Seconds(p.now())} [ERROR] [Entrypoint]: ${text}\n`);
      p.exit(1);
    };
    const version = env('MYSQL_VERSION') || build.packageVersion;
    const script = `/usr/local/bin/${me.replace(/^.*\//, '')}`;
    const data = new DataDir(p);
    // The kernel runs the script through its #!/bin/bash line: that is the command line ps shows.
    p.setCommand?.(['/bin/bash', script, ...args]);
    note(`Entrypoint script for MySQL Server ${version} started.`);
    // mysqld --verbose --help reads the configuration (mysql_check_config) before anything else.
    p.after(600, () => {
      const exists = data.initialized();
      if (p.user === '') {
        note("Switching to dedicated user 'mysql'");
        p.setCommand?.(['gosu', 'mysql', script, ...args], '/usr/local/bin/gosu');
        p.setCommand?.(['/bin/bash', script, ...args], script);
      }
      p.after(600, () => {
        note(`Entrypoint script for MySQL Server ${version} started.`);
        if (exists) {
          socketFix();
          return exec();
        }
        if (env('MYSQL_ROOT_PASSWORD') === '' && env('MYSQL_ALLOW_EMPTY_PASSWORD') === '' && env('MYSQL_RANDOM_ROOT_PASSWORD') === '') {
          return fail('Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD');
        }
        if (env('MYSQL_USER') === 'root') {
          return fail('MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user\n    Remove MYSQL_USER="root" and use one of the following to control the root user password:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD');
        }
        if (env('MYSQL_USER') !== '' && env('MYSQL_PASSWORD') === '') warn('MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created');
        else if (env('MYSQL_USER') === '' && env('MYSQL_PASSWORD') !== '') warn('MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored');
        initialize();
      });
    });

    function socketFix(): void {
      // The Oracle builds' compiled-in socket is /var/lib/mysql/mysql.sock: the script links it to the configured one.
      if (build.major === '5.7') out(p, "'/var/lib/mysql/mysql.sock' -> '/var/run/mysqld/mysqld.sock'\n");
    }

    function initialize(): void {
      note('Initializing database files');
      const child = p.spawn(['mysqld', '--initialize-insecure', '--default-time-zone=SYSTEM', ...(build.major === '8.0' ? ['--autocommit=1'] : [])]);
      const log = (ms: number, level: 'System' | 'Warning' | 'Note', code: string, subsystem: string, text: string, thread = 0): void => {
        p.after(ms, () => serverLog(p, build, p.now(), thread, level, code, subsystem, text));
      };
      if (build.major === '8.0') {
        log(100, 'System', '013169', 'Server', `/usr/sbin/mysqld (mysqld ${build.version}) initializing of server in progress as process ${child.pid}`);
        log(110, 'System', '013576', 'InnoDB', 'InnoDB initialization has started.', 1);
        log(700, 'System', '013577', 'InnoDB', 'InnoDB initialization has ended.', 1);
        log(2_600, 'Warning', '010453', 'Server', 'root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.', 6);
      } else {
        log(100, 'Warning', '', '', 'TIMESTAMP with implicit DEFAULT value is deprecated. Please use --explicit_defaults_for_timestamp server option (see documentation for more details).');
        log(700, 'Warning', '', '', 'InnoDB: New log files created, LSN=45790');
        log(800, 'Warning', '', '', 'InnoDB: Creating foreign key constraint system tables.');
        log(900, 'Warning', '', '', `No existing UUID has been found, so we assume that this is the first time that this server has been started. Generating a new UUID: ${serverUuid(p)}.`);
        log(950, 'Warning', '', '', "Gtid table is not ready to be used. Table 'mysql.gtid_executed' cannot be opened.");
        log(1_500, 'Warning', '', '', 'CA certificate ca.pem is self signed.');
        log(1_600, 'Warning', '', '', 'root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.', 1);
      }
      p.after(3_000, () => {
        data.initialize(build, serverUuid(p));
        child.exit(0);
        note('Database files initialized');
        note('Starting temporary server');
        temporaryServer();
      });
    }

    function temporaryServer(): void {
      const socketArgs = ['--skip-networking', '--default-time-zone=SYSTEM', '--socket=/var/run/mysqld/mysqld.sock'];
      const child = p.spawn(['mysqld', ...(build.major === '8.0' ? ['--daemonize'] : []), ...socketArgs]);
      if (build.major === '5.7') note('Waiting for server startup');
      let stopped: () => void = () => {};
      const server: MysqlServer = runServer(p, build, data, { pid: child.pid, port: 0, thread: 0, onExit: () => stopped() });
      p.after(700, () => {
        note('Temporary server started.');
        socketFix();
        setupDb(server, () => {
          note('Stopping temporary server');
          stopped = () => {
            child.exit(0);
            note('Temporary server stopped');
            out(p, '\n');
            note('MySQL init process done. Ready for start up.');
            out(p, '\n');
            exec();
          };
          // mysqladmin shutdown: the server logs it and goes.
          const admin = p.spawn(['mysqladmin', '--defaults-extra-file=/dev/fd/63', 'shutdown', '-uroot', '--socket=/var/run/mysqld/mysqld.sock']);
          admin.exit(0);
          server.shutdownBy('root');
        });
      });
    }

    function setupDb(server: MysqlServer, done: () => void): void {
      // mysql_tzinfo_to_sql /usr/share/zoneinfo | … : the files that are not time zones are reported.
      if (env('MYSQL_INITDB_SKIP_TZINFO') === '') for (const f of TZ_SKIPPED) err(p, `Warning: Unable to load '/usr/share/zoneinfo/${f}' as time zone. Skipping it.\n`);
      p.after(1_200, () => {
        let password = env('MYSQL_ROOT_PASSWORD');
        if (env('MYSQL_RANDOM_ROOT_PASSWORD') !== '') {
          password = base64ish(fnvHex(`mysql root ${p.hostname} ${p.now()}`, 48));
          note(`GENERATED ROOT PASSWORD: ${password}`);
        }
        const rootHost = envValue(p.env, 'MYSQL_ROOT_HOST') ?? '%';
        const accounts = [{ user: 'root', host: 'localhost', password }];
        if (rootHost !== '' && rootHost !== 'localhost') accounts.push({ user: 'root', host: rootHost, password });
        const db = env('MYSQL_DATABASE');
        if (db !== '') {
          note(`Creating database ${db}`);
          if (!server.engine.databases.has(db)) server.engine.databases.set(db, new Map());
        }
        const user = env('MYSQL_USER');
        if (user !== '' && env('MYSQL_PASSWORD') !== '') {
          note(`Creating user ${user}`);
          accounts.push({ user, host: '%', password: env('MYSQL_PASSWORD') });
          if (db !== '') note(`Giving user ${user} access to schema ${db}`);
        }
        data.saveAccounts(accounts);
        data.save(server.engine);
        initFiles(server, done);
      });
    }

    /** docker_process_init_files: *.sh run or sourced, *.sql fed to the temporary server, the rest ignored. */
    function initFiles(server: MysqlServer, done: () => void): void {
      out(p, '\n');
      const dir = '/docker-entrypoint-initdb.d';
      const names = p.fs.readdir(dir);
      const files = typeof names === 'string' ? [] : names.map((n) => `${dir}/${n}`);
      const next = (i: number): void => {
        if (i >= files.length) return done();
        const f = files[i]!;
        if (f.endsWith('.sql')) {
          note(`${script}: running ${f}`);
          const text = readText(p, f) ?? '';
          const session = { db: env('MYSQL_DATABASE') || null, user: 'root', host: 'localhost', connectionId: 9 };
          for (const st of splitStatements(text.endsWith('\n') ? text : `${text}\n`).statements) {
            try {
              server.engine.run(st.sql, session, st.line);
            } catch (e) {
              if (!(e instanceof SqlError)) throw e;
              err(p, `ERROR ${e.code} (${e.state}) at line ${st.line}: ${e.message}\n`);
              return p.exit(1);
            }
          }
          data.save(server.engine);
          out(p, '\n');
          return next(i + 1);
        }
        if (f.endsWith('.sh')) {
          note(`${script}: running ${f}`);
          return programFor('sh')({ ...p, argv: ['sh', '-c', readText(p, f) ?? '', f], exit: (code) => (code === 0 ? next(i + 1) : p.exit(code)), onSignal: () => {} });
        }
        if (/\.sql\.(gz|bz2|xz|zst)$/.test(f)) {
          err(p, `glassbox: compressed init files (${f}) are not simulated yet\n`);
          return next(i + 1);
        }
        warn(`${script}: ignoring ${f}`);
        next(i + 1);
      };
      next(0);
    }
  };
}

/** A random-looking base64 password (what `openssl rand -base64 24` prints), derived from stable values. */
function base64ish(hex: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i + 1 < hex.length && out.length < 32; i += 1) out += alphabet[parseInt(hex.slice(i, i + 2), 16) % 64];
  return out.slice(0, 32);
}
