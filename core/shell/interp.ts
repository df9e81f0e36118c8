/**
 * The POSIX shell interpreter every shell of the simulator runs: the host
 * terminal's bash and the shells inside containers (busybox ash, bash,
 * dash), which differ in their wording (personality.ts) and in where
 * programs come from (a Platform). It walks the syntax tree of syntax.ts as
 * generator tasks (task.ts): pipes, lists, compound commands, functions,
 * background jobs, traps, redirects and here-documents. Every failure is a
 * message and an exit code; nothing here throws at its caller.
 */
import type { Clock, Interrupt } from '../ports';
import { never } from '../ports';
import type { ProcessIO, TerminalInput } from '../process';
import { fsErrorText, type Fs, type FsErrorCode } from './filesystem';
import { BufferSink, Pipe, type Sink } from './io';
import { parse, ShellSyntaxError, type AndOr, type Command, type List, type Pipeline, type Redirect, type Word } from './syntax';
import { globToRegex } from './regex';
import { Expander, plainWord, type ExpandHost } from './expand';
import { all, awaitValue, isTask, runTask, suspend, suspensionCount, type Task, type TaskHandle } from './task';
import type { Voice } from './personality';
import { makeBuiltins } from './builtins';
import { aliasBuiltins, type AliasHost } from './aliases';
import { Jobs } from './jobs';
import { applyRedirects } from './redirects';
import {
  ExitRequest, ExpansionError, Interrupted, LoopControl, ReturnRequest,
  type Builtin, type Ctx, type Fds, type Platform, type State,
} from './shellTypes';

/** A write to a pipe whose reader has gone: the writing process dies of SIGPIPE. */
export class BrokenPipe {}

const MAX_DEPTH = 64;
/** Loops that never wait would freeze the page (nothing else can run, Ctrl-C cannot arrive): stop them. */
export const MAX_LOOP_ITERATIONS = 10_000;

/** Special builtins (POSIX): found before functions. */
const SPECIAL = new Set([':', '.', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'trap', 'unset']);

export interface InterpreterOptions {
  fs: Fs;
  platform: Platform;
  voice: Voice;
  clock: Clock;
  /** The starting variables, all exported. */
  env: Record<string, string>;
  cwd: string;
  /** $0 */
  arg0: string;
  positional?: string[];
  /** The host terminal: `exit` at the top prints bash's note instead of ending anything. */
  hostTerminal?: boolean;
  /** Builtins of this shell only (the host's help and which). */
  builtins?: Record<string, Builtin>;
  /** ~user */
  homeOf?(user: string): string | undefined;
  /** Runs `cb` soon, from the scheduler (a trapped signal ending `wait`); at once when absent. */
  defer?(cb: () => void): void;
  /** Whose wording the builtins that are also utilities (echo, printf, test) use; by default bash's GNU, ash's and dash's busybox. */
  utilFlavor?: 'gnu' | 'busybox';
  /**
   * A process that can spin (a container's): a loop that only runs `:` or
   * `true` keeps a CPU busy until the process is killed. Called when it
   * starts spinning; the function it returns, when it stops.
   */
  spin?(): () => void;
}

/** A list of nothing but `:` and `true` (no words, redirections or assignments beside them). */
function isNoop(list: List): boolean {
  return list.items.every(({ andOr, background }) => {
    if (background) return false;
    return [andOr.first, ...andOr.rest.map((r) => r.pipeline)].every(
      (p) => p.cmds.length === 1 && p.cmds.every((c) => c.type === 'simple' && c.assigns.length === 0 && c.redirects.length === 0 && c.words.length === 1 && (c.words[0]!.raw === ':' || c.words[0]!.raw === 'true')),
    );
  });
}

export function cloneState(s: State): State {
  return {
    vars: new Map(s.vars), exported: new Set(s.exported), readonly: new Set(s.readonly), cwd: s.cwd, status: s.status,
    positional: [...s.positional], arg0: s.arg0, functions: new Map(s.functions), locals: [], flags: { ...s.flags },
    traps: new Map([...s.traps].filter(([, action]) => action === '')),
  };
}

