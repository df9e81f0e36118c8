import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, MountSnapshot, VolumeSnapshot } from '../../../../core/model';
import { hostPathLines, wrapWords, layoutContainerVolumes, layoutVolumeGraph, shortVolumeName, STACK_W, STACK_X } from './volumesLayout';

function container(name: string, mounts: MountSnapshot[], layers = ['sha256:a', 'sha256:b', 'x-init', 'x']): ContainerSnapshot {
  return {
    id: `${name}-id`,
    name,
    image: 'busybox',
    imageId: 'sha256:img',
    command: ['sh'],
    state: 'running',
    exitCode: 0,
    pid: 100,
    oomKilled: false,
    restartCount: 0,
    created: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '0001-01-01T00:00:00Z',
    status: 'Up',
    config: { hostname: 'h', env: [], tty: false, openStdin: false, autoRemove: false, restartPolicy: { name: 'no', maximumRetryCount: 0 }, labels: {} },
    rootfs: { containerId: `${name}-id`, lowerdirs: [], upperdir: '/u', workdir: '/w', merged: '/m', layers },
    mounts,
  };
}

const volumeMount = (name: string, destination: string, rw = true): MountSnapshot => ({ type: 'volume', name, source: `/var/lib/docker/volumes/${name}/_data`, destination, rw });
const volume = (name: string, anonymous = false): VolumeSnapshot => ({ name, driver: 'local', mountpoint: `/var/lib/docker/volumes/${name}/_data`, labels: {}, anonymous, users: [], createdAt: '2026-01-01T00:00:00Z' });

