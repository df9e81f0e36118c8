import { describe, expect, it } from 'vitest';
import { EngineDriver } from './testDriver';

describe('diskUsage', () => {
  it('counts every layer once, the shared part of each image and the containers using it', () => {
    const d = new EngineDriver('du');
    d.runDetached(['sleep', '300'], { name: 'web' });
    const du = d.engine.diskUsage();
    const busybox = du.images.find((u) => u.image.repoTags.includes('busybox:latest'))!;
    const hello = du.images.find((u) => u.image.repoTags.includes('hello-world:latest'))!;
    expect(busybox.containers).toBe(1);
    expect(hello.containers).toBe(0);
    expect(du.layersSize).toBe(busybox.size + hello.size);
    expect(busybox.sharedSize).toBe(0);
    expect(du.containers.map((c) => c.sizeRw)).toEqual([0]);
  });

  it('a commit on top shares the base image’s layers, counted once in LayersSize', () => {
    const d = new EngineDriver('du-commit');
    const id = d.runDetached(['sleep', '300'], { name: 'wk' });
    d.engine.commitContainer(id, { reference: 'mine:v1' });
    const du = d.engine.diskUsage();
    const mine = du.images.find((u) => u.image.repoTags.includes('mine:v1'))!;
    const busybox = du.images.find((u) => u.image.repoTags.includes('busybox:latest'))!;
    expect(mine.sharedSize).toBe(busybox.size);
    expect(busybox.sharedSize).toBe(busybox.size);
    expect(du.layersSize).toBe(mine.size + du.images.find((u) => u.image.repoTags.includes('hello-world:latest'))!.size);
  });
});
