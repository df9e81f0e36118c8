import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import type { BackendEvent } from '../../core/backend';
import type { Snapshot } from '../../core/model';
import { applyPatch, diffSnapshot } from '../../core/snapshotPatch';
import { SimHost } from './simHost';
import { receivingPatches, sendingPatches } from './patchStream';

const script = [
  'docker network create appnet',
  'docker volume create data',
  'docker run -d --name web -p 8080:80 nginx',
  'docker run -d --name db --network appnet -v data:/data busybox sleep 300',
  'docker run -d --name c3 busybox sleep 300',
  'docker pause c3',
  'docker exec db touch /data/x',
  'docker network connect appnet web',
  'docker unpause c3',
  'docker stop -t 1 c3',
  'docker rm c3',
  'docker run --rm busybox echo hi',
  'docker rm -f web',
  'docker network rm appnet',
];

async function run(host: SimHost, line: string): Promise<void> {
  await host.runToCompletion(line, { stdout: () => {}, stderr: () => {} });
}

/** The snapshot after each line of the script. */
async function snapshotsOfRun(): Promise<Snapshot[]> {
  const host = new SimHost({ seed: 'patch-stream', yieldToEventLoop: () => yieldImmediate() });
  const out = [host.snapshot()];
  for (const line of script) {
    await run(host, line);
    out.push(host.snapshot());
  }
  return out;
}

describe('snapshot patches over a real sim run', () => {
  it('applyPatch(a, diffSnapshot(a, b)) equals b for every pair of snapshots of the run, also after a structured clone', async () => {
    const snaps = await snapshotsOfRun();
    for (let i = 0; i < snaps.length; i++) {
      for (let j = 0; j < snaps.length; j++) {
        const [a, b] = [snaps[i] as Snapshot, snaps[j] as Snapshot];
        // As across the worker port: both ends hold their own copies.
        const patched = applyPatch(structuredClone(a), structuredClone(diffSnapshot(a, b)));
        expect(patched, `${i} → ${j}`).toEqual(b);
      }
    }
  });

  it('after one more container, the patch carries that container and is a small part of the snapshot', async () => {
    const host = new SimHost({ seed: 'patch-size', yieldToEventLoop: () => yieldImmediate() });
    for (let i = 0; i < 20; i++) await run(host, 'docker run -d busybox sleep 300');
    const before = host.snapshot();
    await run(host, 'docker run -d --name new busybox sleep 300');
    const after = host.snapshot();
    const patch = diffSnapshot(before, after);
    expect((patch.lists.containers?.upsert as { name: string }[]).map((c) => c.name)).toEqual(['new']);
    expect(JSON.stringify(patch).length).toBeLessThan(JSON.stringify(after).length / 5);
  });
});

describe('sendingPatches / receivingPatches', () => {
  it('sends the first snapshot whole and patches after; the receiver hands on whole snapshots that share unchanged containers', async () => {
    const host = new SimHost({ seed: 'patch-wire', yieldToEventLoop: () => yieldImmediate() });
    const wire: BackendEvent[] = [];
    const received: Snapshot[] = [];
    const receive = receivingPatches((e) => {
      if (e.type === 'snapshot') received.push(e.snapshot);
    });
    host.subscribe(sendingPatches((e) => {
      wire.push(e);
      receive(structuredClone(e));
    }));
    await run(host, 'docker run -d --name one busybox sleep 300');
    await run(host, 'docker run -d --name two busybox sleep 300');
    await run(host, 'docker pause two');
    expect(wire.map((e) => e.type).filter((t) => t !== 'trace')).toEqual(['snapshot', 'patch', 'patch']);
    expect(received.at(-1)).toEqual(host.snapshot());
    const one = (s: Snapshot | undefined) => s?.containers.find((c) => c.name === 'one');
    // `one` did not change across the pause: the page keeps the very object.
    expect(one(received[2])).toBe(one(received[1]));
    expect(received[2]?.containers.find((c) => c.name === 'two')?.state).toBe('paused');
  });

  it('does not send the trace ops twice: a patch names the ring\'s new ops from the trace events before it', async () => {
    const host = new SimHost({ seed: 'patch-ring', yieldToEventLoop: () => yieldImmediate() });
    const wire: BackendEvent[] = [];
    let held: Snapshot | null = null;
    const receive = receivingPatches((e) => void (e.type === 'snapshot' && (held = e.snapshot)));
    host.subscribe(sendingPatches((e) => {
      wire.push(e);
      receive(structuredClone(e));
    }));
    // Past the ring's 1000 ops, so the oldest are dropped too.
    for (let i = 0; i < 20; i++) await run(host, `docker run -d --name r${i} busybox sleep 300`);
    const patches = wire.filter((e) => e.type === 'patch');
    expect(patches.length).toBeGreaterThan(10);
    for (const p of patches) {
      expect(typeof p.trace?.add).toBe('number');
      expect(p.patch.lists.trace).toBeUndefined();
    }
    expect(patches.some((p) => (p.trace?.drop ?? 0) > 0)).toBe(true);
    expect(held!.trace).toEqual(host.snapshot().trace);
    expect(held).toEqual(host.snapshot());
  });

  it('drops a patch that arrives before any snapshot, and passes other events through', () => {
    const got: string[] = [];
    const receive = receivingPatches((e) => got.push(e.type));
    receive({ type: 'patch', patch: { set: {}, unset: [], lists: {} }, transitions: [] });
    receive({ type: 'trace', ops: [] });
    expect(got).toEqual(['trace']);
  });
});