export function normaliseStatus(code: unknown): number {
  if (typeof code !== 'number' || !Number.isFinite(code)) return 1;
  return ((Math.trunc(code) % 256) + 256) % 256;
}

export class Interpreter implements ExpandHost {
  readonly fs: Fs;
  readonly voice: Voice;
  readonly platform: Platform;
  readonly clock: Clock;
  readonly state: State;
  readonly expand: Expander;
  readonly builtins: Record<string, Builtin>;
  readonly hostTerminal: boolean;
  /** The line of the command now running, for messages. */
  line = 1;
  /** The shell's own traps (a subshell's are in its State). */
  get traps(): Map<number, string> {
    return this.state.traps;
  }
  /** Trapped signals whose action runs once the current command is done. */
  private readonly pending: number[] = [];
  /** Once a trap with an action was set, `sh -c` no longer runs its last command in place of the shell. */
  mayHaveTraps = false;
  readonly jobs: Jobs;
  /** Bumped by the platform when input arrives or a program's timer fires: a loop that waits is not stuck. */
  progress = 0;
  /** The terminal's keystrokes for the line now running (host). */
  terminal: TerminalInput | undefined;
  readonly opts: InterpreterOptions;
  /** `alias`'s table; expanded by the parser when `expandAliases` (an interactive shell, or `shopt -s expand_aliases`). */
  readonly aliases = new Map<string, string>();
  expandAliases: boolean;

  constructor(opts: InterpreterOptions) {
    this.opts = opts;
    this.fs = opts.fs;
    this.platform = opts.platform;
    this.voice = opts.voice;
    this.clock = opts.clock;
    this.hostTerminal = opts.hostTerminal ?? false;
    this.state = {
      vars: new Map(Object.entries(opts.env)), exported: new Set(Object.keys(opts.env)), readonly: new Set(), cwd: opts.cwd, status: 0,
      positional: opts.positional ?? [], arg0: opts.arg0, functions: new Map(), locals: [], flags: { errexit: false, xtrace: false, nounset: false },
      traps: new Map(),
    };
    this.expand = new Expander(this);
    this.jobs = new Jobs(this);
    this.expandAliases = this.voice.interactive;
    const aliasHost: AliasHost = {
      aliases: this.aliases,
      expanding: () => this.expandAliases,
      setExpanding: (on) => (this.expandAliases = on),
      bash: this.voice.personality === 'bash',
      error: (io, text, builtin) => io.stderr(this.message(text, builtin)),
    };
    this.builtins = { ...makeBuiltins(this), ...aliasBuiltins(aliasHost), ...opts.builtins };
  }

  /** A context for a whole script or terminal line in the shell itself. */
  mainCtx(fds: Fds, interrupt: Interrupt = never, extra: Partial<Ctx> = {}): Ctx {
    return { state: this.state, fds, interrupt, depth: 0, nested: false, loopDepth: 0, funcDepth: 0, main: true, noErrexit: false, job: null, owner: undefined, execOk: false, ...extra };
  }

  // ---------- messages ----------

  /** An error line with the shell's prefix (`bash: line 2: cd: `, `sh: cd: line 1: `). */
  message(text: string, builtin?: string): string {
    return `${this.voice.prefix(this.state.arg0, this.line, builtin)}${text}\n`;
  }

  expansionError(ctx: Ctx, text: string, status: number, fatal: boolean): never {
    ctx.fds.err.write(this.message(text));
    throw new ExpansionError(status, fatal && !this.voice.interactive);
  }

