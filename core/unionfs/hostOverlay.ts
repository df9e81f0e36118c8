import { utf8Length } from '../utf8';
import type { UtilMountRequest } from '../shell/context';
import { resolvePath, type FsErrorCode, type FsStat, type FsWriter, type Fs } from '../shell/filesystem';
import type { DirNode as MemDir, FsNode, MemFs } from '../shell/memfs';
import { newLayer, type Layer } from './layer';
import { UnionMount } from './mount';
import type { MountedFs } from './mountedFs';
import type { LayerDir, LayerNode } from './tree';
import { UnionFs } from './unionFs';

/**
 * `mount -t overlay … DIR` on the host: an overlayfs over plain directories of
 * the host's disk (the course's union-mount demo). The merging, copy-up,
 * whiteouts and opaque directories are UnionMount's, the same code a
 * container's root runs on; this only feeds it the directories as layers.
 *
 * The directories stay the truth on the disk: every operation reads the lower
 * and upper directories as they are now, and a change made through the mount
 * is written back into the upper directory, where `ls -l U` then shows the
 * copied-up files and the whiteouts (character devices 0, 0). That costs a
 * walk of the directories per operation, which the demo's handful of files
 * does not notice; it also makes changes made in U directly show at once,
 * as they do with a real overlay (changes to a lower directory while mounted
 * are undefined in overlayfs; here they show too).
 */

export interface OverlayDirs {
  /** Absolute paths, top first (lowerdir=A:B: A is above B). */
  lowerdirs: readonly string[];
  upperdir: string;
}

/** A disk directory as a layer tree (a snapshot: the nodes are converted, not shared). */
function toLayer(dir: MemDir): LayerDir {
  const out: LayerDir = { kind: 'dir', mode: dir.mode, children: new Map(), mtime: dir.mtime };
  if (dir.opaque) out.opaque = true;
  for (const [name, node] of dir.children) out.children.set(name, toLayerNode(node));
  return out;
}

function toLayerNode(node: FsNode): LayerNode {
  if (node.kind === 'dir') return toLayer(node);
  if (node.kind === 'symlink') return { kind: 'symlink', mode: 0o777, target: node.target, mtime: node.mtime };
  if (node.rdev && node.rdev.major === 0 && node.rdev.minor === 0) return { kind: 'whiteout' };
  const f: LayerNode = { kind: 'file', mode: node.mode, size: utf8Length(node.data), content: node.data, mtime: node.mtime };
  if (node.sink) f.sink = true;
  return f;
}

/** How many whiteouts a layer tree holds. */
export function countWhiteouts(dir: LayerDir): number {
  let n = 0;
  for (const c of dir.children.values()) n += c.kind === 'whiteout' ? 1 : c.kind === 'dir' ? countWhiteouts(c) : 0;
  return n;
}

/**
 * A layer tree back as disk nodes: whiteouts as 0, 0 character devices,
 * opaque directories marked. Linux ≥ 5.8 makes every whiteout of a mount a
 * hard link of one inode kept in the workdir, so `ls -l` shows each with
 * (whiteouts + 1) links: `links`.
 */
function toDisk(node: LayerNode, now: number, links: number): FsNode {
  switch (node.kind) {
    case 'whiteout':
      return { kind: 'file', data: '', mtime: now, mode: 0, rdev: { major: 0, minor: 0 }, links };
    case 'symlink':
      return { kind: 'symlink', target: node.target, mtime: node.mtime ?? now };
    case 'file': {
      const f: FsNode = { kind: 'file', data: node.content ?? '', mtime: node.mtime ?? now, mode: node.mode };
      if (node.sink) f.sink = true;
      return f;
    }
    case 'dir': {
      const d: MemDir = { kind: 'dir', children: new Map(), mtime: node.mtime ?? now, mode: node.mode };
      if (node.opaque) d.opaque = true;
      for (const [name, child] of node.children) d.children.set(name, toDisk(child, now, links));
      return d;
    }
  }
}

function dirOf(disk: MemFs, path: string): MemDir | undefined {
  const n = disk.lookup(path);
  return typeof n !== 'string' && n.kind === 'dir' ? n : undefined;
}

export class HostOverlayFs implements Fs {
  constructor(
    private readonly disk: MemFs,
    readonly dirs: OverlayDirs,
    private readonly now: () => number = () => 0,
  ) {}

  /** Runs `op` on the union as the directories are now, and writes the upper layer back when it changed. */
  private with<T>(op: (fs: UnionFs) => T): T {
    const upperDir = dirOf(this.disk, this.dirs.upperdir);
    const empty: MemDir = { kind: 'dir', children: new Map(), mtime: 0, mode: 0o755 };
    const lowers: Layer[] = [...this.dirs.lowerdirs].reverse().map((d, i) => newLayer(`lower${i}`, 'image', toLayer(dirOf(this.disk, d) ?? empty)));
    const upper = newLayer('upper', 'container', toLayer(upperDir ?? empty));
    const mount = new UnionMount({ lowers, upper, now: this.now });
    const before = mount.version;
    const result = op(new UnionFs(mount));
    if (mount.version !== before && upperDir) {
      const back = toDisk(upper.root, this.now(), countWhiteouts(upper.root) + 1) as MemDir;
      upperDir.children = back.children;
      upperDir.mtime = this.now();
      if (back.opaque) upperDir.opaque = true;
    }
    return result;
  }

  exists(abs: string): boolean {
    return this.with((u) => u.exists(abs));
  }

  isDir(abs: string): boolean {
    return this.with((u) => u.isDir(abs));
  }

