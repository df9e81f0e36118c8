import { utf8Length } from '../utf8';
import { array, bulk, error, integer, NIL, OK, status, type Reply } from './resp';

/**
 * The data and commands of redis-server 7.4, kept in the server process's
 * memory: strings, lists, hashes and sets in sixteen databases, with
 * expiry on the virtual clock, and redis's own error texts (unknown command,
 * wrong number of arguments, WRONGTYPE, not an integer, syntax error).
 */

export type Value = { type: 'string'; value: string } | { type: 'list'; value: string[] } | { type: 'hash'; value: Map<string, string> } | { type: 'set'; value: Set<string> };

interface Entry {
  v: Value;
  /** ms since the epoch, 0 for none. */
  expireAt: number;
}

export class RedisStore {
  readonly dbs: Map<string, Entry>[] = Array.from({ length: 16 }, () => new Map());
  /** Changes since the last save (INFO's rdb_changes_since_last_save). */
  dirty = 0;

  constructor(readonly now: () => number) {}

  entry(db: number, key: string): Entry | undefined {
    const e = this.dbs[db]!.get(key);
    if (e && e.expireAt !== 0 && e.expireAt <= this.now()) {
      this.dbs[db]!.delete(key);
      return undefined;
    }
    return e;
  }

  keys(db: number): string[] {
    return [...this.dbs[db]!.keys()].filter((k) => this.entry(db, k) !== undefined);
  }
}

/** What a client connection carries between commands. */
export interface Session {
  db: number;
}

const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const NOT_INT = error('ERR value is not an integer or out of range');
const SYNTAX = error('ERR syntax error');

/** Arity as redis's command table gives it: n exact (argv[0] included), -n at least n. */
const ARITY: Readonly<Record<string, number>> = {
  ping: -1, echo: 2, set: -3, get: 2, getset: 3, getdel: 2, del: -2, unlink: -2, exists: -2, keys: 2, incr: 2, decr: 2, incrby: 3, decrby: 3,
  append: 3, strlen: 2, mset: -3, mget: -2, setnx: 3, setex: 4, expire: -3, pexpire: -3, ttl: 2, pttl: 2, persist: 2, type: 2, dbsize: 1,
  flushall: -1, flushdb: -1, select: 2, rename: 3, lpush: -3, rpush: -3, lpop: -2, rpop: -2, lrange: 4, llen: 2, lindex: 3, hset: -4,
  hget: 3, hgetall: 2, hdel: -3, hkeys: 2, hvals: 2, hlen: 2, hexists: 3, sadd: -3, smembers: 2, srem: -3, scard: 2, sismember: 3,
  info: -1, save: 1, bgsave: -1, shutdown: -1, quit: -1, auth: -2, randomkey: 1, time: 1, lastsave: 1, command: -1, config: -2, client: -2,
};

function int(text: string): number | undefined {
  return /^-?\d+$/.test(text) && Math.abs(Number(text)) <= Number.MAX_SAFE_INTEGER ? Number(text) : undefined;
}

