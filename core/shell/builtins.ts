/**
 * The builtins every shell personality has, worded per shell: bash's
 * `cd: /x: No such file or directory` (1) against ash's `cd: can't cd to /x:
 * No such file or directory` (2) and so on.
 */
import type { ProcessIO } from '../process';
import { signals } from '../engine/process';
import { compareBytes, resolvePath } from './filesystem';
import type { UtilContext } from './context';
import { echo } from './utils/text';
import { bashPrintf, printf } from './utils/printf';
import { suspend, type Task } from './task';
import type { Interpreter } from './interp';
import { errText, normaliseStatus } from './interp';
import { ExitRequest, LoopControl, ReturnRequest, type Builtin, type Ctx } from './shellTypes';
import { testBuiltin } from './testBuiltin';

export const KEYWORDS = ['if', 'then', 'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until', 'case', 'esac', '{', '}', '!'];

/** A signal as `trap` and `kill` name it: a number, or a name with or without SIG, any case (EXIT is 0 for trap). */
export function signalNumber(spec: string, exitOk: boolean): number | undefined {
  if (/^[0-9]+$/.test(spec)) {
    const n = Number(spec);
    return n <= 64 ? n : undefined;
  }
  const upper = spec.toUpperCase();
  if (upper === 'EXIT' || upper === 'SIGEXIT') return exitOk ? 0 : undefined;
  return signals[upper.startsWith('SIG') ? upper : `SIG${upper}`];
}

function signalName(signal: number, withSig: boolean): string {
  if (signal === 0) return 'EXIT';
  for (const [name, n] of Object.entries(signals)) if (n === signal && name !== 'SIGIOT' && name !== 'SIGCLD' && name !== 'SIGPOLL') return withSig ? name : name.slice(3);
  return String(signal);
}

