import type { TraceOp } from '../../../core/model';

/**
 * What the user pointed at in one diagram, for the others to light up: the
 * Trace view sets it when an operation is clicked (the namespace it made, the
 * cgroup it wrote, the interface, mount, process or rule it changed), any
 * diagram reads it. Ids are as TraceOp.affects names them: namespace → inode,
 * cgroup → path, interface → name, mount → target, process → host pid,
 * rule → NatRule.rule, layer → LayerSnapshot.id.
 */
export type HighlightTarget = NonNullable<TraceOp['affects']>[number];

export class Highlight {
  /** The things to light up; empty when nothing is pointed at. */
  targets = $state.raw<readonly HighlightTarget[]>([]);
  /** The trace op (seq) they came from, if any. */
  sourceSeq = $state<number | null>(null);

  set(targets: readonly HighlightTarget[], sourceSeq: number | null = null): void {
    this.targets = targets;
    this.sourceSeq = sourceSeq;
  }

  clear(): void {
    this.set([]);
  }

  /** Whether this thing is lit. A cgroup path matches its own files' directory and the controller dirs under /sys/fs/cgroup that end with it. */
  has(kind: HighlightTarget['kind'], id: string): boolean {
    return this.targets.some((t) => t.kind === kind && (t.id === id || (kind === 'cgroup' && (t.id.endsWith(id) || id.endsWith(t.id)))));
  }
}

/** The page's one highlight. */
export const highlight = new Highlight();
