import { type Container, checkAccepted, stateChange } from './container';
import type { Services } from './services';

/** `docker pause` and `docker unpause` (moby's daemon/pause.go, unpause.go): the freezer cgroup; timers due while frozen run at thaw. */

export function containerPause(d: Services, ref: string): void {
  d.events.op(() => {
    const c = d.containers.get(ref);
    checkAccepted(c, { type: 'container.pause' }, ref);
    d.kernel.freeze(c.id, true);
    stateChange(d, c, { type: 'container.pause' }, 'pause');
    d.events.emit(c, 'pause');
  });
}

export function containerUnpause(d: Services, ref: string): void {
  d.events.op(() => {
    const c = d.containers.get(ref);
    checkAccepted(c, { type: 'container.unpause' }, ref);
    thaw(d, c);
  });
}

export function thaw(d: Services, c: Container): void {
  d.kernel.freeze(c.id, false);
  stateChange(d, c, { type: 'container.unpause' }, 'unpause');
  d.events.emit(c, 'unpause');
  const run = c.run;
  if (!run) return;
  const due = run.deferred;
  run.deferred = [];
  for (const fire of due) if (run.alive && c.state !== 'paused') fire();
}