describe('layoutContainerVolumes', () => {
  const c = container('web', [volumeMount('data', '/data'), { type: 'bind', name: '', source: '/srv/site', destination: '/www', rw: false }, { type: 'tmpfs', name: '', source: '', destination: '/run', rw: true }]);
  const layout = layoutContainerVolumes(c, []);

  it('stacks the merged view over the container, init and image layers', () => {
    expect(layout.stack.map((b) => [b.kind, b.count])).toEqual([
      ['merged', 1],
      ['container', 1],
      ['init', 1],
      ['image', 2],
    ]);
    const ys = layout.stack.map((b) => b.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
  });

  it('frames the layers below the merged view as the union the mounts bypass', () => {
    const [merged, , , image] = layout.stack;
    expect(layout.union.y).toBeGreaterThan(merged!.y + merged!.h - 1);
    expect(layout.union.y + layout.union.h).toBeGreaterThanOrEqual(image!.y + image!.h);
  });

  it('puts each mount point beside the merged view and its host directory below, outside the union', () => {
    expect(layout.mounts.map((m) => m.mount.destination)).toEqual(['/data', '/www', '/run']);
    for (const m of layout.mounts) {
      expect(m.point.y).toBe(layout.stack[0]!.y);
      expect(m.point.x).toBeGreaterThan(layout.union.x + layout.union.w);
      expect(m.host.y).toBe(layout.hostY);
      expect(m.host.y).toBeGreaterThan(layout.union.y + layout.union.h);
      // One line out of the merged view, over the top, then straight down through the mount point to its host directory.
      expect(m.path.startsWith(`M${STACK_X + STACK_W - 24},${layout.stack[0]!.y} V`)).toBe(true);
      expect(m.path.endsWith(`H${m.point.x + m.point.w / 2} V${m.host.y}`)).toBe(true);
      expect(m.drop.x).toBe(m.point.x + m.point.w / 2);
      expect(m.drop.y).toBeGreaterThan(layout.union.y);
      expect(m.drop.y).toBeLessThan(m.host.y);
    }
    const xs = layout.mounts.map((m) => m.point.x);
    expect(new Set(xs).size).toBe(xs.length);
    expect(layout.width).toBeGreaterThanOrEqual(Math.max(...layout.mounts.map((m) => m.point.x + m.point.w)));
    expect(layout.height).toBeGreaterThan(layout.hostY);
  });

  it('is deterministic and only grows wider with more mounts', () => {
    expect(layoutContainerVolumes(c, [])).toEqual(layout);
    expect(layoutContainerVolumes(container('bare', []), []).width).toBe(720);
    const many = container('many', Array.from({ length: 5 }, (_, i) => volumeMount(`v${i}`, `/v${i}`)));
    expect(layoutContainerVolumes(many, []).width).toBeGreaterThan(720);
  });

  it('counts the image layers from the snapshot\'s layer kinds when it has them', () => {
    const layers = [
      { id: 'sha256:a', kind: 'image' as const, parent: null, dir: '', size: 0, entries: 0 },
      { id: 'sha256:b', kind: 'image' as const, parent: 'sha256:a', dir: '', size: 0, entries: 0 },
      { id: 'sha256:c', kind: 'image' as const, parent: 'sha256:b', dir: '', size: 0, entries: 0 },
    ];
    const three = container('t', [], ['sha256:a', 'sha256:b', 'sha256:c', 'x-init', 'x']);
    expect(layoutContainerVolumes(three, layers).stack.at(-1)?.count).toBe(3);
  });
});

describe('layoutVolumeGraph', () => {
  const anon = 'f'.repeat(64);
  const web = container('web', [volumeMount('data', '/data'), volumeMount(anon, '/cache')]);
  const db = container('db', [volumeMount('db', '/var/lib/mysql')]);
  const backup = container('backup', [volumeMount('data', '/backup', false), { type: 'bind', name: '', source: '/h', destination: '/h', rw: true }]);
  const lone = container('lone', []);
  const layout = layoutVolumeGraph([volume(anon, true), volume('data'), volume('db'), volume('unused')], [web, db, backup, lone]);

  it('lists named volumes before anonymous ones, each by name', () => {
    expect(layout.volumes.map((v) => v.volume.name)).toEqual(['data', 'db', 'unused', anon]);
  });

  it('lists only the containers that use a volume, by the first volume they use', () => {
    expect(layout.containers.map((c) => c.container.name)).toEqual(['backup', 'web', 'db']);
  });

  it('links each volume mount from the volume to its container, with where it is mounted', () => {
    expect(layout.links.map((l) => `${l.volume.slice(0, 4)}→${l.container}:${l.destination}:${l.rw ? 'rw' : 'ro'}`)).toEqual([
      'data→backup-id:/backup:ro',
      'data→web-id:/data:rw',
      'ffff→web-id:/cache:rw',
      'db→db-id:/var/lib/mysql:rw',
    ]);
    const data = layout.volumes[0]!;
    const webNode = layout.containers[1]!;
    expect(layout.links[1]!.d).toBe(`M${data.x + data.w},${data.y + data.h / 2} C${(data.x + data.w + webNode.x) / 2},${data.y + data.h / 2} ${(data.x + data.w + webNode.x) / 2},${webNode.y + webNode.h / 2} ${webNode.x},${webNode.y + webNode.h / 2}`);
  });

  it('has room for the longer column and is deterministic', () => {
    const last = layout.volumes.at(-1)!;
    expect(layout.height).toBeGreaterThan(last.y + last.h);
    expect(layoutVolumeGraph([volume(anon, true), volume('data'), volume('db'), volume('unused')], [web, db, backup, lone])).toEqual(layout);
    expect(layoutVolumeGraph([], []).volumes).toEqual([]);
  });
});

describe('short names', () => {
  it('cuts an anonymous volume\'s name', () => {
    expect(shortVolumeName({ name: 'a'.repeat(64), anonymous: true })).toBe('aaaaaaaaaaaa…');
    expect(shortVolumeName({ name: 'data', anonymous: false })).toBe('data');
  });

  it.each([
    ['/var/lib/docker/volumes/data/_data', ['/var/lib/docker/', 'volumes/', 'data/_data']],
    [`/var/lib/docker/volumes/${'b'.repeat(64)}/_data`, ['/var/lib/docker/', 'volumes/', 'bbbbbbbbbbbb…/_data']],
    ['/srv/site', ['/srv/site']],
    ['/home/student/projects/site/public', ['/home/student/', 'projects/site/public']],
    ['/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s', ['/a/b/c/d/e/f/g/h/i/', 'j/k/l/m/n/o/p/q/r/s']],
    [`/tmp/${'x'.repeat(40)}`, ['/tmp/', `…${'x'.repeat(19)}`]],
    [`/${'a'.repeat(18)}/${'b'.repeat(18)}/${'c'.repeat(18)}/dddd`, [`/${'a'.repeat(18)}/`, '…/', 'dddd']],
  ])('%s', (path, lines) => {
    expect(hostPathLines(path)).toEqual(lines);
  });
});

describe('wrapWords', () => {
  it.each([
    ['memory: empty at each start', 20, 2, ['memory: empty at', 'each start']],
    ['volume data', 20, 2, ['volume data']],
    [`volume ${'n'.repeat(30)}`, 20, 2, ['volume', `${'n'.repeat(19)}…`]],
    ['one two three four five six', 9, 2, ['one two', 'three…']],
    ['内存：每次启动都是空的', 20, 2, ['内存：每次启动都是空的']],
  ])('%j in %d columns', (text, max, lines, want) => {
    expect(wrapWords(text, max, lines)).toEqual(want);
  });
});
