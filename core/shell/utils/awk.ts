/**
 * A small awk: patterns (BEGIN, END, /re/, expressions, ranges), print/printf
 * with `>` redirection, variables, associative arrays, if/while/for/for-in,
 * next/exit, fields ($0, $n, NF, NR, FS, OFS), and the common built-in
 * functions. Messages follow mawk, Debian's default awk.
 */
import { compilePosix } from '../regex';
import { bbUsage, optionError, type UtilContext } from '../context';
import { fsErrorText, resolvePath } from '../memfs';

// ---------- values ----------

/** Input-derived text that looks numeric compares as a number (POSIX "strnum"). */
class StrNum {
  constructor(readonly s: string) {}
}
type Value = number | string | StrNum | undefined;

const NUM_RE = /^[ \t\n]*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[ \t\n]*$/;

function toNum(v: Value): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const s = typeof v === 'string' ? v : v.s;
  const m = /^[ \t\n]*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)/.exec(s);
  return m ? Number(m[0]) : 0;
}

function numToStr(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : n < 0 ? '-inf' : 'nan';
  return formatG(n, 6);
}

function formatG(n: number, prec: number): string {
  const p = prec === 0 ? 1 : prec;
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= p) {
    const s = n.toExponential(p - 1).replace(/\.?0+e/, 'e');
    return s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return n.toFixed(Math.max(0, p - 1 - exp)).replace(/\.?0+$/, '');
}

function toStr(v: Value): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return numToStr(v);
  return typeof v === 'string' ? v : v.s;
}

function isNumeric(v: Value): boolean {
  return typeof v === 'number' || v === undefined || (v instanceof StrNum && NUM_RE.test(v.s));
}

function truthy(v: Value): boolean {
  if (v === undefined) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '';
  return NUM_RE.test(v.s) ? toNum(v) !== 0 : v.s !== '';
}

function compare(a: Value, b: Value): number {
  if (isNumeric(a) && isNumeric(b)) return toNum(a) - toNum(b);
  const x = toStr(a);
  const y = toStr(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** printf/sprintf formatting shared by print statements and sprintf(). */
export function awkSprintf(fmt: string, args: Value[]): string {
  let out = '';
  let k = 0;
  for (let i = 0; i < fmt.length; ) {
    const c = fmt[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    const m = /^%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?([sdicfeEgGxXou%])/.exec(fmt.slice(i));
    if (!m) {
      out += c;
      i++;
      continue;
    }
    i += m[0].length;
    const flags = m[1]!;
    const width = m[2] === '*' ? toNum(args[k++]) : m[2] ? Number(m[2]) : 0;
    const prec = m[3] === undefined ? undefined : m[3] === '*' ? toNum(args[k++]) : Number(m[3] || '0');
    const conv = m[4]!;
    let s: string;
    if (conv === '%') {
      out += '%';
      continue;
    }
    const v = args[k++];
    switch (conv) {
      case 's': s = toStr(v); if (prec !== undefined) s = s.slice(0, prec); break;
      case 'c': s = typeof v === 'number' ? String.fromCodePoint(v) : toStr(v).slice(0, 1); break;
      case 'd': case 'i': {
        const n = Math.trunc(toNum(v));
        s = (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + Math.abs(n);
        break;
      }
      case 'o': s = Math.trunc(toNum(v)).toString(8); break;
      case 'u': s = String(Math.trunc(toNum(v))); break;
      case 'x': s = Math.trunc(toNum(v)).toString(16); break;
      case 'X': s = Math.trunc(toNum(v)).toString(16).toUpperCase(); break;
      case 'f': s = toNum(v).toFixed(prec ?? 6); break;
      case 'e': case 'E': s = toNum(v).toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2'); if (conv === 'E') s = s.toUpperCase(); break;
      default: s = formatG(toNum(v), prec ?? 6); if (conv === 'G') s = s.toUpperCase();
    }
    if (s.length < width) {
      if (flags.includes('-')) s = s.padEnd(width);
      else if (flags.includes('0') && conv !== 's' && conv !== 'c') {
        const sign = /^[+\- ]/.test(s) ? s[0]! : '';
        s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
      } else s = s.padStart(width);
    }
    out += s;
  }
  return out;
}

// ---------- lexer ----------

type Tok = { t: 'num'; v: number } | { t: 'str'; v: string } | { t: 're'; v: string } | { t: 'name'; v: string } | { t: 'func'; v: string } | { t: 'op'; v: string } | { t: 'nl' } | { t: 'eof' };

const KEYWORDS = new Set(['BEGIN', 'END', 'if', 'else', 'while', 'for', 'do', 'in', 'print', 'printf', 'next', 'exit', 'delete', 'break', 'continue', 'getline', 'function', 'return']);
const BUILTINS = new Set(['length', 'substr', 'index', 'split', 'sub', 'gsub', 'match', 'sprintf', 'tolower', 'toupper', 'int', 'sqrt', 'exp', 'log', 'sin', 'cos', 'atan2', 'rand', 'srand', 'system']);
const OPS = ['+=', '-=', '*=', '/=', '%=', '^=', '==', '<=', '>=', '!=', '++', '--', '&&', '||', '!~', '>>', '{', '}', '(', ')', '[', ']', ';', ',', '+', '-', '*', '/', '%', '^', '!', '>', '<', '|', '?', ':', '~', '$', '='];

class AwkSyntaxError extends Error {}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  // A `/` starts a regex where an operand is expected.
  const regexAllowed = (): boolean => {
    const p = toks[toks.length - 1];
    if (!p) return true;
    if (p.t === 'num' || p.t === 'str' || p.t === 're' || p.t === 'name') return false;
    if (p.t === 'op') return !(p.v === ')' || p.v === ']' || p.v === '$' || p.v === '++' || p.v === '--');
    return true;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      toks.push({ t: 'nl' });
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F]+|\d*\.?\d*(?:[eE][-+]?\d+)?)/.exec(src.slice(i))!;
      toks.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const w = m[0];
      i += w.length;
      if (BUILTINS.has(w)) toks.push({ t: 'func', v: w });
      else if (KEYWORDS.has(w)) toks.push({ t: 'op', v: w });
      else toks.push({ t: 'name', v: w });
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new AwkSyntaxError('runaway string constant "' + s.slice(0, 10) + ' ...');
        const ch = src[i]!;
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\' && i + 1 < src.length) {
          const n = src[i + 1]!;
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', '/': '/', a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (map[n] !== undefined) s += map[n];
          else if (/[0-7]/.test(n)) {
            const m = /^[0-7]{1,3}/.exec(src.slice(i + 1))!;
            s += String.fromCharCode(parseInt(m[0], 8));
            i += 1 + m[0].length;
            continue;
          } else s += '\\' + n;
          i += 2;
          continue;
        }
        s += ch;
        i++;
      }
      toks.push({ t: 'str', v: s });
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length || src[i] === '\n') throw new AwkSyntaxError('runaway regular expression /' + s.slice(0, 10) + ' ...');
        const ch = src[i]!;
        if (ch === '/') {
          i++;
          break;
        }
        if (ch === '\\' && src[i + 1] === '/') {
          s += '/';
          i += 2;
          continue;
        }
        if (ch === '\\' && i + 1 < src.length) {
          s += ch + src[i + 1];
          i += 2;
          continue;
        }
        s += ch;
        i++;
      }
      toks.push({ t: 're', v: s });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new AwkSyntaxError(`syntax error at or near ${c}`);
    toks.push({ t: 'op', v: op });
    i += op.length;
  }
  toks.push({ t: 'eof' });
  return toks;
}

