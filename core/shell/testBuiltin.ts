/**
 * `test` and `[`, worded per shell (bash `[: a: integer expression
 * expected`, ash `sh: a: bad number`, dash `[: Illegal number: a`).
 */
import type { ProcessIO } from '../process';
import { resolvePath } from './filesystem';
import type { Interpreter } from './interp';
import type { Ctx } from './shellTypes';

class TestError extends Error {}

/** `test` / `[`: the unary file and string tests, binary string and integer comparisons, `!`, `-a`, `-o`. */
export function testBuiltin(args: string[], io: ProcessIO, sh: Interpreter, ctx: Ctx, name: string): number {
  const bash = sh.voice.personality === 'bash';
  const fs = sh.fs;
  const cwd = ctx.state.cwd;
  const intOf = (s: string): number | null => (/^\s*[+-]?\d+\s*$/.test(s) ? Number(s) : null);
  const fail = (msg: string): never => {
    throw new TestError(bash ? sh.message(msg, name) : sh.voice.personality === 'dash' ? sh.message(msg, name) : `${sh.state.arg0}: ${msg}\n`);
  };
  const evalExpr = (a: string[]): boolean => {
    const orAt = a.indexOf('-o');
    if (orAt > 0 && orAt < a.length - 1) return evalExpr(a.slice(0, orAt)) || evalExpr(a.slice(orAt + 1));
    const andAt = a.indexOf('-a');
    if (andAt > 0 && andAt < a.length - 1) return evalExpr(a.slice(0, andAt)) && evalExpr(a.slice(andAt + 1));
    if (a[0] === '!' && a.length > 1) return !evalExpr(a.slice(1));
    if (a[0] === '(' && a[a.length - 1] === ')') return evalExpr(a.slice(1, -1));
    if (a.length === 0) return false;
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) {
      const [op, v] = a as [string, string];
      const abs = resolvePath(v, cwd);
      const st = fs.stat(abs);
      switch (op) {
        case '-z': return v === '';
        case '-n': return v !== '';
        case '-e': case '-a': return typeof st !== 'string';
        case '-f': return typeof st !== 'string' && st.kind === 'file';
        case '-d': return typeof st !== 'string' && st.kind === 'dir';
        case '-s': return typeof st !== 'string' && st.size > 0;
        case '-r': case '-w': return typeof st !== 'string';
        case '-x': return typeof st !== 'string' && (st.kind === 'dir' || (st.mode & 0o111) !== 0);
        case '-L': case '-h': {
          const l = fs.lstat(abs);
          return typeof l !== 'string' && l.kind === 'symlink';
        }
        case '-p': case '-S': case '-b': case '-c': case '-t': return false;
      }
      return fail(bash ? `${op}: unary operator expected` : sh.voice.personality === 'dash' ? `${op}: unexpected operator` : `${op}: unknown operand`);
    }
    if (a.length === 3) {
      const [l, op, r] = a as [string, string, string];
      switch (op) {
        case '=': case '==': return l === r;
        case '!=': return l !== r;
        case '<': return l < r;
        case '>': return l > r;
      }
      if (['-eq', '-ne', '-lt', '-le', '-gt', '-ge'].includes(op)) {
        const x = intOf(l);
        const y = intOf(r);
        const bad = (v: string): never => fail(bash ? `${v}: integer expression expected` : sh.voice.personality === 'dash' ? `Illegal number: ${v}` : `${v}: bad number`);
        if (x === null) return bad(l);
        if (y === null) return bad(r);
        return op === '-eq' ? x === y : op === '-ne' ? x !== y : op === '-lt' ? x < y : op === '-le' ? x <= y : op === '-gt' ? x > y : x >= y;
      }
      return fail(bash ? `${op}: binary operator expected` : `${op}: unknown operand`);
    }
    return fail(bash ? 'too many arguments' : `${a[a.length - 1]}: unknown operand`);
  };
  try {
    return evalExpr(args) ? 0 : 1;
  } catch (e) {
    if (e instanceof TestError) {
      io.stderr(e.message);
      return 2;
    }
    throw e;
  }
}
