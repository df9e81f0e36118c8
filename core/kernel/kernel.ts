import type { CgroupSnapshot, NamespaceSnapshot, NamespaceType, ProcessRole, ProcessSnapshot, TraceActor } from '../model';
import { fnvHex } from '../fnvHex';
import type { Rng } from '../ports';
import type { Scheduler } from '../scheduler';
import {
  cgroupDir,
  containerCgroupPath,
  limitWrites,
  memoryLimit,
  V1_CONTROLLERS,
  V1_RMDIR_ORDER,
  type CgroupState,
  type CgroupVersion,
  type Resources,
} from './cgroups';
import { CgroupHierarchy } from './hierarchy';
import { CgroupMemo, CountedMap, NamespaceList } from './kernelLists';
import { SnapshotMemo } from './snapshotMemo';
import { CLONE_FLAGS, FIRST_DYNAMIC_INODE, HOST_NAMESPACES, NS_TYPES, SETNS_ORDER, UNSHARE_ORDER } from './namespaces';
import type { TraceAffects, TraceRecorder, TraceSource } from './trace';

/**
 * The simulated host kernel under dockerd: the process table (host pid and
 * pid inside the namespace), namespaces and cgroups, and the kernel-level
 * steps each docker command makes, emitted in the order Docker 20.10 /
 * containerd 1.6 / runc 1.1 really performs them (read from their sources
 * and from `strace -f` of dockerd and containerd on the reference host).
 *
 * The engine calls in at the points dockerd would; the network and the union
 * filesystem emit their own ops from the hooks the engine passes.
 */

export interface KProcess {
  pid: number;
  ppid: number;
  /** Pid inside its pid namespace (the host's: the same as pid). */
  nsPid: number;
  argv: string[];
  role: ProcessRole;
  containerId?: string;
  ns: Record<NamespaceType, number>;
  /** Cgroup path under each hierarchy root ('/' for host processes). */
  cgroup: string;
  /** ms since epoch. */
  started: number;
  /** Resident memory, bytes. */
  rss: number;
  /** Virtual memory, bytes. */
  vsz: number;
  tty: string;
  /** Kernel threads are shown in brackets by ps. */
  kthread?: boolean;
  /** The user it runs as (`--user`); absent is root. */
  uid?: number;
}

/** How a container gets each namespace: its own (absent), the host's, or another container's. */
export type NamespaceJoin = Partial<Record<NamespaceType, 'host' | { container: string }>>;

export interface ContainerStartSpec {
  id: string;
  hostname: string;
  /** The entrypoint as run (argv[0] as given). */
  argv: string[];
  /** argv[0] resolved in the container (/bin/sleep). */
  path: string;
  resources: Resources;
  join: NamespaceJoin;
  /** The overlay mount point of the container's rootfs. */
  rootfs: string;
  tty: boolean;
  /** Resident memory of the program, bytes. */
  rss: number;
  /** `--user`'s uid (absent: root). */
  uid?: number;
  /** The netns bind mount dockerd makes (/var/run/docker/netns/<sandbox>), when the network named one. */
  sandboxKey?: string;
  /** The overlay mount's options (lowerdir=…,upperdir=…,workdir=…), as /proc/mounts shows them. */
  rootfsOptions?: string;
  /** Volumes, bind mounts and tmpfs mounts runc makes after its own (targets under the rootfs). */
  mounts?: readonly { fstype: string; source: string; target: string; options: string }[];
}

export interface StartHooks {
  /**
   * runc's prestart hook: dockerd's libnetwork-setkey. The network moves the
   * veth end into the new netns (inode), names it eth0, sets its address and
   * routes. Not called when the container has the host's or another's netns.
   */
  setKey?(netns: number, pid: number): void;
}

export interface KernelOptions {
  scheduler: Scheduler;
  rng: Rng;
  trace: TraceRecorder;
  cgroupVersion?: CgroupVersion;
  cpus?: number;
  /** Bytes. */
  memTotal?: number;
}

interface KContainer {
  id: string;
  ns: Record<NamespaceType, number>;
  /** Namespaces this container created (released when it stops). */
  owned: NamespaceType[];
  cgroupPath: string;
  cg: CgroupState;
  shim: number;
  init: number;
  rootfs: string;
  rootfsOptions: string;
  /** /var/run/docker/netns/<sandbox>, when it has its own net namespace. */
  sandboxKey: string;
  execs: number;
}

/** A mount made on the host's shell, as /proc/mounts lists it. */
export interface HostMadeMount {
  source: string;
  target: string;
  fstype: string;
  options: string;
}

/** A running container's mounts on the host, for /proc/mounts and df. */
export interface ContainerMounts {
  id: string;
  /** The overlay's mount point (…/merged) and its options. */
  rootfs: string;
  rootfsOptions: string;
  /** The netns bind mount, '' when it has none of its own. */
  sandboxKey: string;
}

const SHIM = '/usr/bin/containerd-shim-runc-v2';
const CONTAINERD_SOCK = '/var/run/docker/containerd/containerd.sock';
const RUNC_ROOT = '/var/run/docker/runtime-runc/moby';
/** runc init's peak while it sets the container up (max_usage_in_bytes of a fresh `sleep` container on the reference host). */
const RUNC_INIT_PEAK = 4_046_848;
const MIB = 1024 * 1024;

export function bundleDir(id: string): string {
  return `/var/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/${id}`;
}

function runcArgv(id: string, ...cmd: string[]): string[] {
  return ['runc', '--root', RUNC_ROOT, '--log', `${bundleDir(id)}/log.json`, '--log-format', 'json', ...cmd];
}

