import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, Snapshot } from './model';
import { applyPatch, deepEqual, diffSnapshot, isEmptyPatch } from './snapshotPatch';

function container(id: string, state: ContainerSnapshot['state'] = 'running', status = 'Up 1 second'): ContainerSnapshot {
  return {
    id,
    name: `c-${id}`,
    image: 'busybox',
    imageId: 'sha256:b',
    command: ['sleep', '300'],
    state,
    exitCode: 0,
    pid: 0,
    oomKilled: false,
    restartCount: 0,
    created: '',
    startedAt: '',
    finishedAt: '',
    status,
    config: { hostname: id, env: [], tty: false, openStdin: false, autoRemove: false, restartPolicy: { name: 'no', maximumRetryCount: 0 }, labels: {} },
    networkMode: 'default',
    networks: [],
    ports: [],
  } as ContainerSnapshot;
}

function snap(containers: ContainerSnapshot[], extra: Partial<Snapshot> = {}): Snapshot {
  return { kind: 'sim', time: 1, containers, images: [], ...extra };
}

const a = container('a');
const b = container('b');
const c = container('c');

describe('deepEqual', () => {
  it.each([
    [1, 1, true],
    [1, 2, false],
    [[1, [2]], [1, [2]], true],
    [[1], [1, 2], false],
    [{ x: 1 }, { x: 1 }, true],
    [{ x: 1 }, { x: 1, y: undefined }, false],
    [{ x: [1] }, { x: { 0: 1 } }, false],
    [null, {}, false],
  ])('deepEqual(%j, %j) is %s', (x, y, want) => {
    expect(deepEqual(x, y)).toBe(want);
  });
});

describe('diffSnapshot / applyPatch', () => {
  const cases: { name: string; prev: Snapshot; next: Snapshot; containers?: { upsert: string[]; remove: string[]; placed?: 'order' | 'insertAfter' } }[] = [
    { name: 'nothing changed', prev: snap([a, b]), next: snap([a, b]) },
    { name: 'a container added at the end', prev: snap([a, b]), next: snap([a, b, c]), containers: { upsert: ['c'], remove: [] } },
    { name: 'a container removed', prev: snap([a, b, c]), next: snap([a, c]), containers: { upsert: [], remove: ['b'] } },
    { name: 'one container changed', prev: snap([a, b]), next: snap([a, container('b', 'paused')]), containers: { upsert: ['b'], remove: [] } },
    { name: 'a rebuilt but equal container is not sent', prev: snap([a, b]), next: snap([container('a'), b]) },
    { name: 'reordered', prev: snap([a, b, c]), next: snap([c, a, b]), containers: { upsert: [], remove: [], placed: 'order' } },
    { name: 'added in the middle', prev: snap([a, c]), next: snap([a, b, c]), containers: { upsert: ['b'], remove: [], placed: 'insertAfter' } },
    { name: 'added first', prev: snap([b, c]), next: snap([a, b, c]), containers: { upsert: ['a'], remove: [], placed: 'insertAfter' } },
    { name: 'several added in a run, one removed', prev: snap([a, container('z')]), next: snap([container('x'), a, b, c, container('y')]), containers: { upsert: ['x', 'b', 'c', 'y'], remove: ['z'], placed: 'insertAfter' } },
    { name: 'reordered and added', prev: snap([a, b]), next: snap([b, c, a]), containers: { upsert: ['c'], remove: [], placed: 'order' } },
    { name: 'removed and added', prev: snap([a, b]), next: snap([b, c]), containers: { upsert: ['c'], remove: ['a'] } },
  ];
  it.each(cases)('$name', ({ prev, next, containers }) => {
    const patch = diffSnapshot(prev, next);
    const lp = patch.lists.containers;
    if (!containers) expect(lp).toBeUndefined();
    else {
      expect((lp?.upsert as ContainerSnapshot[]).map((x) => x.id)).toEqual(containers.upsert);
      expect(lp?.remove).toEqual(containers.remove);
      expect(lp?.order !== undefined ? 'order' : lp?.insertAfter !== undefined ? 'insertAfter' : undefined).toBe(containers.placed);
    }
    expect(applyPatch(prev, patch)).toEqual(next);
  });

  it('keeps the identity of the containers a patch did not touch', () => {
    const prev = snap([a, b]);
    const next = applyPatch(prev, diffSnapshot(prev, snap([container('a'), container('b', 'exited'), c])));
    expect(next.containers[0]).toBe(a);
    expect(next.containers[1]).not.toBe(b);
    expect(next.containers[1]?.state).toBe('exited');
  });

  it('replaces small or unkeyed fields whole, and drops fields the new snapshot lacks', () => {
    const prev = snap([a], { natRules: [], hosts: [{ name: 'glassbox', ip: '10.0.0.1' }] });
    const next = snap([a], { time: 2, natRules: [{ chain: 'DOCKER' } as never], layers: [] });
    const patch = diffSnapshot(prev, next);
    expect(Object.keys(patch.set).sort()).toEqual(['layers', 'natRules', 'time']);
    expect(patch.unset).toEqual(['hosts']);
    expect(applyPatch(prev, patch)).toEqual(next);
    expect(isEmptyPatch(diffSnapshot(next, next))).toBe(true);
  });

  it('sends a list whose keys repeat whole, and still round-trips', () => {
    const prev = snap([a, a]);
    const next = snap([a, b, b]);
    const patch = diffSnapshot(prev, next);
    expect(patch.set.containers).toBe(next.containers);
    expect(applyPatch(prev, patch)).toEqual(next);
  });

  it('refuses a patch that names an item its base does not have', () => {
    expect(() => applyPatch(snap([a]), { set: {}, unset: [], lists: { containers: { upsert: [], remove: [], order: ['zz'] } } })).toThrow('no item zz');
    const span = { at: [0, 1] as [number, number], upsert: 0, remove: 1, insertAfter: 0 };
    expect(() => applyPatch(snap([a, b]), { set: {}, unset: [], lists: { containers: { upsert: [], remove: ['b'], spans: [span] } } })).toThrow('a span does not match its base');
    expect(() => applyPatch(snap([a]), { set: {}, unset: [], lists: { containers: { upsert: [], remove: ['a'], spans: [{ ...span, at: [0, 2] }] } } })).toThrow('a span outside its list');
  });
});

