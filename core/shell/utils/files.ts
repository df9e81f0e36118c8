/** File utilities over the shell's in-memory filesystem, with coreutils' messages. */
import { getopt, has, type OptSpec } from '../getopt';
import { usageError, q, qf, type UtilContext } from '../context';
import { resolvePath, fsErrorText, compareBytes, type FsStat } from '../memfs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TERMINAL_WIDTH = 80;

function modeString(st: FsStat): string {
  const bits = 'rwxrwxrwx';
  let s = st.kind === 'dir' ? 'd' : st.kind === 'symlink' ? 'l' : '-';
  for (let i = 0; i < 9; i++) s += st.mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

/** `ls -l` time: "Nov 27 17:42" within six months of now, else "Nov 27  2025". */
export function lsTime(ms: number, now: number): string {
  const d = new Date(ms);
  const mon = MONTHS[d.getUTCMonth()]!;
  const day = String(d.getUTCDate()).padStart(2);
  const recent = Math.abs(now - ms) < 182.5 * 24 * 3600 * 1000;
  const tail = recent ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : ` ${d.getUTCFullYear()}`;
  return `${mon} ${day} ${tail}`;
}

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

export function ls(ctx: UtilContext): number {
  const spec: OptSpec = {
    flags: 'laAd1hrtFRS',
    long: { all: { as: 'a', value: false }, 'almost-all': { as: 'A', value: false }, directory: { as: 'd', value: false }, 'human-readable': { as: 'h', value: false }, reverse: { as: 'r', value: false }, classify: { as: 'F', value: false }, color: { as: 'color', value: 'optional' } },
  };
  const p = getopt(ctx.argv.slice(1), spec);
  if ('error' in p) return usageError(ctx, p.error, 2);
  const long = has(p, 'l');
  const showAll = has(p, 'a');
  const almostAll = has(p, 'A');
  const classify = has(p, 'F');
  const now = ctx.now();
  const operands = p.operands.length > 0 ? p.operands : ['.'];
  let status = 0;
  const files: { name: string; st: FsStat; link?: string }[] = [];
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
  const order = <T extends { name: string; st: FsStat }>(entries: T[]): T[] => {
    const sorted = [...entries].sort((a, b) => (has(p, 't') ? b.st.mtime - a.st.mtime || compareBytes(a.name, b.name) : has(p, 'S') ? b.st.size - a.st.size || compareBytes(a.name, b.name) : compareBytes(a.name, b.name)));
    return has(p, 'r') ? sorted.reverse() : sorted;
  };
  const suffix = (st: FsStat): string => (classify && st.kind === 'dir' ? '/' : '');
  const render = (entries: { name: string; st: FsStat; link?: string }[], withTotal: boolean): string => {
    const list = order(entries);
    if (!long) {
      const names = list.map((e) => e.name + suffix(e.st));
      return ctx.stdoutIsTTY && !has(p, '1') ? columns(names, TERMINAL_WIDTH) : names.map((n) => n + '\n').join('');
    }
    const sizes = list.map((e) => (has(p, 'h') ? humanSize(e.st.size) : String(e.st.size)));
    const linkW = Math.max(1, ...list.map((e) => String(e.st.nlink).length));
    const sizeW = Math.max(1, ...sizes.map((s) => s.length));
    const user = ctx.user;
    let out = '';
    if (withTotal) {
      const blocks = list.reduce((a, e) => a + (e.st.kind === 'dir' ? 4 : Math.ceil(e.st.size / 4096) * 4), 0);
      out += `total ${has(p, 'h') ? humanSize(blocks * 1024) : blocks}\n`;
    }
    list.forEach((e, i) => {
      const target = e.link !== undefined ? ` -> ${e.link}` : '';
      out += `${modeString(e.st)} ${String(e.st.nlink).padStart(linkW)} ${user} ${user} ${sizes[i]!.padStart(sizeW)} ${lsTime(e.st.mtime, now)} ${e.name}${suffix(e.st)}${target}\n`;
    });
    return out;
  };
  const chunks: string[] = [];
  if (files.length > 0) chunks.push(render(files, false));
  const headers = operands.length > 1 || status !== 0;
  for (const d of dirs) {
    const names = ctx.fs.readdir(d.abs);
    if (typeof names === 'string') continue;
    const entries: { name: string; st: FsStat; link?: string }[] = [];
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

function linkTarget(ctx: UtilContext, abs: string): string {
  const t = ctx.fs.readlink(abs);
  return typeof t === 'string' && !isErrorCode(t) ? t : '';
}

function isErrorCode(s: string): boolean {
  return /^E[A-Z]+$/.test(s);
}

/** coreutils readlink: the target of each symlink; nothing and status 1 for what is not one (-f: the resolved path). */
export function readlink(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'fenqsvz', long: { canonicalize: { as: 'f', value: false } } });
  if ('error' in p) return usageError(ctx, p.error);
  if (p.operands.length === 0) return usageError(ctx, 'missing operand');
  let status = 0;
  for (const f of p.operands) {
    const abs = resolvePath(f, ctx.cwd);
    if (has(p, 'f') || has(p, 'e')) {
      if (typeof ctx.fs.stat(abs) === 'string' && has(p, 'e')) {
        status = 1;
        continue;
      }
      ctx.io.stdout(abs + '\n');
      continue;
    }
    const t = ctx.fs.readlink(abs);
    if (isErrorCode(t)) {
      status = 1;
      continue;
    }
    ctx.io.stdout(t + (has(p, 'n') ? '' : '\n'));
  }
  return status;
}

export function touch(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'acm' });
  if ('error' in p) return usageError(ctx, p.error);
  if (p.operands.length === 0) return usageError(ctx, 'missing file operand');
  let status = 0;
  for (const f of p.operands) {
    const err = ctx.fs.touch(resolvePath(f, ctx.cwd));
    if (err) {
      ctx.io.stderr(`touch: cannot touch ${qf(f)}: ${fsErrorText(err)}\n`);
      status = 1;
    }
  }
  return status;
}

