import type { ContainerEvent } from '../lifecycle/containerMachine';
import { type Container, checkAccepted, send, stateChange } from './container';
import { killNow } from './kill';
import { cancelRestart } from './monitor';
import { settleWaiters } from './wait';
import type { Services } from './services';

/** `docker rm` (moby's daemon/delete.go): kill first with -f, then the container, its name and endpoint are gone. */

/** `docker rm [-f] [-v]`. With force a live container is killed first (SIGKILL); with volumes its anonymous volumes go too. */
export function containerRm(d: Services, ref: string, opts: { force?: boolean; volumes?: boolean } = {}): void {
  d.events.op(() => {
    const c = d.containers.get(ref);
    const event: ContainerEvent = { type: 'container.remove', force: opts.force ?? false };
    checkAccepted(c, event, ref);
    if (opts.volumes) c.removeVolumes = true;
    if (c.state === 'running' || c.state === 'paused') {
      send(c, event);
      killNow(d, c);
      return;
    }
    cancelRestart(c);
    stateChange(d, c, event, 'destroy');
    if (c.state === 'removing') finishRemoval(d, c);
  });
}

export function removeNow(d: Services, c: Container): void {
  cancelRestart(c);
  stateChange(d, c, { type: 'container.remove', force: true }, 'destroy');
  finishRemoval(d, c);
}

export function finishRemoval(d: Services, c: Container): void {
  send(c, { type: 'container.removed' });
  c.actor.stop();
  d.containers.byId.delete(c.id);
  d.net.unregister(c.id);
  d.mounts.release(c.id, c.autoRemove || c.removeVolumes === true);
  d.containers.version++;
  if (d.containers.names.get(c.name) === c.id) d.containers.names.delete(c.name);
  d.events.emit(c, 'destroy');
  d.events.transition(c, 'removing', null, 'destroy');
  settleWaiters(c, 'not-running');
  settleWaiters(c, 'removed');
  c.attachments.clear();
}
