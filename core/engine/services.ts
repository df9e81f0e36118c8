import type { Rng } from '../ports';
import type { Scheduler } from '../scheduler';
import type { DaemonConfig } from './config';
import type { EventsService } from './eventsService';

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
  readonly config: DaemonConfig;
  readonly events: EventsService;
}
