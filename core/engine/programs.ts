import { helloMessage, lookupPath, type ImageDir, type ImageNode } from '../images/catalog';
import { signals, type Proc, type Program } from './process';
import { netPrograms } from '../network/programs/busybox';

/**
 * What the busybox programs (and hello-world's /hello) do when they run as a
 * container's PID 1. Each models the behaviour a student sees: output, exit
 * code, how long it runs and which signals end it. A program not modelled yet
 * says so on stderr and fails, rather than pretending to succeed.
 */

const KERNEL_RELEASE = '6.1.0-18-amd64';
const KERNEL_VERSION = '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)';

function envValue(proc: Proc, key: string): string | undefined {
  for (let i = proc.env.length - 1; i >= 0; i--) {
    const kv = proc.env[i]!;
    if (kv.startsWith(key + '=')) return kv.slice(key.length + 1);
  }
  return undefined;
}

/** Text as the terminal driver delivers it: with a tty, "\n" becomes "\r\n" (onlcr). */
function out(proc: Proc, text: string): void {
  proc.stdout(proc.tty ? text.replace(/\n/g, '\r\n') : text);
}
function err(proc: Proc, text: string): void {
  proc.stderr(proc.tty ? text.replace(/\n/g, '\r\n') : text);
}

/** Parses a busybox duration ("5", "1.5", "2m", "1h") into ms; undefined when invalid. */
function parseSleep(arg: string): number | undefined {
  const m = /^([0-9]*\.?[0-9]+)([smhd]?)$/.exec(arg);
  if (!m) return undefined;
  const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
  return Math.round(Number(m[1]) * unit);
}

const sleep: Program = (p) => {
  const args = p.argv.slice(1);
  if (args.length === 0) {
    err(p, 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n');
    p.exit(1);
    return;
  }
  let total = 0;
  for (const a of args) {
    const ms = parseSleep(a);
    if (ms === undefined) {
      err(p, `sleep: invalid number '${a}'\n`);
      p.exit(1);
      return;
    }
    total += ms;
  }
  if (total === Infinity || args.includes('infinity')) return; // runs until killed
  p.after(total, () => p.exit(0));
};

const trueProgram: Program = (p) => p.exit(0);
const falseProgram: Program = (p) => p.exit(1);

const echo: Program = (p) => {
  let args = p.argv.slice(1);
  let newline = true;
  if (args[0] === '-n') {
    newline = false;
    args = args.slice(1);
  }
  out(p, args.join(' ') + (newline ? '\n' : ''));
  p.exit(0);
};

const env: Program = (p) => {
  out(p, p.env.map((kv) => kv + '\n').join(''));
  p.exit(0);
};

const printenv: Program = (p) => {
  const names = p.argv.slice(1);
  if (names.length === 0) return env(p);
  let code = 0;
  for (const n of names) {
    const v = envValue(p, n);
    if (v === undefined) code = 1;
    else out(p, v + '\n');
  }
  p.exit(code);
};

const pwd: Program = (p) => {
  out(p, p.cwd + '\n');
  p.exit(0);
};

const id: Program = (p) => {
  const flags = p.argv.slice(1);
  if (flags.includes('-u') || flags.includes('-g')) out(p, '0\n');
  else if (flags.includes('-un') || flags.includes('-gn')) out(p, 'root\n');
  else out(p, 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n');
  p.exit(0);
};

const whoami: Program = (p) => {
  out(p, 'root\n');
  p.exit(0);
};

const uname: Program = (p) => {
  const fields = { s: 'Linux', n: p.hostname, r: KERNEL_RELEASE, v: KERNEL_VERSION, m: 'x86_64', o: 'GNU/Linux' };
  let want = '';
  for (const a of p.argv.slice(1)) {
    if (!/^-[snrvmoa]+$/.test(a)) {
      err(p, `uname: unrecognized option '${a}'\n`);
      p.exit(1);
      return;
    }
    want += a.slice(1);
  }
  if (want.includes('a')) want = 'snrvmo';
  if (want === '') want = 's';
  const order: (keyof typeof fields)[] = ['s', 'n', 'r', 'v', 'm', 'o'];
  out(p, order.filter((k) => want.includes(k)).map((k) => fields[k]).join(' ') + '\n');
  p.exit(0);
};

function readFile(p: Proc, path: string): ImageNode | undefined {
  return lookupPath(p.root, path.startsWith('/') ? path : `${p.cwd}/${path}`);
}

const cat: Program = (p) => {
  const files = p.argv.slice(1);
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    p.stdin.read((text) => out(p, text), () => p.exit(0));
    return;
  }
  let code = 0;
  for (const f of files) {
    const node = readFile(p, f);
    if (node === undefined) {
      err(p, `cat: can't open '${f}': No such file or directory\n`);
      code = 1;
    } else if (node.kind === 'dir') {
      err(p, `cat: read error: Is a directory\n`);
      code = 1;
    } else if (node.kind === 'file') {
      out(p, node.content ?? '');
    }
  }
  p.exit(code);
};

function modeString(node: ImageNode): string {
  const type = node.kind === 'dir' ? 'd' : node.kind === 'symlink' ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  let s = '';
  for (let i = 0; i < 9; i++) s += node.mode & (1 << (8 - i)) ? bits[i] : '-';
  if (node.mode & 0o1000) s = s.slice(0, 8) + (node.mode & 1 ? 't' : 'T');
  return type + s;
}

/** busybox ls: one name per line without a tty, columns (80 wide) with one. */
const ls: Program = (p) => {
  let all = false;
  let long = false;
  let one = false;
  const paths: string[] = [];
  for (const a of p.argv.slice(1)) {
    if (a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (c === 'a') all = true;
        else if (c === 'l') long = true;
        else if (c === '1') one = true;
      }
    } else paths.push(a);
  }
  if (paths.length === 0) paths.push('.');
  let code = 0;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const path of paths) {
    const node = readFile(p, path);
    if (node === undefined) {
      err(p, `ls: ${path}: No such file or directory\n`);
      code = 1;
    } else if (node.kind === 'dir') dirs.push(path);
    else files.push(path);
  }
  const render = (entries: [string, ImageNode][]): string => {
    if (long) {
      return entries
        .map(([name, n]) => {
          const size = n.kind === 'file' ? n.size : n.kind === 'dir' ? 4096 : n.target.length;
          const links = n.kind === 'dir' ? 2 : 1;
          const suffix = n.kind === 'symlink' ? ` -> ${n.target}` : '';
          return `${modeString(n)} ${String(links).padStart(4)} root     root     ${String(size).padStart(9)} Jan  1 00:00 ${name}${suffix}\n`;
        })
        .join('');
    }
    const names = entries.map(([name]) => name);
    if (!p.tty || one) return names.map((n) => n + '\n').join('');
    return columns(names, 80);
  };
  if (files.length > 0) out(p, render(files.sort().map((f) => [f, readFile(p, f)!])));
  dirs.sort();
  dirs.forEach((d, i) => {
    const node = readFile(p, d) as ImageDir;
    const entries = [...node.children.entries()].filter(([n]) => all || !n.startsWith('.')).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (all) entries.unshift(['.', node], ['..', node]);
    const header = paths.length > 1 ? `${i > 0 || files.length > 0 ? '\n' : ''}${d}:\n` : '';
    const total = long ? `total ${entries.length * 4}\n` : '';
    out(p, header + total + render(entries));
  });
  p.exit(code);
};

