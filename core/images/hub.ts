import { busyboxApplets, lazyLayer, PATH_ENV, type CatalogImage, type CatalogLayer, type HistoryEntry, type ImageConfig } from './catalog';
import { sha256Digest } from './digest';
import { TreeBuilder } from './treeBuilder';

/**
 * The simulated Docker Hub: the official images the course pulls, modelled on
 * the real ones' `docker history` — the same steps, layer sizes and file
 * layout (Debian's merged /usr, Alpine's busybox links, nginx's
 * /etc/nginx and /usr/share/nginx/html …). Bulk entries (a distribution's
 * commands, libraries and package files) are generated from name lists.
 *
 * Layers are shared as on the real Hub: nginx, redis and mysql are built on
 * the same debian:bookworm-slim layer, registry on alpine's, so pulling one
 * after another reports "Already exists" for that layer.
 */

/** The steps of an image, oldest first: a layer (tree builder + exact size) or an empty step. */
interface Step {
  createdBy: string;
  created: string;
  comment?: string;
  /** Builds the layer; absent for an empty step (ENV, CMD …). */
  layer?: CatalogLayer;
}

/** A layer named by a seed (its diff id is the seed's digest: stable, and distinct per layer). */
function layer(seed: string, build: (b: TreeBuilder) => void, size: number): CatalogLayer {
  return lazyLayer(sha256Digest(`glassbox layer ${seed}`), () => {
    const b = new TreeBuilder();
    build(b);
    return b.finish(size);
  });
}

function image(repo: string, tags: string[], config: ImageConfig, steps: Step[]): CatalogImage {
  const history: HistoryEntry[] = steps.map((s) => ({
    created: s.created,
    createdBy: s.createdBy,
    ...(s.comment !== undefined ? { comment: s.comment } : {}),
    ...(s.layer === undefined ? { emptyLayer: true } : {}),
  }));
  const layers = steps.flatMap((s) => (s.layer ? [s.layer] : []));
  return { repo, tags, created: steps[steps.length - 1]!.created, comment: '', config, layers, history };
}

const BUILDKIT = 'buildkit.dockerfile.v0';

function buildkit(created: string, createdBy: string, l?: CatalogLayer): Step {
  return { created, createdBy, comment: BUILDKIT, ...(l ? { layer: l } : {}) };
}

function nop(created: string, instruction: string, l?: CatalogLayer): Step {
  return { created, createdBy: `/bin/sh -c #(nop) ${instruction}`, ...(l ? { layer: l } : {}) };
}

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

/** Each command in a distribution's bin directories runs the simulator's program of the same name (one it lacks says so when run). */
const byName = (names: readonly string[]): ReadonlySet<string> => new Set(names);

const COREUTILS = words(`[ arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown cksum comm cp csplit cut date dd df dir
  dircolors dirname du echo env expand expr factor false fmt fold groups head hostid id install join link ln logname ls md5sum mkdir
  mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd readlink realpath rm rmdir runcon
  seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty sum sync tac tail tee test timeout
  touch tr true truncate tsort tty uname unexpand uniq unlink users vdir wc who whoami yes`);

const DEBIAN_BIN = words(`bash dash grep egrep fgrep sed tar gzip gunzip zcat find xargs mount umount more login su passwd chsh chfn
  chage gpasswd newgrp hostname dpkg dpkg-deb dpkg-query dpkg-split dpkg-divert apt apt-get apt-cache apt-config apt-mark perl mawk
  diff cmp diff3 sdiff tzselect which getconf getent ldd iconv locale localedef catchsegv lsblk findmnt mesg wall script scriptreplay
  setsid setterm su whereis clear reset tput tic toe infocmp tabs captoinfo infotocap debconf debconf-show lastlog faillog expiry
  run-parts savelog tempfile ischroot rgrep zgrep zless zmore znew gzexe uncompress bashbug rbash`);

const DEBIAN_SBIN = words(`adduser addgroup deluser delgroup useradd userdel usermod groupadd groupdel groupmod chpasswd chgpasswd
  pwck grpck pwconv pwunconv grpconv grpunconv vipw vigr nologin ldconfig e2fsck mke2fs tune2fs fsck mkfs blkid fdisk sfdisk agetty
  losetup swapon swapoff pivot_root switch_root wipefs start-stop-daemon update-passwd installkernel shadowconfig zic iconvconfig
  killall5 runuser sulogin fstrim hwclock rtcwake`);

const BOOKWORM_PACKAGES = words(`adduser apt base-files base-passwd bash bsdutils coreutils dash debconf debian-archive-keyring
  debianutils diffutils dpkg e2fsprogs findutils gcc-12-base gpgv grep gzip hostname init-system-helpers libacl1 libapt-pkg6.0
  libattr1 libaudit-common libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1 libdb5.3
  libdebconfclient0 libext2fs2 libffi8 libgcc-s1 libgcrypt20 libgmp10 libgnutls30 libgpg-error0 libhogweed6 libidn2-0 liblz4-1
  liblzma5 libmd0 libmount1 libnettle8 libp11-kit0 libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre2-8-0
  libseccomp2 libselinux1 libsemanage-common libsemanage2 libsepol2 libsmartcols1 libss2 libstdc++6 libsystemd0 libtasn1-6
  libtinfo6 libudev1 libunistring2 libuuid1 libxxhash0 libzstd1 login logsave mawk mount ncurses-base ncurses-bin passwd perl-base
  sed sysvinit-utils tar tzdata usr-is-merged util-linux util-linux-extra zlib1g`);

const NOBLE_PACKAGES = words(`apt base-files base-passwd bash bsdutils coreutils dash debconf debianutils diffutils dpkg e2fsprogs
  findutils gcc-14-base gpgv grep gzip hostname init-system-helpers libacl1 libapt-pkg6.0t64 libattr1 libaudit-common libaudit1
  libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1 libdb5.3t64 libdebconfclient0 libext2fs2t64 libffi8
  libgcc-s1 libgcrypt20 libgmp10 libgnutls30t64 libgpg-error0 libhogweed6t64 libidn2-0 liblz4-1 liblzma5 libmd0 libmount1
  libnettle8t64 libp11-kit0 libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre2-8-0 libproc2-0 libseccomp2
  libselinux1 libsemanage-common libsemanage2 libsepol2 libsmartcols1 libss2 libssl3t64 libstdc++6 libsystemd0 libtasn1-6
  libtinfo6 libudev1 libunistring5 libuuid1 libxxhash0 libzstd1 login logsave mawk mount ncurses-base ncurses-bin passwd perl-base
  procps sed sensible-utils sysvinit-utils tar ubuntu-keyring util-linux zlib1g`);

/** Shared object names of the lib* packages, as /usr/lib/x86_64-linux-gnu holds them. */
function sharedObjects(packages: readonly string[]): string[] {
  return packages
    .filter((p) => p.startsWith('lib') && !p.includes('-common') && !p.includes('-modules') && !p.includes('-runtime'))
    .map((p) => {
      const m = /^(lib[a-z+_.-]*?)(-?[0-9.]+)?(t64)?$/.exec(p);
      const base = m ? m[1]!.replace(/-$/, '') : p;
      return `${base}.so.${m?.[2]?.replace(/^-/, '') ?? '1'}`;
    });
}

