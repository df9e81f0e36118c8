import { isoTime } from '../../cli/humanize';
import type { VolumeSnapshot } from '../../model';
import { randomHex, type Rng } from '../../ports';
import type { Fs } from '../../shell/filesystem';
import { DaemonError } from '../errors';

/**
 * The simulated dockerd's volumes, as moby's volume/service.VolumesService
 * keeps them: the store of named and anonymous volumes of the `local` driver,
 * who references each one (containers), and the data itself, which lives on
 * the host at /var/lib/docker/volumes/NAME/_data in the host's filesystem
 * (the same one the host shell sees). Containers reach that directory through
 * their mount table (core/unionfs/mountedFs.ts); this service only owns the
 * volumes.
 */

/** One volume (API volume.Volume, trimmed to what the local driver has). */
export interface Volume {
  readonly name: string;
  readonly driver: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The driver options (`-o`), null when none. */
  readonly options: Readonly<Record<string, string>> | null;
  /** ms since epoch (the data directory's creation). */
  readonly createdAt: number;
  /** Made without a name (a 64-hex one was generated): `-v /path`, an image's VOLUME. */
  readonly anonymous: boolean;
  /** The data directory on the host. */
  readonly mountpoint: string;
}

/** The label Docker 23+ puts on anonymous volumes (what `docker volume prune` removes by default). */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
export const VOLUMES_ROOT = '/var/lib/docker/volumes';
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export type VolumeEvent = (action: 'create' | 'destroy' | 'prune', name: string, attributes: Record<string, string>) => void;

export interface VolumesServiceOptions {
  /** The host's filesystem, where the data directories live. */
  fs: Fs;
  /** For anonymous volumes' names. */
  rng: Rng;
  now: () => number;
  emit?: VolumeEvent;
}

/** The operations the daemon and the CLI use: create, look up, list, remove, prune, and the references containers hold. */
export interface Volumes {
  create(name: string, driver: string, opts?: { labels?: Record<string, string>; ref?: string }): Volume;
  get(name: string, ref?: string): Volume;
  list(filters?: Record<string, string[]>): Volume[];
  remove(name: string, opts?: { force?: boolean }): void;
  prune(filters?: Record<string, string[]>): { deleted: string[]; reclaimed: number };
  release(name: string, ref: string): void;
  refs(name: string): readonly string[];
}

export class VolumesService implements Volumes {
  /** Bumped on every change (the snapshot's memo). */
  version = 0;
  private readonly volumes = new Map<string, Volume>();
  /** Volume name → the containers referencing it, in the order they did. */
  private readonly references = new Map<string, string[]>();
  private readonly fs: Fs;
  private readonly rng: Rng;
  private readonly now: () => number;
  private readonly emit: VolumeEvent;
  private snapshotMemo: { version: number; snaps: VolumeSnapshot[] } | undefined;

  constructor(opts: VolumesServiceOptions) {
    this.fs = opts.fs;
    this.rng = opts.rng;
    this.now = opts.now;
    this.emit = opts.emit ?? (() => {});
  }

