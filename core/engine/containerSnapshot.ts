import type { ContainerSnapshot, ContainerState, RestartPolicy } from '../model';
import type { Image } from '../images/store';
import type { Resources } from '../kernel/cgroups';
import type { Container } from './container';
import { deepFreeze } from './deepFreeze';
import { statusText } from './list';
import { rfc3339Nano } from './rfc3339';
import type { Services } from './services';

/**
 * A container as the snapshot shows it (core/model.ts's ContainerSnapshot),
 * memoised per container while nothing it shows has changed.
 */

/** A container snapshot and the values it was built from. */
export interface SnapshotMemo {
  snap: ContainerSnapshot;
  /** The time its status text was computed for. */
  now: number;
  name: string;
  imageRef: string;
  image: Image;
  path: string;
  args: string[];
  state: ContainerState;
  exitCode: number;
  pid: number;
  restartCount: number;
  created: number;
  startedAt: number;
  finishedAt: number;
  config: Container['config'];
  hostname: string;
  env: string[];
  envLength: number;
  tty: boolean;
  openStdin: boolean;
  labels: Record<string, string>;
  autoRemove: boolean;
  restartPolicy: RestartPolicy;
  restartPolicyName: RestartPolicy['name'];
  maximumRetryCount: number;
  /** The network model's change counter when built (networkMode, networks, ports come from it). */
  netVersion: number;
  resources: Resources;
  oomKilled: boolean;
}

/**
 * The container's snapshot, reused from the last call while nothing it shows
 * has changed (the UI asks after every change; with a thousand containers
 * rebuilding them all took milliseconds). A reused snapshot is deep-frozen,
 * so no consumer can change what a later call returns.
 */
export function containerSnapshot(d: Services, c: Container, now: number): ContainerSnapshot {
  const memo = d.containers.snapshotMemo.get(c);
  const restartCount = c.actor.getSnapshot().context.restartCount;
  const netVersion = d.net.version(c.id);
  if (memo && memo.netVersion === netVersion && sameSnapshotInputs(memo, c, restartCount)) {
    if (memo.now === now) return memo.snap;
    const status = statusText(c, now);
    memo.now = now;
    if (status === memo.snap.status) return memo.snap;
    memo.snap = Object.freeze({ ...memo.snap, status });
    return memo.snap;
  }
  const snap = deepFreeze(buildContainerSnapshot(d, c, now, restartCount));
  // One object literal, not a spread: spread copies got a hidden class each, which made every check below slow (issue 14).
  d.containers.snapshotMemo.set(c, snapshotMemo(snap, c, now, restartCount, netVersion));
  return snap;
}

/** Every container field read here must also be compared in sameSnapshotInputs. */
function buildContainerSnapshot(d: Services, c: Container, now: number, restartCount: number): ContainerSnapshot {
  return {
    id: c.id,
    name: c.name,
    image: c.imageRef,
    imageId: c.image.id,
    rootfs: d.images.rootfsMount(c),
    command: [c.path, ...c.args],
    state: c.state,
    exitCode: c.exitCode,
    pid: c.run?.pid ?? 0,
    oomKilled: c.oomKilled,
    restartCount,
    created: rfc3339Nano(c.created),
    startedAt: rfc3339Nano(c.startedAt),
    finishedAt: rfc3339Nano(c.finishedAt),
    status: statusText(c, now),
    config: {
      hostname: c.config.hostname,
      env: processEnvForSnapshot(c),
      tty: c.config.tty,
      openStdin: c.config.openStdin,
      autoRemove: c.autoRemove,
      restartPolicy: { ...c.restartPolicy },
      labels: { ...c.config.labels },
    },
    ...d.net.containerNetworkSnapshot(c.id),
    resources: {
      memory: c.resources.memory,
      memorySwap: c.resources.memorySwap,
      nanoCpus: c.resources.nanoCpus,
      cpuShares: c.resources.cpuShares,
      cpusetCpus: c.resources.cpusetCpus,
      pidsLimit: c.resources.pidsLimit,
      oomKillDisable: c.resources.oomKillDisable,
    },
    mounts: d.mounts.snapshot(c.id),
    readonlyRootfs: d.mounts.readonlyRootfs(c.id),
  };
}

function processEnvForSnapshot(c: Container): string[] {
  return [...c.config.env];
}

function snapshotMemo(snap: ContainerSnapshot, c: Container, now: number, restartCount: number, netVersion: number): SnapshotMemo {
  return {
    snap,
    netVersion,
    now,
    name: c.name,
    imageRef: c.imageRef,
    image: c.image,
    path: c.path,
    args: c.args,
    state: c.state,
    exitCode: c.exitCode,
    pid: c.run?.pid ?? 0,
    restartCount,
    created: c.created,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    config: c.config,
    hostname: c.config.hostname,
    env: c.config.env,
    envLength: c.config.env.length,
    tty: c.config.tty,
    openStdin: c.config.openStdin,
    labels: c.config.labels,
    autoRemove: c.autoRemove,
    restartPolicy: c.restartPolicy,
    restartPolicyName: c.restartPolicy.name,
    maximumRetryCount: c.restartPolicy.maximumRetryCount,
    resources: c.resources,
    oomKilled: c.oomKilled,
  };
}

/** Whether everything a container snapshot shows, but its time-dependent status, is as when `m` was built. */
function sameSnapshotInputs(m: SnapshotMemo, c: Container, restartCount: number): boolean {
  return (
    m.state === c.state &&
    m.exitCode === c.exitCode &&
    m.pid === (c.run?.pid ?? 0) &&
    m.restartCount === restartCount &&
    m.startedAt === c.startedAt &&
    m.finishedAt === c.finishedAt &&
    m.created === c.created &&
    m.name === c.name &&
    m.imageRef === c.imageRef &&
    m.image === c.image &&
    m.path === c.path &&
    m.args === c.args &&
    m.config === c.config &&
    m.hostname === c.config.hostname &&
    m.env === c.config.env &&
    m.envLength === c.config.env.length &&
    m.tty === c.config.tty &&
    m.openStdin === c.config.openStdin &&
    m.labels === c.config.labels &&
    m.autoRemove === c.autoRemove &&
    m.restartPolicy === c.restartPolicy &&
    m.restartPolicyName === c.restartPolicy.name &&
    m.maximumRetryCount === c.restartPolicy.maximumRetryCount &&
    m.resources === c.resources &&
    m.oomKilled === c.oomKilled
  );
}
