import { createActor } from 'xstate';
import { containerMachine } from '../lifecycle/containerMachine';
import { randomHex } from '../ports';
import { normalizeImageRef } from '../images/catalog';
import type { Image } from '../images/store';
import { UnionMount } from '../unionfs/mount';
import { DEFAULT_HOSTS, initLayerTree, runtimeBinds } from '../unionfs/init';
import { newLayer } from '../unionfs/layer';
import { DaemonError } from './errors';
import { generateName } from './names';
import { validateRestartPolicy, validateStopSignal, type RestartPolicyRequest } from './validate';
import { DEFAULT_PATH } from './programs';
import type { PortBindingRequest, Proto } from '../network/ports';
import type { Resources } from '../kernel/cgroups';
import { adaptResources, containerRefs, validateIpcMode, type NamespaceModes } from '../kernel/hostConfig';
import { HOST_HOSTNAME } from '../kernel/system';
import { UnionFs } from '../unionfs/unionFs';
import type { Fs } from '../shell/filesystem';
import { layerIdFor, type Container } from './container';
import type { Services } from './services';
import type { MountsRequest } from './volumes/containerMounts';

/**
 * `docker create` (moby's daemon/create.go): the checks dockerd makes of the
 * request, a new id and name, the container's config merged with its
 * image's, its network endpoint registered, its root filesystem (the image's
 * layers, an init layer, an empty upper layer) and its state machine.
 */

/** What `docker create`/`docker run` ask of the daemon (Engine API ContainerCreate, trimmed). */
export interface CreateOptions {
  /** The image reference as typed (`busybox`, `busybox:latest`). */
  image: string;
  /** Without the leading slash; generated when absent. */
  name?: string;
  /** The command after the image; empty or absent keeps the image's Cmd. */
  cmd?: string[];
  /** `--entrypoint`: absent keeps the image's; `''` resets it. */
  entrypoint?: string;
  /** `-w`/a build step's WORKDIR: absent keeps the image's. */
  workingDir?: string;
  env?: string[];
  hostname?: string;
  tty?: boolean;
  openStdin?: boolean;
  attachStdin?: boolean;
  attachStdout?: boolean;
  attachStderr?: boolean;
  autoRemove?: boolean;
  /** `--restart` as the client parsed it; the daemon validates the name and count. */
  restartPolicy?: RestartPolicyRequest;
  labels?: Record<string, string>;
  /** `--stop-signal`: what `docker stop` sends first (default SIGTERM). */
  stopSignal?: string;
  /** `-u`: name, uid, name:group or uid:gid; absent keeps the image's. */
  user?: string;
  /** `--stop-timeout`: seconds `docker stop` waits before SIGKILL (default 10). */
  stopTimeout?: number;
  /** HostConfig.NetworkMode: '' or 'default' (the bridge), 'bridge', 'host', 'none', 'container:<ref>', a network. */
  networkMode?: string;
  /** `--network-alias` and `--ip` for the network of the mode. */
  networkAliases?: string[];
  ip?: string;
  /** `-p`, as the client parsed it. */
  portBindings?: PortBindingRequest[];
  /** `-P`. */
  publishAll?: boolean;
  /** `--expose` (and the ports of `-p`), added to the image's ExposedPorts. */
  expose?: { port: number; proto: Proto }[];
  /** Further `--network` flags (Engine 20.10 refuses more than one at create). */
  extraNetworks?: string[];
  /** `--memory`, `--cpus`, `--pids-limit` … as the client parsed them (HostConfig's units). */
  resources?: Partial<Resources>;
  /** `--pid`, `--ipc`, `--uts`: '' or absent for the container's own. */
  pidMode?: string;
  ipcMode?: string;
  utsMode?: string;
  /** -v, --mount, --volumes-from, --tmpfs, --read-only, --volume-driver as the client sent them. */
  mounts?: MountsRequest;
}

const NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `docker create`: the new container's id, and the warnings the client prints. */
export function containerCreate(d: Services, opts: CreateOptions): { id: string; warnings: string[] } {
  return d.events.op(() => {
    // verifyContainerSettings runs before the image is looked up: Config (the stop signal), then HostConfig.
    if (opts.stopSignal) validateStopSignal(opts.stopSignal);
    const requested = opts.restartPolicy ?? { name: 'no', maximumRetryCount: 0 };
    if (opts.autoRemove && requested.name !== 'no' && requested.name !== '') {
      throw new DaemonError(`can't create 'AutoRemove' container with restart policy`, 'invalidParameter');
    }
    const restartPolicy = validateRestartPolicy(requested);
    d.mounts.verify(opts.mounts ?? {});
    if (opts.extraNetworks && opts.extraNetworks.length > 0) {
      throw new DaemonError(`Container cannot be connected to network endpoints: ${[opts.networkMode ?? '', ...opts.extraNetworks].join(', ')}`, 'invalidParameter');
    }
    const { resources, warnings } = adaptResources(opts.resources ?? {}, d.kernel.cpus);
    const nsModes: NamespaceModes = {
      pid: opts.pidMode ?? '',
      ipc: validateIpcMode(opts.ipcMode ?? ''),
      uts: opts.utsMode ?? '',
      net: opts.networkMode ?? 'bridge',
      cgroupns: d.kernel.cgroupVersion === 1 ? 'host' : 'private',
    };
    for (const ref of containerRefs(nsModes)) d.containers.get(ref);
    // dockerd stores the pid mode's container by its full id.
    if (nsModes.pid.startsWith('container:')) nsModes.pid = `container:${d.containers.get(nsModes.pid.slice('container:'.length)).id}`;
    const image = d.images.image(opts.image);
    if (!image) throw new DaemonError(`No such image: ${normalizeImageRef(opts.image)}`, 'notFound');
    let name = opts.name;
    if (name !== undefined && name !== '') {
      if (!NAME_PATTERN.test(name)) throw new DaemonError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, 'invalidParameter');
      if (name.startsWith('/')) name = name.slice(1);
      const holder = d.containers.names.get(name);
      if (holder) {
        throw new DaemonError(
          `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
          'conflict',
        );
      }
    }
    const entrypoint = opts.entrypoint === undefined ? image.config.Entrypoint : opts.entrypoint === '' ? null : [opts.entrypoint];
    const userCmd = opts.cmd && opts.cmd.length > 0 ? opts.cmd : null;
    // A user entrypoint drops the image's Cmd (Docker does the same).
    const cmd = userCmd ?? (opts.entrypoint === undefined ? image.config.Cmd : null);
    const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
    if (argv.length === 0) throw new DaemonError('No command specified', 'invalidParameter');

    const id = newId(d);
    if (name === undefined || name === '') name = generateUniqueName(d, id);
    const now = d.scheduler.now();
    // dockerd appends the default PATH when neither the image nor the user sets one.
    const env = withImageEnv(opts.env ?? [], image.config.Env ?? []);
    if (!env.some((kv) => kv.startsWith('PATH='))) env.push(`PATH=${DEFAULT_PATH}`);
    // moby's newContainer: a host-network container takes the host's name.
    const hostname = opts.hostname || (opts.networkMode === 'host' ? HOST_HOSTNAME : id.slice(0, 12));
    d.net.register({
      id,
      name,
      hostname,
      mode: opts.networkMode ?? '',
      aliases: opts.networkAliases ?? [],
      ip: opts.ip ?? '',
      portBindings: opts.portBindings ?? [],
      publishAll: opts.publishAll ?? false,
      exposed: exposedPorts(image, opts),
    });
    const actor = createActor(containerMachine, { input: { restartPolicy } }).start();
    const c: Container = {
      id,
      name,
      imageRef: opts.image,
      image,
      path: argv[0]!,
      args: argv.slice(1),
      config: {
        hostname,
        env,
        cmd,
        entrypoint,
        tty: opts.tty ?? false,
        openStdin: opts.openStdin ?? false,
        stdinOnce: (opts.openStdin ?? false) && (opts.attachStdin ?? false),
        attachStdin: opts.attachStdin ?? false,
        attachStdout: opts.attachStdout ?? false,
        attachStderr: opts.attachStderr ?? false,
        workingDir: opts.workingDir ?? image.config.WorkingDir,
        labels: { ...(image.config.Labels ?? {}), ...(opts.labels ?? {}) },
        // moby's merge(): an unset stop signal is the image's (nginx's STOPSIGNAL SIGQUIT).
        stopSignal: opts.stopSignal || (image.config.StopSignal ?? ''),
        stopTimeout: opts.stopTimeout ?? null,
        user: opts.user ?? image.config.User ?? '',
        exposedPorts: exposedPorts(image, opts).map((e) => `${e.port}/${e.proto}`),
      },
      autoRemove: opts.autoRemove ?? false,
      restartPolicy,
      created: now,
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      error: '',
      actor,
      state: 'created',
      run: null,
      logs: [],
      attachments: new Set(),
      pendingStdin: undefined,
      waiters: [],
      exitListeners: [],
      restartTimer: null,
      backoffMs: 0,
      manualRestart: false,
      resources,
      nsModes,
      oomKilled: false,
      layerId: layerIdFor(id),
      mount: undefined as unknown as UnionMount,
      fs: undefined as unknown as Fs,
      execs: new Map(),
      forked: new Map(),
    };
    c.mount = newMount(d, c);
    try {
      const root = new UnionFs(c.mount, Date.parse(image.created));
      c.fs = d.mounts.create(id, opts.mounts ?? {}, { imageVolumes: Object.keys(image.config.Volumes ?? {}), union: c.mount, root, rootMounts: c.mount.bindPaths() });
    } catch (e) {
      d.net.unregister(id);
      throw e;
    }
    d.containers.byId.set(id, c);
    d.containers.version++;
    d.containers.names.set(name, id);
    d.events.emit(c, 'create');
    d.events.transition(c, null, 'created', 'create');
    warnings.push(...(opts.networkMode === 'host' && ((opts.portBindings ?? []).length > 0 || opts.publishAll) ? ['Published ports are discarded when using host network mode'] : []));
    return { id, warnings };
  });
}

/** The container's root filesystem: image layers, a fresh init layer and an empty upper layer; runc's bind mounts over them. */
function newMount(d: Services, c: Container): UnionMount {
  return new UnionMount({
    lowers: [...c.image.layers, newLayer(`${c.layerId}-init`, 'init', initLayerTree())],
    upper: newLayer(c.layerId, 'container', { kind: 'dir', mode: 0o755, children: new Map() }),
    binds: runtimeBinds({ hostname: c.config.hostname, hosts: DEFAULT_HOSTS, resolvConf: 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n' }),
    now: () => d.scheduler.now(),
  });
}

function newId(d: Services): string {
  for (;;) {
    const id = randomHex(d.rng, 64);
    // Docker rejects all-digit ids (they could be read as numbers).
    if (!/^[0-9]+$/.test(id.slice(0, 12)) && !d.containers.byId.has(id)) return id;
  }
}

/** dockerd's generateNewName: six tries (a digit appended after the first), then the short id. */
function generateUniqueName(d: Services, id: string): string {
  for (let retry = 0; retry < 6; retry++) {
    const name = generateName(d.rng, retry);
    if (!d.containers.names.has(name)) return name;
  }
  return id.slice(0, 12);
}

/** Config.ExposedPorts: the image's, then --expose and -p ports, each once, sorted as Go's map keys print. */
function exposedPorts(image: Image, opts: CreateOptions): { port: number; proto: Proto }[] {
  const keys = new Set<string>(Object.keys(image.config.ExposedPorts ?? {}));
  for (const e of opts.expose ?? []) keys.add(`${e.port}/${e.proto}`);
  for (const b of opts.portBindings ?? []) keys.add(`${b.containerPort}/${b.proto}`);
  return [...keys].sort().map((k) => ({ port: Number(k.slice(0, k.indexOf('/'))), proto: k.slice(k.indexOf('/') + 1) as Proto }));
}

/** The daemon's merge of a container's Env with its image's: the user's first, then each image variable the user did not set. */
function withImageEnv(user: readonly string[], image: readonly string[]): string[] {
  const key = (kv: string): string => kv.split('=')[0]!;
  const keys = new Set(user.map(key));
  return [...user, ...image.filter((kv) => !keys.has(key(kv)))];
}