  special(name: string, ctx: Ctx): string | undefined {
    if (name === '$') return String(this.platform.pid);
    if (name === '!') return this.jobs.lastPid === undefined ? '' : String(this.jobs.lastPid);
    const f = ctx.state.flags;
    const mode = this.voice.opts.mode;
    const how = mode === 'interactive' ? 'i' : mode === 'command' ? 'c' : mode === 'stdin' ? 's' : '';
    if (this.voice.personality === 'dash') return (f.errexit ? 'e' : '') + (f.nounset ? 'u' : '') + (f.xtrace ? 'x' : '') + (how === 'i' ? 'i' : '');
    if (this.voice.personality === 'ash') return (f.xtrace ? 'x' : '') + how + (f.errexit ? 'e' : '') + (f.nounset ? 'u' : '');
    return (f.errexit ? 'e' : '') + (f.nounset ? 'u' : '') + (f.xtrace ? 'x' : '') + 'hB' + how;
  }

  homeOf(user: string): string | undefined {
    return this.opts.homeOf?.(user);
  }

  /** Parses a script with this shell's rules; a syntax error is reported on `err` and returned as null. */
  parseOrReport(src: string, err: Sink): List | null {
    try {
      return parse(src, { heredocToEnd: this.voice.personality !== 'bash', noHereStrings: this.voice.personality !== 'bash', ...(this.expandAliases ? { aliases: this.aliases } : {}) });
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      // bash reads `-c SCRIPT` with a newline after it: the end of file is on the line after the last.
      const line = e.detail.kind === 'eof' && this.voice.personality === 'bash' && !src.endsWith('\n') ? e.line + 1 : e.line;
      err.write(this.voice.syntaxError(e, this.state.arg0, src.split('\n')[e.line - 1], line));
      return null;
    }
  }

  // ---------- running ----------

  /** Runs a parsed script (or terminal line) to its status, catching `exit`, Ctrl-C and stray break/continue/return. */
  *runMain(list: List, ctx: Ctx): Task<number> {
    try {
      return yield* this.runList(list, ctx);
    } catch (e) {
      return this.unwound(e);
    }
  }

  /** The status an unwinding (exit, Ctrl-C, SIGPIPE…) ends a shell with; rethrows anything else. */
  unwound(e: unknown): number {
    if (e instanceof Interrupted || e instanceof ExitRequest || e instanceof ReturnRequest) return e.status;
    if (e instanceof ExpansionError) return e.status;
    if (e instanceof LoopControl) return 0;
    if (e instanceof BrokenPipe) return 141;
    throw e;
  }

  /** Runs a subshell's work to its status: `exit` ends only the subshell, after its own EXIT trap. */
  *inSubshell(work: Task<number>, ctx: Ctx): Task<number> {
    let status: number;
    try {
      status = yield* work;
    } catch (e) {
      status = this.unwound(e);
    }
    return ctx.state.traps.size > 0 ? yield* this.exitShell(status, ctx) : status;
  }

  /** A shell or subshell ends with `status`: its EXIT trap runs first, once (an `exit` there sets the status). */
  *exitShell(status: number, ctx: Ctx): Task<number> {
    const action = ctx.state.traps.get(0);
    if (action === undefined || action === '') return status;
    ctx.state.traps.delete(0);
    ctx.state.status = status;
    const list = this.parseOrReport(action, ctx.fds.err);
    if (!list) return status;
    try {
      yield* this.runList(list, ctx);
    } catch (e) {
      if (e instanceof ExitRequest) return e.status;
      this.unwound(e);
    }
    return status;
  }

  *runList(list: List, ctx: Ctx): Task<number> {
    let status = ctx.state.status;
    const n = list.items.length;
    const notLast = ctx.execOk ? { ...ctx, execOk: false } : ctx;
    for (let i = 0; i < n; i++) {
      const item = list.items[i]!;
      if (item.background) {
        this.jobs.start(item.andOr, ctx);
        status = 0;
      } else status = yield* this.runAndOr(item.andOr, i === n - 1 ? ctx : notLast);
      ctx.state.status = status;
    }
    return status;
  }

  /** A context for a condition: `set -e` does not apply, nothing runs in place of the shell. */
  private cond(ctx: Ctx): Ctx {
    return ctx.noErrexit && !ctx.execOk ? ctx : { ...ctx, noErrexit: true, execOk: false };
  }

