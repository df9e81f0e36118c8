/**
 * The utilities that report on the system around the program, from
 * UtilContext.sys: df and mount (the mount table with statfs numbers), free
 * (meminfo), uname (the kernel), tty and stty (the terminal). Each prints
 * GNU's (coreutils, procps, util-linux) or busybox's layout; without `sys`
 * they say they are not simulated here.
 */
import { getopt, has, all } from '../getopt';
import { bbUsage, notSimulated, optionError, q, usageError, type UtilContext, type UtilMount } from '../context';
import { fsErrorText, resolvePath } from '../filesystem';
import { bbHuman, gnuHuman, procpsHuman } from './human';

// ---------- df ----------

/** coreutils' dummy file systems (mountlist.c ME_DUMMY): never shown without -a. */
const DUMMY_FS = new Set(['autofs', 'proc', 'subfs', 'debugfs', 'devpts', 'fusectl', 'fuse.portal', 'mqueue', 'rpc_pipefs', 'sysfs', 'devfs', 'kernfs', 'ignore', 'none']);

/** The mount a path lies on: the last-mounted one with the longest mount point containing it. */
function mountOf(mounts: readonly UtilMount[], abs: string): UtilMount | undefined {
  let best: UtilMount | undefined;
  for (const m of mounts) {
    const t = m.target;
    if ((abs === t || t === '/' || abs.startsWith(t + '/')) && (!best || t.length >= best.target.length)) best = m;
  }
  return best;
}

/** The device a mount point shows now: that of the last mount on it (a later mount hides an earlier one). */
function visibleDev(mounts: readonly UtilMount[], target: string): string {
  let dev = '';
  for (const m of mounts) if (m.target === target) dev = m.dev;
  return dev;
}

/** coreutils' filter_mount_list: one entry per device, preferring real devices, then mounts nearer the root. */
function gnuDedup(mounts: readonly UtilMount[]): UtilMount[] {
  const seen = new Map<string, UtilMount>();
  const dropped = new Set<UtilMount>();
  for (const me of mounts) {
    if (DUMMY_FS.has(me.fstype)) continue;
    const dev = visibleDev(mounts, me.target);
    const prev = seen.get(dev);
    if (!prev) {
      seen.set(dev, me);
      continue;
    }
    const nearerRoot = prev.target.length > me.target.length;
    const belowRoot = prev.root !== undefined && me.root !== undefined && prev.root.length < me.root.length;
    if ((me.source.includes('/') && !prev.source.includes('/')) || (nearerRoot && !belowRoot) || (prev.source !== me.source && me.target === prev.target)) {
      dropped.add(prev);
      seen.set(dev, me);
    } else dropped.add(me);
  }
  return mounts.filter((m) => !dropped.has(m));
}

export function df(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), {
    flags: gnu ? 'ahHiklPT' : 'PkmhTai',
    withValue: gnu ? 'tx' : 'tB',
    long: gnu ? { all: { as: 'a', value: false }, 'human-readable': { as: 'h', value: false }, inodes: { as: 'i', value: false }, portability: { as: 'P', value: false }, 'print-type': { as: 'T', value: false }, type: { as: 't', value: true }, 'exclude-type': { as: 'x', value: true }, local: { as: 'l', value: false } } : {},
  });
  if ('error' in p) return optionError(ctx, p.error);
  if (has(p, 'B') || has(p, 'H') || (!gnu && has(p, 'i'))) {
    ctx.io.stderr(`glassbox: df: -${['B', 'H', 'i'].find((o) => has(p, o))} is not simulated yet\n`);
    return 2;
  }
  if (!ctx.sys) return notSimulated(ctx);
  const mounts = ctx.sys.mounts();
  const types = all(p, 't');
  const excluded = all(p, 'x');
  let status = 0;
  let rows: UtilMount[];
  if (p.operands.length > 0) {
    rows = [];
    for (const f of p.operands) {
      const abs = resolvePath(f, ctx.cwd);
      const st = ctx.fs.stat(abs);
      const m = typeof st === 'string' ? undefined : mountOf(mounts, abs);
      if (!m) {
        ctx.io.stderr(gnu ? `df: ${f}: ${fsErrorText(typeof st === 'string' ? st : 'ENOENT')}\n` : `df: ${f}: can't find mount point\n`);
        status = 1;
        continue;
      }
      // busybox names the first mount of that device, as its find_mount_point does.
      rows.push(gnu ? m : mounts.find((x) => visibleDev(mounts, x.target) === visibleDev(mounts, m.target)) ?? m);
    }
  } else {
    rows = (gnu && !has(p, 'a') ? gnuDedup(mounts) : [...mounts]).filter((m) => has(p, 'a') || (m.blocks > 0 && !(gnu && DUMMY_FS.has(m.fstype))));
  }
  rows = rows.filter((m) => (types.length === 0 || types.includes(m.fstype)) && !excluded.includes(m.fstype));
  if (gnu) {
    if (rows.length > 0 || p.operands.length === 0) ctx.io.stdout(gnuDfTable(rows, p));
  } else ctx.io.stdout(bbDfTable(rows, p));
  return status;
}

