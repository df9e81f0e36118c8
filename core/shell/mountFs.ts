import { compareBytes, copyThrough, FsError, resolvePath, splitPath, type Fs, type FsErrorCode, type FsStat, type FsWriter } from './filesystem';

/**
 * Pseudo filesystems (procfs, cgroupfs) mounted over another filesystem, as a
 * mount namespace shows them: paths under a mount point go to a tree
 * generated from the kernel's tables at the moment of the lookup, everything
 * else to the filesystem below (the host's MemFs, a container's union).
 *
 * The trees are lazy: a directory lists and builds only what a lookup enters,
 * so `cat /proc/1/status` does not format every process on the host. Symlinks
 * are followed across the boundary both ways: /proc/self → 1234 inside the
 * tree, /etc/mtab → /proc/mounts from the filesystem below into it, a magic
 * link (/proc/PID/ns/net) to the nsfs file it stands for.
 */

export interface PFile {
  kind: 'file';
  mode: number;
  mtime?: number;
  /** What stat reports; procfs and cgroupfs files say 0 whatever they hold. */
  size?: number;
  /** The contents now, or the errno a read gets (a write-only knob: EINVAL). */
  read(): string | { error: FsErrorCode };
  /** One write(2) of `data`; absent: the file takes no writes (EINVAL, as procfs answers root). */
  write?(data: string): FsErrorCode | undefined;
  /** Opening it for writing fails with this (cgroupfs' read-only files: EACCES). */
  openError?: FsErrorCode;
  /** A character device's numbers (an overlay whiteout in a diff directory: 0, 0). */
  rdev?: { major: number; minor: number };
  /** The inode, where the tree shares one between names (busybox's applets): du counts it once. */
  ino?: number;
  /** Its names (hard links); 1 when absent. */
  nlink?: number;
}

export interface PDir {
  kind: 'dir';
  mode: number;
  mtime?: number;
  nlink?: number;
  /** The names in it now (any order; readdir sorts). */
  names(): string[];
  child(name: string): PNode | undefined;
  /** mkdir(2) of a new entry (cgroupfs makes a cgroup); absent: `createError`. */
  mkdir?(name: string): FsErrorCode | undefined;
  /** rmdir(2) of an entry; absent: EPERM. */
  rmdir?(name: string): FsErrorCode | undefined;
  /** What creating a file or directory here gets (procfs: ENOENT, cgroupfs: EACCES). */
  createError?: FsErrorCode;
}

export interface PLink {
  kind: 'symlink';
  target: string;
  mtime?: number;
  size?: number;
  /** A magic link (/proc/PID/ns/net): following it reaches this node, not the target path. */
  resolves?: PNode;
}

export type PNode = PFile | PDir | PLink;

/** A pseudo filesystem mounted at an absolute path. */
export interface PseudoMount {
  at: string;
  /** The tree as it is now (called on each lookup that enters it). */
  root(): PDir;
  /** Mounted read-only (a container's /sys): every change is EROFS. */
  readOnly?: boolean;
}

/** A directory of fixed entries. */
export function staticDir(mode: number, entries: Iterable<readonly [string, PNode]>, more: Partial<Omit<PDir, 'kind' | 'names' | 'child'>> = {}): PDir {
  const map = new Map(entries);
  return { kind: 'dir', mode, ...more, names: () => [...map.keys()], child: (n) => map.get(n) };
}

/** A read-only file whose contents are computed when read. */
export function textFile(data: string | (() => string | { error: FsErrorCode }), mode = 0o444, mtime?: number): PFile {
  const f: PFile = { kind: 'file', mode, read: typeof data === 'string' ? () => data : data };
  if (mtime !== undefined) f.mtime = mtime;
  return f;
}

type Found = { on: 'base'; path: string } | { on: 'pseudo'; path: string; node: PNode; mount: PseudoMount; parent: PDir | undefined; name: string };

const MAX_SYMLINKS = 40;

function isMissing(r: unknown): boolean {
  return r === 'ENOENT' || r === 'ENOTDIR' || (typeof r === 'object' && r !== null && 'error' in r && ((r as { error: string }).error === 'ENOENT' || (r as { error: string }).error === 'ENOTDIR'));
}

export class MountFs implements Fs {
  private readonly mounts: PseudoMount[];

