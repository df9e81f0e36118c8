/**
 * Text utilities as GNU coreutils and grep behave for the options people use:
 * same output bytes, same messages, same exit codes.
 */
import { decodeEscape } from '../syntax';
import { getopt, has, last, all, type OptSpec } from '../getopt';
import { compilePosix, escapeRegex } from '../regex';
import { readOperand, splitLines, usageError, q, type UtilContext } from '../context';
import { resolvePath, fsErrorText, utf8Length, compareBytes } from '../memfs';

// ---------- echo / printf ----------

export function echo(ctx: UtilContext): number {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0]!)) {
    for (const c of args.shift()!.slice(1)) {
      if (c === 'n') newline = false;
      else if (c === 'e') escapes = true;
      else escapes = false;
    }
  }
  let text = args.join(' ');
  if (escapes) {
    let out = '';
    for (let i = 0; i < text.length; ) {
      if (text[i] === '\\') {
        const d = decodeEscape(text, i, false);
        if (d.stop) {
          ctx.io.stdout(out);
          return 0;
        }
        out += d.text;
        i += d.length;
      } else out += text[i++];
    }
    text = out;
  }
  ctx.io.stdout(newline ? text + '\n' : text);
  return 0;
}

/** printf as bash's builtin: the format is reused until the arguments run out. */
export function printf(ctx: UtilContext): number {
  let args = ctx.argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    ctx.io.stderr('bash: printf: usage: printf [-v var] format [arguments]\n');
    return 2;
  }
  const format = args[0]!;
  const values = args.slice(1);
  let out = '';
  let status = 0;
  let k = 0;
  const next = (): string | undefined => values[k++];
  const num = (v: string | undefined, float: boolean): number => {
    if (v === undefined || v === '') return 0;
    if (/^['"]/.test(v)) return v.codePointAt(1) ?? 0;
    const n = float ? Number(v) : /^[+-]?(0x[0-9a-f]+|\d+)$/i.test(v.trim()) ? Number(v.trim()) : NaN;
    if (Number.isNaN(n)) {
      ctx.io.stderr(`bash: printf: ${v}: invalid number\n`);
      status = 1;
      const m = /^[+-]?\d+/.exec(v);
      return m ? Number(m[0]) : 0;
    }
    return n;
  };
  for (let guard = 0; guard < 100000; guard++) {
    const before = k;
    for (let i = 0; i < format.length; ) {
      const c = format[i]!;
      if (c === '\\') {
        const d = decodeEscape(format, i, false);
        if (d.stop) {
          ctx.io.stdout(out);
          return status;
        }
        // printf also takes \NNN without the leading 0.
        const m = /^\\([0-7]{1,3})/.exec(format.slice(i, i + 4));
        if (m && format[i + 1] !== '0') {
          out += String.fromCharCode(parseInt(m[1]!, 8) & 0xff);
          i += m[0].length;
          continue;
        }
        out += d.text;
        i += d.length;
        continue;
      }
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      const m = /^%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?([sbcdiuoxXfFeEgG%])/.exec(format.slice(i));
      if (!m) {
        const bad = format[i + 1] ?? '';
        ctx.io.stderr(bad === '' ? 'bash: printf: `%\': missing format character\n' : `bash: printf: \`${bad}': invalid format character\n`);
        ctx.io.stdout(out);
        return 1;
      }
      i += m[0].length;
      const flags = m[1]!;
      const width = m[2] === '*' ? num(next(), false) : m[2] ? Number(m[2]) : 0;
      const prec = m[3] === undefined ? undefined : m[3] === '*' ? num(next(), false) : Number(m[3] || '0');
      const conv = m[4]!;
      let s: string;
      switch (conv) {
        case '%': s = '%'; break;
        case 's': s = next() ?? ''; if (prec !== undefined) s = s.slice(0, prec); break;
        case 'b': {
          const v = next() ?? '';
          s = '';
          for (let j = 0; j < v.length; ) {
            if (v[j] === '\\') {
              const d = decodeEscape(v, j, false);
              s += d.text;
              j += d.length;
            } else s += v[j++];
          }
          break;
        }
        case 'c': s = (next() ?? '').slice(0, 1); break;
        case 'd': case 'i': case 'u': {
          const n = Math.trunc(num(next(), false));
          s = Math.abs(n).toString();
          if (prec !== undefined) s = s.padStart(prec, '0');
          s = (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
          break;
        }
        case 'o': s = Math.trunc(num(next(), false)).toString(8); break;
        case 'x': s = Math.trunc(num(next(), false)).toString(16); break;
        case 'X': s = Math.trunc(num(next(), false)).toString(16).toUpperCase(); break;
        case 'f': case 'F': s = num(next(), true).toFixed(prec ?? 6); break;
        case 'e': case 'E': {
          s = num(next(), true).toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
          if (conv === 'E') s = s.toUpperCase();
          break;
        }
        default: {
          const n = num(next(), true);
          s = String(Number(n.toPrecision(prec || 6)));
        }
      }
      if (s.length < width) {
        if (flags.includes('-')) s = s.padEnd(width);
        else if (flags.includes('0') && /[diuoxXfFeEgG]/.test(conv)) {
          const sign = /^[+\- ]/.test(s) ? s[0]! : '';
          s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
        } else s = s.padStart(width);
      }
      out += s;
    }
    if (k >= values.length || k === before) break;
  }
  ctx.io.stdout(out);
  return status;
}

// ---------- cat ----------

export function cat(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), {
    flags: 'nbEATsvtue',
    long: { number: { as: 'n', value: false }, 'number-nonblank': { as: 'b', value: false }, 'show-ends': { as: 'E', value: false }, 'show-all': { as: 'A', value: false }, 'show-tabs': { as: 'T', value: false }, 'squeeze-blank': { as: 's', value: false } },
  });
  if ('error' in p) return usageError(ctx, p.error);
  const files = p.operands.length > 0 ? p.operands : ['-'];
  const number = has(p, 'n') || has(p, 'b');
  const nonblank = has(p, 'b');
  const ends = has(p, 'E') || has(p, 'A') || has(p, 'e');
  const tabs = has(p, 'T') || has(p, 'A') || has(p, 't');
  let status = 0;
  let lineNo = 0;
  for (const f of files) {
    const text = readOperand(ctx, f);
    if (text === null) {
      status = 1;
      continue;
    }
    if (!number && !ends && !tabs) {
      ctx.io.stdout(text);
      continue;
    }
    const lines = text.split('\n');
    const out: string[] = [];
    lines.forEach((line, i) => {
      const isLast = i === lines.length - 1;
      if (isLast && line === '') return;
      let l = tabs ? line.replace(/\t/g, '^I') : line;
      if (number && !(nonblank && line === '')) l = `${String(++lineNo).padStart(6)}\t${l}`;
      out.push(l + (isLast ? '' : ends ? '$\n' : '\n'));
    });
    ctx.io.stdout(out.join(''));
  }
  return status;
}

