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

/**
 * The daemon's start (moby's NewDaemon): its configuration, then each service
 * in the order dockerd brings them up — the kernel it runs on, events, the
 * container store, the image store with the images already there, the
 * network controller — and this host joined to the simulated LAN.
 *
 * The order of the random draws here fixes every id and address a seed gives:
 * the kernel's seed, then the LAN's (unless one is shared), then the network
 * controller's. A daemon that stops and starts again (live-restore, a
 * daemon.json reload) would be a second function beside this one, over the
 * same services.
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
  const d: Services = { scheduler, rng, config, events, containers, images, kernel, trace, net, networks, fabric, hostFs, volumes, mounts };
  fabric.addHost({ name: config.hostName, ip: opts.host?.ip ?? HOST_IP, model: net });
  return d;
}
