import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { haveDocker } from '../support/requirements';
import { type TestAgent, connectClient, connectProtocol, dockerQuiet, run, startTestAgent, uniqueName, waitFor } from './support';

/**
 * Issue 14 on a real engine: the agent keeps the engine as it was right after
 * each line, under the page's history key, read-only. A fresh connection (a
 * reload) with the same key reads the moments back; another key reads nothing.
 */
describe.skipIf(!haveDocker())('agent: the recorded timeline', () => {
  const first = uniqueName('gb-rtl-first');
  const second = uniqueName('gb-rtl-second');
  const key = randomBytes(16).toString('hex');
  let t: TestAgent;

  beforeAll(async () => {
    t = await startTestAgent();
  });

  afterAll(async () => {
    dockerQuiet('rm', '-f', first, second);
    await t?.close();
  });

  const open = async (historyKey?: string): Promise<ReturnType<typeof connectClient>> => {
    const client = connectClient(t, historyKey);
    await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
    return client;
  };
  const ours = (names: string[]): string[] => names.filter((n) => n === first || n === second).sort();

  it('reads both moments back after a reconnect, with the containers of each', async () => {
    const page = await open(key);
    expect((await run(page, `docker run -d --name ${first} busybox sleep 300`)).code).toBe(0);
    expect((await run(page, `docker exec ${first} touch /gb-rtl-mark && docker run -d --name ${second} busybox sleep 300`)).code).toBe(0);
    page.close();

    // The page reloaded: a new connection naming the same history.
    const reloaded = await open(key);
    try {
      const lines = await reloaded.timeline.lines();
      expect(lines.map((l) => [l.line.split(' ')[1], l.exit])).toEqual([
        ['run', 0],
        ['exec', 0],
      ]);
      const [n0, n1] = lines.map((l) => l.lineNo!) as [number, number];
      const m0 = await reloaded.timeline.at(n0);
      const m1 = await reloaded.timeline.at(n1);
      expect(ours(m0!.containers.map((c) => c.name))).toEqual([first]);
      expect(ours(m1!.containers.map((c) => c.name))).toEqual([first, second].sort());
      expect(m1!.containers.find((c) => c.name === first)?.state).toBe('running');

      // The first container's own layer as it was then: the mark only after the second line.
      const upperAt = (m: typeof m0): string => m!.containers.find((c) => c.name === first)!.rootfs!.layers.at(-1)!;
      const upper = upperAt(m1);
      const files0 = await reloaded.timeline.layerEntriesAt(n0, [upper]);
      const files1 = await reloaded.timeline.layerEntriesAt(n1, [upper]);
      expect(files0[upper]?.some((e) => e.path === '/gb-rtl-mark')).toBe(false);
      expect(files1[upper]?.some((e) => e.path === '/gb-rtl-mark')).toBe(true);
      // Its image layers read as the engine has them (they never change).
      const image = m0!.containers.find((c) => c.name === first)!.rootfs!.layers[0]!;
      expect((await reloaded.timeline.layerEntriesAt(n0, [image]))[image]?.length).toBeGreaterThan(0);
    } finally {
      reloaded.close();
    }
  });

  it("never shows one page's history to another, nor to a connection naming none", async () => {
    const other = await open(randomBytes(16).toString('hex'));
    const none = await open();
    try {
      expect(await other.timeline.lines()).toEqual([]);
      expect(await none.timeline.lines()).toEqual([]);
      expect(await other.timeline.at(0)).toBeNull();
      expect((await run(other, 'docker ps -q')).code).toBe(0);
      expect((await other.timeline.lines()).map((l) => l.line)).toEqual(['docker ps -q']);
      // The first page's history did not gain the other's line.
      const page = await open(key);
      try {
        expect((await page.timeline.lines()).map((l) => l.line)).not.toContain('docker ps -q');
      } finally {
        page.close();
      }
    } finally {
      other.close();
      none.close();
    }
  });

  it('refuses hostile timeline requests and stays open', async () => {
    const c = await connectProtocol(t);
    try {
      c.send({ type: 'history', id: 'h', key });
      await c.frame((f) => f.type === 'result' && f.id === 'h');
      for (const [id, msg] of [
        ['a', { type: 'moment', id: 'a', lineNo: -1 }],
        ['b', { type: 'moment', id: 'b', lineNo: 1e12 }],
        ['c', { type: 'moment', id: 'c', lineNo: 0.5 }],
        ['d', { type: 'momentLayers', id: 'd', lineNo: 0, layerIds: ['../../etc'] }],
        ['e', { type: 'lines', id: 'e', key }],
      ] as const) {
        const from = c.frames.length;
        c.send(msg);
        const answer = await c.frame((f) => f.type === 'error' || f.type === 'result', 5000, from);
        expect(answer, id).toMatchObject({ type: 'error', message: expect.stringMatching(/^invalid message: /) });
      }
      // A number in range that was never recorded has no moment.
      c.send({ type: 'moment', id: 'f', lineNo: 100_000 });
      expect((await c.frame((f) => f.type === 'result' && f.id === 'f')).value).toBeNull();
      c.send({ type: 'lines', id: 'g' });
      expect(((await c.frame((f) => f.type === 'result' && f.id === 'g')).value as unknown[]).length).toBe(2);
    } finally {
      c.ws.close();
    }
  });

  it('forgets the history when the page resets', async () => {
    const page = await open(key);
    try {
      await page.reset();
      expect(await page.timeline.lines()).toEqual([]);
    } finally {
      page.close();
    }
  });
});
