import { accessSync, closeSync, constants, openSync, statSync } from 'node:fs';
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
 * Whether this docker command line uses the terminal itself: a tty for the
 * container (-t) or the keystrokes (-i, attach, start -a). Those run on a
 * pty and take the keys; every other command keeps pipes, so its stdout and
 * stderr stay apart and keys typed while it runs wait for the next prompt.
 * The CLI still decides everything; this errs towards yes, since a pty where
 * none was needed costs only the keys typed meanwhile: `run`/`exec` with -i
 * or -t, `start` with -a or -i, `attach` (unless --no-stdin), `login` (it
 * prompts), and `build -`/`import -` (a Dockerfile or tarball typed in).
 */
export function usesTerminal(args: readonly string[]): boolean {
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
    case 'save':
    case 'export':
      // At the terminal the CLI itself refuses to write a tar there ("cowardly refusing…"): it must see its terminal.
      return !(shortHas('o') || rest.some((a) => a === '--output' || a.startsWith('--output=')));
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
 * `terminal.screen` as the tty delivered it. With `claim` it takes
 * `io.terminal`'s keystrokes and writes them to the pty as typed (Ctrl-C,
 * Ctrl-D, Ctrl-P Ctrl-Q reach the CLI and the container through the tty, as
 * in a real terminal). An interrupt from the page (Ctrl-C while not claimed)
 * sends SIGINT to its process group, as the pipe runner does.
 */
export function runInPty(file: string, args: readonly string[], io: ProcessIO, terminal: LineTerminal, opts: SpawnOptions = {}, claim = true): Promise<number> {
  return new Promise<number>((resolve) => {
    const path = onPath(file);
    if (path === null) {
      io.stderr(`${file}: command not found\n`);
      resolve(127);
      return;
    }
    let pty: IPty;
    try {
      pty = spawnPty(path, [...args], { name: TERM, cols: terminal.cols, rows: terminal.rows, env: { ...(opts.env ?? process.env), TERM }, cwd: programCwd(io, opts) });
    } catch (err) {
      io.stderr(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
      resolve(126);
      return;
    }
    let exited = false;
    // Linux may drop what a program wrote just before it exited when its exit (as session
    // leader) hangs the tty up before the agent read it (node-pty issues #72, #726): seen
    // here as whole outputs lost, 1 run in 300 under load. Holding the tty's other end
    // open until the program is gone keeps that output readable.
    let held: number | null = null;
    try {
      held = openSync((pty as IPty & { ptsName: string }).ptsName, constants.O_RDWR | constants.O_NOCTTY);
    } catch {
      // no pts name to open (another platform): as before
    }
    const letGo = (): void => {
      if (held === null) return;
      closeSync(held);
      held = null;
    };
    // While held, the tty never reports the end: node-pty reaps the program, so its pid
    // going away says it has ended (then the rest is read and the exit comes).
    const watch = setInterval(() => {
      try {
        process.kill(pty.pid, 0);
      } catch {
        clearInterval(watch);
        letGo();
      }
    }, 25);
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
    const release = io.terminal && claim ? io.terminal.claim((data) => !exited && pty.write(data)) : null;

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
      clearInterval(watch);
      letGo();
      offInterrupt();
      offResize();
      release?.();
      resolve(sig ? 128 + sig : exitCode);
    });
  });
}

/** The directory a program starts in: the shell's, when asked and it is a real directory; else the agent's own. */
export function programCwd(io: ProcessIO, opts: SpawnOptions): string | undefined {
  if (!opts.shellCwd || io.cwd === undefined) return undefined;
  return statSync(io.cwd, { throwIfNoEntry: false })?.isDirectory() ? io.cwd : undefined;
}
