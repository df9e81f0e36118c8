import type { MountSnapshot } from '../../model';
import { MemFs } from '../../shell/memfs';
import type { Fs } from '../../shell/filesystem';
import type { UnionMount } from '../../unionfs/mount';
import { MountedFs, type FsMount } from '../../unionfs/mountedFs';
import type { TreeNode } from '../../unionfs/tree';
import { DaemonError } from '../errors';
import { cleanPath, mountRequestJson, parseMountRaw, parseMountSpec, parseVolumesFrom, readWrite, validateMountConfig, type MountPoint, type MountRequest } from './mountParser';
import { VOLUMES_ROOT, type VolumesService } from './volumeService';

/**
 * A container's mounts, as dockerd keeps them in container.MountPoints:
 * resolved at create (moby daemon/volumes.go registerMountPoints, then
 * create_unix.go's anonymous volumes for Config.Volumes and the copy of the
 * image's files into an empty volume), attached at start (bind sources made,
 * mount points made in the root filesystem, a fresh tmpfs), released at
 * removal (with `rm -v`, the anonymous volumes removed). The engine calls in
 * at those points; everything else about mounts lives here.
 */

/** The mount part of a create request: HostConfig.Binds, Mounts, VolumesFrom, Tmpfs, VolumeDriver, ReadonlyRootfs and Config.Volumes. */
export interface MountsRequest {
  binds?: string[];
  mounts?: MountRequest[];
  volumesFrom?: string[];
  /** Path → options (`--tmpfs /run:size=64k`). */
  tmpfs?: Record<string, string>;
  /** Config.Volumes from the client (`-v /path`, an anonymous volume each). */
  volumes?: string[];
  volumeDriver?: string;
  readonlyRootfs?: boolean;
}

export interface ContainerMountsContext {
  volumes: VolumesService;
  /** The host's filesystem: bind sources, and the volumes' data directories. */
  hostFs: Fs;
  /** The mount points of another container (`--volumes-from`); throws the daemon's "No such container". */
  mountsOf(ref: string): { id: string; points: readonly MountPoint[] };
  now(): number;
}

/** What runc mounts at start, for the kernel trace. */
export interface RuntimeMount {
  fstype: string;
  source: string;
  target: string;
  options: string;
}

interface Entry {
  points: MountPoint[];
  request: MountsRequest;
  /** Config.Volumes: the user's and the image's anonymous volume paths. */
  configVolumes: string[];
  fs: MountedFs;
}

/** The paths runc mounts on every container's root, which stay the root's below a volume. */
const RUNTIME_FILES = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'];
const TMPFS_DIR = '/tmpfs';

