/**
 * The interpreter's execution state, shared by its parts (interp.ts,
 * expand.ts, builtins.ts) and the platforms it runs on: the host terminal
 * (hostShell.ts) and a container process (core/cshell/containerShell.ts).
 */
import type { Interrupt } from '../ports';
import type { ProcessIO } from '../process';
import type { Input, Sink } from './io';
import type { Command } from './syntax';
import type { Task } from './task';

export interface Fds {
  /** null: the terminal itself (the host's line; programs may read its keystrokes). */
  stdin: Input | null;
  stdinIsTTY: boolean;
  out: Sink;
  err: Sink;
  outIsTTY: boolean;
  /** Whether stderr is the terminal, through redirects and pipes (`2>&1 | cat` is not). */
  errIsTTY: boolean;
}

export interface ShellFlags {
  /** set -e */
  errexit: boolean;
  /** set -x */
  xtrace: boolean;
  /** set -u */
  nounset: boolean;
}

export interface State {
  vars: Map<string, string>;
  exported: Set<string>;
  readonly: Set<string>;
  cwd: string;
  status: number;
  positional: string[];
  arg0: string;
  functions: Map<string, Command>;
  /** What `local` saved in each running function, innermost last: name → value before (undefined: unset). */
  locals: Map<string, string | undefined>[];
  flags: ShellFlags;
  /** Signal number (0 = EXIT) → action; '' ignores it. A subshell starts with only the ignored ones. */
  traps: Map<number, string>;
}

/** A running background job's programs, which `kill %n` signals. */
export interface JobRef {
  /** Each program now running in the job: delivers a signal to it. */
  programs: Set<(signal: number) => void>;
  /** The job's pid ($!): its first program's, or a subshell's. */
  pid: number;
  /** The signal that killed it, if one did. */
  signal?: number;
}

export interface Ctx {
  state: State;
  fds: Fds;
  interrupt: Interrupt;
  /** Nesting of subshells, substitutions, functions and `sh -c`, bounded to keep the stack safe. */
  depth: number;
  /** Inside `bash -c` / `sh file` on the host: `exit` ends that shell rather than printing the web-terminal note. */
  nested: boolean;
  loopDepth: number;
  funcDepth: number;
  /** The shell itself rather than a subshell: traps run here and `exit` ends the shell. */
  main: boolean;
  /** In a condition (if, while, &&, ||, !): `set -e` does not apply. */
  noErrexit: boolean;
  /** The background job this runs in, if any. */
  job: JobRef | null;
  /** What the platform runs programs from (a container: the process that forks them). */
  owner: unknown;
  /** This command may run in place of the shell (the last command of `sh -c`). */
  execOk: boolean;
}

/** Unwinds the rest of the line after Ctrl-C. */
export class Interrupted {
  constructor(readonly status: number) {}
}
/** `exit`: unwinds to the shell that runs the script. */
export class ExitRequest {
  constructor(readonly status: number) {}
}
export class LoopControl {
  constructor(readonly kind: 'break' | 'continue', public levels: number) {}
}
/** `return` from a function or a sourced file. */
export class ReturnRequest {
  constructor(readonly status: number) {}
}
/** An expansion error (`${x:?}`, bad arithmetic): the command is not run; `fatal` ends a non-interactive shell. */
export class ExpansionError {
  constructor(
    readonly status: number,
    readonly fatal = false,
  ) {}
}

export type Builtin = (argv: string[], io: ProcessIO, ctx: Ctx) => number | Task<number>;

/** Who runs a program by name: the shell, or a program that runs others (their not-found texts differ). */
export type Caller = 'shell' | 'sudo' | 'env' | 'xargs';

/** What the interpreter needs from where it runs: programs, and for a container, processes. */
export interface Platform {
  /**
   * Runs `argv` as execvp would, after builtins and functions: a program
   * found by name (or path), with `env` as its environment. Reports a
   * missing command itself, worded for `caller`. `inPlace`: the program
   * replaces the shell (exec).
   */
  runExternal(argv: string[], env: Record<string, string>, ctx: Ctx, how: { caller: Caller; inPlace: boolean }): Task<number>;
  /** Where `name` is found as a program (`type`, `command -v`, `which`), or null. */
  locate(name: string, ctx: Ctx): string | null;
  /** $$ */
  readonly pid: number;
  /** A process for a background subshell (a container's forked `sh`, which `ps` lists); undefined where there are none. */
  forkSubshell?(ctx: Ctx): { owner: unknown; pid: number; exit(code: number): void };
  /** `kill PID` for a process that is not one of the shell's jobs. */
  signalProcess?(pid: number, signal: number, ctx: Ctx): 'ok' | 'nosuch';
}