// ---------- parser ----------

type Expr =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 're'; re: RegExp }
  | { k: 'var'; name: string }
  | { k: 'field'; e: Expr }
  | { k: 'index'; name: string; subs: Expr[] }
  | { k: 'assign'; op: string; target: Expr; e: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  | { k: 'bin'; op: string; a: Expr; b: Expr }
  | { k: 'un'; op: string; e: Expr }
  | { k: 'incdec'; op: string; prefix: boolean; target: Expr }
  | { k: 'in'; subs: Expr[]; name: string }
  | { k: 'match'; neg: boolean; e: Expr; re: Expr }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'group'; e: Expr };

type Stmt =
  | { k: 'print'; args: Expr[]; printf: boolean; dest: { append: boolean; e: Expr } | null }
  | { k: 'expr'; e: Expr }
  | { k: 'if'; c: Expr; a: Stmt; b: Stmt | null }
  | { k: 'while'; c: Expr; body: Stmt; doWhile: boolean }
  | { k: 'for'; init: Stmt | null; c: Expr | null; step: Stmt | null; body: Stmt }
  | { k: 'forin'; v: string; arr: string; body: Stmt }
  | { k: 'block'; body: Stmt[] }
  | { k: 'next' }
  | { k: 'exit'; e: Expr | null }
  | { k: 'delete'; name: string; subs: Expr[] | null }
  | { k: 'break' }
  | { k: 'continue' };

interface Rule {
  pattern: 'BEGIN' | 'END' | Expr | [Expr, Expr] | null;
  action: Stmt[] | null;
  inRange?: boolean;
}

class Parser {
  private i = 0;
  constructor(private toks: Tok[], private ctxFlags: { extended: boolean }) {}

