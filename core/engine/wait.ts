import type { Container, WaitCondition } from './container';
import type { Services } from './services';

/** `docker wait` and the client's wait in `docker run` (moby's daemon/wait.go). */

/**
 * `docker wait` / the client's wait in `docker run`: resolves with the exit
 * code once the condition holds. `not-running` resolves at once for a
 * container that is not running.
 */
export function containerWait(d: Services, ref: string, condition: WaitCondition = 'not-running'): Promise<number> {
  return d.events.op(() => {
    const c = d.containers.get(ref);
    if (condition === 'not-running' && c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting') return Promise.resolve(c.exitCode);
    return new Promise<number>((resolve) => c.waiters.push({ condition, resolve }));
  });
}

export function settleWaiters(c: Container, condition: WaitCondition): void {
  const keep: Container['waiters'] = [];
  for (const w of c.waiters) {
    if (w.condition === condition) w.resolve(c.exitCode);
    else keep.push(w);
  }
  c.waiters = keep;
}
