import type { DaemonConfig } from './config';
import { parseDaemonJson } from './daemonJson';

/**
 * dockerd's configuration reload (moby v28 daemon/reload.go, started by
 * SIGHUP from `systemctl reload docker` or `kill -HUP`): daemon.json is read
 * again and only the reloadable options change (debug, labels,
 * max-concurrent-*, max-download-attempts, shutdown-timeout, features,
 * insecure-registries, registry-mirrors, live-restore, the runtime and
 * default shm/ipc/cgroupns options); everything else keeps the value the
 * daemon started with. Containers keep running. The `daemon reload` event
 * carries the resulting values as attributes.
 */

/** The reloadable options the simulator keeps beside DaemonFileSettings (they have no other visible effect here). */
export interface ReloadExtras {
  labels: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  maxDownloadAttempts: number;
  shutdownTimeout: number;
  defaultShmSize: number;
  defaultIpcMode: string;
  defaultRuntime: string;
}

/** moby's defaults (daemon/config: DefaultMaxConcurrentDownloads 3, uploads 5, attempts 5, shutdown 15 s, shm 64 MiB, ipc private). */
export function defaultReloadExtras(): ReloadExtras {
  return { labels: [], maxConcurrentDownloads: 3, maxConcurrentUploads: 5, maxDownloadAttempts: 5, shutdownTimeout: 15, defaultShmSize: 67_108_864, defaultIpcMode: 'private', defaultRuntime: 'runc' };
}

export interface Reloaded {
  config: DaemonConfig;
  extras: ReloadExtras;
  /** The `daemon reload` event's attributes (without `name`, which the event adds). */
  attributes: Record<string, string>;
}

/** marshalAttributeSlice: a JSON array, "[]" for none. */
function slice(v: readonly string[]): string {
  return JSON.stringify(v);
}

/**
 * The daemon's configuration after a reload from daemon.json's `text`, or the
 * error dockerd logs ("Error reloading configuration") keeping the old one.
 */
export function reloadConfig(current: DaemonConfig, extras: ReloadExtras, text: string): Reloaded | { error: string } {
  const parsed = parseDaemonJson(text, current.cgroupVersion);
  if ('error' in parsed) return { error: parsed.error };
  const set = new Set(parsed.settings.keys);
  const raw = (text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown> | null)) ?? {};
  const file = { ...current.file };
  if (set.has('debug')) file.debug = parsed.settings.debug;
  if (set.has('insecure-registries')) file.insecureRegistries = parsed.settings.insecureRegistries;
  if (set.has('registry-mirrors')) file.registryMirrors = parsed.settings.registryMirrors;
  if (set.has('live-restore')) file.liveRestore = parsed.settings.liveRestore;
  const next: ReloadExtras = { ...extras };
  const num = (key: string): number | undefined => (typeof raw[key] === 'number' && Number.isInteger(raw[key]) ? (raw[key] as number) : undefined);
  // max-concurrent-* and max-download-attempts are reset to the default unless set (non-zero), as moby does.
  next.maxConcurrentDownloads = num('max-concurrent-downloads') || 3;
  next.maxConcurrentUploads = num('max-concurrent-uploads') || 5;
  next.maxDownloadAttempts = num('max-download-attempts') || 5;
  if (num('shutdown-timeout') !== undefined) next.shutdownTimeout = num('shutdown-timeout')!;
  if (Array.isArray(raw.labels) && raw.labels.every((l) => typeof l === 'string')) next.labels = raw.labels as string[];
  if (typeof raw['default-runtime'] === 'string' && raw['default-runtime'] !== '') next.defaultRuntime = raw['default-runtime'];
  if (typeof raw['default-ipc-mode'] === 'string' && raw['default-ipc-mode'] !== '') next.defaultIpcMode = raw['default-ipc-mode'];
  const features = raw.features !== null && typeof raw.features === 'object' && !Array.isArray(raw.features) ? (raw.features as Record<string, unknown>) : {};
  const cgroupns = typeof raw['default-cgroupns-mode'] === 'string' && raw['default-cgroupns-mode'] !== '' ? raw['default-cgroupns-mode'] : current.cgroupVersion === 1 ? 'host' : 'private';
  const runtimes = raw.runtimes !== null && typeof raw.runtimes === 'object' && !Array.isArray(raw.runtimes) ? (raw.runtimes as Record<string, { path?: unknown }>) : {};
  const attributes: Record<string, string> = {
    // reloadPlatform: the configured runtimes as name:path (none unless daemon.json has "runtimes").
    runtimes: Object.entries(runtimes).map(([n, rt]) => `${n}:${typeof rt?.path === 'string' ? rt.path : ''}`).join(' '),
    'default-runtime': next.defaultRuntime,
    'default-shm-size': String(next.defaultShmSize),
    'default-ipc-mode': next.defaultIpcMode,
    'default-cgroupns-mode': cgroupns,
    debug: String(file.debug),
    'max-concurrent-downloads': String(next.maxConcurrentDownloads),
    'max-concurrent-uploads': String(next.maxConcurrentUploads),
    'max-download-attempts': String(next.maxDownloadAttempts),
    'shutdown-timeout': String(next.shutdownTimeout),
    // fmt.Sprint of a Go map[string]bool: map[k:v ...] with sorted keys.
    features: `map[${Object.keys(features).sort().map((k) => `${k}:${String(features[k])}`).join(' ')}]`,
    labels: slice(next.labels),
    'insecure-registries': slice(file.insecureRegistries),
    'registry-mirrors': slice(file.registryMirrors),
    'live-restore': String(file.liveRestore),
  };
  return { config: { ...current, file }, extras: next, attributes };
}

/** The daemon's engine id, as `docker info` shows it since Engine 23 (a v4 UUID made at first start, stable per machine); the daemon events' actor. */
export function daemonId(dockerdPid: number): string {
  let h = 0x811c9dc5 ^ dockerdPid;
  let hex = '';
  for (let i = 0; i < 32; i++) {
    h = Math.imul(h ^ (h >>> 15) ^ (i + 1), 0x2c1b3c6d) >>> 0;
    h = (h ^ (h >>> 12)) >>> 0;
    hex += (h % 16).toString(16);
  }
  // Version 4, variant 10xx.
  hex = hex.slice(0, 12) + '4' + hex.slice(13, 16) + '89ab'[parseInt(hex[16]!, 16) % 4] + hex.slice(17);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
