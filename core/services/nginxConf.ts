/**
 * nginx's configuration as nginx 1.27 reads it (src/core/ngx_conf_file.c):
 * the same tokenizer (quotes, escapes, `#` comments, `;` `{` `}`), the same
 * streaming parse that checks each directive as it is read (unknown
 * directive, wrong context, argument count, missing `;` or `{`), `include`
 * with globs, and the error texts with their "in FILE:LINE". The result is
 * what the simulated nginx serves from: servers, their listen addresses and
 * locations with root, alias, index, error_page, return, proxy_pass and
 * try_files. Directives that change nothing a student can observe here
 * (sendfile, gzip, timeouts …) are checked and kept, not acted on.
 */

export type Ctx = 'main' | 'events' | 'http' | 'server' | 'location' | 'if' | 'upstream' | 'limit_except' | 'stream' | 'mail' | 'types' | 'map';

type Args = 'noargs' | 'flag' | '1more' | '2more' | 'any' | readonly number[];

interface Spec {
  ctx: readonly Ctx[];
  args: Args;
  block?: boolean;
}

const H: Ctx[] = ['http'];
const HS: Ctx[] = ['http', 'server'];
const HSL: Ctx[] = ['http', 'server', 'location'];
const HSLI: Ctx[] = ['http', 'server', 'location', 'if'];
const SL: Ctx[] = ['server', 'location'];
const SLI: Ctx[] = ['server', 'location', 'if'];
const ANY: Ctx[] = ['main', 'events', 'http', 'server', 'location', 'if', 'upstream', 'limit_except', 'stream', 'mail'];

