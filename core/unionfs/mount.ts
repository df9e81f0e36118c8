import { utf8Length } from '../utf8';
import type { Layer } from './layer';
import { byteOrder, cloneTree, copyNode, joinPath, type DirNode, type FileNode, type LayerDir, type LayerNode, type TreeNode } from './tree';

/**
 * A container's root filesystem as overlay2 mounts it: read-only lower layers
 * (the image's, then the init layer on top of them), one writable upper layer,
 * and the bind mounts runc adds over the result (/etc/hostname, /etc/hosts,
 * /etc/resolv.conf, /dev, /proc, /sys).
 *
 * Reads see the merged view: the topmost layer that has a path wins, a
 * whiteout hides the path below it, an opaque directory hides every lower
 * directory of its path, and directories merge their entries. Writes follow
 * overlayfs: the first write to a lower file copies it up (data and metadata,
 * also for a chmod or touch), its parent directories are copied up (metadata
 * only), deleting a lower entry leaves a whiteout, and a directory made where
 * a whiteout stands is opaque.
 *
 * Every operation returns an errno code ('ENOENT', …) instead of throwing, as
 * a syscall would, and bumps `version` when it changes anything.
 */

export type UnionErrorCode = 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EINVAL' | 'EBUSY' | 'ELOOP' | 'EPERM';

/** One line of `docker diff`. */
export interface Change {
  kind: 'A' | 'C' | 'D';
  path: string;
}

export interface MountOptions {
  /** The read-only layers, bottom first: the image's layers, then the init layer. */
  lowers: readonly Layer[];
  /** The container's writable layer. */
  upper: Layer;
  /** Bind mounts over the union (path → what is mounted there). */
  binds?: ReadonlyMap<string, TreeNode>;
  /** Virtual time for mtimes. */
  now?: () => number;
}

const MAX_SYMLINK_HOPS = 40;

export class UnionMount {
  /** Top first: upper, init, then the image's layers from the top down (overlay's upperdir + lowerdir order). */
  readonly layers: readonly Layer[];
  readonly upper: Layer;
  /** Changes made through this mount (writes to binds included). */
  version = 0;
  private readonly binds: Map<string, TreeNode>;
  private readonly now: () => number;
  private readonly dirViews = new Map<string, MergedDir>();
  private diffMemo: { version: number; changes: readonly Change[] } | undefined;
  /** Inode numbers for hard links made in the container (catalog inodes are small numbers). */
  private nextIno = 1_000_000;

  constructor(opts: MountOptions) {
    this.upper = opts.upper;
    this.layers = [opts.upper, ...[...opts.lowers].reverse()];
    this.binds = new Map(opts.binds ?? []);
    this.now = opts.now ?? (() => 0);
  }

  // -------------------------------------------------------------------------
  // Reading the merged view

  /** The merged root directory (a live view: its children follow later writes). */
  root(): DirNode {
    return this.dirView([]);
  }

  /** The merged node at `path` (absolute), following symlinks on the way and, with `follow`, at the end. */
  lookup(path: string, follow = true): TreeNode | undefined {
    const parts = this.canonical(path, follow);
    return typeof parts === 'string' ? undefined : this.nodeAt(parts);
  }

  /** Like lookup, with the reason when there is nothing. */
  resolve(path: string, follow = true): TreeNode | UnionErrorCode {
    const parts = this.canonical(path, follow);
    if (typeof parts === 'string') return parts;
    return this.nodeAt(parts) ?? 'ENOENT';
  }

  /** The names in a merged directory, in byte order. */
  readdir(path: string): string[] | UnionErrorCode {
    const node = this.resolve(path);
    if (typeof node === 'string') return node;
    if (node.kind !== 'dir') return 'ENOTDIR';
    return [...node.children.keys()].sort(byteOrder);
  }

  /** The canonical absolute path of `path` (symlinks resolved), or why it cannot be resolved. */
  realpath(path: string, follow = true): string | { error: UnionErrorCode } {
    const parts = this.canonical(path, follow);
    return typeof parts === 'string' ? { error: parts } : '/' + parts.join('/');
  }

