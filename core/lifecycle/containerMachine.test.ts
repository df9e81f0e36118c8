import { describe, expect, it } from 'vitest';
import { createActor, type AnyTransitionDefinition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from '@xstate/graph';
import { containerMachine, containerStates, refusalText, restartPolicyWants, type ContainerEvent, type ContainerEventType, type StateMeta } from './containerMachine';
import type { ContainerState, RestartPolicy } from '../model';

type Snap = SnapshotFrom<typeof containerMachine>;

const events: ContainerEvent[] = [
  { type: 'container.start' },
  { type: 'container.die', exitCode: 0 },
  { type: 'container.die', exitCode: 1 },
  { type: 'container.pause' },
  { type: 'container.unpause' },
  { type: 'container.stop' },
  { type: 'container.kill', signal: 'SIGKILL' },
  { type: 'container.restart' },
  { type: 'container.autoRestart' },
  { type: 'container.remove', force: false },
  { type: 'container.remove', force: true },
  { type: 'container.removed' },
  { type: 'container.removalFailed' },
  { type: 'container.update', restartPolicy: { name: 'always', maximumRetryCount: 0 } },
  { type: 'container.update', restartPolicy: { name: 'no', maximumRetryCount: 0 } },
];

const policies: RestartPolicy[] = [
  { name: 'no', maximumRetryCount: 0 },
  { name: 'always', maximumRetryCount: 0 },
  { name: 'unless-stopped', maximumRetryCount: 0 },
  { name: 'on-failure', maximumRetryCount: 1 },
];

// Context matters to guards only through these fields; capping restartCount keeps the graph finite.
function serializeState(s: Snap): string {
  const c = s.context;
  return JSON.stringify([s.value, c.manuallyStopped, c.removalInProgress, Math.min(c.restartCount, 2), c.restartPolicy.name]);
}

/** Every transition the machine defines, by identity. */
function allTransitions(): Set<AnyTransitionDefinition> {
  const out = new Set<AnyTransitionDefinition>();
  for (const node of Object.values(containerMachine.root.states)) {
    for (const list of node.transitions.values()) for (const t of list) out.add(t);
  }
  return out;
}

function takenTransition(from: Snap, event: ContainerEvent): AnyTransitionDefinition | undefined {
  // StateNode.next is xstate's own transition selection (guards included); it is not in the public types.
  const node = containerMachine.root.states[from.value as string] as unknown as { next(s: Snap, e: ContainerEvent): AnyTransitionDefinition[] | undefined };
  return node.next(from, event)?.[0];
}

function pathsFor(policy: RestartPolicy, kind: 'shortest' | 'simple') {
  // Simple paths grow exponentially with each event; the removal property does not depend on the policy, so they leave updates out.
  const used = kind === 'simple' ? events.filter((e) => e.type !== 'container.update') : events;
  const opts = { input: { restartPolicy: policy }, events: used, serializeState: serializeState as never };
  return kind === 'shortest' ? getShortestPaths(containerMachine, opts) : getSimplePaths(containerMachine, opts);
}

/** Replays a path on a real actor, returning each (from, event) pair. */
function replay(policy: RestartPolicy, steps: { event: ContainerEvent }[]): { from: Snap; event: ContainerEvent }[] {
  const actor = createActor(containerMachine, { input: { restartPolicy: policy } }).start();
  const out: { from: Snap; event: ContainerEvent }[] = [];
  for (const { event } of steps) {
    if (event.type.startsWith('xstate.')) continue;
    out.push({ from: actor.getSnapshot(), event });
    actor.send(event);
  }
  return out;
}

describe('containerMachine', () => {
  it('has exactly Docker’s seven states, flat', () => {
    expect(Object.keys(containerMachine.root.states).sort()).toEqual([...containerStates].sort());
    for (const node of Object.values(containerMachine.root.states)) expect(Object.keys(node.states)).toEqual([]);
  });

  it('describes every transition for the diagram', () => {
    for (const t of allTransitions()) {
      expect(typeof t.meta?.label, `${t.source.key} --${t.eventType}-->`).toBe('string');
    }
  });

  it('covers every transition from the machine’s own paths', () => {
    const covered = new Set<AnyTransitionDefinition>();
    for (const policy of policies) {
      // Shortest paths reach every distinct state; from each, every event is tried (the graph's edges).
      for (const path of pathsFor(policy, 'shortest')) {
        const steps = replay(policy, path.steps as never);
        for (const { from, event } of steps) {
          const t = takenTransition(from, event);
          if (t) covered.add(t);
        }
        for (const event of events) {
          const t = takenTransition(path.state as Snap, event);
          if (t) covered.add(t);
        }
      }
    }
    const missing = [...allTransitions()].filter((t) => !covered.has(t)).map((t) => `${t.source.key} --${t.eventType}--> ${t.target?.[0]?.key ?? '(stays)'} [${String(t.meta?.label)}]`);
    expect(missing).toEqual([]);
  });

  it('reaches every state under every restart policy that allows it', () => {
    const reached = new Set<string>();
    for (const policy of policies) for (const p of pathsFor(policy, 'shortest')) reached.add(p.state.value as string);
    expect([...reached].sort()).toEqual([...containerStates].sort());
  });

  it('never leaves removing except by destroy or a failed removal (simple paths)', () => {
    for (const path of pathsFor({ name: 'no', maximumRetryCount: 0 }, 'simple')) {
      const values = path.steps.map((s) => s.state.value as string);
      const i = values.indexOf('removing');
      if (i >= 0) for (const v of values.slice(i + 1)) expect(['removing', 'dead']).toContain(v);
    }
  });

  describe('refusals', () => {
    const userCommands: ContainerEventType[] = ['container.start', 'container.pause', 'container.unpause', 'container.stop', 'container.kill', 'container.restart', 'container.remove', 'container.update'];
    const reachable = new Map<string, Snap>();
    for (const policy of policies) for (const p of pathsFor(policy, 'shortest')) if (!reachable.has(p.state.value as string)) reachable.set(p.state.value as string, p.state as Snap);

    const cases: [ContainerState, ContainerEvent][] = [];
    for (const state of containerStates) for (const e of events) if (userCommands.includes(e.type)) cases.push([state, e]);

    it.each(cases)('in %s, %o is either accepted or refused with Docker’s text', (state, event) => {
      const snap = reachable.get(state)!;
      const refusal = refusalText(state, event.type, 'ID', 'REF');
      if (snap.can(event)) {
        // An accepted event may still be refused in another variant (rm without -f), never both at once.
        if (event.type !== 'container.remove') expect(refusal).toBeUndefined();
      } else {
        expect(refusal, `no refusal text for ${event.type} in ${state}`).toBeTypeOf('string');
      }
    });

    it('has a refusal only for an event the state really refuses', () => {
      for (const state of containerStates) {
        const refusals = (containerMachine.root.states[state]!.meta as StateMeta).refusals;
        for (const type of Object.keys(refusals) as ContainerEventType[]) {
          const variants = events.filter((e) => e.type === type);
          expect(variants.some((e) => !reachable.get(state)!.can(e)), `${state} refuses ${type}`).toBe(true);
        }
      }
    });

    it.each([
      // Engine 25+ wording (moby daemon/delete.go), with the name or id as the user typed it.
      ['running', 'container.remove', 'cannot remove container "REF": container is running: stop the container before removing or force remove'],
      ['paused', 'container.remove', 'cannot remove container "REF": container is paused and must be unpaused first'],
      ['restarting', 'container.remove', 'cannot remove container "REF": container is restarting: stop the container before removing or force remove'],
      ['paused', 'container.pause', 'Container ID is already paused'],
      ['paused', 'container.start', 'cannot start a paused container, try unpause instead'],
      ['exited', 'container.unpause', 'Container ID is not paused'],
      ['exited', 'container.kill', 'Container ID is not running'],
      ['created', 'container.pause', 'Container ID is not running'],
      ['restarting', 'container.pause', 'Container ID is restarting, wait until the container is running'],
      ['removing', 'container.remove', 'removal of container REF is already in progress'],
      ['dead', 'container.update', 'container is marked for removal and cannot be "update"'],
    ] as const)('in %s, %s is refused with "%s"', (state, type, text) => {
      expect(refusalText(state, type, 'ID', 'REF')).toBe(text);
    });
  });

  describe('restart policies', () => {
    it.each([
      ['no', 0, 1, false, false],
      ['always', 0, 0, false, true],
      ['always', 0, 0, true, false],
      ['unless-stopped', 0, 3, false, true],
      ['unless-stopped', 0, 3, true, false],
      ['on-failure', 0, 0, false, false],
      ['on-failure', 0, 2, false, true],
      ['on-failure', 3, 2, false, true],
    ] as const)('%s (max %i) after exit %i, stopped by hand %s → restarts: %s', (name, max, exitCode, manual, expected) => {
      expect(restartPolicyWants({ restartPolicy: { name, maximumRetryCount: max }, restartCount: 0, manuallyStopped: manual }, exitCode)).toBe(expected);
    });

    it('on-failure:2 gives up after two restarts', () => {
      const actor = createActor(containerMachine, { input: { restartPolicy: { name: 'on-failure', maximumRetryCount: 2 } } }).start();
      actor.send({ type: 'container.start' });
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        actor.send({ type: 'container.die', exitCode: 1 });
        seen.push(actor.getSnapshot().value as string);
        actor.send({ type: 'container.autoRestart' });
      }
      expect(seen).toEqual(['restarting', 'restarting', 'exited']);
      expect(actor.getSnapshot().context.restartCount).toBe(2);
    });

    it('docker update --restart changes the policy for the next exit, keeping state and count', () => {
      const actor = createActor(containerMachine, { input: { restartPolicy: { name: 'no', maximumRetryCount: 0 } } }).start();
      actor.send({ type: 'container.start' });
      actor.send({ type: 'container.die', exitCode: 1 });
      expect(actor.getSnapshot().value).toBe('exited');
      actor.send({ type: 'container.update', restartPolicy: { name: 'always', maximumRetryCount: 0 } });
      expect(actor.getSnapshot().value).toBe('exited');
      actor.send({ type: 'container.start' });
      actor.send({ type: 'container.die', exitCode: 1 });
      expect(actor.getSnapshot().value).toBe('restarting');
      actor.send({ type: 'container.update', restartPolicy: { name: 'no', maximumRetryCount: 0 } });
      expect(actor.getSnapshot().value).toBe('restarting');
      expect(actor.getSnapshot().context.restartCount).toBe(1);
      actor.send({ type: 'container.autoRestart' });
      actor.send({ type: 'container.die', exitCode: 1 });
      expect(actor.getSnapshot().value).toBe('exited');
      expect(actor.getSnapshot().context.restartPolicy).toEqual({ name: 'no', maximumRetryCount: 0 });
    });

    it('counts restarts at the exit that schedules one, and a manual start resets the count', () => {
      const actor = createActor(containerMachine, { input: { restartPolicy: { name: 'always', maximumRetryCount: 0 } } }).start();
      actor.send({ type: 'container.start' });
      actor.send({ type: 'container.die', exitCode: 0 });
      expect(actor.getSnapshot().context.restartCount).toBe(1);
      actor.send({ type: 'container.stop' });
      expect(actor.getSnapshot().value).toBe('exited');
      actor.send({ type: 'container.start' });
      expect(actor.getSnapshot().context.restartCount).toBe(0);
    });

    it('docker stop cancels an always policy until the next start', () => {
      const actor = createActor(containerMachine, { input: { restartPolicy: { name: 'always', maximumRetryCount: 0 } } }).start();
      actor.send({ type: 'container.start' });
      actor.send({ type: 'container.stop' });
      actor.send({ type: 'container.die', exitCode: 143 });
      expect(actor.getSnapshot().value).toBe('exited');
      actor.send({ type: 'container.start' });
      actor.send({ type: 'container.die', exitCode: 0 });
      expect(actor.getSnapshot().value).toBe('restarting');
    });

    it('rm -f of a running container goes to removing when PID 1 dies', () => {
      const actor = createActor(containerMachine, { input: { restartPolicy: { name: 'always', maximumRetryCount: 0 } } }).start();
      actor.send({ type: 'container.start' });
      actor.send({ type: 'container.remove', force: true });
      expect(actor.getSnapshot().value).toBe('running');
      actor.send({ type: 'container.die', exitCode: 137 });
      expect(actor.getSnapshot().value).toBe('removing');
      expect(actor.getSnapshot().context.exitCode).toBe(137);
    });
  });
});
