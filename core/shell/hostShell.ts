/**
 * The host shell behind the terminal: the shared interpreter (interp.ts) as
 * interactive bash over an in-memory filesystem, GNU-like utilities, and a
 * table of programs supplied by the backend (the simulated or the real
 * `docker`). It never touches the real host. Every failure is a message and
 * an exit code; `run` never throws.
 */
import type { CommandRunner, ProcessIO, TerminalInput } from '../process';
import type { Clock, Interrupt } from '../ports';
import { MemFs } from './memfs';
import { resolvePath, compareBytes, type Fs } from './filesystem';
import { isIncompleteInput, parse, ShellSyntaxError } from './syntax';
import { q, usageError, type UtilContext, type Utility } from './context';
import { utilities } from './utils';
import { TextInput } from './io';
import { taskToPromise, type Task } from './task';
import { Voice } from './personality';
import { errText, Interpreter } from './interp';
import { KEYWORDS } from './builtins';
import type { Builtin, Caller, Ctx, Fds, Platform } from './shellTypes';

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
}

export interface RunOptions {
  /** True for the interactive web terminal: stdin and stdout are a TTY (so `ls` prints columns). */
  stdinIsTTY?: boolean;
  /** The terminal's keystrokes, for programs that read the terminal themselves (`docker run -it`). */
  terminal?: TerminalInput;
}

const PID = 4242;
/** Shell builtins that are also programs in /usr/bin (so `sudo`, `xargs`, `env` and `which` find them). */
const ALSO_PROGRAMS = new Set(['echo', 'printf', 'pwd', 'test', '[', 'true', 'false', 'kill']);

type Found = { kind: 'runner'; run: CommandRunner } | { kind: 'utility'; run: Utility };

/** The host's side of the interpreter: programs are the backend's commands, then the utilities. */
class HostPlatform implements Platform {
  readonly pid = PID;
  interp!: Interpreter;
  constructor(private readonly host: HostShell) {}
  runExternal(argv: string[], env: Record<string, string>, ctx: Ctx, how: { caller: Caller }): Task<number> {
    return this.host.execProgram(this.interp, argv, env, ctx, how.caller);
  }
  locate(name: string): string | null {
    return this.host.findProgram(name, this.interp) ? `/usr/bin/${name}` : null;
  }
}

export class HostShell {
  readonly fs: Fs;
  private readonly commands: Record<string, CommandRunner>;
  private readonly user: string;
  private readonly hostname: string;
  private readonly sleepFn: (ms: number, interrupt: Interrupt) => Promise<boolean>;
  private readonly clock: Clock;
  private readonly interp: Interpreter;
  private readonly utilities: Record<string, Utility>;
  /** `bash -c` / `sh file` children now running (they nest; a script that runs itself must stop). */
  private nestedShells = 0;

  constructor(opts: HostShellOptions) {
    this.commands = opts.commands;
    this.user = opts.user ?? 'root';
    this.hostname = opts.hostname ?? 'glassbox';
    this.clock = opts.clock ?? { now: () => 0 };
    this.sleepFn = opts.sleep ?? (async (_ms, interrupt) => !interrupt.interrupted);
    this.fs = opts.fs ?? new MemFs(() => this.clock.now());
    const home = this.user === 'root' ? '/root' : `/home/${this.user}`;
    if (!this.fs.exists(home)) this.fs.mkdir(home, { parents: true });
    const cwd = resolvePath(opts.cwd ?? home, '/');
    if (!this.fs.exists(cwd)) this.fs.mkdir(cwd, { parents: true });
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
    this.utilities = {
      ...utilities,
      sleep: (c) => this.sleepUtility(c),
      env: (c) => this.envUtility(c),
      xargs: (c) => this.xargsUtility(c),
      sudo: (c) => this.sudoUtility(c),
      bash: (c) => this.bashUtility(c),
      sh: (c) => this.bashUtility(c),
    };
    this.interp = this.interpreter({ env, cwd, arg0: 'bash', positional: [], mode: 'interactive' });
  }

