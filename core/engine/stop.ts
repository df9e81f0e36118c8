import { DaemonError } from './errors';
import { parseSignal } from './process';
import { type Container, send, stateChange } from './container';
import { killNow, killWithSignal } from './kill';
import { cancelRestart } from './monitor';
import { settleWaiters } from './wait';
import type { Services } from './services';

/** `docker stop` (moby's daemon/stop.go): the stop signal, then SIGKILL after the timeout. */

/**
 * `docker stop`: the stop signal, then SIGKILL after `timeoutSeconds`
 * (default 10; negative waits for ever). Resolves once the container has
 * stopped. A container that is not running is left as it is (Docker's 304).
 */
export function containerStop(d: Services, ref: string, opts: { timeoutSeconds?: number; signal?: string } = {}): Promise<void> {
  return d.events.op(() => {
    const c = d.containers.get(ref);
    const { signal, timeoutSeconds } = stopParams(c, opts);
    return stopContainer(d, c, timeoutSeconds, signal);
  });
}

/** The stop signal and timeout: the request's, else the container's --stop-signal/--stop-timeout, else SIGTERM and 10 s. */
export function stopParams(c: Container, opts: { timeoutSeconds?: number; signal?: string }): { signal: number; timeoutSeconds: number } {
  const raw = opts.signal !== undefined && opts.signal !== '' ? opts.signal : c.config.stopSignal;
  let signal = 15;
  if (raw !== '') {
    const s = parseSignal(raw);
    if (typeof s !== 'number') throw new DaemonError(s.error, 'invalidParameter');
    signal = s;
  }
  return { signal, timeoutSeconds: opts.timeoutSeconds ?? c.config.stopTimeout ?? 10 };
}

export function stopContainer(d: Services, c: Container, timeoutSeconds: number, signal: number): Promise<void> {
  if (c.state === 'restarting') {
    cancelRestart(c);
    stateChange(d, c, { type: 'container.stop' }, 'stop');
    d.events.emit(c, 'stop');
    settleWaiters(c, 'not-running');
    return Promise.resolve();
  }
  if (c.state !== 'running' && c.state !== 'paused') return Promise.resolve();
  return new Promise<void>((resolve) => {
    let cancelTimer: () => void = () => {};
    c.exitListeners.push(() => {
      cancelTimer();
      d.events.emit(c, 'stop');
      resolve();
    });
    send(c, { type: 'container.stop' });
    killWithSignal(d, c, signal);
    if (c.run && timeoutSeconds >= 0) {
      cancelTimer = d.scheduler.after(timeoutSeconds * 1000, () => d.events.op(() => {
        if (c.run) killNow(d, c);
      }));
    }
  });
}
