/**
 * find: GNU findutils' and busybox's, over the shell's filesystem. The
 * expression (tests, actions, ! ( ) -a -o) is parsed into a tree and run on
 * each file, depth first; directories are read in name order (a real
 * filesystem's order is its own).
 */
import { bbUsage, q, type UtilContext } from '../context';
import { compilePosix, globToRegex } from '../regex';
import { fsErrorText, resolvePath, type FsStat } from '../filesystem';
import { accounts, groupName, userName } from './accounts';
import { modeString } from './ls';
import { lsTime } from './files';

class FindError extends Error {
  constructor(message: string, readonly usage = false) {
    super(message);
  }
}

interface Entry {
  path: string;
  abs: string;
  st: FsStat;
  depth: number;
}

type Node = { kind: 'and' | 'or'; a: Node; b: Node } | { kind: 'not'; a: Node } | { kind: 'test'; name: string; run: (e: Entry, f: Finder) => boolean | Promise<boolean>; action?: boolean };

interface Finder {
  ctx: UtilContext;
  out: string[];
  prune: boolean;
  quit: boolean;
  status: number;
  batches: { cmd: string[]; paths: string[] }[];
}

const GNU_OPTIONS = new Set(['-maxdepth', '-mindepth', '-depth', '-xdev', '-mount', '-noleaf', '-follow', '-ignore_readdir_race', '-d']);

/** "+N", "-N" or "N" against a value: greater, less or equal. */
function compareNum(spec: string, value: number): boolean {
  const n = Number(spec.replace(/^[+-]/, ''));
  return spec.startsWith('+') ? value > n : spec.startsWith('-') ? value < n : value === n;
}

