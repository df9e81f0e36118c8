import { helloMessage } from '../images/catalog';
import { type Proc, type Program } from './process';
import { applets } from '../cshell/applets';
import { sh } from '../cshell/ash';
import { envValue as envLookup, err, out } from '../cshell/procio';
import { fsErrorText, resolvePath, type FsStat } from '../shell/filesystem';
import { netPrograms } from '../network/programs/busybox';
import { KERNEL_RELEASE_HOST, KERNEL_VERSION } from '../kernel/procfs';
import { NGINX_1_15, NGINX_1_27, nginxProgram } from '../services/nginx';
import { nginxEntrypoint } from '../services/nginxEntrypoint';
import { redisEntrypoint, redisServer } from '../services/redis';
import { redisCli } from '../services/redisCli';
import { MYSQL_5_7, MYSQL_8_0, mysqldProgram } from '../services/mysqld';
import { mysqladmin, mysqlClient } from '../services/mysqlClient';
import { mysqlEntrypoint } from '../services/mysqlEntrypoint';
import { apacheHttpd, httpdForeground } from '../services/httpd';
import { catalinaSh, java } from '../services/tomcat';
import { registryEntrypoint, registryProgram } from '../services/registry';
import { apk } from '../services/apk';

/**
 * What the busybox programs (and hello-world's /hello) do when they run in a
 * container, as PID 1 or under `docker exec`. Each models the behaviour a
 * student sees: output, exit code, how long it runs and which signals end it.
 * The file applets (ls, cat, cp …) and the shell live in core/cshell. A
 * program not modelled yet says so on stderr and fails, rather than
 * pretending to succeed.
 */



function envValue(proc: Proc, key: string): string | undefined {
  return envLookup(proc.env, key);
}

function parseSleep(arg: string): number | undefined {
  const m = /^([0-9]*\.?[0-9]+)([smhd]?)$/.exec(arg);
  if (!m) return undefined;
  const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
  return Math.round(Number(m[1]) * unit);
}

const sleep: Program = (p) => {
  const args = p.argv.slice(1);
  if (args.length === 0) {
    err(p, 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n');
    p.exit(1);
    return;
  }
  let total = 0;
  for (const a of args) {
    const ms = parseSleep(a);
    if (ms === undefined) {
      err(p, `sleep: invalid number '${a}'\n`);
      p.exit(1);
      return;
    }
    total += ms;
  }
  if (total === Infinity || args.includes('infinity')) return; // runs until killed
  p.after(total, () => p.exit(0));
};

const trueProgram: Program = (p) => p.exit(0);
const falseProgram: Program = (p) => p.exit(1);

const echo: Program = (p) => {
  let args = p.argv.slice(1);
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  out(p, args.join(' ') + (newline ? '\n' : ''));
  p.exit(0);
};

const env: Program = (p) => {
  out(p, p.env.map((kv) => kv + '\n').join(''));
  p.exit(0);
};

const printenv: Program = (p) => {
  const names = p.argv.slice(1);
  if (names.length === 0) return env(p);
  let code = 0;
  for (const n of names) {
    const v = envValue(p, n);
    if (v === undefined) code = 1;
    else out(p, v + '\n');
  }
  p.exit(code);
};

const pwd: Program = (p) => {
  out(p, p.cwd + '\n');
  p.exit(0);
};

const uname: Program = (p) => {
  const fields = { s: 'Linux', n: p.hostname, r: KERNEL_RELEASE_HOST, v: KERNEL_VERSION, m: 'x86_64', o: 'GNU/Linux' };
  let want = '';
  for (const a of p.argv.slice(1)) {
    if (!/^-[snrvmoa]+$/.test(a)) {
      err(p, `uname: unrecognized option '${a}'\n`);
      p.exit(1);
      return;
    }
    want += a.slice(1);
  }
  if (want.includes('a')) want = 'snrvmo';
  if (want === '') want = 's';
  const order: (keyof typeof fields)[] = ['s', 'n', 'r', 'v', 'm', 'o'];
  out(p, order.filter((k) => want.includes(k)).map((k) => fields[k]).join(' ') + '\n');
  p.exit(0);
};

const tail: Program = (p) => {
  let follow = false;
  let count = 10;
  const files: string[] = [];
  const args = p.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-f' || a === '-F') follow = true;
    else if (a === '-n') count = Number(args[++i] ?? '10');
    else if (/^-[0-9]+$/.test(a)) count = Number(a.slice(1));
    else files.push(a);
  }
  const show = (text: string): void => {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const keep = lines.slice(Math.max(0, lines.length - count));
    if (keep.length > 0) out(p, keep.join('\n') + '\n');
  };
  if (files.length === 0) {
    let buf = '';
    p.stdin.read((t) => (buf += t), () => {
      show(buf);
      if (!follow) p.exit(0);
    });
    return;
  }
  if (files.length === 1 && (files[0] === '/dev/zero' || (files[0] === 'zero' && p.cwd === '/dev'))) {
    // No newline ever comes: tail keeps the whole input in memory until something stops it (the OOM killer).
    let rss = 380_928;
    const grow = (): void => {
      rss += 32 * 1024 * 1024;
      p.setMemory?.(rss);
      p.after(50, grow);
    };
    p.after(50, grow);
    return;
  }
  let code = 0;
  for (const f of files) {
    const r = p.fs.tryRead(resolvePath(f, p.cwd));
    if ('data' in r) show(r.data);
    else {
      err(p, `tail: can't open '${f}': ${fsErrorText(r.error)}\n`);
      code = 1;
    }
  }
  if (!follow) p.exit(code);
};