// ---------- grep ----------

const GREP_USAGE = 'Usage: grep [OPTION]... PATTERNS [FILE]...\nTry \'grep --help\' for more information.\n';

const GREP_SPEC: OptSpec = {
  flags: 'ivcnEFGwxoqslLhHrRVzZ',
  withValue: 'emABCf',
  digitsAs: 'C',
  long: {
    'ignore-case': { as: 'i', value: false }, 'invert-match': { as: 'v', value: false }, count: { as: 'c', value: false },
    'line-number': { as: 'n', value: false }, 'extended-regexp': { as: 'E', value: false }, 'fixed-strings': { as: 'F', value: false },
    'basic-regexp': { as: 'G', value: false }, 'word-regexp': { as: 'w', value: false }, 'line-regexp': { as: 'x', value: false },
    'only-matching': { as: 'o', value: false }, quiet: { as: 'q', value: false }, silent: { as: 'q', value: false },
    'no-messages': { as: 's', value: false }, 'files-with-matches': { as: 'l', value: false }, 'files-without-match': { as: 'L', value: false },
    'no-filename': { as: 'h', value: false }, 'with-filename': { as: 'H', value: false }, regexp: { as: 'e', value: true },
    'max-count': { as: 'm', value: true }, 'after-context': { as: 'A', value: true }, 'before-context': { as: 'B', value: true },
    context: { as: 'C', value: true }, color: { as: 'color', value: 'optional' }, colour: { as: 'color', value: 'optional' },
    recursive: { as: 'r', value: false }, 'ignore-case-x': { as: 'i', value: false },
  },
};

