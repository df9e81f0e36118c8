/** sort and uniq, GNU coreutils' and busybox's. */
import { getopt, has, last, all } from '../getopt';
import { bbUsage, optionError, readOperand, splitLines, usageError, q, type UtilContext } from '../context';
import { resolvePath, fsErrorText, compareBytes } from '../memfs';

// ---------- sort ----------

interface SortKey {
  startField: number;
  startChar: number;
  endField: number;
  endChar: number;
  numeric: boolean;
  human: boolean;
  reverse: boolean;
  fold: boolean;
  blanks: boolean;
}

function parseKeySpec(spec: string, global: { numeric: boolean; human: boolean; reverse: boolean; fold: boolean; blanks: boolean }): SortKey | string {
  const m = /^(\d+)(?:\.(\d+))?([bdfghinrMV]*)(?:,(\d+)(?:\.(\d+))?([bdfghinrMV]*))?$/.exec(spec);
  if (!m) {
    if (!/^\d/.test(spec)) return `invalid number at field start: invalid count at start of ${q(spec)}`;
    return `invalid field specification ${q(spec)}`;
  }
  if (Number(m[1]) === 0) return `field number is zero: invalid field specification ${q(spec)}`;
  const flags = (m[3] ?? '') + (m[6] ?? '');
  const local = flags.length > 0;
  return {
    startField: Number(m[1]),
    startChar: m[2] ? Number(m[2]) : 1,
    endField: m[4] ? Number(m[4]) : Infinity,
    endChar: m[5] ? Number(m[5]) : 0,
    numeric: local ? /[ng]/.test(flags) : global.numeric,
    human: local ? flags.includes('h') : global.human,
    reverse: local ? flags.includes('r') : global.reverse,
    fold: local ? flags.includes('f') : global.fold,
    blanks: local ? flags.includes('b') : global.blanks,
  };
}

/** Field start offsets: with no separator, each field begins with the blanks before it (GNU). */
function fieldBounds(line: string, sep: string | null): number[][] {
  const bounds: number[][] = [];
  if (sep !== null) {
    let start = 0;
    for (;;) {
      const i = line.indexOf(sep, start);
      if (i < 0) {
        bounds.push([start, line.length]);
        return bounds;
      }
      bounds.push([start, i]);
      start = i + 1;
    }
  }
  let i = 0;
  while (i < line.length) {
    const start = i;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    bounds.push([start, i]);
  }
  return bounds;
}

function keyText(line: string, key: SortKey, sep: string | null): string {
  const b = fieldBounds(line, sep);
  const sf = b[key.startField - 1];
  if (!sf) return '';
  let s = sf[0]!;
  if (key.blanks) while (s < sf[1]! && (line[s] === ' ' || line[s] === '\t')) s++;
  s = Math.min(s + key.startChar - 1, sf[1]!);
  let e: number;
  if (key.endField === Infinity) e = line.length;
  else {
    const ef = b[key.endField - 1];
    if (!ef) e = line.length;
    else if (key.endChar === 0) e = ef[1]!;
    else e = Math.min(ef[0]! + key.endChar, ef[1]!);
  }
  return e > s ? line.slice(s, e) : '';
}

function numericValue(s: string, human: boolean): number {
  const m = /^[ \t]*(-?\d*\.?\d+|-?\d+\.?)([KMGTPE]?)/.exec(s);
  if (!m) return 0;
  let v = Number(m[1]);
  if (human && m[2]) v *= 1024 ** ('KMGTPE'.indexOf(m[2]) + 1);
  return v;
}

