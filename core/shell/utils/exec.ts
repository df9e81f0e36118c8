/**
 * The utilities that run other programs or wait (env, xargs, sleep) and
 * which, true and false: GNU coreutils/findutils/debianutils and busybox.
 */
import { getopt, has, last, all } from '../getopt';
import { bbUsage, optionError, readOperand, splitLines, usageError, q, type ExecError, type UtilContext } from '../context';
import { resolvePath } from '../filesystem';

/** What a missing or unrunnable program is reported as, and the status that goes with it. */
function execFailure(ctx: UtilContext, name: string, e: ExecError): number {
  const why = e === 'ENOENT' ? 'No such file or directory' : 'Permission denied';
  const prog = ctx.argv[0]!;
  if (prog === 'env') ctx.io.stderr(ctx.flavor === 'gnu' ? `env: ${q(name)}: ${why}\n` : `env: can't execute '${name}': ${why}\n`);
  else ctx.io.stderr(`${prog}: ${name}: ${why}\n`);
  return e === 'ENOENT' ? 127 : 126;
}

// ---------- env ----------

export async function env(ctx: UtilContext): Promise<number> {
  const gnu = ctx.flavor === 'gnu';
  // A lone "-" is -i in both.
  const args = ctx.argv.slice(1).map((a, i, list) => (a === '-' && list.slice(0, i).every((b) => b.startsWith('-')) ? '-i' : a));
  const p = getopt(args, {
    flags: gnu ? 'i0v' : 'i0',
    withValue: gnu ? 'uC' : 'u',
    stopAtOperand: true,
    long: gnu ? { 'ignore-environment': { as: 'i', value: false }, null: { as: '0', value: false }, unset: { as: 'u', value: true }, chdir: { as: 'C', value: true } } : {},
  });
  if ('error' in p) return gnu ? usageError(ctx, p.error, 125) : optionError(ctx, p.error);
  let vars: Record<string, string> = has(p, 'i') ? {} : { ...ctx.env };
  for (const name of all(p, 'u')) delete vars[name];
  let i = 0;
  const ops = p.operands;
  for (; i < ops.length; i++) {
    const m = /^([^=]+)=(.*)$/s.exec(ops[i]!);
    if (!m) break;
    vars = { ...vars, [m[1]!]: m[2]! };
  }
  if (i >= ops.length) {
    const end = has(p, '0') ? '\0' : '\n';
    ctx.io.stdout(Object.entries(vars).map(([k, v]) => `${k}=${v}${end}`).join(''));
    return 0;
  }
  if (has(p, 'C')) {
    ctx.io.stderr('glassbox: env: -C (--chdir) is not simulated yet\n');
    return 2;
  }
  const r = await ctx.exec(ops.slice(i), ctx.io, vars);
  return typeof r === 'number' ? r : execFailure(ctx, ops[i]!, r);
}

// ---------- sleep ----------

const UNIT_MS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export async function sleep(ctx: UtilContext): Promise<number> {
  const gnu = ctx.flavor === 'gnu';
  const args = ctx.argv.slice(1);
  if (args.length === 0) return gnu ? usageError(ctx, 'missing operand') : bbUsage(ctx);
  let ms = 0;
  for (const a of args) {
    if (/^(inf|infinity)$/i.test(a)) {
      ms = Infinity;
      continue;
    }
    // GNU reads any floating-point number (1e-3); busybox only plain decimals.
    const m = (gnu ? /^(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)([smhd]?)$/i : /^(\d+\.?\d*|\.\d+)([smhd]?)$/).exec(a);
    if (!m) {
      if (gnu && /^-[^\d.]/.test(a)) return usageError(ctx, `invalid option -- '${a[1]}'`);
      if (gnu) return usageError(ctx, `invalid time interval ${q(a)}`);
      ctx.io.stderr(`sleep: invalid number '${a}'\n`);
      return 1;
    }
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  if (ms === Infinity) {
    if (!ctx.io.interrupt.interrupted) await new Promise<void>((resolve) => ctx.io.interrupt.onInterrupt(resolve));
    return 130;
  }
  const done = await ctx.sleep(ms, ctx.io.interrupt);
  return done && !ctx.io.interrupt.interrupted ? 0 : 130;
}

// ---------- xargs ----------

/** xargs' default input parsing: blanks separate, quotes and backslashes group; `eof` ends the input. */
function xargsWords(input: string, gnu: boolean, eof: string | undefined): { words: string[] } | { error: string } {
  const words: string[] = [];
  let cur = '';
  let has = false;
  const push = (): boolean => {
    if (has) {
      if (eof !== undefined && cur === eof) return false;
      words.push(cur);
    }
    cur = '';
    has = false;
    return true;
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (!push()) return { words };
    } else if (c === "'" || c === '"') {
      const end = input.indexOf(c, i + 1);
      const nl = input.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) {
        const which = c === "'" ? 'single' : 'double';
        return { error: gnu ? `unmatched ${which} quote; by default quotes are special to xargs unless you use the -0 option` : `unmatched ${which} quote` };
      }
      cur += input.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === '\\' && i + 1 < input.length) {
      cur += input[++i];
      has = true;
    } else {
      cur += c;
      has = true;
    }
  }
  push();
  return { words };
}

