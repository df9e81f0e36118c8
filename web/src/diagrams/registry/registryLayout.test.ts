import { describe, expect, it } from 'vitest';
import type { ImageSnapshot, RegistrySnapshot, RegistryTransfer } from '../../../../core/model';
import { CHIP_W, chipAt, humanSize, layoutRegistries, pointOnLane, repoOf, STAGGER_MS, transferChips, transferDuration, TRAVEL_MS } from './registryLayout';

const img = (id: string, tags: string[]): ImageSnapshot => ({ id: `sha256:${id.padEnd(64, '0')}`, tags, layers: [], size: 0, created: '' });
const digest = (c: string): string => `sha256:${c.repeat(64)}`;

const hub: RegistrySnapshot = {
  id: 'docker.io',
  kind: 'hub',
  host: 'docker.io',
  port: 0,
  container: '',
  running: true,
  insecure: false,
  auth: false,
  repositories: [
    { name: 'library/busybox', tags: [{ tag: 'latest', digest: digest('a'), layers: [digest('1')] }, { tag: '1.36', digest: digest('b'), layers: [digest('1')] }] },
    { name: 'library/nginx', tags: [{ tag: 'latest', digest: digest('c'), layers: [digest('2'), digest('3')] }] },
    { name: 'library/redis', tags: [{ tag: 'latest', digest: digest('d'), layers: [digest('2')] }] },
  ],
};
const reg: RegistrySnapshot = {
  id: 'f'.repeat(64),
  kind: 'private',
  host: 'localhost:5000',
  port: 5000,
  container: 'registry',
  running: true,
  insecure: true,
  auth: false,
  repositories: [{ name: 'bb', tags: [{ tag: 'latest', digest: digest('e'), layers: [digest('1')] }, { tag: 'v2', digest: digest('9'), layers: [digest('1'), digest('4')] }] }],
};
const push: RegistryTransfer = {
  seq: 3,
  time: 0,
  direction: 'push',
  registry: 'localhost:5000',
  ref: 'localhost:5000/bb:v2',
  layers: [
    { id: '111111111111', digest: digest('1'), size: 2_000_000, action: 'exists' },
    { id: '444444444444', digest: digest('4'), size: 1234, action: 'pushed' },
    { id: '555555555555', digest: digest('5'), size: 99, action: 'pushed' },
  ],
};

describe('repoOf', () => {
  it.each([
    ['nginx:latest', 'docker.io', 'library/nginx'],
    ['nginx', 'docker.io', 'library/nginx'],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis'],
    ['localhost:5000/bb:latest', 'localhost:5000', 'bb'],
    ['localhost:5000/team/app:v1', 'localhost:5000', 'team/app'],
    ['localhost:5000/bb:latest', 'docker.io', null],
    ['nginx:latest', 'localhost:5000', null],
    ['registry.example.com/x@sha256:abc', 'registry.example.com', 'x'],
  ])('%s on %s → %s', (ref, registry, want) => {
    expect(repoOf(ref, registry)).toBe(want);
  });
});