  constructor(
    readonly base: Fs,
    mounts: readonly PseudoMount[],
    private readonly now: () => number = () => 0,
  ) {
    // Longest first: /sys/fs/cgroup wins over /sys.
    this.mounts = [...mounts].sort((a, b) => b.at.length - a.at.length);
  }

  private mountOf(abs: string): PseudoMount | undefined {
    for (const m of this.mounts) if (abs === m.at || abs.startsWith(m.at + '/')) return m;
    return undefined;
  }

  /** Where `abs` is: in the filesystem below, or a node of a pseudo tree (symlinks in the tree followed; the last one only with `follow`). */
  private locate(abs: string, follow: boolean, depth = 0): Found | FsErrorCode {
    const m = this.mountOf(abs);
    if (!m) return { on: 'base', path: abs };
    const rest = abs === m.at ? [] : abs.slice(m.at.length + 1).split('/');
    let node: PNode = m.root();
    let path = m.at;
    let parent: PDir | undefined;
    let name = splitPath(m.at).name;
    for (let i = 0; i < rest.length; i++) {
      const part = rest[i]!;
      if (node.kind !== 'dir') return 'ENOTDIR';
      const child: PNode | undefined = node.child(part);
      if (!child) return 'ENOENT';
      if (child.kind === 'symlink' && (i < rest.length - 1 || follow)) {
        if (child.resolves) {
          parent = node;
          node = child.resolves;
          name = part;
          path += '/' + part;
          continue;
        }
        if (depth >= MAX_SYMLINKS) return 'ELOOP';
        const target = resolvePath(child.target, path);
        const remaining = rest.slice(i + 1).join('/');
        return this.locate(remaining === '' ? target : resolvePath(remaining, target), follow, depth + 1);
      }
      parent = node;
      node = child;
      name = part;
      path += '/' + part;
    }
    return { on: 'pseudo', path, node, mount: m, parent, name };
  }

  /**
   * A path the filesystem below could not resolve may reach a pseudo tree
   * through one of its symlinks (/etc/mtab → /proc/mounts): walks it link by
   * link. Undefined when it does not.
   */
  private throughLinks(abs: string, follow: boolean, depth = 0): Found | FsErrorCode | undefined {
    if (depth >= MAX_SYMLINKS) return 'ELOOP';
    const parts = abs.split('/').filter((p) => p !== '');
    let path = '';
    for (let i = 0; i < parts.length; i++) {
      path += '/' + parts[i];
      const st = this.base.lstat(path);
      if (typeof st === 'string') return undefined;
      const last = i === parts.length - 1;
      if (st.kind !== 'symlink' || (last && !follow)) continue;
      const link = st.target ?? this.base.readlink(path);
      if (typeof link !== 'string') return undefined;
      const target = resolvePath(link, splitPath(path).parent);
      const next = last ? target : resolvePath(parts.slice(i + 1).join('/'), target);
      const found = this.locate(next, follow, depth + 1);
      if (typeof found === 'string' || found.on === 'pseudo') return found;
      return this.throughLinks(found.path, follow, depth + 1);
    }
    return undefined;
  }

  /** Runs `onBase` or `onPseudo` for where `abs` is; a miss below is retried through its symlinks. */
  private route<T>(abs: string, follow: boolean, onBase: (path: string) => T, onPseudo: (f: Extract<Found, { on: 'pseudo' }>) => T, onError: (e: FsErrorCode) => T): T {
    const found = this.locate(abs, follow);
    if (typeof found === 'string') return onError(found);
    if (found.on === 'pseudo') return onPseudo(found);
    const r = onBase(found.path);
    if (!isMissing(r) || this.mounts.length === 0) return r;
    const via = this.throughLinks(found.path, follow);
    if (via === undefined) return r;
    if (typeof via === 'string') return onError(via);
    return via.on === 'pseudo' ? onPseudo(via) : r;
  }

  /** The pseudo directory a new entry at `abs` would go in, when it is one. */
  private pseudoParent(abs: string): { dir: PDir; mount: PseudoMount; name: string } | FsErrorCode | undefined {
    const { parent, name } = splitPath(abs);
    const found = this.route<Found | FsErrorCode>(parent, true, (path) => (this.base.exists(path) ? { on: 'base', path } : 'ENOENT'), (f) => f, (e) => e);
    if (typeof found === 'string') return this.mountOf(parent) ? found : undefined;
    if (found.on === 'base') return undefined;
    if (found.node.kind !== 'dir') return 'ENOTDIR';
    return { dir: found.node, mount: found.mount, name };
  }

