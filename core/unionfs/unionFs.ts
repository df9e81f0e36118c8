import { FsError, type Fs, type FsErrorCode, type FsStat, type FsWriter } from '../shell/filesystem';
import type { UnionMount } from './mount';
import type { TreeNode } from './tree';

/**
 * A container's merged filesystem as the shell utilities see it (the Fs
 * interface): every read goes through the overlay's merged view, every write
 * into the container's upper layer with overlayfs's copy-up and whiteouts
 * (UnionMount). The busybox shell and programs inside a container run on this.
 */
export class UnionFs implements Fs {
  /**
   * `baseTime` is the mtime shown for image files (which carry none).
   */
  constructor(
    readonly mount: UnionMount,
    private readonly baseTime = 0,
  ) {}

  private statOf(n: TreeNode): FsStat {
    const mtime = n.mtime ?? this.baseTime;
    if (n.kind === 'symlink') return { kind: 'symlink', size: n.target.length, mtime, mode: 0o777, nlink: 1, target: n.target };
    if (n.kind === 'file') {
      const st: FsStat = { kind: 'file', size: n.size, mtime, mode: n.mode & 0o7777, nlink: 1 };
      if (n.uid !== undefined) st.uid = n.uid;
      if (n.gid !== undefined) st.gid = n.gid;
      // The program an executable runs, for the shells that ask stat for it.
      if (n.program !== undefined) Object.assign(st, { program: n.program });
      return st;
    }
    let subdirs = 0;
    for (const c of n.children.values()) if (c.kind === 'dir') subdirs++;
    return { kind: 'dir', size: 4096, mtime, mode: n.mode & 0o7777, nlink: 2 + subdirs };
  }

  exists(abs: string): boolean {
    return this.mount.lookup(abs) !== undefined;
  }

  isDir(abs: string): boolean {
    return this.mount.lookup(abs)?.kind === 'dir';
  }

  stat(abs: string): FsStat | FsErrorCode {
    const n = this.mount.resolve(abs, true);
    return typeof n === 'string' ? n : this.statOf(n);
  }

  lstat(abs: string): FsStat | FsErrorCode {
    const n = this.mount.resolve(abs, false);
    return typeof n === 'string' ? n : this.statOf(n);
  }

  readFile(abs: string): string {
    const r = this.tryRead(abs);
    if ('error' in r) throw new FsError(r.error);
    return r.data;
  }

  tryRead(abs: string): { data: string } | { error: FsErrorCode } {
    const n = this.mount.resolve(abs, true);
    if (typeof n === 'string') return { error: n };
    if (n.kind !== 'file') return { error: 'EISDIR' };
    return { data: n.sink ? '' : (n.content ?? '') };
  }

  writeFile(abs: string, data: string, append = false): FsErrorCode | undefined {
    return this.mount.writeFile(abs, data, { append });
  }

  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode {
    const err = this.mount.writeFile(abs, '', { append });
    if (err) return err;
    const real = this.mount.realpath(abs);
    const target = typeof real === 'string' ? real : abs;
    return { write: (text) => void this.mount.writeFile(target, text, { append: true }) };
  }

  touch(abs: string): FsErrorCode | undefined {
    return this.mount.touch(abs);
  }

  mkdir(abs: string, opts: { parents?: boolean } = {}): FsErrorCode | undefined {
    return this.mount.mkdir(abs, opts);
  }

  readdir(abs: string): string[] | FsErrorCode {
    return this.mount.readdir(abs);
  }

  remove(abs: string, opts: { recursive?: boolean; dir?: boolean } = {}): FsErrorCode | undefined {
    return this.mount.remove(abs, opts);
  }

  rename(from: string, to: string): FsErrorCode | undefined {
    return this.mount.rename(from, to);
  }

  copy(from: string, to: string): FsErrorCode | undefined {
    const node = this.mount.tree(from, true);
    if (node === undefined) return this.mount.resolve(from) as FsErrorCode;
    return this.mount.put(to, node);
  }

  symlink(target: string, abs: string): FsErrorCode | undefined {
    return this.mount.symlink(target, abs);
  }

  readlink(abs: string): string | FsErrorCode {
    const n = this.mount.resolve(abs, false);
    if (typeof n === 'string') return n;
    return n.kind === 'symlink' ? n.target : 'EINVAL';
  }

  chmod(abs: string, mode: number): FsErrorCode | undefined {
    return this.mount.chmod(abs, mode);
  }

  link(existing: string, abs: string): FsErrorCode | undefined {
    return this.mount.link(existing, abs);
  }
}
