import { busyboxApplets, PATH_ENV, type CatalogImage } from './catalog';
import {
  BOOKWORM_PACKAGES, byName, COREUTILS, debianRoot, image, layer, NOBLE_PACKAGES, nop, run, words, type Step,
} from './hubBuild';
import type { TreeBuilder } from './treeBuilder';
import { sha256Hex } from './digest';

/** The ADD step's file digest where the real one is not recorded here: derived from the layer's seed, so stable. */
const addDigest = (seed: string): string => sha256Hex(`add ${seed}`);

/**
 * The distributions of the simulated Hub: their base layers (shared by the
 * service images built on them, as on the real Hub) and their own images —
 * debian, ubuntu (24.04 and 14.04), centos (8 and 7), alpine — each laid out
 * as the real root filesystem is (merged /usr or not, busybox links, rpm or
 * dpkg databases), with the shell and the commands the simulator runs mapped
 * to its programs. Older tags share no layer with newer ones.
 */

// ---------------------------------------------------------------------------
// Debian

export const DEBIAN_CREATED = '2024-11-11T00:00:00Z';

const debianOsRelease =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\n' +
  'ID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';

/** debian:bookworm-slim's one layer: the base of nginx, redis and mysql. */
export const bookwormSlim = layer(
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

export const debianBase: Step[] = [
  nop(DEBIAN_CREATED, 'ADD file:d13afefcc2b0b02b598a3ac2598fe2187db41de1e17820e5b600a955b1429d59 in / ', bookwormSlim),
  nop(DEBIAN_CREATED, ' CMD ["bash"]'),
];

const ALPINE_CREATED = '2024-09-06T22:20:07.972381771Z';
const alpineOsRelease =
  'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n' +
  'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n';
export const ALPINE_PACKAGES = words('alpine-baselayout alpine-baselayout-data alpine-keys apk-tools busybox busybox-binsh ca-certificates-bundle libcrypto3 libssl3 musl musl-utils scanelf ssl_client zlib');

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
    b.files('/sbin', ['apk', 'ldconfig', 'mkmntdirs'], { mode: 0o755, weight: 8, programs: new Set(['apk']) });
    b.files('/usr/bin', ['getconf', 'getent', 'iconv', 'ldd', 'scanelf', 'ssl_client'], { mode: 0o755, weight: 4 });
    b.files('/etc/apk/keys', ['alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub', 'alpine-devel@lists.alpinelinux.org-61666e3f.rsa.pub'], { weight: 0.2 });
    b.files('/etc/ssl/certs', ['ca-certificates.crt'], { weight: 150 });
    b.files('/etc/ssl', ['openssl.cnf', 'ct_log_list.cnf'], { weight: 8 });
  },
  7_797_760,
);

export const alpineBase: Step[] = [
  nop(ALPINE_CREATED, 'ADD file:5758b97d8301c84a204a6e516241275d785a7cb2f9a6cf1a0c4c5e7b1c6b7fbe in / ', alpineLayer),
  nop('2024-09-06T22:20:08.154932745Z', ' CMD ["/bin/sh"]'),
];



export const alpine: CatalogImage = image('alpine', ['latest', '3.20', '3.20.3', '3'], { Env: [PATH_ENV], Cmd: ['/bin/sh'], Entrypoint: null, WorkingDir: '', User: '', Labels: null }, alpineBase);

const UBUNTU_CREATED = '2024-10-11T03:39:41.592413212Z';
const ubuntuOsRelease =
  'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n' +
  'HOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n' +
  'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n';

/** ubuntu:24.04's steps: the base of eclipse-temurin, and so of tomcat. */
export const nobleBase: Step[] = [
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
];

const ubuntu = image(
  'ubuntu',
  ['latest', '24.04', 'noble'],
  { Env: [PATH_ENV], Cmd: ['/bin/bash'], Entrypoint: null, WorkingDir: '', User: '', Labels: { 'org.opencontainers.image.ref.name': 'ubuntu', 'org.opencontainers.image.version': '24.04' } },
  nobleBase,
);

