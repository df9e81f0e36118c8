/**
 * ls: GNU coreutils' (vertical columns fitted to the terminal, widths from
 * the listing) and busybox's (fixed-width long format, columns two wider than
 * the longest name), over the shell's filesystem.
 */
import { getopt, has, type OptSpec } from '../getopt';
import { optionError, qf, type UtilContext } from '../context';
import { resolvePath, fsErrorText, compareBytes, type FsStat } from '../memfs';
import { lsTime } from './files';
import { accounts, groupName, userName } from './accounts';

const TERMINAL_WIDTH = 80;

/** `drwxr-xr-x`, with setuid/setgid/sticky as s/S and t/T. */
export function modeString(st: FsStat): string {
  const bits = 'rwxrwxrwx';
  const chars = [st.kind === 'dir' ? 'd' : st.kind === 'symlink' ? 'l' : st.rdev ? 'c' : '-'];
  for (let i = 0; i < 9; i++) chars.push(st.mode & (1 << (8 - i)) ? bits[i]! : '-');
  if (st.mode & 0o4000) chars[3] = st.mode & 0o100 ? 's' : 'S';
  if (st.mode & 0o2000) chars[6] = st.mode & 0o010 ? 's' : 'S';
  if (st.mode & 0o1000) chars[9] = st.mode & 0o001 ? 't' : 'T';
  return chars.join('');
}

/** GNU's -h: one decimal below 10, rounded up. */
function humanSize(n: number): string {
  if (n < 1024) return String(n);
  const units = 'KMGTPE';
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return (v < 10 ? (Math.ceil(v * 10) / 10).toFixed(1) : String(Math.ceil(v))) + units[u];
}

/** GNU ls's vertical columns for a terminal of `width` characters. */
function columns(names: string[], width: number): string {
  if (names.length === 0) return '';
  const lens = names.map((n) => [...n].length);
  let best = 1;
  let bestWidths = [Math.max(...lens)];
  for (let cols = Math.min(names.length, Math.floor(width / 3)); cols > 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const usedCols = Math.ceil(names.length / rows);
    if (usedCols !== cols) continue;
    const widths: number[] = [];
    for (let c = 0; c < cols; c++) widths.push(Math.max(...lens.slice(c * rows, (c + 1) * rows)));
    const total = widths.reduce((a, b) => a + b + 2, 0) - 2;
    if (total < width) {
      best = cols;
      bestWidths = widths;
      break;
    }
  }
  const rows = Math.ceil(names.length / best);
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < best; c++) {
      const i = c * rows + r;
      if (i >= names.length) break;
      const isLastInRow = c === best - 1 || (c + 1) * rows + r >= names.length;
      line += isLastInRow ? names[i] : names[i]! + ' '.repeat(bestWidths[c]! - lens[i]! + 2);
    }
    out.push(line + '\n');
  }
  return out.join('');
}


/** busybox's columns for a terminal: column-major, each column two wider than the longest name. */
export function bbColumns(names: readonly string[], width: number): string {
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

/** busybox's -h (make_human_readable_str): one decimal below 10, rounded to nearest. */
function bbHuman(n: number): string {
  if (n < 1024) return String(n);
  let v = n;
  let u = -1;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    u++;
  }
  return (v < 10 ? v.toFixed(1) : String(Math.round(v))) + 'KMGTPE'[u];
}

type Entry = { name: string; st: FsStat; link?: string };

export function ls(ctx: UtilContext): number {
  return ctx.flavor === 'busybox' ? bbLs(ctx) : gnuLs(ctx);
}

function linkTarget(ctx: UtilContext, abs: string): string {
  const t = ctx.fs.readlink(abs);
  return /^E[A-Z]+$/.test(t) ? '' : t;
}

function sorter(p: { opts: { name: string }[] }): (entries: Entry[]) => Entry[] {
  return (entries) => {
    const sorted = [...entries].sort((a, b) => (has(p, 't') ? b.st.mtime - a.st.mtime || compareBytes(a.name, b.name) : has(p, 'S') ? b.st.size - a.st.size || compareBytes(a.name, b.name) : compareBytes(a.name, b.name)));
    return has(p, 'r') ? sorted.reverse() : sorted;
  };
}

