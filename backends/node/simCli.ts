import { createInterface } from 'node:readline';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { DEFAULT_EPOCH, SimHost } from '../sim/simHost';

const USAGE = `Usage:  glassbox sim [--jsonl] [--seed SEED] [--epoch RFC3339]

Run terminal lines from stdin against the simulated Docker engine.
Time jumps straight to each next timer, so a run is deterministic for a seed.

Options:
      --jsonl          print one {"cmd","stdout","stderr","exit"} JSON object per input line
      --seed string    seed for ids and generated names (default "glassbox")
      --epoch string   virtual start time (default "2026-01-01T00:00:00Z")
`;

/** `glassbox sim`: one simulated machine fed from stdin. Returns the process exit code. */
export async function simMain(argv: string[]): Promise<number> {
  let jsonl = false;
  let seed = 'glassbox';
  let epoch = DEFAULT_EPOCH;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--jsonl') jsonl = true;
    else if (flag === '--seed') {
      const v = value();
      if (v === undefined) return usageError('flag needs an argument: --seed');
      seed = v;
    } else if (flag === '--epoch') {
      const v = value();
      const t = v === undefined ? NaN : Date.parse(v);
      if (Number.isNaN(t)) return usageError(`invalid argument "${v ?? ''}" for "--epoch" flag`);
      epoch = t;
    } else if (flag === '-h' || flag === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else return usageError(`unknown flag: ${arg}`);
  }

  const host = new SimHost({ seed, epoch, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let last = 0;
  for await (const line of lines) {
    if (jsonl) {
      let stdout = '';
      let stderr = '';
      const exit = await host.runToCompletion(line, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      process.stdout.write(JSON.stringify({ cmd: line, stdout, stderr, exit }) + '\n');
      last = exit;
    } else {
      last = await host.runToCompletion(line, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
    }
  }
  return last;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\nSee 'glassbox sim --help'.\n`);
  return 125;
}
