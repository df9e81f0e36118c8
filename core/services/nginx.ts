import type { ChildProcess, Proc, Program } from '../engine/process';
import { signals } from '../engine/process';
import { envValue, err, out } from '../cshell/procio';
import type { Listener, Socket } from '../network/view';
import { answerRequest, errorPage } from './nginxHttp';
import { parseNginxConfig, setting, type ConfHost, type NginxConfig } from './nginxConf';
import { serveConnection } from './httpServer';
import { readText, slashTime } from './proc';
import { globToRegex } from '../shell/regex';

/**
 * nginx as the official image runs it: the `nginx` binary (the command line:
 * -t, -T, -s reload|quit|stop|reopen, -c, -g, -v, -h) and, as PID 1, the
 * master process with its workers (`nginx: master process nginx -g daemon
 * off;` and one `nginx: worker process` per CPU, real child processes in ps
 * and `docker top`), its listening sockets, its error and access logs
 * (written where the configuration says: the image links them to
 * /dev/stdout and /dev/stderr, so they are `docker logs`), and its signals:
 * SIGHUP reloads (new workers, old ones shut down gracefully), SIGQUIT is
 * the graceful stop the image's STOPSIGNAL asks for, SIGTERM and SIGINT the
 * fast one, SIGUSR1 reopens the logs. What a worker answers is nginxHttp.ts;
 * the configuration, nginxConf.ts. The entrypoint script is nginxEntrypoint.ts.
 */

export interface NginxBuild {
  version: string;
  /** NGX_COMPILER as `nginx -V` and the start-up notice print it. */
  compiler: string;
}

export const NGINX_1_27: NginxBuild = { version: '1.27.2', compiler: 'gcc 12.2.0 (Debian 12.2.0-14) ' };
export const NGINX_1_15: NginxBuild = { version: '1.15.12', compiler: 'gcc 6.3.0 20170516 (Debian 6.3.0-18+deb9u1) ' };

const LEVELS = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];

/** Where a log line goes: the process's stdout or stderr (the image's links to /dev/stdout and /dev/stderr), or appended to a file. */
function logSink(p: Proc, path: string): (text: string) => void {
  const target = path === 'stderr' ? '/dev/stderr' : resolveLink(p, path);
  if (target === '/dev/stdout' || target === '/proc/self/fd/1') return (t) => out(p, t);
  if (target === '/dev/stderr' || target === '/proc/self/fd/2') return (t) => err(p, t);
  if (target === '/dev/null') return () => {};
  return (t) => void p.fs.writeFile(target, t, true);
}

function resolveLink(p: Proc, path: string): string {
  let at = path;
  for (let i = 0; i < 8; i++) {
    const st = p.fs.lstat(at);
    if (typeof st === 'string' || st.kind !== 'symlink' || st.target === undefined) return at;
    at = st.target.startsWith('/') ? st.target : `${at.slice(0, at.lastIndexOf('/'))}/${st.target}`;
  }
  return at;
}

/** The configuration host over the container's filesystem and resolver. */
function confHost(p: Proc): ConfHost {
  return {
    read: (path) => {
      const r = p.fs.tryRead(path);
      if ('data' in r) return r.data;
      return r.error === 'ENOENT' || r.error === 'ENOTDIR' ? 'ENOENT' : 'EACCES';
    },
    glob: (pattern) => {
      const dir = pattern.slice(0, pattern.lastIndexOf('/')) || '/';
      const names = p.fs.readdir(dir);
      if (typeof names === 'string') return [];
      const re = globToRegex(pattern.slice(pattern.lastIndexOf('/') + 1));
      return names.filter((n) => re.test(n) && !n.startsWith('.')).map((n) => `${dir === '/' ? '' : dir}/${n}`).filter((f) => p.fs.stat(f) !== 'ENOENT');
    },
    resolve: (host) => (host === 'localhost' ? '127.0.0.1' : p.net.resolve(host)),
  };
}

interface Options {
  test: boolean;
  dump: boolean;
  quiet: boolean;
  signal?: string;
  conf: string;
  globals: string;
  errorLog?: string;
}

