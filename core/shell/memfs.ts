/**
 * The host shell's filesystem: an in-memory tree. The shell never touches the
 * real host, so redirects, `ls`, `touch` and friends work on this. Backends may
 * read and write it too (e.g. a simulated `docker cp` or `docker save > f`).
 */

import { archiveSize } from '../archive/tar';
import { compareBytes, FsError, splitPath, type Fs, type FsErrorCode, type FsStat, type FsWriter } from './filesystem';

export { FsError, fsErrorText, resolvePath, compareBytes } from './filesystem';
export type { Fs, FsErrorCode, FsStat, FsWriter } from './filesystem';

export interface FileNode {
  kind: 'file';
  data: string;
  mtime: number;
  mode: number;
  /** Names this file has (hard links); 1 when absent. */
  links?: number;
  /** Special files: writes vanish and reads are empty (/dev/null). */
  sink?: boolean;
  /** A character device (an overlay whiteout is 0, 0). */
  rdev?: { major: number; minor: number };
}

export interface DirNode {
  kind: 'dir';
  children: Map<string, FsNode>;
  mtime: number;
  mode: number;
  /** The overlay xattr trusted.overlay.opaque=y: an upper directory that hides the lower ones. */
  opaque?: boolean;
}

export interface SymlinkNode {
  kind: 'symlink';
  target: string;
  mtime: number;
}

export type FsNode = FileNode | DirNode | SymlinkNode;

/** Linux's MAXSYMLINKS: more links than this on one path is ELOOP. */
const MAX_SYMLINKS = 40;

