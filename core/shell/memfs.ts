/**
 * The host shell's filesystem: an in-memory tree. The shell never touches the
 * real host, so redirects, `ls`, `touch` and friends work on this. Backends may
 * read and write it too (e.g. a simulated `docker cp` or `docker save > f`).
 */

export type FsErrorCode = 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EINVAL' | 'EBUSY';

export class FsError extends Error {
  constructor(readonly code: FsErrorCode) {
    super(fsErrorText(code));
  }
}

/** The text a coreutils program prints for an errno. */
export function fsErrorText(code: FsErrorCode): string {
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'EISDIR': return 'Is a directory';
    case 'EEXIST': return 'File exists';
    case 'ENOTEMPTY': return 'Directory not empty';
    case 'EINVAL': return 'Invalid argument';
    case 'EBUSY': return 'Device or resource busy';
  }
}

export interface FileNode {
  kind: 'file';
  data: string;
  mtime: number;
  mode: number;
  /** Special files: writes vanish and reads are empty (/dev/null). */
  sink?: boolean;
}

export interface DirNode {
  kind: 'dir';
  children: Map<string, FsNode>;
  mtime: number;
  mode: number;
}

export type FsNode = FileNode | DirNode;

export interface FsStat {
  kind: 'file' | 'dir';
  /** Bytes of UTF-8 for files; 4096 for directories, as ext4 reports. */
  size: number;
  mtime: number;
  mode: number;
  /** Link count as `ls -l` shows it. */
  nlink: number;
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

export class MemFs {
  private root: DirNode;

  constructor(private now: () => number = () => 0) {
    this.root = { kind: 'dir', children: new Map(), mtime: now(), mode: 0o755 };
    for (const d of ['/bin', '/dev', '/etc', '/home', '/opt', '/root', '/tmp', '/usr', '/usr/bin', '/usr/local', '/usr/local/bin', '/var', '/var/lib', '/var/log']) {
      this.mkdir(d, { parents: true });
    }
    const dev = this.dir('/dev');
    for (const name of ['null', 'zero', 'tty', 'stdout', 'stderr', 'stdin']) {
      dev.children.set(name, { kind: 'file', data: '', mtime: now(), mode: 0o666, sink: true });
    }
  }

  /** The node at an absolute path, or an error code. */
  lookup(abs: string): FsNode | FsErrorCode {
    let node: FsNode = this.root;
    for (const part of abs.split('/')) {
      if (part === '') continue;
      if (node.kind !== 'dir') return 'ENOTDIR';
      const next: FsNode | undefined = node.children.get(part);
      if (!next) return 'ENOENT';
      node = next;
    }
    return node;
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
    if (typeof n === 'string') return n;
    if (n.kind === 'file') return { kind: 'file', size: utf8Length(n.data), mtime: n.mtime, mode: n.mode, nlink: 1 };
    let subdirs = 0;
    for (const c of n.children.values()) if (c.kind === 'dir') subdirs++;
    return { kind: 'dir', size: 4096, mtime: n.mtime, mode: n.mode, nlink: 2 + subdirs };
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
    if (n.kind === 'dir') return { error: 'EISDIR' };
    return { data: n.sink ? '' : n.data };
  }

  /** Opens a file for writing, creating it (its parent must exist); truncates unless appending. */
  open(abs: string, append: boolean): FileNode | FsErrorCode {
    const existing = this.lookup(abs);
    if (typeof existing !== 'string') {
      if (existing.kind === 'dir') return 'EISDIR';
      if (!append && !existing.sink) {
        existing.data = '';
        existing.mtime = this.now();
      }
      return existing;
    }
    if (existing === 'ENOTDIR') return 'ENOTDIR';
    const { parent, name } = this.split(abs);
    const dir = this.lookup(parent);
    if (typeof dir === 'string') return dir;
    if (dir.kind !== 'dir') return 'ENOTDIR';
    if (name === '') return 'EISDIR';
    const node: FileNode = { kind: 'file', data: '', mtime: this.now(), mode: 0o644 };
    dir.children.set(name, node);
    dir.mtime = this.now();
    return node;
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
    const { parent, name } = this.split(abs);
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
    const n = this.lookup(abs);
    if (typeof n === 'string') return n;
    if (n.kind === 'dir' && !opts.recursive) {
      if (!opts.dir) return 'EISDIR';
      if (n.children.size > 0) return 'ENOTEMPTY';
    }
    const { parent, name } = this.split(abs);
    const dir = this.lookup(parent) as DirNode;
    dir.children.delete(name);
    dir.mtime = this.now();
    return undefined;
  }

  /** Moves a node (`mv`); the target's parent must exist. */
  rename(from: string, to: string): FsErrorCode | undefined {
    const n = this.lookup(from);
    if (typeof n === 'string') return n;
    if (to === from) return undefined;
    if (to.startsWith(from + '/')) return 'EINVAL';
    const target = this.lookup(to);
    if (typeof target !== 'string' && target.kind === 'dir' && n.kind !== 'dir') return 'EISDIR';
    const { parent, name } = this.split(to);
    const dir = this.lookup(parent);
    if (typeof dir === 'string') return dir;
    if (dir.kind !== 'dir') return 'ENOTDIR';
    const src = this.split(from);
    (this.lookup(src.parent) as DirNode).children.delete(src.name);
    dir.children.set(name, n);
    dir.mtime = this.now();
    return undefined;
  }

  /** Deep copy of a node (`cp -r`). */
  cloneNode(n: FsNode): FsNode {
    if (n.kind === 'file') return { ...n, mtime: this.now() };
    const children = new Map<string, FsNode>();
    for (const [k, v] of n.children) children.set(k, this.cloneNode(v));
    return { kind: 'dir', children, mtime: this.now(), mode: n.mode };
  }

  /** Places a node at `abs` (its parent must exist), replacing what was there. */
  put(abs: string, node: FsNode): FsErrorCode | undefined {
    const { parent, name } = this.split(abs);
    const dir = this.lookup(parent);
    if (typeof dir === 'string') return dir;
    if (dir.kind !== 'dir') return 'ENOTDIR';
    dir.children.set(name, node);
    return undefined;
  }

  private dir(abs: string): DirNode {
    return this.lookup(abs) as DirNode;
  }

  private split(abs: string): { parent: string; name: string } {
    const i = abs.lastIndexOf('/');
    return { parent: i <= 0 ? '/' : abs.slice(0, i), name: abs.slice(i + 1) };
  }
}

/** Code-point order, as the C.UTF-8 locale collates (`sort`, `ls`, globs). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
