import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot } from '../../core/model';
import { ContainerTable, withRetries } from './containerTable';

const c = (id: string, state: ContainerSnapshot['state'], status = ''): ContainerSnapshot => ({ id, name: id, state, status }) as ContainerSnapshot;

describe('ContainerTable', () => {
  // Two reads of one container, started in order `first` then `second`, answered in the order given.
  it.each([
    { answered: 'in order', order: ['first', 'second'], held: 'running' },
    { answered: 'crossed (the older answer comes last)', order: ['second', 'first'], held: 'running' },
  ])('keeps the newer read when answers come $answered', ({ order, held }) => {
    const t = new ContainerTable();
    const tickets = { first: t.ticket(), second: t.ticket() };
    const answers = { first: c('a', 'exited'), second: c('a', 'running') };
    for (const k of order as ('first' | 'second')[]) t.apply('a', tickets[k], answers[k]);
    expect(t.get('a')?.state).toBe(held);
  });

  it('does not bring back a container an older answer still shows after a newer read found it gone', () => {
    const t = new ContainerTable();
    const old = t.ticket();
    expect(t.apply('a', t.ticket(), null)).toBe(true);
    expect(t.apply('a', old, c('a', 'running'))).toBe(false);
    expect(t.has('a')).toBe(false);
  });

  it('takes a STATUS text only from a list not older than the read it holds', () => {
    const t = new ContainerTable();
    const list = t.ticket();
    t.apply('a', t.ticket(), c('a', 'running', 'Up 1 second'));
    t.setStatus('a', list, 'Exited (0) 1 second ago');
    expect(t.get('a')?.status).toBe('Up 1 second');
    t.setStatus('a', t.ticket(), 'Up 2 seconds');
    expect(t.get('a')?.status).toBe('Up 2 seconds');
  });
});

describe('withRetries', () => {
  const failing = (codes: number[]) => {
    let calls = 0;
    return {
      fn: async (): Promise<string> => {
        const code = codes[calls++];
        if (code !== undefined) throw Object.assign(new Error(`HTTP ${code}`), { statusCode: code });
        return 'ok';
      },
      calls: () => calls,
    };
  };
  it.each([
    { codes: [500, 500], attempts: 3, result: 'ok', calls: 3 },
    { codes: [500, 500, 500], attempts: 3, result: 'HTTP 500', calls: 3 },
    { codes: [404], attempts: 3, result: 'HTTP 404', calls: 1 },
  ])('$codes with $attempts attempts: $result after $calls calls', async ({ codes, attempts, result, calls }) => {
    const f = failing(codes);
    const got = await withRetries(f.fn, attempts, 1).catch((err: Error) => err.message);
    expect([got, f.calls()]).toEqual([result, calls]);
  });
});
