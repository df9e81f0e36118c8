/**
 * The images the simulator knows: busybox and hello-world, laid out exactly
 * like the offline test images the conformance suite runs against
 * (test/setup/images.sh) — a fresh engine pulls them from the simulated Hub,
 * and an engine started with `preload` has them already — and the rest of the
 * simulated Docker Hub's (hub.ts: alpine, ubuntu, centos, nginx, mysql, redis,
 * registry), each as its layers' diff trees, config and history — what
 * `docker pull`, `docker history` and `docker image inspect` show.
 *
 * Layer trees are built once, on first use, and shared: image layers are
 * never changed (a container writes to its own upper layer).
 */

import { type DirNode, type FileNode, type LayerDir, type SymlinkNode, type TreeNode } from '../unionfs/tree';
import { TreeBuilder } from './treeBuilder';

export type ImageFile = FileNode;
export type ImageDir = DirNode;
export type ImageSymlink = SymlinkNode;
export type ImageNode = TreeNode;

/** The parts of an image's Config (Engine API ContainerConfig) a container inherits. */
export interface ImageConfig {
  Env: string[] | null;
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  WorkingDir: string;
  User: string;
  Labels: Record<string, string> | null;
  /** EXPOSE'd ports ("80/tcp" → {}), which `docker run -P` publishes. */
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  StopSignal?: string;
}

/** One line of `docker history` (the image config's history, oldest first). */
export interface HistoryEntry {
  /** RFC 3339. */
  created: string;
  createdBy: string;
  comment?: string;
  author?: string;
  /** A step that made no layer (ENV, CMD, …). */
  emptyLayer?: boolean;
}

/** A layer as a registry serves it: its diff id and (built on demand) its tree. */
export interface CatalogLayer {
  diffId: string;
  tree(): LayerDir;
}

export interface CatalogImage {
  /** Familiar repository name: "busybox", "nginx". */
  repo: string;
  tags: string[];
  /** RFC 3339. */
  created: string;
  comment: string;
  config: ImageConfig;
  /** Lowest first; one per non-empty history entry. */
  layers: CatalogLayer[];
  history: HistoryEntry[];
  /** A fixed image id, for the local test images whose ids the conformance masks anyway; otherwise the id is the config's digest. */
  id?: string;
  /** Compressed download sizes per layer (what `docker pull` reports), bytes. */
  dockerVersion?: string;
}

/** A layer whose tree is built the first time it is asked for. */
export function lazyLayer(diffId: string, build: () => LayerDir): CatalogLayer {
  let tree: LayerDir | undefined;
  return {
    diffId,
    tree() {
      tree ??= build();
      return tree;
    },
  };
}

export const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Debian's busybox-static 1.35 applet list, as `ls /bin` shows it in the test image. */
export const busyboxApplets: readonly string[] = (
  '[ [[ acpid adjtimex ar arch arp arping ascii ash awk base64 basename bc blkdiscard blockdev brctl bunzip2 busybox bzcat bzip2 cal cat ' +
  'chgrp chmod chown chroot chvt clear cmp cp cpio crc32 crond crontab cttyhack cut date dc dd deallocvt depmod devmem df diff dirname dmesg ' +
  'dnsdomainname dos2unix dpkg dpkg-deb du dumpkmap dumpleases echo ed egrep env expand expr factor fallocate false fatattr fdisk fgrep find ' +
  'findfs fold free freeramdisk fsfreeze fstrim ftpget ftpput getopt getty grep groups gunzip gzip halt head hexdump hostid hostname httpd ' +
  'hwclock i2cdetect i2cdump i2cget i2cset i2ctransfer id ifconfig ifdown ifup init insmod ionice ip ipcalc ipneigh kill killall klogd last ' +
  'less link linux32 linux64 linuxrc ln loadfont loadkmap logger login logname logread losetup ls lsmod lsscsi lzcat lzma lzop md5sum mdev ' +
  'microcom mim mkdir mkdosfs mke2fs mkfifo mknod mkpasswd mkswap mktemp modinfo modprobe more mount mt mv nameif nc netstat nl nologin ' +
  'nproc nsenter nslookup nuke od openvt partprobe passwd paste patch pidof ping ping6 pivot_root poweroff printf ps pwd rdate readlink ' +
  'realpath reboot renice reset resume rev rm rmdir rmmod route rpm rpm2cpio run-init run-parts sed seq setkeycodes setpriv setsid sh ' +
  'sha1sum sha256sum sha3sum sha512sum shred shuf sleep sort ssl_client start-stop-daemon stat strings stty su sulogin svc svok swapoff ' +
  'swapon switch_root sync sysctl syslogd tac tail tar taskset tc tee telnet telnetd test tftp time timeout top touch tr traceroute ' +
  'traceroute6 true truncate ts tty tunctl ubirename udhcpc udhcpd uevent umount uname uncompress unexpand uniq unix2dos unlink unlzma ' +
  'unshare unxz unzip uptime usleep uudecode uuencode vconfig vi w watch watchdog wc wget which who whoami xargs xxd xz xzcat yes zcat'
).split(' ');


const BUSYBOX_BINARY_SIZE = 1_982_256;

const passwd =
  'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\n' +
  'sync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n' +
  'operator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n';

const group =
  'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\noperator:x:37:\n' +
  'staff:x:50:\nnogroup:x:65534:\n';

