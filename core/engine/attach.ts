import type { ContainerState } from '../model';
import type { AttachOptions } from './container';
import type { Services } from './services';

/** `docker attach` (moby's daemon/attach.go): a client on the container's output and stdin. */

/** Attaches a client to the container's output (and stdin, with -i). Emits `attach`. Returns a detach function. */
export function containerAttach(d: Services, ref: string, sink: AttachOptions): () => void {
  return d.events.op(() => {
    const c = d.containers.get(ref);
    c.attachments.add(sink);
    if (c.config.openStdin && sink.stdin !== undefined) c.pendingStdin = sink.stdin;
    d.events.emit(c, 'attach');
    return () => {
      c.attachments.delete(sink);
    };
  });
}

/** Keystrokes or text for PID 1's stdin (an attached `-i` client); ignored without -i or when it is not running. */
export function writeStdin(d: Services, ref: string, data: string): void {
  d.events.op(() => {
    const c = d.containers.get(ref);
    if (c.config.openStdin && c.run) c.run.stdin.write(data);
  });
}

/** The attached client closed stdin (end of file). */
export function closeStdin(d: Services, ref: string): void {
  d.events.op(() => {
    const c = d.containers.get(ref);
    if (c.config.openStdin && c.run) c.run.stdin.close();
  });
}

/** What `docker attach` checks first: the state, and whether there is a tty and an open stdin. */
export function attachInfo(d: Services, ref: string): { state: ContainerState; tty: boolean; openStdin: boolean } {
  const c = d.containers.get(ref);
  return { state: c.state, tty: c.config.tty, openStdin: c.config.openStdin };
}
