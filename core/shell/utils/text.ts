/**
 * Text utilities (echo, cat, wc, head, tail, tee, seq, rev) as GNU coreutils
 * and busybox's applets behave for the options people use: same output
 * bytes, same messages, same exit codes.
 */
import { decodeEscape } from '../syntax';
import { getopt, has, type OptSpec } from '../getopt';
import { bbUsage, optionError, readOperand, usageError, q, type UtilContext } from '../context';
import { resolvePath, fsErrorText, utf8Length } from '../memfs';

// ---------- echo ----------

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
        // busybox's echo also reads \NNN without the leading 0.
        const m = ctx.flavor === 'busybox' ? /^\\([1-7][0-7]{0,2})/.exec(text.slice(i, i + 4)) : null;
        if (m) {
          out += String.fromCharCode(parseInt(m[1]!, 8) & 0xff);
          i += m[0].length;
          continue;
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

// ---------- cat ----------

const CAT_GNU: OptSpec = {
  flags: 'nbEATsvtue',
  long: { number: { as: 'n', value: false }, 'number-nonblank': { as: 'b', value: false }, 'show-ends': { as: 'E', value: false }, 'show-all': { as: 'A', value: false }, 'show-tabs': { as: 'T', value: false }, 'squeeze-blank': { as: 's', value: false }, 'show-nonprinting': { as: 'v', value: false } },
};

export function cat(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), bb ? { flags: 'nbvteAu' } : CAT_GNU);
  if ('error' in p) return optionError(ctx, p.error);
  const files = p.operands.length > 0 ? p.operands : ['-'];
  const number = has(p, 'n') || has(p, 'b');
  const nonblank = has(p, 'b');
  const ends = has(p, 'E') || has(p, 'A') || has(p, 'e');
  const tabs = has(p, 'T') || has(p, 'A') || has(p, 't');
  const squeeze = has(p, 's');
  let status = 0;
  let lineNo = 0;
  let blankRun = 0;
  for (const f of files) {
    let text: string | null;
    if (bb && !number && f !== '-') {
      // busybox opens with open_or_warn, and a directory fails on read.
      const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
      if ('error' in r) ctx.io.stderr(r.error === 'EISDIR' ? 'cat: read error: Is a directory\n' : `cat: can't open '${f}': ${fsErrorText(r.error)}\n`);
      text = 'error' in r ? null : r.data;
    } else text = readOperand(ctx, f);
    if (text === null) {
      status = 1;
      continue;
    }
    if (!number && !ends && !tabs && !squeeze) {
      ctx.io.stdout(text);
      continue;
    }
    const lines = text.split('\n');
    const out: string[] = [];
    lines.forEach((line, i) => {
      const isLast = i === lines.length - 1;
      if (isLast && line === '') return;
      blankRun = line === '' ? blankRun + 1 : 0;
      if (squeeze && blankRun > 1) return;
      let l = tabs ? line.replace(/\t/g, '^I') : line;
      if (number && !(nonblank && line === '')) l = `${String(++lineNo).padStart(6)}\t${l}`;
      out.push(l + (isLast ? '' : ends ? '$\n' : '\n'));
    });
    ctx.io.stdout(out.join(''));
  }
  return status;
}

// ---------- wc ----------

export function wc(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), {
    flags: 'lwcmL',
    long: bb ? {} : { lines: { as: 'l', value: false }, words: { as: 'w', value: false }, bytes: { as: 'c', value: false }, chars: { as: 'm', value: false }, 'max-line-length': { as: 'L', value: false } },
  });
  if ('error' in p) return optionError(ctx, p.error);
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
    // This busybox is built without Unicode support: -m counts bytes.
    const counts = [c.lines, c.words, bb ? c.bytes : c.chars, c.bytes, c.maxLine];
    counts.forEach((v, i) => (totals[i] = i === 4 ? Math.max(totals[i]!, v) : totals[i]! + v));
    rows.push({ counts, name: p.operands.length > 0 ? f : null });
  }
  if (files.length > 1) rows.push({ counts: totals, name: 'total' });
  const selected = [show.l, show.w, show.m, show.c, show.L];
  const nSelected = selected.filter(Boolean).length;
  let width: number;
  if (nSelected === 1 && files.length === 1) width = 1;
  // busybox pads every count to nine columns; GNU to the width of the largest possible count.
  else width = bb ? 9 : Math.max(String(regularTotal).length, minWidth);
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

