import type { HostDirEntry, HostDirListing } from '../model';
import type { Fs } from '../shell/filesystem';

/**
 * A host directory's listing for the diagrams (Backend.listHostDir), on the
 * simulated host's filesystem: the same rules as the real agent's — an
 * absolute path without NUL or `..`, entries by name, the first
 * HOST_DIR_MAX_ENTRIES, symlinks not followed.
 */

export const HOST_DIR_MAX_ENTRIES = 100;
export const HOST_DIR_MAX_PATH = 4096;

/** Why `path` is not one to list (syntax only), or null. */
export function hostDirPathProblem(path: unknown): string | null {
  if (typeof path !== 'string' || path === '') return 'not a path';
  if (path.length > HOST_DIR_MAX_PATH) return 'path too long';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'control characters in the path';
  if (!path.startsWith('/')) return 'not an absolute path';
  if (path.split('/').some((seg) => seg === '..' || seg === '.')) return 'the path has . or .. in it';
  return null;
}

/** Lists `path` on `fs`; throws an Error with the reason (no such directory, not a directory, refused). */
export function listFsDir(fs: Fs, path: string): HostDirListing {
  const problem = hostDirPathProblem(path);
  if (problem) throw new Error(problem);
  const st = fs.stat(path);
  if (typeof st === 'string') throw new Error(st === 'ENOENT' ? 'no such directory' : st);
  if (st.kind !== 'dir') throw new Error('not a directory');
  const names = fs.readdir(path);
  if (typeof names === 'string') throw new Error(names);
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const base = path === '/' ? '' : path.replace(/\/+$/, '');
  const entries: HostDirEntry[] = sorted.slice(0, HOST_DIR_MAX_ENTRIES).map((name) => {
    const l = fs.lstat(`${base}/${name}`);
    if (typeof l === 'string') return { name, type: 'other', size: 0 };
    // A device (an overlay whiteout is a 0/0 character device) is a file with device numbers to the simulated fs.
    const type: HostDirEntry['type'] = l.kind === 'file' && l.rdev !== undefined ? 'other' : l.kind;
    return { name, type, size: l.size };
  });
  return { path, entries, total: sorted.length };
}
