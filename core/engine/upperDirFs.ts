import { copyThrough, resolvePath, splitPath, type Fs, type FsErrorCode, type FsStat, type FsWriter } from '../shell/filesystem';
import { pathParts, type LayerDir, type LayerNode } from '../unionfs/tree';
import { utf8Length } from '../utf8';
import type { Container } from './container';
import type { Services } from './services';

/**
 * The host's filesystem with each container's upper directory
 * (/var/lib/docker/overlay2/<id>/diff) writable, as root finds it on a real
 * host: a file written there is in the container's upper layer at once, so
 * the container (and `merged`) sees it, and removing a whiteout brings the
 * lower file back. Everything else under /var/lib/docker stays the read-only
 * view it is (varLibDocker.ts); reads all go to that view, which shows the
 * layer tree live.
 */

const UPPER = /^\/var\/lib\/docker\/overlay2\/([0-9a-f]{64})\/diff(\/.*)?$/;

interface Target {
  c: Container;
  parts: string[];
}

export class UpperDirFs implements Fs {
  constructor(
    private readonly inner: Fs,
    private readonly s: Services,
    private readonly now: () => number,
  ) {}

  /** The container whose upper directory `abs` is in, and the path inside it. */
  private target(abs: string): Target | undefined {
    const m = UPPER.exec(abs);
    if (!m) return undefined;
    for (const c of this.s.containers.byId.values()) if (c.layerId === m[1]) return { c, parts: pathParts(m[2] ?? '') };
    return undefined;
  }

  private dirAt(t: Target, parts: readonly string[]): LayerDir | FsErrorCode {
    let dir: LayerDir = t.c.mount.upper.root;
    for (const p of parts) {
      const next = dir.children.get(p);
      if (next === undefined || next.kind === 'whiteout') return 'ENOENT';
      if (next.kind !== 'dir') return 'ENOTDIR';
      dir = next;
    }
    return dir;
  }

  /** The directory an entry goes in and its name; the root of diff itself has none. */
  private parentOf(t: Target): { dir: LayerDir; name: string } | FsErrorCode {
    if (t.parts.length === 0) return 'EBUSY';
    const dir = this.dirAt(t, t.parts.slice(0, -1));
    return typeof dir === 'string' ? dir : { dir, name: t.parts[t.parts.length - 1]! };
  }

  /** Both the layer's derived data (sizes, docker diff) and the container's merged view are recomputed. */
  private changed(t: Target): undefined {
    t.c.mount.upper.version++;
    t.c.mount.version++;
    return undefined;
  }

  private put(t: Target, name: string, dir: LayerDir, node: LayerNode): undefined {
    dir.children.set(name, node);
    dir.mtime = this.now();
    return this.changed(t);
  }

  // Reads: the view below shows the layer tree as it is.
  exists(abs: string): boolean {
    return this.inner.exists(abs);
  }
  isDir(abs: string): boolean {
    return this.inner.isDir(abs);
  }
  stat(abs: string): FsStat | FsErrorCode {
    return this.inner.stat(abs);
  }
  lstat(abs: string): FsStat | FsErrorCode {
    return this.inner.lstat(abs);
  }
  readFile(abs: string): string {
    return this.inner.readFile(abs);
  }
  tryRead(abs: string): { data: string } | { error: FsErrorCode } {
    return this.inner.tryRead(abs);
  }
  readdir(abs: string): string[] | FsErrorCode {
    return this.inner.readdir(abs);
  }
  readlink(abs: string): string | FsErrorCode {
    return this.inner.readlink(abs);
  }
  link(existing: string, abs: string): FsErrorCode | undefined {
    return this.inner.link(existing, abs);
  }

  writeFile(abs: string, data: string, append = false): FsErrorCode | undefined {
    const t = this.target(abs);
    if (!t) return this.inner.writeFile(abs, data, append);
    const p = this.parentOf(t);
    if (typeof p === 'string') return p === 'EBUSY' ? 'EISDIR' : p;
    const existing = p.dir.children.get(p.name);
    if (existing?.kind === 'dir') return 'EISDIR';
    // A whiteout is a 0, 0 character device: no driver behind it (ENXIO), refused here as not permitted.
    if (existing?.kind === 'whiteout') return 'EPERM';
    if (existing?.kind === 'symlink') return this.writeFile(resolvePath(existing.target, splitPath(abs).parent), data, append);
    if (existing?.kind === 'file') {
      const content = append ? (existing.content ?? '') + data : data;
      existing.content = content;
      existing.size = utf8Length(content);
      existing.mtime = this.now();
      delete existing.program;
      delete existing.ino;
      return this.changed(t);
    }
    return this.put(t, p.name, p.dir, { kind: 'file', mode: 0o644, size: utf8Length(data), content: data, mtime: this.now() });
  }

  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode {
    if (!this.target(abs)) return this.inner.openWrite(abs, append);
    // open(O_TRUNC or O_APPEND, O_CREAT), then each write(2) appends.
    const e = this.writeFile(abs, '', append);
    if (e) return e;
    return { write: (text) => this.writeFile(abs, text, true) };
  }

