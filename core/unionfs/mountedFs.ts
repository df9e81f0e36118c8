import { resolvePath, type Fs, type FsErrorCode, type FsStat, type FsWriter } from '../shell/filesystem';

/**
 * A container's filesystem with its mount table: volumes, bind mounts and
 * tmpfs mounted over the root filesystem (the union of the image's layers and
 * the upper layer). A path under a mount point never reaches the union: it is
 * routed to the mounted directory (a volume's _data or a bind source on the
 * host's filesystem, or a tmpfs), so writes there bypass copy-up, are not in
 * `docker diff` or a commit, and are seen at once on the host. The deepest
 * mount wins, as mounts stack in the kernel; the runtime's own mounts on the
 * root (/etc/hosts, /dev …) stay on top of a volume mounted above them.
 *
 * Paths are routed as given (normalised, absolute); a symlink in the root
 * that points into a mount point is not followed across into the mount.
 */

export interface FsMount {
  /** Where it is mounted in the container: absolute and clean. */
  readonly target: string;
  /** The filesystem holding the mounted directory, and that directory. */
  fs: Fs;
  source: string;
  readOnly: boolean;
}

export interface MountedFsOptions {
  mounts: readonly FsMount[];
  /** `--read-only`: writes to the root filesystem fail with EROFS (mounts keep their own mode). */
  readOnlyRoot?: boolean;
  /** Paths the runtime mounts on the root (proc, /dev, /etc/hosts …): they stay the root's even below a mount point. */
  rootMounts?: readonly string[];
  /** Root paths still writable under --read-only (the runtime's tmpfs on /dev). */
  writableRootMounts?: readonly string[];
}

interface Route {
  fs: Fs;
  path: string;
  readOnly: boolean;
  /** The mount it goes through, undefined for the root. */
  mount?: FsMount;
}

function under(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(prefix + '/');
}

export class MountedFs implements Fs {
  private mounts: FsMount[];
  private readonly readOnlyRoot: boolean;
  private readonly rootMounts: readonly string[];
  private readonly writableRootMounts: readonly string[];

  constructor(
    readonly root: Fs,
    opts: MountedFsOptions,
  ) {
    this.mounts = [...opts.mounts];
    this.readOnlyRoot = opts.readOnlyRoot ?? false;
    this.rootMounts = opts.rootMounts ?? [];
    this.writableRootMounts = opts.writableRootMounts ?? [];
  }

  /** The mount table, shallowest first. */
  get table(): readonly FsMount[] {
    return this.mounts;
  }

  /** Replaces what is mounted at `target` (a fresh tmpfs at each start). */
  remount(target: string, fs: Fs, source: string): void {
    const m = this.mounts.find((x) => x.target === target);
    if (m) {
      m.fs = fs;
      m.source = source;
    }
  }

  /** Mounts `m` on top of whatever is at its target (mount(2) on the host). */
  mount(m: FsMount): void {
    this.mounts.push(m);
  }

  /** Takes the last mount at `target` off (umount(2)); false when nothing is mounted there. */
  unmount(target: string): boolean {
    for (let i = this.mounts.length - 1; i >= 0; i--) {
      if (this.mounts[i]!.target !== target) continue;
      this.mounts.splice(i, 1);
      return true;
    }
    return false;
  }

  /** Which filesystem and path `abs` reaches. */
  route(abs: string): Route {
    const path = resolvePath(abs, '/');
    let best: FsMount | undefined;
    for (const m of this.mounts) if (under(path, m.target) && (!best || m.target.length >= best.target.length)) best = m;
    if (best && !this.rootMounts.some((r) => r.length > best!.target.length && under(path, r))) {
      const rest = path.slice(best.target.length);
      return { fs: best.fs, path: best.source + rest || '/', readOnly: best.readOnly, mount: best };
    }
    const writable = this.writableRootMounts.some((r) => under(path, r));
    return { fs: this.root, path, readOnly: this.readOnlyRoot && !writable };
  }

  exists(abs: string): boolean {
    const r = this.route(abs);
    return r.fs.exists(r.path);
  }

  isDir(abs: string): boolean {
    const r = this.route(abs);
    return r.fs.isDir(r.path);
  }

  stat(abs: string): FsStat | FsErrorCode {
    const r = this.route(abs);
    return r.fs.stat(r.path);
  }

  lstat(abs: string): FsStat | FsErrorCode {
    const r = this.route(abs);
    return r.fs.lstat(r.path);
  }

  readFile(abs: string): string {
    const r = this.route(abs);
    return r.fs.readFile(r.path);
  }

  tryRead(abs: string): { data: string } | { error: FsErrorCode } {
    const r = this.route(abs);
    return r.fs.tryRead(r.path);
  }

  readlink(abs: string): string | FsErrorCode {
    const r = this.route(abs);
    return r.fs.readlink(r.path);
  }