function gnuDfTable(rows: readonly UtilMount[], p: { opts: { name: string }[] }): string {
  const human = has(p, 'h');
  const inodes = has(p, 'i');
  const posix = has(p, 'P');
  const num = (kb: number): string => (human ? (kb === 0 ? '0' : gnuHuman(kb * 1024)) : String(kb));
  const pct = (used: number, avail: number): string => (used + avail === 0 ? '-' : `${Math.ceil((used * 100) / (used + avail) - 1e-9)}%`);
  type Col = { header: string; min: number; right: boolean; value: (m: UtilMount) => string };
  const cols: Col[] = [{ header: 'Filesystem', min: 14, right: false, value: (m) => m.source }];
  if (has(p, 'T')) cols.push({ header: 'Type', min: 4, right: false, value: (m) => m.fstype });
  if (inodes) {
    cols.push(
      { header: 'Inodes', min: 5, right: true, value: (m) => String(m.files) },
      { header: 'IUsed', min: 5, right: true, value: (m) => String(m.files - m.filesFree) },
      { header: 'IFree', min: 5, right: true, value: (m) => String(m.filesFree) },
      { header: 'IUse%', min: 4, right: true, value: (m) => pct(m.files - m.filesFree, m.filesFree) },
    );
  } else {
    cols.push(
      { header: human ? 'Size' : posix ? '1024-blocks' : '1K-blocks', min: 5, right: true, value: (m) => num(m.blocks) },
      { header: 'Used', min: 5, right: true, value: (m) => num(m.used) },
      { header: human ? 'Avail' : 'Available', min: 5, right: true, value: (m) => num(m.avail) },
      { header: posix ? 'Capacity' : 'Use%', min: 4, right: true, value: (m) => pct(m.used, m.avail) },
    );
  }
  cols.push({ header: 'Mounted on', min: 0, right: false, value: (m) => m.target });
  const table = [cols.map((c) => c.header), ...rows.map((m) => cols.map((c) => c.value(m)))];
  const widths = cols.map((c, i) => Math.max(c.min, ...table.map((r) => r[i]!.length)));
  return table
    .map((r, ri) => r.map((cell, i) => (i === r.length - 1 ? cell : cols[i]!.right && !(ri === 0 && i === 0) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' ') + '\n')
    .join('');
}

function bbDfTable(rows: readonly UtilMount[], p: { opts: { name: string }[] }): string {
  const human = has(p, 'h');
  const mega = has(p, 'm');
  const unitsHdr = human ? '     Size' : has(p, 'P') ? '1024-blocks' : mega ? '1M-blocks' : '1K-blocks';
  let out = `Filesystem           ${has(p, 'T') ? 'Type       ' : ''}${unitsHdr.padEnd(15)}Used Available ${has(p, 'P') ? 'Capacity' : 'Use%'} Mounted on\n`;
  const num = (kb: number): string => (human ? bbHuman(kb * 1024) : String(mega ? Math.floor((kb + 512) / 1024) : kb));
  for (const m of rows) {
    const pct = m.blocks === 0 ? 0 : Math.floor((m.used * 100 + (m.used + m.avail) / 2) / (m.used + m.avail));
    const src = m.source.length > 20 ? `${m.source}\n${''.padEnd(20)}` : m.source.padEnd(20);
    out += `${src}${has(p, 'T') ? ' ' + m.fstype.padEnd(10) : ''} ${num(m.blocks).padStart(9)} ${num(m.used).padStart(9)} ${num(m.avail).padStart(9)} ${String(pct).padStart(3)}% ${m.target}\n`;
  }
  return out;
}

// ---------- mount ----------

export function mount(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), { flags: gnu ? 'alrwvfnB' : 'arwnfvi', withValue: 'toO', long: gnu ? { types: { as: 't', value: true }, options: { as: 'o', value: true }, all: { as: 'a', value: false }, bind: { as: 'B', value: false } } : {} });
  if ('error' in p) return optionError(ctx, p.error);
  if (!ctx.sys) return notSimulated(ctx);
  if (p.operands.length > 0 || has(p, 'a')) {
    if (!ctx.sys.privileged) {
      const target = p.operands[p.operands.length - 1] ?? '';
      if (gnu) ctx.io.stderr(`mount: ${target}: must be superuser to use mount.\n       dmesg(1) may have more information after failed mount system call.\n`);
      else ctx.io.stderr('mount: permission denied (are you root?)\n');
      return gnu ? 32 : 1;
    }
    return mountOne(ctx, gnu, p.operands, all(p, 't').join(','), all(p, 'o').join(','), has(p, 'a'));
  }
  const types = all(p, 't').flatMap((t) => t.split(','));
  const rows = ctx.sys.mounts().filter((m) => types.length === 0 || types.includes(m.fstype));
  ctx.io.stdout(rows.map((m) => `${m.source} on ${m.target} type ${m.fstype} (${m.options})\n`).join(''));
  return 0;
}

