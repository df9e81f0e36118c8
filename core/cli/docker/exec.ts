/**
 * `docker exec` and `docker attach`, and the keyboard side of every attached
 * client (`run -it`, `start -ai`): keystrokes go to the container's stdin,
 * Ctrl-P Ctrl-Q detaches (docker/cli's escape proxy), and without a tty the
 * client's own terminal edits each line before it is sent.
 */
import { DaemonError } from '../../engine/errors';
import type { ExecHandle } from '../../engine/exec';
import { Tty } from '../../cshell/tty';
import { daemonErrorText, type CommandDef, type Ctx } from './common';
import { attachedEditor, attachedStdin } from './run';

/** docker/cli's default detach keys: ctrl-p,ctrl-q. */
const DETACH = ['\x10', '\x11'];

export interface KeyForwarding {
  /** Gives the terminal back (the client ends). */
  release(): void;
}

/**
 * Sends the terminal's keystrokes to a container's stdin while the client is
 * attached. With a tty the keys go as typed (the container's line discipline
 * echoes them); without one the client's terminal is in cooked mode: it echoes
 * and edits the line, sends it on Enter, and Ctrl-D closes stdin. Ctrl-P
 * Ctrl-Q calls `onDetach` (with a tty only, as docker's escape proxy does).
 * Returns null when the terminal cannot deliver keystrokes (a script).
 */
export function forwardKeys(
  ctx: Ctx,
  target: { write(data: string): void; close(): void; tty: boolean },
  onDetach: () => void,
  onInterrupt: () => void,
): KeyForwarding | null {
  const terminal = ctx.io.terminal;
  if (!terminal) return null;
  let release: () => void = () => {};
  if (!target.tty) {
    const cooked = new Tty({
      // A terminal echoes what is typed; piped lines (`glassbox sim`) are not shown again.
      echo: (t) => {
        if (ctx.io.stdinIsTTY) ctx.io.stdout(t.replace(/\r\n/g, '\n'));
      },
      line: (t) => target.write(t),
      eof: () => target.close(),
      signal: () => onInterrupt(),
    });
    release = terminal.claim((data) => cooked.input(data));
    return { release: () => release() };
  }
  let held = '';
  let detached = false;
  release = terminal.claim((data) => {
    if (detached) return;
    let send = '';
    for (const ch of data) {
      if (held !== '') {
        if (ch === DETACH[1]) {
          detached = true;
          if (send !== '') target.write(send);
          onDetach();
          return;
        }
        send += held;
        held = '';
      }
      if (ch === DETACH[0]) held = ch;
      else send += ch;
    }
    if (send !== '') target.write(send);
  });
  return { release: () => release() };
}

export const exec: CommandDef = {
  name: 'exec',
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  args: { kind: 'min', n: 2 },
  interspersed: false,
  async run(ctx, flags) {
    const [ref, ...cmd] = flags.args as [string, ...string[]];
    const detach = flags.bool('detach');
    const interactive = flags.bool('interactive');
    const tty = flags.bool('tty');
    if (!detach && tty && interactive && !ctx.io.stdinIsTTY) {
      ctx.io.stderr('the input device is not a TTY\n');
      return 1;
    }
    const { engine } = ctx;
    let execId: string;
    try {
      execId = engine.execCreate(ref, {
        cmd,
        tty,
        attachStdin: interactive && !detach,
        env: flags.stringArray('env'),
        workingDir: flags.string('workdir'),
        user: flags.string('user'),
      });
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    if (detach) {
      try {
        engine.execStart(execId, { stdout: () => {}, stderr: () => {} });
      } catch (e) {
        ctx.io.stderr(daemonErrorText(e) + '\n');
        return 1;
      }
      return 0;
    }
    let handle: ExecHandle;
    try {
      handle = engine.execStart(execId, {
        stdout: (t) => ctx.io.stdout(t),
        stderr: (t) => ctx.io.stderr(t),
        stdin: interactive ? attachedStdin(ctx) : undefined,
        ...attachedEditor(ctx, interactive),
      });
    } catch (e) {
      // The attached client prints runc's text as it is, on stdout (it comes down the attach stream), and exits with the exec's 126.
      if (e instanceof DaemonError && e.exitCode !== undefined) {
        ctx.io.stdout(e.message + '\r\n');
        return e.exitCode;
      }
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    return new Promise<number>((resolve) => {
      let done = false;
      const finish = (code: number): void => {
        if (done) return;
        done = true;
        off();
        keys?.release();
        resolve(code);
      };
      // docker exec does not proxy signals: Ctrl-C ends the client, the process runs on.
      const off = ctx.io.interrupt.onInterrupt(() => finish(130));
      const keys = interactive
        ? forwardKeys(ctx, { write: handle.write, close: handle.closeStdin, tty }, () => finish(0), () => finish(130))
        : null;
      void handle.done.then(finish);
    });
  },
};

export const attach: CommandDef = {
  name: 'attach',
  usage: '[OPTIONS] CONTAINER',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    const ref = flags.args[0]!;
    const { engine } = ctx;
    let info: { state: string; tty: boolean; openStdin: boolean };
    try {
      info = engine.attachInfo(ref);
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    if (info.state === 'paused') {
      ctx.io.stderr('You cannot attach to a paused container, unpause it first\n');
      return 1;
    }
    if (info.state !== 'running' && info.state !== 'restarting') {
      ctx.io.stderr('You cannot attach to a stopped container, start it first\n');
      return 1;
    }
    const withStdin = info.openStdin && !flags.bool('no-stdin');
    const detachClient = engine.attach(ref, { stdout: (t) => ctx.io.stdout(t), stderr: (t) => ctx.io.stderr(t), ...attachedEditor(ctx, withStdin) });
    const exited = engine.wait(ref, 'next-exit');
    return new Promise<number>((resolve) => {
      let done = false;
      const finish = (code: number): void => {
        if (done) return;
        done = true;
        off();
        keys?.release();
        detachClient();
        resolve(code);
      };
      const off = ctx.io.interrupt.onInterrupt(() => {
        if (flags.bool('sig-proxy') && !info.tty) {
          try {
            engine.kill(ref, 'SIGINT');
          } catch {
            // Gone already: nothing to forward to.
          }
        }
        finish(130);
      });
      const keys = withStdin
        ? forwardKeys(
            ctx,
            { write: (d) => engine.writeStdin(ref, d), close: () => engine.closeStdin(ref), tty: info.tty },
            () => {
              // docker attach reports the escape sequence as its error (exit 1).
              ctx.io.stderr('read escape sequence\n');
              finish(1);
            },
            () => finish(130),
          )
        : null;
      void exited.then(finish);
    });
  },
};
