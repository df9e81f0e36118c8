import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

/** What one terminal line did: the contract of `glassbox sim --jsonl`. */
export interface Outcome {
  cmd: string;
  stdout: string;
  stderr: string;
  exit: number;
}

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const simBin = `${repoRoot}bin/glassbox.mjs`;

/** A prefix for this run's container names: "gbc-" and 8 hex digits, never a valid id or generated name. */
export function newRunPrefix(): string {
  return `gbc-${randomBytes(4).toString('hex')}`;
}

/**
 * The environment every real line runs in: the caller's PATH (so `docker` is the
 * 28.2.2 client) and daemon address, nothing from the test runner, no CLI hints.
 */
function realEnv(): NodeJS.ProcessEnv {
  const keep = ['HOME', 'DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CONTEXT'];
  // The system's PATH, not the session's: a version manager's shims on it (pyenv here) run their own
  // housekeeping in every shell and print into the real side's stderr when suites run side by side.
  const env: NodeJS.ProcessEnv = { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', DOCKER_CLI_HINTS: 'false', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

interface Captured {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function capture(command: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal });
    });
    // No input is an empty stdin, as a terminal line without a TTY has after EOF.
    child.stdin.on('error', () => {}); // a child that exits without reading its stdin is fine
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Runs lines one after another on the real engine, each through `bash -c` with
 * no stdin, as a terminal without a TTY would. A line that hangs past the
 * timeout is reported with exit 124 rather than stalling the suite.
 */
export async function runReal(cmds: readonly string[], timeoutMs = 60_000): Promise<Outcome[]> {
  const env = realEnv();
  const outcomes: Outcome[] = [];
  for (const cmd of cmds) {
    const r = await capture('bash', ['-c', cmd], { env, timeoutMs });
    const exit = r.code ?? (r.signal === 'SIGKILL' ? 124 : 128);
    outcomes.push({ cmd, stdout: r.stdout, stderr: r.stderr, exit });
  }
  return outcomes;
}

/** Thrown when the simulator's CLI is missing or breaks its output contract. */
export class SimContractError extends Error {}

/**
 * Runs all lines through one `glassbox sim --jsonl` process: lines on stdin,
 * one `{"cmd","stdout","stderr","exit"}` object per line on stdout.
 */
export async function runSim(cmds: readonly string[], seed: string, timeoutMs = 120_000): Promise<Outcome[]> {
  if (!existsSync(simBin)) throw new SimContractError(`${simBin} does not exist: the simulator CLI (glassbox sim --jsonl) is not there yet`);
  const r = await capture(process.execPath, [simBin, 'sim', '--jsonl', '--seed', seed, '--preload', 'busybox,hello-world'], {
    input: cmds.map((c) => `${c}\n`).join(''),
    timeoutMs,
  });
  // Its own exit code is not part of the contract (it may pass on the last line's), but a crash shows in its stderr.
  const tail = `\n(it exited with ${r.code ?? r.signal})${r.stderr.trim() === '' ? '' : `; its stderr:\n${r.stderr.trim()}`}`;
  const rows = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const outcomes = rows.map((row, i) => {
    let o: unknown;
    try {
      o = JSON.parse(row);
    } catch {
      throw new SimContractError(`glassbox sim --jsonl printed a line that is not JSON (object ${i + 1}): ${row}${tail}`);
    }
    if (!isOutcome(o)) throw new SimContractError(`glassbox sim --jsonl object ${i + 1} is not {cmd,stdout,stderr,exit}: ${row}`);
    return o;
  });
  if (outcomes.length !== cmds.length) {
    throw new SimContractError(`glassbox sim --jsonl printed ${outcomes.length} objects for ${cmds.length} lines${tail}`);
  }
  outcomes.forEach((o, i) => {
    if (o.cmd !== cmds[i]) throw new SimContractError(`glassbox sim --jsonl object ${i + 1} is for ${JSON.stringify(o.cmd)}, expected ${JSON.stringify(cmds[i])}`);
  });
  return outcomes;
}

function isOutcome(o: unknown): o is Outcome {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  return typeof r.cmd === 'string' && typeof r.stdout === 'string' && typeof r.stderr === 'string' && Number.isInteger(r.exit);
}

/**
 * Removes whatever containers, networks, images and volumes of this run are still on the engine, so a failed
 * script never leaves litter for teammates. Returns the names it had to remove:
 * a script that cleans up after itself leaves none.
 */
export async function removeLeftovers(prefix: string): Promise<string[]> {
  const env = realEnv();
  const names = new Set<string>();
  for (const filter of [`name=${prefix}`, `label=gbc.run=${prefix}`]) {
    const r = await capture('docker', ['ps', '-a', '--filter', filter, '--format', '{{.Names}}'], { env, timeoutMs: 30_000 });
    for (const n of r.stdout.split('\n')) if (n.trim() !== '') names.add(n.trim());
  }
  if (names.size > 0) await capture('docker', ['rm', '-f', ...names], { env, timeoutMs: 60_000 });
  // Networks the run made (named with its prefix); a script that cleans up leaves none.
  const nets = await capture('docker', ['network', 'ls', '--filter', `name=${prefix}`, '--format', '{{.Name}}'], { env, timeoutMs: 30_000 });
  const netNames = nets.stdout.split('\n').map((n) => n.trim()).filter((n) => n.startsWith(prefix));
  if (netNames.length > 0) await capture('docker', ['network', 'rm', ...netNames], { env, timeoutMs: 60_000 });
  // Images tagged under the run's prefix (only names: by tag, rmi untags, and deletes an image nothing else names).
  const imgs = await capture('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { env, timeoutMs: 30_000 });
  const imageRefs = imgs.stdout.split('\n').map((n) => n.trim()).filter((n) => n.startsWith(prefix));
  if (imageRefs.length > 0) await capture('docker', ['rmi', ...imageRefs], { env, timeoutMs: 60_000 });
  // Volumes named with the run's prefix (anonymous ones go with their containers' rm -v, or a labelled prune).
  const vols = await capture('docker', ['volume', 'ls', '--filter', `name=${prefix}`, '--format', '{{.Name}}'], { env, timeoutMs: 30_000 });
  const volNames = vols.stdout.split('\n').map((n) => n.trim()).filter((n) => n.startsWith(prefix));
  if (volNames.length > 0) await capture('docker', ['volume', 'rm', '-f', ...volNames], { env, timeoutMs: 60_000 });
  return [...names, ...netNames.map((n) => `network ${n}`), ...imageRefs.map((n) => `image ${n}`), ...volNames.map((n) => `volume ${n}`)];
}