function parse(args: string[], ctx: UtilContext): { root: Node | null; hasAction: boolean; maxDepth: number; minDepth: number; depthFirst: boolean } {
  const gnu = ctx.flavor === 'gnu';
  let i = 0;
  let hasAction = false;
  let maxDepth = Infinity;
  let minDepth = 0;
  let depthFirst = false;
  const unknown = (a: string): never => {
    throw gnu ? new FindError(`unknown predicate \`${a}'`) : new FindError(`unrecognized: ${a}`, true);
  };
  const need = (name: string): string => {
    const v = args[i++];
    if (v === undefined) throw new FindError(gnu ? `missing argument to \`${name}'` : `${name} requires an argument`);
    return v;
  };
  const number = (name: string, v: string, signed: boolean): string => {
    if ((signed ? /^[+-]?\d+$/ : /^\d+$/).test(v)) return v;
    throw new FindError(gnu ? (name === '-maxdepth' || name === '-mindepth' ? `Expected a positive decimal integer argument to ${name}, but got ${q(v)}` : `invalid argument \`${v}' to \`${name}'`) : `invalid number '${v}'`);
  };
  const test = (name: string, run: (e: Entry, f: Finder) => boolean | Promise<boolean>, action = false): Node => ({ kind: 'test', name, run, action });
  const primary = (): Node => {
    const a = args[i++]!;
    switch (a) {
      case '(': {
        const e = orExpr();
        if (args[i] !== ')') throw new FindError(gnu ? "invalid expression; I was expecting to find a ')' somewhere but did not see one." : "unpaired '('");
        i++;
        return e;
      }
      case '!': case '-not': {
        if (i >= args.length) throw new FindError(gnu ? "invalid expression; you have used a binary operator '!' with nothing before it." : 'invalid expression');
        return { kind: 'not', a: unary() };
      }
      case '-name': case '-iname': case '-path': case '-ipath': case '-wholename': {
        const pat = need(a);
        const re = globToRegex(pat, true);
        const ci = a.startsWith('-i') ? new RegExp(re.source, 'i') : re;
        const whole = a.includes('path') || a === '-wholename';
        return test(a, (e) => ci.test(whole ? e.path : e.path === '/' ? '/' : e.path.replace(/\/+$/, '').slice(e.path.replace(/\/+$/, '').lastIndexOf('/') + 1)));
      }
      case '-regex': case '-iregex': {
        const pat = need(a);
        const r = compilePosix(pat, false, a === '-iregex' ? 'i' : '');
        if ('error' in r) throw new FindError(gnu ? r.error : `bad regex '${pat}'`);
        const re = new RegExp(`^(?:${r.re.source})$`, r.re.flags);
        return test(a, (e) => re.test(e.path));
      }
      case '-type': {
        const t = need(a);
        if (!/^[fdlbcps]$/.test(t)) throw new FindError(gnu ? `Unknown argument to -type: ${t}` : `invalid argument '${t}' to '-type'`);
        return test(a, (e) => (t === 'f' ? e.st.kind === 'file' && !e.st.rdev : t === 'c' ? e.st.rdev !== undefined : t === 'd' ? e.st.kind === 'dir' : t === 'l' ? e.st.kind === 'symlink' : false));
      }
      case '-size': {
        const v = need(a);
        const m = (gnu ? /^([+-]?\d+)([cwbkMG]?)$/ : /^([+-]?\d+)([bck]?)$/).exec(v);
        if (!m) throw new FindError(gnu ? (/^[+-]?\d+/.test(v) ? `invalid -size type \`${v.replace(/^[+-]?\d+/, '')}'` : `invalid argument \`${v}' to \`-size'`) : `invalid number '${v}'`);
        const unit = { c: 1, w: 2, b: 512, k: 1024, M: 1024 ** 2, G: 1024 ** 3, '': 512 }[m[2]!]!;
        return test(a, (e) => compareNum(m[1]!, Math.ceil(e.st.size / unit)));
      }
      case '-empty': return test(a, (e, f) => (e.st.kind === 'dir' ? (f.ctx.fs.readdir(e.abs) as string[]).length === 0 : e.st.kind === 'file' && e.st.size === 0));
      case '-executable': return test(a, (e) => e.st.kind === 'dir' || (e.st.mode & 0o111) !== 0);
      case '-readable': case '-writable': return test(a, () => true);
      case '-mtime': case '-mmin': case '-atime': case '-amin': case '-ctime': case '-cmin': {
        const v = number(a, need(a), true);
        const unit = a.endsWith('min') ? 60_000 : 86_400_000;
        return test(a, (e, f) => compareNum(v, Math.floor((f.ctx.now() - e.st.mtime) / unit)));
      }
      case '-newer': {
        const ref = need(a);
        const st = ctx.fs.stat(resolvePath(ref, ctx.cwd));
        if (typeof st === 'string') throw new FindError(gnu ? `${q(ref)}: ${fsErrorText(st)}` : `${ref}: ${fsErrorText(st)}`);
        return test(a, (e) => e.st.mtime > st.mtime);
      }
      case '-perm': {
        const v = need(a);
        const m = (gnu ? /^([-/]?)([0-7]{1,4})$/ : /^([-+]?)([0-7]{1,4})$/).exec(v);
        if (!m) throw new FindError(gnu ? `invalid mode ${q(v)}` : `invalid mode '${v}'`);
        const mode = parseInt(m[2]!, 8);
        return test(a, (e) => (m[1] === '-' ? (e.st.mode & mode) === mode : m[1] ? (e.st.mode & mode) !== 0 || mode === 0 : (e.st.mode & 0o7777) === mode));
      }
      case '-user': case '-group': case '-uid': case '-gid': {
        const v = need(a);
        const acc = accounts(ctx);
        const group = a === '-group' || a === '-gid';
        const list = group ? acc.groups : acc.users;
        const id = /^\d+$/.test(v) ? Number(v) : list.find((x) => x.name === v)?.id;
        if (id === undefined) throw new FindError(gnu ? `‘${v}’ is not the name of a known ${group ? 'group' : 'user'}` : `invalid ${group ? 'group' : 'user'} name '${v}'`);
        return test(a, (e) => ((group ? e.st.gid : e.st.uid) ?? 0) === id);
      }
      case '-links': {
        const v = number(a, need(a), true);
        return test(a, (e) => compareNum(v, e.st.nlink));
      }
      case '-inum': {
        const v = number(a, need(a), true);
        return test(a, (e) => e.st.ino !== undefined && compareNum(v, e.st.ino));
      }
      case '-true': return test(a, () => true);
      case '-false': return test(a, () => false);
      case '-prune': return test(a, (_e, f) => ((f.prune = true), true));
      case '-quit': hasAction = true; return test(a, (_e, f) => ((f.quit = true), true), true);
      case '-print': case '-print0': {
        hasAction = true;
        const end = a === '-print' ? '\n' : '\0';
        return test(a, (e, f) => (f.out.push(e.path + end), true), true);
      }
      case '-delete': {
        if (!gnu) unknown(a);
        hasAction = true;
        depthFirst = true;
        return test(a, (e, f) => {
          const err = e.path === '.' ? undefined : f.ctx.fs.remove(e.abs, { dir: true });
          if (err) {
            f.ctx.io.stderr(`find: cannot delete ${q(e.path)}: ${fsErrorText(err)}\n`);
            f.status = 1;
            return false;
          }
          return true;
        }, true);
      }
      case '-ls': {
        if (!gnu) unknown(a);
        hasAction = true;
        return test(a, (e, f) => {
          const acc = accounts(f.ctx);
          const kb = e.st.kind === 'dir' ? 4 : e.st.kind === 'symlink' ? 0 : Math.ceil(e.st.size / 4096) * 4;
          const link = e.st.kind === 'symlink' ? ` -> ${e.st.target ?? ''}` : '';
          f.out.push(`${String(e.st.ino ?? 0).padStart(9)} ${String(kb).padStart(6)} ${modeString(e.st)} ${String(e.st.nlink).padStart(3)} ${userName(acc, e.st.uid ?? 0).padEnd(8)} ${groupName(acc, e.st.gid ?? 0).padEnd(8)} ${String(e.st.size).padStart(8)} ${lsTime(e.st.mtime, f.ctx.now())} ${e.path}${link}\n`);
          return true;
        }, true);
      }
      case '-printf': {
        if (!gnu) unknown(a);
        hasAction = true;
        const fmt = need(a);
        return test(a, (e, f) => (f.out.push(printf(fmt, e)), true), true);
      }
      case '-exec': case '-execdir': case '-ok': case '-okdir': {
        hasAction = true;
        const start = i;
        while (i < args.length && args[i] !== ';' && !(args[i] === '+' && args[i - 1] === '{}')) i++;
        if (i >= args.length || i === start) throw new FindError(gnu ? `missing argument to \`${a}'` : `${a} requires an argument`);
        const cmd = args.slice(start, i);
        const batch = args[i] === '+';
        i++;
        if (a !== '-exec') throw new FindError(`glassbox: find: ${a} is not simulated yet`);
        if (batch) {
          const b = { cmd, paths: [] as string[] };
          return test(a, (e, f) => {
            if (!f.batches.includes(b)) f.batches.push(b);
            b.paths.push(e.path);
            return true;
          }, true);
        }
        return test(a, async (e, f) => runCommand(f, cmd.map((w) => w.split('{}').join(e.path))), true);
      }
      default:
        if (GNU_OPTIONS.has(a)) {
          if (a === '-maxdepth' || a === '-mindepth') {
            const v = Number(number(a, need(a), false));
            if (a === '-maxdepth') maxDepth = v;
            else minDepth = v;
          } else if (a === '-depth' || a === '-d') depthFirst = true;
          return test(a, () => true);
        }
        if (!a.startsWith('-') || a.length === 1) {
          if (gnu) throw new FindError(`paths must precede expression: \`${a}'${lastPredicateHint(args, i - 1)}`);
          throw new FindError(`unrecognized: ${a}`, true);
        }
        return unknown(a);
    }
  };
  const unary = (): Node => primary();
  const andExpr = (): Node => {
    let left = unary();
    while (i < args.length && args[i] !== ')' && args[i] !== '-o' && args[i] !== '-or') {
      if (args[i] === '-a' || args[i] === '-and') i++;
      left = { kind: 'and', a: left, b: unary() };
    }
    return left;
  };
  function orExpr(): Node {
    let left = andExpr();
    while (args[i] === '-o' || args[i] === '-or') {
      i++;
      left = { kind: 'or', a: left, b: andExpr() };
    }
    return left;
  }
  if (args.length === 0) return { root: null, hasAction, maxDepth, minDepth, depthFirst };
  const root = orExpr();
  if (i < args.length) throw new FindError(args[i] === ')' ? (gnu ? "invalid expression; you have too many ')'" : "unpaired ')'") : `unexpected ${args[i]}`);
  return { root, hasAction, maxDepth, minDepth, depthFirst };
}

