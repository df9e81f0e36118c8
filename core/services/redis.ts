import type { Proc } from '../engine/process';
import { out } from '../cshell/procio';
import type { Socket } from '../network/view';
import { fnvHex } from '../fnvHex';
import { execCommand, readText, utcParts } from './proc';
import { encodeReply, error, parseCommand } from './resp';
import { RedisStore, runCommand, type Session } from './redisCommands';
import { readRdb, writeRdb } from './redisRdb';

/**
 * redis-server 7.4 as the official image runs it, and the image's
 * docker-entrypoint.sh in front of it. The entrypoint (a /bin/sh script the
 * simulator cannot run yet) is modelled as a program doing what it does:
 * `redis-server` for an option or a .conf first argument, the step down to
 * the redis user through gosu, then `exec "$@"`. The server logs to stdout
 * as redis does without a logfile, keeps its data in its own memory
 * (redisCommands.ts), serves RESP on port 6379 (resp.ts), saves dump.rdb
 * in its working directory (/data) when it shuts down and loads it when it
 * starts (redisRdb.ts), and exits 0 on SIGTERM or SIGINT after the final save.
 */

const VERSION = '7.4.1';
/** The line of `exec "$@"` in the image's script, which dash names in its error. */
const EXEC_LINE = 24;

export function redisEntrypoint(p: Proc): void {
  let args = p.argv.slice(1);
  const me = p.argv[0] ?? 'docker-entrypoint.sh';
  // first arg is `-f` or `--some-option`, or first arg is `something.conf`
  if (args[0] !== undefined && (args[0].startsWith('-') || args[0].endsWith('.conf'))) args = ['redis-server', ...args];
  if (args[0] === 'redis-server' && p.user === '') {
    // find . \! -user redis -exec chown redis '{}' +; exec gosu redis "$0" "$@": the script runs again as redis.
    p.setCommand?.(['gosu', 'redis', me, ...args], '/usr/local/bin/gosu');
    p.setCommand?.(['/bin/sh', `/usr/local/bin/${me.replace(/^.*\//, '')}`, ...args], `/usr/local/bin/${me.replace(/^.*\//, '')}`);
  }
  execCommand(p, args, (name, code) => `${me}: ${EXEC_LINE}: exec: ${name}: ${code === 127 ? 'not found' : 'Permission denied'}\n`);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "01 Jan 2026 00:00:00.000", redis's log time. */
function logTime(ms: number): string {
  const t = utcParts(ms);
  return `${pad(t.d)} ${t.month} ${t.y} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.${pad(t.ms, 3)}`;
}

interface Config {
  port: number;
  bind: string;
  configFile?: string;
  save: boolean;
  dir: string;
  dbfilename: string;
}

/** The command line: [config file] then --option value …; the first unknown option is redis's FATAL config error. */
function parseArgs(p: Proc, args: string[]): Config | { error: string } {
  const c: Config = { port: 6379, bind: '0.0.0.0', save: true, dir: p.cwd, dbfilename: 'dump.rdb' };
  let i = 0;
  if (args[0] !== undefined && !args[0].startsWith('--')) {
    c.configFile = args[0];
    i = 1;
    const text = readText(p, args[0].startsWith('/') ? args[0] : `${p.cwd}/${args[0]}`);
    if (text === undefined) return { error: `Fatal error, can't open config file '${args[0]}': No such file or directory` };
    for (const line of text.split('\n')) {
      const [k, ...v] = line.trim().split(/\s+/);
      if (!k || k.startsWith('#')) continue;
      const r = setOption(c, k.toLowerCase(), v);
      if (r) return { error: r };
    }
  }
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) return { error: `Invalid argument '${a}'` };
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) values.push(args[++i]!);
    const r = setOption(c, a.slice(2).toLowerCase(), values);
    if (r) return { error: r };
  }
  return c;
}

function setOption(c: Config, key: string, v: string[]): string | undefined {
  if (key === 'port') {
    const n = Number(v[0]);
    if (!Number.isInteger(n) || n < 0 || n > 65535) return `Invalid port`;
    c.port = n;
  } else if (key === 'bind') c.bind = v[0] === '*' || v[0] === '0.0.0.0' || v[0] === '::' ? '0.0.0.0' : (v[0] ?? '0.0.0.0');
  else if (key === 'save') c.save = v.join(' ') !== '' && v.join(' ') !== '""';
  else if (key === 'dir') c.dir = v[0] ?? c.dir;
  else if (key === 'dbfilename') c.dbfilename = v[0] ?? c.dbfilename;
  else if (!['appendonly', 'requirepass', 'maxmemory', 'maxmemory-policy', 'protected-mode', 'loglevel', 'databases', 'daemonize', 'logfile', 'timeout', 'tcp-keepalive'].includes(key)) {
    return `Bad directive or wrong number of arguments`;
  }
  return undefined;
}

