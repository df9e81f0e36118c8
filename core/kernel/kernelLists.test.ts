import { describe, expect, it } from 'vitest';
import type { NamespaceSnapshot } from '../model';
import { NamespaceList } from './kernelLists';
import { SnapshotMemo } from './snapshotMemo';

const ns = (inode: number): NamespaceSnapshot => ({ type: 'net', inode, owner: `c${inode}` });

/** The list kept incrementally must equal one made from the live map, sorted by inode. */
function check(live: Map<number, NamespaceSnapshot>, list: NamespaceList): void {
  expect(list.snapshots().map((n) => n.inode)).toEqual([...live.keys()].sort((a, b) => a - b));
}

describe('NamespaceList', () => {
  const steps: { name: string; add?: number[]; drop?: number[] }[] = [
    { name: 'new namespaces in increasing order extend it', add: [10, 11, 12] },
    { name: 'freed ones leave it', drop: [11] },
    { name: 'added and freed before the next snapshot', add: [13, 14], drop: [13] },
    { name: 'an inode lower than the last is sorted in (rebuilt)', add: [5] },
    { name: 'after a rebuild it extends again', add: [20] },
    { name: 'everything freed', drop: [5, 10, 12, 14, 20] },
  ];
  it('equals the live namespaces sorted by inode after every change', () => {
    const live = new Map<number, NamespaceSnapshot>();
    const list = new NamespaceList(live, new SnapshotMemo());
    for (const n of [ns(1), ns(2)]) {
      live.set(n.inode, n);
      list.added(n);
    }
    check(live, list);
    for (const step of steps) {
      for (const i of step.add ?? []) {
        live.set(i, ns(i));
        list.added(ns(i));
      }
      for (const i of step.drop ?? []) live.delete(i);
      if (step.drop) list.dropped(step.drop);
      check(live, list);
    }
  });

  it('hands out the same frozen list while nothing changes', () => {
    const live = new Map([[1, ns(1)]]);
    const list = new NamespaceList(live, new SnapshotMemo());
    const a = list.snapshots();
    expect(list.snapshots()).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
