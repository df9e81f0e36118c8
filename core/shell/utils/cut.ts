/** cut and tr, GNU coreutils' and busybox's. */
import { decodeEscape } from '../syntax';
import { getopt, has, last } from '../getopt';
import { bbUsage, optionError, readOperand, splitLines, usageError, q, type UtilContext } from '../context';

// ---------- cut ----------

function parseList(spec: string): { ranges: [number, number][] } | { error: string; zero?: boolean } {
  const ranges: [number, number][] = [];
  for (const part of spec.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '')) return { error: m && m[2] === '-' ? 'invalid range with no endpoint: -' : `invalid byte/character position ${q(part)}` };
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? Infinity : Number(m[3]);
    if (lo === 0 || hi === 0) return { error: '', zero: true };
    if (hi < lo) return { error: 'invalid decreasing range' };
    ranges.push([lo, hi]);
  }
  return { ranges };
}

/** busybox's list syntax: N, N-, -N, N-M or "-"; 0 counts as 1. */
function parseBbList(spec: string): { ranges: [number, number][] } | { error: string } {
  const ranges: [number, number][] = [];
  for (const part of spec.split(',')) {
    const m = /^([^-]*)(-?)(.*)$/.exec(part)!;
    const num = (s: string, dflt: number): number | null => (s === '' ? dflt : /^\d+$/.test(s) ? Math.max(1, Number(s)) : null);
    const lo = num(m[1]!, 1);
    if (lo === null) return { error: `invalid number '${m[1]}'` };
    const hi = m[2] === '' ? lo : num(m[3]!, Infinity);
    if (hi === null) return { error: `invalid number '${m[3]}'` };
    if (hi < lo) return { error: `${hi}<${lo - 1}` };
    ranges.push([lo, hi]);
  }
  return { ranges };
}

export function cut(ctx: UtilContext): number {
  return ctx.flavor === 'busybox' ? bbCut(ctx) : gnuCut(ctx);
}

function bbCut(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'snD', withValue: 'bcfdO' });
  if ('error' in p) return optionError(ctx, p.error);
  const modes = ['b', 'c', 'f'].filter((m) => has(p, m));
  if (modes.length === 0) {
    ctx.io.stderr('cut: expected a list of bytes, characters, or fields\n');
    return 1;
  }
  if (modes.length > 1) return bbUsage(ctx);
  const mode = modes[0]!;
  if (has(p, 'd') && mode !== 'f') {
    ctx.io.stderr('cut: a delimiter may be specified only when operating on fields\n');
    return 1;
  }
  const list = parseBbList(last(p, mode)!);
  if ('error' in list) {
    ctx.io.stderr(`cut: ${list.error}\n`);
    return 1;
  }
  const d = (last(p, 'd') ?? '\t').slice(0, 1) || '\t';
  const selected = (i: number): boolean => list.ranges.some(([lo, hi]) => i >= lo && i <= hi);
  let status = 0;
  const out: string[] = [];
  for (const f of p.operands.length > 0 ? p.operands : ['-']) {
    const text = readOperand(ctx, f, 'cut');
    if (text === null) {
      status = 1;
      continue;
    }
    for (const line of splitLines(text)) {
      if (mode !== 'f') out.push(Array.from(line).filter((_, i) => selected(i + 1)).join('') + '\n');
      else if (!line.includes(d)) {
        if (!has(p, 's')) out.push(line + '\n');
      } else out.push(line.split(d).filter((_, i) => selected(i + 1)).join(last(p, 'O') ?? d) + '\n');
    }
  }
  ctx.io.stdout(out.join(''));
  return status;
}

function gnuCut(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), {
    flags: 'sn',
    withValue: 'bcfd',
    long: { bytes: { as: 'b', value: true }, characters: { as: 'c', value: true }, fields: { as: 'f', value: true }, delimiter: { as: 'd', value: true }, 'only-delimited': { as: 's', value: false }, complement: { as: 'complement', value: false }, 'output-delimiter': { as: 'od', value: true } },
  });
  if ('error' in p) return usageError(ctx, p.error);
  const modes = ['b', 'c', 'f'].filter((m) => has(p, m));
  if (modes.length === 0) return usageError(ctx, 'you must specify a list of bytes, characters, or fields');
  if (modes.length > 1) return usageError(ctx, 'only one type of list may be specified');
  const mode = modes[0]!;
  const list = parseList(last(p, mode)!);
  if ('error' in list) {
    if (list.zero) return usageError(ctx, mode === 'f' ? 'fields are numbered from 1' : 'byte/character positions are numbered from 1');
    return usageError(ctx, mode === 'f' ? list.error.replace('byte/character position', 'field value') : list.error);
  }
  const delim = last(p, 'd');
  if (delim !== undefined && mode !== 'f') return usageError(ctx, 'an input delimiter may be specified only when operating on fields');
  if (delim !== undefined && [...delim].length !== 1) return usageError(ctx, 'the delimiter must be a single character');
  const d = delim ?? '\t';
  const outDelim = last(p, 'od') ?? d;
  const complement = has(p, 'complement');
  const selected = (i: number): boolean => list.ranges.some(([lo, hi]) => i >= lo && i <= hi) !== complement;
  let status = 0;
  const out: string[] = [];
  for (const f of p.operands.length > 0 ? p.operands : ['-']) {
    const text = readOperand(ctx, f, 'cut');
    if (text === null) {
      status = 1;
      continue;
    }
    for (const line of splitLines(text)) {
      if (mode === 'f') {
        if (!line.includes(d)) {
          if (!has(p, 's')) out.push(line + '\n');
          continue;
        }
        out.push(line.split(d).filter((_, i) => selected(i + 1)).join(outDelim) + '\n');
      } else {
        const chars = Array.from(line);
        out.push(chars.filter((_, i) => selected(i + 1)).join('') + '\n');
      }
    }
  }
  ctx.io.stdout(out.join(''));
  return status;
}

