#!/bin/bash
# The engine + agent container's entrypoint (run under tini): starts the inner
# dockerd, waits for it, then runs the agent, or the command given.
#
#   (no arguments)   `glassbox agent` on 0.0.0.0:$GLASSBOX_PORT, reachable only
#                    through $GLASSBOX_PUBLIC_URL (the address the browser uses:
#                    Host and Origin are checked against it) with its token.
#                    The URL with the token is printed on stdout (docker logs).
#   COMMAND [ARG…]   runs COMMAND with the engine up, e.g. jupyterhub-singleuser
#                    (deploy/jupyterhub), which starts the agent on demand. A
#                    token is written first to $GLASSBOX_TOKEN_FILE for it.
#
# Environment: GLASSBOX_PORT (7681), GLASSBOX_PUBLIC_URL, GLASSBOX_TOKEN_FILE
# (/run/glassbox/token), GLASSBOX_DOCKERD_TIMEOUT seconds (60), DOCKERD_ARGS.
# When the command or dockerd ends, or on SIGTERM/SIGINT, both are stopped.
set -uo pipefail

log() { printf 'glassbox-engine-agent: %s\n' "$*" >&2; }

if [ "$#" -eq 0 ] && [ -z "${GLASSBOX_PUBLIC_URL:-}" ]; then
  log "set GLASSBOX_PUBLIC_URL to the address browsers will open, e.g."
  log "  docker run --privileged -p 127.0.0.1:7681:7681 -e GLASSBOX_PUBLIC_URL=http://127.0.0.1:7681/ IMAGE"
  log "the agent accepts requests for that address (and loopback) only"
  exit 2
fi

# A nested dockerd needs to mount (and more); without --privileged it cannot.
mkdir -p /run/glassbox-probe
if ! mount -t tmpfs none /run/glassbox-probe 2>/dev/null; then
  log "this container cannot mount: run it with --privileged (Kubernetes: securityContext.privileged: true)"
  exit 1
fi
umount /run/glassbox-probe && rmdir /run/glassbox-probe
# dockerd decides whether AppArmor is in use from securityfs.
if [ -d /sys/kernel/security ] && ! mountpoint -q /sys/kernel/security; then
  mount -t securityfs none /sys/kernel/security 2>/dev/null || log "could not mount securityfs (AppArmor detection may be wrong)"
fi
# Where the runtime could not grant --privileged whole (a host whose capability
# bounding set lacks one; the same capabilities and security options given one
# by one instead), the cgroup hierarchies come read-only: dockerd must write them.
while read -r _ mnt type opts _; do
  case "$type:,$opts," in
    cgroup:*,ro,* | cgroup2:*,ro,*) mount -o remount,bind,rw "$mnt" || log "cannot make $mnt writable" ;;
  esac
done </proc/self/mounts
# cgroup v2: the processes of this container's root cgroup move to a child,
# so the root may hand its controllers down to the containers dockerd creates
# (a cgroup with processes cannot enable controllers for its children).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/init
  while read -r pid; do echo "$pid" >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || :; done </sys/fs/cgroup/cgroup.procs
  sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
    log "could not enable the cgroup controllers for nested containers"
fi

rm -f /var/run/docker.pid
# shellcheck disable=SC2086 # DOCKERD_ARGS is a list of flags
dockerd ${DOCKERD_ARGS:-} >>/var/log/dockerd.log 2>&1 &
dockerd_pid=$!
deadline=$((SECONDS + ${GLASSBOX_DOCKERD_TIMEOUT:-60}))
until docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; do
  if ! kill -0 "$dockerd_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    log "the inner dockerd did not start; the end of /var/log/dockerd.log:"
    tail -n 20 /var/log/dockerd.log >&2
    exit 1
  fi
  sleep 0.5
done
log "dockerd $(docker info --format '{{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}') is up"

token_file=${GLASSBOX_TOKEN_FILE:-/run/glassbox/token}
if [ "$#" -eq 0 ]; then
  set -- glassbox agent --listen "0.0.0.0:${GLASSBOX_PORT:-7681}" --public-url "$GLASSBOX_PUBLIC_URL"
  [ -z "${GLASSBOX_TOKEN_FILE:-}" ] || set -- "$@" --token-file "$GLASSBOX_TOKEN_FILE"
elif [ ! -s "$token_file" ]; then
  # For an agent started later by someone else (jupyter-server-proxy): 32 random bytes, readable by root only.
  mkdir -p "$(dirname "$token_file")"
  (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$token_file")
fi

# stop_one PID SECONDS: SIGTERM, then SIGKILL if it is still there after SECONDS.
# Bounded, so the whole stop fits in docker stop's 10 seconds (and a pod's 30):
# the agent has been seen to linger after "Glassbox agent stopped." in here.
stop_one() {
  [ -n "$1" ] && kill -TERM "$1" 2>/dev/null || return 0
  local tenths
  for ((tenths = 0; tenths < $2 * 10; tenths++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$1" 2>/dev/null; then
    log "process $1 did not stop within $2 s: killing it"
    kill -KILL "$1" 2>/dev/null
  fi
  wait "$1" 2>/dev/null
}
stop() {
  stop_one "${main_pid:-}" 3
  # dockerd stops the student's containers first; they go with this container anyway.
  stop_one "$dockerd_pid" 5
}
trap 'stop; exit 143' TERM INT

"$@" &
main_pid=$!
# Whichever ends first ends the other: a student's engine without its agent (or the reverse) is no use.
wait -n "$main_pid" "$dockerd_pid"
status=$?
if kill -0 "$main_pid" 2>/dev/null; then
  log "dockerd exited ($status); stopping"
  status=1
else
  main_pid=
fi
stop
exit "$status"