  private peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)]!;
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t.t === 'op' && t.v === v;
  }
  private eat(v: string): boolean {
    if (this.isOp(v)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(v: string): void {
    if (!this.eat(v)) this.fail();
  }
  fail(): never {
    const t = this.peek();
    const near = t.t === 'eof' ? 'end of file' : t.t === 'nl' ? 'end of line' : t.t === 'num' ? String(t.v) : t.t === 'str' ? `"${t.v}"` : t.t === 're' ? `/${t.v}/` : t.v;
    throw new AwkSyntaxError(`syntax error at or near ${near}`);
  }
  private skipNl(): void {
    while (this.peek().t === 'nl' || this.isOp(';')) this.i++;
  }
  private skipNewlinesOnly(): void {
    while (this.peek().t === 'nl') this.i++;
  }

  program(): Rule[] {
    const rules: Rule[] = [];
    this.skipNl();
    while (this.peek().t !== 'eof') {
      let pattern: Rule['pattern'] = null;
      if (this.eat('BEGIN')) pattern = 'BEGIN';
      else if (this.eat('END')) pattern = 'END';
      else if (!this.isOp('{')) {
        const a = this.expr();
        if (this.eat(',')) {
          this.skipNewlinesOnly();
          pattern = [a, this.expr()];
        } else pattern = a;
      }
      let action: Stmt[] | null = null;
      if (this.isOp('{')) action = this.block();
      else if (pattern === 'BEGIN' || pattern === 'END') this.fail();
      rules.push({ pattern, action });
      this.skipNl();
    }
    return rules;
  }

  private block(): Stmt[] {
    this.expect('{');
    const body: Stmt[] = [];
    this.skipNl();
    while (!this.isOp('}')) {
      if (this.peek().t === 'eof') throw new AwkSyntaxError('missing } near end of file');
      body.push(this.stmt());
      this.skipNl();
    }
    this.i++;
    return body;
  }

  private simpleOrBlock(): Stmt {
    this.skipNewlinesOnly();
    if (this.eat(';')) return { k: 'block', body: [] };
    return this.stmt();
  }

  private endSimple(): void {
    const t = this.peek();
    if (t.t === 'nl' || this.isOp(';')) {
      this.i++;
      return;
    }
    if (this.isOp('}') || t.t === 'eof') return;
    this.fail();
  }

  private stmt(): Stmt {
    if (this.isOp('{')) return { k: 'block', body: this.block() };
    if (this.eat('if')) {
      this.expect('(');
      const c = this.expr();
      this.expect(')');
      const a = this.simpleOrBlock();
      const save = this.i;
      this.skipNl();
      if (this.eat('else')) return { k: 'if', c, a, b: this.simpleOrBlock() };
      this.i = save;
      return { k: 'if', c, a, b: null };
    }
    if (this.eat('while')) {
      this.expect('(');
      const c = this.expr();
      this.expect(')');
      return { k: 'while', c, body: this.simpleOrBlock(), doWhile: false };
    }
    if (this.eat('do')) {
      const body = this.simpleOrBlock();
      this.skipNl();
      this.expect('while');
      this.expect('(');
      const c = this.expr();
      this.expect(')');
      this.endSimple();
      return { k: 'while', c, body, doWhile: true };
    }
    if (this.eat('for')) {
      this.expect('(');
      const t0 = this.peek(0);
      if (t0.t === 'name' && this.isOp('in', 1) && this.peek(2).t === 'name' && this.isOp(')', 3)) {
        const v = t0.v;
        const arr = (this.peek(2) as { v: string }).v;
        this.i += 4;
        return { k: 'forin', v, arr, body: this.simpleOrBlock() };
      }
      const init = this.isOp(';') ? null : this.simpleStmt();
      this.expect(';');
      this.skipNewlinesOnly();
      const c = this.isOp(';') ? null : this.expr();
      this.expect(';');
      this.skipNewlinesOnly();
      const step = this.isOp(')') ? null : this.simpleStmt();
      this.expect(')');
      return { k: 'for', init, c, step, body: this.simpleOrBlock() };
    }
    if (this.isOp(';')) {
      this.i++;
      return { k: 'block', body: [] };
    }
    const s = this.simpleStmt();
    this.endSimple();
    return s;
  }

  private simpleStmt(): Stmt {
    if (this.eat('next')) return { k: 'next' };
    if (this.eat('break')) return { k: 'break' };
    if (this.eat('continue')) return { k: 'continue' };
    if (this.eat('exit')) {
      const t = this.peek();
      const e = t.t === 'nl' || t.t === 'eof' || this.isOp(';') || this.isOp('}') ? null : this.expr();
      return { k: 'exit', e };
    }
    if (this.eat('delete')) {
      const t = this.peek();
      if (t.t !== 'name') this.fail();
      this.i++;
      if (this.eat('[')) {
        const subs = this.exprList();
        this.expect(']');
        return { k: 'delete', name: t.v, subs };
      }
      return { k: 'delete', name: t.v, subs: null };
    }
    if (this.isOp('print') || this.isOp('printf')) {
      const printf = (this.peek() as { v: string }).v === 'printf';
      this.i++;
      let args: Expr[] = [];
      const t = this.peek();
      const ends = (): boolean => {
        const x = this.peek();
        return x.t === 'nl' || x.t === 'eof' || this.isOp(';') || this.isOp('}') || this.isOp('>') || this.isOp('>>') || this.isOp('|');
      };
      if (!ends()) {
        // `print (a, b)` is a parenthesised list.
        if (t.t === 'op' && t.v === '(') {
          const save = this.i;
          this.i++;
          const list = this.exprList(true);
          if (this.eat(')') && ends()) args = list;
          else {
            this.i = save;
            args = this.exprList(true);
          }
        } else args = this.exprList(true);
      }
      let dest: { append: boolean; e: Expr } | null = null;
      if (this.isOp('>') || this.isOp('>>')) {
        const append = (this.peek() as { v: string }).v === '>>';
        this.i++;
        dest = { append, e: this.concat(true) };
      } else if (this.isOp('|')) throw new AwkSyntaxError('pipes to commands are not supported in this terminal');
      return { k: 'print', args, printf, dest };
    }
    return { k: 'expr', e: this.expr() };
  }

  private exprList(noGt = false): Expr[] {
    const list = [this.expr(noGt)];
    while (this.eat(',')) {
      this.skipNewlinesOnly();
      list.push(this.expr(noGt));
    }
    return list;
  }

  expr(noGt = false): Expr {
    return this.ternary(noGt);
  }

  private ternary(noGt: boolean): Expr {
    const c = this.or(noGt);
    if (this.eat('?')) {
      this.skipNewlinesOnly();
      const a = this.ternary(noGt);
      this.skipNewlinesOnly();
      this.expect(':');
      this.skipNewlinesOnly();
      const b = this.ternary(noGt);
      return { k: 'cond', c, a, b };
    }
    if (this.isAssignOp() && isLvalue(c)) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      this.skipNewlinesOnly();
      return { k: 'assign', op, target: c, e: this.ternary(noGt) };
    }
    return c;
  }

  private isAssignOp(): boolean {
    const t = this.peek();
    return t.t === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '^='].includes(t.v);
  }

  private or(noGt: boolean): Expr {
    let a = this.and(noGt);
    while (this.eat('||')) {
      this.skipNewlinesOnly();
      a = { k: 'bin', op: '||', a, b: this.and(noGt) };
    }
    return a;
  }

  private and(noGt: boolean): Expr {
    let a = this.inExpr(noGt);
    while (this.eat('&&')) {
      this.skipNewlinesOnly();
      a = { k: 'bin', op: '&&', a, b: this.inExpr(noGt) };
    }
    return a;
  }

  private inExpr(noGt: boolean): Expr {
    let a = this.matchExpr(noGt);
    while (this.isOp('in')) {
      this.i++;
      const t = this.peek();
      if (t.t !== 'name') this.fail();
      this.i++;
      a = { k: 'in', subs: a.k === 'group' && a.e.k === 'call' && a.e.name === '\u0000list' ? a.e.args : [a], name: t.v };
    }
    return a;
  }

  private matchExpr(noGt: boolean): Expr {
    let a = this.comparison(noGt);
    while (this.isOp('~') || this.isOp('!~')) {
      const neg = (this.peek() as { v: string }).v === '!~';
      this.i++;
      a = { k: 'match', neg, e: a, re: this.comparison(noGt) };
    }
    return a;
  }

  private comparison(noGt: boolean): Expr {
    const a = this.concat(noGt);
    const t = this.peek();
    if (t.t === 'op' && ['<', '<=', '==', '!=', '>=', '>'].includes(t.v) && !(noGt && t.v === '>')) {
      this.i++;
      return { k: 'bin', op: t.v, a, b: this.concat(noGt) };
    }
    return a;
  }

  /** Concatenation: operands side by side. */
  concat(noGt: boolean): Expr {
    let a = this.additive();
    for (;;) {
      const t = this.peek();
      const starts = t.t === 'num' || t.t === 'str' || t.t === 're' || t.t === 'name' || t.t === 'func' || (t.t === 'op' && ['$', '!', '(', '-', '+', '++', '--'].includes(t.v));
      if (!starts || (t.t === 'op' && t.v === 'in')) return a;
      // `a -1` in awk is subtraction, handled by additive; here only non-operator starts concatenate.
      if (t.t === 'op' && (t.v === '-' || t.v === '+')) return a;
      a = { k: 'bin', op: 'concat', a, b: this.additive() };
      void noGt;
    }
  }

  private additive(): Expr {
    let a = this.multiplicative();
    for (;;) {
      if (this.isOp('+') || this.isOp('-')) {
        const op = (this.peek() as { v: string }).v;
        this.i++;
        a = { k: 'bin', op, a, b: this.multiplicative() };
      } else return a;
    }
  }

  private multiplicative(): Expr {
    let a = this.unary();
    for (;;) {
      if (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
        const op = (this.peek() as { v: string }).v;
        this.i++;
        a = { k: 'bin', op, a, b: this.unary() };
      } else return a;
    }
  }

  private unary(): Expr {
    if (this.eat('!')) return { k: 'un', op: '!', e: this.unary() };
    if (this.eat('-')) return { k: 'un', op: '-', e: this.unary() };
    if (this.eat('+')) return { k: 'un', op: '+', e: this.unary() };
    return this.power();
  }

  private power(): Expr {
    const a = this.postfix();
    if (this.eat('^')) return { k: 'bin', op: '^', a, b: this.unary() };
    return a;
  }

  private postfix(): Expr {
    if (this.isOp('++') || this.isOp('--')) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      const target = this.primary();
      if (!isLvalue(target)) this.fail();
      return { k: 'incdec', op, prefix: true, target };
    }
    const e = this.primary();
    if (isLvalue(e) && (this.isOp('++') || this.isOp('--'))) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      return { k: 'incdec', op, prefix: false, target: e };
    }
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.t) {
      case 'num': this.i++; return { k: 'num', v: t.v };
      case 'str': this.i++; return { k: 'str', v: t.v };
      case 're': {
        this.i++;
        const r = compilePosix(t.v, true, '');
        if ('error' in r) throw new AwkSyntaxError(`regular expression compile failed (${r.error})\n${t.v}`);
        return { k: 're', re: r.re };
      }
      case 'name': {
        this.i++;
        if (this.eat('[')) {
          const subs = this.exprList();
          this.expect(']');
          return { k: 'index', name: t.v, subs };
        }
        return { k: 'var', name: t.v };
      }
      case 'func': {
        this.i++;
        if (!this.eat('(')) {
          if (t.v === 'length') return { k: 'call', name: 'length', args: [] };
          this.fail();
        }
        const args = this.isOp(')') ? [] : this.exprList();
        this.expect(')');
        return { k: 'call', name: t.v, args };
      }
      case 'op': {
        if (t.v === '$') {
          this.i++;
          // `$NF-1` is ($NF)-1: the field operand binds tighter than arithmetic.
          return { k: 'field', e: this.incdecOrPrimary() };
        }
        if (t.v === '(') {
          this.i++;
          const list = this.exprList();
          this.expect(')');
          if (list.length > 1) {
            if (!this.isOp('in')) this.fail();
            return { k: 'group', e: { k: 'call', name: '\u0000list', args: list } };
          }
          return { k: 'group', e: list[0]! };
        }
        if (t.v === '-' || t.v === '!' || t.v === '+') return this.unary();
        this.fail();
      }
      // falls through
      default:
        this.fail();
    }
  }

  private incdecOrPrimary(): Expr {
    if (this.isOp('++') || this.isOp('--')) return this.postfix();
    if (this.isOp('-')) {
      this.i++;
      return { k: 'un', op: '-', e: this.primary() };
    }
    return this.primary();
  }
}

