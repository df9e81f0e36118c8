import type { TraceActor, TraceOp } from '../model';
import type { Clock } from '../ports';

/**
 * The kernel trace of the simulated engine: every kernel-level step a docker
 * command causes, in the order Docker really performs it, in the one
 * vocabulary both backends share (the real backend maps eBPF/strace output
 * into the same op names and arg keys). The engine owns one TraceRecorder;
 * each subsystem emits its own ops through it, as the process that really
 * makes the call.
 *
 * Vocabulary — op: args (all values strings unless noted) · who emits it
 *
 * kernel (core/kernel), as runc, the shim, containerd, the container and the kernel:
 *   clone        { flags, child: number }           runc init's stage clones; flags "CLONE_PARENT|SIGCHLD", …
 *   unshare      { flags }                          "CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET", then "CLONE_NEWCGROUP"
 *   setns        { type, inode: number }            exec and --net/--pid/--ipc=container: joining; type is a NamespaceType
 *   mount        { fstype, source, target, options } proc, sysfs, tmpfs (/dev), devpts, mqueue, shm, cgroup, bind (resolv.conf, hostname, hosts)
 *   umount       { target }
 *   pivot_root   { new_root, put_old }
 *   sethostname  { hostname }
 *   cgroup.mkdir { path }                           path: the cgroup directory as the host names it (/sys/fs/cgroup/memory/docker/<id>)
 *   cgroup.write { path, file, value }              limits, cgroup.procs, freezer.state (FROZEN/THAWED), cgroup.freeze
 *   cgroup.rmdir { path }
 *   execve       { path, argv }                     argv joined with spaces; shim, runc, runc init, the entrypoint, exec'd programs
 *   kill         { sig, target: number }            sig as a name: SIGTERM, SIGKILL, …
 *   exit         { code: number }                   or { signal } when a signal ended it (code then 128+n)
 *   oom_kill     { target: number, cgroup }         actor 'kernel': the memory cgroup went past its limit
 * network (core/network, the `netcore` engineer), as dockerd:
 *   link.add     { type, name, peer }               type "veth" (peer: the other end), "bridge"
 *   link.master  { name, master }
 *   link.netns   { name, netns }                    netns: the namespace inode (as a string) or "host"
 *   link.rename  { name, newname }                  the peer becoming eth0 inside the container
 *   link.up      { name }
 *   link.del     { name }
 *   addr.add     { dev, addr }                      addr in CIDR form, "172.17.0.2/16"
 *   route.add    { dst, via, dev }                  dst "default" or a CIDR
 *   iptables     { table, chain, rule }             rule as iptables-save prints it, "-A DOCKER …" or "-D DOCKER …"
 * union filesystem (core/unionfs, the `unionfs` engineer), as dockerd:
 *   mount        { fstype: "overlay", source: "overlay", target: …/merged, options: "lowerdir=…,upperdir=…,workdir=…" }
 *   umount       { target: …/merged }
 *
 * Left out, as noise a student need not see (a real-trace mapper drops them
 * too): runc's devices-cgroup rules (devices.deny/devices.allow), its masked
 * and read-only /proc and /sys paths, remounts, and the cpuset.cpus/mems copy
 * is kept only for cpuset. runc's mounts inside the new root name their target
 * as the container sees it (/proc, /dev/shm); pivot_root names the rootfs
 * (runc passes "." after chdir). `execve` of runc init is path /proc/self/exe,
 * of the prestart hook /proc/<dockerd>/exe with argv "libnetwork-setkey …".
 * runc (stage 2, in the new netns) brings `lo` up with link.up before mounting.
 *
 * `affects` names what the op changed, for the other diagrams to highlight:
 * namespace → the inode (as a string), cgroup → CgroupSnapshot.path,
 * interface → its name, mount → the target, process → the host pid,
 * rule → NatRule.rule, layer → LayerSnapshot.id.
 */

/** The op names above; `string` stays allowed so a backend can pass through one it has no name for. */
export type TraceOpName =
  | 'clone'
  | 'unshare'
  | 'setns'
  | 'mount'
  | 'umount'
  | 'pivot_root'
  | 'sethostname'
  | 'cgroup.mkdir'
  | 'cgroup.write'
  | 'cgroup.rmdir'
  | 'execve'
  | 'kill'
  | 'exit'
  | 'oom_kill'
  | 'link.add'
  | 'link.master'
  | 'link.netns'
  | 'link.rename'
  | 'link.up'
  | 'link.del'
  | 'addr.add'
  | 'route.add'
  | 'iptables';

/** The process that makes the call. */
export interface TraceSource {
  actor: TraceActor;
  pid: number;
  containerId?: string;
}

export type TraceAffects = NonNullable<TraceOp['affects']>;

/** How many ops Snapshot.trace keeps. */
export const TRACE_HISTORY = 1000;

export class TraceRecorder {
  private seq = 0;
  private readonly ops: TraceOp[] = [];
  private readonly listeners = new Set<(op: TraceOp) => void>();
  private line: string | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly limit = TRACE_HISTORY,
  ) {}

  /**
   * The terminal line now running (the host sets it when a line starts and
   * clears it when it ends); ops emitted meanwhile carry it. Ops a timer makes
   * between lines (a restart policy, a process exiting on its own) carry none.
   */
  setCommand(line: string | undefined): void {
    this.line = line;
  }

  get command(): string | undefined {
    return this.line;
  }

  /** Records one op and tells the listeners. Returns it. */
  emit(op: TraceOpName, args: TraceOp['args'], by: TraceSource, affects?: TraceAffects): TraceOp {
    const entry: TraceOp = { seq: ++this.seq, time: this.clock.now(), op, args, actor: by.actor, pid: by.pid };
    if (by.containerId !== undefined) entry.containerId = by.containerId;
    if (this.line !== undefined) entry.command = this.line;
    if (affects && affects.length > 0) entry.affects = affects;
    this.ops.push(entry);
    // Trimmed a quarter at a time: dropping the oldest op on every emit moved the whole history each time.
    if (this.ops.length > this.limit + (this.limit >> 2)) this.ops.splice(0, this.ops.length - this.limit);
    for (const l of this.listeners) l(entry);
    return entry;
  }

  /** The most recent ops (at most the limit), oldest first: a copy. */
  recent(): TraceOp[] {
    return this.ops.slice(Math.max(0, this.ops.length - this.limit));
  }

  /** The seq of the last op emitted (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Ops with seq above `seq` still in the history, oldest first. */
  since(seq: number): TraceOp[] {
    // seq only grows: the first op past it, by halving.
    let lo = Math.max(0, this.ops.length - this.limit);
    let hi = this.ops.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ops[mid]!.seq > seq) hi = mid;
      else lo = mid + 1;
    }
    return this.ops.slice(lo);
  }

  /** Calls `listener` with every op as it is emitted. Returns an unsubscribe function. */
  subscribe(listener: (op: TraceOp) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
