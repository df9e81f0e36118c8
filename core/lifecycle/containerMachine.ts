import { assign, setup } from 'xstate';
import type { ContainerState, RestartPolicy } from '../model';

/**
 * One container's lifecycle as dockerd keeps it. Flat: exactly Docker's seven
 * states (State.Status in `docker inspect`), so the lifecycle diagram can be
 * drawn straight from `containerMachine.root.states` and their `on` maps.
 *
 * Commands that only *ask* something of the process (`docker stop`, `docker
 * kill`, `docker restart` of a running container) are targetless transitions:
 * the state changes only when PID 1 really exits (`container.die`), as in
 * Docker, where a container stays "running" during the whole stop timeout.
 *
 * What Docker refuses is written on each state's `meta.refusals`: an event the
 * state does not accept (`snapshot.can(event)` is false) is answered with that
 * text, `{id}` being the full container id and `{ref}` the name or id the user
 * typed. The engine adds Docker's route prefixes ("cannot kill container: …").
 */

export interface ContainerContext {
  restartPolicy: RestartPolicy;
  /** Restarts by the restart policy since the last manual start (inspect RestartCount; Docker counts at the exit that schedules one and resets it on `docker start`). */
  restartCount: number;
  exitCode: number;
  /** `docker stop`/`kill` cancel the restart policy until the next start (Docker's HasBeenManuallyStopped + ExitOnNext). */
  manuallyStopped: boolean;
  /** `docker rm -f` of a live container: once PID 1 dies the container goes straight to removing. */
  removalInProgress: boolean;
  /** Whether it ever started (Docker shows "created" only for never-started containers). */
  everStarted: boolean;
}

export interface ContainerInput {
  restartPolicy: RestartPolicy;
}

export type ContainerEvent =
  | { type: 'container.start' }
  | { type: 'container.die'; exitCode: number }
  | { type: 'container.pause' }
  | { type: 'container.unpause' }
  | { type: 'container.stop' }
  | { type: 'container.kill'; signal: string }
  | { type: 'container.restart' }
  | { type: 'container.autoRestart' }
  | { type: 'container.remove'; force: boolean }
  | { type: 'container.removed' }
  | { type: 'container.removalFailed' }
  /** `docker update --restart`: the restart manager uses the new policy from the next exit on. */
  | { type: 'container.update'; restartPolicy: RestartPolicy };

export type ContainerEventType = ContainerEvent['type'];

/** What a transition means to a Docker user; the diagram labels its edges with `label`. */
export interface TransitionMeta {
  /** Short edge label: the docker command or the engine event that causes it. */
  label: string;
  /** The Docker events (`docker events` actions) this transition produces, in order. */
  events?: string[];
  /** Set when the transition does not move the container now and only asks the process to act. */
  request?: boolean;
  /** Set on the transition after which the container no longer exists. */
  gone?: boolean;
  /** Set when the transition only changes the container's configuration (not part of the lifecycle diagram). */
  config?: boolean;
}

export interface StateMeta {
  /** Docker's own words for what it refuses in this state, keyed by event type. */
  refusals: Partial<Record<ContainerEventType, string>>;
}

const notRunning = 'Container {id} is not running';
const notPaused = 'Container {id} is not paused';
const markedForRemoval = 'container is marked for removal and cannot be started';
// moby daemon/update.go: the route prefixes it with "Cannot update container {id}: ".
const updateMarkedForRemoval = 'container is marked for removal and cannot be "update"';
// Every state but removing and dead takes a new restart policy (moby daemon/update.go, container.UpdateContainer).
const updateTransition = { 'container.update': { actions: 'updateRestartPolicy', meta: { label: 'docker update --restart', config: true } } } as const;

/**
 * Docker's restart manager decision (daemon/restartmanager): a policy restarts
 * the container unless it was stopped by hand; on-failure only for a non-zero
 * exit and while under its maximum retry count (0 = no maximum).
 */
export function restartPolicyWants(ctx: Pick<ContainerContext, 'restartPolicy' | 'restartCount' | 'manuallyStopped'>, exitCode: number): boolean {
  if (ctx.manuallyStopped) return false;
  const p = ctx.restartPolicy;
  switch (p.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return exitCode !== 0 && (p.maximumRetryCount === 0 || ctx.restartCount < p.maximumRetryCount);
    default:
      return false;
  }
}