  private statOf(node: PNode): FsStat {
    const mtime = node.mtime ?? this.now();
    if (node.kind === 'file') return { kind: 'file', size: node.size ?? 0, mtime, mode: node.mode, nlink: node.nlink ?? 1, ...(node.rdev ? { rdev: node.rdev } : {}), ...(node.ino !== undefined ? { ino: node.ino } : {}) };
    if (node.kind === 'dir') return { kind: 'dir', size: 0, mtime, mode: node.mode, nlink: node.nlink ?? 2 };
    return { kind: 'symlink', size: node.size ?? 0, mtime, mode: 0o777, nlink: 1, target: node.target };
  }

  exists(abs: string): boolean {
    return typeof this.stat(abs) !== 'string';
  }

  isDir(abs: string): boolean {
    const st = this.stat(abs);
    return typeof st !== 'string' && st.kind === 'dir';
  }

  stat(abs: string): FsStat | FsErrorCode {
    return this.route(abs, true, (p) => this.base.stat(p), (f) => this.statOf(f.node), (e) => e);
  }

  lstat(abs: string): FsStat | FsErrorCode {
    return this.route(abs, false, (p) => this.base.lstat(p), (f) => this.statOf(f.node), (e) => e);
  }

  readFile(abs: string): string {
    const r = this.tryRead(abs);
    if ('error' in r) throw new FsError(r.error);
    return r.data;
  }

  tryRead(abs: string): { data: string } | { error: FsErrorCode } {
    return this.route(
      abs,
      true,
      (p) => this.base.tryRead(p),
      (f) => {
        if (f.node.kind === 'dir') return { error: 'EISDIR' as const };
        if (f.node.kind === 'symlink') return { error: 'EINVAL' as const };
        const data = f.node.read();
        return typeof data === 'string' ? { data } : data;
      },
      (error) => ({ error }),
    );
  }

  /** The writer for a pseudo file, or why it cannot be opened. */
  private pseudoWriter(f: Extract<Found, { on: 'pseudo' }>): FsWriter | FsErrorCode {
    if (f.node.kind === 'dir') return 'EISDIR';
    if (f.mount.readOnly) return 'EROFS';
    if (f.node.kind === 'file' && f.node.openError) return f.node.openError;
    const node = f.node;
    return { write: (text) => (node.kind === 'file' && node.write ? node.write(text) : 'EINVAL') };
  }

  /** Creating `abs`, which is not there: undefined when it would go below, else the pseudo directory's refusal. */
  private refuseCreate(abs: string): FsErrorCode | undefined {
    const p = this.pseudoParent(abs);
    if (p === undefined) return undefined;
    if (typeof p === 'string') return p;
    return p.mount.readOnly ? 'EROFS' : (p.dir.createError ?? 'ENOENT');
  }

  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode {
    const found = this.locate(abs, true);
    if (typeof found === 'string') return found === 'ENOENT' ? (this.refuseCreate(abs) ?? found) : found;
    if (found.on === 'pseudo') return this.pseudoWriter(found);
    const r = this.base.openWrite(found.path, append);
    if (!isMissing(r) || this.mounts.length === 0) return r;
    const via = this.throughLinks(found.path, true);
    if (via !== undefined && typeof via !== 'string' && via.on === 'pseudo') return this.pseudoWriter(via);
    return this.refuseCreate(abs) ?? r;
  }

  writeFile(abs: string, data: string, append = false): FsErrorCode | undefined {
    const w = this.openWrite(abs, append);
    if (typeof w === 'string') return w;
    return w.write(data) ?? undefined;
  }

  touch(abs: string): FsErrorCode | undefined {
    const found = this.locate(abs, true);
    if (typeof found === 'string') return found === 'ENOENT' ? (this.refuseCreate(abs) ?? found) : found;
    if (found.on === 'pseudo') return found.mount.readOnly ? 'EROFS' : undefined;
    const r = this.base.touch(found.path);
    if (!isMissing(r) || this.mounts.length === 0) return r;
    const via = this.throughLinks(found.path, true);
    if (via !== undefined && typeof via !== 'string' && via.on === 'pseudo') return via.mount.readOnly ? 'EROFS' : undefined;
    return this.refuseCreate(abs) ?? r;
  }

