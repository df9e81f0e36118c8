import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { DEFAULT_EPOCH, SimHost, type Journal } from './simHost';
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

  describe('the lesson player\'s jump', () => {
    /** The machine a fresh engine with `lines` run on it is: what a jump must leave. */
    async function rebuiltFresh(lines: readonly string[], epoch?: number): Promise<SimHost> {
      const host = newHost();
      await new SimTimeline(host).jumpTo(lines, epoch);
      return host;
    }
    const lineTexts = (t: SimTimeline): string[] => t.lines().map((l) => l.line);
    const DAY = 86_400_000;

    it('records a moment after each line it runs, as a session of typed lines would', async () => {
      const host = newHost();
      const timeline = new SimTimeline(host);
      await timeline.jumpTo(LINES.slice(0, 4));
      expect(timeline.lines()).toEqual(LINES.slice(0, 4).map((line) => ({ line, exit: 0 })));
      const typed = await session(LINES.slice(0, 4));
      for (let n = 0; n < 4; n++) expect(timeline.at(n)).toEqual(typed.timeline.at(n));
      expect(host.snapshot()).toEqual(typed.host.snapshot());
    });

    it('keeps the lines the student ran as a branch to switch back to', async () => {
      const mine = ['docker run -d --name mine busybox sleep 1000', 'docker volume create scratch'];
      const { host, timeline } = await session(mine);
      const theirs = host.snapshot();
      await timeline.jumpTo(LINES.slice(0, 3), DEFAULT_EPOCH + DAY);
      expect(lineTexts(timeline)).toEqual(LINES.slice(0, 3));
      expect(host.snapshot().containers.map((c) => c.name)).toEqual(['web']);
      expect(timeline.branches()).toEqual([{ id: 1, from: 0, first: mine[0], lines: 2 }]);

      await timeline.switchBranch(1);
      expect(lineTexts(timeline)).toEqual(mine);
      expect(host.snapshot()).toEqual(theirs);
      expect(timeline.branches()).toEqual([{ id: 2, from: 0, first: LINES[0], lines: 3 }]);
    });

    it('going back to lines the journal begins with continues from there: earlier moments kept, later lines a branch, the machine a fresh rebuild\'s', async () => {
      const host = newHost();
      const timeline = new SimTimeline(host);
      await timeline.jumpTo(LINES.slice(0, 5));
      timeline.record(await host.runToCompletion('docker run -d --name extra busybox sleep 1000', sink));
      const first = timeline.at(0);
      // A fresh rebuild would start at this epoch: the jump keeps the journal's instead.
      await timeline.jumpTo(LINES.slice(0, 3), DEFAULT_EPOCH + DAY);
      expect(host.journal.epoch).toBe(DEFAULT_EPOCH);
      expect(timeline.at(0)).toBe(first);
      expect(lineTexts(timeline)).toEqual(LINES.slice(0, 3));
      expect(timeline.branches()).toEqual([{ id: 1, from: 3, first: LINES[3], lines: 6 }]);
      const fresh = await rebuiltFresh(LINES.slice(0, 3));
      expect(host.snapshot()).toEqual(fresh.snapshot());
      expect(timeline.at(2)).toEqual(fresh.snapshot());
    });

    it('where the student\'s lines leave the lesson\'s part-way, reuses the shared lines and runs the rest', async () => {
      const { host, timeline } = await session([...LINES.slice(0, 2), 'docker rm -f web']);
      const first = timeline.at(0);
      await timeline.jumpTo(LINES.slice(0, 4), DEFAULT_EPOCH + DAY);
      expect(timeline.at(0)).toBe(first);
      expect(lineTexts(timeline)).toEqual(LINES.slice(0, 4));
      expect(timeline.branches()).toEqual([{ id: 1, from: 2, first: 'docker rm -f web', lines: 3 }]);
      const fresh = await rebuiltFresh(LINES.slice(0, 4));
      expect(host.snapshot()).toEqual(fresh.snapshot());
      expect(timeline.at(3)).toEqual(fresh.snapshot());
    });

    it('jumping back and forth between steps leaves no branch that is the live line again', async () => {
      const { timeline } = await session([]);
      await timeline.jumpTo(LINES.slice(0, 5));
      await timeline.jumpTo(LINES.slice(0, 3));
      expect(timeline.branches()).toHaveLength(1);
      await timeline.jumpTo(LINES.slice(0, 5));
      expect(lineTexts(timeline)).toEqual(LINES.slice(0, 5));
      expect(timeline.branches()).toEqual([]);
    });

    it('to a step that needs no lines, starts the engine over and keeps what was run as a branch', async () => {
      const { host, timeline } = await session(LINES.slice(0, 2));
      await timeline.jumpTo([], DEFAULT_EPOCH + DAY);
      expect(timeline.lines()).toEqual([]);
      expect(host.snapshot().containers).toEqual([]);
      expect(host.journal.epoch).toBe(DEFAULT_EPOCH + DAY);
      expect(timeline.branches()).toEqual([{ id: 1, from: 0, first: LINES[0], lines: 2 }]);
    });
  });
});
