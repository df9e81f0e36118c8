/**
 * The daemon's side of mounts (moby volume/mounts, its Linux parser): a
 * `-v` bind string (HostConfig.Binds), a `--mount` (HostConfig.Mounts) and a
 * `--volumes-from` reference become mount points, or Docker's error text.
 * Pure functions; whether a bind source exists is asked through `exists`.
 */

/** api/types/mount.Mount: one `--mount` as the client sends it (HostConfig.Mounts). */
export interface MountRequest {
  type: string;
  source: string;
  target: string;
  readOnly: boolean;
  consistency: string;
  bindOptions?: {
    propagation?: string;
    nonRecursive?: boolean;
    createMountpoint?: boolean;
    readOnlyNonRecursive?: boolean;
    readOnlyForceRecursive?: boolean;
  };
  volumeOptions?: {
    noCopy?: boolean;
    labels: Record<string, string>;
    driverConfig: { name: string; options?: Record<string, string> };
    subpath?: string;
  };
  imageOptions?: { subpath?: string };
  tmpfsOptions?: { sizeBytes?: number; mode?: number };
}

/** volume/mounts.MountPoint: what the daemon mounts at one destination. */
export interface MountPoint {
  type: string;
  /** The volume's name (a volume mount); '' until the daemon creates an anonymous one. */
  name: string;
  /**
   * As dockerd stores it: a bind's host path, a named volume's mountpoint, ''
   * for an anonymous volume of Config.Volumes (the daemon then looks the
   * volume up by name, which `--volumes-from` relies on).
   */
  source: string;
  destination: string;
  /** The volume driver ('' for binds and tmpfs). */
  driver: string;
  /** The mode as given (`ro`, `z` …), '' when none. */
  mode: string;
  rw: boolean;
  propagation: string;
  /** The mount as requested (Spec.Source '' marks an anonymous volume). */
  spec: MountRequest;
  /** Fill an empty volume from the image's content at the destination (not with `nocopy`). */
  copyData: boolean;
  /** `-v` binds create a missing host directory; `--mount` binds refuse one. */
  createSource: boolean;
  /** The container holds a reference on the volume (MountPoint.Volume is set): it is released, and with `rm -v` removed, with the container. */
  holdsVolume?: boolean;
}

const RW_MODES = new Set(['rw', 'ro']);
const LABEL_MODES = new Set(['z', 'Z']);
const CONSISTENCY_MODES = new Set(['consistent', 'cached', 'delegated']);
const PROPAGATION_MODES = new Set(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']);
const COPY_MODES = new Set(['nocopy']);
const DEFAULT_PROPAGATION = 'rprivate';

export function errInvalidSpec(spec: string): string {
  return `invalid volume specification: '${spec}'`;
}

function errInvalidMode(mode: string): string {
  return `invalid mode: ${mode}`;
}

/** linuxValidMountMode: comma-separated, at most one of each kind. */
export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = [0, 0, 0, 0, 0];
  for (const o of mode.split(',')) {
    const kind = RW_MODES.has(o) ? 0 : LABEL_MODES.has(o) ? 1 : PROPAGATION_MODES.has(o) ? 2 : COPY_MODES.has(o) ? 3 : CONSISTENCY_MODES.has(o) ? 4 : -1;
    if (kind < 0) return false;
    counts[kind]!++;
  }
  return counts.every((n) => n <= 1);
}

function hasPropagation(mode: string): boolean {
  return mode.split(',').some((o) => PROPAGATION_MODES.has(o));
}

function propagationOf(mode: string): string {
  return mode.split(',').find((o) => PROPAGATION_MODES.has(o)) ?? DEFAULT_PROPAGATION;
}

/** linuxParser.ReadWrite: rw unless the mode says ro (an invalid mode is read-only). */
export function readWrite(mode: string): boolean {
  if (!validMountMode(mode)) return false;
  return !mode.split(',').includes('ro');
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? '/' + joined : joined === '' ? '.' : joined;
}

function validateAbsolute(p: string): string | undefined {
  return p.replace(/\\/g, '/').startsWith('/') ? undefined : `invalid mount path: '${p.replace(/\\/g, '/')}' mount path must be absolute`;
}

function mountConfigError(m: MountRequest, text: string): { error: string } {
  return { error: `invalid mount config for type ${JSON.stringify(m.type)}: ${text}` };
}

