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
import { q, type ExecError, type UtilContext, type UtilSystem, type Utility } from './context';
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
  /** Source ~/.bashrc before the first line, as an interactive bash does at start (the simulated host). */
  readBashrc?: boolean;
}

export interface RunOptions {
  /** True for the interactive web terminal: stdin and stdout are a TTY (so `ls` prints columns). */
  stdinIsTTY?: boolean;
  /** The terminal's keystrokes, for programs that read the terminal themselves (`docker run -it`). */
  terminal?: TerminalInput;
}

/** `$$` without a kernel model behind the shell. */
const PID = 4242;
/** Shell builtins that are also programs in /usr/bin (so `sudo`, `xargs`, `env` and `which` find them). */
const ALSO_PROGRAMS = new Set(['echo', 'printf', 'pwd', 'test', '[', 'true', 'false', 'kill']);

type Found = { kind: 'runner'; run: CommandRunner } | { kind: 'utility'; run: Utility };

/** The host's side of the interpreter: programs are the backend's commands, then the utilities. */
class HostPlatform implements Platform {
  interp!: Interpreter;
  constructor(
    private readonly host: HostShell,
    readonly pid: number,
    private readonly sys: UtilSystem | undefined,
  ) {}
  runExternal(argv: string[], env: Record<string, string>, ctx: Ctx, how: { caller: Caller }): Task<number> {
    return this.host.execProgram(this.interp, argv, env, ctx, how.caller);
  }
  locate(name: string, ctx: Ctx): string | null {
    return this.host.onPath(name, ctx) ?? (this.host.findProgram(name, this.interp) ? `/usr/bin/${name}` : null);
  }
  /** `kill PID`: the machine's processes, where the shell has a kernel behind it. */
  signalProcess(pid: number, signal: number): 'ok' | 'nosuch' {
    return this.sys?.kill(pid, signal) === 'ok' ? 'ok' : 'nosuch';
  }
}

