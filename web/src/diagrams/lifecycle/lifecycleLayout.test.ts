import { describe, expect, it } from 'vitest';
import { createMachine, type AnyStateNode } from 'xstate';
import { containerMachine } from '../../../../core/lifecycle/containerMachine';
import type { Transition } from '../../../../core/model';
import { arrowLabel, ENTRY, GONE, lifecycleGraph, shortLabel } from './lifecycleGraph';
import { layoutLifecycle, type LifecycleLayout, type NodeBox } from './lifecycleLayout';
import { edgeForTransition, plan } from './motion';

const graph = lifecycleGraph(containerMachine);
const layout = layoutLifecycle(graph);
const stateNodes = Object.values(containerMachine.root.states) as AnyStateNode[];

function box(layout: LifecycleLayout, id: string): NodeBox {
  const n = layout.nodes.find((b) => b.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
}

describe('the lifecycle graph, read from containerMachine', () => {
  it('has a node for every state of the machine, and the entry and "gone" ends', () => {
    expect(graph.nodes.filter((n) => n.kind === 'state').map((n) => n.id)).toEqual(stateNodes.map((s) => s.key));
    expect(graph.nodes.map((n) => n.id)).toContain(ENTRY);
    expect(graph.nodes.map((n) => n.id)).toContain(GONE);
  });

  it('has an edge for every transition that moves a container, and a note for every one that does not', () => {
    let moving = 0;
    let requests = 0;
    let configOnly = 0;
    for (const s of stateNodes) {
      for (const [event, candidates] of s.transitions) {
        for (const t of candidates) {
          if ((t.meta as { config?: boolean } | undefined)?.config) {
            configOnly++;
            expect(graph.edges.some((e) => e.event === event) || graph.nodes.some((n) => n.requests.some((r) => r.event === event)), event).toBe(false);
            continue;
          }
          const target = t.target?.[0]?.key ?? ((t.meta as { gone?: boolean } | undefined)?.gone ? GONE : null);
          const label = (t.meta as { label?: string } | undefined)?.label ?? '';
          if (target) {
            moving++;
            expect(graph.edges.filter((e) => e.source === s.key && e.target === target && e.event === event && e.label === label)).toHaveLength(1);
          } else {
            requests++;
            expect(graph.nodes.find((n) => n.id === s.key)!.requests).toContainEqual({ event, label: label || event });
          }
        }
      }
    }
    expect(moving).toBeGreaterThan(10);
    expect(requests).toBeGreaterThan(0);
    // docker update --restart is accepted in five states and drawn in none.
    expect(configOnly).toBe(5);
    // Plus the entry edge from the machine's initial transition.
    expect(graph.edges).toHaveLength(moving + 1);
    expect(graph.edges.filter((e) => e.source === ENTRY)).toEqual([expect.objectContaining({ target: containerMachine.root.initial.target[0]!.key })]);
  });

  it('gives every edge a unique id', () => {
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
  });

  it.each([
    ['die (PID 1 exited)', 'die'],
    ['docker stop (cancels the restart)', 'docker stop'],
    ['docker start', 'docker start'],
    ['', ''],
  ])('shortLabel(%j) = %j', (label, short) => {
    expect(shortLabel(label)).toBe(short);
  });

  it.each([
    ['docker stop (cancels the restart)', { text: 'stop', kind: 'command' }],
    ['docker rm -f', { text: 'rm -f', kind: 'command' }],
    ['die (PID 1 exited)', { text: 'die', kind: 'event' }],
    ['restart policy (after back-off)', { text: 'restart policy', kind: 'event' }],
  ])('arrowLabel(%j)', (label, expected) => {
    expect(arrowLabel(label)).toEqual(expected);
  });
});

describe('layoutLifecycle', () => {
  it('is deterministic: the same machine gives the same coordinates', () => {
    const again = layoutLifecycle(lifecycleGraph(containerMachine));
    expect(again).toEqual(layout);
    // A machine built anew from the same definition too.
    const rebuilt = createMachine(containerMachine.config as Parameters<typeof createMachine>[0]);
    expect(layoutLifecycle(lifecycleGraph(rebuilt))).toEqual(layout);
  });

  it('places every node inside the drawing, with no two overlapping', () => {
    for (const n of layout.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y - n.height / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width / 2).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(layout.height);
    }
    for (const a of layout.nodes)
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
  });

  it('draws every edge inside exactly one arrow whose label names it', () => {
    for (const e of graph.edges) {
      const holding = layout.bundles.filter((b) => b.edges.includes(e));
      expect(holding, e.id).toHaveLength(1);
      const b = holding[0]!;
      expect(b.source).toBe(e.source);
      expect(b.target).toBe(e.target);
      const text = e.source === ENTRY ? 'create' : arrowLabel(e.label).text;
      expect(b.labels.map((l) => l.text)).toContain(text);
    }
  });

  it('routes each arrow from the border of its source to the border of its target', () => {
    for (const b of layout.bundles) {
      expect(b.points.length, b.id).toBeGreaterThanOrEqual(2);
      expect(b.path, b.id).toMatch(/^M/);
      const near = (p: { x: number; y: number }, n: NodeBox): boolean =>
        Math.abs(p.x - n.x) <= n.width / 2 + 1 && Math.abs(p.y - n.y) <= n.height / 2 + 1 && (Math.abs(Math.abs(p.x - n.x) - n.width / 2) <= 1 || Math.abs(Math.abs(p.y - n.y) - n.height / 2) <= 1);
      expect(near(b.points[0]!, box(layout, b.source)), `${b.id} starts on ${b.source}`).toBe(true);
      expect(near(b.points.at(-1)!, box(layout, b.target)), `${b.id} ends on ${b.target}`).toBe(true);
    }
  });

  it('keeps labels clear of the state boxes', () => {
    for (const b of layout.bundles)
      for (const n of layout.nodes) {
        const apart = Math.abs(b.labelX - n.x) >= (b.labelWidth + n.width) / 2 || Math.abs(b.labelY - n.y) >= (b.labelHeight + n.height) / 2;
        expect(apart, `label of ${b.id} covers ${n.id}`).toBe(true);
      }
  });

  it('lays out any flat machine, including self-loops, eventless and targetless transitions', () => {
    const m = createMachine({
      initial: 'a',
      states: {
        a: { on: { go: 'b', poke: {}, again: 'a' } },
        b: { always: { target: 'c', guard: () => false }, on: { end: { meta: { label: 'end', gone: true } } } },
        c: {},
      },
    });
    const g = lifecycleGraph(m);
    expect(g.nodes.map((n) => n.id)).toEqual([ENTRY, 'a', 'b', 'c', GONE]);
    expect(g.edges.map((e) => `${e.source}>${e.target}`)).toEqual([`${ENTRY}>a`, 'a>b', 'a>a', `b>${GONE}`, 'b>c']);
    expect(g.nodes.find((n) => n.id === 'a')!.requests).toEqual([{ event: 'poke', label: 'poke' }]);
    const l = layoutLifecycle(g);
    expect(l.bundles.map((b) => b.id).sort()).toEqual([`${ENTRY}->a`, 'a->a', 'a->b', 'b->c', `b->${GONE}`].sort());
    expect(l.bundles.every((b) => b.path.startsWith('M'))).toBe(true);
    expect(layoutLifecycle(g)).toEqual(l);
  });
});