function isLvalue(e: Expr): boolean {
  return e.k === 'var' || e.k === 'field' || e.k === 'index';
}

// ---------- interpreter ----------

class NextSignal {}
class ExitSignal {
  constructor(readonly code: number) {}
}
class BreakSignal {}
class ContinueSignal {}

const MAX_LOOP = 10_000_000;

class Interp {
  vars = new Map<string, Value>();
  arrays = new Map<string, Map<string, Value>>();
  fields: Value[] = [];
  record = '';
  fieldsValid = false;
  out: string[] = [];
  files = new Map<string, string[]>();

  constructor(private ctx: UtilContext) {
    this.vars.set('FS', ' ');
    this.vars.set('OFS', ' ');
    this.vars.set('ORS', '\n');
    this.vars.set('RS', '\n');
    this.vars.set('NR', 0);
    this.vars.set('NF', 0);
    this.vars.set('FNR', 0);
    this.vars.set('SUBSEP', '\x1c');
    this.vars.set('CONVFMT', '%.6g');
    this.vars.set('OFMT', '%.6g');
    this.vars.set('RSTART', 0);
    this.vars.set('RLENGTH', -1);
    const env = new Map<string, Value>();
    for (const [k, v] of Object.entries(ctx.env)) env.set(k, new StrNum(v));
    this.arrays.set('ENVIRON', env);
  }