export class Kernel {
  readonly cgroupVersion: CgroupVersion;
  readonly cpus: number;
  readonly memTotal: number;
  private readonly scheduler: Scheduler;
  private readonly rng: Rng;
  private readonly trace: TraceRecorder;
  private readonly procs = new CountedMap<number, KProcess>();
  private readonly containers = new Map<string, KContainer>();
  /** Live namespaces: inode → type and owner. */
  private readonly namespaces = new Map<number, NamespaceSnapshot>();
  /** Next pid inside each pid namespace (by inode). */
  private readonly nsPidNext = new Map<number, number>();
  private nextPid: number;
  private nextInode = FIRST_DYNAMIC_INODE;
  private execSeq = 0;
  readonly dockerd: TraceSource;
  /**
   * Called when a container's PID 1 is killed because the pid namespace it
   * joined (--pid container:X) lost its init: the engine then ends it.
   */
  onPidNamespaceGone: (containerId: string) => void = () => {};
  readonly containerd: TraceSource;
  /** The user's login shell (the host terminal). */
  readonly shellPid: number;
  /** When the host booted (ms since the epoch), for /proc/uptime. */
  readonly bootTime: number;
  /** The cgroup hierarchies under /sys/fs/cgroup, with the cgroups made by hand. */
  readonly hierarchy: CgroupHierarchy;
  /** Mounts made by hand in the host's mount namespace (`mount -t overlay …`), in mount order. */
  readonly hostMadeMounts: HostMadeMount[] = [];

  constructor(opts: KernelOptions) {
    this.scheduler = opts.scheduler;
    this.rng = opts.rng;
    this.trace = opts.trace;
    this.cgroupVersion = opts.cgroupVersion ?? 1;
    this.cpus = opts.cpus ?? 2;
    this.memTotal = opts.memTotal ?? 24_683_656 * 1024;
    for (const type of NS_TYPES) this.setNamespace({ type, inode: HOST_NAMESPACES[type], owner: 'host' });
    const boot = this.scheduler.now() - 3 * 3_600_000;
    this.bootTime = boot;
    this.hierarchy = new CgroupHierarchy({
      version: this.cgroupVersion,
      cpus: this.cpus,
      processes: () => this.processList(),
      containerPaths: () => [...this.containers.values()].map((k) => k.cgroupPath),
      containerCgroup: (path) => {
        for (const k of this.containers.values()) {
          if (k.cgroupPath !== path) continue;
          this.syncCpu(k);
          return { id: k.id, state: k.cg };
        }
        return undefined;
      },
      setLimits: (id, resources) => {
        const k = this.containers.get(id);
        if (k) k.cg.resources = { ...resources };
      },
    });
    this.addHost(1, 0, ['/sbin/init'], 'host', boot, 12 * MIB);
    this.addHost(2, 0, ['[kthreadd]'], 'host', boot, 0).kthread = true;
    let pid = 300 + (this.rng.nextU32() % 200);
    this.addHost(pid, 1, ['/lib/systemd/systemd-journald'], 'host', boot, 16 * MIB);
    pid += 150 + (this.rng.nextU32() % 100);
    this.addHost(pid, 1, ['/usr/sbin/sshd', '-D'], 'host', boot, 9 * MIB);
    pid += 20 + (this.rng.nextU32() % 40);
    const dockerd = this.addHost(pid, 1, ['/usr/sbin/dockerd'], 'dockerd', boot + 4000, 92 * MIB);
    pid += 9 + (this.rng.nextU32() % 5);
    const containerd = this.addHost(pid, dockerd.pid, ['containerd', '--config', '/var/run/docker/containerd/containerd.toml', '--log-level', 'info'], 'containerd', boot + 4500, 48 * MIB);
    this.dockerd = { actor: 'dockerd', pid: dockerd.pid };
    this.containerd = { actor: 'containerd', pid: containerd.pid };
    pid = 1000 + (this.rng.nextU32() % 400);
    const sshd = [...this.procs.values()].find((p) => p.argv[0] === '/usr/sbin/sshd')!;
    const session = this.addHost(pid, sshd.pid, ['sshd: root@pts/0'], 'host', this.scheduler.now() - 60_000, 11 * MIB);
    const bash = this.addHost(pid + 7, session.pid, ['-bash'], 'host', this.scheduler.now() - 60_000, 5 * MIB);
    bash.tty = 'pts/0';
    this.shellPid = bash.pid;
    this.nextPid = 2000 + (this.rng.nextU32() % 1000);
  }

  private addHost(pid: number, ppid: number, argv: string[], role: ProcessRole, started: number, rss: number): KProcess {
    const p: KProcess = { pid, ppid, nsPid: pid, argv, role, ns: { ...HOST_NAMESPACES }, cgroup: '/', started, rss, vsz: rss * 3, tty: '?' };
    this.procs.set(pid, p);
    return p;
  }

  /** A fresh host pid: other activity on the host takes some in between. */
  private allocPid(): number {
    this.nextPid += 1 + (this.rng.nextU32() % 3);
    return this.nextPid;
  }

  private allocInode(): number {
    return this.nextInode++;
  }

  private emit(op: Parameters<TraceRecorder['emit']>[0], args: Record<string, string | number>, by: TraceSource, affects?: TraceAffects): void {
    this.trace.emit(op, args, by, affects);
  }

  private spawnTransient(parent: number, argv: string[], actor: TraceActor, containerId?: string, path?: string): TraceSource {
    const pid = this.allocPid();
    const p: KProcess = { pid, ppid: parent, nsPid: pid, argv, role: actor === 'runc' ? 'runc' : actor === 'shim' ? 'shim' : 'host', ns: { ...HOST_NAMESPACES }, cgroup: '/', started: this.scheduler.now(), rss: 9 * MIB, vsz: 700 * MIB, tty: '?' };
    if (containerId !== undefined) p.containerId = containerId;
    this.procs.set(pid, p);
    const src: TraceSource = { actor, pid };
    if (containerId !== undefined) src.containerId = containerId;
    // The forked child makes the execve: from then on it is the program it ran.
    this.emit('execve', { path: path ?? (argv[0] === 'runc' ? '/usr/sbin/runc' : argv[0]!), argv: argv.join(' ') }, src, [{ kind: 'process', id: String(pid) }]);
    return src;
  }

