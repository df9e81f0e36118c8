import type { ContainerInspectInfo, ImageInspectInfo, NetworkInspectInfo, VolumeInspectInfo } from 'dockerode';
import type {
  ContainerNetwork,
  ContainerSnapshot,
  ContainerState,
  DockerEvent,
  ImageSnapshot,
  MountSnapshot,
  NetworkSnapshot,
  PortBinding,
  RestartPolicy,
  Transition,
  VolumeSnapshot,
} from '../../core/model';

/**
 * Pure mapping from the Engine API's shapes to the plain model every diagram
 * reads, and the lifecycle transitions a run of Docker events implies.
 */

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead'];
const POLICIES: readonly RestartPolicy['name'][] = ['no', 'always', 'unless-stopped', 'on-failure'];

export function asContainerState(s: string): ContainerState {
  return (STATES as readonly string[]).includes(s) ? (s as ContainerState) : 'dead';
}

/** A container as `docker inspect` shows it, plus the STATUS text `docker ps` shows. */
export function containerFromInspect(info: ContainerInspectInfo, status: string): ContainerSnapshot {
  const policy = info.HostConfig?.RestartPolicy;
  const policyName = (POLICIES as readonly string[]).includes(policy?.Name ?? '') ? (policy!.Name as RestartPolicy['name']) : 'no';
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config?.Image ?? '',
    imageId: info.Image,
    command: [info.Path, ...(info.Args ?? [])].filter((s) => s !== ''),
    state: asContainerState(info.State.Status),
    exitCode: info.State.ExitCode,
    pid: info.State.Pid,
    oomKilled: info.State.OOMKilled,
    restartCount: info.RestartCount,
    created: info.Created,
    startedAt: info.State.StartedAt,
    finishedAt: info.State.FinishedAt,
    status,
    config: {
      hostname: info.Config?.Hostname ?? '',
      env: info.Config?.Env ?? [],
      tty: info.Config?.Tty ?? false,
      openStdin: info.Config?.OpenStdin ?? false,
      autoRemove: info.HostConfig?.AutoRemove ?? false,
      restartPolicy: { name: policyName, maximumRetryCount: policy?.MaximumRetryCount ?? 0 },
      labels: info.Config?.Labels ?? {},
    },
    networkMode: info.HostConfig?.NetworkMode ?? '',
    networks: networksFromInspect(info),
    ports: portsFromInspect(info),
    resources: resourcesFromHostConfig(info.HostConfig),
    mounts: mountsFromInspect(info),
    readonlyRootfs: (info.HostConfig as { ReadonlyRootfs?: boolean } | undefined)?.ReadonlyRootfs ?? false,
  };
}

const MOUNT_TYPES: readonly MountSnapshot['type'][] = ['volume', 'bind', 'tmpfs'];

/** The container's Mounts (volumes, binds, --mount tmpfs) and HostConfig.Tmpfs, shallowest first, as the simulator lists them. */
export function mountsFromInspect(info: ContainerInspectInfo): MountSnapshot[] {
  const out: MountSnapshot[] = [];
  for (const m of info.Mounts ?? []) {
    const type = m.Type as MountSnapshot['type'];
    if (!(MOUNT_TYPES as readonly string[]).includes(type)) continue;
    out.push({ type, source: type === 'tmpfs' ? '' : m.Source, destination: m.Destination, rw: m.RW, name: m.Name ?? '' });
  }
  const tmpfs = (info.HostConfig as { Tmpfs?: Record<string, string> } | undefined)?.Tmpfs ?? {};
  for (const dest of Object.keys(tmpfs)) out.push({ type: 'tmpfs', source: '', destination: dest, rw: true, name: '' });
  const depth = (p: string): number => p.split('/').length;
  return out.sort((a, b) => depth(a.destination) - depth(b.destination) || (a.destination < b.destination ? -1 : 1));
}

