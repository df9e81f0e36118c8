import { type Container, type Run, send, stateChange } from './container';
import { finishRemoval, removeNow } from './delete';
import { emitNetworks } from './networks';
import { startProcess } from './start';
import { settleWaiters } from './wait';
import type { Services } from './services';

/**
 * What dockerd does when a container's process exits (moby's
 * daemon/monitor.go): the die event, waiters, `--rm`, and the restart
 * manager's back-off.
 */

export function processExited(d: Services, c: Container, run: Run, code: number, signal?: string): void {
  if (!run.alive || c.run !== run) return;
  run.alive = false;
  for (const cancel of run.timers) cancel();
  run.timers.clear();
  c.run = null;
  c.forked.clear();
  // The pid namespace ends with its init: every exec process in it is killed.
  for (const e of [...c.execs.values()]) {
    if (e.running) e.kill(137);
    c.execs.delete(e.id);
  }
  d.kernel.containerExited(c.id, code, {
    ...(signal === undefined ? {} : { signal }),
    release: () => {
      emitNetworks(d, c, 'disconnect');
      d.net.stop(c.id);
    },
  });
  const from = c.state;
  send(c, { type: 'container.die', exitCode: code });
  c.exitCode = code;
  c.finishedAt = d.scheduler.now();
  d.events.emit(c, 'die', { exitCode: String(code) });
  d.events.transition(c, from, c.state, 'die');
  const listeners = c.exitListeners;
  c.exitListeners = [];
  for (const l of listeners) l();
  settleWaiters(c, 'next-exit');
  if (c.state === 'restarting') {
    scheduleRestart(d, c, c.finishedAt - run.startedAt);
    return;
  }
  settleWaiters(c, 'not-running');
  if (c.state === 'removing') finishRemoval(d, c);
  else if (c.autoRemove && !c.manualRestart && c.state === 'exited') removeNow(d, c);
}

/** dockerd's restart manager: 100 ms doubling to 1 min, reset after a run of 10 s or more. */
function scheduleRestart(d: Services, c: Container, ranMs: number): void {
  if (ranMs >= 10_000) c.backoffMs = 0;
  if (c.backoffMs === 0) c.backoffMs = 100;
  else if (c.backoffMs < 60_000) c.backoffMs *= 2;
  if (c.backoffMs > 60_000) c.backoffMs = 60_000;
  c.restartTimer = d.scheduler.after(c.backoffMs, () => {
    c.restartTimer = null;
    if (c.state !== 'restarting') return;
    d.events.op(() => {
      try {
        startProcess(d, c, { type: 'container.autoRestart' });
      } catch {
        // The command vanished between runs: the restart manager gives up.
        stateChange(d, c, { type: 'container.stop' }, 'die');
        settleWaiters(c, 'not-running');
      }
    });
  });
}

export function cancelRestart(c: Container): void {
  c.restartTimer?.();
  c.restartTimer = null;
}
