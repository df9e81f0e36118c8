/**
 * ps and kill over the processes the system gives (UtilContext.sys):
 * procps-ng 4's `ps` (Debian 12: `ps -ef`, `ps aux`, `ps -o …`, plain `ps`,
 * the form `docker top` takes its rows from) and busybox's applet; procps'
 * and busybox's `kill`.
 */
import { getopt, all } from '../getopt';
import { notSimulated, optionError, type UtilContext, type UtilProcess } from '../context';
import { lookupUser, parsePasswd } from '../../cshell/users';

// ---------- procps ----------

export interface PsTable {
  header: string[];
  rows: string[][];
  /** Column alignment: true for right-aligned (numbers). */
  right: boolean[];
  /** procps' minimum width of each column. */
  widths: number[];
}

export interface PsOptions {
  /** Bytes, for %MEM. */
  memTotal: number;
  /** A process's user name as ps shows it. */
  userName: (p: UtilProcess) => string;
}

type Field = { title: string; right: boolean; width: number; value: (p: UtilProcess) => string };

function hhmm(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function command(p: UtilProcess): string {
  return p.argv.join(' ');
}

/** The kernel's comm: the program's base name, 15 characters at most (a kernel thread's name without its brackets). */
export function processComm(p: Pick<UtilProcess, 'argv' | 'kthread'>): string {
  const a0 = p.argv[0] ?? '';
  if (p.kthread) return a0.replace(/^\[|\]$/g, '');
  return a0.slice(a0.lastIndexOf('/') + 1).replace(/^-/, '').slice(0, 15);
}

function fields(now: number, opts: PsOptions, long: boolean): Record<string, Field> {
  const f = (title: string, right: boolean, width: number, value: (p: UtilProcess) => string): Field => ({ title, right, width, value });
  return {
    uid: f('UID', false, 8, opts.userName),
    user: f('USER', false, 8, opts.userName),
    pid: f('PID', true, long ? 7 : 5, (p) => String(p.pid)),
    ppid: f('PPID', true, long ? 7 : 5, (p) => String(p.ppid)),
    // procps caps C at 99; %CPU past 99.9 loses its tenth.
    c: f('C', true, 2, (p) => String(Math.min(99, Math.floor(permille(p, now) / 10)))),
    stime: f('STIME', false, 5, (p) => hhmm(p.started)),
    start: f('START', false, 5, (p) => hhmm(p.started)),
    tty: f('TTY', false, 8, (p) => p.tty),
    time: f('TIME', true, 8, (p) => cpuClock(p.cpuMs ?? 0)),
    cputime: f('TIME', true, 6, (p) => {
      const s = Math.floor((p.cpuMs ?? 0) / 1000);
      return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    }),
    cmd: f('CMD', false, 0, command),
    args: f('COMMAND', false, 0, command),
    command: f('COMMAND', false, 0, command),
    comm: f('COMMAND', false, 15, processComm),
    pcpu: f('%CPU', true, 4, (p) => {
      const pm = permille(p, now);
      return pm > 999 ? String(Math.floor(pm / 10)) : `${Math.floor(pm / 10)}.${pm % 10}`;
    }),
    pmem: f('%MEM', true, 4, (p) => ((p.rss / opts.memTotal) * 100).toFixed(1)),
    vsz: f('VSZ', true, 6, (p) => String(Math.round(p.vsz / 1024))),
    rss: f('RSS', true, 5, (p) => String(Math.round(p.rss / 1024))),
    stat: f('STAT', false, 4, (p) => p.stat),
    etime: f('ELAPSED', true, 11, (p) => elapsed(now - p.started)),
  };
}

/** procps' pcpu: CPU time over the process's lifetime, in tenths of a percent. */
function permille(p: UtilProcess, now: number): number {
  const life = now - p.started;
  return life > 0 ? Math.floor(((p.cpuMs ?? 0) * 1000) / life) : 0;
}

/** [DD-]HH:MM:SS of CPU time (ps -ef's TIME). */
function cpuClock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hms = `${String(Math.floor(s / 3600) % 24).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h > 0 ? `${String(h).padStart(2, '0')}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * The table procps' `ps <args>` prints for `procs`: -ef, -f, aux, -x, -o a,b,c
 * (and no args: PID TTY TIME CMD). Returns ps's error for what it does not know.
 */
export function formatProcps(args: readonly string[], procs: readonly UtilProcess[], now: number, opts: PsOptions): PsTable | { error: string } {
  const long = args.some((a) => /^-[a-zA-Z]*f/.test(a));
  const all = fields(now, opts, long);
  let cols: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === 'o' || a === '-O') {
      const spec = args[++i];
      if (spec === undefined) return { error: 'error: unknown user-defined format specifier ""' };
      cols = [...(cols ?? []), ...spec.split(',')];
      continue;
    }
    if (a.startsWith('-o')) {
      cols = [...(cols ?? []), ...a.slice(2).split(',')];
      continue;
    }
    if (/^-[efAaxl]+$/.test(a)) {
      if (a.includes('f')) cols = cols ?? ['uid', 'pid', 'ppid', 'c', 'stime', 'tty', 'time', 'cmd'];
      else if (a.includes('x')) cols = cols ?? ['pid', 'tty', 'stat', 'cputime', 'command'];
      continue;
    }
    if (/^[auxwe]+$/.test(a)) {
      if (a.includes('u')) cols = ['user', 'pid', 'pcpu', 'pmem', 'vsz', 'rss', 'tty', 'stat', 'start', 'cputime', 'command'];
      else cols = cols ?? ['pid', 'tty', 'stat', 'cputime', 'command'];
      continue;
    }
    return { error: `error: unsupported option (BSD syntax)` };
  }
  cols = cols ?? ['pid', 'tty', 'time', 'cmd'];
  const picked: Field[] = [];
  for (const c of cols) {
    const field = all[c.toLowerCase()];
    if (!field) return { error: `error: unknown user-defined format specifier "${c}"` };
    picked.push(field);
  }
  return {
    header: picked.map((f) => f.title),
    rows: procs.map((p) => picked.map((f) => f.value(p))),
    right: picked.map((f) => f.right),
    widths: picked.map((f) => f.width),
  };
}

