import type { EditRequest } from '../process';
import type { Actor } from 'xstate';
import { refusalText, type containerMachine, type ContainerEvent, type ContainerEventType } from '../lifecycle/containerMachine';
import type { ContainerState, RestartPolicy } from '../model';
import type { Image } from '../images/store';
import type { Resources } from '../kernel/cgroups';
import type { NamespaceModes } from '../kernel/hostConfig';
import type { UnionMount } from '../unionfs/mount';
import type { Fs } from '../shell/filesystem';
import { fnvHex } from '../fnvHex';
import { DaemonError, noSuchContainer } from './errors';
import type { SnapshotMemo } from './containerSnapshot';
import type { ExecHook, ExecInstance } from './exec';
import { DEFAULT_PATH } from './programs';
import type { Services } from './services';
import type { StdinPipe } from './stdin';

/**
 * The containers service's state: each container as dockerd holds it (its
 * config, its xstate actor, its process, logs, waiters and exec instances),
 * and the store that finds one by id, name or id prefix (moby's
 * container.Store and GetContainer). The operations on them are one file
 * each: create.ts, start.ts, stop.ts, kill.ts, pause.ts, restart.ts,
 * delete.ts, attach.ts, logs.ts, wait.ts, exec.ts, update.ts, inspect.ts,
 * list.ts, and monitor.ts for what happens when a process exits.
 */

/** Where attached output goes, and what feeds stdin. */
export interface AttachOptions {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * With `-i`: the piped input (delivered, then end of file), or null when
   * stdin is the interactive terminal (stays open). Ignored without `-i`.
   */
  stdin?: string | null;
  /** The client's editor pane (an `-it` client on a terminal that has one): an editor in the container's tty opens there. */
  edit?(request: EditRequest): Promise<string | null>;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  text: string;
  /** ms since epoch */
  time: number;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface Run {
  alive: boolean;
  pid: number;
  startedAt: number;
  timers: Set<() => void>;
  /** Timer callbacks that came due while frozen; run at unpause. */
  deferred: (() => void)[];
  handler: ((signal: number, from?: number) => void) | null;
  /** Feeds whoever reads stdin (through a line discipline with a tty). */
  stdin: StdinPipe;
}

export interface Container {
  id: string;
  name: string;
  imageRef: string;
  image: Image;
  path: string;
  args: string[];
  config: {
    hostname: string;
    env: string[];
    cmd: string[] | null;
    entrypoint: string[] | null;
    tty: boolean;
    openStdin: boolean;
    stdinOnce: boolean;
    attachStdin: boolean;
    attachStdout: boolean;
    attachStderr: boolean;
    workingDir: string;
    labels: Record<string, string>;
    /** Config.StopSignal, '' when unset. */
    stopSignal: string;
    /** Config.StopTimeout, null when unset. */
    stopTimeout: number | null;
    /** Config.User: who PID 1 runs as ('' is root). */
    user: string;
    /** Config.ExposedPorts keys ("80/tcp"), in the order Docker sorts them. */
    exposedPorts: string[];
  };
  autoRemove: boolean;
  restartPolicy: RestartPolicy;
  created: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  error: string;
  actor: Actor<typeof containerMachine>;
  state: ContainerState;
  run: Run | null;
  logs: LogEntry[];
  attachments: Set<AttachOptions>;
  /** The stdin a client attached for the next start. */
  pendingStdin: string | null | undefined;
  waiters: { condition: WaitCondition; resolve: (code: number) => void }[];
  /** Called once when the current process exits (stop's wait). */
  exitListeners: (() => void)[];
  restartTimer: (() => void) | null;
  backoffMs: number;
  /** Set while `docker restart` stops the container, so `--rm` does not remove it. */
  manualRestart: boolean;
  /** HostConfig's resources; replaced (not mutated) by `docker update`. */
  resources: Resources;
  nsModes: NamespaceModes;
  oomKilled: boolean;
  /** The root filesystem: the image's layers, the init layer and the upper layer, overlay-mounted. */
  mount: UnionMount;
  /** The overlay2 directory of the upper layer (the init layer's is this + "-init"). */
  layerId: string;
  /** The container's filesystem as its programs see it. */
  fs: Fs;
  /** `docker exec` processes: created (not started yet) and running. */
  execs: Map<string, ExecInstance>;
  /** Children its processes forked (Proc.spawn), by pid in the container: what a kill(2) to them reaches. */
  forked: Map<number, { handler: ((signal: number, from?: number) => void) | null; killed: (signal: number) => void }>;
  /** `docker rm -v`: its anonymous volumes go with it. */
  removeVolumes?: boolean;
}

/** The containers the daemon has, in creation order, and their names. */
export class ContainerStore {
  /** By full id, in the order they were created (`docker ps` lists them newest first). */
  readonly byId = new Map<string, Container>();
  /** A name (without its slash) and the id that holds it. */
  readonly names = new Map<string, string>();
  /** Bumped when a container is added or removed (the layer list's memo). */
  version = 0;
  /** Each container's last snapshot and what it was built from (see containerSnapshot.ts). */
  readonly snapshotMemo = new WeakMap<Container, SnapshotMemo>();
  /** Told whenever an exec process starts or ends (Engine.onExec). */
  readonly execHooks = new Set<ExecHook>();

