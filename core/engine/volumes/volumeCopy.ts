import type { Fs } from '../../shell/filesystem';
import type { UnionMount } from '../../unionfs/mount';
import type { TreeNode } from '../../unionfs/tree';
import { DaemonError } from '../errors';

/**
 * `docker cp` where mounts are involved: a path under a volume or bind mount
 * is read from and written to the mounted directory on the host (dockerd's
 * archive code resolves the path through the container's mounts first), the
 * rest goes to the union as before. Plus the two conversions between a file
 * tree and a filesystem the host-side of `docker cp` uses as well.
 */

/** The tree at `path` of a filesystem (a volume's directory, the host's), or undefined when nothing is there. */
export function volumeTree(fs: Fs, path: string): TreeNode | undefined {
  const st = fs.lstat(path);
  if (typeof st === 'string') return undefined;
  if (st.kind === 'symlink') return { kind: 'symlink', mode: 0o777, target: st.target ?? '' };
  if (st.kind === 'file') {
    const r = fs.tryRead(path);
    return { kind: 'file', mode: st.mode, size: st.size, content: 'data' in r ? r.data : '' };
  }
  const children = new Map<string, TreeNode>();
  const names = fs.readdir(path);
  if (typeof names !== 'string') {
    for (const n of names) {
      const child = volumeTree(fs, `${path === '/' ? '' : path}/${n}`);
      if (child) children.set(n, child);
    }
  }
  return { kind: 'dir', mode: st.mode, children };
}

/** Writes a tree onto a filesystem at `path`, replacing what was there (a directory's other entries stay). */
export function writeFsTree(fs: Fs, path: string, node: TreeNode): void {
  if (node.kind === 'dir') {
    if (!fs.isDir(path)) {
      fs.remove(path);
      fs.mkdir(path);
    }
    for (const [name, child] of node.children) writeFsTree(fs, `${path === '/' ? '' : path}/${name}`, child);
    return;
  }
  fs.remove(path);
  if (node.kind === 'symlink') fs.symlink(node.target, path);
  else {
    fs.writeFile(path, node.content ?? '');
    fs.chmod(path, node.mode & 0o7777);
  }
}

export interface MountedContainer {
  union: UnionMount;
  /** The container's filesystem with its mounts (what a program in it sees). */
  view: Fs;
  /** The mounted directory a path reaches, when it is under a mount. */
  route(path: string): { fs: Fs; path: string; readOnly: boolean } | undefined;
  readonlyRootfs: boolean;
}

/**
 * `docker cp SRC CONTAINER:PATH` (copyIntoMount's rules: into an existing
 * directory, or as PATH when its parent is one), each entry written through
 * the mount it falls under. A read-only volume or root is refused as dockerd
 * refuses it.
 */
export function copyIntoContainer(c: MountedContainer, containerName: string, path: string, node: TreeNode, name: string): void {
  const dest = path.startsWith('/') ? path : `/${path}`;
  const join = (dir: string, n: string): string => `${dir === '/' ? '' : dir}/${n}`;
  const putOne = (target: string, n: TreeNode): void => {
    const parent = target.slice(0, target.lastIndexOf('/')) || '/';
    if (!c.view.exists(parent)) throw new DaemonError(`Could not find the file ${parent} in container ${containerName}`, 'notFound');
    if (!c.view.isDir(parent)) throw new DaemonError('extraction point is not a directory', 'invalidParameter');
    const mounted = c.route(target);
    if (mounted) {
      if (mounted.readOnly) throw new DaemonError('mounted volume is marked read-only', 'invalidParameter');
      writeFsTree(mounted.fs, mounted.path, n);
      return;
    }
    if (c.readonlyRootfs) throw new DaemonError('container rootfs is marked read-only', 'invalidParameter');
    const err = c.union.put(target, n, { parents: false });
    if (err) throw new DaemonError(`cannot copy to ${target}: ${err}`, 'invalidParameter');
  };
  const existing = c.view.stat(dest);
  const isDir = typeof existing !== 'string' && existing.kind === 'dir';
  if (name === '') {
    // A tar from stdin: its members go into the directory.
    if (!isDir) throw new DaemonError('extraction point is not a directory', 'invalidParameter');
    if (node.kind === 'dir') for (const [child, n] of node.children) putOne(join(dest, child), n);
    return;
  }
  if (isDir) putOne(join(dest, name), node);
  else if (typeof existing !== 'string' && node.kind === 'dir') throw new DaemonError('cannot copy directory', 'invalidParameter');
  else putOne(dest, node);
}
