import type { TraceActor, TraceOp } from '../../../core/model';
import { type NetlinkRequest, RTM, bringsUp, parseNetlink } from './netlink';

/**
 * Turns the lines docker.bt prints (see its header) into TraceOps in the
 * vocabulary of core/kernel/trace.ts: which process did what, as which part
 * of Docker's chain, for which container, during which terminal line. Pure:
 * the agent feeds it lines and tells it the terminal line and the wall time of
 * the START line; the tests feed it recorded files.
 */

const NS_FLAGS: [number, string][] = [
  [0x00020000, 'CLONE_NEWNS'],
  [0x04000000, 'CLONE_NEWUTS'],
  [0x08000000, 'CLONE_NEWIPC'],
  [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'],
  [0x02000000, 'CLONE_NEWCGROUP'],
  [0x10000000, 'CLONE_NEWUSER'],
  [0x00000080, 'CLONE_NEWTIME'],
];
const OTHER_CLONE_FLAGS: [number, string][] = [
  [0x00000100, 'CLONE_VM'],
  [0x00000200, 'CLONE_FS'],
  [0x00000400, 'CLONE_FILES'],
  [0x00000800, 'CLONE_SIGHAND'],
  [0x00004000, 'CLONE_VFORK'],
  [0x00008000, 'CLONE_PARENT'],
  [0x00010000, 'CLONE_THREAD'],
];
const NS_TYPE_OF_FLAG: Record<number, string> = {
  0x00020000: 'mnt',
  0x04000000: 'uts',
  0x08000000: 'ipc',
  0x20000000: 'pid',
  0x40000000: 'net',
  0x02000000: 'cgroup',
  0x10000000: 'user',
  0x00000080: 'time',
};
const MOUNT_FLAGS: [number, string][] = [
  [1, 'MS_RDONLY'],
  [2, 'MS_NOSUID'],
  [4, 'MS_NODEV'],
  [8, 'MS_NOEXEC'],
  [32, 'MS_REMOUNT'],
  [4096, 'MS_BIND'],
  [8192, 'MS_MOVE'],
  [16384, 'MS_REC'],
  [1 << 17, 'MS_UNBINDABLE'],
  [1 << 18, 'MS_PRIVATE'],
  [1 << 19, 'MS_SLAVE'],
  [1 << 20, 'MS_SHARED'],
];
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  17: 'SIGCHLD',
  18: 'SIGCONT',
  19: 'SIGSTOP',
};

/** "CLONE_NEWNS|CLONE_NEWUTS|…" in the order the sim names them; SIGCHLD for the exit signal. */
export function cloneFlagNames(flags: number, withOthers = false): string {
  const names = NS_FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  if (withOthers) {
    names.push(...OTHER_CLONE_FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n));
    const sig = flags & 0xff & ~0x80;
    if (sig) names.push(SIGNALS[sig] ?? String(sig));
  }
  return names.join('|');
}

export function mountFlagNames(flags: number): string {
  return MOUNT_FLAGS.filter(([bit]) => (flags & bit) !== 0)
    .map(([, n]) => n)
    .join('|');
}

export function signalName(n: number): string {
  return SIGNALS[n] ?? `SIG${n}`;
}

/** bpftrace's %r: printable bytes as they are, others as \xNN. */
export function unescapeBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (text[i] === '\\' && text[i + 1] === '\\') {
      out.push(0x5c);
      i += 1;
    } else out.push(text.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(out);
}

