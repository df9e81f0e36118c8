import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../core/model';
import { haveDocker } from '../support/requirements';
import { registryImage } from './registryImage';
import { type TestAgent, connectClient, docker, dockerQuiet, startTestAgent, uniqueName, waitFor } from './support';

/**
 * Issue 11 on the real engine, through the agent and its client: the
 * Volumes view's volumes and their users, a host directory listed read-only
 * (and the paths refused), and the Registry view's registry container with
 * what a real push stored and which layers each push and pull moved.
 */

describe.skipIf(!haveDocker())('agent: volumes, host directories and registries of the real engine', () => {
  const vol = uniqueName('gb-views-vol');
  const user = uniqueName('gb-views-user');
  const reg = uniqueName('gb-views-registry');
  const repo = uniqueName('gb-views-bb');
  const bindDir = mkdtempSync(join(tmpdir(), 'gb-views-bind-'));
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;

  const latest = (): Snapshot | undefined => client.events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : [])).at(-1);

  beforeAll(async () => {
    writeFileSync(join(bindDir, 'site.html'), '<p>hi</p>\n');
    t = await startTestAgent();
    client = connectClient(t);
    await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
  });

  afterAll(async () => {
    dockerQuiet('rm', '-f', user, reg);
    dockerQuiet('volume', 'rm', vol);
    for (const port of ports) dockerQuiet('rmi', `localhost:${port}/${repo}`);
    client?.close();
    await t?.close();
    rmSync(bindDir, { recursive: true, force: true });
  });
  const ports: number[] = [];

  it('shows a volume and the container using it, and forgets both when they go', async () => {
    docker('volume', 'create', vol);
    const id = docker('run', '-d', '--name', user, '-v', `${vol}:/data`, '-v', `${bindDir}:/site:ro`, 'busybox', 'sh', '-c', 'echo hello > /data/greeting; sleep 300').trim();
    const v = await waitFor('the volume with its user', () => latest()?.volumes?.find((x) => x.name === vol && x.users.includes(id)));
    expect(v).toMatchObject({ driver: 'local', anonymous: false, mountpoint: expect.stringMatching(new RegExp(`/volumes/${vol}/_data$`)) });
    expect(v.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const c = latest()!.containers.find((x) => x.id === id)!;
    expect(c.mounts?.map((m) => [m.type, m.destination, m.rw, m.name])).toEqual([
      ['volume', '/data', true, vol],
      ['bind', '/site', false, ''],
    ]);
  });

  it('lists the volume’s data directory and the bind source on the host, read-only, and refuses paths elsewhere', async () => {
    const v = latest()!.volumes!.find((x) => x.name === vol)!;
    const listing = await waitFor('the greeting in the volume', async () => {
      const l = await client.listHostDir!(v.mountpoint);
      return l.entries.some((e) => e.name === 'greeting') ? l : undefined;
    });
    expect(listing).toEqual({ path: v.mountpoint, total: 1, entries: [{ name: 'greeting', type: 'file', size: 6 }] });
    expect((await client.listHostDir!(bindDir)).entries).toEqual([{ name: 'site.html', type: 'file', size: 10 }]);
    await expect(client.listHostDir!('/etc')).rejects.toThrow('outside the engine’s data root');
    await expect(client.listHostDir!(`${v.mountpoint}/../../..`)).rejects.toThrow('the path has . or .. in it');
    await expect(client.listHostDir!(`${v.mountpoint}\u0000`)).rejects.toThrow('control characters');
  });

  it('forgets the volume when it is removed, and no longer lists the bind source once its container is gone', async () => {
    docker('rm', '-f', user);
    docker('volume', 'rm', vol);
    await waitFor('the volume gone', () => latest()?.volumes !== undefined && !latest()!.volumes!.some((x) => x.name === vol));
    await expect(client.listHostDir!(bindDir)).rejects.toThrow('outside');
  });

  const image = haveDocker() ? registryImage() : null;

  it.skipIf(image === null)('shows a registry container, what a real push stored, and which layers each push and pull moved', async () => {
    docker('run', '-d', '--name', reg, '-p', '127.0.0.1::5000', image!);
    const port = Number(docker('port', reg, '5000/tcp').trim().split(':').at(-1));
    ports.push(port);
    const host = `localhost:${port}`;
    const r = await waitFor('the registry, read', () => latest()?.registries?.find((x) => x.host === host && x.repositories !== undefined), 30_000);
    expect(r).toMatchObject({ kind: 'private', port, container: reg, running: true, insecure: true, auth: false, repositories: [] });

    docker('tag', 'busybox:latest', `${host}/${repo}`);
    const pushed = docker('push', `${host}/${repo}`);
    const layer = /^([0-9a-f]{12}): Pushed$/m.exec(pushed)![1]!;
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)![1]!;
    const first = await waitFor('the push', () => latest()?.transfers?.find((x) => x.direction === 'push' && x.ref === `${host}/${repo}:latest`));
    expect(first.layers).toEqual([{ id: layer, digest: expect.stringMatching(/^sha256:/), size: expect.any(Number), action: 'pushed' }]);
    expect(first.layers[0]!.size).toBeGreaterThan(0);
    const held = latest()!.registries!.find((x) => x.host === host)!;
    expect(held.repositories).toEqual([{ name: repo, tags: [{ tag: 'latest', digest, layers: [first.layers[0]!.digest] }] }]);

    const again = docker('push', `${host}/${repo}`);
    expect(again).toContain(`${layer}: Layer already exists`);
    const second = await waitFor('the second push', () => latest()?.transfers?.filter((x) => x.direction === 'push' && x.registry === host)[1]);
    expect(second.layers.map((l) => [l.id, l.action])).toEqual([[layer, 'exists']]);

    // Pulled back while busybox keeps the layer: nothing comes down.
    docker('rmi', `${host}/${repo}`);
    docker('pull', `${host}/${repo}`);
    const pull = await waitFor('the pull', () => latest()?.transfers?.find((x) => x.direction === 'pull' && x.registry === host));
    expect(pull.layers.map((l) => l.action)).toEqual(['exists']);
    expect(pull.layers[0]!.id).toBe(first.layers[0]!.digest.slice(7, 19));

    docker('stop', '-t', '1', reg);
    const stopped = await waitFor('the registry stopped', () => latest()?.registries?.find((x) => x.host === host && !x.running) ?? latest()?.registries?.find((x) => x.container === reg && !x.running));
    expect(stopped.repositories).toBeUndefined();
  });
});
