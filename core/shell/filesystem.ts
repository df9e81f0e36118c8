// Named filesystem.ts, not fs.ts: the lint's Node-module ban matches './fs'.
/**
 * The filesystem the shell utilities run over. The host shell's MemFs
 * implements it; a container's merged (overlay) view implements it too, so
 * the busybox shell inside a container and the host shell share one set of
 * operations. Paths are absolute and normalised (see resolvePath). Errors are
 * errno codes rather than exceptions, except readFile, which throws FsError.
 */

export type FsErrorCode = 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EINVAL' | 'EBUSY' | 'ELOOP' | 'EPERM' | 'EROFS' | 'EACCES' | 'ESRCH' | 'ENOSPC' | 'ERANGE';

export class FsError extends Error {
  constructor(readonly code: FsErrorCode) {
    super(fsErrorText(code));
  }
}

/** The text a coreutils or busybox program prints for an errno (glibc/musl strerror). */
export function fsErrorText(code: FsErrorCode): string {
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'EISDIR': return 'Is a directory';
    case 'EEXIST': return 'File exists';
    case 'ENOTEMPTY': return 'Directory not empty';
    case 'EINVAL': return 'Invalid argument';
    case 'EBUSY': return 'Device or resource busy';
    case 'ELOOP': return 'Symbolic link loop';
    case 'EPERM': return 'Operation not permitted';
    case 'EROFS': return 'Read-only file system';
    case 'EACCES': return 'Permission denied';
    case 'ESRCH': return 'No such process';
    case 'ENOSPC': return 'No space left on device';
    case 'ERANGE': return 'Numerical result out of range';
  }
}

export interface FsStat {
  /** 'symlink' only from lstat; stat follows links. */
  kind: 'file' | 'dir' | 'symlink';
  /** Bytes of UTF-8 for files; 4096 for directories, as ext4 reports; the target's length for a symlink. */
  size: number;
  mtime: number;
  /** Permission bits (and setuid/setgid/sticky), without the file type. */
  mode: number;
  /** Link count as `ls -l` shows it. */
  nlink: number;
  /** Owner and group; 0 (root) when absent. */
  uid?: number;
  gid?: number;
  /** The simulated program an executable file runs (a busybox applet name), when it is one. */
  program?: string;
  /** A symlink's target (lstat). */
  target?: string;
  /** The inode number, where the filesystem gives them out (stat, ls -i, find -inum). */
  ino?: number;
  /** A character device's numbers (kind 'file'): an overlay whiteout is 0, 0. */
  rdev?: { major: number; minor: number };
}

/** An open file being written: each write appends. */
export interface FsWriter {
  /** One write(2); a pseudo file (a cgroup knob) may refuse what is written. */
  write(text: string): FsErrorCode | void;
}

export interface Fs {
  exists(abs: string): boolean;
  isDir(abs: string): boolean;
  /** Follows symlinks. */
  stat(abs: string): FsStat | FsErrorCode;
  /** Does not follow a final symlink. */
  lstat(abs: string): FsStat | FsErrorCode;
  /** A file's contents; throws FsError. */
  readFile(abs: string): string;
  tryRead(abs: string): { data: string } | { error: FsErrorCode };
  /** Creates or truncates (or appends to) a file; its parent must exist. */
  writeFile(abs: string, data: string, append?: boolean): FsErrorCode | undefined;
  /** Opens a file for writing, as a redirect does: created if missing, truncated unless appending. */
  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode;
  /** Creates a file if missing, else updates its time (`touch`). */
  touch(abs: string): FsErrorCode | undefined;
  mkdir(abs: string, opts?: { parents?: boolean }): FsErrorCode | undefined;
  /** Names in a directory (without . and ..), sorted in code-point order. */
  readdir(abs: string): string[] | FsErrorCode;
  /** Removes a file or symlink, or a directory when `recursive` (or when it is empty and `dir` is set). */
  remove(abs: string, opts?: { recursive?: boolean; dir?: boolean }): FsErrorCode | undefined;
  /** Moves a node (`mv`); the target's parent must exist. */
  rename(from: string, to: string): FsErrorCode | undefined;
  /** Copies a file or a whole tree (`cp -r`) to `to`, replacing what was there. */
  copy(from: string, to: string): FsErrorCode | undefined;
  /** Creates a symlink at `abs` pointing at `target` (stored as given). */
  symlink(target: string, abs: string): FsErrorCode | undefined;
  readlink(abs: string): string | FsErrorCode;
  /** Sets the permission bits. */
  chmod(abs: string, mode: number): FsErrorCode | undefined;
  /** A hard link: `abs` names the same file as `existing`. */
  link(existing: string, abs: string): FsErrorCode | undefined;
}

/** Resolves `path` against `cwd` into a normalised absolute path ("/a/b"). */
export function resolvePath(path: string, cwd: string): string {
  const parts: string[] = [];
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  for (const p of full.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return '/' + parts.join('/');
}

/** Code-point order, as the C.UTF-8 locale collates (`sort`, `ls`, globs). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits an absolute path into its parent and last name ("/a/b" → "/a", "b"). */
export function splitPath(abs: string): { parent: string; name: string } {
  const i = abs.lastIndexOf('/');
  return { parent: i <= 0 ? '/' : abs.slice(0, i), name: abs.slice(i + 1) };
}

/**
 * `cp -r` done through `fs`'s own reads and writes, for a view that cannot
 * hand the copy to what lies under it (a pseudo tree, a layer's diff
 * directory): a file's data, or a directory made and filled name by name.
 */
export function copyThrough(fs: Fs, from: string, to: string): FsErrorCode | undefined {
  const st = fs.stat(from);
  if (typeof st === 'string') return st;
  if (st.kind !== 'dir') {
    const r = fs.tryRead(from);
    if ('error' in r) return r.error;
    return fs.writeFile(to, r.data);
  }
  const names = fs.readdir(from);
  if (typeof names === 'string') return names;
  const e = fs.mkdir(to, { parents: false });
  if (e && e !== 'EEXIST') return e;
  for (const n of names) {
    const sub = fs.copy(`${from}/${n}`, `${to}/${n}`);
    if (sub) return sub;
  }
  return undefined;
}
