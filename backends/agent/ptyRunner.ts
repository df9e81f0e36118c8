import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type IPty, spawn as spawnPty } from '@lydell/node-pty';
import type { ProcessIO } from '../../core/process';
import type { SpawnOptions } from './spawnRunner';

/**
 * The docker CLI on a pseudo-terminal of its own, for a line typed at the
 * page's terminal.
 *
 * Why a pty around the real CLI rather than dockerode's exec/attach with
 * Tty:true: the CLI stays the one that parses `-it`, `--detach-keys`,
 * `start -ai`, `attach --no-stdin`…, sets its terminal raw, detaches on
 * Ctrl-P Ctrl-Q, follows the window size (SIGWINCH → the resize API), and
 * prints its own messages and exit codes; the trace still shows the real
 * client. The agent only supplies what a terminal emulator would: a tty, the
 * keystrokes and the size. The argv still goes to execvp as an array: no
 * shell sees user text.
 */

/** The page's terminal for one running line: its size now and when it changes, and its screen. */
export interface LineTerminal {
  readonly cols: number;
  readonly rows: number;
  /** Calls `listener` on every resize until the returned function is called. */
  onResize(listener: (cols: number, rows: number) => void): () => void;
  /** Writes a pty's output to the screen unchanged (its line ends are the tty's). */
  screen(text: string): void;
}

/** What xterm.js emulates; the CLI passes nothing of it on (a container's tty is TERM=xterm). */
const TERM = 'xterm-256color';

/**
 * Whether this docker command line reads the terminal's keystrokes, so the
 * page's terminal should send them (raw mode) rather than keep editing the
 * next line. The CLI itself decides what it does; this only routes keys, and
 * errs towards yes: a command that turns out not to read them just loses the
 * keys typed while it runs, where a wrong no would leave an interactive shell
 * deaf. `run`/`exec` with -i or -t, `start` with -a or -i, `attach` (unless
 * --no-stdin), `login` (it prompts), and `build -`/`import -` (a Dockerfile or
 * tarball typed at the terminal).
 */
export function readsTerminal(args: readonly string[]): boolean {
  let i = 0;
  // Global options before the command; these take a value as the next word.
  const globalWithValue = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
  while (i < args.length && args[i]!.startsWith('-')) i += globalWithValue.has(args[i]!) ? 2 : 1;
  let command = args[i++];
  if (command === 'container' || command === 'image') command = args[i++];
  const rest = args.slice(i);
  const shortHas = (letters: string): boolean => rest.some((a) => /^-[A-Za-z]+$/.test(a) && [...letters].some((l) => a.includes(l)));
  const longOn = (...names: string[]): boolean => rest.some((a) => names.some((n) => a === `--${n}` || (a.startsWith(`--${n}=`) && a !== `--${n}=false`)));
  switch (command) {
    case 'run':
    case 'exec':
      return shortHas('it') || longOn('interactive', 'tty');
    case 'start':
      return shortHas('ai') || longOn('attach', 'interactive');
    case 'attach':
      return !longOn('no-stdin');
    case 'login':
      return true;
    case 'build':
    case 'import':
      return rest.includes('-');
    default:
      return false;
  }
}

/** The file execvp would run, or null (node-pty would only print execvp's failure on the tty). */
function onPath(file: string): string | null {
  const executable = (f: string): boolean => {
    try {
      accessSync(f, constants.X_OK);
      return statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (file.includes('/')) return executable(file) ? file : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, file))) return join(dir, file);
  }
  return null;
}

/**
 * Runs `file args…` on a new pseudo-terminal the size of `terminal`, to
 * completion. Its output (stdout and stderr, as on any terminal) goes to
 * `terminal.screen` as the tty delivered it. When the command reads the terminal it claims `io.terminal`,
 * and the keystrokes go to the pty as typed (Ctrl-C, Ctrl-D, Ctrl-P Ctrl-Q
 * reach the CLI and the container through the tty, as in a real terminal);
 * otherwise Ctrl-C sends SIGINT to its process group, as the pipe runner does.
 * `reads` says whether it reads the terminal (for docker: `readsTerminal`).
 */
export function runInPty(file: string, args: readonly string[], io: ProcessIO, terminal: LineTerminal, opts: SpawnOptions = {}, reads = readsTerminal(args)): Promise<number> {
  return new Promise<number>((resolve) => {
    const path = onPath(file);
    if (path === null) {
      io.stderr(`${file}: command not found\n`);
      resolve(127);
      return;
    }
    let pty: IPty;
    try {
      pty = spawnPty(path, [...args], { name: TERM, cols: terminal.cols, rows: terminal.rows, env: { ...(opts.env ?? process.env), TERM } });
    } catch (err) {
      io.stderr(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
      resolve(126);
      return;
    }
    let exited = false;
    // forkpty makes the child a session leader: its pid is its process group.
    const signal = (sig: NodeJS.Signals): void => {
      if (exited) return;
      try {
        process.kill(-pty.pid, sig);
      } catch {
        // already gone
      }
    };
    // The connection closed: hang up, as closing a terminal window does. The CLI attached to a
    // tty rides a hangup out (it only waits on the container), so it is killed soon after; the
    // timer holds a stopping agent that long, so no client is left behind attached.
    opts.onKill?.(() => {
      signal('SIGHUP');
      setTimeout(() => signal('SIGKILL'), 200);
    });
    const offInterrupt = io.interrupt.onInterrupt(() => signal('SIGINT'));
    const offResize = terminal.onResize((cols, rows) => {
      if (exited) return;
      try {
        pty.resize(cols, rows);
      } catch {
        // exited between the check and the ioctl
      }
    });
    const release = io.terminal && reads ? io.terminal.claim((data) => !exited && pty.write(data)) : null;

    // Paused while the WebSocket is congested; the tty's own buffer then holds the CLI back.
    // (node-pty drops what is still unread 200 ms after the exit, so a pause that outlasts
    // the program can cut its last output short: only on a socket backed up by 1 MiB.)
    let paused = false;
    pty.onData((text) => {
      terminal.screen(text);
      if (paused || !opts.congested?.()) return;
      paused = true;
      pty.pause();
      const poll = setInterval(() => {
        if (exited || !opts.congested?.()) {
          clearInterval(poll);
          paused = false;
          pty.resume();
        }
      }, 50);
    });
    // node-pty reports the exit once the tty has been read to its end, so no output comes after.
    pty.onExit(({ exitCode, signal: sig }) => {
      exited = true;
      offInterrupt();
      offResize();
      release?.();
      resolve(sig ? 128 + sig : exitCode);
    });
  });
}
