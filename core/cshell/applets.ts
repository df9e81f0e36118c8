/**
 * busybox applets over a container's filesystem (an Fs: the merged view),
 * with busybox 1.35's output formats and error texts, as the test image's
 * `docker run --rm busybox sh -c '…'` prints them.
 */
import type { Proc, Program } from '../engine/process';
import { fsErrorText, resolvePath, type FsStat } from '../shell/filesystem';
import { lsTime } from '../shell/utils/files';
import { BUSYBOX_BANNER, err, out } from './procio';
import { lookupUser, parsePasswd, parseGroup, type Account } from './users';

function abs(p: Proc, path: string): string {
  return resolvePath(path, p.cwd);
}

/** Splits `-abc` style options (busybox getopt32) from operands; returns the unknown option, if any. */
function options(argv: readonly string[], known: string): { flags: Set<string>; operands: string[]; bad?: string } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (const c of a.slice(1)) {
      if (!known.includes(c)) return { flags, operands, bad: c };
      flags.add(c);
    }
  }
  operands.push(...argv.slice(i));
  return { flags, operands };
}

function badOption(p: Proc, name: string, c: string, usage: string): void {
  err(p, `${name}: invalid option -- '${c}'\n${BUSYBOX_BANNER}\n\nUsage: ${usage}\n`);
  p.exit(1);
}

function modeString(st: FsStat): string {
  const bits = 'rwxrwxrwx';
  let s = st.kind === 'dir' ? 'd' : st.kind === 'symlink' ? 'l' : '-';
  for (let i = 0; i < 9; i++) s += st.mode & (1 << (8 - i)) ? bits[i] : '-';
  const chars = s.split('');
  if (st.mode & 0o4000) chars[3] = st.mode & 0o100 ? 's' : 'S';
  if (st.mode & 0o2000) chars[6] = st.mode & 0o010 ? 's' : 'S';
  if (st.mode & 0o1000) chars[9] = st.mode & 0o001 ? 't' : 'T';
  return chars.join('');
}

/** Column layout as busybox ls prints for a terminal: column-major, each column two wider than the longest name. */
export function columns(names: readonly string[], width: number): string {
  if (names.length === 0) return '';
  const colWidth = Math.max(...names.map((n) => n.length)) + 2;
  const cols = Math.max(1, Math.floor(width / colWidth));
  const rows = Math.ceil(names.length / cols);
  let text = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const i = c * rows + r;
      if (i >= names.length) break;
      const last = (c + 1) * rows + r >= names.length;
      line += last ? names[i] : names[i]!.padEnd(colWidth);
    }
    text += line + '\n';
  }
  return text;
}

function accounts(p: Proc): { users: Account[]; groups: Account[] } {
  const read = (path: string): string => {
    const r = p.fs.tryRead(path);
    return 'data' in r ? r.data : '';
  };
  return { users: parsePasswd(read('/etc/passwd')), groups: parseGroup(read('/etc/group')) };
}