/**
 * validateMountConfigImpl. `exists` answers whether a bind source is on the
 * host; null skips that check (a `-v` bind, which creates it).
 */
export function validateMountConfig(m: MountRequest, exists: ((path: string) => boolean) | null): { error: string } | undefined {
  if (m.target === '') return mountConfigError(m, 'field Target must not be empty');
  if (cleanPath(m.target.replace(/\\/g, '/')) === '/') return mountConfigError(m, "invalid specification: destination can't be '/'");
  const notAbs = validateAbsolute(m.target);
  if (notAbs) return mountConfigError(m, notAbs);
  switch (m.type) {
    case 'bind': {
      if (m.source === '') return mountConfigError(m, 'field Source must not be empty');
      const prop = m.bindOptions?.propagation;
      if (prop && !PROPAGATION_MODES.has(prop)) return mountConfigError(m, `invalid propagation mode: ${prop}`);
      if (m.volumeOptions) return mountConfigError(m, 'field VolumeOptions must not be specified');
      if (m.imageOptions) return mountConfigError(m, 'field ImageOptions must not be specified');
      const srcNotAbs = validateAbsolute(m.source);
      if (srcNotAbs) return mountConfigError(m, srcNotAbs);
      if (exists && !exists(m.source) && !m.bindOptions?.createMountpoint) return mountConfigError(m, `bind source path does not exist: ${m.source}`);
      return undefined;
    }
    case 'volume': {
      if (m.bindOptions) return mountConfigError(m, 'field BindOptions must not be specified');
      if (m.imageOptions) return mountConfigError(m, 'field ImageOptions must not be specified');
      const anonymous = m.source === '';
      const subpath = m.volumeOptions?.subpath ?? '';
      if (subpath !== '') {
        if (anonymous) return mountConfigError(m, 'must not set Subpath when using anonymous volumes');
        if (!isLocalPath(subpath)) return mountConfigError(m, 'subpath must be a relative path within the volume');
      }
      if (m.readOnly && anonymous) return mountConfigError(m, 'must not set ReadOnly mode when using anonymous volumes');
      return undefined;
    }
    case 'tmpfs':
      if (m.bindOptions) return mountConfigError(m, 'field BindOptions must not be specified');
      if (m.imageOptions) return mountConfigError(m, 'field ImageOptions must not be specified');
      if (m.source !== '') return mountConfigError(m, 'field Source must not be specified');
      return undefined;
    case 'image':
      if (m.bindOptions) return mountConfigError(m, 'field BindOptions must not be specified');
      if (m.volumeOptions) return mountConfigError(m, 'field VolumeOptions must not be specified');
      if (m.source === '') return mountConfigError(m, 'field Source must not be empty');
      return undefined;
    default:
      return mountConfigError(m, 'mount type unknown');
  }
}

/** filepath.IsLocal: relative, not empty, never climbing out. */
function isLocalPath(p: string): boolean {
  if (p === '' || p.startsWith('/')) return false;
  const clean = cleanPath(p);
  return clean !== '..' && !clean.startsWith('../');
}

/** parseMountSpec: a validated request as a mount point. */
export function parseMountSpec(m: MountRequest, exists: ((path: string) => boolean) | null): MountPoint | { error: string } {
  const invalid = validateMountConfig(m, exists);
  if (invalid) return invalid;
  const mp: MountPoint = {
    type: m.type,
    name: '',
    source: '',
    destination: cleanPath(m.target),
    driver: '',
    mode: '',
    rw: !m.readOnly,
    propagation: '',
    spec: m,
    copyData: false,
    createSource: false,
  };
  if (m.type === 'volume') {
    mp.name = m.source;
    mp.copyData = !(m.volumeOptions?.noCopy ?? false);
    mp.driver = m.volumeOptions?.driverConfig.name ?? '';
  } else if (m.type === 'bind') {
    mp.source = cleanPath(m.source);
    mp.propagation = m.bindOptions?.propagation || DEFAULT_PROPAGATION;
  } else if (m.type === 'image') {
    mp.source = m.source;
    mp.propagation = m.bindOptions?.propagation || DEFAULT_PROPAGATION;
  }
  return mp;
}

/**
 * ParseMountRaw: a `-v` string (SOURCE:DEST[:MODE] with an absolute SOURCE a
 * bind, anything else a volume name). The caller sets the volume driver.
 */
