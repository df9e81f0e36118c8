/**
 * The host shell behind the terminal: bash's syntax and expansions over an
 * in-memory filesystem, GNU-like utilities, and a table of programs supplied
 * by the backend (the simulated or the real `docker`). It never touches the
 * real host. Every failure is a message and an exit code; `run` never throws.
 */
import type { CommandRunner, ProcessIO, TerminalInput } from '../process';
import type { Clock, Interrupt } from '../ports';
import { MemFs } from './memfs';
import { resolvePath, compareBytes, fsErrorText, type Fs, type FsErrorCode } from './filesystem';
import { isIncompleteInput, parse, ShellSyntaxError, type Command, type List, type Pipeline, type AndOr, type Redirect, type Word, type WordPart } from './syntax';
import { globToRegex, hasGlobChars } from './regex';
import { evalArith, ArithError } from './arith';
import { q, type ExecError, type UtilContext, type UtilSystem, type Utility } from './context';
import { echo } from './utils/text';
import { bashPrintf } from './utils/printf';
import { utilities } from './utils';

export interface HostShellOptions {
  /** Programs the backend provides (`docker`), run by name. They win over the built-in utilities of the same name. */
  commands: Record<string, CommandRunner>;
  env?: Record<string, string>;
  cwd?: string;
  user?: string;
  hostname?: string;
  /** Waits `ms` (virtual or real); resolves true when the time passed, false when interrupted. Without it `sleep` returns at once. */
  sleep?: (ms: number, interrupt: Interrupt) => Promise<boolean>;
  /** File times for `ls -l`; defaults to the Unix epoch. */
  clock?: Clock;
  /** A filesystem to share (e.g. with a simulated `docker cp`); a fresh one by default. */
  fs?: Fs;
  /** The shell's own pid (`$$`), when a kernel model gives it one. */
  pid?: number;
  /** Whether to make the home and working directories when missing (not in another's files: nsenter -m). Default true. */
  makeDirs?: boolean;
  /** Whose utilities run: GNU's (default) or busybox's applets (their messages and formats). */
  flavor?: 'gnu' | 'busybox';
  /** The machine the utilities see (ps, kill, df, free, tty …); without it they say they are not simulated here. */
  sys?: UtilSystem;
  /** The utilities it has, when not all of them (the agent's terminal has no machine to report on: `machinelessUtilities`). */
  utilities?: Readonly<Record<string, Utility>>;
}

export interface RunOptions {
  /** True for the interactive web terminal: stdin and stdout are a TTY (so `ls` prints columns). */
  stdinIsTTY?: boolean;
  /** The terminal's keystrokes, for programs that read the terminal themselves (`docker run -it`). */
  terminal?: TerminalInput;
}

interface Sink {
  write(text: string): void;
  /** Set when a file refused the last write (a cgroup knob given a bad value): the writer reports it. */
  refused?: FsErrorCode | undefined;
}

class BufferSink implements Sink {
  private chunks: string[] = [];
  write(text: string): void {
    if (text !== '') this.chunks.push(text);
  }
  text(): string {
    const t = this.chunks.join('');
    this.chunks = [t];
    return t;
  }
}

const NULL_SINK: Sink = { write: () => {} };

/** An input stream with a read position, shared like a file descriptor: `read` takes a line, a program takes the rest. */
class Stdin {
  private pos = 0;
  constructor(private readonly text: string) {}

  takeAll(): string {
    const rest = this.text.slice(this.pos);
    this.pos = this.text.length;
    return rest;
  }

  takeLine(): string | null {
    if (this.pos >= this.text.length) return null;
    const i = this.text.indexOf('\n', this.pos);
    const line = this.text.slice(this.pos, i < 0 ? undefined : i);
    this.pos = i < 0 ? this.text.length : i + 1;
    return line;
  }
}

function stdinOf(text: string | null): Stdin | null {
  return text === null ? null : new Stdin(text);
}

interface Fds {
  stdin: Stdin | null;
  stdinIsTTY: boolean;
  out: Sink;
  err: Sink;
  outIsTTY: boolean;
  errIsTTY: boolean;
}

interface State {
  vars: Map<string, string>;
  exported: Set<string>;
  cwd: string;
  status: number;
  positional: string[];
  arg0: string;
}

interface Ctx {
  state: State;
  fds: Fds;
  interrupt: Interrupt;
  /** Nesting of subshells, substitutions and `bash -c`, bounded to keep the stack safe. */
  depth: number;
  /** Inside `bash -c` / `sh file`: `exit` ends that shell rather than printing the web-terminal note. */
  nested: boolean;
  loopDepth: number;
}

/** Unwinds the rest of the line after Ctrl-C. */
class Interrupted {
  constructor(readonly status: number) {}
}
/** `exit`: unwinds to the shell that runs the line. */
class ExitRequest {
  constructor(readonly status: number) {}
}
class LoopControl {
  constructor(readonly kind: 'break' | 'continue', public levels: number) {}
}
/** An expansion error (`${x:?}`, bad arithmetic): the command is not run. */
class ExpansionError {
  constructor(readonly status: number) {}
}

const MAX_DEPTH = 64;
/** Loops without a pause would freeze the tab (Ctrl-C arrives between tasks): stop them. */
const MAX_LOOP_ITERATIONS = 10_000;
/** `$$` without a kernel model behind the shell. */
const PID = 4242;

type Builtin = (argv: string[], io: ProcessIO, ctx: Ctx) => Promise<number> | number;

/** Shell builtins that are also programs in /usr/bin (so `sudo`, `xargs`, `env` and `which` find them). */
const ALSO_PROGRAMS = new Set(['echo', 'printf', 'pwd', 'test', '[', 'true', 'false', 'kill']);
const KEYWORDS = ['if', 'then', 'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until', '{', '}', '!'];

export class HostShell {
  readonly fs: Fs;
  private readonly commands: Record<string, CommandRunner>;
  private readonly user: string;
  private readonly hostname: string;
  private readonly pid: number;
  private readonly sleepFn: (ms: number, interrupt: Interrupt) => Promise<boolean>;
  private readonly clock: Clock;
  private readonly flavor: 'gnu' | 'busybox';
  private readonly sys: UtilSystem | undefined;
  private state: State;
  private readonly builtins: Record<string, Builtin>;
  private readonly utilities: Record<string, Utility>;
  /** The terminal's keystrokes for the line now running, when the backend delivers them. */
  private terminal: TerminalInput | undefined;
  /** `bash -c` / `sh file` children now running (they nest; a script that runs itself must stop). */
  private nestedShells = 0;

  constructor(opts: HostShellOptions) {
    this.commands = opts.commands;
    this.user = opts.user ?? 'root';
    this.hostname = opts.hostname ?? 'glassbox';
    this.pid = opts.pid ?? PID;
    this.clock = opts.clock ?? { now: () => 0 };
    this.flavor = opts.flavor ?? 'gnu';
    this.sys = opts.sys;
    this.sleepFn = opts.sleep ?? (async (_ms, interrupt) => !interrupt.interrupted);
    this.fs = opts.fs ?? new MemFs(() => this.clock.now());
    const home = this.user === 'root' ? '/root' : `/home/${this.user}`;
    const makeDirs = opts.makeDirs ?? true;
    if (makeDirs && !this.fs.exists(home)) this.fs.mkdir(home, { parents: true });
    const cwd = resolvePath(opts.cwd ?? home, '/');
    if (makeDirs && !this.fs.exists(cwd)) this.fs.mkdir(cwd, { parents: true });
    const env: Record<string, string> = {
      HOME: home,
      HOSTNAME: this.hostname,
      LANG: 'C.UTF-8',
      LOGNAME: this.user,
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      PWD: cwd,
      SHELL: '/bin/bash',
      TERM: 'xterm-256color',
      USER: this.user,
      ...opts.env,
    };
    this.state = { vars: new Map(Object.entries(env)), exported: new Set(Object.keys(env)), cwd, status: 0, positional: [], arg0: 'bash' };
    this.builtins = this.makeBuiltins();
    this.utilities = {
      ...(opts.utilities ?? utilities),
      sudo: (c) => this.sudoUtility(c),
      bash: (c) => this.bashUtility(c),
      sh: (c) => this.bashUtility(c),
    };
  }