function gnuLs(ctx: UtilContext): number {
  const spec: OptSpec = {
    flags: 'laAd1hrtFRS',
    long: { all: { as: 'a', value: false }, 'almost-all': { as: 'A', value: false }, directory: { as: 'd', value: false }, 'human-readable': { as: 'h', value: false }, reverse: { as: 'r', value: false }, classify: { as: 'F', value: false }, color: { as: 'color', value: 'optional' } },
  };
  const p = getopt(ctx.argv.slice(1), spec);
  if ('error' in p) return optionError(ctx, p.error, 2);
  const long = has(p, 'l');
  const showAll = has(p, 'a');
  const almostAll = has(p, 'A');
  const classify = has(p, 'F');
  const now = ctx.now();
  const operands = p.operands.length > 0 ? p.operands : ['.'];
  let status = 0;
  const files: Entry[] = [];
  const dirs: { name: string; abs: string }[] = [];
  for (const o of operands) {
    const abs = resolvePath(o, ctx.cwd);
    // A link named as an operand is followed unless -l shows the link itself (or it dangles).
    const lst = ctx.fs.lstat(abs);
    const followed = ctx.fs.stat(abs);
    const st = typeof lst !== 'string' && lst.kind === 'symlink' && (long || typeof followed === 'string') ? lst : followed;
    if (typeof st === 'string') {
      ctx.io.stderr(`ls: cannot access ${qf(o)}: ${fsErrorText(st)}\n`);
      status = 2;
      continue;
    }
    if (st.kind === 'dir' && !has(p, 'd')) dirs.push({ name: o, abs });
    else files.push(st.kind === 'symlink' ? { name: o, st, link: linkTarget(ctx, abs) } : { name: o, st });
  }
  const order = sorter(p);
  const acc = long ? accounts(ctx) : null;
  // Files without an owner of record belong to the shell's user.
  const owner = (st: FsStat): string => (st.uid === undefined ? ctx.user : userName(acc!, st.uid));
  const group = (st: FsStat): string => (st.gid === undefined ? ctx.user : groupName(acc!, st.gid));
  const suffix = (st: FsStat): string => (classify && st.kind === 'dir' ? '/' : '');
  const render = (entries: Entry[], withTotal: boolean): string => {
    const list = order(entries);
    if (!long) {
      const names = list.map((e) => e.name + suffix(e.st));
      return ctx.stdoutIsTTY && !has(p, '1') ? columns(names, TERMINAL_WIDTH) : names.map((n) => n + '\n').join('');
    }
    // A device shows its numbers where the size goes.
    const sizes = list.map((e) => (e.st.rdev ? `${e.st.rdev.major}, ${e.st.rdev.minor}` : has(p, 'h') ? humanSize(e.st.size) : String(e.st.size)));
    const linkW = Math.max(1, ...list.map((e) => String(e.st.nlink).length));
    const sizeW = Math.max(1, ...sizes.map((s) => s.length));
    const ownerW = Math.max(...list.map((e) => owner(e.st).length));
    const groupW = Math.max(...list.map((e) => group(e.st).length));
    let out = '';
    if (withTotal) {
      const blocks = list.reduce((a, e) => a + (e.st.kind === 'dir' ? 4 : Math.ceil(e.st.size / 4096) * 4), 0);
      out += `total ${has(p, 'h') ? humanSize(blocks * 1024) : blocks}\n`;
    }
    list.forEach((e, i) => {
      const target = e.link !== undefined ? ` -> ${e.link}` : '';
      out += `${modeString(e.st)} ${String(e.st.nlink).padStart(linkW)} ${owner(e.st).padEnd(ownerW)} ${group(e.st).padEnd(groupW)} ${sizes[i]!.padStart(sizeW)} ${lsTime(e.st.mtime, now)} ${e.name}${suffix(e.st)}${target}\n`;
    });
    return out;
  };
  const chunks: string[] = [];
  if (files.length > 0) chunks.push(render(files, false));
  const headers = operands.length > 1 || status !== 0;
  for (const d of dirs) {
    const names = ctx.fs.readdir(d.abs);
    if (typeof names === 'string') continue;
    const entries: Entry[] = [];
    if (showAll) {
      entries.push({ name: '.', st: ctx.fs.stat(d.abs) as FsStat });
      entries.push({ name: '..', st: ctx.fs.stat(resolvePath('..', d.abs)) as FsStat });
    }
    for (const n of names) {
      if (n.startsWith('.') && !showAll && !almostAll) continue;
      const abs = resolvePath(n, d.abs);
      const lst = ctx.fs.lstat(abs) as FsStat;
      if (lst.kind === 'symlink' && (long || typeof ctx.fs.stat(abs) === 'string')) entries.push({ name: n, st: lst, link: linkTarget(ctx, abs) });
      else entries.push({ name: n, st: ctx.fs.stat(abs) as FsStat });
    }
    chunks.push((headers ? `${d.name}:\n` : '') + render(entries, true));
  }
  ctx.io.stdout(chunks.join('\n'));
  return status;
}