  /** Where the runtime's bind mounts over the union are (/dev, /proc, /etc/hosts …). */
  bindPaths(): string[] {
    return [...this.binds.keys()];
  }

  /** A deep, plain copy of the merged tree at `path` (for export, `docker cp` out, a build context). */
  tree(path = '/', follow = false): TreeNode | undefined {
    const node = this.lookup(path, follow);
    return node === undefined ? undefined : materialise(node);
  }

  /** Which layer (index into `layers`, 0 = upper) the merged entry at `path` comes from; -1 for a bind mount or nothing. */
  sourceLayer(path: string): number {
    const parts = this.canonical(path, false);
    if (typeof parts === 'string' || this.bindAt(parts) !== undefined) return -1;
    const found = this.stack(parts, 0);
    return found.length === 0 || found[0]!.node.kind === 'whiteout' ? -1 : found[0]!.layer;
  }

  // -------------------------------------------------------------------------
  // Writing (copy-up, whiteouts, opaque directories)

  /** Writes (or appends to) a regular file, creating it 0644 when missing. */
  writeFile(path: string, content: string, opts: { append?: boolean; mode?: number } = {}): UnionErrorCode | undefined {
    const parts = this.canonical(path, true);
    if (typeof parts === 'string') return parts;
    if (parts.length === 0) return 'EISDIR';
    const bound = this.bindAt(parts);
    if (bound !== undefined) {
      if (bound.kind === 'dir') return 'EISDIR';
      if (bound.kind === 'file' && !bound.sink) this.setContent(bound, opts.append ? (bound.content ?? '') + content : content);
      this.version++;
      return undefined;
    }
    const existing = this.nodeAt(parts);
    if (existing?.kind === 'dir') return 'EISDIR';
    const parentError = this.checkParent(parts);
    if (parentError) return parentError;
    const name = parts[parts.length - 1]!;
    const dir = this.copyUpDirs(parts.slice(0, -1));
    let file: FileNode;
    const mine = dir.children.get(name);
    if (mine?.kind === 'file') file = mine;
    else if (existing?.kind === 'file') file = this.copyUpFile(existing);
    else file = { kind: 'file', mode: opts.mode ?? 0o644, size: 0, content: '' };
    dir.children.set(name, file);
    if (file.sink) return this.changed();
    this.setContent(file, opts.append ? (file.content ?? '') + content : content);
    return this.changed();
  }

  /** mkdir(2), or mkdir -p with `parents`. */
  mkdir(path: string, opts: { parents?: boolean; mode?: number } = {}): UnionErrorCode | undefined {
    const parts = this.canonical(path, false);
    if (typeof parts === 'string') {
      if (parts !== 'ENOENT' || !opts.parents) return parts;
      // mkdir -p: make each missing component in turn.
      const raw = path.split('/').filter((p) => p !== '' && p !== '.');
      for (let i = 1; i <= raw.length; i++) {
        const prefix = '/' + raw.slice(0, i).join('/');
        const node = this.lookup(prefix);
        if (node === undefined) {
          const e = this.mkdir(prefix, { mode: opts.mode });
          if (e) return e;
        } else if (node.kind !== 'dir') return 'ENOTDIR';
      }
      return undefined;
    }
    const existing = this.nodeAt(parts);
    if (existing !== undefined) return existing.kind === 'dir' && opts.parents ? undefined : 'EEXIST';
    if (this.bindAt(parts) !== undefined) return 'EBUSY';
    const parentError = this.checkParent(parts);
    if (parentError) {
      if (parentError !== 'ENOENT' || !opts.parents) return parentError;
      const e = this.mkdir('/' + parts.slice(0, -1).join('/'), { parents: true, mode: opts.mode });
      if (e) return e;
    }
    const dir = this.copyUpDirs(parts.slice(0, -1));
    const name = parts[parts.length - 1]!;
    const made: LayerDir = { kind: 'dir', mode: opts.mode ?? 0o755, children: new Map(), mtime: this.now() };
    // A directory made where a whiteout stands must not show the deleted directory's old entries.
    if (dir.children.get(name)?.kind === 'whiteout') made.opaque = true;
    dir.children.set(name, made);
    this.touchDir(dir);
    return this.changed();
  }