/** busybox ls: -1 -a -A -d -l (one name per line without a tty, 80-column layout with one). */
const ls: Program = (p) => {
  const o = options(p.argv, '1aAdlFphinRrSt');
  if (o.bad !== undefined) return badOption(p, 'ls', o.bad, '[-1AaCxdLHRFplinshrSXvctu] [-w WIDTH] [FILE]...');
  const { flags } = o;
  const long = flags.has('l') || flags.has('n');
  const all = flags.has('a');
  const almost = flags.has('A');
  const paths = o.operands.length > 0 ? o.operands : ['.'];
  const { users, groups } = long ? accounts(p) : { users: [], groups: [] };
  const nameOf = (list: Account[], id: number): string => (flags.has('n') ? String(id) : list.find((a) => a.id === id)?.name ?? String(id));
  const line = (name: string, st: FsStat): string => {
    const suffix = st.kind === 'symlink' && st.target !== undefined ? ` -> ${st.target}` : '';
    return `${modeString(st)} ${String(st.nlink).padStart(4)} ${nameOf(users, st.uid ?? 0).padEnd(8)} ${nameOf(groups, st.gid ?? 0).padEnd(8)} ${String(st.size).padStart(9)} ${lsTime(st.mtime, p.now())} ${name}${suffix}\n`;
  };
  const render = (entries: [string, FsStat][]): string => {
    if (long) return entries.map(([n, st]) => line(n, st)).join('');
    const names = entries.map(([n]) => n);
    if (!p.tty || flags.has('1')) return names.map((n) => n + '\n').join('');
    return columns(names, 80);
  };
  let code = 0;
  const files: [string, FsStat][] = [];
  const dirs: string[] = [];
  for (const path of paths) {
    const st = long || flags.has('d') ? p.fs.lstat(abs(p, path)) : p.fs.stat(abs(p, path));
    if (typeof st === 'string') {
      err(p, `ls: ${path}: ${fsErrorText(st)}\n`);
      code = 1;
      continue;
    }
    // With -l a symlink to a directory is listed as itself, unless it was named with a slash.
    const followed = st.kind === 'symlink' ? p.fs.stat(abs(p, path)) : st;
    const isDir = typeof followed !== 'string' && followed.kind === 'dir' && (st.kind === 'dir' || !long || path.endsWith('/'));
    if (isDir && !flags.has('d')) dirs.push(path);
    else files.push([path, st]);
  }
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let text = render(files);
  dirs.sort();
  const recursive = flags.has('R');
  let shown = files.length > 0;
  const listDir = (d: string): void => {
    const dirAbs = abs(p, d);
    const names = p.fs.readdir(dirAbs);
    if (typeof names === 'string') {
      err(p, `ls: ${d}: ${fsErrorText(names)}\n`);
      code = 1;
      return;
    }
    const entries: [string, FsStat][] = [];
    if (all) {
      for (const dot of ['.', '..']) {
        const st = p.fs.stat(resolvePath(dot, dirAbs));
        if (typeof st !== 'string') entries.push([dot, st]);
      }
    }
    for (const n of names) {
      if (n.startsWith('.') && !all && !almost) continue;
      const st = p.fs.lstat(resolvePath(n, dirAbs));
      if (typeof st !== 'string') entries.push([n, st]);
    }
    const header = paths.length > 1 || recursive ? `${shown ? '\n' : ''}${d}:\n` : '';
    shown = true;
    const total = long ? `total ${entries.reduce((a, [, st]) => a + (st.kind === 'dir' ? 4 : st.kind === 'symlink' ? 0 : Math.ceil(st.size / 4096) * 4), 0)}\n` : '';
    text += header + total + render(entries);
    // -R: then each subdirectory, depth first, in the order listed.
    if (recursive) for (const [n, st] of entries) if (st.kind === 'dir' && n !== '.' && n !== '..') listDir(d === '/' ? `/${n}` : `${d.replace(/\/+$/, '')}/${n}`);
  };
  dirs.forEach(listDir);
  out(p, text);
  p.exit(code);
};

const cat: Program = (p) => {
  const files = p.argv.slice(1);
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    p.stdin.read((text) => out(p, text), () => p.exit(0));
    return;
  }
  let code = 0;
  for (const f of files) {
    const r = p.fs.tryRead(abs(p, f));
    if ('data' in r) out(p, r.data);
    else if (r.error === 'EISDIR') {
      err(p, 'cat: read error: Is a directory\n');
      code = 1;
    } else {
      err(p, `cat: can't open '${f}': ${fsErrorText(r.error)}\n`);
      code = 1;
    }
  }
  p.exit(code);
};