export async function xargs(ctx: UtilContext): Promise<number> {
  const gnu = ctx.flavor === 'gnu';
  // -i and -l take their value only when attached: spell them as -I {} and -L 1.
  const raw = ctx.argv.slice(1);
  const args: string[] = [];
  for (let k = 0; k < raw.length; k++) {
    const a = raw[k]!;
    if (!a.startsWith('-') || a === '-' || a === '--') {
      args.push(...raw.slice(k));
      break;
    }
    if (gnu && /^-i/.test(a)) args.push('-I', a.slice(2) || '{}');
    else if (gnu && /^-l/.test(a)) args.push('-L', a.slice(2) || '1');
    else if (/^-e/.test(a)) args.push('-E', a.slice(2));
    else args.push(a);
  }
  const p = getopt(args, {
    flags: gnu ? '0prtx' : '0prtx',
    withValue: gnu ? 'adEILnPs' : 'aEInPs',
    stopAtOperand: true,
    long: gnu
      ? {
          null: { as: '0', value: false }, 'arg-file': { as: 'a', value: true }, delimiter: { as: 'd', value: true }, 'eof': { as: 'E', value: 'optional' },
          replace: { as: 'I', value: 'optional' }, 'max-lines': { as: 'L', value: 'optional' }, 'max-args': { as: 'n', value: true },
          'max-procs': { as: 'P', value: true }, interactive: { as: 'p', value: false }, 'no-run-if-empty': { as: 'r', value: false },
          'max-chars': { as: 's', value: true }, verbose: { as: 't', value: false }, exit: { as: 'x', value: false },
        }
      : {},
  });
  if ('error' in p) return optionError(ctx, p.error);
  const number = (opt: string, min: number): number | null | undefined => {
    const v = last(p, opt);
    if (v === undefined) return undefined;
    if (/^\d+$/.test(v) && Number(v) >= min) return Number(v);
    if (gnu) usageError(ctx, `invalid number "${v}" for -${opt} option`);
    else ctx.io.stderr(`xargs: invalid number '${v}'\n`);
    return null;
  };
  const maxArgs = number('n', 1);
  const maxLines = number('L', 1);
  const maxChars = number('s', 1);
  if (maxArgs === null || maxLines === null || maxChars === null || number('P', 0) === null) return 1;
  if (has(p, 'p')) {
    ctx.io.stderr('glassbox: xargs: -p (asking before each command) is not simulated yet\n');
    return 2;
  }
  const replace = has(p, 'I') ? last(p, 'I') || '{}' : null;
  const command = p.operands.length > 0 ? p.operands : ['echo'];
  let input: string;
  if (has(p, 'a')) {
    const t = readOperand(ctx, last(p, 'a')!, 'xargs');
    if (t === null) return 1;
    input = t;
  } else input = ctx.io.stdin ?? '';
  const eof = last(p, 'E') || undefined;
  const delim = has(p, '0') ? '\0' : has(p, 'd') ? last(p, 'd')!.replace(/^\\n$/, '\n').replace(/^\\t$/, '\t').slice(0, 1) : null;
  let batches: string[][] = [];
  if (replace !== null) {
    for (const line of splitLines(input)) {
      const it = line.replace(/^[ \t]+/, '');
      if (it.trim() === '') continue;
      if (eof !== undefined && it === eof) break;
      batches.push(command.map((w) => w.split(replace).join(it)));
    }
  } else {
    let groups: string[][];
    if (delim !== null) {
      const items = input.split(delim);
      if (items[items.length - 1] === '') items.pop();
      groups = items.map((x) => [x]);
    } else if (maxLines !== undefined) {
      groups = [];
      for (const line of splitLines(input)) {
        const r = xargsWords(line, gnu, eof);
        if ('error' in r) {
          ctx.io.stderr(`xargs: ${r.error}\n`);
          return 1;
        }
        if (r.words.length > 0) groups.push(r.words);
      }
    } else {
      const r = xargsWords(input, gnu, eof);
      if ('error' in r) {
        ctx.io.stderr(`xargs: ${r.error}\n`);
        return 1;
      }
      groups = r.words.map((w) => [w]);
    }
    const items = groups.flat();
    if (items.length === 0) {
      if (!has(p, 'r')) batches.push([...command]);
    } else if (maxLines !== undefined) {
      for (let k = 0; k < groups.length; k += maxLines) batches.push([...command, ...groups.slice(k, k + maxLines).flat()]);
    } else {
      const per = maxArgs ?? items.length;
      for (let k = 0; k < items.length; k += per) batches.push([...command, ...items.slice(k, k + per)]);
    }
    if (maxChars !== undefined) batches = batches.flatMap((b) => splitByLength(b, command.length, maxChars));
  }
  let status = 0;
  for (const argv of batches) {
    if (has(p, 't')) ctx.io.stderr(argv.join(' ') + '\n');
    const r = await ctx.exec(argv, ctx.io, ctx.env);
    if (typeof r !== 'number') return execFailure(ctx, argv[0]!, r);
    if (r === 255) {
      ctx.io.stderr(`xargs: ${argv[0]}: exited with status 255; aborting\n`);
      return 124;
    }
    if (r === 130 && ctx.io.interrupt.interrupted) return 130;
    if (r !== 0) status = 123;
  }
  return status;
}