  /** unlink(2)/rmdir(2); with `recursive`, rm -r. A directory needs `recursive` or `dir` (rmdir, empty only). */
  remove(path: string, opts: { recursive?: boolean; dir?: boolean } = {}): UnionErrorCode | undefined {
    const parts = this.canonical(path, false);
    if (typeof parts === 'string') return parts;
    if (parts.length === 0) return 'EBUSY';
    const node = this.nodeAt(parts);
    if (node === undefined) return 'ENOENT';
    if (this.binds.has('/' + parts.join('/'))) return 'EBUSY';
    const bindParent = this.bindAt(parts.slice(0, -1));
    if (bindParent !== undefined) {
      if (bindParent.kind !== 'dir') return 'ENOTDIR';
      if (node.kind === 'dir' && node.children.size > 0 && !opts.recursive) return 'ENOTEMPTY';
      bindParent.children.delete(parts[parts.length - 1]!);
      this.version++;
      return undefined;
    }
    if (node.kind === 'dir') {
      if (!opts.recursive && !opts.dir) return 'EISDIR';
      if (node.children.size > 0) {
        if (!opts.recursive) return 'ENOTEMPTY';
        for (const name of [...node.children.keys()]) {
          const e = this.remove(joinPath('/' + parts.join('/'), name), opts);
          if (e) return e;
        }
      }
    }
    const dir = this.copyUpDirs(parts.slice(0, -1));
    const name = parts[parts.length - 1]!;
    if (this.lowerVisible(parts)) dir.children.set(name, { kind: 'whiteout' });
    else dir.children.delete(name);
    this.touchDir(dir);
    return this.changed();
  }

  /** chmod(2): a metadata change, which still copies a lower file up whole. */
  chmod(path: string, mode: number): UnionErrorCode | undefined {
    const parts = this.canonical(path, true);
    if (typeof parts === 'string') return parts;
    const bound = this.bindAt(parts);
    if (bound !== undefined) {
      bound.mode = mode;
      this.version++;
      return undefined;
    }
    const node = this.copyUp(parts);
    if (typeof node === 'string') return node;
    node.mode = mode & 0o7777;
    return this.changed();
  }

  /** touch: creates an empty file, or copies an existing one up and sets its mtime. */
  touch(path: string): UnionErrorCode | undefined {
    const existing = this.resolve(path);
    if (existing === 'ENOENT') return this.writeFile(path, '', { append: true });
    if (typeof existing === 'string') return existing;
    const parts = this.canonical(path, true);
    if (typeof parts === 'string') return parts;
    if (this.bindAt(parts) !== undefined) return undefined;
    const node = this.copyUp(parts);
    if (typeof node === 'string') return node;
    node.mtime = this.now();
    return this.changed();
  }

  /** symlink(2): `path` pointing at `target`. */
  symlink(target: string, path: string): UnionErrorCode | undefined {
    return this.create(path, { kind: 'symlink', mode: 0o777, target, mtime: this.now() });
  }

  /**
   * link(2): `path` names the same file as `existing` (copied up first, as
   * overlayfs does before linking a lower file). Directories cannot be linked.
   */
  link(existing: string, path: string): UnionErrorCode | undefined {
    const src = this.canonical(existing, false);
    if (typeof src === 'string') return src;
    const node = this.nodeAt(src);
    if (node === undefined) return 'ENOENT';
    if (node.kind === 'dir') return 'EPERM';
    if (this.bindAt(src) !== undefined) return 'EPERM'; // across a bind mount (EXDEV)
    const dest = this.canonical(path, false);
    if (typeof dest === 'string') return dest;
    if (this.nodeAt(dest) !== undefined) return 'EEXIST';
    const parentError = this.checkParent(dest);
    if (parentError) return parentError;
    const up = this.copyUp(src);
    if (typeof up === 'string') return up;
    if (up.kind === 'file' && up.ino === undefined) up.ino = this.nextIno++;
    const dir = this.copyUpDirs(dest.slice(0, -1));
    // The same node object in both places: a write through either name is seen through the other.
    dir.children.set(dest[dest.length - 1]!, up as LayerNode);
    this.touchDir(dir);
    return this.changed();
  }