describe('edgeForTransition', () => {
  const t = (from: Transition['from'], to: Transition['to'], action: string): Transition => ({ containerId: 'c1', name: 'web', from, to, action, time: 0 });
  const label = (hit: ReturnType<typeof edgeForTransition>): string | null => {
    if (!hit) return null;
    const e = graph.edges.find((x) => x.id === hit.edgeId)!;
    return e.source === ENTRY ? 'docker create' : e.label;
  };

  it.each([
    [t(null, 'created', 'create'), 'docker create'],
    [t('created', 'running', 'start'), 'docker start'],
    [t('exited', 'running', 'restart'), 'docker restart'],
    [t('running', 'exited', 'die'), 'die (PID 1 exited)'],
    [t('running', 'paused', 'pause'), 'docker pause'],
    [t('restarting', 'running', 'start'), 'restart policy (after back-off)'],
    [t('removing', null, 'destroy'), 'destroy'],
    [t('exited', 'removing', 'destroy'), 'docker rm (also --rm after exit)'],
    [t('created', 'paused', 'pause'), null], // no such arrow: nothing to animate
    [t(null, 'running', 'start'), null],
  ])('%j → %s', (transition, expected) => {
    expect(label(edgeForTransition(transition, layout.bundles, 'created'))).toBe(expected);
  });

  it('plans each container’s hops in order', () => {
    const trips = plan(
      [t(null, 'created', 'create'), { ...t(null, 'created', 'create'), containerId: 'c2', name: 'db' }, t('created', 'running', 'start')],
      layout.bundles,
      'created',
    );
    expect([...trips.keys()]).toEqual(['c1', 'c2']);
    expect(trips.get('c1')!.map((x) => x.to)).toEqual(['created', 'running']);
    expect(trips.get('c2')!.map((x) => x.hit.bundleId)).toEqual([`${ENTRY}->created`]);
  });
});