  setRecord(line: string): void {
    this.record = line;
    this.fieldsValid = false;
  }

  private splitFields(): void {
    if (this.fieldsValid) return;
    const parts = this.split(this.record, toStr(this.vars.get('FS')));
    this.fields = parts.map((p) => new StrNum(p));
    this.vars.set('NF', this.fields.length);
    this.fieldsValid = true;
  }

  split(s: string, fs: string): string[] {
    if (fs === ' ') {
      const t = s.replace(/^[ \t\n]+|[ \t\n]+$/g, '');
      return t === '' ? [] : t.split(/[ \t\n]+/);
    }
    if (s === '') return [];
    if (fs.length === 1 && fs !== '\\') return s.split(fs);
    const r = compilePosix(fs, true, '');
    if ('error' in r) return [s];
    return s.split(r.re);
  }

  getField(n: number): Value {
    if (n === 0) return new StrNum(this.record);
    this.splitFields();
    return this.fields[n - 1] ?? new StrNum('');
  }

  setField(n: number, v: Value): void {
    if (n === 0) {
      this.setRecord(toStr(v));
      return;
    }
    this.splitFields();
    while (this.fields.length < n) this.fields.push(new StrNum(''));
    this.fields[n - 1] = v;
    this.vars.set('NF', this.fields.length);
    this.record = this.fields.map(toStr).join(toStr(this.vars.get('OFS')));
  }

  getVar(name: string): Value {
    if (name === 'NF') this.splitFields();
    return this.vars.get(name);
  }

  setVar(name: string, v: Value): void {
    if (name === 'NF') {
      this.splitFields();
      const n = Math.max(0, Math.trunc(toNum(v)));
      this.fields = this.fields.slice(0, n);
      while (this.fields.length < n) this.fields.push(new StrNum(''));
      this.record = this.fields.map(toStr).join(toStr(this.vars.get('OFS')));
    }
    this.vars.set(name, v);
  }

  array(name: string): Map<string, Value> {
    let a = this.arrays.get(name);
    if (!a) {
      a = new Map();
      this.arrays.set(name, a);
    }
    return a;
  }

  subscript(subs: Expr[]): string {
    return subs.map((s) => toStr(this.eval(s))).join(toStr(this.vars.get('SUBSEP')));
  }

  assign(target: Expr, v: Value): void {
    if (target.k === 'var') this.setVar(target.name, v);
    else if (target.k === 'field') this.setField(Math.trunc(toNum(this.eval(target.e))), v);
    else if (target.k === 'index') this.array(target.name).set(this.subscript(target.subs), v);
  }

  regexOf(e: Expr): RegExp {
    if (e.k === 're') return e.re;
    const src = toStr(this.eval(e));
    const r = compilePosix(src, true, '');
    if ('error' in r) throw new ExitSignal(2);
    return r.re;
  }