/** The directives of the official image's nginx (core, events, http and its common modules). */
const DIRECTIVES: Readonly<Record<string, readonly Spec[]>> = {
  user: [{ ctx: ['main'], args: [1, 2] }],
  worker_processes: [{ ctx: ['main'], args: [1] }],
  pid: [{ ctx: ['main'], args: [1] }],
  daemon: [{ ctx: ['main'], args: 'flag' }],
  master_process: [{ ctx: ['main'], args: 'flag' }],
  worker_rlimit_nofile: [{ ctx: ['main'], args: [1] }],
  worker_priority: [{ ctx: ['main'], args: [1] }],
  worker_cpu_affinity: [{ ctx: ['main'], args: '1more' }],
  worker_shutdown_timeout: [{ ctx: ['main'], args: [1] }],
  working_directory: [{ ctx: ['main'], args: [1] }],
  load_module: [{ ctx: ['main'], args: [1] }],
  env: [{ ctx: ['main'], args: [1] }],
  pcre_jit: [{ ctx: ['main'], args: 'flag' }],
  timer_resolution: [{ ctx: ['main'], args: [1] }],
  thread_pool: [{ ctx: ['main'], args: [2, 3] }],
  events: [{ ctx: ['main'], args: 'noargs', block: true }],
  http: [{ ctx: ['main'], args: 'noargs', block: true }],
  stream: [{ ctx: ['main'], args: 'noargs', block: true }],
  mail: [{ ctx: ['main'], args: 'noargs', block: true }],
  include: [{ ctx: ANY, args: [1] }],
  error_log: [{ ctx: ['main', 'http', 'server', 'location', 'stream', 'mail'], args: '1more' }],
  worker_connections: [{ ctx: ['events'], args: [1] }],
  use: [{ ctx: ['events'], args: [1] }],
  multi_accept: [{ ctx: ['events'], args: 'flag' }],
  accept_mutex: [{ ctx: ['events'], args: 'flag' }],
  accept_mutex_delay: [{ ctx: ['events'], args: [1] }],
  server: [
    { ctx: ['http', 'stream', 'mail'], args: 'noargs', block: true },
    { ctx: ['upstream'], args: '1more' },
  ],
  upstream: [{ ctx: ['http', 'stream'], args: [1], block: true }],
  keepalive: [{ ctx: ['upstream'], args: [1] }],
  least_conn: [{ ctx: ['upstream'], args: 'noargs' }],
  ip_hash: [{ ctx: ['upstream'], args: 'noargs' }],
  log_format: [{ ctx: H, args: '2more' }],
  map: [{ ctx: H, args: [2], block: true }],
  types: [{ ctx: HSL, args: 'noargs', block: true }],
  default_type: [{ ctx: HSL, args: [1] }],
  access_log: [{ ctx: [...HSLI, 'limit_except'], args: '1more' }],
  sendfile: [{ ctx: HSLI, args: 'flag' }],
  tcp_nopush: [{ ctx: HSL, args: 'flag' }],
  tcp_nodelay: [{ ctx: HSL, args: 'flag' }],
  keepalive_timeout: [{ ctx: HSL, args: [1, 2] }],
  keepalive_requests: [{ ctx: HSL, args: [1] }],
  gzip: [{ ctx: HSLI, args: 'flag' }],
  gzip_types: [{ ctx: HSL, args: '1more' }],
  gzip_comp_level: [{ ctx: HSL, args: [1] }],
  gzip_min_length: [{ ctx: HSL, args: [1] }],
  gzip_vary: [{ ctx: HSL, args: 'flag' }],
  gzip_proxied: [{ ctx: HSL, args: '1more' }],
  gzip_disable: [{ ctx: HSL, args: '1more' }],
  server_tokens: [{ ctx: HSL, args: [1] }],
  client_max_body_size: [{ ctx: HSL, args: [1] }],
  client_body_buffer_size: [{ ctx: HSL, args: [1] }],
  client_body_timeout: [{ ctx: HSL, args: [1] }],
  client_header_timeout: [{ ctx: HS, args: [1] }],
  client_header_buffer_size: [{ ctx: HS, args: [1] }],
  large_client_header_buffers: [{ ctx: HS, args: [2] }],
  send_timeout: [{ ctx: HSL, args: [1] }],
  root: [{ ctx: HSLI, args: [1] }],
  alias: [{ ctx: ['location'], args: [1] }],
  index: [{ ctx: HSL, args: '1more' }],
  autoindex: [{ ctx: HSL, args: 'flag' }],
  charset: [{ ctx: HSLI, args: [1] }],
  error_page: [{ ctx: HSLI, args: '2more' }],
  add_header: [{ ctx: HSLI, args: [2, 3] }],
  expires: [{ ctx: HSLI, args: [1, 2] }],
  resolver: [{ ctx: HSL, args: '1more' }],
  resolver_timeout: [{ ctx: HSL, args: [1] }],
  proxy_pass: [{ ctx: ['location', 'if', 'limit_except'], args: [1] }],
  proxy_set_header: [{ ctx: HSL, args: [2] }],
  proxy_http_version: [{ ctx: HSL, args: [1] }],
  proxy_read_timeout: [{ ctx: HSL, args: [1] }],
  proxy_connect_timeout: [{ ctx: HSL, args: [1] }],
  proxy_send_timeout: [{ ctx: HSL, args: [1] }],
  proxy_redirect: [{ ctx: HSL, args: [1, 2] }],
  proxy_buffering: [{ ctx: HSL, args: 'flag' }],
  fastcgi_pass: [{ ctx: ['location', 'if'], args: [1] }],
  fastcgi_param: [{ ctx: HSL, args: [2, 3] }],
  fastcgi_index: [{ ctx: HSL, args: [1] }],
  return: [{ ctx: SLI, args: [1, 2] }],
  rewrite: [{ ctx: SLI, args: [2, 3] }],
  try_files: [{ ctx: SL, args: '2more' }],
  listen: [{ ctx: ['server'], args: '1more' }],
  server_name: [{ ctx: ['server'], args: '1more' }],
  location: [{ ctx: SL, args: [1, 2], block: true }],
  if: [{ ctx: SL, args: '1more', block: true }],
  set: [{ ctx: SLI, args: [2] }],
  allow: [{ ctx: [...HSL, 'limit_except'], args: [1] }],
  deny: [{ ctx: [...HSL, 'limit_except'], args: [1] }],
  internal: [{ ctx: ['location'], args: 'noargs' }],
  limit_except: [{ ctx: ['location'], args: '1more', block: true }],
  ssl_certificate: [{ ctx: HS, args: [1] }],
  ssl_certificate_key: [{ ctx: HS, args: [1] }],
  ssl_protocols: [{ ctx: HS, args: '1more' }],
  ssl_ciphers: [{ ctx: HS, args: [1] }],
  ssl_prefer_server_ciphers: [{ ctx: HS, args: 'flag' }],
  ssl_session_cache: [{ ctx: HS, args: '1more' }],
  ssl_session_timeout: [{ ctx: HS, args: [1] }],
  server_names_hash_bucket_size: [{ ctx: H, args: [1] }],
  server_names_hash_max_size: [{ ctx: H, args: [1] }],
  types_hash_max_size: [{ ctx: HSL, args: [1] }],
  types_hash_bucket_size: [{ ctx: HSL, args: [1] }],
  open_file_cache: [{ ctx: HSL, args: [1, 2] }],
  etag: [{ ctx: HSL, args: 'flag' }],
  stub_status: [{ ctx: SL, args: [0, 1] }],
  absolute_redirect: [{ ctx: HSL, args: 'flag' }],
  port_in_redirect: [{ ctx: HSL, args: 'flag' }],
  server_name_in_redirect: [{ ctx: HSL, args: 'flag' }],
  log_not_found: [{ ctx: HSL, args: 'flag' }],
  underscores_in_headers: [{ ctx: HS, args: 'flag' }],
  reset_timedout_connection: [{ ctx: HSL, args: 'flag' }],
  limit_req_zone: [{ ctx: H, args: [3, 4] }],
  limit_req: [{ ctx: HSL, args: [1, 2, 3] }],
  real_ip_header: [{ ctx: HSL, args: [1] }],
  set_real_ip_from: [{ ctx: HSL, args: [1] }],
};

