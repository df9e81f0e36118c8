import { busyboxApplets, helloMessage } from '../images/catalog';
import { type Proc, type Program } from './process';
import { applets } from '../cshell/applets';
import { shellProgram } from '../cshell/containerShell';
import { headEnough, utilityProgram } from '../cshell/utilProgram';
import { flavorOf } from '../cshell/spawn';
import { envValue as envLookup, err, out } from '../cshell/procio';
import { fsErrorText, resolvePath, type FsStat } from '../shell/filesystem';
import type { NotRunnable } from '../shell/personality';
import type { ExecError } from '../shell/context';
import { utilities } from '../shell/utils';
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
import { htpasswd } from '../services/registryAuth';
import { apk } from '../services/apk';
import { viProgram } from '../cshell/editorProgram';

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
  // busybox reads the number with strtod, so inf and infinity (any case) sleep for ever.
  if (/^(inf|infinity)$/i.test(arg)) return Infinity;
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
  if (total === Infinity) return; // runs until killed
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

const resolveProgram = (p: Pick<Proc, 'fs' | 'env' | 'cwd'>, name: string): Program | ExecError => {
  const r = lookupCommand(p, name);
  if (typeof r !== 'string') return r.program;
  return r === 'notfound' || r === 'nofile' ? 'ENOENT' : 'EACCES';
};

/** The utilities the host shell runs (core/shell/utils), as container programs: GNU's or busybox's by the image. */
const utilityPrograms: Record<string, Program> = Object.fromEntries(
  Object.entries(utilities).map(([name, u]) => [name, utilityProgram(u, resolveProgram, name === 'head' ? { enough: headEnough } : {})]),
);

// The file and system utilities choose GNU's or busybox's output themselves (ctx.flavor); these applets stay core/cshell's.
const KEPT_APPLETS = ['id', 'whoami'];
const flavored: Record<string, Program> = Object.fromEntries(KEPT_APPLETS.map((name) => [name, applets[name]!]));
// cat reading a terminal copies each line as it comes; GNU's and busybox's do the same there.
flavored.cat = (p) => (flavorOf(p) === 'busybox' || p.argv.length === 1 ? applets.cat!(p) : utilityPrograms.cat!(p));
// tail -f follows (and tail of /dev/zero grows until the OOM killer); other tails are the utility's.
const tailProgram: Program = (p) => (p.argv.some((a) => /^-[a-zA-Z]*[fF]/.test(a)) || p.argv.includes('/dev/zero') ? tail(p) : utilityPrograms.tail!(p));

// Debian's awk is mawk (an alternatives link), centos's gawk: the one awk here.
utilityPrograms.mawk = utilityPrograms.awk!;
utilityPrograms.gawk = utilityPrograms.awk!;

/** The shells, each the one interpreter (core/shell/interp.ts) in its image's personality. */
const shells: Record<string, Program> = {
  sh: shellProgram('sh', lookupCommand),
  ash: shellProgram('ash', lookupCommand),
  bash: shellProgram('bash', lookupCommand),
  dash: shellProgram('dash', lookupCommand),
};

