/**
 * The shell inside a container: the host's interpreter (core/shell/interp.ts)
 * run over a Proc, as busybox ash (busybox, alpine), bash or dash
 * (debian-like images). `sh -c SCRIPT`, `sh FILE`, a script on stdin
 * (`docker run -i`), or interactive on a terminal (`-it`): prompt, one line
 * at a time, Ctrl-C to the command in the foreground, Ctrl-D ends it.
 *
 * Each program it runs is a child process (Proc.spawn), listed by `ps` and
 * `docker top`; `sh -c` runs its last command in place of the shell, as ash
 * and bash do, unless a trap is set, so that command is PID 1 and gets
 * docker stop's SIGTERM. Output not in a pipe goes straight to the
 * process's stdout as it is written, and everything the shell waits for is
 * a callback (a child's exit, a timer, input), so a script replays the same
 * however the simulation advances time.
 */
import type { Proc, Program } from '../engine/process';
import { never } from '../ports';
import type { Input, Sink } from '../shell/io';
import { Pipe } from '../shell/io';
import { resolvePath } from '../shell/filesystem';
import { Interpreter, startTask } from '../shell/interp';
import { Voice, type NotRunnable, type Personality, type ShellMode } from '../shell/personality';
import { parse, ShellSyntaxError } from '../shell/syntax';
import { suspend, type Task, type TaskHandle, type Wait } from '../shell/task';
import { ExitRequest, Interrupted, type Caller, type Ctx, type Fds, type Platform } from '../shell/shellTypes';
import { whoIs } from './applets';
import { parsePasswd } from './users';
import { envRecord, flavorOf, runChild, type RunningChild, type Spawner } from './spawn';

/** Finds a command in a container: the program a file runs, and the file's path. */
export type Lookup = (p: Pick<Proc, 'fs' | 'env' | 'cwd'>, name: string) => { program: Program; path: string } | NotRunnable;

export const BUSYBOX_SHELL_BANNER = 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)';

/** The program for `sh`, `ash`, `bash` or `dash` (a file's program name): which shell it is depends on the image. */
export function shellProgram(name: 'sh' | 'ash' | 'bash' | 'dash', lookup: Lookup): Program {
  return (p) => new ContainerShell(p, personalityOf(p, name), lookup).start();
}

/** busybox's sh is ash; elsewhere `sh` is what /bin/sh links to (dash in debian and ubuntu, bash in centos). */
function personalityOf(p: Proc, name: string): Personality {
  if (name === 'ash' || flavorOf(p) === 'busybox') return 'ash';
  if (name === 'bash' || name === 'dash') return name;
  let path = '/bin/sh';
  for (let hops = 0; hops < 8; hops++) {
    const target = p.fs.readlink(path);
    if (typeof target !== 'string' || target.startsWith('E')) break;
    if (/(^|\/)dash$/.test(target)) return 'dash';
    path = resolvePath(target, path.slice(0, path.lastIndexOf('/')) || '/');
  }
  return /(^|\/)dash$/.test(path) ? 'dash' : 'bash';
}

/** busybox ash's variable table (hashvar over 39 buckets, each in creation order): the order `env` lists an ash's exports in. */
function ashOrder(names: string[]): string[] {
  const bucket = (n: string): number => {
    let h = n.charCodeAt(0) << 4;
    for (let i = 0; i < n.length; i++) h += n.charCodeAt(i);
    return h % 39;
  };
  return names.map((n, i) => ({ n, i, b: bucket(n) })).sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.n);
}

/**
 * A container process's stdin as the shell's Input: read only when someone
 * wants it, shared by the commands in turn. A terminal's Ctrl-D ends the
 * read now in progress only; the next reader waits again.
 */
class ProcInput implements Input {
  private buffer = '';
  /** An end of input arrived that no reader has taken yet. */
  private eof = false;
  private listening = false;
  private reader: { onData: (t: string) => void; onEnd: () => void } | null = null;
  private waiters: { line: boolean; resume: () => void }[] = [];

  constructor(
    private readonly p: Proc,
    private readonly progress: () => void,
  ) {}