  eval(e: Expr): Value {
    switch (e.k) {
      case 'num': return e.v;
      case 'str': return e.v;
      case 're': return e.re.test(this.record) ? 1 : 0;
      case 'var': return this.getVar(e.name);
      case 'field': return this.getField(Math.trunc(toNum(this.eval(e.e))));
      case 'index': {
        const a = this.array(e.name);
        const k = this.subscript(e.subs);
        if (!a.has(k)) a.set(k, undefined);
        return a.get(k);
      }
      case 'group': return this.eval(e.e);
      case 'assign': {
        let v = this.eval(e.e);
        if (e.op !== '=') {
          const cur = toNum(this.eval(e.target));
          const r = toNum(v);
          v = e.op === '+=' ? cur + r : e.op === '-=' ? cur - r : e.op === '*=' ? cur * r : e.op === '/=' ? cur / r : e.op === '%=' ? cur % r : cur ** r;
        } else if (v instanceof StrNum && e.target.k !== 'field') {
          v = new StrNum(v.s);
        }
        this.assign(e.target, v);
        return v;
      }
      case 'cond': return truthy(this.eval(e.c)) ? this.eval(e.a) : this.eval(e.b);
      case 'un': {
        const v = this.eval(e.e);
        return e.op === '!' ? (truthy(v) ? 0 : 1) : e.op === '-' ? -toNum(v) : toNum(v);
      }
      case 'incdec': {
        const old = toNum(this.eval(e.target));
        const nv = e.op === '++' ? old + 1 : old - 1;
        this.assign(e.target, nv);
        return e.prefix ? nv : old;
      }
      case 'in': return this.array(e.name).has(this.subscript(e.subs)) ? 1 : 0;
      case 'match': {
        const s = toStr(this.eval(e.e));
        const r = this.regexOf(e.re).test(s);
        return r !== e.neg ? 1 : 0;
      }
      case 'bin': {
        if (e.op === '&&') return truthy(this.eval(e.a)) && truthy(this.eval(e.b)) ? 1 : 0;
        if (e.op === '||') return truthy(this.eval(e.a)) || truthy(this.eval(e.b)) ? 1 : 0;
        const a = this.eval(e.a);
        const b = this.eval(e.b);
        switch (e.op) {
          case 'concat': return toStr(a) + toStr(b);
          case '+': return toNum(a) + toNum(b);
          case '-': return toNum(a) - toNum(b);
          case '*': return toNum(a) * toNum(b);
          case '/': {
            const d = toNum(b);
            if (d === 0) throw new AwkRuntimeError('division by zero');
            return toNum(a) / d;
          }
          case '%': {
            const d = toNum(b);
            if (d === 0) throw new AwkRuntimeError('division by zero in %');
            return toNum(a) % d;
          }
          case '^': return toNum(a) ** toNum(b);
          case '<': return compare(a, b) < 0 ? 1 : 0;
          case '<=': return compare(a, b) <= 0 ? 1 : 0;
          case '>': return compare(a, b) > 0 ? 1 : 0;
          case '>=': return compare(a, b) >= 0 ? 1 : 0;
          case '==': return compare(a, b) === 0 ? 1 : 0;
          case '!=': return compare(a, b) !== 0 ? 1 : 0;
        }
        return 0;
      }
      case 'call': return this.call(e.name, e.args);
    }
  }

  call(name: string, args: Expr[]): Value {
    const s = (i: number): string => (args[i] ? toStr(this.eval(args[i]!)) : '');
    const n = (i: number): number => (args[i] ? toNum(this.eval(args[i]!)) : 0);
    switch (name) {
      case 'length': {
        if (args.length === 0) return [...this.record].length;
        const a = args[0]!;
        if (a.k === 'var' && this.arrays.has(a.name)) return this.arrays.get(a.name)!.size;
        return [...s(0)].length;
      }
      case 'substr': {
        const str = [...s(0)];
        const m = Math.round(n(1));
        const len = args.length > 2 ? Math.round(n(2)) : Infinity;
        const start = Math.max(1, m);
        const end = len === Infinity ? str.length + 1 : m + len;
        return end <= start ? '' : str.slice(start - 1, end - 1).join('');
      }
      case 'index': return s(0).indexOf(s(1)) + 1;
      case 'split': {
        const target = args[1];
        if (!target || target.k !== 'var') throw new AwkRuntimeError('split: second argument must be an array');
        const parts = this.split(s(0), args.length > 2 ? (args[2]!.k === 're' ? (args[2] as { re: RegExp }).re.source : s(2)) : toStr(this.vars.get('FS')));
        const arr = this.array(target.name);
        arr.clear();
        parts.forEach((p, i) => arr.set(String(i + 1), new StrNum(p)));
        return parts.length;
      }
      case 'sub': case 'gsub': {
        const re = this.regexOf(args[0]!);
        const repl = s(1);
        const target = args[2] ?? ({ k: 'field', e: { k: 'num', v: 0 } } as Expr);
        const src = toStr(this.eval(target));
        let count = 0;
        const g = new RegExp(re.source, re.flags.replace('g', '') + (name === 'gsub' ? 'g' : ''));
        const result = src.replace(g, (m) => {
          count++;
          let out = '';
          for (let i = 0; i < repl.length; i++) {
            if (repl[i] === '\\' && (repl[i + 1] === '&' || repl[i + 1] === '\\')) out += repl[++i];
            else if (repl[i] === '&') out += m;
            else out += repl[i];
          }
          return out;
        });
        if (count > 0) this.assign(target, result);
        return count;
      }
      case 'match': {
        const m = this.regexOf(args[1]!).exec(s(0));
        this.vars.set('RSTART', m ? m.index + 1 : 0);
        this.vars.set('RLENGTH', m ? m[0].length : -1);
        return m ? m.index + 1 : 0;
      }
      case 'sprintf': return awkSprintf(s(0), args.slice(1).map((a) => this.eval(a)));
      case 'tolower': return s(0).toLowerCase();
      case 'toupper': return s(0).toUpperCase();
      case 'int': return Math.trunc(n(0));
      case 'sqrt': return Math.sqrt(n(0));
      case 'exp': return Math.exp(n(0));
      case 'log': return Math.log(n(0));
      case 'sin': return Math.sin(n(0));
      case 'cos': return Math.cos(n(0));
      case 'atan2': return Math.atan2(n(0), n(1));
      // Deterministic: core has no randomness outside its seeded Rng.
      case 'rand': return 0.5;
      case 'srand': return 0;
      case 'system': throw new AwkRuntimeError('system() is not supported in this terminal');
    }
    return undefined;
  }