/** The busybox binary: the applet its name (or its first argument) names, as alpine's symlinks to /bin/busybox run it. */
const busybox: Program = (p) => {
  let argv = [...p.argv];
  let name = basename(argv[0] ?? '');
  if (name === 'busybox') {
    argv = argv.slice(1);
    if (argv.length === 0) {
      out(p, 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\nBusyBox is copyrighted by many authors between 1998-2015.\nLicensed under GPLv2. See source distribution for detailed\ncopyright notices.\n\nUsage: busybox [function [arguments]...]\n   or: busybox --list[-full]\n   or: busybox --show SCRIPT\n   or: busybox --install [-s] [DIR]\n   or: function [arguments]...\n');
      return p.exit(0);
    }
    name = basename(argv[0]!);
  }
  if (!busyboxApplets.includes(name) || name === 'busybox') {
    err(p, `${name}: applet not found\n`);
    return p.exit(127);
  }
  programFor(name)({ ...p, argv });
};

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Every program the simulator runs, by the name an executable file gives (ImageFile.program). */
export const programs: Readonly<Record<string, Program>> = {
  ...utilityPrograms,
  sleep, true: trueProgram, false: falseProgram, echo, env, printenv, pwd, uname, tail: tailProgram, top, hello, yes,
  ...flavored,
  ...shells,
  busybox,
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
  htpasswd,
  'catalina.sh': catalinaSh,
  java,
  'registry-entrypoint': registryEntrypoint,
  registry: registryProgram,
  apk,
  vi: viProgram,
};

/**
 * execvp in a container: a name with a slash is that file; otherwise the
 * first executable file of that name on PATH. Returns the program the file
 * runs and its path, or why it cannot run. A text file without a program is
 * a script: `#!interpreter`, or the shell's.
 */
export function lookupCommand(p: Pick<Proc, 'fs' | 'env' | 'cwd'>, name: string): { program: Program; path: string } | NotRunnable {
  let found: FsStat | undefined;
  let path = '';
  if (name === '') return 'notfound';
  if (name.includes('/')) {
    path = resolvePath(name, p.cwd);
    const st = p.fs.stat(path);
    if (typeof st === 'string') return 'nofile';
    if (st.kind === 'dir') return 'isdir';
    if ((st.mode & 0o111) === 0) return 'noperm';
    found = st;
  } else {
    const dirs = envLookup(p.env, 'PATH') ?? DEFAULT_PATH;
    for (const d of dirs.split(':')) {
      const candidate = resolvePath(name, d || '.');
      const st = p.fs.stat(candidate);
      if (typeof st !== 'string' && st.kind === 'file' && st.mode & 0o111) {
        found = st;
        path = (d || '.') === '/' ? `/${name}` : `${d || '.'}/${name}`;
        break;
      }
    }
    if (found === undefined) return 'notfound';
  }
  if (found.program !== undefined) return { program: programFor(found.program), path };
  // A file whose bytes the simulator does not hold is a binary it has no program for: named by itself in the refusal.
  const r = found.size > 0 ? p.fs.tryRead(path) : undefined;
  if (r !== undefined && 'data' in r && r.data === '') return { program: programFor(name.slice(name.lastIndexOf('/') + 1)), path };
  return { program: scriptProgram(path), path };
}

/** A script file: run by its `#!` interpreter, or (no `#!`) by /bin/sh, as a shell does on ENOEXEC. */
function scriptProgram(path: string): Program {
  return (p) => {
    const r = p.fs.tryRead(path);
    const text = 'data' in r ? r.data : '';
    const m = /^#![ \t]*([^ \t\n]+)[ \t]*([^\n]*)/.exec(text);
    const interp = m ? m[1]! : '/bin/sh';
    const extra = m && m[2]!.trim() !== '' ? [m[2]!.trim()] : [];
    const found = lookupCommand(p, interp);
    if (typeof found === 'string') {
      err(p, `${p.argv[0]}: ${interp}: bad interpreter: No such file or directory\n`);
      return p.exit(126);
    }
    found.program({ ...p, argv: [interp, ...extra, path, ...p.argv.slice(1)] });
  };
}

export function resolveCommand(p: Pick<Proc, 'fs' | 'env' | 'cwd'>, name: string): Program | 127 | 126 {
  const r = lookupCommand(p, name);
  if (typeof r !== 'string') return r.program;
  return r === 'notfound' || r === 'nofile' ? 127 : 126;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The program an executable file runs; a busybox applet not modelled yet says so. */
export function programFor(name: string): Program {
  const known = programs[name];
  if (known) return known;
  return (p) => {
    err(p, `glassbox: '${name}' is not simulated yet\n`);
    p.exit(2);
  };
}
