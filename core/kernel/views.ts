import { MountFs, type PseudoMount } from '../shell/mountFs';
import type { Fs } from '../shell/filesystem';
import { cgroupRoot, sysRoot } from './cgroupfs';
import type { Kernel } from './kernel';
import { HOST_NAMESPACES } from './namespaces';
import { procRoot } from './procTree';

/**
 * The filesystem one process sees: the files below (the host's, or its
 * container's union) with procfs and the cgroup filesystems of its mount
 * namespace mounted over them, built for that process (/proc/self is it,
 * `tasks` numbers pids in its pid namespace). `hostTrees`: more pseudo
 * trees in the host's mount namespace (Docker's /var/lib/docker).
 */
export function processFs(kernel: Kernel, base: Fs, reader: number, now: () => number, hostTrees: readonly PseudoMount[] = []): Fs {
  const p = kernel.process(reader);
  const mnt = p?.ns.mnt ?? HOST_NAMESPACES.mnt;
  const pidNs = p?.ns.pid ?? HOST_NAMESPACES.pid;
  const container = mnt === HOST_NAMESPACES.mnt ? undefined : kernel.containerOfMountNs(mnt);
  if (container === undefined) {
    return new MountFs(base, [
      { at: '/proc', root: () => procRoot(kernel, { pidNs: HOST_NAMESPACES.pid, reader }, now()) },
      { at: '/sys/fs/cgroup', root: () => cgroupRoot(kernel, { pidNs, reader }, now()) },
      ...hostTrees,
    ], now);
  }
  // The container's procfs belongs to the pid namespace its init was in when runc mounted it.
  const init = kernel.process(kernel.containerInit(container) ?? -1);
  const procNs = init?.ns.pid ?? pidNs;
  return new MountFs(base, [
    { at: '/proc', root: () => procRoot(kernel, { pidNs: procNs, reader }, now()) },
    { at: '/sys', root: () => sysRoot(kernel, { pidNs, reader, container }, now()), readOnly: true },
  ], now);
}