function parseOptions(p: Proc): Options | { error: string } | 'version' | 'help' {
  const o: Options = { test: false, dump: false, quiet: false, conf: '/etc/nginx/nginx.conf', globals: '' };
  const args = p.argv.slice(1);
  let show: 'version' | 'help' | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) return { error: `invalid option: "${a}"` };
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      const value = (what: string): string | { error: string } => {
        const rest = a.slice(k + 1);
        k = a.length;
        if (rest !== '') return rest;
        const next = args[++i];
        return next ?? { error: `option "-${c}" requires ${what}` };
      };
      if (c === '?' || c === 'h') show = 'help';
      else if (c === 'v') show ??= 'version';
      else if (c === 't') o.test = true;
      else if (c === 'T') o.test = o.dump = true;
      else if (c === 'q') o.quiet = true;
      else if (c === 'V') return { error: 'glassbox: nginx -V (the configure arguments) is not simulated yet' };
      else if (c === 'c' || c === 'g' || c === 's' || c === 'e' || c === 'p') {
        const v = value(c === 'c' || c === 'e' ? 'file name' : c === 'p' ? 'directory name' : 'parameter');
        if (typeof v !== 'string') return v;
        if (c === 'c') o.conf = v.startsWith('/') ? v : `/etc/nginx/${v}`;
        else if (c === 'g') o.globals = v;
        else if (c === 'e') o.errorLog = v;
        else if (c === 'p') return { error: 'glassbox: nginx -p is not simulated yet' };
        else if (['stop', 'quit', 'reopen', 'reload'].includes(v)) o.signal = v;
        else return { error: `invalid option: "-s ${v}"` };
      } else return { error: `invalid option: "${c}"` };
    }
  }
  return show ?? o;
}

const HELP =
  'Usage: nginx [-?hvVtTq] [-s signal] [-p prefix]\n             [-e filename] [-c filename] [-g directives]\n\nOptions:\n' +
  '  -?,-h         : this help\n  -v            : show version and exit\n  -V            : show version and configure options then exit\n' +
  '  -t            : test configuration and exit\n  -T            : test configuration, dump it and exit\n' +
  '  -q            : suppress non-error messages during configuration testing\n' +
  '  -s signal     : send signal to a master process: stop, quit, reopen, reload\n  -p prefix     : set prefix path (default: /etc/nginx/)\n' +
  '  -e filename   : set error log file (default: /var/log/nginx/error.log)\n  -c filename   : set configuration file (default: /etc/nginx/nginx.conf)\n' +
  '  -g directives : set global directives out of configuration file\n\n';

/** The configuration with the -g directives (main context) read after the file, as nginx reads them. */
function loadConfig(p: Proc, o: Options): NginxConfig | { error: string } {
  const host = confHost(p);
  const conf = parseNginxConfig(host, o.conf);
  if ('error' in conf || o.globals === '') return conf;
  const g = parseNginxConfig({ ...host, read: (path) => (path === 'command line' ? o.globals : host.read(path)) }, 'command line');
  if ('error' in g) return { error: g.error.replace(/ in command line:\d+$/, ' in command line') };
  for (const d of g.main) {
    if (conf.main.some((x) => x.words[0] === d.words[0]) && d.words[0] !== 'include') return { error: `"${d.words[0]}" directive is duplicate in command line` };
  }
  return { ...conf, main: [...conf.main, ...g.main] };
}

/** The `nginx` command for one build of it. */
export function nginxProgram(build: NginxBuild): Program {
  return (p) => {
    const o = parseOptions(p);
    if (o === 'version' || o === 'help') {
      err(p, `nginx version: nginx/${build.version}\n${o === 'help' ? HELP : ''}`);
      return p.exit(0);
    }
    if ('error' in o) {
      err(p, o.error.startsWith('glassbox:') ? `${o.error}\n` : `nginx: ${o.error}\n`);
      return p.exit(o.error.startsWith('glassbox:') ? 2 : 1);
    }
    const conf = loadConfig(p, o);
    const stderrLine = (level: string, text: string): void => err(p, `nginx: [${level}] ${text}\n`);
    if ('error' in conf) {
      stderrLine('emerg', conf.error);
      if (o.test) err(p, `nginx: configuration file ${o.conf} test failed\n`);
      return p.exit(1);
    }
    let initDone = false;
    const log = errorLog(p, conf, o, () => !initDone);
    if (o.test) {
      if (!o.quiet) err(p, `nginx: the configuration file ${o.conf} syntax is ok\n`);
      if (!o.quiet) err(p, `nginx: configuration file ${o.conf} test is successful\n`);
      if (o.dump) for (const f of conf.files) out(p, `# configuration file ${f}:\n${readText(p, f) ?? ''}\n`);
      return p.exit(0);
    }
    if (o.signal !== undefined) return signalMaster(p, conf, o.signal, log);
    new Master(p, build, o, conf, log, () => (initDone = true)).start();
  };
}