/** GNU's hint after "paths must precede expression" when a glob was left unquoted after -name. */
function lastPredicateHint(args: string[], at: number): string {
  const before = args[at - 2];
  return before !== undefined && /^-i?(name|path)$/.test(before) ? `\nfind: possible unquoted pattern after predicate \`${before}'?` : '';
}

async function runCommand(f: Finder, argv: string[]): Promise<boolean> {
  const r = await f.ctx.exec(argv, f.ctx.io, f.ctx.env);
  if (typeof r !== 'number') {
    f.ctx.io.stderr(`find: ${q(argv[0]!)}: ${r === 'ENOENT' ? 'No such file or directory' : 'Permission denied'}\n`);
    f.status = 1;
    return false;
  }
  return r === 0;
}

/** -printf's directives: %p %f %h %P %s %d %m %M %u %g %U %G %y %i %n %t %%, and \n \t \\ escapes. */
function printf(fmt: string, e: Entry): string {
  const base = e.path.replace(/\/+$/, '').slice(e.path.replace(/\/+$/, '').lastIndexOf('/') + 1) || e.path;
  const dir = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) || '/' : '.';
  const vals: Record<string, string> = {
    p: e.path, f: base, h: dir, s: String(e.st.size), d: String(e.depth), m: (e.st.mode & 0o7777).toString(8), M: modeString(e.st),
    U: String(e.st.uid ?? 0), G: String(e.st.gid ?? 0), y: e.st.kind === 'dir' ? 'd' : e.st.kind === 'symlink' ? 'l' : e.st.rdev ? 'c' : 'f', i: String(e.st.ino ?? 0), n: String(e.st.nlink),
    t: new Date(e.st.mtime).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, wd: string, d: string, mo: string, y: string, t: string) => `${wd} ${mo} ${d.padStart(2)} ${t}.0000000000 ${y}`),
    '%': '%',
  };
  return fmt
    .replace(/\\([ntr\\0])/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '0': '\0' })[c]!)
    .replace(/%(-?\d*)([pfhsdmMUGyint%])/g, (_m, w: string, c: string) => {
      const v = vals[c]!;
      const n = Math.abs(Number(w || 0));
      return w.startsWith('-') ? v.padEnd(n) : v.padStart(n);
    });
}