  /** The working directory. */
  get cwd(): string {
    return this.state.cwd;
  }

  /** `$?` after the last line. */
  get lastStatus(): number {
    return this.state.status;
  }

  /** A shell variable's value. */
  getVar(name: string): string | undefined {
    return this.state.vars.get(name);
  }

  /** bash's default prompt: `user@host:dir# ` (`$ ` for other users). */
  prompt(): string {
    const home = this.state.vars.get('HOME') ?? '';
    const cwd = this.state.cwd;
    const dir = home !== '' && cwd === home ? '~' : home !== '' && home !== '/' && cwd.startsWith(home + '/') ? '~' + cwd.slice(home.length) : cwd;
    return `${this.user}@${this.hostname}:${dir}${this.user === 'root' ? '#' : '$'} `;
  }

  /** Whether `line` is unfinished (open quote, trailing `|`, `&&`, `if` without `fi` …): bash would ask for more with `> `. */
  isIncomplete(line: string): boolean {
    return isIncompleteInput(line);
  }

  /**
   * Tab completion for the last word of `line`: command names in command
   * position, else paths in the filesystem (directories end in `/`). Returns
   * the full replacement words, sorted.
   */
  complete(line: string): string[] {
    try {
      const m = /(?:^|[\s;&|()<>])([^\s;&|()<>]*)$/.exec(line);
      const word = m ? m[1]! : '';
      const before = line.slice(0, line.length - word.length).replace(/\s+$/, '');
      const prevWord = /([^\s;&|()<>]*)$/.exec(before)?.[1] ?? '';
      const commandPosition = before === '' || /[;&|(]$/.test(before) || /\$\($/.test(before) || ['sudo', 'xargs', 'env', 'then', 'do', 'else', 'time', 'which', 'type'].includes(prevWord);
      if (commandPosition && !word.includes('/')) {
        const names = new Set([...Object.keys(this.builtins), ...Object.keys(this.commands), ...Object.keys(this.utilities)]);
        return [...names].filter((n) => n.startsWith(word)).sort(compareBytes);
      }
      const slash = word.lastIndexOf('/');
      const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
      const base = slash >= 0 ? word.slice(slash + 1) : word;
      const home = this.state.vars.get('HOME') ?? '/';
      const dirPath = dirPart.startsWith('~/') ? home + dirPart.slice(1) : dirPart === '' ? '.' : dirPart;
      const abs = resolvePath(dirPath, this.state.cwd);
      const names = this.fs.readdir(abs);
      if (typeof names === 'string') return [];
      return names
        .filter((n) => n.startsWith(base) && (base.startsWith('.') || !n.startsWith('.')))
        .map((n) => dirPart + n + (this.fs.isDir(resolvePath(n, abs)) ? '/' : ''));
    } catch {
      return [];
    }
  }

  /** Runs one input line (possibly several lines) to completion. Never throws; the exit code is also `$?`. */
  async run(line: string, io: { stdout(t: string): void; stderr(t: string): void }, interrupt: Interrupt, opts: RunOptions = {}): Promise<number> {
    const tty = opts.stdinIsTTY ?? false;
    this.terminal = opts.terminal;
    const fds: Fds = { stdin: null, stdinIsTTY: tty, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) }, outIsTTY: tty, errIsTTY: tty };
    let status: number;
    try {
      let list: List;
      try {
        list = parse(line);
      } catch (e) {
        if (e instanceof ShellSyntaxError) {
          io.stderr(e.message + '\n');
          this.state.status = 2;
          return 2;
        }
        throw e;
      }
      status = await this.runTop(list, { state: this.state, fds, interrupt, depth: 0, nested: false, loopDepth: 0 });
    } catch (e) {
      status = 1;
      try {
        io.stderr(`bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      } catch {
        // The terminal itself failed; nothing more to tell.
      }
    }
    this.state.status = status;
    return status;
  }

  /** Runs a parsed list as a whole shell invocation: catches exit, Ctrl-C and stray break/continue. */
  private async runTop(list: List, ctx: Ctx): Promise<number> {
    try {
      return await this.runList(list, ctx);
    } catch (e) {
      if (e instanceof Interrupted) return e.status;
      if (e instanceof ExitRequest) return e.status;
      if (e instanceof LoopControl) return 0;
      throw e;
    }
  }

  // ---------- execution ----------

  private async runList(list: List, ctx: Ctx): Promise<number> {
    let status = ctx.state.status;
    for (const item of list.items) {
      status = await this.runAndOr(item.andOr, ctx);
      ctx.state.status = status;
    }
    return status;
  }

  private async runAndOr(ao: AndOr, ctx: Ctx): Promise<number> {
    let status = await this.runPipeline(ao.first, ctx);
    for (const { op, pipeline } of ao.rest) {
      if ((op === '&&') === (status === 0)) status = await this.runPipeline(pipeline, ctx);
    }
    return status;
  }

  private async runPipeline(p: Pipeline, ctx: Ctx): Promise<number> {
    if (ctx.interrupt.interrupted) throw new Interrupted(130);
    let status: number;
    if (p.cmds.length === 1) {
      status = await this.runCommand(p.cmds[0]!, ctx);
    } else {
      // Stages run one after another; each stage's whole stdout is the next one's stdin.
      let stdin = ctx.fds.stdin;
      let stdinIsTTY = ctx.fds.stdinIsTTY;
      status = 0;
      for (let i = 0; i < p.cmds.length; i++) {
        const isLast = i === p.cmds.length - 1;
        const pipe = isLast ? null : new BufferSink();
        const fds: Fds = {
          stdin,
          stdinIsTTY,
          out: pipe ?? ctx.fds.out,
          err: !isLast && p.pipeStderr[i] ? pipe! : ctx.fds.err,
          outIsTTY: isLast ? ctx.fds.outIsTTY : false,
          errIsTTY: !isLast && p.pipeStderr[i] ? false : ctx.fds.errIsTTY,
        };
        // Each stage runs in a subshell: `cd` or `x=1` in a pipeline does not stick.
        const sub: Ctx = { ...ctx, state: cloneState(ctx.state), fds, nested: true };
        try {
          status = await this.runCommand(p.cmds[i]!, sub);
        } catch (e) {
          if (e instanceof ExitRequest) status = e.status;
          else if (e instanceof LoopControl) status = 0;
          else throw e;
        }
        if (ctx.interrupt.interrupted) {
          if (!isLast) status = 130;
          break;
        }
        stdin = pipe ? new Stdin(pipe.text()) : null;
        stdinIsTTY = false;
      }
    }
    if (p.negate) status = status === 0 ? 1 : 0;
    ctx.state.status = status;
    if (ctx.interrupt.interrupted) throw new Interrupted(status);
    return status;
  }

  private async runCommand(cmd: Command, ctx: Ctx): Promise<number> {
    if (cmd.type === 'simple') return this.runSimple(cmd, ctx);
    const fds = await this.applyRedirects(cmd.redirects, ctx);
    if (typeof fds === 'number') return fds;
    const c: Ctx = { ...ctx, fds };
    switch (cmd.type) {
      case 'subshell': {
        if (ctx.depth >= MAX_DEPTH) return this.tooDeep(ctx);
        const sub: Ctx = { ...c, state: cloneState(ctx.state), depth: ctx.depth + 1, nested: true };
        try {
          return await this.runList(cmd.list, sub);
        } catch (e) {
          if (e instanceof ExitRequest) return e.status;
          throw e;
        }
      }
      case 'group':
        return this.runList(cmd.list, c);
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((await this.runList(clause.cond, c)) === 0) return this.runList(clause.body, c);
        }
        return cmd.orElse ? this.runList(cmd.orElse, c) : 0;
      }
      case 'for': {
        let items: string[];
        if (cmd.items === null) items = [...ctx.state.positional];
        else {
          items = [];
          for (const w of cmd.items) {
            const r = await this.expandWordOrError(w, c);
            if (typeof r === 'number') return r;
            items.push(...r);
          }
        }
        let status = 0;
        for (const item of items) {
          ctx.state.vars.set(cmd.name, item);
          const r = await this.loopIteration(cmd.body, c);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case 'while': {
        let status = 0;
        for (let n = 0; ; n++) {
          if (n >= MAX_LOOP_ITERATIONS) {
            c.fds.err.write(`bash: loop stopped after ${MAX_LOOP_ITERATIONS} iterations (this terminal cannot interrupt a loop that never waits)\n`);
            return 1;
          }
          const cond = await this.runList(cmd.cond, c);
          if ((cond === 0) === cmd.until) break;
          const r = await this.loopIteration(cmd.body, c);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
    }
  }

  private async loopIteration(body: List, ctx: Ctx): Promise<{ status: number; stop: boolean }> {
    try {
      return { status: await this.runList(body, { ...ctx, loopDepth: ctx.loopDepth + 1 }), stop: false };
    } catch (e) {
      if (!(e instanceof LoopControl)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return { status: 0, stop: e.kind === 'break' };
    }
  }

  private tooDeep(ctx: Ctx): number {
    ctx.fds.err.write('bash: maximum nesting level exceeded\n');
    return 1;
  }

  private async runSimple(cmd: Extract<Command, { type: 'simple' }>, ctx: Ctx): Promise<number> {
    if (ctx.interrupt.interrupted) throw new Interrupted(130);
    let substStatus: number | null = null;
    const sctx: Ctx = ctx;
    const onSubst = (s: number): void => {
      substStatus = s;
    };
    const argv: string[] = [];
    const assigns: [string, string, boolean][] = [];
    try {
      for (const w of cmd.words) {
        const plain = plainWord(w);
        if (plain !== null) argv.push(plain);
        else argv.push(...(await this.expandWord(w, sctx, onSubst)));
      }
      for (const a of cmd.assigns) assigns.push([a.name, await this.expandNoSplit(a.value, sctx, onSubst), a.append]);
    } catch (e) {
      if (e instanceof ExpansionError) return e.status;
      throw e;
    }
    if (argv.length === 0) {
      for (const [name, value, append] of assigns) {
        ctx.state.vars.set(name, append ? (ctx.state.vars.get(name) ?? '') + value : value);
      }
      const fds = await this.applyRedirects(cmd.redirects, ctx);
      if (typeof fds === 'number') return fds;
      return substStatus ?? 0;
    }
    const fds = await this.applyRedirects(cmd.redirects, ctx);
    if (typeof fds === 'number') return fds;
    const c: Ctx = { ...ctx, fds };
    const envOverlay: Record<string, string> = {};
    for (const [name, value, append] of assigns) envOverlay[name] = append ? (ctx.state.vars.get(name) ?? '') + value : value;
    return this.dispatch(argv, c, envOverlay);
  }

  /** Finds and runs a command: builtin, backend program, utility, else "command not found". */
  private async dispatch(argv: string[], ctx: Ctx, envOverlay: Record<string, string>): Promise<number> {
    const name = argv[0]!;
    const builtin = Object.prototype.hasOwnProperty.call(this.builtins, name) ? this.builtins[name]! : undefined;
    if (builtin) {
      // Prefix assignments on a builtin last only for it; keep them simple: apply around the call.
      const saved = new Map<string, string | undefined>();
      for (const [k, v] of Object.entries(envOverlay)) {
        saved.set(k, ctx.state.vars.get(k));
        ctx.state.vars.set(k, v);
      }
      try {
        return await this.invoke(name, (io) => builtin(argv, io, ctx), ctx.fds, ctx.interrupt, undefined, true);
      } finally {
        for (const [k, v] of saved) {
          if (v === undefined) ctx.state.vars.delete(k);
          else ctx.state.vars.set(k, v);
        }
      }
    }
    return this.execProgram(argv, ctx, envOverlay, 'bash');
  }

  /**
   * Runs a program as execvp would: backend programs, then utilities; names
   * with a slash are resolved in the filesystem. `who` words the not-found error.
   */
  private async execProgram(argv: string[], ctx: Ctx, envOverlay: Record<string, string>, who: 'bash' | 'sudo' | 'env' | 'xargs'): Promise<number> {
    let name = argv[0]!;
    if (name.includes('/')) {
      const abs = resolvePath(name, ctx.state.cwd);
      const m = /^\/(?:usr\/)?(?:local\/)?s?bin\/([^/]+)$/.exec(abs);
      if (m && this.findProgram(m[1]!)) name = m[1]!;
      else {
        const st = this.fs.stat(abs);
        if (typeof st === 'string') return this.notRunnable(who, argv[0]!, 'No such file or directory', 127, ctx);
        if (st.kind === 'dir') return this.notRunnable(who, argv[0]!, 'Is a directory', 126, ctx);
        return this.notRunnable(who, argv[0]!, 'Permission denied', 126, ctx);
      }
    }
    const program = this.findProgram(name);
    if (!program) {
      if (who === 'bash') {
        ctx.fds.err.write(`bash: ${name}: command not found\n`);
        return 127;
      }
      return this.notRunnable(who, name, 'No such file or directory', 127, ctx);
    }
    const args = [name, ...argv.slice(1)];
    if (program.kind === 'runner') return this.invoke(name, (io) => program.run(args, io), ctx.fds, ctx.interrupt, ctx.state.cwd);
    const uctx = (io: ProcessIO): UtilContext => ({
      argv: args,
      io,
      stdoutIsTTY: ctx.fds.outIsTTY,
      fs: this.fs,
      cwd: ctx.state.cwd,
      env: { ...this.exportedEnv(ctx.state), ...envOverlay },
      user: this.user,
      hostname: this.hostname,
      flavor: this.flavor,
      sys: this.sys,
      now: () => this.clock.now(),
      sleep: this.sleepFn,
      exec: (a, io2, env) => this.execFromUtility(a, io2, ctx, env),
    });
    return this.invoke(name, (io) => program.run(uctx(io)), ctx.fds, ctx.interrupt);
  }

  private notRunnable(who: 'bash' | 'sudo' | 'env' | 'xargs', name: string, why: string, code: number, ctx: Ctx): number {
    if (who === 'bash') ctx.fds.err.write(`bash: ${name}: ${why}\n`);
    else if (who === 'sudo') {
      ctx.fds.err.write(`sudo: ${name}: command not found\n`);
      return 1;
    } else if (who === 'env') ctx.fds.err.write(`env: ${q(name)}: ${why}\n`);
    else ctx.fds.err.write(`xargs: ${name}: ${why}\n`);
    return code;
  }

  /** The first executable file named `name` in $PATH's directories, as `which` finds it. */
  private onPath(name: string, ctx: Ctx): string | undefined {
    if (name.includes('/')) return undefined;
    for (const dir of (ctx.state.vars.get('PATH') ?? '').split(':')) {
      if (dir === '') continue;
      const st = this.fs.stat(`${dir}/${name}`);
      if (typeof st !== 'string' && st.kind === 'file' && st.mode & 0o111) return `${dir}/${name}`;
    }
    return undefined;
  }

  /** Whether execvp would find `name` here: a backend program, a utility, or a builtin that is also a file in /usr/bin. */
  hasProgram(name: string): boolean {
    return this.findProgram(name) !== null;
  }

  private findProgram(name: string): { kind: 'runner'; run: CommandRunner } | { kind: 'utility'; run: Utility } | null {
    if (Object.prototype.hasOwnProperty.call(this.commands, name)) return { kind: 'runner', run: this.commands[name]! };
    if (Object.prototype.hasOwnProperty.call(this.utilities, name)) return { kind: 'utility', run: this.utilities[name]! };
    if (ALSO_PROGRAMS.has(name) && this.builtins[name]) {
      const b = this.builtins[name]!;
      return { kind: 'utility', run: (c) => b(c.argv, c.io, { state: cloneState(this.state), fds: { stdin: stdinOf(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err: { write: (t) => c.io.stderr(t) }, outIsTTY: c.stdoutIsTTY, errIsTTY: c.io.stderrIsTTY ?? false }, interrupt: c.io.interrupt, depth: 0, nested: true, loopDepth: 0 }) };
    }
    return null;
  }

  /** A utility running another program (UtilContext.exec), with the streams it was given; the utility words a missing program. */
  private async execFromUtility(argv: string[], io: ProcessIO, ctx: Ctx, env: Record<string, string> | undefined): Promise<number | ExecError> {
    const name = argv[0] ?? '';
    if (name.includes('/')) {
      const m = /^\/(?:usr\/)?(?:local\/)?s?bin\/([^/]+)$/.exec(resolvePath(name, ctx.state.cwd));
      if (!(m && this.findProgram(m[1]!))) return typeof this.fs.stat(resolvePath(name, ctx.state.cwd)) === 'string' ? 'ENOENT' : 'EACCES';
    } else if (!this.findProgram(name)) return 'ENOENT';
    const fds: Fds = { stdin: stdinOf(io.stdin), stdinIsTTY: io.stdinIsTTY, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) }, outIsTTY: ctx.fds.outIsTTY, errIsTTY: ctx.fds.errIsTTY };
    // The program gets exactly the environment given (env -i empties it).
    const state: State = env === undefined ? ctx.state : { ...cloneState(ctx.state), vars: new Map(Object.entries(env)), exported: new Set(Object.keys(env)) };
    return this.execProgram(argv, { ...ctx, state, fds, interrupt: io.interrupt }, {}, 'xargs');
  }

  /**
   * Runs one program with Ctrl-C handled as a kernel would: a program that
   * registered for the interrupt (a handler) gets it and decides its own exit
   * code; one that did not is "killed": the shell stops waiting, drops its
   * further output and reports 130.
   */
  private async invoke(name: string, run: (io: ProcessIO) => Promise<number> | number, fds: Fds, interrupt: Interrupt, cwd?: string, builtin = false): Promise<number> {
    let killed = false;
    // The first write a file refused (a cgroup knob given a bad value): the program reports it and fails.
    let writeError: FsErrorCode | undefined;
    const handlers = new Set<() => void>();
    const stage: Interrupt = {
      get interrupted() {
        return interrupt.interrupted;
      },
      onInterrupt(cb: () => void): () => void {
        handlers.add(cb);
        return () => handlers.delete(cb);
      },
    };
    let kill: (code: number) => void = () => {};
    const killedPromise = new Promise<number>((resolve) => (kill = resolve));
    const off = interrupt.onInterrupt(() => {
      if (handlers.size > 0) {
        for (const cb of [...handlers]) {
          try {
            cb();
          } catch {
            // A handler that throws is the program's bug, not the shell's.
          }
        }
      } else {
        killed = true;
        kill(130);
      }
    });
    // A program takes its stdin when it first looks at it, so `read` in a loop and programs that ignore stdin leave the rest.
    let taken: string | null | undefined;
    const io: ProcessIO = {
      get stdin(): string | null {
        if (taken === undefined) taken = fds.stdin ? fds.stdin.takeAll() : null;
        return taken;
      },
      stdinIsTTY: fds.stdinIsTTY,
      stdoutIsTTY: fds.outIsTTY,
      stderrIsTTY: fds.errIsTTY,
      ...(cwd !== undefined ? { cwd } : {}),
      // Only a program whose stdin is the terminal itself (not a pipe or a file) may read its keystrokes.
      ...(fds.stdin === null && this.terminal ? { terminal: this.terminal } : {}),
      interrupt: stage,
      stdout: (t) => {
        if (killed) return;
        fds.out.write(String(t));
        if (fds.out.refused !== undefined) {
          writeError ??= fds.out.refused;
          fds.out.refused = undefined;
        }
      },
      stderr: (t) => {
        if (!killed) fds.err.write(String(t));
      },
    };
    try {
      const running = Promise.resolve()
        .then(() => run(io))
        .catch((e: unknown) => {
          if (e instanceof ExitRequest || e instanceof LoopControl || e instanceof Interrupted) throw e;
          if (!killed) fds.err.write(`bash: ${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
          return 1;
        });
      const code = await Promise.race([running, killedPromise]);
      if (writeError !== undefined && !killed) {
        fds.err.write(`${builtin ? `bash: ${name}` : name}: write error: ${fsErrorText(writeError)}\n`);
        return 1;
      }
      return normaliseStatus(code);
    } finally {
      off();
    }
  }

  // ---------- redirects ----------

  private async applyRedirects(redirects: Redirect[], ctx: Ctx): Promise<Fds | number> {
    if (redirects.length === 0) return ctx.fds;
    const fds: Fds = { ...ctx.fds };
    const fail = (msg: string): number => {
      ctx.fds.err.write(msg);
      return 1;
    };
    for (const r of redirects) {
      let target: string;
      try {
        if (r.op === '<<<' || r.op === '<<') {
          target = await this.expandNoSplit(r.target, ctx, () => {});
        } else {
          const words = await this.expandWord(r.target, ctx, () => {});
          if (words.length !== 1) return fail(`bash: ${r.target.raw}: ambiguous redirect\n`);
          target = words[0]!;
        }
      } catch (e) {
        if (e instanceof ExpansionError) return e.status;
        throw e;
      }
      if (r.op === '<<<' || r.op === '<<') {
        if (r.fd === 0) {
          fds.stdin = new Stdin(r.op === '<<' ? target : target + '\n');
          fds.stdinIsTTY = false;
        }
        continue;
      }
      if (r.op === '<' || r.op === '<>') {
        const abs = resolvePath(target, ctx.state.cwd);
        if (r.op === '<>' && !this.fs.exists(abs)) this.fs.touch(abs);
        const data = this.fs.tryRead(abs);
        if ('error' in data) return fail(`bash: ${target}: ${errText(data.error)}\n`);
        if (r.fd === 0) {
          fds.stdin = new Stdin(data.data);
          fds.stdinIsTTY = target === '/dev/tty' ? ctx.fds.stdinIsTTY : false;
        }
        continue;
      }
      if (r.op === '<&') continue;
      if (r.op === '>&' && (/^\d+$/.test(target) || target === '-')) {
        if (target === '-') {
          if (r.fd === 1) fds.out = NULL_SINK;
          if (r.fd === 2) {
            fds.err = NULL_SINK;
            fds.errIsTTY = false;
          }
          continue;
        }
        const src = Number(target);
        if (src !== 1 && src !== 2) return fail(`bash: ${target}: Bad file descriptor\n`);
        const sink = src === 1 ? fds.out : fds.err;
        const tty = src === 1 ? fds.outIsTTY : fds.errIsTTY;
        if (r.fd === 1) {
          fds.out = sink;
          fds.outIsTTY = tty;
        } else if (r.fd === 2) {
          fds.err = sink;
          fds.errIsTTY = tty;
        }
        continue;
      }
      // Output to a file: >, >>, >|, &>, &>>, and `>&file` (same as &>).
      const both = r.op === '&>' || r.op === '&>>' || (r.op === '>&' && r.fd === 1);
      const append = r.op === '>>' || r.op === '&>>';
      const sink = this.openSink(target, append, fds, ctx);
      if (typeof sink === 'string') return fail(`bash: ${target}: ${sink}\n`);
      if (both || r.fd === 1) {
        fds.out = sink.sink;
        fds.outIsTTY = sink.tty;
      }
      if (both || r.fd === 2) {
        fds.err = sink.sink;
        fds.errIsTTY = sink.tty;
      }
    }
    return fds;
  }

  private openSink(target: string, append: boolean, fds: Fds, ctx: Ctx): { sink: Sink; tty: boolean } | string {
    if (target === '') return 'No such file or directory';
    const abs = resolvePath(target, ctx.state.cwd);
    if (abs === '/dev/null') return { sink: NULL_SINK, tty: false };
    if (abs === '/dev/stdout') return { sink: fds.out, tty: fds.outIsTTY };
    if (abs === '/dev/stderr') return { sink: fds.err, tty: fds.errIsTTY };
    if (abs === '/dev/tty') return { sink: fds.out, tty: true };
    const writer = this.fs.openWrite(abs, append);
    if (typeof writer === 'string') return errText(writer);
    const sink: Sink = {
      write: (text) => {
        const e = writer.write(text);
        if (typeof e === 'string') sink.refused = e;
      },
    };
    return { sink, tty: false };
  }

  // ---------- expansion ----------

  private async expandWordOrError(w: Word, ctx: Ctx): Promise<string[] | number> {
    try {
      return await this.expandWord(w, ctx, () => {});
    } catch (e) {
      if (e instanceof ExpansionError) return e.status;
      throw e;
    }
  }

  /** Expands a word into fields: braces, parameters, substitutions, splitting, then globbing. */
  private async expandWord(w: Word, ctx: Ctx, onSubst: (s: number) => void): Promise<string[]> {
    if (w.parts.some((p) => p.k === 'lit' && p.v.includes('{'))) {
      const variants = braceExpand(w.parts, { left: MAX_BRACE_WORDS });
      if (variants.length > 1 || variants[0] !== w.parts) {
        const out: string[] = [];
        for (const parts of variants) out.push(...(await this.expandFields({ parts, raw: w.raw }, ctx, onSubst)));
        return out;
      }
    }
    return this.expandFields(w, ctx, onSubst);
  }

  private async expandFields(w: Word, ctx: Ctx, onSubst: (s: number) => void): Promise<string[]> {
    const fields: Seg[][] = [];
    let cur: Seg[] = [];
    let present = false;
    const end = (): void => {
      if (present || cur.some((s) => s.text !== '')) fields.push(cur);
      cur = [];
      present = false;
    };
    const ifs = ctx.state.vars.has('IFS') ? ctx.state.vars.get('IFS')! : ' \t\n';
    const splitRe = ifsRegex(ifs);
    const addSplit = (value: string): void => {
      if (value === '') return;
      if (splitRe === null) {
        cur.push({ text: value, quoted: false });
        return;
      }
      const parts = value.split(splitRe);
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) end();
        if (parts[i] !== '') cur.push({ text: parts[i]!, quoted: false });
      }
    };
    for (const part of w.parts) {
      if (part.k === 'lit') cur.push({ text: part.v, quoted: false });
      else if (part.k === 'q') {
        cur.push({ text: part.v, quoted: true });
        present = true;
      } else if (part.k === 'tilde') cur.push({ text: this.tilde(part.user, ctx), quoted: true });
      else if (part.k === 'param' && (part.name === '@' || part.name === '*') && part.op === null && part.quoted) {
        const pos = ctx.state.positional;
        if (part.name === '*') {
          cur.push({ text: pos.join(ifs[0] ?? ''), quoted: true });
          present = true;
        } else {
          pos.forEach((p, i) => {
            if (i > 0) end();
            cur.push({ text: p, quoted: true });
            present = true;
          });
        }
      } else {
        const value = await this.expandPart(part, ctx, onSubst);
        if ('quoted' in part && part.quoted) {
          cur.push({ text: value, quoted: true });
          present = true;
        } else addSplit(value);
      }
    }
    end();
    const out: string[] = [];
    for (const f of fields) {
      const text = f.map((s) => s.text).join('');
      if (f.some((s) => !s.quoted && /[*?[]/.test(s.text))) {
        const pattern = f.map((s) => (s.quoted ? s.text.replace(/[\\*?[\]]/g, '\\$&') : s.text)).join('');
        if (hasGlobChars(pattern)) {
          const matches = this.glob(pattern, ctx.state.cwd);
          if (matches.length > 0) {
            out.push(...matches);
            continue;
          }
        }
      }
      out.push(text);
    }
    return out;
  }

