import type { Transition } from '../../../../core/model';
import { ENTRY, GONE } from './lifecycleGraph';
import type { EdgeBundle } from './lifecycleLayout';

/**
 * Which arrow of the diagram a lifecycle transition travelled: the bundle
 * between its two states, and within it the machine transition whose Docker
 * events end with (else include) the transition's action, so a "restart"
 * lights up "docker restart", not "docker start", where both join the same states.
 */
export interface EdgeHit {
  bundleId: string;
  edgeId: string;
}

export function edgeForTransition(t: Transition, bundles: readonly EdgeBundle[], initial: string | null): EdgeHit | null {
  const source = t.from ?? (t.to === initial ? ENTRY : null);
  const target = t.to ?? GONE;
  if (source === null) return null;
  const bundle = bundles.find((b) => b.source === source && b.target === target);
  if (!bundle) return null;
  const edge =
    bundle.edges.find((e) => e.events.at(-1) === t.action) ?? bundle.edges.find((e) => e.events.includes(t.action)) ?? bundle.edges[0]!;
  return { bundleId: bundle.id, edgeId: edge.id };
}

/** One chip's trip along an edge. */
export interface Trip {
  containerId: string;
  name: string;
  hit: EdgeHit;
  /** Where the chip rests once the trip is over (null: it has left the diagram). */
  to: string | null;
}

/**
 * Groups a batch of transitions into each container's trips, in order, so a
 * `docker run` (create, then start) plays as two hops of the same chip.
 */
export function plan(transitions: readonly Transition[], bundles: readonly EdgeBundle[], initial: string | null): Map<string, Trip[]> {
  const trips = new Map<string, Trip[]>();
  for (const t of transitions) {
    const hit = edgeForTransition(t, bundles, initial);
    if (!hit) continue;
    const list = trips.get(t.containerId) ?? [];
    list.push({ containerId: t.containerId, name: t.name, hit, to: t.to });
    trips.set(t.containerId, list);
  }
  return trips;
}