export function grep(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), GREP_SPEC);
  if ('error' in p) {
    ctx.io.stderr(`grep: ${p.error}\n${GREP_USAGE}`);
    return 2;
  }
  const operands = [...p.operands];
  let patterns = all(p, 'e');
  if (has(p, 'f')) {
    for (const f of all(p, 'f')) {
      const t = readOperand(ctx, f, 'grep');
      if (t === null) return 2;
      patterns.push(...splitLines(t));
    }
  }
  if (patterns.length === 0) {
    if (operands.length === 0) {
      ctx.io.stderr(GREP_USAGE);
      return 2;
    }
    patterns = [operands.shift()!];
  }
  patterns = patterns.flatMap((x) => x.split('\n'));
  const lastOf = (names: string[]): string | undefined => {
    for (let i = p.opts.length - 1; i >= 0; i--) if (names.includes(p.opts[i]!.name)) return p.opts[i]!.name;
    return undefined;
  };
  const mode = lastOf(['E', 'F', 'G']) ?? 'G';
  const ignoreCase = has(p, 'i');
  const sources = patterns.map((pat) => {
    if (mode === 'F') return { source: escapeRegex(pat), warnings: [] as string[] };
    return compilePosix(pat, mode === 'E', '');
  });
  const parts: string[] = [];
  for (const s of sources) {
    if ('error' in s) {
      ctx.io.stderr(`grep: ${s.error}\n`);
      return 2;
    }
    if ('re' in s) {
      for (const w of s.warnings) ctx.io.stderr(`grep: warning: ${w}\n`);
      parts.push(s.re.source);
    } else parts.push(s.source);
  }
  let body = parts.map((s) => `(?:${s})`).join('|');
  if (has(p, 'x')) body = `^(?:${body})$`;
  else if (has(p, 'w')) body = `(?<![A-Za-z0-9_])(?:${body})(?![A-Za-z0-9_])`;
  let re: RegExp;
  try {
    re = new RegExp(body, ignoreCase ? 'gi' : 'g');
  } catch {
    ctx.io.stderr('grep: Invalid regular expression\n');
    return 2;
  }
  const parseNum = (name: string): number | null => {
    const v = last(p, name);
    if (v === undefined) return 0;
    if (!/^\d+$/.test(v)) {
      ctx.io.stderr(`grep: ${v}: invalid ${name === 'm' ? 'max count' : 'context length argument'}\n`);
      return null;
    }
    return Number(v);
  };
  const ctxC = parseNum('C');
  const ctxA0 = parseNum('A');
  const ctxB0 = parseNum('B');
  if (ctxC === null || ctxA0 === null || ctxB0 === null) return 2;
  const after = has(p, 'A') ? ctxA0 : ctxC;
  const before = has(p, 'B') ? ctxB0 : ctxC;
  const maxCountRaw = last(p, 'm');
  const maxCount = maxCountRaw === undefined ? Infinity : Number(maxCountRaw);
  if (Number.isNaN(maxCount)) {
    ctx.io.stderr(`grep: invalid max count\n`);
    return 2;
  }
  const invert = has(p, 'v');
  const count = has(p, 'c');
  const only = has(p, 'o');
  const quiet = has(p, 'q');
  const listMatch = has(p, 'l');
  const listNon = has(p, 'L');
  const lineNumbers = has(p, 'n');
  const files = operands.length > 0 ? operands : ['-'];
  const withName = has(p, 'H') ? true : has(p, 'h') ? false : files.length > 1;
  let matchedAny = false;
  let error = false;
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) {
      ctx.io.stdout(out.join(''));
      out.length = 0;
    }
  };
  for (const f of files) {
    let text: string | null;
    if (f === '-') text = ctx.io.stdin ?? '';
    else {
      const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
      if ('error' in r) {
        if (r.error === 'EISDIR') {
          ctx.io.stderr(`grep: ${f}: Is a directory\n`);
        } else if (!has(p, 's')) ctx.io.stderr(`grep: ${f}: ${fsErrorText(r.error)}\n`);
        error = true;
        continue;
      }
      text = r.data;
    }
    const name = f === '-' ? '(standard input)' : f;
    const prefix = withName ? name : '';
    const lines = splitLines(text);
    let matches = 0;
    let lastPrinted = -1;
    let afterLeft = 0;
    for (let i = 0; i < lines.length && matches < maxCount; i++) {
      const line = lines[i]!;
      re.lastIndex = 0;
      const hit = re.test(line) !== invert;
      if (!hit) {
        if (afterLeft > 0 && !count && !quiet && !listMatch && !listNon && !only) {
          out.push(`${prefix ? prefix + '-' : ''}${lineNumbers ? `${i + 1}-` : ''}${line}\n`);
          lastPrinted = i;
          afterLeft--;
        }
        continue;
      }
      matches++;
      matchedAny = true;
      if (quiet) {
        flush();
        return 0;
      }
      if (count || listMatch || listNon) continue;
      if (before > 0 || after > 0) {
        const from = Math.max(lastPrinted + 1, i - before);
        if (lastPrinted >= 0 && from > lastPrinted + 1) out.push('--\n');
        for (let j = from; j < i; j++) out.push(`${prefix ? prefix + '-' : ''}${lineNumbers ? `${j + 1}-` : ''}${lines[j]}\n`);
        afterLeft = after;
      }
      lastPrinted = i;
      const head = `${prefix ? prefix + ':' : ''}${lineNumbers ? `${i + 1}:` : ''}`;
      if (only) {
        if (invert) continue;
        re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = re.exec(line)) !== null) {
          if (m[0] === '') {
            re.lastIndex++;
            continue;
          }
          out.push(`${head}${m[0]}\n`);
        }
      } else out.push(`${head}${line}\n`);
      if (out.length > 4096) flush();
    }
    if (count) out.push(`${prefix ? prefix + ':' : ''}${matches}\n`);
    if (listMatch && matches > 0) out.push(`${name}\n`);
    if (listNon && matches === 0) out.push(`${name}\n`);
  }
  flush();
  if (error && !(quiet && matchedAny)) return 2;
  if (listNon) return matchedAny || files.length > 0 ? 0 : 1;
  return matchedAny ? 0 : 1;
}