type Log = (level: string, pid: number, text: string) => void;

/**
 * The error log as configured (level and file), plus "nginx: [level] …" on
 * stderr for warnings and worse until the master has started (ngx_use_stderr;
 * then nginx points its stderr at the error log), as ngx_log_error_core does.
 */
function errorLog(p: Proc, conf: NginxConfig, o: Options, dupToStderr: () => boolean): Log {
  const cfg = setting([conf.main], 'error_log') ?? [o.errorLog ?? '/var/log/nginx/error.log', 'error'];
  const path = o.errorLog ?? cfg[0]!;
  const max = LEVELS.indexOf(cfg[1] ?? 'error');
  const sink = logSink(p, path);
  return (level, pid, text) => {
    if (LEVELS.indexOf(level) <= max) sink(`${slashTime(p.now())} [${level}] ${pid}#${pid}: ${text}\n`);
    if (dupToStderr() && LEVELS.indexOf(level) <= LEVELS.indexOf('warn')) err(p, `nginx: [${level}] ${text}\n`);
  };
}

function pidFile(conf: NginxConfig): string {
  return setting([conf.main], 'pid')?.[0] ?? '/var/run/nginx.pid';
}

/** `nginx -s SIGNAL`: the master's pid from its pid file, then kill(2). */
function signalMaster(p: Proc, conf: NginxConfig, name: string, log: Log): void {
  log('notice', p.pid, 'signal process started');
  const file = pidFile(conf);
  const text = readText(p, file);
  if (text === undefined) {
    log('error', p.pid, `open() "${file}" failed (2: No such file or directory)`);
    return p.exit(1);
  }
  const pid = Number(text.trim());
  if (!/^\d+\s*$/.test(text) || pid <= 0) {
    log('error', p.pid, `invalid PID number "${text.trim()}" in "${file}"`);
    return p.exit(1);
  }
  const signal = { stop: signals.SIGTERM!, quit: signals.SIGQUIT!, reopen: signals.SIGUSR1!, reload: signals.SIGHUP! }[name as 'stop']!;
  if (p.kill?.(pid, signal) === 'ESRCH') {
    log('alert', p.pid, `kill(${pid}, ${signal}) failed (3: No such process)`);
    return p.exit(1);
  }
  p.exit(0);
}

const SIGNAL_NAMES: Readonly<Record<number, string>> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 10: 'SIGUSR1', 12: 'SIGUSR2', 14: 'SIGALRM', 15: 'SIGTERM', 17: 'SIGCHLD', 28: 'SIGWINCH', 29: 'SIGIO' };

interface Worker {
  child: ChildProcess;
  connections: number;
}

/** The master process: configuration, listening sockets, workers, signals. */
class Master {
  private workers: Worker[] = [];
  private listeners = new Map<string, Listener>();
  private next = 0;
  private stopping = false;

  constructor(
    private readonly p: Proc,
    private readonly build: NginxBuild,
    private readonly o: Options,
    private conf: NginxConfig,
    private log: Log,
    private readonly started: () => void,
  ) {}

  start(): void {
    if (this.bind(this.conf) === true) this.run();
    else this.retryBind(0);
  }