export async function find(ctx: UtilContext): Promise<number> {
  const gnu = ctx.flavor === 'gnu';
  const args = ctx.argv.slice(1);
  let k = 0;
  while (k < args.length && /^-[HLP]$/.test(args[k]!)) k++;
  const roots: string[] = [];
  while (k < args.length && !(args[k]!.startsWith('-') && args[k]!.length > 1) && args[k] !== '(' && args[k] !== '!') roots.push(args[k++]!);
  let plan: ReturnType<typeof parse>;
  try {
    plan = parse(args.slice(k), ctx);
  } catch (e) {
    if (!(e instanceof FindError)) throw e;
    ctx.io.stderr(e.message.startsWith('glassbox:') ? e.message + '\n' : `find: ${e.message}\n`);
    if (e.message.startsWith('glassbox:')) return 2;
    return e.usage ? bbUsage(ctx) : 1;
  }
  const f: Finder = { ctx, out: [], prune: false, quit: false, status: 0, batches: [] };
  const flush = (): void => {
    if (f.out.length > 0) ctx.io.stdout(f.out.join(''));
    f.out = [];
  };
  const evaluate = async (n: Node, e: Entry): Promise<boolean> => {
    switch (n.kind) {
      case 'and': return (await evaluate(n.a, e)) && evaluate(n.b, e);
      case 'or': return (await evaluate(n.a, e)) || evaluate(n.b, e);
      case 'not': return !(await evaluate(n.a, e));
      default: return n.run(e, f);
    }
  };
  const visit = async (e: Entry): Promise<void> => {
    if (f.quit) return;
    f.prune = false;
    const act = async (): Promise<void> => {
      if (e.depth < plan.minDepth) return;
      const hit = plan.root ? await evaluate(plan.root, e) : true;
      if (hit && !plan.hasAction) f.out.push(e.path + '\n');
    };
    if (!plan.depthFirst) await act();
    const descend = e.st.kind === 'dir' && e.depth < plan.maxDepth && !(f.prune && !plan.depthFirst);
    if (descend) {
      const names = ctx.fs.readdir(e.abs);
      if (typeof names === 'string') {
        ctx.io.stderr(gnu ? `find: ${q(e.path)}: ${fsErrorText(names)}\n` : `find: ${e.path}: ${fsErrorText(names)}\n`);
        f.status = 1;
      } else {
        for (const name of names) {
          if (f.quit) break;
          const abs = resolvePath(name, e.abs);
          const st = ctx.fs.lstat(abs);
          if (typeof st === 'string') continue;
          await visit({ path: e.path.endsWith('/') ? e.path + name : `${e.path}/${name}`, abs, st, depth: e.depth + 1 });
        }
      }
    }
    if (plan.depthFirst) await act();
    if (f.out.length > 256) flush();
  };
  for (const root of roots.length > 0 ? roots : ['.']) {
    if (f.quit) break;
    const abs = resolvePath(root, ctx.cwd);
    const st = ctx.fs.lstat(abs);
    if (typeof st === 'string') {
      flush();
      ctx.io.stderr(gnu ? `find: ${q(root)}: ${fsErrorText(st)}\n` : `find: ${root}: ${fsErrorText(st)}\n`);
      f.status = 1;
      continue;
    }
    await visit({ path: root, abs, st, depth: 0 });
  }
  flush();
  for (const b of f.batches) if (b.paths.length > 0 && !(await runCommand(f, b.cmd.flatMap((w) => (w === '{}' ? b.paths : [w]))))) f.status = 1;
  return f.status;
}
