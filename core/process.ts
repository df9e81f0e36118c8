import type { Interrupt } from './ports';

/**
 * How the host shell runs a program (`docker`, `grep`, …): argv in, text out,
 * exit code back. Pipes hand one stage's whole stdout to the next as `stdin`.
 */
export interface ProcessIO {
  /** The piped or redirected input; null when stdin is the terminal itself. */
  stdin: string | null;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Ctrl-C while this program runs. */
  interrupt: Interrupt;
  /** True when stdin is an interactive terminal (the web terminal), false for scripts and `glassbox sim`. */
  stdinIsTTY: boolean;
  /** True when stdout is the terminal itself (not a pipe or a file): `docker save` refuses to write a tar there. */
  stdoutIsTTY?: boolean;
  /** The shell's working directory, for programs that read or write host files (`docker build .`, `docker save -o`). */
  cwd?: string;
}

export type CommandRunner = (argv: string[], io: ProcessIO) => Promise<number>;
