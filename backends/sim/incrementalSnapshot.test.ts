import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';

/**
 * Issue 14: the snapshot is assembled from parts kept while unchanged
 * (containers, cgroups, processes, namespaces, interfaces). Taken after every
 * line, it must equal one built afresh by a host that ran the same lines and
 * never took a snapshot before.
 */
const LINES = [
  'docker network create appnet',
  'docker volume create data',
  'docker run -d --name web -p 8080:80 nginx',
  'docker run -d --name db --network appnet -v data:/data busybox sleep 300',
  'docker run -d --name c3 --memory 64m busybox sleep 300',
  'docker exec -d db sleep 100',
  'docker pause c3',
  'docker network connect appnet web',
  'docker unpause c3',
  'docker update --memory 32m c3',
  'docker network disconnect appnet web',
  'docker exec db sh -c "echo hi > /data/x"',
  'docker stop -t 1 c3',
  'docker kill db',
  'docker start db',
  'docker start c3',
  'docker rm -f c3',
  'docker run --rm busybox echo hi',
  'docker restart -t 0 web',
  'docker rm -f web',
  // A second bridge: its veths, its bridge going down again, namespaces dropped on rm (the kept lists must see each).
  'docker network create other',
  'docker run -d --name o1 --network other busybox sleep 300',
  'docker rm -f o1',
  'docker network rm other',
  // Namespaces shared between containers: freed only when the last holder goes.
  'docker run -d --name p1 busybox sleep 300',
  'docker run -d --name p2 --pid container:p1 --network container:p1 busybox sleep 300',
  'docker run -d --name p3 busybox sleep 300',
  'docker rm -f p2',
  'docker rm -f p1',
  'docker rm -f p3',
];

function newHost(): SimHost {
  return new SimHost({ seed: 'incremental-snapshot', yieldToEventLoop: () => yieldImmediate() });
}

async function run(host: SimHost, line: string): Promise<number> {
  return host.runToCompletion(line, { stdout: () => {}, stderr: () => {} });
}

describe('incremental snapshot', () => {
  it('taken after every line equals one built afresh after the same lines', async () => {
    const warm = newHost();
    warm.snapshot();
    for (let i = 0; i < LINES.length; i++) {
      expect(await run(warm, LINES[i]!), LINES[i]).toBe(0);
      const incremental = warm.snapshot();
      const cold = newHost();
      for (const line of LINES.slice(0, i + 1)) await run(cold, line);
      expect(incremental, `after "${LINES[i]}"`).toEqual(cold.snapshot());
    }
  });

  it('keeps the objects of processes, namespaces and interfaces that did not change, and a holder cannot change them', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name one busybox sleep 300');
    const before = host.snapshot();
    await run(host, 'docker run -d --name two busybox sleep 300');
    const after = host.snapshot();
    const oneId = before.containers.find((c) => c.name === 'one')!.id;
    const pick = <T>(list: T[] | undefined, f: (x: T) => boolean): T | undefined => list?.find(f);
    expect(pick(after.processes, (p) => p.containerId === oneId && p.role === 'container')).toBe(pick(before.processes, (p) => p.containerId === oneId && p.role === 'container'));
    expect(pick(after.namespaces, (n) => n.owner === oneId)).toBe(pick(before.namespaces, (n) => n.owner === oneId));
    expect(pick(after.interfaces, (i) => i.netns === oneId && i.name === 'eth0')).toBe(pick(before.interfaces, (i) => i.netns === oneId && i.name === 'eth0'));
    const proc = pick(after.processes, (p) => p.containerId === oneId)!;
    expect(() => proc.command.push('x')).toThrow(TypeError);
    const eth0 = pick(after.interfaces, (i) => i.netns === oneId && i.name === 'eth0')!;
    expect(() => eth0.addresses.push('1.2.3.4/8')).toThrow(TypeError);
  });
});
