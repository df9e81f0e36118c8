import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

/** The files behind the classroom's store: where it lives by default, loading it, and saving it atomically. */

let sqlJs: Promise<SqlJsStatic> | null = null;

/** sql.js's WebAssembly module, loaded once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  return (sqlJs ??= initSqlJs());
}

/**
 * Where progress is kept when `--db` is not given: the OS's per-user data
 * directory (XDG on Linux, Application Support on macOS, %APPDATA% on
 * Windows), or the working directory when there is no home.
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = safeHome()): string {
  const file = 'classroom.sqlite';
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'glassbox', file);
  if (platform === 'darwin' && home) return join(home, 'Library', 'Application Support', 'glassbox', file);
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'glassbox', file);
  if (home) return join(home, '.local', 'share', 'glassbox', file);
  return 'glassbox-classroom.sqlite';
}

function safeHome(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}

/** The database file's bytes, or undefined when there is none yet. */
export async function readDbFile(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes `bytes` to `path` so a crash leaves either the old file or the new
 * one, never half of it: a temporary file beside it, flushed, then renamed over.
 */
export async function writeDbFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