// ---------- wc ----------

export function wc(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), {
    flags: 'lwcmL',
    long: { lines: { as: 'l', value: false }, words: { as: 'w', value: false }, bytes: { as: 'c', value: false }, chars: { as: 'm', value: false }, 'max-line-length': { as: 'L', value: false } },
  });
  if ('error' in p) return usageError(ctx, p.error);
  let show = { l: has(p, 'l'), w: has(p, 'w'), m: has(p, 'm'), c: has(p, 'c'), L: has(p, 'L') };
  if (!show.l && !show.w && !show.m && !show.c && !show.L) show = { l: true, w: true, m: false, c: true, L: false };
  const files = p.operands.length > 0 ? p.operands : ['-'];
  type Row = { counts: number[]; name: string | null };
  const rows: Row[] = [];
  const totals = [0, 0, 0, 0, 0];
  let status = 0;
  let regularTotal = 0;
  let minWidth = 1;
  for (const f of files) {
    let text = '';
    if (f === '-') {
      text = ctx.io.stdin ?? '';
      minWidth = 7;
    } else {
      const abs = resolvePath(f, ctx.cwd);
      const r = ctx.fs.tryRead(abs);
      if ('error' in r) {
        ctx.io.stderr(`wc: ${f}: ${fsErrorText(r.error)}\n`);
        status = 1;
        if (r.error !== 'EISDIR') continue;
        minWidth = 7;
      } else {
        text = r.data;
        regularTotal += utf8Length(text);
      }
    }
    const c = countText(text);
    const counts = [c.lines, c.words, c.chars, c.bytes, c.maxLine];
    counts.forEach((v, i) => (totals[i] = i === 4 ? Math.max(totals[i]!, v) : totals[i]! + v));
    rows.push({ counts, name: p.operands.length > 0 ? f : null });
  }
  if (files.length > 1) rows.push({ counts: totals, name: 'total' });
  const selected = [show.l, show.w, show.m, show.c, show.L];
  const nSelected = selected.filter(Boolean).length;
  let width: number;
  if (nSelected === 1 && files.length === 1) width = 1;
  else width = Math.max(String(regularTotal).length, minWidth);
  const out = rows.map((r) => {
    const cols = r.counts.filter((_, i) => selected[i]).map((v) => String(v).padStart(width));
    return cols.join(' ') + (r.name !== null ? ` ${r.name}` : '') + '\n';
  });
  ctx.io.stdout(out.join(''));
  return status;
}

