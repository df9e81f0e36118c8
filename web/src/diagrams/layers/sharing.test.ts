import { describe, expect, it } from 'vitest';
import type { ImageSnapshot, LayerEntry, LayerSnapshot, Snapshot } from '../../../../core/model';
import { imageUsage, layerForest, wastedBytes } from './sharing';

const f = (path: string, size: number): LayerEntry => ({ path, type: 'file', size, mode: 0o644 });
const wh = (path: string): LayerEntry => ({ path, type: 'whiteout', size: 0, mode: 0 });
const opq = (path: string): LayerEntry => ({ path, type: 'opaque', size: 0, mode: 0o755 });

const layer = (id: string, parent: string | null, size: number): LayerSnapshot => ({ id, kind: 'image', parent, dir: `/d/${id}`, size, entries: 1 });
const image = (id: string, tag: string, layers: string[]): ImageSnapshot => ({ id, tags: [tag], layers, size: 0, created: '' });

const snapshot: Snapshot = {
  kind: 'real',
  time: 0,
  containers: [],
  images: [image('i1', 'base:1', ['A']), image('i2', 'app:1', ['A', 'B']), image('i3', 'app:2', ['A', 'C'])],
  layers: [layer('A', null, 100), layer('B', 'A', 10), layer('C', 'A', 30), { ...layer('up', 'A', 5), kind: 'container' }],
};

describe('layerForest', () => {
  it('draws each layer under its parent, with the images it ends and how many images use it', () => {
    expect(layerForest(snapshot).map((n) => [n.depth, n.layer.id, n.images.map((i) => i.tags[0]), n.usedBy])).toEqual([
      [0, 'A', ['base:1'], 3],
      [1, 'B', ['app:1'], 1],
      [1, 'C', ['app:2'], 1],
    ]);
  });
});

describe('wastedBytes', () => {
  it.each([
    ['nothing hidden', [[f('/a', 5)], [f('/b', 7)]], 0],
    ['a file overwritten later', [[f('/a', 5)], [f('/a', 9)]], 5],
    ['a file deleted later', [[f('/a', 5), f('/b', 2)], [wh('/a')]], 5],
    ['a directory deleted later', [[f('/d/x', 5), f('/d/y', 6)], [wh('/d')]], 11],
    ['a directory made opaque later', [[f('/d/x', 5)], [opq('/d'), f('/d/z', 1)]], 5],
    ['the top layer wastes nothing', [[f('/a', 5)], [f('/a', 9), wh('/b')]], 5],
  ] as const)('%s', (_what, layers, expected) => {
    expect(wastedBytes(layers)).toBe(expected);
  });
});

describe('imageUsage', () => {
  it('sums sizes, counts layers other images use as shared, and waits for file lists before judging waste', () => {
    const entries = new Map<string, LayerEntry[]>([
      ['A', [f('/etc/conf', 40)]],
      ['B', [f('/etc/conf', 10)]],
    ]);
    expect(imageUsage(snapshot, entries).map((u) => [u.image.tags[0], u.size, u.shared, u.wasted])).toEqual([
      ['base:1', 100, 100, 0],
      ['app:1', 110, 100, 40],
      ['app:2', 130, 100, null],
    ]);
  });
});
