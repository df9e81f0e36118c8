import type { RestartPolicy } from '../../model';
import type { CreateOptions } from '../../engine/engine';
import { DaemonError } from '../../engine/errors';
import { normalizeImageRef } from '../../images/catalog';
import type { ParsedFlags } from '../flags';
import { daemonErrorText, type CommandDef, type Ctx } from './common';

/** docker/cli's "docker: <message>\n\nRun 'docker run --help' for more information". */
function runError(ctx: Ctx, message: string): string {
  return `docker: ${message}\n\nRun '${ctx.path} --help' for more information\n`;
}

/** Parses `--restart` the way docker/cli and dockerd together accept it. */
function parseRestart(raw: string): RestartPolicy | { error: string } {
  if (raw === '' || raw === 'no') return { name: 'no', maximumRetryCount: 0 };
  const [name, count, ...more] = raw.split(':');
  if (more.length > 0) return { error: `invalid restart policy format: ${raw}` };
  if (name !== 'always' && name !== 'unless-stopped' && name !== 'on-failure') return { error: `Error response from daemon: invalid restart policy '${name}'` };
  let max = 0;
  if (count !== undefined) {
    if (!/^-?[0-9]+$/.test(count)) return { error: `invalid restart policy format: maximum retry count must be an integer` };
    max = Number(count);
    if (name !== 'on-failure') return { error: `Error response from daemon: maximum retry count cannot be used with restart policy '${name}'` };
    if (max < 0) return { error: `Error response from daemon: invalid restart policy: maximum retry count cannot be negative` };
  }
  return { name, maximumRetryCount: max };
}

interface Prepared {
  options: CreateOptions;
  detach: boolean;
  interactive: boolean;
  tty: boolean;
  sigProxy: boolean;
}

/** Turns run/create flags into the create request; returns an error text for what the client refuses itself. */
function prepare(ctx: Ctx, flags: ParsedFlags, forRun: boolean): Prepared | { error: string } {
  const [image, ...cmd] = flags.args as string[];
  const restart = parseRestart(flags.string('restart'));
  if ('error' in restart) return { error: restart.error };
  const autoRemove = flags.bool('rm');
  if (autoRemove && restart.name !== 'no') return { error: 'conflicting options: cannot specify both --restart and --rm' };
  const detach = forRun && flags.bool('detach');
  if (detach && flags.changed('attach')) return { error: 'conflicting options: cannot specify both --attach and --detach' };
  const interactive = flags.bool('interactive');
  const tty = flags.bool('tty');
  const attach = flags.stringArray('attach').map((s) => s.toLowerCase());
  const attached = forRun && !detach;
  const labels: Record<string, string> = {};
  for (const l of flags.stringArray('label')) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  const options: CreateOptions = {
    image: image!,
    cmd,
    env: flags.stringArray('env'),
    hostname: flags.string('hostname') || undefined,
    tty,
    openStdin: interactive,
    attachStdin: attached ? interactive || attach.includes('stdin') : false,
    attachStdout: attached ? attach.length === 0 || attach.includes('stdout') : false,
    attachStderr: attached ? attach.length === 0 || attach.includes('stderr') : false,
    autoRemove,
    restartPolicy: restart,
    labels,
  };
  if (flags.changed('name')) options.name = flags.string('name');
  if (flags.changed('entrypoint')) options.entrypoint = flags.string('entrypoint');
  return { options, detach, interactive, tty, sigProxy: forRun ? flags.bool('sig-proxy') : true };
}

/** Creates the container, "pulling" first when the image is missing, as the client does. */
function createContainer(ctx: Ctx, options: CreateOptions, prefix: string): { id: string } | { error: string } {
  if (!ctx.engine.image(options.image)) {
    ctx.io.stderr(`Unable to find image '${normalizeImageRef(options.image)}' locally\n`);
    try {
      ctx.engine.pull(options.image);
    } catch (e) {
      return { error: prefix + daemonErrorText(e) };
    }
  }
  try {
    return ctx.engine.create(options);
  } catch (e) {
    return { error: prefix + daemonErrorText(e) };
  }
}

export const create: CommandDef = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  async run(ctx, flags) {
    const prepared = prepare(ctx, flags, false);
    if ('error' in prepared) {
      // What the daemon refuses comes back as a plain error (exit 1); what the client refuses is a usage error.
      if (prepared.error.startsWith('Error response from daemon: ')) {
        ctx.io.stderr(prepared.error + '\n');
        return 1;
      }
      ctx.io.stderr(runError(ctx, prepared.error));
      return 125;
    }
    const created = createContainer(ctx, prepared.options, '');
    if ('error' in created) {
      ctx.io.stderr(created.error + '\n');
      return 1;
    }
    ctx.io.stdout(created.id + '\n');
    return 0;
  },
};