  private exitTransient(src: TraceSource, code = 0): void {
    this.emit('exit', { code }, src, [{ kind: 'process', id: String(src.pid) }]);
    this.procs.delete(src.pid);
  }

  // -------------------------------------------------------------------------
  // The docker client

  /** The `docker` client the shell runs for one command line. Returns its pid. */
  clientStart(argv: string[]): number {
    const pid = this.allocPid();
    const p = this.addHost(pid, this.shellPid, ['docker', ...argv.slice(1)], 'client', this.scheduler.now(), 38 * MIB);
    p.tty = 'pts/0';
    this.hierarchy.inherit(this.shellPid, pid);
    p.vsz = 1_300 * MIB;
    this.emit('execve', { path: '/usr/bin/docker', argv: p.argv.join(' ') }, { actor: 'client', pid }, [{ kind: 'process', id: String(pid) }]);
    return pid;
  }

  /**
   * A host program the shell runs (`ps`): a child of the login shell on its
   * terminal, in the shell's cgroups, gone when it ends. `ns` puts it in other
   * namespaces (nsenter); in another pid namespace it gets a pid there too.
   */
  hostExec(argv: string[], ns: Partial<Record<NamespaceType, number>> = {}): number {
    const pid = this.allocPid();
    const p = this.addHost(pid, this.shellPid, [...argv], 'host', this.scheduler.now(), 3 * MIB);
    p.tty = 'pts/0';
    Object.assign(p.ns, ns);
    if (p.ns.pid !== HOST_NAMESPACES.pid) p.nsPid = this.allocNsPid(p.ns.pid, pid);
    this.hierarchy.inherit(this.shellPid, pid);
    return pid;
  }

  hostExit(pid: number): void {
    this.procs.delete(pid);
    this.hierarchy.forget(pid);
  }

  /** Pids in frozen (paused) cgroups. */
  frozenPids(): Set<number> {
    const out = new Set<number>();
    for (const k of this.containers.values()) if (k.cg.frozen) for (const pid of k.cg.procs) out.add(pid);
    return out;
  }

  clientExit(pid: number, code: number): void {
    if (!this.procs.delete(pid)) return;
    this.hierarchy.forget(pid);
    this.emit('exit', { code }, { actor: 'client', pid }, [{ kind: 'process', id: String(pid) }]);
  }

  // -------------------------------------------------------------------------
  // Containers

