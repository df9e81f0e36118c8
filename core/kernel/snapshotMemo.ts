import type { NamespaceSnapshot, NamespaceType, ProcessSnapshot } from '../model';
import { NS_TYPES } from './namespaces';

/**
 * Process and namespace snapshots kept per kernel object until what they show
 * moves (issue 14): a snapshot is taken after every change, and with a
 * thousand containers rebuilding some eight thousand of these each time took
 * milliseconds. Kept objects are frozen, so a later snapshot cannot change an
 * earlier one; the same object also tells the patch sender "unchanged".
 */

/** What a process snapshot is built from (kernel.ts's KProcess, the fields it shows). */
export interface ProcessSource {
  pid: number;
  ppid: number;
  nsPid: number;
  argv: string[];
  role: ProcessSnapshot['role'];
  containerId?: string;
  ns: Record<NamespaceType, number>;
  cgroup: string;
}

interface ProcessMemo {
  snap: ProcessSnapshot;
  argv: string[];
  argvLength: number;
}

export class SnapshotMemo {
  private readonly processes = new WeakMap<ProcessSource, ProcessMemo>();
  private readonly namespaces = new WeakMap<NamespaceSnapshot, NamespaceSnapshot>();

  process(p: ProcessSource): ProcessSnapshot {
    const kept = this.processes.get(p);
    if (kept && sameProcess(kept, p)) return kept.snap;
    const s: ProcessSnapshot = { pid: p.pid, ppid: p.ppid, nsPid: p.nsPid, command: [...p.argv], role: p.role, namespaces: { ...p.ns }, cgroup: p.cgroup };
    if (p.containerId !== undefined) s.containerId = p.containerId;
    Object.freeze(s.command);
    Object.freeze(s.namespaces);
    this.processes.set(p, { snap: Object.freeze(s), argv: p.argv, argvLength: p.argv.length });
    return s;
  }

  /** The kernel replaces a namespace's record rather than change it, so its copy is kept by identity. */
  namespace(n: NamespaceSnapshot): NamespaceSnapshot {
    let kept = this.namespaces.get(n);
    if (!kept || kept.type !== n.type || kept.inode !== n.inode || kept.owner !== n.owner) {
      kept = Object.freeze({ ...n });
      this.namespaces.set(n, kept);
    }
    return kept;
  }
}

function sameProcess(m: ProcessMemo, p: ProcessSource): boolean {
  const s = m.snap;
  if (s.pid !== p.pid || s.ppid !== p.ppid || s.nsPid !== p.nsPid || s.role !== p.role || s.cgroup !== p.cgroup || s.containerId !== p.containerId) return false;
  if (m.argv !== p.argv || m.argvLength !== p.argv.length) return false;
  for (let i = 0; i < p.argv.length; i++) if (s.command[i] !== p.argv[i]) return false;
  for (const t of NS_TYPES) if (s.namespaces[t] !== p.ns[t]) return false;
  return true;
}
