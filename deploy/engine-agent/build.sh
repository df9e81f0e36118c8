#!/usr/bin/env bash
# Builds the "engine + agent" image, glassbox/engine-agent:<version>: a Docker
# Engine and the Glassbox agent in one privileged container, one per student.
# Offline apart from Debian's mirror: no container registry is used.
#
#   1. base image  debootstrap a minimal Debian bookworm with docker.io, iptables,
#                  iproute2, procps, attr, strace, busybox-static, and
#                  `tar | docker import` it as glassbox/engine-agent-base:<hash>.
#                  Skipped when an image with that hash exists (the hash covers
#                  the package list and the Debian suite), so a second run costs
#                  nothing here.
#   2. stage       the app: `vite build` of the web app, the agent's TypeScript
#                  sources (run by tsx, as bin/glassbox.mjs does), and the
#                  production node_modules (a copy of this checkout's, with
#                  `npm prune --omit=dev`, offline).
#                  Node: bookworm's nodejs is 18 and the app needs 20 or later,
#                  so this machine's own node binary (`command -v node`, which
#                  must be 20+) is copied in, without its debug sections. It is
#                  dynamically linked to glibc and libstdc++, which the base has.
#   3. image       `docker build` of deploy/engine-agent/Dockerfile FROM the base.
#
# Safe to run again: the base is kept, and docker's layer cache keeps an
# unchanged app. Each step's time is printed, and the total at the end.
#
# Environment:
#   GLASSBOX_ENGINE_IMAGE     the tag to build (default glassbox/engine-agent:<package.json version>)
#   GLASSBOX_DEBIAN_MIRROR    (default http://deb.debian.org/debian)
#   GLASSBOX_EXTRA_PACKAGES   more Debian packages for the base, e.g. "bpftrace" (see README.md)
#   GLASSBOX_BUILD_CACHE      where debootstrap keeps downloaded .debs (default /var/cache/glassbox/engine-agent)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=$(node -p 'require(process.argv[1]).version' "$repo/package.json")
image=${GLASSBOX_ENGINE_IMAGE:-glassbox/engine-agent:$version}
mirror=${GLASSBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${GLASSBOX_BUILD_CACHE:-/var/cache/glassbox/engine-agent}
suite=bookworm
# docker.io brings containerd, runc, tini and iptables; apparmor is its
# recommendation (dockerd loads its profile with apparmor_parser on hosts where
# AppArmor is on), ca-certificates lets the inner engine pull over TLS where a
# registry is reachable, xz-utils lets it load compressed image archives.
# iproute2 (ip -j), iptables (iptables-save), util-linux (nsenter, in the base
# already), procps (docker top runs ps), attr (getfattr for opaque directories)
# and strace (the kernel trace) are what the agent reads the kernel with.
packages="docker.io apparmor ca-certificates xz-utils iproute2 procps attr strace busybox-static ${GLASSBOX_EXTRA_PACKAGES:-}"

started=$SECONDS
step_started=$SECONDS
step() {
  printf 'build.sh: %s (%ds)\n' "$1" $((SECONDS - step_started))
  step_started=$SECONDS
}
fail() {
  printf 'build.sh: %s\n' "$1" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap and docker import need it)"
docker info --format '{{.ServerVersion}}' >/dev/null 2>&1 || fail "no Docker engine answers (docker info failed)"
node_bin=$(command -v node) || fail "node is not on PATH"
node_major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "the node on PATH ($node_bin) is $("$node_bin" --version); the image needs Node 20 or later"
[ -d "$repo/node_modules" ] || fail "$repo/node_modules is missing: run npm ci first"

# ---- 1. base image ------------------------------------------------------------
# Sorted, so the same set in another order is the same base.
package_list=$(printf '%s\n' $packages | sort -u | tr '\n' ' ')
base_hash=$(printf '%s|%s|%s\n' "$suite" "$package_list" "$(sed -n '/^# ---- 1\./,/^# ---- 2\./p' "$0")" | sha256sum | cut -c1-12)
base=glassbox/engine-agent-base:$suite-$base_hash
if docker image inspect "$base" >/dev/null 2>&1; then
  echo "build.sh: base $base exists"
else
  command -v debootstrap >/dev/null || fail "debootstrap is missing (apt-get install debootstrap)"
  echo "build.sh: debootstrap $suite with: $package_list"
  mkdir -p "$cache"
  root=$(mktemp -d /tmp/glassbox-engine-root.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase --cache-dir="$cache" --include="$(echo $package_list | tr ' ' ',')" \
    "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -n 30 "$root.log" >&2
    fail "debootstrap failed (log: $root.log)"
  }
  rm -f "$root.log"
  # The image has no init system: nothing may start services, and apt's lists
  # and caches are not wanted in it.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/*
  # What dockerd never runs (about 57 MB): containerd's and libnetwork's debugging
  # CLIs, and the v1 shims (dockerd 20.10 starts containers with runc.v2).
  rm -f "$root"/usr/bin/ctr "$root"/usr/bin/dnet "$root"/usr/bin/containerd-shim "$root"/usr/bin/containerd-shim-runc-v1
  # Debian's iptables defaults to the nf_tables backend, as the host here does.
  tar -C "$root" --numeric-owner -c . |
    docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change "LABEL org.glassbox.packages=\"$package_list\"" - "$base" >/dev/null
  rm -rf "$root"
  trap - EXIT
  # Bases of earlier package lists, unless an image still stands on them.
  for old in $(docker image ls --format '{{.Repository}}:{{.Tag}}' glassbox/engine-agent-base); do
    [ "$old" = "$base" ] || docker image rm "$old" >/dev/null 2>&1 || true
  done
fi
step "base image $base"

# ---- 2. stage the app --------------------------------------------------------------
stage=$(mktemp -d /tmp/glassbox-engine-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT
app=$stage/app
mkdir -p "$app"
(cd "$repo" && npx vite build --logLevel error --outDir "$app/dist/web" --emptyOutDir)
step "web app built"

# The sources the agent runs (tsx compiles them as it loads them), without tests.
(cd "$repo" && tar -c --exclude='*.test.ts' --exclude='core/network/programs/fixtures' --exclude='core/shell/utils/fixtures' --exclude='backends/agent/fixtures' --exclude='core/services/fixtures/debian' bin core backends package.json package-lock.json tsconfig.base.json) | tar -C "$app" -x
# node_modules is a copy (it may be a symlink to a shared checkout's), pruned to
# the production dependencies without touching the network.
cp -a "$(readlink -f "$repo/node_modules")" "$app/node_modules"
(cd "$app" && npm prune --omit=dev --offline --no-audit --no-fund --loglevel=error >/dev/null)
cp "$node_bin" "$stage/node"
objcopy --strip-debug "$stage/node" 2>/dev/null || true
cp "$here/entrypoint.sh" "$stage/entrypoint.sh"
step "app staged ($(du -sh "$app" | cut -f1) of app, node $("$node_bin" --version) $(du -h "$stage/node" | cut -f1))"

# ---- 3. image -----------------------------------------------------------------------
# The legacy builder: this machine's client has no buildx, and the Dockerfile needs nothing newer.
previous=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base" --label "org.glassbox.version=$version" \
  -t "$image" -f "$here/Dockerfile" "$stage" 2> >(grep -v -e DEPRECATED -e 'BuildKit is currently disabled' -e 'environment-variable' -e '^$' >&2) >/dev/null
# The image this one replaced, unless a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
  docker image rm "$previous" >/dev/null 2>&1 || true
fi
rm -rf "$stage"
trap - EXIT
step "image built"

printf 'build.sh: %s, %s bytes, built in %dm%02ds\n' "$image" "$(docker image inspect --format '{{.Size}}' "$image")" \
  $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60))
