import type { AnyStateMachine, AnyStateNode } from 'xstate';

/**
 * The lifecycle diagram's graph, read from the machine's own definition so the
 * picture can never disagree with the engine: one node per top-level state,
 * one edge per transition that moves a container, plus two pseudo-nodes — the
 * entry (the machine's initial transition, i.e. `docker create`) and "gone"
 * (transitions marked `meta.gone`, after which the container no longer exists).
 */

export const ENTRY = '(entry)';
export const GONE = '(gone)';

export interface LifecycleNode {
  id: string;
  kind: 'state' | 'entry' | 'gone';
  description?: string;
  /** Targetless transitions: commands the state accepts that only ask the process to act (shown as notes, not arrows). */
  requests: { event: string; label: string }[];
}

export interface LifecycleEdge {
  /** Stable and unique: source, event type and the transition's index among that event's candidates. */
  id: string;
  source: string;
  target: string;
  /** The machine event type, e.g. "container.start"; "" for the entry edge. */
  event: string;
  /** `meta.label` as written in the machine, e.g. "die (PID 1 exited)"; "" when the machine gives none. */
  label: string;
  /** The Docker events (`docker events` actions) the transition produces. */
  events: string[];
}

export interface LifecycleGraph {
  nodes: LifecycleNode[];
  edges: LifecycleEdge[];
}

interface TransitionMetaLike {
  label?: unknown;
  events?: unknown;
  gone?: unknown;
  config?: unknown;
}

function metaOf(t: { meta?: unknown }): TransitionMetaLike {
  return typeof t.meta === 'object' && t.meta !== null ? (t.meta as TransitionMetaLike) : {};
}

/** The top-level state a (possibly nested) target lies in; the diagram is flat. */
function topLevel(node: AnyStateNode): string {
  return node.path[0] ?? node.key;
}

/** Reads the graph from `machine.root`: states in document order, transitions in definition order. */
export function lifecycleGraph(machine: AnyStateMachine): LifecycleGraph {
  const states = (Object.values(machine.root.states) as AnyStateNode[]).sort((a, b) => a.order - b.order);
  const nodes: LifecycleNode[] = [];
  const edges: LifecycleEdge[] = [];
  let hasGone = false;

  const initial = machine.root.initial?.target?.[0] as AnyStateNode | undefined;
  if (initial) {
    nodes.push({ id: ENTRY, kind: 'entry', requests: [] });
    edges.push({ id: `${ENTRY}:init:0`, source: ENTRY, target: topLevel(initial), event: '', label: '', events: ['create'] });
  }

  for (const state of states) {
    const requests: LifecycleNode['requests'] = [];
    const byEvent = [...state.transitions.entries()] as [string, AnyStateNode['transitions'] extends Map<string, infer T> ? T : never][];
    const always = state.always ?? [];
    if (always.length) byEvent.push(['', always]);
    for (const [event, candidates] of byEvent) {
      candidates.forEach((t, i) => {
        const meta = metaOf(t);
        // Configuration changes (docker update) neither move the container nor ask its process anything.
        if (meta.config === true) return;
        const label = typeof meta.label === 'string' ? meta.label : '';
        const events = Array.isArray(meta.events) ? meta.events.filter((e): e is string => typeof e === 'string') : [];
        const target = t.target?.[0] as AnyStateNode | undefined;
        const id = `${state.key}:${event}:${i}`;
        if (target) {
          edges.push({ id, source: state.key, target: topLevel(target), event, label, events });
        } else if (meta.gone === true) {
          hasGone = true;
          edges.push({ id, source: state.key, target: GONE, event, label, events });
        } else {
          requests.push({ event, label: label || event });
        }
      });
    }
    nodes.push({ id: state.key, kind: 'state', description: state.description, requests });
  }
  if (hasGone) nodes.push({ id: GONE, kind: 'gone', requests: [] });
  return { nodes, edges };
}

/** The part of a label a diagram can show at projector size: "die (PID 1 exited)" → "die". */
export function shortLabel(label: string): string {
  const i = label.indexOf(' (');
  return i > 0 ? label.slice(0, i) : label;
}

/**
 * What an arrow shows: a docker command without the "docker" every command
 * shares ("docker stop (…)" → command "stop"), or an engine event as written ("die").
 */
export function arrowLabel(label: string): { text: string; kind: 'command' | 'event' } {
  const short = shortLabel(label);
  return short.startsWith('docker ') ? { text: short.slice('docker '.length), kind: 'command' } : { text: short, kind: 'event' };
}
