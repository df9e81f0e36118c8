import type { Proc } from '../engine/process';
import { signals } from '../engine/process';
import { resolveCommand } from '../engine/programs';
import { fsErrorText, resolvePath, type Fs, type FsWriter } from '../shell/filesystem';
import { globToRegex, hasGlobChars } from '../shell/regex';
import { whoIs } from './applets';
import { envValue, err, out } from './procio';

/**
 * busybox ash: `sh -c SCRIPT`, a script read from stdin (`docker run -i`), or,
 * with a terminal (`-it`), the interactive shell: banner, prompt, one line at
 * a time, Ctrl-C back to the prompt, Ctrl-D (end of input) ends it.
 */
export function sh(p: Proc): void {
  const args = p.argv.slice(1);
  const ci = args.indexOf('-c');
  if (ci >= 0) {
    const script = args[ci + 1];
    if (script === undefined) {
      err(p, 'sh: -c requires an argument\n');
      p.exit(2);
      return;
    }
    runScript(p, script, p.exit, true);
    return;
  }
  if (p.tty) {
    new Shell(p, p.exit).interactive();
    return;
  }
  let script = '';
  p.stdin.read((t) => (script += t), () => runScript(p, script, p.exit));
}

// ---------------------------------------------------------------------------
// A small POSIX sh: lists joined by ; & && || and newlines, quoting, $VAR and
// $?, the redirects scripts use to split output (>&2, 2>&1, >/dev/null), and
// the builtins exit, true, false, echo, cd, export, set, trap and wait. Every
// other word runs the program found on $PATH, with its output going to the
// container's. As busybox ash does, `sh -c` runs its last command in place of
// the shell (exec) unless a trap is set, so that command is PID 1 and gets the
// signals; otherwise the shell is PID 1 and runs its traps.

interface SimpleCommand {
  words: string[];
  redirects: string[];
}
interface AndOrItem {
  op: '&&' | '||' | null;
  cmd: RawCommand;
}
/** An and-or list, run in the background when it ended with `&`. */
interface AndOrList {
  items: AndOrItem[];
  background: boolean;
}
interface RawCommand {
  tokens: Token[];
  /** 0-based line of the script it starts on (ash's "line N:" in errors). */
  line: number;
}
/** A piece of a word: `expand` for $VAR (bare or double-quoted), `bare` for unquoted text (where globs apply). */
type Part = { text: string; expand: boolean; bare?: boolean };
type Token = { kind: 'word'; parts: Part[] } | { kind: 'redirect'; text: string };

/**
 * What this shell does not run yet. Rather than take `a | b`, `$(cmd)` or
 * `for …` for plain words (and, say, write "hi | tr a-z A-Z" into a file),
 * it stops and says so, as the simulator does for an applet it lacks.
 */
function unsimulated(what: string): string {
  return `glassbox: ${what} in the container shell: not simulated yet`;
}