/** The limits `docker run` flags set, as HostConfig holds them (0 = unset). */
export function resourcesFromHostConfig(hc: ContainerInspectInfo['HostConfig'] | undefined): NonNullable<ContainerSnapshot['resources']> {
  const h = (hc ?? {}) as ContainerInspectInfo['HostConfig'] & { NanoCpus?: number; CpuShares?: number; CpusetCpus?: string; PidsLimit?: number | null; OomKillDisable?: boolean | null };
  return {
    memory: h.Memory ?? 0,
    memorySwap: h.MemorySwap ?? 0,
    nanoCpus: h.NanoCpus ?? 0,
    cpuShares: h.CpuShares ?? 0,
    cpusetCpus: h.CpusetCpus ?? '',
    pidsLimit: h.PidsLimit ?? 0,
    oomKillDisable: h.OomKillDisable ?? false,
  };
}

/** The endpoints the container has now (NetworkSettings.Networks), by network name. */
export function networksFromInspect(info: ContainerInspectInfo): ContainerNetwork[] {
  const nets = info.NetworkSettings?.Networks ?? {};
  return Object.entries(nets)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([network, n]) => ({
      network,
      ip: n.IPAddress ?? '',
      prefixLen: n.IPPrefixLen ?? 0,
      gateway: n.Gateway ?? '',
      mac: n.MacAddress ?? '',
      aliases: Array.isArray(n.Aliases) ? (n.Aliases as unknown[]).filter((a): a is string => typeof a === 'string') : [],
    }));
}

const PROTOCOLS: readonly PortBinding['protocol'][] = ['tcp', 'udp', 'sctp'];

/**
 * The ports the daemon published (NetworkSettings.Ports: only while the
 * container runs), one binding per host address, as `docker port` lists them.
 */
export function portsFromInspect(info: ContainerInspectInfo): PortBinding[] {
  const ports = (info.NetworkSettings as { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> } | undefined)?.Ports ?? {};
  const out: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const [port, proto = 'tcp'] = key.split('/');
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort) || !(PROTOCOLS as readonly string[]).includes(proto)) continue;
    for (const b of bindings ?? []) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      out.push({ containerId: info.Id, containerPort, protocol: proto as PortBinding['protocol'], hostIp: b.HostIp || '0.0.0.0', hostPort });
    }
  }
  return out.sort((a, b) => a.containerPort - b.containerPort || a.protocol.localeCompare(b.protocol));
}

/** A network as `docker network inspect` shows it. The Linux bridge is the one the driver names, else br-<12 hex of the id>. */
export function networkFromInspect(info: NetworkInspectInfo): NetworkSnapshot {
  const ipv4 = (info.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':'));
  const bridge =
    info.Driver === 'bridge' ? (info.Options?.['com.docker.network.bridge.name'] ?? `br-${info.Id.slice(0, 12)}`) : '';
  return {
    id: info.Id,
    name: info.Name,
    driver: info.Driver,
    scope: info.Scope === 'swarm' || info.Scope === 'global' ? 'swarm' : 'local',
    bridge,
    subnet: ipv4?.Subnet ?? '',
    gateway: ipv4?.Gateway ?? '',
    internal: info.Internal,
    containers: Object.keys(info.Containers ?? {}).sort(),
  };
}