function countText(text: string): { lines: number; words: number; chars: number; bytes: number; maxLine: number } {
  let lines = 0;
  let words = 0;
  let chars = 0;
  let inWord = false;
  let lineLen = 0;
  let maxLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) continue;
    chars++;
    if (c === 10) {
      lines++;
      if (lineLen > maxLine) maxLine = lineLen;
      lineLen = 0;
    } else if (c === 9) lineLen += 8 - (lineLen % 8);
    else lineLen++;
    const space = c === 32 || (c >= 9 && c <= 13);
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  if (lineLen > maxLine) maxLine = lineLen;
  return { lines, words, chars, bytes: utf8Length(text), maxLine };
}

// ---------- head / tail ----------

function parseCount(v: string): { n: number; sign: '' | '+' | '-' } | null {
  const m = /^([+-]?)(\d+)([kKMG]?)$/.exec(v.trim());
  if (!m) return null;
  const mult = m[3] === 'k' || m[3] === 'K' ? 1024 : m[3] === 'M' ? 1024 ** 2 : m[3] === 'G' ? 1024 ** 3 : 1;
  return { n: Number(m[2]) * mult, sign: m[1] as '' | '+' | '-' };
}

/** Lines with their newline kept, so a missing final newline stays missing. */
function linesKeep(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = text.indexOf('\n', start);
    if (i < 0) {
      if (start < text.length) out.push(text.slice(start));
      return out;
    }
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
}

async function headTail(ctx: UtilContext, tail: boolean): Promise<number> {
  const prog = tail ? 'tail' : 'head';
  const p = getopt(ctx.argv.slice(1), {
    flags: tail ? 'qvfF' : 'qv',
    withValue: 'nc',
    digitsAs: 'n',
    long: { lines: { as: 'n', value: true }, bytes: { as: 'c', value: true }, quiet: { as: 'q', value: false }, silent: { as: 'q', value: false }, verbose: { as: 'v', value: false }, follow: { as: 'f', value: 'optional' } },
  });
  if ('error' in p) return usageError(ctx, p.error);
  let byLines = true;
  let spec = { n: 10, sign: '' as '' | '+' | '-' };
  for (const o of p.opts) {
    if (o.name !== 'n' && o.name !== 'c') continue;
    const c = parseCount(o.value);
    if (c === null) {
      ctx.io.stderr(`${prog}: invalid number of ${o.name === 'n' ? 'lines' : 'bytes'}: ${q(o.value)}\n`);
      return 1;
    }
    byLines = o.name === 'n';
    spec = c;
  }
  const files = p.operands.length > 0 ? p.operands : ['-'];
  const headers = has(p, 'v') || (files.length > 1 && !has(p, 'q'));
  let status = 0;
  let first = true;
  for (const f of files) {
    let text: string;
    if (f === '-') text = ctx.io.stdin ?? '';
    else {
      const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
      if ('error' in r) {
        ctx.io.stderr(r.error === 'EISDIR' ? `${prog}: error reading '${f}': Is a directory\n` : `${prog}: cannot open '${f}' for reading: ${fsErrorText(r.error)}\n`);
        status = 1;
        continue;
      }
      text = r.data;
    }
    if (headers) {
      ctx.io.stdout(`${first ? '' : '\n'}==> ${f === '-' ? 'standard input' : f} <==\n`);
    }
    first = false;
    const units = byLines ? linesKeep(text) : Array.from(text);
    let picked: string[];
    if (!tail) picked = spec.sign === '-' ? units.slice(0, Math.max(0, units.length - spec.n)) : units.slice(0, spec.n);
    else if (spec.sign === '+') picked = units.slice(Math.max(0, spec.n - 1));
    else picked = spec.n === 0 ? [] : units.slice(-spec.n);
    ctx.io.stdout(picked.join(''));
  }
  if (tail && (has(p, 'f') || has(p, 'F'))) {
    // Nothing else writes to these files while tail waits, so following only ends with Ctrl-C.
    if (!ctx.io.interrupt.interrupted) await new Promise<void>((resolve) => ctx.io.interrupt.onInterrupt(resolve));
    return 130;
  }
  return status;
}