  /** dockerd's GetContainer: full id, then name, then unique id prefix. */
  get(ref: string): Container {
    if (ref === '') throw new DaemonError(`invalid name or ID supplied: ""`, 'invalidParameter');
    const byId = this.byId.get(ref);
    if (byId) return byId;
    const byName = this.names.get(ref.startsWith('/') ? ref.slice(1) : ref);
    if (byName) return this.byId.get(byName)!;
    if (/^[0-9a-f]+$/.test(ref)) {
      let found: Container | undefined;
      for (const [id, c] of this.byId) {
        if (!id.startsWith(ref)) continue;
        if (found) throw new DaemonError(`multiple IDs found with provided prefix: ${ref}`, 'invalidParameter');
        found = c;
      }
      if (found) return found;
    }
    throw noSuchContainer(ref);
  }
}

export function checkAccepted(c: Container, event: ContainerEvent, ref: string): void {
  if (c.actor.getSnapshot().can(event)) return;
  const text = refusalText(c.state, event.type as ContainerEventType, c.id, ref);
  throw new DaemonError(text ?? `container ${c.id} cannot ${event.type.slice('container.'.length)} while ${c.state}`, 'conflict');
}

/** Sends an event to the container's actor and mirrors its state. */
export function send(c: Container, event: ContainerEvent): void {
  c.actor.send(event);
  c.state = c.actor.getSnapshot().value as ContainerState;
}

/** Sends an event and records the transition it caused, if any. */
export function stateChange(d: Services, c: Container, event: ContainerEvent, action: string): void {
  const from = c.state;
  send(c, event);
  if (c.state !== from) d.events.transition(c, from, c.state, action);
}

export function processEnv(c: Container): string[] {
  const base = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${c.config.hostname}`];
  if (c.config.tty) base.push('TERM=xterm');
  const env = mergeEnv(base, c.config.env);
  if (!env.some((kv) => kv.startsWith('HOME='))) env.push('HOME=/root');
  return env;
}

/** Docker's ReplaceOrAppendEnvValues: a later KEY=value replaces an earlier KEY; a bare KEY is dropped when unset. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const out = [...base];
  for (const kv of overrides) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    const i = out.findIndex((e) => (e.indexOf('=') < 0 ? e : e.slice(0, e.indexOf('='))) === key);
    if (eq < 0) continue;
    if (i >= 0) out[i] = kv;
    else out.push(kv);
  }
  return out;
}

/**
 * A running container's files below its procfs and sysfs (the union) and its
 * hostname: what a host program that enters its mount and uts namespaces sees (nsenter).
 */
export function containerRoot(d: Services, id: string): { fs: Fs; hostname: string } | undefined {
  const c = d.containers.byId.get(id);
  return c ? { fs: c.fs, hostname: c.config.hostname } : undefined;
}

/** The container's read-write layer id: overlay2's directory name, stable per container (derived from its id). */
export function layerIdFor(containerId: string): string {
  return fnvHex(containerId, 64);
}