export class HostShell {
  readonly fs: Fs;
  private readonly commands: Record<string, CommandRunner>;
  private readonly user: string;
  private readonly hostname: string;
  private readonly pid: number;
  private readonly flavor: 'gnu' | 'busybox';
  private readonly sys: UtilSystem | undefined;
  /** ~/.bashrc is still to be read (before the first line). */
  private bashrcPending: boolean;
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
    this.pid = opts.pid ?? PID;
    this.flavor = opts.flavor ?? 'gnu';
    this.sys = opts.sys;
    this.bashrcPending = opts.readBashrc ?? false;
    this.clock = opts.clock ?? { now: () => 0 };
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
    this.utilities = {
      ...(opts.utilities ?? utilities),
      sudo: (c) => this.sudoUtility(c),
      bash: (c) => this.bashUtility(c),
      sh: (c) => this.bashUtility(c),
    };
    this.interp = this.interpreter({ env, cwd, arg0: 'bash', positional: [], mode: 'interactive' });
  }

  private interpreter(o: { env: Record<string, string>; cwd: string; arg0: string; positional: string[]; mode: 'interactive' | 'command' | 'file' }): Interpreter {
    const platform = new HostPlatform(this, this.pid, this.sys);
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
      utilFlavor: this.flavor,
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
    const fds: Fds = { stdin: null, stdinIsTTY: tty, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) }, outIsTTY: tty, errIsTTY: tty };
    let status: number;
    try {
      if (this.bashrcPending) {
        this.bashrcPending = false;
        const rc = `${this.interp.state.vars.get('HOME') ?? '/root'}/.bashrc`;
        if (this.fs.exists(rc)) await taskToPromise(this.interp.runMain(parse(`. ${rc}`), this.interp.mainCtx(fds, interrupt)));
      }
      let list;
      try {
        list = parse(line, this.interp.expandAliases ? { aliases: this.interp.aliases } : {});
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
      flavor: this.flavor,
      ...(this.sys ? { sys: this.sys } : {}),
      now: () => this.clock.now(),
      sleep: this.sleepFn,
      exec: (a, io2, env2) => this.execFromUtility(interp, a, io2, ctx, env2),
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

  /** The first executable file named `name` in $PATH's directories, as `which` finds it. */
  onPath(name: string, ctx: Ctx): string | undefined {
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
    return this.findProgram(name, this.interp) !== null;
  }

  findProgram(name: string, interp: Interpreter): Found | null {
    if (Object.prototype.hasOwnProperty.call(this.commands, name)) return { kind: 'runner', run: this.commands[name]! };
    if (Object.prototype.hasOwnProperty.call(this.utilities, name)) return { kind: 'utility', run: this.utilities[name]! };
    if (ALSO_PROGRAMS.has(name) && interp.builtins[name]) {
      const b = interp.builtins[name]!;
      return {
        kind: 'utility',
        run: (c) => {
          const fds: Fds = { stdin: c.io.stdin === null ? null : new TextInput(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err: { write: (t) => c.io.stderr(t) }, outIsTTY: c.stdoutIsTTY, errIsTTY: c.io.stderrIsTTY ?? false };
          const ctx: Ctx = { ...interp.mainCtx(fds, c.io.interrupt), state: { ...interp.state, cwd: c.cwd }, nested: true, main: false };
          return taskToPromise(interp.invoke(name, (io) => b(c.argv, io, ctx), fds, c.io.interrupt, { builtin: true }));
        },
      };
    }
    return null;
  }

  /** A utility running another program (UtilContext.exec), with the streams it was given; the utility words a missing program. */
  private async execFromUtility(interp: Interpreter, argv: string[], io: ProcessIO, ctx: Ctx, env: Record<string, string> | undefined): Promise<number | ExecError> {
    const name = argv[0] ?? '';
    if (name.includes('/')) {
      const abs = resolvePath(name, ctx.state.cwd);
      const m = /^\/(?:usr\/)?(?:local\/)?s?bin\/([^/]+)$/.exec(abs);
      if (!(m && this.findProgram(m[1]!, interp))) return typeof this.fs.stat(abs) === 'string' ? 'ENOENT' : 'EACCES';
    } else if (!this.findProgram(name, interp)) return 'ENOENT';
    const fds: Fds = { stdin: io.stdin === null ? null : new TextInput(io.stdin), stdinIsTTY: io.stdinIsTTY, out: { write: (t) => io.stdout(t) }, err: { write: (t) => io.stderr(t) }, outIsTTY: ctx.fds.outIsTTY, errIsTTY: ctx.fds.errIsTTY };
    // The program gets exactly the environment given (env -i empties it).
    return taskToPromise(this.execProgram(interp, argv, env ?? interp.exportedEnv(ctx.state), { ...ctx, fds, interrupt: io.interrupt }, 'xargs'));
  }

  // ---------- builtins of the host terminal ----------

  private hostBuiltins(): Record<string, Builtin> {
    return {
      which: (argv, io, ctx) => {
        let status = 0;
        for (const n of argv.slice(1)) {
          if (n.startsWith('-')) continue;
          const file = this.onPath(n, ctx);
          if (file !== undefined) io.stdout(`${file}\n`);
          else if (this.findProgram(n, this.interp)) io.stdout(`/usr/bin/${n}\n`);
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
        'Not here: job control (fg, bg, Ctrl-Z).\n',
    );
    return 0;
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

  /** Runs a program from a utility, with `caller` wording its not-found error. */
  private withWho(caller: 'sudo' | 'env' | 'xargs', c: UtilContext, argv: string[], env: Record<string, string>): Promise<number> {
    const fds: Fds = { stdin: c.io.stdin === null ? null : new TextInput(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err: { write: (t) => c.io.stderr(t) }, outIsTTY: c.stdoutIsTTY, errIsTTY: c.io.stderrIsTTY ?? false };
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
    const fds: Fds = { stdin: c.io.stdin === null ? null : new TextInput(c.io.stdin), stdinIsTTY: c.io.stdinIsTTY, out: { write: (t) => c.io.stdout(t) }, err, outIsTTY: c.stdoutIsTTY, errIsTTY: c.io.stderrIsTTY ?? false };
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
