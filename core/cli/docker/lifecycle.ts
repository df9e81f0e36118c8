import { DaemonError } from '../../engine/errors';
import { daemonErrorText, forEachContainer, untilInterrupted, type CommandDef, type Ctx } from './common';

/** `--time` is the deprecated spelling of `--timeout` for stop and restart. */
const timeFlag = { name: 'time', kind: 'int', hidden: true, deprecated: 'use --timeout instead' } as const;

function timeoutOf(flags: { changed(n: string): boolean; int(n: string): number }): number | undefined {
  if (flags.changed('timeout')) return flags.int('timeout');
  if (flags.changed('time')) return flags.int('time');
  return undefined;
}

/** Runs a multi-container operation that may take virtual time; Ctrl-C stops waiting (exit 130). */
async function interruptible(ctx: Ctx, work: Promise<number>): Promise<number> {
  const r = await untilInterrupted(ctx, work);
  return 'interrupted' in r ? 130 : r.value;
}

/** stop and restart: the same flags and wait; the engine call differs. */
function stopLike(name: 'stop' | 'restart'): CommandDef {
  return {
    name,
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    args: { kind: 'min', n: 1 },
    extraFlags: [timeFlag],
    run(ctx, flags) {
      const opts = { timeoutSeconds: timeoutOf(flags), signal: flags.string('signal') };
      return interruptible(ctx, forEachContainer(ctx, flags.args, (ref) => ctx.engine[name](ref, opts)));
    },
  };
}

export const stop: CommandDef = stopLike('stop');

export const restart: CommandDef = stopLike('restart');

export const kill: CommandDef = {
  name: 'kill',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  run(ctx, flags) {
    const signal = flags.string('signal');
    return forEachContainer(ctx, flags.args, (ref) => {
      try {
        ctx.engine.kill(ref, signal);
      } catch (e) {
        // The API route wraps every kill error with the name the user gave.
        if (e instanceof DaemonError) throw new DaemonError(`cannot kill container: ${ref}: ${e.message}`, e.kind);
        throw e;
      }
    });
  },
};

export const pause: CommandDef = {
  name: 'pause',
  usage: 'CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  run(ctx, flags) {
    return forEachContainer(ctx, flags.args, (ref) => ctx.engine.pause(ref));
  },
};

export const unpause: CommandDef = {
  name: 'unpause',
  usage: 'CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  run(ctx, flags) {
    return forEachContainer(ctx, flags.args, (ref) => ctx.engine.unpause(ref));
  },
};

export const rm: CommandDef = {
  name: 'rm',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  run(ctx, flags) {
    const force = flags.bool('force');
    const volumes = flags.bool('volumes');
    return forEachContainer(
      ctx,
      flags.args,
      (ref) => {
        const trimmed = ref.replace(/^\/+|\/+$/g, '');
        if (trimmed === '') throw new DaemonError('container name cannot be empty', 'invalidParameter');
        ctx.engine.remove(trimmed, { force, volumes });
      },
      // docker rm -f reports a missing container but does not fail for it.
      { ignoreNotFound: force },
    );
  },
};

export const wait: CommandDef = {
  name: 'wait',
  usage: 'CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    const errors: string[] = [];
    for (const ref of flags.args) {
      let waiting: Promise<number>;
      try {
        waiting = ctx.engine.wait(ref, 'not-running');
      } catch (e) {
        errors.push(daemonErrorText(e));
        continue;
      }
      const r = await untilInterrupted(ctx, waiting);
      if ('interrupted' in r) return 130;
      ctx.io.stdout(`${r.value}\n`);
    }
    if (errors.length === 0) return 0;
    ctx.io.stderr(errors.join('\n') + '\n');
    return 1;
  },
};
