/** ln: hard and symbolic links, with coreutils' or busybox's messages. */
import { getopt, has } from '../getopt';
import { bbUsage, optionError, qf, usageError, type UtilContext } from '../context';
import { fsErrorText, resolvePath } from '../filesystem';

export function ln(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), {
    flags: bb ? 'sfnbvT' : 'sfnvTrLP',
    withValue: bb ? 'St' : 'St',
    long: bb ? {} : { symbolic: { as: 's', value: false }, force: { as: 'f', value: false }, 'no-dereference': { as: 'n', value: false }, verbose: { as: 'v', value: false }, 'target-directory': { as: 't', value: true }, 'no-target-directory': { as: 'T', value: false } },
  });
  if ('error' in p) return optionError(ctx, p.error);
  if (has(p, 'b') || has(p, 'S') || has(p, 'r')) {
    ctx.io.stderr(`glassbox: ln: -${['b', 'S', 'r'].find((o) => has(p, o))} is not simulated yet\n`);
    return 2;
  }
  const ops = [...p.operands];
  const targetDir = p.opts.find((o) => o.name === 't')?.value;
  if (ops.length === 0) return bb ? bbUsage(ctx) : usageError(ctx, 'missing file operand');
  // One operand links into the working directory; several (or -t) into the last (or -t) directory.
  const dir = targetDir ?? (ops.length === 1 ? '.' : ops.length > 2 || (!has(p, 'T') && ctx.fs.isDir(resolvePath(ops[ops.length - 1]!, ctx.cwd)) && !(has(p, 'n') && isLink(ctx, ops[ops.length - 1]!))) ? ops[ops.length - 1]! : null);
  const sources = targetDir !== undefined || ops.length === 1 ? ops : ops.slice(0, -1);
  if (dir !== null && !ctx.fs.isDir(resolvePath(dir, ctx.cwd))) {
    if (bb) ctx.io.stderr(`ln: ${dir}: ${fsErrorText(ctx.fs.exists(resolvePath(dir, ctx.cwd)) ? 'ENOTDIR' : 'ENOENT')}\n`);
    else ctx.io.stderr(`ln: target ${qf(dir)}: ${fsErrorText(ctx.fs.exists(resolvePath(dir, ctx.cwd)) ? 'ENOTDIR' : 'ENOENT')}\n`);
    return 1;
  }
  const symbolic = has(p, 's');
  let status = 0;
  for (const src of sources) {
    const trimmed = src.replace(/\/+$/, '');
    const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
    const name = dir === null ? ops[ops.length - 1]! : dir === '.' ? base : `${dir.replace(/\/+$/, '')}/${base}`;
    const linkAbs = resolvePath(name, ctx.cwd);
    const srcAbs = resolvePath(src, ctx.cwd);
    const fail = (what: string, code: Parameters<typeof fsErrorText>[0], subject = name): void => {
      ctx.io.stderr(bb ? `ln: ${subject}: ${fsErrorText(code)}\n` : `ln: ${what}: ${fsErrorText(code)}\n`);
      status = 1;
    };
    if (!symbolic) {
      const st = ctx.fs.stat(srcAbs);
      if (typeof st === 'string') {
        fail(`failed to access ${qf(src)}`, st, src);
        continue;
      }
      if (st.kind === 'dir') {
        if (bb) fail('', 'EPERM');
        else {
          ctx.io.stderr(`ln: ${src}: hard link not allowed for directory\n`);
          status = 1;
        }
        continue;
      }
    }
    if (has(p, 'f') && !(!symbolic && srcAbs === linkAbs)) {
      const existing = ctx.fs.lstat(linkAbs);
      if (typeof existing !== 'string' && existing.kind !== 'dir') ctx.fs.remove(linkAbs);
    }
    const e = symbolic ? ctx.fs.symlink(src, linkAbs) : ctx.fs.link(srcAbs, linkAbs);
    if (e) {
      fail(`failed to create ${symbolic ? 'symbolic' : 'hard'} link ${qf(name)}`, e);
      continue;
    }
    if (has(p, 'v')) ctx.io.stdout(`${qf(name)} ${symbolic ? '->' : '=>'} ${qf(src)}\n`);
  }
  return status;
}

function isLink(ctx: UtilContext, path: string): boolean {
  const st = ctx.fs.lstat(resolvePath(path, ctx.cwd));
  return typeof st !== 'string' && st.kind === 'symlink';
}
