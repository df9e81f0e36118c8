/**
 * The bash grammar the host shell understands, parsed as bash parses it:
 * words with their quoting kept (expansion happens later, at run time, because
 * `$?` and variables change between commands of one line), operators, redirects,
 * subshells, `if`/`for`/`while`, and command substitution parsed recursively.
 */

export type WordPart =
  /** Unquoted text: subject to globbing. */
  | { k: 'lit'; v: string }
  /** Quoted text (single quotes, backslash escapes, literal text inside double quotes). */
  | { k: 'q'; v: string }
  | { k: 'tilde'; user: string }
  | { k: 'param'; name: string; op: ParamOp | null; arg: WordPart[] | null; quoted: boolean }
  | { k: 'cmd'; list: List; quoted: boolean }
  /** `$(( ))`: its text, and that text's expansions (`$x`, `$(…)`) done before it is evaluated. */
  | { k: 'arith'; expr: string; parts: WordPart[]; quoted: boolean };

export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%' | 'len';

export interface Word {
  parts: WordPart[];
  /** The source text, for messages such as `ambiguous redirect`. */
  raw: string;
}

/** `<<` is a here-document: its target is the body (already cut out of the source), expanded unless the delimiter was quoted. */
export type RedirectOp = '>' | '>>' | '>|' | '<' | '>&' | '<&' | '&>' | '&>>' | '<<<' | '<>' | '<<';

export interface Redirect {
  fd: number;
  op: RedirectOp;
  target: Word;
}

export interface Assignment {
  name: string;
  value: Word;
  append: boolean;
}

export type Command =
  /** `line`: the 1-based line of the script it starts on (for "line N:" in messages). */
  | { type: 'simple'; assigns: Assignment[]; words: Word[]; redirects: Redirect[]; line: number }
  | { type: 'subshell'; list: List; redirects: Redirect[] }
  | { type: 'group'; list: List; redirects: Redirect[] }
  | { type: 'if'; clauses: { cond: List; body: List }[]; orElse: List | null; redirects: Redirect[] }
  | { type: 'for'; name: string; items: Word[] | null; body: List; redirects: Redirect[] }
  | { type: 'while'; until: boolean; cond: List; body: List; redirects: Redirect[] }
  | { type: 'case'; word: Word; items: { patterns: Word[]; body: List }[]; redirects: Redirect[] }
  /** `name() compound-command` (or bash's `function name`): defines a function. */
  | { type: 'function'; name: string; body: Command; redirects: Redirect[] };

export interface Pipeline {
  negate: boolean;
  cmds: Command[];
  /** `|&` after stage i: its stderr goes into the pipe too. */
  pipeStderr: boolean[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface List {
  items: { andOr: AndOr; background: boolean }[];
}

/**
 * What went wrong, for shells that word it differently (busybox ash: `sh:
 * syntax error: unexpected ")"`, dash: `Syntax error: ")" unexpected`).
 */
export type SyntaxDetail =
  /** An unexpected token, as bash names it (`newline` for a line end); `atEnd` when it is the end of the input. */
  | { kind: 'token'; token: string; atEnd?: boolean }
  /** The input ended inside a construct; `expecting` is the word that would close it. */
  | { kind: 'eof'; expecting?: string }
  /** An unterminated quote, backquote, `$(` or `${`. */
  | { kind: 'unterminated'; what: string }
  /** A here-document without its delimiter line. */
  | { kind: 'heredoc'; delim: string }
  | { kind: 'badFor'; name: string }
  | { kind: 'badSubst'; text: string }
  /** A redirection this shell does not have (`<<<` in ash and dash). */
  | { kind: 'redirection' }
  | { kind: 'nesting' };

/** A bash syntax error. `incomplete` marks input that more lines could finish (bash would prompt with `> `). */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly incomplete: boolean,
    readonly detail: SyntaxDetail = { kind: 'nesting' },
    /** The 1-based line where it was found. */
    readonly line = 1,
  ) {
    super(message);
  }
}

export interface ParseOptions {
  /** A here-document that runs to the end of the input takes what is there (ash and dash do; bash warns). */
  heredocToEnd?: boolean;
  /** `<<<` is bash's; ash and dash have no here-strings. */
  noHereStrings?: boolean;
  /** Aliases to expand in command position (an interactive shell's, or with `shopt -s expand_aliases`). */
  aliases?: ReadonlyMap<string, string>;
}

/** Whether more lines could complete `src` (an open quote, `&&` at the end, an unfinished here-document): bash's `> ` prompt. */
export function isIncompleteInput(src: string): boolean {
  try {
    parse(src);
    return false;
  } catch (e) {
    return e instanceof ShellSyntaxError && e.incomplete;
  }
}

