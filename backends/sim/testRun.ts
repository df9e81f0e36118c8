import type { SimHost } from './simHost';

/** What one line printed and its exit code. */
export interface LineResult {
  out: string;
  err: string;
  exit: number;
}

/** Runs one line on a simulated machine to completion (virtual time jumps), for the tests. */
export async function run(host: SimHost, line: string): Promise<LineResult> {
  let out = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { out, err, exit };
}

/** `run`, for lines that must succeed (benchmarks, set-up): what it printed, or the error with its stderr. */
export async function runOk(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  if (r.exit !== 0) throw new Error(`\`${line}\` exited ${r.exit}: ${r.err.trim()}`);
  return r.out;
}
