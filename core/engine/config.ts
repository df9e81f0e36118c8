import type { Rng } from '../ports';
import type { Scheduler } from '../scheduler';
import type { Fabric } from '../network/overlay';
import type { Fs } from '../shell/filesystem';
import { defaultFileSettings, type DaemonFileSettings } from './daemonJson';

/**
 * The daemon's configuration (moby's daemon/config): what the daemon is
 * started with and keeps for its lifetime. Settings a daemon.json would hold
 * belong here, read by the services rather than passed around one by one.
 */

export interface EngineOptions {
  scheduler: Scheduler;
  rng: Rng;
  /** The host's cgroup hierarchy: v1 as on the reference host (default), or v2 (systemd driver). */
  cgroupVersion?: 1 | 2;
  /** Another simulated host of the course's cross-host case (made by the local engine for `docker -H node2`). */
  host?: { name: string; ip: string };
  fabric?: Fabric;
  /**
   * Images already there when the daemon starts, as references to the built-in
   * catalog ("busybox:latest"): what the conformance host has (test/setup/images.sh).
   * Absent or empty is a fresh install: no images, `docker run` pulls from the simulated Hub.
   */
  preload?: readonly string[];
  /** The host's filesystem (the host shell's): volumes' data and bind sources live there. A fresh one when absent. */
  hostFs?: Fs;
}

/** The other hosts on the simulated LAN that `docker -H` can address. */
export const PEER_HOSTS: readonly { name: string; ip: string }[] = [
  { name: 'node2', ip: '10.0.2.16' },
  { name: 'node3', ip: '10.0.2.17' },
];

/** The daemon-level settings, fixed when the daemon starts. */
export interface DaemonConfig {
  /** '' for the local host. */
  readonly hostName: string;
  /** The cgroup hierarchy the kernel mounts (v1: cgroupns=host by default; v2: private). */
  readonly cgroupVersion: 1 | 2;
  /** The images this daemon started with (EngineOptions.preload). */
  readonly preload: readonly string[];
  /** What /etc/docker/daemon.json set at the last start (dockerd's defaults without one). */
  readonly file: DaemonFileSettings;
}

/** dockerd's built-in insecure registry ranges (loopback is never TLS-checked), in `docker info`'s order. */
export const DEFAULT_INSECURE_REGISTRIES: readonly string[] = ['::1/128', '127.0.0.0/8'];

/**
 * Registries reached over plain HTTP: daemon.json's "insecure-registries"
 * (CIDRs or host[:port] names) and the loopback ranges Docker always adds.
 */
export function insecureRegistries(config: DaemonConfig): string[] {
  return [...config.file.insecureRegistries, ...DEFAULT_INSECURE_REGISTRIES];
}

/** The configuration the options describe. */
export function daemonConfig(opts: EngineOptions): DaemonConfig {
  const cgroupVersion = opts.cgroupVersion ?? 1;
  return { hostName: opts.host?.name ?? '', cgroupVersion, preload: [...(opts.preload ?? [])], file: defaultFileSettings(cgroupVersion) };
}
