import { DaemonError } from '../engine/errors';
import type { NamespaceType } from '../model';
import { noResources, type Resources } from './cgroups';
import type { NamespaceJoin } from './kernel';

/**
 * The daemon's side of the resource and namespace flags: moby's
 * adaptContainerSettings and verifyPlatformContainerResources
 * (daemon/daemon_unix.go, 20.10), with their texts.
 */

/** linuxMinMemory. */
export const MIN_MEMORY = 6 * 1024 * 1024;

/** The resources a create request asks for, completed and checked. Returns the daemon's warnings. */
export function adaptResources(requested: Partial<Resources>, cpus: number, update = false): { resources: Resources; warnings: string[] } {
  const r: Resources = { ...noResources(), ...requested };
  const warnings: string[] = [];
  if (r.memory !== 0 && r.memory < MIN_MEMORY) throw new DaemonError('Minimum memory limit allowed is 6MB', 'invalidParameter');
  if (r.memory > 0 && r.memorySwap > 0 && r.memorySwap < r.memory) {
    throw new DaemonError('Minimum memoryswap limit should be larger than memory limit, see usage', 'invalidParameter');
  }
  if (r.memory === 0 && r.memorySwap > 0 && !update) {
    throw new DaemonError('You should always set the Memory limit when using Memoryswap limit, see usage', 'invalidParameter');
  }
  if (r.memory > 0 && r.memoryReservation > 0 && r.memory < r.memoryReservation) {
    throw new DaemonError('Minimum memory limit can not be less than memory reservation limit, see usage', 'invalidParameter');
  }
  if (r.oomKillDisable && r.memory === 0) {
    warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  if (r.nanoCpus > 0 && r.cpuPeriod > 0) throw new DaemonError('Conflicting options: Nano CPUs and CPU Period cannot both be set', 'invalidParameter');
  if (r.nanoCpus > 0 && r.cpuQuota > 0) throw new DaemonError('Conflicting options: Nano CPUs and CPU Quota cannot both be set', 'invalidParameter');
  if (r.nanoCpus < 0 || r.nanoCpus > cpus * 1e9) {
    throw new DaemonError(`Range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available`, 'invalidParameter');
  }
  if (r.cpuPeriod !== 0 && (r.cpuPeriod < 1000 || r.cpuPeriod > 1_000_000)) {
    throw new DaemonError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)', 'invalidParameter');
  }
  if (r.cpuQuota > 0 && r.cpuQuota < 1000) throw new DaemonError('CPU cfs quota can not be less than 1ms (i.e. 1000)', 'invalidParameter');
  checkCpuset(r.cpusetCpus, cpus, 'cpus');
  checkCpuset(r.cpusetMems, 1, 'mems');
  // adaptContainerSettings: swap defaults to twice the memory; 0 or less pids means unlimited (stored as unset).
  if (!update && r.memory > 0 && r.memorySwap === 0) r.memorySwap = r.memory * 2;
  if (r.pidsLimit < 0) r.pidsLimit = 0;
  return { resources: r, warnings };
}

/** sysinfo.IsCpusetCpusAvailable / parsers.ParseUintList. */
function checkCpuset(list: string, available: number, what: 'cpus' | 'mems'): void {
  if (list === '') return;
  const ids = parseUintList(list);
  if (ids === undefined) throw new DaemonError(`Invalid value ${list} for cpuset ${what}: invalid format: ${list}`, 'invalidParameter');
  for (const id of ids) {
    if (id >= available) {
      const have = available > 1 ? `0-${available - 1}` : '0';
      throw new DaemonError(`Requested ${what === 'cpus' ? 'CPUs' : 'memory nodes'} are not available - requested ${list}, available: ${have}`, 'invalidParameter');
    }
  }
}

/** "0-2,5" → [0,1,2,5]; undefined when malformed. */
export function parseUintList(s: string): number[] | undefined {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return undefined;
    for (let i = lo; i <= hi && i < lo + 4096; i++) out.push(i);
  }
  return out;
}

/** HostConfig's namespace modes, as inspect shows them. */
export interface NamespaceModes {
  /** '' (own), 'host', 'container:<name or id>'. */
  pid: string;
  /** 'private' (the 20.10 default), 'shareable', 'host', 'none', 'container:<x>'. */
  ipc: string;
  /** '' or 'host'. */
  uts: string;
  /** HostConfig.NetworkMode: 'bridge', 'host', 'none', 'container:<x>', a network name. */
  net: string;
  /** 'host' (cgroup v1's default in 20.10) or 'private'. */
  cgroupns: string;
}

/** The daemon's IPC mode check (the client checks --pid and --uts itself). */
export function validateIpcMode(mode: string): string {
  if (mode === '') return 'private';
  if (['private', 'shareable', 'host', 'none'].includes(mode) || (mode.startsWith('container:') && mode.length > 'container:'.length)) return mode;
  throw new DaemonError(`Invalid IPC mode: ${mode}`, 'invalidParameter');
}

/** The containers the pid and ipc modes name (container:<x>); the network checks its own. */
export function containerRefs(modes: NamespaceModes): string[] {
  const refs: string[] = [];
  for (const m of [modes.pid, modes.ipc]) if (m.startsWith('container:')) refs.push(m.slice('container:'.length));
  return refs;
}

/**
 * Which namespaces a container joins instead of making, given its modes and
 * how container:<x> references resolve (to a full id).
 */
export function namespaceJoin(modes: NamespaceModes, resolve: (ref: string) => string): NamespaceJoin {
  const join: NamespaceJoin = {};
  const set = (type: NamespaceType, mode: string): void => {
    if (mode === 'host') join[type] = 'host';
    else if (mode.startsWith('container:')) join[type] = { container: resolve(mode.slice('container:'.length)) };
  };
  set('pid', modes.pid);
  set('ipc', modes.ipc);
  set('uts', modes.uts);
  set('net', modes.net);
  if (modes.cgroupns === 'host') join.cgroup = 'host';
  return join;
}