const TRUSTY_CREATED = '2019-12-17T01:23:06.618256186Z';
const TRUSTY_PACKAGES = words(`adduser apt apt-utils base-files base-passwd bash bsdutils busybox-initramfs bzip2 coreutils cpio dash
  debconf debianutils diffutils dpkg e2fslibs e2fsprogs findutils gcc-4.8-base gcc-4.9-base gnupg gpgv grep gzip hostname ifupdown
  initramfs-tools initscripts insserv iproute2 iputils-ping isc-dhcp-client isc-dhcp-common klibc-utils kmod libacl1 libapt-inst1.5
  libapt-pkg4.12 libattr1 libaudit-common libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap2 libcgmanager0 libcomerr2 libdb5.3
  libdbus-1-3 libdebconfclient0 libdrm2 libffi6 libgcc1 libgcrypt11 libgpg-error0 libjson-c2 libjson0 libklibc libkmod2 liblzma5
  libmount1 libncurses5 libncursesw5 libnih-dbus1 libnih1 libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre3 libplymouth2
  libpng12-0 libprocps3 libreadline6 libselinux1 libsemanage-common libsemanage1 libsepol1 libslang2 libss2 libstdc++6 libtinfo5
  libudev1 libusb-0.1-4 libustr-1.0-1 libuuid1 locales login lsb-base makedev mawk module-init-tools mount mountall multiarch-support
  ncurses-base ncurses-bin passwd perl-base plymouth procps readline-common sed sensible-utils sysv-rc sysvinit-utils tar tzdata
  ubuntu-keyring udev upstart ureadahead util-linux zlib1g`);
const trustyOsRelease =
  'NAME="Ubuntu"\nVERSION="14.04.6 LTS, Trusty Tahr"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 14.04.6 LTS"\nVERSION_ID="14.04"\n' +
  'HOME_URL="http://www.ubuntu.com/"\nSUPPORT_URL="http://help.ubuntu.com/"\nBUG_REPORT_URL="http://bugs.launchpad.net/ubuntu/"\n';

/**
 * ubuntu:14.04 (trusty-20191217): the last trusty build, /bin and /lib not
 * yet merged into /usr, and the three RUN layers docker-brew-ubuntu-core
 * added then (policy-rc.d and the apt tweaks, the indextargets check, the
 * systemd container marker).
 */
