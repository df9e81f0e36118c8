import type { TraceActor, TraceOp } from '../../../../core/model';
import { argsText } from './traceModel';

/**
 * The trace of one command as a sequence diagram: one lane per actor the
 * trace names, time going down, each op an arrow (a kernel call goes from its
 * process's lane to the kernel's; an execve that starts a new component goes
 * from the lane that started it to the new one), and the calls between
 * components that no tracer sees (the Engine API request, containerd's task
 * calls) derived from the command and from runc's argv, marked as derived.
 */

export const LANES: readonly TraceActor[] = ['client', 'dockerd', 'containerd', 'shim', 'runc', 'container', 'kernel'];

/** The phases a teacher names for a container start, plus the runtime chain that carries the request, and the rest. */
export type SeqPhase = 'runtime' | 'rootfs' | 'namespaces' | 'cgroups' | 'network' | 'start' | 'other';
export const SEQ_PHASES: readonly SeqPhase[] = ['runtime', 'rootfs', 'namespaces', 'cgroups', 'network', 'start', 'other'];

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const NET_PROGRAMS = new Set(['iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft', 'docker-proxy', 'ip']);

/** The runc subcommand in its argv (`runc --root R --log L --log-format json create …` → create); '' if none. */
export function runcSubcommand(argv: string): string {
  const words = argv.split(/\s+/);
  if (words[0] !== 'runc' && !base(words[0] ?? '').startsWith('runc')) return '';
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('-')) {
      // Global flags that take a value.
      if (['--root', '--log', '--log-format', '--criu', '--rootless'].includes(w)) i++;
      continue;
    }
    return w;
  }
  return '';
}

/** The lane of the program an execve starts. */
export function execLane(op: TraceOp): TraceActor {
  const path = String(op.args.path ?? '');
  const argv = String(op.args.argv ?? '');
  if (/containerd-shim[\w-]*$/.test(path)) return 'shim';
  if (base(path) === 'runc' || argv === 'runc init') return 'runc';
  if (base(path) === 'docker' || op.actor === 'client') return 'client';
  if (op.actor === 'container') return 'container';
  // runc execs the container's entrypoint (bpftrace names runc as its actor); a hook (/proc/PID/exe: dockerd's own binary) stays where it ran.
  if (op.actor === 'runc' && !/^\/proc\/[^/]+\/exe$/.test(path)) return 'container';
  return op.actor;
}

/** The phase of one op, from the op alone (an exit is placed by the process it ends, see sequenceOf). */
export function phaseOf(op: TraceOp): SeqPhase {
  const o = op.op;
  // dockerd enters a container's network namespace only to configure it (bpftrace and strace both show it): network set-up.
  if (o === 'setns' && op.actor === 'dockerd') return 'network';
  if (o === 'clone' || o === 'unshare' || o === 'setns' || o === 'sethostname') return 'namespaces';
  if (o.startsWith('cgroup.') || o === 'oom_kill') return 'cgroups';
  if (o.startsWith('link.') || o.startsWith('addr.') || o.startsWith('route.') || o === 'iptables') return 'network';
  if (o === 'mount' || o === 'umount' || o === 'pivot_root') {
    // dockerd pins the network namespace with a bind mount of /proc/PID/ns/net: network set-up, not the rootfs.
    if (/\/ns\/net$/.test(String(op.args.source ?? '')) || String(op.args.target ?? '').startsWith('/var/run/docker/netns/')) return 'network';
    return 'rootfs';
  }
  if (o === 'api') return 'runtime';
  if (o === 'execve') {
    const argv = String(op.args.argv ?? '');
    // dockerd's network helpers and runc's prestart hook (dockerd's binary as libnetwork-setkey) set up the network.
    if (NET_PROGRAMS.has(base(String(op.args.path ?? ''))) || /^(libnetwork-setkey|set-ipv6)\b/.test(argv)) return 'network';
    const lane = execLane(op);
    if (lane === 'container') return 'start';
    if (lane === 'shim' || lane === 'runc' || lane === 'client' || lane === 'containerd') return 'runtime';
    return 'other';
  }
  if (o === 'exit') return op.actor === 'container' ? 'other' : 'runtime';
  return 'other';
}

const API: Record<string, string> = {
  run: 'POST /containers/create, POST /containers/{id}/start',
  create: 'POST /containers/create',
  start: 'POST /containers/{id}/start',
  stop: 'POST /containers/{id}/stop',
  restart: 'POST /containers/{id}/restart',
  kill: 'POST /containers/{id}/kill',
  pause: 'POST /containers/{id}/pause',
  unpause: 'POST /containers/{id}/unpause',
  rm: 'DELETE /containers/{id}',
  exec: 'POST /containers/{id}/exec, POST /exec/{id}/start',
  update: 'POST /containers/{id}/update',
  build: 'POST /build',
  pull: 'POST /images/create',
};