  *runAndOr(ao: AndOr, ctx: Ctx): Task<number> {
    const rest = ao.rest;
    let status = yield* this.runPipeline(ao.first, rest.length > 0 ? this.cond(ctx) : ctx);
    for (let k = 0; k < rest.length; k++) {
      const { op, pipeline } = rest[k]!;
      if ((op === '&&') === (status === 0)) status = yield* this.runPipeline(pipeline, k === rest.length - 1 ? ctx : this.cond(ctx));
    }
    return status;
  }

  *runPipeline(p: Pipeline, ctx: Ctx): Task<number> {
    if (ctx.interrupt.interrupted) throw new Interrupted(130);
    const c = p.negate ? this.cond(ctx) : ctx;
    let status = p.cmds.length === 1 ? yield* this.runCommand(p.cmds[0]!, c) : yield* this.runStages(p, c);
    if (p.negate) status = status === 0 ? 1 : 0;
    ctx.state.status = status;
    if (ctx.interrupt.interrupted) throw new Interrupted(status);
    if (ctx.main && this.pending.length > 0) yield* this.runPendingTraps(ctx);
    if (status !== 0 && ctx.state.flags.errexit && !c.noErrexit) throw new ExitRequest(status);
    return status;
  }

  /**
   * The stages of a pipeline run side by side, each in a subshell, joined by
   * pipes that stream. The readers start first, so a writer's output reaches
   * a reader that may finish early (`yes | head -3`).
   */
  private *runStages(p: Pipeline, ctx: Ctx): Task<number> {
    const n = p.cmds.length;
    const pipes: Pipe[] = [];
    for (let i = 0; i < n - 1; i++) pipes.push(new Pipe());
    const stage = function* (this: Interpreter, i: number): Task<number> {
      const input = i > 0 ? pipes[i - 1]! : null;
      const output = i < n - 1 ? pipes[i]! : null;
      const fds: Fds = {
        stdin: input ?? ctx.fds.stdin,
        stdinIsTTY: input ? false : ctx.fds.stdinIsTTY,
        out: output ?? ctx.fds.out,
        err: output && p.pipeStderr[i] ? output : ctx.fds.err,
        outIsTTY: output ? false : ctx.fds.outIsTTY,
        errIsTTY: output && p.pipeStderr[i] ? false : ctx.fds.errIsTTY,
      };
      const sub: Ctx = { ...ctx, state: cloneState(ctx.state), fds, nested: true, main: false, execOk: false };
      try {
        return yield* this.inSubshell(this.runCommand(p.cmds[i]!, sub), sub);
      } finally {
        output?.closeWrite();
        input?.closeRead();
      }
    };
    const tasks: Task<number>[] = [];
    for (let i = n - 1; i >= 0; i--) tasks.push(stage.call(this, i));
    const statuses = yield* all(tasks);
    return statuses[0]!;
  }

  applyRedirects(redirects: Redirect[], ctx: Ctx): Task<Fds | number> {
    return applyRedirects(this, redirects, ctx);
  }