export const containerMachine = setup({
  types: {
    context: {} as ContainerContext,
    events: {} as ContainerEvent,
    input: {} as ContainerInput,
    meta: {} as StateMeta,
    transitionMeta: {} as TransitionMeta,
  },
  actions: {
    recordExit: assign({
      exitCode: ({ event }) => (event.type === 'container.die' ? event.exitCode : 0),
    }),
    markStarted: assign({ everStarted: true, manuallyStopped: false, restartCount: 0 }),
    countRestart: assign({ restartCount: ({ context }) => context.restartCount + 1 }),
    markManuallyStopped: assign({ manuallyStopped: true }),
    updateRestartPolicy: assign({
      restartPolicy: ({ context, event }) => (event.type === 'container.update' ? event.restartPolicy : context.restartPolicy),
    }),
    markRemovalInProgress: assign({ removalInProgress: true, manuallyStopped: true }),
    // Docker answers such a request with success and changes nothing (HTTP 304 Not Modified).
    reportNotModified: () => {},
    // The engine drops the actor and releases the name; nothing in the context outlives it.
    destroy: () => {},
  },
  guards: {
    removalInProgress: ({ context }) => context.removalInProgress,
    restartPolicyWantsRestart: ({ context, event }) => event.type === 'container.die' && restartPolicyWants(context, event.exitCode),
    forced: ({ event }) => event.type === 'container.remove' && event.force,
  },
}).createMachine({
  id: 'container',
  initial: 'created',
  context: ({ input }) => ({
    restartPolicy: input.restartPolicy,
    restartCount: 0,
    exitCode: 0,
    manuallyStopped: false,
    removalInProgress: false,
    everStarted: false,
  }),
  states: {
    created: {
      description: 'Created from an image with its writable layer, never started.',
      meta: {
        refusals: {
          'container.pause': notRunning,
          'container.unpause': notPaused,
          'container.kill': notRunning,
        },
      },
      on: {
        ...updateTransition,
        'container.start': { target: 'running', actions: 'markStarted', meta: { label: 'docker start', events: ['start'] } },
        'container.restart': { target: 'running', actions: 'markStarted', meta: { label: 'docker restart', events: ['start', 'restart'] } },
        'container.stop': { actions: 'reportNotModified', meta: { label: 'docker stop (nothing to stop)' } },
        'container.remove': { target: 'removing', meta: { label: 'docker rm' } },
      },
    },
    running: {
      description: 'PID 1 is alive.',
      meta: {
        refusals: {
          'container.unpause': notPaused,
          'container.remove': 'cannot remove container "{ref}": container is running: stop the container before removing or force remove',
        },
      },
      on: {
        ...updateTransition,
        'container.die': [
          { guard: 'removalInProgress', target: 'removing', actions: 'recordExit', meta: { label: 'die (docker rm -f)', events: ['die'] } },
          { guard: 'restartPolicyWantsRestart', target: 'restarting', actions: ['recordExit', 'countRestart'], meta: { label: 'die (restart policy)', events: ['die'] } },
          { target: 'exited', actions: 'recordExit', meta: { label: 'die (PID 1 exited)', events: ['die'] } },
        ],
        'container.pause': { target: 'paused', meta: { label: 'docker pause', events: ['pause'] } },
        'container.stop': { actions: 'markManuallyStopped', meta: { label: 'docker stop (SIGTERM, then SIGKILL after the timeout)', events: ['kill'], request: true } },
        'container.kill': { actions: 'markManuallyStopped', meta: { label: 'docker kill (signal)', events: ['kill'], request: true } },
        'container.restart': { actions: 'markManuallyStopped', meta: { label: 'docker restart (stop, then start)', request: true } },
        'container.start': { actions: 'reportNotModified', meta: { label: 'docker start (already running)' } },
        'container.remove': { guard: 'forced', actions: 'markRemovalInProgress', meta: { label: 'docker rm -f (SIGKILL)', events: ['kill'], request: true } },
      },
    },
    paused: {
      description: 'Every process is frozen by the cgroup freezer.',
      meta: {
        refusals: {
          'container.start': 'cannot start a paused container, try unpause instead',
          'container.pause': 'Container {id} is already paused',
          'container.remove': 'cannot remove container "{ref}": container is paused and must be unpaused first',
        },
      },
      on: {
        ...updateTransition,
        'container.unpause': { target: 'running', meta: { label: 'docker unpause', events: ['unpause'] } },
        // Docker thaws a paused container to deliver the stop or kill signal.
        'container.die': [
          { guard: 'removalInProgress', target: 'removing', actions: 'recordExit', meta: { label: 'die (docker rm -f)', events: ['die'] } },
          { guard: 'restartPolicyWantsRestart', target: 'restarting', actions: ['recordExit', 'countRestart'], meta: { label: 'die (restart policy)', events: ['die'] } },
          { target: 'exited', actions: 'recordExit', meta: { label: 'die (killed while paused)', events: ['die'] } },
        ],
        'container.stop': { actions: 'markManuallyStopped', meta: { label: 'docker stop (thaws, then SIGTERM)', events: ['kill'], request: true } },
        'container.kill': { actions: 'markManuallyStopped', meta: { label: 'docker kill (thaws, then signal)', events: ['kill'], request: true } },
        'container.restart': { actions: 'markManuallyStopped', meta: { label: 'docker restart (stop, then start)', request: true } },
        'container.remove': { guard: 'forced', actions: 'markRemovalInProgress', meta: { label: 'docker rm -f (SIGKILL)', events: ['kill'], request: true } },
      },
    },
    restarting: {
      description: 'PID 1 exited and the restart policy waits its back-off before starting it again.',
      meta: {
        refusals: {
          'container.pause': 'Container {id} is restarting, wait until the container is running',
          'container.unpause': notPaused,
          'container.remove': 'cannot remove container "{ref}": container is restarting: stop the container before removing or force remove',
        },
      },
      on: {
        ...updateTransition,
        'container.autoRestart': { target: 'running', meta: { label: 'restart policy (after back-off)', events: ['start'] } },
        'container.start': { actions: 'reportNotModified', meta: { label: 'docker start (already restarting)' } },
        'container.stop': { target: 'exited', actions: 'markManuallyStopped', meta: { label: 'docker stop (cancels the restart)', events: ['stop'] } },
        'container.kill': { target: 'exited', actions: 'markManuallyStopped', meta: { label: 'docker kill (cancels the restart)' } },
        'container.restart': { target: 'running', actions: 'markStarted', meta: { label: 'docker restart', events: ['start', 'restart'] } },
        'container.remove': { guard: 'forced', target: 'removing', actions: 'markRemovalInProgress', meta: { label: 'docker rm -f' } },
      },
    },
    exited: {
      description: 'PID 1 has exited; the writable layer and logs remain.',
      meta: {
        refusals: {
          'container.pause': notRunning,
          'container.unpause': notPaused,
          'container.kill': notRunning,
        },
      },
      on: {
        ...updateTransition,
        'container.start': { target: 'running', actions: 'markStarted', meta: { label: 'docker start', events: ['start'] } },
        'container.restart': { target: 'running', actions: 'markStarted', meta: { label: 'docker restart', events: ['start', 'restart'] } },
        'container.stop': { actions: 'reportNotModified', meta: { label: 'docker stop (already stopped)' } },
        'container.remove': { target: 'removing', meta: { label: 'docker rm (also --rm after exit)' } },
      },
    },
    removing: {
      description: 'dockerd is deleting the container (its layer, its name, its logs).',
      meta: {
        refusals: {
          'container.update': updateMarkedForRemoval,
          'container.start': markedForRemoval,
          'container.restart': markedForRemoval,
          'container.pause': notRunning,
          'container.unpause': notPaused,
          'container.kill': notRunning,
          'container.remove': 'removal of container {ref} is already in progress',
        },
      },
      on: {
        'container.removed': { actions: 'destroy', meta: { label: 'destroy', events: ['destroy'], gone: true } },
        'container.removalFailed': { target: 'dead', meta: { label: 'removal failed' } },
        'container.stop': { actions: 'reportNotModified', meta: { label: 'docker stop (nothing to stop)' } },
      },
    },
    dead: {
      description: 'A removal failed half-way; only `docker rm` is left to do.',
      meta: {
        refusals: {
          'container.update': updateMarkedForRemoval,
          'container.start': markedForRemoval,
          'container.restart': markedForRemoval,
          'container.pause': notRunning,
          'container.unpause': notPaused,
          'container.kill': notRunning,
        },
      },
      on: {
        'container.remove': { target: 'removing', meta: { label: 'docker rm' } },
        'container.stop': { actions: 'reportNotModified', meta: { label: 'docker stop (nothing to stop)' } },
      },
    },
  },
});

/** Docker's text for refusing `eventType` in `state`, with `{id}`/`{ref}` filled in; undefined when Docker has none. */
export function refusalText(state: ContainerState, eventType: ContainerEventType, id: string, ref: string): string | undefined {
  const meta = containerMachine.root.states[state]?.meta as StateMeta | undefined;
  const text = meta?.refusals[eventType];
  return text?.replaceAll('{id}', id).replaceAll('{ref}', ref);
}

/** The seven states in the order the diagram lays them out. */
export const containerStates: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead'];