/** -s: no command line longer than `max` characters (each argument and its terminating NUL). */
function splitByLength(argv: string[], fixed: number, max: number): string[][] {
  const head = argv.slice(0, fixed);
  const base = head.reduce((n, a) => n + a.length + 1, 0);
  const out: string[][] = [];
  let cur: string[] = [];
  let len = base;
  for (const a of argv.slice(fixed)) {
    if (cur.length > 0 && len + a.length + 1 > max) {
      out.push([...head, ...cur]);
      cur = [];
      len = base;
    }
    cur.push(a);
    len += a.length + 1;
  }
  out.push([...head, ...cur]);
  return out;
}

// ---------- printenv ----------

/** printenv: the environment, or the named variables' values (status 1 if one is unset). */
export function printenv(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: '0', long: ctx.flavor === 'gnu' ? { null: { as: '0', value: false } } : {} });
  if ('error' in p) return optionError(ctx, p.error, 2);
  const end = has(p, '0') ? '\0' : '\n';
  if (p.operands.length === 0) {
    ctx.io.stdout(Object.entries(ctx.env).map(([k, v]) => `${k}=${v}${end}`).join(''));
    return 0;
  }
  let status = 0;
  let out = '';
  for (const name of p.operands) {
    if (Object.prototype.hasOwnProperty.call(ctx.env, name)) out += ctx.env[name] + end;
    else status = 1;
  }
  ctx.io.stdout(out);
  return status;
}

// ---------- which / true / false ----------

/** which: each name's first executable file along $PATH (-a: every one). */
export function which(ctx: UtilContext): number {
  const p = getopt(ctx.argv.slice(1), { flags: ctx.flavor === 'gnu' ? 'as' : 'a' });
  if ('error' in p) return ctx.flavor === 'gnu' ? (ctx.io.stderr(`Illegal option -${p.error.slice(-2, -1)}\nUsage: /usr/bin/which [-as] args\n`), 2) : optionError(ctx, p.error);
  if (p.operands.length === 0) return ctx.flavor === 'gnu' ? 1 : bbUsage(ctx);
  let status = 0;
  const executable = (abs: string): boolean => {
    const st = ctx.fs.stat(abs);
    return typeof st !== 'string' && st.kind === 'file' && (st.mode & 0o111) !== 0;
  };
  for (const name of p.operands) {
    const found: string[] = [];
    if (name.includes('/')) {
      if (executable(resolvePath(name, ctx.cwd))) found.push(name);
    } else {
      for (const dir of (ctx.env.PATH ?? '').split(':')) {
        const path = `${dir === '' ? '.' : dir.replace(/\/+$/, '')}/${name}`;
        if (executable(resolvePath(path, ctx.cwd))) {
          found.push(path);
          if (!has(p, 'a')) break;
        }
      }
    }
    if (found.length === 0) status = 1;
    else if (!has(p, 's')) ctx.io.stdout(found.map((f) => f + '\n').join(''));
  }
  return status;
}

export function trueUtility(): number {
  return 0;
}

export function falseUtility(): number {
  return 1;
}
