import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, LayerEntry, LayerSnapshot, Snapshot } from '../../core/model';
import { HistoryStore, LineRecorder, type MomentSource } from './lineRecorder';

function container(name: string, state: ContainerSnapshot['state'] = 'running'): ContainerSnapshot {
  return { id: `${name}-id`, name, state, image: 'busybox', command: 'sleep 600', created: 1 } as unknown as ContainerSnapshot;
}

function snapshot(containers: ContainerSnapshot[], layers: LayerSnapshot[] = []): Snapshot {
  return { kind: 'real', time: 1, containers, images: [], layers, networks: [] } as unknown as Snapshot;
}

const upper = 'a'.repeat(64);
const image = 'sha256:' + 'b'.repeat(64);
const layer = (id: string, kind: LayerSnapshot['kind']): LayerSnapshot => ({ id, kind, parent: null, dir: `/d/${id}`, size: 1, entries: 1 });
const file = (path: string): LayerEntry => ({ path, type: 'file', size: 1, mode: 0o644 });

/** An engine whose state the test sets between lines. */
function engine(): MomentSource & { now: Snapshot; files: Record<string, LayerEntry[]>; asked: string[][] } {
  const e = {
    now: snapshot([]),
    files: {} as Record<string, LayerEntry[]>,
    asked: [] as string[][],
    snapshot: async () => structuredClone(e.now),
    layerEntries: async (ids: readonly string[]) => {
      e.asked.push([...ids]);
      return Object.fromEntries(ids.filter((id) => id in e.files).map((id) => [id, e.files[id]!]));
    },
  };
  return e;
}

