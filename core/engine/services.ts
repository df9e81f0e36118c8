import type { Rng } from '../ports';
import type { Scheduler } from '../scheduler';
import type { Kernel } from '../kernel/kernel';
import type { TraceRecorder } from '../kernel/trace';
import type { NetworkModel } from '../network/network';
import type { Fabric } from '../network/overlay';
import type { DaemonConfig } from './config';
import type { ContainerStore } from './container';
import type { EventsService } from './eventsService';
import type { ImagesService } from './images';
import type { NetworkService } from './networks';
import type { Fs } from '../shell/filesystem';
import type { VolumesService } from './volumes/volumeService';
import type { ContainerMounts } from './volumes/containerMounts';

/**
 * The simulated dockerd's services, one per concern, each owning its state
 * (moby's Daemon struct: its containers store, image service, network
 * controller, events service and config). The Engine façade owns one record
 * of them; the daemon's operations (create.ts, start.ts, delete.ts …) take it
 * as `d`, as moby's take `daemon *Daemon`.
 */
export interface Services {
  /** Virtual time: every timer and timestamp of the daemon. */
  readonly scheduler: Scheduler;
  /** The daemon's own randomness (ids, names); the kernel and the network draw from seeds it gave them. */
  readonly rng: Rng;
  /** Replaced when the daemon starts again with a new daemon.json (daemon.ts daemonStart). */
  config: DaemonConfig;
  /** Whether dockerd is up: while it is stopped the API socket refuses every client (daemon.ts). */
  running: boolean;
  readonly events: EventsService;
  /** The containers service's store (container.ts); its operations are a file each. */
  readonly containers: ContainerStore;
  /** The image service (images.ts): the image store, its operations and the layer snapshots. */
  readonly images: ImagesService;
  /** The simulated host kernel: processes, namespaces, cgroups (core/kernel). */
  readonly kernel: Kernel;
  /** The kernel operations the engine's commands cause (core/kernel/trace.ts lists who emits what). */
  readonly trace: TraceRecorder;
  /** libnetwork's controller: networks, sandboxes, ports, NAT, and the socket layer programs use. */
  readonly net: NetworkModel;
  /** The daemon's glue to it (networks.ts). */
  readonly networks: NetworkService;
  /** The simulated LAN and swarm this host is on (shared with the other hosts). */
  readonly fabric: Fabric;
  /** The host's filesystem (the host shell's): volumes' data and bind sources live there. */
  readonly hostFs: Fs;
  /** The volume service (volumes/volumeService.ts); change volumes inside `events.op` so listeners hear of it. */
  readonly volumes: VolumesService;
  /** Each container's mounts: volumes, binds, tmpfs over its root filesystem (volumes/containerMounts.ts). */
  readonly mounts: ContainerMounts;
  /** dockerd's own log (logrus), which `journalctl -u docker` shows; set by the host's docker.service unit when there is one. */
  daemonLog?: (level: string, msg: string) => void;
}