  mkdir(abs: string, opts: { parents?: boolean } = {}): FsErrorCode | undefined {
    const st = this.lstat(abs);
    if (typeof st !== 'string') return opts.parents && this.isDir(abs) ? undefined : 'EEXIST';
    const p = this.pseudoParent(abs);
    if (p === undefined) return this.base.mkdir(abs, opts);
    if (typeof p === 'string') {
      if (p !== 'ENOENT' || !opts.parents) return p;
      const e = this.mkdir(splitPath(abs).parent, opts);
      return e ?? this.mkdir(abs, opts);
    }
    if (p.mount.readOnly) return 'EROFS';
    return p.dir.mkdir ? p.dir.mkdir(p.name) : (p.dir.createError ?? 'ENOENT');
  }

  readdir(abs: string): string[] | FsErrorCode {
    return this.route(
      abs,
      true,
      (p) => {
        const names = this.base.readdir(p);
        if (typeof names === 'string') return names;
        // Mount points show in their parent even where nothing below made them.
        for (const m of this.mounts) {
          const { parent, name } = splitPath(m.at);
          if (parent === p && !names.includes(name)) names.push(name);
        }
        return names.sort(compareBytes);
      },
      (f) => (f.node.kind === 'dir' ? f.node.names().sort(compareBytes) : 'ENOTDIR'),
      (e) => e,
    );
  }

  remove(abs: string, opts: { recursive?: boolean; dir?: boolean } = {}): FsErrorCode | undefined {
    return this.route(
      abs,
      false,
      (p) => this.base.remove(p, opts),
      (f) => {
        if (f.mount.readOnly) return 'EROFS';
        if (f.path === f.mount.at) return 'EBUSY';
        if (f.node.kind !== 'dir') return 'EPERM';
        if (!opts.recursive && !opts.dir) return 'EISDIR';
        if (opts.recursive || !f.parent?.rmdir) return 'EPERM';
        return f.parent.rmdir(f.name);
      },
      (e) => e,
    );
  }

  rename(from: string, to: string): FsErrorCode | undefined {
    const a = this.locate(from, false);
    const b = this.locate(to, false);
    if (typeof a === 'string' && a !== 'ENOENT') return a;
    if ((typeof a !== 'string' && a.on === 'pseudo') || (typeof b !== 'string' && b.on === 'pseudo') || this.pseudoParent(to) !== undefined) return 'EPERM';
    return this.base.rename(from, to);
  }

  copy(from: string, to: string): FsErrorCode | undefined {
    const src = this.locate(from, true);
    const intoPseudo = this.pseudoParent(to) !== undefined || this.mountOf(to) !== undefined;
    if (typeof src !== 'string' && src.on === 'base' && !intoPseudo) {
      const r = this.base.copy(src.path, to);
      if (!isMissing(r)) return r;
    }
    // Out of (or into) a pseudo tree: read and write through this view, as cp does.
    return copyThrough(this, from, to);
  }

  symlink(target: string, abs: string): FsErrorCode | undefined {
    const p = this.pseudoParent(abs);
    if (p === undefined) return this.base.symlink(target, abs);
    if (typeof p === 'string') return p;
    if (typeof this.lstat(abs) !== 'string') return 'EEXIST';
    return this.refuseCreate(abs);
  }

  readlink(abs: string): string | FsErrorCode {
    return this.route(abs, false, (p) => this.base.readlink(p), (f) => (f.node.kind === 'symlink' ? f.node.target : 'EINVAL'), (e) => e);
  }

  chmod(abs: string, mode: number): FsErrorCode | undefined {
    return this.route(abs, true, (p) => this.base.chmod(p, mode), (f) => (f.mount.readOnly ? 'EROFS' : 'EPERM'), (e) => e);
  }

  link(existing: string, abs: string): FsErrorCode | undefined {
    const a = this.locate(existing, false);
    if (typeof a !== 'string' && a.on === 'pseudo') return 'EPERM';
    const p = this.pseudoParent(abs);
    if (p !== undefined) return typeof p === 'string' ? p : 'EPERM';
    return this.base.link(existing, abs);
  }
}
