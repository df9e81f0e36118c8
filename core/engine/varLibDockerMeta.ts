import { configBlob } from '../images/archive';
import { sha256Digest } from '../images/digest';
import { cacheDir, type Image } from '../images/store';
import { staticDir, textFile, type PDir, type PFile, type PNode } from '../shell/mountFs';
import { layerStats } from '../unionfs/layer';
import type { Container } from './container';
import { containerInspect } from './inspect';
import type { Services } from './services';
import { utf8Length } from '../utf8';

/**
 * The daemon's own records under /var/lib/docker, as moby v28 writes them:
 * each container's config.v2.json (container.Container, daemon/container.go's
 * toDisk) and hostconfig.json, and image/overlay2's image and layer stores
 * (imagedb, layerdb). Built from the same state `docker inspect` reads, so
 * the two agree.
 */

/** Go's encoding/json escapes <, > and & (and U+2028/2029) inside strings. */
export function goJsonText(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A read-only file whose stat size is its contents' byte length (ls -l, du and stat agree with cat). */
export function sizedFile(data: () => string, mode: number, mtime?: number): PFile {
  return { ...textFile(data, mode, mtime), get size() { return utf8Length(data()); } };
}

type Json = Record<string, unknown>;

/** config.v2.json: the Container struct's fields in its order; HostConfig is kept apart (json:"-"). */
export function configV2(s: Services, c: Container): string {
  const info = containerInspect(s, c.id);
  const state = info.State as Json;
  const net = info.NetworkSettings as Json;
  const networks = Object.fromEntries(Object.entries((net.Networks ?? {}) as Record<string, Json>).map(([name, ep]) => [name, { ...ep, IPAMOperational: false }]));
  const mountPoints: Record<string, Json> = {};
  for (const m of (info.Mounts ?? []) as Json[]) {
    const type = String(m.Type);
    const source = type === 'volume' ? String(m.Name) : String(m.Source);
    mountPoints[String(m.Destination)] = {
      Source: m.Source,
      Destination: m.Destination,
      RW: m.RW,
      Name: m.Name ?? '',
      Driver: m.Driver ?? '',
      Type: type,
      ...(m.Mode ? { Relabel: m.Mode } : {}),
      ...(m.Propagation ? { Propagation: m.Propagation } : {}),
      // The mount's id (a random 64-hex in moby), stable here per container and destination.
      ...(type === 'volume' ? { ID: sha256Digest(`mountpoint ${c.id} ${String(m.Destination)}`).slice(7) } : {}),
      // mount.Mount with its omitempty fields.
      Spec: { Type: type, ...(type !== 'tmpfs' ? { Source: source } : {}), Target: m.Destination, ...(m.RW ? {} : { ReadOnly: true }) },
      SkipMountpointCreation: false,
    };
  }
  const started = state.StartedAt !== '0001-01-01T00:00:00Z';
  return goJsonText({
    StreamConfig: {},
    State: {
      Running: state.Running,
      Paused: state.Paused,
      Restarting: state.Restarting,
      OOMKilled: state.OOMKilled,
      Dead: state.Dead,
      Pid: state.Pid,
      ExitCode: state.ExitCode,
      Error: state.Error,
      StartedAt: state.StartedAt,
      FinishedAt: state.FinishedAt,
      Health: null,
    },
    ID: info.Id,
    Created: info.Created,
    Managed: false,
    Path: info.Path,
    Args: info.Args,
    Config: info.Config,
    Image: info.Image,
    ImageManifest: null,
    NetworkSettings: {
      Bridge: '',
      SandboxID: net.SandboxID ?? '',
      SandboxKey: net.SandboxKey ?? '',
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Networks: networks,
      Service: null,
      Ports: net.Ports ?? {},
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      HasSwarmEndpoint: false,
    },
    LogPath: info.LogPath,
    Name: info.Name,
    Driver: 'overlay2',
    OS: 'linux',
    ImagePlatform: { architecture: 'amd64', os: 'linux' },
    RestartCount: info.RestartCount,
    HasBeenStartedBefore: started,
    HasBeenManuallyStopped: false,
    MountPoints: mountPoints,
    SecretReferences: null,
    ConfigReferences: null,
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: info.AppArmorProfile,
    SeccompProfile: '',
    NoNewPrivileges: false,
    WritableCgroups: null,
    HostnamePath: info.HostnamePath,
    HostsPath: info.HostsPath,
    // Private IPC (the default): runc mounts /dev/shm itself, so the daemon keeps no shm path.
    ShmPath: '',
    ResolvConfPath: info.ResolvConfPath,
    LocalLogCacheMeta: { HaveNotifyEnabled: false },
  });
}

/** hostconfig.json: the container's HostConfig, as inspect shows it. */
export function hostConfigJson(s: Services, c: Container): string {
  return goJsonText(containerInspect(s, c.id).HostConfig);
}

const hex = (id: string): string => id.replace(/^sha256:/, '');

/** image/overlay2/imagedb: each image's config blob by id, and its metadata (parent, lastUpdated). */
function imagedb(s: Services): PDir {
  const images = (): Map<string, Image> => new Map(s.images.store.list().map((i) => [hex(i.id), i] as const));
  const content: PDir = {
    kind: 'dir',
    mode: 0o700,
    names: () => [...images().keys()],
    child: (n) => {
      const i = images().get(n);
      return i === undefined ? undefined : sizedFile(() => configBlob(i), 0o600);
    },
  };
  const metadata: PDir = {
    kind: 'dir',
    mode: 0o700,
    // Only images with a parent (a commit, a build step) or a local tag time have a metadata directory.
    names: () => [...images()].filter(([, i]) => i.parent !== '' || i.lastTagTime !== '').map(([h]) => h),
    child: (n) => {
      const i = images().get(n);
      if (i === undefined || (i.parent === '' && i.lastTagTime === '')) return undefined;
      const files: [string, PNode][] = [];
      if (i.lastTagTime !== '') files.push(['lastUpdated', sizedFile(() => i.lastTagTime, 0o600)]);
      if (i.parent !== '') files.push(['parent', sizedFile(() => i.parent, 0o600)]);
      return staticDir(0o700, files);
    },
  };
  return staticDir(0o700, [
    ['content', staticDir(0o700, [['sha256', content]])],
    ['metadata', staticDir(0o700, [['sha256', metadata]])],
  ]);
}

interface ChainEntry {
  chainId: string;
  diffId: string;
  parent: string | undefined;
  size: number;
}

/** image/overlay2/layerdb: each layer chain (cache-id, diff, parent, size) and each container's mount (init-id, mount-id, parent). */
function layerdb(s: Services): PDir {
  const chains = (): Map<string, ChainEntry> => {
    const out = new Map<string, ChainEntry>();
    for (const image of s.images.store.list()) {
      const ids = s.images.store.chainIds(image);
      image.layers.forEach((layer, i) => {
        const chainId = ids[i]!;
        if (!out.has(hex(chainId))) out.set(hex(chainId), { chainId, diffId: layer.id, parent: i > 0 ? ids[i - 1] : undefined, size: layerStats(layer).size });
      });
    }
    return out;
  };
  const sha: PDir = {
    kind: 'dir',
    mode: 0o700,
    names: () => [...chains().keys()],
    child: (n) => {
      const e = chains().get(n);
      if (e === undefined) return undefined;
      const files: [string, PNode][] = [
        ['cache-id', sizedFile(() => cacheDir(e.chainId), 0o644)],
        ['diff', sizedFile(() => e.diffId, 0o644)],
      ];
      if (e.parent !== undefined) files.push(['parent', sizedFile(() => e.parent!, 0o644)]);
      files.push(['size', sizedFile(() => String(e.size), 0o644)]);
      return staticDir(0o700, files);
    },
  };
  const mounts: PDir = {
    kind: 'dir',
    mode: 0o700,
    names: () => [...s.containers.byId.keys()],
    child: (n) => {
      const c = s.containers.byId.get(n);
      if (c === undefined) return undefined;
      const ids = s.images.store.chainIds(c.image);
      const files: [string, PNode][] = [
        ['init-id', sizedFile(() => `${c.layerId}-init`, 0o644)],
        ['mount-id', sizedFile(() => c.layerId, 0o644)],
      ];
      if (ids.length > 0) files.push(['parent', sizedFile(() => ids[ids.length - 1]!, 0o644)]);
      return staticDir(0o755, files);
    },
  };
  return staticDir(0o755, [
    ['mounts', mounts],
    ['sha256', sha],
    ['tmp', staticDir(0o700, [])],
  ]);
}

/** image/overlay2 without repositories.json (varLibDocker.ts adds it). */
export function imageStoreEntries(s: Services): [string, PNode][] {
  return [
    ['imagedb', imagedb(s)],
    ['layerdb', layerdb(s)],
  ];
}
