#!/usr/bin/env bash
# Builds the images whose output core/services/fixtures/debian/ records, from
# Debian's own packages and without a registry (none is reachable here):
#   glassbox-fixture/nginx:debian    nginx
#   glassbox-fixture/redis:debian    redis-server redis-tools
#   glassbox-fixture/mariadb:debian  mariadb-server mariadb-client
#   glassbox-fixture/registry:debian docker-registry
# Each is `debootstrap --variant=minbase bookworm` (done once, kept as a tarball
# under $GLASSBOX_CACHE, default /var/cache/glassbox) plus `apt-get install` in a
# chroot, set up the way the official image sets its program up where that is a
# line or two (see core/services/fixtures/DIFFERENCES.md), then `docker import`.
# Packages come from Debian's mirror (debootstrap's default, or
# $GLASSBOX_DEBIAN_MIRROR), so this needs that mirror and root.
#
# Safe to run again: an image whose glassbox.fixture.recipe label matches this
# script's hash is kept; any edit here rebuilds them all. Usage:
#   service-images.sh [nginx|redis|mariadb|registry ...]   (default: all four)
set -euo pipefail

cache=${GLASSBOX_CACHE:-/var/cache/glassbox}
mirror=${GLASSBOX_DEBIAN_MIRROR:-}
suite=bookworm
repo=glassbox-fixture
path_env='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
recipe=$(sha256sum "$0" | cut -c1-16)
started=$SECONDS