/** Words that open or close a compound command in ash, which this shell does not run. */
const COMPOUND = new Set(['if', 'then', 'elif', 'else', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', '{', '}', '!']);

/** Splits a script into and-or lists of commands (tokens still unexpanded); an error is the whole message. */
function parseScript(src: string): { error?: string; lists: AndOrList[] } {
  const lists: AndOrList[] = [];
  let list: AndOrItem[] = [];
  let tokens: Token[] = [];
  let line = 0;
  let cmdLine = 0;
  let pendingOp: '&&' | '||' | null = null;
  let word: Part[] | null = null;
  const startToken = (): void => {
    if (tokens.length === 0 && word === null) cmdLine = line;
  };
  const endWord = (): void => {
    if (word) tokens.push({ kind: 'word', parts: word });
    word = null;
  };
  // A newline ends a command too, but an empty line (or one after `&&`) is no error, unlike `;` or `&` with no command.
  const endCommand = (op: '&&' | '||' | null, terminator: ';' | '&' | '\n' | null): string | undefined => {
    endWord();
    if (tokens.length === 0) {
      if (op !== null || terminator === '&' || terminator === ';') return `sh: syntax error: unexpected "${op ?? terminator}"`;
      return undefined;
    }
    const first = tokens[0]!;
    if (first.kind === 'word' && first.parts.length === 1 && first.parts[0]!.bare && COMPOUND.has(first.parts[0]!.text)) {
      return unsimulated(`${first.parts[0]!.text === '!' ? '! (negation)' : `"${first.parts[0]!.text}"`} (if, for, while, case and { })`);
    }
    list.push({ op: pendingOp, cmd: { tokens, line: cmdLine } });
    tokens = [];
    pendingOp = op;
    if (terminator !== null) {
      lists.push({ items: list, background: terminator === '&' });
      list = [];
      pendingOp = null;
    }
    return undefined;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#' && word === null) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (src.startsWith(';;', i)) {
      return { error: 'sh: syntax error: unexpected ";;"', lists };
    } else if (c === '\n' || c === ';') {
      const e = endCommand(null, c);
      if (e) return { error: e, lists };
      if (c === '\n') line++;
      i++;
    } else if (c === '|' && src[i + 1] !== '|') {
      return { error: unsimulated('a pipe (|)'), lists };
    } else if (c === '(' || c === ')') {
      return { error: unsimulated('a subshell ( )'), lists };
    } else if (c === '`' || src.startsWith('$(', i)) {
      return { error: unsimulated('command substitution ($( ) and backquotes)'), lists };
    } else if (src.startsWith('&&', i) || src.startsWith('||', i)) {
      const e = endCommand(src.slice(i, i + 2) as '&&' | '||', null);
      if (e) return { error: e, lists };
      i += 2;
    } else if (c === '&') {
      const e = endCommand(null, '&');
      if (e) return { error: e, lists };
      i++;
    } else if (/^[0-9]?>&[0-9]/.test(src.slice(i)) || /^[0-9]?(>>?|<)\s*[^\s;&|<>]/.test(src.slice(i))) {
      startToken();
      endWord();
      const m = /^([0-9]?>&[0-9]|[0-9]?(?:>>?|<)\s*[^\s;&|<>]+)/.exec(src.slice(i))!;
      tokens.push({ kind: 'redirect', text: m[1]!.replace(/\s+/g, '') });
      i += m[1]!.length;
    } else if (c === "'") {
      startToken();
      const end = src.indexOf("'", i + 1);
      if (end < 0) return { error: 'sh: syntax error: unterminated quoted string', lists };
      (word ??= []).push({ text: src.slice(i + 1, end), expand: false });
      line += countNewlines(src, i, end);
      i = end + 1;
    } else if (c === '"') {
      startToken();
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '`' || src.startsWith('$(', j)) return { error: unsimulated('command substitution ($( ) and backquotes)'), lists };
        if (src[j] === '\\' && j + 1 < src.length && '"\\$`'.includes(src[j + 1]!)) {
          text += src[j + 1] === '$' ? '\\$' : src[j + 1];
          j += 2;
        } else text += src[j++];
      }
      if (j >= src.length) return { error: 'sh: syntax error: unterminated quoted string', lists };
      (word ??= []).push({ text, expand: true });
      line += countNewlines(src, i, j);
      i = j + 1;
    } else if (c === '\\' && i + 1 < src.length) {
      startToken();
      (word ??= []).push({ text: src[i + 1] === '\n' ? '' : src[i + 1]!, expand: false });
      if (src[i + 1] === '\n') line++;
      i += 2;
    } else {
      startToken();
      let j = i;
      while (j < src.length && !" \t\n;'\"\\&|()`".includes(src[j]!) && !src.startsWith('$(', j) && src[j] !== '>' && src[j] !== '<') j++;
      if (j === i) j++;
      (word ??= []).push({ text: src.slice(i, j), expand: true, bare: true });
      i = j;
    }
  }
  endCommand(null, '\n');
  if (pendingOp !== null) return { error: 'sh: syntax error: unexpected end of file', lists };
  return { lists };
}

function countNewlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (src.charCodeAt(k) === 10) n++;
  return n;
}