export function sort(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), {
    flags: bb ? 'nrugMcszbdfi' : 'rnufbhsgcMV',
    withValue: 'kto',
    long: bb ? {} : {
      reverse: { as: 'r', value: false }, 'numeric-sort': { as: 'n', value: false }, unique: { as: 'u', value: false },
      'ignore-case': { as: 'f', value: false }, 'ignore-leading-blanks': { as: 'b', value: false }, 'human-numeric-sort': { as: 'h', value: false },
      key: { as: 'k', value: true }, 'field-separator': { as: 't', value: true }, output: { as: 'o', value: true }, stable: { as: 's', value: false },
      'general-numeric-sort': { as: 'g', value: false },
    },
  });
  if ('error' in p) return optionError(ctx, p.error, 2);
  const global = { numeric: has(p, 'n') || has(p, 'g'), human: has(p, 'h'), reverse: has(p, 'r'), fold: has(p, 'f'), blanks: has(p, 'b') };
  const sepOpt = last(p, 't');
  if (sepOpt !== undefined && sepOpt.length !== 1) {
    ctx.io.stderr(bb ? 'sort: bad -t parameter\n' : sepOpt === '' ? 'sort: empty tab\n' : `sort: multi-character tab ${q(sepOpt)}\n`);
    return 2;
  }
  const sep = sepOpt ?? null;
  const keys: SortKey[] = [];
  for (const spec of all(p, 'k')) {
    const k = parseKeySpec(spec, global);
    if (typeof k === 'string') {
      ctx.io.stderr(bb ? 'sort: bad field specification\n' : `sort: ${k}\n`);
      return 2;
    }
    keys.push(k);
  }
  if (keys.length === 0) keys.push({ startField: 1, startChar: 1, endField: Infinity, endChar: 0, ...global });
  const wholeLine = all(p, 'k').length === 0;
  const lines: string[] = [];
  for (const f of p.operands.length > 0 ? p.operands : ['-']) {
    let text: string;
    if (f === '-') text = ctx.io.stdin ?? '';
    else {
      const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
      if ('error' in r) {
        // busybox reads a directory as empty.
        if (bb && r.error === 'EISDIR') continue;
        ctx.io.stderr(bb ? `sort: ${f}: ${fsErrorText(r.error)}\n` : r.error === 'EISDIR' ? `sort: read failed: ${f}: Is a directory\n` : `sort: cannot read: ${f}: ${fsErrorText(r.error)}\n`);
        return 2;
      }
      text = r.data;
    }
    for (const l of splitLines(text)) lines.push(l);
  }
  const cmpKey = (a: string, b: string, k: SortKey): number => {
    let ka = wholeLine ? a : keyText(a, k, sep);
    let kb = wholeLine ? b : keyText(b, k, sep);
    let r: number;
    if (k.numeric || k.human) r = numericValue(ka, k.human) - numericValue(kb, k.human);
    else {
      if (k.blanks) {
        ka = ka.replace(/^[ \t]+/, '');
        kb = kb.replace(/^[ \t]+/, '');
      }
      if (k.fold) {
        ka = ka.toUpperCase();
        kb = kb.toUpperCase();
      }
      r = compareBytes(ka, kb);
    }
    r = Math.sign(r);
    return k.reverse ? -r : r;
  };
  const cmpKeys = (a: string, b: string): number => {
    for (const k of keys) {
      const r = cmpKey(a, b, k);
      if (r !== 0) return r;
    }
    return 0;
  };
  const unique = has(p, 'u');
  const stable = has(p, 's') || unique;
  const indexed = lines.map((l, i) => ({ l, i }));
  indexed.sort((x, y) => {
    const r = cmpKeys(x.l, y.l);
    if (r !== 0) return r;
    if (!stable) {
      const last = compareBytes(x.l, y.l);
      if (last !== 0) return global.reverse ? -last : last;
    }
    return x.i - y.i;
  });
  let sorted = indexed.map((x) => x.l);
  if (unique) sorted = sorted.filter((l, i) => i === 0 || cmpKeys(sorted[i - 1]!, l) !== 0);
  const text = sorted.length > 0 ? sorted.join('\n') + '\n' : '';
  const outFile = last(p, 'o');
  if (outFile !== undefined) {
    const err = ctx.fs.writeFile(resolvePath(outFile, ctx.cwd), text);
    if (err) {
      ctx.io.stderr(bb ? `sort: can't open '${outFile}': ${fsErrorText(err)}\n` : `sort: open failed: ${outFile}: ${fsErrorText(err)}\n`);
      return 2;
    }
    return 0;
  }
  ctx.io.stdout(text);
  return 0;
}

// ---------- uniq ----------

export function uniq(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), {
    flags: bb ? 'cduiz' : 'cdui',
    withValue: bb ? 'fsw' : 'fs',
    long: bb ? {} : { count: { as: 'c', value: false }, repeated: { as: 'd', value: false }, unique: { as: 'u', value: false }, 'ignore-case': { as: 'i', value: false }, 'skip-fields': { as: 'f', value: true }, 'skip-chars': { as: 's', value: true } },
  });
  if ('error' in p) return optionError(ctx, p.error);
  if (p.operands.length > 2 && !bb) return usageError(ctx, `extra operand ${q(p.operands[2]!)}`);
  const text = readOperand(ctx, p.operands[0] ?? '-', 'uniq', true);
  if (text === null) return 1;
  // busybox opens its input before it looks at the operands that follow.
  if (p.operands.length > 2) return bbUsage(ctx);
  const skipFields = Number(last(p, 'f') ?? 0);
  const skipChars = Number(last(p, 's') ?? 0);
  const keyOf = (l: string): string => {
    let s = l;
    for (let i = 0; i < skipFields; i++) s = s.replace(/^[ \t]*[^ \t]*/, '');
    s = s.slice(skipChars);
    return has(p, 'i') ? s.toLowerCase() : s;
  };
  const lines = splitLines(text);
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    const k = keyOf(lines[i]!);
    while (j < lines.length && keyOf(lines[j]!) === k) j++;
    const n = j - i;
    if ((!has(p, 'd') || n > 1) && (!has(p, 'u') || n === 1)) {
      out.push(has(p, 'c') ? `${String(n).padStart(7)} ${lines[i]}\n` : `${lines[i]}\n`);
    }
    i = j;
  }
  const result = out.join('');
  if (p.operands[1] !== undefined) {
    const err = ctx.fs.writeFile(resolvePath(p.operands[1], ctx.cwd), result);
    if (err) {
      ctx.io.stderr(bb ? `uniq: can't open '${p.operands[1]}': ${fsErrorText(err)}\n` : `uniq: ${p.operands[1]}: ${fsErrorText(err)}\n`);
      return 1;
    }
    return 0;
  }
  ctx.io.stdout(result);
  return 0;
}