/** `mount -t TYPE -o OPTIONS SOURCE DIR`, as util-linux runs it: the system mounts, or says why not (exit 32). */
function mountOne(ctx: UtilContext, gnu: boolean, operands: readonly string[], fstype: string, options: string, all: boolean): number {
  if (!gnu || !ctx.sys?.mount || all || operands.length > 2) {
    ctx.io.stderr('glassbox: mount: mounting is not simulated yet\n');
    return 2;
  }
  if (operands.length === 1) {
    // Nothing in the simulated /etc/fstab.
    ctx.io.stderr(`mount: ${operands[0]}: can't find in /etc/fstab.\n`);
    return 1;
  }
  if (fstype === '') {
    ctx.io.stderr('glassbox: mount: without -t (a device or a bind mount) is not simulated yet\n');
    return 2;
  }
  const target = resolvePath(operands[1]!, ctx.cwd);
  const why = ctx.sys.mount({ fstype, source: operands[0]!, target, options, cwd: ctx.cwd });
  if (why === undefined) return 0;
  if (why.startsWith('glassbox: ')) {
    ctx.io.stderr(`glassbox: mount: ${why.slice('glassbox: '.length)}\n`);
    return 2;
  }
  ctx.io.stderr(`mount: ${target}: ${why}\n       dmesg(1) may have more information after failed mount system call.\n`);
  return 32;
}

// ---------- umount ----------

export function umount(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const args = ctx.argv.slice(1);
  if (!gnu || !ctx.sys?.umount || args.some((a) => a.startsWith('-'))) {
    ctx.io.stderr(gnu && ctx.sys?.umount ? 'glassbox: umount: options are not simulated yet\n' : 'glassbox: umount: not simulated here\n');
    return 2;
  }
  if (args.length === 0) {
    ctx.io.stderr("umount: bad usage\nTry 'umount --help' for more information.\n");
    return 1;
  }
  let code = 0;
  for (const a of args) {
    const abs = resolvePath(a, ctx.cwd);
    if (ctx.sys.umount(abs)) continue;
    ctx.io.stderr(ctx.fs.exists(abs) ? `umount: ${a}: not mounted.\n` : `umount: ${abs}: no mount point specified.\n`);
    code = 32;
  }
  return code;
}