export function redisServer(p: Proc): void {
  const args = p.argv.slice(1);
  if (args[0] === '-v' || args[0] === '--version') {
    out(p, `Redis server v=${VERSION} sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=${fnvHex(`redis ${VERSION}`, 16)}\n`);
    return p.exit(0);
  }
  const log = (role: 'C' | 'M', level: '*' | '#', text: string): void => out(p, `${p.pid}:${role} ${logTime(p.now())} ${level} ${text}\n`);
  const parsed = parseArgs(p, args);
  if ('error' in parsed) {
    out(p, `\n*** FATAL CONFIG FILE ERROR (Redis ${VERSION}) ***\n${parsed.error}\n`);
    return p.exit(1);
  }
  const conf = parsed;
  log('C', '#', "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. Being disabled, it can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.");
  log('C', '*', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  log('C', '*', `Redis version=${VERSION}, bits=64, commit=00000000, modified=0, pid=${p.pid}, just started`);
  if (conf.configFile === undefined && args.length === 0) log('C', '#', `Warning: no config file specified, using the default config. In order to specify a config file use ${p.argv[0]} /path/to/redis.conf`);
  else log('C', '*', 'Configuration loaded');
  log('M', '*', 'monotonic clock: POSIX clock_gettime');
  const store = new RedisStore(() => p.now());
  const listener = p.net.listen('tcp', conf.port, (s) => connection(s), conf.bind);
  if ('error' in listener) {
    log('M', '#', `Warning: Could not create server TCP listening socket *:${conf.port}: bind: Address already in use`);
    log('M', '#', `Failed listening on port ${conf.port} (tcp), aborting.`);
    return p.exit(1);
  }
  p.setCommand?.([`redis-server *:${conf.port}`]);
  p.setMemory?.(3_145_728);
  log('M', '*', `Running mode=standalone, port=${conf.port}.`);
  log('M', '*', 'Server initialized');
  const rdbPath = `${conf.dir.replace(/\/$/, '')}/${conf.dbfilename}`;
  const saved = readText(p, rdbPath);
  if (saved !== undefined) {
    const keys = readRdb(saved);
    if (keys) {
      log('M', '*', `Loading RDB produced by version ${VERSION}`);
      log('M', '*', 'RDB age 0 seconds');
      log('M', '*', 'RDB memory usage when created 0.90 Mb');
      for (const k of keys) store.dbs[k.db]!.set(k.key, { v: k.value, expireAt: k.expireAt });
      log('M', '*', `Done loading RDB, keys loaded: ${keys.length}, keys expired: 0.`);
      log('M', '*', 'DB loaded from disk: 0.000 seconds');
    } else log('M', '#', 'Short read or OOM loading DB. Unrecoverable error, aborting now.');
  }
  log('M', '*', 'Ready to accept connections tcp');
  const startedAt = p.now();
  let connected = 0;
  let stopping = false;

  const save = (): void => {
    const keys = store.dbs.flatMap((d, db) => store.keys(db).map((key) => ({ db, key, value: d.get(key)!.v, expireAt: d.get(key)!.expireAt })));
    p.fs.writeFile(rdbPath, writeRdb(keys, { version: VERSION, now: p.now(), usedMem: 900_000 }));
    store.dirty = 0;
  };
  const shutdown = (doSave: boolean | undefined): void => {
    if (stopping) return;
    stopping = true;
    log('M', '*', 'User requested shutdown...');
    if (doSave ?? conf.save) {
      log('M', '*', 'Saving the final RDB snapshot before exiting.');
      save();
      log('M', '*', 'DB saved on disk');
    }
    if ('close' in listener) listener.close();
    log('M', '#', 'Redis is now ready to exit, bye bye...');
    p.exit(0);
  };
  p.onSignal((sig) => {
    if (sig !== 15 && sig !== 2) return;
    out(p, `${p.pid}:signal-handler (${Math.floor(p.now() / 1000)}) Received ${sig === 15 ? 'SIGTERM' : 'SIGINT'} scheduling shutdown...\n`);
    // serverCron notices the flag within 100 ms.
    p.after(100, () => shutdown(undefined));
  });

  function connection(s: Socket): void {
    const session: Session = { db: 0 };
    let buffer = '';
    let open = true;
    connected++;
    const close = (): void => {
      if (!open) return;
      open = false;
      connected--;
      s.end();
    };
    const hooks = {
      info: () => ({ version: VERSION, pid: p.pid, port: conf.port, startedAt, connected }),
      save,
      shutdown: (doSave: boolean | undefined) => shutdown(doSave),
      quit: () => {},
    };
    s.onData((t) => {
      if (!open) return;
      buffer += t;
      for (;;) {
        const cmd = parseCommand(buffer);
        if (cmd === undefined) return;
        if ('error' in cmd) {
          s.write(encodeReply(error(`ERR ${cmd.error}`)));
          return close();
        }
        buffer = cmd.rest;
        if (cmd.args.length === 0) continue;
        const name = cmd.args[0]!.toLowerCase();
        const reply = runCommand(store, session, cmd.args, hooks);
        if (name === 'shutdown' && reply.type !== 'error') return close();
        s.write(encodeReply(reply));
        if (name === 'quit') return close();
      }
    });
    s.onEnd(close);
  }
}
