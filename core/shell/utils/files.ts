/**
 * File utilities (touch, rm, mkdir, rmdir, cp, mv, readlink) over the shell's
 * filesystem, with coreutils' or busybox's messages by flavor.
 */
import { getopt, has } from '../getopt';
import { bbUsage, optionError, usageError, q, qf, type UtilContext } from '../context';
import { resolvePath, fsErrorText } from '../memfs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ls -l` time: "Nov 27 17:42" within six months of now, else "Nov 27  2025". */
export function lsTime(ms: number, now: number): string {
  const d = new Date(ms);
  const mon = MONTHS[d.getUTCMonth()]!;
  const day = String(d.getUTCDate()).padStart(2);
  const recent = Math.abs(now - ms) < 182.5 * 24 * 3600 * 1000;
  const tail = recent ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : ` ${d.getUTCFullYear()}`;
  return `${mon} ${day} ${tail}`;
}

function isErrorCode(s: string): boolean {
  return /^E[A-Z]+$/.test(s);
}

/** readlink: the target of each symlink; nothing and status 1 for what is not one (-f: the resolved path). */
export function readlink(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), { flags: bb ? 'fnsvq' : 'fenqsvz', long: bb ? {} : { canonicalize: { as: 'f', value: false } } });
  if ('error' in p) return optionError(ctx, p.error);
  if (p.operands.length === 0) return bb ? bbUsage(ctx) : usageError(ctx, 'missing operand');
  if (bb && p.operands.length > 1) return bbUsage(ctx);
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
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), { flags: bb ? 'cham' : 'acmh', withValue: 'dtr', long: bb ? {} : { 'no-create': { as: 'c', value: false }, date: { as: 'd', value: true }, reference: { as: 'r', value: true } } });
  if ('error' in p) return optionError(ctx, p.error);
  if (has(p, 'd') || has(p, 't') || has(p, 'r')) {
    ctx.io.stderr(`glassbox: touch: -${['d', 't', 'r'].find((o) => has(p, o))} (setting a given time) is not simulated yet\n`);
    return 2;
  }
  if (p.operands.length === 0) return bb ? bbUsage(ctx) : usageError(ctx, 'missing file operand');
  let status = 0;
  for (const f of p.operands) {
    const abs = resolvePath(f, ctx.cwd);
    if (has(p, 'c') && !ctx.fs.exists(abs)) continue;
    const err = ctx.fs.touch(abs);
    if (err) {
      ctx.io.stderr(bb ? `touch: ${f}: ${fsErrorText(err)}\n` : `touch: cannot touch ${qf(f)}: ${fsErrorText(err)}\n`);
      status = 1;
    }
  }
  return status;
}

export function rm(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), {
    flags: bb ? 'rRfiv' : 'rRfidv',
    long: bb ? {} : { recursive: { as: 'r', value: false }, force: { as: 'f', value: false }, dir: { as: 'd', value: false }, verbose: { as: 'v', value: false }, 'no-preserve-root': { as: 'npr', value: false } },
  });
  if ('error' in p) return optionError(ctx, p.error);
  const force = has(p, 'f');
  const recursive = has(p, 'r') || has(p, 'R');
  if (p.operands.length === 0) return force ? 0 : bb ? bbUsage(ctx) : usageError(ctx, 'missing operand');
  let status = 0;
  for (const f of p.operands) {
    const abs = resolvePath(f, ctx.cwd);
    if (bb) {
      const st = ctx.fs.lstat(abs);
      if (typeof st === 'string') {
        if (!(force && st === 'ENOENT')) {
          ctx.io.stderr(`rm: can't remove '${f}': ${fsErrorText(st)}\n`);
          status = 1;
        }
        continue;
      }
      if (st.kind === 'dir' && !recursive) {
        ctx.io.stderr(`rm: '${f}' is a directory\n`);
        status = 1;
        continue;
      }
      const e = ctx.fs.remove(abs, { recursive });
      if (e) {
        ctx.io.stderr(`rm: can't remove '${f}': ${fsErrorText(e)}\n`);
        status = 1;
      } else if (has(p, 'v')) ctx.io.stdout(`removed '${f}'\n`);
      continue;
    }
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
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), { flags: bb ? 'pv' : 'pv', withValue: 'm', long: bb ? {} : { parents: { as: 'p', value: false }, verbose: { as: 'v', value: false }, mode: { as: 'm', value: true } } });
  if ('error' in p) return optionError(ctx, p.error);
  if (p.operands.length === 0) return bb ? bbUsage(ctx) : usageError(ctx, 'missing operand');
  const modeText = p.opts.find((o) => o.name === 'm')?.value;
  const mode = modeText === undefined ? undefined : /^[0-7]{1,4}$/.test(modeText) ? parseInt(modeText, 8) : null;
  if (mode === null) {
    ctx.io.stderr(bb ? `mkdir: invalid mode '${modeText}'\n` : `mkdir: invalid mode ${q(modeText!)}\n`);
    return 1;
  }
  let status = 0;
  for (const d of p.operands) {
    const abs = resolvePath(d, ctx.cwd);
    const err = ctx.fs.mkdir(abs, { parents: has(p, 'p') });
    if (err) {
      ctx.io.stderr(bb ? `mkdir: can't create directory '${d}': ${fsErrorText(err)}\n` : `mkdir: cannot create directory ${q(d)}: ${fsErrorText(err)}\n`);
      status = 1;
      continue;
    }
    if (mode !== undefined) ctx.fs.chmod(abs, mode);
    if (has(p, 'v')) ctx.io.stdout(bb ? `mkdir: created directory: '${d}'\n` : `mkdir: created directory ${q(d)}\n`);
  }
  return status;
}

