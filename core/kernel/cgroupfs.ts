import { staticDir, type PDir, type PFile, type PNode } from '../shell/mountFs';
import type { Knob } from './cgroupKnobs';
import type { Kernel, KProcess } from './kernel';
import { pidIn } from './procTree';

/**
 * /sys/fs/cgroup as a process sees it. On the host: every hierarchy from its
 * root, where root may make cgroups (mkdir), set their knobs and move
 * processes into them (echo PID > tasks). In a container (cgroup v1, the host's
 * cgroup namespace): runc's read-only bind mounts of the container's own
 * cgroup at /sys/fs/cgroup/<hierarchy>, so memory.limit_in_bytes is the `-m`
 * value. `tasks` lists pids as the reader's pid namespace numbers them.
 */

export interface CgroupView {
  /** The reader's pid namespace (inode). */
  pidNs: number;
  /** Host pid of the reader: pids it writes are in its namespace, 0 is itself. */
  reader: number;
  /** A container's view of its own cgroup; the host's whole hierarchies when absent. */
  container?: string;
}

/** What a cgroup file shows: empty lists read as nothing, an empty cpuset as an empty line. */
function content(name: string, knob: Knob): string | { error: 'EINVAL' } {
  if (knob.value === null) return { error: 'EINVAL' };
  if (knob.value === '') return name.startsWith('cpuset.') ? '\n' : '';
  return knob.value + '\n';
}

function cgroupDir(kernel: Kernel, view: CgroupView, h: string, path: string, now: number): PDir {
  const hierarchy = kernel.hierarchy;
  const pidOf = (p: KProcess): number | undefined => pidIn(p, view.pidNs);
  const lookup = (n: number): KProcess | undefined => {
    if (n === 0) return kernel.process(view.reader);
    return kernel.processList().find((p) => pidIn(p, view.pidNs) === n);
  };
  const sub = (name: string): string => (path === '/' ? `/${name}` : `${path}/${name}`);
  const fileNode = (name: string, knob: Knob): PFile => {
    const node: PFile = {
      kind: 'file',
      mode: knob.mode,
      mtime: now,
      read: () => content(name, hierarchy.files(h, path, pidOf)[name] ?? knob),
      write: (data) => hierarchy.write(h, path, name, data, lookup),
    };
    if (!(knob.mode & 0o222)) node.openError = 'EACCES';
    return node;
  };
  const children = hierarchy.children(h, path);
  return {
    kind: 'dir',
    mode: 0o755,
    mtime: now,
    nlink: 2 + children.length,
    createError: 'EACCES',
    names: () => [...Object.keys(hierarchy.files(h, path, pidOf)), ...hierarchy.children(h, path)],
    child: (name): PNode | undefined => {
      if (hierarchy.children(h, path).includes(name)) return cgroupDir(kernel, view, h, sub(name), now);
      const knob = hierarchy.files(h, path, pidOf)[name];
      return knob ? fileNode(name, knob) : undefined;
    },
    mkdir: (name) => hierarchy.mkdir(h, sub(name)),
    rmdir: (name) => (hierarchy.children(h, path).includes(name) ? hierarchy.rmdir(h, sub(name)) : 'ENOENT'),
  };
}

/** The /sys/fs/cgroup a process sees (`view`). */
export function cgroupRoot(kernel: Kernel, view: CgroupView, now: number): PDir {
  const hierarchy = kernel.hierarchy;
  const own = view.container !== undefined ? kernel.cgroupPathOf(view.container) : undefined;
  if (kernel.cgroupVersion === 2) return cgroupDir(kernel, view, '', own ?? '/', now);
  // A container gets runc's binds of the v1 hierarchies (not cgroup2's unified one), on a tmpfs.
  const names = hierarchy.hierarchies().filter((h) => own === undefined || h !== 'unified');
  // Each hierarchy's directory is built only when a lookup enters it.
  return {
    kind: 'dir',
    mode: 0o755,
    mtime: kernel.bootTime,
    nlink: 2 + names.length,
    createError: 'EACCES',
    names: () => [...names],
    child: (h) => (names.includes(h) ? cgroupDir(kernel, view, h, own ?? '/', now) : undefined),
  };
}

/** The directories `ls /sys` shows (sysfs itself is not simulated beyond /sys/fs/cgroup: they are empty). */
const SYS_DIRS = ['block', 'bus', 'class', 'dev', 'devices', 'firmware', 'kernel', 'module', 'power'];
const SYS_FS_DIRS = ['bpf', 'btrfs', 'erofs', 'ext4', 'fuse', 'pstore', 'tmpfs', 'xfs'];

/** A container's /sys (mounted read-only): sysfs with runc's cgroup binds at fs/cgroup. */
export function sysRoot(kernel: Kernel, view: CgroupView, now: number): PDir {
  const empty = (mode = 0o755): PDir => staticDir(mode, [], { mtime: now });
  const cgroup = cgroupRoot(kernel, view, now);
  // In a container the cgroup binds sit on a tmpfs runc made read-only.
  if (view.container !== undefined) cgroup.mode = 0o555;
  const fs = staticDir(0o755, [...SYS_FS_DIRS.map((d) => [d, empty()] as const), ['cgroup', cgroup] as const], { mtime: now });
  return staticDir(0o555, [...SYS_DIRS.map((d) => [d, empty()] as const), ['fs', fs] as const], { mtime: now });
}
