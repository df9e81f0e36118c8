/**
 * test and [: coreutils' parser (POSIX's rules for one to four arguments,
 * then -a/-o expressions) and busybox's (ash's test.c), with each one's
 * messages. Both exit 0 (true), 1 (false) or 2 (a syntax error).
 */
import { q, type UtilContext } from '../context';
import { resolvePath, type FsStat } from '../filesystem';

class TestSyntax extends Error {}

const UNARY = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-G', '-h', '-k', '-L', '-n', '-N', '-O', '-p', '-r', '-s', '-S', '-t', '-u', '-w', '-x', '-z']);
const GNU_BINARY = new Set(['=', '==', '!=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);
const BB_BINARY = new Set([...GNU_BINARY, '<', '>']);

export function test(ctx: UtilContext): number {
  const name = ctx.argv[0]!;
  let args = ctx.argv.slice(1);
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      ctx.io.stderr(ctx.flavor === 'gnu' ? `[: missing ${q(']')}\n` : '[: missing ]\n');
      return 2;
    }
    args = args.slice(0, -1);
  }
  const ops = new Ops(ctx);
  try {
    return (ctx.flavor === 'gnu' ? gnuTest(args, ops) : bbTest(args, ops)) ? 0 : 1;
  } catch (e) {
    if (e instanceof TestSyntax) {
      ctx.io.stderr(`${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** The primaries over the filesystem and terminal, shared by both parsers. */
class Ops {
  constructor(private readonly ctx: UtilContext) {}

  private stat(path: string, link = false): FsStat | null {
    const abs = resolvePath(path, this.ctx.cwd);
    const st = link ? this.ctx.fs.lstat(abs) : this.ctx.fs.stat(abs);
    return typeof st === 'string' ? null : st;
  }

  unary(op: string, v: string): boolean {
    const st = op === '-h' || op === '-L' ? this.stat(v, true) : this.stat(v);
    const root = this.ctx.user === 'root' || this.ctx.user === '' || this.ctx.user === '0';
    switch (op) {
      case '-z': return v === '';
      case '-n': return v !== '';
      case '-e': return st !== null;
      case '-f': return st?.kind === 'file';
      case '-d': return st?.kind === 'dir';
      case '-h': case '-L': return st?.kind === 'symlink';
      case '-s': return st !== null && st.size > 0;
      case '-r': case '-w': return st !== null && (root || (st.mode & (op === '-r' ? 0o444 : 0o222)) !== 0);
      case '-x': return st !== null && (st.kind === 'dir' || (st.mode & 0o111) !== 0);
      case '-u': return st !== null && (st.mode & 0o4000) !== 0;
      case '-g': return st !== null && (st.mode & 0o2000) !== 0;
      case '-k': return st !== null && (st.mode & 0o1000) !== 0;
      case '-O': case '-G': return st !== null && (op === '-O' ? st.uid ?? 0 : st.gid ?? 0) === (root ? 0 : -1);
      case '-t': return v.trim() === '0' ? this.ctx.io.stdinIsTTY : v.trim() === '1' ? this.ctx.stdoutIsTTY : false;
      // Devices, pipes and sockets are not files this filesystem has.
      default: return false;
    }
  }

  /** `a op b`; `int` parses an integer operand or throws the flavor's error. */
  binary(a: string, op: string, b: string, int: (s: string) => number): boolean {
    switch (op) {
      case '=': case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '>': return a > b;
      case '-nt': case '-ot': {
        const x = this.stat(a);
        const y = this.stat(b);
        if (op === '-nt') return x !== null && (y === null || x.mtime > y.mtime);
        return y !== null && (x === null || x.mtime < y.mtime);
      }
      case '-ef': {
        const x = this.stat(a);
        const y = this.stat(b);
        return x !== null && y !== null && resolvePath(a, this.ctx.cwd) === resolvePath(b, this.ctx.cwd);
      }
    }
    const x = int(a);
    const y = int(b);
    return op === '-eq' ? x === y : op === '-ne' ? x !== y : op === '-lt' ? x < y : op === '-le' ? x <= y : op === '-gt' ? x > y : x >= y;
  }
}

// ---------- coreutils ----------

function gnuTest(argv: string[], ops: Ops): boolean {
  let pos = 0;
  const argc = argv.length;
  const fail = (msg: string): never => {
    throw new TestSyntax(msg);
  };
  const beyond = (): never => fail(`missing argument after ${q(argv[argc - 1]!)}`);
  const int = (s: string): number => (/^[ \t]*[+-]?\d+[ \t]*$/.test(s) ? Number(s) : fail(`invalid integer ${q(s)}`));
  const advance = (need: boolean): void => {
    pos++;
    if (need && pos >= argc) beyond();
  };
  const unary = (): boolean => {
    const op = argv[pos]!;
    advance(true);
    const v = argv[pos]!;
    advance(false);
    return ops.unary(op, v);
  };
  const binary = (): boolean => {
    const a = argv[pos]!;
    const op = argv[pos + 1]!;
    const b = argv[pos + 2]!;
    pos += 3;
    return ops.binary(a, op, b, int);
  };
  const isSwitch = (s: string): boolean => s.length === 2 && s[0] === '-';
  const oneArgument = (): boolean => argv[pos++] !== '';
  const twoArguments = (): boolean => {
    if (argv[pos] === '!') {
      advance(false);
      return !oneArgument();
    }
    if (isSwitch(argv[pos]!)) {
      if (UNARY.has(argv[pos]!)) return unary();
      fail(`${q(argv[pos]!)}: unary operator expected`);
    }
    return beyond();
  };
  const threeArguments = (): boolean => {
    if (GNU_BINARY.has(argv[pos + 1]!)) return binary();
    if (argv[pos] === '!') {
      advance(true);
      return !twoArguments();
    }
    if (argv[pos] === '(' && argv[pos + 2] === ')') {
      advance(false);
      const v = oneArgument();
      advance(false);
      return v;
    }
    if (argv[pos + 1] === '-a' || argv[pos + 1] === '-o') return expr();
    return fail(`${q(argv[pos + 1]!)}: binary operator expected`);
  };
  const fourArguments = (): boolean => {
    if (argv[pos] === '!') {
      advance(true);
      return !threeArguments();
    }
    if (argv[pos] === '(' && argv[pos + 3] === ')') {
      advance(false);
      const v = twoArguments();
      advance(false);
      return v;
    }
    return expr();
  };
  const posixtest = (n: number): boolean => (n === 1 ? oneArgument() : n === 2 ? twoArguments() : n === 3 ? threeArguments() : n === 4 ? fourArguments() : expr());
  const term = (): boolean => {
    let negated = false;
    while (pos < argc && argv[pos] === '!') {
      advance(true);
      negated = !negated;
    }
    if (pos >= argc) beyond();
    let value: boolean;
    if (argv[pos] === '(') {
      advance(true);
      let n = 1;
      for (; pos + n < argc && argv[pos + n] !== ')'; n++) {
        if (n === 4) {
          n = argc - pos;
          break;
        }
      }
      value = posixtest(n);
      if (argv[pos] === undefined) fail(`${q(')')} expected`);
      if (argv[pos] !== ')') fail(`${q(')')} expected, found ${q(argv[pos]!)}`);
      advance(false);
    } else if (argc - pos >= 3 && GNU_BINARY.has(argv[pos + 1]!)) value = binary();
    else if (isSwitch(argv[pos]!)) {
      if (!UNARY.has(argv[pos]!)) fail(`${q(argv[pos]!)}: unary operator expected`);
      value = unary();
    } else value = argv[pos++] !== '';
    return negated !== value;
  };
  const and = (): boolean => {
    let value = true;
    for (;;) {
      value = term() && value;
      if (pos >= argc || argv[pos] !== '-a') return value;
      advance(false);
    }
  };
  const or = (): boolean => {
    let value = false;
    for (;;) {
      value = and() || value;
      if (pos >= argc || argv[pos] !== '-o') return value;
      advance(false);
    }
  };
  function expr(): boolean {
    if (pos >= argc) beyond();
    return or();
  }
  if (argc === 0) return false;
  const value = posixtest(argc);
  if (pos !== argc) fail(`extra argument ${q(argv[pos]!)}`);
  return value;
}

// ---------- busybox ----------

function bbTest(argv: string[], ops: Ops): boolean {
  let pos = 0;
  const fail = (op: string | undefined, msg: string): never => {
    throw new TestSyntax(op ? `${op}: ${msg}` : msg);
  };
  const int = (s: string): number => (/^[ \t]*-?\d+$/.test(s) ? Number(s) : fail(s, 'bad number'));
  // POSIX's special cases, which busybox applies before parsing.
  if (argv.length === 0) return false;
  if (argv.length === 1) return argv[0] !== '';
  if (argv.length === 2 && argv[0] === '!') return argv[1] === '';
  if (argv.length === 3 && argv[0] === '!' && !BB_BINARY.has(argv[1]!)) return !bbTest(argv.slice(1), ops);
  const primary = (): boolean => {
    const t = argv[pos];
    if (t === undefined) return fail(undefined, 'argument expected');
    if (t === '(') {
      pos++;
      const v = oexpr();
      if (argv[pos] !== ')') fail(argv[pos], 'closing paren expected');
      pos++;
      return v;
    }
    const next = argv[pos + 1];
    if (next !== undefined && BB_BINARY.has(next)) {
      if (argv[pos + 2] === undefined) return fail(next, 'argument expected');
      pos += 3;
      return ops.binary(t, next, argv[pos - 1]!, int);
    }
    if (UNARY.has(t) && next !== undefined) {
      pos += 2;
      return ops.unary(t, next);
    }
    pos++;
    return t !== '';
  };
  const nexpr = (): boolean => {
    if (argv[pos] === '!') {
      pos++;
      return !nexpr();
    }
    return primary();
  };
  const aexpr = (): boolean => {
    let v = nexpr();
    while (argv[pos] === '-a') {
      pos++;
      v = nexpr() && v;
    }
    return v;
  };
  function oexpr(): boolean {
    let v = aexpr();
    while (argv[pos] === '-o') {
      pos++;
      v = aexpr() || v;
    }
    return v;
  }
  const value = oexpr();
  if (pos < argv.length) fail(argv[pos], 'unknown operand');
  return value;
}
