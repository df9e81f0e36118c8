import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot, Transition } from '../../core/model';
import { EngineWatcher } from './engineWatcher';

/**
 * The watcher against a fake Engine API: the races a loaded daemon produces
 * (a failed inspect, a name reused by a new id, answers that cross, a lost
 * event stream), each of which once left a container missing or stale.
 */

interface FakeContainer {
  id: string;
  name: string;
  state: string;
  status: string;
}

class FakeDocker {
  containers = new Map<string, FakeContainer>();
  stream: PassThrough | null = null;
  /** Inspect failures still to come, per id (a 500 each). */
  failInspect = new Map<string, number>();
  failListImages = 0;
  /** Holds unfiltered container lists (answered as they were when asked) until released. */
  listGate: Promise<void> | null = null;
  imagesGate: Promise<void> | null = null;
  private t = 1;

  add(id: string, name: string, state = 'running', status = 'Up 1 second'): void {
    this.containers.set(id, { id, name, state, status });
  }
  event(action: string, id: string, name: string, type = 'container'): void {
    this.stream!.write(`${JSON.stringify({ Type: type, Action: action, Actor: { ID: id, Attributes: { name } }, timeNano: 1e15 + this.t++ * 1e6 })}\n`);
  }
  info = async (): Promise<object> => ({});
  getEvents = async (): Promise<PassThrough> => (this.stream = new PassThrough());
  listContainers = async (opts?: { filters?: string }): Promise<object[]> => {
    const want = opts?.filters ? (JSON.parse(opts.filters) as { id: string[] }).id : null;
    const out = [...this.containers.values()].filter((c) => !want || want.includes(c.id)).map((c) => ({ Id: c.id, Names: [`/${c.name}`], State: c.state, Status: c.status }));
    if (!want && this.listGate) await this.listGate;
    return out;
  };
  getContainer = (id: string): { inspect: () => Promise<object> } => ({
    inspect: async () => {
      const left = this.failInspect.get(id) ?? 0;
      if (left > 0) {
        this.failInspect.set(id, left - 1);
        throw Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500 });
      }
      const c = this.containers.get(id);
      if (!c) throw Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 });
      return {
        Id: c.id,
        Name: `/${c.name}`,
        Image: 'sha256:feed',
        Path: 'sh',
        Args: [],
        Created: `2026-01-01T00:00:0${this.t}Z`,
        RestartCount: 0,
        State: { Status: c.state, ExitCode: 0, Pid: 0, OOMKilled: false, StartedAt: '', FinishedAt: '' },
        Config: { Image: 'busybox', Env: [], Labels: {} },
        HostConfig: {},
        NetworkSettings: { Networks: {}, Ports: {} },
        Mounts: [],
      };
    },
  });
  listImages = async (): Promise<object[]> => {
    if (this.imagesGate) await this.imagesGate;
    if (this.failListImages > 0) {
      this.failListImages--;
      throw Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500 });
    }
    return [];
  };
  getImage = (): object => ({ inspect: async () => Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 })), history: async () => [] });
  listVolumes = async (): Promise<object> => ({ Volumes: [] });
  listNetworks = async (): Promise<object[]> => [];
  getNetwork = (): object => ({ inspect: async () => Promise.reject(Object.assign(new Error('no such network'), { statusCode: 404 })) });
}

const watchers: EngineWatcher[] = [];
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.close()));
});

async function started(fake: FakeDocker): Promise<{ w: EngineWatcher; snapshots: { snapshot: Snapshot; transitions: Transition[] }[] }> {
  const w = new EngineWatcher({ docker: fake as unknown as Dockerode, batchMs: 5 });
  watchers.push(w);
  const snapshots: { snapshot: Snapshot; transitions: Transition[] }[] = [];
  w.subscribe((e) => {
    if (e.type === 'snapshot') snapshots.push({ snapshot: e.snapshot, transitions: e.transitions });
  });
  await w.start();
  return { w, snapshots };
}

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const named = (s: Snapshot, name: string): string[] => s.containers.filter((c) => c.name === name).map((c) => c.id);
const gate = (): { wait: Promise<void>; open: () => void } => {
  let open = (): void => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
};

