import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from '../../core/process';
import type { Fs } from '../../core/shell/filesystem';
import { resolvePath } from '../../core/shell/filesystem';

/**
 * `docker build` on the real backend with its context in the terminal's
 * memory. The agent's shell keeps the files a line writes (`printf … >
 * Dockerfile`) in its own memory, never on the host's disk, while the real
 * CLI reads the context from disk. When the context directory (and the
 * Dockerfile) are in that memory, they are written to a fresh directory of
 * the agent's own under the system temp dir, the argv points there, and the
 * directory is removed after the build. Anything else passes through as typed.
 * Only for the in-memory shell: with --host-shell the shell's files are on
 * disk (DiskFs) and the CLI reads the context where it is.
 */

/** The student's files, bounded: a context is a few small files, not a disk. */
export const MAX_CONTEXT_BYTES = 64 * 1024 * 1024;
export const MAX_CONTEXT_ENTRIES = 10_000;

/** docker build's flags that take no value; every other flag without "=" takes the next word. */
const BOOLEAN_FLAGS = new Set(['-q', '--quiet', '--no-cache', '--pull', '--rm', '--force-rm', '--compress', '--squash', '--disable-content-trust', '--load', '--push', '--help']);

export interface BuildArgs {
  /** Index in argv of the context path. */
  context: number;
  /** Index in argv of the -f/--file value (not the "--file=x" form's), if any. */
  file?: number;
}

/** Where `docker build`'s context and -f value sit in argv (argv[0] is "docker"); null when it is not a build or not one context. */
export function buildArgs(argv: readonly string[]): BuildArgs | null {
  let i = 1;
  if (argv[1] === 'build') i = 2;
  else if ((argv[1] === 'image' || argv[1] === 'builder') && argv[2] === 'build') i = 3;
  else return null;
  const positional: number[] = [];
  let file: number | undefined;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      for (let j = i + 1; j < argv.length; j++) positional.push(j);
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(i);
      continue;
    }
    if (a.includes('=') || BOOLEAN_FLAGS.has(a)) continue;
    if (a === '-f' || a === '--file') file = i + 1;
    i++;
  }
  if (positional.length !== 1) return null;
  return { context: positional[0]!, ...(file !== undefined && file < argv.length ? { file } : {}) };
}

/** Copies the directory `from` of `fs` into `to` on disk; throws when the context is too big. */
function materialize(fs: Fs, from: string, to: string, budget: { bytes: number; entries: number }): void {
  const names = fs.readdir(from);
  if (typeof names === 'string') return;
  for (const name of names) {
    if (--budget.entries < 0) throw new Error(`the build context has more than ${MAX_CONTEXT_ENTRIES} entries`);
    const src = from === '/' ? `/${name}` : `${from}/${name}`;
    const dst = join(to, name);
    const st = fs.lstat(src);
    if (typeof st === 'string') continue;
    if (st.kind === 'symlink') {
      symlinkSync(fs.readlink(src), dst);
    } else if (st.kind === 'dir') {
      mkdirSync(dst);
      materialize(fs, src, dst, budget);
      chmodSync(dst, st.mode & 0o7777);
    } else {
      const data = Buffer.from(fs.readFile(src), 'utf8');
      budget.bytes -= data.length;
      if (budget.bytes < 0) throw new Error(`the build context is over ${MAX_CONTEXT_BYTES / 1024 / 1024} MiB`);
      writeFileSync(dst, data, { mode: st.mode & 0o777 });
    }
  }
}

/** The docker runner, with contexts that live in the shell's memory written out for the real build. */
export function withMemoryContext(docker: CommandRunner, fs: Fs): CommandRunner {
  return async (argv, io) => {
    const at = buildArgs(argv);
    const cwd = io.cwd ?? '/';
    const context = at ? argv[at.context]! : '';
    // "-" (a tar or Dockerfile on stdin) and URLs are the CLI's business.
    if (!at || context === '-' || /^[a-z]+:\/\/|^git@/.test(context)) return docker(argv, io);
    const contextAbs = resolvePath(context, cwd);
    const fileAbs = at.file !== undefined ? resolvePath(argv[at.file]!, cwd) : `${contextAbs === '/' ? '' : contextAbs}/Dockerfile`;
    if (!fs.isDir(contextAbs) || !fs.exists(fileAbs) || fs.isDir(fileAbs)) return docker(argv, io);
    const root = mkdtempSync(join(tmpdir(), 'glassbox-build-'));
    try {
      const dir = join(root, 'context');
      mkdirSync(dir);
      try {
        materialize(fs, contextAbs, dir, { bytes: MAX_CONTEXT_BYTES, entries: MAX_CONTEXT_ENTRIES });
      } catch (e) {
        io.stderr(`glassbox: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
      }
      const args = [...argv];
      args[at.context] = dir;
      if (at.file !== undefined) {
        // The Dockerfile may sit outside the context, as -f allows: it goes beside it.
        const inside = fileAbs.startsWith(`${contextAbs === '/' ? '' : contextAbs}/`);
        if (inside) args[at.file] = join(dir, fileAbs.slice(contextAbs === '/' ? 1 : contextAbs.length + 1));
        else {
          const outside = join(root, 'Dockerfile');
          writeFileSync(outside, Buffer.from(fs.readFile(fileAbs), 'utf8'));
          args[at.file] = outside;
        }
      }
      return await docker(args, io);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}