// ---------- free ----------

export function free(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  if (!gnu) {
    // busybox looks only at its first argument, and only for -b -k -m -g -h.
    const a = ctx.argv[1];
    const unit = a === undefined ? 'k' : /^-[bkmgh]/.test(a) ? a[1]! : null;
    if (unit === null) return a!.startsWith('-') ? bbUsage(ctx) : freeBusybox(ctx, 'k');
    return freeBusybox(ctx, unit);
  }
  const p = getopt(ctx.argv.slice(1), {
    flags: 'bkmghwtlv',
    long: { bytes: { as: 'b', value: false }, kibi: { as: 'k', value: false }, mebi: { as: 'm', value: false }, gibi: { as: 'g', value: false }, human: { as: 'h', value: false }, wide: { as: 'w', value: false }, total: { as: 't', value: false }, lohi: { as: 'l', value: false } },
  });
  if ('error' in p) {
    ctx.io.stderr(`free: ${p.error}\n${PROCPS_FREE_USAGE}`);
    return 1;
  }
  if (p.operands.length > 0) {
    ctx.io.stderr(PROCPS_FREE_USAGE);
    return 1;
  }
  if (has(p, 'l') || has(p, 'v')) {
    ctx.io.stderr(`glassbox: free: -${has(p, 'l') ? 'l' : 'v'} is not simulated yet\n`);
    return 2;
  }
  if (!ctx.sys) return notSimulated(ctx);
  const m = ctx.sys.memory();
  const unit = [...p.opts].reverse().find((o) => 'bkmgh'.includes(o.name))?.name ?? 'k';
  const fmt = (kb: number): string => {
    if (unit === 'h') return procpsHuman(kb);
    const bytes = kb * 1024;
    return String(unit === 'b' ? bytes : Math.floor(bytes / 1024 ** ({ k: 1, m: 2, g: 3 } as Record<string, number>)[unit]!));
  };
  const cell = (kb: number): string => ' ' + fmt(kb).padStart(11);
  const used = m.total - m.available;
  const wide = has(p, 'w');
  let out = wide
    ? '               total        used        free      shared     buffers       cache   available\n'
    : '               total        used        free      shared  buff/cache   available\n';
  out += 'Mem:     ' + [m.total, used, m.free, m.shared, ...(wide ? [m.buffers, m.cached] : [m.buffers + m.cached]), m.available].map(cell).join('').slice(1) + '\n';
  out += 'Swap:    ' + [m.swapTotal, m.swapTotal - m.swapFree, m.swapFree].map(cell).join('').slice(1) + '\n';
  if (has(p, 't')) out += 'Total:   ' + [m.total + m.swapTotal, used + m.swapTotal - m.swapFree, m.free + m.swapFree].map(cell).join('').slice(1) + '\n';
  ctx.io.stdout(out);
  return 0;
}

const PROCPS_FREE_USAGE = `
Usage:
 free [options]

Options:
 -b, --bytes         show output in bytes
     --kilo          show output in kilobytes
     --mega          show output in megabytes
     --giga          show output in gigabytes
     --tera          show output in terabytes
     --peta          show output in petabytes
 -k, --kibi          show output in kibibytes
 -m, --mebi          show output in mebibytes
 -g, --gibi          show output in gibibytes
     --tebi          show output in tebibytes
     --pebi          show output in pebibytes
 -h, --human         show human-readable output
     --si            use powers of 1000 not 1024
 -l, --lohi          show detailed low and high memory statistics
 -t, --total         show total for RAM + swap
 -v, --committed     show committed memory and commit limit
 -s N, --seconds N   repeat printing every N seconds
 -c N, --count N     repeat printing N times, then exit
 -w, --wide          wide output

     --help     display this help and exit
 -V, --version  output version information and exit

For more details see free(1).
`;