  /**
   * VolumesService.Create: '' makes an anonymous volume. An existing name is
   * returned as it is (labels unchanged), as the store does.
   */
  create(name: string, driver: string, opts: { labels?: Record<string, string>; ref?: string } = {}): Volume {
    const anonymous = name === '';
    if (anonymous) name = this.newName();
    const existing = this.volumes.get(name);
    if (existing) {
      if (opts.ref) this.reference(name, opts.ref);
      return existing;
    }
    const driverName = driver === '' ? 'local' : driver;
    if (driverName !== 'local') throw new DaemonError(`create ${name}: error looking up volume plugin ${driverName}: plugin ${JSON.stringify(driverName)} not found`, 'notFound');
    if (name.length === 1) throw new DaemonError(`create ${name}: volume name is too short, names should be at least two alphanumeric characters`, 'invalidParameter');
    if (!NAME_PATTERN.test(name)) {
      throw new DaemonError(
        `create ${name}: ${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
        'invalidParameter',
      );
    }
    const labels = { ...(opts.labels ?? {}) };
    if (anonymous) labels[ANONYMOUS_LABEL] = '';
    const dir = `${VOLUMES_ROOT}/${name}`;
    this.fs.mkdir(`${dir}/_data`, { parents: true });
    this.fs.chmod(VOLUMES_ROOT, 0o701);
    this.fs.chmod(dir, 0o701);
    const volume: Volume = { name, driver: driverName, labels, options: null, createdAt: this.now(), anonymous, mountpoint: `${dir}/_data` };
    this.volumes.set(name, volume);
    if (opts.ref) this.reference(name, opts.ref);
    this.changed();
    this.emit('create', name, { driver: driverName });
    return volume;
  }

  /** VolumesService.Get; with `ref` the caller (a container) now references it. */
  get(name: string, ref?: string): Volume {
    const v = this.volumes.get(name);
    if (!v) throw new DaemonError(`get ${name}: no such volume`, 'notFound');
    if (ref) this.reference(name, ref);
    return v;
  }

  /** The volume, or undefined (no error): for `docker inspect` looking through every kind of object. */
  find(name: string): Volume | undefined {
    return this.volumes.get(name);
  }

  /** VolumesService.List with its filters (dangling, name, driver, label), in the store's order. */
  list(filters: Record<string, string[]> = {}): Volume[] {
    const by = this.filter(filters, ['dangling', 'driver', 'label', 'name']);
    return [...this.volumes.values()].filter(by);
  }

  /** VolumesService.Remove: a volume in use is refused; `force` ignores a missing one. */
  remove(name: string, opts: { force?: boolean } = {}): void {
    const v = this.volumes.get(name);
    if (!v) {
      if (opts.force) return;
      throw new DaemonError(`get ${name}: no such volume`, 'notFound');
    }
    const refs = this.refs(name);
    if (refs.length > 0) throw new DaemonError(`remove ${name}: volume is in use - [${refs.join(', ')}]`, 'conflict');
    this.destroy(v);
  }

  /**
   * VolumesService.Prune (API 1.42+): unused local volumes; only anonymous
   * ones unless the `all` filter is true; `label` and `label!` narrow it.
   */
  prune(filters: Record<string, string[]> = {}): { deleted: string[]; reclaimed: number } {
    const all = filters.all ?? [];
    if (all.length > 1) throw new DaemonError(`invalid filter 'all=[${all.join(' ')}]': only one value is expected`, 'invalidParameter');
    let everything = false;
    if (all.length === 1) {
      const b = parseGoBool(all[0]!);
      if (b === undefined) throw new DaemonError(`invalid filter 'all': strconv.ParseBool: parsing ${JSON.stringify(all[0])}: invalid syntax`, 'invalidParameter');
      everything = b;
    }
    const rest: Record<string, string[]> = { ...filters };
    delete rest.all;
    if (!everything) rest.label = [...(rest.label ?? []), ANONYMOUS_LABEL];
    const by = this.filter(rest, ['label', 'label!']);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of [...this.volumes.values()]) {
      if (v.driver !== 'local' || this.refs(v.name).length > 0 || !by(v)) continue;
      reclaimed += this.size(v);
      this.destroy(v);
      deleted.push(v.name);
    }
    this.emit('prune', '', { reclaimed: String(reclaimed) });
    return { deleted, reclaimed };
  }

  /** The containers referencing the volume, in the order they did. */
  refs(name: string): readonly string[] {
    return this.references.get(name) ?? [];
  }

  /** A container no longer references the volume (it was removed). */
  release(name: string, ref: string): void {
    const refs = this.references.get(name);
    if (!refs) return;
    const kept = refs.filter((r) => r !== ref);
    if (kept.length === refs.length) return;
    if (kept.length === 0) this.references.delete(name);
    else this.references.set(name, kept);
    this.changed();
  }

  /** Bytes of the files under the volume's data directory (directory.Size). */
  size(v: Volume): number {
    let total = 0;
    const walk = (dir: string): void => {
      const names = this.fs.readdir(dir);
      if (typeof names === 'string') return;
      for (const n of names) {
        const path = `${dir}/${n}`;
        const st = this.fs.lstat(path);
        if (typeof st === 'string') continue;
        if (st.kind === 'dir') walk(path);
        else total += st.size;
      }
    };
    walk(v.mountpoint);
    return total;
  }

  /** `docker volume inspect`: the API's Volume, keys in its order. */
  inspect(v: Volume): Record<string, unknown> {
    return {
      CreatedAt: rfc3339Seconds(v.createdAt),
      Driver: v.driver,
      Labels: Object.keys(v.labels).length > 0 ? sortedLabels(v.labels) : null,
      Mountpoint: v.mountpoint,
      Name: v.name,
      Options: v.options ? { ...v.options } : null,
      Scope: 'local',
    };
  }

  /** Every volume as plain data for the snapshot, rebuilt only after a change. */
  snapshots(): VolumeSnapshot[] {
    if (this.snapshotMemo?.version === this.version) return this.snapshotMemo.snaps;
    const snaps = [...this.volumes.values()].map((v) =>
      Object.freeze({
        name: v.name,
        driver: v.driver,
        mountpoint: v.mountpoint,
        labels: Object.freeze({ ...v.labels }),
        anonymous: v.anonymous,
        users: Object.freeze([...this.refs(v.name)]),
        createdAt: rfc3339Seconds(v.createdAt),
      }) as VolumeSnapshot,
    );
    Object.freeze(snaps);
    this.snapshotMemo = { version: this.version, snaps };
    return snaps;
  }

  private reference(name: string, ref: string): void {
    const refs = this.references.get(name) ?? [];
    if (refs.includes(ref)) return;
    this.references.set(name, [...refs, ref]);
    this.changed();
  }

  private destroy(v: Volume): void {
    this.volumes.delete(v.name);
    this.references.delete(v.name);
    this.fs.remove(`${VOLUMES_ROOT}/${v.name}`, { recursive: true });
    this.changed();
    this.emit('destroy', v.name, { driver: v.driver });
  }

  private newName(): string {
    for (;;) {
      const name = randomHex(this.rng, 64);
      if (!this.volumes.has(name)) return name;
    }
  }

  private changed(): void {
    this.version++;
  }

  /** filtersToBy: unknown keys refused; the named filters combined with AND, each key's values with OR (labels: all). */
  private filter(filters: Record<string, string[]>, accepted: readonly string[]): (v: Volume) => boolean {
    for (const key of Object.keys(filters)) if (!accepted.includes(key)) throw new DaemonError(`invalid filter '${key}'`, 'invalidParameter');
    let dangling: boolean | undefined;
    if (filters.dangling !== undefined) {
      const values = new Set(filters.dangling);
      const isFalse = values.has('0') || values.has('false');
      const isTrue = values.has('1') || values.has('true');
      if (isFalse === isTrue) throw new DaemonError(`invalid filter 'dangling=[${[...values].sort().join(' ')}]'`, 'invalidParameter');
      dangling = isTrue;
    }
    return (v) => {
      const drivers = filters.driver ?? [];
      if (drivers.length > 0 && !drivers.includes(v.driver)) return false;
      const names = filters.name ?? [];
      if (names.length > 0 && !names.some((n) => n === v.name || regexMatch(n, v.name))) return false;
      if (!(filters.label ?? []).every((l) => labelMatch(v.labels, l))) return false;
      if ((filters['label!'] ?? []).some((l) => labelMatch(v.labels, l))) return false;
      if (dangling !== undefined && (this.refs(v.name).length === 0) !== dangling) return false;
      return true;
    };
  }
}

function regexMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

/** A `label` filter value: KEY (present) or KEY=VALUE. */
function labelMatch(labels: Readonly<Record<string, string>>, filter: string): boolean {
  const eq = filter.indexOf('=');
  if (eq < 0) return filter in labels;
  const key = filter.slice(0, eq);
  return key in labels && labels[key] === filter.slice(eq + 1);
}

function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k]!;
  return out;
}

/** time.RFC3339 (seconds, UTC): how the local driver reports CreatedAt. */
export function rfc3339Seconds(ms: number): string {
  const iso = isoTime(Math.floor(ms / 1000) * 1000);
  return iso.slice(0, 19) + 'Z';
}