  /** Expands without splitting or globbing (assignments, here-strings). */
  private async expandNoSplit(w: Word, ctx: Ctx, onSubst: (s: number) => void): Promise<string> {
    let out = '';
    for (const part of w.parts) {
      if (part.k === 'lit' || part.k === 'q') out += part.v;
      else if (part.k === 'tilde') out += this.tilde(part.user, ctx);
      else out += await this.expandPart(part, ctx, onSubst);
    }
    return out;
  }

  private tilde(user: string, ctx: Ctx): string {
    if (user === '') return ctx.state.vars.get('HOME') ?? '/root';
    if (user === 'root') return '/root';
    if (user === this.user) return `/home/${user}`;
    return '~' + user;
  }

  private async expandPart(part: WordPart, ctx: Ctx, onSubst: (s: number) => void): Promise<string> {
    switch (part.k) {
      case 'lit': case 'q': return part.v;
      case 'tilde': return this.tilde(part.user, ctx);
      case 'cmd': {
        const r = await this.substitute(part.list, ctx);
        onSubst(r.status);
        return r.text;
      }
      case 'arith': {
        const text = await this.expandArithText(part.expr, ctx);
        try {
          return String(evalArith(text, (n) => ctx.state.vars.get(n), (n, v) => ctx.state.vars.set(n, v)));
        } catch (e) {
          if (e instanceof ArithError) {
            ctx.fds.err.write(`bash: ${e.message}\n`);
            throw new ExpansionError(1);
          }
          throw e;
        }
      }
      case 'param': return this.expandParam(part, ctx, onSubst);
    }
  }