/** The Engine API request a docker command line makes, or null for a line that is not a docker command. */
export function apiRequest(command: string): string | null {
  const words = command.trim().split(/\s+/);
  const i = words.indexOf('docker');
  if (i < 0) return null;
  let rest: string[] = [];
  for (let j = i + 1; j < words.length; j++) {
    const w = words[j]!;
    // The client's global flags that take a value (-H HOST) come before the subcommand.
    if (!rest.length && ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level'].includes(w)) j++;
    else if (!w.startsWith('-')) rest.push(w);
  }
  // `docker container run` is `docker run`.
  if (rest[0] === 'container') rest = rest.slice(1);
  const sub = rest[0];
  if (!sub) return null;
  return API[sub] ?? `docker ${sub} → dockerd`;
}

const TASK: Record<string, string> = { create: 'Create', start: 'Start', kill: 'Kill', delete: 'Delete', pause: 'Pause', resume: 'Resume', exec: 'Exec', update: 'Update' };

export interface SeqMessage {
  from: TraceActor;
  to: TraceActor;
  /** Short text on the arrow. */
  label: string;
  /** The whole op (arguments), for the tooltip and the step line. */
  detail: string;
  phase: SeqPhase;
  /** The ops it draws: one, several like ops in a row (collapsed), or none for a derived call. */
  ops: TraceOp[];
  /** Not seen by a tracer: inferred from the command line or from runc's argv. */
  derived: boolean;
  /** Row, from 0. */
  row: number;
}

export interface PhaseBand {
  phase: SeqPhase;
  /** Rows first..last, inclusive. */
  first: number;
  last: number;
}

export interface Sequence {
  command: string;
  lanes: readonly TraceActor[];
  messages: SeqMessage[];
  bands: PhaseBand[];
}

/** The ops of the latest run of a line: the same line typed twice is two runs, and the diagram shows the last. */
export function lastRunOf(ops: readonly TraceOp[], command: string): TraceOp[] {
  let run: TraceOp[] = [];
  let prev: string | undefined;
  for (const o of ops) {
    // Ops between lines (no command) neither end a run nor belong to it.
    if (!o.command) continue;
    if (o.command === command) {
      if (prev !== command) run = [];
      run.push(o);
    }
    prev = o.command;
  }
  return run;
}

/** The commands that have ops, in the order they were first run. */
export function commandsOf(ops: readonly TraceOp[]): string[] {
  const seen = new Set<string>();
  for (const o of ops) if (o.command) seen.add(o.command);
  return [...seen];
}

/** The command to show: the one asked for if it has ops, else the latest. */
export function pickCommand(ops: readonly TraceOp[], wanted: string | null): string | null {
  const all = commandsOf(ops);
  if (wanted && all.includes(wanted)) return wanted;
  for (let i = ops.length - 1; i >= 0; i--) if (ops[i]!.command) return ops[i]!.command!;
  return null;
}

const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** The last path components that fit in n characters. */
function tail(path: string, n: number): string {
  if (path.length <= n) return path;
  const parts = path.split('/');
  let out = parts.pop()!;
  while (parts.length && parts[parts.length - 1]!.length + out.length + 1 <= n - 2) out = `${parts.pop()!}/${out}`;
  return `…/${out}`;
}

function opMessage(op: TraceOp, phase: SeqPhase): Omit<SeqMessage, 'row'> {
  const detail = `${op.op} ${argsText(op)}`.trim();
  if (op.op === 'execve') {
    const to = execLane(op);
    // The first shim is started by containerd (sim names the shim itself as the actor; bpftrace names containerd).
    const argv = String(op.args.argv || op.args.path || '');
    const sub = to === 'runc' ? runcSubcommand(argv) : '';
    // Who started it, whichever process the tracer names at the execve: containerd the first shim, the shim runc, runc init the entrypoint.
    const from = to === 'shim' && argv.includes('-publish-binary') ? 'containerd' : to === 'runc' && sub && sub !== 'init' ? 'shim' : to === 'container' ? 'runc' : op.actor;
    const label = to === 'runc' && sub ? `execve runc ${sub}` : to === 'shim' ? `execve ${base(String(op.args.path))}` : `execve ${short(argv.replace(/^\/\S*\//, ''), 34)}`;
    return { from, to, label, detail, phase, ops: [op], derived: false };
  }
  if (op.actor === 'kernel') {
    const target = op.containerId ? 'container' : 'kernel';
    return { from: 'kernel', to: target, label: `${op.op} ${short(argsText(op), 28)}`.trim(), detail, phase, ops: [op], derived: false };
  }
  if (op.op === 'mount') {
    const target = String(op.args.target ?? '').replace(/([0-9a-f]{12})[0-9a-f]{52}/g, '$1…');
    return { from: op.actor, to: 'kernel', label: `mount ${String(op.args.fstype || '')} → ${tail(target, 30)}`, detail, phase, ops: [op], derived: false };
  }
  if (op.op === 'pivot_root') return { from: op.actor, to: 'kernel', label: `pivot_root → ${tail(String(op.args.new_root ?? '').replace(/([0-9a-f]{12})[0-9a-f]{52}/g, '$1…'), 30)}`, detail, phase, ops: [op], derived: false };
  const label = op.op === 'exit' ? `exit ${String(op.args.signal ?? op.args.code ?? '')}`.trim() : `${op.op} ${short(argsText(op), 34)}`.trim();
  return { from: op.actor, to: 'kernel', label, detail, phase, ops: [op], derived: false };
}

/** A process's short name from its execve: `runc create`, `runc init`, `sleep`, `containerd-shim-runc-v2`. */
function programName(op: TraceOp): string {
  const argv = String(op.args.argv || op.args.path || '');
  if (argv === 'runc init') return argv;
  const sub = runcSubcommand(argv);
  if (sub) return `runc ${sub}`;
  return base(argv.split(/\s+/)[0] ?? '');
}

export interface SequenceOptions {
  /** Draw a run of (≥ 3) like kernel calls of one actor and phase as one arrow. Default true. */
  collapse?: boolean;
  /**
   * Only this container's ops (and those that name none, dockerd's own work): on a shared real engine another
   * container started meanwhile is put down to the same line, as the Table's "Only" filter knows.
   */
  containerId?: string | null;
}

/** The sequence diagram of one command's ops (in seq order). */
export function sequenceOf(allOps: readonly TraceOp[], command: string, opts: SequenceOptions = {}): Sequence {
  const only = opts.containerId;
  const ops = lastRunOf(allOps, command).filter((o) => !only || !o.containerId || o.containerId === only);
  const out: Omit<SeqMessage, 'row'>[] = [];
  const phaseOfPid = new Map<number, SeqPhase>();
  const programOfPid = new Map<number, string>();

  const explicitApi = ops.some((o) => o.op === 'api');
  const api = explicitApi ? null : apiRequest(command);
  let apiDone = api === null;
  const pushApi = (): void => {
    if (apiDone) return;
    apiDone = true;
    out.push({ from: 'client', to: 'dockerd', label: short(api!, 48), detail: api!, phase: 'runtime', ops: [], derived: true });
  };
  // A runc run is asked for by dockerd through containerd's task service and the shim (gRPC and ttrpc, which no tracer here sees).
  const taskCalled = new Set<number>();
  const pushTask = (runcOp: TraceOp): void => {
    if (taskCalled.has(runcOp.seq)) return;
    taskCalled.add(runcOp.seq);
    const method = TASK[runcSubcommand(String(runcOp.args.argv ?? ''))];
    if (!method) return;
    out.push({ from: 'dockerd', to: 'containerd', label: `Tasks.${method}`, detail: `containerd.services.tasks.v1.Tasks/${method}`, phase: 'runtime', ops: [], derived: true });
    out.push({ from: 'containerd', to: 'shim', label: `task.${method}`, detail: `containerd.task.v2.Task/${method} (ttrpc)`, phase: 'runtime', ops: [], derived: true });
  };

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    // The request comes after the client starts (its execve), or first of all when the trace has no client op.
    if (!apiDone && op.actor !== 'client') pushApi();
    if (op.op === 'execve') {
      const lane = execLane(op);
      const isShimStart = lane === 'shim' && String(op.args.argv).includes('-publish-binary');
      if (isShimStart) {
        const next = ops.slice(i + 1).find((o) => o.op === 'execve' && execLane(o) === 'runc' && runcSubcommand(String(o.args.argv ?? '')));
        if (next) pushTask(next);
      } else if (lane === 'runc' && runcSubcommand(String(op.args.argv ?? ''))) pushTask(op);
    }
    let phase = phaseOf(op);
    if (op.op === 'execve') {
      phaseOfPid.set(op.pid, phase);
      programOfPid.set(op.pid, programName(op));
    }
    // A cloned child runs its parent's program until it execs.
    if (op.op === 'clone' && typeof op.args.child === 'number' && programOfPid.has(op.pid)) {
      programOfPid.set(op.args.child, programOfPid.get(op.pid)!);
      phaseOfPid.set(op.args.child, phaseOfPid.get(op.pid)!);
    }
    if (op.op === 'exit' && phaseOfPid.has(op.pid) && op.actor !== 'container') phase = phaseOfPid.get(op.pid)!;
    const m = opMessage(op, phase);
    // Which process ended: "exit 0" alone says little on a lane of many runc runs.
    if (op.op === 'exit' && programOfPid.has(op.pid)) m.label = `${m.label} (${programOfPid.get(op.pid)!})`;
    out.push(m);
  }
  pushApi();

  const messages = opts.collapse === false ? out : collapse(out);
  const rows = messages.map((m, row) => ({ ...m, row }));
  const bands: PhaseBand[] = [];
  for (const m of rows) {
    const last = bands[bands.length - 1];
    if (last?.phase === m.phase) last.last = m.row;
    else bands.push({ phase: m.phase, first: m.row, last: m.row });
  }
  return { command, lanes: LANES, messages: rows, bands };
}

