import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, LayerSnapshot, Snapshot } from '../model';
import { diffSnapshots, isEmptyDiff, type LayerFiles, type SnapshotDiff } from './diffSnapshots';

function container(id: string, name: string, state: ContainerSnapshot['state']): ContainerSnapshot {
  return {
    id, name, image: 'busybox', imageId: 'sha256:img', command: ['sh'], state, exitCode: 0, pid: 0, oomKilled: false, restartCount: 0,
    created: '', startedAt: '', finishedAt: '', status: '',
    config: { hostname: id.slice(0, 12), env: [], tty: false, openStdin: false, autoRemove: false, restartPolicy: { name: 'no', maximumRetryCount: 0 }, labels: {} },
    rootfs: { containerId: id, lowerdirs: [], upperdir: '', workdir: '', merged: '', layers: ['sha256:base', `${id}-init`, id] },
  };
}
const layer = (id: string, kind: LayerSnapshot['kind'], containerId?: string): LayerSnapshot => ({ id, kind, parent: null, dir: id, size: 0, entries: 0, ...(containerId ? { containerId } : {}) });
const snap = (over: Partial<Snapshot> = {}): Snapshot => ({ kind: 'sim', time: 0, containers: [], images: [], ...over });

const web = container('c1', 'web', 'running');
const base: Snapshot = snap({
  containers: [web],
  images: [{ id: 'sha256:img', tags: ['busybox:latest'], layers: ['sha256:base'], size: 1, created: '' }],
  layers: [layer('sha256:base', 'image'), layer('c1-init', 'init', 'c1'), layer('c1', 'container', 'c1')],
  interfaces: [{ name: 'docker0', ifindex: 3, kind: 'bridge', mac: 'm', addresses: ['172.17.0.1/16'], up: true, netns: 'host' }],
  natRules: [{ table: 'nat', chain: 'POSTROUTING', rule: '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE' }],
  namespaces: [{ type: 'net', inode: 4026531992, owner: 'host' }],
  cgroups: [{ path: '/docker/c1', version: 1, containerId: 'c1', files: {}, memoryUsage: 0, memoryLimit: 0, pidsCurrent: 1, frozen: false }],
});
const lowerFiles: LayerFiles = { 'sha256:base': [{ path: '/etc', type: 'dir', size: 0, mode: 0o755 }, { path: '/etc/motd', type: 'file', size: 5, mode: 0o644 }, { path: '/bin/vi', type: 'file', size: 9, mode: 0o755 }] };

type Case = { name: string; b: Snapshot; filesA?: LayerFiles; filesB?: LayerFiles; expect: Partial<SnapshotDiff> };
const cases: Case[] = [
  { name: 'nothing changed', b: base, expect: {} },
  {
    name: 'a container started and another stopped',
    b: { ...base, containers: [{ ...web, state: 'exited' }, container('c2', 'db', 'running')] },
    expect: { containers: [{ id: 'c1', name: 'web', change: 'changed', from: 'running', to: 'exited' }, { id: 'c2', name: 'db', change: 'added', to: 'running' }] },
  },
  {
    name: 'a container removed, with its layers, cgroup and namespace',
    b: { ...base, containers: [], layers: [layer('sha256:base', 'image')], cgroups: [], namespaces: [] },
    expect: {
      containers: [{ id: 'c1', name: 'web', change: 'removed', from: 'running' }],
      layers: [{ id: 'c1-init', kind: 'init', change: 'removed' }, { id: 'c1', kind: 'container', change: 'removed' }],
      cgroups: [{ path: '/docker/c1', change: 'removed' }],
      namespaces: [{ type: 'net', inode: 4026531992, owner: 'host', change: 'removed' }],
    },
  },
  {
    name: 'an image tagged, another pulled',
    b: { ...base, images: [{ ...base.images[0]!, tags: ['busybox:latest', 'mine:1'] }, { id: 'sha256:hello', tags: ['hello-world:latest'], layers: [], size: 1, created: '' }] },
    expect: { images: [{ id: 'sha256:img', tags: ['busybox:latest', 'mine:1'], change: 'changed' }, { id: 'sha256:hello', tags: ['hello-world:latest'], change: 'added' }] },
  },
  {
    name: 'files in the upper layer: added, changed (copied up) and deleted (whiteout), as docker diff',
    b: base,
    filesA: { ...lowerFiles, c1: [] },
    filesB: { ...lowerFiles, c1: [{ path: '/etc', type: 'dir', size: 0, mode: 0o755 }, { path: '/etc/motd', type: 'file', size: 8, mode: 0o644 }, { path: '/tmp/new', type: 'file', size: 2, mode: 0o644 }, { path: '/bin/vi', type: 'whiteout', size: 0, mode: 0 }] },
    expect: { files: [{ container: 'web', path: '/etc', change: 'C' }, { container: 'web', path: '/etc/motd', change: 'C' }, { container: 'web', path: '/tmp/new', change: 'A' }, { container: 'web', path: '/bin/vi', change: 'D' }] },
  },
  {
    name: 'a file already in the upper layer at the first moment and unchanged is not listed; one rewritten is',
    b: base,
    filesA: { c1: [{ path: '/a', type: 'file', size: 1, mode: 0o644 }, { path: '/b', type: 'file', size: 1, mode: 0o644 }] },
    filesB: { c1: [{ path: '/a', type: 'file', size: 1, mode: 0o644 }, { path: '/b', type: 'file', size: 3, mode: 0o644 }] },
    expect: { files: [{ container: 'web', path: '/b', change: 'C' }] },
  },
  {
    name: 'a port published: a NAT rule added; an interface brought down',
    b: {
      ...base,
      interfaces: [{ ...base.interfaces![0]!, up: false }],
      natRules: [...base.natRules!, { table: 'nat', chain: 'DOCKER', rule: '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80', containerId: 'c1' }],
    },
    expect: {
      interfaces: [{ name: 'docker0', netns: 'host', change: 'changed', detail: 'DOWN 172.17.0.1/16' }],
      natRules: [{ table: 'nat', chain: 'DOCKER', rule: '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80', change: 'added' }],
    },
  },
  {
    name: 'a cgroup frozen (docker pause), a network and a volume created',
    b: {
      ...base,
      cgroups: [{ ...base.cgroups![0]!, frozen: true }],
      networks: [{ id: 'n1', name: 'backend', driver: 'bridge', scope: 'local', bridge: 'br-n1', subnet: '', gateway: '', internal: false, containers: [] }],
      volumes: [{ name: 'data', driver: 'local', mountpoint: '', labels: {}, anonymous: false, users: [], createdAt: '' }],
    },
    expect: { cgroups: [{ path: '/docker/c1', change: 'changed', detail: 'memory.limit=0 frozen' }], networks: [{ name: 'backend', change: 'added' }], volumes: [{ name: 'data', change: 'added' }] },
  },
];

describe('diffSnapshots', () => {
  it.each(cases)('$name', ({ b, filesA, filesB, expect: want }) => {
    const empty: SnapshotDiff = { containers: [], images: [], layers: [], files: [], networks: [], volumes: [], interfaces: [], natRules: [], namespaces: [], cgroups: [] };
    expect(diffSnapshots(base, b, filesA, filesB)).toEqual({ ...empty, ...want });
  });

  it('reports an empty diff as empty, and a non-empty one as not', () => {
    expect(isEmptyDiff(diffSnapshots(base, base))).toBe(true);
    expect(isEmptyDiff(diffSnapshots(base, snap()))).toBe(false);
  });
});
