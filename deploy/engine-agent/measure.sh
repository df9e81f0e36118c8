#!/usr/bin/env bash
# What one student's engine + agent costs: starts the image as a student pod
# would run, with N busybox `sleep` containers inside (default 5), and prints
# `docker stats` of the whole container and the resident memory of dockerd,
# containerd, the shims and the agent inside it. Needs busybox:latest on this
# machine's engine (test/setup/images.sh builds it offline). Cleans up after.
#   deploy/engine-agent/measure.sh [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(node -p 'require(process.argv[1]).version' "$here/../../package.json")
image=${GLASSBOX_ENGINE_IMAGE:-glassbox/engine-agent:$version}
count=${1:-5}
name=gb-dind-measure-$$

# --privileged, or its parts where this host cannot grant every capability
# (runc then refuses --privileged): see privilegedFlags in test/deploy/engineImage.ts.
bounding=$((16#$(awk '/^CapBnd/ {print $2}' /proc/self/status)))
last=$(cat /proc/sys/kernel/cap_last_cap)
if [ $((bounding & ((1 << (last + 1)) - 1))) -eq $(((1 << (last + 1)) - 1)) ]; then
  privileged=(--privileged)
else
  names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE
    NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT
    SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
    WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)
  missing=
  for ((cap = 0; cap <= last && cap < ${#names[@]}; cap++)); do
    [ $(((bounding >> cap) & 1)) -eq 1 ] || missing="$missing ${names[cap]}"
  done
  privileged=(--cap-add ALL --security-opt seccomp=unconfined --security-opt apparmor=unconfined
    --security-opt systempaths=unconfined --device-cgroup-rule 'a *:* rwm')
  for c in $missing; do privileged+=(--cap-drop "$c"); done
  echo "measure.sh: this host lacks${missing}: --privileged spelled out without it"
fi

trap 'docker rm -f -v "$name" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$name" "${privileged[@]}" --cgroupns private \
  -e GLASSBOX_PUBLIC_URL=http://127.0.0.1:7681/ "$image" >/dev/null
for _ in $(seq 120); do
  docker logs "$name" 2>/dev/null | grep -q '^Open http' && break
  sleep 0.5
done
docker logs "$name" 2>/dev/null | grep -q '^Open http' || { docker logs "$name" >&2; exit 1; }
docker save busybox:latest | docker exec -i "$name" docker load >/dev/null
for i in $(seq "$count"); do docker exec "$name" docker run -d --name "sleep$i" busybox sleep 3600 >/dev/null; done
sleep 5 # let start-up allocations settle

echo "engine + agent with $count busybox sleep containers inside ($image):"
docker stats --no-stream --format '  docker stats: {{.MemUsage}} memory, {{.PIDs}} pids, {{.CPUPerc}} CPU' "$name"
docker exec "$name" ps -eo rss=,comm= | sort -k2 | awk '
  $2 != "ps" { kb[$2] += $1; n[$2]++; total += $1 }
  END {
    for (c in kb) printf "  %-16s %3d process(es) %7.1f MiB RSS\n", c, n[c], kb[c] / 1024
    printf "  %-16s %15s %7.1f MiB RSS (shared pages counted in each process)\n", "all", "", total / 1024
  }'