  /** `$x` inside `$(( ))` expands before the arithmetic is evaluated. */
  private async expandArithText(expr: string, ctx: Ctx): Promise<string> {
    if (!expr.includes('$')) return expr;
    let out = '';
    for (let i = 0; i < expr.length; i++) {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*|[0-9?#$])\}|([A-Za-z_][A-Za-z0-9_]*|[0-9?#$]))/.exec(expr.slice(i));
      if (m) {
        out += this.param(m[1] ?? m[2]!, ctx) ?? '';
        i += m[0].length - 1;
        continue;
      }
      out += expr[i];
    }
    return out;
  }

  private param(name: string, ctx: Ctx): string | undefined {
    const s = ctx.state;
    switch (name) {
      case '?': return String(s.status);
      case '$': return String(this.pid);
      case '#': return String(s.positional.length);
      case '@': case '*': return s.positional.join(' ');
      case '0': return s.arg0;
      case '!': return '';
      case '-': return 'hB';
    }
    if (/^\d+$/.test(name)) return s.positional[Number(name) - 1];
    return s.vars.get(name);
  }

  private async expandParam(part: Extract<WordPart, { k: 'param' }>, ctx: Ctx, onSubst: (s: number) => void): Promise<string> {
    const value = this.param(part.name, ctx);
    const op = part.op;
    if (op === null) return value ?? '';
    if (op === 'len') return String([...(value ?? '')].length);
    const arg = async (): Promise<string> => {
      let out = '';
      for (const p of part.arg ?? []) out += await this.expandPart(p, ctx, onSubst);
      return out;
    };
    const unsetOrNull = value === undefined || (op.startsWith(':') && value === '');
    switch (op) {
      case ':-': case '-': return unsetOrNull ? arg() : value!;
      case ':=': case '=': {
        if (!unsetOrNull) return value!;
        const v = await arg();
        if (!/^[A-Za-z_]/.test(part.name)) {
          ctx.fds.err.write(`bash: $${part.name}: cannot assign in this way\n`);
          throw new ExpansionError(1);
        }
        ctx.state.vars.set(part.name, v);
        return v;
      }
      case ':+': case '+': return unsetOrNull ? '' : arg();
      case ':?': case '?': {
        if (!unsetOrNull) return value!;
        const msg = await arg();
        ctx.fds.err.write(`bash: ${part.name}: ${msg || (value === undefined ? 'parameter null or not set' : 'parameter null or not set')}\n`);
        throw new ExpansionError(1);
      }
      case '#': case '##': case '%': case '%%': {
        const v = value ?? '';
        const pat = await arg();
        const re = globToRegex(pat);
        const chars = [...v];
        const tryCut = (fromStart: boolean, longest: boolean): string => {
          const lens = chars.map((_, i) => i + 1);
          lens.unshift(0);
          const order = longest ? lens.reverse() : lens;
          for (const n of order) {
            const piece = fromStart ? chars.slice(0, n).join('') : chars.slice(chars.length - n).join('');
            if (re.test(piece)) return fromStart ? chars.slice(n).join('') : chars.slice(0, chars.length - n).join('');
          }
          return v;
        };
        return tryCut(op.startsWith('#'), op.length === 2);
      }
    }
    return value ?? '';
  }

  /** `$(…)`: runs in a subshell, stdout captured, trailing newlines removed. */
  private async substitute(list: List, ctx: Ctx): Promise<{ text: string; status: number }> {
    if (ctx.depth >= MAX_DEPTH) {
      this.tooDeep(ctx);
      throw new ExpansionError(1);
    }
    const buf = new BufferSink();
    const sub: Ctx = { ...ctx, state: cloneState(ctx.state), fds: { ...ctx.fds, out: buf, outIsTTY: false }, depth: ctx.depth + 1, loopDepth: 0, nested: true };
    let status: number;
    try {
      status = await this.runList(list, sub);
    } catch (e) {
      if (e instanceof ExitRequest) status = e.status;
      else if (e instanceof LoopControl) status = 0;
      else throw e;
    }
    return { text: buf.text().replace(/\n+$/, ''), status };
  }

  /** Pathname expansion over the in-memory filesystem; sorted; empty when nothing matches. */
  private glob(pattern: string, cwd: string): string[] {
    const absolute = pattern.startsWith('/');
    const segs = pattern.split('/').filter((s, i) => s !== '' || i === 0);
    let paths: string[] = [absolute ? '/' : ''];
    for (let i = absolute ? 1 : 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const last = i === segs.length - 1;
      const next: string[] = [];
      for (const p of paths) {
        const dirAbs = resolvePath(p === '' ? '.' : p, cwd);
        if (hasGlobChars(seg)) {
          const names = this.fs.readdir(dirAbs);
          if (typeof names === 'string') continue;
          const re = globToRegex(seg, seg.startsWith('.'));
          for (const n of names) {
            if (!re.test(n)) continue;
            const full = p === '' ? n : p.endsWith('/') ? p + n : `${p}/${n}`;
            if (!last && !this.fs.isDir(resolvePath(full, cwd))) continue;
            next.push(full);
          }
        } else {
          const lit = seg.replace(/\\(.)/g, '$1');
          const full = p === '' ? lit : p.endsWith('/') ? p + lit : `${p}/${lit}`;
          if (this.fs.exists(resolvePath(full, cwd))) next.push(full);
        }
      }
      paths = next;
      if (paths.length === 0) return [];
    }
    if (pattern.endsWith('/')) paths = paths.filter((p) => this.fs.isDir(resolvePath(p, cwd))).map((p) => p + '/');
    return paths.sort(compareBytes);
  }

  private exportedEnv(state: State): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k of state.exported) {
      const v = state.vars.get(k);
      if (v !== undefined) env[k] = v;
    }
    return env;
  }

  // ---------- utilities that run other programs ----------

  private async sudoUtility(c: UtilContext): Promise<number> {
    const args = c.argv.slice(1);
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (a === '-u' || a === '-g') i++;
      else if (/^-[EHSnkPib]+$/.test(a) || a.startsWith('--preserve-env')) continue;
      else if (a.startsWith('-')) {
        c.io.stderr(`sudo: invalid option -- '${a[1]}'\nusage: sudo -h | -K | -k | -V\n`);
        return 1;
      } else break;
    }
    if (i >= args.length) {
      c.io.stderr('usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]\nusage: sudo [-ABbEHkNnPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]\nusage: sudo -e [-ABkNnS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...\n');
      return 1;
    }
    return this.withWho('sudo', c, args.slice(i), { ...c.env, USER: 'root', HOME: '/root', SUDO_USER: this.user });
  }

  /** Runs a program from a utility, with `who` wording its not-found error. */
  private async withWho(who: 'sudo' | 'env' | 'xargs', c: UtilContext, argv: string[], env: Record<string, string>): Promise<number> {
    const fds: Fds = { stdin: stdinOf(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err: { write: (t) => c.io.stderr(t) }, outIsTTY: c.stdoutIsTTY, errIsTTY: c.io.stderrIsTTY ?? false };
    const state = cloneState(this.state);
    state.cwd = c.cwd;
    const ctx: Ctx = { state, fds, interrupt: c.io.interrupt, depth: 1, nested: true, loopDepth: 0 };
    return this.execProgram(argv, ctx, env, who);
  }

  /** `bash -c '…' [name args…]` and `bash file`: a child shell with the exported environment. */
  private async bashUtility(c: UtilContext): Promise<number> {
    const prog = c.argv[0]!;
    const args = c.argv.slice(1);
    let script: string | null = null;
    let arg0 = prog;
    let positional: string[] = [];
    let label = prog;
    let i = 0;
    while (i < args.length && /^-[a-z]*$/.test(args[i]!) && args[i] !== '-c') i++;
    if (args[i] === '-c') {
      script = args[i + 1] ?? null;
      if (script === null) {
        c.io.stderr(`${prog}: -c: option requires an argument\n`);
        return 2;
      }
      arg0 = args[i + 2] ?? prog;
      positional = args.slice(i + 3);
      label = `${prog}: -c`;
    } else if (args[i] !== undefined) {
      const f = args[i]!;
      const r = this.fs.tryRead(resolvePath(f, c.cwd));
      if ('error' in r) {
        c.io.stderr(`${prog}: ${f}: ${errText(r.error)}\n`);
        return 127;
      }
      script = r.data;
      arg0 = f;
      positional = args.slice(i + 1);
      label = `${prog}: ${f}`;
    } else {
      c.io.stderr(`${prog}: this terminal runs one shell; nested interactive shells are not available (try ${prog} -c '…')\n`);
      return 1;
    }
    let list: List;
    try {
      list = parse(script);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        c.io.stderr(e.message.replace(/^bash: /, `${label}: line 1: `) + '\n');
        return 2;
      }
      throw e;
    }
    const vars = new Map(Object.entries(c.env));
    const state: State = { vars, exported: new Set(vars.keys()), cwd: c.cwd, status: 0, positional, arg0 };
    const fds: Fds = { stdin: stdinOf(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err: { write: (t) => c.io.stderr(t) }, outIsTTY: c.stdoutIsTTY, errIsTTY: c.io.stderrIsTTY ?? false };
    if (this.nestedShells >= 16) {
      c.io.stderr(`${prog}: maximum nesting level exceeded\n`);
      return 1;
    }
    this.nestedShells++;
    try {
      return await this.runTop(list, { state, fds, interrupt: c.io.interrupt, depth: 1, nested: true, loopDepth: 0 });
    } finally {
      this.nestedShells--;
    }
  }

  // ---------- builtins ----------

  private makeBuiltins(): Record<string, Builtin> {
    const util = (u: Utility): Builtin => (argv, io, ctx) => u(this.utilContext(argv, io, ctx));
    return {
      ':': () => 0,
      true: () => 0,
      false: () => 1,
      echo: util(echo),
      printf: util(bashPrintf),
      pwd: (_a, io, ctx) => (io.stdout(ctx.state.cwd + '\n'), 0),
      cd: (argv, io, ctx) => this.cd(argv, io, ctx),
      export: (argv, io, ctx) => this.exportBuiltin(argv, io, ctx),
      unset: (argv, _io, ctx) => {
        for (const n of argv.slice(1)) {
          if (n.startsWith('-')) continue;
          ctx.state.vars.delete(n);
          ctx.state.exported.delete(n);
        }
        return 0;
      },
      exit: (argv, io, ctx) => {
        const a = argv[1];
        let code = ctx.state.status;
        if (a !== undefined) {
          if (!/^[+-]?\d+$/.test(a)) {
            io.stderr(`bash: exit: ${a}: numeric argument required\n`);
            code = 2;
          } else code = normaliseStatus(Number(a));
        }
        if (!ctx.nested) io.stderr('exit\nbash: exit: this is the terminal of a web page; there is no outer shell to return to\n');
        throw new ExitRequest(code);
      },
      type: (argv, io) => this.typeBuiltin(argv, io),
      which: (argv, io, ctx) => {
        let status = 0;
        for (const n of argv.slice(1)) {
          if (n.startsWith('-')) continue;
          const file = this.onPath(n, ctx);
          if (file !== undefined) io.stdout(`${file}\n`);
          else if (this.findProgram(n)) io.stdout(`/usr/bin/${n}\n`);
          else status = 1;
        }
        return argv.length > 1 ? status : 1;
      },
      command: (argv, io, ctx) => {
        if (argv[1] === '-v' || argv[1] === '-V') {
          let status = 0;
          for (const n of argv.slice(2)) {
            if (this.builtins[n] && !ALSO_PROGRAMS.has(n)) io.stdout(argv[1] === '-v' ? `${n}\n` : `${n} is a shell builtin\n`);
            else if (this.findProgram(n)) io.stdout(argv[1] === '-v' ? `/usr/bin/${n}\n` : `${n} is /usr/bin/${n}\n`);
            else status = 1;
          }
          return status;
        }
        if (argv.length < 2) return 0;
        return this.dispatch(argv.slice(1), ctx, {});
      },
      help: (argv, io) => this.help(argv, io),
      test: (argv, io) => testBuiltin(argv.slice(1), io, this.fs, this.state.cwd, 'test'),
      '[': (argv, io) => {
        if (argv[argv.length - 1] !== ']') {
          io.stderr("bash: [: missing `]'\n");
          return 2;
        }
        return testBuiltin(argv.slice(1, -1), io, this.fs, this.state.cwd, '[');
      },
      eval: async (argv, io, ctx) => {
        let list: List;
        try {
          list = parse(argv.slice(1).join(' '));
        } catch (e) {
          if (e instanceof ShellSyntaxError) {
            io.stderr(e.message.replace(/^bash: /, 'bash: eval: line 1: ') + '\n');
            return 2;
          }
          throw e;
        }
        return this.runList(list, this.ctxWithIo(ctx, io));
      },
      source: (argv, io, ctx) => this.source(argv, io, ctx),
      '.': (argv, io, ctx) => this.source(argv, io, ctx),
      set: (argv, io, ctx) => {
        if (argv.length === 1) {
          const lines = [...ctx.state.vars.entries()].filter(([k]) => !k.startsWith('\u0000')).sort(([a], [b]) => compareBytes(a, b)).map(([k, v]) => `${k}=${shellQuote(v)}\n`);
          io.stdout(lines.join(''));
          return 0;
        }
        if (argv[1] === '--') {
          ctx.state.positional = argv.slice(2);
          return 0;
        }
        io.stderr(`bash: set: ${argv[1]}: shell options are not supported in this terminal\n`);
        return 1;
      },
      shift: (argv, io, ctx) => {
        const n = argv[1] === undefined ? 1 : Number(argv[1]);
        if (!Number.isInteger(n) || n < 0) {
          io.stderr(`bash: shift: ${argv[1]}: numeric argument required\n`);
          return 1;
        }
        if (n > ctx.state.positional.length) return 1;
        ctx.state.positional = ctx.state.positional.slice(n);
        return 0;
      },
      break: (argv, io, ctx) => this.loopControl('break', argv, io, ctx),
      continue: (argv, io, ctx) => this.loopControl('continue', argv, io, ctx),
      read: (argv, io, ctx) => {
        const names = argv.slice(1).filter((a) => !a.startsWith('-'));
        const line = ctx.fds.stdin ? ctx.fds.stdin.takeLine() : null;
        if (line === null) {
          for (const n of names) ctx.state.vars.set(n, '');
          return 1;
        }
        const vars = names.length > 0 ? names : ['REPLY'];
        const words = line.trim().split(/[ \t]+/);
        vars.forEach((n, k) => ctx.state.vars.set(n, k === vars.length - 1 ? words.slice(k).join(' ') : (words[k] ?? '')));
        return 0;
      },
      kill: (argv, io) => {
        if (argv.length < 2) {
          io.stderr('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
          return 2;
        }
        for (const a of argv.slice(1)) {
          if (a.startsWith('-')) continue;
          io.stderr(/^\d+$/.test(a) ? `bash: kill: (${a}) - No such process\n` : `bash: kill: ${a}: arguments must be process or job IDs\n`);
        }
        return 1;
      },
    };
  }

  private utilContext(argv: string[], io: ProcessIO, ctx: Ctx): UtilContext {
    return {
      argv,
      io,
      stdoutIsTTY: ctx.fds.outIsTTY,
      fs: this.fs,
      cwd: ctx.state.cwd,
      env: this.exportedEnv(ctx.state),
      user: this.user,
      hostname: this.hostname,
      flavor: this.flavor,
      sys: this.sys,
      now: () => this.clock.now(),
      sleep: this.sleepFn,
      exec: (a, io2, env) => this.execFromUtility(a, io2, ctx, env),
    };
  }

  /** A context whose streams are a program's io (eval and source run inside invoke). */
  private ctxWithIo(ctx: Ctx, io: ProcessIO): Ctx {
    return { ...ctx, fds: { ...ctx.fds, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) } } };
  }

  private loopControl(kind: 'break' | 'continue', argv: string[], io: ProcessIO, ctx: Ctx): number {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      io.stderr(`bash: ${kind}: ${argv[1]}: loop count out of range\n`);
      return 1;
    }
    if (ctx.loopDepth === 0) {
      io.stderr(`bash: ${kind}: only meaningful in a \`for', \`while', or \`until' loop\n`);
      return 0;
    }
    throw new LoopControl(kind, Math.min(n, ctx.loopDepth));
  }

  private async source(argv: string[], io: ProcessIO, ctx: Ctx): Promise<number> {
    const f = argv[1];
    if (f === undefined) {
      io.stderr(`bash: ${argv[0]}: filename argument required\n${argv[0]}: usage: ${argv[0]} filename [arguments]\n`);
      return 2;
    }
    const r = this.fs.tryRead(resolvePath(f, ctx.state.cwd));
    if ('error' in r) {
      io.stderr(`bash: ${f}: ${errText(r.error)}\n`);
      return 1;
    }
    let list: List;
    try {
      list = parse(r.data);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        io.stderr(e.message.replace(/^bash: /, `bash: ${f}: line 1: `) + '\n');
        return 2;
      }
      throw e;
    }
    if (ctx.depth >= MAX_DEPTH) return this.tooDeep(ctx);
    return this.runList(list, { ...this.ctxWithIo(ctx, io), depth: ctx.depth + 1 });
  }

  private cd(argv: string[], io: ProcessIO, ctx: Ctx): number {
    const args = argv.slice(1).filter((a, i) => !(i === 0 && (a === '-L' || a === '-P')));
    if (args.length > 1) {
      io.stderr('bash: cd: too many arguments\n');
      return 1;
    }
    let target = args[0];
    let print = false;
    if (target === undefined || target === '') {
      target = ctx.state.vars.get('HOME');
      if (target === undefined) {
        io.stderr('bash: cd: HOME not set\n');
        return 1;
      }
    } else if (target === '-') {
      target = ctx.state.vars.get('OLDPWD');
      if (target === undefined) {
        io.stderr('bash: cd: OLDPWD not set\n');
        return 1;
      }
      print = true;
    }
    const abs = resolvePath(target, ctx.state.cwd);
    const st = this.fs.stat(abs);
    if (typeof st === 'string' || st.kind !== 'dir') {
      io.stderr(`bash: cd: ${args[0] ?? target}: ${typeof st === 'string' ? errText(st) : 'Not a directory'}\n`);
      return 1;
    }
    ctx.state.vars.set('OLDPWD', ctx.state.cwd);
    ctx.state.exported.add('OLDPWD');
    ctx.state.cwd = abs;
    ctx.state.vars.set('PWD', abs);
    if (print) io.stdout(abs + '\n');
    return 0;
  }

  private exportBuiltin(argv: string[], io: ProcessIO, ctx: Ctx): number {
    const args = argv.slice(1).filter((a) => a !== '-p' && a !== '--');
    if (args.length === 0) {
      const names = [...ctx.state.exported].filter((k) => ctx.state.vars.has(k)).sort(compareBytes);
      io.stdout(names.map((k) => `declare -x ${k}="${ctx.state.vars.get(k)!.replace(/(["\\$`])/g, '\\$1')}"\n`).join(''));
      return 0;
    }
    let status = 0;
    for (const a of args) {
      if (a === '-n') continue;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=(.*))?$/s.exec(a);
      if (!m) {
        io.stderr(`bash: export: \`${a}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      if (m[2] !== undefined) {
        const append = m[2].startsWith('+');
        ctx.state.vars.set(m[1]!, append ? (ctx.state.vars.get(m[1]!) ?? '') + m[3]! : m[3]!);
      }
      ctx.state.exported.add(m[1]!);
    }
    return status;
  }

  private typeBuiltin(argv: string[], io: ProcessIO): number {
    let args = argv.slice(1);
    let terse = false;
    if (args[0] === '-t') {
      terse = true;
      args = args.slice(1);
    }
    let status = 0;
    for (const n of args) {
      if (KEYWORDS.includes(n)) io.stdout(terse ? 'keyword\n' : `${n} is a shell keyword\n`);
      else if (this.builtins[n]) io.stdout(terse ? 'builtin\n' : `${n} is a shell builtin\n`);
      else if (this.findProgram(n)) io.stdout(terse ? 'file\n' : `${n} is /usr/bin/${n}\n`);
      else {
        if (!terse) io.stderr(`bash: type: ${n}: not found\n`);
        status = 1;
      }
    }
    return status;
  }

  private help(argv: string[], io: ProcessIO): number {
    const programs = Object.keys(this.commands).sort(compareBytes);
    const builtins = Object.keys(this.builtins).sort(compareBytes);
    const utilities = Object.keys(this.utilities).sort(compareBytes);
    if (argv.length > 1) {
      const topic = argv[1]!;
      if (this.builtins[topic] || this.utilities[topic] || this.commands[topic]) {
        io.stdout(`${topic}: ${this.builtins[topic] ? 'a shell builtin' : this.commands[topic] ? 'a program of this machine' : 'a built-in utility'}. Try \`${topic} --help' where the program has it.\n`);
        return 0;
      }
      io.stderr(`bash: help: no help topics match \`${topic}'.  Try \`help help' or \`man -k ${topic}' or \`info ${topic}'.\n`);
      return 1;
    }
    const wrap = (words: string[]): string => {
      const lines: string[] = [];
      let line = ' ';
      for (const w of words) {
        if (line.length + w.length + 1 > 78) {
          lines.push(line);
          line = ' ';
        }
        line += ' ' + w;
      }
      lines.push(line);
      return lines.join('\n') + '\n';
    };
    io.stdout(
      'Glassbox host shell, a bash look-alike. It runs in your browser over an in-memory filesystem.\n\n' +
        'Programs:\n' + wrap(programs.length > 0 ? programs : ['(none)']) + '\n' +
        'Shell builtins:\n' + wrap(builtins) + '\n' +
        'Utilities:\n' + wrap(utilities) + '\n' +
        'Syntax: quotes \'…\' "…", $VAR ${VAR:-default} $? $(command) `command` $((1+2)),\n' +
        '  pipes |, lists ; && ||, redirects > >> < 2> 2>&1 &> <<<, globs * ? [..],\n' +
        '  if/then/else/fi, for/do/done, while/do/done, ( subshell ), { group; }.\n' +
        'Not here: job control (&, fg, bg), functions, aliases, here-documents (<<).\n',
    );
    return 0;
  }
}