export class ContainerMounts {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ctx: ContainerMountsContext) {}

  /** verifyContainerSettings: each HostConfig.Mounts entry is valid and a bind's source exists (before the image is looked up). */
  verify(req: MountsRequest): void {
    for (const m of req.mounts ?? []) {
      const invalid = validateMountConfig(m, (p) => this.ctx.hostFs.exists(p));
      if (invalid) throw new DaemonError(invalid.error, 'invalidParameter');
    }
  }

  /**
   * The create: the mount points resolved (volumes created or looked up and
   * referenced by the container), the image's files copied into empty
   * volumes, and the container's filesystem with its mount table over
   * `root`. Throws the daemon's error; nothing is kept then but the volumes
   * already made (as dockerd leaves them).
   */
  create(id: string, req: MountsRequest, opts: { imageVolumes: readonly string[]; union: UnionMount; root: Fs; rootMounts: readonly string[] }): Fs {
    const points = new Map<string, MountPoint>();
    try {
      this.register(id, req, points);
      const configVolumes = [...new Set([...(req.volumes ?? []), ...opts.imageVolumes])];
      for (const spec of configVolumes) {
        const destination = cleanPath(spec);
        // A --volumes-from, bind or --mount already there: the image's volume is skipped.
        if (points.has(destination)) continue;
        if (opts.union.lookup(destination)?.kind === 'file') {
          throw new DaemonError(`cannot mount volume over existing file, file exists /var/lib/docker/overlay2/${opts.union.upper.id}/merged${destination}`, 'system');
        }
        const v = this.ctx.volumes.create('', req.volumeDriver ?? '', { ref: id });
        // container.AddMountPointWithVolume: no Source, the volume held.
        points.set(destination, {
          type: 'volume', name: v.name, source: '', destination, driver: v.driver, mode: '', rw: true, propagation: '',
          spec: { type: 'volume', source: '', target: destination, readOnly: false, consistency: '' }, copyData: true, createSource: false, holdsVolume: true,
        });
      }
      const list = [...points.values()];
      for (const p of list) if (p.type === 'volume' && p.copyData) this.populate(p, opts.union, opts.rootMounts);
      const fs = new MountedFs(opts.root, {
        mounts: [...list.map((p) => this.fsMount(p)), ...Object.keys(req.tmpfs ?? {}).map((t) => tmpfsMount(cleanPath(t), false))].sort((a, b) => depth(a.target) - depth(b.target)),
        readOnlyRoot: req.readonlyRootfs ?? false,
        rootMounts: opts.rootMounts,
        writableRootMounts: ['/dev', '/proc', '/sys'],
      });
      this.entries.set(id, { points: list, request: req, configVolumes, fs });
      // Nothing mounted and a writable root: programs use the union as it is, without a routing step per call.
      return fs.table.length === 0 && !req.readonlyRootfs ? opts.root : fs;
    } catch (e) {
      for (const p of points.values()) if (p.holdsVolume) this.ctx.volumes.release(p.name, id);
      throw e;
    }
  }

  /** registerMountPoints: --volumes-from first, then binds, then --mount, each later one taking a destination over. */
  private register(id: string, req: MountsRequest, points: Map<string, MountPoint>): void {
    const volumes = this.ctx.volumes;
    for (const from of req.volumesFrom ?? []) {
      const parsed = parseVolumesFrom(from);
      if ('error' in parsed) throw new DaemonError(parsed.error, 'invalidParameter');
      const other = this.ctx.mountsOf(parsed.id);
      for (const m of other.points) {
        const cp: MountPoint = { ...m, mode: '', rw: m.rw && readWrite(parsed.mode), copyData: false, holdsVolume: false };
        // Only a mount point without a Source is looked up (and so referenced) now; the others at the first start.
        if (m.type === 'volume' && m.source === '') {
          volumes.get(m.name, id);
          cp.holdsVolume = true;
        }
        this.dereference(points, cp.destination, id);
        points.set(cp.destination, cp);
      }
    }
    const bindDestinations = new Set<string>();
    for (const b of req.binds ?? []) {
      const bind = parseMountRaw(b, req.volumeDriver ?? '');
      if ('error' in bind) throw new DaemonError(bind.error, 'invalidParameter');
      if (bindDestinations.has(bind.destination) || Object.keys(req.tmpfs ?? {}).some((t) => cleanPath(t) === bind.destination)) {
        throw new DaemonError(`Duplicate mount point: ${bind.destination}`, 'invalidParameter');
      }
      if (bind.type === 'volume') {
        const v = volumes.create(bind.name, bind.driver, { ref: id });
        bind.source = v.mountpoint;
        bind.driver = v.driver;
        bind.holdsVolume = true;
        if (bind.mode === '') bind.mode = 'z';
      }
      bindDestinations.add(bind.destination);
      this.dereference(points, bind.destination, id);
      points.set(bind.destination, bind);
    }
    for (const m of req.mounts ?? []) {
      const mp = parseMountSpec(m, (p) => this.ctx.hostFs.exists(p));
      if ('error' in mp) throw new DaemonError(mp.error, 'invalidParameter');
      if (bindDestinations.has(mp.destination)) throw new DaemonError(`Duplicate mount point: ${m.target}`, 'invalidParameter');
      if (mp.type === 'volume') {
        const v = volumes.create(mp.name, mp.driver, { ref: id, labels: m.volumeOptions?.labels ?? {} });
        mp.name = v.name;
        mp.driver = v.driver;
        mp.source = v.mountpoint;
        mp.holdsVolume = true;
        if (mp.mode === '') mp.mode = 'z';
      }
      bindDestinations.add(mp.destination);
      this.dereference(points, mp.destination, id);
      points.set(mp.destination, mp);
    }
  }

  private dereference(points: Map<string, MountPoint>, destination: string, id: string): void {
    const old = points.get(destination);
    if (old?.holdsVolume) this.ctx.volumes.release(old.name, id);
  }

  /** populateVolume: an empty volume gets a copy of what the image has at the mount point. */
  private populate(p: MountPoint, union: UnionMount, rootMounts: readonly string[]): void {
    const fs = this.ctx.hostFs;
    const node = union.tree(p.destination, true);
    if (node?.kind !== 'dir') return;
    const dir = volumePath(p);
    const existing = fs.readdir(dir);
    if (typeof existing === 'string' || existing.length > 0) return;
    for (const [name, child] of node.children) writeTree(fs, `${dir}/${name}`, child);
    // The runtime's files are empty placeholders in the image's root (the init layer) until runc mounts over them.
    for (const r of rootMounts) {
      if (!r.startsWith(p.destination + '/')) continue;
      const path = dir + r.slice(p.destination.length);
      if (fs.lstat(path) !== 'ENOENT' && !fs.isDir(path)) fs.writeFile(path, '');
    }
  }

  private fsMount(p: MountPoint): FsMount {
    if (p.type === 'tmpfs') return tmpfsMount(p.destination, !p.rw);
    return { target: p.destination, fs: this.ctx.hostFs, source: volumePath(p), readOnly: !p.rw };
  }

  /**
   * Before the start: a volume mount point that holds no reference yet (one
   * taken over by --volumes-from) looks its volume up now, and holds it
   * (lazyInitializeVolume); a volume removed since fails the start.
   */
  prepare(id: string): void {
    for (const p of this.entries.get(id)?.points ?? []) {
      if (p.type !== 'volume' || p.holdsVolume || p.driver === '') continue;
      this.ctx.volumes.get(p.name, id);
      p.holdsVolume = true;
    }
  }

  /**
   * The start: a `-v` bind's missing host directory is made, each mount point
   * is made in the root filesystem (so `docker diff` lists it), a tmpfs starts
   * empty. Returns the mounts runc makes, for the trace.
   */
  attach(id: string, union: UnionMount, rootfs: string): RuntimeMount[] {
    const e = this.entries.get(id);
    if (!e) return [];
    const host = this.ctx.hostFs;
    const out: RuntimeMount[] = [];
    for (const m of e.fs.table) {
      const point = e.points.find((p) => p.destination === m.target);
      if (!point || point.type === 'tmpfs') {
        // A tmpfs is new at every start.
        const fresh = new MemFs(() => this.ctx.now());
        fresh.mkdir(TMPFS_DIR);
        fresh.chmod(TMPFS_DIR, point?.spec.tmpfsOptions?.mode ?? 0o1777);
        e.fs.remount(m.target, fresh, TMPFS_DIR);
        const options = tmpfsOptions(point?.spec, e.request.tmpfs?.[m.target] ?? '');
        out.push({ fstype: 'tmpfs', source: 'tmpfs', target: `${rootfs}${m.target}`, options });
      } else {
        if (point.type === 'bind' && point.createSource && !host.exists(point.source)) host.mkdir(point.source, { parents: true });
        out.push({ fstype: 'bind', source: volumePath(point), target: `${rootfs}${m.target}`, options: `rbind,${point.propagation || 'rprivate'}${m.readOnly ? ',ro' : ''}` });
      }
      const isFile = !m.fs.isDir(m.source) && m.fs.exists(m.source);
      const there = union.lookup(m.target);
      if (there === undefined) {
        if (isFile) union.writeFile(m.target, '');
        else union.mkdir(m.target, { parents: true });
      }
      // runc makes the mount points of its own files in a directory mounted over /etc.
      for (const r of RUNTIME_FILES) {
        if (!r.startsWith(m.target + '/') || isFile) continue;
        const path = m.source + r.slice(m.target.length);
        if (!m.fs.exists(path) && m.fs.isDir(path.slice(0, path.lastIndexOf('/')))) m.fs.writeFile(path, '');
      }
    }
    return out;
  }

  /** The removal: the container's references released; with `removeVolumes` (`rm -v`, `--rm`) its anonymous volumes go too, unless still used. */
  release(id: string, removeVolumes: boolean): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    const volumes = this.ctx.volumes;
    for (const p of e.points) {
      if (!p.holdsVolume) continue;
      volumes.release(p.name, id);
      if (!removeVolumes || p.spec.source !== '') continue;
      if (volumes.refs(p.name).length === 0) volumes.remove(p.name, { force: true });
    }
  }

  /** The mount points, in the order they were registered. */
  points(id: string): readonly MountPoint[] {
    return this.entries.get(id)?.points ?? [];
  }

  /** The filesystem and path a container path reaches through a mount, when it is under one (`docker cp`). */
  route(id: string, path: string): { fs: Fs; path: string; readOnly: boolean } | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    const r = e.fs.route(path);
    return r.mount ? { fs: r.fs, path: r.path, readOnly: r.readOnly } : undefined;
  }

  /** `docker inspect`'s Mounts (container.GetMountPoints). */
  inspectMounts(id: string): Record<string, unknown>[] {
    return this.points(id).map((p) => ({
      Type: p.type,
      ...(p.name !== '' ? { Name: p.name } : {}),
      Source: volumePath(p),
      Destination: p.destination,
      ...(p.driver !== '' ? { Driver: p.driver } : {}),
      Mode: p.mode,
      RW: p.rw,
      Propagation: p.propagation,
    }));
  }

  /**
   * HostConfig with the container's mount fields: Binds, VolumeDriver,
   * VolumesFrom and ReadonlyRootfs set, Tmpfs after SecurityOpt and Mounts
   * before MaskedPaths (both left out when empty, as the API's omitempty does).
   */
  hostConfig(id: string, base: Record<string, unknown>): Record<string, unknown> {
    const req = this.entries.get(id)?.request ?? {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(base)) {
      if (k === 'MaskedPaths' && (req.mounts ?? []).length > 0) out.Mounts = req.mounts!.map(mountRequestJson);
      if (k === 'Binds') out.Binds = (req.binds ?? []).length > 0 ? [...req.binds!] : null;
      else if (k === 'VolumeDriver') out.VolumeDriver = req.volumeDriver ?? '';
      else if (k === 'VolumesFrom') out.VolumesFrom = (req.volumesFrom ?? []).length > 0 ? [...req.volumesFrom!] : null;
      else if (k === 'ReadonlyRootfs') out.ReadonlyRootfs = req.readonlyRootfs ?? false;
      else out[k] = v;
      if (k === 'SecurityOpt' && Object.keys(req.tmpfs ?? {}).length > 0) out.Tmpfs = { ...req.tmpfs };
    }
    return out;
  }

  /** Config.Volumes: the anonymous volume paths, the user's and the image's (null when none). */
  configVolumes(id: string): Record<string, Record<string, never>> | null {
    const list = this.entries.get(id)?.configVolumes ?? [];
    if (list.length === 0) return null;
    return Object.fromEntries([...list].sort().map((v) => [v, {}]));
  }

  /** Whether `docker ps --filter volume=V` matches: a mount's volume name, source or destination (regular expressions, as the daemon's Match). */
  matchesVolume(id: string, v: string): boolean {
    const test = (s: string): boolean => {
      if (s === v) return true;
      try {
        return new RegExp(v).test(s);
      } catch {
        return false;
      }
    };
    return this.points(id).some((p) => (p.name !== '' && test(p.name)) || (volumePath(p) !== '' && test(volumePath(p))) || test(p.destination));
  }

  /** The API's ContainerSummary.Mounts, for `docker ps` (Mounts, LocalVolumes). */
  summary(id: string): { name: string; source: string; driver: string }[] {
    return this.points(id).map((p) => ({ name: p.name, source: volumePath(p), driver: p.driver }));
  }

  /** The mounts as plain data for the snapshot, shallowest first. */
  snapshot(id: string): MountSnapshot[] {
    const e = this.entries.get(id);
    if (!e) return [];
    const out: MountSnapshot[] = e.points.map((p) => ({ type: p.type as MountSnapshot['type'], source: volumePath(p), destination: p.destination, rw: p.rw, name: p.name }));
    for (const t of Object.keys(e.request.tmpfs ?? {})) out.push({ type: 'tmpfs', source: '', destination: cleanPath(t), rw: true, name: '' });
    return out.sort((a, b) => depth(a.destination) - depth(b.destination) || (a.destination < b.destination ? -1 : 1));
  }

  /** Whether anything is mounted over the root filesystem, or it is read-only. */
  mounted(id: string): boolean {
    const e = this.entries.get(id);
    return e !== undefined && (e.fs.table.length > 0 || e.request.readonlyRootfs === true);
  }

  /** Whether the root filesystem is read-only (`--read-only`). */
  readonlyRootfs(id: string): boolean {
    return this.entries.get(id)?.request.readonlyRootfs ?? false;
  }
}