export function head(ctx: UtilContext): Promise<number> {
  return headTail(ctx, false);
}

export function tail(ctx: UtilContext): Promise<number> {
  return headTail(ctx, true);
}

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
  const p = getopt(ctx.argv.slice(1), {
    flags: 'rnufbhsgcMV',
    withValue: 'kto',
    long: {
      reverse: { as: 'r', value: false }, 'numeric-sort': { as: 'n', value: false }, unique: { as: 'u', value: false },
      'ignore-case': { as: 'f', value: false }, 'ignore-leading-blanks': { as: 'b', value: false }, 'human-numeric-sort': { as: 'h', value: false },
      key: { as: 'k', value: true }, 'field-separator': { as: 't', value: true }, output: { as: 'o', value: true }, stable: { as: 's', value: false },
      'general-numeric-sort': { as: 'g', value: false },
    },
  });
  if ('error' in p) return usageError(ctx, p.error, 2);
  const global = { numeric: has(p, 'n') || has(p, 'g'), human: has(p, 'h'), reverse: has(p, 'r'), fold: has(p, 'f'), blanks: has(p, 'b') };
  const sepOpt = last(p, 't');
  if (sepOpt !== undefined && sepOpt.length !== 1) {
    ctx.io.stderr(sepOpt === '' ? 'sort: empty tab\n' : `sort: multi-character tab ${q(sepOpt)}\n`);
    return 2;
  }
  const sep = sepOpt ?? null;
  const keys: SortKey[] = [];
  for (const spec of all(p, 'k')) {
    const k = parseKeySpec(spec, global);
    if (typeof k === 'string') {
      ctx.io.stderr(`sort: ${k}\n`);
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
        ctx.io.stderr(r.error === 'EISDIR' ? `sort: read failed: ${f}: Is a directory\n` : `sort: cannot read: ${f}: ${fsErrorText(r.error)}\n`);
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
      ctx.io.stderr(`sort: open failed: ${outFile}: ${fsErrorText(err)}\n`);
      return 2;
    }
    return 0;
  }
  ctx.io.stdout(text);
  return 0;
}

// ---------- uniq ----------

export function uniq(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), {
    flags: 'cdui',
    withValue: 'fs',
    long: { count: { as: 'c', value: false }, repeated: { as: 'd', value: false }, unique: { as: 'u', value: false }, 'ignore-case': { as: 'i', value: false }, 'skip-fields': { as: 'f', value: true }, 'skip-chars': { as: 's', value: true } },
  });
  if ('error' in p) return usageError(ctx, p.error);
  if (p.operands.length > 2) return usageError(ctx, `extra operand ${q(p.operands[2]!)}`);
  const text = readOperand(ctx, p.operands[0] ?? '-', 'uniq');
  if (text === null) return 1;
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
      ctx.io.stderr(`uniq: ${p.operands[1]}: ${fsErrorText(err)}\n`);
      return 1;
    }
    return 0;
  }
  ctx.io.stdout(result);
  return 0;
}

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

export function cut(ctx: UtilContext): number {
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

function expandTrSet(s: string): string[] | string {
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
      if (cls === undefined) return `invalid character class ${q(m[1]!)}`;
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
  const p = getopt(ctx.argv.slice(1), {
    flags: 'dscCt',
    long: { delete: { as: 'd', value: false }, 'squeeze-repeats': { as: 's', value: false }, complement: { as: 'c', value: false }, 'truncate-set1': { as: 't', value: false } },
  });
  if ('error' in p) return usageError(ctx, p.error);
  const del = has(p, 'd');
  const squeeze = has(p, 's');
  const comp = has(p, 'c') || has(p, 'C');
  const ops = p.operands;
  if (ops.length === 0) return usageError(ctx, 'missing operand');
  const needTwo = !del && !(squeeze && ops.length === 1);
  if (needTwo && ops.length < 2) {
    ctx.io.stderr(`tr: missing operand after ${q(ops[0]!)}\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n`);
    return 1;
  }
  const maxOps = del && squeeze ? 2 : needTwo ? 2 : 1;
  if (ops.length > maxOps) return usageError(ctx, `extra operand ${q(ops[maxOps]!)}`);
  const set1 = expandTrSet(ops[0]!);
  const set2 = ops[1] !== undefined ? expandTrSet(ops[1]) : [];
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

// ---------- tee ----------

export function tee(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'ai', long: { append: { as: 'a', value: false } } });
  if ('error' in p) return usageError(ctx, p.error);
  const text = ctx.io.stdin ?? '';
  let status = 0;
  for (const f of p.operands) {
    const err = ctx.fs.writeFile(resolvePath(f, ctx.cwd), text, has(p, 'a'));
    if (err) {
      ctx.io.stderr(`tee: ${f}: ${fsErrorText(err)}\n`);
      status = 1;
    }
  }
  ctx.io.stdout(text);
  return status;
}