describe('EngineWatcher keeps every container', () => {
  it('re-reads a container whose inspect failed, without dropping the others of its batch', async () => {
    const fake = new FakeDocker();
    const { w, snapshots } = await started(fake);
    fake.add('a'.repeat(64), 'ticker');
    fake.add('b'.repeat(64), 'other');
    // More failures than one batch's retries: its events are carried to the next round.
    fake.failInspect.set('a'.repeat(64), 4);
    fake.event('create', 'a'.repeat(64), 'ticker');
    fake.event('start', 'a'.repeat(64), 'ticker');
    fake.event('create', 'b'.repeat(64), 'other');
    await until('both containers', () => named(w.snapshot(), 'ticker').length === 1 && named(w.snapshot(), 'other').length === 1);
    await until('the failed one\'s transitions', () => snapshots.some((s) => s.transitions.some((t) => t.name === 'ticker' && t.to === 'running')));
  });

  it('takes a 404 as gone for that id only: the new container of the same name stays, the old one goes', async () => {
    const fake = new FakeDocker();
    fake.add('1'.repeat(64), 'myregistry');
    const { w } = await started(fake);
    expect(named(w.snapshot(), 'myregistry')).toEqual(['1'.repeat(64)]);
    // docker rm -f myregistry; docker run --name myregistry …: the old id's destroy never reached us.
    fake.containers.delete('1'.repeat(64));
    fake.add('2'.repeat(64), 'myregistry');
    fake.event('create', '2'.repeat(64), 'myregistry');
    fake.event('start', '2'.repeat(64), 'myregistry');
    await until('the new one', () => w.snapshot().containers.some((c) => c.id === '2'.repeat(64)));
    expect(named(await w.freshSnapshot(), 'myregistry')).toEqual(['2'.repeat(64)]);
  });

  it('never lets an older answer overwrite a newer state', async () => {
    const fake = new FakeDocker();
    fake.add('c'.repeat(64), 'web', 'exited', 'Exited (0) 2 seconds ago');
    const { w } = await started(fake);
    const g = gate();
    fake.listGate = g.wait;
    // The page asks for a snapshot: its list is taken now (exited), and answered late.
    const asked = w.freshSnapshot();
    await new Promise((r) => setTimeout(r, 20));
    fake.containers.get('c'.repeat(64))!.state = 'running';
    fake.containers.get('c'.repeat(64))!.status = 'Up 1 second';
    fake.event('start', 'c'.repeat(64), 'web');
    await new Promise((r) => setTimeout(r, 60));
    fake.listGate = null;
    g.open();
    await asked;
    await until('the start read', () => w.snapshot().containers[0]?.state === 'running');
    await new Promise((r) => setTimeout(r, 50));
    const c = w.snapshot().containers[0]!;
    expect([c.state, c.status]).toEqual(['running', 'Up 1 second']);
  });

  it('still reports a batch when one of its other reads (the images) fails', async () => {
    const fake = new FakeDocker();
    const { snapshots } = await started(fake);
    fake.failListImages = 1;
    fake.add('d'.repeat(64), 'tagged');
    fake.event('tag', 'sha256:feed', 'busybox', 'image');
    fake.event('create', 'd'.repeat(64), 'tagged');
    await until('a snapshot with its create', () => snapshots.some((s) => s.transitions.some((t) => t.name === 'tagged' && t.to === 'created') && named(s.snapshot, 'tagged').length === 1));
  });

  it('after the event stream reconnects, reads what moved unseen and what moves during the re-read', async () => {
    const fake = new FakeDocker();
    fake.add('e'.repeat(64), 'old');
    const { w } = await started(fake);
    const g = gate();
    fake.imagesGate = g.wait;
    fake.stream!.end();
    // Made while the stream was down: no event will tell.
    fake.add('f'.repeat(64), 'unseen');
    await until('the new stream and the re-read under way', () => fake.stream !== null && fake.stream.listenerCount('data') > 0 && !fake.stream.writableEnded, 3000);
    await new Promise((r) => setTimeout(r, 50));
    // Made while the re-read is still reading the images.
    fake.add('0'.repeat(64), 'during');
    fake.event('create', '0'.repeat(64), 'during');
    await new Promise((r) => setTimeout(r, 50));
    fake.imagesGate = null;
    g.open();
    await until('every container', () => ['old', 'unseen', 'during'].every((n) => named(w.snapshot(), n).length === 1));
  });
});