/** A directive as read: its words (name first), where it was, and its block's directives. */
export interface Directive {
  words: string[];
  file: string;
  line: number;
  block?: Directive[];
}

export interface Listen {
  ip: string;
  port: number;
  ipv6: boolean;
  defaultServer: boolean;
}

export interface Location {
  /** The location directive itself (where it was written). */
  at: Directive;
  modifier: '' | '=' | '^~' | '~' | '~*';
  pattern: string;
  regex?: RegExp;
  directives: Directive[];
  locations: Location[];
}

export interface Server {
  listens: Listen[];
  names: string[];
  directives: Directive[];
  locations: Location[];
}

export interface NginxConfig {
  /** The main context's directives (user, worker_processes, pid …). */
  main: Directive[];
  /** The http block's own directives. */
  http: Directive[];
  servers: Server[];
  /** Extension → content type, from the types blocks (mime.types). */
  types: Map<string, string>;
  /** Every file read, in order (what a reload reads again). */
  files: string[];
}

/** How the parser reaches the container: its files, glob matches, and name resolution for proxy_pass and listen. */
export interface ConfHost {
  read(path: string): string | 'ENOENT' | 'EACCES';
  /** The files a glob matches, sorted; none is not an error. */
  glob(pattern: string): string[];
  resolve(host: string): string | undefined;
}

class ConfError extends Error {}

interface Token {
  kind: 'ok' | 'block' | 'done' | 'eof';
  words: string[];
}

/** ngx_conf_read_token over one file's text. */
class Reader {
  private pos = 0;
  line = 1;

  constructor(
    private readonly text: string,
    readonly file: string,
  ) {}

  fail(message: string): never {
    throw new ConfError(`${message} in ${this.file}:${this.line}`);
  }