  readdir(abs: string): string[] | FsErrorCode {
    const r = this.route(abs);
    const names = r.fs.readdir(r.path);
    if (typeof names === 'string') return names;
    // Mount points directly below show even where the directory below them has no entry for them.
    const dir = resolvePath(abs, '/');
    const extra = this.mounts.filter((m) => m.target !== dir && (m.target.slice(0, m.target.lastIndexOf('/')) || '/') === dir).map((m) => m.target.slice(m.target.lastIndexOf('/') + 1));
    if (extra.every((n) => names.includes(n))) return names;
    return [...new Set([...names, ...extra])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  writeFile(abs: string, data: string, append = false): FsErrorCode | undefined {
    const r = this.route(abs);
    return this.refuseWrite(r, 'file') ?? r.fs.writeFile(r.path, data, append);
  }

  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode {
    const r = this.route(abs);
    return this.refuseWrite(r, 'file') ?? r.fs.openWrite(r.path, append);
  }

  touch(abs: string): FsErrorCode | undefined {
    const r = this.route(abs);
    return this.refuseWrite(r, 'file') ?? r.fs.touch(r.path);
  }

  mkdir(abs: string, opts: { parents?: boolean } = {}): FsErrorCode | undefined {
    const r = this.route(abs);
    if (r.readOnly) {
      if (r.fs.isDir(r.path)) return opts.parents ? undefined : 'EEXIST';
      if (r.fs.exists(r.path)) return 'EEXIST';
      return 'EROFS';
    }
    return r.fs.mkdir(r.path, opts);
  }

  remove(abs: string, opts: { recursive?: boolean; dir?: boolean } = {}): FsErrorCode | undefined {
    const path = resolvePath(abs, '/');
    if (this.mounts.some((m) => m.target === path)) return 'EBUSY';
    const r = this.route(path);
    if (r.readOnly) return r.fs.exists(r.path) || typeof r.fs.lstat(r.path) !== 'string' ? 'EROFS' : 'ENOENT';
    return r.fs.remove(r.path, opts);
  }

  chmod(abs: string, mode: number): FsErrorCode | undefined {
    const r = this.route(abs);
    if (r.readOnly) return r.fs.exists(r.path) ? 'EROFS' : 'ENOENT';
    return r.fs.chmod(r.path, mode);
  }

  symlink(target: string, abs: string): FsErrorCode | undefined {
    const r = this.route(abs);
    return this.refuseWrite(r, 'new') ?? r.fs.symlink(target, r.path);
  }

  link(existing: string, abs: string): FsErrorCode | undefined {
    const from = this.route(existing);
    const to = this.route(abs);
    if (to.readOnly) return this.refuseWrite(to, 'new');
    // A hard link cannot cross filesystems (EXDEV).
    if (from.fs !== to.fs || from.mount !== to.mount) return 'EPERM';
    return to.fs.link(from.path, to.path);
  }

  rename(from: string, to: string): FsErrorCode | undefined {
    const src = this.route(from);
    const dst = this.route(to);
    if (resolvePath(from, '/') !== resolvePath(to, '/') && this.mounts.some((m) => m.target === resolvePath(from, '/'))) return 'EBUSY';
    if (src.readOnly || dst.readOnly) return 'EROFS';
    if (src.fs === dst.fs && src.mount === dst.mount) return src.fs.rename(src.path, dst.path);
    // Across filesystems rename(2) fails with EXDEV and `mv` copies, then deletes: the result is the same.
    const err = copyAcross(src.fs, src.path, dst.fs, dst.path);
    return err ?? src.fs.remove(src.path, { recursive: true });
  }

  copy(from: string, to: string): FsErrorCode | undefined {
    const src = this.route(from);
    const dst = this.route(to);
    if (dst.readOnly) return 'EROFS';
    if (src.fs === dst.fs && src.mount === dst.mount) return src.fs.copy(src.path, dst.path);
    return copyAcross(src.fs, src.path, dst.fs, dst.path);
  }

  /** EROFS on a read-only mount, after the checks the kernel makes first (a missing parent is ENOENT). */
  private refuseWrite(r: Route, what: 'file' | 'new'): FsErrorCode | undefined {
    if (!r.readOnly) return undefined;
    if (what === 'file' && r.fs.isDir(r.path)) return 'EISDIR';
    const parent = r.path.slice(0, r.path.lastIndexOf('/')) || '/';
    if (!r.fs.isDir(parent)) return r.fs.exists(parent) ? 'ENOTDIR' : 'ENOENT';
    return 'EROFS';
  }
}

/** Copies a file or tree from one filesystem to another, replacing what `to` held. */
export function copyAcross(srcFs: Fs, from: string, dstFs: Fs, to: string): FsErrorCode | undefined {
  const st = srcFs.lstat(from);
  if (typeof st === 'string') return st;
  if (st.kind === 'symlink') {
    dstFs.remove(to, { recursive: true });
    return dstFs.symlink(st.target ?? '', to);
  }
  if (st.kind === 'file') {
    const data = srcFs.tryRead(from);
    if ('error' in data) return data.error;
    if (dstFs.isDir(to)) dstFs.remove(to, { recursive: true });
    const err = dstFs.writeFile(to, data.data);
    if (err) return err;
    return dstFs.chmod(to, st.mode);
  }
  if (!dstFs.isDir(to)) {
    if (dstFs.exists(to)) dstFs.remove(to);
    const err = dstFs.mkdir(to);
    if (err) return err;
  }
  dstFs.chmod(to, st.mode);
  const names = srcFs.readdir(from);
  if (typeof names === 'string') return names;
  for (const n of names) {
    const err = copyAcross(srcFs, `${from === '/' ? '' : from}/${n}`, dstFs, `${to === '/' ? '' : to}/${n}`);
    if (err) return err;
  }
  return undefined;
}
