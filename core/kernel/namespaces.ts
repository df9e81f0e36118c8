import type { NamespaceType } from '../model';

/**
 * Namespace inode numbers. The initial namespaces have fixed inodes in the
 * kernel (include/linux/proc_ns.h; since 6.18 init mnt and net ones too):
 * what `ls -l /proc/self/ns` shows on the reference host (6.18). New ones are
 * handed out upward from the proc inode allocator, in the order the kernel
 * creates them (copy_namespaces: mnt, uts, ipc, pid, then net; runc unshares
 * the cgroup namespace separately, later).
 */
export const HOST_NAMESPACES: Readonly<Record<NamespaceType, number>> = {
  cgroup: 4026531835,
  ipc: 4026531839,
  mnt: 4026531832,
  net: 4026531833,
  pid: 4026531836,
  user: 4026531837,
  uts: 4026531838,
};
/** The time namespace, only ever the host's here (ls -l /proc/PID/ns lists it). */
export const HOST_TIME_NS = 4026531834;
/** Where the simulated allocator starts (the reference host had handed out ~4026532200 by the time dockerd ran). */
export const FIRST_DYNAMIC_INODE = 4026532256;

/** `ls /proc/PID/ns` order. */
export const NS_TYPES: readonly NamespaceType[] = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts'];

/** The clone flag of each type. */
export const CLONE_FLAGS: Readonly<Record<NamespaceType, string>> = {
  mnt: 'CLONE_NEWNS',
  uts: 'CLONE_NEWUTS',
  ipc: 'CLONE_NEWIPC',
  pid: 'CLONE_NEWPID',
  net: 'CLONE_NEWNET',
  cgroup: 'CLONE_NEWCGROUP',
  user: 'CLONE_NEWUSER',
};

/** The order runc's nsexec unshares (the flags as strace prints them) and creates new namespaces. */
export const UNSHARE_ORDER: readonly NamespaceType[] = ['mnt', 'uts', 'ipc', 'pid', 'net'];
/** The order it joins existing ones with setns (as observed for `docker exec`). */
export const SETNS_ORDER: readonly NamespaceType[] = ['ipc', 'uts', 'net', 'pid', 'mnt'];

/** `mnt:[4026532255]`, as readlink /proc/PID/ns/mnt prints it. */
export function nsLink(type: NamespaceType | 'time', inode: number): string {
  return `${type}:[${inode}]`;
}
