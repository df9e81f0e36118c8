import { lstat, opendir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostDirEntry, HostDirListing } from '../../core/model';
import { HOST_DIR_MAX_ENTRIES } from '../../core/engine/hostDir';
import { resolveListablePath } from './security';

/**
 * Issue 11: a directory of the real host the diagrams show (a volume's
 * _data, a layer's diff), listed read-only for the page: only under the
 * engine's data root or a live container's bind-mount source (security.ts
 * resolveListablePath), at most MAX_SCAN names read, the first
 * HOST_DIR_MAX_ENTRIES by name lstat'ed (symlinks not followed, no file opened).
 */

/** Names read from one directory at most: a huge directory costs no more than this. */
export const MAX_SCAN = 10_000;

export async function listHostDir(path: unknown, roots: readonly string[]): Promise<HostDirListing> {
  const real = await resolveListablePath(path, roots);
  let dir;
  try {
    dir = await opendir(real);
  } catch (err) {
    throw new Error((err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'not a directory' : 'cannot read it');
  }
  const names: string[] = [];
  let total = 0;
  try {
    for await (const d of dir) {
      total++;
      if (names.length < MAX_SCAN) names.push(d.name);
      else break;
    }
  } finally {
    await dir.close().catch(() => {});
  }
  // A path component swapped for a symlink while we read (a container writes its bind source) would be caught here.
  if ((await realpath(real).catch(() => '')) !== real) throw new Error('the directory moved while it was read');
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const entries = await Promise.all(
    names.slice(0, HOST_DIR_MAX_ENTRIES).map(async (name): Promise<HostDirEntry> => {
      try {
        const st = await lstat(join(real, name));
        const type: HostDirEntry['type'] = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other';
        return { name, type, size: st.size };
      } catch {
        return { name, type: 'other', size: 0 };
      }
    }),
  );
  return { path: path as string, entries, total };
}
