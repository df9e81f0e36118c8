import { refusalText } from '../lifecycle/containerMachine';
import { DaemonError } from './errors';
import { send } from './container';
import { cancelRestart } from './monitor';
import { startProcess } from './start';
import { stopContainer, stopParams } from './stop';
import type { Services } from './services';

/** `docker restart` (moby's daemon/restart.go): stop if running, then start. */

/** `docker restart`: stop (if running) then start; logs `restart`. */
export function containerRestart(d: Services, ref: string, opts: { timeoutSeconds?: number; signal?: string } = {}): Promise<void> {
  return d.events.op(() => {
    const c = d.containers.get(ref);
    const wrap = (e: unknown): never => {
      if (e instanceof DaemonError) throw new DaemonError(`Cannot restart container ${ref}: ${e.message}`, e.kind, e.exitCode);
      throw e;
    };
    let params: { signal: number; timeoutSeconds: number } = { signal: 15, timeoutSeconds: 10 };
    try {
      params = stopParams(c, opts);
    } catch (e) {
      wrap(e);
    }
    const { signal, timeoutSeconds } = params;
    if (c.state === 'removing' || c.state === 'dead') wrap(new DaemonError(refusalText(c.state, 'container.restart', c.id, ref)!, 'conflict'));
    const startAgain = (): void =>
      d.events.op(() => {
        c.manualRestart = false;
        if (!d.containers.byId.has(c.id)) return;
        try {
          if (c.state === 'restarting') cancelRestart(c);
          startProcess(d, c, { type: 'container.restart' }, () => d.events.emit(c, 'restart'));
        } catch (e) {
          wrap(e);
        }
      });
    if (c.state === 'running' || c.state === 'paused') {
      c.manualRestart = true;
      send(c, { type: 'container.restart' });
      return stopContainer(d, c, timeoutSeconds, signal).then(startAgain);
    }
    startAgain();
    return Promise.resolve();
  });
}