export const run: CommandDef = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  async run(ctx, flags) {
    const prepared = prepare(ctx, flags, true);
    if ('error' in prepared) {
      ctx.io.stderr(runError(ctx, prepared.error));
      return 125;
    }
    const { options, detach, tty, interactive } = prepared;
    if (!detach && tty && interactive && !ctx.io.stdinIsTTY) {
      ctx.io.stderr('the input device is not a TTY\n');
      return 1;
    }
    const created = createContainer(ctx, options, '');
    if ('error' in created) {
      ctx.io.stderr(runError(ctx, created.error));
      return 125;
    }
    const { id } = created;
    const { engine } = ctx;
    if (detach) {
      ctx.io.stdout(id + '\n');
      try {
        engine.start(id);
      } catch (e) {
        ctx.io.stderr(runError(ctx, daemonErrorText(e)));
        return e instanceof DaemonError && e.exitCode !== undefined ? e.exitCode : 125;
      }
      return 0;
    }
    // Foreground: attach first, wait for the exit (or the removal with --rm), then start.
    const detachClient = engine.attach(id, {
      stdout: options.attachStdout ? (t) => ctx.io.stdout(t) : () => {},
      stderr: options.attachStderr ? (t) => ctx.io.stderr(t) : () => {},
      stdin: interactive ? ctx.io.stdin : undefined,
    });
    const exited = engine.wait(id, options.autoRemove ? 'removed' : 'next-exit');
    try {
      engine.start(id);
    } catch (e) {
      detachClient();
      ctx.io.stderr(runError(ctx, daemonErrorText(e)));
      return e instanceof DaemonError && e.exitCode !== undefined ? e.exitCode : 125;
    }
    return attachUntilExit(ctx, id, exited, detachClient, tty, prepared.sigProxy);
  },
};

/**
 * Stays attached until the container exits. Ctrl-C is proxied as SIGINT
 * (--sig-proxy), which a PID 1 without a handler ignores, as in Docker; a
 * second Ctrl-C then gives up waiting (exit 130, the container runs on), so a
 * student is never stuck. With a tty, where keystrokes would go to the
 * container's terminal, Ctrl-C detaches the client as Ctrl-P Ctrl-Q would
 * (the terminal cannot send keystrokes into a container yet).
 */
async function attachUntilExit(ctx: Ctx, id: string, exited: Promise<number>, detachClient: () => void, tty: boolean, sigProxy: boolean): Promise<number> {
  return new Promise<number>((resolve) => {
    let done = false;
    let interrupts = 0;
    const off = ctx.io.interrupt.onInterrupt(() => {
      if (done) return;
      interrupts++;
      if (!tty && interrupts > 1) {
        done = true;
        off();
        detachClient();
        resolve(130);
        return;
      }
      if (tty) {
        done = true;
        off();
        detachClient();
        resolve(0);
        return;
      }
      if (sigProxy) {
        try {
          ctx.engine.kill(id, 'SIGINT');
        } catch {
          // The container may already be gone; nothing to forward to.
        }
      }
    });
    exited.then((code) => {
      if (done) return;
      done = true;
      off();
      detachClient();
      resolve(code);
    });
  });
}

export const start: CommandDef = {
  name: 'start',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    const refs = flags.args;
    const attach = flags.bool('attach');
    const interactive = flags.bool('interactive');
    const { engine } = ctx;
    if (attach || interactive) {
      if (refs.length > 1) {
        ctx.io.stderr('you cannot start and attach multiple containers at once\n');
        return 1;
      }
      const ref = refs[0]!;
      let detachClient: () => void;
      let exited: Promise<number>;
      let isTty: boolean;
      try {
        isTty = engine.isTty(ref);
        detachClient = engine.attach(ref, {
          stdout: (t) => ctx.io.stdout(t),
          stderr: (t) => ctx.io.stderr(t),
          stdin: interactive ? ctx.io.stdin : undefined,
        });
        exited = engine.wait(ref, 'next-exit');
        try {
          engine.start(ref);
        } catch (e) {
          if (!(e instanceof DaemonError && e.kind === 'notModified')) {
            detachClient();
            throw e;
          }
        }
      } catch (e) {
        ctx.io.stderr(daemonErrorText(e) + '\n');
        return 1;
      }
      return attachUntilExit(ctx, ref, exited, detachClient, isTty, true);
    }
    const failed: string[] = [];
    for (const ref of refs) {
      try {
        engine.start(ref);
        ctx.io.stdout(ref + '\n');
      } catch (e) {
        if (e instanceof DaemonError && e.kind === 'notModified') {
          ctx.io.stdout(ref + '\n');
          continue;
        }
        ctx.io.stderr(daemonErrorText(e) + '\n');
        failed.push(ref);
      }
    }
    if (failed.length === 0) return 0;
    ctx.io.stderr(`Error: failed to start containers: ${failed.join(', ')}\n`);
    return 1;
  },
};