  /**
   * `docker start` from containerd on: the shim, `runc create` (cgroups,
   * namespaces, mounts, the limits, the prestart hook, pivot_root,
   * sethostname), `runc start`, and the entrypoint's execve. Returns the host
   * pid of the container's PID 1.
   */
  startContainer(spec: ContainerStartSpec, hooks: StartHooks = {}): number {
    const { id } = spec;
    const v = this.cgroupVersion;
    const cid = { containerId: id };
    // containerd starts the shim (`start` daemonizes and exits); the shim is reparented to init.
    const shimStart = this.spawnTransient(this.containerd.pid, [SHIM, '-namespace', 'moby', '-address', CONTAINERD_SOCK, '-publish-binary', '/usr/bin/containerd', '-id', id, 'start'], 'shim', id);
    const shimPid = this.allocPid();
    const shimProc: KProcess = { pid: shimPid, ppid: 1, nsPid: shimPid, argv: [SHIM, '-namespace', 'moby', '-id', id, '-address', CONTAINERD_SOCK], role: 'shim', containerId: id, ns: { ...HOST_NAMESPACES }, cgroup: '/', started: this.scheduler.now(), rss: 7 * MIB, vsz: 712 * MIB, tty: '?' };
    this.procs.set(shimPid, shimProc);
    const shim: TraceSource = { actor: 'shim', pid: shimPid, ...cid };
    this.emit('execve', { path: SHIM, argv: shimProc.argv.join(' ') }, shim, [{ kind: 'process', id: String(shimPid) }]);
    this.exitTransient(shimStart);

    // runc create
    const bundle = bundleDir(id);
    const runc = this.spawnTransient(shimPid, runcArgv(id, 'create', '--bundle', bundle, '--pid-file', `${bundle}/init.pid`, id), 'runc', id);
    const init0 = this.spawnTransient(runc.pid, ['runc', 'init'], 'runc', id, '/proc/self/exe');
    const cgroupPath = containerCgroupPath(id, v);
    // A new cgroup counts from zero.
    this.cpuCharged.delete(id);
    this.spun.delete(id);
    const cg: CgroupState = {
      resources: { ...spec.resources },
      procs: [],
      memoryUsage: 0,
      maxUsage: 0,
      failcnt: 0,
      oomKills: 0,
      underOom: false,
      frozen: false,
      cpuUsageNs: 0,
      hostCpus: this.cpus > 1 ? `0-${this.cpus - 1}` : '0',
    };
    // Apply: make the cgroup and move runc init into it.
    const cgAffects: TraceAffects = [{ kind: 'cgroup', id: cgroupPath }];
    if (v === 1) {
      for (const ctl of V1_CONTROLLERS) {
        const dir = cgroupDir(cgroupPath, 1, ctl);
        this.emit('cgroup.mkdir', { path: dir }, runc, cgAffects);
        if (ctl === 'cpuset') {
          this.emit('cgroup.write', { path: dir, file: 'cpuset.cpus', value: cg.hostCpus }, runc, cgAffects);
          this.emit('cgroup.write', { path: dir, file: 'cpuset.mems', value: '0' }, runc, cgAffects);
        }
        this.emit('cgroup.write', { path: dir, file: 'cgroup.procs', value: String(init0.pid) }, runc, cgAffects);
      }
    } else {
      const dir = cgroupDir(cgroupPath, 2);
      this.emit('cgroup.mkdir', { path: dir }, runc, cgAffects);
      this.emit('cgroup.write', { path: dir, file: 'cgroup.procs', value: String(init0.pid) }, runc, cgAffects);
    }

    // nsexec: stage 0 clones stage 1, which joins (setns) and unshares, and clones stage 2: the container's PID 1.
    const join = this.resolveJoin(spec.join);
    const ns: Record<NamespaceType, number> = { ...HOST_NAMESPACES };
    const owned: NamespaceType[] = [];
    const init1Pid = this.allocPid();
    this.emit('clone', { flags: 'CLONE_PARENT|SIGCHLD', child: init1Pid }, init0, [{ kind: 'process', id: String(init1Pid) }]);
    const init1: TraceSource = { actor: 'runc', pid: init1Pid, ...cid };
    for (const type of SETNS_ORDER) {
      const target = join[type];
      if (target === undefined || target === HOST_NAMESPACES[type]) continue;
      this.emit('setns', { type, inode: target }, init1, [{ kind: 'namespace', id: String(target) }]);
    }
    const unshare: NamespaceType[] = [];
    for (const type of UNSHARE_ORDER) {
      if (join[type] !== undefined) ns[type] = join[type]!;
      else unshare.push(type);
    }
    if (unshare.length > 0) {
      for (const type of unshare) {
        ns[type] = this.allocInode();
        owned.push(type);
        this.setNamespace({ type, inode: ns[type], owner: id });
      }
      this.emit('unshare', { flags: unshare.map((t) => CLONE_FLAGS[t]).join('|') }, init1, unshare.map((t) => ({ kind: 'namespace' as const, id: String(ns[t]) })));
    }
    const pid = this.allocPid();
    this.emit('clone', { flags: 'CLONE_PARENT|SIGCHLD', child: pid }, init1, [{ kind: 'process', id: String(pid) }]);
    this.emit('exit', { code: 0 }, init1);
    this.exitTransient(init0);
    // The cgroup namespace: the host's on v1 (Docker 20.10's default there), a private one on v2, unshared by stage 2.
    const stage2: TraceSource = { actor: 'runc', pid, ...cid };
    const cgroupJoin = spec.join.cgroup;
    if (v === 2 && cgroupJoin === undefined) {
      ns.cgroup = this.allocInode();
      owned.push('cgroup');
      this.setNamespace({ type: 'cgroup', inode: ns.cgroup, owner: id });
      this.emit('unshare', { flags: CLONE_FLAGS.cgroup }, stage2, [{ kind: 'namespace', id: String(ns.cgroup) }]);
    }
    const nsPid = this.allocNsPid(ns.pid, pid);
    const proc: KProcess = {
      pid,
      ppid: shimPid,
      nsPid,
      argv: ['runc', 'init'],
      role: 'container',
      containerId: id,
      ns,
      cgroup: cgroupPath,
      started: this.scheduler.now(),
      rss: spec.rss,
      vsz: Math.max(spec.rss * 4, 1_400_000),
      tty: spec.tty ? 'pts/0' : '?',
      ...(spec.uid ? { uid: spec.uid } : {}),
    };
    this.procs.set(pid, proc);
    cg.procs.push(pid);
    cg.memoryUsage = spec.rss;
    cg.maxUsage = Math.max(spec.rss, RUNC_INIT_PEAK);
    const k: KContainer = { id, ns, owned, cgroupPath, cg, shim: shimPid, init: pid, rootfs: spec.rootfs, rootfsOptions: spec.rootfsOptions ?? 'rw,relatime', sandboxKey: '', execs: 0 };
    this.containers.set(id, k);

    // Stage 2 (still runc's code): loopback up in a new netns, then the rootfs.
    if (owned.includes('net')) this.emit('link.up', { name: 'lo' }, stage2, [{ kind: 'interface', id: 'lo' }]);
    this.mountRootfs(stage2, spec, cgroupPath);
    // procHooks: runc sets the limits, then runs the prestart hook (libnetwork-setkey).
    for (const [ctl, file, value] of limitWrites(spec.resources, v)) {
      this.emit('cgroup.write', { path: cgroupDir(cgroupPath, v, ctl), file, value }, runc, cgAffects);
    }
    if (owned.includes('net')) {
      const hook = this.spawnTransient(runc.pid, ['libnetwork-setkey', '-exec-root=/var/run/docker', id, this.controllerId()], 'runc', id, `/proc/${this.dockerd.pid}/exe`);
      k.sandboxKey = spec.sandboxKey ?? `/var/run/docker/netns/${fnvHex(`sandbox-${id}`, 12)}`;
      this.emit('mount', { fstype: 'bind', source: `/proc/${pid}/ns/net`, target: k.sandboxKey, options: 'bind' }, this.dockerd, [{ kind: 'namespace', id: String(ns.net) }]);
      hooks.setKey?.(ns.net, pid);
      this.exitTransient(hook);
    }
    this.emit('pivot_root', { new_root: spec.rootfs, put_old: spec.rootfs }, stage2, [{ kind: 'mount', id: spec.rootfs }]);
    this.emit('umount', { target: '/' }, stage2);
    if (owned.includes('uts')) this.emit('sethostname', { hostname: spec.hostname }, stage2, [{ kind: 'namespace', id: String(ns.uts) }]);
    this.exitTransient(runc);

    // runc start: the init waiting on the exec fifo runs the entrypoint.
    const start = this.spawnTransient(shimPid, runcArgv(id, 'start', id), 'runc', id);
    proc.argv = [...spec.argv];
    this.emit('execve', { path: spec.path, argv: spec.argv.join(' ') }, { actor: 'container', pid, ...cid }, [{ kind: 'process', id: String(pid) }]);
    this.exitTransient(start);
    return pid;
  }