/** procps' own layout: minimum widths, numbers right-aligned, the last column unpadded. */
export function renderPs(t: PsTable): string {
  const widths = t.header.map((h, i) => {
    let w = Math.max(h.length, t.widths[i]!);
    for (const r of t.rows) w = Math.max(w, r[i]!.length);
    return w;
  });
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : t.right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' ') + '\n';
  return line(t.header) + t.rows.map(line).join('');
}

/** procps' ps: which processes a set of options selects (all with -e/-A/ax, else those on the caller's terminal). */
export function procpsSelects(args: readonly string[]): boolean {
  return args.some((a) => /^-[a-zA-Z]*[eA]/.test(a) || /^[a-z]*a[a-z]*x|^[a-z]*x[a-z]*a/.test(a) || a === 'ax' || a === 'aux');
}

export const PROCPS_USAGE = "\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n";

/** A user name from the caller's /etc/passwd, or the uid when it has none. */
function userNamer(ctx: UtilContext): (p: UtilProcess) => string {
  const r = ctx.fs.tryRead('/etc/passwd');
  const users = parsePasswd('data' in r ? r.data : '');
  return (p) => {
    const uid = lookupUser(p.user, users)?.uid;
    if (uid === undefined) return p.user;
    return users.find((u) => u.id === uid)?.name ?? String(uid);
  };
}

// ---------- busybox ----------

/** busybox's smart_ulltoa4: a kB count in four columns, scaled with m/g/t past 9999. */
export function bbScaled(kb: number): string {
  let ul = Math.round(kb);
  let idx = 0;
  if (ul > 9999) {
    ul *= 10;
    do {
      ul = Math.floor(ul / 1024);
      idx++;
    } while (ul >= 10000);
  }
  const u = Math.floor(ul / 10);
  const v = ul % 10;
  if (idx === 0) return String(ul).padStart(4);
  const scale = ' mgtpezy'[idx]!;
  if (u >= 10) return `${String(Math.floor(u / 10)).padStart(2)}${u % 10}${scale}`.slice(-4).padStart(4);
  return `${u}.${v}${scale}`;
}

type BbColumn = { name: string; header: string; width: number; right: boolean; value: (p: UtilProcess) => string };

