import { createInterface } from 'node:readline';
import { isIncompleteInput } from '../../core/shell';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { FlagError, parseFlags, type FlagSpec } from '../../core/cli/flags';
import { DEFAULT_EPOCH, SimHost } from '../sim/simHost';
import { preloadableImages } from '../../core/engine/imageService';
import { normalizeImageRef } from '../../core/images/catalog';
import { terminalDialogs } from './simDialogs';

const FLAGS: FlagSpec[] = [
  { name: 'jsonl', kind: 'bool' },
  { name: 'seed', kind: 'string', default: 'glassbox' },
  { name: 'epoch', kind: 'string' },
  { name: 'preload', kind: 'string' },
];

const USAGE = `Usage:  glassbox sim [--jsonl] [--seed SEED] [--epoch RFC3339] [--preload IMAGES]

Run terminal lines from stdin against the simulated Docker engine.
Time jumps straight to each next timer, so a run is deterministic for a seed.
Without --jsonl, lines after a command that reads its input (docker run -i,
docker exec -i) are that command's input while it reads; Ctrl-D follows the
last line. With --jsonl each line is one command with empty stdin.
At a terminal (stdin a TTY, without --jsonl) vi, vim and nano open your
$VISUAL or $EDITOR on a copy of the simulated file, and docker login's
browser is a prompt for a Docker ID on the simulated Docker Hub.
The engine starts as a fresh install, with no images: the first
\`docker run busybox\` pulls it from the simulated Docker Hub.

Options:
      --jsonl          print one {"cmd","stdout","stderr","exit"} JSON object per input line
      --seed string    seed for ids and generated names (default "glassbox")
      --epoch string   virtual start time (default "2026-01-01T00:00:00Z")
      --preload string images already there at start, comma-separated
                       (busybox, hello-world: the conformance host's set-up)
`;

/** `glassbox sim`: one simulated machine fed from stdin. Returns the process exit code. */
export async function simMain(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(FLAGS, argv);
  } catch (err) {
    if (err instanceof FlagError) return usageError(err.message);
    throw err;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (flags.args.length > 0) return usageError(`unexpected argument: ${flags.args[0]}`);
  const jsonl = flags.bool('jsonl');
  const seed = flags.string('seed');
  const epoch = flags.changed('epoch') ? Date.parse(flags.string('epoch')) : DEFAULT_EPOCH;
  if (Number.isNaN(epoch)) return usageError(`invalid argument "${flags.string('epoch')}" for "--epoch" flag`);
  const preload = preloadList(flags.string('preload'));
  if ('error' in preload) return usageError(`invalid argument "${flags.string('preload')}" for "--preload" flag: ${preload.error}`);

  // Lines typed at a terminal: stdin is a TTY for the simulated programs too (vi opens an editor, docker login signs in).
  const tty = process.stdin.isTTY === true && !jsonl;
  const host = new SimHost({ seed, epoch, preload: preload.refs, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: tty, terminalInput: !jsonl });
  const reader = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
  // As for a real docker client reading a script's stdin, the lines after a command that reads its input
  // (`docker run -i busybox sh`, `docker exec -i C sh`) are that input: each is typed with Enter while the command
  // reads, and end of input (Ctrl-D) follows the last. Lines it leaves (it ended first) run as commands.
  const feed = async (): Promise<string | undefined> => {
    const r = await reader.next();
    return r.done ? undefined : r.value;
  };
  const lines = { [Symbol.asyncIterator]: () => reader };
  const dialogs = tty ? terminalDialogs(feed) : {};
  let last = 0;
  // With --jsonl every input line is one command and one answer (the contract conformance and the fuzzer rely on):
  // a command's stdin is empty, as for `bash -c LINE`. Otherwise, as in a terminal, lines that leave the input
  // incomplete (an open quote, a here-document) are joined with the next, as bash's `> ` prompt does.
  const run = async (line: string): Promise<void> => {
    if (jsonl) {
      let stdout = '';
      let stderr = '';
      const exit = await host.runToCompletion(line, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      process.stdout.write(JSON.stringify({ cmd: line, stdout, stderr, exit }) + '\n');
      last = exit;
    } else {
      last = await host.runToCompletion(line, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), ...dialogs }, undefined, feed);
    }
  };
  let pending = '';
  for await (const input of lines) {
    const line = pending === '' ? input : `${pending}\n${input}`;
    if (!jsonl && isIncompleteInput(line)) {
      pending = line;
      continue;
    }
    pending = '';
    await run(line);
  }
  // Input that ended incomplete still runs, and gets bash's end-of-file error.
  if (pending !== '') await run(pending);
  return last;
}

/** `--preload busybox,hello-world`: each name as Docker normalises it, and one the catalog can preload. */
function preloadList(raw: string): { refs: string[] } | { error: string } {
  const refs: string[] = [];
  const known = preloadableImages();
  for (const name of raw.split(',').map((n) => n.trim()).filter((n) => n !== '')) {
    const ref = normalizeImageRef(name);
    if (!known.includes(ref)) return { error: `no built-in image ${ref} (there are ${known.join(', ')})` };
    if (!refs.includes(ref)) refs.push(ref);
  }
  return { refs };
}

function usageError(message: string): number {
  process.stderr.write(`${message}\nSee 'glassbox sim --help'.\n`);
  return 125;
}