export function rm(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), {
    flags: 'rRfidv',
    long: { recursive: { as: 'r', value: false }, force: { as: 'f', value: false }, dir: { as: 'd', value: false }, verbose: { as: 'v', value: false }, 'no-preserve-root': { as: 'npr', value: false } },
  });
  if ('error' in p) return usageError(ctx, p.error);
  const force = has(p, 'f');
  const recursive = has(p, 'r') || has(p, 'R');
  if (p.operands.length === 0) return force ? 0 : usageError(ctx, 'missing operand');
  let status = 0;
  for (const f of p.operands) {
    const abs = resolvePath(f, ctx.cwd);
    if (abs === '/' && recursive && !has(p, 'npr')) {
      ctx.io.stderr(`rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n`);
      status = 1;
      continue;
    }
    if (/(^|\/)\.\.?\/?$/.test(f)) {
      ctx.io.stderr(`rm: refusing to remove '.' or '..' directory: skipping ${qf(f)}\n`);
      status = 1;
      continue;
    }
    const err = ctx.fs.remove(abs, { recursive, dir: has(p, 'd') });
    if (err) {
      if (err === 'ENOENT' && force) continue;
      ctx.io.stderr(`rm: cannot remove ${qf(f)}: ${fsErrorText(err)}\n`);
      status = 1;
    } else if (has(p, 'v')) ctx.io.stdout(`removed ${qf(f)}\n`);
  }
  return status;
}

export function mkdir(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'pv', withValue: 'm', long: { parents: { as: 'p', value: false }, verbose: { as: 'v', value: false }, mode: { as: 'm', value: true } } });
  if ('error' in p) return usageError(ctx, p.error);
  if (p.operands.length === 0) return usageError(ctx, 'missing operand');
  let status = 0;
  for (const d of p.operands) {
    const err = ctx.fs.mkdir(resolvePath(d, ctx.cwd), { parents: has(p, 'p') });
    if (err) {
      ctx.io.stderr(`mkdir: cannot create directory ${q(d)}: ${fsErrorText(err)}\n`);
      status = 1;
    } else if (has(p, 'v')) ctx.io.stdout(`mkdir: created directory ${q(d)}\n`);
  }
  return status;
}

