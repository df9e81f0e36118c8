import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../../../core/model';
import { LayerEntriesCache } from './entriesCache';

const f = (path: string): LayerEntry => ({ path, type: 'file', size: 1, mode: 0o644 });

describe('LayerEntriesCache', () => {
  it('asks once for image and init layers, every time for the container layer, and leaves out what the backend no longer has', async () => {
    const asked: string[][] = [];
    let upper = [f('/a')];
    const cache = new LayerEntriesCache(async (ids) => {
      asked.push(ids);
      const out: Record<string, LayerEntry[]> = {};
      for (const id of ids) if (id !== 'gone') out[id] = id === 'up' ? upper : [f(`/${id}`)];
      return out;
    });
    const stack = [
      { id: 'img', kind: 'image' as const },
      { id: 'init', kind: 'init' as const },
      { id: 'up', kind: 'container' as const },
    ];
    expect([...(await cache.get(stack)).keys()]).toEqual(['img', 'init', 'up']);
    upper = [f('/a'), f('/b')];
    const again = await cache.get([...stack, { id: 'gone', kind: 'container' }]);
    expect(asked).toEqual([['img', 'init', 'up'], ['up', 'gone']]);
    expect(again.get('up')?.map((e) => e.path)).toEqual(['/a', '/b']);
    expect(again.has('gone')).toBe(false);
  });
});
