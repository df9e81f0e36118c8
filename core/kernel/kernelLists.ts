import type { CgroupSnapshot, NamespaceSnapshot } from '../model';
import { cgroupFiles, memoryLimit, type CgroupState, type CgroupVersion } from './cgroups';
import type { SnapshotMemo } from './snapshotMemo';

/**
 * The kernel's lists as snapshots show them, kept between snapshots (issue
 * 14): a snapshot is taken after every change, and rebuilding these for a
 * thousand containers each time took most of one.
 */

/** A Map that counts its sets and deletions, so a list derived from it knows when to rebuild. */
export class CountedMap<K, V> extends Map<K, V> {
  changes = 0;

  override set(key: K, value: V): this {
    this.changes++;
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.changes++;
    return super.delete(key);
  }

  override clear(): void {
    this.changes++;
    super.clear();
  }
}

/**
 * The namespaces' snapshots by inode. Inodes are made in increasing order, so
 * the namespaces a container makes extend the sorted list, joined once when a
 * snapshot asks; freed ones are filtered out. The list is frozen: later
 * snapshots share it.
 */
export class NamespaceList {
  /** undefined: made from the live namespaces at the next snapshot. */
  private list: NamespaceSnapshot[] | undefined;
  /** Recorded since `list` was made, in the order made. */
  private pending: NamespaceSnapshot[] = [];

  constructor(
    private readonly live: ReadonlyMap<number, NamespaceSnapshot>,
    private readonly memo: SnapshotMemo,
  ) {}

  added(n: NamespaceSnapshot): void {
    if (this.list) this.pending.push(n);
  }

  dropped(inodes: readonly number[]): void {
    if (this.list) this.list = Object.freeze(this.list.filter((n) => !inodes.includes(n.inode))) as NamespaceSnapshot[];
    this.pending = this.pending.filter((n) => !inodes.includes(n.inode));
  }

  snapshots(): NamespaceSnapshot[] {
    const added = this.pending;
    if (this.list && added.length > 0) {
      this.pending = [];
      const list = this.list;
      const inOrder = added.every((n, i) => n.inode > (i === 0 ? (list.at(-1)?.inode ?? -1) : added[i - 1]!.inode));
      this.list = inOrder ? (Object.freeze([...list, ...added.map((n) => this.memo.namespace(n))]) as NamespaceSnapshot[]) : undefined;
    }
    this.list ??= Object.freeze([...this.live.values()].map((n) => this.memo.namespace(n)).sort((a, b) => a.inode - b.inode)) as NamespaceSnapshot[];
    return this.list;
  }
}

/** A cgroup's snapshot and a copy of the state it was built from. */
interface KeptCgroup {
  path: string;
  state: CgroupState;
  snap: CgroupSnapshot;
}

/**
 * Each container's cgroup as its files show it, kept until something it
 * shows moves: formatting some forty files for each of a thousand containers
 * took 35 ms a snapshot.
 */
export class CgroupMemo {
  private readonly kept = new WeakMap<CgroupState, KeptCgroup>();

  snapshot(containerId: string, path: string, cg: CgroupState, version: CgroupVersion): CgroupSnapshot {
    const kept = this.kept.get(cg);
    // Compared field by field: building a key string for each of a thousand cgroups took a millisecond per snapshot.
    if (kept && sameCgroup(kept, path, cg)) return kept.snap;
    const snap: CgroupSnapshot = {
      path,
      version,
      containerId,
      files: cgroupFiles(cg, version),
      memoryUsage: cg.memoryUsage,
      memoryLimit: memoryLimit(cg.resources),
      pidsCurrent: cg.procs.length,
      frozen: cg.frozen,
      cpuUsageNs: cg.cpuUsageNs,
    };
    this.kept.set(cg, { path, state: cgroupCopy(cg), snap });
    return snap;
  }
}

/** A copy as one object literal (a spread copy can get a hidden class of its own, which slows every check). */
function cgroupCopy(cg: CgroupState): CgroupState {
  return { resources: cg.resources, procs: [...cg.procs], memoryUsage: cg.memoryUsage, maxUsage: cg.maxUsage, failcnt: cg.failcnt, oomKills: cg.oomKills, underOom: cg.underOom, frozen: cg.frozen, cpuUsageNs: cg.cpuUsageNs, hostCpus: cg.hostCpus };
}

/** Whether `cg` shows what the kept copy did (the limits object is replaced on update, never changed in place, so it is compared by identity). */
function sameCgroup(m: KeptCgroup, path: string, cg: CgroupState): boolean {
  const s = m.state;
  if (m.path !== path || s.resources !== cg.resources || s.memoryUsage !== cg.memoryUsage || s.maxUsage !== cg.maxUsage || s.failcnt !== cg.failcnt) return false;
  if (s.oomKills !== cg.oomKills || s.underOom !== cg.underOom || s.frozen !== cg.frozen || s.cpuUsageNs !== cg.cpuUsageNs || s.hostCpus !== cg.hostCpus) return false;
  if (s.procs.length !== cg.procs.length) return false;
  for (let i = 0; i < cg.procs.length; i++) if (s.procs[i] !== cg.procs[i]) return false;
  return true;
}