/** busybox ls: -1 -a -A -d -l -n -F -p -h -R -r -S -t (one name per line without a tty, 80-column layout with one). */
function bbLs(ctx: UtilContext): number {
  const spec: OptSpec = { flags: '1aAdlFphnRrStCQ', long: { color: { as: 'color', value: 'optional' } } };
  const p = getopt(ctx.argv.slice(1), spec);
  if ('error' in p) return optionError(ctx, p.error);
  const long = has(p, 'l') || has(p, 'n');
  const all = has(p, 'a');
  const almost = has(p, 'A');
  const recursive = has(p, 'R');
  const human = has(p, 'h');
  const paths = p.operands.length > 0 ? p.operands : ['.'];
  const acc = long ? accounts(ctx) : null;
  const nameOf = (st: FsStat, group: boolean): string => {
    const idn = (group ? st.gid : st.uid) ?? 0;
    return has(p, 'n') ? String(idn) : group ? groupName(acc!, idn) : userName(acc!, idn);
  };
  const quote = (n: string): string => (has(p, 'Q') ? `"${n}"` : n);
  const suffix = (st: FsStat): string => (has(p, 'F') ? (st.kind === 'dir' ? '/' : st.kind === 'symlink' ? '@' : st.mode & 0o111 ? '*' : '') : has(p, 'p') && st.kind === 'dir' ? '/' : '');
  const line = (e: Entry): string => {
    const size = e.st.rdev ? `${e.st.rdev.major}, ${e.st.rdev.minor}`.padStart(9) : human ? bbHuman(e.st.size).padStart(7) : String(e.st.size).padStart(9);
    const target = e.st.kind === 'symlink' ? ` -> ${e.link ?? e.st.target ?? ''}` : '';
    return `${modeString(e.st)} ${String(e.st.nlink).padStart(4)} ${nameOf(e.st, false).padEnd(8)} ${nameOf(e.st, true).padEnd(8)} ${size} ${lsTime(e.st.mtime, ctx.now())} ${quote(e.name)}${suffix(e.st)}${target}\n`;
  };
  const order = sorter(p);
  const render = (entries: Entry[]): string => {
    const list = order(entries);
    if (long) return list.map(line).join('');
    const names = list.map((e) => quote(e.name) + suffix(e.st));
    if (!ctx.stdoutIsTTY || has(p, '1')) return names.map((n) => n + '\n').join('');
    return bbColumns(names, TERMINAL_WIDTH);
  };
  let code = 0;
  const files: Entry[] = [];
  const dirs: string[] = [];
  for (const path of paths) {
    const abs = resolvePath(path, ctx.cwd);
    const st = long || has(p, 'd') ? ctx.fs.lstat(abs) : ctx.fs.stat(abs);
    if (typeof st === 'string') {
      ctx.io.stderr(`ls: ${path}: ${fsErrorText(st)}\n`);
      code = 1;
      continue;
    }
    // With -l a symlink to a directory is listed as itself, unless it was named with a slash.
    const followed = st.kind === 'symlink' ? ctx.fs.stat(abs) : st;
    const isDir = typeof followed !== 'string' && followed.kind === 'dir' && (st.kind === 'dir' || !long || path.endsWith('/'));
    if (isDir && !has(p, 'd')) dirs.push(path);
    else files.push({ name: path, st, link: st.kind === 'symlink' ? linkTarget(ctx, abs) : undefined });
  }
  let text = render(files);
  dirs.sort(compareBytes);
  let shown = files.length > 0;
  const listDir = (d: string): void => {
    const dirAbs = resolvePath(d, ctx.cwd);
    const names = ctx.fs.readdir(dirAbs);
    if (typeof names === 'string') {
      ctx.io.stderr(`ls: ${d}: ${fsErrorText(names)}\n`);
      code = 1;
      return;
    }
    const entries: Entry[] = [];
    if (all) {
      for (const dot of ['.', '..']) {
        const st = ctx.fs.stat(resolvePath(dot, dirAbs));
        if (typeof st !== 'string') entries.push({ name: dot, st });
      }
    }
    for (const n of names) {
      if (n.startsWith('.') && !all && !almost) continue;
      const abs = resolvePath(n, dirAbs);
      const st = long ? ctx.fs.lstat(abs) : ctx.fs.stat(abs);
      const lst = typeof st === 'string' ? ctx.fs.lstat(abs) : st;
      if (typeof lst !== 'string') entries.push({ name: n, st: lst, link: lst.kind === 'symlink' ? linkTarget(ctx, abs) : undefined });
    }
    const header = paths.length > 1 || recursive ? `${shown ? '\n' : ''}${d}:\n` : '';
    shown = true;
    const blocks = entries.reduce((a, e) => a + (e.st.kind === 'dir' ? 4 : e.st.kind === 'symlink' ? 0 : Math.ceil(e.st.size / 4096) * 4), 0);
    const total = long ? `total ${human ? (blocks < 1024 ? String(blocks) : `${Math.round(blocks / 1024)}M`).padEnd(7) : blocks}\n` : '';
    text += header + total + render(entries);
    // -R: then each subdirectory, depth first, in the order listed.
    if (recursive) for (const e of order(entries)) if (e.st.kind === 'dir' && e.name !== '.' && e.name !== '..') listDir(d === '/' ? `/${e.name}` : `${d.replace(/\/+$/, '')}/${e.name}`);
  };
  dirs.forEach(listDir);
  ctx.io.stdout(text);
  return code;
}