function bbColumns(user: (p: UtilProcess) => string): Record<string, BbColumn> {
  const c = (name: string, header: string, width: number, right: boolean, value: (p: UtilProcess) => string): BbColumn => ({ name, header, width, right, value });
  return {
    user: c('user', 'USER', 8, false, user),
    group: c('group', 'GROUP', 8, false, user),
    comm: c('comm', 'COMMAND', 16, false, processComm),
    args: c('args', 'COMMAND', 0, false, (p) => (p.kthread ? `[${processComm(p)}]` : command(p))),
    pid: c('pid', 'PID', 5, true, (p) => String(p.pid)),
    ppid: c('ppid', 'PPID', 5, true, (p) => String(p.ppid)),
    pgid: c('pgid', 'PGID', 5, true, (p) => String(p.pid)),
    nice: c('nice', 'NI', 5, true, () => '0'),
    rgroup: c('rgroup', 'RGROUP', 8, false, user),
    ruser: c('ruser', 'RUSER', 8, false, user),
    tty: c('tty', 'TT', 6, false, (p) => p.tty),
    vsz: c('vsz', 'VSZ', 4, true, (p) => bbScaled(p.vsz / 1024)),
    sid: c('sid', 'SID', 5, true, (p) => String(p.pid)),
    stat: c('stat', 'STAT', 4, false, (p) => (p.stat[0] ?? 'S') + (p.kthread ? 'W' : '')),
    rss: c('rss', 'RSS', 4, true, (p) => bbScaled(p.rss / 1024)),
  };
}

function bbPs(ctx: UtilContext, procs: readonly UtilProcess[]): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'TaAdeflZ', withValue: 'o' });
  if ('error' in p) return optionError(ctx, p.error);
  const user = userNamer(ctx);
  const specs = all(p, 'o');
  if (specs.length === 0) {
    const rows = procs.map((pr) => `${String(pr.pid).padStart(5)} ${user(pr).slice(0, 8).padEnd(8)} ${pr.kthread ? `[${processComm(pr)}]` : command(pr)}\n`);
    ctx.io.stdout('PID   USER     COMMAND\n' + rows.join(''));
    return 0;
  }
  const known = bbColumns(user);
  const cols: BbColumn[] = [];
  for (const spec of specs.flatMap((s) => s.split(','))) {
    const [name, header] = spec.split(/=(.*)/s) as [string, string | undefined];
    const col = known[name];
    if (!col) {
      ctx.io.stderr(`ps: bad -o argument '${name}', supported arguments: user,group,comm,args,pid,ppid,pgid,nice,rgroup,ruser,tty,vsz,sid,stat,rss\n`);
      return 1;
    }
    // A header of one's own sets the column's width; text longer than that is cut.
    cols.push(header ? { ...col, header, width: header.length, value: col.right ? col.value : (pr) => col.value(pr).slice(0, header.length) } : { ...col, header: header ?? col.header });
    // COMMAND (args) takes the rest of the line: busybox prints no column after it.
    if (name === 'args') break;
  }
  const line = (cells: string[]): string => cells.map((v, i) => (i === cells.length - 1 ? v : cols[i]!.right ? v.padStart(cols[i]!.width) : v.padEnd(cols[i]!.width))).join(' ').replace(/ +$/, '') + '\n';
  const headers = cols.every((c) => c.header === '') ? '' : line(cols.map((c, i) => (i === cols.length - 1 ? c.header : c.header.padEnd(c.width))));
  ctx.io.stdout(headers + procs.map((pr) => line(cols.map((c) => c.value(pr)))).join(''));
  return 0;
}

/** ps: procps' for GNU, busybox's applet for busybox. */
export function ps(ctx: UtilContext): number {
  if (!ctx.sys) return notSimulated(ctx);
  const procs = ctx.sys.processes();
  if (ctx.flavor === 'busybox') return bbPs(ctx, procs);
  const args = ctx.argv.slice(1);
  // Without a terminal, procps picks the processes that have none either ('?').
  const tty = ctx.sys.terminal()?.name.replace(/^\/dev\//, '') ?? '?';
  const picked = procpsSelects(args) ? procs : procs.filter((p) => p.tty === tty);
  const table = formatProcps(args, picked, ctx.now(), { memTotal: ctx.sys.memory().total * 1024, userName: userNamer(ctx) });
  if ('error' in table) {
    ctx.io.stderr(`${table.error}\n${PROCPS_USAGE}`);
    return 1;
  }
  ctx.io.stdout(renderPs(table));
  return 0;
}

// ---------- kill ----------

/** Linux x86-64 signal names, 1 to 31, as kill -l lists them. */
export const SIGNAL_NAMES = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'POLL', 'PWR', 'SYS'];

