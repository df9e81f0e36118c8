/**
 * The plain data every backend produces and every diagram, lesson check and
 * test reads. Structured-cloneable: no classes, no functions, no xstate objects.
 * Later issues add layers, mounts, networks, namespaces, cgroups and processes;
 * fields are added, never repurposed.
 */

/** Docker's container states, as `docker inspect` names them in State.Status. */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'removing' | 'dead';

export interface RestartPolicy {
  name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  maximumRetryCount: number;
}

export interface ContainerSnapshot {
  /** Full 64-hex id. */
  id: string;
  /** Without the leading slash. */
  name: string;
  /** The image reference as the user gave it (what `docker ps` shows in IMAGE). */
  image: string;
  /** sha256:… id of the image. */
  imageId: string;
  /** Entrypoint + Cmd as run. */
  command: string[];
  state: ContainerState;
  exitCode: number;
  /** Host pid of the container's PID 1 while it runs, else 0. */
  pid: number;
  oomKilled: boolean;
  restartCount: number;
  /** RFC 3339 times as Docker prints them; '0001-01-01T00:00:00Z' when never. */
  created: string;
  startedAt: string;
  finishedAt: string;
  /** `docker ps` STATUS column text, e.g. "Up 5 seconds", "Exited (0) 2 minutes ago". */
  status: string;
  config: {
    hostname: string;
    env: string[];
    tty: boolean;
    openStdin: boolean;
    autoRemove: boolean;
    restartPolicy: RestartPolicy;
    labels: Record<string, string>;
  };
  // --- added by later issues (optional: a backend fills what it can see) ---
  /** Issue 5: the root filesystem mount. */
  rootfs?: RootfsMount;
  /** Issue 3: network mode as HostConfig.NetworkMode ("bridge", "host", "none", "container:<id>", a network name). */
  networkMode?: string;
  networks?: ContainerNetwork[];
  ports?: PortBinding[];
  /** Issue 4: resource limits as HostConfig holds them (bytes, nano-CPUs …); 0 = unset. */
  resources?: { memory: number; memorySwap: number; nanoCpus: number; cpuShares: number; cpusetCpus: string; pidsLimit: number; oomKillDisable: boolean };
  /** Volumes, bind mounts and tmpfs mounts over the root filesystem, shallowest first. */
  mounts?: MountSnapshot[];
  /** `--read-only`: the root filesystem is mounted read-only. */
  readonlyRootfs?: boolean;
}

export interface ImageSnapshot {
  /** sha256:… */
  id: string;
  /** repo:tag references, e.g. ["busybox:latest"]. */
  tags: string[];
  /** Ordered layer (diff) ids, lowest first. */
  layers: string[];
  /** Bytes. */
  size: number;
  created: string;
}

export interface Snapshot {
  /** Which backend produced it. */
  kind: 'sim' | 'real';
  /** Virtual (sim) or wall (real) time of the snapshot, ms since epoch. */
  time: number;
  containers: ContainerSnapshot[];
  images: ImageSnapshot[];
  // --- added by later issues (optional: a backend fills what it can see) ---
  /** Issue 5: every layer of every image and container, each once. */
  layers?: LayerSnapshot[];
  /** Issue 3. */
  networks?: NetworkSnapshot[];
  interfaces?: InterfaceSnapshot[];
  natRules?: NatRule[];
  /** Issue 3: simulated hosts (the overlay case); absent = one host. */
  hosts?: { name: string; ip: string }[];
  /** Issue 4. */
  processes?: ProcessSnapshot[];
  namespaces?: NamespaceSnapshot[];
  cgroups?: CgroupSnapshot[];
  /** Issue 4: the most recent trace operations (bounded), oldest first. */
  trace?: TraceOp[];
  /** Volumes (named and anonymous), in the order they were made. */
  volumes?: VolumeSnapshot[];
  // --- Issue 11 (the Registry view): registries and what last travelled to and from them ---
  /** Docker Hub (simulated on the sim backend) and each private registry (a registry:2 container). */
  registries?: RegistrySnapshot[];
  /** The most recent pushes and pulls (bounded), oldest first. */
  transfers?: RegistryTransfer[];
}

/** One lifecycle move of one container, for diagrams to animate. */
export interface Transition {
  containerId: string;
  name: string;
  from: ContainerState | null; // null: the container was just created
  to: ContainerState | null; // null: the container is gone
  /** The Docker event that caused it, e.g. "start", "die", "pause". */
  action: string;
  time: number;
  /** When `to` is "exited": the exit code and OOM flag at that moment (a lesson check credits a state the line passed through). */
  exitCode?: number;
  oomKilled?: boolean;
}

/** A `docker events` record (Engine API /events shape, trimmed to what we use). */
export interface DockerEvent {
  type: 'container' | 'image' | 'network' | 'volume' | 'daemon';
  action: string;
  id: string;
  attributes: Record<string, string>;
  /** ms since epoch */
  time: number;
}

// ===========================================================================
// Issue 5: images, layers, the union filesystem. Optional on the snapshot so a
// backend that cannot see them yet still produces a valid one.