const trusty = image(
  'ubuntu',
  ['14.04', 'trusty', 'trusty-20191217'],
  { Env: [PATH_ENV], Cmd: ['/bin/bash'], Entrypoint: null, WorkingDir: '', User: '', Labels: null },
  [
    nop(
      TRUSTY_CREATED,
      `ADD file:${addDigest('ubuntu 14.04 trusty 20191217')} in / `,
      layer(
        'ubuntu 14.04 trusty 20191217',
        (b) =>
          debianRoot(b, {
            osRelease: trustyOsRelease,
            packages: TRUSTY_PACKAGES,
            version: '14.04',
            mergedUsr: false,
            extraEtc: {
              '/etc/debian_version': 'jessie/sid\n',
              '/etc/issue': 'Ubuntu 14.04.6 LTS \\n \\l\n\n',
              '/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\nDISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"\n',
              '/etc/apt/sources.list':
                'deb http://archive.ubuntu.com/ubuntu/ trusty main restricted\ndeb http://archive.ubuntu.com/ubuntu/ trusty-updates main restricted\n' +
                'deb http://archive.ubuntu.com/ubuntu/ trusty universe\ndeb http://archive.ubuntu.com/ubuntu/ trusty-updates universe\n' +
                'deb http://security.ubuntu.com/ubuntu/ trusty-security main restricted\ndeb http://security.ubuntu.com/ubuntu/ trusty-security universe\n',
            },
          }),
        196_498_272,
      ),
    ),
    run('2019-12-17T01:23:07.496431185Z', '[ -z "$(apt-get indextargets)" ]'),
    run(
      '2019-12-17T01:23:08.300234471Z',
      "set -xe \t\t&& echo '#!/bin/sh' > /usr/sbin/policy-rc.d \t&& echo 'exit 101' >> /usr/sbin/policy-rc.d \t&& chmod +x /usr/sbin/policy-rc.d \t\t&& dpkg-divert --local --rename --add /sbin/initctl \t&& cp -a /usr/sbin/policy-rc.d /sbin/initctl \t&& sed -i 's/^exit.*/exit 0/' /sbin/initctl \t\t&& echo 'force-unsafe-io' > /etc/dpkg/dpkg.cfg.d/docker-apt-speedup \t\t&& echo 'DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };' > /etc/apt/apt.conf.d/docker-clean \t&& echo 'APT::Update::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };' >> /etc/apt/apt.conf.d/docker-clean \t&& echo 'Dir::Cache::pkgcache \"\"; Dir::Cache::srcpkgcache \"\";' >> /etc/apt/apt.conf.d/docker-clean \t\t&& echo 'Acquire::Languages \"none\";' > /etc/apt/apt.conf.d/docker-no-languages \t\t&& echo 'Acquire::GzipIndexes \"true\"; Acquire::CompressionTypes::Order:: \"gz\";' > /etc/apt/apt.conf.d/docker-gzip-indexes \t\t&& echo 'Apt::AutoRemove::SuggestsImportant \"false\";' > /etc/apt/apt.conf.d/docker-autoremove-suggests",
      layer('ubuntu 14.04 docker tweaks', (b) => {
        b.text('/usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', 0o755).text('/sbin/initctl', '#!/bin/sh\nexit 0\n', 0o755);
        b.files('/sbin', ['initctl.distrib'], { mode: 0o755 });
        b.text('/etc/dpkg/dpkg.cfg.d/docker-apt-speedup', 'force-unsafe-io\n');
        b.text('/etc/apt/apt.conf.d/docker-clean', 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\nAPT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\nDir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";\n');
        b.text('/etc/apt/apt.conf.d/docker-no-languages', 'Acquire::Languages "none";\n');
        b.text('/etc/apt/apt.conf.d/docker-gzip-indexes', 'Acquire::GzipIndexes "true"; Acquire::CompressionTypes::Order:: "gz";\n');
        b.text('/etc/apt/apt.conf.d/docker-autoremove-suggests', 'Apt::AutoRemove::SuggestsImportant "false";\n');
        b.files('/var/lib/dpkg', ['diversions', 'diversions-old'], { weight: 1 });
      }, 195_000),
    ),
    run('2019-12-17T01:23:09.104815471Z', "mkdir -p /run/systemd && echo 'docker' > /run/systemd/container", layer('ubuntu 14.04 systemd marker', (b) => void b.text('/run/systemd/container', 'docker\n'))),
    nop('2019-12-17T01:23:09.410226123Z', ' CMD ["/bin/bash"]'),
  ],
);

// ---------------------------------------------------------------------------
// Red Hat family: centos 8 and 7, and the oraclelinux:7-slim that mysql:5.7 is built on

const RHEL_PASSWD =
  'root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nadm:x:3:4:adm:/var/adm:/sbin/nologin\n' +
  'lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\nsync:x:5:0:sync:/sbin:/bin/sync\nshutdown:x:6:0:shutdown:/sbin:/sbin/shutdown\nhalt:x:7:0:halt:/sbin:/sbin/halt\n' +
  'mail:x:8:12:mail:/var/spool/mail:/sbin/nologin\noperator:x:11:0:operator:/root:/sbin/nologin\ngames:x:12:100:games:/usr/games:/sbin/nologin\n' +
  'ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n';
const RHEL_GROUP =
  'root:x:0:\nbin:x:1:\ndaemon:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\nmem:x:8:\nkmem:x:9:\nwheel:x:10:\ncdrom:x:11:\nmail:x:12:\n' +
  'man:x:15:\ndialout:x:18:\nfloppy:x:19:\ngames:x:20:\ntape:x:33:\nvideo:x:39:\nftp:x:50:\nlock:x:54:\naudio:x:63:\nusers:x:100:\nnobody:x:65534:\nutmp:x:22:\n';

/** A Red Hat-family root (merged /usr, rpm database, yum or dnf repos). */
function rhelRoot(b: TreeBuilder, opts: { osRelease: string; release: [string, string]; packages: readonly string[]; bins: readonly string[]; python: string; repos: Record<string, string>; passwdExtra?: string; groupExtra?: string }): void {
  for (const d of ['/boot', '/dev', '/home', '/media', '/mnt', '/opt', '/proc', '/run', '/srv', '/sys', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib', '/usr/local/share', '/var/cache/yum', '/var/lib/rpm', '/var/log', '/var/spool/mail', '/etc/yum.repos.d', '/etc/pki/rpm-gpg', '/etc/profile.d']) b.dir(d);
  b.dir('/root', 0o550);
  b.dir('/tmp', 0o1777);
  b.dir('/var/tmp', 0o1777);
  b.symlink('/bin', 'usr/bin').symlink('/sbin', 'usr/sbin').symlink('/lib', 'usr/lib').symlink('/lib64', 'usr/lib64');
  b.symlink('/var/run', '../run');
  b.text('/etc/os-release', opts.osRelease).text(opts.release[0], opts.release[1]);
  b.symlink('/etc/redhat-release', opts.release[0].slice(5)).symlink('/etc/system-release', opts.release[0].slice(5));
  b.text('/etc/passwd', RHEL_PASSWD + (opts.passwdExtra ?? '')).text('/etc/group', RHEL_GROUP + (opts.groupExtra ?? ''));
  for (const [name, text] of Object.entries(opts.repos)) b.text(`/etc/yum.repos.d/${name}`, text);
  const bins = [...COREUTILS, ...opts.bins];
  b.files('/usr/bin', bins, { mode: 0o755, programs: byName(bins), weight: 4 });
  b.symlink('/usr/bin/sh', 'bash');
  b.files('/usr/sbin', words('useradd userdel usermod groupadd groupdel ldconfig agetty fdisk blkid chkconfig sulogin nologin pwck grpck'), { mode: 0o755, weight: 3 });
  b.files('/usr/lib64', opts.packages.filter((p) => p.startsWith('lib')).map((p) => `${p}.so.1`), { weight: 12 });
  b.files(`/usr/lib64/${opts.python}`, words('site-packages lib-dynload encodings json email urllib xml'), { weight: 30 });
  b.files('/var/lib/rpm', words('Basenames Conflictname Dirnames Group Installtid Name Obsoletename Packages Providename Requirename Sha1header Sigmd5 Triggername'), { weight: 50 });
  for (const p of opts.packages) b.files(`/usr/share/doc/${p}`, ['README'], { weight: 0.3 });
  b.files('/usr/share/locale', words('en_US zh_CN de fr ja es ru'), { weight: 2 });
}

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
const centosLabels = (date: string): Record<string, string> => ({
  'org.label-schema.build-date': date,
  'org.label-schema.license': 'GPLv2',
  'org.label-schema.name': 'CentOS Base Image',
  'org.label-schema.schema-version': '1.0',
  'org.label-schema.vendor': 'CentOS',
});
const centos = image(
  'centos',
  ['latest', '8', 'centos8', '8.4.2105'],
  { Env: [PATH_ENV], Cmd: ['/bin/bash'], Entrypoint: null, WorkingDir: '', User: '', Labels: centosLabels('20210915') },
  [
    nop(
      CENTOS_CREATED,
      'ADD file:805cb5e15fb6e0bb0326ca33fd2942e068863ce2a8491bb71522c652f31fb466 in / ',
      layer(
        'centos 8.4.2105',
        (b) =>
          rhelRoot(b, {
            osRelease: centosOsRelease,
            release: ['/etc/centos-release', 'CentOS Linux release 8.4.2105\n'],
            packages: CENTOS_PACKAGES,
            bins: words('bash grep sed tar gzip find xargs mount umount more login su passwd hostname rpm rpm2cpio rpmkeys rpmquery yum dnf python3 python3.6 gawk awk vi curl gpg gpg2 ldd getent iconv locale ps top free kill pgrep pkill uptime watch w'),
            python: 'python3.6',
            repos: {
              'CentOS-Linux-BaseOS.repo': '[baseos]\nname=CentOS Linux $releasever - BaseOS\nmirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=BaseOS&infra=$infra\n#baseurl=http://mirror.centos.org/$contentdir/$releasever/BaseOS/$basearch/os/\ngpgcheck=1\nenabled=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial\n',
              'CentOS-Linux-AppStream.repo': '[appstream]\nname=CentOS Linux $releasever - AppStream\nmirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=AppStream&infra=$infra\n#baseurl=http://mirror.centos.org/$contentdir/$releasever/AppStream/$basearch/os/\ngpgcheck=1\nenabled=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-centosofficial\n',
            },
            passwdExtra: 'dbus:x:81:81:System message bus:/:/sbin/nologin\nsystemd-coredump:x:999:997:systemd Core Dumper:/:/sbin/nologin\nsystemd-resolve:x:193:193:systemd Resolver:/:/sbin/nologin\n',
            groupExtra: 'dbus:x:81:\nutempter:x:35:\ninput:x:999:\nkvm:x:36:\nrender:x:998:\nsystemd-journal:x:190:\nsystemd-coredump:x:997:\nsystemd-resolve:x:193:\n',
          }),
        231_268_856,
      ),
    ),
    nop(CENTOS_CREATED, ' LABEL org.label-schema.schema-version=1.0 org.label-schema.name=CentOS Base Image org.label-schema.vendor=CentOS org.label-schema.license=GPLv2 org.label-schema.build-date=20210915'),
    nop('2021-09-15T18:20:05.483926078Z', ' CMD ["/bin/bash"]'),
  ],
);

const CENTOS7_CREATED = '2020-11-14T00:20:04.644613188Z';
const CENTOS7_PACKAGES = words(`acl audit-libs basesystem bash bind-license binutils bzip2-libs ca-certificates centos-release chkconfig
  coreutils cpio cracklib cracklib-dicts cryptsetup-libs curl cyrus-sasl-lib dbus dbus-libs device-mapper device-mapper-libs diffutils
  dracut elfutils-default-yama-scope elfutils-libelf elfutils-libs expat file-libs filesystem findutils gawk gdbm glib2 glibc glibc-common
  gmp gnupg2 gpgme grep gzip hardlink info json-c keyutils-libs kmod kmod-libs kpartx krb5-libs libacl libassuan libattr libblkid libcap
  libcap-ng libcom_err libcurl libdb libdb-utils libffi libgcc libgcrypt libgpg-error libidn libmount libnss-mysql libpwquality libselinux
  libsemanage libsepol libsmartcols libssh2 libstdc++ libtasn1 libuser libutempter libuuid libverto libxml2 lua lz4 ncurses ncurses-base
  ncurses-libs nspr nss nss-pem nss-softokn nss-softokn-freebl nss-sysinit nss-tools nss-util openldap openssl-libs p11-kit p11-kit-trust
  pam pcre pinentry pkgconfig popt procps-ng pth pygpgme pyliblzma python python-iniparse python-libs python-pycurl python-urlgrabber
  pyxattr qrencode-libs readline rootfiles rpm rpm-build-libs rpm-libs rpm-python sed setup shadow-utils shared-mime-info sqlite systemd
  systemd-libs tar tzdata ustr util-linux vim-minimal xz xz-libs yum yum-metadata-parser yum-plugin-fastestmirror yum-plugin-ovl
  yum-utils zlib`);
const centos7OsRelease =
  'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nANSI_COLOR="0;31"\n' +
  'CPE_NAME="cpe:/o:centos:centos:7"\nHOME_URL="https://www.centos.org/"\nBUG_REPORT_URL="https://bugs.centos.org/"\n\n' +
  'CENTOS_MANTISBT_PROJECT="CentOS-7"\nCENTOS_MANTISBT_PROJECT_VERSION="7"\nREDHAT_SUPPORT_PRODUCT="centos"\nREDHAT_SUPPORT_PRODUCT_VERSION="7"\n\n';
const centos7 = image(
  'centos',
  ['7', 'centos7', '7.9.2009', 'centos7.9.2009'],
  {
    Env: [PATH_ENV],
    Cmd: ['/bin/bash'],
    Entrypoint: null,
    WorkingDir: '',
    User: '',
    Labels: {
      ...centosLabels('20201113'),
      'org.opencontainers.image.created': '2020-11-13 00:00:00+00:00',
      'org.opencontainers.image.licenses': 'GPL-2.0-only',
      'org.opencontainers.image.title': 'CentOS Base Image',
      'org.opencontainers.image.vendor': 'CentOS',
    },
  },
  [
    nop(
      CENTOS7_CREATED,
      'ADD file:b3ebbe8bd304723d43b7b44a6d990cd657b63d93d6a2a9293983a30bfc1dfa53 in / ',
      layer(
        'centos 7.9.2009',
        (b) =>
          rhelRoot(b, {
            osRelease: centos7OsRelease,
            release: ['/etc/centos-release', 'CentOS Linux release 7.9.2009 (Core)\n'],
            packages: CENTOS7_PACKAGES,
            bins: words('bash grep sed tar gzip find xargs mount umount more login su passwd hostname rpm rpm2cpio rpmkeys rpmquery yum python python2 python2.7 gawk awk vi curl gpg gpg2 ldd getent iconv locale ps top free kill pgrep pkill uptime watch w'),
            python: 'python2.7',
            repos: {
              'CentOS-Base.repo': '[base]\nname=CentOS-$releasever - Base\nmirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=os&infra=$infra\n#baseurl=http://mirror.centos.org/centos/$releasever/os/$basearch/\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\n',
            },
          }),
        203_996_232,
      ),
    ),
    nop('2020-11-14T00:20:04.971779468Z', ' LABEL org.label-schema.schema-version=1.0 org.label-schema.name=CentOS Base Image org.label-schema.vendor=CentOS org.label-schema.license=GPLv2 org.label-schema.build-date=20201113 org.opencontainers.image.title=CentOS Base Image org.opencontainers.image.vendor=CentOS org.opencontainers.image.licenses=GPL-2.0-only org.opencontainers.image.created=2020-11-13 00:00:00+00:00'),
    nop('2020-11-14T00:20:05.296366047Z', ' CMD ["/bin/bash"]'),
  ],
);

const ORACLE7_CREATED = '2023-12-05T00:53:10.441102271Z';
const ORACLE7_PACKAGES = words(`basesystem bash ca-certificates chkconfig coreutils cpio curl cyrus-sasl-lib diffutils elfutils-libelf expat
  file-libs filesystem findutils gawk gdbm glib2 glibc glibc-common gmp gnupg2 gpgme grep gzip info keyutils-libs krb5-libs libacl
  libassuan libattr libblkid libcap libcom_err libcurl libdb libdb-utils libffi libgcc libgcrypt libgpg-error libidn libmount libselinux
  libsepol libssh2 libstdc++ libtasn1 libuuid libverto libxml2 lua ncurses ncurses-base ncurses-libs nspr nss nss-pem nss-softokn
  nss-softokn-freebl nss-sysinit nss-util openldap openssl-libs oraclelinux-release oraclelinux-release-el7 p11-kit p11-kit-trust pcre
  pinentry popt pth pygpgme pyliblzma python python-iniparse python-libs python-pycurl python-urlgrabber pyxattr readline rootfiles rpm
  rpm-build-libs rpm-libs rpm-python sed setup shared-mime-info sqlite tzdata vim-minimal xz-libs yum yum-metadata-parser zlib`);

/** oraclelinux:7-slim's one layer: the base of mysql:5.7. */
export const oracle7SlimBase: Step[] = [
  nop(
    ORACLE7_CREATED,
    `ADD file:${addDigest('oraclelinux 7-slim 20231205')} in / `,
    layer(
      'oraclelinux 7-slim 20231205',
      (b) =>
        rhelRoot(b, {
          osRelease:
            'NAME="Oracle Linux Server"\nVERSION="7.9"\nID="ol"\nID_LIKE="fedora"\nVARIANT="Server"\nVARIANT_ID="server"\nVERSION_ID="7.9"\nPRETTY_NAME="Oracle Linux Server 7.9"\n' +
            'ANSI_COLOR="0;31"\nCPE_NAME="cpe:/o:oracle:linux:7:9:server"\nHOME_URL="https://linux.oracle.com/"\nBUG_REPORT_URL="https://github.com/oracle/oracle-linux"\n\n' +
            'ORACLE_BUGZILLA_PRODUCT="Oracle Linux 7"\nORACLE_BUGZILLA_PRODUCT_VERSION=7.9\nORACLE_SUPPORT_PRODUCT="Oracle Linux"\nORACLE_SUPPORT_PRODUCT_VERSION=7.9\n',
          release: ['/etc/oracle-release', 'Oracle Linux Server release 7.9\n'],
          packages: ORACLE7_PACKAGES,
          bins: words('bash grep sed tar gzip find xargs mount umount more login su passwd hostname rpm rpmkeys rpmquery yum python python2 python2.7 gawk awk vi curl gpg gpg2 ldd getent iconv locale'),
          python: 'python2.7',
          repos: { 'oracle-linux-ol7.repo': '[ol7_latest]\nname=Oracle Linux $releasever Latest ($basearch)\nbaseurl=https://yum$ociregion.$ocidomain/repo/OracleLinux/OL7/latest/$basearch/\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-oracle\ngpgcheck=1\nenabled=1\n' },
        }),
      133_214_822,
    ),
  ),
  nop('2023-12-05T00:53:11.181931456Z', ' CMD ["/bin/bash"]'),
];

// ---------------------------------------------------------------------------
// debian itself, and the stretch-slim that nginx:1.15 was built on

const debian = image('debian', ['latest', 'bookworm', '12', '12.8', 'bookworm-20241111'], { Env: [PATH_ENV], Cmd: ['bash'], Entrypoint: null, WorkingDir: '', User: '', Labels: null }, [
  nop(
    DEBIAN_CREATED,
    `ADD file:${addDigest('debian bookworm 20241111')} in / `,
    layer(
      'debian bookworm 20241111',
      (b) => {
        debianRoot(b, { osRelease: debianOsRelease, packages: [...BOOKWORM_PACKAGES, ...words('iproute2 iputils-ping libbpf1 libelf1 libmnl0 libxtables12 libcap2-bin')], version: '12.8', extraEtc: { '/etc/debian_version': '12.8\n', '/etc/issue': 'Debian GNU/Linux 12 \\n \\l\n\n' } });
        b.files('/usr/bin', words('ip ping ss bridge'), { mode: 0o755, weight: 6 });
        b.files('/usr/share/man', words('man1 man5 man8'), { weight: 40 });
        b.files('/usr/share/locale', words('de es fr it ja pt ru zh_CN'), { weight: 30 });
      },
      116_520_000,
    ),
  ),
  nop(DEBIAN_CREATED, ' CMD ["bash"]'),
]);

const debianSlim = image('debian', ['bookworm-slim', '12-slim', '12.8-slim', 'stable-slim'], { Env: [PATH_ENV], Cmd: ['bash'], Entrypoint: null, WorkingDir: '', User: '', Labels: null }, debianBase);

const STRETCH_CREATED = '2019-04-23T00:21:39.394918566Z';
const STRETCH_PACKAGES = words(`adduser apt base-files base-passwd bash bsdutils coreutils dash debconf debian-archive-keyring debianutils
  diffutils dpkg e2fslibs e2fsprogs findutils gcc-6-base gpgv grep gzip hostname init-system-helpers libacl1 libapt-pkg5.0 libattr1
  libaudit-common libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcomerr2 libdb5.3 libdebconfclient0 libfdisk1 libgcc1
  libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libmount1 libncursesw5 libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre3
  libselinux1 libsemanage-common libsemanage1 libsepol1 libsmartcols1 libss2 libstdc++6 libsystemd0 libtinfo5 libudev1 libustr-1.0-1
  libuuid1 login lsb-base mawk mount multiarch-support ncurses-base ncurses-bin passwd perl-base sed sensible-utils sysvinit-utils tar
  tzdata util-linux zlib1g`);

/** debian:stretch-slim (9.8): the base of nginx:1.15, before the /usr merge. */
export const stretchSlimBase: Step[] = [
  nop(
    STRETCH_CREATED,
    `ADD file:${addDigest('debian stretch-slim 20190423')} in / `,
    layer(
      'debian stretch-slim 20190423',
      (b) =>
        debianRoot(b, {
          osRelease:
            'PRETTY_NAME="Debian GNU/Linux 9 (stretch)"\nNAME="Debian GNU/Linux"\nVERSION_ID="9"\nVERSION="9 (stretch)"\nVERSION_CODENAME=stretch\nID=debian\n' +
            'HOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n',
          packages: STRETCH_PACKAGES,
          version: '9.8',
          mergedUsr: false,
          extraEtc: { '/etc/debian_version': '9.8\n', '/etc/issue': 'Debian GNU/Linux 9 \\n \\l\n\n', '/etc/apt/sources.list': 'deb http://deb.debian.org/debian stretch main\ndeb http://security-cdn.debian.org/debian-security stretch/updates main\ndeb http://deb.debian.org/debian stretch-updates main\n' },
        }),
      55_300_000,
    ),
  ),
  nop('2019-04-23T00:21:39.711221358Z', ' CMD ["bash"]'),
];

/** The distributions' own images on the simulated Hub. */
export const distroImages: readonly CatalogImage[] = [alpine, ubuntu, trusty, centos, centos7, debian, debianSlim];