  /**
   * rename(2). overlayfs without redirect_dir refuses to rename a lower
   * directory (EXDEV) and `mv` then copies and deletes: the result is the
   * same, a copy of the tree in the upper layer and a whiteout for the old path.
   */
  rename(from: string, to: string): UnionErrorCode | undefined {
    const src = this.canonical(from, false);
    if (typeof src === 'string') return src;
    const node = this.nodeAt(src);
    if (node === undefined) return 'ENOENT';
    const dest = this.canonical(to, false);
    if (typeof dest === 'string') return dest;
    if (dest.length === 0) return 'EBUSY';
    if (dest.length > src.length && src.every((p, i) => dest[i] === p)) return 'EINVAL';
    if (dest.length === src.length && src.every((p, i) => dest[i] === p)) return undefined;
    const target = this.nodeAt(dest);
    if (target !== undefined) {
      if (target.kind === 'dir' && node.kind !== 'dir') return 'EISDIR';
      if (target.kind !== 'dir' && node.kind === 'dir') return 'ENOTDIR';
      if (target.kind === 'dir' && target.children.size > 0) return 'ENOTEMPTY';
      const e = this.remove('/' + dest.join('/'), { recursive: true });
      if (e) return e;
    }
    const copy = materialise(node);
    const e = this.create('/' + dest.join('/'), copy);
    if (e) return e;
    return this.remove('/' + src.join('/'), { recursive: true });
  }

  /**
   * Places a whole tree at `path` in the upper layer, replacing what was there
   * (`docker cp` into a container, a build step's COPY). With `parents`, missing
   * directories on the way are made first.
   */
  put(path: string, node: TreeNode, opts: { parents?: boolean } = {}): UnionErrorCode | undefined {
    const parts = this.canonical(path, false);
    if (typeof parts === 'string') {
      if (parts !== 'ENOENT' || !opts.parents) return parts;
    } else if (this.nodeAt(parts) !== undefined) {
      const e = this.remove(path, { recursive: true });
      if (e) return e;
    }
    if (opts.parents) {
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      const e = this.mkdir(parent, { parents: true });
      if (e) return e;
    }
    return this.create(path, materialise(node));
  }

  // -------------------------------------------------------------------------
  // docker diff

  /**
   * `docker diff`: the upper layer compared with what lies below it, as the
   * daemon's archive.ChangesDirs reports it — a directory's added and changed
   * entries first (each directory followed by its own changes), then its
   * deleted ones; a directory that holds changes is itself "C". Names in byte
   * order (the daemon walks a Go map; Docker's order within a directory varies
   * from run to run).
   */
  diff(): readonly Change[] {
    if (this.diffMemo?.version === this.upper.version) return this.diffMemo.changes;
    const changes: Change[] = [];
    this.diffDir(this.upper.root, [], false, changes);
    const frozen = Object.freeze(changes);
    this.diffMemo = { version: this.upper.version, changes: frozen };
    return frozen;
  }

