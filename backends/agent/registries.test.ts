import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, DockerEvent } from '../../core/model';
import { type HttpAnswer, loopbackGet, RegistryReader } from './registries';

const d = (c: string): string => `sha256:${c.repeat(64)}`;

function registryContainer(over: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return {
    id: 'r'.repeat(64),
    name: 'reg',
    image: 'glassbox-fixture/registry:debian',
    command: ['/usr/bin/docker-registry', 'serve', '/etc/docker/registry/config.yml'],
    state: 'running',
    created: '2026-12-07T01:00:00Z',
    config: { env: [] },
    ports: [{ containerId: 'r'.repeat(64), containerPort: 5000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5055 }],
    ...over,
  } as unknown as ContainerSnapshot;
}

/** A registry's answers by path; what it was asked, in order. */
function fakeRegistry(routes: Record<string, HttpAnswer | ((path: string) => HttpAnswer)>): { get: (port: number, path: string) => Promise<HttpAnswer>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    get: (_port, path) => {
      asked.push(path);
      const r = routes[path];
      if (!r) return Promise.resolve({ status: 404, headers: {}, body: '{}' });
      return Promise.resolve(typeof r === 'function' ? r(path) : r);
    },
  };
}

const ok = (body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({ status: 200, headers, body: JSON.stringify(body) });

describe('RegistryReader', () => {
  it('reads the catalog, tags and manifests, and puts no hostile name from the registry into a URL', async () => {
    const reg = fakeRegistry({
      '/v2/': ok({}),
      '/v2/_catalog?n=50': ok({ repositories: ['app', '../../v2/_catalog', 'Evil Name', 42] }),
      '/v2/app/tags/list': ok({ tags: ['v1', '../x', 'v1?x=1'] }),
      '/v2/app/manifests/v1': ok({ config: { digest: d('c') }, layers: [{ digest: d('1'), size: 100 }, { digest: d('2'), size: 5 }] }, { 'docker-content-digest': d('e') }),
      [`/v2/app/blobs/${d('c')}`]: ok({ rootfs: { diff_ids: [d('a'), d('b')] } }),
    });
    const r = new RegistryReader(reg.get);
    await r.refresh([registryContainer()]);
    expect(r.snapshot([registryContainer()])).toEqual([
      { id: 'r'.repeat(64), kind: 'private', host: 'localhost:5055', port: 5055, container: 'reg', running: true, insecure: true, auth: false, repositories: [{ name: 'app', tags: [{ tag: 'v1', digest: d('e'), layers: [d('1'), d('2')] }] }] },
    ]);
    expect(reg.asked.every((p) => !p.includes('..') && !p.includes(' ') && !p.includes('?x='))).toBe(true);
  });

  it('marks a registry that answers 401 as needing a login, and lists nothing of it', async () => {
    const r = new RegistryReader(fakeRegistry({ '/v2/': { status: 401, headers: {}, body: '' } }).get);
    await r.refresh([registryContainer()]);
    const [snap] = r.snapshot([registryContainer()]);
    expect(snap!.auth).toBe(true);
    expect(snap!.repositories).toBeUndefined();
  });

  it('reads nothing of a registry that is stopped or not published on this machine', async () => {
    const reg = fakeRegistry({});
    const r = new RegistryReader(reg.get);
    await r.refresh([registryContainer({ state: 'exited' }), registryContainer({ id: 'x'.repeat(64), ports: [] })]);
    expect(reg.asked).toEqual([]);
  });

  it('works out from push and pull events which layers moved: the registry’s blobs before a push, the store’s layers before a pull', async () => {
    let layers = [{ digest: d('1'), size: 100 }];
    const reg = fakeRegistry({
      '/v2/': ok({}),
      '/v2/_catalog?n=50': () => ok({ repositories: ['app'] }),
      '/v2/app/tags/list': ok({ tags: ['latest'] }),
      '/v2/app/manifests/latest': () => ok({ config: { digest: d('c') }, layers }, { 'docker-content-digest': d('e') }),
      [`/v2/app/blobs/${d('c')}`]: () => ok({ rootfs: { diff_ids: layers.map((_, i) => d(String.fromCharCode(97 + i))) } }),
    });
    const r = new RegistryReader(reg.get);
    const cs = [registryContainer()];
    const event = (action: string): DockerEvent => ({ type: 'image', action, id: 'localhost:5055/app:latest', attributes: { name: 'localhost:5055/app' }, time: 1 });
    // The first push: the registry held nothing.
    await r.refresh(cs);
    r.record([event('push')], cs, { blobs: new Map([[cs[0]!.id, new Set()]]), localDiffIds: new Set() }, 10);
    // A second layer on top, pushed: the first was there already.
    const before = r.blobs(cs[0]!.id);
    layers = [{ digest: d('1'), size: 100 }, { digest: d('2'), size: 7 }];
    await r.refresh(cs);
    r.record([event('push')], cs, { blobs: new Map([[cs[0]!.id, before]]), localDiffIds: new Set() }, 20);
    // Pulled where the store has the bottom layer's diff id.
    r.record([event('pull')], cs, { blobs: new Map(), localDiffIds: new Set([d('a')]) }, 30);
    const [one, two, three] = r.transfers.recent();
    expect(one).toEqual({ seq: 1, time: 10, direction: 'push', registry: 'localhost:5055', ref: 'localhost:5055/app:latest', layers: [{ id: 'aaaaaaaaaaaa', digest: d('1'), size: 100, action: 'pushed' }] });
    // A push lists the top layer first, by diff id.
    expect(two!.layers.map((l) => [l.id, l.action])).toEqual([
      ['bbbbbbbbbbbb', 'pushed'],
      ['aaaaaaaaaaaa', 'exists'],
    ]);
    // A pull lists the bottom layer first, by blob digest.
    expect(three!.layers.map((l) => [l.id, l.action, l.size])).toEqual([
      ['111111111111', 'exists', 100],
      ['222222222222', 'pulled', 7],
    ]);
  });
});

describe('a read that races a push', () => {
  it('does not make the push’s own layers look already there', async () => {
    let repos: string[] = [];
    const reg = fakeRegistry({
      '/v2/': ok({}),
      '/v2/_catalog?n=50': () => ok({ repositories: repos }),
      '/v2/app/tags/list': ok({ tags: ['latest'] }),
      '/v2/app/manifests/latest': ok({ config: { digest: d('c') }, layers: [{ digest: d('1'), size: 100 }] }, { 'docker-content-digest': d('e') }),
      [`/v2/app/blobs/${d('c')}`]: ok({ rootfs: { diff_ids: [d('a')] } }),
    });
    const r = new RegistryReader(reg.get);
    const cs = [registryContainer()];
    await r.refresh(cs); // empty
    repos = ['app'];
    await r.refresh(cs); // read again (the registry container's recheck) after the push stored its layer, before its event came
    const event: DockerEvent = { type: 'image', action: 'push', id: 'localhost:5055/app:latest', attributes: {}, time: 1 };
    r.record([event], cs, { blobs: new Map([[cs[0]!.id, r.blobs(cs[0]!.id)]]), localDiffIds: new Set() }, 1);
    expect(r.transfers.recent()[0]!.layers.map((l) => l.action)).toEqual(['pushed']);
    // The next push of the same image finds it there.
    r.record([event], cs, { blobs: new Map([[cs[0]!.id, r.blobs(cs[0]!.id)]]), localDiffIds: new Set() }, 2);
    expect(r.transfers.recent()[1]!.layers.map((l) => l.action)).toEqual(['exists']);
  });
});

describe('loopbackGet', () => {
  it.each([
    [0, '/v2/'],
    [70000, '/v2/'],
    [5000, '/etc/passwd'],
    [5000, 'http://example.com/v2/'],
  ])('refuses port %d path %s without a request', async (port, path) => {
    await expect(loopbackGet(port, path)).rejects.toThrow('refused');
  });
});