  exec(s: Stmt): void {
    switch (s.k) {
      case 'expr': this.eval(s.e); return;
      case 'print': {
        let text: string;
        if (s.printf) {
          const vals = s.args.map((a) => this.eval(a));
          text = awkSprintf(toStr(vals[0]), vals.slice(1));
        } else {
          const vals = s.args.length === 0 ? [new StrNum(this.record)] : s.args.map((a) => this.eval(a));
          const ofmt = (v: Value): string => (typeof v === 'number' && !Number.isInteger(v) ? formatG(v, 6) : toStr(v));
          text = vals.map(ofmt).join(toStr(this.vars.get('OFS'))) + toStr(this.vars.get('ORS'));
        }
        if (s.dest) {
          const name = toStr(this.eval(s.dest.e));
          let buf = this.files.get(name);
          if (!buf) {
            buf = [];
            this.files.set(name, buf);
            if (!s.dest.append && name !== '/dev/stdout' && name !== '/dev/stderr' && name !== '-') {
              const err = this.ctx.fs.writeFile(resolvePath(name, this.ctx.cwd), '');
              if (err) throw new AwkRuntimeError(`cannot open "${name}" for output`);
            }
          }
          buf.push(text);
        } else this.out.push(text);
        if (this.out.length > 4096) this.flush();
        return;
      }
      case 'if': if (truthy(this.eval(s.c))) this.exec(s.a); else if (s.b) this.exec(s.b); return;
      case 'while': {
        let guard = 0;
        if (s.doWhile) {
          do {
            if (this.loopBody(s.body)) break;
            if (++guard > MAX_LOOP) throw new AwkRuntimeError('loop ran too long');
          } while (truthy(this.eval(s.c)));
          return;
        }
        while (truthy(this.eval(s.c))) {
          if (this.loopBody(s.body)) break;
          if (++guard > MAX_LOOP) throw new AwkRuntimeError('loop ran too long');
        }
        return;
      }
      case 'for': {
        let guard = 0;
        if (s.init) this.exec(s.init);
        while (s.c === null || truthy(this.eval(s.c))) {
          if (this.loopBody(s.body)) break;
          if (s.step) this.exec(s.step);
          if (++guard > MAX_LOOP) throw new AwkRuntimeError('loop ran too long');
        }
        return;
      }
      case 'forin': {
        for (const k of [...this.array(s.arr).keys()]) {
          this.setVar(s.v, new StrNum(k));
          if (this.loopBody(s.body)) break;
        }
        return;
      }
      case 'block': for (const x of s.body) this.exec(x); return;
      case 'next': throw new NextSignal();
      case 'exit': throw new ExitSignal(s.e ? Math.trunc(toNum(this.eval(s.e))) : 0);
      case 'delete': {
        if (s.subs === null) this.array(s.name).clear();
        else this.array(s.name).delete(this.subscript(s.subs));
        return;
      }
      case 'break': throw new BreakSignal();
      case 'continue': throw new ContinueSignal();
    }
  }

  /** Runs a loop body; true when it broke out. */
  private loopBody(body: Stmt): boolean {
    try {
      this.exec(body);
    } catch (e) {
      if (e instanceof BreakSignal) return true;
      if (e instanceof ContinueSignal) return false;
      throw e;
    }
    return false;
  }

  flush(): void {
    if (this.out.length > 0) {
      this.ctx.io.stdout(this.out.join(''));
      this.out = [];
    }
  }

  flushFiles(): void {
    for (const [name, buf] of this.files) {
      const text = buf.join('');
      if (name === '/dev/stdout' || name === '-') this.ctx.io.stdout(text);
      else if (name === '/dev/stderr') this.ctx.io.stderr(text);
      else this.ctx.fs.writeFile(resolvePath(name, this.ctx.cwd), text, true);
    }
    this.files.clear();
  }
}

class AwkRuntimeError extends Error {}

