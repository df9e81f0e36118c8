import { spawn } from 'node:child_process';
import type { CommandRunner, ProcessIO } from '../../core/process';
import { ByteDecoder, encodeText } from './byteText';
import { type LineTerminal, programCwd, runInPty, usesTerminal } from './ptyRunner';

/**
 * Runs real programs for the host shell. The argv the shell parsed goes to
 * `spawn` as an array with `shell: false`: user text never reaches /bin/sh.
 */

export interface SpawnOptions {
  /** Asked before each chunk of output is delivered; while it says true, reading pauses (a slow WebSocket). */
  congested?: () => boolean;
  /** Called with a function that ends the program at once (the connection closed). */
  onKill?: (kill: () => void) => void;
  env?: NodeJS.ProcessEnv;
  /** The page's terminal for the line now running, when the line runs at one (null for scripts and tests without a terminal). */
  terminal?: () => LineTerminal | null;
  /** Run in the shell's working directory: set when the shell's files are the host's (--host-shell), so `docker build .` means that directory. */
  shellCwd?: boolean;
}

/**
 * Runs `file args…` to completion. Each Ctrl-C sends SIGINT to the program's
 * process group, as a terminal would: `docker run` passes it on to the
 * container, and the docker CLI gives up after the third ("got 3
 * SIGTERM/SIGINTs, forcefully exiting"). stdin is the pipeline's text, or
 * closed when the line has none.
 */
export function runProgram(file: string, args: readonly string[], io: ProcessIO, opts: SpawnOptions = {}): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(file, args, {
      shell: false,
      // Its own process group, so SIGINT reaches plugins the CLI starts, and
      // the agent's own terminal Ctrl-C does not reach the child.
      detached: true,
      stdio: [io.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: programCwd(io, opts),
    });
    const signal = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    const kill = (): void => {
      signal('SIGTERM');
      setTimeout(() => signal('SIGKILL'), 2000).unref();
    };
    opts.onKill?.(kill);
    const offInterrupt = io.interrupt.onInterrupt(() => signal('SIGINT'));

    const pipe = (stream: NodeJS.ReadableStream, write: (text: string) => void): void => {
      // Binary (docker save, export, gzip) passes through the shell's text intact: see byteText.ts.
      const decoder = new ByteDecoder();
      stream.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        if (text) write(text);
        if (opts.congested?.()) {
          stream.pause();
          const poll = setInterval(() => {
            if (!opts.congested?.()) {
              clearInterval(poll);
              stream.resume();
            }
          }, 50);
        }
      });
      stream.on('end', () => {
        const rest = decoder.end();
        if (rest) write(rest);
      });
    };
    pipe(child.stdout!, (t) => io.stdout(t));
    pipe(child.stderr!, (t) => io.stderr(t));

    if (io.stdin !== null && child.stdin) {
      // A program that exits without reading its input is not an error.
      child.stdin.on('error', () => {});
      child.stdin.end(encodeText(io.stdin));
    }

    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      offInterrupt();
      resolve(code);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') io.stderr(`${file}: command not found\n`);
      else io.stderr(`${file}: ${err.message}\n`);
      finish(err.code === 'ENOENT' ? 127 : 126);
    });
    child.on('close', (code, sig) => {
      finish(code ?? 128 + signalNumber(sig));
    });
  });
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };
function signalNumber(sig: NodeJS.Signals | null): number {
  return (sig && SIGNALS[sig]) ?? 1;
}

/**
 * The shell's `docker`: the real docker CLI with the arguments the shell
 * parsed. A command that uses the terminal (`run -it`, `exec -it`, `attach`,
 * `start -ai` …), typed at the page's terminal with stdin, stdout and stderr
 * all the terminal, runs on a pseudo-terminal of its own that takes the
 * keystrokes; everything else on pipes.
 */
export function dockerRunner(dockerBin: string, opts: SpawnOptions = {}): CommandRunner {
  return (argv, io) => {
    const atTerminal = io.terminal && io.stdin === null && io.stdinIsTTY && io.stdoutIsTTY && io.stderrIsTTY;
    const terminal = atTerminal && usesTerminal(argv.slice(1)) ? opts.terminal?.() : null;
    return terminal ? runInPty(dockerBin, argv.slice(1), io, terminal, opts) : runProgram(dockerBin, argv.slice(1), io, opts);
  };
}

/** With --host-shell: any other program on the host, still without a shell in between. */
export function hostProgramRunner(opts: SpawnOptions = {}): CommandRunner {
  return (argv, io) => runProgram(argv[0]!, argv.slice(1), io, opts);
}
