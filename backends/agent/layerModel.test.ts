import type { ContainerInspectInfo, ImageInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import { containerLayers, imageLayersFromInspect, layerHistory, overlayDirId, rootOverlayFromMountinfo } from './layerModel';

const O2 = '/var/lib/docker/overlay2';
const hex = (c: string): string => c.repeat(64);
const diff = (id: string): string => `${O2}/${id}/diff`;

function image(layers: string[], dirs: string[]): ImageInspectInfo {
  const top = dirs.at(-1)!;
  const lower = dirs.slice(0, -1).reverse().join(':');
  return { Id: 'sha256:' + hex('f'), RootFS: { Type: 'layers', Layers: layers }, GraphDriver: { Name: 'overlay2', Data: { UpperDir: top, ...(lower ? { LowerDir: lower } : {}) } } } as unknown as ImageInspectInfo;
}

describe('rootOverlayFromMountinfo', () => {
  it('reads lowerdir, upperdir and workdir of the mount at /, short l/ names as written', () => {
    const text = [
      `148 97 0:61 / / rw,relatime master:4 - overlay overlay rw,lowerdir=${O2}/l/XBWL:${O2}/l/5V3Q,upperdir=${diff(hex('8'))},workdir=${O2}/${hex('8')}/work`,
      '149 148 0:64 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
      '',
    ].join('\n');
    expect(rootOverlayFromMountinfo(text)).toEqual({ lowerdirs: [`${O2}/l/XBWL`, `${O2}/l/5V3Q`], upperdir: diff(hex('8')), workdir: `${O2}/${hex('8')}/work` });
  });
  it('keeps relative l/ names (Docker mounts from the overlay2 root when options are long) and undoes \\040 escapes', () => {
    const text = '20 1 0:9 / / rw - overlay overlay rw,lowerdir=l/AAA:l/BBB,upperdir=/a\\040b/diff,workdir=/a\\040b/work,index=off\n';
    expect(rootOverlayFromMountinfo(text)).toEqual({ lowerdirs: ['l/AAA', 'l/BBB'], upperdir: '/a b/diff', workdir: '/a b/work' });
  });
  it('is null when / is not an overlay mount', () => {
    expect(rootOverlayFromMountinfo('22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n')).toBeNull();
  });
});

describe('imageLayersFromInspect', () => {
  it('pairs RootFS.Layers (bottom first) with UpperDir and LowerDir (top first)', () => {
    const layers = imageLayersFromInspect(image(['sha256:' + hex('1'), 'sha256:' + hex('2'), 'sha256:' + hex('3')], [diff(hex('a')), diff(hex('b')), diff(hex('c'))]), ['ADD', 'RUN a', 'RUN b']);
    expect(layers?.map((l) => [l.id.slice(7, 8), l.dir.slice(O2.length + 1, O2.length + 2), l.parent?.slice(7, 8) ?? null, l.createdBy])).toEqual([
      ['1', 'a', null, 'ADD'],
      ['2', 'b', '1', 'RUN a'],
      ['3', 'c', '2', 'RUN b'],
    ]);
  });
  it('refuses to guess when the driver names a different number of directories', () => {
    expect(imageLayersFromInspect(image(['sha256:' + hex('1'), 'sha256:' + hex('2')], [diff(hex('a'))]), null)).toBeNull();
  });
});

describe('layerHistory', () => {
  it('takes the non-empty entries of the image config', () => {
    expect(layerHistory(2, [{ created_by: 'ADD x' }, { created_by: 'CMD', empty_layer: true }, { created_by: 'RUN y' }], null)).toEqual(['ADD x', 'RUN y']);
  });
  it('without the config, takes the API entries that added bytes, oldest first', () => {
    expect(layerHistory(2, null, [{ CreatedBy: 'CMD', Size: 0 }, { CreatedBy: 'RUN y', Size: 5 }, { CreatedBy: 'ADD x', Size: 9 }])).toEqual(['ADD x', 'RUN y']);
  });
  it('is null when nothing gives one line per layer', () => {
    expect(layerHistory(3, null, [{ CreatedBy: 'ADD x', Size: 9 }])).toBeNull();
  });
});

describe('containerLayers', () => {
  const img = imageLayersFromInspect(image(['sha256:' + hex('1'), 'sha256:' + hex('2')], [diff(hex('a')), diff(hex('b'))]), null)!;
  const info = { Id: hex('c'), GraphDriver: { Name: 'overlay2', Data: { MergedDir: `${O2}/${hex('d')}/merged` } } } as unknown as ContainerInspectInfo;
  const mount = { lowerdirs: [`${O2}/l/INIT`, `${O2}/l/BBB`, `${O2}/l/AAA`], upperdir: diff(hex('d')), workdir: `${O2}/${hex('d')}/work` };

  it('stacks the image layers, the init layer and the upper layer, bottom first', () => {
    const { layers, rootfs } = containerLayers(info, mount, [diff(`${hex('d')}-init`), diff(hex('b')), diff(hex('a'))], img);
    expect(rootfs.layers).toEqual(['sha256:' + hex('1'), 'sha256:' + hex('2'), `${hex('d')}-init`, hex('d')]);
    expect(rootfs.lowerdirs).toEqual(mount.lowerdirs);
    expect(rootfs.merged).toBe(`${O2}/${hex('d')}/merged`);
    expect(layers.map((l) => [l.kind, l.id, l.parent])).toEqual([
      ['init', `${hex('d')}-init`, 'sha256:' + hex('2')],
      ['container', hex('d'), `${hex('d')}-init`],
    ]);
  });
  it('matches by position where the directories are not the image driver’s (containerd snapshots)', () => {
    const snap = (n: number): string => `/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/${n}/fs`;
    const { rootfs } = containerLayers(info, { lowerdirs: [snap(9), snap(2), snap(1)], upperdir: snap(10), workdir: '/w' }, [snap(9), snap(2), snap(1)], img);
    expect(rootfs.layers).toEqual(['sha256:' + hex('1'), 'sha256:' + hex('2'), `${hex('c')}-init`, hex('c')]);
  });
});

describe('overlayDirId', () => {
  it.each([
    [diff(hex('a')), hex('a')],
    [diff(`${hex('a')}-init`), `${hex('a')}-init`],
    ['/var/lib/containerd/snapshots/3/fs', null],
  ])('%s → %s', (dir, id) => expect(overlayDirId(dir)).toBe(id));
});
