import type { LogEntry } from '../../engine/engine';
import { daemonErrorText, untilInterrupted, type CommandDef } from './common';

/** jsonmessage.RFC3339NanoFixed: always nine fractional digits. */
function fixedTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000Z`;
}

export const logs: CommandDef = {
  name: 'logs',
  usage: '[OPTIONS] CONTAINER',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    const ref = flags.args[0]!;
    const tailRaw = flags.string('tail');
    // The daemon treats anything but a non-negative integer as "all".
    const tail = /^[0-9]+$/.test(tailRaw) ? Number(tailRaw) : undefined;
    const timestamps = flags.bool('timestamps');
    const show = (e: LogEntry): void => {
      const text = timestamps ? `${fixedTimestamp(e.time)} ${e.text}` : e.text;
      if (e.stream === 'stdout') ctx.io.stdout(text);
      else ctx.io.stderr(text);
    };
    let entries: LogEntry[];
    try {
      entries = ctx.engine.logs(ref, { tail });
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    for (const e of entries) show(e);
    if (!flags.bool('follow')) return 0;
    // Follow: new output as it comes, until the container stops (or Ctrl-C).
    let stop: () => void = () => {};
    const ended = new Promise<number>((resolve) => {
      const detach = ctx.engine.followLogs(ref, {
        stdout: (t) => show({ stream: 'stdout', text: t, time: ctx.engine.now() }),
        stderr: (t) => show({ stream: 'stderr', text: t, time: ctx.engine.now() }),
      });
      stop = detach;
      ctx.engine.wait(ref, 'not-running').then(() => resolve(0));
    });
    const r = await untilInterrupted(ctx, ended);
    stop();
    return 'interrupted' in r ? 130 : 0;
  },
};