/** A line or byte count with its sign and suffix (GNU: K M G; busybox: b k m). */
function parseCount(v: string, bb: boolean): { n: number; sign: '' | '+' | '-' } | null {
  const m = (bb ? /^([+-]?)(\d+)([bkm]?)$/ : /^([+-]?)(\d+)([kKMG]?)$/).exec(bb ? v : v.trim());
  if (!m) return null;
  const mult = m[3] === 'b' ? 512 : m[3] === 'k' || m[3] === 'K' ? 1024 : m[3] === 'M' || m[3] === 'm' ? 1024 ** 2 : m[3] === 'G' ? 1024 ** 3 : 1;
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
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), {
    flags: tail ? 'qvfF' : 'qv',
    withValue: tail && bb ? 'ncs' : 'nc',
    digitsAs: 'n',
    long: bb ? {} : { lines: { as: 'n', value: true }, bytes: { as: 'c', value: true }, quiet: { as: 'q', value: false }, silent: { as: 'q', value: false }, verbose: { as: 'v', value: false }, follow: { as: 'f', value: 'optional' } },
  });
  if ('error' in p) return optionError(ctx, p.error);
  let byLines = true;
  let spec = { n: 10, sign: '' as '' | '+' | '-' };
  for (const o of p.opts) {
    if (o.name !== 'n' && o.name !== 'c') continue;
    const c = parseCount(o.value, bb);
    if (c === null) {
      ctx.io.stderr(bb ? `${prog}: invalid number '${o.value}'\n` : `${prog}: invalid number of ${o.name === 'n' ? 'lines' : 'bytes'}: ${q(o.value)}\n`);
      return 1;
    }
    byLines = o.name === 'n';
    spec = c;
  }
  const files = p.operands.length > 0 ? p.operands : ['-'];
  const texts: { name: string; text: string }[] = [];
  let status = 0;
  let opened = 0;
  for (const f of files) {
    if (f === '-') {
      texts.push({ name: f, text: ctx.io.stdin ?? '' });
      opened++;
      continue;
    }
    const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
    if ('data' in r) {
      texts.push({ name: f, text: r.data });
      opened++;
      continue;
    }
    status = 1;
    // A directory opens; reading it fails.
    if (r.error === 'EISDIR') opened++;
    if (!bb) ctx.io.stderr(r.error === 'EISDIR' ? `${prog}: error reading '${f}': Is a directory\n` : `${prog}: cannot open '${f}' for reading: ${fsErrorText(r.error)}\n`);
    else if (tail) ctx.io.stderr(r.error === 'EISDIR' ? 'tail: read error: Is a directory\n' : `tail: can't open '${f}': ${fsErrorText(r.error)}\n`);
    else ctx.io.stderr(`head: ${f}: ${r.error === 'EISDIR' ? 'Input/output error' : fsErrorText(r.error)}\n`);
    // GNU prints the header of a file it could not read (in order); busybox skips it.
    if (!bb && r.error === 'EISDIR') texts.push({ name: f, text: '' });
  }
  if (bb && tail && opened === 0) {
    ctx.io.stderr('tail: no files\n');
    return 1;
  }
  // busybox counts only the files it opened when deciding on headers.
  const headers = has(p, 'v') || ((bb ? texts.length : files.length) > 1 && !has(p, 'q'));
  let first = true;
  for (const { name, text } of texts) {
    if (headers) ctx.io.stdout(`${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
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

// ---------- tee ----------

export function tee(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: 'ai', long: ctx.flavor === 'gnu' ? { append: { as: 'a', value: false } } : {} });
  if ('error' in p) return optionError(ctx, p.error);
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
  const bb = ctx.flavor === 'busybox';
  const args = ctx.argv.slice(1);
  let sep = '\n';
  let equalWidth = false;
  let format: string | undefined;
  while (args.length > 0 && /^-[^0-9.]/.test(args[0]!)) {
    const a = args.shift()!;
    if (a === '--') break;
    if (a === '-w' || (a === '--equal-width' && !bb)) equalWidth = true;
    else if (a.startsWith('-s')) sep = a.length > 2 ? a.slice(2) : (args.shift() ?? '');
    else if (a.startsWith('--separator=') && !bb) sep = a.slice(12);
    else if (a.startsWith('-f') && !bb) format = a.length > 2 ? a.slice(2) : args.shift();
    else return optionError(ctx, a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`);
  }
  if (bb && (args.length === 0 || args.length > 3)) return bbUsage(ctx);
  if (args.length === 0) return usageError(ctx, 'missing operand');
  if (args.length > 3) return usageError(ctx, `extra operand ${q(args[3]!)}`);
  const nums: number[] = [];
  for (const a of args) {
    const n = Number(a);
    if (a.trim() === '' || Number.isNaN(n) || (bb && /^\s/.test(a))) return bb ? bbUsage(ctx) : usageError(ctx, `invalid floating point argument: ${q(a)}`);
    nums.push(n);
  }
  const [first, step, lastV] = args.length === 1 ? [1, 1, nums[0]!] : args.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (step === 0 && !bb) return usageError(ctx, `invalid Zero increment value: ${q(args[1]!)}`);
  const decimals = (s: string): number => {
    const i = s.indexOf('.');
    return i < 0 || /e/i.test(s) ? 0 : s.length - i - 1;
  };
  const prec = Math.max(decimals(args.length === 1 ? '1' : args[0]!), args.length === 3 ? decimals(args[1]!) : 0);
  // busybox steps in doubles (first + n * step) and stops at the first value past the end; GNU's long doubles round better.
  let count: number;
  if (step === 0) count = first <= lastV ? Infinity : 0;
  else if (bb) {
    count = Math.max(0, Math.floor((lastV - first) / step) + 2);
    while (count > 0 && (step > 0 ? first + (count - 1) * step > lastV : first + (count - 1) * step < lastV)) count--;
  } else count = Math.floor((lastV - first) / step + 1e-9) + 1;
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
    // busybox's rev reads a directory as empty input.
    const text = ctx.flavor === 'busybox' && f !== '-' && ctx.fs.isDir(resolvePath(f, ctx.cwd)) ? '' : readOperand(ctx, f, 'rev');
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
