#!/usr/bin/env bash
# Builds the images the real-Docker tests use, offline: no registry is reachable
# here, and tests must never make the daemon try one.
#   busybox:latest      Debian's busybox-static with every applet linked into /bin,
#                       laid out like the official image (bin dev etc home lib root tmp usr var).
#   hello-world:latest  a static binary printing the official image's message.
# Both carry the official images' config (Env PATH, Cmd), because the
# conformance suite compares `docker inspect` output with the simulator, which
# models the official images. An image built by an older version of this script
# (without that config) is rebuilt. Safe to run again: existing good images are kept.
# Then service-images.sh builds glassbox-fixture/{nginx,redis,mariadb}:debian from
# Debian's packages, whose output core/services/fixtures/debian/ records.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

path_env='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# up_to_date IMAGE CMD_JSON: the image exists and has the official config.
up_to_date() {
  local config
  config=$(docker image inspect --format '{{json .Config.Env}} {{json .Config.Cmd}}' "$1" 2>/dev/null) || return 1
  [ "$config" = "[\"$path_env\"] $2" ]
}

# import_image IMAGE CMD_JSON DIR FILES...: replaces IMAGE with a tarball of DIR, and
# drops the image it replaced when no container uses it any more.
import_image() {
  local image=$1 cmd=$2 dir=$3 old
  shift 3
  old=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  tar -C "$dir" -c "$@" | docker import --change "ENV $path_env" --change "CMD $cmd" - "$image" >/dev/null
  if [ -n "$old" ]; then docker image rm "$old" >/dev/null 2>&1 || true; fi
}

busybox_bin=$(command -v busybox || true)
if ! up_to_date busybox:latest '["sh"]'; then
  linkage=$( [ -z "$busybox_bin" ] || ldd "$busybox_bin" 2>&1 || true)
  if [ -z "$busybox_bin" ] || [[ $linkage != *"not a dynamic executable"* && $linkage != *"statically linked"* ]]; then
    echo "images.sh: a static busybox is needed (apt-get install busybox-static)" >&2
    exit 1
  fi
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,dev,etc,home,lib,root,tmp,usr/sbin,var/spool/mail,var/www}
  chmod 1777 "$root/tmp"
  cp "$busybox_bin" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln "$root/bin/busybox" "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\noperator:x:37:\nstaff:x:50:\nnogroup:x:65534:\n' > "$root/etc/group"
  import_image busybox:latest '["sh"]' "$root" .
  rm -rf "$root"
fi

if ! up_to_date hello-world:latest '["/hello"]'; then
  root=$(mktemp -d)
  gcc -static -Os -o "$root/hello" "$here/hello.c"
  import_image hello-world:latest '["/hello"]' "$root" hello
  rm -rf "$root"
fi

for image in busybox:latest hello-world:latest; do
  up_to_date "$image" "$([ "$image" = busybox:latest ] && echo '["sh"]' || echo '["/hello"]')" || {
    echo "images.sh: $image does not have the expected config after building it" >&2
    exit 1
  }
  docker image inspect --format "$image {{.Id}} {{.Size}} bytes {{json .Config.Env}} {{json .Config.Cmd}}" "$image"
done

bash "$here/service-images.sh"