/** Column layout as busybox ls prints for a terminal: column-major, each column two wider than the longest name. */
function columns(names: string[], width: number): string {
  if (names.length === 0) return '';
  const colWidth = Math.max(...names.map((n) => n.length)) + 2;
  const cols = Math.max(1, Math.floor(width / colWidth));
  const rows = Math.ceil(names.length / cols);
  let text = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const i = c * rows + r;
      if (i >= names.length) break;
      const last = (c + 1) * rows + r >= names.length;
      line += last ? names[i] : names[i]!.padEnd(colWidth);
    }
    text += line + '\n';
  }
  return text;
}

/** `tail -f FILE` follows forever; `tail [-n N] FILE` prints the last lines. */
const tail: Program = (p) => {
  let follow = false;
  let count = 10;
  const files: string[] = [];
  const args = p.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-f' || a === '-F') follow = true;
    else if (a === '-n') count = Number(args[++i] ?? '10');
    else if (/^-[0-9]+$/.test(a)) count = Number(a.slice(1));
    else files.push(a);
  }
  const show = (text: string): void => {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const keep = lines.slice(Math.max(0, lines.length - count));
    if (keep.length > 0) out(p, keep.join('\n') + '\n');
  };
  if (files.length === 0) {
    let buf = '';
    p.stdin.read((t) => (buf += t), () => {
      show(buf);
      if (!follow) p.exit(0);
    });
    return;
  }
  if (files.length === 1 && (files[0] === '/dev/zero' || (files[0] === 'zero' && p.cwd === '/dev'))) {
    // No newline ever comes: tail keeps the whole input in memory until something stops it (the OOM killer).
    let rss = 380_928;
    const grow = (): void => {
      rss += 32 * 1024 * 1024;
      p.setMemory?.(rss);
      p.after(50, grow);
    };
    p.after(50, grow);
    return;
  }
  for (const f of files) {
    const node = readFile(p, f);
    if (node === undefined) err(p, `tail: can't open '${f}': No such file or directory\n`);
    else if (node.kind === 'file') show(node.content ?? '');
  }
  if (!follow) p.exit(files.every((f) => readFile(p, f) !== undefined) ? 0 : 1);
};