export function rmdir(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'pv' });
  if ('error' in p) return usageError(ctx, p.error);
  if (p.operands.length === 0) return usageError(ctx, 'missing operand');
  let status = 0;
  for (const d of p.operands) {
    const abs = resolvePath(d, ctx.cwd);
    const st = ctx.fs.stat(abs);
    const err = typeof st === 'string' ? st : st.kind !== 'dir' ? 'ENOTDIR' : ctx.fs.remove(abs, { dir: true });
    if (err) {
      ctx.io.stderr(`rmdir: failed to remove ${qf(d)}: ${fsErrorText(err)}\n`);
      status = 1;
    }
  }
  return status;
}

/** cp and mv share the "into a directory or onto a name" rule. */
function copyOrMove(ctx: UtilContext, move: boolean): number {
  const prog = move ? 'mv' : 'cp';
  const p = getopt(ctx.argv.slice(1), { flags: move ? 'fiv' : 'rRfivpa', long: { recursive: { as: 'r', value: false }, force: { as: 'f', value: false } } });
  if ('error' in p) return usageError(ctx, p.error);
  const ops = p.operands;
  if (ops.length === 0) return usageError(ctx, 'missing file operand');
  if (ops.length === 1) return usageError(ctx, `missing destination file operand after ${qf(ops[0]!)}`);
  const dest = ops[ops.length - 1]!;
  const destAbs = resolvePath(dest, ctx.cwd);
  const destIsDir = ctx.fs.isDir(destAbs);
  if (ops.length > 2 && !destIsDir) {
    ctx.io.stderr(`${prog}: target ${qf(dest)} is not a directory\n`);
    return 1;
  }
  const recursive = move || has(p, 'r') || has(p, 'R') || has(p, 'a');
  let status = 0;
  for (const src of ops.slice(0, -1)) {
    const srcAbs = resolvePath(src, ctx.cwd);
    const node = ctx.fs.stat(srcAbs);
    if (typeof node === 'string') {
      ctx.io.stderr(`${prog}: cannot stat ${qf(src)}: ${fsErrorText(node)}\n`);
      status = 1;
      continue;
    }
    if (node.kind === 'dir' && !recursive) {
      ctx.io.stderr(`cp: -r not specified; omitting directory ${qf(src)}\n`);
      status = 1;
      continue;
    }
    const base = srcAbs.slice(srcAbs.lastIndexOf('/') + 1);
    const target = destIsDir ? resolvePath(base, destAbs) : destAbs;
    if (target === srcAbs || target.startsWith(srcAbs + '/')) {
      ctx.io.stderr(`${prog}: cannot ${move ? 'move' : 'copy'} ${qf(src)} to a subdirectory of itself, ${qf(dest)}\n`);
      status = 1;
      continue;
    }
    const existing = ctx.fs.stat(target);
    if (typeof existing !== 'string' && existing.kind === 'dir' && node.kind !== 'dir') {
      ctx.io.stderr(`${prog}: cannot overwrite directory ${qf(target)} with non-directory\n`);
      status = 1;
      continue;
    }
    const err = move ? ctx.fs.rename(srcAbs, target) : ctx.fs.copy(srcAbs, target);
    if (err) {
      ctx.io.stderr(`${prog}: cannot ${move ? 'move' : 'create regular file'} ${qf(dest)}: ${fsErrorText(err)}\n`);
      status = 1;
    }
  }
  return status;
}

export function cp(ctx: UtilContext): number {
  return copyOrMove(ctx, false);
}

export function mv(ctx: UtilContext): number {
  return copyOrMove(ctx, true);
}