/** A %r buffer holding a C string: up to its first NUL. */
export function bufferString(text: string): string {
  const bytes = unescapeBytes(text);
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

/** A container id where Docker puts one: cgroup dirs, runc's state and bundle dirs, the shim's -id, /var/lib/docker/containers (not overlay2's layer ids). */
const ID_RE = /(?:docker[/-]|moby\/|containers\/|-id )([0-9a-f]{64})(?![0-9a-f])/;

export interface TraceParserOptions {
  dockerdPid: number;
  containerdPid: number;
  /** Hierarchy id (as /proc/PID/cgroup numbers them) → its directory under /sys/fs/cgroup ("memory", "unified", "" on pure v2). */
  hierarchies: Record<number, string>;
  /** Wall time (ms since epoch) at which the START line was read. */
  startWall: number;
  /** The container a piece of text names (a merged dir, a sandbox key, an IP, a name); the agent knows them. */
  containerFor?: (text: string) => string | undefined;
  /** An interface's name by ifindex in the host namespace, when messages alone did not say. */
  ifName?: (index: number) => string | undefined;
}

/** How long dockerd's unnamed ops count as the last container's (its start work comes in one burst). */
const RECENT_NS = 2_000_000_000n;

interface ProcInfo {
  actor: TraceActor;
  containerId?: string;
  comm: string;
}

interface Head {
  ns: bigint;
  pid: number;
  tid: number;
  comm: string;
}

/** An op waiting for its continuation lines (ARG…, DATA, PATH). */
interface Pending {
  ns: bigint;
  op: TraceOp;
  kind: 'exec' | 'mount';
  argv: string[];
}

export class TraceParser {
  private procs = new Map<number, ProcInfo>();
  private pendingByTid = new Map<number, Pending>();
  private pathByTid = new Map<number, string>();
  /** (pid, fd) → cgroup file path. */
  private cgfds = new Map<string, string>();
  private ifnames = new Map<number, string>();
  private startNs: bigint | null = null;
  private seq = 0;
  private line: string | undefined;
  /** Completed ops, not yet numbered (bpftrace's per-CPU buffers interleave: `drain` orders them by time). */
  private ready: { ns: bigint; op: TraceOp }[] = [];
  /** A veth pair just made: the next link with an unknown index is its host end, the index below it the peer. */
  private newVeth: { name: string; peer: string } | null = null;
  private lastWrite: { key: string; op: TraceOp } | null = null;
  private recent: { id: string; ns: bigint } | null = null;

  private startWall: number;

  constructor(private readonly opts: TraceParserOptions) {
    this.startWall = opts.startWall;
    this.procs.set(opts.dockerdPid, { actor: 'dockerd', comm: 'dockerd' });
    this.procs.set(opts.containerdPid, { actor: 'containerd', comm: 'containerd' });
  }

  /** The wall time at which the START line was read (the agent reads it live). */
  calibrate(startWall: number): void {
    this.startWall = startWall;
  }

  /** The terminal line now running; ops carry it until it is cleared. */
  setCommand(line: string | undefined): void {
    this.line = line;
  }

  /** Feeds one line; completed ops wait for `drain`. */
  push(raw: string): void {
    const f = raw.replace(/\r?\n$/, '').split('\t');
    const tag = f[0]!;
    switch (tag) {
      case 'ARG': {
        const p = this.pendingByTid.get(Number(f[1]));
        if (p?.kind === 'exec') p.argv[Number(f[2])] = f.slice(3).join('\t');
        return;
      }
      case 'END':
        if (this.pendingByTid.get(Number(f[1]))?.kind === 'exec') this.finish(Number(f[1]));
        return;
      case 'DATA': {
        const tid = Number(f[1]);
        const p = this.pendingByTid.get(tid);
        if (p?.kind !== 'mount') return;
        const options = f.slice(3).join('\t');
        if (options) p.op.args.options = options;
        if (Number(f[2]) !== 0) p.op.args.error = Number(f[2]);
        this.finish(tid);
        return;
      }
      case 'PATH':
        this.pathByTid.set(Number(f[1]), f.slice(2).join('\t'));
        return;
      case 'START':
        this.startNs = BigInt(f[1] ?? '0');
        return;
      case 'OOM': {
        const victim = Number(f[2]);
        this.add({ ns: BigInt(f[1] ?? '0'), pid: victim, tid: victim, comm: f[3] ?? '' }, 'oom_kill', { target: victim }, 'kernel', this.procs.get(victim)?.containerId, [
          { kind: 'process', id: String(victim) },
        ]);
        return;
      }
    }
    if (f.length < 5 || !/^\d+$/.test(f[1]!)) return;
    const head: Head = { ns: BigInt(f[1]!), pid: Number(f[2]), tid: Number(f[3]), comm: f[4]! };
    // Whatever this thread left waiting is complete now (a lost END or DATA).
    if (this.pendingByTid.has(head.tid)) this.finish(head.tid);
    this.handle(tag, head, f.slice(5));
  }

  /** The ops completed so far, in time order, numbered. */
  drain(): TraceOp[] {
    const batch = this.ready;
    this.ready = [];
    batch.sort((x, y) => (x.ns < y.ns ? -1 : x.ns > y.ns ? 1 : 0));
    return batch.map(({ op }) => {
      op.seq = ++this.seq;
      return op;
    });
  }

  /** Completes everything still waiting (end of input) and drains. */
  flush(): TraceOp[] {
    for (const tid of [...this.pendingByTid.keys()]) this.finish(tid);
    return this.drain();
  }

  private proc(pid: number, comm: string): ProcInfo {
    let p = this.procs.get(pid);
    if (!p) {
      p = { actor: actorByComm(comm) ?? 'dockerd', comm };
      this.procs.set(pid, p);
    }
    return p;
  }

  private time(ns: bigint): number {
    if (this.startNs === null) return this.startWall;
    return this.startWall + Number(ns - this.startNs) / 1e6;
  }

  private containerIn(text: string): string | undefined {
    return ID_RE.exec(text)?.[1] ?? this.opts.containerFor?.(text);
  }

  private make(head: Head, op: string, args: TraceOp['args'], actor: TraceActor, containerId?: string, affects?: TraceOp['affects']): TraceOp {
    const entry: TraceOp = { seq: 0, time: this.time(head.ns), op, args, actor, pid: head.pid };
    if (containerId) entry.containerId = containerId;
    if (this.line !== undefined) entry.command = this.line;
    if (affects?.length) entry.affects = affects;
    return entry;
  }

  private add(head: Head, op: string, args: TraceOp['args'], actor: TraceActor, containerId?: string, affects?: TraceOp['affects']): TraceOp {
    const entry = this.make(head, op, args, actor, containerId, affects);
    this.ready.push({ ns: head.ns, op: entry });
    return entry;
  }

  /** The op a process makes: its actor, and its container (its own, or one its arguments name). */
  private by(head: Head, text = ''): { actor: TraceActor; containerId?: string } {
    const p = this.proc(head.pid, head.comm);
    const named = text ? this.containerIn(text) : undefined;
    // dockerd and containerd serve every container: the arguments say which, or the container
    // they last worked on a moment ago (dockerd's rtnetlink requests name no container).
    if (p.actor === 'dockerd' || p.actor === 'containerd') {
      if (named) this.recent = { id: named, ns: head.ns };
      else if (this.recent && head.ns - this.recent.ns < RECENT_NS) return { actor: p.actor, containerId: this.recent.id };
      return { actor: p.actor, containerId: named };
    }
    if (!p.containerId && named) p.containerId = named;
    return { actor: p.actor, containerId: p.containerId ?? named };
  }

  private finish(tid: number): void {
    const p = this.pendingByTid.get(tid);
    if (!p) return;
    this.pendingByTid.delete(tid);
    if (p.kind === 'exec') this.finishExec(p);
    else {
      const named = this.containerIn(Object.values(p.op.args).join(' '));
      if (named && !p.op.containerId) p.op.containerId = named;
      this.ready.push({ ns: p.ns, op: p.op });
    }
  }

  private finishExec(p: Pending): void {
    const argv = p.argv.filter((a) => a !== undefined);
    p.op.args.argv = argv.join(' ');
    const info = this.procs.get(p.op.pid);
    const exe = String(p.op.args.path).split('/').pop() ?? '';
    const named = this.containerIn(p.op.args.argv);
    if (info) {
      if (exe.startsWith('containerd-shim')) info.actor = 'shim';
      else if (exe === 'runc') info.actor = 'runc';
      if (named && info.actor !== 'dockerd' && info.actor !== 'containerd') info.containerId ??= named;
    }
    if (named && !p.op.containerId) p.op.containerId = named;
    this.ready.push({ ns: p.ns, op: p.op });
    // dockerd runs iptables for the port mappings and the bridge: each change also as an iptables op.
    if (exe === 'iptables' || exe === 'ip6tables') {
      const rule = iptablesRule(argv.slice(1));
      if (!rule) return;
      const op: TraceOp = { ...p.op, op: 'iptables', args: rule, affects: [{ kind: 'rule', id: rule.rule }] };
      const hit = this.opts.containerFor?.(rule.rule);
      if (hit) op.containerId = hit;
      this.ready.push({ ns: p.ns + 1n, op });
    }
  }

  private handle(tag: string, head: Head, f: string[]): void {
    switch (tag) {
      case 'FORK': {
        const parent = this.proc(head.pid, head.comm);
        const child = Number(f[0]);
        const flags = Number(f[1]);
        this.procs.set(child, { ...parent, comm: head.comm });
        // os/exec's vfork+exec is told by the execve that follows; runc's own clones are shown.
        if ((flags & 0x4000) === 0) {
          this.add(head, 'clone', { flags: cloneFlagNames(flags, true), child }, parent.actor, parent.containerId, [{ kind: 'process', id: String(child) }]);
        }
        return;
      }
      case 'CLONE': {
        const by = this.by(head);
        this.add(head, 'clone', { flags: cloneFlagNames(Number(f[0]), true) }, by.actor, by.containerId);
        return;
      }
      case 'UNSHARE': {
        const by = this.by(head);
        this.add(head, 'unshare', { flags: cloneFlagNames(Number(f[0])) }, by.actor, by.containerId);
        return;
      }
      case 'SETNS': {
        const by = this.by(head);
        this.add(head, 'setns', { type: NS_TYPE_OF_FLAG[Number(f[1])] ?? 'any', fd: Number(f[0]) }, by.actor, by.containerId);
        return;
      }
      case 'MOUNT': {
        const flags = Number(f[0]);
        let fstype = bufferString(f[1] ?? '');
        const source = bufferString(f[2] ?? '');
        const target = f.slice(3).join('\t');
        if (!fstype && flags & 4096) fstype = 'bind';
        const by = this.by(head, `${source} ${target}`);
        const args: TraceOp['args'] = { fstype, source, target };
        const names = mountFlagNames(flags);
        if (names) args.flags = names;
        const op = this.make(head, 'mount', args, by.actor, by.containerId, [{ kind: 'mount', id: target }]);
        this.pendingByTid.set(head.tid, { ns: head.ns, op, kind: 'mount', argv: [] });
        return;
      }
      case 'UMOUNT': {
        const target = f[0] ?? '';
        const by = this.by(head, target);
        this.add(head, 'umount', { target }, by.actor, by.containerId, [{ kind: 'mount', id: target }]);
        return;
      }
      case 'PIVOT': {
        const by = this.by(head);
        this.add(head, 'pivot_root', { new_root: f[0] ?? '', put_old: bufferString(f[1] ?? '') }, by.actor, by.containerId);
        return;
      }
      case 'HOST': {
        const by = this.by(head);
        this.add(head, 'sethostname', { hostname: f.join('\t') }, by.actor, by.containerId);
        return;
      }
      case 'OPEN': {
        const fd = Number(f[0]);
        const path = this.pathByTid.get(head.tid);
        this.pathByTid.delete(head.tid);
        if (path !== undefined && fd >= 0) this.cgfds.set(`${head.pid}:${fd}`, path.startsWith('/') ? path : `/sys/fs/cgroup/${path}`);
        return;
      }
      case 'WRITE': {
        const file = this.cgfds.get(`${head.pid}:${Number(f[0])}`);
        if (!file) return;
        const value = new TextDecoder().decode(unescapeBytes(f.slice(1).join('\t'))).replace(/\n$/, '');
        const slash = file.lastIndexOf('/');
        const dir = file.slice(0, slash);
        const by = this.by(head, dir);
        // runc writes FROZEN again and again until the freezer reports it: one op, with the count.
        const key = `${head.pid}:${file}:${value}`;
        if (this.lastWrite?.key === key) {
          this.lastWrite.op.args.times = Number(this.lastWrite.op.args.times ?? 1) + 1;
          return;
        }
        const op = this.add(head, 'cgroup.write', { path: dir, file: file.slice(slash + 1), value }, by.actor, by.containerId, [{ kind: 'cgroup', id: dir }]);
        this.lastWrite = { key, op };
        return;
      }
      case 'CGMKDIR':
      case 'CGRMDIR': {
        const dir = this.opts.hierarchies[Number(f[0])];
        if (dir === undefined) return;
        const path = `/sys/fs/cgroup${dir ? `/${dir}` : ''}${f.slice(1).join('\t')}`;
        const by = this.by(head, path);
        this.add(head, tag === 'CGMKDIR' ? 'cgroup.mkdir' : 'cgroup.rmdir', { path }, by.actor, by.containerId, [{ kind: 'cgroup', id: path }]);
        return;
      }
      case 'EXEC': {
        const path = f.join('\t');
        const p = this.proc(head.pid, head.comm);
        // runc init's execve of the entrypoint: from here on the process is the container's.
        const actor = p.actor;
        if (head.comm.startsWith('runc:[2:INIT]')) p.actor = 'container';
        const op = this.make(head, 'execve', { path }, actor, p.containerId, [{ kind: 'process', id: String(head.pid) }]);
        this.pendingByTid.set(head.tid, { ns: head.ns, op, kind: 'exec', argv: [] });
        return;
      }
      case 'NL': {
        const req = parseNetlink(unescapeBytes(f.slice(2).join('\t')));
        if (req) this.netlink(head, req);
        return;
      }
      case 'KILL': {
        const target = Number(f[0]);
        const sig = Number(f[1]);
        if (sig === 0) return; // a liveness probe, not a signal
        const by = this.by(head);
        const victim = this.procs.get(target);
        this.add(head, 'kill', { sig: signalName(sig), target }, by.actor, by.containerId ?? victim?.containerId, [{ kind: 'process', id: String(target) }]);
        return;
      }
      case 'EXIT': {
        const p = this.proc(head.pid, head.comm);
        const raw = Number(f[0]);
        const signal = raw & 0x7f;
        const args: TraceOp['args'] = signal ? { code: 128 + signal, signal: signalName(signal) } : { code: (raw >> 8) & 0xff };
        this.add(head, 'exit', args, p.actor, p.containerId, [{ kind: 'process', id: String(head.pid) }]);
        this.procs.delete(head.pid);
        return;
      }
    }
  }

  private name(index: number): string {
    const known = this.ifnames.get(index) ?? this.opts.ifName?.(index);
    if (known) return known;
    if (this.newVeth && index > 1) {
      // The kernel registers a veth's peer first: the peer has the index below its partner's.
      this.ifnames.set(index, this.newVeth.name);
      if (!this.ifnames.has(index - 1)) this.ifnames.set(index - 1, this.newVeth.peer);
      this.newVeth = null;
      return this.ifnames.get(index)!;
    }
    return index === 1 ? 'lo' : `if${index}`;
  }

  private netlink(head: Head, req: NetlinkRequest): void {
    const by = this.by(head);
    if (req.kind === 'addr') {
      if (req.type !== RTM.NEWADDR) return;
      const dev = this.name(req.index);
      this.add(head, 'addr.add', { dev, addr: req.addr }, by.actor, by.containerId ?? this.opts.containerFor?.(req.addr.split('/')[0]!), [{ kind: 'interface', id: dev }]);
      return;
    }
    if (req.kind === 'route') {
      if (req.type !== RTM.NEWROUTE) return;
      const args: TraceOp['args'] = { dst: req.dst, via: req.via ?? '', dev: req.oif ? this.name(req.oif) : '' };
      this.add(head, 'route.add', args, by.actor, by.containerId);
      return;
    }
    const known = req.index > 0 ? this.ifnames.get(req.index) : undefined;
    if (req.type === RTM.DELLINK) {
      const name = req.name ?? this.name(req.index);
      this.add(head, 'link.del', { name }, by.actor, by.containerId, [{ kind: 'interface', id: name }]);
      return;
    }
    if (req.type === RTM.NEWLINK && req.linkKind && req.index === 0) {
      const name = req.name ?? '';
      const args: TraceOp['args'] = { type: req.linkKind, name };
      if (req.peer) {
        args.peer = req.peer;
        this.newVeth = { name, peer: req.peer };
      }
      this.add(head, 'link.add', args, by.actor, by.containerId, [{ kind: 'interface', id: name }]);
      return;
    }
    const name = known ?? (req.name && req.type === RTM.NEWLINK ? req.name : this.name(req.index));
    if (req.index > 0 && req.name && !known) this.ifnames.set(req.index, req.name);
    if (req.name && known && req.name !== known) {
      this.add(head, 'link.rename', { name: known, newname: req.name }, by.actor, by.containerId, [{ kind: 'interface', id: req.name }]);
      this.ifnames.set(req.index, req.name);
    }
    if (req.master !== undefined) this.add(head, 'link.master', { name, master: this.name(req.master) }, by.actor, by.containerId, [{ kind: 'interface', id: name }]);
    if (req.netnsFd !== undefined || req.netnsPid !== undefined) {
      this.add(head, 'link.netns', { name, netns: req.netnsPid !== undefined ? `pid:${req.netnsPid}` : `fd:${req.netnsFd}` }, by.actor, by.containerId, [{ kind: 'interface', id: name }]);
    }
    if (bringsUp(req)) this.add(head, 'link.up', { name: req.name ?? name }, by.actor, by.containerId, [{ kind: 'interface', id: req.name ?? name }]);
  }
}

function actorByComm(comm: string): TraceActor | null {
  if (comm === 'dockerd') return 'dockerd';
  if (comm === 'containerd') return 'containerd';
  if (comm.startsWith('containerd-shim')) return 'shim';
  if (comm === 'runc' || comm.startsWith('runc:[')) return 'runc';
  return null;
}

/**
 * iptables' argv (without argv[0]) → {table, chain, rule} for a change (-A, -I,
 * -D, -N, -X, -F, -R); null for checks (-C) and listings. The rule is the rest
 * as dockerd passed it, starting with the command ("-A DOCKER …").
 */
export function iptablesRule(args: readonly string[]): { table: string; chain: string; rule: string } | null {
  let table = 'filter';
  const rest: string[] = [];
  let cmd: { flag: string; chain: string } | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--wait' || a === '-w') continue;
    if (a === '-t' || a === '--table') {
      table = args[++i] ?? table;
      continue;
    }
    if (['-A', '-I', '-D', '-N', '-X', '-F', '-R', '--append', '--insert', '--delete', '--new-chain'].includes(a) && !cmd) {
      cmd = { flag: a.length > 2 ? { '--append': '-A', '--insert': '-I', '--delete': '-D', '--new-chain': '-N' }[a] ?? a : a, chain: args[i + 1] ?? '' };
      i++;
      continue;
    }
    if (a === '-C' || a === '--check' || a === '-L' || a === '--list' || a === '-S' || a === '-n') return null;
    rest.push(a);
  }
  if (!cmd) return null;
  return { table, chain: cmd.chain, rule: [cmd.flag, cmd.chain, ...rest].join(' ') };
}
