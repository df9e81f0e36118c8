import { Kernel } from '../kernel/kernel';
import { TraceRecorder } from '../kernel/trace';
import { HOST_IP, NetworkModel } from '../network/network';
import { Fabric } from '../network/overlay';
import { randomHex, seededRng } from '../ports';
import { daemonConfig, type EngineOptions } from './config';
import { ContainerStore } from './container';
import { EventsService } from './eventsService';
import { ImagesService } from './images';
import { loadBuiltinImages } from './imageService';
import { processExited } from './monitor';
import { NetworkService } from './networks';
import type { Services } from './services';
import { MemFs } from '../shell/memfs';
import { VolumesService } from './volumes/volumeService';
import { ContainerMounts } from './volumes/containerMounts';
import type { DaemonConfig } from './config';
import { stopContainer, stopParams } from './stop';
import { startProcess } from './start';

/**
 * The daemon's start (moby's NewDaemon): its configuration, then each service
 * in the order dockerd brings them up — the kernel it runs on, events, the
 * container store, the image store with the images already there, the
 * network controller — and this host joined to the simulated LAN.
 *
 * The order of the random draws here fixes every id and address a seed gives:
 * the kernel's seed, then the LAN's (unless one is shared), then the network
 * controller's. A daemon that stops and starts again (`systemctl restart
 * docker`) is daemonShutdown then daemonStart over the same services.
 */
export function newDaemon(opts: EngineOptions): Services {
  const rng = opts.rng;
  const scheduler = opts.scheduler;
  const config = daemonConfig(opts);
  const events = new EventsService(scheduler);
  const containers = new ContainerStore();
  const images = new ImagesService(scheduler, events, containers);
  const trace = new TraceRecorder(scheduler);
  const kernel = new Kernel({ scheduler, rng: seededRng(randomHex(rng, 16)), trace, cgroupVersion: config.cgroupVersion });
  kernel.onPidNamespaceGone = (id) => {
    const c = containers.byId.get(id);
    if (c?.run) processExited(d, c, c.run, 137, 'SIGKILL');
  };
  const hostFs = opts.hostFs ?? new MemFs(() => scheduler.now());
  const volumes = new VolumesService({ fs: hostFs, rng, now: () => scheduler.now(), emit: (action, name, attributes) => events.emitVolume(action, name, attributes) });
  const mounts: ContainerMounts = new ContainerMounts({
    volumes,
    hostFs,
    mountsOf: (ref) => {
      const c = containers.get(ref);
      return { id: c.id, points: mounts.points(c.id) };
    },
    now: () => scheduler.now(),
  });
  loadBuiltinImages(images.store, config.preload);
  const networks = new NetworkService(trace, kernel);
  const fabric = opts.fabric ?? new Fabric(seededRng(`fabric-${rng.nextU32()}`));
  const net = new NetworkModel({
    host: opts.host,
    fabric,
    rng: seededRng(`network-${rng.nextU32()}`),
    now: () => scheduler.now(),
    onOp: (op) => networks.onOp(op),
    containers: {
      resolve: (ref) => {
        const c = containers.get(ref);
        return { id: c.id, name: c.name };
      },
      running: (id) => {
        const state = containers.byId.get(id)?.state;
        return state === 'running' || state === 'paused';
      },
    },
  });
  const d: Services = { scheduler, rng, config, running: true, events, containers, images, kernel, trace, net, networks, fabric, hostFs, volumes, mounts };
  fabric.addHost({ name: config.hostName, ip: opts.host?.ip ?? HOST_IP, model: net });
  return d;
}

/** What survives dockerd's own restart besides the containers on disk: which ones were stopped by hand (moby persists HasBeenManuallyStopped, not its own shutdown). */
export type ManualStops = ReadonlyMap<string, boolean>;

/**
 * dockerd's shutdown (moby's Daemon.Shutdown): unless live-restore is on,
 * each running container gets its stop signal and, after its stop timeout,
 * SIGKILL; the restart manager does not bring back what the shutdown stops.
 * Resolves when they are all down and the daemon has exited.
 */
export async function daemonShutdown(d: Services): Promise<ManualStops> {
  const manual = new Map<string, boolean>();
  for (const c of d.containers.byId.values()) manual.set(c.id, c.actor.getSnapshot().context.manuallyStopped);
  if (!d.config.file.liveRestore) {
    const stops: Promise<void>[] = [];
    d.events.op(() => {
      for (const c of d.containers.byId.values()) {
        if (c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting') continue;
        const { signal, timeoutSeconds } = stopParams(c, {});
        stops.push(stopContainer(d, c, timeoutSeconds, signal));
      }
    });
    await Promise.all(stops);
  }
  d.running = false;
  return manual;
}

/**
 * dockerd's start over the containers it already has (moby's Daemon.restore):
 * the new configuration, then the containers their restart policy brings back
 * — always, unless-stopped unless stopped by hand, and on-failure after a
 * non-zero exit, which the shutdown's SIGTERM/SIGKILL is (moby/moby#47846).
 */
export function daemonStart(d: Services, config: DaemonConfig, manual: ManualStops): void {
  d.config = config;
  d.running = true;
  // The events log is the daemon's memory: a new process starts with none.
  d.events.clear();
  d.events.op(() => {
    for (const c of d.containers.byId.values()) {
      if (c.state !== 'exited') continue;
      const ctx = c.actor.getSnapshot().context;
      if (!ctx.everStarted || !restoreWants(c.restartPolicy.name, manual.get(c.id) ?? ctx.manuallyStopped, c.exitCode)) continue;
      try {
        startProcess(d, c, { type: 'container.start' });
      } catch {
        // The start failed (its command is gone): it stays exited with the error recorded, as dockerd logs and moves on.
      }
    }
  });
}

/** The restart manager's ShouldRestart with a fresh retry count, as restore calls it. */
function restoreWants(policy: string, manuallyStopped: boolean, exitCode: number): boolean {
  if (policy === 'always') return true;
  if (policy === 'unless-stopped') return !manuallyStopped;
  if (policy === 'on-failure') return exitCode !== 0;
  return false;
}