/** Parses one input (possibly several lines). Throws ShellSyntaxError. */
export function parse(src: string, opts: ParseOptions = {}): List {
  const p = new Parser(src, opts);
  const list = p.parseList([]);
  p.expectEnd();
  return list;
}

const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const RESERVED_END = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}', 'esac']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Bash gives up on absurd nesting rather than overflow its stack; so do we. */
const MAX_DEPTH = 200;

type Op = '&&' | '||' | ';;' | ';' | '&' | '|&' | '|' | '(' | ')' | '\n';

class Parser {
  private pos = 0;
  private depth = 0;
  /** Here-document bodies cut out of the source: at `pos`, `lines` lines were removed (line numbers count them). */
  private cuts: { pos: number; lines: number }[] = [];
  private lineCache = { pos: 0, line: 1 };
  /** Added to every line number (a substitution parsed on its own). */
  private lineBase = 0;
  /** Aliases being expanded and where their text ends: bash does not expand an alias inside its own expansion. */
  private aliasActive: { name: string; end: number }[] = [];
  /** Where a word follows an alias whose value ends in a blank: that word is checked for an alias too. */
  private aliasNextAt: number | undefined;

  /** Not readonly: a here-document's body is cut out of the source once read. */
  constructor(
    private src: string,
    private readonly opts: ParseOptions = {},
  ) {}

  /** The 1-based line of the source at `pos`, counting here-document lines that were cut out. */
  private lineAt(pos: number): number {
    let { pos: from, line } = this.lineCache;
    if (pos < from) {
      from = 0;
      line = 1;
    }
    for (let i = from; i < pos; i++) if (this.src.charCodeAt(i) === 10) line++;
    this.lineCache = { pos, line };
    let extra = 0;
    for (const c of this.cuts) if (c.pos <= pos) extra += c.lines;
    return line + extra + this.lineBase;
  }

  private syntaxError(message: string, incomplete: boolean, detail: SyntaxDetail): never {
    throw new ShellSyntaxError(message, incomplete, detail, this.lineAt(Math.min(this.pos, this.src.length)));
  }

  private eof(expecting?: string): never {
    this.syntaxError('bash: syntax error: unexpected end of file', true, expecting === undefined ? { kind: 'eof' } : { kind: 'eof', expecting });
  }

  expectEnd(): void {
    this.skipBlanks();
    if (this.pos < this.src.length) this.unexpected();
  }

