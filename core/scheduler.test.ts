import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler';
import { randomHex, seededRng } from './ports';

describe('Scheduler', () => {
  it('fires timers in time order, and in the order set when due together', () => {
    const s = new Scheduler(1000);
    const fired: string[] = [];
    s.after(30, () => fired.push('c'));
    s.after(10, () => fired.push('a'));
    s.after(10, () => fired.push('b'));
    s.advanceTo(1025);
    expect(fired).toEqual(['a', 'b']);
    expect(s.now()).toBe(1025);
    s.advanceTo(2000);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('lets a timer set another that fires within the same advance, at the right time', () => {
    const s = new Scheduler(0);
    const times: number[] = [];
    s.after(5, () => {
      times.push(s.now());
      s.after(5, () => times.push(s.now()));
    });
    s.advanceTo(100);
    expect(times).toEqual([5, 10]);
  });

  it('cancels a timer', () => {
    const s = new Scheduler(0);
    let fired = false;
    const cancel = s.after(5, () => (fired = true));
    cancel();
    expect(s.advanceToNext()).toBe(false);
    expect(fired).toBe(false);
  });

  it('never moves time backwards', () => {
    const s = new Scheduler(50);
    s.advanceTo(10);
    expect(s.now()).toBe(50);
  });
});

describe('seededRng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = seededRng('x');
    const b = seededRng('x');
    const c = seededRng('y');
    const seqA = [a.nextU32(), a.nextU32(), a.nextU32()];
    expect([b.nextU32(), b.nextU32(), b.nextU32()]).toEqual(seqA);
    expect([c.nextU32(), c.nextU32(), c.nextU32()]).not.toEqual(seqA);
  });

  it('makes hex ids of the asked length', () => {
    const id = randomHex(seededRng('ids'), 64);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
  });
});