export function parseMountRaw(raw: string, volumeDriver = ''): MountPoint | { error: string } {
  const arr = splitN(raw, ':', 4);
  if (arr[0] === '') return { error: errInvalidSpec(raw) };
  let source = '';
  let target = '';
  let mode = '';
  switch (arr.length) {
    case 1:
      target = arr[0]!;
      break;
    case 2:
      // Destination + mode is no volume: "/foo:rw".
      if (validMountMode(arr[1]!)) return { error: errInvalidSpec(raw) };
      [source, target] = arr as [string, string];
      break;
    case 3:
      [source, target, mode] = arr as [string, string, string];
      break;
    default:
      return { error: errInvalidSpec(raw) };
  }
  if (!validMountMode(mode)) return { error: errInvalidMode(mode) };
  const spec: MountRequest = { type: source.startsWith('/') ? 'bind' : 'volume', source, target, readOnly: !readWrite(mode), consistency: '' };
  if (volumeDriver !== '' && spec.type === 'volume') spec.volumeOptions = { labels: {}, driverConfig: { name: volumeDriver } };
  const modes = mode.split(',');
  if (modes.includes('nocopy')) spec.volumeOptions = { ...(spec.volumeOptions ?? { labels: {}, driverConfig: { name: '' } }), noCopy: true };
  if (hasPropagation(mode)) spec.bindOptions = { propagation: propagationOf(mode) };
  const mp = parseMountSpec(spec, null);
  if ('error' in mp) return { error: `${errInvalidSpec(raw)}: ${mp.error}` };
  mp.mode = mode;
  mp.createSource = true;
  return mp;
}

/** ParseVolumesFrom: CONTAINER[:ro|rw]; propagation and copy modes are refused. */
export function parseVolumesFrom(spec: string): { id: string; mode: string } | { error: string } {
  if (spec === '') return { error: 'volumes-from specification cannot be an empty string' };
  const colon = spec.indexOf(':');
  const id = colon < 0 ? spec : spec.slice(0, colon);
  const mode = colon < 0 ? '' : spec.slice(colon + 1);
  if (mode === '') return { id, mode: 'rw' };
  if (!validMountMode(mode) || hasPropagation(mode) || mode.split(',').includes('nocopy')) return { error: errInvalidMode(mode) };
  return { id, mode };
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** HostConfig.Mounts as the API returns them: Go's field order, empty fields left out. */
export function mountRequestJson(m: MountRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { Type: m.type };
  if (m.source !== '') out.Source = m.source;
  if (m.target !== '') out.Target = m.target;
  if (m.readOnly) out.ReadOnly = true;
  if (m.consistency !== '') out.Consistency = m.consistency;
  if (m.bindOptions) {
    const b = m.bindOptions;
    out.BindOptions = {
      ...(b.propagation ? { Propagation: b.propagation } : {}),
      ...(b.nonRecursive ? { NonRecursive: true } : {}),
      ...(b.createMountpoint ? { CreateMountpoint: true } : {}),
      ...(b.readOnlyNonRecursive ? { ReadOnlyNonRecursive: true } : {}),
      ...(b.readOnlyForceRecursive ? { ReadOnlyForceRecursive: true } : {}),
    };
  }
  if (m.volumeOptions) {
    const v = m.volumeOptions;
    const driver = v.driverConfig;
    out.VolumeOptions = {
      ...(v.noCopy ? { NoCopy: true } : {}),
      ...(Object.keys(v.labels).length > 0 ? { Labels: sortedRecord(v.labels) } : {}),
      ...(v.subpath ? { Subpath: v.subpath } : {}),
      DriverConfig: { ...(driver.name !== '' ? { Name: driver.name } : {}), ...(driver.options && Object.keys(driver.options).length > 0 ? { Options: sortedRecord(driver.options) } : {}) },
    };
  }
  if (m.imageOptions) out.ImageOptions = { ...(m.imageOptions.subpath ? { Subpath: m.imageOptions.subpath } : {}) };
  if (m.tmpfsOptions) {
    out.TmpfsOptions = {
      ...(m.tmpfsOptions.sizeBytes ? { SizeBytes: m.tmpfsOptions.sizeBytes } : {}),
      ...(m.tmpfsOptions.mode ? { Mode: m.tmpfsOptions.mode } : {}),
    };
  }
  return out;
}

/** A map as Go's encoding/json writes it: keys sorted. */
export function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}