export function awk(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const args = ctx.argv.slice(1);
  let fs: string | null = null;
  const assigns: [string, string][] = [];
  let program: string | null = null;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('-F')) {
      fs = a.length > 2 ? a.slice(2) : (args[++i] ?? '');
    } else if (a.startsWith('-v')) {
      const v = a.length > 2 ? a.slice(2) : (args[++i] ?? '');
      const eq = v.indexOf('=');
      if (eq < 1) {
        ctx.io.stderr(`awk: improper assignment: -v ${v}\n`);
        return 2;
      }
      assigns.push([v.slice(0, eq), v.slice(eq + 1)]);
    } else if (a === '-f') {
      const f = args[++i] ?? '';
      const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
      if ('error' in r) {
        if (bb) ctx.io.stderr(`awk: can't open '${f}': ${fsErrorText(r.error)}\n`);
        else ctx.io.stderr(`awk: couldn't open file ${f}: ${fsErrorText(r.error)}\n`);
        return bb ? 1 : 2;
      }
      program = (program ?? '') + r.data + '\n';
    } else if (a.startsWith('-') && a !== '-') {
      if (bb) return optionError(ctx, a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`);
      ctx.io.stderr(`awk: not an option: ${a}\n`);
      return 2;
    } else break;
  }
  if (program === null) {
    if (i >= args.length) {
      if (bb) return bbUsage(ctx);
      ctx.io.stderr('usage: awk [-F value] [-v var=value] [--] \'program text\' [file ...]\n');
      return 2;
    }
    program = args[i++]!;
  }
  const operands = args.slice(i);
  let rules: Rule[];
  try {
    rules = new Parser(lex(program), { extended: true }).program();
  } catch (e) {
    if (e instanceof AwkSyntaxError) {
      // busybox reports every parse error as an unexpected token.
      ctx.io.stderr(bb ? 'awk: cmd. line:1: Unexpected token\n' : `awk: line 1: ${e.message}\n`);
      return bb ? 1 : 2;
    }
    throw e;
  }
  const it = new Interp(ctx);
  const unescape = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', '\\': '\\' } as Record<string, string>)[c] ?? '\\' + c);
  if (fs !== null) it.vars.set('FS', fs === 't' ? '\t' : unescape(fs));
  for (const [k, v] of assigns) it.vars.set(k, new StrNum(unescape(v)));
  let exitCode = 0;
  const runRule = (r: Rule): void => {
    if (r.action === null) it.exec({ k: 'print', args: [], printf: false, dest: null });
    else for (const s of r.action) it.exec(s);
  };
  const matchesRule = (r: Rule): boolean => {
    const p = r.pattern;
    if (p === null) return true;
    if (p === 'BEGIN' || p === 'END') return false;
    if (Array.isArray(p)) {
      if (r.inRange) {
        if (truthy(it.eval(p[1]))) r.inRange = false;
        return true;
      }
      if (truthy(it.eval(p[0]))) {
        r.inRange = !truthy(it.eval(p[1]));
        return true;
      }
      return false;
    }
    return truthy(it.eval(p));
  };
  let status = 0;
  try {
    try {
      for (const r of rules) if (r.pattern === 'BEGIN') runRule(r);
      const hasMain = rules.some((r) => r.pattern !== 'BEGIN');
      if (hasMain) {
        const inputs = operands.length > 0 ? operands : ['-'];
        let nr = 0;
        for (const f of inputs) {
          const eq = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(f);
          if (eq) {
            it.vars.set(eq[1]!, new StrNum(unescape(eq[2]!)));
            continue;
          }
          let text: string;
          if (f === '-') text = ctx.io.stdin ?? '';
          else {
            const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
            if ('error' in r) {
              ctx.io.stderr(bb ? `awk: ${f}: ${fsErrorText(r.error)}\n` : `awk: cannot open ${f} (${fsErrorText(r.error)})\n`);
              status = bb ? 1 : 2;
              continue;
            }
            text = r.data;
          }
          it.vars.set('FILENAME', f === '-' ? '' : f);
          const rs = toStr(it.vars.get('RS'));
          const records = rs === '' ? text.split(/\n\n+/).filter((x) => x !== '') : text.split(rs.length === 1 ? rs : new RegExp(rs));
          if (records.length > 0 && records[records.length - 1] === '') records.pop();
          let fnr = 0;
          for (const rec of records) {
            it.vars.set('NR', ++nr);
            it.vars.set('FNR', ++fnr);
            it.setRecord(rec);
            try {
              for (const r of rules) if (r.pattern !== 'END' && r.pattern !== 'BEGIN' && matchesRule(r)) runRule(r);
            } catch (e) {
              if (!(e instanceof NextSignal)) throw e;
            }
          }
        }
      }
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      exitCode = e.code;
      // exit in BEGIN or main still runs END (POSIX).
    }
    try {
      for (const r of rules) if (r.pattern === 'END') runRule(r);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      exitCode = e.code;
    }
  } catch (e) {
    it.flush();
    it.flushFiles();
    if (e instanceof AwkRuntimeError) {
      ctx.io.stderr(bb ? `awk: cmd. line:1: ${e.message[0]!.toUpperCase()}${e.message.slice(1)}\n` : `awk: run time error: ${e.message}\n`);
      return bb ? 1 : 2;
    }
    if (e instanceof NextSignal) {
      ctx.io.stderr('awk: run time error: improper use of next\n');
      return 2;
    }
    throw e;
  }
  it.flush();
  it.flushFiles();
  return exitCode || status;
}