  next(): Token {
    const t = this.text;
    const words: string[] = [];
    let word = '';
    let inWord = false;
    let quote: '"' | "'" | null = null;
    let needSpace = false;
    let comment = false;
    const push = (): void => {
      words.push(word);
      word = '';
      inWord = false;
    };
    while (this.pos < t.length) {
      const ch = t[this.pos++]!;
      if (ch === '\n') {
        this.line++;
        if (comment) comment = false;
      }
      if (comment) continue;
      const space = ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
      if (needSpace) {
        if (space) {
          needSpace = false;
          continue;
        }
        if (ch === ';') return { kind: 'ok', words };
        if (ch === '{') return { kind: 'block', words };
        if (ch !== ')') this.fail(`unexpected "${ch}"`);
        needSpace = false;
      }
      if (!inWord) {
        if (space) continue;
        if (ch === ';' || ch === '{') {
          if (words.length === 0) this.fail(`unexpected "${ch}"`);
          return { kind: ch === '{' ? 'block' : 'ok', words };
        }
        if (ch === '}') {
          if (words.length !== 0) this.fail('unexpected "}"');
          return { kind: 'done', words };
        }
        if (ch === '#') {
          comment = true;
          continue;
        }
        inWord = true;
        if (ch === '"' || ch === "'") {
          quote = ch;
          continue;
        }
      }
      if (ch === '\\' && this.pos < t.length) {
        const n = t[this.pos++]!;
        word += n === 't' ? '\t' : n === 'r' ? '\r' : n === 'n' ? '\n' : n === '"' || n === "'" || n === '\\' ? n : `\\${n}`;
        continue;
      }
      if (quote) {
        if (ch === quote) {
          quote = null;
          needSpace = true;
          push();
        } else word += ch;
        continue;
      }
      // "${name}": a brace after "$" is part of a variable, not a block.
      if (ch === '{' && word.endsWith('$')) {
        word += ch;
        continue;
      }
      if (space || ch === ';' || ch === '{') {
        push();
        if (ch === ';') return { kind: 'ok', words };
        if (ch === '{') return { kind: 'block', words };
        continue;
      }
      word += ch;
    }
    if (words.length > 0 || inWord) this.fail('unexpected end of file, expecting ";" or "}"');
    return { kind: 'eof', words };
  }
}

function checkArgs(spec: Args, n: number): boolean {
  if (spec === 'any') return true;
  if (spec === 'noargs') return n === 0;
  if (spec === 'flag') return n === 1;
  if (spec === '1more') return n >= 1;
  if (spec === '2more') return n >= 2;
  return spec.includes(n);
}

type Dep = { kind: 'read'; key: string; value: string | 'ENOENT' | 'EACCES' } | { kind: 'glob'; key: string; value: string[] } | { kind: 'resolve'; key: string; value: string | undefined };

/**
 * Every nginx of every container reads the same files: a parse is kept with
 * what it read (file texts, glob matches, resolved names) and reused while
 * all of those are still the same. The result is only read, never changed.
 */
const parsed = new Map<string, { deps: Dep[]; result: NginxConfig | { error: string } }[]>();

/** Reads the configuration starting at `path`, checking every directive; throws nothing, returns nginx's error text instead. */
export function parseNginxConfig(host: ConfHost, path = '/etc/nginx/nginx.conf'): NginxConfig | { error: string } {
  const same = (d: Dep): boolean => {
    if (d.kind === 'read') return host.read(d.key) === d.value;
    if (d.kind === 'resolve') return host.resolve(d.key) === d.value;
    const now = host.glob(d.key);
    return now.length === d.value.length && now.every((f, i) => f === d.value[i]);
  };
  const entries = parsed.get(path) ?? [];
  const hit = entries.find((e) => e.deps.every(same));
  if (hit) return hit.result;
  const deps: Dep[] = [];
  const recording: ConfHost = {
    read: (p) => {
      const value = host.read(p);
      deps.push({ kind: 'read', key: p, value });
      return value;
    },
    glob: (p) => {
      const value = host.glob(p);
      deps.push({ kind: 'glob', key: p, value });
      return value;
    },
    resolve: (h) => {
      const value = host.resolve(h);
      deps.push({ kind: 'resolve', key: h, value });
      return value;
    },
  };
  const result = parseUncached(recording, path);
  parsed.set(path, [{ deps, result }, ...entries].slice(0, 8));
  return result;
}

