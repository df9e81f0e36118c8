#!/usr/bin/env bash
# Builds the images the real-Docker tests use, offline: no registry is reachable
# here, and tests must never make the daemon try one.
#   busybox:latest      Debian's busybox-static with every applet linked into /bin,
#                       laid out like the official image (bin dev etc home lib root tmp usr var).
#   hello-world:latest  a static binary printing the official image's message.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if ! docker image inspect busybox:latest >/dev/null 2>&1; then
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,dev,etc,home,lib,root,tmp,usr/sbin,var/spool/mail,var/www}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln "$root/bin/busybox" "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\noperator:x:37:\nstaff:x:50:\nnogroup:x:65534:\n' > "$root/etc/group"
  tar -C "$root" -c . | docker import --change 'CMD ["sh"]' - busybox:latest >/dev/null
  rm -rf "$root"
fi

if ! docker image inspect hello-world:latest >/dev/null 2>&1; then
  root=$(mktemp -d)
  gcc -static -Os -o "$root/hello" "$here/hello.c"
  tar -C "$root" -c hello | docker import --change 'CMD ["/hello"]' - hello-world:latest >/dev/null
  rm -rf "$root"
fi
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' busybox
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' hello-world
