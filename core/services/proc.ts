import type { Proc } from '../engine/process';
import { resolveCommand } from '../engine/programs';
import { envValue } from '../cshell/procio';
import { resolvePath } from '../shell/filesystem';

/**
 * What the services share: running the command an entrypoint script
 * `exec`s, reading and writing the container's files, and the clock texts
 * their logs print.
 */

/** The process as the program it became after an execve: the same process with a new argv. */
export function withArgv(p: Proc, argv: readonly string[]): Proc {
  return { ...p, argv };
}

/** The file `name` runs from, as execvp finds it on $PATH (undefined when none is executable). */
export function which(p: Pick<Proc, 'fs' | 'env' | 'cwd'>, name: string): string | undefined {
  if (name.includes('/')) return resolvePath(name, p.cwd);
  const path = envValue(p.env, 'PATH') ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of path.split(':')) {
    const full = resolvePath(name, dir || '.');
    const st = p.fs.stat(full);
    if (typeof st !== 'string' && st.kind === 'file' && st.mode & 0o111) return full;
  }
  return undefined;
}

/**
 * An entrypoint script's last line, `exec "$@"`: the process becomes the
 * command (the trace shows the execve, ps the new command line). A command
 * that cannot be found or run ends the script as its shell reports it.
 */
export function execCommand(p: Proc, argv: readonly string[], failed: (name: string, code: 126 | 127) => string): void {
  const name = argv[0] ?? '';
  const program = resolveCommand(p, name);
  if (typeof program === 'number') {
    p.stderr(failed(name, program));
    return p.exit(program);
  }
  p.setCommand?.(argv, which(p, name) ?? name);
  program(withArgv(p, argv));
}

/** A file's text in the container, or undefined. */
export function readText(p: Pick<Proc, 'fs'>, path: string): string | undefined {
  const r = p.fs.tryRead(path);
  return 'data' in r ? r.data : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

type Parts = { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; month: string };
let lastParts: { at: number; parts: Parts } | undefined;

/** The parts of a UTC time (containers run with TZ unset: UTC). A burst of log lines shares one instant: the last one is kept. */
export function utcParts(ms: number): Parts {
  if (lastParts?.at === ms) return lastParts.parts;
  const t = new Date(ms);
  const parts = { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds(), ms: t.getUTCMilliseconds(), month: MONTHS[t.getUTCMonth()]! };
  lastParts = { at: ms, parts };
  return parts;
}

/** "2026/01/01 10:00:00" (nginx's error log). */
export function slashTime(ms: number): string {
  const t = utcParts(ms);
  return `${t.y}/${pad(t.mo)}/${pad(t.d)} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`;
}

/** "01/Jan/2026:10:00:00 +0000" (common log format). */
export function clfTime(ms: number): string {
  const t = utcParts(ms);
  return `${pad(t.d)}/${t.month}/${t.y}:${pad(t.h)}:${pad(t.mi)}:${pad(t.s)} +0000`;
}

/** "2026-01-01 10:00:00+00:00" (`date --rfc-3339=seconds`). */
export function rfc3339Seconds(ms: number): string {
  const t = utcParts(ms);
  return `${t.y}-${pad(t.mo)}-${pad(t.d)} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}+00:00`;
}

/** "2026-01-01T10:00:00.000000Z" (mysqld's log, microseconds). */
export function isoMicros(ms: number): string {
  const t = utcParts(ms);
  return `${t.y}-${pad(t.mo)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.${pad(t.ms, 3)}000Z`;
}