/** Runs of three or more kernel calls of one actor in one phase, as one arrow: the cgroup set-up, the container's mounts. */
function collapse(ms: Omit<SeqMessage, 'row'>[]): Omit<SeqMessage, 'row'>[] {
  const out: Omit<SeqMessage, 'row'>[] = [];
  const like = (a: Omit<SeqMessage, 'row'>, b: Omit<SeqMessage, 'row'>): boolean =>
    !a.derived && !b.derived && a.to === 'kernel' && b.to === 'kernel' && a.from === b.from && a.phase === b.phase && a.ops[0]!.op !== 'exit' && b.ops[0]!.op !== 'exit';
  for (let i = 0; i < ms.length; ) {
    let j = i + 1;
    while (j < ms.length && like(ms[i]!, ms[j]!)) j++;
    if (j - i >= 3) {
      const run = ms.slice(i, j);
      const ops = run.flatMap((m) => m.ops);
      const names = [...new Set(ops.map((o) => o.op))];
      out.push({ ...run[0]!, label: `${names.join(', ')} ×${ops.length}`, detail: run.map((m) => m.detail).join('\n'), ops });
    } else out.push(...ms.slice(i, j));
    i = j;
  }
  return out;
}

/** The phases in the order they first appear (a teacher's summary of the sequence). */
export function phaseOrder(seq: Sequence, only: readonly SeqPhase[] = SEQ_PHASES): SeqPhase[] {
  const out: SeqPhase[] = [];
  for (const b of seq.bands) if (only.includes(b.phase) && !out.includes(b.phase)) out.push(b.phase);
  return out;
}