  private mountRootfs(by: TraceSource, spec: ContainerStartSpec, cgroupPath: string): void {
    const m = (fstype: string, source: string, target: string, options: string): void =>
      this.emit('mount', { fstype, source, target, options }, by, [{ kind: 'mount', id: target }]);
    m('none', '', '/', 'rec,slave');
    m('bind', spec.rootfs, spec.rootfs, 'rbind');
    m('proc', 'proc', '/proc', 'nosuid,nodev,noexec');
    m('tmpfs', 'tmpfs', '/dev', 'nosuid,strictatime,mode=755,size=65536k');
    m('devpts', 'devpts', '/dev/pts', 'nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5');
    m('sysfs', 'sysfs', '/sys', 'ro,nosuid,nodev,noexec');
    if (this.cgroupVersion === 1) {
      m('tmpfs', 'tmpfs', '/sys/fs/cgroup', 'nosuid,nodev,noexec,mode=755');
      for (const ctl of V1_CONTROLLERS) {
        if (ctl === 'devices' || ctl === 'unified') continue;
        m('bind', cgroupDir(cgroupPath, 1, ctl), `/sys/fs/cgroup/${ctl}`, 'ro,nosuid,nodev,noexec,rbind');
      }
    } else {
      m('cgroup2', 'cgroup', '/sys/fs/cgroup', 'ro,nosuid,nodev,noexec');
    }
    m('mqueue', 'mqueue', '/dev/mqueue', 'nosuid,nodev,noexec');
    m('tmpfs', 'shm', '/dev/shm', 'nosuid,nodev,noexec,mode=1777,size=67108864');
    const dir = `/var/lib/docker/containers/${spec.id}`;
    for (const f of ['resolv.conf', 'hostname', 'hosts']) m('bind', `${dir}/${f}`, `/etc/${f}`, 'rbind');
    for (const x of spec.mounts ?? []) m(x.fstype, x.source, x.target, x.options);
  }

  /** The namespaces a container joins, as inodes. */
  private resolveJoin(join: NamespaceJoin): Partial<Record<NamespaceType, number>> {
    const out: Partial<Record<NamespaceType, number>> = {};
    for (const type of NS_TYPES) {
      const j = join[type];
      if (j === undefined) continue;
      if (j === 'host') out[type] = HOST_NAMESPACES[type];
      else {
        const other = this.containers.get(j.container);
        out[type] = other ? other.ns[type] : HOST_NAMESPACES[type];
      }
    }
    out.user = HOST_NAMESPACES.user;
    return out;
  }

  private allocNsPid(pidNs: number, hostPid: number): number {
    if (pidNs === HOST_NAMESPACES.pid) return hostPid;
    const next = this.nsPidNext.get(pidNs) ?? 1;
    // Busybox shells and runc's own children take a few in between.
    this.nsPidNext.set(pidNs, next === 1 ? 7 : next + 1 + (this.rng.nextU32() % 3));
    return next;
  }

  /** libnetwork's controller id (the 12 hex dockerd passes to libnetwork-setkey). */
  private controllerId(): string {
    return fnvHex(`controller-${this.dockerd.pid}`, 12);
  }

  private runcCommand(id: string, cmd: string[]): TraceSource {
    const k = this.containers.get(id);
    const shim: TraceSource = { actor: 'shim', pid: k?.shim ?? this.containerd.pid, containerId: id };
    // runc's subcommand arguments come after the id only for kill (the signal).
    const [sub, ...rest] = cmd;
    const tail = sub === 'kill' ? [id, ...rest] : [...rest, id];
    return this.spawnTransient(shim.pid, runcArgv(id, sub!, ...tail), 'runc', id);
  }

  /** `runc kill <id> <n>`: the signal to the container's PID 1. */
  signal(id: string, signal: number, name: string): void {
    const k = this.containers.get(id);
    if (!k) return;
    const runc = this.runcCommand(id, ['kill', String(signal)]);
    this.trace.emit('kill', { sig: name, target: k.init }, runc, [{ kind: 'process', id: String(k.init) }]);
    this.exitTransient(runc);
  }

  /** `runc pause` / `runc resume`: the freezer. */
  freeze(id: string, frozen: boolean): void {
    const k = this.containers.get(id);
    if (!k) return;
    const runc = this.runcCommand(id, [frozen ? 'pause' : 'resume']);
    const v = this.cgroupVersion;
    const file = v === 1 ? 'freezer.state' : 'cgroup.freeze';
    const value = v === 1 ? (frozen ? 'FROZEN' : 'THAWED') : frozen ? '1' : '0';
    this.emit('cgroup.write', { path: cgroupDir(k.cgroupPath, v, 'freezer'), file, value }, runc, [{ kind: 'cgroup', id: k.cgroupPath }]);
    k.cg.frozen = frozen;
    this.exitTransient(runc);
  }

  /** `runc update`: new limits written to the cgroup. */
  update(id: string, resources: Resources): void {
    const k = this.containers.get(id);
    if (!k) return;
    k.cg.resources = { ...resources };
    const runc = this.runcCommand(id, ['update', '--resources', '-']);
    for (const [ctl, file, value] of limitWrites(resources, this.cgroupVersion)) {
      this.emit('cgroup.write', { path: cgroupDir(k.cgroupPath, this.cgroupVersion, ctl), file, value }, runc, [{ kind: 'cgroup', id: k.cgroupPath }]);
    }
    this.exitTransient(runc);
  }