describe('layoutRegistries', () => {
  it('lists the store’s images by tag, and each registry below the one before, with a lane from the store to each', () => {
    const l = layoutRegistries([img('2', ['nginx:latest']), img('1', ['busybox:latest', 'localhost:5000/bb:latest']), img('3', [])], [hub, reg], []);
    expect(l.images.map((r) => r.label)).toEqual(['busybox:latest, localhost:5000/bb:latest', 'nginx:latest', '<none>:<none>']);
    expect(l.registries.map((n) => n.registry.host)).toEqual(['docker.io', 'localhost:5000']);
    const [h, p] = l.registries;
    expect(p!.y).toBeGreaterThanOrEqual(h!.y + h!.h);
    expect(l.lanes.map((x) => x.registry)).toEqual(['docker.io', 'localhost:5000']);
    for (const lane of l.lanes) {
      expect(lane.p0.x).toBe(l.local.x + l.local.w);
      expect(pointOnLane(lane, 1)).toEqual(lane.p3);
      expect(pointOnLane(lane, 0)).toEqual(lane.p0);
    }
    expect(l.height).toBeGreaterThanOrEqual(p!.y + p!.h);
  });

  it('shows everything a private registry holds, but of the Hub only the repositories and tags the store has', () => {
    const l = layoutRegistries([img('1', ['busybox:latest']), img('2', ['nginx:latest'])], [hub, reg], []);
    const [h, p] = l.registries;
    expect(h!.rows.map((r) => `${r.repo}:${r.tag}`)).toEqual(['library/busybox:latest', 'library/nginx:latest']);
    expect(h!.more).toBe(1); // redis, not pulled
    expect(p!.rows.map((r) => [`${r.repo}:${r.tag}`, r.digest, r.layers])).toEqual([
      ['bb:latest', 'eeeeeeeeeeee', 1],
      ['bb:v2', '999999999999', 2],
    ]);
    expect(p!.more).toBe(0);
  });

  it('draws a registry it cannot read (stopped, needing a login) with no rows', () => {
    const l = layoutRegistries([], [{ ...reg, running: false, repositories: undefined }], []);
    expect(l.registries[0]!.rows).toEqual([]);
    expect(l.registries[0]!.h).toBeGreaterThan(0);
  });
});

describe('a transfer’s layers on the lane', () => {
  const layout = layoutRegistries([img('1', ['localhost:5000/bb:v2'])], [hub, reg], [push]);
  const lane = layout.lanes[1]!;

  it('a push sends its new layers from the store to the registry; the layer the registry had stays put', () => {
    const chips = transferChips(push, layout)!;
    expect(chips.map((c) => [c.id, c.moves, c.order])).toEqual([
      ['111111111111', false, -1],
      ['444444444444', true, 0],
      ['555555555555', true, 1],
    ]);
    for (const c of chips) expect(c.from.x).toBeGreaterThan(lane.p0.x); // beside the store, not on it
    const sent = chips[1]!;
    expect(sent.to.x + CHIP_W).toBeLessThan(lane.p3.x); // arrives beside the registry
    expect(chipAt(chips[0]!, 0)).toEqual({ ...chips[0]!.from, done: true });
    expect(chipAt(sent, 0)).toMatchObject({ x: sent.from.x, y: sent.from.y, done: false });
    const mid = chipAt(sent, TRAVEL_MS / 2);
    expect(mid.x).toBeGreaterThan(sent.from.x);
    expect(mid.x).toBeLessThan(sent.to.x);
    expect(chipAt(sent, TRAVEL_MS)).toMatchObject({ x: sent.to.x, y: sent.to.y, done: true });
    // The second starts later: at the moment the first lands it is not there yet.
    expect(chipAt(chips[2]!, TRAVEL_MS).done).toBe(false);
    expect(transferDuration(chips)).toBe(TRAVEL_MS + STAGGER_MS);
  });

  it('a pull runs the other way; one that fetched nothing has nothing to play', () => {
    const pull: RegistryTransfer = { ...push, direction: 'pull', layers: [{ ...push.layers[1]!, action: 'pulled' }] };
    const [c] = transferChips(pull, layout)!;
    expect(c!.from.x).toBeLessThan(lane.p3.x);
    expect(c!.to.x).toBeGreaterThan(lane.p0.x);
    expect(c!.to.x).toBeLessThan(c!.from.x);
    const none = transferChips({ ...pull, layers: [{ ...push.layers[0]! }] }, layout)!;
    expect(transferDuration(none)).toBe(0);
    expect(transferDuration(transferChips({ ...pull, layers: [] }, layout)!)).toBe(0);
  });

  it('has no chips for a registry not drawn', () => {
    expect(transferChips({ ...push, registry: 'localhost:6000' }, layout)).toBeNull();
  });
});

describe('humanSize', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1234, '1.23kB'],
    [772_000, '772kB'],
    [4_190_000, '4.19MB'],
    [31_400_000, '31.4MB'],
    [2_000_000, '2MB'],
  ])('%d → %s', (n, want) => {
    expect(humanSize(n)).toBe(want);
  });
});