  touch(abs: string): FsErrorCode | undefined {
    const t = this.target(abs);
    if (!t) return this.inner.touch(abs);
    const p = this.parentOf(t);
    if (typeof p === 'string') {
      if (p !== 'EBUSY') return p;
      t.c.mount.upper.root.mtime = this.now();
      return this.changed(t);
    }
    const existing = p.dir.children.get(p.name);
    if (existing === undefined) return this.put(t, p.name, p.dir, { kind: 'file', mode: 0o644, size: 0, content: '', mtime: this.now() });
    if (existing.kind !== 'whiteout') existing.mtime = this.now();
    return this.changed(t);
  }

  mkdir(abs: string, opts: { parents?: boolean } = {}): FsErrorCode | undefined {
    const t = this.target(abs);
    if (!t) return this.inner.mkdir(abs, opts);
    if (t.parts.length === 0) return opts.parents ? undefined : 'EEXIST';
    const existing = this.dirAt(t, t.parts);
    if (typeof existing !== 'string') return opts.parents ? undefined : 'EEXIST';
    const p = this.parentOf(t);
    if (typeof p === 'string') {
      if (p !== 'ENOENT' || !opts.parents) return p;
      const e = this.mkdir(splitPath(abs).parent, opts);
      return e ?? this.mkdir(abs, opts);
    }
    if (p.dir.children.has(p.name)) return 'EEXIST';
    return this.put(t, p.name, p.dir, { kind: 'dir', mode: 0o755, children: new Map(), mtime: this.now() });
  }

  remove(abs: string, opts: { recursive?: boolean; dir?: boolean } = {}): FsErrorCode | undefined {
    const t = this.target(abs);
    if (!t) return this.inner.remove(abs, opts);
    const p = this.parentOf(t);
    if (typeof p === 'string') return p;
    const node = p.dir.children.get(p.name);
    if (node === undefined) return 'ENOENT';
    if (node.kind === 'dir') {
      if (!opts.recursive && !opts.dir) return 'EISDIR';
      if (!opts.recursive && node.children.size > 0) return 'ENOTEMPTY';
    }
    // Unlinking a whiteout uncovers the lower layers' entry again, as on a real upperdir.
    p.dir.children.delete(p.name);
    p.dir.mtime = this.now();
    return this.changed(t);
  }

  rename(from: string, to: string): FsErrorCode | undefined {
    const a = this.target(from);
    const b = this.target(to);
    if (!a && !b) return this.inner.rename(from, to);
    if (a && b && a.c === b.c) {
      const pa = this.parentOf(a);
      const pb = this.parentOf(b);
      if (typeof pa === 'string') return pa;
      if (typeof pb === 'string') return pb;
      const node = pa.dir.children.get(pa.name);
      if (node === undefined) return 'ENOENT';
      pa.dir.children.delete(pa.name);
      return this.put(b, pb.name, pb.dir, node);
    }
    // Across filesystems: mv copies, then removes the source.
    const e = this.copy(from, to);
    return e ?? this.remove(from, { recursive: true });
  }

  copy(from: string, to: string): FsErrorCode | undefined {
    if (!this.target(to)) return this.inner.copy(from, to);
    return copyThrough(this, from, to);
  }

  symlink(target: string, abs: string): FsErrorCode | undefined {
    const t = this.target(abs);
    if (!t) return this.inner.symlink(target, abs);
    const p = this.parentOf(t);
    if (typeof p === 'string') return p === 'EBUSY' ? 'EEXIST' : p;
    if (p.dir.children.has(p.name)) return 'EEXIST';
    return this.put(t, p.name, p.dir, { kind: 'symlink', mode: 0o777, target, mtime: this.now() });
  }

  chmod(abs: string, mode: number): FsErrorCode | undefined {
    const t = this.target(abs);
    if (!t) return this.inner.chmod(abs, mode);
    const node = t.parts.length === 0 ? t.c.mount.upper.root : this.dirAt(t, t.parts.slice(0, -1));
    if (typeof node === 'string') return node;
    const n = t.parts.length === 0 ? node : node.children.get(t.parts[t.parts.length - 1]!);
    if (n === undefined || n.kind === 'whiteout') return n === undefined ? 'ENOENT' : 'EPERM';
    n.mode = (n.mode & ~0o7777) | (mode & 0o7777);
    return this.changed(t);
  }
}