// ---------- seq ----------

/** The most lines seq writes: the terminal lives in a browser tab. */
const SEQ_LIMIT = 5_000_000;

export function seq(ctx: UtilContext): number {
  const args = ctx.argv.slice(1);
  let sep = '\n';
  let equalWidth = false;
  let format: string | undefined;
  while (args.length > 0 && /^-[^0-9.]/.test(args[0]!)) {
    const a = args.shift()!;
    if (a === '--') break;
    if (a === '-w' || a === '--equal-width') equalWidth = true;
    else if (a.startsWith('-s')) sep = a.length > 2 ? a.slice(2) : (args.shift() ?? '');
    else if (a.startsWith('--separator=')) sep = a.slice(12);
    else if (a.startsWith('-f')) format = a.length > 2 ? a.slice(2) : args.shift();
    else return usageError(ctx, a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`);
  }
  if (args.length === 0) return usageError(ctx, 'missing operand');
  if (args.length > 3) return usageError(ctx, `extra operand ${q(args[3]!)}`);
  const nums: number[] = [];
  for (const a of args) {
    const n = Number(a);
    if (a.trim() === '' || Number.isNaN(n)) return usageError(ctx, `invalid floating point argument: ${q(a)}`);
    nums.push(n);
  }
  const [first, step, lastV] = args.length === 1 ? [1, 1, nums[0]!] : args.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (step === 0) return usageError(ctx, `invalid Zero increment value: ${q(args[1]!)}`);
  const decimals = (s: string): number => {
    const i = s.indexOf('.');
    return i < 0 || /e/i.test(s) ? 0 : s.length - i - 1;
  };
  const prec = Math.max(decimals(args.length === 1 ? '1' : args[0]!), args.length === 3 ? decimals(args[1]!) : 0);
  const count = Math.floor((lastV - first) / step + 1e-9) + 1;
  if (count > SEQ_LIMIT) {
    ctx.io.stderr(`seq: refusing to print more than ${SEQ_LIMIT} numbers in this terminal\n`);
    return 1;
  }
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = first + i * step;
    let s = format !== undefined ? format.replace(/%[-+ 0#]*\d*(?:\.\d+)?[gGfeE]/, v.toFixed(prec)) : v.toFixed(prec);
    if (s === '-0') s = '0';
    items.push(s);
  }
  if (equalWidth) {
    const w = Math.max(...items.map((s) => s.replace('-', '').length));
    for (let i = 0; i < items.length; i++) {
      const s = items[i]!;
      items[i] = s.startsWith('-') ? '-' + s.slice(1).padStart(w, '0') : s.padStart(w, '0');
    }
  }
  if (items.length > 0) ctx.io.stdout(items.join(sep) + '\n');
  return 0;
}

// ---------- rev ----------

export function rev(ctx: UtilContext): number {
  const files = ctx.argv.length > 1 ? ctx.argv.slice(1) : ['-'];
  let status = 0;
  const out: string[] = [];
  for (const f of files) {
    const text = readOperand(ctx, f, 'rev');
    if (text === null) {
      status = 1;
      continue;
    }
    for (const line of linesKeep(text)) {
      const nl = line.endsWith('\n');
      out.push([...(nl ? line.slice(0, -1) : line)].reverse().join('') + (nl ? '\n' : ''));
    }
  }
  ctx.io.stdout(out.join(''));
  return status;
}
