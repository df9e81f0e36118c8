/**
 * md5sum and sha256sum (print and -c check), and basename and dirname:
 * coreutils' and busybox's.
 */
import { getopt, has, last } from '../getopt';
import { bbUsage, optionError, q, readOperand, splitLines, usageError, type UtilContext } from '../context';
import { fsErrorText, resolvePath } from '../filesystem';
import { sha256Hex } from '../../images/digest';
import { md5Hex } from './md5';

function checksum(ctx: UtilContext, hash: (text: string) => string, name: string): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), {
    flags: gnu ? 'bctwz' : 'cswb',
    long: gnu ? { binary: { as: 'b', value: false }, check: { as: 'c', value: false }, text: { as: 't', value: false }, tag: { as: 'tag', value: false }, quiet: { as: 'quiet', value: false }, status: { as: 'status', value: false }, warn: { as: 'w', value: false }, strict: { as: 'strict', value: false } } : {},
  });
  if ('error' in p) return optionError(ctx, p.error);
  const files = p.operands.length > 0 ? p.operands : ['-'];
  const read = (f: string): string | null => {
    if (f === '-') return ctx.io.stdin ?? '';
    const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
    if ('data' in r) return r.data;
    if (gnu) ctx.io.stderr(`${name}: ${f}: ${fsErrorText(r.error)}\n`);
    else ctx.io.stderr(r.error === 'EISDIR' ? `${name}: can't read '${f}': Is a directory\n` : `${name}: can't open '${f}': ${fsErrorText(r.error)}\n`);
    return null;
  };
  if (has(p, 'c')) return check(ctx, hash, name, files, read, p);
  let status = 0;
  let out = '';
  for (const f of files) {
    const text = read(f);
    if (text === null) {
      status = 1;
      continue;
    }
    const digest = hash(text);
    if (has(p, 'tag')) out += `${name === 'md5sum' ? 'MD5' : 'SHA256'} (${f}) = ${digest}\n`;
    // GNU escapes a name with a backslash or newline and marks the line with a leading "\".
    else if (gnu && /[\\\n]/.test(f)) out += `\\${digest}  ${f.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
    else out += `${digest}  ${f}\n`;
  }
  ctx.io.stdout(out);
  return status;
}

function check(ctx: UtilContext, hash: (text: string) => string, name: string, files: string[], read: (f: string) => string | null, p: { opts: { name: string }[] }): number {
  const gnu = ctx.flavor === 'gnu';
  const width = name === 'md5sum' ? 32 : 64;
  const quiet = has(p, 'quiet') || has(p, 's');
  const silent = has(p, 'status');
  let status = 0;
  for (const list of files) {
    const text = readOperand(ctx, list, name, !gnu);
    if (text === null) {
      status = 1;
      continue;
    }
    let out = '';
    let failed = 0;
    let unreadable = 0;
    let total = 0;
    for (const line of splitLines(text)) {
      // GNU wants a well-formed line; busybox splits at the first "  " (or " *") and compares whatever is before it.
      const m = gnu ? new RegExp(`^\\\\?([0-9a-fA-F]{${width}}) [ *](.+)$`).exec(line) : /^(.*?)(?:  | \*)(.*)$/s.exec(line);
      total++;
      if (!m) {
        if (!gnu) failed++;
        continue;
      }
      const file = m[2]!;
      const data = read(file);
      if (data === null) {
        // busybox counts an unreadable file as a mismatch.
        if (gnu) unreadable++;
        else failed++;
        if (!silent) out += gnu ? `${file}: FAILED open or read\n` : `${file}: FAILED\n`;
        continue;
      }
      const ok = hash(data) === (gnu ? m[1]!.toLowerCase() : m[1]);
      if (!ok) failed++;
      if (!silent && !(ok && quiet)) out += `${file}: ${ok ? 'OK' : 'FAILED'}\n`;
    }
    ctx.io.stdout(out);
    if (gnu && out === '' && failed === 0 && unreadable === 0) {
      ctx.io.stderr(`${name}: ${list}: no properly formatted checksum lines found\n`);
      status = 1;
      continue;
    }
    if (!silent && unreadable > 0) ctx.io.stderr(`${name}: WARNING: ${unreadable} listed file${unreadable > 1 ? 's' : ''} could not be read\n`);
    if (!silent && failed > 0) ctx.io.stderr(`${name}: WARNING: ${failed} ${gnu ? `computed checksum${failed > 1 ? 's' : ''} did NOT match` : `of ${total} computed checksums did NOT match`}\n`);
    if (failed > 0 || unreadable > 0) status = 1;
  }
  return status;
}

export function md5sum(ctx: UtilContext): number {
  return checksum(ctx, md5Hex, 'md5sum');
}

export function sha256sum(ctx: UtilContext): number {
  return checksum(ctx, sha256Hex, 'sha256sum');
}

// ---------- basename / dirname ----------

export function basename(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), { flags: gnu ? 'az' : 'a', withValue: 's', long: gnu ? { multiple: { as: 'a', value: false }, suffix: { as: 's', value: true }, zero: { as: 'z', value: false } } : {} });
  if ('error' in p) return optionError(ctx, p.error);
  const ops = p.operands;
  if (ops.length === 0) return gnu ? usageError(ctx, 'missing operand') : bbUsage(ctx);
  const multiple = has(p, 'a') || has(p, 's');
  if (!multiple && ops.length > 2) return gnu ? usageError(ctx, `extra operand ${q(ops[2]!)}`) : bbUsage(ctx);
  const suffix = last(p, 's') ?? (multiple ? undefined : ops[1]);
  const names = multiple ? ops : [ops[0]!];
  const base = (a: string): string => {
    let b = a.replace(/\/+$/, '');
    b = b === '' ? (a === '' ? '' : '/') : b.slice(b.lastIndexOf('/') + 1);
    if (suffix !== undefined && b.endsWith(suffix) && b !== suffix) b = b.slice(0, -suffix.length);
    return b;
  };
  ctx.io.stdout(names.map((n) => base(n) + (has(p, 'z') ? '\0' : '\n')).join(''));
  return 0;
}

export function dirname(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), { flags: gnu ? 'z' : '', long: gnu ? { zero: { as: 'z', value: false } } : {} });
  if ('error' in p) return optionError(ctx, p.error);
  if (p.operands.length === 0) return gnu ? usageError(ctx, 'missing operand') : bbUsage(ctx);
  if (!gnu && p.operands.length > 1) return bbUsage(ctx);
  const dir = (a: string): string => {
    const s = a.replace(/\/+$/, '');
    if (s === '' && a.startsWith('/')) return '/';
    const i = s.lastIndexOf('/');
    return i < 0 ? '.' : i === 0 ? '/' : s.slice(0, i).replace(/\/+$/, '') || '/';
  };
  ctx.io.stdout(p.operands.map((a) => dir(a) + (has(p, 'z') ? '\0' : '\n')).join(''));
  return 0;
}