  stat(abs: string): FsStat | FsErrorCode {
    return this.with((u) => u.stat(abs));
  }

  lstat(abs: string): FsStat | FsErrorCode {
    return this.with((u) => u.lstat(abs));
  }

  readFile(abs: string): string {
    return this.with((u) => u.readFile(abs));
  }

  tryRead(abs: string): { data: string } | { error: FsErrorCode } {
    return this.with((u) => u.tryRead(abs));
  }

  writeFile(abs: string, data: string, append = false): FsErrorCode | undefined {
    return this.with((u) => u.writeFile(abs, data, append));
  }

  openWrite(abs: string, append: boolean): FsWriter | FsErrorCode {
    const opened = this.with((u) => u.openWrite(abs, append));
    if (typeof opened === 'string') return opened;
    // Each write(2) is its own operation on the directories as they are then.
    return { write: (text) => this.with((u) => u.writeFile(abs, text, true)) };
  }

  touch(abs: string): FsErrorCode | undefined {
    return this.with((u) => u.touch(abs));
  }

  mkdir(abs: string, opts: { parents?: boolean } = {}): FsErrorCode | undefined {
    return this.with((u) => u.mkdir(abs, opts));
  }

  readdir(abs: string): string[] | FsErrorCode {
    return this.with((u) => u.readdir(abs));
  }

  remove(abs: string, opts: { recursive?: boolean; dir?: boolean } = {}): FsErrorCode | undefined {
    return this.with((u) => u.remove(abs, opts));
  }

  rename(from: string, to: string): FsErrorCode | undefined {
    return this.with((u) => u.rename(from, to));
  }

  copy(from: string, to: string): FsErrorCode | undefined {
    return this.with((u) => u.copy(from, to));
  }

  symlink(target: string, abs: string): FsErrorCode | undefined {
    return this.with((u) => u.symlink(target, abs));
  }

  readlink(abs: string): string | FsErrorCode {
    return this.with((u) => u.readlink(abs));
  }

  chmod(abs: string, mode: number): FsErrorCode | undefined {
    return this.with((u) => u.chmod(abs, mode));
  }

  link(existing: string, abs: string): FsErrorCode | undefined {
    return this.with((u) => u.link(existing, abs));
  }
}

/** A mount made on the host, as /proc/mounts lists it. */
export interface MadeMount {
  source: string;
  target: string;
  fstype: string;
  options: string;
}

const WRONG_FS = (fstype: string): string => `wrong fs type, bad option, bad superblock on ${fstype}, missing codepage or helper program, or other error.`;

/**
 * The host's mount(2) and umount(2): overlay mounts over directories of the
 * disk, put on the host's mount layer (`layer`, which the shell's files go
 * through) and listed in `table` (the kernel's, which /proc/mounts reads).
 * Errors are the messages util-linux's mount prints for the kernel's errno.
 */
export class HostMountTable {
  constructor(
    private readonly disk: MemFs,
    private readonly layer: MountedFs,
    private readonly table: MadeMount[],
    private readonly now: () => number = () => 0,
  ) {}

  mount(req: UtilMountRequest): string | undefined {
    const target = this.layer.stat(req.target);
    if (typeof target === 'string') return 'mount point does not exist.';
    if (target.kind !== 'dir') return 'mount point is not a directory.';
    // A Debian 12 kernel (6.1) has no aufs: the course's CentOS-era demo fails as it would there.
    if (req.fstype !== 'overlay') {
      if (['ext4', 'xfs', 'btrfs', 'vfat', 'iso9660'].includes(req.fstype)) return `special device ${req.source} does not exist.`;
      if (['tmpfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue', 'nfs', 'cifs', 'squashfs'].includes(req.fstype)) return `glassbox: -t ${req.fstype} is not simulated yet`;
      return `unknown filesystem type '${req.fstype}'.`;
    }
    const opts = new Map<string, string>();
    for (const o of req.options.split(',')) {
      const eq = o.indexOf('=');
      if (eq > 0) opts.set(o.slice(0, eq), o.slice(eq + 1));
    }
    const lower = opts.get('lowerdir');
    const upper = opts.get('upperdir');
    const work = opts.get('workdir');
    // No lowerdir, or an upperdir without a workdir: the kernel says EINVAL.
    if (lower === undefined || lower === '' || (upper !== undefined && work === undefined)) return WRONG_FS(req.fstype);
    if (upper === undefined) return 'glassbox: a read-only overlay (no upperdir) is not simulated yet';
    const abs = (d: string): string => resolvePath(d, req.cwd);
    const lowerdirs = lower.split(':').map(abs);
    for (const d of [...lowerdirs, abs(upper), abs(work!)]) {
      if (dirOf(this.disk, d) === undefined) return `special device ${req.source} does not exist.`;
    }
    const fs = new HostOverlayFs(this.disk, { lowerdirs, upperdir: abs(upper) }, this.now);
    this.layer.mount({ target: req.target, fs, source: '', readOnly: false });
    // Linux 6.1 lists the options as given (6.6 and later add uuid=on).
    this.table.push({ source: req.source, target: req.target, fstype: 'overlay', options: `rw,relatime,${req.options.split(',').filter((o) => o !== 'rw').join(',')}` });
    return undefined;
  }

  umount(target: string): boolean {
    if (!this.layer.unmount(target)) return false;
    for (let i = this.table.length - 1; i >= 0; i--) {
      if (this.table[i]!.target !== target) continue;
      this.table.splice(i, 1);
      break;
    }
    return true;
  }
}
