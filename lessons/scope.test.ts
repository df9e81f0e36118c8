import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, ImageSnapshot, Snapshot } from '../core/model';
import { lessonScope } from './scope';

const container = (id: string, name: string, imageId: string, extra: Partial<ContainerSnapshot> = {}): ContainerSnapshot =>
  ({ id, name, imageId, image: '', state: 'running', ...extra }) as ContainerSnapshot;
const image = (id: string, tags: string[], layers: string[]): ImageSnapshot => ({ id, tags, layers, size: 0, created: '' });

// A shared engine: this student's web and db, an unnamed one of theirs, and another student's web.
const engine: Snapshot = {
  kind: 'real',
  time: 0,
  containers: [
    container('c1', 'web-ab12', 'i-nginx', { networks: [{ network: 'bridge' } as never] }),
    container('c2', 'db-ab12', 'i-redis', { networks: [{ network: 'mynet-ab12' } as never], mounts: [{ name: 'data-ab12' } as never] }),
    container('c3', 'web-zz99', 'i-nginx', { networks: [{ network: 'bridge' } as never] }),
    container('c4', 'quirky_turing', 'i-busybox'),
    container('c5', 'website-ab12x', 'i-busybox'),
  ],
  images: [
    image('i-busybox', ['busybox:latest'], ['L1']),
    image('i-mine', ['mybox-ab12:v1'], ['L1', 'L2']),
    image('i-nginx', ['nginx:latest'], ['N1']),
    image('i-redis', ['redis:latest'], ['R1']),
    image('i-theirs', ['mybox-zz99:v1'], ['L1', 'L3']),
  ],
  layers: [
    { id: 'L1', kind: 'image' },
    { id: 'L3', kind: 'image' },
    { id: 'u1', kind: 'container', containerId: 'c1' },
    { id: 'u3', kind: 'container', containerId: 'c3' },
  ] as never,
  networks: [
    { name: 'bridge', containers: ['c1', 'c3'] },
    { name: 'mynet-ab12', containers: ['c2'] },
    { name: 'theirnet-zz99', containers: [] },
  ] as never,
  interfaces: [
    { name: 'docker0', netns: 'host', kind: 'bridge', ifindex: 3 },
    { name: 'veth1', netns: 'host', kind: 'veth', ifindex: 10, peerIfindex: 11 },
    { name: 'veth3', netns: 'host', kind: 'veth', ifindex: 30, peerIfindex: 31 },
    { name: 'eth0', netns: 'c1', kind: 'veth', ifindex: 11, peerIfindex: 10 },
    { name: 'eth0', netns: 'c3', kind: 'veth', ifindex: 31, peerIfindex: 30 },
  ] as never,
  processes: [
    { pid: 1, role: 'dockerd' },
    { pid: 2, role: 'container', containerId: 'c1' },
    { pid: 3, role: 'container', containerId: 'c3' },
  ] as never,
  namespaces: [
    { type: 'net', inode: 1, owner: 'host' },
    { type: 'net', inode: 2, owner: 'c1' },
    { type: 'net', inode: 3, owner: 'c3' },
  ],
  cgroups: [{ containerId: 'c1' }, { containerId: 'c3' }] as never,
  volumes: [{ name: 'data-ab12' }, { name: 'data-zz99' }] as never,
};

describe('lessonScope', () => {
  it.each<[string, string[], { suffix?: string; ids?: string[] }, string[]]>([
    ['by the lesson names', ['web-ab12', 'db-ab12'], {}, ['web-ab12', 'db-ab12']],
    ['by the suffix (not a name that merely contains it)', [], { suffix: 'ab12' }, ['web-ab12', 'db-ab12']],
    ['with the unnamed containers the lesson made', ['web-ab12'], { ids: ['c4'] }, ['web-ab12', 'quirky_turing']],
    ['nothing of the lesson yet', ['web-ffff'], { suffix: 'ffff' }, []],
  ])('keeps the containers %s', (_what, names, opts, want) => {
    expect(lessonScope(engine, names, opts).containers.map((c) => c.name)).toEqual(want);
  });

  const mine = lessonScope(engine, ['web-ab12', 'db-ab12', 'mynet-ab12', 'data-ab12', 'mybox-ab12'], { suffix: 'ab12' });

  it("keeps only what the student's containers stand on", () => {
    expect(mine.images.map((i) => i.tags[0])).toEqual(['busybox:latest', 'mybox-ab12:v1', 'nginx:latest', 'redis:latest']);
    expect(mine.layers!.map((l) => l.id)).toEqual(['L1', 'u1']);
    expect(mine.networks!.map((n) => [n.name, n.containers])).toEqual([
      ['bridge', ['c1']],
      ['mynet-ab12', ['c2']],
    ]);
    expect(mine.interfaces!.map((i) => `${i.netns}/${i.name}`)).toEqual(['host/docker0', 'host/veth1', 'c1/eth0']);
    expect(mine.processes!.map((p) => p.pid)).toEqual([1, 2]);
    expect(mine.namespaces!.map((n) => n.owner)).toEqual(['host', 'c1']);
    expect(mine.cgroups!.map((g) => g.containerId)).toEqual(['c1']);
    expect(mine.volumes!.map((v) => v.name)).toEqual(['data-ab12']);
  });

  it('leaves the snapshot it was given alone', () => {
    expect(engine.containers).toHaveLength(5);
    expect(engine.networks![0]!.containers).toEqual(['c1', 'c3']);
  });
});
