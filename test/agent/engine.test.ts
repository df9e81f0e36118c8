import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendEvent } from '../../core/backend';
import type { Transition } from '../../core/model';
import { haveDocker } from '../support/requirements';
import { type TestAgent, connectClient, docker, dockerQuiet, startTestAgent, uniqueName, waitFor } from './support';

// The agent's view of the engine must follow containers it did not make: these
// are created and moved with the plain docker CLI, never through the agent.
describe.skipIf(!haveDocker())('agent: engine state through the real client', () => {
  const name = uniqueName();
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;

  const transitionsOf = (events: BackendEvent[]): Transition[] =>
    events.flatMap((e) => (e.type === 'snapshot' ? e.transitions : [])).filter((tr) => tr.name === name);

  beforeAll(async () => {
    t = await startTestAgent();
    client = connectClient(t);
    await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
  });

  afterAll(async () => {
    dockerQuiet('rm', '-f', name);
    client?.close();
    await t?.close();
  });

  it('reports the capabilities of a real engine', async () => {
    const caps = await client.capabilities();
    expect(caps).toMatchObject({ kind: 'real', trace: false, hostShell: false });
    expect(caps.engine).toMatch(/^Docker Engine \d+\.\d+/);
  });

  it('shows a container started in another terminal', async () => {
    const id = docker('run', '-d', '--name', name, 'busybox', 'sleep', '300').trim();
    await waitFor('a snapshot event with the container running', () =>
      client.events.some((e) => e.type === 'snapshot' && e.snapshot.containers.some((c) => c.name === name && c.state === 'running')),
    );
    const snap = await client.snapshot();
    expect(snap.kind).toBe('real');
    const c = snap.containers.find((x) => x.name === name);
    expect(c).toMatchObject({ id, name, image: 'busybox', command: ['sleep', '300'], state: 'running', exitCode: 0 });
    expect(c!.pid).toBeGreaterThan(0);
    expect(c!.status).toMatch(/^Up /);
    expect(c!.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(snap.images.some((i) => i.tags.includes('busybox:latest') && i.layers.length > 0)).toBe(true);
    expect(transitionsOf(client.events).map((tr) => [tr.from, tr.to, tr.action])).toEqual([
      [null, 'created', 'create'],
      ['created', 'running', 'start'],
    ]);
    expect(client.events.some((e) => e.type === 'docker' && e.event.id === id && e.event.action === 'start')).toBe(true);
  });

  it('follows pause, unpause and stop as transitions', async () => {
    docker('pause', name);
    await waitFor('pause', () => transitionsOf(client.events).some((tr) => tr.to === 'paused'));
    docker('unpause', name);
    await waitFor('unpause', () => transitionsOf(client.events).some((tr) => tr.action === 'unpause'));
    docker('stop', '-t', '1', name);
    await waitFor('stop', () => transitionsOf(client.events).some((tr) => tr.to === 'exited'));
    expect(transitionsOf(client.events).slice(2).map((tr) => [tr.from, tr.to, tr.action])).toEqual([
      ['running', 'paused', 'pause'],
      ['paused', 'running', 'unpause'],
      ['running', 'exited', 'die'],
    ]);
    const c = (await client.snapshot()).containers.find((x) => x.name === name);
    // sleep as PID 1 ignores SIGTERM, so stop ends it with SIGKILL.
    expect(c).toMatchObject({ state: 'exited', exitCode: 137, pid: 0 });
    expect(c!.status).toMatch(/^Exited \(137\) /);
  });

  it('sees the container go when it is removed', async () => {
    docker('rm', name);
    await waitFor('destroy', () => transitionsOf(client.events).some((tr) => tr.to === null));
    expect(transitionsOf(client.events).at(-1)).toMatchObject({ from: 'exited', to: null, action: 'destroy' });
    expect((await client.snapshot()).containers.some((x) => x.name === name)).toBe(false);
  });

  it('keeps every transition of a burst (docker run --rm of a short command)', async () => {
    const quick = uniqueName();
    try {
      docker('run', '--rm', '--name', quick, 'busybox', 'true');
      await waitFor('destroy of the quick container', () =>
        client.events.some((e) => e.type === 'snapshot' && e.transitions.some((tr) => tr.name === quick && tr.to === null)),
      );
      const moves = client.events.flatMap((e) => (e.type === 'snapshot' ? e.transitions : [])).filter((tr) => tr.name === quick);
      expect(moves.map((tr) => [tr.from, tr.to, tr.action])).toEqual([
        [null, 'created', 'create'],
        ['created', 'running', 'start'],
        ['running', 'exited', 'die'],
        ['exited', null, 'destroy'],
      ]);
    } finally {
      dockerQuiet('rm', '-f', quick);
    }
  });
});