/**
 * The lanes drawn only from derived calls: no traced op starts or ends on them. The real tracers do not watch the docker
 * client (and a dockerd that answers from memory makes no kernel call), so its lane carries only the request inferred from
 * the command line; the diagram says so there rather than let the dashed arrow pass for something observed.
 */
export function unobservedLanes(seq: Sequence): TraceActor[] {
  const seen = new Set<TraceActor>();
  const derived = new Set<TraceActor>();
  for (const m of seq.messages) for (const l of [m.from, m.to]) (m.derived ? derived : seen).add(l);
  return seq.lanes.filter((l) => derived.has(l) && !seen.has(l));
}

/** What a step lights up: everything its ops changed. */
export function affectsOf(m: SeqMessage): NonNullable<TraceOp['affects']> {
  return m.ops.flatMap((o) => o.affects ?? []);
}

export interface SequenceGeometry {
  width: number;
  height: number;
  /** Where the lanes' headers end and the first row starts. */
  top: number;
  /** The height of a lane's name box (from y = 10); a lane note goes below it. */
  headHeight: number;
  rowHeight: number;
  /** The phase bands' column on the left. */
  bandWidth: number;
  laneX: Record<TraceActor, number>;
  /** The y of row r's arrow. */
  rowY: (row: number) => number;
}

/** Where things go: lanes spread evenly right of the phase column, one row per message; room under the names for lane notes. */
export function layoutSequence(seq: Sequence, width = 1280): SequenceGeometry {
  const bandWidth = 190;
  const headHeight = 44;
  // Two lines of a lane note (unobservedLanes) between the names and the first row.
  const top = headHeight + 20 + (unobservedLanes(seq).length ? 38 : 0);
  const rowHeight = 34;
  const left = bandWidth + 70;
  const right = width - 80;
  const step = (right - left) / (seq.lanes.length - 1);
  const laneX = Object.fromEntries(seq.lanes.map((l, i) => [l, Math.round(left + i * step)])) as Record<TraceActor, number>;
  const rowY = (row: number): number => top + 24 + row * rowHeight;
  return { width, height: rowY(Math.max(seq.messages.length, 1)) + 10, top, headHeight, rowHeight, bandWidth, laneX, rowY };
}
