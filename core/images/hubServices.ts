import { PATH_ENV, type CatalogImage, type CatalogLayer } from './catalog';
import {
  buildkit, debianInstall, debianPasswd, debianGroup, image, layer, nop, run, scriptText, sharedObjects, words,
} from './hubBuild';
import { alpineBase, ALPINE_PACKAGES, debianBase, nobleBase, oracle7SlimBase, stretchSlimBase } from './hubDistros';
import {
  DEFAULT_CONF, DEFAULT_CONF_1_15, ENTRYPOINT_SH, ENVSUBST_SH, ERROR_50X_HTML, ERROR_50X_HTML_1_15, INDEX_HTML, INDEX_HTML_1_15, LISTEN_IPV6_SH,
  LOCAL_RESOLVERS_ENVSH, MIME_TYPES, MIME_TYPES_1_15, NGINX_CONF, NGINX_CONF_1_15, TUNE_WORKERS_SH,
} from '../services/fixtures/nginx';
import { ENTRYPOINT as REDIS_ENTRYPOINT } from '../services/fixtures/redis';
import { ENTRYPOINT_5_7 as MYSQL_ENTRYPOINT_5_7, ENTRYPOINT_8_0 as MYSQL_ENTRYPOINT_8_0 } from '../services/fixtures/mysql';
import { HTTPD_CONF, HTTPD_FOREGROUND, IT_WORKS } from '../services/fixtures/httpd';
import { SERVER_XML } from '../services/fixtures/tomcat';
import { CONFIG as REGISTRY_CONFIG, ENTRYPOINT as REGISTRY_ENTRYPOINT } from '../services/fixtures/registry';

/**
 * The service images of the simulated Hub — nginx, redis, mysql, httpd,
 * tomcat, registry — modelled on the official images' `docker history`
 * (docker-library's Dockerfiles: the same steps, ENV, ENTRYPOINT, CMD,
 * EXPOSE, VOLUME and STOPSIGNAL, layer sizes as the real ones weigh). Their
 * entrypoints and servers are files whose `program` the simulator runs
 * (core/services); their configuration files and pages are the real texts
 * (core/services/fixtures). Older tags (nginx:1.15, mysql:5.7) are built on
 * the bases of their day and share no layer with the newer ones.
 */

const NGINX_CREATED = '2024-11-12T02:53:28Z';

const nginx = image(
  'nginx',
  ['latest', '1', '1.27', '1.27.2', 'mainline', 'bookworm', 'mainline-bookworm'],
  {
    Env: [PATH_ENV, 'NGINX_VERSION=1.27.2', 'NJS_VERSION=0.8.6', 'NJS_RELEASE=1~bookworm', 'PKG_RELEASE=1~bookworm', 'DYNPKG_RELEASE=1~bookworm'],
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
    buildkit(NGINX_CREATED, 'ENV NJS_VERSION=0.8.6'),
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
          b.text('/etc/nginx/nginx.conf', NGINX_CONF).text('/etc/nginx/conf.d/default.conf', DEFAULT_CONF).text('/etc/nginx/mime.types', MIME_TYPES);
          b.files('/etc/nginx', words('fastcgi_params scgi_params uwsgi_params'), { weight: 0.3 });
          b.symlink('/etc/nginx/modules', '../../usr/lib/nginx/modules');
          b.files('/usr/lib/nginx/modules', words('ngx_http_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so ngx_http_xslt_filter_module.so ngx_stream_geoip_module.so ngx_stream_js_module.so'), { weight: 10 });
          b.text('/usr/share/nginx/html/index.html', INDEX_HTML).text('/usr/share/nginx/html/50x.html', ERROR_50X_HTML);
          b.symlink('/var/log/nginx/access.log', '/dev/stdout').symlink('/var/log/nginx/error.log', '/dev/stderr');
          b.files('/usr/bin', words('curl envsubst gettext njs openssl'), { mode: 0o755, weight: 20 });
          b.files('/usr/lib/x86_64-linux-gnu', sharedObjects(words('libcurl4 libxml2 libxslt1.1 libgd3 libgeoip1 libnghttp2-14 libpsl5 librtmp1 libssh2-1 libkrb5-3 libjpeg62-turbo libpng16-16 libfreetype6 libfontconfig1 libtiff6 libwebp7 libssl3 libicu72')), { weight: 60 });
          b.files('/usr/share/GeoIP', ['GeoIP.dat', 'GeoIPv6.dat'], { weight: 20 });
          b.files('/etc/ssl/certs', ['ca-certificates.crt'], { weight: 4 });
        },
      }),
    ),
    buildkit(NGINX_CREATED, 'COPY docker-entrypoint.sh / # buildkit', scriptText('nginx entrypoint', '/docker-entrypoint.sh', ENTRYPOINT_SH, 'nginx-entrypoint')),
    buildkit(NGINX_CREATED, 'COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d # buildkit', scriptText('nginx 10-listen', '/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh', LISTEN_IPV6_SH)),
    buildkit(NGINX_CREATED, 'COPY 15-local-resolvers.envsh /docker-entrypoint.d # buildkit', scriptText('nginx 15-local-resolvers', '/docker-entrypoint.d/15-local-resolvers.envsh', LOCAL_RESOLVERS_ENVSH)),
    buildkit(NGINX_CREATED, 'COPY 20-envsubst-on-templates.sh /docker-entrypoint.d # buildkit', scriptText('nginx 20-envsubst', '/docker-entrypoint.d/20-envsubst-on-templates.sh', ENVSUBST_SH)),
    buildkit(NGINX_CREATED, 'COPY 30-tune-worker-processes.sh /docker-entrypoint.d # buildkit', scriptText('nginx 30-tune', '/docker-entrypoint.d/30-tune-worker-processes.sh', TUNE_WORKERS_SH)),
    buildkit(NGINX_CREATED, 'ENTRYPOINT ["/docker-entrypoint.sh"]'),
    buildkit(NGINX_CREATED, 'EXPOSE map[80/tcp:{}]'),
    buildkit(NGINX_CREATED, 'STOPSIGNAL SIGQUIT'),
    buildkit(NGINX_CREATED, 'CMD ["nginx" "-g" "daemon off;"]'),
  ],
);

const NGINX_1_15_CREATED = '2019-05-08T03:01:41.562981384Z';

