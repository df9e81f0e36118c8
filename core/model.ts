/**
 * The plain data every backend produces and every diagram, lesson check and
 * test reads. Structured-cloneable: no classes, no functions, no xstate objects.
 * Later issues add layers, mounts, networks, namespaces, cgroups and processes;
 * fields are added, never repurposed.
 */

/** Docker's container states, as `docker inspect` names them in State.Status. */
export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'removing' | 'dead';

export interface RestartPolicy {
  name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  maximumRetryCount: number;
}

export interface ContainerSnapshot {
  /** Full 64-hex id. */
  id: string;
  /** Without the leading slash. */
  name: string;
  /** The image reference as the user gave it (what `docker ps` shows in IMAGE). */
  image: string;
  /** sha256:… id of the image. */
  imageId: string;
  /** Entrypoint + Cmd as run. */
  command: string[];
  state: ContainerState;
  exitCode: number;
  /** Host pid of the container's PID 1 while it runs, else 0. */
  pid: number;
  oomKilled: boolean;
  restartCount: number;
  /** RFC 3339 times as Docker prints them; '0001-01-01T00:00:00Z' when never. */
  created: string;
  startedAt: string;
  finishedAt: string;
  /** `docker ps` STATUS column text, e.g. "Up 5 seconds", "Exited (0) 2 minutes ago". */
  status: string;
  config: {
    hostname: string;
    env: string[];
    tty: boolean;
    openStdin: boolean;
    autoRemove: boolean;
    restartPolicy: RestartPolicy;
    labels: Record<string, string>;
  };
}

export interface ImageSnapshot {
  /** sha256:… */
  id: string;
  /** repo:tag references, e.g. ["busybox:latest"]. */
  tags: string[];
  /** Ordered layer (diff) ids, lowest first. */
  layers: string[];
  /** Bytes. */
  size: number;
  created: string;
}

export interface Snapshot {
  /** Which backend produced it. */
  kind: 'sim' | 'real';
  /** Virtual (sim) or wall (real) time of the snapshot, ms since epoch. */
  time: number;
  containers: ContainerSnapshot[];
  images: ImageSnapshot[];
}

/** One lifecycle move of one container, for diagrams to animate. */
export interface Transition {
  containerId: string;
  name: string;
  from: ContainerState | null; // null: the container was just created
  to: ContainerState | null; // null: the container is gone
  /** The Docker event that caused it, e.g. "start", "die", "pause". */
  action: string;
  time: number;
}

/** A `docker events` record (Engine API /events shape, trimmed to what we use). */
export interface DockerEvent {
  type: 'container' | 'image' | 'network' | 'volume';
  action: string;
  id: string;
  attributes: Record<string, string>;
  /** ms since epoch */
  time: number;
}