  /**
   * `docker exec`: runc exec joins each of the container's namespaces with
   * setns, clones the process into its pid namespace, moves it into the
   * cgroup and execs the program. Returns the host pid.
   */
  exec(id: string, argv: string[], path: string, opts: { tty?: boolean; rss?: number; uid?: number } = {}): number {
    const k = this.containers.get(id);
    if (!k) throw new Error(`kernel: no container ${id}`);
    const bundle = bundleDir(id);
    const execId = fnvHex(`exec-${id}-${++this.execSeq}`, 12);
    const runc = this.runcCommand(id, ['exec', '--process', `/tmp/runc-process${this.rng.nextU32()}`, '--detach', '--pid-file', `${bundle}/${execId}.pid`]);
    const init0 = this.spawnTransient(runc.pid, ['runc', 'init'], 'runc', id, '/proc/self/exe');
    const init1Pid = this.allocPid();
    this.emit('clone', { flags: 'CLONE_PARENT|SIGCHLD', child: init1Pid }, init0, [{ kind: 'process', id: String(init1Pid) }]);
    const init1: TraceSource = { actor: 'runc', pid: init1Pid, containerId: id };
    for (const type of SETNS_ORDER) {
      if (k.ns[type] === HOST_NAMESPACES[type]) continue;
      this.emit('setns', { type, inode: k.ns[type] }, init1, [{ kind: 'namespace', id: String(k.ns[type]) }]);
    }
    if (this.cgroupVersion === 2 && k.ns.cgroup !== HOST_NAMESPACES.cgroup) {
      this.emit('setns', { type: 'cgroup', inode: k.ns.cgroup }, init1, [{ kind: 'namespace', id: String(k.ns.cgroup) }]);
    }
    const pid = this.allocPid();
    this.emit('clone', { flags: 'CLONE_PARENT|SIGCHLD', child: pid }, init1, [{ kind: 'process', id: String(pid) }]);
    this.emit('exit', { code: 0 }, init1);
    this.exitTransient(init0);
    const controllers = this.cgroupVersion === 1 ? V1_CONTROLLERS : [''];
    for (const ctl of controllers) {
      this.emit('cgroup.write', { path: cgroupDir(k.cgroupPath, this.cgroupVersion, ctl || undefined), file: 'cgroup.procs', value: String(pid) }, runc, [{ kind: 'cgroup', id: k.cgroupPath }]);
    }
    const rss = opts.rss ?? 400 * 1024;
    const proc: KProcess = {
      pid,
      ppid: k.shim,
      nsPid: this.allocNsPid(k.ns.pid, pid),
      argv: [...argv],
      role: 'container',
      containerId: id,
      ns: { ...k.ns },
      cgroup: k.cgroupPath,
      started: this.scheduler.now(),
      rss,
      vsz: Math.max(rss * 4, 1_400_000),
      tty: opts.tty ? 'pts/1' : '?',
      ...(opts.uid ? { uid: opts.uid } : {}),
    };
    this.procs.set(pid, proc);
    k.cg.procs.push(pid);
    k.execs++;
    this.recount(k);
    this.emit('execve', { path, argv: argv.join(' ') }, { actor: 'container', pid, containerId: id }, [{ kind: 'process', id: String(pid) }]);
    this.exitTransient(runc);
    return pid;
  }

  /**
   * A container process forks and the child execs `argv` (a shell running a
   * command, a server starting its workers): the child shares the parent's
   * namespaces and cgroup. Returns the child's host pid; end it with
   * `processExit`.
   */
  fork(parentPid: number, argv: string[], path: string, opts: { rss?: number; exec?: boolean } = {}): number {
    const parent = this.procs.get(parentPid);
    if (!parent) throw new Error(`kernel: no process ${parentPid}`);
    const k = parent.containerId !== undefined ? this.containers.get(parent.containerId) : undefined;
    const pid = this.allocPid();
    const by: TraceSource = { actor: parent.role === 'container' ? 'container' : 'kernel', pid: parentPid, ...(parent.containerId !== undefined ? { containerId: parent.containerId } : {}) };
    this.emit('clone', { flags: 'SIGCHLD', child: pid }, by, [{ kind: 'process', id: String(pid) }]);
    const rss = opts.rss ?? 400 * 1024;
    const proc: KProcess = {
      pid,
      ppid: parentPid,
      nsPid: k ? this.allocNsPid(k.ns.pid, pid) : pid,
      argv: [...argv],
      role: parent.role,
      ns: { ...parent.ns },
      cgroup: parent.cgroup,
      started: this.scheduler.now(),
      rss,
      vsz: Math.max(rss * 4, 1_400_000),
      tty: parent.tty,
      ...(parent.uid ? { uid: parent.uid } : {}),
    };
    if (parent.containerId !== undefined) proc.containerId = parent.containerId;
    this.procs.set(pid, proc);
    this.hierarchy.inherit(parentPid, pid);
    if (k) {
      k.cg.procs.push(pid);
      this.recount(k);
    }
    // A server's worker is a fork that never execs: no execve, its argv is the title it sets.
    if (opts.exec !== false) this.emit('execve', { path, argv: argv.join(' ') }, { ...by, pid }, [{ kind: 'process', id: String(pid) }]);
    return pid;
  }

  /**
   * A process's command line changes: an execve of `execPath` (the trace
   * shows it), or, without one, the program rewriting its title in place.
   */
  setArgv(pid: number, argv: string[], execPath?: string): void {
    const p = this.procs.get(pid);
    if (!p) return;
    p.argv = argv;
    if (execPath === undefined) return;
    const by: TraceSource = { actor: p.role === 'container' ? 'container' : 'kernel', pid, ...(p.containerId !== undefined ? { containerId: p.containerId } : {}) };
    this.emit('execve', { path: execPath, argv: argv.join(' ') }, by, [{ kind: 'process', id: String(pid) }]);
  }

  /** An exec'd process (or any non-init process of a container) ended. */
  processExit(pid: number, code: number, signal?: string): void {
    const p = this.procs.get(pid);
    if (!p) return;
    const args: Record<string, string | number> = { code };
    if (signal !== undefined) args.signal = signal;
    this.emit('exit', args, { actor: p.role === 'container' ? 'container' : 'kernel', pid, ...(p.containerId !== undefined ? { containerId: p.containerId } : {}) }, [{ kind: 'process', id: String(pid) }]);
    this.procs.delete(pid);
    this.hierarchy.forget(pid);
    const k = p.containerId !== undefined ? this.containers.get(p.containerId) : undefined;
    if (k) {
      k.cg.procs = k.cg.procs.filter((x) => x !== pid);
      this.recount(k);
    }
  }