  private diffDir(dir: LayerDir, parts: string[], added: boolean, out: Change[]): void {
    const base = '/' + parts.join('/');
    const deleted: string[] = [];
    // What the layers below have in this directory: one look per directory, not per entry.
    const lower = added ? undefined : this.lowerKinds(parts);
    const names = [...dir.children.keys()].sort(byteOrder);
    for (const name of names) {
      const child = dir.children.get(name)!;
      const path = joinPath(base, name);
      if (child.kind === 'whiteout') {
        if (!added) deleted.push(path);
        continue;
      }
      const belowIsDir = lower?.get(name);
      const isNew = belowIsDir === undefined || (child.kind === 'dir') !== belowIsDir;
      out.push({ kind: isNew ? 'A' : 'C', path });
      if (child.kind !== 'dir') continue;
      const childParts = [...parts, name];
      this.diffDir(child, childParts, isNew, out);
      // An opaque directory hides everything the layers below had in it.
      if (child.opaque && !isNew) {
        const gone = [...this.lowerKinds(childParts).keys()].filter((n) => !child.children.has(n)).sort(byteOrder);
        for (const n of gone) out.push({ kind: 'D', path: joinPath(path, n) });
      }
    }
    for (const path of deleted) out.push({ kind: 'D', path });
  }

