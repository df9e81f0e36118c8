import {
  closeSync,
  constants,
  copyFileSync,
  cpSync,
  existsSync,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  chmodSync,
  type Stats,
} from 'node:fs';
import { decodeBytes, encodeText } from './byteText';
import { compareBytes, FsError, type Fs, type FsErrorCode, type FsStat, type FsWriter } from '../../core/shell/filesystem';

/**
 * The host shell's filesystem on the real disk, for the agent run with
 * `--host-shell`: what `echo hi > /tmp/x` writes is what the host's own
 * programs (and `docker run -v`, `docker cp`, `docker build .`) then read.
 * Synchronous, as the Fs interface is; text is UTF-8 as the shell expects,
 * and a binary file's other bytes travel as byteText's escapes, so
 * `docker save busybox > b.tar` and `docker load < b.tar` keep every byte.
 */

/** The shell holds a file it reads in memory: a bigger one is refused rather than taking the agent down. */
export const MAX_READ_BYTES = 64 * 1024 * 1024;
/** A device or FIFO has no end (/dev/zero, /dev/urandom): this much of it is read. */
export const MAX_SPECIAL_READ_BYTES = 1024 * 1024;

const KNOWN: ReadonlySet<string> = new Set<FsErrorCode>(['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY', 'EINVAL', 'EBUSY', 'ELOOP', 'EPERM', 'EROFS', 'EACCES', 'ESRCH', 'ENOSPC', 'ERANGE']);

/** Node errnos outside FsErrorCode, mapped to the nearest one the shell can print. */
const NEAREST: Readonly<Record<string, FsErrorCode>> = {
  ENAMETOOLONG: 'EINVAL',
  EXDEV: 'EINVAL',
  ENXIO: 'ENOENT',
  ENODEV: 'ENOENT',
  EFBIG: 'ENOSPC',
  EDQUOT: 'ENOSPC',
  EMLINK: 'EPERM',
  ETXTBSY: 'EBUSY',
  EAGAIN: 'EBUSY',
  EMFILE: 'EBUSY',
  ENFILE: 'EBUSY',
};

/** The FsErrorCode for a thrown Node error (EINVAL when nothing is closer). */
export function fsErrorCode(e: unknown): FsErrorCode {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (KNOWN.has(code)) return code as FsErrorCode;
  return NEAREST[code] ?? 'EINVAL';
}

/** Runs a node:fs call; a thrown errno comes back as its code. */
function attempt(f: () => void): FsErrorCode | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return fsErrorCode(e);
  }
}

function statOf(s: Stats, target?: string): FsStat {
  const kind = s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'file';
  const st: FsStat = { kind, size: s.size, mtime: s.mtimeMs, mode: s.mode & 0o7777, nlink: s.nlink, uid: s.uid, gid: s.gid, ino: s.ino };
  if (target !== undefined) st.target = target;
  // Linux's dev_t: major in bits 8-19 (and above 32), minor in bits 0-7 and 20-31.
  if (s.isCharacterDevice()) st.rdev = { major: (s.rdev >>> 8) & 0xfff, minor: (s.rdev & 0xff) | ((s.rdev >>> 12) & 0xfff00) };
  return st;
}

export class DiskFs implements Fs {
  exists(abs: string): boolean {
    return existsSync(abs);
  }

  isDir(abs: string): boolean {
    try {
      return statSync(abs).isDirectory();
    } catch {
      return false;
    }
  }

  stat(abs: string): FsStat | FsErrorCode {
    try {
      return statOf(statSync(abs));
    } catch (e) {
      return fsErrorCode(e);
    }
  }

  lstat(abs: string): FsStat | FsErrorCode {
    try {
      const s = lstatSync(abs);
      return statOf(s, s.isSymbolicLink() ? readlinkSync(abs) : undefined);
    } catch (e) {
      return fsErrorCode(e);
    }
  }

  readFile(abs: string): string {
    const r = this.tryRead(abs);
    if ('error' in r) throw new FsError(r.error);
    return r.data;
  }