export function imageFromInspect(info: ImageInspectInfo): ImageSnapshot {
  return {
    id: info.Id,
    tags: (info.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    layers: info.RootFS?.Layers ?? [],
    size: info.Size,
    created: info.Created,
  };
}

/**
 * The engine's volumes as the simulator lists them: in the order they were
 * made, an anonymous one (a 64-hex name) marked, each with the containers
 * whose Mounts name it (oldest container first), created with it, running or not.
 */
export function volumesFromApi(list: readonly VolumeInspectInfo[], containers: readonly ContainerSnapshot[]): VolumeSnapshot[] {
  const byAge = [...containers].sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : 1));
  const created = (v: VolumeInspectInfo): string => (v as VolumeInspectInfo & { CreatedAt?: string }).CreatedAt ?? '';
  return [...list]
    .sort((a, b) => (created(a) < created(b) ? -1 : created(a) > created(b) ? 1 : a.Name < b.Name ? -1 : 1))
    .map((v) => ({
      name: v.Name,
      driver: v.Driver,
      mountpoint: v.Mountpoint,
      labels: { ...(v.Labels ?? {}) },
      anonymous: /^[0-9a-f]{64}$/.test(v.Name),
      users: byAge.filter((c) => (c.mounts ?? []).some((m) => m.type === 'volume' && m.name === v.Name)).map((c) => c.id),
      createdAt: created(v).replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, ''),
    }));
}

/** Newest first, as `docker ps -a` and `docker images` list them. */
export function byCreatedDesc<T extends { created: string; id: string }>(a: T, b: T): number {
  if (a.created !== b.created) return a.created < b.created ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The Engine API's /events record as it comes off the wire. */
export interface ApiEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

const EVENT_TYPES: readonly DockerEvent['type'][] = ['container', 'image', 'network', 'volume'];

/** Our DockerEvent, or null for event types the model does not carry (plugin, daemon, service…). */
export function dockerEventFromApi(raw: ApiEvent): DockerEvent | null {
  const type = raw.Type ?? 'container';
  if (!(EVENT_TYPES as readonly string[]).includes(type)) return null;
  const action = raw.Action ?? raw.status;
  const id = raw.Actor?.ID ?? raw.id;
  if (!action || !id) return null;
  const time = raw.timeNano !== undefined ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000;
  return { type: type as DockerEvent['type'], action, id, attributes: { ...(raw.Actor?.Attributes ?? {}) }, time };
}

/**
 * The state a container event moves a container to; undefined when the event
 * does not change the lifecycle state (attach, kill, stop, rename, exec_*, …:
 * `stop` and `kill` are followed by `die`, which is the move).
 * `die` leads to `restarting` when a restart policy takes over; only the
 * re-read state can tell, so the caller passes it for the batch's last event.
 */
export function stateAfterEvent(action: string, restartingNow: boolean): ContainerState | null | undefined {
  switch (action.split(':')[0]) {
    case 'create':
      return 'created';
    case 'start':
    case 'restart':
    case 'unpause':
      return 'running';
    case 'pause':
      return 'paused';
    case 'die':
      return restartingNow ? 'restarting' : 'exited';
    case 'destroy':
      return null;
    default:
      return undefined;
  }
}

export interface ContainerHistory {
  /** The state the last transition left it in; null when unknown or gone. */
  state: ContainerState | null;
  name: string;
}

/**
 * The transitions a batch of container events implies, in event order.
 * `known` holds each container's state after the previous batch and is updated
 * in place; `current` is each container's re-read state after the batch (null:
 * it no longer exists). Moves to the same state are dropped.
 */
export function transitionsFor(
  events: readonly DockerEvent[],
  known: Map<string, ContainerHistory>,
  current: ReadonlyMap<string, ContainerState | null>,
): Transition[] {
  const lastStateEvent = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.type === 'container' && stateAfterEvent(e.action, false) !== undefined) lastStateEvent.set(e.id, i);
  });
  const out: Transition[] = [];
  events.forEach((e, i) => {
    if (e.type !== 'container') return;
    const restartingNow = lastStateEvent.get(e.id) === i && current.get(e.id) === 'restarting';
    const to = stateAfterEvent(e.action, restartingNow);
    if (to === undefined) return;
    const before = known.get(e.id);
    const name = e.attributes.name ?? before?.name ?? e.id.slice(0, 12);
    const from = before?.state ?? null;
    if (to !== null) known.set(e.id, { state: to, name });
    else known.delete(e.id);
    if (from === to) return;
    out.push({ containerId: e.id, name, from, to, action: e.action, time: e.time });
  });
  return out;
}