/** busybox top: redraws every 5 s until a signal; it installs handlers, so SIGTERM ends it (143). */
const top: Program = (p) => {
  const draw = (): void => {
    out(
      p,
      '\x1b[H\x1b[JMem: 1028948K used, 23654708K free, 8952K shrd, 3436K buff, 749504K cached\n' +
        'CPU:   0% usr   0% sys   0% nic 100% idle   0% io   0% irq   0% sirq\n' +
        'Load average: 0.00 0.00 0.00 1/159 1\n' +
        '\x1b[7m  PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND\x1b[m\n' +
        '    1     0 root     R     2268   0%   0% top\n',
    );
  };
  p.onSignal((sig) => {
    if (sig === 2 || sig === 15 || sig === 1 || sig === 3) p.exit(128 + sig);
  });
  const tick = (): void => {
    draw();
    p.after(5000, tick);
  };
  tick();
};

const hello: Program = (p) => {
  out(p, helloMessage);
  p.exit(0);
};

const yes: Program = (p) => {
  // An endless writer: model a bounded burst so logs stay small, then keep running.
  const word = p.argv[1] ?? 'y';
  out(p, (word + '\n').repeat(100));
};

/** The shell: runs `-c` scripts or a script read from stdin; interactive use comes with the in-container shell. */
const sh: Program = (p) => {
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
    // Interactive: a prompt, then it waits for input that only a terminal can give.
    out(p, '/ # ');
    let buf = '';
    p.stdin.read((t) => (buf += t), () => runScript(p, buf, p.exit));
    return;
  }
  let script = '';
  p.stdin.read((t) => (script += t), () => runScript(p, script, p.exit));
};

export const programs: Readonly<Record<string, Program>> = {
  sleep, true: trueProgram, false: falseProgram, echo, env, printenv, pwd, id, whoami, uname, cat, ls, tail, top, hello, yes,
  sh, ash: sh,
  // hostname, ip, ifconfig, route, netstat, ping, wget, nc, httpd, nslookup
  ...netPrograms,
};

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
type Token = { kind: 'word'; parts: { text: string; expand: boolean }[] } | { kind: 'redirect'; text: string };