export function rmdir(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), { flags: 'pv', long: bb ? {} : { parents: { as: 'p', value: false }, verbose: { as: 'v', value: false } } });
  if ('error' in p) return optionError(ctx, p.error);
  if (p.operands.length === 0) return bb ? bbUsage(ctx) : usageError(ctx, 'missing operand');
  let status = 0;
  for (const d of p.operands) {
    const abs = resolvePath(d, ctx.cwd);
    const st = ctx.fs.stat(abs);
    const err = typeof st === 'string' ? st : st.kind !== 'dir' ? 'ENOTDIR' : ctx.fs.remove(abs, { dir: true });
    if (err) {
      ctx.io.stderr(bb ? `rmdir: '${d}': ${fsErrorText(err)}\n` : `rmdir: failed to remove ${qf(d)}: ${fsErrorText(err)}\n`);
      status = 1;
    }
  }
  return status;
}

/** cp and mv share the "into a directory or onto a name" rule. */
function copyOrMove(ctx: UtilContext, move: boolean): number {
  const prog = move ? 'mv' : 'cp';
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), { flags: move ? 'fivnT' : bb ? 'arPLHpfinlsTuRdv' : 'rRfivpaTn', long: bb ? {} : { recursive: { as: 'r', value: false }, force: { as: 'f', value: false } } });
  if ('error' in p) return optionError(ctx, p.error);
  const ops = p.operands;
  if (bb && ops.length < 2) return bbUsage(ctx);
  if (ops.length === 0) return usageError(ctx, 'missing file operand');
  if (ops.length === 1) return usageError(ctx, `missing destination file operand after ${qf(ops[0]!)}`);
  const dest = ops[ops.length - 1]!;
  const destAbs = resolvePath(dest, ctx.cwd);
  const destIsDir = ctx.fs.isDir(destAbs);
  if (ops.length > 2 && !destIsDir && !bb) {
    ctx.io.stderr(`${prog}: target ${qf(dest)} is not a directory\n`);
    return 1;
  }
  const recursive = move || has(p, 'r') || has(p, 'R') || has(p, 'a');
  let status = 0;
  for (const src of ops.slice(0, -1)) {
    const srcAbs = resolvePath(src, ctx.cwd);
    const node = move && bb ? ctx.fs.lstat(srcAbs) : ctx.fs.stat(srcAbs);
    if (typeof node === 'string') {
      ctx.io.stderr(bb ? (move ? `mv: can't rename '${src}': ${fsErrorText(node)}\n` : `cp: can't stat '${src}': ${fsErrorText(node)}\n`) : `${prog}: cannot stat ${qf(src)}: ${fsErrorText(node)}\n`);
      status = 1;
      continue;
    }
    if (node.kind === 'dir' && !recursive) {
      ctx.io.stderr(bb ? `cp: omitting directory '${src}'\n` : `cp: -r not specified; omitting directory ${qf(src)}\n`);
      status = 1;
      continue;
    }
    const base = srcAbs.slice(srcAbs.lastIndexOf('/') + 1);
    // busybox copies several sources into DEST/<name> whether or not DEST is a directory, and fails per file.
    const intoDir = destIsDir || (bb && ops.length > 2);
    const target = intoDir ? resolvePath(base, destAbs) : destAbs;
    const targetName = intoDir ? `${dest.replace(/\/+$/, '')}/${base}` : dest;
    if (target === srcAbs) {
      if (bb && move) continue;
      ctx.io.stderr(bb ? `cp: '${src}' and '${targetName}' are the same file\n` : `${prog}: ${qf(src)} and ${qf(targetName)} are the same file\n`);
      status = 1;
      continue;
    }
    if (target.startsWith(srcAbs + '/')) {
      // busybox mv just tries rename(2), which refuses with EINVAL; its cp checks first.
      const bbText = move ? `mv: can't rename '${src}': Invalid argument\n` : `cp: recursion detected, omitting directory '${targetName}'\n`;
      ctx.io.stderr(bb ? bbText : `${prog}: cannot ${move ? 'move' : 'copy'} ${qf(src)} to a subdirectory of itself, ${qf(dest)}\n`);
      status = 1;
      continue;
    }
    const existing = ctx.fs.stat(target);
    if (typeof existing !== 'string' && existing.kind === 'dir' && node.kind !== 'dir') {
      ctx.io.stderr(bb ? `${prog}: can't ${move ? 'rename' : 'create'} '${targetName}': Is a directory\n` : `${prog}: cannot overwrite directory ${qf(target)} with non-directory\n`);
      status = 1;
      continue;
    }
    if (has(p, 'n') && typeof existing !== 'string') continue;
    const err = move ? ctx.fs.rename(srcAbs, target) : ctx.fs.copy(srcAbs, target);
    if (err) {
      if (bb) ctx.io.stderr(move ? `mv: can't rename '${src}': ${fsErrorText(err)}\n` : `cp: can't create '${targetName}': ${fsErrorText(err)}\n`);
      else ctx.io.stderr(`${prog}: cannot ${move ? 'move' : 'create regular file'} ${qf(dest)}: ${fsErrorText(err)}\n`);
      status = 1;
    } else if (has(p, 'v')) ctx.io.stdout(bb ? `'${src}' -> '${targetName}'\n` : `${move ? 'renamed ' : ''}${qf(src)} -> ${qf(targetName)}\n`);
  }
  return status;
}

export function cp(ctx: UtilContext): number {
  return copyOrMove(ctx, false);
}

export function mv(ctx: UtilContext): number {
  return copyOrMove(ctx, true);
}