function expand(text: string, vars: (name: string) => string): string {
  return text.replace(/\\\$|\$(\?|[A-Za-z_][A-Za-z0-9_]*|\{([A-Za-z_][A-Za-z0-9_]*)\})/g, (m, name: string, braced?: string) => {
    if (m === '\\$') return '$';
    return vars(braced ?? name);
  });
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\\]/g, '\\$&');
}

/** The paths a glob matches in the container, sorted, as ash's expmeta finds them (no leading-dot matches). */
function globPaths(fs: Fs, cwd: string, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((x) => x !== '');
  let found: string[] = [absolute ? '/' : ''];
  for (const seg of segments) {
    const next: string[] = [];
    for (const base of found) {
      const dir = resolvePath(base === '' ? '.' : base, cwd);
      if (!hasGlobChars(seg)) {
        const candidate = base === '' ? seg : base === '/' ? `/${seg}` : `${base}/${seg}`;
        if (fs.exists(resolvePath(candidate, cwd))) next.push(candidate);
        continue;
      }
      const names = fs.readdir(dir);
      if (typeof names === 'string') continue;
      const re = globToRegex(seg, false);
      for (const n of names) if (re.test(n)) next.push(base === '' ? n : base === '/' ? `/${n}` : `${base}/${n}`);
    }
    found = next;
  }
  return found.filter((x) => x !== '' && x !== '/').sort();
}

/** A signal as `trap` names it: EXIT (0), a number, or a name with or without SIG, any case. */
function trapSignal(spec: string): number | undefined {
  if (/^[0-9]+$/.test(spec)) {
    const n = Number(spec);
    return n <= 64 ? n : undefined;
  }
  const upper = spec.toUpperCase();
  if (upper === 'EXIT') return 0;
  return signals[upper.startsWith('SIG') ? upper : `SIG${upper}`];
}

/** The name `trap` lists a signal by: EXIT, or the signal's name without SIG. */
function trapName(signal: number): string {
  if (signal === 0) return 'EXIT';
  for (const [name, n] of Object.entries(signals)) if (n === signal) return name.slice(3);
  return String(signal);
}

/** ash's single_quote: 'text', each ' written as '"'"'. */
function singleQuote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** What one stream of commands runs with: its variables, its $?, and how `exit` ends it. */
interface Scope {
  vars: Map<string, string>;
  status: number;
  exit: (code: number) => void;
  ended: boolean;
}

/** One shell process: its traps, its background jobs, the signals waiting for their trap. */
class Shell {
  private readonly main: Scope;
  private finished = false;
  private inExitTrap = false;
  /** Signal number (0 = EXIT) → action; '' ignores the signal. */
  private readonly traps = new Map<number, string>();
  /** ash's may_have_traps: once a trap with an action is set, `sh -c` no longer execs its last command. */
  private mayHaveTraps = false;
  private handlerInstalled = false;
  private jobs = 0;
  /** The `wait` builtin's continuation while it waits. */
  private waiting: ((code: number) => void) | null = null;
  private readonly pending: number[] = [];
  /** The working directory (`cd`); commands start in it. */
  private cwd: string;
  private readonly exported = new Set<string>();
  private interactiveMode = false;
  /** Interactive: what was typed and not run yet, whether a line runs, the command in the foreground. */
  private typed = '';
  private busy = false;
  private foreground: Foreground | null = null;

  constructor(
    private readonly p: Proc,
    private readonly done: (code: number) => void,
  ) {
    this.main = { vars: new Map(), status: 0, exit: (code) => this.finish(code), ended: false };
    this.cwd = p.cwd;
  }

  run(script: string, execLast: boolean): void {
    const parsed = parseScript(script);
    if (parsed.error !== undefined) {
      err(this.p, `${parsed.error}\n`);
      this.end(2);
      return;
    }
    this.runLists(this.main, parsed.lists, () => this.finish(this.main.status), execLast);
  }