  private run(): void {
    const { p, conf } = this;
    const daemon = setting([conf.main], 'daemon')?.[0] !== 'off';
    if (daemon) {
      // Without "daemon off;" nginx forks into the background and the process that ran it exits: as PID 1, the container ends.
      for (const l of this.listeners.values()) l.close();
      return p.exit(0);
    }
    this.started();
    p.setCommand?.([`nginx: master process ${p.argv.join(' ')}`]);
    p.setMemory?.(7_340_032);
    p.fs.writeFile(pidFile(conf), `${p.pid}\n`);
    for (const d of ['client_temp', 'proxy_temp', 'fastcgi_temp', 'uwsgi_temp', 'scgi_temp']) p.fs.mkdir(`/var/cache/nginx/${d}`, { parents: true });
    this.notices();
    this.startWorkers();
    p.onSignal((signal, from) => this.signal(signal, from));
  }

  /** The start-up notices of ngx_os_status and the event module. */
  private notices(): void {
    const n = (t: string): void => this.log('notice', this.p.pid, t);
    n('using the "epoll" event method');
    n(`nginx/${this.build.version}`);
    n(`built by ${this.build.compiler}`);
    n('OS: Linux 6.1.0-18-amd64');
    n('getrlimit(RLIMIT_NOFILE): 1048576:1048576');
  }

  /** Opens every listen address not open yet and closes those the configuration dropped; the address in use otherwise. */
  private bind(conf: NginxConfig): true | string[] {
    const want = new Map<string, { ip: string; port: number }>();
    for (const s of conf.servers) for (const l of s.listens) want.set(`${l.ipv6 ? '0.0.0.0' : l.ip}:${l.port}`, { ip: l.ipv6 ? '0.0.0.0' : l.ip, port: l.port });
    const failed: string[] = [];
    for (const [key, a] of want) {
      if (this.listeners.has(key)) continue;
      const l = this.p.net.listen('tcp', a.port, (s) => this.connection(s, a.port), a.ip);
      if ('error' in l) failed.push(key);
      else this.listeners.set(key, l);
    }
    for (const [key, l] of this.listeners) {
      if (!want.has(key)) {
        l.close();
        this.listeners.delete(key);
      }
    }
    return failed.length === 0 ? true : failed;
  }

  /** ngx_open_listening_sockets: five tries half a second apart, then "still could not bind()". */
  private retryBind(tries: number): void {
    const { p, conf } = this;
    for (const s of conf.servers) {
      for (const l of s.listens) {
        if (this.listeners.has(`${l.ipv6 ? '0.0.0.0' : l.ip}:${l.port}`)) continue;
        this.log('emerg', p.pid, `bind() to ${l.ipv6 ? `[${l.ip}]` : l.ip}:${l.port} failed (98: Address already in use)`);
      }
    }
    if (tries >= 4) {
      this.log('emerg', p.pid, 'still could not bind()');
      for (const l of this.listeners.values()) l.close();
      return p.exit(1);
    }
    p.after(500, () => (this.bind(conf) === true ? this.run() : this.retryBind(tries + 1)));
  }

  private workerCount(): number {
    const v = setting([this.conf.main], 'worker_processes')?.[0] ?? '1';
    return v === 'auto' ? (this.p.cpus ?? 1) : Math.max(1, Number(v) || 1);
  }

  private startWorkers(): void {
    this.log('notice', this.p.pid, 'start worker processes');
    const fresh: Worker[] = [];
    for (let i = 0; i < this.workerCount(); i++) {
      const child = this.p.spawn(['nginx: worker process'], { fork: true });
      const w: Worker = { child, connections: 0 };
      child.onSignal((sig) => {
        if (sig === signals.SIGQUIT) this.retire([w], true, () => {});
        else if (sig === signals.SIGTERM || sig === signals.SIGINT) this.retire([w], false, () => {});
      });
      // A worker killed outright is replaced, as the master does on SIGCHLD.
      child.onKilled((sig) => {
        this.workers = this.workers.filter((x) => x !== w);
        this.log('notice', this.p.pid, `signal 17 (SIGCHLD) received from ${child.pid}`);
        this.log('alert', this.p.pid, `worker process ${child.pid} exited on signal ${sig}`);
        if (!this.stopping) this.startWorkers();
      });
      this.log('notice', this.p.pid, `start worker process ${child.pid}`);
      fresh.push(w);
    }
    this.workers.push(...fresh);
  }

