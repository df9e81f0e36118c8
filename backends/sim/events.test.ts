import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

describe('glassbox sim: docker events and the prune commands', () => {
  it('a bounded docker events ends by itself; an unbounded one gets the scripted Ctrl-C', async () => {
    const host = new SimHost({ seed: 'events', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run --name once --label app=demo busybox true');
    await run(host, 'sleep 1');
    const bounded = await run(host, "docker events --since 0 --until 0s --filter container=once --format '{{.Action}} {{.Actor.Attributes.app}}'");
    expect(bounded).toEqual({ out: 'create demo\nattach demo\nstart demo\ndie demo\n', err: '', exit: 0 });
    const live = await run(host, 'docker events --filter event=create');
    expect(live).toEqual({ out: '', err: '', exit: 130 });
    expect(host.isRunning).toBe(false);
    const until = new Date(host.now() + 2000).toISOString();
    const ends = await run(host, `docker events --until ${until}`);
    expect(ends.exit).toBe(0);
  });

  it('container prune removes the stopped container and system df counts what is left', async () => {
    const host = new SimHost({ seed: 'prune', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run --name done busybox true');
    await run(host, 'docker run -d --name up busybox sleep 300');
    expect((await run(host, "docker system df --format '{{.Type}} {{.TotalCount}} {{.Active}}' | head -2")).out).toBe('Images 1 1\nContainers 2 1\n');
    const pruned = await run(host, 'docker container prune -f');
    expect(pruned.out).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
    expect((await run(host, "docker ps -a --format '{{.Names}}'")).out).toBe('up\n');
  });
});