function debianPasswd(extra = ''): string {
  return (
    'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n' +
    'sys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\ngames:x:5:60:games:/usr/games:/usr/sbin/nologin\n' +
    'man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\nlp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\nmail:x:8:8:mail:/var/mail:/usr/sbin/nologin\n' +
    'news:x:9:9:news:/var/spool/news:/usr/sbin/nologin\nuucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n' +
    'proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n' +
    'backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\nlist:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n' +
    'irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n' +
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' +
    extra
  );
}

function debianGroup(extra = ''): string {
  const groups = 'root:0 daemon:1 bin:2 sys:3 adm:4 tty:5 disk:6 lp:7 mail:8 news:9 uucp:10 man:12 proxy:13 kmem:15 dialout:20 fax:21 voice:22 cdrom:24 floppy:25 tape:26 sudo:27 audio:29 dip:30 www-data:33 backup:34 operator:37 list:38 irc:39 src:40 shadow:42 utmp:43 video:44 sasl:45 plugdev:46 staff:50 games:60 users:100 nogroup:65534';
  return words(groups).map((g) => `${g.split(':')[0]}:x:${g.split(':')[1]}:\n`).join('') + extra;
}

function dpkgStatus(packages: readonly string[], version: string): string {
  return packages.map((p) => `Package: ${p}\nStatus: install ok installed\nPriority: required\nArchitecture: amd64\nVersion: ${version}\n\n`).join('');
}