/** UTF-8 byte length without TextEncoder (core has no DOM/Node libs, and this is hot in `wc`). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export class MemFs implements Fs {
  private root: DirNode;

  constructor(private now: () => number = () => 0) {
    this.root = { kind: 'dir', children: new Map(), mtime: now(), mode: 0o755 };
    for (const d of ['/bin', '/dev', '/etc', '/home', '/opt', '/root', '/tmp', '/usr', '/usr/bin', '/usr/local', '/usr/local/bin', '/var', '/var/lib', '/var/log']) {
      this.mkdir(d, { parents: true });
    }
    const dev = this.root.children.get('dev') as DirNode;
    for (const name of ['null', 'zero', 'tty', 'stdout', 'stderr', 'stdin']) {
      dev.children.set(name, { kind: 'file', data: '', mtime: now(), mode: 0o666, sink: true });
    }
  }

  /** The node at an absolute path (symlinks followed, the last one too unless `noFollow`), or an error code. */
  lookup(abs: string, noFollow = false): FsNode | FsErrorCode {
    const r = this.walk(abs, !noFollow, 0);
    return typeof r === 'string' ? r : r.node;
  }

  /** Walks a path from the root, following symlinks; returns the node and its real path. */
  private walk(abs: string, followLast: boolean, depth: number): { node: FsNode; path: string } | FsErrorCode {
    let node: FsNode = this.root;
    let path = '';
    const parts = abs.split('/').filter((p) => p !== '' && p !== '.');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (node.kind !== 'dir') return 'ENOTDIR';
      if (part === '..') {
        path = splitPath(path || '/').parent;
        if (path === '/') path = '';
        const up = this.walk(path || '/', true, depth);
        if (typeof up === 'string') return up;
        node = up.node;
        continue;
      }
      const next: FsNode | undefined = node.children.get(part);
      if (!next) return 'ENOENT';
      if (next.kind === 'symlink' && (i < parts.length - 1 || followLast)) {
        if (depth >= MAX_SYMLINKS) return 'ELOOP';
        const target = next.target.startsWith('/') ? next.target : `${path}/${next.target}`;
        const r = this.walk(target, true, depth + 1);
        if (typeof r === 'string') return r;
        node = r.node;
        path = r.path === '/' ? '' : r.path;
        continue;
      }
      node = next;
      path += '/' + part;
    }
    return { node, path: path || '/' };
  }

  exists(abs: string): boolean {
    return typeof this.lookup(abs) !== 'string';
  }

  isDir(abs: string): boolean {
    const n = this.lookup(abs);
    return typeof n !== 'string' && n.kind === 'dir';
  }

  stat(abs: string): FsStat | FsErrorCode {
    const n = this.lookup(abs);
    return typeof n === 'string' ? n : { ...statOf(n), ino: this.inode(n) };
  }

  lstat(abs: string): FsStat | FsErrorCode {
    const n = this.lookup(abs, true);
    return typeof n === 'string' ? n : { ...statOf(n), ino: this.inode(n) };
  }

  /** Inode numbers, given out in the order nodes are first looked at (the root is 2, as on ext4; hard links share one). */
  private readonly inodes = new WeakMap<FsNode, number>();
  private nextInode = 12;

  private inode(n: FsNode): number {
    if (n === this.root) return 2;
    let ino = this.inodes.get(n);
    if (ino === undefined) {
      ino = this.nextInode++;
      this.inodes.set(n, ino);
    }
    return ino;
  }

  /** A file's contents; throws FsError. */
  readFile(abs: string): string {
    const r = this.tryRead(abs);
    if ('error' in r) throw new FsError(r.error);
    return r.data;
  }

  tryRead(abs: string): { data: string } | { error: FsErrorCode } {
    const n = this.lookup(abs);
    if (typeof n === 'string') return { error: n };
    if (n.kind !== 'file') return { error: 'EISDIR' };
    return { data: n.sink ? '' : n.data };
  }

  /** Opens a file for writing, creating it (its parent must exist); truncates unless appending. */
  open(abs: string, append: boolean): FileNode | FsErrorCode {
    const existing = this.lookup(abs);
    if (typeof existing !== 'string') {
      if (existing.kind !== 'file') return 'EISDIR';
      if (!append && !existing.sink) {
        existing.data = '';
        existing.mtime = this.now();
      }
      return existing;
    }
    if (existing !== 'ENOENT') return existing;
    // A dangling symlink: the file is created where it points.
    const link = this.lookup(abs, true);
    if (typeof link !== 'string' && link.kind === 'symlink') {
      const { parent } = splitPath(abs);
      return this.open(link.target.startsWith('/') ? link.target : `${parent}/${link.target}`, append);
    }
    const { parent, name } = splitPath(abs);
    const dir = this.lookup(parent);
    if (typeof dir === 'string') return dir;
    if (dir.kind !== 'dir') return 'ENOTDIR';
    if (name === '') return 'EISDIR';
    const node: FileNode = { kind: 'file', data: '', mtime: this.now(), mode: 0o644 };
    dir.children.set(name, node);
    dir.mtime = this.now();
    return node;
  }

  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode {
    const node = this.open(abs, append);
    if (typeof node === 'string') return node;
    return { write: (text) => this.append(node, text) };
  }

  /** Appends to an opened file (a no-op for /dev/null and friends). */
  append(node: FileNode, text: string): void {
    if (node.sink || text === '') return;
    node.data += text;
    node.mtime = this.now();
  }

  writeFile(abs: string, data: string, append = false): FsErrorCode | undefined {
    const node = this.open(abs, append);
    if (typeof node === 'string') return node;
    this.append(node, data);
    return undefined;
  }

  /** Creates a file if missing, else updates its time (`touch`). */
  touch(abs: string): FsErrorCode | undefined {
    const n = this.lookup(abs);
    if (typeof n !== 'string') {
      n.mtime = this.now();
      return undefined;
    }
    const r = this.open(abs, true);
    return typeof r === 'string' ? r : undefined;
  }

  mkdir(abs: string, opts: { parents?: boolean } = {}): FsErrorCode | undefined {
    if (abs === '/') return opts.parents ? undefined : 'EEXIST';
    const existing = this.lookup(abs);
    if (typeof existing !== 'string') return opts.parents && existing.kind === 'dir' ? undefined : 'EEXIST';
    if (typeof this.lookup(abs, true) !== 'string') return 'EEXIST';
    const { parent, name } = splitPath(abs);
    let dir = this.lookup(parent);
    if (dir === 'ENOENT' && opts.parents) {
      const err = this.mkdir(parent, opts);
      if (err) return err;
      dir = this.lookup(parent);
    }
    if (typeof dir === 'string') return dir;
    if (dir.kind !== 'dir') return 'ENOTDIR';
    dir.children.set(name, { kind: 'dir', children: new Map(), mtime: this.now(), mode: 0o755 });
    dir.mtime = this.now();
    return undefined;
  }

  /** Names in a directory, sorted as `ls` sorts them in the C.UTF-8 locale. */
  readdir(abs: string): string[] | FsErrorCode {
    const n = this.lookup(abs);
    if (typeof n === 'string') return n;
    if (n.kind !== 'dir') return 'ENOTDIR';
    return [...n.children.keys()].sort(compareBytes);
  }

  /** Removes a file, or a directory when `recursive` (or when it is empty and `dir` is set). */
  remove(abs: string, opts: { recursive?: boolean; dir?: boolean } = {}): FsErrorCode | undefined {
    if (abs === '/') return 'EBUSY';
    const n = this.lookup(abs, true);
    if (typeof n === 'string') return n;
    if (n.kind === 'dir' && !opts.recursive) {
      if (!opts.dir) return 'EISDIR';
      if (n.children.size > 0) return 'ENOTEMPTY';
    }
    const located = this.parentOf(abs);
    if (typeof located === 'string') return located;
    located.dir.children.delete(located.name);
    if (n.kind === 'file' && n.links !== undefined && n.links > 1) n.links--;
    located.dir.mtime = this.now();
    return undefined;
  }

  /** Moves a node (`mv`); the target's parent must exist. */
  rename(from: string, to: string): FsErrorCode | undefined {
    const n = this.lookup(from, true);
    if (typeof n === 'string') return n;
    if (to === from) return undefined;
    if (to.startsWith(from + '/')) return 'EINVAL';
    const target = this.lookup(to);
    if (typeof target !== 'string' && target.kind === 'dir' && n.kind !== 'dir') return 'EISDIR';
    const dest = this.parentOf(to);
    if (typeof dest === 'string') return dest;
    const src = this.parentOf(from);
    if (typeof src === 'string') return src;
    src.dir.children.delete(src.name);
    dest.dir.children.set(dest.name, n);
    dest.dir.mtime = this.now();
    return undefined;
  }

  copy(from: string, to: string): FsErrorCode | undefined {
    const n = this.lookup(from);
    if (typeof n === 'string') return n;
    return this.put(to, this.cloneNode(n));
  }

  symlink(target: string, abs: string): FsErrorCode | undefined {
    if (typeof this.lookup(abs, true) !== 'string') return 'EEXIST';
    return this.put(abs, { kind: 'symlink', target, mtime: this.now() });
  }

  readlink(abs: string): string | FsErrorCode {
    const n = this.lookup(abs, true);
    if (typeof n === 'string') return n;
    return n.kind === 'symlink' ? n.target : 'EINVAL';
  }

  chmod(abs: string, mode: number): FsErrorCode | undefined {
    const n = this.lookup(abs);
    if (typeof n === 'string') return n;
    if (n.kind !== 'symlink') n.mode = mode & 0o7777;
    return undefined;
  }

  link(existing: string, abs: string): FsErrorCode | undefined {
    const n = this.lookup(existing, true);
    if (typeof n === 'string') return n;
    if (n.kind === 'dir') return 'EPERM';
    if (typeof this.lookup(abs, true) !== 'string') return 'EEXIST';
    const err = this.put(abs, n);
    if (!err && n.kind === 'file') n.links = (n.links ?? 1) + 1;
    return err;
  }

  /** Deep copy of a node (`cp -r`). */
  cloneNode(n: FsNode): FsNode {
    if (n.kind === 'file') return { kind: 'file', data: n.data, mtime: this.now(), mode: n.mode, ...(n.sink ? { sink: true } : {}) };
    if (n.kind === 'symlink') return { ...n, mtime: this.now() };
    const children = new Map<string, FsNode>();
    for (const [k, v] of n.children) children.set(k, this.cloneNode(v));
    return { kind: 'dir', children, mtime: this.now(), mode: n.mode };
  }

  /** Places a node at `abs` (its parent must exist), replacing what was there. */
  put(abs: string, node: FsNode): FsErrorCode | undefined {
    const located = this.parentOf(abs);
    if (typeof located === 'string') return located;
    located.dir.children.set(located.name, node);
    return undefined;
  }

  /** The directory holding `abs`'s last name (symlinks in the parent path followed). */
  private parentOf(abs: string): { dir: DirNode; name: string } | FsErrorCode {
    const { parent, name } = splitPath(abs);
    const dir = this.lookup(parent);
    if (typeof dir === 'string') return dir;
    if (dir.kind !== 'dir') return 'ENOTDIR';
    return { dir, name };
  }
}

function statOf(n: FsNode): FsStat {
  // An archive's text stands for a tar: it shows the tar's size (core/archive/tar.ts).
  if (n.kind === 'file') {
    if (n.rdev) return { kind: 'file', size: 0, mtime: n.mtime, mode: n.mode, nlink: n.links ?? 1, rdev: n.rdev };
    return { kind: 'file', size: archiveSize(n.data) ?? utf8Length(n.data), mtime: n.mtime, mode: n.mode, nlink: n.links ?? 1 };
  }
  if (n.kind === 'symlink') return { kind: 'symlink', size: utf8Length(n.target), mtime: n.mtime, mode: 0o777, nlink: 1, target: n.target };
  let subdirs = 0;
  for (const c of n.children.values()) if (c.kind === 'dir') subdirs++;
  return { kind: 'dir', size: 4096, mtime: n.mtime, mode: n.mode, nlink: 2 + subdirs };
}
