/**
 * The images the simulated engine has "pulled": their metadata as `docker
 * image inspect` shows it and their root filesystem, enough for the programs
 * the simulator runs (`ls`, `cat /etc/passwd`, finding a command on $PATH).
 * Laid out like the test images the conformance suite runs against
 * (test/setup/images.sh): busybox with every applet in /bin, hello-world with
 * a single static /hello.
 */

import { utf8Length } from '../utf8';

export interface ImageFile {
  kind: 'file';
  mode: number;
  size: number;
  /** Text content, when a program may read it. */
  content?: string;
  /** The program the simulator runs when this file is executed (a busybox applet name, 'hello'). */
  program?: string;
}

export interface ImageDir {
  kind: 'dir';
  mode: number;
  children: Map<string, ImageNode>;
}

export interface ImageSymlink {
  kind: 'symlink';
  mode: number;
  target: string;
}

export type ImageNode = ImageFile | ImageDir | ImageSymlink;

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
}

export interface CatalogImage {
  /** sha256:… (64 hex). */
  id: string;
  repoTags: string[];
  /** RFC 3339. */
  created: string;
  /** Bytes. */
  size: number;
  /** Diff ids of the layers, lowest first. */
  layers: string[];
  config: ImageConfig;
  root: ImageDir;
}

function dir(mode: number, entries: Record<string, ImageNode> = {}): ImageDir {
  return { kind: 'dir', mode, children: new Map(Object.entries(entries)) };
}

function file(content: string, mode = 0o644): ImageFile {
  return { kind: 'file', mode, size: utf8Length(content), content };
}

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

function busyboxRoot(): ImageDir {
  const bin = dir(0o755);
  // Every applet is a hard link to the one busybox binary.
  for (const applet of busyboxApplets) bin.children.set(applet, { kind: 'file', mode: 0o755, size: BUSYBOX_BINARY_SIZE, program: applet });
  return dir(0o755, {
    bin,
    dev: dir(0o755),
    etc: dir(0o755, { group: file(group), passwd: file(passwd) }),
    home: dir(0o755),
    lib: dir(0o755),
    root: dir(0o700),
    tmp: dir(0o1777),
    usr: dir(0o755, { sbin: dir(0o755) }),
    var: dir(0o755, { spool: dir(0o755, { mail: dir(0o755) }), www: dir(0o755) }),
  });
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

/** The images a fresh simulated engine has. Fresh objects each call: engines never share mutable trees. */
export function builtinImages(): CatalogImage[] {
  return [
    {
      id: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
      repoTags: ['busybox:latest'],
      created: '2023-07-18T23:19:33.655005962Z',
      // The size of the test image the conformance suite compares against (busybox-static 1.35).
      size: 1_982_749,
      layers: ['sha256:3d24ee258efc3bfe4066a1a9fb83febf6dc0b1548dfe896161533668281c9f4f'],
      config: { Env: null, Cmd: ['sh'], Entrypoint: null, WorkingDir: '', User: '', Labels: null },
      root: busyboxRoot(),
    },
    {
      id: 'sha256:d2c94e258dcb3c5ac2798d32e1249e42ef01cba4841c2234249495f87264ac5a',
      repoTags: ['hello-world:latest'],
      created: '2023-05-02T16:49:27.171046444Z',
      size: 13_256,
      layers: ['sha256:ac28800ec8bb38d5c35b49d45a6ac4777544941199075dff8c4eb63e093aa81e'],
      config: { Env: null, Cmd: ['/hello'], Entrypoint: null, WorkingDir: '', User: '', Labels: null },
      root: dir(0o755, { hello: { kind: 'file', mode: 0o775, size: 13_256, program: 'hello' } }),
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

/** Looks up a path in an image tree; undefined when any component is missing. Follows no symlinks. */
export function lookupPath(root: ImageDir, path: string): ImageNode | undefined {
  let node: ImageNode = root;
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (node.kind !== 'dir') return undefined;
    const next = node.children.get(part);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}