describe('LineRecorder: the real engine after each line', () => {
  it('lists each line with its exit code at once, and answers its moment once read', async () => {
    const e = engine();
    const r = new LineRecorder();
    e.now = snapshot([container('web')]);
    expect(r.record('docker run -d --name web busybox sleep 600', 0, e)).toBe(0);
    await r.settled();
    e.now = snapshot([container('web', 'exited')]);
    r.record('docker stop web', 0, e);
    await r.settled();
    r.record('docker stop nope', 1, e);
    expect(r.lines()).toEqual([
      { lineNo: 0, line: 'docker run -d --name web busybox sleep 600', exit: 0 },
      { lineNo: 1, line: 'docker stop web', exit: 0 },
      { lineNo: 2, line: 'docker stop nope', exit: 1 },
    ]);
    expect((await r.at(0))?.containers.map((c) => c.state)).toEqual(['running']);
    expect((await r.at(1))?.containers.map((c) => c.state)).toEqual(['exited']);
    expect(await r.at(3)).toBeNull();
  });

  it('keeps the last lines only, numbered on: a dropped line is never answered by another', async () => {
    const e = engine();
    const r = new LineRecorder(3);
    for (let i = 0; i < 5; i++) {
      e.now = snapshot([container(`c${i}`)]);
      r.record(`line ${i}`, 0, e);
      await r.settled();
    }
    expect(r.lines().map((l) => [l.lineNo, l.line])).toEqual([
      [2, 'line 2'],
      [3, 'line 3'],
      [4, 'line 4'],
    ]);
    expect(await r.at(0)).toBeNull();
    expect(await r.at(1)).toBeNull();
    expect((await r.at(2))?.containers[0]?.name).toBe('c2');
    expect((await r.at(4))?.containers[0]?.name).toBe('c4');
    expect(await r.at(5)).toBeNull();
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER])('has no moment for line %s', async (n) => {
    const e = engine();
    const r = new LineRecorder();
    r.record('docker ps', 0, e);
    expect(await r.at(n)).toBeNull();
    expect(await r.layerEntriesAt(n, [upper], e)).toEqual({});
  });

  it('shares what did not change between moments (interned)', async () => {
    const e = engine();
    const r = new LineRecorder();
    e.now = snapshot([container('a'), container('b')]);
    r.record('one', 0, e);
    await r.settled();
    e.now = snapshot([container('a'), container('b', 'exited')]);
    r.record('two', 0, e);
    const [first, second] = [await r.at(0), await r.at(1)];
    expect(second!.containers[0]).toBe(first!.containers[0]);
    expect(second!.containers[1]).not.toBe(first!.containers[1]);
    expect(second!.containers[1]!.state).toBe('exited');
  });

  it('keeps a moment apart from later changes to what the engine handed it', async () => {
    const r = new LineRecorder();
    const live = snapshot([container('a')]);
    r.record('one', 0, { snapshot: async () => live, layerEntries: async () => ({}) });
    await r.at(0);
    (live.containers[0] as { state: string }).state = 'dead';
    expect((await r.at(0))!.containers[0]!.state).toBe('running');
  });

  it("answers a container layer's files as they were at that moment, an image layer's as now", async () => {
    const e = engine();
    const r = new LineRecorder();
    e.now = snapshot([container('a')], [layer(image, 'image'), layer(upper, 'container')]);
    e.files = { [upper]: [file('/one')], [image]: [file('/bin/sh')] };
    r.record('touch /one', 0, e);
    await r.settled();
    e.files = { [upper]: [file('/one'), file('/two')], [image]: [file('/bin/sh')] };
    r.record('touch /two', 0, e);
    await r.at(1);
    // Only the containers' own layers are recorded: image layers never change.
    expect(e.asked).toEqual([[upper], [upper]]);
    expect((await r.layerEntriesAt(0, [upper, image], e))[upper]!.map((f) => f.path)).toEqual(['/one']);
    expect((await r.layerEntriesAt(1, [upper, image], e))[upper]!.map((f) => f.path)).toEqual(['/one', '/two']);
    expect((await r.layerEntriesAt(0, [image], e))[image]!.map((f) => f.path)).toEqual(['/bin/sh']);
    // An image removed since: left out, not answered with something else; a layer not of that moment too.
    e.files = {};
    expect(await r.layerEntriesAt(0, [image, 'c'.repeat(64)], e)).toEqual({});
  });

  it('says a moment it could not read is not there, and goes on with the next', async () => {
    const e = engine();
    const r = new LineRecorder();
    r.record('broken', 0, { snapshot: () => Promise.reject(new Error('engine down')), layerEntries: async () => ({}) });
    e.now = snapshot([container('a')]);
    r.record('fine', 0, e);
    expect(await r.at(0)).toBeNull();
    expect((await r.at(1))?.containers).toHaveLength(1);
  });

  it('reads each moment after the one before it, even when the engine answers out of order', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const r = new LineRecorder();
    r.record('first', 0, {
      snapshot: async () => {
        await slow;
        order.push('first');
        return snapshot([container('a')]);
      },
      layerEntries: async () => ({}),
    });
    r.record('second', 0, {
      snapshot: async () => {
        order.push('second');
        return snapshot([container('a'), container('b')]);
      },
      layerEntries: async () => ({}),
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    release();
    expect((await r.at(1))?.containers).toHaveLength(2);
    expect(order).toEqual(['first', 'second']);
  });

  it('forgets everything on clear and numbers from 0 again', async () => {
    const e = engine();
    const r = new LineRecorder();
    r.record('one', 0, e);
    r.clear();
    expect(r.lines()).toEqual([]);
    expect(await r.at(0)).toBeNull();
    r.record('two', 0, e);
    expect(r.lines()).toEqual([{ lineNo: 0, line: 'two', exit: 0 }]);
  });
});

describe('HistoryStore: one history per page key', () => {
  it('gives the same key the same history and another key its own', () => {
    const store = new HistoryStore();
    const e = engine();
    store.get('1'.repeat(32)).record('docker ps', 0, e);
    expect(store.get('1'.repeat(32)).lines()).toHaveLength(1);
    expect(store.get('2'.repeat(32)).lines()).toEqual([]);
  });

  it('keeps at most so many histories, dropping the least recently used', () => {
    const store = new HistoryStore(2);
    const e = engine();
    const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(32)) as [string, string, string];
    store.get(a).record('in a', 0, e);
    store.get(b).record('in b', 0, e);
    store.get(a);
    store.get(c);
    expect(store.get(a).lines()).toHaveLength(1);
    expect(store.get(b).lines()).toEqual([]);
  });
});