  private runLists(scope: Scope, lists: readonly AndOrList[], onEnd: () => void, execLast: boolean): void {
    let li = 0;
    let ci = 0;
    const step = (): void => {
      while (!this.finished && !scope.ended) {
        const list = lists[li];
        if (list === undefined) return onEnd();
        if (list.background) {
          li++;
          this.startJob(scope, list.items);
          scope.status = 0;
          continue;
        }
        const item = list.items[ci];
        if (item === undefined) {
          li++;
          ci = 0;
          continue;
        }
        ci++;
        if ((item.op === '&&' && scope.status !== 0) || (item.op === '||' && scope.status === 0)) continue;
        const exec = execLast && !this.mayHaveTraps && li === lists.length - 1 && ci === list.items.length;
        let sync = true;
        let resumed = false;
        this.runCommand(scope, item.cmd, exec, (code) => {
          scope.status = code;
          // A trapped signal's action runs once the foreground command has finished.
          const resume = (): void => {
            resumed = true;
            if (!sync) step();
          };
          if (scope === this.main) this.runPendingTraps(resume);
          else resume();
        });
        sync = false;
        if (!resumed) return; // the command continues later (sleep, cat on stdin…)
      }
    };
    step();
  }

  /** `list &`: runs in a subshell (a copy of the variables) while the shell goes on. */
  private startJob(parent: Scope, items: AndOrItem[]): void {
    this.jobs++;
    const scope: Scope = { vars: new Map(parent.vars), status: parent.status, exit: (code) => endJob(code), ended: false };
    const endJob = (code: number): void => {
      if (scope.ended) return;
      scope.ended = true;
      scope.status = code;
      this.jobs--;
      if (this.jobs === 0 && this.waiting) {
        const resume = this.waiting;
        this.waiting = null;
        resume(0);
      }
    };
    this.runLists(scope, [{ items, background: false }], () => endJob(scope.status), false);
  }

  /** PID 1 gets only the signals it traps; `wait` returns 128+n at once, other commands finish first. */
  private onSignal(signal: number): void {
    if (this.finished || !this.traps.get(signal)) return;
    this.pending.push(signal);
    const resume = this.waiting;
    if (resume) {
      this.waiting = null;
      this.p.after(0, () => resume(128 + signal));
    }
  }

  private runPendingTraps(then: () => void): void {
    const signal = this.pending.shift();
    if (signal === undefined) return then();
    const action = this.traps.get(signal);
    if (!action) return this.runPendingTraps(then);
    // $? is what it was before the trap ran.
    const saved = this.main.status;
    this.runAction(action, () => {
      this.main.status = saved;
      this.runPendingTraps(then);
    });
  }

  private runAction(action: string, then: () => void): void {
    const parsed = parseScript(action);
    if (parsed.error !== undefined) {
      err(this.p, `${parsed.error}\n`);
      return then();
    }
    this.runLists(this.main, parsed.lists, then, false);
  }

  /** The shell's end: the EXIT trap first, if any (an `exit` in it sets the code). */
  private finish(code: number): void {
    if (this.finished) return;
    const exitTrap = this.traps.get(0);
    if (exitTrap && !this.inExitTrap) {
      this.inExitTrap = true;
      this.main.status = code;
      this.runAction(exitTrap, () => this.end(code));
      return;
    }
    this.end(code);
  }

  private end(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.done(code);
  }

  /** The `trap` builtin; returns its status. */
  private trap(args: string[], line: number, out: (t: string) => void, errOut: (t: string) => void): number {
    if (args.length === 0) {
      const listed = [...this.traps.entries()].sort(([a], [b]) => a - b);
      out(listed.map(([signal, action]) => `trap -- ${singleQuote(action)} ${trapName(signal)}\n`).join(''));
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
      const signal = trapSignal(spec);
      if (signal === undefined) {
        errOut(`sh: trap: line ${line}: ${spec}: invalid signal specification\n`);
        status = 1;
        continue;
      }
      if (action === null) this.traps.delete(signal);
      else {
        this.traps.set(signal, action);
        if (action !== '') this.mayHaveTraps = true;
      }
    }
    if (!this.handlerInstalled && this.traps.size > 0) {
      this.handlerInstalled = true;
      this.p.onSignal((signal) => this.onSignal(signal));
    }
    return status;
  }