  /**
   * The container's PID 1 ended: the kernel kills what is left in its pid
   * namespace, the shim reaps it, `runc delete` removes the cgroup, the
   * network is released (`release`), the netns bind mount goes, and the
   * namespaces it made are freed once nothing holds them.
   */
  containerExited(id: string, code: number, opts: { signal?: string; release?: () => void } = {}): void {
    const k = this.containers.get(id);
    if (!k) return;
    const init = this.procs.get(k.init);
    for (const pid of [...k.cg.procs]) if (pid !== k.init && this.procs.get(pid)?.ns.pid === init?.ns.pid) this.processExit(pid, 137, 'SIGKILL');
    this.processExit(k.init, code, opts.signal);
    for (const pid of [...k.cg.procs]) this.processExit(pid, 137, 'SIGKILL');
    const runc = this.runcCommand(id, ['delete']);
    const dirs = this.cgroupVersion === 1 ? V1_RMDIR_ORDER.map((c) => cgroupDir(k.cgroupPath, 1, c)) : [cgroupDir(k.cgroupPath, 2)];
    for (const dir of dirs) this.emit('cgroup.rmdir', { path: dir }, runc, [{ kind: 'cgroup', id: k.cgroupPath }]);
    this.exitTransient(runc);
    this.emit('exit', { code: 0 }, { actor: 'shim', pid: k.shim, containerId: id }, [{ kind: 'process', id: String(k.shim) }]);
    this.procs.delete(k.shim);
    this.containers.delete(id);
    opts.release?.();
    if (k.sandboxKey !== '') this.emit('umount', { target: k.sandboxKey }, { ...this.dockerd, containerId: id }, [{ kind: 'namespace', id: String(k.ns.net) }]);
    this.releaseNamespaces();
    // The init of a pid namespace died: the kernel SIGKILLs everything else in it, other containers' PID 1 too.
    if (k.owned.includes('pid')) {
      for (const other of [...this.containers.values()]) if (other.ns.pid === k.ns.pid) this.onPidNamespaceGone(other.id);
    }
  }

  /**
   * Drops namespaces no process and no container holds any more. Only those
   * whose container is gone can be free (a live container holds its own), so
   * only they are looked for in the others' processes.
   */
  private releaseNamespaces(): void {
    const orphans: number[] = [];
    for (const n of this.namespaces.values()) if (n.owner !== 'host' && !this.containers.has(n.owner)) orphans.push(n.inode);
    if (orphans.length === 0) return;
    const held = new Set<number>();
    const hold = (ns: Record<NamespaceType, number>): void => {
      for (const t of NS_TYPES) if (orphans.includes(ns[t])) held.add(ns[t]);
    };
    for (const p of this.procs.values()) hold(p.ns);
    for (const k of this.containers.values()) hold(k.ns);
    const freed = orphans.filter((inode) => !held.has(inode));
    if (freed.length === 0) return;
    for (const inode of freed) this.namespaces.delete(inode);
    this.namespaceList.dropped(freed);
  }

  /**
   * Records a namespace. Inodes are allocated in increasing order, so a new
   * one extends the sorted snapshot list rather than making the next snapshot
   * sort all of them again (issue 14).
   */
  private setNamespace(n: NamespaceSnapshot): void {
    this.namespaces.set(n.inode, n);
    this.namespaceList.added(n);
  }

  /** The OOM killer: the memory cgroup went past its limit. Emits the kernel's kill; the caller ends the process. */
  oomKill(id: string, pid: number): void {
    const k = this.containers.get(id);
    if (!k) return;
    k.cg.oomKills++;
    k.cg.failcnt++;
    this.emit('oom_kill', { target: pid, cgroup: k.cgroupPath }, { actor: 'kernel', pid: 0, containerId: id }, [
      { kind: 'cgroup', id: k.cgroupPath },
      { kind: 'process', id: String(pid) },
    ]);
  }

  /**
   * A process's resident memory changed. Returns 'oom' when its cgroup would
   * go past the memory limit (the caller then OOM-kills it), 'stall' when the
   * OOM killer is disabled (the process waits, under_oom 1), else 'ok'.
   */
  setRss(pid: number, rss: number): 'ok' | 'oom' | 'stall' {
    const p = this.procs.get(pid);
    if (!p) return 'ok';
    const k = p.containerId !== undefined ? this.containers.get(p.containerId) : undefined;
    if (!k) {
      p.rss = rss;
      return rss > this.memTotal ? 'oom' : 'ok';
    }
    const others = k.cg.memoryUsage - p.rss;
    const limit = memoryLimit(k.cg.resources) || this.memTotal;
    if (others + rss > limit) {
      p.rss = Math.max(0, limit - others);
      this.recount(k);
      k.cg.failcnt++;
      if (k.cg.resources.oomKillDisable) {
        k.cg.underOom = true;
        return 'stall';
      }
      return 'oom';
    }
    p.rss = rss;
    p.vsz = Math.max(p.vsz, rss + 1_000_000);
    this.recount(k);
    return 'ok';
  }

  /** Processes using a CPU without pause, by host pid: when they started, and the spans of the ones that stopped (the last ones, per container). */
  private readonly spinning = new Map<number, { containerId: string; since: number }>();
  private readonly spun = new Map<string, { since: number; until: number }[]>();

  /** The process at host `pid` keeps a CPU busy from now (a shell loop of `:`); the function returned stops it. */
  spin(pid: number): () => void {
    const containerId = this.procs.get(pid)?.containerId;
    if (containerId === undefined) return () => {};
    this.spinning.set(pid, { containerId, since: this.scheduler.now() });
    return () => {
      const s = this.spinning.get(pid);
      if (!s) return;
      this.spinning.delete(pid);
      this.cpuCharged.set(s.containerId, (this.cpuCharged.get(s.containerId) ?? 0) + (this.scheduler.now() - s.since) * 1e6);
      const list = this.spun.get(s.containerId) ?? [];
      list.push({ since: s.since, until: this.scheduler.now() });
      this.spun.set(s.containerId, list.slice(-8));
    };
  }