function freeBusybox(ctx: UtilContext, unit: string): number {
  if (!ctx.sys) return notSimulated(ctx);
  const m = ctx.sys.memory();
  // busybox rounds to the nearest unit (make_human_readable_str with a display unit).
  const fmt = (kb: number): string => (unit === 'h' ? bbHuman(kb * 1024) : String(unit === 'b' ? kb * 1024 : unit === 'm' ? Math.floor((kb + 512) / 1024) : unit === 'g' ? Math.floor((kb + 512 * 1024) / 1024 / 1024) : kb));
  const cells = (xs: number[]): string => xs.map((x) => fmt(x).padStart(12)).join('');
  const cache = m.buffers + m.cached;
  let out = '              total        used        free      shared  buff/cache   available\n';
  out += 'Mem:   ' + cells([m.total, m.total - m.free - cache, m.free, m.shared, cache, m.available]) + '\n';
  out += 'Swap:  ' + cells([m.swapTotal, m.swapTotal - m.swapFree, m.swapFree]) + '\n';
  ctx.io.stdout(out);
  return 0;
}

// ---------- uname ----------

export function uname(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), {
    flags: 'asnrvmpio',
    long: gnu ? { all: { as: 'a', value: false }, 'kernel-name': { as: 's', value: false }, nodename: { as: 'n', value: false }, 'kernel-release': { as: 'r', value: false }, 'kernel-version': { as: 'v', value: false }, machine: { as: 'm', value: false }, processor: { as: 'p', value: false }, 'hardware-platform': { as: 'i', value: false }, 'operating-system': { as: 'o', value: false } } : {},
  });
  if ('error' in p) return optionError(ctx, p.error);
  if (p.operands.length > 0) return gnu ? usageError(ctx, `extra operand ${q(p.operands[0]!)}`) : bbUsage(ctx);
  if (!ctx.sys) return notSimulated(ctx);
  const k = ctx.sys.kernel;
  const fields: [string, string][] = [['s', 'Linux'], ['n', ctx.hostname], ['r', k.release], ['v', k.version], ['m', k.machine], ['p', 'unknown'], ['i', 'unknown'], ['o', 'GNU/Linux']];
  const all = has(p, 'a');
  const picked = fields.filter(([f]) => (all ? f !== 'p' && f !== 'i' : has(p, f)) || (all && has(p, f)));
  ctx.io.stdout((picked.length > 0 ? picked : [fields[0]!]).map(([, v]) => v).join(' ') + '\n');
  return 0;
}

// ---------- tty / stty ----------

export function tty(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), { flags: 's', long: gnu ? { silent: { as: 's', value: false }, quiet: { as: 's', value: false } } : {} });
  if ('error' in p) return gnu ? usageError(ctx, p.error, 2) : optionError(ctx, p.error, 2);
  if (p.operands.length > 0) {
    if (gnu) return usageError(ctx, `extra operand ${q(p.operands[0]!)}`, 2);
    ctx.io.stderr('tty: ignoring all arguments\n');
  }
  const term = ctx.io.stdinIsTTY ? ctx.sys?.terminal() : null;
  if (term === undefined) return notSimulated(ctx);
  if (!has(p, 's')) ctx.io.stdout(term ? term.name + '\n' : 'not a tty\n');
  return term ? 0 : 1;
}

/**
 * The settings of a pty as it starts, captured from a real one
 * (`script -qec 'stty rows 24 cols 80; stty -a' /dev/null`, Debian 12).
 */