/** Redis glob patterns (KEYS): * ? [abc] and \-escapes. */
function globMatch(pattern: string, text: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end);
        re += `[${body.startsWith('^') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$', 's').test(text);
}

export interface ServerHooks {
  /** INFO's server section: version, pid, port, uptime. */
  info(): { version: string; pid: number; port: number; startedAt: number; connected: number };
  save(): void;
  shutdown(save: boolean | undefined): void;
  quit(): void;
}

/** Runs one command for a client; the reply to send. */
export function runCommand(store: RedisStore, session: Session, args: string[], hooks: ServerHooks): Reply {
  const [raw, ...rest] = args;
  if (raw === undefined) return status('');
  const name = raw.toLowerCase();
  const arity = ARITY[name];
  if (arity === undefined) {
    let shown = '';
    for (const a of rest) {
      if (shown.length >= 128) break;
      shown += `'${a.slice(0, 128 - shown.length)}' `;
    }
    return error(`ERR unknown command '${raw.slice(0, 128)}', with args beginning with: ${shown}`.replace(/[\r\n]/g, ' '));
  }
  if ((arity > 0 && args.length !== arity) || args.length < -arity) return error(`ERR wrong number of arguments for '${name}' command`);
  const db = store.dbs[session.db]!;
  const now = store.now;
  const get = (key: string): Entry | undefined => store.entry(session.db, key);
  const typed = <T extends Value['type']>(key: string, type: T): Extract<Value, { type: T }> | undefined | 'wrong' => {
    const e = get(key);
    if (!e) return undefined;
    return e.v.type === type ? (e.v as Extract<Value, { type: T }>) : 'wrong';
  };
  const put = (key: string, v: Value, keepTtl = false): void => {
    const old = get(key);
    db.set(key, { v, expireAt: keepTtl && old ? old.expireAt : 0 });
    store.dirty++;
  };
  const changed = (n = 1): void => void (store.dirty += n);
  const incrBy = (key: string, by: number): Reply => {
    const s = typed(key, 'string');
    if (s === 'wrong') return WRONGTYPE;
    const cur = s ? int(s.value) : 0;
    if (cur === undefined) return NOT_INT;
    const e = get(key);
    db.set(key, { v: { type: 'string', value: String(cur + by) }, expireAt: e?.expireAt ?? 0 });
    changed();
    return integer(cur + by);
  };
  const listOf = (key: string, create: boolean): string[] | undefined | 'wrong' => {
    const l = typed(key, 'list');
    if (l === 'wrong') return 'wrong';
    if (l) return l.value;
    if (!create) return undefined;
    const value: string[] = [];
    put(key, { type: 'list', value });
    return value;
  };
  const hashOf = (key: string, create: boolean): Map<string, string> | undefined | 'wrong' => {
    const h = typed(key, 'hash');
    if (h === 'wrong') return 'wrong';
    if (h) return h.value;
    if (!create) return undefined;
    const value = new Map<string, string>();
    put(key, { type: 'hash', value });
    return value;
  };
  const setOf = (key: string, create: boolean): Set<string> | undefined | 'wrong' => {
    const s = typed(key, 'set');
    if (s === 'wrong') return 'wrong';
    if (s) return s.value;
    if (!create) return undefined;
    const value = new Set<string>();
    put(key, { type: 'set', value });
    return value;
  };
  const dropIfEmpty = (key: string, size: number): void => {
    if (size === 0) db.delete(key);
  };
  const [a, b, c] = rest;
  switch (name) {
    case 'ping':
      if (rest.length > 1) return error("ERR wrong number of arguments for 'ping' command");
      return a === undefined ? status('PONG') : bulk(a);
    case 'echo':
      return bulk(a!);
    case 'set': {
      let nx = false;
      let xx = false;
      let keepTtl = false;
      let getOld = false;
      let expireAt = 0;
      for (let i = 2; i < rest.length; i++) {
        const opt = rest[i]!.toUpperCase();
        if (opt === 'NX' && !xx) nx = true;
        else if (opt === 'XX' && !nx) xx = true;
        else if (opt === 'KEEPTTL' && expireAt === 0) keepTtl = true;
        else if (opt === 'GET') getOld = true;
        else if ((opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') && expireAt === 0 && !keepTtl && i + 1 < rest.length) {
          const n = int(rest[++i]!);
          if (n === undefined) return NOT_INT;
          if (n <= 0) return error("ERR invalid expire time in 'set' command");
          expireAt = opt === 'EX' ? now() + n * 1000 : opt === 'PX' ? now() + n : opt === 'EXAT' ? n * 1000 : n;
        } else return SYNTAX;
      }
      const old = get(a!);
      if (getOld && old && old.v.type !== 'string') return WRONGTYPE;
      const oldReply = getOld ? bulk(old ? (old.v as { value: string }).value : null) : undefined;
      if ((nx && old) || (xx && !old)) return oldReply ?? NIL;
      db.set(a!, { v: { type: 'string', value: b! }, expireAt: keepTtl && old ? old.expireAt : expireAt });
      changed();
      return oldReply ?? OK;
    }
    case 'setnx':
      if (get(a!)) return integer(0);
      put(a!, { type: 'string', value: b! });
      return integer(1);
    case 'setex': {
      const n = int(b!);
      if (n === undefined) return NOT_INT;
      if (n <= 0) return error("ERR invalid expire time in 'setex' command");
      db.set(a!, { v: { type: 'string', value: c! }, expireAt: now() + n * 1000 });
      changed();
      return OK;
    }
    case 'get':
    case 'getdel': {
      const s = typed(a!, 'string');
      if (s === 'wrong') return WRONGTYPE;
      if (name === 'getdel' && s) {
        db.delete(a!);
        changed();
      }
      return bulk(s ? s.value : null);
    }
    case 'getset': {
      const s = typed(a!, 'string');
      if (s === 'wrong') return WRONGTYPE;
      put(a!, { type: 'string', value: b! });
      return bulk(s ? s.value : null);
    }
    case 'mset':
      if (rest.length % 2 !== 0) return error("ERR wrong number of arguments for 'mset' command");
      for (let i = 0; i < rest.length; i += 2) put(rest[i]!, { type: 'string', value: rest[i + 1]! });
      return OK;
    case 'mget':
      return array(rest.map((k) => {
        const e = get(k);
        return bulk(e && e.v.type === 'string' ? e.v.value : null);
      }));
    case 'del':
    case 'unlink': {
      let n = 0;
      for (const k of rest) if (get(k) && db.delete(k)) n++;
      changed(n);
      return integer(n);
    }
    case 'exists':
      return integer(rest.filter((k) => get(k) !== undefined).length);
    case 'keys':
      return array(store.keys(session.db).filter((k) => globMatch(a!, k)).map((k) => bulk(k)));
    case 'randomkey': {
      const keys = store.keys(session.db);
      return bulk(keys[0] ?? null);
    }
    case 'incr':
      return incrBy(a!, 1);
    case 'decr':
      return incrBy(a!, -1);
    case 'incrby':
    case 'decrby': {
      const n = int(b!);
      if (n === undefined) return NOT_INT;
      return incrBy(a!, name === 'incrby' ? n : -n);
    }
    case 'append': {
      const s = typed(a!, 'string');
      if (s === 'wrong') return WRONGTYPE;
      const value = (s ? s.value : '') + b!;
      put(a!, { type: 'string', value }, true);
      return integer(utf8Length(value));
    }
    case 'strlen': {
      const s = typed(a!, 'string');
      if (s === 'wrong') return WRONGTYPE;
      return integer(s ? utf8Length(s.value) : 0);
    }
    case 'expire':
    case 'pexpire': {
      const n = int(b!);
      if (n === undefined) return NOT_INT;
      const e = get(a!);
      if (!e) return integer(0);
      if (n <= 0) db.delete(a!);
      else e.expireAt = now() + (name === 'expire' ? n * 1000 : n);
      changed();
      return integer(1);
    }
    case 'ttl':
    case 'pttl': {
      const e = get(a!);
      if (!e) return integer(-2);
      if (e.expireAt === 0) return integer(-1);
      const ms = e.expireAt - now();
      return integer(name === 'ttl' ? Math.round(ms / 1000) : ms);
    }
    case 'persist': {
      const e = get(a!);
      if (!e || e.expireAt === 0) return integer(0);
      e.expireAt = 0;
      changed();
      return integer(1);
    }
    case 'type': {
      const e = get(a!);
      return status(e ? e.v.type : 'none');
    }
    case 'rename': {
      const e = get(a!);
      if (!e) return error('ERR no such key');
      db.delete(a!);
      db.set(b!, e);
      changed();
      return OK;
    }
    case 'dbsize':
      return integer(store.keys(session.db).length);
    case 'flushall':
    case 'flushdb':
      for (const d of name === 'flushall' ? store.dbs : [db]) {
        changed(d.size);
        d.clear();
      }
      return OK;
    case 'select': {
      const n = int(a!);
      if (n === undefined) return NOT_INT;
      if (n < 0 || n > 15) return error('ERR DB index is out of range');
      session.db = n;
      return OK;
    }
    case 'lpush':
    case 'rpush': {
      const l = listOf(a!, true);
      if (l === 'wrong') return WRONGTYPE;
      for (const v of rest.slice(1)) if (name === 'lpush') l!.unshift(v); else l!.push(v);
      changed(rest.length - 1);
      return integer(l!.length);
    }
    case 'lpop':
    case 'rpop': {
      const l = listOf(a!, false);
      if (l === 'wrong') return WRONGTYPE;
      if (b !== undefined) {
        const n = int(b);
        if (n === undefined || n < 0) return error('ERR value is out of range, must be positive');
        if (!l) return array(null);
        const taken = name === 'lpop' ? l.splice(0, n) : l.splice(Math.max(0, l.length - n)).reverse();
        dropIfEmpty(a!, l.length);
        changed(taken.length);
        return array(taken.map((v) => bulk(v)));
      }
      if (!l) return NIL;
      const v = name === 'lpop' ? l.shift()! : l.pop()!;
      dropIfEmpty(a!, l.length);
      changed();
      return bulk(v);
    }
    case 'lrange': {
      const l = listOf(a!, false);
      if (l === 'wrong') return WRONGTYPE;
      const s = int(b!);
      const e = int(c!);
      if (s === undefined || e === undefined) return NOT_INT;
      const list = l ?? [];
      const from = s < 0 ? Math.max(0, list.length + s) : s;
      const to = e < 0 ? list.length + e : Math.min(e, list.length - 1);
      return array(from > to ? [] : list.slice(from, to + 1).map((v) => bulk(v)));
    }
    case 'llen': {
      const l = listOf(a!, false);
      return l === 'wrong' ? WRONGTYPE : integer(l ? l.length : 0);
    }
    case 'lindex': {
      const l = listOf(a!, false);
      if (l === 'wrong') return WRONGTYPE;
      const i = int(b!);
      if (i === undefined) return NOT_INT;
      const list = l ?? [];
      return bulk(list[i < 0 ? list.length + i : i] ?? null);
    }
    case 'hset': {
      if (rest.length % 2 !== 1) return error("ERR wrong number of arguments for 'hset' command");
      const h = hashOf(a!, true);
      if (h === 'wrong') return WRONGTYPE;
      let added = 0;
      for (let i = 1; i < rest.length; i += 2) {
        if (!h!.has(rest[i]!)) added++;
        h!.set(rest[i]!, rest[i + 1]!);
      }
      changed();
      return integer(added);
    }
    case 'hget': {
      const h = hashOf(a!, false);
      return h === 'wrong' ? WRONGTYPE : bulk(h?.get(b!) ?? null);
    }
    case 'hgetall':
    case 'hkeys':
    case 'hvals': {
      const h = hashOf(a!, false);
      if (h === 'wrong') return WRONGTYPE;
      const pairs = [...(h ?? new Map<string, string>())];
      return array(pairs.flatMap(([k, v]) => (name === 'hgetall' ? [bulk(k), bulk(v)] : [bulk(name === 'hkeys' ? k : v)])));
    }
    case 'hdel': {
      const h = hashOf(a!, false);
      if (h === 'wrong') return WRONGTYPE;
      let n = 0;
      for (const f of rest.slice(1)) if (h?.delete(f)) n++;
      if (h) dropIfEmpty(a!, h.size);
      changed(n);
      return integer(n);
    }
    case 'hlen': {
      const h = hashOf(a!, false);
      return h === 'wrong' ? WRONGTYPE : integer(h ? h.size : 0);
    }
    case 'hexists': {
      const h = hashOf(a!, false);
      return h === 'wrong' ? WRONGTYPE : integer(h?.has(b!) ? 1 : 0);
    }
    case 'sadd': {
      const s = setOf(a!, true);
      if (s === 'wrong') return WRONGTYPE;
      let n = 0;
      for (const m of rest.slice(1)) {
        if (s!.has(m)) continue;
        s!.add(m);
        n++;
      }
      changed(n);
      return integer(n);
    }
    case 'srem': {
      const s = setOf(a!, false);
      if (s === 'wrong') return WRONGTYPE;
      let n = 0;
      for (const m of rest.slice(1)) if (s?.delete(m)) n++;
      if (s) dropIfEmpty(a!, s.size);
      changed(n);
      return integer(n);
    }
    case 'smembers': {
      const s = setOf(a!, false);
      return s === 'wrong' ? WRONGTYPE : array([...(s ?? [])].map((m) => bulk(m)));
    }
    case 'scard': {
      const s = setOf(a!, false);
      return s === 'wrong' ? WRONGTYPE : integer(s ? s.size : 0);
    }
    case 'sismember': {
      const s = setOf(a!, false);
      return s === 'wrong' ? WRONGTYPE : integer(s?.has(b!) ? 1 : 0);
    }
    case 'info':
      return bulk(info(store, hooks, a?.toLowerCase()));
    case 'time': {
      const ms = now();
      return array([bulk(String(Math.floor(ms / 1000))), bulk(String((ms % 1000) * 1000))]);
    }
    case 'lastsave':
      return integer(Math.floor(hooks.info().startedAt / 1000));
    case 'save':
      hooks.save();
      return OK;
    case 'bgsave':
      hooks.save();
      return status('Background saving started');
    case 'auth':
      return error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    case 'shutdown': {
      const mode = a?.toUpperCase();
      hooks.shutdown(mode === 'NOSAVE' ? false : mode === 'SAVE' ? true : undefined);
      return OK;
    }
    case 'quit':
      hooks.quit();
      return OK;
    case 'config':
      if (a?.toLowerCase() === 'get' && b !== undefined) {
        const known: Record<string, string> = { port: String(hooks.info().port), dir: '/data', dbfilename: 'dump.rdb', databases: '16', maxmemory: '0', appendonly: 'no', save: '3600 1 300 100 60 10000' };
        return array(Object.entries(known).filter(([k]) => globMatch(b.toLowerCase(), k)).flatMap(([k, v]) => [bulk(k), bulk(v)]));
      }
      return error(`ERR unknown subcommand '${a ?? ''}'. Try CONFIG HELP.`);
    case 'client':
      if (a?.toLowerCase() === 'setname' || a?.toLowerCase() === 'setinfo') return OK;
      return error(`ERR unknown subcommand '${a ?? ''}'. Try CLIENT HELP.`);
    case 'command':
      return array([]);
  }
  return error(`ERR unknown command '${raw}'`);
}

function info(store: RedisStore, hooks: ServerHooks, section: string | undefined): string {
  const s = hooks.info();
  const uptime = Math.floor((store.now() - s.startedAt) / 1000);
  const server = [
    '# Server', `redis_version:${s.version}`, 'redis_git_sha1:00000000', 'redis_git_dirty:0', 'redis_mode:standalone', 'os:Linux 6.1.0-18-amd64 x86_64',
    'arch_bits:64', 'multiplexing_api:epoll', `process_id:${s.pid}`, `tcp_port:${s.port}`, `uptime_in_seconds:${uptime}`, `uptime_in_days:${Math.floor(uptime / 86400)}`,
    'executable:/data/redis-server', 'config_file:',
  ];
  const clients = ['# Clients', `connected_clients:${s.connected}`];
  const persistence = ['# Persistence', 'loading:0', `rdb_changes_since_last_save:${store.dirty}`, 'rdb_bgsave_in_progress:0', 'aof_enabled:0'];
  const keyspace = ['# Keyspace', ...store.dbs.flatMap((d, i) => {
    const keys = store.keys(i);
    const expires = keys.filter((k) => (store.entry(i, k)?.expireAt ?? 0) !== 0).length;
    return keys.length > 0 || d.size > 0 ? [`db${i}:keys=${keys.length},expires=${expires},avg_ttl=0`] : [];
  })];
  const sections: Record<string, string[]> = { server, clients, persistence, keyspace };
  const chosen = section === undefined || section === 'all' || section === 'default' || section === 'everything' ? Object.values(sections) : sections[section] ? [sections[section]!] : [];
  return chosen.map((lines) => lines.join('\r\n') + '\r\n').join('\r\n');
}
