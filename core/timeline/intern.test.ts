import { describe, expect, it } from 'vitest';
import { Interner } from './intern';

describe('Interner', () => {
  it('returns a value deeply equal to what it was given', () => {
    const i = new Interner();
    const v = { a: [1, { b: 'x' }], c: null, d: { e: true } };
    expect(i.intern(v)).toEqual(v);
  });

  it('shares the parts that did not change since the previous value, and only those', () => {
    const i = new Interner();
    const first = i.intern({ containers: [{ id: 'a', state: 'running' }, { id: 'b', state: 'running' }], images: [{ id: 'x' }] });
    const second = i.intern({ containers: [{ id: 'a', state: 'running' }, { id: 'b', state: 'exited' }], images: [{ id: 'x' }] });
    expect(second.images).toBe(first.images);
    expect(second).not.toBe(first);
    expect(second.containers[0]).toBe(first.containers[0]);
    expect(second.containers[1]).not.toBe(first.containers[1]);
    expect(second.containers[1]).toEqual({ id: 'b', state: 'exited' });
  });

  it('finds a list element again by its id when the list around it changed', () => {
    const i = new Interner();
    const first = i.intern({ trace: [{ seq: 1, op: 'clone' }, { seq: 2, op: 'mount' }] });
    const second = i.intern({ trace: [{ seq: 2, op: 'mount' }, { seq: 3, op: 'exit' }] });
    expect(second.trace[0]).toBe(first.trace[1]);
    expect(second.trace).toEqual([{ seq: 2, op: 'mount' }, { seq: 3, op: 'exit' }]);
  });

  it('keeps a copy: changing the value given later does not change what was interned', () => {
    const i = new Interner();
    const v = { containers: [{ id: 'a', labels: { x: '1' } }] };
    const kept = i.intern(v);
    v.containers[0]!.labels.x = '2';
    expect(kept.containers[0]!.labels.x).toBe('1');
  });

  it('tells apart values that differ only in a primitive type or key order', () => {
    const i = new Interner();
    const v = i.intern({ list: [{ n: 1 }, { n: '1' }, { a: 1, b: 2 }, { b: 2, a: 1 }] }).list;
    expect(v[0]).not.toBe(v[1]);
    expect(v[1]).toEqual({ n: '1' });
    expect(v[3]).toEqual({ b: 2, a: 1 });
  });
});
