import type { ContainerState, DockerEvent, Transition } from '../model';
import type { Network } from '../network/network';
import type { Scheduler } from '../scheduler';

/**
 * The daemon's events service (moby's daemon/events.go and its events.Events):
 * the `docker events` log dockerd keeps in memory, the container transitions
 * the diagrams animate, and the subscribers that hear about both. Operations
 * run inside `op`, so subscribers hear once per change, when the outermost
 * operation ends.
 */

export type Listener = (transitions: Transition[], events: DockerEvent[]) => void;

/** What a container event names: its id, name, image and labels. */
export interface EventSource {
  id: string;
  name: string;
  imageRef: string;
  config: { labels: Record<string, string> };
}

/** dockerd keeps this many events in memory for `docker events --since`. */
const EVENTS_KEPT = 256;

export class EventsService {
  private readonly listeners = new Set<Listener>();
  private readonly eventLog: DockerEvent[] = [];
  private pendingTransitions: Transition[] = [];
  private pendingEvents: DockerEvent[] = [];
  private depth = 0;

  constructor(private readonly scheduler: Scheduler) {}

  /** Calls `listener` after every change with the transitions and events it made. Returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The events dockerd still holds (the last 256), oldest first. */
  events(): readonly DockerEvent[] {
    return this.eventLog;
  }

  /** Forgets the events log (a new dockerd process starts with an empty one). */
  clear(): void {
    this.eventLog.length = 0;
  }

  /** Tells every subscriber now (another host's changes, which that host's own `op` already batched). */
  forward(transitions: Transition[], events: DockerEvent[]): void {
    for (const l of [...this.listeners]) l(transitions, events);
  }

  /** moby's LogContainerEvent: the container's image, name and labels are its attributes. */
  emit(c: EventSource, action: string, extra: Record<string, string> = {}): void {
    const attributes: Record<string, string> = { ...extra, image: c.imageRef, name: c.name };
    for (const [k, v] of Object.entries(c.config.labels)) attributes[k] = v;
    const event: DockerEvent = { type: 'container', action, id: c.id, attributes, time: this.scheduler.now() };
    this.log(event);
  }

  /** LogImageEvent (a commit is the container's event, as Docker logs it). */
  emitImage(action: string, id: string, attributes: Record<string, string> = {}): void {
    const event: DockerEvent = { type: action === 'commit' ? 'container' : 'image', action, id, attributes, time: this.scheduler.now() };
    this.log(event);
  }

  /** LogNetworkEvent: with the container's id for connect and disconnect. */
  emitNetwork(net: Network, action: string, containerId?: string): void {
    const attributes: Record<string, string> = containerId ? { container: containerId, name: net.name, type: net.driver } : { name: net.name, type: net.driver };
    const event: DockerEvent = { type: 'network', action, id: net.id, attributes, time: this.scheduler.now() };
    this.log(event);
  }

  /** LogVolumeEvent: the volume's name is the event's id. */
  emitVolume(action: string, name: string, attributes: Record<string, string>): void {
    const event: DockerEvent = { type: 'volume', action, id: name, attributes, time: this.scheduler.now() };
    this.log(event);
  }

  /** LogDaemonEventWithAttributes: the engine id is the actor, the host's name an attribute. */
  emitDaemon(action: string, id: string, attributes: Record<string, string>): void {
    this.log({ type: 'daemon', action, id, attributes, time: this.scheduler.now() });
  }

  /** A prune's own event: no actor id, the bytes it freed as `reclaimed`. */
  emitPrune(type: DockerEvent['type'], reclaimed: number): void {
    this.log({ type, action: 'prune', id: '', attributes: { reclaimed: String(reclaimed) }, time: this.scheduler.now() });
  }

  transition(c: { id: string; name: string; exitCode: number; oomKilled: boolean }, from: ContainerState | null, to: ContainerState | null, action: string): void {
    const exited = to === 'exited' ? { exitCode: c.exitCode, oomKilled: c.oomKilled } : {};
    this.pendingTransitions.push({ containerId: c.id, name: c.name, from, to, action, time: this.scheduler.now(), ...exited });
  }

  /** Runs `fn` as one change: listeners hear about it once, when the outermost operation ends. */
  op<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private log(event: DockerEvent): void {
    this.pendingEvents.push(event);
    this.eventLog.push(event);
    if (this.eventLog.length > EVENTS_KEPT) this.eventLog.splice(0, this.eventLog.length - EVENTS_KEPT);
  }

  private flush(): void {
    if (this.pendingTransitions.length === 0 && this.pendingEvents.length === 0) return;
    const transitions = this.pendingTransitions;
    const events = this.pendingEvents;
    this.pendingTransitions = [];
    this.pendingEvents = [];
    this.forward(transitions, events);
  }
}