/** A signal by number or name (with or without SIG, any case; IO and IOT as aliases). */
export function signalNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s) <= 64 ? Number(s) : null;
  const name = s.toUpperCase().replace(/^SIG/, '');
  const alias: Record<string, string> = { IO: 'POLL', IOT: 'ABRT', CLD: 'CHLD' };
  const i = SIGNAL_NAMES.indexOf(alias[name] ?? name);
  return i < 0 ? null : i + 1;
}

const PROCPS_KILL_USAGE = '\nUsage:\n kill [options] <pid> [...]\n\nOptions:\n <pid> [...]            send signal to every <pid> listed\n -<signal>, -s, --signal <signal>\n                        specify the <signal> to be sent\n -q, --queue <value>    integer value to be sent with the signal\n -l, --list=[<signal>]  list all signal names, or convert one to a name\n -L, --table            list all signal names in a nice table\n\n -h, --help     display this help and exit\n -V, --version  output version information and exit\n\nFor more details see kill(1).\n';

/** kill: procps' /bin/kill or busybox's applet: -l, -s SIG, -SIG, then pids. */
export function kill(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const args = ctx.argv.slice(1);
  const usage = (msg = ''): number => {
    ctx.io.stderr(msg + PROCPS_KILL_USAGE);
    return 1;
  };
  if (args[0] === '-l' || args[0] === '-L' || args[0] === '--list') {
    const which = args[1];
    if (which === undefined) {
      if (gnu) ctx.io.stdout(SIGNAL_NAMES.slice(0, 16).join(' ') + '\n' + SIGNAL_NAMES.slice(16).join(' ') + '\n');
      else ctx.io.stdout(SIGNAL_NAMES.map((n, i) => `${String(i + 1).padStart(2)}) ${n}\n`).join(''));
      return 0;
    }
    const n = /^\d+$/.test(which) ? Number(which) : signalNumber(which);
    if (n === null || (typeof n === 'number' && (n < 1 || n > SIGNAL_NAMES.length))) {
      if (gnu) ctx.io.stderr(`kill: unknown signal name ${which}\n`);
      else if (/^\d+$/.test(which)) ctx.io.stdout(`${which}\n`);
      else {
        ctx.io.stderr(`kill: bad signal name '${which}'\n`);
        return 1;
      }
      return 0;
    }
    ctx.io.stdout((/^\d+$/.test(which) ? SIGNAL_NAMES[n - 1] : String(n)) + '\n');
    return 0;
  }
  let signal = 15;
  let i = 0;
  const badSignal = (name: string): number => {
    if (gnu) return usage(`kill: invalid argument ${name}\n`);
    ctx.io.stderr(`kill: bad signal name '${name}'\n`);
    return 1;
  };
  if (args[0] === '-s' || args[0] === '--signal') {
    if (args[1] === undefined) return gnu ? usage('kill: invalid argument s\n') : badSignal('s');
    const n = signalNumber(args[1]);
    if (n === null) return badSignal(args[1]);
    signal = n;
    i = 2;
  } else if (args[0] !== undefined && /^-./.test(args[0]) && args[0] !== '--') {
    const n = signalNumber(args[0].slice(1));
    if (n === null) return badSignal(args[0].slice(1));
    signal = n;
    i = 1;
  }
  if (args[i] === '--') i++;
  const pids = args.slice(i);
  if (pids.length === 0) {
    if (gnu) return usage();
    ctx.io.stderr('kill: you need to specify whom to kill\n');
    return 1;
  }
  const bad = pids.find((a) => !/^-?\d+$/.test(a));
  if (bad !== undefined) {
    ctx.io.stderr(gnu ? `kill: failed to parse argument: '${bad}'\n` : `kill: invalid number '${bad}'\n`);
    return 1;
  }
  if (!ctx.sys) return notSimulated(ctx);
  let status = 0;
  for (const a of pids) {
    const r = ctx.sys.kill(Number(a), signal);
    if (r === 'ok') continue;
    status = 1;
    if (r === 'ENOSYS') {
      ctx.io.stderr(`glassbox: kill: delivering signal ${signal} to pid ${a} is not simulated yet\n`);
      status = 2;
      continue;
    }
    const why = r === 'ESRCH' ? 'No such process' : 'Operation not permitted';
    ctx.io.stderr(gnu ? `kill: (${a}): ${why}\n` : `kill: can't kill pid ${a}: ${why}\n`);
  }
  return status;
}