  get complete(): boolean {
    return this.eof;
  }

  private demand(): void {
    if (this.listening || this.eof) return;
    this.listening = true;
    this.p.stdin.read(
      (t) => {
        this.progress();
        if (this.reader) this.reader.onData(t);
        else {
          this.buffer += t;
          this.wake();
        }
      },
      () => {
        this.listening = false;
        this.progress();
        const r = this.reader;
        this.reader = null;
        if (r) r.onEnd();
        else {
          this.eof = true;
          this.wake();
        }
      },
    );
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => this.eof || (w.line && this.buffer.includes('\n')));
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resume();
  }

  whenComplete(): Wait<void> {
    return (resume) => {
      if (this.eof) return resume();
      this.waiters.push({ line: false, resume });
      this.demand();
    };
  }

  whenLine(): Wait<void> {
    return (resume) => {
      if (this.eof || this.buffer.includes('\n')) return resume();
      this.waiters.push({ line: true, resume });
      this.demand();
    };
  }

  takeAll(): string {
    const t = this.buffer;
    this.buffer = '';
    return t;
  }

  takeLine(): string | null {
    const i = this.buffer.indexOf('\n');
    if (i >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 1);
      return line;
    }
    if (this.buffer !== '') return this.takeAll();
    if (this.eof) {
      this.eof = false;
      return null;
    }
    return '';
  }

  stream(onData: (text: string) => void, onEnd: () => void): () => void {
    const rest = this.takeAll();
    if (rest !== '') onData(rest);
    if (this.eof) {
      this.eof = false;
      onEnd();
      return () => {};
    }
    const me = { onData, onEnd };
    this.reader = me;
    this.demand();
    return () => {
      if (this.reader === me) this.reader = null;
    };
  }

  /** What a program would read at once (the process's stdin itself, when nobody has read it yet). */
  peek(): { text: string; ended: boolean } {
    if (!this.listening && !this.eof && this.buffer === '') return this.p.stdin.peek?.() ?? { text: '', ended: false };
    return { text: this.buffer, ended: this.eof };
  }
}

/** Ctrl-C for one line of the interactive shell. */
class LineInterrupt {
  interrupted = false;
  private readonly listeners = new Set<() => void>();
  onInterrupt(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  fire(): void {
    this.interrupted = true;
    for (const l of [...this.listeners]) l();
  }
}

class ContainerShell implements Platform {
  readonly pid: number;
  private interp!: Interpreter;
  private input!: ProcInput;
  private voice!: Voice;
  private ended = false;
  /** Programs now running, so they end with the shell. */
  private readonly children = new Set<RunningChild>();
  /** The program that replaced the shell (exec). */
  private execd: RunningChild | null = null;
  private main: TaskHandle | null = null;
  private mode: ShellMode = 'command';
  /** Interactive: Ctrl-C for the line now running; what was typed of an unfinished command. */
  private line: { interrupt: LineInterrupt } | null = null;
  private pendingInput = '';
  private promptShown = false;

  constructor(
    private readonly p: Proc,
    private readonly personality: Personality,
    private readonly lookup: Lookup,
  ) {
    this.pid = p.pid;
  }

  // ---------- Platform ----------

  *runExternal(argv: string[], env: Record<string, string>, ctx: Ctx, how: { caller: Caller; inPlace: boolean }): Task<number> {
    const name = argv[0];
    if (name === undefined) return 0;
    const envList = this.envList(env);
    const found = this.lookup({ fs: this.p.fs, env: envList, cwd: ctx.state.cwd }, name);
    if (typeof found === 'string') {
      const m = this.voice.notRunnable(name, found);
      ctx.fds.err.write(how.caller === 'shell' ? this.interp.message(m.text) : `${how.caller}: ${name}: No such file or directory\n`);
      return m.code;
    }
    return yield* this.runProgram(found.program, argv, envList, ctx, how.inPlace);
  }