type Seg = { text: string; quoted: boolean };

const MAX_BRACE_WORDS = 100_000;

const ifsCache = new Map<string, RegExp | null>();

function ifsRegex(ifs: string): RegExp | null {
  let re = ifsCache.get(ifs);
  if (re === undefined) {
    re = ifs === '' ? null : new RegExp(`[${ifs.replace(/[\\\]^-]/g, '\\$&')}]+`);
    if (ifsCache.size < 64) ifsCache.set(ifs, re);
  }
  return re;
}

/** A word that expands to itself (no expansions, globs or braces): the common case, kept off the async path. */
function plainWord(w: Word): string | null {
  let out = '';
  let any = false;
  for (const p of w.parts) {
    if (p.k === 'q') {
      out += p.v;
      any = true;
    } else if (p.k === 'lit' && !/[*?[{]/.test(p.v)) {
      out += p.v;
      if (p.v !== '') any = true;
    } else return null;
  }
  return any ? out : null;
}

/** Brace expansion (`{a,b}`, `{1..5}`, `{a..e}`) within unquoted text, as bash does before anything else. */
function braceExpand(parts: WordPart[], budget: { left: number }): WordPart[][] {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.k !== 'lit') continue;
    const b = findBrace(p.v);
    if (!b) continue;
    const out: WordPart[][] = [];
    for (const alt of b.alts) {
      if (--budget.left < 0) return [parts];
      const np: WordPart[] = [...parts.slice(0, i), { k: 'lit', v: b.pre + alt + b.post }, ...parts.slice(i + 1)];
      out.push(...braceExpand(np, budget));
    }
    return out;
  }
  return [parts];
}