/** MountPoint.Path(): a volume's data directory, a bind's source, '' for a tmpfs. */
function volumePath(p: MountPoint): string {
  if (p.type === 'volume') return `${VOLUMES_ROOT}/${p.name}/_data`;
  return p.type === 'tmpfs' ? '' : p.source;
}

function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

function tmpfsMount(target: string, readOnly: boolean): FsMount {
  // Filled in at each start (attach); empty until then.
  const fs = new MemFs();
  fs.mkdir(TMPFS_DIR);
  return { target, fs, source: TMPFS_DIR, readOnly };
}

/** The mount options runc passes for a tmpfs (ConvertTmpfsOptions, or the --tmpfs text). */
function tmpfsOptions(spec: MountRequest | undefined, flagOptions: string): string {
  const opts = ['rw', 'nosuid', 'nodev', 'noexec'];
  if (spec?.readOnly) opts[0] = 'ro';
  if (spec?.tmpfsOptions?.mode) opts.push(`mode=${spec.tmpfsOptions.mode.toString(8)}`);
  if (spec?.tmpfsOptions?.sizeBytes) opts.push(`size=${spec.tmpfsOptions.sizeBytes}`);
  if (flagOptions !== '') opts.push(flagOptions);
  return opts.join(',');
}

/** Writes an image tree (a copy-up into a volume) onto the host's filesystem. */
function writeTree(fs: Fs, path: string, node: TreeNode): void {
  if (node.kind === 'dir') {
    fs.mkdir(path);
    fs.chmod(path, node.mode);
    for (const [name, child] of node.children) writeTree(fs, `${path}/${name}`, child);
  } else if (node.kind === 'symlink') {
    fs.symlink(node.target, path);
  } else {
    fs.writeFile(path, node.content ?? '');
    fs.chmod(path, node.mode);
  }
}