  private interpreter(o: { env: Record<string, string>; cwd: string; arg0: string; positional: string[]; mode: 'interactive' | 'command' | 'file' }): Interpreter {
    const platform = new HostPlatform(this);
    const interp = new Interpreter({
      fs: this.fs,
      platform,
      voice: new Voice({ personality: 'bash', mode: o.mode }),
      clock: this.clock,
      env: o.env,
      cwd: o.cwd,
      arg0: o.arg0,
      positional: o.positional,
      hostTerminal: o.mode === 'interactive',
      builtins: this.hostBuiltins(),
      homeOf: (user) => (user === 'root' ? '/root' : user === this.user ? `/home/${user}` : undefined),
    });
    platform.interp = interp;
    return interp;
  }

  /** The working directory. */
  get cwd(): string {
    return this.interp.state.cwd;
  }

  /** `$?` after the last line. */
  get lastStatus(): number {
    return this.interp.state.status;
  }

  /** A shell variable's value. */
  getVar(name: string): string | undefined {
    return this.interp.state.vars.get(name);
  }

  /** bash's default prompt: `user@host:dir# ` (`$ ` for other users). */
  prompt(): string {
    const home = this.interp.state.vars.get('HOME') ?? '';
    const cwd = this.interp.state.cwd;
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
        const names = new Set([...Object.keys(this.interp.builtins), ...Object.keys(this.commands), ...Object.keys(this.utilities)]);
        return [...names].filter((n) => n.startsWith(word)).sort(compareBytes);
      }
      const slash = word.lastIndexOf('/');
      const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
      const base = slash >= 0 ? word.slice(slash + 1) : word;
      const home = this.interp.state.vars.get('HOME') ?? '/';
      const dirPath = dirPart.startsWith('~/') ? home + dirPart.slice(1) : dirPart === '' ? '.' : dirPart;
      const abs = resolvePath(dirPath, this.interp.state.cwd);
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
    this.interp.terminal = opts.terminal;
    const fds: Fds = { stdin: null, stdinIsTTY: tty, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) }, outIsTTY: tty };
    let status: number;
    try {
      let list;
      try {
        list = parse(line);
      } catch (e) {
        if (e instanceof ShellSyntaxError) {
          io.stderr(e.message + '\n');
          this.interp.state.status = 2;
          return 2;
        }
        throw e;
      }
      status = await taskToPromise(this.interp.runMain(list, this.interp.mainCtx(fds, interrupt)));
    } catch (e) {
      status = 1;
      try {
        io.stderr(`bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      } catch {
        // The terminal itself failed; nothing more to tell.
      }
    }
    this.interp.state.status = status;
    return status;
  }

  // ---------- programs ----------

  /**
   * Runs a program as execvp would: backend programs, then utilities; names
   * with a slash are resolved in the filesystem. `caller` words the not-found error.
   */
  *execProgram(interp: Interpreter, argv: string[], env: Record<string, string>, ctx: Ctx, caller: Caller): Task<number> {
    let name = argv[0]!;
    if (name.includes('/')) {
      const abs = resolvePath(name, ctx.state.cwd);
      const m = /^\/(?:usr\/)?(?:local\/)?s?bin\/([^/]+)$/.exec(abs);
      if (m && this.findProgram(m[1]!, interp)) name = m[1]!;
      else {
        const st = this.fs.stat(abs);
        if (typeof st === 'string') return this.notRunnable(interp, caller, argv[0]!, 'No such file or directory', 127, ctx);
        if (st.kind === 'dir') return this.notRunnable(interp, caller, argv[0]!, 'Is a directory', 126, ctx);
        return this.notRunnable(interp, caller, argv[0]!, 'Permission denied', 126, ctx);
      }
    }
    const program = this.findProgram(name, interp);
    if (!program) {
      if (caller === 'shell') {
        ctx.fds.err.write(interp.message(`${name}: command not found`));
        return 127;
      }
      return this.notRunnable(interp, caller, name, 'No such file or directory', 127, ctx);
    }
    const args = [name, ...argv.slice(1)];
    if (program.kind === 'runner') return yield* interp.invoke(name, (io) => program.run(args, io), ctx.fds, ctx.interrupt, { cwd: ctx.state.cwd, waitInput: true });
    const uctx = (io: ProcessIO): UtilContext => ({
      argv: args,
      io,
      stdoutIsTTY: ctx.fds.outIsTTY,
      fs: this.fs,
      cwd: ctx.state.cwd,
      env,
      user: this.user,
      hostname: this.hostname,
      flavor: 'gnu',
      now: () => this.clock.now(),
      sleep: this.sleepFn,
      exec: (a, io2, env2) => this.execFromUtility(interp, a, io2, ctx, env2 ?? {}),
    });
    return yield* interp.invoke(name, (io) => program.run(uctx(io)), ctx.fds, ctx.interrupt, { waitInput: true });
  }

  private notRunnable(interp: Interpreter, caller: Caller, name: string, why: string, code: number, ctx: Ctx): number {
    if (caller === 'shell') ctx.fds.err.write(interp.message(`${name}: ${why}`));
    else if (caller === 'sudo') {
      ctx.fds.err.write(`sudo: ${name}: command not found\n`);
      return 1;
    } else if (caller === 'env') ctx.fds.err.write(`env: ${q(name)}: ${why}\n`);
    else ctx.fds.err.write(`xargs: ${name}: ${why}\n`);
    return code;
  }

  findProgram(name: string, interp: Interpreter): Found | null {
    if (Object.prototype.hasOwnProperty.call(this.commands, name)) return { kind: 'runner', run: this.commands[name]! };
    if (Object.prototype.hasOwnProperty.call(this.utilities, name)) return { kind: 'utility', run: this.utilities[name]! };
    if (ALSO_PROGRAMS.has(name) && interp.builtins[name]) {
      const b = interp.builtins[name]!;
      return {
        kind: 'utility',
        run: (c) => {
          const fds: Fds = { stdin: c.io.stdin === null ? null : new TextInput(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err: { write: (t) => c.io.stderr(t) }, outIsTTY: c.stdoutIsTTY };
          const ctx: Ctx = { ...interp.mainCtx(fds, c.io.interrupt), state: { ...interp.state, cwd: c.cwd }, nested: true, main: false };
          return taskToPromise(interp.invoke(name, (io) => b(c.argv, io, ctx), fds, c.io.interrupt, { builtin: true }));
        },
      };
    }
    return null;
  }

  /** A utility running another program (UtilContext.exec), with the streams it was given. */
  private execFromUtility(interp: Interpreter, argv: string[], io: ProcessIO, ctx: Ctx, env: Record<string, string>): Promise<number> {
    const fds: Fds = { stdin: io.stdin === null ? null : new TextInput(io.stdin), stdinIsTTY: io.stdinIsTTY, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) }, outIsTTY: ctx.fds.outIsTTY };
    return taskToPromise(this.execProgram(interp, argv, { ...interp.exportedEnv(ctx.state), ...env }, { ...ctx, fds, interrupt: io.interrupt }, 'xargs'));
  }

  // ---------- builtins of the host terminal ----------

  private hostBuiltins(): Record<string, Builtin> {
    return {
      which: (argv, io) => {
        let status = 0;
        for (const n of argv.slice(1)) {
          if (n.startsWith('-')) continue;
          if (this.findProgram(n, this.interp)) io.stdout(`/usr/bin/${n}\n`);
          else status = 1;
        }
        return argv.length > 1 ? status : 1;
      },
      help: (argv, io) => this.help(argv, io),
    };
  }

  private help(argv: string[], io: ProcessIO): number {
    const programs = Object.keys(this.commands).sort(compareBytes);
    const builtins = Object.keys(this.interp.builtins).sort(compareBytes);
    const utilities = Object.keys(this.utilities).sort(compareBytes);
    if (argv.length > 1) {
      const topic = argv[1]!;
      if (this.interp.builtins[topic] || this.utilities[topic] || this.commands[topic]) {
        io.stdout(`${topic}: ${this.interp.builtins[topic] ? 'a shell builtin' : this.commands[topic] ? 'a program of this machine' : 'a built-in utility'}. Try \`${topic} --help' where the program has it.\n`);
        return 0;
      }
      if (KEYWORDS.includes(topic)) {
        io.stdout(`${topic}: a shell keyword.\n`);
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
        '  pipes |, lists ; && ||, redirects > >> < 2> 2>&1 &> <<< <<, globs * ? [..],\n' +
        '  if/then/else/fi, for, while, until, case/esac, functions f() { …; }, ( subshell ), { group; },\n' +
        '  background jobs & with wait, jobs and kill %n, trap, set -e/-x/-u.\n' +
        'Not here: job control (fg, bg, Ctrl-Z), aliases.\n',
    );
    return 0;
  }

  // ---------- utilities that run other programs ----------

  private async sleepUtility(c: UtilContext): Promise<number> {
    const args = c.argv.slice(1);
    if (args.length === 0) return usageError(c, 'missing operand');
    let ms = 0;
    for (const a of args) {
      const m = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(a);
      if (!m) return usageError(c, `invalid time interval ${q(a)}`);
      ms += Number(m[1]) * ({ '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as Record<string, number>)[m[2]!]!;
    }
    const done = await c.sleep(ms, c.io.interrupt);
    return done && !c.io.interrupt.interrupted ? 0 : 130;
  }

  private async envUtility(c: UtilContext): Promise<number> {
    const args = c.argv.slice(1);
    let env = { ...c.env };
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-i' || a === '-' || a === '--ignore-environment') env = {};
      else if (a === '-u' || a === '--unset') delete env[args[++i] ?? ''];
      else if (a.startsWith('-u')) delete env[a.slice(2)];
      else if (a === '--') {
        i++;
        break;
      } else if (a.startsWith('-')) return usageError(c, `invalid option -- '${a[1]}'`, 125);
      else break;
    }
    for (; i < args.length; i++) {
      const m = /^([^=]+)=(.*)$/s.exec(args[i]!);
      if (!m) break;
      env[m[1]!] = m[2]!;
    }
    if (i >= args.length) {
      c.io.stdout(Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    }
    return this.withWho('env', c, args.slice(i), env);
  }

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

  private async xargsUtility(c: UtilContext): Promise<number> {
    const args = c.argv.slice(1);
    let maxArgs = Infinity;
    let replace: string | null = null;
    let noRunIfEmpty = false;
    let trace = false;
    let delim: string | null = null;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      if (a === '-n' || a === '--max-args') maxArgs = Number(args[++i]);
      else if (/^-n\d+$/.test(a)) maxArgs = Number(a.slice(2));
      else if (a.startsWith('--max-args=')) maxArgs = Number(a.slice(11));
      else if (a === '-L') maxArgs = Number(args[++i]);
      else if (a === '-I') replace = args[++i] ?? '{}';
      else if (a.startsWith('-I')) replace = a.slice(2);
      else if (a === '-i' || a === '--replace') replace = '{}';
      else if (a === '-r' || a === '--no-run-if-empty') noRunIfEmpty = true;
      else if (a === '-t' || a === '--verbose') trace = true;
      else if (a === '-0' || a === '--null') delim = '\0';
      else if (a === '-d') delim = args[++i] ?? '\n';
      else if (/^-[rt0]+$/.test(a)) {
        if (a.includes('r')) noRunIfEmpty = true;
        if (a.includes('t')) trace = true;
        if (a.includes('0')) delim = '\0';
      } else return usageError(c, a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`);
    }
    if (Number.isNaN(maxArgs) || maxArgs < 1) {
      c.io.stderr(`xargs: invalid number "${args[i - 1]}" for -n option\n`);
      return 1;
    }
    const command = args.length > i ? args.slice(i) : ['echo'];
    const input = c.io.stdin ?? '';
    let items: string[];
    if (replace !== null) items = splitLinesKeepEmpty(input).filter((l) => l.trim() !== '').map((l) => l.replace(/^[ \t]+/, ''));
    else if (delim !== null) items = input.split(delim).filter((x, k, all) => !(k === all.length - 1 && x === ''));
    else {
      const r = xargsWords(input);
      if ('error' in r) {
        c.io.stderr(`xargs: ${r.error}\n`);
        return 1;
      }
      items = r.words;
    }
    const batches: string[][] = [];
    if (replace !== null) for (const it of items) batches.push(command.map((w) => w.split(replace!).join(it)));
    else if (items.length === 0) {
      if (!noRunIfEmpty) batches.push([...command]);
    } else {
      const per = maxArgs === Infinity ? items.length : maxArgs;
      for (let k = 0; k < items.length; k += per) batches.push([...command, ...items.slice(k, k + per)]);
    }
    let status = 0;
    for (const argv of batches) {
      if (trace) c.io.stderr(argv.join(' ') + '\n');
      const code = await this.withWho('xargs', c, argv, c.env);
      if (code === 127 || code === 126) return code;
      if (code === 255) {
        c.io.stderr(`xargs: ${argv[0]}: exited with status 255; aborting\n`);
        return 124;
      }
      if (code === 130 && c.io.interrupt.interrupted) return 130;
      if (code !== 0) status = 123;
    }
    return status;
  }

  /** Runs a program from a utility, with `caller` wording its not-found error. */
  private withWho(caller: 'sudo' | 'env' | 'xargs', c: UtilContext, argv: string[], env: Record<string, string>): Promise<number> {
    const fds: Fds = { stdin: c.io.stdin === null ? null : new TextInput(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err: { write: (t) => c.io.stderr(t) }, outIsTTY: c.stdoutIsTTY };
    const ctx: Ctx = { ...this.interp.mainCtx(fds, c.io.interrupt), state: { ...this.interp.state, cwd: c.cwd }, depth: 1, nested: true, main: false };
    return taskToPromise(this.execProgram(this.interp, argv, env, ctx, caller));
  }

  /** `bash -c '…' [name args…]` and `bash file`: a child shell with the exported environment. */
  private async bashUtility(c: UtilContext): Promise<number> {
    const prog = c.argv[0]!;
    const args = c.argv.slice(1);
    let script: string | null = null;
    let arg0 = prog;
    let positional: string[] = [];
    let mode: 'command' | 'file' = 'command';
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
      mode = 'file';
    } else {
      c.io.stderr(`${prog}: this terminal runs one shell; nested interactive shells are not available (try ${prog} -c '…')\n`);
      return 1;
    }
    if (this.nestedShells >= 16) {
      c.io.stderr(`${prog}: maximum nesting level exceeded\n`);
      return 1;
    }
    const child = this.interpreter({ env: c.env, cwd: c.cwd, arg0, positional, mode });
    const err = { write: (t: string) => c.io.stderr(t) };
    const list = child.parseOrReport(script, err);
    if (!list) return 2;
    const fds: Fds = { stdin: c.io.stdin === null ? null : new TextInput(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err, outIsTTY: c.stdoutIsTTY };
    this.nestedShells++;
    try {
      const ctx = child.mainCtx(fds, c.io.interrupt, { depth: 1, nested: true });
      const status = await taskToPromise(child.runMain(list, ctx));
      return await taskToPromise(child.exitShell(status, ctx));
    } finally {
      this.nestedShells--;
    }
  }
}

function splitLinesKeepEmpty(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** xargs' default input parsing: blanks separate, quotes and backslashes group. */
function xargsWords(input: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else if (c === "'" || c === '"') {
      const end = input.indexOf(c, i + 1);
      const nl = input.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) return { error: `unmatched ${c === "'" ? 'single' : 'double'} quote; by default quotes are special to xargs unless you use the -0 option` };
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
  if (has) words.push(cur);
  return { words };
}