  locate(name: string, ctx: Ctx): string | null {
    if (name.includes('/')) return name;
    const found = this.lookup({ fs: this.p.fs, env: this.envList(this.interp.exportedEnv(ctx.state)), cwd: ctx.state.cwd }, name);
    if (typeof found === 'string') return null;
    return found.path;
  }

  forkSubshell(ctx: Ctx): { owner: unknown; pid: number; exit(code: number): void } {
    const child = this.spawner(ctx).spawn(this.p.argv);
    const owner: Spawner = { spawn: (argv) => child.spawn?.(argv) ?? this.p.spawn(argv) };
    return { owner, pid: child.pid, exit: (code) => child.exit(code) };
  }

  private spawner(ctx: Ctx): Spawner {
    return (ctx.owner as Spawner | undefined) ?? this.p;
  }

  /** The environment a program gets: ash lists it in its variable table's order. */
  private envList(env: Record<string, string>): string[] {
    const names = Object.keys(env);
    const ordered = this.personality === 'ash' ? ashOrder(names) : names;
    return ordered.map((k) => `${k}=${env[k]}`);
  }

  /** Runs `program` as a child process (or in place of the shell), waiting for its exit. */
  private *runProgram(program: Program, argv: string[], env: string[], ctx: Ctx, inPlace: boolean): Task<number> {
    const fds = ctx.fds;
    const out = fds.out;
    let wrote = false;
    let child: RunningChild | null = null;
    let offBroken: () => void = () => {};
    let offInterrupt: () => void = () => {};
    const detach: (() => void)[] = [];
    const code = yield* suspend<number>((resume) => {
      const stdin = fds.stdin;
      child = runChild(
        this.p,
        program,
        {
          argv,
          env,
          cwd: ctx.state.cwd,
          tty: this.p.tty && fds.outIsTTY,
          stdin: {
            read: (onData, onEnd) => {
              if (!stdin) return onEnd();
              detach.push(stdin.stream(onData, onEnd));
            },
            peek: () => (stdin ? stdin.peek() : { text: '', ended: true }),
          },
          stdout: (t) => {
            wrote = true;
            if (out instanceof Pipe && out.broken) child?.signal(13);
            else out.write(t);
          },
          stderr: (t) => fds.err.write(t),
          inPlace,
          spawner: this.spawner(ctx),
          onTimer: () => this.interp.progress++,
        },
        (c) => resume(c),
      );
      const running = child;
      if (inPlace) this.execd = running;
      this.children.add(running);
      if (ctx.job) {
        if (ctx.job.pid === 0) ctx.job.pid = running.pid;
        ctx.job.programs.add(running.signal);
        detach.push(() => ctx.job?.programs.delete(running.signal));
      }
      // The terminal's Ctrl-C reaches the command in the foreground.
      offInterrupt = ctx.interrupt.onInterrupt(() => {
        if (!running.ended && this.mode === 'interactive' && !ctx.job) running.signal(2);
      });
      // `yes | head -3`: a writer that wrote into a pipe whose reader has gone dies of SIGPIPE.
      if (out instanceof Pipe) offBroken = out.onBroken(() => wrote && running.signal(13));
    });
    const c = child as RunningChild | null;
    if (c) this.children.delete(c);
    if (c?.killedBy != null && ctx.job) ctx.job.signal ??= c.killedBy;
    if (this.execd === c) this.execd = null;
    offBroken();
    offInterrupt();
    for (const d of detach) d();
    return code;
  }

  signalProcess(pid: number, signal: number): 'ok' | 'nosuch' {
    if (pid === this.pid) {
      this.onSignal(signal);
      return 'ok';
    }
    for (const c of this.children) {
      if (c.pid === pid) {
        c.signal(signal);
        return 'ok';
      }
    }
    if (!this.p.kill) return 'nosuch';
    return this.p.kill(pid, signal) === 'ESRCH' ? 'nosuch' : 'ok';
  }

  // ---------- the shell's process ----------

  /** The shell's own output to its stdout: a terminal turns "\n" into "\r\n" (onlcr). */
  private sink(write: (t: string) => void): Sink {
    return { write: (t) => write(this.p.tty ? t.replace(/\r?\n/g, '\r\n') : t) };
  }

