/**
 * du: disk usage of files and directories, as a 4 KiB-block filesystem
 * allocates it (every directory one block, a file its size rounded up to
 * blocks); -b gives apparent sizes.
 */
import { getopt, has, last } from '../getopt';
import { optionError, qf, usageError, type UtilContext } from '../context';
import { fsErrorText, resolvePath } from '../filesystem';
import { bbHuman, gnuHuman } from './human';

export function du(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), {
    flags: gnu ? 'asckhbmxLHSl' : 'aHLclsxhmkb',
    withValue: 'd',
    long: gnu ? { all: { as: 'a', value: false }, summarize: { as: 's', value: false }, total: { as: 'c', value: false }, 'human-readable': { as: 'h', value: false }, bytes: { as: 'b', value: false }, 'max-depth': { as: 'd', value: true }, 'apparent-size': { as: 'A', value: false } } : {},
  });
  if ('error' in p) return optionError(ctx, p.error);
  const depthText = last(p, 'd');
  if (depthText !== undefined && !/^\d+$/.test(depthText)) {
    if (gnu) return usageError(ctx, `invalid maximum depth ${qf(depthText)}`);
    ctx.io.stderr(`du: invalid number '${depthText}'\n`);
    return 1;
  }
  const maxDepth = has(p, 's') ? 0 : depthText !== undefined ? Number(depthText) : Infinity;
  const bytes = has(p, 'b') || has(p, 'A');
  const unit = has(p, 'm') ? 1024 * 1024 : 1024;
  const show = (n: number): string => {
    if (has(p, 'h')) return gnu ? gnuHuman(n) : bbHuman(n);
    if (bytes) return String(n);
    return String(Math.ceil(n / unit));
  };
  const seen = new Set<number>();
  const out: string[] = [];
  let status = 0;
  let total = 0;
  const walk = (path: string, abs: string, depth: number): number => {
    const st = ctx.fs.lstat(abs);
    if (typeof st === 'string') return 0;
    // GNU counts each file once, however often it is reached.
    if (gnu && st.ino !== undefined) {
      if (seen.has(st.ino)) return 0;
      seen.add(st.ino);
    }
    const own = bytes ? (st.kind === 'symlink' ? st.size : st.size) : st.kind === 'dir' ? 4096 : st.kind === 'symlink' ? 0 : Math.ceil(st.size / 4096) * 4096;
    let size = own;
    if (st.kind === 'dir') {
      const names = ctx.fs.readdir(abs);
      if (typeof names !== 'string') for (const n of names) size += walk(path.endsWith('/') ? path + n : `${path}/${n}`, resolvePath(n, abs), depth + 1);
      if (depth <= maxDepth) out.push(`${show(size)}\t${path}\n`);
    } else if ((has(p, 'a') && depth <= maxDepth) || depth === 0) out.push(`${show(size)}\t${path}\n`);
    return size;
  };
  for (const f of p.operands.length > 0 ? p.operands : ['.']) {
    const abs = resolvePath(f, ctx.cwd);
    const st = ctx.fs.lstat(abs);
    if (typeof st === 'string') {
      ctx.io.stdout(out.splice(0).join(''));
      ctx.io.stderr(gnu ? `du: cannot access ${qf(f)}: ${fsErrorText(st)}\n` : `du: ${f}: ${fsErrorText(st)}\n`);
      status = 1;
      continue;
    }
    total += walk(f, abs, 0);
  }
  if (has(p, 'c')) out.push(`${show(total)}\ttotal\n`);
  ctx.io.stdout(out.join(''));
  return status;
}