  /** A process's CPU time (ms) and whether it is spinning now: ps's TIME, %CPU, C and R. */
  cpuOf(pid: number): { ms: number; running: boolean } | undefined {
    const s = this.spinning.get(pid);
    return s ? { ms: this.scheduler.now() - s.since, running: true } : undefined;
  }

  /** CPU time (ms) a container's spinning processes used between `from` and `to` (a process gone stopped spinning with it). */
  busyMs(id: string, from: number, to: number): number {
    const overlap = (a: number, b: number): number => Math.max(0, Math.min(b, to) - Math.max(a, from));
    let ms = 0;
    for (const [pid, s] of this.spinning) if (s.containerId === id && this.procs.has(pid)) ms += overlap(s.since, to);
    for (const s of this.spun.get(id) ?? []) ms += overlap(s.since, s.until);
    return ms;
  }

  /** CPU time used by a container's processes (for stats). */
  addCpu(id: string, ns: number): void {
    this.cpuCharged.set(id, (this.cpuCharged.get(id) ?? 0) + ns);
    const k = this.containers.get(id);
    if (k) this.syncCpu(k);
  }

  /** CPU time charged with addCpu, and the spins that ended, per container (ns). */
  private readonly cpuCharged = new Map<string, number>();

  /** The cgroup's usage (cpuacct.usage, cpu.stat) as of now: what was charged plus the time its processes spun. */
  private syncCpu(k: KContainer): void {
    const now = this.scheduler.now();
    let ns = this.cpuCharged.get(k.id) ?? 0;
    for (const [pid, s] of this.spinning) if (s.containerId === k.id && this.procs.has(pid)) ns += (now - s.since) * 1e6;
    k.cg.cpuUsageNs = ns;
  }

  private recount(k: KContainer): void {
    let usage = 0;
    for (const pid of k.cg.procs) usage += this.procs.get(pid)?.rss ?? 0;
    k.cg.memoryUsage = usage;
    if (usage > k.cg.maxUsage) k.cg.maxUsage = usage;
  }

  // -------------------------------------------------------------------------
  // Reading

  process(pid: number): KProcess | undefined {
    return this.procs.get(pid);
  }

  /** Every process, by host pid. */
  processList(): KProcess[] {
    return [...this.procs.values()].sort((a, b) => a.pid - b.pid);
  }

  /** A running container's processes, by host pid. */
  containerProcesses(id: string): KProcess[] {
    return this.processList().filter((p) => p.containerId === id && p.role === 'container');
  }

  containerNamespaces(id: string): Record<NamespaceType, number> | undefined {
    const k = this.containers.get(id);
    return k ? { ...k.ns } : undefined;
  }

  cgroupState(id: string): Readonly<CgroupState> | undefined {
    const k = this.containers.get(id);
    if (k) this.syncCpu(k);
    return k?.cg;
  }

  cgroupPathOf(id: string): string | undefined {
    return this.containers.get(id)?.cgroupPath;
  }

  /** The host pid of a running container's PID 1. */
  containerInit(id: string): number | undefined {
    return this.containers.get(id)?.init;
  }

  /** The running container whose mount namespace `inode` is (a container sharing it by --pid etc. does not make its own). */
  containerOfMountNs(inode: number): string | undefined {
    for (const k of this.containers.values()) if (k.ns.mnt === inode) return k.id;
    return undefined;
  }

  /** Running containers' mounts on the host, in start order. */
  containerMounts(): ContainerMounts[] {
    return [...this.containers.values()].map((k) => ({ id: k.id, rootfs: k.rootfs, rootfsOptions: k.rootfsOptions, sandboxKey: k.sandboxKey }));
  }

  /** Containers with a cgroup now (running or paused), in start order. */
  containerIds(): string[] {
    return [...this.containers.keys()];
  }

  /**
   * The processes' snapshots by pid. The pid order is kept while no process
   * comes or goes, and the previous list itself while every process shows the
   * same (issue 14: re-sorting two thousand processes after every change).
   */
  processSnapshots(): ProcessSnapshot[] {
    if (this.sortedAt !== this.procs.changes) {
      this.sorted = this.processList();
      this.sortedAt = this.procs.changes;
    }
    const prev = this.processSnaps;
    let same = prev.length === this.sorted.length;
    const out = this.sorted.map((p, i) => {
      const s = this.snapshotMemo.process(p);
      if (same && prev[i] !== s) same = false;
      return s;
    });
    if (same) return prev;
    this.processSnaps = Object.freeze(out) as ProcessSnapshot[];
    return this.processSnaps;
  }

  private sorted: KProcess[] = [];
  private sortedAt = -1;
  private processSnaps: ProcessSnapshot[] = [];

  namespaceSnapshots(): NamespaceSnapshot[] {
    return this.namespaceList.snapshots();
  }

  private readonly snapshotMemo = new SnapshotMemo();
  private readonly namespaceList = new NamespaceList(this.namespaces, this.snapshotMemo);

  /**
   * Each container's cgroup as its files show it. A snapshot is taken after
   * every change, and formatting some forty files for each of a thousand
   * containers took most of one (35 ms): a cgroup's snapshot is kept until
   * something it shows moves.
   */
  cgroupSnapshots(): CgroupSnapshot[] {
    const out: CgroupSnapshot[] = [];
    for (const k of this.containers.values()) {
      if (this.spinning.size > 0) this.syncCpu(k);
      out.push(this.cgroupMemo.snapshot(k.id, k.cgroupPath, k.cg, this.cgroupVersion));
    }
    return out;
  }

  private readonly cgroupMemo = new CgroupMemo();
}