const touch: Program = (p) => {
  const o = options(p.argv, 'cham');
  if (o.operands.length === 0) {
    err(p, `${BUSYBOX_BANNER}\n\nUsage: touch [-c] [-d DATE] [-t DATE] [-r FILE] FILE...\n\nUpdate the last-modified date on the given FILE[s]\n\n\t-c\tDon't create files\n\t-h\tDon't follow links\n\t-d DT\tDate/time to use\n\t-t DT\tDate/time to use\n\t-r FILE\tUse FILE's date/time\n`);
    return p.exit(1);
  }
  let code = 0;
  for (const f of o.operands) {
    if (o.flags.has('c') && !p.fs.exists(abs(p, f))) continue;
    const e = p.fs.touch(abs(p, f));
    if (e) {
      err(p, `touch: ${f}: ${fsErrorText(e)}\n`);
      code = 1;
    }
  }
  p.exit(code);
};

const rm: Program = (p) => {
  const o = options(p.argv, 'rRfiv');
  if (o.bad !== undefined) return badOption(p, 'rm', o.bad, 'rm [-irf] FILE...');
  const recursive = o.flags.has('r') || o.flags.has('R');
  const force = o.flags.has('f');
  let code = 0;
  for (const f of o.operands) {
    const path = abs(p, f);
    const st = p.fs.lstat(path);
    if (typeof st === 'string') {
      if (force && st === 'ENOENT') continue;
      err(p, `rm: can't remove '${f}': ${fsErrorText(st)}\n`);
      code = 1;
      continue;
    }
    if (st.kind === 'dir' && !recursive) {
      err(p, `rm: '${f}' is a directory\n`);
      code = 1;
      continue;
    }
    const e = p.fs.remove(path, { recursive });
    if (e) {
      err(p, `rm: can't remove '${f}': ${fsErrorText(e)}\n`);
      code = 1;
    }
  }
  p.exit(code);
};

const rmdir: Program = (p) => {
  let code = 0;
  for (const f of options(p.argv, 'p').operands) {
    const path = abs(p, f);
    const st = p.fs.stat(path);
    const e = typeof st === 'string' ? st : st.kind !== 'dir' ? 'ENOTDIR' : p.fs.remove(path, { dir: true });
    if (e) {
      err(p, `rmdir: '${f}': ${fsErrorText(e)}\n`);
      code = 1;
    }
  }
  p.exit(code);
};

const mkdir: Program = (p) => {
  const o = options(p.argv, 'pm');
  if (o.bad !== undefined) return badOption(p, 'mkdir', o.bad, 'mkdir [-m MODE] [-p] DIRECTORY...');
  let code = 0;
  for (const f of o.operands) {
    const e = p.fs.mkdir(abs(p, f), { parents: o.flags.has('p') });
    if (e) {
      err(p, `mkdir: can't create directory '${f}': ${fsErrorText(e)}\n`);
      code = 1;
    }
  }
  p.exit(code);
};