/** One overlay2 layer: an image layer, a container's init layer, or its writable upper layer. */
export interface LayerSnapshot {
  /** Image layers: the diff id (sha256:…). Init and container layers: the overlay2 directory id (64 hex, init ends "-init"). */
  id: string;
  kind: 'image' | 'init' | 'container';
  /** The layer below (id), null for a base layer. */
  parent: string | null;
  /** The overlay2 directory under /var/lib/docker/overlay2 (the "diff" dir), as the host names it. */
  dir: string;
  /** Bytes of the layer's diff. */
  size: number;
  /** Number of entries in the diff directory (files, dirs, links, whiteouts). */
  entries: number;
  /** For image layers: the history line that made it (`/bin/sh -c #(nop) ADD file:… in /`). */
  createdBy?: string;
  /** The container that owns an init or upper layer. */
  containerId?: string;
}

/** One entry of a layer's diff directory. */
export interface LayerEntry {
  /** Absolute path inside the container, e.g. "/etc/motd". */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'whiteout' | 'opaque';
  size: number;
  mode: number;
  /** Symlink target. */
  target?: string;
}

/** A container's root filesystem mount, as /proc/<pid>/mountinfo shows it. */
export interface RootfsMount {
  containerId: string;
  /** Lower layer dirs, top first (the order of lowerdir=), init layer first. */
  lowerdirs: string[];
  upperdir: string;
  workdir: string;
  merged: string;
  /** Layer ids (LayerSnapshot.id) of the stack, bottom first: image layers, init, container. */
  layers: string[];
}

// ===========================================================================
// Issue 3: networks. All addresses are strings as `ip` prints them.

export interface NetworkSnapshot {
  /** 64 hex. */
  id: string;
  name: string;
  /** bridge, host, null, overlay. */
  driver: string;
  scope: 'local' | 'swarm';
  /** The Linux bridge it uses ("docker0", "br-<12 hex>"), '' for host/null. */
  bridge: string;
  /** CIDR, e.g. 172.17.0.0/16; '' when none. */
  subnet: string;
  gateway: string;
  internal: boolean;
  /** Ids of attached containers. */
  containers: string[];
  /** Which simulated host the network lives on ('' = the only/local host); overlay networks list every host they span in `hosts`. */
  host?: string;
  hosts?: string[];
}

/** A network interface in some network namespace. */
export interface InterfaceSnapshot {
  name: string;
  ifindex: number;
  kind: 'loopback' | 'physical' | 'bridge' | 'veth' | 'vxlan';
  mac: string;
  /** CIDR addresses, e.g. ["172.17.0.2/16"]. */
  addresses: string[];
  up: boolean;
  /** 'host' for the host's namespace, else the id of the container whose namespace holds it. */
  netns: string;
  /** The bridge it is enslaved to. */
  master?: string;
  /** For veth: the peer's ifindex (a container's eth0 iflink = host veth ifindex). */
  peerIfindex?: number;
  /** Which simulated host ('' = local). */
  host?: string;
}

export interface PortBinding {
  containerId: string;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** '0.0.0.0', '::' or a given address. */
  hostIp: string;
  hostPort: number;
}

/** One iptables rule as `iptables-save` prints it. */
export interface NatRule {
  table: 'nat' | 'filter';
  chain: string;
  /** The rule line without the table header, e.g. "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.17.0.2:80". */
  rule: string;
  /** The container it was made for, when there is one. */
  containerId?: string;
}

export interface ContainerNetwork {
  /** Network name. */
  network: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  aliases: string[];
}

// ===========================================================================
// Issue 4: processes, namespaces, cgroups and the kernel trace.

export type NamespaceType = 'cgroup' | 'ipc' | 'mnt' | 'net' | 'pid' | 'user' | 'uts';

export type ProcessRole = 'host' | 'client' | 'dockerd' | 'containerd' | 'shim' | 'runc' | 'container';

export interface ProcessSnapshot {
  /** Host pid. */
  pid: number;
  ppid: number;
  /** Pid as seen inside its pid namespace; equals pid on the host's. */
  nsPid: number;
  command: string[];
  role: ProcessRole;
  containerId?: string;
  /** Namespace inodes, as `readlink /proc/PID/ns/<type>` gives "type:[inode]". */
  namespaces: Record<NamespaceType, number>;
  /** The cgroup path (v1: the memory controller's, e.g. /docker/<id>). */
  cgroup: string;
}

export interface NamespaceSnapshot {
  type: NamespaceType;
  inode: number;
  /** 'host', or the id of the container that created it. */
  owner: string;
}

export interface CgroupSnapshot {
  /** Path under the hierarchy root, e.g. /docker/<id> (v1) or /system.slice/docker-<id>.scope (v2). */
  path: string;
  version: 1 | 2;
  containerId?: string;
  /** controller → file → content, e.g. memory → memory.limit_in_bytes → "67108864". */
  files: Record<string, Record<string, string>>;
  memoryUsage: number;
  /** Bytes; 0 for no limit. */
  memoryLimit: number;
  pidsCurrent: number;
  frozen: boolean;
  /** Nanoseconds of CPU time the container used (v1 cpuacct.usage; v2 cpu.stat usage_usec); absent where unknown. */
  cpuUsageNs?: number;
  /** Bytes read from and written to block devices (v1 blkio.throttle.io_service_bytes; v2 io.stat): docker stats' BLOCK I/O. Absent where unknown. */
  blockRead?: number;
  blockWrite?: number;
}

