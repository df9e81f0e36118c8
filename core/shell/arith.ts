/** Bash arithmetic `$(( … ))` on 64-bit-ish integers (JS numbers, truncated). */

export class ArithError extends Error {}

/** Evaluates `expr`; variables are read and written through `get`/`set`. Throws ArithError with bash's text. */
export function evalArith(expr: string, get: (name: string) => string | undefined, set: (name: string, v: string) => void): number {
  const toks = expr.match(/\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||\+\+|--|[-+*/%]=|[-+*/%()<>!~&|^?:=,])/gy);
  const consumed = (toks ?? []).join('').length;
  if (expr.slice(consumed).trim() !== '') {
    const rest = expr.slice(consumed).trim();
    throw new ArithError(`${expr.trim()}: syntax error: operand expected (error token is "${rest}")`);
  }
  const t = (toks ?? []).map((s) => s.trim());
  let i = 0;
  const peek = (): string | undefined => t[i];
  const fail = (): never => {
    const rest = t.slice(i).join(' ');
    throw new ArithError(`${expr.trim()}: syntax error: ${rest === '' ? 'operand expected' : 'invalid arithmetic operator'} (error token is "${rest}")`);
  };
  const valueOf = (name: string): number => {
    const v = get(name);
    if (v === undefined || v.trim() === '') return 0;
    if (/^\s*-?\d+\s*$/.test(v)) return Number(v);
    // Bash evaluates a variable's text as an expression; one level is enough here.
    return evalArith(v, get, set);
  };
  const assignOps = new Set(['=', '+=', '-=', '*=', '/=', '%=']);
  const comma = (): number => {
    let v = assign();
    while (peek() === ',') {
      i++;
      v = assign();
    }
    return v;
  };
  const assign = (): number => {
    const name = t[i];
    if (name !== undefined && /^[A-Za-z_]/.test(name) && assignOps.has(t[i + 1] ?? '')) {
      const op = t[i + 1]!;
      i += 2;
      const r = assign();
      const cur = valueOf(name);
      const v = op === '=' ? r : op === '+=' ? cur + r : op === '-=' ? cur - r : op === '*=' ? cur * r : op === '/=' ? div(cur, r) : mod(cur, r);
      set(name, String(v));
      return v;
    }
    return ternary();
  };
  const ternary = (): number => {
    const c = binary(0);
    if (peek() === '?') {
      i++;
      const a = assign();
      if (peek() !== ':') fail();
      i++;
      const b = assign();
      return c !== 0 ? a : b;
    }
    return c;
  };
  const levels: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  const div = (a: number, b: number): number => {
    if (b === 0) throw new ArithError(`${expr.trim()}: division by 0 (error token is "${t.slice(i - 1).join('')}")`);
    return Math.trunc(a / b);
  };
  const mod = (a: number, b: number): number => {
    if (b === 0) throw new ArithError(`${expr.trim()}: division by 0 (error token is "${t.slice(i - 1).join('')}")`);
    return a % b;
  };
  const binary = (level: number): number => {
    if (level >= levels.length) return power();
    let a = binary(level + 1);
    while (levels[level]!.includes(peek() ?? '')) {
      const op = t[i++]!;
      const b = binary(level + 1);
      switch (op) {
        case '||': a = a !== 0 || b !== 0 ? 1 : 0; break;
        case '&&': a = a !== 0 && b !== 0 ? 1 : 0; break;
        case '|': a = a | b; break;
        case '^': a = a ^ b; break;
        case '&': a = a & b; break;
        case '==': a = a === b ? 1 : 0; break;
        case '!=': a = a !== b ? 1 : 0; break;
        case '<': a = a < b ? 1 : 0; break;
        case '>': a = a > b ? 1 : 0; break;
        case '<=': a = a <= b ? 1 : 0; break;
        case '>=': a = a >= b ? 1 : 0; break;
        case '<<': a = a << b; break;
        case '>>': a = a >> b; break;
        case '+': a = a + b; break;
        case '-': a = a - b; break;
        case '*': a = a * b; break;
        case '/': a = div(a, b); break;
        case '%': a = mod(a, b); break;
      }
    }
    return a;
  };
  const power = (): number => {
    const a = unary();
    if (peek() === '**') {
      i++;
      return a ** power();
    }
    return a;
  };
  const unary = (): number => {
    const op = peek();
    if (op === '-' || op === '+' || op === '!' || op === '~') {
      i++;
      const v = unary();
      return op === '-' ? -v : op === '+' ? v : op === '!' ? (v === 0 ? 1 : 0) : ~v;
    }
    if (op === '++' || op === '--') {
      i++;
      const name = t[i++];
      if (name === undefined || !/^[A-Za-z_]/.test(name)) fail();
      const v = valueOf(name!) + (op === '++' ? 1 : -1);
      set(name!, String(v));
      return v;
    }
    return primary();
  };
  const primary = (): number => {
    const tok = t[i];
    if (tok === undefined) fail();
    if (tok === '(') {
      i++;
      const v = comma();
      if (peek() !== ')') fail();
      i++;
      return v;
    }
    if (/^\d/.test(tok!)) {
      i++;
      return tok!.startsWith('0x') || tok!.startsWith('0X') ? parseInt(tok!, 16) : tok!.length > 1 && tok!.startsWith('0') ? parseInt(tok!, 8) : Number(tok);
    }
    if (/^[A-Za-z_]/.test(tok!)) {
      i++;
      const v = valueOf(tok!);
      if (peek() === '++' || peek() === '--') {
        set(tok!, String(v + (t[i] === '++' ? 1 : -1)));
        i++;
      }
      return v;
    }
    return fail();
  };
  if (t.length === 0) return 0;
  const v = comma();
  if (i < t.length) fail();
  return Math.trunc(v);
}
