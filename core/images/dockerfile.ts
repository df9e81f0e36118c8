/**
 * The Dockerfile parser, as the legacy builder of a 20.10–28 daemon parses
 * (moby/buildkit frontend/dockerfile/parser + instructions): parser directives,
 * comments, line continuations with the escape character, instructions in any
 * case, JSON (exec) and shell forms, and each instruction's argument rules with
 * the daemon's error texts.
 *
 * Errors come in two kinds, as the daemon reports them:
 * - `dockerfile parse error line N: …` for what the line parser rejects;
 * - `failed to parse Dockerfile: …` for what the instruction parser rejects
 *   afterwards (e.g. `ENV A` without a value).
 */

export interface Instruction {
  /** 1-based line where the instruction starts. */
  line: number;
  /** Upper-case keyword: FROM, RUN, COPY … */
  keyword: string;
  /** The instruction as the builder prints it in "Step i/n : …" (continuations joined). */
  original: string;
  /** `--flag=value` options (COPY --from, --chown, --chmod; FROM --platform). */
  flags: Record<string, string>;
  /** Arguments: JSON form elements, or whitespace-split words (quotes kept, as the parser keeps them). */
  args: string[];
  /** Whether the arguments were written in JSON (exec) form. */
  json: boolean;
  /** For the name=value instructions (ENV, LABEL, ARG): the pairs, quotes removed. */
  pairs?: [string, string | undefined][];
  /** The raw text after the keyword and flags (shell-form RUN/CMD/ENTRYPOINT). */
  rest: string;
}

export class DockerfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerfileError';
  }
}

const KNOWN = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL',
  'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/** Instructions that take exactly one argument. */
const EXACTLY_ONE = new Set(['WORKDIR', 'USER', 'STOPSIGNAL', 'MAINTAINER']);

function lineError(line: number, text: string): DockerfileError {
  return new DockerfileError(`dockerfile parse error line ${line}: ${text}`);
}

/** Splits `text` into logical lines: directives read, comments dropped, continuations joined. */
function logicalLines(text: string): { line: number; text: string }[] {
  const physical = text.replace(/\r\n/g, '\n').split('\n');
  let escape = '\\';
  let i = 0;
  // Parser directives: only at the very top, `# key=value`.
  for (; i < physical.length; i++) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(physical[i]!);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw new DockerfileError(`invalid ESCAPE '${m[2]}'. Must be \` or \\`);
      escape = m[2]!;
    }
  }
  const out: { line: number; text: string }[] = [];
  let current: string | null = null;
  let start = 0;
  for (; i < physical.length; i++) {
    const raw = physical[i]!;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) continue; // comments, also inside a continuation
    if (current === null) {
      if (trimmed === '') continue;
      start = i + 1;
      current = '';
    } else if (trimmed === '') {
      continue; // an empty continuation line
    }
    const right = raw.replace(/\s+$/, '');
    if (right.endsWith(escape)) {
      current += right.slice(0, -1);
      continue;
    }
    current += current === '' ? raw.replace(/^\s+/, '').replace(/\s+$/, '') : right;
    out.push({ line: start, text: current.replace(/^\s+/, '') });
    current = null;
  }
  if (current !== null && current.trim() !== '') out.push({ line: start, text: current.trim() });
  return out;
}

/** A JSON array of strings, or undefined when the text is not one (then it is shell form). */
function jsonArgs(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // shell form
  }
  return undefined;
}

/** Words split on whitespace, quotes kept (the parser's parseStringsWhitespaceDelimited). */
function words(text: string): string[] {
  const t = text.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** Unquotes a word as the shell lexer does for ENV/LABEL values: '…', "…" with \ escapes, bare \x. */
export function unquote(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (ch === "'") {
      const end = word.indexOf("'", i + 1);
      out += word.slice(i + 1, end < 0 ? word.length : end);
      i = end < 0 ? word.length : end;
    } else if (ch === '"') {
      i++;
      for (; i < word.length && word[i] !== '"'; i++) {
        if (word[i] === '\\' && i + 1 < word.length && '"\\$`'.includes(word[i + 1]!)) i++;
        out += word[i]!;
      }
    } else if (ch === '\\' && i + 1 < word.length) {
      out += word[++i]!;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Splits name=value words respecting quotes: `a=b c="d e"` → ['a=b', 'c="d e"']. */
function quotedWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      cur += ch;
      if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i]!;
      else if (ch === quote) quote = '';
      continue;
    }
    if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
      continue;
    }
    has = true;
    if (ch === '"' || ch === "'") quote = ch;
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[++i]!;
      continue;
    }
    cur += ch;
  }
  if (has) out.push(cur);
  return out;
}