/** A Debian-family root (merged /usr): directories, commands, libraries, package database and docs. */
function debianRoot(b: TreeBuilder, opts: { osRelease: string; packages: readonly string[]; version: string; extraEtc?: Record<string, string> }): void {
  for (const d of ['/boot', '/home', '/media', '/mnt', '/opt', '/proc', '/run/lock', '/srv', '/sys', '/usr/games', '/usr/include', '/usr/local/bin', '/usr/local/etc', '/usr/local/games', '/usr/local/include', '/usr/local/lib', '/usr/local/sbin', '/usr/local/share', '/usr/local/src', '/usr/src', '/var/backups', '/var/cache/apt', '/var/lib/apt/lists', '/var/lib/misc', '/var/local', '/var/log/apt', '/var/mail', '/var/opt', '/var/spool', '/dev', '/etc/apt/apt.conf.d', '/etc/apt/preferences.d', '/etc/apt/sources.list.d', '/etc/apt/trusted.gpg.d', '/etc/default', '/etc/init.d', '/etc/profile.d', '/etc/skel', '/etc/security']) b.dir(d);
  b.dir('/root', 0o700);
  b.dir('/tmp', 0o1777);
  b.dir('/var/tmp', 0o1777);
  b.symlink('/bin', 'usr/bin').symlink('/sbin', 'usr/sbin').symlink('/lib', 'usr/lib').symlink('/lib64', 'usr/lib64');
  b.symlink('/var/run', '/run').symlink('/var/lock', '/run/lock');
  b.text('/usr/lib/os-release', opts.osRelease).symlink('/etc/os-release', '../usr/lib/os-release');
  b.text('/etc/passwd', debianPasswd()).text('/etc/group', debianGroup());
  b.text('/etc/shadow', debianPasswd().split('\n').filter((l) => l !== '').map((l) => `${l.split(':')[0]}:*:19000:0:99999:7:::\n`).join(''), 0o640);
  b.text('/etc/shells', '# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n');
  b.text('/etc/hostname', '').text('/etc/issue.net', opts.osRelease.match(/PRETTY_NAME="([^"]*)"/)?.[1] + '\n');
  b.text('/etc/profile', 'if [ "$(id -u)" -eq 0 ]; then\n  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\nelse\n  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"\nfi\nexport PATH\n');
  b.text('/etc/bash.bashrc', "# System-wide .bashrc file for interactive bash(1) shells.\n[ -z \"$PS1\" ] && return\nPS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '\n");
  b.text('/etc/nsswitch.conf', 'passwd:         files\ngroup:          files\nshadow:         files\nhosts:          files dns\nnetworks:       files\n');
  b.text('/etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n\n');
  b.text('/root/.bashrc', "# ~/.bashrc: executed by bash(1) for non-login shells.\nexport LS_OPTIONS='--color=auto'\n");
  b.text('/root/.profile', '# ~/.profile: executed by Bourne-compatible login shells.\nif [ "$BASH" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n');
  for (const [path, content] of Object.entries(opts.extraEtc ?? {})) b.text(path, content);
  const bins = [...COREUTILS, ...DEBIAN_BIN];
  b.files('/usr/bin', bins, { mode: 0o755, programs: byName(bins), weight: 4 });
  b.symlink('/usr/bin/sh', 'dash').symlink('/usr/bin/awk', '/etc/alternatives/awk').symlink('/etc/alternatives/awk', '/usr/bin/mawk');
  b.files('/usr/sbin', DEBIAN_SBIN, { mode: 0o755, weight: 3 });
  b.files('/usr/lib/x86_64-linux-gnu', sharedObjects(opts.packages), { weight: 12 });
  b.symlink('/usr/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
  b.files('/usr/lib/x86_64-linux-gnu', ['ld-linux-x86-64.so.2', 'libc.so.6', 'libm.so.6', 'libresolv.so.2', 'libpthread.so.0'], { weight: 40 });
  b.files('/usr/share/zoneinfo', words('Africa America Antarctica Asia Atlantic Australia Europe Indian Pacific UTC Etc zone.tab zone1970.tab iso3166.tab leap-seconds.list'), { weight: 6 });
  b.files('/usr/share/perl5', words('Debconf Debian File Text'), { weight: 3 });
  b.files('/usr/lib/x86_64-linux-gnu/perl-base', words('strict.pm warnings.pm Carp.pm Exporter.pm POSIX.pm File IO Scalar Text constant.pm vars.pm'), { weight: 8 });
  for (const p of opts.packages) {
    b.files(`/usr/share/doc/${p}`, ['copyright'], { weight: 0.5 });
    b.files('/var/lib/dpkg/info', [`${p}.list`, `${p}.md5sums`], { weight: 0.3 });
  }
  b.text('/var/lib/dpkg/status', dpkgStatus(opts.packages, opts.version));
  b.files('/var/cache/debconf', words('config.dat templates.dat passwords.dat'), { weight: 2 });
  b.files('/var/log', words('alternatives.log dpkg.log lastlog wtmp btmp faillog'), { weight: 0.5 });
}


// ---------------------------------------------------------------------------
// Base layers (shared)

const DEBIAN_CREATED = '2024-11-11T00:00:00Z';

const debianOsRelease =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\n' +
  'ID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';

/** debian:bookworm-slim's one layer: the base of nginx, redis and mysql. */
const bookwormSlim = layer(
  'debian bookworm-slim 20241111',
  (b) =>
    debianRoot(b, {
      osRelease: debianOsRelease,
      packages: BOOKWORM_PACKAGES,
      version: '12.8',
      extraEtc: {
        '/etc/debian_version': '12.8\n',
        '/etc/issue': 'Debian GNU/Linux 12 \\n \\l\n\n',
        '/etc/apt/sources.list.d/debian.sources':
          'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' +
          'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
      },
    }),
  74_820_000,
);

const debianBase: Step[] = [
  nop(DEBIAN_CREATED, 'ADD file:d13afefcc2b0b02b598a3ac2598fe2187db41de1e17820e5b600a955b1429d59 in / ', bookwormSlim),
  nop(DEBIAN_CREATED, ' CMD ["bash"]'),
];

const ALPINE_CREATED = '2024-09-06T22:20:07.972381771Z';
const alpineOsRelease =
  'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n' +
  'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n';
const ALPINE_PACKAGES = words('alpine-baselayout alpine-baselayout-data alpine-keys apk-tools busybox busybox-binsh ca-certificates-bundle libcrypto3 libssl3 musl musl-utils scanelf ssl_client zlib');

/** alpine:3.20's one layer: musl, busybox with its applets as symlinks, apk. The base of registry. */
const alpineLayer = layer(
  'alpine 3.20.3',
  (b) => {
    for (const d of ['/dev', '/home', '/media/cdrom', '/media/floppy', '/media/usb', '/mnt', '/opt', '/proc', '/run', '/srv', '/sys', '/usr/local/bin', '/usr/local/lib', '/usr/local/share', '/var/cache/apk', '/var/empty', '/var/lib/misc', '/var/local', '/var/lock/subsys', '/var/log', '/var/mail', '/var/opt', '/var/spool/cron/crontabs', '/etc/apk/keys', '/etc/crontabs', '/etc/modprobe.d', '/etc/network/if-up.d', '/etc/opt', '/etc/periodic/daily', '/etc/profile.d', '/etc/ssl/certs', '/lib/apk/db', '/lib/firmware', '/lib/modules-load.d', '/usr/lib', '/usr/sbin', '/usr/share/apk/keys', '/usr/share/misc', '/sbin']) b.dir(d);
    b.dir('/root', 0o700);
    b.dir('/tmp', 0o1777);
    b.dir('/var/tmp', 0o1777);
    b.text('/etc/os-release', alpineOsRelease).text('/etc/alpine-release', '3.20.3\n');
    b.text('/etc/apk/repositories', 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n');
    b.text('/etc/apk/world', ALPINE_PACKAGES.filter((p) => ['alpine-baselayout', 'alpine-keys', 'apk-tools', 'busybox', 'libc-utils'].includes(p)).join('\n') + '\n');
    b.text('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nlp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\nsync:x:5:0:sync:/sbin:/bin/sync\nshutdown:x:6:0:shutdown:/sbin:/sbin/shutdown\nhalt:x:7:0:halt:/sbin:/sbin/halt\nmail:x:8:12:mail:/var/mail:/sbin/nologin\nnews:x:9:13:news:/usr/lib/news:/sbin/nologin\nuucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin\ncron:x:16:16:cron:/var/spool/cron:/sbin/nologin\nftp:x:21:21::/var/lib/ftp:/sbin/nologin\nsshd:x:22:22:sshd:/dev/null:/sbin/nologin\ngames:x:35:35:games:/usr/games:/sbin/nologin\nntp:x:123:123:NTP:/var/empty:/sbin/nologin\nguest:x:405:100:guest:/dev/null:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n');
    b.text('/etc/group', 'root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nsys:x:3:root,bin\nadm:x:4:root,daemon\ntty:x:5:\ndisk:x:6:root\nlp:x:7:lp\nkmem:x:9:\nwheel:x:10:root\nfloppy:x:11:root\nmail:x:12:mail\nnews:x:13:news\nuucp:x:14:uucp\ncron:x:16:cron\naudio:x:18:\ncdrom:x:19:\ndialout:x:20:root\nftp:x:21:\nsshd:x:22:\ninput:x:23:\ntape:x:26:root\nvideo:x:27:root\nnetdev:x:28:\nkvm:x:34:kvm\ngames:x:35:\nshadow:x:42:\nwww-data:x:82:\nusers:x:100:games\nntp:x:123:\nabuild:x:300:\nutmp:x:406:\nping:x:999:\nnogroup:x:65533:\nnobody:x:65534:\n');
    b.text('/etc/shells', '# valid login shells\n/bin/sh\n/bin/ash\n');
    b.text('/etc/hostname', 'localhost\n').text('/etc/motd', 'Welcome to Alpine!\n\nThe Alpine Wiki contains a large amount of how-to guides and general\ninformation about administrating Alpine systems.\nSee <https://wiki.alpinelinux.org/>.\n\nYou can setup the system with the command: setup-alpine\n\nYou may change this message by editing /etc/motd.\n\n');
    b.text('/etc/profile', 'export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\nexport PAGER=less\numask 022\n');
    b.text('/lib/apk/db/installed', ALPINE_PACKAGES.map((p) => `P:${p}\nV:3.20.3-r0\nA:x86_64\n\n`).join(''));
    b.binary('/bin/busybox', 808_712, 'busybox');
    for (const applet of busyboxApplets) if (applet !== 'busybox') b.symlink(`/bin/${applet}`, '/bin/busybox');
    b.files('/lib', ['ld-musl-x86_64.so.1'], { mode: 0o755, weight: 60 });
    b.symlink('/lib/libc.musl-x86_64.so.1', 'ld-musl-x86_64.so.1');
    b.files('/lib', ['libz.so.1.3.1', 'libapk.so.2.14.0'], { mode: 0o755, weight: 10 });
    b.files('/usr/lib', ['libcrypto.so.3', 'libssl.so.3'], { mode: 0o755, weight: 300 });
    b.files('/sbin', ['apk', 'ldconfig', 'mkmntdirs'], { mode: 0o755, weight: 8 });
    b.files('/usr/bin', ['getconf', 'getent', 'iconv', 'ldd', 'scanelf', 'ssl_client'], { mode: 0o755, weight: 4 });
    b.files('/etc/apk/keys', ['alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub', 'alpine-devel@lists.alpinelinux.org-61666e3f.rsa.pub'], { weight: 0.2 });
    b.files('/etc/ssl/certs', ['ca-certificates.crt'], { weight: 150 });
    b.files('/etc/ssl', ['openssl.cnf', 'ct_log_list.cnf'], { weight: 8 });
  },
  7_797_760,
);

const alpineBase: Step[] = [
  nop(ALPINE_CREATED, 'ADD file:5758b97d8301c84a204a6e516241275d785a7cb2f9a6cf1a0c4c5e7b1c6b7fbe in / ', alpineLayer),
  nop('2024-09-06T22:20:08.154932745Z', ' CMD ["/bin/sh"]'),
];

// ---------------------------------------------------------------------------
// Images

const NGINX_CREATED = '2024-11-12T02:53:28Z';
const nginxIndex =
  '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\n' +
  'font-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\n' +
  'working. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href="http://nginx.org/">nginx.org</a>.<br/>\n' +
  'Commercial support is available at\n<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n';
const nginxConf =
  '\nuser  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\n\nevents {\n    worker_connections  1024;\n}\n\n\n' +
  'http {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n\n    log_format  main  \'$remote_addr - $remote_user [$time_local] "$request" \'\n' +
  '                      \'$status $body_bytes_sent "$http_referer" \'\n                      \'"$http_user_agent" "$http_x_forwarded_for"\';\n\n' +
  '    access_log  /var/log/nginx/access.log  main;\n\n    sendfile        on;\n    #tcp_nopush     on;\n\n    keepalive_timeout  65;\n\n    #gzip  on;\n\n' +
  '    include /etc/nginx/conf.d/*.conf;\n}\n';
const nginxDefaultConf =
  'server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    #access_log  /var/log/nginx/host.access.log  main;\n\n' +
  '    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    #error_page  404              /404.html;\n\n' +
  '    # redirect server error pages to the static page /50x.html\n    #\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n' +
  '        root   /usr/share/nginx/html;\n    }\n}\n\n';

/** A COPY of one script into the image (a layer with one file of the real size). */
function script(seed: string, path: string, size: number, program?: string): CatalogLayer {
  return layer(seed, (b) => void b.binary(path, size, program, 0o775), size);
}

/** The Debian packaging work of a RUN step: the user, the files it installs, dpkg's updated status (replacing the base's). */
function debianInstall(seed: string, size: number, opts: { user?: string; group?: string; build: (b: TreeBuilder) => void; packages?: string[] }): CatalogLayer {
  return layer(
    seed,
    (b) => {
      if (opts.user !== undefined) b.text('/etc/passwd', debianPasswd(opts.user)).text('/etc/group', debianGroup(opts.group ?? ''));
      if (opts.packages) {
        b.text('/var/lib/dpkg/status', dpkgStatus([...BOOKWORM_PACKAGES, ...opts.packages], '12.8'));
        for (const p of opts.packages) {
          b.files(`/usr/share/doc/${p}`, ['copyright', 'changelog.Debian.gz'], { weight: 0.5 });
          b.files('/var/lib/dpkg/info', [`${p}.list`, `${p}.md5sums`], { weight: 0.3 });
        }
      }
      opts.build(b);
    },
    size,
  );
}

const nginx = image(
  'nginx',
  ['latest', '1.27', '1.27.2', 'mainline'],
  {
    Env: [PATH_ENV, 'NGINX_VERSION=1.27.2', 'NJS_VERSION=0.8.7', 'NJS_RELEASE=1~bookworm', 'PKG_RELEASE=1~bookworm', 'DYNPKG_RELEASE=1~bookworm'],
    Cmd: ['nginx', '-g', 'daemon off;'],
    Entrypoint: ['/docker-entrypoint.sh'],
    WorkingDir: '',
    User: '',
    Labels: { maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' },
    ExposedPorts: { '80/tcp': {} },
    StopSignal: 'SIGQUIT',
  },
  [
    ...debianBase,
    buildkit(NGINX_CREATED, 'LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>'),
    buildkit(NGINX_CREATED, 'ENV NGINX_VERSION=1.27.2'),
    buildkit(NGINX_CREATED, 'ENV NJS_VERSION=0.8.7'),
    buildkit(NGINX_CREATED, 'ENV NJS_RELEASE=1~bookworm'),
    buildkit(NGINX_CREATED, 'ENV PKG_RELEASE=1~bookworm'),
    buildkit(NGINX_CREATED, 'ENV DYNPKG_RELEASE=1~bookworm'),
    buildkit(
      NGINX_CREATED,
      'RUN /bin/sh -c set -x     && groupadd --system --gid 101 nginx     && useradd --system --gid nginx --no-create-home --home /nonexistent --comment "nginx user" --shell /bin/false --uid 101 nginx     && apt-get update     && apt-get install --no-install-recommends --no-install-suggests -y gnupg1 ca-certificates     &&     NGINX_GPGKEYS="573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62 8540A6F18833A80E9C1653A42FD21310B49F6B46 9E9BE90EACBCDE69FE9B204CBCDCD8A38D88A2B3";     NGINX_GPGKEY_PATH=/etc/apt/keyrings/nginx-archive-keyring.gpg;     export GNUPGHOME="$(mktemp -d)";     found="";     for NGINX_GPGKEY in $NGINX_GPGKEYS; do     for server in         hkp://keyserver.ubuntu.com:80         pgp.mit.edu     ; do         echo "Fetching GPG key $NGINX_GPGKEY from $server";         gpg1 --keyserver "$server" --keyserver-options timeout=10 --recv-keys "$NGINX_GPGKEY" && found=yes && break;     done;     test -z "$found" && echo >&2 "error: failed to fetch GPG key $NGINX_GPGKEY" && exit 1;     done;     gpg1 --export "$NGINX_GPGKEYS" > "$NGINX_GPGKEY_PATH" ;     rm -rf "$GNUPGHOME";     apt-get remove --purge --auto-remove -y gnupg1 && rm -rf /var/lib/apt/lists/*     && dpkgArch="$(dpkg --print-architecture)"     && nginxPackages="         nginx=${NGINX_VERSION}-${PKG_RELEASE}         nginx-module-xslt=${NGINX_VERSION}-${DYNPKG_RELEASE}         nginx-module-geoip=${NGINX_VERSION}-${DYNPKG_RELEASE}         nginx-module-image-filter=${NGINX_VERSION}-${DYNPKG_RELEASE}         nginx-module-njs=${NGINX_VERSION}+${NJS_VERSION}-${NJS_RELEASE}     "     && apt-get install --no-install-recommends --no-install-suggests -y $nginxPackages gettext-base curl     && apt-get remove --purge --auto-remove -y && rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/nginx.list     && ln -sf /dev/stdout /var/log/nginx/access.log     && ln -sf /dev/stderr /var/log/nginx/error.log     && mkdir /docker-entrypoint.d # buildkit',
      debianInstall('nginx 1.27.2 install', 117_120_000, {
        user: 'nginx:x:101:101:nginx user:/nonexistent:/bin/false\n',
        group: 'nginx:x:101:\n',
        packages: words('nginx nginx-module-xslt nginx-module-geoip nginx-module-image-filter nginx-module-njs gettext-base curl ca-certificates libcurl4 libssl3 libxml2 libxslt1.1 libgd3 libgeoip1 openssl libpcre2-8-0 libnghttp2-14 libpsl5 librtmp1 libssh2-1 libldap-2.5-0 libkrb5-3 libjpeg62-turbo libpng16-16 libfreetype6 libfontconfig1 libtiff6 libwebp7'),
        build: (b) => {
          b.dir('/docker-entrypoint.d');
          b.dir('/var/cache/nginx', 0o755);
          b.binary('/usr/sbin/nginx', 1_406_096, 'nginx');
          b.binary('/usr/sbin/nginx-debug', 1_517_520, 'nginx');
          b.text('/etc/nginx/nginx.conf', nginxConf).text('/etc/nginx/conf.d/default.conf', nginxDefaultConf);
          b.files('/etc/nginx', words('fastcgi_params mime.types scgi_params uwsgi_params'), { weight: 0.3 });
          b.symlink('/etc/nginx/modules', '../../usr/lib/nginx/modules');
          b.files('/usr/lib/nginx/modules', words('ngx_http_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so ngx_http_xslt_filter_module.so ngx_stream_geoip_module.so ngx_stream_js_module.so'), { weight: 10 });
          b.text('/usr/share/nginx/html/index.html', nginxIndex);
          b.text('/usr/share/nginx/html/50x.html', '<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n</body>\n</html>\n');
          b.symlink('/var/log/nginx/access.log', '/dev/stdout').symlink('/var/log/nginx/error.log', '/dev/stderr');
          b.files('/usr/bin', words('curl envsubst gettext njs openssl'), { mode: 0o755, weight: 20 });
          b.files('/usr/lib/x86_64-linux-gnu', sharedObjects(words('libcurl4 libxml2 libxslt1.1 libgd3 libgeoip1 libnghttp2-14 libpsl5 librtmp1 libssh2-1 libkrb5-3 libjpeg62-turbo libpng16-16 libfreetype6 libfontconfig1 libtiff6 libwebp7 libssl3 libicu72')), { weight: 60 });
          b.files('/usr/share/GeoIP', ['GeoIP.dat', 'GeoIPv6.dat'], { weight: 20 });
          b.files('/etc/ssl/certs', ['ca-certificates.crt'], { weight: 4 });
        },
      }),
    ),
    buildkit(NGINX_CREATED, 'COPY docker-entrypoint.sh / # buildkit', script('nginx entrypoint', '/docker-entrypoint.sh', 1_620, 'nginx')),
    buildkit(NGINX_CREATED, 'COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d # buildkit', script('nginx 10-listen', '/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh', 2_125)),
    buildkit(NGINX_CREATED, 'COPY 15-local-resolvers.envsh /docker-entrypoint.d # buildkit', script('nginx 15-local-resolvers', '/docker-entrypoint.d/15-local-resolvers.envsh', 336)),
    buildkit(NGINX_CREATED, 'COPY 20-envsubst-on-templates.sh /docker-entrypoint.d # buildkit', script('nginx 20-envsubst', '/docker-entrypoint.d/20-envsubst-on-templates.sh', 3_018)),
    buildkit(NGINX_CREATED, 'COPY 30-tune-worker-processes.sh /docker-entrypoint.d # buildkit', script('nginx 30-tune', '/docker-entrypoint.d/30-tune-worker-processes.sh', 4_620)),
    buildkit(NGINX_CREATED, 'ENTRYPOINT ["/docker-entrypoint.sh"]'),
    buildkit(NGINX_CREATED, 'EXPOSE map[80/tcp:{}]'),
    buildkit(NGINX_CREATED, 'STOPSIGNAL SIGQUIT'),
    buildkit(NGINX_CREATED, 'CMD ["nginx" "-g" "daemon off;"]'),
  ],
);

const REDIS_CREATED = '2024-10-03T01:22:45Z';
const GOSU = 'RUN /bin/sh -c set -eux;     savedAptMark="$(apt-mark showmanual)";     apt-get update;     apt-get install -y --no-install-recommends ca-certificates gnupg wget;     rm -rf /var/lib/apt/lists/*;     arch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')";     case "$arch" in         \'amd64\') url=\'https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64\'; sha256=\'bbc4136d03ab138b1ad66fa4fc051bafc6cc7ffae632b069a53657279a450de3\' ;;         *) echo >&2 "error: unsupported gosu architecture: \'$arch\'"; exit 1 ;;     esac;     wget -O /usr/local/bin/gosu "$url";     echo "$sha256 */usr/local/bin/gosu" | sha256sum -c -;     chmod +x /usr/local/bin/gosu;     gosu --version;     gosu nobody true # buildkit';

function gosuLayer(seed: string): CatalogLayer {
  return layer(
    seed,
    (b) => {
      b.binary('/usr/local/bin/gosu', 2_318_336, undefined, 0o755);
      b.files('/usr/share/doc/gosu', ['copyright'], { weight: 1 });
    },
    2_330_000,
  );
}

const redis = image(
  'redis',
  ['latest', '7.4', '7.4.1', '7'],
  {
    Env: [PATH_ENV, 'GOSU_VERSION=1.17', 'REDIS_VERSION=7.4.1', 'REDIS_DOWNLOAD_URL=http://download.redis.io/releases/redis-7.4.1.tar.gz', 'REDIS_DOWNLOAD_SHA=bc34c5d8ed8d7dbbbc2d2b2bce2e3f9bbfd8db45b3a7c6e4a2c1b0c9e4c9a6a8'],
    Cmd: ['redis-server'],
    Entrypoint: ['docker-entrypoint.sh'],
    WorkingDir: '/data',
    User: '',
    Labels: null,
    ExposedPorts: { '6379/tcp': {} },
    Volumes: { '/data': {} },
  },
  [
    ...debianBase,
    buildkit(
      REDIS_CREATED,
      'RUN /bin/sh -c set -eux; \tgroupadd -r -g 999 redis; \tuseradd -r -g redis -u 999 redis # buildkit',
      layer('redis useradd', (b) => void b.text('/etc/passwd', debianPasswd('redis:x:999:999::/home/redis:/bin/sh\n')).text('/etc/group', debianGroup('redis:x:999:\n')), 0),
    ),
    buildkit(REDIS_CREATED, 'ENV GOSU_VERSION=1.17'),
    buildkit(REDIS_CREATED, GOSU, gosuLayer('redis gosu')),
    buildkit(REDIS_CREATED, 'ENV REDIS_VERSION=7.4.1'),
    buildkit(REDIS_CREATED, 'ENV REDIS_DOWNLOAD_URL=http://download.redis.io/releases/redis-7.4.1.tar.gz'),
    buildkit(REDIS_CREATED, 'ENV REDIS_DOWNLOAD_SHA=bc34c5d8ed8d7dbbbc2d2b2bce2e3f9bbfd8db45b3a7c6e4a2c1b0c9e4c9a6a8'),
    buildkit(
      REDIS_CREATED,
      'RUN /bin/sh -c set -eux; \t\tsavedAptMark="$(apt-mark showmanual)"; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates \t\twget \t\t\t\tdpkg-dev \t\tgcc \t\tlibc6-dev \t\tlibssl-dev \t\tmake \t; \t\twget -O redis.tar.gz "$REDIS_DOWNLOAD_URL"; \techo "$REDIS_DOWNLOAD_SHA *redis.tar.gz" | sha256sum -c -; \tmkdir -p /usr/src/redis; \ttar -xzf redis.tar.gz -C /usr/src/redis --strip-components=1; \trm redis.tar.gz; \t\tmake -C /usr/src/redis -j "$(nproc)" all; \tmake -C /usr/src/redis install; \t\trm -r /usr/src/redis; \t\tapt-mark auto \'.*\' > /dev/null; \tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \t\tredis-cli --version; \tredis-server --version # buildkit',
      layer(
        'redis 7.4.1 build',
        (b) => {
          b.binary('/usr/local/bin/redis-server', 16_523_456, 'redis-server');
          b.binary('/usr/local/bin/redis-cli', 8_214_528, 'redis-cli');
          b.binary('/usr/local/bin/redis-benchmark', 7_812_096, 'redis-benchmark');
          for (const n of ['redis-check-aof', 'redis-check-rdb', 'redis-sentinel']) b.symlink(`/usr/local/bin/${n}`, 'redis-server');
          b.files('/usr/lib/x86_64-linux-gnu', ['libssl.so.3', 'libcrypto.so.3'], { weight: 10 });
          b.files('/usr/lib/x86_64-linux-gnu/engines-3', ['afalg.so', 'loader_attic.so', 'padlock.so'], { weight: 1 });
          b.files('/etc/ssl/certs', ['ca-certificates.crt'], { weight: 1 });
        },
        40_790_000,
      ),
    ),
    buildkit(REDIS_CREATED, 'RUN /bin/sh -c mkdir /data && chown redis:redis /data # buildkit', layer('redis /data', (b) => void b.dir('/data'), 0)),
    buildkit(REDIS_CREATED, 'VOLUME [/data]'),
    buildkit(REDIS_CREATED, 'WORKDIR /data'),
    buildkit(REDIS_CREATED, 'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', script('redis entrypoint', '/usr/local/bin/docker-entrypoint.sh', 4_916, 'redis-server')),
    buildkit(REDIS_CREATED, 'ENTRYPOINT ["docker-entrypoint.sh"]'),
    buildkit(REDIS_CREATED, 'EXPOSE map[6379/tcp:{}]'),
    buildkit(REDIS_CREATED, 'CMD ["redis-server"]'),
  ],
);

const MYSQL_CREATED = '2024-10-15T21:46:00Z';
const mysql = image(
  'mysql',
  ['latest', '8.0', '8.0.40', '8'],
  {
    Env: [PATH_ENV, 'GOSU_VERSION=1.17', 'MYSQL_MAJOR=8.0', 'MYSQL_VERSION=8.0.40-1debian12'],
    Cmd: ['mysqld'],
    Entrypoint: ['docker-entrypoint.sh'],
    WorkingDir: '',
    User: '',
    Labels: null,
    ExposedPorts: { '3306/tcp': {}, '33060/tcp': {} },
    Volumes: { '/var/lib/mysql': {} },
  },
  [
    ...debianBase,
    buildkit(
      MYSQL_CREATED,
      'RUN /bin/sh -c groupadd -r mysql && useradd -r -g mysql mysql # buildkit',
      layer('mysql useradd', (b) => void b.text('/etc/passwd', debianPasswd('mysql:x:999:999::/home/mysql:/bin/sh\n')).text('/etc/group', debianGroup('mysql:x:999:\n')), 0),
    ),
    buildkit(MYSQL_CREATED, 'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends gnupg && rm -rf /var/lib/apt/lists/* # buildkit', debianInstall('mysql gnupg', 10_680_000, { packages: words('gnupg gpg gpg-agent dirmngr gpgconf libassuan0 libksba8 libnpth0 libreadline8 libsqlite3-0 pinentry-curses'), build: (b) => void b.files('/usr/bin', words('gpg gpg-agent gpgconf dirmngr gpgsm'), { mode: 0o755, weight: 20 }) })),
    buildkit(MYSQL_CREATED, 'ENV GOSU_VERSION=1.17'),
    buildkit(MYSQL_CREATED, GOSU, gosuLayer('mysql gosu')),
    buildkit(MYSQL_CREATED, 'RUN /bin/sh -c mkdir /docker-entrypoint-initdb.d # buildkit', layer('mysql initdb.d', (b) => void b.dir('/docker-entrypoint-initdb.d'), 0)),
    buildkit(MYSQL_CREATED, 'RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tbzip2 \t\topenssl \t\tperl \t\txz-utils \t\tzstd \t; \trm -rf /var/lib/apt/lists/* # buildkit', debianInstall('mysql tools', 38_400_000, { packages: words('bzip2 openssl perl perl-modules-5.36 libperl5.36 xz-utils zstd libssl3 libgdbm6 libgdbm-compat4'), build: (b) => void b.files('/usr/bin', words('bzip2 openssl perl perl5.36.0 xz unxz zstd unzstd'), { mode: 0o755, weight: 10 }) })),
    buildkit(MYSQL_CREATED, "RUN /bin/sh -c set -eux; \tkey='BCA4 3417 C3B4 85DD 128E C6D4 B7B3 B788 A8D3 785C'; \texport GNUPGHOME=\"$(mktemp -d)\"; \tgpg --batch --keyserver keyserver.ubuntu.com --recv-keys \"$key\"; \tmkdir -p /etc/apt/keyrings; \tgpg --batch --export \"$key\" > /etc/apt/keyrings/mysql.gpg; \tgpgconf --kill all; \trm -rf \"$GNUPGHOME\" # buildkit", layer('mysql key', (b) => void b.binary('/etc/apt/keyrings/mysql.gpg', 1_828, undefined, 0o644), 1_828)),
    buildkit(MYSQL_CREATED, 'ENV MYSQL_MAJOR=8.0'),
    buildkit(MYSQL_CREATED, 'ENV MYSQL_VERSION=8.0.40-1debian12'),
    buildkit(MYSQL_CREATED, "RUN /bin/sh -c echo 'deb [ signed-by=/etc/apt/keyrings/mysql.gpg ] http://repo.mysql.com/apt/debian/ bookworm mysql-8.0' > /etc/apt/sources.list.d/mysql.list # buildkit", layer('mysql list', (b) => void b.text('/etc/apt/sources.list.d/mysql.list', 'deb [ signed-by=/etc/apt/keyrings/mysql.gpg ] http://repo.mysql.com/apt/debian/ bookworm mysql-8.0\n'), 97)),
    buildkit(
      MYSQL_CREATED,
      'RUN /bin/sh -c { \t\techo mysql-community-server mysql-community-server/data-dir select \'\'; \t\techo mysql-community-server mysql-community-server/root-pass password \'\'; \t\techo mysql-community-server mysql-community-server/re-root-pass password \'\'; \t\techo mysql-community-server mysql-community-server/remove-test-db select false; \t} | debconf-set-selections \t&& apt-get update \t&& apt-get install -y \t\tmysql-community-client="${MYSQL_VERSION}" \t\tmysql-community-server-core="${MYSQL_VERSION}" \t&& rm -rf /var/lib/apt/lists/* \t&& rm -rf /var/lib/mysql && mkdir -p /var/lib/mysql /var/run/mysqld \t&& chown -R mysql:mysql /var/lib/mysql /var/run/mysqld \t&& chmod 1777 /var/run/mysqld /var/lib/mysql # buildkit',
      debianInstall('mysql 8.0.40 server', 428_600_000, {
        packages: words('mysql-common mysql-community-client mysql-community-client-core mysql-community-client-plugins mysql-community-server-core libaio1 libnuma1 libmecab2 libicu72 psmisc'),
        build: (b) => {
          b.binary('/usr/sbin/mysqld', 121_452_544, 'mysqld');
          b.files('/usr/bin', words('mysql mysqladmin mysqlbinlog mysqlcheck mysqldump mysqlimport mysqlpump mysqlshow mysqlslap mysql_config_editor mysql_migrate_keyring mysql_secure_installation mysql_ssl_rsa_setup mysql_tzinfo_to_sql mysql_upgrade my_print_defaults perror'), { mode: 0o755, weight: 40 });
          b.files('/usr/lib/mysql/plugin', words('auth_socket.so component_validate_password.so group_replication.so keyring_file.so mysql_clone.so semisync_master.so semisync_replica.so validate_password.so'), { weight: 20 });
          b.files('/usr/share/mysql-8.0', words('charsets english errmsg-utf8.txt messages_to_clients.txt messages_to_error_log.txt dictionary.txt'), { weight: 10 });
          b.text('/etc/mysql/my.cnf', '[mysqld]\nhost-cache-size=0\nskip-name-resolve\ndatadir=/var/lib/mysql\nsocket=/var/run/mysqld/mysqld.sock\nsecure-file-priv=/var/lib/mysql-files\nuser=mysql\n\npid-file=/var/run/mysqld/mysqld.pid\n[client]\nsocket=/var/run/mysqld/mysqld.sock\n\n!includedir /etc/mysql/conf.d/\n');
          b.dir('/etc/mysql/conf.d');
          b.dir('/var/lib/mysql', 0o1777);
          b.dir('/var/lib/mysql-files', 0o700);
          b.dir('/var/run/mysqld', 0o1777);
          b.files('/usr/lib/x86_64-linux-gnu', sharedObjects(words('libaio1 libnuma1 libmecab2 libicu72 libprotobuf-lite32 libprotobuf32')), { weight: 40 });
        },
      }),
    ),
    buildkit(MYSQL_CREATED, 'VOLUME [/var/lib/mysql]'),
    buildkit(MYSQL_CREATED, 'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', script('mysql entrypoint', '/usr/local/bin/docker-entrypoint.sh', 15_102, 'mysqld')),
    buildkit(MYSQL_CREATED, 'RUN /bin/sh -c ln -s usr/local/bin/docker-entrypoint.sh /entrypoint.sh # backwards compat # buildkit', layer('mysql compat link', (b) => void b.symlink('/entrypoint.sh', 'usr/local/bin/docker-entrypoint.sh'), 34)),
    buildkit(MYSQL_CREATED, 'ENTRYPOINT ["docker-entrypoint.sh"]'),
    buildkit(MYSQL_CREATED, 'EXPOSE map[3306/tcp:{} 33060/tcp:{}]'),
    buildkit(MYSQL_CREATED, 'CMD ["mysqld"]'),
  ],
);

const alpine = image('alpine', ['latest', '3.20', '3.20.3', '3'], { Env: [PATH_ENV], Cmd: ['/bin/sh'], Entrypoint: null, WorkingDir: '', User: '', Labels: null }, alpineBase);

const REGISTRY_CREATED = '2024-09-07T00:14:03Z';
const registryConfig =
  'version: 0.1\nlog:\n  fields:\n    service: registry\nstorage:\n  cache:\n    blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: /var/lib/registry\nhttp:\n' +
  '  addr: :5000\n  headers:\n    X-Content-Type-Options: [nosniff]\nhealth:\n  storagedriver:\n    enabled: true\n    interval: 10s\n    threshold: 3\n';
const registry = image(
  'registry',
  ['latest', '2', '2.8', '2.8.3'],
  { Env: [PATH_ENV], Cmd: ['/etc/docker/registry/config.yml'], Entrypoint: ['/entrypoint.sh'], WorkingDir: '', User: '', Labels: null, ExposedPorts: { '5000/tcp': {} }, Volumes: { '/var/lib/registry': {} } },
  [
    ...alpineBase,
    buildkit(REGISTRY_CREATED, 'RUN /bin/sh -c apk add --no-cache ca-certificates # buildkit', layer('registry ca-certificates', (b) => {
      b.files('/usr/share/ca-certificates/mozilla', Array.from({ length: 146 }, (_, i) => `Certificate_${String(i + 1).padStart(3, '0')}.crt`), { weight: 1 });
      b.files('/etc/ssl/certs', ['ca-certificates.crt'], { weight: 150 });
      b.text('/lib/apk/db/installed', ALPINE_PACKAGES.concat(['ca-certificates']).map((p) => `P:${p}\nV:3.20.3-r0\nA:x86_64\n\n`).join(''));
    }, 688_000)),
    buildkit(REGISTRY_CREATED, 'RUN /bin/sh -c set -eux; \tversion=\'2.8.3\'; \tapkArch="$(apk --print-arch)"; \tcase "$apkArch" in \t\tx86_64)  arch=\'amd64\';   sha256=\'b1f750ecbe09f38e2143e22c61a25e3da2afe1510d9522859230b480e642ceff\' ;; \t\t*) echo >&2 "error: unsupported architecture: $apkArch"; exit 1 ;; \tesac; \twget -O registry.tar.gz "https://github.com/distribution/distribution/releases/download/v${version}/registry_${version}_linux_${arch}.tar.gz"; \techo "$sha256 *registry.tar.gz" | sha256sum -c -; \ttar --extract --verbose --file registry.tar.gz --directory /bin/ registry; \trm registry.tar.gz; \tregistry --version # buildkit', layer('registry 2.8.3 binary', (b) => void b.binary('/bin/registry', 16_933_888, 'registry'), 16_933_888)),
    buildkit(REGISTRY_CREATED, 'COPY ./config-example.yml /etc/docker/registry/config.yml # buildkit', layer('registry config', (b) => void b.text('/etc/docker/registry/config.yml', registryConfig), 0)),
    buildkit(REGISTRY_CREATED, 'VOLUME [/var/lib/registry]'),
    buildkit(REGISTRY_CREATED, 'EXPOSE map[5000/tcp:{}]'),
    buildkit(REGISTRY_CREATED, 'COPY docker-entrypoint.sh /entrypoint.sh # buildkit', layer('registry entrypoint', (b) => void b.text('/entrypoint.sh', '#!/bin/sh\n\nset -e\n\ncase "$1" in\n    *.yaml|*.yml) set -- registry serve "$@" ;;\n    serve|garbage-collect|help|-*) set -- registry "$@" ;;\nesac\n\nexec "$@"\n', 0o755), 0)),
    buildkit(REGISTRY_CREATED, 'ENTRYPOINT ["/entrypoint.sh"]'),
    buildkit(REGISTRY_CREATED, 'CMD ["/etc/docker/registry/config.yml"]'),
  ],
);

const UBUNTU_CREATED = '2024-10-11T03:39:41.592413212Z';
const ubuntuOsRelease =
  'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n' +
  'HOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n' +
  'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n';
const ubuntu = image(
  'ubuntu',
  ['latest', '24.04', 'noble'],
  { Env: [PATH_ENV], Cmd: ['/bin/bash'], Entrypoint: null, WorkingDir: '', User: '', Labels: { 'org.opencontainers.image.ref.name': 'ubuntu', 'org.opencontainers.image.version': '24.04' } },
  [
    nop(UBUNTU_CREATED, ' ARG RELEASE'),
    nop(UBUNTU_CREATED, ' ARG LAUNCHPAD_BUILD_ARCH'),
    nop(UBUNTU_CREATED, ' LABEL org.opencontainers.image.ref.name=ubuntu'),
    nop(UBUNTU_CREATED, ' LABEL org.opencontainers.image.version=24.04'),
    nop(
      '2024-10-11T03:39:43.856054185Z',
      'ADD file:6df775300d76441aa33f31b22c1afce8dfe35c8ffbc14ef27c27009235b12a95 in / ',
      layer(
        'ubuntu 24.04 noble 20241011',
        (b) =>
          debianRoot(b, {
            osRelease: ubuntuOsRelease,
            packages: NOBLE_PACKAGES,
            version: '24.04',
            extraEtc: {
              '/etc/debian_version': 'trixie/sid\n',
              '/etc/issue': 'Ubuntu 24.04.1 LTS \\n \\l\n\n',
              '/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\nDISTRIB_CODENAME=noble\nDISTRIB_DESCRIPTION="Ubuntu 24.04.1 LTS"\n',
              '/etc/apt/sources.list.d/ubuntu.sources':
                'Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble noble-updates noble-backports\nComponents: main universe restricted multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n',
            },
          }),
        78_100_000,
      ),
    ),
    nop('2024-10-11T03:39:44.164397471Z', ' CMD ["/bin/bash"]'),
  ],
);

const CENTOS_CREATED = '2021-09-15T18:20:05.184694267Z';
const centosOsRelease =
  'NAME="CentOS Linux"\nVERSION="8"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="8"\nPLATFORM_ID="platform:el8"\nPRETTY_NAME="CentOS Linux 8"\n' +
  'ANSI_COLOR="0;31"\nCPE_NAME="cpe:/o:centos:centos:8"\nHOME_URL="https://centos.org/"\nBUG_REPORT_URL="https://bugs.centos.org/"\n' +
  'CENTOS_MANTISBT_PROJECT="CentOS-8"\nCENTOS_MANTISBT_PROJECT_VERSION="8"\n';
const CENTOS_PACKAGES = words(`acl audit-libs basesystem bash brotli bzip2-libs ca-certificates centos-gpg-keys centos-linux-release
  centos-linux-repos chkconfig coreutils-single cracklib cracklib-dicts crypto-policies cryptsetup-libs curl cyrus-sasl-lib dbus
  dbus-common dbus-daemon dbus-libs dbus-tools device-mapper device-mapper-libs dnf dnf-data dracut elfutils-default-yama-scope
  elfutils-libelf elfutils-libs expat file-libs filesystem findutils gawk gdbm gdbm-libs glib2 glibc glibc-common glibc-minimal-langpack
  gmp gnupg2 gnutls gpgme grep gzip hostname info iputils json-c keyutils-libs kmod kmod-libs krb5-libs libacl libarchive libassuan
  libattr libblkid libcap libcap-ng libcom_err libcurl-minimal libdb libdb-utils libdnf libfdisk libffi libgcc libgcrypt libgpg-error
  libidn2 libksba libmodulemd libmount libnghttp2 libpsl libpwquality librepo libreport-filesystem libseccomp libselinux libsemanage
  libsepol libsigsegv libsmartcols libsolv libstdc++ libtasn1 libunistring libusbx libutempter libuuid libverto libxcrypt libxml2
  libyaml libzstd lua-libs lz4-libs mpfr ncurses-base ncurses-libs nettle npth openldap openssl-libs p11-kit p11-kit-trust pam pcre
  pcre2 popt procps-ng python3-dnf python3-gpg python3-hawkey python3-libcomps python3-libdnf python3-libs python3-pip-wheel python3-rpm
  python3-setuptools-wheel readline rootfiles rpm rpm-build-libs rpm-libs sed setup shadow-utils sqlite-libs systemd systemd-libs
  systemd-pam tar tzdata util-linux vim-minimal xz-libs yum zlib`);
const centos = image(
  'centos',
  ['latest', '8', 'centos8'],
  {
    Env: [PATH_ENV],
    Cmd: ['/bin/bash'],
    Entrypoint: null,
    WorkingDir: '',
    User: '',
    Labels: { 'org.label-schema.build-date': '20210915', 'org.label-schema.license': 'GPLv2', 'org.label-schema.name': 'CentOS Base Image', 'org.label-schema.schema-version': '1.0', 'org.label-schema.vendor': 'CentOS' },
  },
  [
    nop(
      CENTOS_CREATED,
      'ADD file:805cb5e15fb6e0bb0326ca33fd2942e068863ce2a8491bb71522c652f31fb466 in / ',
      layer(
        'centos 8.4.2105',
        (b) => {
          for (const d of ['/boot', '/dev', '/home', '/media', '/mnt', '/opt', '/proc', '/run', '/srv', '/sys', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/share', '/var/cache/dnf', '/var/lib/rpm', '/var/log', '/var/spool/mail', '/etc/yum.repos.d', '/etc/pki/rpm-gpg', '/etc/profile.d', '/etc/dnf']) b.dir(d);
          b.dir('/root', 0o550);
          b.dir('/tmp', 0o1777);
          b.dir('/var/tmp', 0o1777);
          b.symlink('/bin', 'usr/bin').symlink('/sbin', 'usr/sbin').symlink('/lib', 'usr/lib').symlink('/lib64', 'usr/lib64');
          b.text('/etc/os-release', centosOsRelease).text('/etc/centos-release', 'CentOS Linux release 8.4.2105\n');
          b.symlink('/etc/redhat-release', 'centos-release').symlink('/etc/system-release', 'centos-release');
          b.text('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nadm:x:3:4:adm:/var/adm:/sbin/nologin\nlp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\nsync:x:5:0:sync:/sbin:/bin/sync\nshutdown:x:6:0:shutdown:/sbin:/sbin/shutdown\nhalt:x:7:0:halt:/sbin:/sbin/halt\nmail:x:8:12:mail:/var/spool/mail:/sbin/nologin\noperator:x:11:0:operator:/root:/sbin/nologin\ngames:x:12:100:games:/usr/games:/sbin/nologin\nftp:x:14:50:FTP User:/var/ftp:/sbin/nologin\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\ndbus:x:81:81:System message bus:/:/sbin/nologin\nsystemd-coredump:x:999:997:systemd Core Dumper:/:/sbin/nologin\nsystemd-resolve:x:193:193:systemd Resolver:/:/sbin/nologin\n');
          b.text('/etc/group', 'root:x:0:\nbin:x:1:\ndaemon:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\nmem:x:8:\nkmem:x:9:\nwheel:x:10:\ncdrom:x:11:\nmail:x:12:\nman:x:15:\ndialout:x:18:\nfloppy:x:19:\ngames:x:20:\ntape:x:33:\nvideo:x:39:\nftp:x:50:\nlock:x:54:\naudio:x:63:\nusers:x:100:\nnobody:x:65534:\ndbus:x:81:\nutmp:x:22:\nutempter:x:35:\ninput:x:999:\nkvm:x:36:\nrender:x:998:\nsystemd-journal:x:190:\nsystemd-coredump:x:997:\nsystemd-resolve:x:193:\n');
          b.text('/etc/yum.repos.d/CentOS-Linux-BaseOS.repo', '[baseos]\nname=CentOS Linux $releasever - BaseOS\nmirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=BaseOS&infra=$infra\n#baseurl=http://mirror.centos.org/$contentdir/$releasever/BaseOS/$basearch/os/\ngpgcheck=1\nenabled=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial\n');
          b.text('/etc/yum.repos.d/CentOS-Linux-AppStream.repo', '[appstream]\nname=CentOS Linux $releasever - AppStream\nmirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=AppStream&infra=$infra\n#baseurl=http://mirror.centos.org/$contentdir/$releasever/AppStream/$basearch/os/\ngpgcheck=1\nenabled=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial\n');
          const bins = [...COREUTILS, ...words('bash sh grep sed tar gzip find xargs mount umount more login su passwd hostname rpm rpm2cpio rpmkeys rpmquery yum dnf python3 python3.6 gawk awk vi curl gpg gpg2 ldd getent iconv locale ps top free kill pgrep pkill uptime watch w')];
          b.files('/usr/bin', bins, { mode: 0o755, programs: byName(bins), weight: 4 });
          b.files('/usr/sbin', words('useradd userdel usermod groupadd groupdel ldconfig agetty fdisk blkid chkconfig sulogin nologin pwck grpck'), { mode: 0o755, weight: 3 });
          b.files('/usr/lib64', CENTOS_PACKAGES.filter((p) => p.startsWith('lib')).map((p) => `${p}.so.1`), { weight: 12 });
          b.files('/usr/lib64/python3.6', words('site-packages lib-dynload encodings json http email urllib xml asyncio'), { weight: 30 });
          b.files('/var/lib/rpm', words('Basenames Conflictname Dirnames Group Installtid Name Obsoletename Packages Providename Requirename Sha1header Sigmd5 Triggername'), { weight: 50 });
          for (const p of CENTOS_PACKAGES) b.files(`/usr/share/doc/${p}`, ['README'], { weight: 0.3 });
          b.files('/usr/share/locale', words('en_US zh_CN de fr ja es ru'), { weight: 2 });
          b.files('/etc/pki/rpm-gpg', ['RPM-GPG-KEY-centosofficial'], { weight: 0.1 });
        },
        231_268_856,
      ),
    ),
    nop(CENTOS_CREATED, ' LABEL org.label-schema.schema-version=1.0 org.label-schema.name=CentOS Base Image org.label-schema.vendor=CentOS org.label-schema.license=GPLv2 org.label-schema.build-date=20210915'),
    nop('2021-09-15T18:20:05.483926078Z', ' CMD ["/bin/bash"]'),
  ],
);

/** The images the simulated Hub holds besides busybox and hello-world (which a fresh engine already has). */
export function hubImages(): readonly CatalogImage[] {
  return HUB;
}

const HUB: readonly CatalogImage[] = [alpine, ubuntu, centos, nginx, mysql, redis, registry];
