import type { ProcessIO } from '../process';
import type { Interrupt } from '../ports';
import { fsErrorText, resolvePath, type Fs } from './filesystem';

/** What a built-in utility sees: its argv and streams plus the shell's filesystem and environment. */
export interface UtilContext {
  /** argv[0] is the name it was called by. */
  argv: string[];
  io: ProcessIO;
  /** True when stdout is the terminal itself (not a pipe or file): `ls` prints columns then. */
  stdoutIsTTY: boolean;
  fs: Fs;
  cwd: string;
  /** The exported environment the program would see. */
  env: Record<string, string>;
  user: string;
  hostname: string;
  /** Whose program this is: GNU's (the host, debian/ubuntu/centos) or a busybox applet (busybox, alpine); messages and formats differ. */
  flavor: 'gnu' | 'busybox';
  now(): number;
  sleep(ms: number, interrupt: Interrupt): Promise<boolean>;
  /** Runs another program by name, as execvp would (xargs, env, sudo): no shell builtins such as `cd`. */
  exec(argv: string[], io: ProcessIO, env?: Record<string, string>): Promise<number>;
}

export type Utility = (ctx: UtilContext) => Promise<number> | number;

/** `prog: message` plus GNU's "Try 'prog --help'" line, as coreutils prints usage errors. */
export function usageError(ctx: UtilContext, message: string, code = 1): number {
  const prog = ctx.argv[0]!;
  ctx.io.stderr(`${prog}: ${message}\nTry '${prog} --help' for more information.\n`);
  return code;
}

/** Reads a file operand ('-' is stdin). Prints `prog: name: error` and returns null on failure. */
export function readOperand(ctx: UtilContext, name: string, prog = ctx.argv[0]!): string | null {
  if (name === '-') return ctx.io.stdin ?? '';
  const r = ctx.fs.tryRead(resolvePath(name, ctx.cwd));
  if ('error' in r) {
    ctx.io.stderr(`${prog}: ${name}: ${fsErrorText(r.error)}\n`);
    return null;
  }
  return r.data;
}

/** Splits text into lines, dropping the empty string after a final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Coreutils' ‘x’ quoting (locale quotes in a UTF-8 locale). */
export function q(s: string): string {
  return `\u2018${s}\u2019`;
}

/** Coreutils' shell-style 'x' quoting for file names in messages. */
export function qf(s: string): string {
  if (/^[A-Za-z0-9_.\/,+@%:=-]+$/.test(s)) return `'${s}'`;
  if (!s.includes("'")) return `'${s}'`;
  return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}