function parseUncached(host: ConfHost, path: string): NginxConfig | { error: string } {
  const files: string[] = [];
  const readFile = (file: string, where: Reader | null): Reader => {
    const text = host.read(file);
    if (text === 'ENOENT' || text === 'EACCES') {
      const errno = text === 'ENOENT' ? '2: No such file or directory' : '13: Permission denied';
      const msg = `open() "${file}" failed (${errno})`;
      if (where) where.fail(msg);
      throw new ConfError(msg);
    }
    files.push(file);
    return new Reader(text, file);
  };
  /** Parses the directives of one block (or file) in context `ctx`, into `into`. */
  const parse = (r: Reader, ctx: Ctx, into: Directive[], inBlock: boolean): void => {
    for (;;) {
      const tok = r.next();
      if (tok.kind === 'done') {
        if (!inBlock) r.fail('unexpected "}"');
        return;
      }
      if (tok.kind === 'eof') {
        if (inBlock) r.fail('unexpected end of file, expecting "}"');
        return;
      }
      const [name, ...args] = tok.words;
      const line = r.line;
      // A types or map block takes each line as an entry, not a directive.
      if (ctx === 'types' || ctx === 'map') {
        if (tok.kind === 'block') r.fail('unexpected "{"');
        into.push({ words: tok.words, file: r.file, line });
        continue;
      }
      const specs = DIRECTIVES[name!];
      if (!specs) r.fail(`unknown directive "${name}"`);
      const spec = specs.find((s) => s.ctx.includes(ctx));
      if (!spec) r.fail(`"${name}" directive is not allowed here`);
      if (!spec.block && tok.kind !== 'ok') r.fail(`directive "${name}" is not terminated by ";"`);
      if (spec.block && tok.kind !== 'block') r.fail(`directive "${name}" has no opening "{"`);
      if (!checkArgs(spec.args, args.length)) r.fail(`invalid number of arguments in "${name}" directive`);
      if (spec.args === 'flag' && args[0] !== 'on' && args[0] !== 'off') r.fail(`invalid value "${args[0]}" in "${name}" directive, it must be "on" or "off"`);
      if (name === 'include') {
        const target = args[0]!.startsWith('/') ? args[0]! : `/etc/nginx/${args[0]}`;
        const matches = /[*?[]/.test(target) ? host.glob(target) : [target];
        for (const f of matches) parse(readFile(f, r), ctx, into, false);
        continue;
      }
      const d: Directive = { words: tok.words, file: r.file, line };
      if (spec.block) {
        d.block = [];
        const inner = name as Ctx;
        parse(r, inner, d.block, true);
      }
      into.push(d);
    }
  };
  try {
    const main: Directive[] = [];
    parse(readFile(path, null), 'main', main, false);
    return build(main, files, host);
  } catch (e) {
    if (e instanceof ConfError) return { error: e.message };
    throw e;
  }
}

function fail(d: Directive, message: string): never {
  throw new ConfError(`${message} in ${d.file}:${d.line}`);
}

/** listen's address: "80", "8080", "127.0.0.1:80", "[::]:80", "*:80", "localhost:80". */
function parseListen(d: Directive, host: ConfHost): Listen {
  const [, addr, ...params] = d.words;
  const raw = addr!;
  let ip = '0.0.0.0';
  let portText = raw;
  let ipv6 = false;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(raw);
  if (v6) {
    ipv6 = true;
    ip = v6[1] === '::' ? '::' : v6[1]!;
    portText = v6[2] ?? '80';
  } else if (raw.includes(':')) {
    const [h, p] = [raw.slice(0, raw.lastIndexOf(':')), raw.slice(raw.lastIndexOf(':') + 1)];
    portText = p;
    if (h !== '*') {
      const addrOf = /^\d{1,3}(\.\d{1,3}){3}$/.test(h) ? h : host.resolve(h);
      if (addrOf === undefined) fail(d, `host not found in "${raw}" of the "listen" directive`);
      ip = addrOf;
    }
  } else if (!/^\d+$/.test(raw)) {
    const addrOf = host.resolve(raw);
    if (addrOf === undefined) fail(d, `host not found in "${raw}" of the "listen" directive`);
    ip = addrOf;
    portText = '80';
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) fail(d, `invalid port in "${raw}" of the "listen" directive`);
  return { ip, port, ipv6, defaultServer: params.includes('default_server') || params.includes('default') };
}

function parseLocation(d: Directive): Location {
  const [, a, b] = d.words;
  let modifier: Location['modifier'] = '';
  let pattern = a!;
  if (b !== undefined) {
    if (a !== '=' && a !== '^~' && a !== '~' && a !== '~*') fail(d, `invalid location modifier "${a}"`);
    modifier = a;
    pattern = b;
  } else if (a!.startsWith('=') && a!.length > 1) {
    modifier = '=';
    pattern = a!.slice(1);
  }
  const loc: Location = { at: d, modifier, pattern, directives: [], locations: [] };
  if (modifier === '~' || modifier === '~*') {
    try {
      loc.regex = new RegExp(pattern, modifier === '~*' ? 'i' : '');
    } catch {
      fail(d, `pcre2_compile() failed: missing closing parenthesis in "${pattern}"`);
    }
  }
  for (const inner of d.block ?? []) {
    if (inner.words[0] === 'location') loc.locations.push(parseLocation(inner));
    else loc.directives.push(inner);
  }
  checkLocations(loc.locations);
  return loc;
}

function checkLocations(locs: Location[]): void {
  const seen = new Set<string>();
  for (const l of locs) {
    const key = `${l.modifier === '^~' ? '' : l.modifier}${l.pattern}`;
    if (seen.has(key)) fail(l.at, `duplicate location "${l.pattern}"`);
    seen.add(key);
  }
}

/** proxy_pass's upstream: checked (and its host resolved) when the configuration is read, as nginx does. */
function checkProxyPass(d: Directive, host: ConfHost, upstreams: Set<string>): void {
  const url = d.words[1]!;
  const m = /^https?:\/\/([^/]+)/.exec(url);
  if (!m) fail(d, `invalid URL prefix in "${url}"`);
  if (url.includes('$')) return; // resolved per request
  const authority = m[1]!;
  const name = authority.replace(/:\d+$/, '');
  if (upstreams.has(authority) || upstreams.has(name)) return;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(name) && host.resolve(name) === undefined) fail(d, `host not found in upstream "${authority}"`);
}