  /** The entries the layers below the upper one show in a directory: name → whether it is a directory. */
  private lowerKinds(parts: readonly string[]): Map<string, boolean> {
    const out = new Map<string, boolean>();
    const hidden = new Set<string>();
    for (const { node } of this.stack(parts, 1)) {
      if (node.kind !== 'dir') break;
      for (const [name, child] of node.children) {
        if (out.has(name) || hidden.has(name)) continue;
        if (child.kind === 'whiteout') hidden.add(name);
        else out.set(name, child.kind === 'dir');
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------
  // Internals

  private changed(): undefined {
    this.upper.version++;
    this.version++;
    return undefined;
  }

  private setContent(file: FileNode, content: string): void {
    file.content = content;
    file.size = utf8Length(content);
    file.mtime = this.now();
    delete file.program;
    delete file.ino;
  }

  private touchDir(dir: LayerDir): void {
    dir.mtime = this.now();
  }

  private copyUpFile(file: FileNode): FileNode {
    const copy = copyNode(file);
    delete copy.ino; // the copy is a new inode: the hard link is broken
    return copy;
  }

  /** The upper layer's directory at `parts`, copying the merged directories' metadata up on the way. */
  private copyUpDirs(parts: readonly string[]): LayerDir {
    let dir = this.upper.root;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      const mine = dir.children.get(name);
      if (mine?.kind === 'dir') {
        dir = mine;
        continue;
      }
      const merged = this.nodeAt(parts.slice(0, i + 1));
      const made: LayerDir = { kind: 'dir', mode: merged?.mode ?? 0o755, children: new Map() };
      if (merged?.kind === 'dir' && merged.mtime !== undefined) made.mtime = merged.mtime;
      dir.children.set(name, made);
      dir = made;
    }
    return dir;
  }

  /** The upper layer's own node at `parts`, copied up from the merged view when it is not there yet. */
  private copyUp(parts: readonly string[]): Exclude<LayerNode, { kind: 'whiteout' }> | UnionErrorCode {
    const node = this.nodeAt(parts);
    if (node === undefined) return 'ENOENT';
    if (parts.length === 0) return this.upper.root;
    if (node.kind === 'dir') return this.copyUpDirs(parts);
    const dir = this.copyUpDirs(parts.slice(0, -1));
    const name = parts[parts.length - 1]!;
    const mine = dir.children.get(name);
    if (mine !== undefined && mine.kind !== 'whiteout' && mine.kind !== 'dir') return mine;
    const copy = node.kind === 'file' ? this.copyUpFile(node) : copyNode(node);
    dir.children.set(name, copy);
    return copy;
  }

  /** Creates a new entry (file, symlink or tree) where nothing is. */
  private create(path: string, node: TreeNode): UnionErrorCode | undefined {
    const parts = this.canonical(path, false);
    if (typeof parts === 'string') return parts;
    if (parts.length === 0 || this.nodeAt(parts) !== undefined) return 'EEXIST';
    const parentError = this.checkParent(parts);
    if (parentError) return parentError;
    const dir = this.copyUpDirs(parts.slice(0, -1));
    const name = parts[parts.length - 1]!;
    const whiteout = dir.children.get(name)?.kind === 'whiteout';
    const entry: LayerNode = node.kind === 'dir' ? toLayerDir(node) : node;
    if (entry.kind === 'dir' && whiteout) entry.opaque = true;
    dir.children.set(name, entry);
    this.touchDir(dir);
    return this.changed();
  }

  private checkParent(parts: readonly string[]): UnionErrorCode | undefined {
    const parent = this.nodeAt(parts.slice(0, -1));
    if (parent === undefined) return 'ENOENT';
    return parent.kind === 'dir' ? undefined : 'ENOTDIR';
  }

  /** Whether the layers below the upper one show something at `parts` (so deleting it needs a whiteout). */
  private lowerVisible(parts: readonly string[]): boolean {
    let dir: LayerDir = this.upper.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = dir.children.get(parts[i]!);
      if (next === undefined) break;
      if (next.kind !== 'dir' || next.opaque) return false;
      dir = next;
    }
    return this.lowerNode(parts) !== undefined;
  }

  /** The merged node of the layers below the upper one (what `docker diff` compares with). */
  private lowerNode(parts: readonly string[]): LayerNode | undefined {
    const found = this.stack(parts, 1);
    const top = found[0]?.node;
    return top === undefined || top.kind === 'whiteout' ? undefined : top;
  }



  /**
   * The nodes the layers from `start` down have at `parts`, top first, as far
   * as overlay looks: it stops at a whiteout, a non-directory, or below an
   * opaque directory.
   */
  private stack(parts: readonly string[], start: number): { layer: number; node: LayerNode }[] {
    const found: { layer: number; node: LayerNode }[] = [];
    for (let li = start; li < this.layers.length; li++) {
      let node: LayerNode | undefined = this.layers[li]!.root;
      let blocks = false;
      for (let d = 0; d < parts.length && node !== undefined; d++) {
        const next: LayerNode | undefined = (node as LayerDir).children.get(parts[d]!);
        if (next === undefined) node = undefined;
        else if (next.kind === 'whiteout') {
          if (d === parts.length - 1) found.push({ layer: li, node: next });
          return found;
        } else if (next.kind !== 'dir') {
          if (d < parts.length - 1) return found; // a file hides the path below it
          node = next;
        } else {
          if (next.opaque) blocks = true;
          node = next;
        }
      }
      if (node !== undefined) {
        found.push({ layer: li, node });
        if (node.kind !== 'dir') return found;
      }
      if (blocks) return found;
    }
    return found;
  }

  /** The merged node at canonical `parts` (no symlinks followed). */
  nodeAt(parts: readonly string[]): TreeNode | undefined {
    const bound = this.bindAt(parts);
    if (bound !== undefined) return bound;
    if (parts.length === 0) return this.dirView([]);
    const found = this.stack(parts, 0);
    const top = found[0]?.node;
    if (top === undefined || top.kind === 'whiteout') return undefined;
    return top.kind === 'dir' ? this.dirView(parts) : top;
  }

  /** What a bind mount shows at `parts`, when a bind mount covers it. */
  private bindAt(parts: readonly string[]): TreeNode | undefined {
    if (this.binds.size === 0) return undefined;
    for (let i = parts.length; i >= 1; i--) {
      const mounted = this.binds.get('/' + parts.slice(0, i).join('/'));
      if (mounted === undefined) continue;
      let node: TreeNode | undefined = mounted;
      for (let d = i; d < parts.length && node !== undefined; d++) node = node.kind === 'dir' ? node.children.get(parts[d]!) : undefined;
      return node;
    }
    return undefined;
  }

  private dirView(parts: readonly string[]): MergedDir {
    const key = '/' + parts.join('/');
    let view = this.dirViews.get(key);
    if (view === undefined) {
      // A copy: callers pass arrays they go on changing (canonical() pushes the next name onto its `out`).
      view = new MergedDir(this, [...parts], this.mergedChildren.bind(this), this.topDir.bind(this), this.nodeAt.bind(this));
      this.dirViews.set(key, view);
    }
    return view;
  }

  private topDir(parts: readonly string[]): LayerDir | undefined {
    const top = this.stack(parts, 0)[0]?.node;
    return top?.kind === 'dir' ? top : undefined;
  }

  private mergedChildren(parts: readonly string[]): Map<string, TreeNode> {
    const out = new Map<string, TreeNode>();
    const hidden = new Set<string>();
    for (const { node } of this.stack(parts, 0)) {
      if (node.kind !== 'dir') break;
      for (const [name, child] of node.children) {
        if (out.has(name) || hidden.has(name)) continue;
        if (child.kind === 'whiteout') hidden.add(name);
        else out.set(name, child.kind === 'dir' ? this.dirView([...parts, name]) : child);
      }
    }
    const base = '/' + parts.join('/');
    for (const [path, node] of this.binds) {
      const slash = path.lastIndexOf('/');
      if ((path.slice(0, slash) || '/') === base) out.set(path.slice(slash + 1), node);
    }
    return out;
  }

  /** Resolves `path` to canonical components: "." and ".." applied, symlinks followed (the last one only with `follow`). */
  private canonical(path: string, follow: boolean): string[] | UnionErrorCode {
    const out: string[] = [];
    let pending = path.split('/');
    let hops = 0;
    for (let i = 0; i < pending.length; i++) {
      const part = pending[i]!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        out.pop();
        continue;
      }
      const last = pending.slice(i + 1).every((p) => p === '' || p === '.');
      out.push(part);
      const node = this.nodeAt(out);
      if (node === undefined) {
        if (last) return out;
        return 'ENOENT';
      }
      if (node.kind === 'symlink' && (!last || follow)) {
        if (++hops > MAX_SYMLINK_HOPS) return 'ELOOP';
        out.pop();
        if (node.target.startsWith('/')) out.length = 0;
        pending = [...node.target.split('/'), ...pending.slice(i + 1)];
        i = -1;
        continue;
      }
      if (node.kind !== 'dir' && !last) return 'ENOTDIR';
    }
    return out;
  }
}