  private end(code: number): void {
    if (this.ended) return;
    this.ended = true;
    // The shell's children go with it (the simulation has no init to adopt them).
    for (const c of [...this.children]) c.kill(128 + 9);
    this.p.exit(code);
  }

  start(): void {
    const p = this.p;
    const args = p.argv.slice(1);
    const arg0 = p.argv[0] ?? 'sh';
    const flags = { e: false, x: false, u: false };
    let command = false;
    let interactive = false;
    let fromStdin = false;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--' || a === '-') {
        i++;
        break;
      }
      if (a.startsWith('--') && this.personality === 'bash') continue;
      if (!/^[-+][A-Za-z]+$/.test(a)) break;
      for (const c of a.slice(1)) {
        if (c === 'c') command = true;
        else if (c === 'i') interactive = true;
        else if (c === 's') fromStdin = true;
        else if (c === 'e' || c === 'x' || c === 'u') flags[c] = a[0] === '-';
        else if (c === 'o') i++;
      }
    }
    const operands = args.slice(i);
    let script: string | null = null;
    let name = arg0;
    let positional: string[] = [];
    const errOut = this.sink((t) => p.stderr(t));
    if (command) {
      this.mode = 'command';
      if (operands[0] === undefined) {
        const shName = arg0.slice(arg0.lastIndexOf('/') + 1);
        errOut.write(this.personality === 'bash' ? `${arg0}: -c: option requires an argument\n` : this.personality === 'dash' ? `${shName}: 0: -c requires an argument\n` : `${shName}: -c requires an argument\n`);
        return this.end(2);
      }
      script = operands[0];
      name = operands[1] ?? arg0;
      positional = operands.slice(2);
    } else if (operands.length > 0 && !fromStdin) {
      this.mode = 'file';
      const file = operands[0]!;
      const r = p.fs.tryRead(resolvePath(file, p.cwd));
      if ('error' in r) {
        const why = r.error === 'ENOENT' ? 'No such file or directory' : r.error === 'EISDIR' ? 'Is a directory' : 'Permission denied';
        if (r.error === 'EISDIR' && this.personality !== 'bash') return this.end(0);
        errOut.write(this.personality === 'bash' ? `${arg0}: ${file}: ${why}\n` : this.personality === 'dash' ? `${arg0}: 0: cannot open ${file}: ${r.error === 'ENOENT' ? 'No such file' : why}\n` : `${arg0}: can't open '${file}': ${why}\n`);
        return this.end(this.personality === 'bash' ? (r.error === 'ENOENT' ? 127 : 126) : 2);
      }
      script = r.data;
      name = file;
      positional = operands.slice(1);
    } else {
      positional = operands;
      this.mode = interactive || p.tty ? 'interactive' : 'stdin';
    }
    this.voice = new Voice({ personality: this.personality, mode: this.mode, named: command && operands[1] !== undefined });
    const env = envRecord(p.env);
    // ash and bash count their nesting in SHLVL; all three export PWD.
    if (this.personality !== 'dash') {
      const shlvl = Number(env.SHLVL ?? '0');
      env.SHLVL = String((Number.isFinite(shlvl) ? shlvl : 0) + 1);
    }
    env.PWD = p.cwd;
    this.interp = new Interpreter({
      fs: p.fs,
      platform: this,
      voice: this.voice,
      clock: { now: () => p.now() },
      env,
      cwd: p.cwd,
      arg0: name,
      positional,
      homeOf: (user) => {
        const r = p.fs.tryRead('/etc/passwd');
        return 'data' in r ? parsePasswd(r.data).find((u) => u.name === user)?.home : undefined;
      },
      defer: (cb) => void p.after(0, cb),
      ...(p.spin ? { spin: () => p.spin!() } : {}),
    });
    Object.assign(this.interp.state.flags, { errexit: flags.e, xtrace: flags.x, nounset: flags.u });
    this.input = new ProcInput(p, () => this.interp.progress++);
    // Signals reach the shell: a trap, the program that replaced it, the foreground command, or the default action.
    p.onSignal((signal) => this.onSignal(signal));
    const fds: Fds = { stdin: this.input, stdinIsTTY: p.tty, out: this.sink((t) => p.stdout(t)), err: errOut, outIsTTY: p.tty, errIsTTY: p.tty };
    if (this.mode === 'interactive') return this.interactive(fds);
    if (script !== null) return this.runScript(script, fds);
    // A script on stdin: read to its end, then run.
    this.main = startTask(this.readScript(fds), (code) => this.end(code));
  }

  private *readScript(fds: Fds): Task<number> {
    yield* suspend(this.input.whenComplete());
    const script = this.input.takeAll();
    return yield* this.runWhole(script, fds);
  }

  private runScript(script: string, fds: Fds): void {
    this.main = startTask(this.runWhole(script, fds), (code) => this.end(code));
  }

  private *runWhole(script: string, fds: Fds): Task<number> {
    const list = this.interp.parseOrReport(script, fds.err);
    if (!list) return 2;
    // As ash and bash do for `sh -c`, the last command may run in place of the shell.
    const ctx = this.interp.mainCtx(fds, never, { execOk: this.mode === 'command' });
    const status = yield* this.interp.runMain(list, ctx);
    return yield* this.interp.exitShell(status, ctx);
  }

  private onSignal(signal: number): void {
    if (this.ended) return;
    this.interp.progress++;
    if (this.execd && !this.execd.ended) return this.execd.signal(signal);
    if (this.mode === 'interactive') {
      if (signal === 2) {
        const line = this.line;
        if (line) line.interrupt.fire();
        else {
          // Ctrl-C at the prompt: a fresh prompt, $? 130.
          this.interp.state.status = 130;
          this.pendingInput = '';
          this.write('\n');
          this.promptShown = false;
          this.showPrompt();
        }
        return;
      }
      if (this.interp.deliverSignal(signal)) return;
      // An interactive shell ignores SIGTERM and SIGQUIT.
      if (signal === 15 || signal === 3 || signal === 17 || signal === 28) return;
      return this.end(128 + signal);
    }
    if (this.interp.deliverSignal(signal)) return;
    // The kernel protects a namespace's init from signals it does not handle.
    if (this.p.pid === 1) return;
    if (signal === 17 || signal === 28 || signal === 18 || signal === 23) return;
    this.main?.cancel(new ExitRequest(128 + signal));
    this.end(128 + signal);
  }

  private write(text: string): void {
    this.p.stdout(this.p.tty ? text.replace(/\r?\n/g, '\r\n') : text);
  }

  // ---------- interactive ----------

  private interactive(fds: Fds): void {
    if (this.personality === 'ash') this.write(`\n\n${BUSYBOX_SHELL_BANNER}\nEnter 'help' for a list of built-in commands.\n\n`);
    this.main = startTask(this.session(fds), (code) => this.end(code));
  }

  private *session(fds: Fds): Task<number> {
    if (this.personality === 'bash') yield* this.bashrc(fds);
    for (;;) {
      this.reportJobs();
      this.showPrompt();
      yield* suspend(this.input.whenLine());
      this.promptShown = false;
      const text = this.input.takeLine();
      if (text === null) {
        // Ctrl-D: bash says "exit"; ash ends the line.
        this.write(this.personality === 'bash' ? 'exit\n' : '\n');
        return yield* this.interp.exitShell(this.interp.state.status, this.interp.mainCtx(fds));
      }
      const src = this.pendingInput + text + '\n';
      try {
        parse(src, { heredocToEnd: false });
      } catch (e) {
        if (e instanceof ShellSyntaxError && e.incomplete) {
          this.pendingInput = src;
          continue;
        }
      }
      this.pendingInput = '';
      const list = this.interp.parseOrReport(src, fds.err);
      if (!list) {
        this.interp.state.status = 2;
        continue;
      }
      const interrupt = new LineInterrupt();
      this.line = { interrupt };
      const ctx = this.interp.mainCtx(fds, interrupt);
      try {
        this.interp.state.status = yield* this.interp.runList(list, ctx);
      } catch (e) {
        if (e instanceof ExitRequest) return yield* this.interp.exitShell(e.status, ctx);
        this.interp.state.status = e instanceof Interrupted ? e.status : this.interp.unwound(e);
      } finally {
        this.line = null;
        // A line that Ctrl-C ended leaves the cursor on a fresh line (after the terminal's ^C).
        if (interrupt.interrupted) this.write('\n');
      }
    }
  }

  /** An interactive bash reads /etc/bash.bashrc (Debian's build) and ~/.bashrc: the prompt comes from there. */
  private *bashrc(fds: Fds): Task<void> {
    const st = this.interp.state;
    if (!st.vars.has('PS1')) st.vars.set('PS1', '\\s-\\v\\$ ');
    const home = st.vars.get('HOME') ?? '/root';
    const quiet: Fds = { ...fds, out: { write: () => {} } };
    for (const f of ['/etc/bash.bashrc', `${home}/.bashrc`]) {
      const r = this.p.fs.tryRead(f);
      if (!('data' in r)) continue;
      const list = this.interp.parseOrReport(r.data, fds.err);
      if (!list) continue;
      try {
        yield* this.interp.runList(list, this.interp.mainCtx(quiet));
      } catch (e) {
        this.interp.unwound(e);
      }
    }
  }

  private reportJobs(): void {
    for (const j of this.interp.jobs.reap()) {
      const state = j.status === 0 ? 'Done' : (j.status ?? 0) > 128 ? 'Terminated' : `Done(${j.status})`;
      this.write(this.personality === 'bash' ? `[${j.id}]+  ${state.padEnd(24)}${j.command}\n` : `[${j.id}]+ ${state.padEnd(27)}${j.command}\n`);
    }
  }

  private showPrompt(): void {
    if (this.promptShown) return;
    this.promptShown = true;
    const st = this.interp.state;
    const raw = this.pendingInput !== '' ? (st.vars.get('PS2') ?? '> ') : (st.vars.get('PS1') ?? (this.personality === 'ash' ? '\\w \\$ ' : this.personality === 'dash' ? '$ ' : '\\s-\\v\\$ '));
    this.write(this.expandPrompt(raw));
  }

  /** PS1's escapes (\u \h \w \W \$ \s \v) and its $parameters (bash's promptvars). */
  private expandPrompt(ps: string): string {
    const st = this.interp.state;
    const who = whoIs(this.p);
    const cwd = st.cwd;
    const home = st.vars.get('HOME') ?? '';
    const w = home !== '' && home !== '/' && (cwd === home || cwd.startsWith(home + '/')) ? '~' + cwd.slice(home.length) : cwd;
    const withParams = ps.includes('$') && this.personality === 'bash' ? this.params(ps) : ps;
    if (this.personality === 'dash') return withParams;
    return withParams.replace(/\\([wWuhHs$vn\\[\]])/g, (_m, c: string) => {
      switch (c) {
        case 'w': return w;
        case 'W': return cwd === '/' ? '/' : w === '~' ? '~' : cwd.slice(cwd.lastIndexOf('/') + 1);
        case 'u': return who.user ?? String(who.uid);
        case 'h': return this.p.hostname.split('.')[0]!;
        case 'H': return this.p.hostname;
        case 's': return 'bash';
        case 'v': return '5.2';
        case '$': return who.uid === 0 ? '#' : '$';
        case 'n': return '\n';
        case '[': case ']': return '';
        default: return '\\';
      }
    });
  }

  /** ${name:+word} and $name in a prompt. */
  private params(ps: string): string {
    const vars = this.interp.state.vars;
    return ps.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+])([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, n1: string | undefined, op: string | undefined, word: string | undefined, n2: string | undefined) => {
      if (n2 !== undefined) return vars.get(n2) ?? '';
      const v = vars.get(n1!);
      const set = op!.startsWith(':') ? v !== undefined && v !== '' : v !== undefined;
      if (op!.endsWith('+')) return set ? word!.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_x, n: string) => vars.get(n) ?? '') : '';
      return set ? v! : word!;
    });
  }
}