  tryRead(abs: string): { data: string } | { error: FsErrorCode } {
    let fd: number;
    try {
      // Non-blocking, so an empty FIFO reads as nothing instead of hanging the agent.
      fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      return { error: fsErrorCode(e) };
    }
    try {
      const s = fstatSync(fd);
      if (s.isDirectory()) return { error: 'EISDIR' };
      if (s.isFile() && s.size > MAX_READ_BYTES) return { error: 'ENOSPC' };
      const limit = s.isFile() ? MAX_READ_BYTES : MAX_SPECIAL_READ_BYTES;
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const buf = Buffer.allocUnsafe(Math.min(64 * 1024, limit - total));
        if (buf.length === 0) break;
        let n: number;
        try {
          n = readSync(fd, buf, 0, buf.length, null);
        } catch (e) {
          if (fsErrorCode(e) === 'EBUSY') break; // EAGAIN: nothing more now
          throw e;
        }
        if (n === 0) break;
        chunks.push(buf.subarray(0, n));
        total += n;
      }
      return { data: decodeBytes(Buffer.concat(chunks, total)) };
    } catch (e) {
      return { error: fsErrorCode(e) };
    } finally {
      closeSync(fd);
    }
  }

  writeFile(abs: string, data: string, append = false): FsErrorCode | undefined {
    if (this.isDir(abs)) return 'EISDIR';
    return attempt(() => writeFileSync(abs, encodeText(data), { flag: append ? 'a' : 'w' }));
  }

  /**
   * Creates or truncates now; each write then appends with its own open, so
   * no descriptor outlives a line (FsWriter has no close).
   */
  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode {
    const err = this.writeFile(abs, '', append);
    if (err) return err;
    return { write: (text) => (text === '' ? undefined : attempt(() => writeFileSync(abs, encodeText(text), { flag: 'a' }))) };
  }

  touch(abs: string): FsErrorCode | undefined {
    if (existsSync(abs)) {
      const now = new Date();
      return attempt(() => utimesSync(abs, now, now));
    }
    return attempt(() => closeSync(openSync(abs, 'a')));
  }

  mkdir(abs: string, opts: { parents?: boolean } = {}): FsErrorCode | undefined {
    return attempt(() => mkdirSync(abs, { recursive: opts.parents ?? false }));
  }

  readdir(abs: string): string[] | FsErrorCode {
    try {
      return readdirSync(abs).sort(compareBytes);
    } catch (e) {
      return fsErrorCode(e);
    }
  }

  remove(abs: string, opts: { recursive?: boolean; dir?: boolean } = {}): FsErrorCode | undefined {
    // As MemFs: the root is never removed.
    if (abs === '/') return 'EBUSY';
    let s: Stats;
    try {
      s = lstatSync(abs);
    } catch (e) {
      return fsErrorCode(e);
    }
    if (!s.isDirectory()) return attempt(() => unlinkSync(abs));
    if (opts.recursive) return attempt(() => rmSync(abs, { recursive: true }));
    if (!opts.dir) return 'EISDIR';
    return attempt(() => rmdirSync(abs));
  }

  rename(from: string, to: string): FsErrorCode | undefined {
    try {
      renameSync(from, to);
      return undefined;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EXDEV') return fsErrorCode(e);
    }
    // Across filesystems (/tmp is often a tmpfs), as mv does: copy, then remove.
    const err = attempt(() => cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, dereference: false }));
    return err ?? attempt(() => rmSync(from, { recursive: true }));
  }

  copy(from: string, to: string): FsErrorCode | undefined {
    const s = this.stat(from);
    if (typeof s === 'string') return s;
    if (s.kind !== 'dir') return attempt(() => copyFileSync(from, to));
    return attempt(() => cpSync(from, to, { recursive: true, verbatimSymlinks: true }));
  }

  symlink(target: string, abs: string): FsErrorCode | undefined {
    return attempt(() => symlinkSync(target, abs));
  }

  readlink(abs: string): string | FsErrorCode {
    try {
      return readlinkSync(abs);
    } catch (e) {
      return fsErrorCode(e);
    }
  }

  chmod(abs: string, mode: number): FsErrorCode | undefined {
    return attempt(() => chmodSync(abs, mode & 0o7777));
  }

  link(existing: string, abs: string): FsErrorCode | undefined {
    return attempt(() => linkSync(existing, abs));
  }
}