function copyOrMove(p: Proc, move: boolean): void {
  const name = move ? 'mv' : 'cp';
  const o = options(p.argv, move ? 'fin' : 'rRfiapdPLHsvnlu');
  if (o.bad !== undefined) return badOption(p, name, o.bad, move ? 'mv [-fin] SOURCE DEST' : 'cp [-arPLHpfinlsTu] SOURCE DEST');
  const ops = o.operands;
  if (ops.length < 2) {
    err(p, `${BUSYBOX_BANNER}\n\nUsage: ${move ? 'mv [-fin] SOURCE DEST\nor: mv [-fin] SOURCE... DIRECTORY' : 'cp [-arPLHpfinlsTu] SOURCE DEST\nor: cp [-arPLHpfinlsu] SOURCE... { -t DIRECTORY | DIRECTORY }'}\n`);
    return p.exit(1);
  }
  const recursive = move || o.flags.has('r') || o.flags.has('R') || o.flags.has('a');
  const dest = ops[ops.length - 1]!;
  const destAbs = abs(p, dest);
  const destIsDir = p.fs.isDir(destAbs);
  if (ops.length > 2 && !destIsDir) {
    err(p, `${name}: '${dest}' is not a directory\n`);
    return p.exit(1);
  }
  let code = 0;
  for (const src of ops.slice(0, -1)) {
    const srcAbs = abs(p, src);
    const st = move ? p.fs.lstat(srcAbs) : p.fs.stat(srcAbs);
    if (typeof st === 'string') {
      err(p, move ? `mv: can't rename '${src}': ${fsErrorText(st)}\n` : `cp: can't stat '${src}': ${fsErrorText(st)}\n`);
      code = 1;
      continue;
    }
    if (st.kind === 'dir' && !recursive) {
      err(p, `cp: omitting directory '${src}'\n`);
      code = 1;
      continue;
    }
    const target = destIsDir ? resolvePath(srcAbs.slice(srcAbs.lastIndexOf('/') + 1), destAbs) : destAbs;
    if (target === srcAbs && !move) {
      err(p, `cp: '${src}' and '${target}' are the same file\n`);
      code = 1;
      continue;
    }
    const e = move ? p.fs.rename(srcAbs, target) : p.fs.copy(srcAbs, target);
    if (e) {
      err(p, move ? `mv: can't rename '${src}': ${fsErrorText(e)}\n` : `cp: can't create '${target === destAbs ? dest : target}': ${fsErrorText(e)}\n`);
      code = 1;
    }
  }
  p.exit(code);
}

const cp: Program = (p) => copyOrMove(p, false);
const mv: Program = (p) => copyOrMove(p, true);

const ln: Program = (p) => {
  const o = options(p.argv, 'sfnbvT');
  if (o.bad !== undefined) return badOption(p, 'ln', o.bad, 'ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR');
  const ops = o.operands;
  if (ops.length === 0) {
    err(p, `${BUSYBOX_BANNER}\n\nUsage: ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR\n`);
    return p.exit(1);
  }
  const targets = ops.length === 1 ? ops : ops.slice(0, -1);
  const last = ops.length === 1 ? '.' : ops[ops.length - 1]!;
  const lastAbs = abs(p, last);
  const intoDir = ops.length > 2 || (p.fs.isDir(lastAbs) && !o.flags.has('n')) || ops.length === 1;
  let code = 0;
  for (const t of targets) {
    const base = t.replace(/\/+$/, '').slice(t.replace(/\/+$/, '').lastIndexOf('/') + 1);
    const linkName = intoDir ? (last === '.' ? base : `${last.replace(/\/+$/, '')}/${base}`) : last;
    const linkAbs = abs(p, linkName);
    if (o.flags.has('f')) p.fs.remove(linkAbs);
    const e = o.flags.has('s') ? p.fs.symlink(t, linkAbs) : p.fs.link(abs(p, t), linkAbs);
    if (e) {
      err(p, `ln: ${e === 'ENOENT' && !o.flags.has('s') && !p.fs.exists(abs(p, t)) ? t : linkName}: ${fsErrorText(e)}\n`);
      code = 1;
    }
  }
  p.exit(code);
};

/** The account the process runs as: its uid/gid and names. */
export function whoIs(p: Proc): { uid: number; gid: number; user?: string; group?: string; groups: { id: number; name?: string }[] } {
  const { users, groups } = accounts(p);
  const who = lookupUser(p.user, users, groups);
  const uid = who?.uid ?? 0;
  const gid = who?.gid ?? 0;
  const userName = users.find((u) => u.id === uid)?.name;
  const groupName = groups.find((g) => g.id === gid)?.name;
  const extra = groups.filter((g) => g.id !== gid && userName !== undefined && g.members.includes(userName));
  return { uid, gid, user: userName, group: groupName, groups: [{ id: gid, name: groupName }, ...extra.map((g) => ({ id: g.id, name: g.name }))] };
}