/** busybox top: redraws every 5 s until a signal; it installs handlers, so SIGTERM ends it (143). */
const top: Program = (p) => {
  const draw = (): void => {
    out(
      p,
      '\x1b[H\x1b[JMem: 1028948K used, 23654708K free, 8952K shrd, 3436K buff, 749504K cached\n' +
        'CPU:   0% usr   0% sys   0% nic 100% idle   0% io   0% irq   0% sirq\n' +
        'Load average: 0.00 0.00 0.00 1/159 1\n' +
        '\x1b[7m  PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND\x1b[m\n' +
        '    1     0 root     R     2268   0%   0% top\n',
    );
  };
  p.onSignal((sig) => {
    if (sig === 2 || sig === 15 || sig === 1 || sig === 3) p.exit(128 + sig);
  });
  const tick = (): void => {
    draw();
    p.after(5000, tick);
  };
  tick();
};

const hello: Program = (p) => {
  out(p, helloMessage);
  p.exit(0);
};

const yes: Program = (p) => {
  // An endless writer: model a bounded burst so logs stay small, then keep running.
  const word = p.argv[1] ?? 'y';
  out(p, (word + '\n').repeat(100));
};

/** Every program the simulator runs, by the name an executable file gives (ImageFile.program). */
export const programs: Readonly<Record<string, Program>> = {
  sleep, true: trueProgram, false: falseProgram, echo, env, printenv, pwd, uname, tail, top, hello, yes,
  ...applets,
  sh, ash: sh,
  // hostname, ip, ifconfig, route, netstat, ping, wget, nc, httpd, nslookup
  ...netPrograms,
  // The official images' services (core/services).
  nginx: nginxProgram(NGINX_1_27),
  'nginx-1.15': nginxProgram(NGINX_1_15),
  'nginx-entrypoint': nginxEntrypoint,
  'redis-entrypoint': redisEntrypoint,
  'redis-server': redisServer,
  'redis-cli': redisCli,
  'mysql-entrypoint': mysqlEntrypoint(MYSQL_8_0),
  'mysql-entrypoint-5.7': mysqlEntrypoint(MYSQL_5_7),
  mysqld: mysqldProgram(MYSQL_8_0),
  'mysqld-5.7': mysqldProgram(MYSQL_5_7),
  mysql: mysqlClient(MYSQL_8_0),
  'mysql-5.7': mysqlClient(MYSQL_5_7),
  mysqladmin: mysqladmin(MYSQL_8_0),
  'mysqladmin-5.7': mysqladmin(MYSQL_5_7),
  'httpd-foreground': httpdForeground,
  'apache-httpd': apacheHttpd,
  'catalina.sh': catalinaSh,
  java,
  'registry-entrypoint': registryEntrypoint,
  registry: registryProgram,
  apk,
  busybox,
};

export function resolveCommand(p: Pick<Proc, 'fs' | 'env' | 'cwd'>, name: string): Program | 127 | 126 {
  let found: FsStat | undefined;
  if (name.includes('/')) {
    const st = p.fs.stat(resolvePath(name, p.cwd));
    if (typeof st !== 'string') found = st;
  } else {
    const path = envLookup(p.env, 'PATH') ?? DEFAULT_PATH;
    for (const d of path.split(':')) {
      const st = p.fs.stat(resolvePath(name, d || '.'));
      if (typeof st !== 'string' && st.kind === 'file' && st.mode & 0o111) {
        found = st;
        break;
      }
    }
  }
  if (found === undefined) return 127;
  if (found.kind !== 'file' || (found.mode & 0o111) === 0) return 126;
  // A file the simulator has no program for is named by itself in the refusal.
  return programFor(found.program ?? name.slice(name.lastIndexOf('/') + 1));
}

/**
 * busybox as a multi-call binary: the applet is the name it was run by (a
 * link such as Alpine's /bin/ls -> /bin/busybox), or the first argument of
 * `busybox APPLET …`.
 */
function busybox(p: Proc): void {
  const runAs = (p.argv[0] ?? '').slice((p.argv[0] ?? '').lastIndexOf('/') + 1);
  const argv = runAs === 'busybox' ? p.argv.slice(1) : [runAs, ...p.argv.slice(1)];
  const applet = argv[0];
  if (applet === undefined || applet === 'busybox') {
    err(p, "glassbox: busybox's own help is not simulated yet\n");
    return p.exit(2);
  }
  programFor(applet)({ ...p, argv });
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The program an executable file runs; a busybox applet not modelled yet says so. */
export function programFor(name: string): Program {
  const known = programs[name];
  if (known) return known;
  return (p) => {
    err(p, `glassbox: '${name}' is not simulated yet\n`);
    p.exit(1);
  };
}