// ---------- tr ----------

const TR_CLASSES: Record<string, string> = {
  alpha: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  digit: '0123456789',
  alnum: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  space: '\t\n\v\f\r ',
  blank: '\t ',
  punct: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  xdigit: '0123456789ABCDEFabcdef',
};

/** A tr set with its classes and ranges expanded; busybox takes a bad class or a reversed range as nothing, GNU refuses it. */
function expandTrSet(s: string, bb: boolean): string[] | string {
  const out: string[] = [];
  const chars: string[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === '\\' && i + 1 < s.length) {
      const d = decodeEscape(s, i, true);
      chars.push(d.text === '\\c' ? 'c' : d.text);
      i += d.length;
      continue;
    }
    const m = /^\[:([a-z]+):\]/.exec(s.slice(i));
    if (m) {
      const cls = TR_CLASSES[m[1]!];
      if (cls === undefined && !bb) return `invalid character class ${q(m[1]!)}`;
      if (cls === undefined) {
        chars.push(...m[0]);
        i += m[0].length;
        continue;
      }
      chars.push('\u0000class:' + m[1]);
      i += m[0].length;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    chars.push(ch);
    i += ch.length;
  }
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c.startsWith('\u0000class:')) {
      out.push(...TR_CLASSES[c.slice(7)]!);
      continue;
    }
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      const lo = c.codePointAt(0)!;
      const hi = chars[i + 2]!.codePointAt(0)!;
      if (hi < lo && bb) {
        i += 2;
        continue;
      }
      if (hi < lo) return `range-endpoints of ${q(`${c}-${chars[i + 2]}`)} are in reverse collating sequence order`;
      for (let x = lo; x <= hi; x++) out.push(String.fromCodePoint(x));
      i += 2;
      continue;
    }
    out.push(c);
  }
  return out;
}

export function tr(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), {
    flags: bb ? 'cds' : 'dscCt',
    long: bb ? {} : { delete: { as: 'd', value: false }, 'squeeze-repeats': { as: 's', value: false }, complement: { as: 'c', value: false }, 'truncate-set1': { as: 't', value: false } },
  });
  if ('error' in p) return optionError(ctx, p.error);
  const del = has(p, 'd');
  const squeeze = has(p, 's');
  const comp = has(p, 'c') || has(p, 'C');
  const ops = p.operands;
  if (bb) {
    // busybox needs STRING1; a lone STRING1 without -d or -s translates nothing, and extra operands are ignored.
    if (ops.length === 0) return bbUsage(ctx);
    if (ops.length === 1 && !del && !squeeze) {
      ctx.io.stdout(ctx.io.stdin ?? '');
      return 0;
    }
    ops.splice(del && squeeze ? 2 : del ? 1 : 2);
  }
  if (ops.length === 0) return usageError(ctx, 'missing operand');
  const needTwo = !del && !(squeeze && ops.length === 1);
  if (needTwo && ops.length < 2) {
    ctx.io.stderr(`tr: missing operand after ${q(ops[0]!)}\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n`);
    return 1;
  }
  const maxOps = del && squeeze ? 2 : needTwo ? 2 : 1;
  if (ops.length > maxOps) return usageError(ctx, `extra operand ${q(ops[maxOps]!)}`);
  const set1 = expandTrSet(ops[0]!, bb);
  const set2 = ops[1] !== undefined ? expandTrSet(ops[1], bb) : [];
  if (typeof set1 === 'string' || typeof set2 === 'string') {
    ctx.io.stderr(`tr: ${typeof set1 === 'string' ? set1 : set2}\n`);
    return 1;
  }
  const in1 = new Set(set1);
  const member1 = (c: string): boolean => in1.has(c) !== comp;
  const map = new Map<string, string>();
  if (!del && set2.length > 0 && !comp) {
    for (let i = 0; i < set1.length; i++) map.set(set1[i]!, set2[Math.min(i, set2.length - 1)]!);
  }
  const squeezeSet = new Set(del || ops.length === 1 ? (ops.length === 1 ? [] : set2) : set2);
  const squeezeMember = (c: string): boolean => (ops.length === 1 && !del ? member1(c) : squeezeSet.has(c));
  const text = ctx.io.stdin ?? '';
  let out = '';
  let prev = '';
  for (const ch of text) {
    let c = ch;
    if (del && member1(c)) continue;
    if (!del) {
      if (comp && set2.length > 0 && member1(c)) c = set2[set2.length - 1]!;
      else c = map.get(c) ?? c;
    }
    if (squeeze && c === prev && squeezeMember(c)) continue;
    out += c;
    prev = c;
  }
  ctx.io.stdout(out);
  return 0;
}
