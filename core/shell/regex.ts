/**
 * POSIX regular expressions (GNU flavour, as grep and sed read them) turned
 * into JavaScript RegExp source. Basic (BRE) and extended (ERE) syntax differ
 * in which of `( ) { } | + ?` are special, so a pattern typed for grep means
 * the same thing here. Known difference: JS picks the leftmost-first
 * alternative where POSIX picks the longest, which only shows with `-o`/`s///`.
 */

export type RegexResult = { source: string; warnings: string[] } | { error: string };

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

const UNMATCHED_BRACKET = 'Unmatched [, [^, [:, [., or [=';

function escapeJs(c: string): string {
  return /[\\^$.*+?()[\]{}|\/-]/.test(c) ? '\\' + c : c;
}

/** Parses a bracket expression starting at src[i] === '['. Returns JS class source and the index after `]`. */
function bracket(src: string, i: number): { out: string; next: number } | { error: string } {
  let j = i + 1;
  let negate = false;
  if (src[j] === '^') {
    negate = true;
    j++;
  }
  const items: string[] = [];
  let first = true;
  for (;;) {
    if (j >= src.length) return { error: UNMATCHED_BRACKET };
    const c = src[j]!;
    if (c === ']' && !first) {
      j++;
      break;
    }
    first = false;
    if (c === '[' && (src[j + 1] === ':' || src[j + 1] === '=' || src[j + 1] === '.')) {
      const kind = src[j + 1]!;
      const end = src.indexOf(kind + ']', j + 2);
      if (end < 0) return { error: UNMATCHED_BRACKET };
      const name = src.slice(j + 2, end);
      j = end + 2;
      if (kind === ':') {
        const cls = CLASSES[name];
        if (cls === undefined) return { error: 'Invalid character class name' };
        items.push(cls);
      } else {
        items.push([...name].map(escapeJs).join(''));
      }
      continue;
    }
    // A range a-z (a `-` first or last is literal).
    if (src[j + 1] === '-' && src[j + 2] !== undefined && src[j + 2] !== ']') {
      const lo = c;
      const hi = src[j + 2]!;
      if (hi < lo) return { error: 'Invalid range end' };
      items.push(`${escapeJs(lo)}-${escapeJs(hi)}`);
      j += 3;
      continue;
    }
    items.push(escapeJs(c));
    j++;
  }
  return { out: `[${negate ? '^' : ''}${items.join('')}]`, next: j };
}

