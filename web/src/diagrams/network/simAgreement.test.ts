import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../../../../core/engine/testDriver';
import type { Hop as SimHop } from '../../../../core/network/view';
import { flowsFor, hopsFor, type Hop } from './packetPath';
import { buildTopology } from './topology';

/**
 * The diagram works its packet paths out from the snapshot (the one thing
 * both backends give); the simulator's network model traces packets itself.
 * On the simulator's snapshot the two must tell the same story: the same
 * devices and rules, in the same order.
 */
const MEANINGFUL = new Set(['proxy', 'dnat', 'bridge', 'veth', 'masquerade']);

const diagram = (hops: Hop[]): string[] =>
  hops
    .filter((h) => MEANINGFUL.has(h.kind))
    .filter((h, i, all) => !(h.kind === 'veth' && all[i - 1]?.kind === 'veth'))
    .map((h) => (h.kind === 'dnat' || h.kind === 'masquerade' ? `${h.kind} ${h.detail}` : `${h.kind} ${h.kind === 'proxy' ? '' : h.device}`.trim()));

/** The model names a veth hop by both ends ("vethX → eth0"); the diagram by its host end. */
const model = (hops: SimHop[]): string[] =>
  hops
    .filter((h) => MEANINGFUL.has(h.kind))
    .map((h) =>
      h.kind === 'dnat' || h.kind === 'masquerade' ? `${h.kind} ${h.note}` : h.kind === 'proxy' ? 'proxy' : h.kind === 'veth' ? `veth ${/veth\w+/.exec(h.at)?.[0] ?? h.at}` : `${h.kind} ${h.at}`,
    );

describe("the diagram's packet paths agree with the simulator's", () => {
  const d = new EngineDriver('paths');
  const { id: web } = d.engine.create({ image: 'busybox', cmd: ['sleep', '3600'], name: 'web', portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8088' }] });
  d.engine.start(web);
  const { id: db } = d.engine.create({ image: 'busybox', cmd: ['sleep', '3600'], name: 'db' });
  d.engine.start(db);
  const topo = buildTopology(d.engine.snapshot());
  const flows = flowsFor(topo, web);
  const hopsOf = (kind: string): Hop[] => hopsFor(topo, flows.find((f) => f.kind === kind)!);

  it('curl localhost:8088 on the host: docker-proxy, docker0, the veth', () => {
    const sim = d.engine.net.flow('host', '127.0.0.1', 8088);
    expect(diagram(hopsOf('published'))).toEqual(model(sim));
    expect(model(sim)[0]).toBe('proxy');
  });

  it("to the host's address from outside: the DNAT rule, docker0, the veth", () => {
    const sim = d.engine.net.flow('host', '10.0.2.15', 8088);
    expect(diagram(hopsOf('external')).filter((x) => !x.startsWith('forward'))).toEqual(model(sim));
  });

  it('web to db on docker0, and web to the internet through MASQUERADE', () => {
    const dbIp = topo.placement.get(db)!.stack!.attachments[0]!.ip;
    expect(diagram(hopsOf('c2c'))).toEqual(model(d.engine.net.flow(web, dbIp, 80)));
    const out = model(d.engine.net.view(web).ping('8.8.8.8').path);
    expect(diagram(hopsOf('internet'))).toEqual(out);
    expect(out).toContain('masquerade -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
  });
});