const id: Program = (p) => {
  const o = options(p.argv, 'ugGnr');
  if (o.bad !== undefined || (o.flags.has('n') && !['u', 'g', 'G'].some((f) => o.flags.has(f)))) {
    err(p, `${BUSYBOX_BANNER}\n\nUsage: id [-ugGnr] [USER]\n\nPrint information about USER or the current user\n\n\t-u\tUser ID\n\t-g\tGroup ID\n\t-G\tSupplementary group IDs\n\t-n\tPrint names instead of numbers\n\t-r\tPrint real ID instead of effective ID\n`);
    return p.exit(1);
  }
  const w = whoIs(p);
  const named = (idn: number, name?: string): string => (name === undefined ? String(idn) : `${idn}(${name})`);
  const n = o.flags.has('n');
  if (o.flags.has('u')) out(p, (n ? w.user ?? String(w.uid) : String(w.uid)) + '\n');
  else if (o.flags.has('g')) out(p, (n ? w.group ?? String(w.gid) : String(w.gid)) + '\n');
  else if (o.flags.has('G')) out(p, w.groups.map((g) => (n ? g.name ?? String(g.id) : String(g.id))).join(' ') + '\n');
  else out(p, `uid=${named(w.uid, w.user)} gid=${named(w.gid, w.group)} groups=${w.groups.map((g) => named(g.id, g.name)).join(',')}\n`);
  p.exit(0);
};

const whoami: Program = (p) => {
  const w = whoIs(p);
  if (w.user === undefined) {
    err(p, `whoami: unknown uid ${w.uid}\n`);
    return p.exit(1);
  }
  out(p, w.user + '\n');
  p.exit(0);
};

/** busybox df: every mount with blocks, from the container's mount table (the one /proc/mounts shows). */
const df: Program = (p) => {
  const row = (fs: string, blocks: number, used: number, avail: number, mount: string): string => {
    // busybox df rounds to the nearest percent of the space a user can have (used + available).
    const pct = blocks === 0 ? 0 : Math.floor((used * 100 + (used + avail) / 2) / (used + avail));
    return `${fs.padEnd(20)} ${String(blocks).padStart(9)} ${String(used).padStart(9)} ${String(avail).padStart(9)} ${String(pct).padStart(3)}% ${mount}\n`;
  };
  let text = 'Filesystem           1K-blocks      Used Available Use% Mounted on\n';
  for (const m of p.mounts()) if (m.blocks > 0) text += row(m.source, m.blocks, m.used, m.avail, m.target);
  out(p, text);
  p.exit(0);
};

const mount: Program = (p) => {
  if (p.argv.length > 1) {
    err(p, 'mount: permission denied (are you root?)\n');
    return p.exit(1);
  }
  out(p, p.mounts().map((m) => `${m.source} on ${m.target} type ${m.fstype} (${m.options})\n`).join(''));
  p.exit(0);
};

/** busybox ps (no options): PID, USER, COMMAND of the processes in the container's pid namespace. */
const ps: Program = (p) => {
  const { users } = accounts(p);
  let text = 'PID   USER     COMMAND\n';
  for (const proc of p.processes()) {
    const who = lookupUser(proc.user, users);
    const name = users.find((u) => u.id === (who?.uid ?? 0))?.name ?? String(who?.uid ?? 0);
    text += `${String(proc.pid).padStart(5)} ${name.slice(0, 8).padEnd(8)} ${proc.command}\n`;
  }
  out(p, text);
  p.exit(0);
};

/** busybox readlink: the target of each symlink; nothing (status 1) for anything else. */
const readlink: Program = (p) => {
  let code = 0;
  for (const f of options(p.argv, 'fnsvq').operands) {
    const st = p.fs.lstat(abs(p, f));
    if (typeof st !== 'string' && st.kind === 'symlink') out(p, p.fs.readlink(abs(p, f)) + '\n');
    else code = 1;
  }
  p.exit(code);
};

export const applets: Readonly<Record<string, Program>> = { ls, cat, touch, rm, rmdir, mkdir, cp, mv, ln, readlink, id, whoami, df, mount, ps };