  private runCommand(scope: Scope, raw: RawCommand, exec: boolean, next: (code: number) => void): void {
    const p = this.p;
    const vars = (name: string): string => {
      if (name === '?') return String(scope.status);
      if (name === 'PWD') return this.cwd;
      return scope.vars.get(name) ?? envValue(p.env, name) ?? '';
    };
    const words: string[] = [];
    const redirects: string[] = [];
    for (const t of raw.tokens) {
      if (t.kind === 'redirect') {
        redirects.push(expand(t.text, vars));
        continue;
      }
      const word = t.parts.map((part) => (part.expand ? expand(part.text, vars) : part.text)).join('');
      // Pathname expansion, for the unquoted parts only; a pattern that matches nothing stays as typed.
      if (t.parts.some((part) => part.bare && /[*?[]/.test(part.text))) {
        const pattern = t.parts.map((part) => (part.bare ? expand(part.text, vars) : escapeGlob(part.expand ? expand(part.text, vars) : part.text))).join('');
        const matches = globPaths(p.fs, this.cwd, pattern);
        if (matches.length > 0) {
          words.push(...matches);
          continue;
        }
      }
      words.push(word);
    }
    const cmd: SimpleCommand = { words, redirects };
    // Where fd 0, 1 and 2 go, after the redirects, in order.
    let fd1: Target = 'out';
    let fd2: Target = 'err';
    let input: string | null = null;
    for (const r of cmd.redirects) {
      if (r === '>&2' || r === '1>&2') fd1 = fd2;
      else if (r === '2>&1') fd2 = fd1;
      else {
        const m = /^([0-9]?)(>>|>|<)(.*)$/s.exec(r)!;
        const fd = m[1] === '' ? (m[2] === '<' ? 0 : 1) : Number(m[1]);
        const path = resolvePath(m[3]!, this.cwd);
        if (m[2] === '<') {
          const data = p.fs.tryRead(path);
          if ('error' in data) {
            this.say(fd2, `sh: can't open ${m[3]}: ${data.error === 'ENOENT' ? 'no such file' : fsErrorText(data.error).toLowerCase()}\n`);
            return next(1);
          }
          if (fd === 0) input = data.data;
          continue;
        }
        let target: Target;
        if (path === '/dev/null') target = 'null';
        else if (path === '/dev/stdout') target = fd1;
        else if (path === '/dev/stderr') target = fd2;
        else {
          const w = p.fs.openWrite(path, m[2] === '>>');
          if (typeof w === 'string') {
            this.say(fd2, `sh: can't create ${m[3]}: ${w === 'ENOENT' ? 'nonexistent directory' : fsErrorText(w)}\n`);
            return next(1);
          }
          target = w;
        }
        if (fd === 1) fd1 = target;
        else if (fd === 2) fd2 = target;
      }
    }
    const route = (to: Target, text: string): void => this.say(to, text);
    const [name, ...rest] = cmd.words;
    if (name === undefined) return next(0);
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(name);
    if (assign && rest.length === 0) {
      scope.vars.set(assign[1]!, assign[2]!);
      return next(0);
    }
    const where = this.interactiveMode ? '' : `line ${raw.line}: `;
    switch (name) {
      case 'exit':
        return scope.exit(rest[0] === undefined ? scope.status : Number(rest[0]) & 0xff);
      case ':':
      case 'true':
        return next(0);
      case 'false':
        return next(1);
      case 'cd': {
        const dir = rest[0] === undefined ? vars('HOME') || '/' : rest[0] === '-' ? scope.vars.get('OLDPWD') ?? this.cwd : rest[0];
        const target = resolvePath(dir, this.cwd);
        const st = p.fs.stat(target);
        if (typeof st === 'string' || st.kind !== 'dir') {
          route(fd2, `sh: cd: ${where}can't cd to ${dir}: ${typeof st === 'string' ? fsErrorText(st) : 'Not a directory'}\n`);
          return next(2);
        }
        scope.vars.set('OLDPWD', this.cwd);
        this.cwd = target;
        return next(0);
      }
      case 'pwd':
        route(fd1, this.cwd + '\n');
        return next(0);
      case 'export':
        for (const a of rest) {
          const kv = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(a);
          if (!kv) continue;
          if (kv[2] !== undefined) scope.vars.set(kv[1]!, kv[2]);
          this.exported.add(kv[1]!);
        }
        return next(0);
      case 'set':
        return next(0);
      case 'trap':
        return next(this.trap(rest, raw.line, (t) => route(fd1, t), (t) => route(fd2, t)));
      case 'wait':
        if (this.jobs === 0) return next(0);
        this.waiting = next;
        return;
      case 'echo': {
        let args = rest;
        let nl = true;
        if (args[0] === '-n') {
          nl = false;
          args = args.slice(1);
        }
        route(fd1, args.join(' ') + (nl ? '\n' : ''));
        return next(0);
      }
    }
    const env = this.childEnv(scope);
    const found = resolveCommand({ fs: p.fs, env, cwd: this.cwd }, name);
    if (typeof found === 'number') {
      route(fd2, found === 127 ? `sh: ${name}: not found\n` : `sh: ${name}: Permission denied\n`);
      return next(found);
    }
    let ended = false;
    const timers = new Set<() => void>();
    let handler: ((signal: number) => void) | null = null;
    const finish = (code: number): void => {
      if (ended) return;
      ended = true;
      for (const cancel of timers) cancel();
      if (this.foreground === fg) this.foreground = null;
      next(code);
    };
    const fg: Foreground = {
      signal: (signal) => {
        if (handler) return handler(signal);
        // ash's waitforjob: a job killed by SIGINT leaves the cursor on a fresh line.
        if (signal === 2) err(p, '\n');
        finish(128 + signal);
      },
      reader: null,
    };
    const stdin: Proc['stdin'] =
      input !== null
        ? { read: (onData, onEnd) => { if (input !== '') onData(input!); onEnd(); } }
        : this.interactiveMode
          ? { read: (onData, onEnd) => { fg.reader = { onData, onEnd }; } }
          : p.stdin;
    const child: Proc = {
      ...p,
      argv: [name, ...rest],
      env,
      cwd: this.cwd,
      stdin,
      // A command writing to a file or pipe has no terminal there: no columns, no "\r\n".
      tty: p.tty && fd1 === 'out',
      stdout: (t) => this.write(fd1, t),
      stderr: (t) => this.write(fd2, t),
      exit: finish,
      after: (ms, cb) => {
        const cancel = p.after(ms, () => {
          timers.delete(cancel);
          if (!ended) cb();
        });
        timers.add(cancel);
        return () => {
          cancel();
          timers.delete(cancel);
        };
      },
      // Only a command run in place of the shell is PID 1 and receives its signals; in an
      // interactive shell the terminal's Ctrl-C reaches the foreground command.
      onSignal: exec ? p.onSignal : (h) => { handler = h; },
    };
    if (this.interactiveMode) this.foreground = fg;
    found(child);
  }

  /** The shell's own output to the terminal, a file or nowhere; on a terminal "\n" is "\r\n". */
  private say(to: Target, text: string): void {
    if (to === 'out') out(this.p, text);
    else if (to === 'err') err(this.p, text);
    else if (to !== 'null') to.write(text);
  }

  /** A command's output: to a terminal with "\r\n" line ends (whatever the command thought it had), to a file as written. */
  private write(to: Target, text: string): void {
    const term = this.p.tty ? text.replace(/\r?\n/g, '\r\n') : text;
    if (to === 'out') this.p.stdout(term);
    else if (to === 'err') this.p.stderr(term);
    else if (to !== 'null') to.write(text);
  }

  /** The environment a command gets: the shell's, with the exported variables. */
  private childEnv(scope: Scope): string[] {
    const env = this.p.env.filter((kv) => !this.exported.has(kv.slice(0, kv.indexOf('='))) && !kv.startsWith('PWD='));
    for (const name of this.exported) {
      const v = scope.vars.get(name) ?? envValue(this.p.env, name);
      if (v !== undefined) env.push(`${name}=${v}`);
    }
    if (this.cwd !== '/' || envValue(this.p.env, 'PWD') !== undefined) env.push(`PWD=${this.cwd}`);
    return env;
  }

  // ---------- the interactive shell (a terminal) ----------

  /** Banner, prompt, then each line as it arrives; end of input ends the shell with the last status. */
  interactive(): void {
    this.interactiveMode = true;
    const p = this.p;
    out(p, `\n\n${BUSYBOX_SHELL_BANNER}\nEnter 'help' for a list of built-in commands.\n\n`);
    p.onSignal((signal) => {
      if (this.foreground) return this.foreground.signal(signal);
      if (signal === 2) {
        // Ctrl-C at the prompt: a fresh prompt, $? 130.
        this.main.status = 130;
        this.typed = '';
        out(p, '\n');
        this.prompt();
      }
    });
    this.prompt();
    this.listen();
  }

  private listen(): void {
    this.p.stdin.read(
      (data) => {
        const fg = this.foreground;
        if (fg) {
          if (fg.reader) fg.reader.onData(data);
          else this.typed += data; // typed ahead: read once the command is done
          return;
        }
        this.typed += data;
        this.runTyped();
      },
      () => {
        const fg = this.foreground;
        if (fg?.reader) {
          // End of input for the command reading the terminal (`cat`); the shell reads on.
          const r = fg.reader;
          fg.reader = null;
          r.onEnd();
          this.listen();
          return;
        }
        out(this.p, '\n');
        this.finish(this.main.status);
      },
    );
  }

  /** Runs the complete lines typed so far, one after another, then prompts again. */
  private runTyped(): void {
    if (this.busy || this.finished) return;
    const nl = this.typed.indexOf('\n');
    if (nl < 0) return;
    const line = this.typed.slice(0, nl);
    this.typed = this.typed.slice(nl + 1);
    const parsed = parseScript(line);
    if (parsed.error !== undefined) {
      err(this.p, `${parsed.error}\n`);
      this.main.status = 2;
      this.prompt();
      return this.runTyped();
    }
    this.busy = true;
    this.runLists(this.main, parsed.lists, () => {
      this.busy = false;
      if (this.finished) return;
      this.prompt();
      this.runTyped();
    }, false);
  }

  /** PS1 as ash expands it: \w (cwd, ~ for $HOME), \W, \u, \h, \$; the default is '\w \$ '. */
  private prompt(): void {
    const ps1 = this.main.vars.get('PS1') ?? envValue(this.p.env, 'PS1') ?? '\\w \\$ ';
    const who = whoIs(this.p);
    const home = this.main.vars.get('HOME') ?? envValue(this.p.env, 'HOME') ?? '';
    const w = home !== '' && home !== '/' && (this.cwd === home || this.cwd.startsWith(home + '/')) ? '~' + this.cwd.slice(home.length) : this.cwd;
    const text = ps1.replace(/\\([wWuh$\\])/g, (_m, c: string) => {
      switch (c) {
        case 'w': return w;
        case 'W': return this.cwd === '/' ? '/' : this.cwd.slice(this.cwd.lastIndexOf('/') + 1);
        case 'u': return who.user ?? String(who.uid);
        case 'h': return this.p.hostname.split('.')[0]!;
        case '$': return who.uid === 0 ? '#' : '$';
        default: return '\\';
      }
    });
    out(this.p, text);
  }
}

/** Where a command's output goes: the process's stdout or stderr, nowhere, or a file. */
type Target = 'out' | 'err' | 'null' | FsWriter;

/** The command an interactive shell waits for: Ctrl-C reaches it, and it may read the terminal. */
interface Foreground {
  signal(signal: number): void;
  reader: { onData: (t: string) => void; onEnd: () => void } | null;
}

const BUSYBOX_SHELL_BANNER = 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)';

/**
 * Runs `script` in `p`'s process, calling `done` with its exit status.
 * `execLast` is `sh -c`: its last command replaces the shell unless a trap is set.
 */
export function runScript(p: Proc, script: string, done: (code: number) => void, execLast = false): void {
  new Shell(p, done).run(script, execLast);
}

/** The program `name` resolves to in the container, or 127 (not found) / 126 (not executable). */