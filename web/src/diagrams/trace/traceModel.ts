import type { TraceOp } from '../../../../core/model';

/** How many ops the page keeps (as Snapshot.trace does). */
export const TRACE_KEEP = 1000;

/** Ops from a snapshot or a trace event folded into what the page has: by seq, oldest first, bounded. */
export function mergeTrace(have: readonly TraceOp[], incoming: readonly TraceOp[], keep = TRACE_KEEP): TraceOp[] {
  if (!incoming.length) return have as TraceOp[];
  const last = have.length ? have[have.length - 1]!.seq : 0;
  // The common case: only newer ops.
  if (incoming[0]!.seq > last) return [...have, ...incoming].slice(-keep);
  const bySeq = new Map(have.map((o) => [o.seq, o]));
  for (const o of incoming) bySeq.set(o.seq, o);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-keep);
}

export type Phase = 'namespaces' | 'filesystem' | 'cgroups' | 'network' | 'process';
export const PHASES: readonly Phase[] = ['namespaces', 'filesystem', 'cgroups', 'network', 'process'];

export function phaseOf(op: string): Phase {
  if (op === 'clone' || op === 'unshare' || op === 'setns' || op === 'sethostname') return 'namespaces';
  if (op === 'mount' || op === 'umount' || op === 'pivot_root') return 'filesystem';
  if (op.startsWith('cgroup.')) return 'cgroups';
  if (op.startsWith('link.') || op.startsWith('addr.') || op.startsWith('route.') || op === 'iptables') return 'network';
  return 'process';
}

/** The arguments as one line, the ones that say most first; 64-hex ids cut to the 12 that docker ps shows. */
export function argsText(op: TraceOp): string {
  return fullArgsText(op).replace(/([0-9a-f]{12})[0-9a-f]{52}/g, '$1…');
}

function fullArgsText(op: TraceOp): string {
  const a = op.args;
  const v = (k: string): string => (a[k] === undefined ? '' : String(a[k]));
  switch (op.op) {
    case 'mount':
      return [v('fstype') || '(flags)', v('source'), '→', v('target'), v('options') ? `-o ${v('options')}` : '', v('flags')].filter(Boolean).join(' ');
    case 'cgroup.write':
      return `${v('path')}/${v('file')} ← ${v('value')}${a.times ? ` (×${v('times')})` : ''}`;
    case 'execve':
      return v('argv') || v('path');
    case 'iptables':
      return `-t ${v('table')} ${v('rule')}`;
    case 'kill':
      return `${v('sig')} → ${v('target')}`;
    default:
      return Object.entries(a)
        .map(([k, x]) => `${k}=${String(x)}`)
        .join(' ');
  }
}

export interface PhaseGroup {
  phase: Phase;
  ops: TraceOp[];
}

export interface CommandGroup {
  /** The terminal line; null for ops between lines (a restart policy, a process ending by itself). */
  command: string | null;
  /** Consecutive ops of one phase together, in order. */
  phases: PhaseGroup[];
  count: number;
}

export interface TraceFilter {
  /** Words that must all appear in the op name, actor, pid or arguments (case-insensitive). */
  text?: string;
  /** Only ops of this container (and those of no container, dockerd's shared work). */
  containerId?: string | null;
  phases?: ReadonlySet<Phase>;
}

export function matches(op: TraceOp, f: TraceFilter): boolean {
  if (f.containerId && op.containerId && op.containerId !== f.containerId) return false;
  if (f.phases && !f.phases.has(phaseOf(op.op))) return false;
  const words = (f.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = `${op.op} ${op.actor} ${op.pid} ${argsText(op)}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** The ops as a timeline per command, newest command last, each cut into phases. */
export function groupTrace(ops: readonly TraceOp[], f: TraceFilter = {}): CommandGroup[] {
  const out: CommandGroup[] = [];
  let current: CommandGroup | null = null;
  for (const op of ops) {
    if (!matches(op, f)) continue;
    const command = op.command ?? null;
    if (!current || current.command !== command) {
      current = { command, phases: [], count: 0 };
      out.push(current);
    }
    const phase = phaseOf(op.op);
    const last = current.phases[current.phases.length - 1];
    if (last?.phase === phase) last.ops.push(op);
    else current.phases.push({ phase, ops: [op] });
    current.count++;
  }
  return out;
}