/** nginx:1.15.12 (stretch): no entrypoint script yet, one worker, error_log at warn, STOPSIGNAL SIGTERM. */
const nginx115 = image(
  'nginx',
  ['1.15', '1.15.12'],
  {
    Env: [PATH_ENV, 'NGINX_VERSION=1.15.12-1~stretch', 'NJS_VERSION=1.15.12.0.3.1-1~stretch'],
    Cmd: ['nginx', '-g', 'daemon off;'],
    Entrypoint: null,
    WorkingDir: '',
    User: '',
    Labels: { maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' },
    ExposedPorts: { '80/tcp': {} },
    StopSignal: 'SIGTERM',
  },
  [
    ...stretchSlimBase,
    nop('2019-05-08T03:00:57.331385021Z', ' LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>'),
    nop('2019-05-08T03:00:57.599093424Z', ' ENV NGINX_VERSION=1.15.12-1~stretch'),
    nop('2019-05-08T03:00:57.859245963Z', ' ENV NJS_VERSION=1.15.12.0.3.1-1~stretch'),
    run(
      '2019-05-08T03:01:39.779462337Z',
      'set -x 	&& apt-get update 	&& apt-get install --no-install-recommends --no-install-suggests -y gnupg1 apt-transport-https ca-certificates 	&& 	NGINX_GPGKEY=573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62; 	found=\'\'; 	for server in 		ha.pool.sks-keyservers.net 		hkp://keyserver.ubuntu.com:80 		hkp://p80.pool.sks-keyservers.net:80 		pgp.mit.edu 	; do 		echo "Fetching GPG key $NGINX_GPGKEY from $server"; 		apt-key adv --keyserver "$server" --keyserver-options timeout=10 --recv-keys "$NGINX_GPGKEY" && found=yes && break; 	done; 	test -z "$found" && echo >&2 "error: failed to fetch GPG key $NGINX_GPGKEY" && exit 1; 	apt-get remove --purge --auto-remove -y gnupg1 && rm -rf /var/lib/apt/lists/* 	&& dpkgArch="$(dpkg --print-architecture)" 	&& nginxPackages=" 		nginx=${NGINX_VERSION} 		nginx-module-xslt=${NGINX_VERSION} 		nginx-module-geoip=${NGINX_VERSION} 		nginx-module-image-filter=${NGINX_VERSION} 		nginx-module-njs=${NJS_VERSION} 	" 	&& case "$dpkgArch" in 		amd64|i386) 			echo "deb https://nginx.org/packages/mainline/debian/ stretch nginx" >> /etc/apt/sources.list.d/nginx.list 			&& apt-get update 			;; 	esac 		&& apt-get install --no-install-recommends --no-install-suggests -y 						$nginxPackages 						gettext-base 	&& apt-get remove --purge --auto-remove -y apt-transport-https ca-certificates && rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/nginx.list',
      layer(
        'nginx 1.15.12 install',
        (b) => {
          b.text('/etc/passwd', debianPasswd('nginx:x:101:101:nginx user,,,:/nonexistent:/bin/false\n')).text('/etc/group', debianGroup('nginx:x:101:\n'));
          b.dir('/var/cache/nginx');
          b.binary('/usr/sbin/nginx', 1_288_000, 'nginx-1.15');
          b.binary('/usr/sbin/nginx-debug', 1_386_000, 'nginx-1.15');
          b.text('/etc/nginx/nginx.conf', NGINX_CONF_1_15).text('/etc/nginx/conf.d/default.conf', DEFAULT_CONF_1_15).text('/etc/nginx/mime.types', MIME_TYPES_1_15);
          b.files('/etc/nginx', words('fastcgi_params scgi_params uwsgi_params koi-utf koi-win win-utf'), { weight: 0.3 });
          b.symlink('/etc/nginx/modules', '../../usr/lib/nginx/modules');
          b.files('/usr/lib/nginx/modules', words('ngx_http_geoip_module.so ngx_http_image_filter_module.so ngx_http_js_module.so ngx_http_xslt_filter_module.so ngx_stream_geoip_module.so ngx_stream_js_module.so'), { weight: 10 });
          b.text('/usr/share/nginx/html/index.html', INDEX_HTML_1_15).text('/usr/share/nginx/html/50x.html', ERROR_50X_HTML_1_15);
          b.text('/var/log/nginx/access.log', '').text('/var/log/nginx/error.log', '');
          b.files('/usr/bin', words('envsubst gettext'), { mode: 0o755, weight: 4 });
          b.files('/usr/lib/x86_64-linux-gnu', sharedObjects(words('libxml2 libxslt1.1 libgd3 libgeoip1 libjpeg62-turbo libpng16-16 libfreetype6 libfontconfig1 libtiff5 libwebp6 libssl1.1 libicu57')), { weight: 60 });
          b.files('/usr/share/GeoIP', ['GeoIP.dat', 'GeoIPv6.dat'], { weight: 20 });
        },
        53_700_000,
      ),
    ),
    run('2019-05-08T03:01:40.708640541Z', 'ln -sf /dev/stdout /var/log/nginx/access.log 	&& ln -sf /dev/stderr /var/log/nginx/error.log', layer('nginx 1.15.12 log links', (b) => void b.symlink('/var/log/nginx/access.log', '/dev/stdout').symlink('/var/log/nginx/error.log', '/dev/stderr'), 22)),
    nop('2019-05-08T03:01:40.981221487Z', ' EXPOSE 80'),
    nop('2019-05-08T03:01:41.268935716Z', ' STOPSIGNAL SIGTERM'),
    nop(NGINX_1_15_CREATED, ' CMD ["nginx" "-g" "daemon off;"]'),
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

export const redis = image(
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
    buildkit(REDIS_CREATED, 'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', scriptText('redis entrypoint', '/usr/local/bin/docker-entrypoint.sh', REDIS_ENTRYPOINT, 'redis-entrypoint')),
    buildkit(REDIS_CREATED, 'ENTRYPOINT ["docker-entrypoint.sh"]'),
    buildkit(REDIS_CREATED, 'EXPOSE map[6379/tcp:{}]'),
    buildkit(REDIS_CREATED, 'CMD ["redis-server"]'),
  ],
);

const MYSQL_CREATED = '2024-10-15T21:46:00Z';
export const mysql = image(
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
          b.binary('/usr/bin/mysql', 7_812_648, 'mysql');
          b.binary('/usr/bin/mysqladmin', 7_438_216, 'mysqladmin');
          b.files('/usr/bin', words('mysqlbinlog mysqlcheck mysqldump mysqlimport mysqlpump mysqlshow mysqlslap mysql_config_editor mysql_migrate_keyring mysql_secure_installation mysql_ssl_rsa_setup mysql_tzinfo_to_sql mysql_upgrade my_print_defaults perror'), { mode: 0o755, weight: 40 });
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
    buildkit(MYSQL_CREATED, 'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', scriptText('mysql entrypoint', '/usr/local/bin/docker-entrypoint.sh', MYSQL_ENTRYPOINT_8_0, 'mysql-entrypoint')),
    buildkit(MYSQL_CREATED, 'RUN /bin/sh -c ln -s usr/local/bin/docker-entrypoint.sh /entrypoint.sh # backwards compat # buildkit', layer('mysql compat link', (b) => void b.symlink('/entrypoint.sh', 'usr/local/bin/docker-entrypoint.sh'), 34)),
    buildkit(MYSQL_CREATED, 'ENTRYPOINT ["docker-entrypoint.sh"]'),
    buildkit(MYSQL_CREATED, 'EXPOSE map[3306/tcp:{} 33060/tcp:{}]'),
    buildkit(MYSQL_CREATED, 'CMD ["mysqld"]'),
  ],
);


const MYSQL_5_7_CREATED = '2023-10-25T19:31:54Z';

/** mysql:5.7.44 (Oracle Linux 7), the last 5.7: the server's /usr/sbin/mysqld and client in the minimal package, and mysql-shell. */
const mysql57 = image(
  'mysql',
  ['5.7', '5.7.44', '5.7-oracle', '5.7.44-oracle', '5'],
  {
    Env: [PATH_ENV, 'GOSU_VERSION=1.16', 'MYSQL_MAJOR=5.7', 'MYSQL_VERSION=5.7.44-1.el7', 'MYSQL_SHELL_VERSION=8.0.35-1.el7'],
    Cmd: ['mysqld'],
    Entrypoint: ['docker-entrypoint.sh'],
    WorkingDir: '',
    User: '',
    Labels: null,
    ExposedPorts: { '3306/tcp': {}, '33060/tcp': {} },
    Volumes: { '/var/lib/mysql': {} },
  },
  [
    ...oracle7SlimBase,
    buildkit(MYSQL_5_7_CREATED, 'RUN /bin/sh -c set -eux; \tgroupadd --system --gid 999 mysql; \tuseradd --system --uid 999 --gid 999 --home-dir /var/lib/mysql --no-create-home mysql # buildkit', layer('mysql 5.7 useradd', (b) => {
      b.text('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nadm:x:3:4:adm:/var/adm:/sbin/nologin\nlp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\nsync:x:5:0:sync:/sbin:/bin/sync\nshutdown:x:6:0:shutdown:/sbin:/sbin/shutdown\nhalt:x:7:0:halt:/sbin:/sbin/halt\nmail:x:8:12:mail:/var/spool/mail:/sbin/nologin\noperator:x:11:0:operator:/root:/sbin/nologin\ngames:x:12:100:games:/usr/games:/sbin/nologin\nftp:x:14:50:FTP User:/var/ftp:/sbin/nologin\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\nmysql:x:999:999::/var/lib/mysql:/bin/bash\n');
    }, 2_246)),
    buildkit(MYSQL_5_7_CREATED, 'ENV GOSU_VERSION=1.16'),
    buildkit(MYSQL_5_7_CREATED, 'RUN /bin/sh -c set -eux; \tarch="$(uname -m)"; \tcase "$arch" in \t\taarch64) gosuArch=\'arm64\' ;; \t\tx86_64) gosuArch=\'amd64\' ;; \t\t*) echo >&2 "error: unsupported architecture: \'$arch\'"; exit 1 ;; \tesac; \tcurl -fL -o /usr/local/bin/gosu.asc "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$gosuArch.asc"; \tcurl -fL -o /usr/local/bin/gosu "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$gosuArch"; \texport GNUPGHOME="$(mktemp -d)"; \tgpg --batch --keyserver hkps://keys.openpgp.org --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4; \tgpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu; \trm -rf "$GNUPGHOME" /usr/local/bin/gosu.asc; \tchmod +x /usr/local/bin/gosu; \tgosu --version; \tgosu nobody true # buildkit', layer('mysql 5.7 gosu', (b) => void b.binary('/usr/local/bin/gosu', 2_364_000, undefined, 0o755), 4_727_000)),
    buildkit(MYSQL_5_7_CREATED, 'RUN /bin/sh -c set -eux; \tyum install -y --setopt=skip_missing_names_on_install=False oracle-epel-release-el7; \tyum install -y --setopt=skip_missing_names_on_install=False \t\tbzip2 \t\tgzip \t\topenssl \t\txz \t\tzstd \t; \tyum clean all # buildkit', layer('mysql 5.7 tools', (b) => void b.files('/usr/bin', words('bzip2 openssl xz unxz zstd unzstd'), { mode: 0o755, weight: 10 }), 56_600_000)),
    buildkit(MYSQL_5_7_CREATED, "RUN /bin/sh -c set -eux; \tkey='859BE8D7C586F538430B19C2467B942D3A79BD29'; \texport GNUPGHOME=\"$(mktemp -d)\"; \tgpg --batch --keyserver keyserver.ubuntu.com --recv-keys \"$key\"; \tgpg --batch --export --armor \"$key\" > /etc/pki/rpm-gpg/RPM-GPG-KEY-mysql; \trm -rf \"$GNUPGHOME\" # buildkit", layer('mysql 5.7 key', (b) => void b.binary('/etc/pki/rpm-gpg/RPM-GPG-KEY-mysql', 3_140, undefined, 0o644), 3_140)),
    buildkit(MYSQL_5_7_CREATED, 'ENV MYSQL_MAJOR=5.7'),
    buildkit(MYSQL_5_7_CREATED, 'ENV MYSQL_VERSION=5.7.44-1.el7'),
    buildkit(MYSQL_5_7_CREATED, "RUN /bin/sh -c set -eu; \t{ \t\techo '[mysql5.7-server-minimal]'; \t\techo 'name=MySQL 5.7 Server Minimal'; \t\techo 'enabled=1'; \t\techo 'baseurl=https://repo.mysql.com/yum/mysql-5.7-community/docker/el/7/$basearch/'; \t\techo 'gpgcheck=1'; \t\techo 'gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-mysql'; \t\techo 'module_hotfixes=true'; \t} | tee /etc/yum.repos.d/mysql-community-minimal.repo # buildkit", layer('mysql 5.7 repo', (b) => void b.text('/etc/yum.repos.d/mysql-community-minimal.repo', '[mysql5.7-server-minimal]\nname=MySQL 5.7 Server Minimal\nenabled=1\nbaseurl=https://repo.mysql.com/yum/mysql-5.7-community/docker/el/7/$basearch/\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-mysql\nmodule_hotfixes=true\n'))),
    buildkit(MYSQL_5_7_CREATED, 'RUN /bin/sh -c set -eux; \tyum install -y --setopt=skip_missing_names_on_install=False "mysql-community-server-minimal-$MYSQL_VERSION"; \tyum clean all; \tgrep -F \'socket=/var/lib/mysql/mysql.sock\' /etc/my.cnf; \tsed -i \'s!^socket=.*!socket=/var/run/mysqld/mysqld.sock!\' /etc/my.cnf; \tgrep -F \'socket=/var/run/mysqld/mysqld.sock\' /etc/my.cnf; \t{ echo \'[client]\'; echo \'socket=/var/run/mysqld/mysqld.sock\'; } >> /etc/my.cnf; \t\t! grep -F \'!includedir\' /etc/my.cnf; \t{ echo; echo \'!includedir /etc/mysql/conf.d/\'; } >> /etc/my.cnf; \tmkdir -p /etc/mysql/conf.d; \t{ echo \'!includedir /etc/mysql/mysql.conf.d/\'; } >> /etc/my.cnf; \tmkdir -p /etc/mysql/mysql.conf.d; \t\tfind /etc/my.cnf /etc/mysql/ -name \'*.cnf\' -print0 \t\t| xargs -0 grep -lZE \'^(bind-address|log)\' \t\t| xargs -rt -0 sed -Ei \'s/^(bind-address|log)/#&/\'; \t\tmkdir -p /var/lib/mysql /var/run/mysqld; \tchown mysql:mysql /var/lib/mysql /var/run/mysqld; \tchmod 1777 /var/lib/mysql /var/run/mysqld; \t\tmkdir /docker-entrypoint-initdb.d; \t\tmysqld --version; \tmysql --version # buildkit', layer('mysql 5.7.44 server', (b) => {
      b.binary('/usr/sbin/mysqld', 245_000_000, 'mysqld-5.7');
      b.binary('/usr/bin/mysql', 4_460_000, 'mysql-5.7');
      b.binary('/usr/bin/mysqladmin', 4_200_000, 'mysqladmin-5.7');
      b.files('/usr/bin', words('mysqlcheck mysqldump mysql_tzinfo_to_sql my_print_defaults mysqlpump'), { mode: 0o755, weight: 20 });
      b.files('/usr/share/mysql', words('charsets english errmsg.sys fill_help_tables.sql mysql_system_tables.sql'), { weight: 4 });
      b.text('/etc/my.cnf', '# For advice on how to change settings please see\n# http://dev.mysql.com/doc/refman/5.7/en/server-configuration-defaults.html\n\n[mysqld]\n#\n# Remove leading # and set to the amount of RAM for the most important data\n# cache in MySQL. Start at 70% of total RAM for dedicated server, else 10%.\n# innodb_buffer_pool_size = 128M\n#\n# Remove leading # to turn on a very important data integrity option: logging\n# changes to the binary log between backups.\n# log_bin\n#\n# Remove leading # to set options mainly useful for reporting servers.\n# The server defaults are faster for transactions and fast SELECTs.\n# Adjust sizes as needed, experiment to find the optimal values.\n# join_buffer_size = 128M\n# sort_buffer_size = 2M\n# read_rnd_buffer_size = 2M\nskip-host-cache\nskip-name-resolve\ndatadir=/var/lib/mysql\nsocket=/var/run/mysqld/mysqld.sock\nsecure-file-priv=/var/lib/mysql-files\nuser=mysql\n\n# Disabling symbolic-links is recommended to prevent assorted security risks\nsymbolic-links=0\n\n#log-error=/var/log/mysqld.log\npid-file=/var/run/mysqld/mysqld.pid\n[client]\nsocket=/var/run/mysqld/mysqld.sock\n\n!includedir /etc/mysql/conf.d/\n!includedir /etc/mysql/mysql.conf.d/\n');
      b.dir('/etc/mysql/conf.d');
      b.dir('/etc/mysql/mysql.conf.d');
      b.dir('/var/lib/mysql', 0o1777);
      b.dir('/var/lib/mysql-files', 0o750);
      b.dir('/var/run/mysqld', 0o1777);
      b.dir('/docker-entrypoint-initdb.d');
    }, 252_000_000)),
    buildkit(MYSQL_5_7_CREATED, "RUN /bin/sh -c set -eu; \t{ \t\techo '[mysql-tools-community]'; \t\techo 'name=MySQL Tools Community'; \t\techo 'baseurl=https://repo.mysql.com/yum/mysql-tools-community/el/7/$basearch/'; \t\techo 'enabled=1'; \t\techo 'gpgcheck=1'; \t\techo 'gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-mysql'; \t\techo 'module_hotfixes=true'; \t} | tee /etc/yum.repos.d/mysql-community-tools.repo # buildkit", layer('mysql 5.7 tools repo', (b) => void b.text('/etc/yum.repos.d/mysql-community-tools.repo', '[mysql-tools-community]\nname=MySQL Tools Community\nbaseurl=https://repo.mysql.com/yum/mysql-tools-community/el/7/$basearch/\nenabled=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-mysql\nmodule_hotfixes=true\n'))),
    buildkit(MYSQL_5_7_CREATED, 'ENV MYSQL_SHELL_VERSION=8.0.35-1.el7'),
    buildkit(MYSQL_5_7_CREATED, 'RUN /bin/sh -c set -eux; \tyum install -y --setopt=skip_missing_names_on_install=False "mysql-shell-$MYSQL_SHELL_VERSION"; \tyum clean all; \t\tmysqlsh --version # buildkit', layer('mysql 5.7 shell', (b) => {
      b.files('/usr/bin', ['mysqlsh'], { mode: 0o755, weight: 30 });
      b.files('/usr/lib/mysqlsh', words('libmysqlclient.so.21 libpython3.9.so.1.0 libssl.so.1.1 libcrypto.so.1.1 lib'), { weight: 20 });
    }, 134_600_000)),
    buildkit(MYSQL_5_7_CREATED, 'VOLUME [/var/lib/mysql]'),
    buildkit(MYSQL_5_7_CREATED, 'COPY docker-entrypoint.sh /usr/local/bin/ # buildkit', scriptText('mysql 5.7 entrypoint', '/usr/local/bin/docker-entrypoint.sh', MYSQL_ENTRYPOINT_5_7, 'mysql-entrypoint-5.7')),
    buildkit(MYSQL_5_7_CREATED, 'ENTRYPOINT ["docker-entrypoint.sh"]'),
    buildkit(MYSQL_5_7_CREATED, 'EXPOSE map[3306/tcp:{} 33060/tcp:{}]'),
    buildkit(MYSQL_5_7_CREATED, 'CMD ["mysqld"]'),
  ],
);

const HTTPD_CREATED = '2024-11-12T01:17:34Z';
const HTTPD_PREFIX = '/usr/local/apache2';

/** httpd:2.4.62 (bookworm-slim): built from source into /usr/local/apache2, started by httpd-foreground, stopped gracefully by SIGWINCH. */
const httpd = image(
  'httpd',
  ['latest', '2', '2.4', '2.4.62', 'bookworm', '2.4-bookworm'],
  {
    Env: [`PATH=${HTTPD_PREFIX}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, `HTTPD_PREFIX=${HTTPD_PREFIX}`, 'HTTPD_VERSION=2.4.62', 'HTTPD_SHA256=674188e7bf44ced82da8db522da946849e22080d73d16c93f7f4df89e25729ec', 'HTTPD_PATCHES='],
    Cmd: ['httpd-foreground'],
    Entrypoint: null,
    WorkingDir: HTTPD_PREFIX,
    User: '',
    Labels: null,
    ExposedPorts: { '80/tcp': {} },
    StopSignal: 'SIGWINCH',
  },
  [
    ...debianBase,
    buildkit(HTTPD_CREATED, `ENV HTTPD_PREFIX=${HTTPD_PREFIX}`),
    buildkit(HTTPD_CREATED, `ENV PATH=${HTTPD_PREFIX}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`),
    buildkit(HTTPD_CREATED, 'RUN /bin/sh -c mkdir -p "$HTTPD_PREFIX" \t&& chown www-data:www-data "$HTTPD_PREFIX" # buildkit', layer('httpd prefix', (b) => void b.dir(HTTPD_PREFIX))),
    buildkit(HTTPD_CREATED, `WORKDIR ${HTTPD_PREFIX}`),
    buildkit(HTTPD_CREATED, 'RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates \t\tlibaprutil1-ldap \t\tlibldap-common \t; \trm -rf /var/lib/apt/lists/* # buildkit', debianInstall('httpd runtime deps', 4_560_000, {
      packages: words('ca-certificates libaprutil1-ldap libldap-common libapr1 libaprutil1 libldap-2.5-0 libsasl2-2 libsasl2-modules-db openssl libssl3'),
      build: (b) => void b.files('/usr/lib/x86_64-linux-gnu', sharedObjects(words('libapr-1 libaprutil-1 libldap-2.5 libsasl2 libssl3')), { weight: 20 }),
    })),
    buildkit(HTTPD_CREATED, 'ENV HTTPD_VERSION=2.4.62'),
    buildkit(HTTPD_CREATED, 'ENV HTTPD_SHA256=674188e7bf44ced82da8db522da946849e22080d73d16c93f7f4df89e25729ec'),
    buildkit(HTTPD_CREATED, 'ENV HTTPD_PATCHES='),
    buildkit(HTTPD_CREATED, 'RUN /bin/sh -c set -eux; \t\tsavedAptMark="$(apt-mark showmanual)"; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tbzip2 \t\tdpkg-dev \t\tgcc \t\tgnupg \t\tlibapr1-dev \t\tlibaprutil1-dev \t\tlibbrotli-dev \t\tlibcurl4-openssl-dev \t\tlibjansson-dev \t\tliblua5.2-dev \t\tlibnghttp2-dev \t\tlibpcre2-dev \t\tlibssl-dev \t\tlibxml2-dev \t\tmake \t\twget \t\tzlib1g-dev \t; \trm -r /var/lib/apt/lists/*; \t\tddist() { \t\tlocal f="$1"; shift; \t\tlocal distFile="$1"; shift; \t\tlocal success=; \t\tlocal distUrl=; \t\tfor distUrl in \t\t\t\'https://dlcdn.apache.org/\' \t\t\t\'https://archive.apache.org/dist/\' \t\t; do \t\t\tif wget -O "$f" "$distUrl$distFile" && [ -s "$f" ]; then \t\t\t\tsuccess=1; \t\t\t\tbreak; \t\t\tfi; \t\tdone; \t\t[ -n "$success" ]; \t}; \t\tddist \'httpd.tar.bz2\' "httpd/httpd-$HTTPD_VERSION.tar.bz2"; \techo "$HTTPD_SHA256 *httpd.tar.bz2" | sha256sum -c -; \t\tddist \'httpd.tar.bz2.asc\' "httpd/httpd-$HTTPD_VERSION.tar.bz2.asc"; \texport GNUPGHOME="$(mktemp -d)"; \tgpg --batch --verify httpd.tar.bz2.asc httpd.tar.bz2; \tgpgconf --kill all; \trm -rf "$GNUPGHOME" httpd.tar.bz2.asc; \t\tmkdir -p src; \ttar -xf httpd.tar.bz2 -C src --strip-components=1; \trm httpd.tar.bz2; \tcd src; \t\t./configure \t\t--build="$gnuArch" \t\t--prefix="$HTTPD_PREFIX" \t\t--enable-mods-shared=reallyall \t\t--enable-mpms-shared=all \t\t--enable-pie \t; \tmake -j "$(nproc)"; \tmake install; \t\tcd ..; \trm -r src man manual; \t\tsed -ri \t\t-e \'s!^(\\s*CustomLog)\\s+\\S+!\\1 /proc/self/fd/1!g\' \t\t-e \'s!^(\\s*ErrorLog)\\s+\\S+!\\1 /proc/self/fd/2!g\' \t\t-e \'s!^(\\s*TransferLog)\\s+\\S+!\\1 /proc/self/fd/1!g\' \t\t-e \'s!^(\\s*User)\\s+daemon\\s*$!\\1 www-data!g\' \t\t-e \'s!^(\\s*Group)\\s+daemon\\s*$!\\1 www-data!g\' \t\t"$HTTPD_PREFIX/conf/httpd.conf" \t\t"$HTTPD_PREFIX/conf/extra/httpd-ssl.conf" \t; \t\tapt-mark auto \'.*\' > /dev/null; \t[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark; \tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \t\thttpd -v # buildkit', layer('httpd 2.4.62 build', (b) => {
      b.binary(`${HTTPD_PREFIX}/bin/httpd`, 2_612_432, 'apache-httpd');
      b.files(`${HTTPD_PREFIX}/bin`, words('ab apachectl apxs checkgid dbmmanage envvars envvars-std fcgistarter htcacheclean htdbm htdigest htpasswd httxt2dbm logresolve rotatelogs'), { mode: 0o755, weight: 6 });
      b.text(`${HTTPD_PREFIX}/conf/httpd.conf`, HTTPD_CONF);
      b.files(`${HTTPD_PREFIX}/conf`, ['magic', 'mime.types'], { weight: 4 });
      b.files(`${HTTPD_PREFIX}/conf/extra`, words('httpd-autoindex.conf httpd-dav.conf httpd-default.conf httpd-info.conf httpd-languages.conf httpd-manual.conf httpd-mpm.conf httpd-multilang-errordoc.conf httpd-ssl.conf httpd-userdir.conf httpd-vhosts.conf proxy-html.conf'), { weight: 1 });
      b.files(`${HTTPD_PREFIX}/conf/original`, ['httpd.conf'], { weight: 2 });
      b.text(`${HTTPD_PREFIX}/htdocs/index.html`, IT_WORKS);
      b.files(`${HTTPD_PREFIX}/cgi-bin`, ['printenv', 'printenv.vbs', 'printenv.wsf', 'test-cgi'], { weight: 0.2 });
      b.files(`${HTTPD_PREFIX}/error`, words('HTTP_BAD_GATEWAY.html.var HTTP_BAD_REQUEST.html.var HTTP_FORBIDDEN.html.var HTTP_NOT_FOUND.html.var README contact.html.var'), { weight: 1 });
      b.files(`${HTTPD_PREFIX}/icons`, words('README apache_pb.gif apache_pb.png back.gif blank.gif folder.gif text.gif'), { weight: 3 });
      b.dir(`${HTTPD_PREFIX}/logs`);
      b.files(`${HTTPD_PREFIX}/include`, words('ap_config.h ap_mmn.h httpd.h http_config.h'), { weight: 2 });
      b.files(`${HTTPD_PREFIX}/modules`, words('httpd.exp mod_access_compat.so mod_alias.so mod_auth_basic.so mod_authn_core.so mod_authn_file.so mod_authz_core.so mod_authz_groupfile.so mod_authz_host.so mod_authz_user.so mod_autoindex.so mod_dir.so mod_env.so mod_filter.so mod_headers.so mod_log_config.so mod_mime.so mod_mpm_event.so mod_mpm_prefork.so mod_mpm_worker.so mod_proxy.so mod_proxy_http.so mod_reqtimeout.so mod_rewrite.so mod_setenvif.so mod_ssl.so mod_status.so mod_unixd.so mod_version.so mod_http2.so mod_lua.so'), { weight: 12 });
      b.files('/usr/lib/x86_64-linux-gnu', sharedObjects(words('libbrotli1 libcurl4 libjansson4 liblua5.2-0 libnghttp2-14 libpcre2-8-0 libxml2')), { weight: 20 });
    }, 68_300_000)),
    buildkit(HTTPD_CREATED, 'STOPSIGNAL SIGWINCH'),
    buildkit(HTTPD_CREATED, 'COPY httpd-foreground /usr/local/bin/ # buildkit', scriptText('httpd foreground', '/usr/local/bin/httpd-foreground', HTTPD_FOREGROUND, 'httpd-foreground')),
    buildkit(HTTPD_CREATED, 'EXPOSE map[80/tcp:{}]'),
    buildkit(HTTPD_CREATED, 'CMD ["httpd-foreground"]'),
  ],
);

const TEMURIN_CREATED = '2024-10-23T17:25:48Z';
const TOMCAT_CREATED = '2024-11-12T02:11:57Z';
const JAVA_PATH = 'PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const TOMCAT_PATH = 'PATH=/usr/local/tomcat/bin:/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** eclipse-temurin:21-jdk-noble's steps on top of ubuntu:24.04: the JDK in /opt/java/openjdk. */
const temurin21Steps = [
  buildkit(TEMURIN_CREATED, 'ENV JAVA_HOME=/opt/java/openjdk'),
  buildkit(TEMURIN_CREATED, `ENV ${JAVA_PATH}`),
  buildkit(TEMURIN_CREATED, "ENV LANG=en_US.UTF-8 LANGUAGE=en_US:en LC_ALL=en_US.UTF-8"),
  buildkit(TEMURIN_CREATED, 'RUN /bin/sh -c set -eux;     apt-get update;     DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends         curl         wget         fontconfig         ca-certificates p11-kit         tzdata         locales     ;     echo "en_US.UTF-8 UTF-8" >> /etc/locale.gen;     locale-gen en_US.UTF-8;     rm -rf /var/lib/apt/lists/* # buildkit', debianInstall('temurin noble deps', 42_700_000, {
    base: [],
    packages: words('curl wget fontconfig fontconfig-config fonts-dejavu-core ca-certificates p11-kit tzdata locales libcurl4t64 libfreetype6 libpng16-16t64 libexpat1 libbrotli1 libssl3t64 openssl'),
    build: (b) => {
      b.files('/usr/bin', words('curl wget fc-cache fc-list locale-gen'), { mode: 0o755, weight: 8 });
      b.files('/usr/lib/locale', ['locale-archive'], { weight: 100 });
      b.files('/usr/share/fonts/truetype/dejavu', words('DejaVuSans.ttf DejaVuSans-Bold.ttf DejaVuSansMono.ttf'), { weight: 30 });
    },
  })),
  buildkit(TEMURIN_CREATED, 'ENV JAVA_VERSION=jdk-21.0.5+11'),
  buildkit(TEMURIN_CREATED, 'RUN /bin/sh -c set -eux;     ARCH="$(dpkg --print-architecture)";     case "${ARCH}" in        amd64)          ESUM=\'3c654d98404c073b8a7e66bffb27f4ae3e7ede47d13284c132d40a83144bfd8c\';          BINARY_URL=\'https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.5%2B11/OpenJDK21U-jdk_x64_linux_hotspot_21.0.5_11.tar.gz\';          ;;        *)          echo "Unsupported arch: ${ARCH}";          exit 1;          ;;     esac;     wget --progress=dot:giga -O /tmp/openjdk.tar.gz ${BINARY_URL};     echo "${ESUM} */tmp/openjdk.tar.gz" | sha256sum -c -;     mkdir -p "$JAVA_HOME";     tar --extract         --file /tmp/openjdk.tar.gz         --directory "$JAVA_HOME"         --strip-components 1         --no-same-owner     ;     rm -f /tmp/openjdk.tar.gz ${JAVA_HOME}/lib/src.zip;     find "$JAVA_HOME/lib" -name \'*.so\' -exec dirname \'{}\' \';\' | sort -u > /etc/ld.so.conf.d/docker-openjdk.conf;     ldconfig;     java -Xshare:dump; # buildkit', layer('temurin jdk 21.0.5+11', (b) => {
    b.binary('/opt/java/openjdk/bin/java', 12_744, 'java');
    b.files('/opt/java/openjdk/bin', words('jar jarsigner javac javadoc javap jcmd jconsole jdb jdeprscan jdeps jfr jhsdb jimage jinfo jlink jmap jmod jpackage jps jrunscript jshell jstack jstat jstatd jwebserver keytool rmiregistry serialver'), { mode: 0o755, weight: 1 });
    b.files('/opt/java/openjdk/lib', words('modules libjava.so libjvm.so libnet.so libnio.so libzip.so jrt-fs.jar tzdb.dat classlist'), { weight: 40 });
    b.files('/opt/java/openjdk/lib/server', ['classes.jsa', 'classes_nocoops.jsa', 'libjvm.so'], { weight: 30 });
    b.files('/opt/java/openjdk/conf', words('logging.properties net.properties sound.properties'), { weight: 0.1 });
    b.files('/opt/java/openjdk/jmods', words('java.base.jmod java.desktop.jmod java.sql.jmod java.xml.jmod jdk.compiler.jmod'), { weight: 25 });
    b.text('/opt/java/openjdk/release', 'IMPLEMENTOR="Eclipse Adoptium"\nIMPLEMENTOR_VERSION="Temurin-21.0.5+11"\nJAVA_RUNTIME_VERSION="21.0.5+11-LTS"\nJAVA_VERSION="21.0.5"\nJAVA_VERSION_DATE="2024-10-15"\n');
    b.text('/etc/ld.so.conf.d/docker-openjdk.conf', '/opt/java/openjdk/lib\n/opt/java/openjdk/lib/server\n');
  }, 318_600_000)),
  buildkit(TEMURIN_CREATED, 'RUN /bin/sh -c set -eux;     echo "Verifying install ...";     fileEncoding="$(echo \'System.out.println(System.getProperty("file.encoding"))\' | jshell -s -)"; [ "$fileEncoding" = \'UTF-8\' ]; rm -rf ~/.java;     echo "javac --version"; javac --version;     echo "java --version"; java --version;     echo "Complete." # buildkit'),
  buildkit(TEMURIN_CREATED, 'COPY --chmod=755 entrypoint.sh /__cacert_entrypoint.sh # buildkit', layer('temurin cacert entrypoint', (b) => void b.binary('/__cacert_entrypoint.sh', 5_012, undefined, 0o755), 5_012)),
  buildkit(TEMURIN_CREATED, 'ENTRYPOINT ["/__cacert_entrypoint.sh"]'),
  buildkit(TEMURIN_CREATED, 'CMD ["jshell"]'),
];

const TOMCAT_HOME = '/usr/local/tomcat';

/**
 * tomcat:10.1.33 (JDK 21, Ubuntu 24.04): the distribution in /usr/local/tomcat
 * with its sample applications moved to webapps.dist, so webapps is empty and
 * `/` answers Tomcat's 404 page; `catalina.sh run` in the foreground.
 */
const tomcat = image(
  'tomcat',
  ['latest', '10', '10.1', '10.1.33', 'jdk21', '10.1-jdk21', '10.1.33-jdk21-temurin-noble'],
  {
    Env: [
      TOMCAT_PATH, 'JAVA_HOME=/opt/java/openjdk', 'LANG=en_US.UTF-8', 'LANGUAGE=en_US:en', 'LC_ALL=en_US.UTF-8', 'JAVA_VERSION=jdk-21.0.5+11', `CATALINA_HOME=${TOMCAT_HOME}`,
      `TOMCAT_NATIVE_LIBDIR=${TOMCAT_HOME}/native-jni-lib`, `LD_LIBRARY_PATH=${TOMCAT_HOME}/native-jni-lib`, 'GPG_KEYS=5C3C5F3E314C866292F359A8F3AD5C94A67F707E A9C5DF4D22E99998D9875A5110C01C5A2F6059E7',
      'TOMCAT_MAJOR=10', 'TOMCAT_VERSION=10.1.33', 'TOMCAT_SHA512=f58c9d8029b1ec18d017019dcd68eb679b323f5c4f5d3f33f1a9bf3a4616db718ee3b44f8acc421ffaed67f4c2ca4647be0c7fa04a80274afd18a083711c5ece',
    ],
    Cmd: ['catalina.sh', 'run'],
    Entrypoint: null,
    WorkingDir: TOMCAT_HOME,
    User: '',
    Labels: { 'org.opencontainers.image.ref.name': 'ubuntu', 'org.opencontainers.image.version': '24.04' },
    ExposedPorts: { '8080/tcp': {} },
  },
  [
    ...nobleBase,
    ...temurin21Steps,
    buildkit(TOMCAT_CREATED, `ENV CATALINA_HOME=${TOMCAT_HOME}`),
    buildkit(TOMCAT_CREATED, `ENV ${TOMCAT_PATH}`),
    buildkit(TOMCAT_CREATED, 'RUN /bin/sh -c mkdir -p "$CATALINA_HOME" # buildkit', layer('tomcat home', (b) => void b.dir(TOMCAT_HOME))),
    buildkit(TOMCAT_CREATED, `WORKDIR ${TOMCAT_HOME}`),
    buildkit(TOMCAT_CREATED, `ENV TOMCAT_NATIVE_LIBDIR=${TOMCAT_HOME}/native-jni-lib`),
    buildkit(TOMCAT_CREATED, `ENV LD_LIBRARY_PATH=${TOMCAT_HOME}/native-jni-lib`),
    buildkit(TOMCAT_CREATED, 'ENV GPG_KEYS=5C3C5F3E314C866292F359A8F3AD5C94A67F707E A9C5DF4D22E99998D9875A5110C01C5A2F6059E7'),
    buildkit(TOMCAT_CREATED, 'ENV TOMCAT_MAJOR=10'),
    buildkit(TOMCAT_CREATED, 'ENV TOMCAT_VERSION=10.1.33'),
    buildkit(TOMCAT_CREATED, 'ENV TOMCAT_SHA512=f58c9d8029b1ec18d017019dcd68eb679b323f5c4f5d3f33f1a9bf3a4616db718ee3b44f8acc421ffaed67f4c2ca4647be0c7fa04a80274afd18a083711c5ece'),
    buildkit(TOMCAT_CREATED, 'COPY /usr/local/tomcat /usr/local/tomcat # buildkit', layer('tomcat 10.1.33', (b) => {
      b.binary(`${TOMCAT_HOME}/bin/catalina.sh`, 25_323, 'catalina.sh');
      b.files(`${TOMCAT_HOME}/bin`, words('bootstrap.jar commons-daemon.jar tomcat-juli.jar tomcat-native.tar.gz'), { weight: 6 });
      b.files(`${TOMCAT_HOME}/bin`, words('ciphers.sh configtest.sh daemon.sh digest.sh makebase.sh migrate.sh setclasspath.sh shutdown.sh startup.sh tool-wrapper.sh version.sh'), { mode: 0o755, weight: 0.5 });
      b.text(`${TOMCAT_HOME}/conf/server.xml`, SERVER_XML, 0o644);
      b.files(`${TOMCAT_HOME}/conf`, words('catalina.policy catalina.properties context.xml jaspic-providers.xml jaspic-providers.xsd logging.properties tomcat-users.xml tomcat-users.xsd web.xml'), { weight: 6 });
      b.files(`${TOMCAT_HOME}/lib`, words('annotations-api.jar catalina-ant.jar catalina-ha.jar catalina-ssi.jar catalina-storeconfig.jar catalina-tribes.jar catalina.jar ecj-4.33.jar el-api.jar jasper-el.jar jasper.jar jaspic-api.jar jsp-api.jar servlet-api.jar tomcat-api.jar tomcat-coyote.jar tomcat-dbcp.jar tomcat-i18n-zh-CN.jar tomcat-jdbc.jar tomcat-jni.jar tomcat-util-scan.jar tomcat-util.jar tomcat-websocket.jar websocket-api.jar'), { weight: 20 });
      b.dir(`${TOMCAT_HOME}/logs`, 0o1777);
      b.dir(`${TOMCAT_HOME}/temp`, 0o1777);
      b.dir(`${TOMCAT_HOME}/work`, 0o1777);
      b.dir(`${TOMCAT_HOME}/webapps`);
      for (const app of ['ROOT', 'docs', 'examples', 'host-manager', 'manager']) b.files(`${TOMCAT_HOME}/webapps.dist/${app}`, ['index.html', 'WEB-INF'], { weight: 2 });
      b.files(`${TOMCAT_HOME}/native-jni-lib`, words('libtcnative-2.so libtcnative-2.so.0 libtcnative-2.so.0.0.8'), { weight: 3 });
      b.text(`${TOMCAT_HOME}/native-jni-lib/.dependencies.txt`, 'libapr1t64\nlibc6\nlibssl3t64\n');
      b.files(TOMCAT_HOME, words('BUILDING.txt CONTRIBUTING.md LICENSE NOTICE README.md RELEASE-NOTES RUNNING.txt'), { weight: 1 });
    }, 22_700_000)),
    buildkit(TOMCAT_CREATED, 'RUN /bin/sh -c set -eux; \tapt-get update; \txargs -rt apt-get install -y --no-install-recommends < "$TOMCAT_NATIVE_LIBDIR/.dependencies.txt"; \trm -rf /var/lib/apt/lists/* # buildkit', debianInstall('tomcat native deps', 393_000, {
      base: [],
      packages: ['libapr1t64'],
      build: (b) => void b.files('/usr/lib/x86_64-linux-gnu', ['libapr-1.so.0'], { weight: 10 }),
    })),
    buildkit(TOMCAT_CREATED, 'RUN /bin/sh -c set -eux; \tnativeLines="$(catalina.sh configtest 2>&1)"; \tnativeLines="$(echo "$nativeLines" | grep \'Apache Tomcat Native\')"; \tnativeLines="$(echo "$nativeLines" | sort -u)"; \tif ! echo "$nativeLines" | grep -E \'INFO: Loaded( APR based)? Apache Tomcat Native library\' >&2; then \t\techo >&2 "$nativeLines"; \t\texit 1; \tfi # buildkit'),
    buildkit(TOMCAT_CREATED, 'EXPOSE map[8080/tcp:{}]'),
    buildkit(TOMCAT_CREATED, 'ENTRYPOINT []'),
    buildkit(TOMCAT_CREATED, 'CMD ["catalina.sh" "run"]'),
  ],
);

const REGISTRY_CREATED = '2024-09-07T00:14:03Z';
export const registry = image(
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
    buildkit(REGISTRY_CREATED, 'COPY ./config-example.yml /etc/docker/registry/config.yml # buildkit', layer('registry config', (b) => void b.text('/etc/docker/registry/config.yml', REGISTRY_CONFIG))),
    buildkit(REGISTRY_CREATED, 'VOLUME [/var/lib/registry]'),
    buildkit(REGISTRY_CREATED, 'EXPOSE map[5000/tcp:{}]'),
    buildkit(REGISTRY_CREATED, 'COPY docker-entrypoint.sh /entrypoint.sh # buildkit', scriptText('registry entrypoint', '/entrypoint.sh', REGISTRY_ENTRYPOINT, 'registry-entrypoint')),
    buildkit(REGISTRY_CREATED, 'ENTRYPOINT ["/entrypoint.sh"]'),
    buildkit(REGISTRY_CREATED, 'CMD ["/etc/docker/registry/config.yml"]'),
  ],
);

/** The service images on the simulated Hub. */
export const serviceImages: readonly CatalogImage[] = [nginx, nginx115, mysql, mysql57, redis, registry, httpd, tomcat];