/** The busybox test image: Debian's busybox-static, every applet a hard link to it in /bin. */
function busyboxTree(): LayerDir {
  const b = new TreeBuilder();
  for (const d of ['/dev', '/home', '/lib', '/usr/sbin', '/var/spool/mail', '/var/www']) b.dir(d);
  b.dir('/root', 0o755); // as the test image has it (Debian's busybox-static layout, test/setup/images.sh)
  b.dir('/tmp', 0o1777);
  const busybox = b.binary('/bin/busybox', BUSYBOX_BINARY_SIZE, 'busybox');
  for (const applet of busyboxApplets) if (applet !== 'busybox') b.link(`/bin/${applet}`, busybox, applet);
  b.text('/etc/group', group).text('/etc/passwd', passwd);
  return b.finish();
}

/** The official hello-world message, byte for byte. */
export const helloMessage =
  '\nHello from Docker!\nThis message shows that your installation appears to be working correctly.\n\n' +
  'To generate this message, Docker took the following steps:\n' +
  ' 1. The Docker client contacted the Docker daemon.\n' +
  ' 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.\n' +
  '    (amd64)\n' +
  ' 3. The Docker daemon created a new container from that image which runs the\n' +
  '    executable that produces the output you are currently reading.\n' +
  ' 4. The Docker daemon streamed that output to the Docker client, which sent it\n' +
  '    to your terminal.\n\n' +
  'To try something more ambitious, you can run an Ubuntu container with:\n' +
  ' $ docker run -it ubuntu bash\n\n' +
  'Share images, automate workflows, and more with a free Docker ID:\n' +
  ' https://hub.docker.com/\n\n' +
  'For more examples and ideas, visit:\n' +
  ' https://docs.docker.com/get-started/\n\n';

/** The size of the static /hello the test set-up compiles (test/setup/images.sh). */
const HELLO_SIZE = 762_320;

function helloTree(): LayerDir {
  const b = new TreeBuilder();
  b.binary('/hello', HELLO_SIZE, 'hello', 0o775);
  return b.finish();
}

const busyboxLayer = lazyLayer('sha256:3d24ee258efc3bfe4066a1a9fb83febf6dc0b1548dfe896161533668281c9f4f', busyboxTree);
const helloLayer = lazyLayer('sha256:ac28800ec8bb38d5c35b49d45a6ac4777544941199075dff8c4eb63e093aa81e', helloTree);

/**
 * busybox and hello-world as the test set-up imports them (`docker import`
 * with ENV PATH and CMD), one layer each, history "Imported from -": what an
 * engine may start with (EngineOptions.preload) and what the simulated Hub
 * serves under those names, so a pulled busybox is the conformance host's.
 */
export function builtinImages(): CatalogImage[] {
  return [
    {
      id: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
      repo: 'busybox',
      tags: ['latest'],
      created: '2023-07-18T23:19:33.655005962Z',
      comment: 'Imported from -',
      config: { Env: [PATH_ENV], Cmd: ['sh'], Entrypoint: null, WorkingDir: '', User: '', Labels: null },
      layers: [busyboxLayer],
      history: [{ created: '2023-07-18T23:19:33.655005962Z', createdBy: '', comment: 'Imported from -' }],
    },
    {
      id: 'sha256:d2c94e258dcb3c5ac2798d32e1249e42ef01cba4841c2234249495f87264ac5a',
      repo: 'hello-world',
      tags: ['latest'],
      created: '2023-05-02T16:49:27.171046444Z',
      comment: 'Imported from -',
      config: { Env: [PATH_ENV], Cmd: ['/hello'], Entrypoint: null, WorkingDir: '', User: '', Labels: null },
      layers: [helloLayer],
      history: [{ created: '2023-05-02T16:49:27.171046444Z', createdBy: '', comment: 'Imported from -' }],
    },
  ];
}

/** A reference as Docker normalises it: `busybox` → `busybox:latest`; `docker.io/library/x` → `x:latest`. */
export function normalizeImageRef(ref: string): string {
  let r = ref;
  for (const prefix of ['docker.io/library/', 'index.docker.io/library/', 'library/']) {
    if (r.startsWith(prefix)) {
      r = r.slice(prefix.length);
      break;
    }
  }
  if (r.includes('@')) return r;
  const lastSlash = r.lastIndexOf('/');
  const hasTag = r.indexOf(':', lastSlash + 1) >= 0;
  return hasTag ? r : `${r}:latest`;
}

/** Looks up a path in a tree, following symlinks (at most 40); undefined when any component is missing. */
export function lookupPath(root: ImageDir, path: string): ImageNode | undefined {
  let pending = path.split('/');
  const stack: ImageNode[] = [root];
  let hops = 0;
  for (let i = 0; i < pending.length; i++) {
    const part = pending[i]!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const node = stack[stack.length - 1]!;
    if (node.kind !== 'dir') return undefined;
    const next = node.child ? node.child(part) : node.children.get(part);
    if (next === undefined) return undefined;
    if (next.kind === 'symlink') {
      if (++hops > 40) return undefined;
      if (next.target.startsWith('/')) stack.length = 1;
      pending = [...next.target.split('/'), ...pending.slice(i + 1)];
      i = -1;
      continue;
    }
    stack.push(next);
  }
  return stack[stack.length - 1];
}
