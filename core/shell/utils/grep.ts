/** grep as GNU grep 3.8 and busybox's applet behave for the options people use. */
import { getopt, has, last, all, type OptSpec } from '../getopt';
import { compilePosix, escapeRegex } from '../regex';
import { bbUsage, readOperand, splitLines, type UtilContext } from '../context';
import { resolvePath, fsErrorText } from '../memfs';

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
    recursive: { as: 'r', value: false }, 'dereference-recursive': { as: 'R', value: false }, 'ignore-case-x': { as: 'i', value: false },
  },
};

/** busybox grep's options (getopt32 "HhnlLoqvsrRiwFEz" with -m -A -B -C -e -f, and --color). */
const BB_GREP_SPEC: OptSpec = {
  flags: 'HhnlLoqvsrRiwFExcz',
  withValue: 'mABCef',
  long: { color: { as: 'color', value: 'optional' } },
};

/** The files a recursive grep reads: each operand, and every file below a directory operand, in name order. */
function expandRecursive(ctx: UtilContext, operands: string[]): string[] {
  const out: string[] = [];
  const walk = (name: string, abs: string): void => {
    const names = ctx.fs.readdir(abs);
    if (typeof names === 'string') return;
    for (const n of names) {
      const childAbs = resolvePath(n, abs);
      const child = name === '' ? n : `${name.replace(/\/+$/, '')}/${n}`;
      const st = ctx.fs.lstat(childAbs);
      if (typeof st === 'string' || st.kind === 'symlink') continue;
      if (st.kind === 'dir') walk(child, childAbs);
      else out.push(child);
    }
  };
  for (const o of operands) {
    const abs = resolvePath(o, ctx.cwd);
    if (o !== '-' && ctx.fs.isDir(abs)) walk(o, abs);
    else out.push(o);
  }
  return out;
}

export function grep(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const p = getopt(ctx.argv.slice(1), bb ? BB_GREP_SPEC : GREP_SPEC);
  if ('error' in p) {
    if (bb) {
      ctx.io.stderr(`grep: ${p.error}\n`);
      return bbUsage(ctx, 2);
    }
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
      if (bb) return bbUsage(ctx, 2);
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
  for (const [k, s] of sources.entries()) {
    if ('error' in s) {
      ctx.io.stderr(bb ? `grep: bad regex '${patterns[k]}'\n` : `grep: ${s.error}\n`);
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
      ctx.io.stderr(bb ? `grep: invalid number '${v}'\n` : name === 'm' ? 'grep: invalid max count\n' : `grep: ${v}: invalid context length argument\n`);
      return null;
    }
    return Number(v);
  };
  const maxCount0 = parseNum('m');
  const ctxC = parseNum('C');
  const ctxA0 = parseNum('A');
  const ctxB0 = parseNum('B');
  if (maxCount0 === null || ctxC === null || ctxA0 === null || ctxB0 === null) return 2;
  const after = has(p, 'A') ? ctxA0 : ctxC;
  const before = has(p, 'B') ? ctxB0 : ctxC;
  const maxCount = has(p, 'm') ? maxCount0 : Infinity;
  const invert = has(p, 'v');
  const count = has(p, 'c');
  const only = has(p, 'o');
  const quiet = has(p, 'q');
  const listMatch = has(p, 'l');
  const listNon = has(p, 'L');
  const lineNumbers = has(p, 'n');
  const recursive = has(p, 'r') || has(p, 'R');
  // GNU's grep -r without a file searches the working directory, naming files without "./".
  const files = recursive ? (operands.length > 0 ? expandRecursive(ctx, operands) : bb ? ['-'] : expandRecursive(ctx, ['.']).map((f) => f.replace(/^\.\//, ''))) : operands.length > 0 ? operands : ['-'];
  const withName = has(p, 'H') ? true : has(p, 'h') ? false : files.length > 1 || (recursive && !(bb && operands.length === 0));
  let listed = false;
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
        // busybox reads a directory as an empty file.
        if (r.error === 'EISDIR' && bb) continue;
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
    if (listNon && matches === 0) {
      out.push(`${name}\n`);
      listed = true;
    }
  }
  flush();
  if (error && !(quiet && matchedAny)) return 2;
  if (listNon) return bb ? (listed ? 0 : 1) : matchedAny || files.length > 0 ? 0 : 1;
  return matchedAny ? 0 : 1;
}