function findBrace(s: string): { pre: string; alts: string[]; post: string } | null {
  for (let start = s.indexOf('{'); start >= 0; start = s.indexOf('{', start + 1)) {
    if (s[start - 1] === '$') continue;
    let depth = 0;
    const commas: number[] = [];
    let end = -1;
    for (let j = start; j < s.length; j++) {
      const c = s[j];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          end = j;
          break;
        }
      } else if (c === ',' && depth === 1) commas.push(j);
    }
    if (end < 0) return null;
    const body = s.slice(start + 1, end);
    const pre = s.slice(0, start);
    const post = s.slice(end + 1);
    if (commas.length > 0) {
      const alts: string[] = [];
      let from = start + 1;
      for (const c of [...commas, end]) {
        alts.push(s.slice(from, c));
        from = c + 1;
      }
      return { pre, alts, post };
    }
    const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(body);
    if (num) {
      const a = Number(num[1]);
      const z = Number(num[2]);
      const step = Math.abs(Number(num[3] ?? 1)) || 1;
      const width = /^-?0\d/.test(num[1]!) || /^-?0\d/.test(num[2]!) ? Math.max(num[1]!.length, num[2]!.length) : 0;
      const alts: string[] = [];
      for (let v = a; a <= z ? v <= z : v >= z; v += a <= z ? step : -step) {
        alts.push(width ? (v < 0 ? '-' + String(-v).padStart(width - 1, '0') : String(v).padStart(width, '0')) : String(v));
        if (alts.length > MAX_BRACE_WORDS) break;
      }
      return { pre, alts, post };
    }
    const chr = /^([A-Za-z])\.\.([A-Za-z])$/.exec(body);
    if (chr) {
      const a = chr[1]!.charCodeAt(0);
      const z = chr[2]!.charCodeAt(0);
      const alts: string[] = [];
      for (let v = a; a <= z ? v <= z : v >= z; v += a <= z ? 1 : -1) alts.push(String.fromCharCode(v));
      return { pre, alts, post };
    }
  }
  return null;
}

