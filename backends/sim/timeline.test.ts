import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { SimHost, type Journal } from './simHost';
import { SimTimeline } from './timeline';

const newHost = (): SimHost => new SimHost({ seed: 'tl', preload: TEST_IMAGES, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: false });
const sink = { stdout: () => {}, stderr: () => {} };

async function session(lines: readonly string[]): Promise<{ host: SimHost; timeline: SimTimeline }> {
  const host = newHost();
  const timeline = new SimTimeline(host);
  for (const line of lines) timeline.record(await host.runToCompletion(line, sink));
  return { host, timeline };
}

/** The machine after the first `n` lines, rebuilt from nothing. */
async function fresh(journal: Journal, n: number): Promise<SimHost> {
  const host = newHost();
  const next = journal.entries.findIndex((e, i) => 'line' in e && journal.entries.slice(0, i).filter((x) => 'line' in x).length === n);
  await host.replay(journal, next === -1 ? journal.entries.length : next);
  return host;
}

const LINES = [
  'docker run -d --name web busybox sleep 1000',
  "docker exec web sh -c 'echo hi > /tmp/greeting; rm /bin/vi'",
  'docker network create backend',
  'docker volume create data',
  'docker stop -t 1 web',
  'docker rm web',
  'docker run -d --name db -v data:/data busybox sleep 1000',
];

describe('SimTimeline', () => {
  it('gives, for every earlier line, the snapshot and layer files a fresh replay up to that line gives', async () => {
    const { host, timeline } = await session(LINES);
    expect(timeline.lines().map((l) => l.line)).toEqual(LINES);
    for (let n = 0; n < LINES.length; n++) {
      const replayed = await fresh(host.journal, n + 1);
      const want = replayed.snapshot();
      expect(timeline.at(n)).toEqual(want);
      const ids = (want.layers ?? []).map((l) => l.id);
      expect(timeline.layerEntriesAt(n, ids)).toEqual(replayed.layerEntries(ids));
    }
  });

  it('leaves the live engine alone while the past is viewed', async () => {
    const { host, timeline } = await session(LINES.slice(0, 3));
    const before = host.snapshot();
    expect(timeline.at(0)?.containers.map((c) => c.state)).toEqual(['running']);
    expect(timeline.at(0)?.networks?.map((n) => n.name)).not.toContain('backend');
    expect(host.snapshot()).toEqual(before);
    expect(host.journal.entries.filter((e) => 'line' in e)).toHaveLength(3);
  });

  it('shares what did not change between lines', async () => {
    const { timeline } = await session(LINES.slice(0, 4));
    // `docker volume create` touches neither images nor the container's writable layer.
    expect(timeline.at(3)!.images).toBe(timeline.at(2)!.images);
  });

  it('continues from an earlier line: the live engine is as it was then, and the later lines are a branch to return to', async () => {
    const { host, timeline } = await session(LINES.slice(0, 5));
    const end = host.snapshot();
    await timeline.fork(1);
    expect(host.snapshot()).toEqual(timeline.at(1));
    expect(host.snapshot().containers.map((c) => [c.name, c.state])).toEqual([['web', 'running']]);
    expect(timeline.lines().map((l) => l.line)).toEqual(LINES.slice(0, 2));
    expect(timeline.branches()).toEqual([{ id: 1, from: 2, first: LINES[2], lines: 5 }]);

    timeline.record(await host.runToCompletion('docker rm -f web', sink));
    expect(host.snapshot().containers).toEqual([]);

    await timeline.switchBranch(1);
    expect(timeline.lines().map((l) => l.line)).toEqual(LINES.slice(0, 5));
    expect(host.snapshot()).toEqual(end);
    expect(timeline.at(4)).toEqual(end);
    // The lines it replaced are a branch now.
    expect(timeline.branches()).toEqual([{ id: 2, from: 2, first: 'docker rm -f web', lines: 3 }]);
  });

  it('continuing from the last line keeps no branch', async () => {
    const { timeline } = await session(LINES.slice(0, 2));
    await timeline.fork(1);
    expect(timeline.branches()).toEqual([]);
    expect(timeline.lines()).toHaveLength(2);
  });

  it('rewinds to just before a journal entry, as replay does', async () => {
    const { host, timeline } = await session(LINES.slice(0, 4));
    const journal = structuredClone(host.journal);
    await timeline.rewindTo(2);
    const replayed = newHost();
    await replayed.replay(journal, 2);
    expect(host.snapshot()).toEqual(replayed.snapshot());
    expect(host.journal.entries).toEqual(journal.entries.slice(0, 2));
    expect(timeline.lines()).toHaveLength(2);
  });

  it('rebuilds its past from a saved journal', async () => {
    const { host, timeline } = await session(LINES.slice(0, 3));
    const other = newHost();
    const restored = new SimTimeline(other);
    await restored.restore(structuredClone(host.journal));
    expect(restored.lines()).toEqual(timeline.lines());
    expect(restored.at(1)).toEqual(timeline.at(1));
  });

  it('rebuilt from a long journal, keeps the moments of the last 200 lines, and every line with its exit code', async () => {
    const lines = Array.from({ length: 205 }, (_, i) => (i === 3 ? 'false' : `echo ${i}`));
    const { host } = await session(lines);
    const restored = new SimTimeline(newHost());
    await restored.restore(structuredClone(host.journal));
    expect(restored.lines()).toHaveLength(205);
    expect(restored.lines()[3]).toEqual({ line: 'false', exit: 1 });
    expect(restored.at(4)).toBeNull();
    expect(restored.at(5)).not.toBeNull();
    expect(restored.at(204)).not.toBeNull();
    // Continuing from a line whose moment was not kept still works: the journal is the truth.
    await restored.fork(2);
    expect(restored.lines().map((l) => l.line)).toEqual(['echo 0', 'echo 1', 'echo 2']);
    expect(restored.branches()).toEqual([{ id: 1, from: 3, first: 'false', lines: 205 }]);
  });
});
