import { utf8Length } from '../utf8';
import { dirNode, type DirNode, type FileNode, type LayerDir, type TreeNode } from './tree';

/**
 * The init layer dockerd puts between an image and a container's upper layer
 * (daemon/initlayer.Setup): empty mount points and placeholder files that runc
 * later mounts over — /etc/hosts, /etc/hostname, /etc/resolv.conf, /dev/console,
 * /dev/pts, /dev/shm, /proc, /sys — /.dockerenv, and /etc/mtab → /proc/mounts.
 * As the "<id>-init/diff" directory holds it on a real host.
 */
export function initLayerTree(): LayerDir {
  const placeholder = (): FileNode => ({ kind: 'file', mode: 0o755, size: 0, content: '' });
  return dirNode(0o755, {
    '.dockerenv': placeholder(),
    dev: dirNode(0o755, { console: placeholder(), pts: dirNode(0o755), shm: dirNode(0o755) }),
    etc: dirNode(0o755, {
      hostname: placeholder(),
      hosts: placeholder(),
      mtab: { kind: 'symlink', mode: 0o777, target: '/proc/mounts' },
      'resolv.conf': placeholder(),
    }),
    proc: dirNode(0o755),
    sys: dirNode(0o755),
  });
}

export interface RuntimeFiles {
  hostname: string;
  /** /etc/hosts as the daemon writes it for the container. */
  hosts: string;
  resolvConf: string;
}

/** The default /etc/hosts of a container on the default bridge, before its address line. */
export const DEFAULT_HOSTS =
  '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';

function text(content: string, mode = 0o644): FileNode {
  return { kind: 'file', mode, size: utf8Length(content), content };
}

function device(): FileNode {
  return { kind: 'file', mode: 0o666, size: 0, content: '', sink: true };
}

/**
 * What runc mounts over the union when the container starts: the daemon's
 * per-container hostname/hosts/resolv.conf files (bind mounts from
 * /var/lib/docker/containers/<id>/), a tmpfs on /dev with the usual devices,
 * and proc and sysfs. None of these are in any layer: `docker diff` and
 * `docker commit` never see them.
 */
export function runtimeBinds(files: RuntimeFiles): Map<string, TreeNode> {
  const symlink = (target: string): TreeNode => ({ kind: 'symlink', mode: 0o777, target });
  const dev: DirNode = {
    kind: 'dir',
    mode: 0o755,
    children: new Map<string, TreeNode>([
      ['fd', symlink('/proc/self/fd')],
      ['full', device()],
      ['mqueue', { kind: 'dir', mode: 0o1777, children: new Map() }],
      ['null', device()],
      ['ptmx', symlink('pts/ptmx')],
      ['pts', { kind: 'dir', mode: 0o755, children: new Map() }],
      ['random', device()],
      ['shm', { kind: 'dir', mode: 0o1777, children: new Map() }],
      ['stderr', symlink('/proc/self/fd/2')],
      ['stdin', symlink('/proc/self/fd/0')],
      ['stdout', symlink('/proc/self/fd/1')],
      ['tty', device()],
      ['urandom', device()],
      ['zero', device()],
    ]),
  };
  return new Map<string, TreeNode>([
    ['/dev', dev],
    ['/proc', { kind: 'dir', mode: 0o555, children: new Map() }],
    ['/sys', { kind: 'dir', mode: 0o555, children: new Map() }],
    ['/etc/hostname', text(`${files.hostname}\n`)],
    ['/etc/hosts', text(files.hosts)],
    ['/etc/resolv.conf', text(files.resolvConf)],
  ]);
}