/** ENV/LABEL/ARG: `k=v k2="v 2"`, or the legacy `k v…` (one pair, rest of line). */
function nameValuePairs(keyword: string, text: string, line: number): [string, string | undefined][] {
  const ws = quotedWords(text);
  if (ws.length === 0) throw lineError(line, `${keyword} requires at least one argument`);
  if (keyword === 'ARG') {
    if (ws.length !== 1) throw lineError(line, 'ARG requires exactly one argument');
    const eq = ws[0]!.indexOf('=');
    return [eq < 0 ? [ws[0]!, undefined] : [ws[0]!.slice(0, eq), unquote(ws[0]!.slice(eq + 1))]];
  }
  if (!ws[0]!.includes('=')) {
    // Legacy form: the first word is the name, the rest of the line the value.
    const name = ws[0]!;
    const value = text.trim().slice(name.length).trim();
    if (value === '') throw new DockerfileError(`failed to parse Dockerfile: ${keyword} must have two arguments`);
    return [[name, unquote(value)]];
  }
  return ws.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) throw lineError(line, `Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (eq === 0) throw lineError(line, `${keyword} names can not be blank`);
    return [w.slice(0, eq), unquote(w.slice(eq + 1))];
  });
}

/** Parses a Dockerfile; throws DockerfileError with the daemon's text. */
export function parseDockerfile(text: string): Instruction[] {
  const lines = logicalLines(text);
  if (lines.length === 0) throw new DockerfileError('failed to parse Dockerfile: file with no instructions');
  const out: Instruction[] = [];
  for (const { line, text: l } of lines) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(l)!;
    const keyword = m[1]!.toUpperCase();
    let rest = m[2]!;
    if (!KNOWN.has(keyword)) throw lineError(line, `unknown instruction: ${keyword}`);
    const flags: Record<string, string> = {};
    if (keyword === 'COPY' || keyword === 'ADD' || keyword === 'FROM') {
      for (;;) {
        const f = /^--([a-zA-Z-]+)(?:=(\S*))?\s*/.exec(rest);
        if (!f) break;
        const allowed = keyword === 'FROM' ? ['platform'] : keyword === 'COPY' ? ['from', 'chown', 'chmod'] : ['chown', 'chmod'];
        if (!allowed.includes(f[1]!)) throw lineError(line, `Unknown flag: ${f[1]}`);
        flags[f[1]!] = f[2] ?? '';
        rest = rest.slice(f[0].length);
      }
    }
    const json = jsonArgs(rest);
    const inst: Instruction = { line, keyword, original: l, flags, args: json ?? words(rest), json: json !== undefined, rest: rest.trim() };
    switch (keyword) {
      case 'ENV':
      case 'LABEL':
      case 'ARG':
        inst.pairs = nameValuePairs(keyword, rest, line);
        inst.json = false;
        break;
      case 'FROM':
        if (inst.args.length !== 1 && !(inst.args.length === 3 && inst.args[1]!.toUpperCase() === 'AS')) {
          throw lineError(line, 'FROM requires either one or three arguments');
        }
        break;
      case 'COPY':
      case 'ADD':
        if (inst.args.length === 0) throw lineError(line, `${keyword} requires at least two arguments`);
        if (inst.args.length === 1) {
          throw lineError(line, `${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
        }
        break;
      case 'EXPOSE':
      case 'VOLUME':
        if (inst.args.length === 0) throw lineError(line, `${keyword} requires at least one argument`);
        break;
      default:
        if (EXACTLY_ONE.has(keyword) && inst.args.length !== 1 && keyword !== 'MAINTAINER') {
          throw lineError(line, `${keyword} requires exactly one argument`);
        }
    }
    out.push(inst);
  }
  return out;
}

/**
 * Expands `$VAR`, `${VAR}`, `${VAR:-word}` and `${VAR:+word}` with the build's
 * environment (ENV and ARG so far), as the builder does for ENV, LABEL, COPY,
 * ADD, WORKDIR, EXPOSE, VOLUME, USER and STOPSIGNAL. `\$` stays a literal `$`.
 */
export function expandVars(text: string, env: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const brace = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}/.exec(text.slice(i));
    if (brace) {
      const value = env.get(brace[1]!);
      if (brace[2] === ':-') out += value ? value : brace[3]!;
      else if (brace[2] === ':+') out += value ? brace[3]! : '';
      else out += value ?? '';
      i += brace[0].length - 1;
      continue;
    }
    const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    if (plain) {
      out += env.get(plain[1]!) ?? '';
      i += plain[0].length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}