  /** Workers leave: gracefully (finish, then exit) or at once; the master reaps them. */
  private retire(workers: Worker[], graceful: boolean, done: () => void): void {
    const { p } = this;
    this.workers = this.workers.filter((w) => !workers.includes(w));
    for (const w of workers) {
      if (graceful) {
        this.log('notice', w.child.pid, 'gracefully shutting down');
        w.child.setCommand(['nginx: worker process is shutting down']);
      }
    }
    p.after(graceful ? 2 : 1, () => {
      for (const w of workers) {
        this.log('notice', w.child.pid, 'exiting');
        this.log('notice', w.child.pid, 'exit');
      }
      for (const w of workers) w.child.exit(0);
      if (workers.length > 0) this.log('notice', p.pid, `signal 17 (SIGCHLD) received from ${workers[workers.length - 1]!.child.pid}`);
      for (const w of workers) this.log('notice', p.pid, `worker process ${w.child.pid} exited with code 0`);
      done();
    });
  }

  private signal(sig: number, from: number | undefined): void {
    const { p } = this;
    const name = SIGNAL_NAMES[sig];
    if (name === undefined || this.stopping) return;
    const action = sig === 3 ? ', shutting down' : sig === 15 || sig === 2 ? ', exiting' : sig === 1 ? ', reconfiguring' : sig === 10 ? ', reopening logs' : '';
    this.log('notice', p.pid, `signal ${sig} (${name}) received${from ? ` from ${from}` : ''}${action}`);
    if (sig === 3 || sig === 15 || sig === 2) {
      this.stopping = true;
      for (const l of this.listeners.values()) l.close();
      this.listeners.clear();
      this.retire([...this.workers], sig === 3, () => {
        this.log('notice', p.pid, 'exit');
        p.fs.remove(pidFile(this.conf));
        p.exit(0);
      });
    } else if (sig === 1) this.reload();
    else if (sig === 10) this.log('notice', p.pid, 'reopening logs');
  }

  /** SIGHUP: read the configuration again; if it is good, new workers take over and the old ones finish. */
  private reload(): void {
    const { p } = this;
    this.log('notice', p.pid, 'reconfiguring');
    const conf = loadConfig(p, this.o);
    if ('error' in conf) {
      this.log('emerg', p.pid, conf.error);
      return;
    }
    const bound = this.bind(conf);
    if (bound !== true) {
      for (const a of bound) this.log('emerg', p.pid, `bind() to ${a} failed (98: Address already in use)`);
      return;
    }
    this.conf = conf;
    this.log = errorLog(p, conf, this.o, () => false);
    this.log('notice', p.pid, 'using the "epoll" event method');
    const old = [...this.workers];
    this.startWorkers();
    this.retire(old, true, () => this.log('notice', p.pid, 'signal 29 (SIGIO) received'));
  }

  /** A connection: the next worker (round robin) serves it. */
  private connection(s: Socket, port: number): void {
    if (this.workers.length === 0) return s.end();
    const w = this.workers[this.next++ % this.workers.length]!;
    w.connections++;
    const conf = this.conf;
    const access = (line: string): void => {
      const target = setting([conf.http], 'access_log')?.[0] ?? '/var/log/nginx/access.log';
      if (target !== 'off') logSink(this.p, target)(line);
    };
    const number = w.connections;
    serveConnection(
      s,
      (req, reply) =>
        answerRequest(
          { p: this.p, conf, version: this.build.version, port, client: s.remote, error: (level, text) => this.log(level, w.child.pid, `*${number} ${text}`), access },
          req,
          reply,
        ),
      () => `HTTP/1.1 400 Bad Request\r\nServer: nginx/${this.build.version}\r\nDate: ${new Date(this.p.now()).toUTCString()}\r\nContent-Type: text/html\r\nContent-Length: ${errorPage(400, this.build.version).length}\r\nConnection: close\r\n\r\n${errorPage(400, this.build.version)}`,
    );
  }
}

/** The environment variable the official image's scripts read to keep quiet. */
export function quietLogs(p: Proc): boolean {
  return (envValue(p.env, 'NGINX_ENTRYPOINT_QUIET_LOGS') ?? '') !== '';
}