function shellQuote(v: string): string {
  return /^[A-Za-z0-9_.\/:=@%+,-]*$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`;
}

/** ash's single_quote: 'text', each ' written as '"'"'. */
function singleQuoteAsh(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** strsignal's texts (glibc), as ash reports a job a signal killed. */
const SIGNAL_TEXT: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 6: 'Aborted', 9: 'Killed', 10: 'User defined signal 1',
  12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated',
};

export function makeBuiltins(sh: Interpreter): Record<string, Builtin> {
  const bash = (): boolean => sh.voice.personality === 'bash';
  const err = (io: ProcessIO, text: string, builtin?: string): void => io.stderr(sh.message(text, builtin));
  /** ash and dash end a non-interactive shell on a builtin's usage error (status 2). */
  const fatal = (status: number): number => {
    if (!bash() && !sh.voice.interactive) throw new ExitRequest(status);
    return status;
  };
  const util = (argv: string[], io: ProcessIO, ctx: Ctx): UtilContext => ({
    argv, io, stdoutIsTTY: ctx.fds.outIsTTY, fs: sh.fs, cwd: ctx.state.cwd, env: sh.exportedEnv(ctx.state), user: 'root', hostname: '',
    flavor: sh.opts.utilFlavor ?? (bash() ? 'gnu' : 'busybox'), now: () => sh.clock.now(), sleep: async () => true, exec: async () => 'ENOENT',
  });

  const cd = (argv: string[], io: ProcessIO, ctx: Ctx): number => {
    const args = argv.slice(1).filter((a, i) => !(i === 0 && (a === '-L' || a === '-P')));
    if (args.length > 1 && bash()) {
      err(io, 'too many arguments', 'cd');
      return 1;
    }
    let target = args[0];
    let print = false;
    if (target === undefined || target === '') {
      target = ctx.state.vars.get('HOME');
      if (target === undefined) {
        if (!bash()) return 0;
        err(io, 'HOME not set', 'cd');
        return 1;
      }
    } else if (target === '-') {
      const old = ctx.state.vars.get('OLDPWD');
      if (old === undefined && bash()) {
        err(io, 'OLDPWD not set', 'cd');
        return 1;
      }
      target = old ?? ctx.state.cwd;
      print = true;
    }
    const abs = resolvePath(target, ctx.state.cwd);
    const st = sh.fs.stat(abs);
    if (typeof st === 'string' || st.kind !== 'dir') {
      const why = typeof st === 'string' ? errText(st) : 'Not a directory';
      if (bash()) err(io, `${args[0] ?? target}: ${why}`, 'cd');
      else if (sh.voice.personality === 'dash') err(io, `can't cd to ${args[0] ?? target}`, 'cd');
      else err(io, `can't cd to ${args[0] ?? target}: ${why}`, 'cd');
      return bash() ? 1 : 2;
    }
    ctx.state.vars.set('OLDPWD', ctx.state.cwd);
    ctx.state.exported.add('OLDPWD');
    ctx.state.cwd = abs;
    ctx.state.vars.set('PWD', abs);
    if (print) io.stdout(abs + '\n');
    return 0;
  };

  const exportLike = (kind: 'export' | 'readonly') => (argv: string[], io: ProcessIO, ctx: Ctx): number => {
    const args = argv.slice(1).filter((a) => a !== '-p' && a !== '--');
    const st = ctx.state;
    if (args.length === 0) {
      const set = kind === 'export' ? st.exported : st.readonly;
      const names = [...set].filter((k) => st.vars.has(k)).sort(compareBytes);
      if (bash()) io.stdout(names.map((k) => `declare -${kind === 'export' ? 'x' : 'r'} ${k}="${st.vars.get(k)!.replace(/(["\\$`])/g, '\\$1')}"\n`).join(''));
      else io.stdout(names.map((k) => `${kind} ${k}=${singleQuoteAsh(st.vars.get(k)!)}\n`).join(''));
      return 0;
    }
    let status = 0;
    for (const a of args) {
      if (a === '-n') continue;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=(.*))?$/s.exec(a);
      if (!m) {
        err(io, bash() ? `\`${a}': not a valid identifier` : `${a}: bad variable name`, kind);
        status = bash() ? 1 : fatal(2);
        continue;
      }
      if (m[2] !== undefined) {
        const append = m[2].startsWith('+');
        if (!sh.assign({ ...ctx, fds: { ...ctx.fds, err: { write: (t) => io.stderr(t) } } }, m[1]!, append ? (st.vars.get(m[1]!) ?? '') + m[3]! : m[3]!)) {
          status = 1;
          continue;
        }
      }
      if (kind === 'export') st.exported.add(m[1]!);
      else st.readonly.add(m[1]!);
    }
    return status;
  };

  const trap = (argv: string[], io: ProcessIO, ctx: Ctx): number => {
    const args = argv.slice(1).filter((a, i) => !(i === 0 && a === '--'));
    if (args.length === 0 || (args.length === 1 && args[0] === '-p')) {
      const listed = [...ctx.state.traps.entries()].sort(([a], [b]) => a - b);
      io.stdout(listed.map(([signal, action]) => `trap -- ${bash() ? `'${action.replace(/'/g, "'\\''")}'` : singleQuoteAsh(action)} ${signalName(signal, bash())}\n`).join(''));
      return 0;
    }
    let rest = args;
    let action: string | null = null;
    // `trap SIG…` with a number first (or a lone argument) resets; `trap - SIG…` too.
    if (rest.length > 1 && !/^[0-9]+$/.test(rest[0]!)) {
      action = rest[0]!;
      rest = rest.slice(1);
    }
    if (action === '-') action = null;
    let status = 0;
    for (const spec of rest) {
      const signal = signalNumber(spec, true);
      if (signal === undefined) {
        err(io, `${spec}: invalid signal specification`, 'trap');
        status = 1;
        continue;
      }
      if (action === null) ctx.state.traps.delete(signal);
      else {
        ctx.state.traps.set(signal, action);
        if (action !== '') sh.mayHaveTraps = true;
      }
    }
    return status;
  };

  const kill = (argv: string[], io: ProcessIO, ctx: Ctx): number => {
    const args = argv.slice(1);
    let signal = 15;
    if (args[0] === '-l' || args[0] === '-L') {
      if (args[1] !== undefined) {
        const n = Number(args[1]);
        io.stdout((n > 128 ? signalName(n - 128, false) : signalName(n, false)) + '\n');
        return 0;
      }
      const names: string[] = [];
      for (let n = 1; n <= 31; n++) names.push(signalName(n, false));
      io.stdout(names.join(' ') + '\n');
      return 0;
    }
    if (args[0] === '-s' || args[0] === '-n') {
      const s = signalNumber(args[1] ?? '', false);
      if (s === undefined) {
        err(io, bash() ? `${args[1]}: invalid signal specification` : `bad signal name '${args[1]}'`, bash() ? 'kill' : undefined);
        return 1;
      }
      signal = s;
      args.splice(0, 2);
    } else if (args[0] !== undefined && /^-./.test(args[0]) && args[0] !== '--') {
      const s = signalNumber(args[0].slice(1), false);
      if (s === undefined) {
        if (bash()) err(io, `${args[0].slice(1)}: invalid signal specification`, 'kill');
        else io.stderr(`${sh.state.arg0}: bad signal name '${args[0].slice(1)}'\n`);
        return 1;
      }
      signal = s;
      args.shift();
    }
    if (args[0] === '--') args.shift();
    if (args.length === 0) {
      if (bash()) io.stderr('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
      else io.stderr(`${sh.state.arg0}: kill: usage: kill [-s SIG | -SIG] PID...\n`);
      return bash() ? 2 : 1;
    }
    let status = 0;
    for (const a of args) {
      const job = sh.jobs.find(a);
      if (typeof job !== 'string' && (a.startsWith('%') || /^\d+$/.test(a))) {
        sh.jobs.signal(job, signal);
        continue;
      }
      if (a.startsWith('%')) {
        err(io, `${a}: no such job`, 'kill');
        status = bash() ? 1 : fatal(2);
        continue;
      }
      if (!/^-?\d+$/.test(a)) {
        if (bash()) err(io, `${a}: arguments must be process or job IDs`, 'kill');
        else io.stderr(`${sh.state.arg0}: invalid number '${a}'\n`);
        status = 1;
        continue;
      }
      const r = sh.platform.signalProcess?.(Number(a), signal, ctx) ?? 'nosuch';
      if (r === 'nosuch') {
        if (bash()) err(io, `(${a}) - No such process`, 'kill');
        else io.stderr(`${sh.state.arg0}: can't kill pid ${a}: No such process\n`);
        status = 1;
      }
    }
    return status;
  };

  const wait = function* (argv: string[], io: ProcessIO, ctx: Ctx): Task<number> {
    const args = argv.slice(1);
    const jobs = [];
    for (const a of args) {
      const j = sh.jobs.find(a);
      if (typeof j === 'string') {
        if (/^\d+$/.test(a)) {
          if (bash()) err(io, `${j}`, 'wait');
          return 127;
        }
        err(io, j, 'wait');
        return bash() ? 127 : fatal(2);
      }
      jobs.push(j);
    }
    const r = yield* sh.jobs.waitFor(args.length === 0 ? [...sh.jobs.list] : jobs, ctx);
    if (typeof r !== 'number') return 128 + r.signal;
    // ash says what killed the job it waited for by name (not for Ctrl-C), unless waiting for a foreground program already reaped it.
    const last = jobs[jobs.length - 1];
    const killedBy = last?.ref.signal;
    const reapedBefore = last?.endedAtReap !== undefined && last.endedAtReap < sh.jobs.reaps;
    if (!bash() && !reapedBefore && killedBy !== undefined && killedBy !== 2 && killedBy !== 13) io.stderr(`${SIGNAL_TEXT[killedBy] ?? `Signal ${killedBy}`}\n`);
    return args.length === 0 ? 0 : r;
  };

  const read = function* (argv: string[], io: ProcessIO, ctx: Ctx): Task<number> {
    let raw = false;
    const names: string[] = [];
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-r') raw = true;
      else if (a === '-p') io.stderr(args[++i] ?? '');
      else if (a === '-s') continue;
      else if (a === '-t' || a === '-n' || a === '-d' || a === '-u') i++;
      else if (/^-[rs]+$/.test(a)) raw ||= a.includes('r');
      else names.push(a);
    }
    const input = ctx.fds.stdin;
    let line: string | null = null;
    if (input) {
      for (;;) {
        // Ctrl-C ends the read (the line then stops as interrupted).
        const got = yield* suspend<boolean>((resume) => {
          const off = ctx.interrupt.onInterrupt(() => {
            off();
            resume(false);
          });
          input.whenLine()(() => {
            off();
            resume(true);
          }, () => {});
        });
        if (!got) return 130;
        const part = input.takeLine();
        if (part === null) break;
        if (!raw && part.endsWith('\\') && !input.complete) {
          line = (line ?? '') + part.slice(0, -1);
          continue;
        }
        line = (line ?? '') + part;
        break;
      }
    }
    const vars = names.length > 0 ? names : ['REPLY'];
    if (line === null) {
      for (const n of vars) ctx.state.vars.set(n, '');
      return 1;
    }
    if (!raw) line = line.replace(/\\(.)/g, '$1');
    const ifs = ctx.state.vars.get('IFS') ?? ' \t\n';
    const ws = ifs.replace(/[^ \t\n]/g, '');
    const trimmed = ws === '' ? line : line.replace(new RegExp(`^[${ws}]+|[${ws}]+$`, 'g'), '');
    if (names.length === 0) {
      ctx.state.vars.set('REPLY', line);
      return 0;
    }
    const sep = new RegExp(`[${ifs.replace(/[\\\]^-]/g, '\\$&')}]+`);
    let rest = trimmed;
    vars.forEach((n, k) => {
      if (k === vars.length - 1) {
        ctx.state.vars.set(n, rest);
        return;
      }
      const m = sep.exec(rest);
      if (!m) {
        ctx.state.vars.set(n, rest);
        rest = '';
        return;
      }
      ctx.state.vars.set(n, rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    });
    return 0;
  };

  const source = function* (argv: string[], io: ProcessIO, ctx: Ctx): Task<number> {
    const f = argv[1];
    if (f === undefined) {
      if (bash()) io.stderr(sh.message(`filename argument required\n${argv[0]}: usage: ${argv[0]} filename [arguments]`, argv[0]));
      return bash() ? 2 : 0;
    }
    const r = sh.fs.tryRead(resolvePath(f, ctx.state.cwd));
    if ('error' in r) {
      if (bash()) err(io, `${f}: ${errText(r.error)}`);
      else err(io, `can't open '${f}': ${errText(r.error)}`, argv[0]);
      return bash() ? 1 : fatal(2);
    }
    const list = sh.parseOrReport(r.data, { write: (t) => io.stderr(t) });
    if (!list) return 2;
    if (ctx.depth >= 64) return sh.tooDeep(ctx);
    const saved = ctx.state.positional;
    if (argv.length > 2) ctx.state.positional = argv.slice(2);
    try {
      return yield* sh.runList(list, { ...withIo(ctx, io), depth: ctx.depth + 1 });
    } catch (e) {
      if (e instanceof ReturnRequest) return e.status;
      throw e;
    } finally {
      if (argv.length > 2) ctx.state.positional = saved;
    }
  };

  const setBuiltin = (argv: string[], io: ProcessIO, ctx: Ctx): number => {
    const st = ctx.state;
    if (argv.length === 1) {
      const lines = [...st.vars.entries()].sort(([a], [b]) => compareBytes(a, b)).map(([k, v]) => `${k}=${bash() ? shellQuote(v) : singleQuoteAsh(v)}\n`);
      io.stdout(lines.join(''));
      return 0;
    }
    const names: Record<string, keyof typeof st.flags> = { e: 'errexit', x: 'xtrace', u: 'nounset', errexit: 'errexit', xtrace: 'xtrace', nounset: 'nounset' };
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--' || a === '-') {
        st.positional = args.slice(i + 1);
        return 0;
      }
      if (a === '-o' || a === '+o') {
        const name = args[++i];
        if (name === undefined) {
          io.stdout(Object.entries(st.flags).map(([k, v]) => `${k.padEnd(15)}\t${v ? 'on' : 'off'}\n`).join(''));
          return 0;
        }
        const flag = names[name];
        if (flag) st.flags[flag] = a === '-o';
        else if (!['pipefail', 'noglob', 'noclobber', 'monitor', 'posix', 'vi', 'emacs', 'allexport', 'notify', 'ignoreeof', 'verbose'].includes(name)) {
          err(io, bash() ? `${name}: invalid option name` : `illegal option -o ${name}`, 'set');
          return bash() ? 1 : fatal(2);
        }
        continue;
      }
      if (/^[-+][A-Za-z]+$/.test(a)) {
        for (const c of a.slice(1)) {
          const flag = names[c];
          if (flag) st.flags[flag] = a[0] === '-';
          else if (!'fCmvahbBHnkPT'.includes(c)) {
            if (bash()) {
              err(io, `-${c}: invalid option`, 'set');
              io.stderr('set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n');
            } else err(io, `illegal option -${c}`, 'set');
            return fatal(2);
          }
        }
        continue;
      }
      st.positional = args.slice(i);
      return 0;
    }
    return 0;
  };

  const loopControl = (kind: 'break' | 'continue') => (argv: string[], io: ProcessIO, ctx: Ctx): number => {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      if (bash()) err(io, `${argv[1]}: loop count out of range`, kind);
      else err(io, `Illegal number: ${argv[1]}`, kind);
      return bash() ? 1 : fatal(2);
    }
    if (ctx.loopDepth === 0) {
      if (bash()) err(io, "only meaningful in a `for', `while', or `until' loop", kind);
      return 0;
    }
    throw new LoopControl(kind, Math.min(n, ctx.loopDepth));
  };

  const typeOf = (n: string, ctx: Ctx): { kind: 'keyword' | 'function' | 'builtin' | 'file'; path?: string } | null => {
    if (KEYWORDS.includes(n)) return { kind: 'keyword' };
    if (ctx.state.functions.has(n)) return { kind: 'function' };
    if (sh.builtins[n]) return { kind: 'builtin' };
    const path = sh.platform.locate(n, ctx);
    return path === null ? null : { kind: 'file', path };
  };

  const b: Record<string, Builtin> = {
    ':': () => 0,
    true: () => 0,
    false: () => 1,
    echo: (argv, io, ctx) => echo(util(argv, io, ctx)),
    printf: (argv, io, ctx) => (bash() ? bashPrintf : printf)(util(argv, io, ctx)),
    pwd: (_a, io, ctx) => (io.stdout(ctx.state.cwd + '\n'), 0),
    cd,
    export: exportLike('export'),
    readonly: exportLike('readonly'),
    unset: (argv, io, ctx) => {
      let functions = false;
      for (const n of argv.slice(1)) {
        if (n === '-f') functions = true;
        else if (n === '-v') functions = false;
        else if (functions) ctx.state.functions.delete(n);
        else if (ctx.state.readonly.has(n)) {
          err(io, bash() ? `${n}: cannot unset: readonly variable` : `${n}: is read only`, bash() ? 'unset' : undefined);
          return bash() ? 1 : fatal(2);
        } else {
          ctx.state.vars.delete(n);
          ctx.state.exported.delete(n);
        }
      }
      return 0;
    },
    exit: (argv, io, ctx) => {
      const a = argv[1];
      let code = ctx.state.status;
      if (a !== undefined) {
        if (bash()) {
          if (!/^[+-]?\d+$/.test(a)) {
            err(io, `${a}: numeric argument required`, 'exit');
            code = 2;
          } else code = normaliseStatus(Number(a));
        } else {
          if (!/^\+?\d+$/.test(a)) {
            err(io, `Illegal number: ${a}`, 'exit');
            throw new ExitRequest(2);
          }
          code = normaliseStatus(Number(a));
        }
      }
      if (sh.hostTerminal && !ctx.nested) io.stderr('exit\nbash: exit: this is the terminal of a web page; there is no outer shell to return to\n');
      else if (bash() && sh.voice.interactive && ctx.main) io.stderr('exit\n');
      throw new ExitRequest(code);
    },
    return: (argv, io, ctx) => {
      const a = argv[1];
      if (ctx.funcDepth === 0 && bash() && ctx.depth === 0) {
        err(io, "can only `return' from a function or sourced script", 'return');
        return 2;
      }
      if (a !== undefined && !/^-?\d+$/.test(a)) {
        err(io, bash() ? `${a}: numeric argument required` : `Illegal number: ${a}`, 'return');
        throw new ReturnRequest(2);
      }
      throw new ReturnRequest(a === undefined ? ctx.state.status : normaliseStatus(Number(a)));
    },
    local: (argv, io, ctx) => {
      const frame = ctx.state.locals[ctx.state.locals.length - 1];
      if (ctx.funcDepth === 0 || !frame) {
        err(io, bash() ? 'can only be used in a function' : 'not in a function', 'local');
        return bash() ? 1 : fatal(2);
      }
      for (const a of argv.slice(1)) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(a);
        if (!m) continue;
        if (!frame.has(m[1]!)) frame.set(m[1]!, ctx.state.vars.get(m[1]!));
        if (m[2] !== undefined) ctx.state.vars.set(m[1]!, m[2]);
        else if (bash()) ctx.state.vars.delete(m[1]!);
      }
      return 0;
    },
    shift: (argv, io, ctx) => {
      const n = argv[1] === undefined ? 1 : Number(argv[1]);
      if (!Number.isInteger(n) || n < 0) {
        err(io, bash() ? `${argv[1]}: numeric argument required` : `Illegal number: ${argv[1]}`, 'shift');
        return bash() ? 1 : fatal(2);
      }
      if (n > ctx.state.positional.length) {
        if (sh.voice.personality === 'dash') {
          err(io, "can't shift that many", 'shift');
          return fatal(2);
        }
        return 1;
      }
      ctx.state.positional = ctx.state.positional.slice(n);
      return 0;
    },
    break: loopControl('break'),
    continue: loopControl('continue'),
    eval: (argv, io, ctx) => {
      const list = sh.parseOrReport(argv.slice(1).join(' '), { write: (t) => io.stderr(t) });
      if (!list) return 2;
      return sh.runList(list, withIo(ctx, io));
    },
    source,
    '.': source,
    set: setBuiltin,
    read,
    trap,
    wait,
    kill,
    jobs: (_argv, io) => {
      const jobs = sh.jobs.list;
      jobs.forEach((j, i) => {
        const mark = i === jobs.length - 1 ? '+' : i === jobs.length - 2 ? '-' : ' ';
        const state = j.status === null ? 'Running' : j.status === 0 ? 'Done' : j.status > 128 ? 'Terminated' : `Done(${j.status})`;
        // A non-interactive ash keeps no job's command text.
        const text = sh.voice.interactive ? j.command : '';
        if (bash()) io.stdout(`[${j.id}]${mark}  ${state.padEnd(24)}${j.command}${j.status === null ? ' &' : ''}\n`);
        else if (sh.voice.personality === 'dash') io.stdout(`[${j.id}] ${mark} ${state.padEnd(27)}${text}\n`);
        else io.stdout(`[${j.id}]${mark}  ${state.padEnd(27)}${text}\n`);
      });
      sh.jobs.reap();
      return 0;
    },
    exec: function* (argv, _io, ctx): Task<number> {
      const status = yield* sh.platform.runExternal(argv.slice(1), sh.exportedEnv(ctx.state), ctx, { caller: 'shell', inPlace: ctx.main });
      throw new ExitRequest(status);
    },
    umask: (argv, io) => {
      if (argv.length === 1) io.stdout('0022\n');
      return 0;
    },
    type: (argv, io, ctx) => {
      let args = argv.slice(1);
      let terse = false;
      if (args[0] === '-t') {
        terse = true;
        args = args.slice(1);
      }
      let status = 0;
      for (const n of args) {
        const t = typeOf(n, ctx);
        if (t === null) {
          if (terse) status = 1;
          else if (bash()) {
            err(io, `${n}: not found`, 'type');
            status = 1;
          } else {
            io.stdout(`${n}: not found\n`);
            status = 127;
          }
          continue;
        }
        if (terse) io.stdout(`${t.kind}\n`);
        else if (t.kind === 'keyword') io.stdout(`${n} is a shell keyword\n`);
        else if (t.kind === 'function') io.stdout(`${n} is a function\n`);
        else if (t.kind === 'builtin') io.stdout(`${n} is a shell builtin\n`);
        else io.stdout(`${n} is ${t.path}\n`);
      }
      return status;
    },
    command: (argv, io, ctx) => {
      if (argv[1] === '-v' || argv[1] === '-V') {
        let status = 0;
        for (const n of argv.slice(2)) {
          const t = typeOf(n, ctx);
          if (t === null) {
            status = bash() ? 1 : 127;
            if (argv[1] === '-V') err(io, `${n}: not found`, bash() ? 'command' : undefined);
          } else if (argv[1] === '-v') io.stdout(`${t.kind === 'file' ? t.path : n}\n`);
          else io.stdout(t.kind === 'file' ? `${n} is ${t.path}\n` : `${n} is a shell ${t.kind}\n`);
        }
        return status;
      }
      if (argv.length < 2) return 0;
      const rest = argv.slice(1);
      const builtin = sh.builtins[rest[0]!];
      if (builtin) return builtin(rest, io, ctx);
      return sh.platform.runExternal(rest, sh.exportedEnv(ctx.state), withIo(ctx, io), { caller: 'shell', inPlace: false });
    },
    test: (argv, io, ctx) => testBuiltin(argv.slice(1), io, sh, ctx, 'test'),
    '[': (argv, io, ctx) => {
      if (argv[argv.length - 1] !== ']') {
        if (bash()) err(io, "missing `]'", '[');
        else io.stderr(`${sh.state.arg0}: missing ]\n`);
        return 2;
      }
      return testBuiltin(argv.slice(1, -1), io, sh, ctx, '[');
    },
  };
  return b;
}

/** A context whose streams are a builtin's io (eval and source run inside invoke). */
export function withIo(ctx: Ctx, io: ProcessIO): Ctx {
  return { ...ctx, fds: { ...ctx.fds, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) } } };
}
