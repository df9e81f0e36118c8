import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Drives `glassbox sim --jsonl` as a user of the bin would: all lines on stdin,
 * one JSON object back per line. A crash or a line that never answers is
 * recorded against that line, and a fresh process carries on with the rest,
 * so one defect does not hide the others.
 */
const bin = fileURLToPath(new URL('../../bin/glassbox.mjs', import.meta.url));

export type LineOutcome =
  | { kind: 'answer'; line: string; raw: string; json: unknown }
  | { kind: 'crash'; line: string; detail: string }
  | { kind: 'hang'; line: string; detail: string }
  | { kind: 'not-run'; line: string; detail: string };

export interface SimCliOptions {
  seed: string;
  /** How long one line may stay unanswered before it counts as a hang. */
  lineTimeoutMs?: number;
  /** After this many hangs the remaining lines are not run (each hang costs a timeout and a restart). */
  maxHangs?: number;
  /** The program and its arguments; the harness's own tests pass a stand-in. */
  command?: readonly string[];
}

/** Runs `lines` through as few `glassbox sim --jsonl` processes as crashes and hangs allow. */
export async function runSimCli(lines: readonly string[], opts: SimCliOptions): Promise<LineOutcome[]> {
  const outcomes: LineOutcome[] = [];
  let hangs = 0;
  while (outcomes.length < lines.length) {
    if (hangs >= (opts.maxHangs ?? 20)) {
      const detail = `not run: ${hangs} lines hung before it`;
      outcomes.push(...lines.slice(outcomes.length).map((line) => ({ kind: 'not-run' as const, line, detail })));
      break;
    }
    const batch = await runOneProcess(lines.slice(outcomes.length), opts);
    hangs += batch.filter((o) => o.kind === 'hang').length;
    outcomes.push(...batch);
  }
  return outcomes;
}

/** One process; returns an outcome for each line it answered, plus one for the line it died or hung on. */
function runOneProcess(lines: readonly string[], opts: SimCliOptions): Promise<LineOutcome[]> {
  const lineTimeoutMs = opts.lineTimeoutMs ?? 5_000;
  return new Promise((resolve) => {
    const [program, ...args] = opts.command ?? [process.execPath, bin, 'sim', '--jsonl', '--seed', opts.seed];
    const child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const outcomes: LineOutcome[] = [];
    let stderr = '';
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const armTimer = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (outcomes.length >= lines.length) return;
        finish({ kind: 'hang', line: lines[outcomes.length]!, detail: `no answer within ${lineTimeoutMs} ms` });
        child.kill('SIGKILL');
      }, lineTimeoutMs);
    };
    const finish = (last?: LineOutcome): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (last) outcomes.push(last);
      resolve(outcomes);
    };

    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // In --jsonl mode everything a line prints is inside its JSON object, so
      // anything on the process's own stderr is the process failing.
      stderr += chunk;
    });
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (raw) => {
      if (finished) return;
      armTimer();
      const line = lines[outcomes.length];
      if (line === undefined) return;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      outcomes.push({ kind: 'answer', line, raw, json });
    });
    child.on('close', (code, signal) => {
      if (finished) return;
      if (outcomes.length < lines.length) {
        finish({ kind: 'crash', line: lines[outcomes.length]!, detail: `the process ended (code ${code}, signal ${signal}) after ${outcomes.length} of ${lines.length} lines\n${stderr.slice(-4000)}` });
      } else if (stderr.trim() !== '') {
        // Every line answered but something escaped to stderr: pin it on the last line.
        const lastAnswer = outcomes.pop()!;
        finish({ kind: 'crash', line: lastAnswer.line, detail: `the process wrote to its own stderr:\n${stderr.slice(-4000)}` });
      } else {
        finish();
      }
    });
    child.stdin.on('error', () => {
      // EPIPE after a crash: the close handler reports it.
    });
    armTimer();
    child.stdin.end(lines.join('\n') + '\n');
  });
}
