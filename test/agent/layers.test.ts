import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LayerEntry, Snapshot } from '../../core/model';
import { haveDocker, haveRoot } from '../support/requirements';
import { type TestAgent, connectClient, docker, dockerQuiet, startTestAgent, uniqueName, waitFor } from './support';

/**
 * The real backend's layer view against the kernel's own account: a container
 * made with plain `docker run`, its root mount read from /proc/<pid>/mountinfo
 * here independently, and a file written and one deleted inside it.
 */
describe.skipIf(!haveDocker() || !haveRoot())('agent: layers of a real container', () => {
  const name = uniqueName('gblayers');
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;
  let id = '';

  const mountOptions = (pid: number): Map<string, string> => {
    const line = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
      .split('\n')
      .filter((l) => l.split(' ')[4] === '/' && l.includes(' - overlay '))
      .at(-1)!;
    const opts = line.split(' - overlay ')[1]!.split(' ')[1]!;
    return new Map(opts.split(',').map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]));
  };

  beforeAll(async () => {
    t = await startTestAgent();
    client = connectClient(t);
    await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
    id = docker('run', '-d', '--name', name, 'busybox', 'sleep', '300').trim();
  });

  afterAll(async () => {
    dockerQuiet('rm', '-f', name);
    client?.close();
    await t?.close();
  });

  const containerIn = async (): Promise<{ snap: Snapshot; rootfs: NonNullable<Snapshot['containers'][number]['rootfs']>; pid: number }> => {
    const snap = await waitFor('the container with its rootfs', async () => {
      const s = await client.snapshot();
      const c = s.containers.find((x) => x.id === id);
      // Its layers come with the read of the image store that follows the container's own read.
      const known = new Set((s.layers ?? []).map((l) => l.id));
      return c?.rootfs && c.pid > 0 && c.rootfs.layers.every((l) => known.has(l)) ? s : undefined;
    });
    const c = snap.containers.find((x) => x.id === id)!;
    return { snap, rootfs: c.rootfs!, pid: c.pid };
  };

  it('names the directories /proc/<pid>/mountinfo names, and maps them to the image, init and upper layers', async () => {
    const { snap, rootfs, pid } = await containerIn();
    const opts = mountOptions(pid);
    expect(rootfs.lowerdirs).toEqual(opts.get('lowerdir')!.split(':'));
    expect(rootfs.upperdir).toBe(opts.get('upperdir'));
    expect(rootfs.workdir).toBe(opts.get('workdir'));
    expect(rootfs.merged).toBe(docker('inspect', '-f', '{{.GraphDriver.Data.MergedDir}}', id).trim());

    const layers = new Map((snap.layers ?? []).map((l) => [l.id, l]));
    const stack = rootfs.layers.map((l) => layers.get(l)!);
    expect(stack.every(Boolean)).toBe(true);
    // Bottom first: busybox's layers, then the init layer, then the container's upper layer.
    const imageLayers = JSON.parse(docker('image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox:latest')) as string[];
    expect(stack.map((l) => l.kind)).toEqual([...imageLayers.map(() => 'image'), 'init', 'container']);
    expect(stack.slice(0, imageLayers.length).map((l) => l.id)).toEqual(imageLayers);
    // Each lower directory of the mount (top first, l/ short names resolved) is the layer's diff directory.
    const lowerBottomFirst = [...rootfs.lowerdirs].reverse().map((d) => realpathSync(d.startsWith('/') ? d : join('/var/lib/docker/overlay2', d)));
    expect(stack.slice(0, -1).map((l) => l.dir)).toEqual(lowerBottomFirst);
    expect(stack.at(-1)!.dir).toBe(rootfs.upperdir);
    expect(stack.at(-1)!.containerId).toBe(id);
    expect(stack.at(-2)!.parent).toBe(imageLayers.at(-1));
  });

  it('lists a file written inside the container as added, and a deleted one as a whiteout, in its upper layer', async () => {
    docker('exec', name, 'sh', '-c', 'echo hi > /etc/motd; rm /bin/vi');
    const { rootfs } = await containerIn();
    const upper = rootfs.layers.at(-1)!;
    const entries = await waitFor('the upper layer with both changes', async () => {
      const got = (await client.layerEntries([upper]))[upper];
      return got?.some((e) => e.path === '/bin/vi') ? got : undefined;
    });
    const byPath = new Map(entries.map((e: LayerEntry) => [e.path, e]));
    expect(byPath.get('/etc/motd')).toMatchObject({ type: 'file', size: 3 });
    expect(byPath.get('/bin/vi')).toMatchObject({ type: 'whiteout' });
    // docker diff agrees: A for the new file, D for the deleted one.
    const diff = docker('diff', name).split('\n');
    expect(diff).toContain('A /etc/motd');
    expect(diff).toContain('D /bin/vi');
    // The image layer still has vi: the deletion only hides it.
    const base = rootfs.layers[0]!;
    const lower = (await client.layerEntries([base]))[base]!;
    expect(lower.find((e) => e.path === '/bin/vi')?.type).toMatch(/^(file|symlink)$/);
  });

  it('marks a directory deleted and made again as opaque', async () => {
    docker('exec', name, 'sh', '-c', 'rm -rf /usr/sbin && mkdir /usr/sbin && echo x > /usr/sbin/new');
    const { rootfs } = await containerIn();
    const upper = rootfs.layers.at(-1)!;
    const entries = await waitFor('the opaque directory', async () => {
      const got = (await client.layerEntries([upper]))[upper];
      return got?.some((e) => e.path === '/usr/sbin/new') ? got : undefined;
    });
    expect(entries.find((e) => e.path === '/usr/sbin')?.type).toBe('opaque');
  });

  it('keeps the layers of a stopped container, from GraphDriver data (no process, no mountinfo)', async () => {
    const { rootfs: running } = await containerIn();
    docker('stop', '-t', '1', name);
    const stopped = await waitFor('the stopped container with its rootfs', async () => {
      const s = await client.snapshot();
      const c = s.containers.find((x) => x.id === id);
      return c?.state === 'exited' && c.rootfs ? c.rootfs : undefined;
    });
    expect(stopped.layers).toEqual(running.layers);
    expect(stopped.upperdir).toBe(running.upperdir);
    // GraphDriver names the lower directories in full, where the mount used l/ short names.
    expect(stopped.lowerdirs).toEqual(docker('inspect', '-f', '{{.GraphDriver.Data.LowerDir}}', id).trim().split(':'));
    expect(stopped.lowerdirs.map((d) => realpathSync(d))).toEqual(running.lowerdirs.map((d) => realpathSync(d)));
    const upper = stopped.layers.at(-1)!;
    expect((await client.layerEntries([upper]))[upper]?.some((e) => e.path === '/etc/motd')).toBe(true);
    docker('start', name);
  });

  it('answers only for layers it knows: an unknown id is left out, a path in a raw frame is refused', async () => {
    expect(await client.layerEntries(['e'.repeat(64)])).toEqual({});
    const ws = new WebSocket(t.wsUrl, ['glassbox.v1', `glassbox.token.${t.agent.token}`], { origin: t.origin });
    const frames: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'layers', id: 'p', layerIds: ['/etc'] }));
    // A frame that does not parse has no id the agent could trust: the error comes without one.
    const answer = await waitFor('the answer', () => frames.find((f) => f.type === 'error' || f.id === 'p'), 10_000);
    ws.close();
    expect(answer).toMatchObject({ type: 'error', message: expect.stringMatching(/^invalid message: layerIds\.0: /) });
  });
});
