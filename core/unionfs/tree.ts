/**
 * File trees as overlay2 stores them: every layer is a diff directory whose
 * entries are files, directories and symlinks, plus the two overlay markers —
 * a whiteout (a 0/0 character device named like the entry it hides) and an
 * opaque directory (xattr trusted.overlay.opaque=y: nothing below shows
 * through it). Plain data, shared freely: image layers are never changed once
 * built; only a container's upper layer is, through UnionMount.
 */

export interface FileNode {
  kind: 'file';
  mode: number;
  /** Bytes. */
  size: number;
  /** Text content, when a program may read it. */
  content?: string;
  /** The program the simulator runs when this file is executed (a busybox applet name, 'hello'). */
  program?: string;
  /** Hard links share an inode number: a layer's size counts the inode once. */
  ino?: number;
  /** Device files (/dev/null…): writes vanish, reads are empty. */
  sink?: boolean;
  /** Virtual time of the last change (ms); absent for catalog files. */
  mtime?: number;
  uid?: number;
  gid?: number;
}

export interface DirNode {
  kind: 'dir';
  mode: number;
  children: Map<string, TreeNode>;
  /** One child by name, where finding it costs less than listing them all (a union mount's merged directory). */
  child?(name: string): TreeNode | undefined;
  mtime?: number;
  uid?: number;
  gid?: number;
}

export interface SymlinkNode {
  kind: 'symlink';
  mode: number;
  target: string;
  mtime?: number;
}

/** What a program sees in the merged view: no overlay markers. */
export type TreeNode = FileNode | DirNode | SymlinkNode;

/** An overlay whiteout: the entry of that name in the layers below is deleted. */
export interface WhiteoutNode {
  kind: 'whiteout';
}

/** A directory in a layer's diff: may hold whiteouts and be opaque. */
export interface LayerDir {
  kind: 'dir';
  mode: number;
  children: Map<string, LayerNode>;
  /** trusted.overlay.opaque=y: the directories of the same path in lower layers are hidden. */
  opaque?: boolean;
  mtime?: number;
  uid?: number;
  gid?: number;
}

export type LayerNode = FileNode | LayerDir | SymlinkNode | WhiteoutNode;

export function dirNode(mode = 0o755, entries: Record<string, LayerNode> = {}): LayerDir {
  return { kind: 'dir', mode, children: new Map(Object.entries(entries)) };
}

/** Splits an absolute or relative path into its components, resolving "." and "..". */
export function pathParts(path: string): string[] {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts;
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** Byte order, as Go's sort.Strings and a tar walk of a directory give. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of one node without its children (a copy-up of metadata). */
export function copyNode<T extends LayerNode>(node: T): T {
  if (node.kind === 'dir') return { ...node, children: new Map(), opaque: undefined } as T;
  return { ...node };
}

/** A deep copy of a layer tree (a commit freezes the upper layer as it is now). */
export function cloneTree(dir: LayerDir): LayerDir {
  const out: LayerDir = { ...dir, children: new Map() };
  if (!dir.opaque) delete out.opaque;
  for (const [name, child] of dir.children) out.children.set(name, child.kind === 'dir' ? cloneTree(child) : { ...child });
  return out;
}

/** Visits every entry of a layer tree depth first, names in byte order, parents before children. */
export function walkLayer(root: LayerDir, visit: (path: string, node: LayerNode) => void, base = '/'): void {
  const names = [...root.children.keys()].sort(byteOrder);
  for (const name of names) {
    const node = root.children.get(name)!;
    const path = joinPath(base, name);
    visit(path, node);
    if (node.kind === 'dir') walkLayer(node, visit, path);
  }
}

/** The node at `path` in one layer's own tree (no merging), or undefined. */
export function layerLookup(root: LayerDir, path: string): LayerNode | undefined {
  let node: LayerNode = root;
  for (const part of pathParts(path)) {
    if (node.kind !== 'dir') return undefined;
    const next: LayerNode | undefined = node.children.get(part);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}
