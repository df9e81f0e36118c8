import { lazyLayer, type CatalogImage, type CatalogLayer, type HistoryEntry, type ImageConfig } from './catalog';
import { sha256Digest } from './digest';
import { TreeBuilder } from './treeBuilder';

/**
 * How the simulated Hub's images are written down (hubDistros.ts,
 * hubServices.ts): an image is its `docker history` steps, each step a layer
 * built from a short description (a distribution's root, a package install,
 * a COPY) or an empty step (ENV, CMD …). Bulk entries (a distribution's
 * commands, libraries and package files) are generated from name lists and
 * sized so each layer weighs what the real one does.
 */

/** The steps of an image, oldest first: a layer (tree builder + exact size) or an empty step. */
export interface Step {
  createdBy: string;
  created: string;
  comment?: string;
  /** Builds the layer; absent for an empty step (ENV, CMD …). */
  layer?: CatalogLayer;
}

/** A layer named by a seed (its diff id is the seed's digest: stable, and distinct per layer). */
export function layer(seed: string, build: (b: TreeBuilder) => void, size?: number): CatalogLayer {
  return lazyLayer(sha256Digest(`glassbox layer ${seed}`), () => {
    const b = new TreeBuilder();
    build(b);
    return b.finish(size);
  });
}

export function image(repo: string, tags: string[], config: ImageConfig, steps: Step[]): CatalogImage {
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

/** A step as BuildKit records it (`docker history` shows the instruction and "# buildkit"). */
export function buildkit(created: string, createdBy: string, l?: CatalogLayer): Step {
  return { created, createdBy, comment: BUILDKIT, ...(l ? { layer: l } : {}) };
}

/** A step as the classic builder records it: "/bin/sh -c #(nop) …" for instructions, "/bin/sh -c …" for RUN. */
export function nop(created: string, instruction: string, l?: CatalogLayer): Step {
  return { created, createdBy: `/bin/sh -c #(nop) ${instruction}`, ...(l ? { layer: l } : {}) };
}

export function run(created: string, command: string, l?: CatalogLayer): Step {
  return { created, createdBy: `/bin/sh -c ${command}`, ...(l ? { layer: l } : {}) };
}

export const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

/** Each command in a distribution's bin directories runs the simulator's program of the same name (one it lacks says so when run). */
export function byName(names: readonly string[]): ReadonlySet<string> {
  return new Set(names);
}

export const COREUTILS = words(`[ arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown cksum comm cp csplit cut date dd df dir
  dircolors dirname du echo env expand expr factor false fmt fold groups head hostid id install join link ln logname ls md5sum mkdir
  mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd readlink realpath rm rmdir runcon
  seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty sum sync tac tail tee test timeout
  touch tr true truncate tsort tty uname unexpand uniq unlink users vdir wc who whoami yes`);

export const DEBIAN_BIN = words(`bash dash grep egrep fgrep sed tar gzip gunzip zcat find xargs mount umount more login su passwd chsh chfn
  chage gpasswd newgrp hostname dpkg dpkg-deb dpkg-query dpkg-split dpkg-divert apt apt-get apt-cache apt-config apt-mark perl mawk
  diff cmp diff3 sdiff tzselect which getconf getent ldd iconv locale localedef catchsegv lsblk findmnt mesg wall script scriptreplay
  setsid setterm su whereis clear reset tput tic toe infocmp tabs captoinfo infotocap debconf debconf-show lastlog faillog expiry
  run-parts savelog tempfile ischroot rgrep zgrep zless zmore znew gzexe uncompress bashbug rbash`);

export const DEBIAN_SBIN = words(`adduser addgroup deluser delgroup useradd userdel usermod groupadd groupdel groupmod chpasswd chgpasswd
  pwck grpck pwconv pwunconv grpconv grpunconv vipw vigr nologin ldconfig e2fsck mke2fs tune2fs fsck mkfs blkid fdisk sfdisk agetty
  losetup swapon swapoff pivot_root switch_root wipefs start-stop-daemon update-passwd installkernel shadowconfig zic iconvconfig
  killall5 runuser sulogin fstrim hwclock rtcwake`);

export const BOOKWORM_PACKAGES = words(`adduser apt base-files base-passwd bash bsdutils coreutils dash debconf debian-archive-keyring
  debianutils diffutils dpkg e2fsprogs findutils gcc-12-base gpgv grep gzip hostname init-system-helpers libacl1 libapt-pkg6.0
  libattr1 libaudit-common libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1 libdb5.3
  libdebconfclient0 libext2fs2 libffi8 libgcc-s1 libgcrypt20 libgmp10 libgnutls30 libgpg-error0 libhogweed6 libidn2-0 liblz4-1
  liblzma5 libmd0 libmount1 libnettle8 libp11-kit0 libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre2-8-0
  libseccomp2 libselinux1 libsemanage-common libsemanage2 libsepol2 libsmartcols1 libss2 libstdc++6 libsystemd0 libtasn1-6
  libtinfo6 libudev1 libunistring2 libuuid1 libxxhash0 libzstd1 login logsave mawk mount ncurses-base ncurses-bin passwd perl-base
  sed sysvinit-utils tar tzdata usr-is-merged util-linux util-linux-extra zlib1g`);

export const NOBLE_PACKAGES = words(`apt base-files base-passwd bash bsdutils coreutils dash debconf debianutils diffutils dpkg e2fsprogs
  findutils gcc-14-base gpgv grep gzip hostname init-system-helpers libacl1 libapt-pkg6.0t64 libattr1 libaudit-common libaudit1
  libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1 libdb5.3t64 libdebconfclient0 libext2fs2t64 libffi8
  libgcc-s1 libgcrypt20 libgmp10 libgnutls30t64 libgpg-error0 libhogweed6t64 libidn2-0 liblz4-1 liblzma5 libmd0 libmount1
  libnettle8t64 libp11-kit0 libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre2-8-0 libproc2-0 libseccomp2
  libselinux1 libsemanage-common libsemanage2 libsepol2 libsmartcols1 libss2 libssl3t64 libstdc++6 libsystemd0 libtasn1-6
  libtinfo6 libudev1 libunistring5 libuuid1 libxxhash0 libzstd1 login logsave mawk mount ncurses-base ncurses-bin passwd perl-base
  procps sed sensible-utils sysvinit-utils tar ubuntu-keyring util-linux zlib1g`);

/** Shared object names of the lib* packages, as /usr/lib/x86_64-linux-gnu holds them. */
export function sharedObjects(packages: readonly string[]): string[] {
  return packages
    .filter((p) => p.startsWith('lib') && !p.includes('-common') && !p.includes('-modules') && !p.includes('-runtime'))
    .map((p) => {
      const m = /^(lib[a-z+_.-]*?)(-?[0-9.]+)?(t64)?$/.exec(p);
      const base = m ? m[1]!.replace(/-$/, '') : p;
      return `${base}.so.${m?.[2]?.replace(/^-/, '') ?? '1'}`;
    });
}

export function debianPasswd(extra = ''): string {
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

export function debianGroup(extra = ''): string {
  const groups = 'root:0 daemon:1 bin:2 sys:3 adm:4 tty:5 disk:6 lp:7 mail:8 news:9 uucp:10 man:12 proxy:13 kmem:15 dialout:20 fax:21 voice:22 cdrom:24 floppy:25 tape:26 sudo:27 audio:29 dip:30 www-data:33 backup:34 operator:37 list:38 irc:39 src:40 shadow:42 utmp:43 video:44 sasl:45 plugdev:46 staff:50 games:60 users:100 nogroup:65534';
  return words(groups).map((g) => `${g.split(':')[0]}:x:${g.split(':')[1]}:\n`).join('') + extra;
}

export function dpkgStatus(packages: readonly string[], version: string): string {
  return packages.map((p) => `Package: ${p}\nStatus: install ok installed\nPriority: required\nArchitecture: amd64\nVersion: ${version}\n\n`).join('');
}

/** A Debian-family root (merged /usr): directories, commands, libraries, package database and docs. */
/** What Debian kept in /bin and /sbin before the /usr merge (Ubuntu 14.04, Debian 9): the rest is under /usr. */
const ROOT_BIN = new Set(words(`bash dash cat chgrp chmod chown cp date dd df dir echo false grep egrep fgrep gunzip gzip zcat hostname ln login ls
  mkdir mknod mktemp more mount mv pwd readlink rm rmdir sed sleep stty su sync tar touch true umount uname vdir which run-parts tempfile`));

/**
 * A Debian-family root: directories, commands, libraries, package database
 * and docs. Since Debian 12 and Ubuntu 22.04 /bin, /sbin and /lib are links
 * into /usr (`mergedUsr`); before, they were directories of their own.
 */
export function debianRoot(b: TreeBuilder, opts: { osRelease: string; packages: readonly string[]; version: string; extraEtc?: Record<string, string>; mergedUsr?: boolean }): void {
  const merged = opts.mergedUsr ?? true;
  for (const d of ['/boot', '/home', '/media', '/mnt', '/opt', '/proc', '/run/lock', '/srv', '/sys', '/usr/games', '/usr/include', '/usr/local/bin', '/usr/local/etc', '/usr/local/games', '/usr/local/include', '/usr/local/lib', '/usr/local/sbin', '/usr/local/share', '/usr/local/src', '/usr/src', '/var/backups', '/var/cache/apt', '/var/lib/apt/lists', '/var/lib/misc', '/var/local', '/var/log/apt', '/var/mail', '/var/opt', '/var/spool', '/dev', '/etc/apt/apt.conf.d', '/etc/apt/preferences.d', '/etc/apt/sources.list.d', '/etc/apt/trusted.gpg.d', '/etc/default', '/etc/init.d', '/etc/profile.d', '/etc/skel', '/etc/security']) b.dir(d);
  b.dir('/root', 0o700);
  b.dir('/tmp', 0o1777);
  b.dir('/var/tmp', 0o1777);
  if (merged) b.symlink('/bin', 'usr/bin').symlink('/sbin', 'usr/sbin').symlink('/lib', 'usr/lib').symlink('/lib64', 'usr/lib64');
  b.symlink('/var/run', '/run').symlink('/var/lock', '/run/lock');
  if (merged) b.text('/usr/lib/os-release', opts.osRelease).symlink('/etc/os-release', '../usr/lib/os-release');
  else b.text('/etc/os-release', opts.osRelease);
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
  const binDir = (name: string): string => (merged || !ROOT_BIN.has(name) ? '/usr/bin' : '/bin');
  for (const dir of ['/usr/bin', '/bin']) {
    const here = bins.filter((n) => binDir(n) === dir);
    if (here.length > 0) b.files(dir, here, { mode: 0o755, programs: byName(here), weight: 4 });
  }
  b.symlink(merged ? '/usr/bin/sh' : '/bin/sh', 'dash').symlink('/usr/bin/awk', '/etc/alternatives/awk').symlink('/etc/alternatives/awk', '/usr/bin/mawk');
  b.files(merged ? '/usr/sbin' : '/sbin', DEBIAN_SBIN, { mode: 0o755, weight: 3 });
  const libDir = merged ? '/usr/lib/x86_64-linux-gnu' : '/lib/x86_64-linux-gnu';
  b.files(libDir, sharedObjects(opts.packages), { weight: 12 });
  b.symlink(merged ? '/usr/lib64/ld-linux-x86-64.so.2' : '/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
  b.files(libDir, ['ld-linux-x86-64.so.2', 'libc.so.6', 'libm.so.6', 'libresolv.so.2', 'libpthread.so.0'], { weight: 40 });
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

/** A COPY of one script or binary into the image (a layer with one file of the real size). */
export function script(seed: string, path: string, size: number, program?: string): CatalogLayer {
  return layer(seed, (b) => void b.binary(path, size, program, 0o775), size);
}

/** A COPY of a script whose text is known: the layer holds it, and the simulator runs it as `program`. */
export function scriptText(seed: string, path: string, text: string, program?: string, mode = 0o775): CatalogLayer {
  return layer(seed, (b) => void b.text(path, text, mode, program));
}

/** The Debian packaging work of a RUN step: the user, the files it installs, dpkg's updated status (replacing the base's). */
export function debianInstall(seed: string, size: number, opts: { user?: string; group?: string; build: (b: TreeBuilder) => void; packages?: string[]; base?: readonly string[] }): CatalogLayer {
  return layer(
    seed,
    (b) => {
      if (opts.user !== undefined) b.text('/etc/passwd', debianPasswd(opts.user)).text('/etc/group', debianGroup(opts.group ?? ''));
      if (opts.packages) {
        b.text('/var/lib/dpkg/status', dpkgStatus([...(opts.base ?? BOOKWORM_PACKAGES), ...opts.packages], '12.8'));
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