function cloneState(s: State): State {
  return { vars: new Map(s.vars), exported: new Set(s.exported), cwd: s.cwd, status: s.status, positional: [...s.positional], arg0: s.arg0 };
}

function normaliseStatus(code: unknown): number {
  if (typeof code !== 'number' || !Number.isFinite(code)) return 1;
  return ((Math.trunc(code) % 256) + 256) % 256;
}

/** strerror for an errno the filesystem gave (a redirect's target, `cd`). */
function errText(code: string): string {
  return fsErrorText(code as FsErrorCode) ?? 'Invalid argument';
}

function shellQuote(v: string): string {
  return /^[A-Za-z0-9_.\/:=@%+,-]*$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`;
}

/** `test` / `[`: the unary file and string tests, binary string and integer comparisons, `!`, `-a`, `-o`. */
function testBuiltin(args: string[], io: ProcessIO, fs: Fs, cwd: string, name: string): number {
  const intOf = (s: string): number | null => (/^\s*[+-]?\d+\s*$/.test(s) ? Number(s) : null);
  const err = (msg: string): never => {
    throw new TestError(`bash: ${name}: ${msg}\n`);
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
        case '-x': return typeof st !== 'string' && st.kind === 'dir';
        case '-L': case '-h': case '-p': case '-S': case '-b': case '-c': return false;
      }
      return err(`${op}: unary operator expected`);
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
        if (x === null) return err(`${l}: integer expression expected`);
        if (y === null) return err(`${r}: integer expression expected`);
        return op === '-eq' ? x === y : op === '-ne' ? x !== y : op === '-lt' ? x < y : op === '-le' ? x <= y : op === '-gt' ? x > y : x >= y;
      }
      return err(`${op}: binary operator expected`);
    }
    return err('too many arguments');
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

class TestError extends Error {}