const TERMIOS_MODES = '-parenb -parodd -cmspar cs8 -hupcl -cstopb cread -clocal -crtscts\n-ignbrk -brkint -ignpar -parmrk -inpck -istrip -inlcr -igncr icrnl ixon -ixoff\n-iuclc -ixany -imaxbel -iutf8\nopost -olcuc -ocrnl onlcr -onocr -onlret -ofill -ofdel nl0 cr0 tab0 bs0 vt0 ff0\nisig icanon iexten echo echoe echok -echonl -noflsh -xcase -tostop -echoprt\nechoctl echoke -flusho -extproc\n';
const TERMIOS_CHARS = (discard: string): string => `intr = ^C; quit = ^\\; erase = ^?; kill = ^U; eof = ^D; eol = <undef>;\neol2 = <undef>; swtch = <undef>; start = ^Q; stop = ^S; susp = ^Z; rprnt = ^R;\nwerase = ^W; lnext = ^V; ${discard} = ^O; min = 1; time = 0;\n`;

/** stty's setting names (the ones that take no value, and may be negated with "-"). */
const STTY_FLAGS = new Set('parenb parodd cmspar cs5 cs6 cs7 cs8 hupcl hup cstopb cread clocal crtscts ignbrk brkint ignpar parmrk inpck istrip inlcr igncr icrnl ixon ixoff iuclc ixany imaxbel iutf8 opost olcuc ocrnl onlcr onocr onlret ofill ofdel isig icanon iexten echo echoe echok echonl noflsh xcase tostop echoprt echoctl echoke flusho extproc raw cooked sane cbreak evenp parity oddp nl ek litout pass8 crt dec tabs lcase crterase crtkill ctlecho'.split(' '));
/** stty's settings that take a value. */
const STTY_VALUES = new Set('intr quit erase kill eof eol eol2 swtch start stop susp rprnt werase lnext discard flush min time rows cols columns line ispeed ospeed'.split(' '));

export function stty(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const args = ctx.argv.slice(1);
  const invalid = (a: string): number => {
    if (gnu) return usageError(ctx, `invalid argument ${q(a)}`);
    ctx.io.stderr(/^-/.test(a) ? `stty: invalid argument '${a}'\n` : `stty: invalid number '${a}'\n`);
    return 1;
  };
  let changes = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-a' || a === '--all' || a === '-g' || a === '--save' || a === 'size' || a === 'speed') continue;
    if (a === '-F' || a === '--file') {
      ctx.io.stderr('glassbox: stty: -F (another terminal) is not simulated yet\n');
      return 2;
    }
    if (STTY_FLAGS.has(a.replace(/^-/, '')) || /^\d+$/.test(a)) changes = true;
    else if (STTY_VALUES.has(a)) {
      changes = true;
      i++;
    } else return invalid(a);
  }
  const term = ctx.io.stdinIsTTY ? ctx.sys?.terminal() : null;
  if (term === undefined) return notSimulated(ctx);
  if (!term) {
    ctx.io.stderr(gnu ? "stty: 'standard input': Inappropriate ioctl for device\n" : 'stty: standard input: Inappropriate ioctl for device\n');
    return 1;
  }
  if (changes) {
    ctx.io.stderr('glassbox: stty: changing the terminal settings is not simulated yet\n');
    return 2;
  }
  if ((args.includes('size') || args.includes('-a') || args.includes('--all')) && (term.rows === undefined || term.cols === undefined)) {
    ctx.io.stderr("glassbox: stty: this terminal's size is not known here\n");
    return 2;
  }
  let out = '';
  for (const a of args.length > 0 ? args : ['']) {
    if (a === '') out += gnu ? 'speed 38400 baud; line = 0;\n-brkint -imaxbel\n' : `speed 38400 baud; line = 0;\n${TERMIOS_CHARS('flush')}-brkint -imaxbel\n`;
    else if (a === '-a' || a === '--all') out += `speed 38400 baud; rows ${term.rows}; columns ${term.cols}; line = 0;\n${TERMIOS_CHARS(gnu ? 'discard' : 'flush')}${TERMIOS_MODES}`;
    else if (a === '-g' || a === '--save') out += '500:5:bf:8a3b:3:1c:7f:15:4:0:1:0:11:13:1a:0:12:f:17:16' + ':0'.repeat(16) + '\n';
    else if (a === 'size') out += `${term.rows} ${term.cols}\n`;
    else if (a === 'speed') out += '38400\n';
  }
  ctx.io.stdout(out);
  return 0;
}