  /** list := and_or ((';' | '&' | newline) and_or)* — stops at `)`, EOF, `;;` in a case item, or a reserved word in `stops`. */
  parseList(stops: string[], closingParen = false, caseItem = false): List {
    if (++this.depth > MAX_DEPTH) this.syntaxError('bash: maximum nesting level exceeded', false, { kind: 'nesting' });
    const items: List['items'] = [];
    for (;;) {
      this.skipSeparators();
      if (this.atEnd()) break;
      if (this.peekChar() === ')' && closingParen) break;
      if (caseItem && this.peekOp() === ';;') break;
      const w = this.peekReserved();
      if (w !== null && stops.includes(w)) break;
      const andOr = this.parseAndOr();
      let background = false;
      this.skipBlanks();
      const op = this.peekOp();
      if (op === ';' || op === '&' || op === '\n') {
        this.pos += 1;
        background = op === '&';
      } else if (op === ';;') {
        if (!caseItem) this.unexpected();
      } else if (op !== null && !(op === ')' && closingParen)) {
        this.unexpected();
      } else if (op === null && !this.atEnd()) {
        // A reserved word such as `then` right after a command without `;`: bash takes it as a word, so this cannot happen; be safe.
        const r = this.peekReserved();
        if (r === null || !stops.includes(r)) this.unexpected();
      }
      items.push({ andOr, background });
      if (op === null || op === ';;') break;
    }
    this.depth--;
    return { items };
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      this.skipBlanks();
      const op = this.peekOp();
      if (op !== '&&' && op !== '||') break;
      this.pos += 2;
      this.skipNewlines();
      rest.push({ op, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    this.skipBlanks();
    let negate = false;
    if (this.src[this.pos] === '!' && (this.pos + 1 >= this.src.length || ' \t\n'.includes(this.src[this.pos + 1]!))) {
      negate = true;
      this.pos++;
    }
    const cmds: Command[] = [this.parseCommand()];
    const pipeStderr: boolean[] = [];
    for (;;) {
      this.skipBlanks();
      const op = this.peekOp();
      if (op !== '|' && op !== '|&') break;
      this.pos += op.length;
      pipeStderr.push(op === '|&');
      this.skipNewlines();
      cmds.push(this.parseCommand());
    }
    return { negate, cmds, pipeStderr };
  }

  /**
   * Alias expansion as bash's reader does it: an unquoted word at `pos` that
   * names an alias is replaced in the source by the alias's text, which is
   * then read in its place (so it may hold several words, operators, another
   * alias). True when it expanded one.
   */
  private expandAlias(): boolean {
    const aliases = this.opts.aliases;
    if (aliases === undefined || aliases.size === 0) return false;
    const m = /^[^\s;&|()<>'"\\$`]+/.exec(this.src.slice(this.pos, this.pos + 256));
    if (!m) return false;
    const end = this.pos + m[0].length;
    if (end < this.src.length && !META.has(this.src[end]!)) return false;
    const value = aliases.get(m[0]);
    this.aliasActive = this.aliasActive.filter((a) => a.end > this.pos);
    if (value === undefined || this.aliasActive.some((a) => a.name === m[0])) return false;
    const delta = value.length - m[0].length;
    for (const a of this.aliasActive) a.end += delta;
    this.src = this.src.slice(0, this.pos) + value + this.src.slice(end);
    this.aliasActive.push({ name: m[0], end: this.pos + value.length });
    if (/[ \t]$/.test(value)) this.aliasNextAt = this.pos + value.length;
    return true;
  }

  private parseCommand(): Command {
    this.skipBlanks();
    if (this.atEnd()) this.eof();
    while (this.expandAlias()) {
      this.skipBlanks();
      if (this.atEnd()) this.eof();
    }
    const op = this.peekOp();
    if (op === '(') {
      this.pos++;
      const list = this.parseList([], true);
      this.skipSeparators();
      if (this.atEnd()) this.eof(')');
      if (this.peekChar() !== ')') this.unexpected();
      if (list.items.length === 0) this.unexpected();
      this.pos++;
      return { type: 'subshell', list, redirects: this.parseTrailingRedirects() };
    }
    if (op !== null) this.unexpected();
    const reserved = this.peekReserved();
    if (reserved === '{') {
      this.pos++;
      const list = this.parseList(['}']);
      this.expectReserved('}', list);
      return { type: 'group', list, redirects: this.parseTrailingRedirects() };
    }
    if (reserved === 'if') return this.parseIf();
    if (reserved === 'for') return this.parseFor();
    if (reserved === 'while' || reserved === 'until') return this.parseWhile(reserved === 'until');
    if (reserved === 'case') return this.parseCase();
    if (reserved === 'function') {
      this.pos += 8;
      this.skipBlanks();
      const m = /^[^\s;&|()<>'"\\$`]+/.exec(this.src.slice(this.pos));
      if (!m) this.unexpected();
      this.pos += m[0].length;
      this.skipBlanks();
      if (this.src.startsWith('()', this.pos)) this.pos += 2;
      else if (this.peekChar() === '(') {
        this.pos++;
        this.skipBlanks();
        if (this.peekChar() !== ')') this.unexpected();
        this.pos++;
      }
      return this.functionBody(m[0]);
    }
    if (reserved !== null && RESERVED_END.has(reserved)) this.unexpectedToken(reserved);
    return this.parseSimple();
  }

  /** After `name()`: the body, a compound command (with its redirects). */
  private functionBody(name: string): Command {
    this.skipNewlines();
    if (this.atEnd()) this.eof();
    const r = this.peekReserved();
    const compound = this.peekOp() === '(' || r === '{' || r === 'if' || r === 'for' || r === 'while' || r === 'until' || r === 'case';
    if (!compound) this.unexpected();
    const body = this.parseCommand();
    return { type: 'function', name, body, redirects: [] };
  }

  /** `case WORD in [(]pat[|pat]…) list ;; … esac` */
  private parseCase(): Command {
    this.pos += 4;
    this.skipBlanks();
    if (this.atEnd()) this.eof();
    const word = this.readWord();
    if (word === null) this.unexpected();
    this.skipNewlines();
    if (this.atEnd()) this.eof('in');
    if (this.peekReserved() !== 'in') this.unexpected();
    this.pos += 2;
    const items: { patterns: Word[]; body: List }[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.atEnd()) this.eof(')');
      if (this.peekReserved() === 'esac') {
        this.pos += 4;
        break;
      }
      if (this.peekChar() === '(') this.pos++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        if (this.atEnd()) this.eof(')');
        const w = this.readWord();
        if (w === null) this.unexpected();
        patterns.push(w);
        this.skipBlanks();
        if (this.peekOp() === '|') {
          this.pos++;
          continue;
        }
        break;
      }
      if (this.atEnd()) this.eof(')');
      if (this.peekChar() !== ')') this.unexpected();
      this.pos++;
      const body = this.parseList(['esac'], false, true);
      this.skipSeparators();
      items.push({ patterns, body });
      if (this.peekOp() === ';;') {
        this.pos += 2;
        continue;
      }
      if (this.atEnd()) this.eof('esac');
      if (this.peekReserved() === 'esac') {
        this.pos += 4;
        break;
      }
      this.unexpected();
    }
    return { type: 'case', word, items, redirects: this.parseTrailingRedirects() };
  }

  private parseIf(): Command {
    this.pos += 2;
    const clauses: { cond: List; body: List }[] = [];
    let orElse: List | null = null;
    for (;;) {
      const cond = this.parseList(['then']);
      this.expectReserved('then', cond);
      const body = this.parseList(['elif', 'else', 'fi']);
      if (body.items.length === 0) this.expectReserved('fi', body);
      clauses.push({ cond, body });
      const w = this.peekReserved();
      if (w === 'elif') {
        this.pos += 4;
        continue;
      }
      if (w === 'else') {
        this.pos += 4;
        orElse = this.parseList(['fi']);
        this.expectReserved('fi', orElse);
        break;
      }
      this.expectReserved('fi', body);
      break;
    }
    return { type: 'if', clauses, orElse, redirects: this.parseTrailingRedirects() };
  }

  private parseFor(): Command {
    this.pos += 3;
    this.skipBlanks();
    const start = this.pos;
    const nameWord = this.readWord();
    if (nameWord === null) {
      if (this.atEnd()) this.eof();
      this.unexpected();
    }
    const name = this.src.slice(start, this.pos);
    if (!NAME_RE.test(name)) this.syntaxError(`bash: \`${name}': not a valid identifier`, false, { kind: 'badFor', name });
    this.skipBlanks();
    let items: Word[] | null = null;
    if (this.peekReserved() === 'in') {
      this.pos += 2;
      items = [];
      for (;;) {
        this.skipBlanks();
        const op = this.peekOp();
        if (op === ';' || op === '\n') {
          this.pos++;
          break;
        }
        if (this.atEnd()) this.eof('do');
        if (op !== null) this.unexpected();
        const w = this.readWord();
        if (w === null) this.unexpected();
        items.push(w);
      }
    } else {
      this.skipBlanks();
      if (this.peekOp() === ';') this.pos++;
    }
    this.skipSeparators();
    if (this.atEnd()) this.eof('do');
    if (this.peekReserved() !== 'do') this.unexpected();
    this.pos += 2;
    const body = this.parseList(['done']);
    this.expectReserved('done', body);
    return { type: 'for', name, items, body, redirects: this.parseTrailingRedirects() };
  }

  private parseWhile(until: boolean): Command {
    this.pos += until ? 5 : 5;
    const cond = this.parseList(['do']);
    this.expectReserved('do', cond);
    const body = this.parseList(['done']);
    this.expectReserved('done', body);
    return { type: 'while', until, cond, body, redirects: this.parseTrailingRedirects() };
  }

  /** Consumes reserved word `w`, which must come next; an empty list before it is bash's syntax error on `w`. */
  private expectReserved(w: string, before: List): void {
    this.skipSeparators();
    if (this.atEnd()) this.eof(w);
    const r = this.peekReserved();
    if (r !== w) {
      if (r !== null) this.unexpectedToken(r);
      this.unexpected();
    }
    if (before.items.length === 0) this.unexpectedToken(w);
    this.pos += w.length;
  }

  private parseTrailingRedirects(): Redirect[] {
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      const r = this.tryRedirect();
      if (r === null) break;
      redirects.push(r);
    }
    return redirects;
  }

  private parseSimple(): Command {
    const line = this.lineAt(this.pos);
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.atEnd()) break;
      const r = this.tryRedirect();
      if (r !== null) {
        redirects.push(r);
        continue;
      }
      if (this.peekOp() !== null) break;
      if (this.src[this.pos] === '#') break;
      if (this.aliasNextAt !== undefined && words.length > 0 && this.pos >= this.aliasNextAt) {
        this.aliasNextAt = undefined;
        if (this.expandAlias()) continue;
      }
      if (words.length === 0) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(this.src.slice(this.pos, this.pos + 200));
        if (m) {
          this.pos += m[0].length;
          const value = this.readWord(true) ?? { parts: [], raw: '' };
          assigns.push({ name: m[1]!, value, append: m[2] === '+' });
          continue;
        }
      }
      const w = this.readWord();
      if (w === null) break;
      words.push(w);
      if (words.length === 1 && assigns.length === 0 && redirects.length === 0 && this.peekChar() === '(') {
        // `name()`: a function definition.
        const name = w.raw;
        this.pos++;
        this.skipBlanks();
        if (this.peekChar() !== ')') this.unexpected();
        this.pos++;
        if (!/^[^\s;&|()<>'"\\$`=]+$/.test(name) || w.parts.some((p) => p.k !== 'lit')) this.unexpectedToken('(');
        return this.functionBody(name);
      }
      if (words.length === 1 && this.peekChar() === '(') this.unexpectedToken('(');
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0) this.unexpected();
    return { type: 'simple', assigns, words, redirects, line };
  }

  /** `[n]>`, `>>`, `<`, `2>&1`, `&>`, `<<<` … followed by their target word. */
  private tryRedirect(): Redirect | null {
    const m = /^(\d*)(&>>|&>|>>|>\||>&|<&|<<<|<<-|<<|<>|>|<)/.exec(this.src.slice(this.pos, this.pos + 16));
    if (!m) return null;
    const digits = m[1]!;
    const op = m[2]! as RedirectOp | '<<-';
    if (op === '<<<' && this.opts.noHereStrings) this.syntaxError("bash: syntax error near unexpected token `<<<'", false, { kind: 'redirection' });
    if (digits !== '' && (op === '&>' || op === '&>>')) return null;
    this.pos += m[0].length;
    if (op === '<<' || op === '<<-') return this.hereDocument(digits === '' ? 0 : Number(digits), op === '<<-');
    const fd = digits !== '' ? Number(digits) : op.startsWith('<') ? 0 : 1;
    this.skipBlanks();
    if (this.atEnd()) this.syntaxError("bash: syntax error near unexpected token `newline'", false, { kind: 'token', token: 'newline', atEnd: true });
    if (this.peekOp() !== null || '<>'.includes(this.src[this.pos]!)) this.unexpected();
    const target = this.readWord();
    if (target === null) this.unexpected();
    return { fd, op: op as RedirectOp, target };
  }

  /**
   * `<<DELIM` / `<<-DELIM`: the body is the lines after the end of this line
   * up to a line that is exactly DELIM (leading tabs stripped with `<<-`). It
   * is cut out of the source so parsing goes on after it. A quoted delimiter
   * keeps the body literal; otherwise it expands like a double-quoted string.
   */
  private hereDocument(fd: number, stripTabs: boolean): Redirect {
    this.skipBlanks();
    if (this.atEnd() || this.src[this.pos] === '\n') this.syntaxError("bash: syntax error near unexpected token `newline'", false, { kind: 'token', token: 'newline', atEnd: this.atEnd() });
    const start = this.pos;
    const delimWord = this.readWord();
    if (delimWord === null) this.unexpected();
    const raw = this.src.slice(start, this.pos);
    const quoted = /['"\\]/.test(raw);
    const delim = raw.replace(/\\(.)/g, '$1').replace(/['"]/g, '');
    let eol = this.src.indexOf('\n', this.pos);
    if (eol < 0) {
      if (!this.opts.heredocToEnd) this.syntaxError(`bash: warning: here-document delimited by end-of-file (wanted \`${delim}')`, true, { kind: 'heredoc', delim });
      this.src += '\n';
      eol = this.src.length - 1;
    }
    const lines: string[] = [];
    let at = eol + 1;
    let end = -1;
    while (at <= this.src.length) {
      const nl = this.src.indexOf('\n', at);
      const line = this.src.slice(at, nl < 0 ? this.src.length : nl);
      const text = stripTabs ? line.replace(/^\t+/, '') : line;
      if (text === delim) {
        end = nl < 0 ? this.src.length : nl + 1;
        break;
      }
      if (nl < 0) break;
      lines.push(text);
      at = nl + 1;
    }
    if (end < 0) {
      if (!this.opts.heredocToEnd) this.syntaxError(`bash: warning: here-document delimited by end-of-file (wanted \`${delim}')`, true, { kind: 'heredoc', delim });
      end = this.src.length;
      const last = this.src.slice(at);
      if (last !== '' && !lines.includes(last)) lines.push(stripTabs ? last.replace(/^\t+/, '') : last);
    }
    const body = lines.map((l) => l + '\n').join('');
    this.cuts.push({ pos: eol + 1, lines: countNewlines(this.src.slice(eol + 1, end)) });
    this.src = this.src.slice(0, eol + 1) + this.src.slice(end);
    const target: Word = quoted || body === '' ? { parts: [{ k: 'q', v: body }], raw: body } : new Parser(body).hereDocumentBody();
    return { fd, op: '<<', target };
  }

  /** An unquoted here-document's body: `$…` and backquotes expand, `\` escapes only `$`, backquote, `\` and newline. */
  private hereDocumentBody(): Word {
    const parts: WordPart[] = [];
    this.readDoubleQuoted(parts, true);
    return { parts, raw: this.src };
  }

  // ---- words ----

  /** Reads one word (null if none here). In an assignment value, `~` after `:` or at the start expands too. */
  private readWord(assignment = false): Word | null {
    const start = this.pos;
    const parts: WordPart[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit !== '') parts.push({ k: 'lit', v: lit });
      lit = '';
    };
    if (this.src[this.pos] === '~') {
      const m = /^~([A-Za-z0-9_.-]*)(?=$|[\/\s;&|()<>:])/.exec(this.src.slice(this.pos));
      if (m) {
        parts.push({ k: 'tilde', user: m[1]! });
        this.pos += m[0].length;
      }
    }
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (META.has(c)) break;
      if (c === '\\') {
        flush();
        if (this.pos + 1 >= this.src.length) {
          // A trailing backslash continues the line in bash; alone at the end it is a literal backslash.
          parts.push({ k: 'q', v: '\\' });
          this.pos++;
          continue;
        }
        const n = this.src[this.pos + 1]!;
        this.pos += 2;
        if (n === '\n') continue;
        parts.push({ k: 'q', v: n });
        continue;
      }
      if (c === "'") {
        flush();
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.syntaxError("bash: unexpected EOF while looking for matching `''", true, { kind: 'unterminated', what: "'" });
        parts.push({ k: 'q', v: this.src.slice(this.pos + 1, end) });
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        flush();
        this.pos++;
        this.readDoubleQuoted(parts);
        continue;
      }
      if (c === '$' && this.src[this.pos + 1] === '"') {
        // $"…" (locale translation) is a plain double-quoted string here.
        this.pos++;
        continue;
      }
      if (c === '$' && this.src[this.pos + 1] === "'") {
        flush();
        parts.push({ k: 'q', v: this.readAnsiC() });
        continue;
      }
      if (c === '$' || c === '`') {
        const p = this.readDollarOrBacktick(false);
        if (p !== null) {
          flush();
          parts.push(p);
          continue;
        }
      }
      lit += c;
      this.pos++;
      if (assignment && c === ':' && this.src[this.pos] === '~') {
        flush();
        const m = /^~([A-Za-z0-9_.-]*)(?=$|[\/\s;&|()<>:])/.exec(this.src.slice(this.pos));
        if (m) {
          parts.push({ k: 'tilde', user: m[1]! });
          this.pos += m[0].length;
        }
      }
    }
    flush();
    if (this.pos === start) return assignment ? { parts: [], raw: '' } : null;
    return { parts, raw: this.src.slice(start, this.pos) };
  }

  private readDoubleQuoted(parts: WordPart[], hereDocument = false): void {
    let text = '';
    // Even `""` must leave a (quoted, empty) part: it makes an empty argument.
    let pushed = false;
    const flush = (force = false): void => {
      if (text !== '' || (force && !pushed)) parts.push({ k: 'q', v: text });
      if (text !== '') pushed = true;
      text = '';
    };
    for (;;) {
      if (this.pos >= this.src.length) {
        if (hereDocument) return flush(true);
        this.syntaxError('bash: unexpected EOF while looking for matching `"\'', true, { kind: 'unterminated', what: '"' });
      }
      const c = this.src[this.pos]!;
      if (c === '"' && !hereDocument) {
        this.pos++;
        flush(true);
        return;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n !== undefined && (hereDocument ? '$`\\\n' : '$`"\\\n').includes(n)) {
          if (n !== '\n') text += n;
          this.pos += 2;
        } else {
          text += '\\';
          this.pos++;
        }
        continue;
      }
      if (c === '$' || c === '`') {
        const p = this.readDollarOrBacktick(true);
        if (p !== null) {
          flush();
          parts.push(p);
          pushed = true;
          continue;
        }
      }
      text += c;
      this.pos++;
    }
  }

  /** $'…' strings: backslash escapes as echo -e knows them. */
  private readAnsiC(): string {
    this.pos += 2;
    let out = '';
    for (;;) {
      if (this.pos >= this.src.length) this.syntaxError("bash: unexpected EOF while looking for matching `''", true, { kind: 'unterminated', what: "'" });
      const c = this.src[this.pos]!;
      if (c === "'") {
        this.pos++;
        return out;
      }
      if (c === '\\' && this.pos + 1 < this.src.length) {
        const { text, length } = decodeEscape(this.src, this.pos, true);
        out += text;
        this.pos += length;
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  /** `$name`, `${…}`, `$(…)`, `$((…))`, `` `…` ``. Null when `$` is just a dollar sign. */
  private readDollarOrBacktick(quoted: boolean): WordPart | null {
    const c = this.src[this.pos]!;
    if (c === '`') {
      let i = this.pos + 1;
      let inner = '';
      for (;;) {
        if (i >= this.src.length) this.syntaxError('bash: unexpected EOF while looking for matching ``\'', true, { kind: 'unterminated', what: '`' });
        const ch = this.src[i]!;
        if (ch === '`') break;
        if (ch === '\\' && i + 1 < this.src.length && '$`\\'.includes(this.src[i + 1]!)) {
          inner += this.src[i + 1];
          i += 2;
          continue;
        }
        inner += ch;
        i++;
      }
      this.pos = i + 1;
      return { k: 'cmd', list: this.subParse(inner), quoted };
    }
    const n = this.src[this.pos + 1];
    if (n === undefined) return null;
    if (n === '(') {
      if (this.src[this.pos + 2] === '(') {
        const end = this.findArithEnd(this.pos + 3);
        if (end >= 0) {
          const expr = this.src.slice(this.pos + 3, end);
          const inner = new Parser(expr, this.opts);
          inner.depth = this.depth + 1;
          const parts = expr.includes('$') || expr.includes('`') ? inner.hereDocumentBody().parts : [{ k: 'lit' as const, v: expr }];
          this.pos = end + 2;
          return { k: 'arith', expr, parts, quoted };
        }
      }
      this.pos += 2;
      const list = this.parseList([], true);
      this.skipSeparators();
      if (this.atEnd()) this.syntaxError("bash: unexpected EOF while looking for matching `)'", true, { kind: 'eof', expecting: ')' });
      this.pos++;
      return { k: 'cmd', list, quoted };
    }
    if (n === '{') return this.readBraceParam(quoted);
    if (/[A-Za-z_]/.test(n)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos + 1))!;
      this.pos += 1 + m[0].length;
      return { k: 'param', name: m[0], op: null, arg: null, quoted };
    }
    if (/[0-9?#$!@*\-]/.test(n)) {
      this.pos += 2;
      return { k: 'param', name: n, op: null, arg: null, quoted };
    }
    return null;
  }

  private readBraceParam(quoted: boolean): WordPart {
    const open = this.pos;
    this.pos += 2;
    const rest = this.src.slice(this.pos);
    let m = /^#([A-Za-z_][A-Za-z0-9_]*|[0-9?#$!@*])\}/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { k: 'param', name: m[1]!, op: 'len', arg: null, quoted };
    }
    m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#$!@*\-])(:-|:=|:\+|:\?|##|%%|-|=|\+|\?|#|%)?/.exec(rest);
    if (!m) {
      const close = this.src.indexOf('}', this.pos);
      if (close < 0) this.syntaxError("bash: unexpected EOF while looking for matching `}'", true, { kind: 'unterminated', what: '}' });
      this.syntaxError(`bash: ${this.src.slice(open, close + 1)}: bad substitution`, false, { kind: 'badSubst', text: this.src.slice(open, close + 1) });
    }
    this.pos += m[0].length;
    const name = m[1]!;
    const op = (m[2] ?? null) as ParamOp | null;
    if (op === null) {
      if (this.src[this.pos] === '}') {
        this.pos++;
        return { k: 'param', name, op: null, arg: null, quoted };
      }
      const close = this.src.indexOf('}', this.pos);
      if (close < 0) this.syntaxError("bash: unexpected EOF while looking for matching `}'", true, { kind: 'unterminated', what: '}' });
      this.syntaxError(`bash: ${this.src.slice(open, close + 1)}: bad substitution`, false, { kind: 'badSubst', text: this.src.slice(open, close + 1) });
    }
    // The operand: a word up to the matching `}`, quotes and expansions allowed.
    const arg: WordPart[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit !== '') arg.push(quoted ? { k: 'q', v: lit } : { k: 'lit', v: lit });
      lit = '';
    };
    for (;;) {
      if (this.pos >= this.src.length) this.syntaxError("bash: unexpected EOF while looking for matching `}'", true, { kind: 'unterminated', what: '}' });
      const c = this.src[this.pos]!;
      if (c === '}') {
        this.pos++;
        break;
      }
      if (c === '\\' && this.pos + 1 < this.src.length) {
        flush();
        arg.push({ k: 'q', v: this.src[this.pos + 1]! });
        this.pos += 2;
        continue;
      }
      if (c === "'" && !quoted) {
        flush();
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.syntaxError("bash: unexpected EOF while looking for matching `''", true, { kind: 'unterminated', what: "'" });
        arg.push({ k: 'q', v: this.src.slice(this.pos + 1, end) });
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        flush();
        this.pos++;
        this.readDoubleQuoted(arg);
        continue;
      }
      if (c === '$' || c === '`') {
        const p = this.readDollarOrBacktick(quoted);
        if (p !== null) {
          flush();
          arg.push(p);
          continue;
        }
      }
      lit += c;
      this.pos++;
    }
    flush();
    return { k: 'param', name, op, arg, quoted };
  }

  private findArithEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) return this.src[i + 1] === ')' ? i : -1;
        depth--;
      }
    }
    return -1;
  }

  private subParse(inner: string): List {
    if (this.depth > MAX_DEPTH) this.syntaxError('bash: maximum nesting level exceeded', false, { kind: 'nesting' });
    const p = new Parser(inner, this.opts);
    p.depth = this.depth;
    p.lineBase = this.lineAt(this.pos) - 1;
    const list = p.parseList([]);
    p.expectEnd();
    return list;
  }

  // ---- tokens ----

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  private peekChar(): string | undefined {
    return this.src[this.pos];
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else break;
    }
  }

  private skipNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.src[this.pos] === '\n') this.pos++;
      else break;
    }
  }

  private skipSeparators(): void {
    this.skipNewlines();
  }

  private peekOp(): Op | null {
    const s = this.src.slice(this.pos, this.pos + 2);
    if (s === '&&' || s === '||' || s === ';;' || s === '|&') return s;
    const c = this.src[this.pos];
    if (c === '&' && s !== '&>') return '&';
    if (c === ';' || c === '|' || c === '(' || c === ')' || c === '\n') return c;
    return null;
  }

  /** A reserved word at the current position (only recognised where a command starts). */
  private peekReserved(): string | null {
    const m = /^(if|then|elif|else|fi|for|in|do|done|while|until|case|esac|function|\{|\})(?=$|[\s;&|()<>])/.exec(this.src.slice(this.pos, this.pos + 9));
    return m ? m[1]! : null;
  }

  private unexpected(): never {
    this.skipBlanks();
    if (this.atEnd()) this.eof();
    const op = this.peekOp();
    let tok: string;
    if (op === '\n') tok = 'newline';
    else if (op !== null) tok = op;
    else {
      const m = /^(&>>|&>|>>|>\||>&|<&|<<<|<<|<>|>|<)/.exec(this.src.slice(this.pos));
      tok = m ? m[1]! : (/^[^\s;&|()<>]+/.exec(this.src.slice(this.pos))?.[0] ?? this.src[this.pos]!);
    }
    this.unexpectedToken(tok);
  }

  private unexpectedToken(tok: string): never {
    this.syntaxError(`bash: syntax error near unexpected token \`${tok}'`, false, { kind: 'token', token: tok });
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Decodes one backslash escape at `s[i]` as `echo -e` (ansiC=false) or `$'…'`
 * (ansiC=true) does. `\c` is reported with text '\u0000c' for echo to stop on.
 */
export function decodeEscape(s: string, i: number, ansiC: boolean): { text: string; length: number; stop?: boolean } {
  const n = s[i + 1];
  switch (n) {
    case 'a': return { text: '\x07', length: 2 };
    case 'b': return { text: '\b', length: 2 };
    case 'e': case 'E': return { text: '\x1b', length: 2 };
    case 'f': return { text: '\f', length: 2 };
    case 'n': return { text: '\n', length: 2 };
    case 'r': return { text: '\r', length: 2 };
    case 't': return { text: '\t', length: 2 };
    case 'v': return { text: '\v', length: 2 };
    case '\\': return { text: '\\', length: 2 };
    case "'": return ansiC ? { text: "'", length: 2 } : { text: "\\'", length: 2 };
    case '"': return ansiC ? { text: '"', length: 2 } : { text: '\\"', length: 2 };
    case 'c': return ansiC ? { text: '\\c', length: 2 } : { text: '', length: 2, stop: true };
    case 'x': {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2, i + 4));
      if (!m) return { text: '\\x', length: 2 };
      return { text: String.fromCharCode(parseInt(m[0], 16)), length: 2 + m[0].length };
    }
    case 'u': case 'U': {
      const m = new RegExp(`^[0-9a-fA-F]{1,${n === 'u' ? 4 : 8}}`).exec(s.slice(i + 2, i + 10));
      if (!m) return { text: '\\' + n, length: 2 };
      const cp = parseInt(m[0], 16);
      return { text: cp <= 0x10ffff ? String.fromCodePoint(cp) : '', length: 2 + m[0].length };
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      // echo -e takes \0nnn (up to three digits after the 0); $'…' takes \nnn.
      if (!ansiC && n !== '0') return { text: '\\' + n, length: 2 };
      const from = ansiC ? i + 1 : i + 2;
      const m = /^[0-7]{1,3}/.exec(s.slice(from, from + 3));
      const digits = m ? m[0] : '';
      return { text: String.fromCharCode(parseInt(digits || '0', 8) & 0xff), length: from - i + digits.length };
    }
    case undefined: return { text: '\\', length: 1 };
    default: return { text: '\\' + n, length: 2 };
  }
}