describe('diffSnapshot after a previous diff (the sender\'s steady state: only the changed stretch is compared)', () => {
  const [d, e, x, w] = ['d', 'e', 'x', 'w'].map((id) => container(id));
  const base = [a, b, c, d!, e!];
  const ids = (s: Snapshot): string[] => s.containers.map((i) => i.id);
  const cases: { name: string; next: ContainerSnapshot[]; placed: 'span' | 'insertAfter' | 'order' | 'whole' }[] = [
    { name: 'added in the middle', next: [a, b, x!, c, d!, e!], placed: 'span' },
    { name: 'added first', next: [x!, a, b, c, d!, e!], placed: 'span' },
    { name: 'added last', next: [...base, x!], placed: 'span' },
    { name: 'added in the middle and last', next: [a, b, x!, c, d!, e!, w!], placed: 'span' },
    { name: 'removed', next: [a, b, d!, e!], placed: 'span' },
    { name: 'removed first and last', next: [b, c, d!], placed: 'span' },
    { name: 'changed', next: [a, b, container('c', 'exited'), d!, e!], placed: 'span' },
    { name: 'replaced by one with another key', next: [a, b, x!, d!, e!], placed: 'span' },
    { name: 'added before a changed one', next: [a, b, x!, container('c', 'exited'), d!, e!], placed: 'insertAfter' },
    { name: 'added first, before a changed one', next: [x!, container('a', 'exited'), b, c, d!, e!], placed: 'insertAfter' },
    { name: 'changed in two places', next: [container('a', 'paused'), b, c, container('d', 'exited'), e!], placed: 'span' },
    { name: 'dropped at the start, added at the end (a ring)', next: [c, d!, e!, x!, w!], placed: 'span' },
    { name: 'reordered', next: [a, c, b, d!, e!], placed: 'order' },
    { name: 'moved from one stretch to another', next: [a, container('e', 'exited'), c, d!, container('b', 'exited')], placed: 'order' },
    { name: 'a new object with the key of an unchanged one', next: [a, container('d'), c, d!, e!], placed: 'whole' },
    { name: 'emptied', next: [], placed: 'span' },
  ];
  it.each(cases)('$name', ({ next: list, placed }) => {
    const first = snap([a]);
    const prev = snap([...base]);
    diffSnapshot(first, prev);
    const next = snap(list);
    const patch = diffSnapshot(prev, next);
    const lp = patch.lists.containers;
    const got = patch.set.containers ? 'whole' : lp?.order ? 'order' : lp?.insertAfter ? 'insertAfter' : lp?.spans ? 'span' : undefined;
    expect(got).toBe(placed);
    const applied = applyPatch(prev, patch);
    expect(ids(applied)).toEqual(ids(next));
    expect(applied).toEqual(next);
    // Unchanged objects keep their identity on the receiving side.
    list.forEach((item, i) => {
      if (base.includes(item)) expect(applied.containers[i]).toBe(item);
    });
  });

  it('chains: each diff is based on the last, and a receiver that applies them holds the sender\'s list', () => {
    const lists = [[a, b, c], [a, b, x!, c], [a, b, x!, c, w!], [a, x!, c, w!], [x!, c, container('w', 'exited')], [d!, x!, c]];
    let sent = snap(lists[0]!);
    let held = structuredClone(sent);
    for (const list of lists.slice(1)) {
      const next = snap(list);
      held = applyPatch(held, structuredClone(diffSnapshot(sent, next)));
      expect(held).toEqual(next);
      sent = next;
    }
  });
});