/** Splits a script into and-or lists of commands (tokens still unexpanded). */
function parseScript(src: string): { error?: string; lists: AndOrList[] } {
  const lists: AndOrList[] = [];
  let list: AndOrItem[] = [];
  let tokens: Token[] = [];
  let line = 0;
  let cmdLine = 0;
  let pendingOp: '&&' | '||' | null = null;
  let word: { text: string; expand: boolean }[] | null = null;
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
      if (op !== null || terminator === '&' || terminator === ';') return `syntax error: unexpected "${op ?? terminator}"`;
      return undefined;
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
      return { error: 'syntax error: unexpected ";;"', lists };
    } else if (c === '\n' || c === ';') {
      const e = endCommand(null, c);
      if (e) return { error: e, lists };
      if (c === '\n') line++;
      i++;
    } else if (src.startsWith('&&', i) || src.startsWith('||', i)) {
      const e = endCommand(src.slice(i, i + 2) as '&&' | '||', null);
      if (e) return { error: e, lists };
      i += 2;
    } else if (c === '&') {
      const e = endCommand(null, '&');
      if (e) return { error: e, lists };
      i++;
    } else if (/^[0-9]?>&[0-9]/.test(src.slice(i)) || /^[0-9]?>>?/.test(src.slice(i))) {
      startToken();
      endWord();
      const m = /^([0-9]?>&[0-9]|[0-9]?>>?\s*[^\s;&|]+)/.exec(src.slice(i))!;
      tokens.push({ kind: 'redirect', text: m[1]!.replace(/\s+/g, '') });
      i += m[1]!.length;
    } else if (c === "'") {
      startToken();
      const end = src.indexOf("'", i + 1);
      if (end < 0) return { error: 'syntax error: unterminated quoted string', lists };
      (word ??= []).push({ text: src.slice(i + 1, end), expand: false });
      line += countNewlines(src, i, end);
      i = end + 1;
    } else if (c === '"') {
      startToken();
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length && '"\\$`'.includes(src[j + 1]!)) {
          text += src[j + 1] === '$' ? '\\$' : src[j + 1];
          j += 2;
        } else text += src[j++];
      }
      if (j >= src.length) return { error: 'syntax error: unterminated quoted string', lists };
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
      while (j < src.length && !" \t\n;'\"\\&".includes(src[j]!) && !src.startsWith('||', j) && src[j] !== '>') j++;
      if (j === i) j++;
      (word ??= []).push({ text: src.slice(i, j), expand: true });
      i = j;
    }
  }
  endCommand(null, '\n');
  if (pendingOp !== null) return { error: 'syntax error: unexpected end of file', lists };
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

  constructor(
    private readonly p: Proc,
    private readonly done: (code: number) => void,
  ) {
    this.main = { vars: new Map(), status: 0, exit: (code) => this.finish(code), ended: false };
  }

  run(script: string, execLast: boolean): void {
    const parsed = parseScript(script);
    if (parsed.error !== undefined) {
      err(this.p, `sh: ${parsed.error}\n`);
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
      err(this.p, `sh: ${parsed.error}\n`);
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
      return scope.vars.get(name) ?? envValue(p, name) ?? '';
    };
    const words: string[] = [];
    const redirects: string[] = [];
    for (const t of raw.tokens) {
      if (t.kind === 'redirect') redirects.push(t.text);
      else words.push(t.parts.map((part) => (part.expand ? expand(part.text, vars) : part.text)).join(''));
    }
    const cmd: SimpleCommand = { words, redirects };
    // Where fd 1 and 2 go, after the redirects.
    let fd1: 'out' | 'err' | 'null' = 'out';
    let fd2: 'out' | 'err' | 'null' = 'err';
    for (const r of cmd.redirects) {
      if (r === '>&2' || r === '1>&2') fd1 = fd2;
      else if (r === '2>&1') fd2 = fd1;
      else if (/^1?>>?\/dev\/null$/.test(r)) fd1 = 'null';
      else if (/^2>>?\/dev\/null$/.test(r)) fd2 = 'null';
    }
    const route = (to: 'out' | 'err' | 'null', text: string): void => {
      if (to === 'out') p.stdout(text);
      else if (to === 'err') p.stderr(text);
    };
    const [name, ...rest] = cmd.words;
    if (name === undefined) return next(0);
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(name);
    if (assign && rest.length === 0) {
      scope.vars.set(assign[1]!, assign[2]!);
      return next(0);
    }
    switch (name) {
      case 'exit':
        return scope.exit(rest[0] === undefined ? scope.status : Number(rest[0]) & 0xff);
      case ':':
      case 'true':
        return next(0);
      case 'false':
        return next(1);
      case 'cd':
      case 'export':
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
    const found = resolveCommand(p, name);
    if (typeof found === 'number') {
      route(fd2, found === 127 ? `sh: ${name}: not found\n` : `sh: ${name}: Permission denied\n`);
      return next(found);
    }
    let ended = false;
    const child: Proc = {
      ...p,
      argv: [name, ...rest],
      stdout: (t) => route(fd1, t),
      stderr: (t) => route(fd2, t),
      exit: (code) => {
        if (ended) return;
        ended = true;
        next(code);
      },
      // Only a command run in place of the shell is PID 1 and receives its signals.
      onSignal: exec ? p.onSignal : () => {},
    };
    found(child);
  }
}

/**
 * Runs `script` in `p`'s process, calling `done` with its exit status.
 * `execLast` is `sh -c`: its last command replaces the shell unless a trap is set.
 */
export function runScript(p: Proc, script: string, done: (code: number) => void, execLast = false): void {
  new Shell(p, done).run(script, execLast);
}

/** The program `name` resolves to in the container, or 127 (not found) / 126 (not executable). */
export function resolveCommand(p: Pick<Proc, 'root' | 'env' | 'cwd'>, name: string): Program | 127 | 126 {
  let node: ImageNode | undefined;
  if (name.includes('/')) {
    node = lookupPath(p.root, name.startsWith('/') ? name : `${p.cwd}/${name}`);
  } else {
    const path = envValue(p as Proc, 'PATH') ?? DEFAULT_PATH;
    for (const d of path.split(':')) {
      const n = lookupPath(p.root, `${d}/${name}`);
      if (n && n.kind === 'file' && n.mode & 0o111) {
        node = n;
        break;
      }
    }
  }
  if (node === undefined) return 127;
  if (node.kind !== 'file' || (node.mode & 0o111) === 0) return 126;
  return programFor(node.program ?? '');
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The program an executable file runs; a busybox applet not modelled yet says so. */
export function programFor(name: string): Program {
  const known = programs[name];
  if (known) return known;
  return (p) => {
    err(p, `glassbox: '${name}' is not simulated yet\n`);
    p.exit(1);
  };
}