export type TraceActor = 'client' | 'dockerd' | 'containerd' | 'shim' | 'runc' | 'container' | 'kernel';

/** One kernel-level operation, in one vocabulary for both backends (see DESIGN.md, TraceOp). */
export interface TraceOp {
  /** Increasing per backend session. */
  seq: number;
  /** ms since epoch. */
  time: number;
  /**
   * unshare, clone, setns, mount, umount, pivot_root, sethostname,
   * cgroup.mkdir, cgroup.write, cgroup.rmdir, link.add, link.master, link.netns,
   * link.up, link.del, addr.add, route.add, iptables, execve, kill, exit, …
   */
  op: string;
  /** Operation arguments, e.g. { flags: "CLONE_NEWNS|CLONE_NEWUTS|…" } or { fstype: "overlay", target: "…/merged" }. */
  args: Record<string, string | number>;
  actor: TraceActor;
  pid: number;
  containerId?: string;
  /** The terminal line that caused it. */
  command?: string;
  /** What it changed, for the other diagrams to highlight: kind + id (namespace inode, cgroup path, interface name, mount target, pid, rule). */
  affects?: { kind: 'namespace' | 'cgroup' | 'interface' | 'mount' | 'process' | 'rule' | 'layer'; id: string }[];
}

// ===========================================================================
// Volumes and bind mounts.

/** One volume of the daemon's store. */
export interface VolumeSnapshot {
  name: string;
  /** "local". */
  driver: string;
  /** Where its data lives on the host: /var/lib/docker/volumes/NAME/_data. */
  mountpoint: string;
  labels: Record<string, string>;
  /** Made without a name (`-v /path`, an image's VOLUME): its name is 64 hex digits. */
  anonymous: boolean;
  /** Ids of the containers that reference it (created with it, running or not). */
  users: string[];
  /** RFC 3339, seconds. */
  createdAt: string;
}

/** One mount over a container's root filesystem, as `docker inspect` lists it under Mounts. */
export interface MountSnapshot {
  type: 'volume' | 'bind' | 'tmpfs';
  /** The host path mounted (the volume's _data directory, the bind source); '' for tmpfs. */
  source: string;
  /** The path inside the container. */
  destination: string;
  rw: boolean;
  /** The volume's name ('' for binds and tmpfs). */
  name: string;
}

// ===========================================================================
// Issue 11: registries, and the layers pushes and pulls move.

/** A registry the daemon can push to or pull from. */
export interface RegistrySnapshot {
  /** 'docker.io' for the Hub; a private registry's container id. */
  id: string;
  kind: 'hub' | 'private';
  /** How image references name it: "docker.io", "localhost:5000". */
  host: string;
  /** The published host port (0: none, or the Hub). */
  port: number;
  /** The registry container's name ('' for the Hub). */
  container: string;
  running: boolean;
  /** The daemon talks plain HTTP to it (insecure-registries, 127.0.0.0/8 by default). */
  insecure: boolean;
  /** It asks for credentials (REGISTRY_AUTH / an auth section in its config). */
  auth: boolean;
  /** What it holds, by repository name, sorted; undefined when it could not be read (stopped, auth, unreachable). */
  repositories?: RegistryRepository[];
}

export interface RegistryRepository {
  /** "myapp", "library/nginx". */
  name: string;
  tags: { tag: string; /** The manifest's digest (sha256:…), '' when unknown. */ digest: string; /** Layer blob digests, bottom first. */ layers: string[] }[];
}

/** One `docker push` or `docker pull`: which layers were sent and which the other side already had. */
export interface RegistryTransfer {
  /** Increasing per backend session: a diagram animates transfers it has not seen. */
  seq: number;
  /** ms since epoch (virtual on the sim). */
  time: number;
  direction: 'push' | 'pull';
  /** The registry's host as in RegistrySnapshot.host. */
  registry: string;
  /** The reference as pushed or pulled, e.g. "localhost:5000/myapp:latest". */
  ref: string;
  /** In the order the client lists them; `id` is the 12 hex the client prints. */
  layers: { id: string; digest: string; size: number; action: 'pushed' | 'exists' | 'pulled' }[];
}

/** One entry of a host directory listing (Backend.listHostDir): what `ls -l` shows of it, without following a symlink. */
export interface HostDirEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Bytes (a symlink: its target's length). */
  size: number;
}

/** A host directory's first entries by name, read-only (a volume's _data, a layer's diff). */
export interface HostDirListing {
  /** The directory as asked for. */
  path: string;
  /** The first entries in code-point order of their names, at most HOST_DIR_MAX_ENTRIES. */
  entries: HostDirEntry[];
  /** How many entries the directory has (or, past the read limit, at least). */
  total: number;
}