  *runCommand(cmd: Command, ctx: Ctx): Task<number> {
    if (cmd.type === 'simple') return yield* this.runSimple(cmd, ctx);
    if (cmd.type === 'function') {
      ctx.state.functions.set(cmd.name, cmd.body);
      return 0;
    }
    const fds = yield* this.applyRedirects(cmd.redirects, ctx);
    if (typeof fds === 'number') return fds;
    const c: Ctx = fds === ctx.fds ? ctx : { ...ctx, fds };
    switch (cmd.type) {
      case 'subshell': {
        if (ctx.depth >= MAX_DEPTH) return this.tooDeep(ctx);
        const sub: Ctx = { ...c, state: cloneState(ctx.state), depth: ctx.depth + 1, nested: true, main: false };
        return yield* this.inSubshell(this.runList(cmd.list, sub), sub);
      }
      case 'group':
        return yield* this.runList(cmd.list, c);
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((yield* this.runList(clause.cond, this.cond(c))) === 0) return yield* this.runList(clause.body, c);
        }
        return cmd.orElse ? yield* this.runList(cmd.orElse, c) : 0;
      }
      case 'for': {
        let items: string[];
        if (cmd.items === null) items = [...ctx.state.positional];
        else {
          items = [];
          for (const w of cmd.items) {
            const r = yield* this.expandOrStatus(w, c);
            if (typeof r === 'number') return r;
            items.push(...r);
          }
        }
        let status = 0;
        const body = c.execOk ? { ...c, execOk: false } : c;
        for (const item of items) {
          ctx.state.vars.set(cmd.name, item);
          const r = yield* this.loopIteration(cmd.body, body);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case 'while': {
        let status = 0;
        let stuck = 0;
        let mark = this.progressMark();
        const moved = (a: typeof mark, b: typeof mark): boolean => a.input !== b.input || (a.time !== b.time && a.waits !== b.waits);
        const body = c.execOk ? { ...c, execOk: false } : c;
        for (;;) {
          const now = this.progressMark();
          if (moved(now, mark)) {
            mark = now;
            stuck = 0;
          } else if (++stuck > MAX_LOOP_ITERATIONS) {
            // `while true; do :; done` does nothing but use a CPU: it spins (docker stats shows it) until killed.
            if (this.opts.spin && !cmd.until && isNoop(cmd.cond) && isNoop(cmd.body)) {
              const stop = this.opts.spin();
              try {
                // Until killed, or Ctrl-C at an interactive shell (the line's interrupt).
                yield* suspend<void>((resume) => {
                  const off = c.interrupt.onInterrupt(() => {
                    off();
                    resume(undefined);
                  });
                });
              } finally {
                stop();
              }
              throw new Interrupted(130);
            }
            c.fds.err.write(this.hostTerminal ? `bash: loop stopped after ${MAX_LOOP_ITERATIONS} iterations (this terminal cannot interrupt a loop that never waits)\n` : this.message(`loop stopped after ${MAX_LOOP_ITERATIONS} iterations that never waited (glassbox: the simulation cannot interrupt such a loop)`));
            return 1;
          }
          const cond = yield* this.runList(cmd.cond, this.cond(c));
          if ((cond === 0) === cmd.until) break;
          const r = yield* this.loopIteration(cmd.body, body);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case 'case': {
        let word: string;
        try {
          word = yield* this.expand.noSplit(cmd.word, c, () => {});
        } catch (e) {
          if (e instanceof ExpansionError) return this.expansionFailed(e);
          throw e;
        }
        for (const item of cmd.items) {
          for (const pw of item.patterns) {
            let pattern: string;
            try {
              pattern = yield* this.expand.pattern(pw, c);
            } catch (e) {
              if (e instanceof ExpansionError) return this.expansionFailed(e);
              throw e;
            }
            if (globToRegex(pattern).test(word)) return item.body.items.length === 0 ? 0 : yield* this.runList(item.body, c);
          }
        }
        return 0;
      }
    }
  }

  /**
   * What tells a loop that waits from a stuck one: input arrived, or it
   * waited (suspended) while time passed. A loop that only computes never
   * suspends, whatever a real clock does meanwhile.
   */
  private progressMark(): { time: number; waits: number; input: number } {
    return { time: this.clock.now(), waits: suspensionCount(), input: this.progress };
  }

  private *loopIteration(body: List, ctx: Ctx): Task<{ status: number; stop: boolean }> {
    try {
      return { status: yield* this.runList(body, { ...ctx, loopDepth: ctx.loopDepth + 1 }), stop: false };
    } catch (e) {
      if (!(e instanceof LoopControl)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return { status: 0, stop: e.kind === 'break' };
    }
  }

  tooDeep(ctx: Ctx): number {
    ctx.fds.err.write(this.message('maximum nesting level exceeded'));
    return 1;
  }

  /** A non-fatal expansion error's status; a fatal one ends the (non-interactive) shell. */
  expansionFailed(e: ExpansionError): number {
    if (e.fatal) throw new ExitRequest(e.status);
    return e.status;
  }

  private *expandOrStatus(w: Word, ctx: Ctx): Task<string[] | number> {
    try {
      return yield* this.expand.word(w, ctx, () => {});
    } catch (e) {
      if (e instanceof ExpansionError) return this.expansionFailed(e);
      throw e;
    }
  }

  private *runSimple(cmd: Extract<Command, { type: 'simple' }>, ctx: Ctx): Task<number> {
    if (ctx.interrupt.interrupted) throw new Interrupted(130);
    this.line = cmd.line;
    let substStatus: number | null = null;
    const onSubst = (s: number): void => {
      substStatus = s;
    };
    const argv: string[] = [];
    const assigns: [string, string, boolean][] = [];
    try {
      for (const w of cmd.words) {
        const plain = plainWord(w);
        if (plain !== null) argv.push(plain);
        else argv.push(...(yield* this.expand.word(w, ctx, onSubst)));
      }
      for (const a of cmd.assigns) assigns.push([a.name, yield* this.expand.noSplit(a.value, ctx, onSubst), a.append]);
    } catch (e) {
      if (e instanceof ExpansionError) return this.expansionFailed(e);
      throw e;
    }
    this.line = cmd.line;
    if (ctx.state.flags.xtrace) this.trace(ctx, assigns, argv);
    if (argv.length === 0) {
      for (const [name, value, append] of assigns) {
        if (!this.assign(ctx, name, append ? (ctx.state.vars.get(name) ?? '') + value : value)) return this.voice.personality === 'bash' ? 1 : 2;
      }
      const fds = yield* this.applyRedirects(cmd.redirects, ctx);
      if (typeof fds === 'number') return fds;
      return substStatus ?? 0;
    }
    const fds = yield* this.applyRedirects(cmd.redirects, ctx);
    if (typeof fds === 'number') return fds;
    if (argv[0] === 'exec' && argv.length === 1) {
      // `exec >file`: the redirects stay for the rest of the shell.
      Object.assign(ctx.fds, fds);
      return 0;
    }
    const envOverlay: Record<string, string> = {};
    for (const [name, value, append] of assigns) envOverlay[name] = append ? (ctx.state.vars.get(name) ?? '') + value : value;
    return yield* this.dispatch(argv, fds === ctx.fds ? ctx : { ...ctx, fds }, envOverlay);
  }

  /** Sets a variable, refusing a readonly one (with the shell's message). */
  assign(ctx: Ctx, name: string, value: string): boolean {
    if (ctx.state.readonly.has(name)) {
      const bash = this.voice.personality === 'bash';
      ctx.fds.err.write(this.message(bash ? `${name}: readonly variable` : `${name}: is read only`));
      // An assignment to a readonly variable ends a non-interactive shell.
      if (!this.voice.interactive) throw new ExitRequest(bash ? 1 : 2);
      return false;
    }
    ctx.state.vars.set(name, value);
    return true;
  }

  /** `set -x`: each command as it runs, after PS4. */
  private trace(ctx: Ctx, assigns: [string, string, boolean][], argv: string[]): void {
    const q = (s: string): string => (/^[A-Za-z0-9_.\/:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
    const words = [...assigns.map(([n, v, a]) => `${n}${a ? '+' : ''}=${q(v)}`), ...argv.map(q)];
    ctx.fds.err.write(`${ctx.state.vars.get('PS4') ?? '+ '}${words.join(' ')}\n`);
  }

  /** Finds and runs a command: special builtins, functions, builtins, then a program. */
  *dispatch(argv: string[], ctx: Ctx, envOverlay: Record<string, string>): Task<number> {
    const name = argv[0]!;
    const fn = SPECIAL.has(name) ? undefined : ctx.state.functions.get(name);
    if (fn) return yield* this.callFunction(fn, argv, ctx, envOverlay);
    const builtin = Object.prototype.hasOwnProperty.call(this.builtins, name) ? this.builtins[name]! : undefined;
    if (builtin) {
      // Assignments before a builtin last only for it.
      const saved = new Map<string, string | undefined>();
      for (const [k, v] of Object.entries(envOverlay)) {
        saved.set(k, ctx.state.vars.get(k));
        ctx.state.vars.set(k, v);
      }
      try {
        return yield* this.invoke(name, (io) => builtin(argv, io, ctx), ctx.fds, ctx.interrupt, { builtin: true });
      } finally {
        for (const [k, v] of saved) {
          if (v === undefined) ctx.state.vars.delete(k);
          else ctx.state.vars.set(k, v);
        }
      }
    }
    const inPlace = ctx.execOk && !this.mayHaveTraps;
    const status = yield* this.platform.runExternal(argv, { ...this.exportedEnv(ctx.state), ...envOverlay }, ctx, { caller: 'shell', inPlace });
    if (ctx.main) this.jobs.reaps++;
    return status;
  }

  /** Runs a function: its arguments are $1…, `return` ends it, `local` variables are restored after. */
  *callFunction(body: Command, argv: string[], ctx: Ctx, envOverlay: Record<string, string> = {}): Task<number> {
    if (ctx.depth >= MAX_DEPTH) return this.tooDeep(ctx);
    const st = ctx.state;
    const savedPositional = st.positional;
    st.positional = argv.slice(1);
    const frame = new Map<string, string | undefined>();
    for (const [k, v] of Object.entries(envOverlay)) {
      frame.set(k, st.vars.get(k));
      st.vars.set(k, v);
    }
    st.locals.push(frame);
    try {
      return yield* this.runCommand(body, { ...ctx, depth: ctx.depth + 1, funcDepth: ctx.funcDepth + 1, execOk: false });
    } catch (e) {
      if (e instanceof ReturnRequest) return e.status;
      throw e;
    } finally {
      st.locals.pop();
      for (const [k, v] of frame) {
        if (v === undefined) st.vars.delete(k);
        else st.vars.set(k, v);
      }
      st.positional = savedPositional;
    }
  }

  /**
   * Runs one program or builtin with Ctrl-C handled as a kernel would: a
   * program that registered for the interrupt (a handler) gets it and decides
   * its own exit code; one that did not is "killed": the shell stops waiting,
   * drops its further output and reports 130. A program that writes to a
   * pipe whose reader has gone gets SIGPIPE (141); the shell itself writing
   * there (a builtin) unwinds its subshell the same way.
   */
  *invoke(
    name: string,
    run: (io: ProcessIO) => number | Task<number> | PromiseLike<number>,
    fds: Fds,
    interrupt: Interrupt,
    opts: { builtin?: boolean; cwd?: string; waitInput?: boolean } = {},
  ): Task<number> {
    if (opts.waitInput && fds.stdin && !fds.stdin.complete) {
      yield* suspend(fds.stdin.whenComplete());
      if (interrupt.interrupted) return 130;
    }
    let killed = false;
    let kill: (code: number) => void = () => {};
    let sync = true;
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
    const out = fds.out;
    const io: ProcessIO = {
      get stdin(): string | null {
        if (taken === undefined) taken = fds.stdin ? fds.stdin.takeAll() : null;
        return taken;
      },
      stdinIsTTY: fds.stdinIsTTY,
      stdoutIsTTY: fds.outIsTTY,
      stderrIsTTY: fds.errIsTTY,
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      // Only a program whose stdin is the terminal itself (not a pipe or a file) may read its keystrokes.
      ...(fds.stdin === null && this.terminal ? { terminal: this.terminal } : {}),
      interrupt: stage,
      stdout: (t) => {
        if (killed) return;
        if (out instanceof Pipe && out.broken) {
          killed = true;
          if (sync || opts.builtin) throw new BrokenPipe();
          kill(141);
          return;
        }
        out.write(String(t));
        if (out.refused !== undefined) {
          writeError ??= out.refused;
          out.refused = undefined;
        }
      },
      stderr: (t) => {
        if (!killed) fds.err.write(String(t));
      },
    };
    const failed = (e: unknown): number => {
      if (e instanceof ExitRequest || e instanceof LoopControl || e instanceof Interrupted || e instanceof ReturnRequest || e instanceof ExpansionError) throw e;
      if (e instanceof BrokenPipe) {
        if (opts.builtin) throw e;
        return 141;
      }
      if (!killed) fds.err.write(this.message(`${name}: internal error: ${e instanceof Error ? e.message : String(e)}`));
      return 1;
    };
    const reported = (code: number): number => {
      if (writeError === undefined || killed) return normaliseStatus(code);
      fds.err.write(opts.builtin ? this.message(`${name}: write error: ${errText(writeError)}`) : `${name}: write error: ${errText(writeError)}\n`);
      return 1;
    };
    try {
      let r: number | Task<number> | PromiseLike<number>;
      try {
        r = run(io);
        if (isTask<number>(r)) return reported(yield* r);
      } catch (e) {
        return failed(e);
      }
      if (typeof r === 'number') return reported(r);
      sync = false;
      const promise = r;
      const code = yield* suspend<number>((resume) => {
        kill = resume;
        promise.then(resume, (e: unknown) => resume(failed(e)));
      });
      return reported(code);
    } finally {
      off();
    }
  }

  // ---------- substitution ----------

  /** `$(…)`: runs in a subshell, stdout captured, trailing newlines removed. */
  *substitute(list: List, ctx: Ctx): Task<{ text: string; status: number }> {
    if (ctx.depth >= MAX_DEPTH) {
      this.tooDeep(ctx);
      throw new ExpansionError(1);
    }
    const buf = new BufferSink();
    const sub: Ctx = { ...ctx, state: cloneState(ctx.state), fds: { ...ctx.fds, out: buf, outIsTTY: false }, depth: ctx.depth + 1, loopDepth: 0, nested: true, main: false, execOk: false };
    const status = yield* this.inSubshell(this.runList(list, sub), sub);
    return { text: buf.text().replace(/\n+$/, ''), status };
  }

  exportedEnv(state: State): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k of state.exported) {
      const v = state.vars.get(k);
      if (v !== undefined) env[k] = v;
    }
    return env;
  }

  // ---------- traps and signals ----------

  /**
   * A signal reached the shell. A trapped one runs its action once the
   * command now running is done (a `wait` ends at once with 128+signal); an
   * ignored one is dropped. Returns false when there is no trap, so the
   * platform applies the default action.
   */
  deliverSignal(signal: number): boolean {
    const action = this.traps.get(signal);
    if (action === undefined) return false;
    if (action === '') return true;
    this.pending.push(signal);
    this.jobs.wakeForSignal(signal, this.opts.defer);
    return true;
  }

  *runPendingTraps(ctx: Ctx): Task<void> {
    for (let signal = this.pending.shift(); signal !== undefined; signal = this.pending.shift()) {
      const action = this.traps.get(signal);
      if (!action) continue;
      // $? is what it was before the trap ran.
      const saved = ctx.state.status;
      const list = this.parseOrReport(action, ctx.fds.err);
      if (list) yield* this.runList(list, { ...ctx, execOk: false });
      ctx.state.status = saved;
    }
  }
}

/** strerror for an errno the filesystem gave (a redirect's target, `cd`). */
export function errText(code: string): string {
  return fsErrorText(code as FsErrorCode) ?? 'Invalid argument';
}

/** Runs a task that cannot fail into a callback (a platform's entry point). */
export function startTask(task: Task<number>, done: (code: number) => void): TaskHandle {
  return runTask(task, done, () => done(1));
}

export { awaitValue };