/**
 * A merged directory as programs see it: a DirNode whose `children` are
 * worked out from the layers when read, once per change of the mount.
 */
class MergedDir implements DirNode {
  readonly kind = 'dir';
  private memo: Map<string, TreeNode> | undefined;
  private memoVersion = -1;

  constructor(
    private readonly mount: UnionMount,
    private readonly parts: readonly string[],
    private readonly merge: (parts: readonly string[]) => Map<string, TreeNode>,
    private readonly top: (parts: readonly string[]) => LayerDir | undefined,
    private readonly at: (parts: readonly string[]) => TreeNode | undefined,
  ) {}

  /** A PATH search asks each directory for one name: answered without merging a /bin of four hundred. */
  child(name: string): TreeNode | undefined {
    if (this.memo !== undefined && this.memoVersion === this.mount.version) return this.memo.get(name);
    return this.at([...this.parts, name]);
  }

  get mode(): number {
    return this.top(this.parts)?.mode ?? 0o755;
  }

  get mtime(): number | undefined {
    return this.top(this.parts)?.mtime;
  }

  get children(): Map<string, TreeNode> {
    if (this.memo === undefined || this.memoVersion !== this.mount.version) {
      this.memo = this.merge(this.parts);
      this.memoVersion = this.mount.version;
    }
    return this.memo;
  }
}


/** A deep plain copy of a merged node. */
function materialise(node: TreeNode): TreeNode {
  if (node.kind !== 'dir') return { ...node };
  const out: DirNode = { kind: 'dir', mode: node.mode, children: new Map() };
  if (node.mtime !== undefined) out.mtime = node.mtime;
  for (const [name, child] of node.children) out.children.set(name, materialise(child));
  return out;
}

function toLayerDir(dir: DirNode): LayerDir {
  return cloneTree(dir as LayerDir);
}