function build(main: Directive[], files: string[], host: ConfHost): NginxConfig {
  const httpBlock = main.find((d) => d.words[0] === 'http');
  const http = httpBlock?.block ?? [];
  const types = new Map<string, string>();
  const upstreams = new Set(http.filter((d) => d.words[0] === 'upstream').map((d) => d.words[1]!));
  const servers: Server[] = [];
  const visit = (list: Directive[]): void => {
    for (const d of list) {
      if (d.words[0] === 'proxy_pass') checkProxyPass(d, host, upstreams);
      if (d.words[0] === 'return' && !/^\d+$/.test(d.words[1]!) && !/^(https?:\/\/|\$)/.test(d.words[1]!)) fail(d, `invalid return code "${d.words[1]}"`);
      if (d.block && d.words[0] !== 'types' && d.words[0] !== 'map') visit(d.block);
    }
  };
  visit(http);
  for (const d of http) {
    if (d.words[0] === 'types') {
      for (const entry of d.block ?? []) for (const ext of entry.words.slice(1)) types.set(ext.toLowerCase(), entry.words[0]!);
    }
    if (d.words[0] !== 'server') continue;
    const server: Server = { listens: [], names: [], directives: [], locations: [] };
    for (const inner of d.block ?? []) {
      const name = inner.words[0];
      if (name === 'listen') {
        const l = parseListen(inner, host);
        if (server.listens.some((x) => x.ip === l.ip && x.port === l.port)) fail(inner, `a duplicate listen ${l.ipv6 ? `[${l.ip}]` : l.ip}:${l.port}`);
        server.listens.push(l);
      } else if (name === 'server_name') server.names.push(...inner.words.slice(1));
      else if (name === 'location') server.locations.push(parseLocation(inner));
      else server.directives.push(inner);
    }
    checkLocations(server.locations);
    // A server without listen listens on *:80.
    if (server.listens.length === 0) server.listens.push({ ip: '0.0.0.0', port: 80, ipv6: false, defaultServer: false });
    servers.push(server);
  }
  return { main, http, servers, types, files };
}

/** The last value of a directive among `lists` (innermost last): how nginx's settings inherit http → server → location. */
export function setting(lists: readonly (readonly Directive[])[], name: string): string[] | undefined {
  for (let i = lists.length - 1; i >= 0; i--) {
    const found = [...lists[i]!].reverse().find((d) => d.words[0] === name);
    if (found) return found.words.slice(1);
  }
  return undefined;
}