/** Translates a POSIX pattern (BRE unless `extended`) into JS RegExp source. */
export function posixToJs(src: string, extended: boolean): RegexResult {
  let out = '';
  const warnings: string[] = [];
  let depth = 0;
  // Where an operand may begin: the start of the pattern, after `(` or `|` — `*` is literal there and `^` anchors.
  let atStart = true;
  // Whether the last emitted item can take a quantifier.
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    const wasStart = atStart;
    atStart = false;
    if (c === '[') {
      const b = bracket(src, i);
      if ('error' in b) return b;
      out += b.out;
      i = b.next;
      continue;
    }
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { error: 'Trailing backslash' };
      i += 2;
      if (!extended && n === '(') {
        out += '(';
        depth++;
        atStart = true;
        continue;
      }
      if (!extended && n === ')') {
        if (depth === 0) return { error: 'Unmatched ) or \\)' };
        out += ')';
        depth--;
        continue;
      }
      if (!extended && n === '|') {
        out += '|';
        atStart = true;
        continue;
      }
      if (!extended && (n === '+' || n === '?')) {
        out += wasStart ? '\\' + n : n;
        continue;
      }
      if (!extended && n === '{') {
        const m = /^(\d*)(,?)(\d*)\\\}/.exec(src.slice(i));
        if (!m || (m[1] === '' && m[3] === '' && m[2] === '')) return { error: 'Unmatched \\{' };
        out += `{${m[1] === '' ? '0' : m[1]}${m[2]}${m[3]}}`;
        i += m[0].length;
        continue;
      }
      if (n === '<') {
        out += '\\b(?=\\w)';
        continue;
      }
      if (n === '>') {
        out += '\\b(?<=\\w)';
        continue;
      }
      if ('bBwWsS'.includes(n)) {
        out += '\\' + n;
        continue;
      }
      if (n === '`') {
        out += '^';
        continue;
      }
      if (n === "'") {
        out += '$';
        continue;
      }
      if (/[1-9]/.test(n)) {
        out += '\\' + n;
        continue;
      }
      if (/[A-Za-z0-9]/.test(n)) warnings.push(`stray \\ before ${n}`);
      out += escapeJs(n);
      continue;
    }
    i++;
    if (c === '*') {
      if (wasStart) {
        if (extended) warnings.push('* at start of expression');
        out += extended ? '' : '\\*';
        if (extended) atStart = true;
        continue;
      }
      out += '*';
      continue;
    }
    if (c === '^') {
      if (extended || wasStart) {
        out += '^';
        atStart = true;
      } else out += '\\^';
      continue;
    }
    if (c === '$') {
      const rest = src.slice(i);
      const atEnd = rest === '' || (!extended && (rest.startsWith('\\)') || rest.startsWith('\\|'))) || (extended && (rest.startsWith(')') || rest.startsWith('|')));
      out += extended || atEnd ? '$' : '\\$';
      continue;
    }
    if (c === '.') {
      out += '.';
      continue;
    }
    if (extended) {
      if (c === '(') {
        out += '(';
        depth++;
        atStart = true;
        continue;
      }
      if (c === ')') {
        if (depth === 0) {
          out += '\\)';
          continue;
        }
        out += ')';
        depth--;
        continue;
      }
      if (c === '|') {
        out += '|';
        atStart = true;
        continue;
      }
      if (c === '+' || c === '?') {
        out += wasStart ? '\\' + c : c;
        continue;
      }
      if (c === '{') {
        const m = /^(\d*)(,?)(\d*)\}/.exec(src.slice(i));
        if (m && !wasStart && (m[1] !== '' || m[3] !== '')) {
          out += `{${m[1] === '' ? '0' : m[1]}${m[2]}${m[3]}}`;
          i += m[0].length;
          continue;
        }
        out += '\\{';
        continue;
      }
    }
    out += escapeJs(c);
  }
  if (depth > 0) return { error: 'Unmatched ( or \\(' };
  return { source: out, warnings };
}

/** Compiles a POSIX pattern; `flags` are JS flags ('g', 'i'). */
export function compilePosix(src: string, extended: boolean, flags: string): { re: RegExp; warnings: string[] } | { error: string } {
  const r = posixToJs(src, extended);
  if ('error' in r) return r;
  try {
    return { re: new RegExp(r.source, flags), warnings: r.warnings };
  } catch {
    return { error: 'Invalid regular expression' };
  }
}

/** A literal string as JS RegExp source (grep -F). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|\/]/g, '\\$&');
}

/**
 * A shell glob (`*`, `?`, `[…]`; `\x` quotes x) as an anchored JS RegExp.
 * `dotMatch` false keeps `*` from matching a leading dot, as pathname expansion does.
 */
export function globToRegex(glob: string, dotMatch = true): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeJs(glob[++i]!);
    } else if (c === '*') out += '[^]*';
    else if (c === '?') out += '[^]';
    else if (c === '[') {
      const end = findBracketEnd(glob, i);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      let neg = '';
      if (body.startsWith('!') || body.startsWith('^')) {
        neg = '^';
        body = body.slice(1);
      }
      const b = bracket('[' + body + ']', 0);
      if ('error' in b) out += '\\[';
      else {
        out += neg ? '[^' + b.out.slice(1) : b.out;
        i = end;
        continue;
      }
    } else out += escapeJs(c);
  }
  const prefix = dotMatch ? '' : '(?!\\.)';
  return new RegExp(`^${prefix}${out}$`);
}

function findBracketEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '!' || s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    if (s[j] === '[' && s[j + 1] === ':') {
      const e = s.indexOf(':]', j + 2);
      if (e > 0) {
        j = e + 1;
        continue;
      }
    }
    if (s[j] === ']') return j;
  }
  return -1;
}

/** Whether a glob has unquoted pattern characters. */
export function hasGlobChars(glob: string): boolean {
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && findBracketEnd(glob, i) > 0) return true;
  }
  return false;
}