die() {
  echo "service-images.sh: $*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
command -v docker >/dev/null || die "the docker client is missing"
docker info --format '{{.ServerVersion}}' >/dev/null 2>&1 || die "no Docker engine answers ('docker info' failed)"
arch=$(dpkg --print-architecture)
base_tar=$cache/$suite-minbase-$arch.tar

# Directories and mounts this run made, removed on any exit.
scratch=()
mounts=()
cleanup() {
  local m d
  for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
  for d in "${scratch[@]}"; do rm -rf --one-file-system "$d"; done
}
trap cleanup EXIT

up_to_date() {
  [ "$(docker image inspect --format '{{index .Config.Labels "glassbox.fixture.recipe"}}' "$1" 2>/dev/null)" = "$recipe" ]
}

# The minbase root file system, made once: debootstrap is most of the time spent.
ensure_base() {
  [ -s "$base_tar" ] && return 0
  mkdir -p "$cache"
  local root
  root=$(mktemp -d /var/tmp/gb-fixture-base-XXXXXX)
  scratch+=("$root")
  echo "debootstrap --variant=minbase $suite (once; kept in $base_tar)"
  # shellcheck disable=SC2086 # an empty mirror means debootstrap's default
  if ! debootstrap --variant=minbase "$suite" "$root" $mirror >"$root.log" 2>&1; then
    tail -n 20 "$root.log" >&2
    die "debootstrap failed (full log: $root.log)"
  fi
  rm -f "$root.log"
  chroot "$root" apt-get clean
  tar -C "$root" -cf "$base_tar.part" .
  mv "$base_tar.part" "$base_tar"
}

# in_root ROOT CMD...: runs CMD in the chroot with /proc mounted and services kept from starting.
in_root() {
  local root=$1
  shift
  chroot "$root" env -i "$path_env" DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}

# build NAME PACKAGES CONFIGURE_FN IMPORT_CHANGES...
build() {
  local name=$1 packages=$2 configure=$3
  shift 3
  local image=$repo/$name:debian root log old versions
  if up_to_date "$image"; then
    echo "$image is up to date"
    return 0
  fi
  local t0=$SECONDS
  root=$(mktemp -d /var/tmp/gb-fixture-$name-XXXXXX)
  scratch+=("$root")
  log=$root.log
  scratch+=("$log")
  tar -C "$root" -xf "$base_tar"
  # Package scripts must not start the services they install (there is no init here).
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  mounts+=("$root/proc")
  echo "$image: apt-get install $packages"
  # shellcheck disable=SC2086 # the package list is words
  if ! { in_root "$root" apt-get update && in_root "$root" apt-get install -y --no-install-recommends $packages; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "$image: apt-get failed in the chroot (log above)"
  fi
  "$configure" "$root"
  # shellcheck disable=SC2086
  versions=$(in_root "$root" dpkg-query -W -f='${Package}=${Version} ' $packages)
  in_root "$root" apt-get clean
  umount "$root/proc"
  rm -rf "$root/var/lib/apt/lists"/* "$root/usr/sbin/policy-rc.d"
  : > "$root/etc/resolv.conf"
  old=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  # /dev, /proc and /sys stay as empty directories: the engine mounts its own.
  tar -C "$root" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
    | docker import \
        --change "ENV $path_env" \
        --change "LABEL glassbox.fixture.recipe=$recipe" \
        --change "LABEL glassbox.fixture.packages=\"${versions% }\"" \
        "${@/#/--change=}" - "$image" >/dev/null \
    || die "$image: docker import failed"
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
  up_to_date "$image" || die "$image does not carry the expected label after docker import"
  rm -rf --one-file-system "$root" "$log"
  echo "$image built in $((SECONDS - t0))s: ${versions% }"
}

# As nginx.org's image (nginxinc/docker-nginx, mainline/debian/Dockerfile): logs to the
# container's stdout/stderr, so `docker logs` shows them. Its entrypoint script and its
# conf.d/default.conf are not copied: this image records what Debian's package does.
configure_nginx() {
  ln -sf /dev/stdout "$1/var/log/nginx/access.log"
  ln -sf /dev/stderr "$1/var/log/nginx/error.log"
}

# As docker-library/redis: /data owned by redis is the working directory, and an
# entrypoint drops root for redis-server (setpriv, from util-linux, stands in for gosu).
# The official build patches protected mode off in the source; Debian's is on, so
# the CMD turns it off.
configure_redis() {
  mkdir -p "$1/data"
  in_root "$1" chown redis:redis /data
  cat > "$1/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
# Like docker-library/redis's entrypoint: options alone mean redis-server's options.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi
if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
um="$(umask)"
if [ "$um" = '0022' ]; then
	umask 0077
fi
exec "$@"
EOF
  chmod 755 "$1/usr/local/bin/docker-entrypoint.sh"
}

# Debian's postinst initialised /var/lib/mysql; it is emptied so that the first start
# initialises it (mariadb-install-db) as the official images' entrypoints do, and the
# server listens beyond loopback as theirs does. root@localhost keeps Debian's
# unix_socket authentication: `docker exec … mysql` as root needs no password.
configure_mariadb() {
  rm -rf "${1:?}/var/lib/mysql"/*
  sed -i 's/^bind-address/#bind-address/' "$1/etc/mysql/mariadb.conf.d/50-server.cnf"
  cat > "$1/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
if [ "${1#-}" != "$1" ]; then
	set -- mariadbd "$@"
fi
if [ "$1" = 'mariadbd' ] || [ "$1" = 'mysqld' ]; then
	mkdir -p /run/mysqld
	chown mysql:mysql /run/mysqld /var/lib/mysql
	if [ ! -d /var/lib/mysql/mysql ]; then
		mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db
	fi
	set -- "$@" --user=mysql
fi
exec "$@"
EOF
  chmod 755 "$1/usr/local/bin/docker-entrypoint.sh"
}

# As docker-library's registry:2 (distribution-library-image): the official image's
# config.yml in /etc/docker/registry (Debian's own keeps its data in
# /var/lib/docker-registry), data in /var/lib/registry, and its entrypoint, which
# runs `registry serve CONFIG`: Debian names the program docker-registry, so a
# `registry` symlink stands in for the official image's /bin/registry.
configure_registry() {
  mkdir -p "$1/var/lib/registry" "$1/etc/docker/registry"
  ln -sf /usr/bin/docker-registry "$1/usr/local/bin/registry"
  cat > "$1/etc/docker/registry/config.yml" <<'EOF'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF
  cat > "$1/entrypoint.sh" <<'EOF'
#!/bin/sh

set -e

case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac

exec "$@"
EOF
  chmod 755 "$1/entrypoint.sh"
}

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(nginx redis mariadb registry)
for name in "${wanted[@]}"; do
  case $name in nginx | redis | mariadb | registry) ;; *) die "unknown image '$name' (nginx, redis, mariadb or registry)" ;; esac
done

need_base=
for name in "${wanted[@]}"; do up_to_date "$repo/$name:debian" || need_base=1; done
[ -z "$need_base" ] || ensure_base

for name in "${wanted[@]}"; do
  case $name in
    nginx)
      build nginx nginx configure_nginx \
        'EXPOSE 80' 'CMD ["nginx", "-g", "daemon off;"]'
      ;;
    redis)
      build redis 'redis-server redis-tools' configure_redis \
        'VOLUME /data' 'WORKDIR /data' 'EXPOSE 6379' \
        'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server", "--protected-mode", "no"]'
      ;;
    mariadb)
      build mariadb 'mariadb-server mariadb-client' configure_mariadb \
        'VOLUME /var/lib/mysql' 'EXPOSE 3306' \
        'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["mariadbd"]'
      ;;
    registry)
      build registry docker-registry configure_registry \
        'VOLUME /var/lib/registry' 'EXPOSE 5000' \
        'ENTRYPOINT ["/entrypoint.sh"]' 'CMD ["/etc/docker/registry/config.yml"]'
      ;;
  esac
done
echo "service images ready in $((SECONDS - started))s"
