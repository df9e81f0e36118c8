import { describe, expect, it } from 'vitest';
import { ServiceSession } from '../services/testKit';
import { isRegistryContainer, manifestLayers, registryAddress, registryNeedsAuth, TransferLog, TRANSFER_HISTORY } from './registrySnapshot';
import type { ContainerSnapshot } from '../model';

describe('isRegistryContainer', () => {
  it.each([
    ['registry', [], true],
    ['registry:2', ['/entrypoint.sh', '/etc/docker/registry/config.yml'], true],
    ['glassbox-fixture/registry:debian', [], true],
    ['docker.io/library/registry@sha256:abc', [], true],
    ['my-registry-mirror:1', [], true],
    ['localhost:5000/app', ['sh'], false],
    ['registry.example.com:5000/nginx', ['nginx'], false],
    ['debian:bookworm', ['/usr/bin/docker-registry', 'serve', '/etc/docker/registry/config.yml'], true],
    ['busybox', ['registry', 'garbage-collect'], false],
    ['nginx', ['nginx', '-g', 'daemon off;'], false],
  ])('%s %j → %s', (image, command, want) => {
    expect(isRegistryContainer(image, command)).toBe(want);
  });
});

describe('registry settings', () => {
  it.each([
    [[], undefined, false],
    [['REGISTRY_AUTH=htpasswd', 'REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd'], undefined, true],
    [['REGISTRY_AUTH='], undefined, false],
    [[], 'version: 0.1\nauth:\n  htpasswd:\n    realm: basic\n', true],
    [[], 'version: 0.1\nhttp:\n  addr: :5000\n', false],
  ])('auth %j %j → %s', (env, config, want) => {
    expect(registryNeedsAuth(env, config)).toBe(want);
  });

  it('reaches a published registry at localhost:PORT, an unpublished one at its address', () => {
    const base = { name: 'reg', ports: [{ containerId: 'x', containerPort: 5000, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 5001 }], networks: [{ network: 'bridge', ip: '172.17.0.2', prefixLen: 16, gateway: '', mac: '', aliases: [] }] } as unknown as ContainerSnapshot;
    expect(registryAddress(base, 5000)).toEqual({ host: 'localhost:5001', port: 5001 });
    expect(registryAddress({ ...base, ports: [] }, 5000)).toEqual({ host: '172.17.0.2:5000', port: 0 });
  });

  it('reads the layers of a schema 2 manifest, nothing of anything else', () => {
    expect(manifestLayers('{"layers":[{"digest":"sha256:a"},{"digest":"sha256:b"}]}')).toEqual(['sha256:a', 'sha256:b']);
    expect(manifestLayers('not json')).toEqual([]);
    expect(manifestLayers(undefined)).toEqual([]);
  });

  it('keeps the last transfers, numbered', () => {
    const log = new TransferLog();
    for (let i = 0; i < TRANSFER_HISTORY + 3; i++) log.add({ time: i, direction: 'push', registry: 'localhost:5000', ref: `r${i}`, layers: [] });
    expect(log.recent()).toHaveLength(TRANSFER_HISTORY);
    expect(log.recent()[0]!.seq).toBe(4);
    expect(log.recent().at(-1)!.ref).toBe(`r${TRANSFER_HISTORY + 2}`);
  });
});

describe('the snapshot of registries and transfers (sim)', () => {
  it('shows the Hub, a registry:2 container with what a push stored, and which layers each push and pull moved', async () => {
    const s = new ServiceSession('regsnap');
    const snap0 = s.d.engine.snapshot();
    expect(snap0.registries!.map((r) => r.host)).toEqual(['docker.io']);
    expect(snap0.registries![0]!.repositories!.some((r) => r.name === 'library/nginx')).toBe(true);
    expect(snap0.transfers).toEqual([]);

    expect((await s.run('docker pull nginx')).code).toBe(0);
    expect((await s.run('docker pull redis')).code).toBe(0);
    const [nginx, redis] = s.d.engine.snapshot().transfers!;
    expect(nginx).toMatchObject({ seq: 1, direction: 'pull', registry: 'docker.io', ref: 'nginx:latest' });
    expect(nginx!.layers.every((l) => l.action === 'pulled' && l.size > 0 && /^[0-9a-f]{12}$/.test(l.id))).toBe(true);
    // redis is built on the same debian layer as nginx: that one is "Already exists".
    expect(redis!.layers[0]!.action).toBe('exists');
    expect(redis!.layers.slice(1).every((l) => l.action === 'pulled')).toBe(true);

    expect((await s.run('docker run -d -p 5000:5000 --name=registry registry')).code).toBe(0);
    expect((await s.run('docker tag busybox localhost:5000/bb')).code).toBe(0);
    const push = await s.run('docker push localhost:5000/bb');
    expect(push.code).toBe(0);
    const again = await s.run('docker push localhost:5000/bb');
    expect(again.code).toBe(0);
    const snap = s.d.engine.snapshot();
    const reg = snap.registries!.find((r) => r.kind === 'private')!;
    expect(reg).toMatchObject({ host: 'localhost:5000', port: 5000, container: 'registry', running: true, insecure: true, auth: false });
    expect(reg.repositories!.map((r) => r.name)).toEqual(['bb']);
    const tag = reg.repositories![0]!.tags[0]!;
    expect(tag.tag).toBe('latest');
    expect(push.out).toContain(`digest: ${tag.digest} `);
    const [first, second] = snap.transfers!.slice(-2);
    const layer = /^([0-9a-f]{12}): Pushed$/m.exec(push.out)![1]!;
    expect(first).toMatchObject({ direction: 'push', registry: 'localhost:5000', ref: 'localhost:5000/bb:latest' });
    expect(first!.layers).toEqual([{ id: layer, digest: tag.layers[0], size: expect.any(Number), action: 'pushed' }]);
    expect(second!.layers.map((l) => l.action)).toEqual(['exists']);

    // Pulled back after the local copy is gone: the layer is still there under busybox, so it "Already exists".
    expect((await s.run('docker rmi localhost:5000/bb')).code).toBe(0);
    expect((await s.run('docker pull localhost:5000/bb')).code).toBe(0);
    const pulled = s.d.engine.snapshot().transfers!.at(-1)!;
    expect(pulled).toMatchObject({ direction: 'pull', registry: 'localhost:5000', ref: 'localhost:5000/bb:latest' });

    // A stopped registry is shown, but what it holds is not (it answers no one).
    expect((await s.run('docker stop registry')).code).toBe(0);
    const stopped = s.d.engine.snapshot().registries!.find((r) => r.kind === 'private')!;
    expect(stopped.running).toBe(false);
    expect(stopped.repositories).toBeUndefined();
  });
});
