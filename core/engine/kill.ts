import { refusalText } from '../lifecycle/containerMachine';
import { DaemonError } from './errors';
import { parseSignal, signals } from './process';
import { type Container, send, stateChange } from './container';
import { cancelRestart, processExited } from './monitor';
import { thaw } from './pause';
import { settleWaiters } from './wait';
import type { Services } from './services';

/** `docker kill` (moby's daemon/kill.go): a signal to PID 1, as the kernel delivers it. */

/** Sends `signal` to PID 1: logs `kill`, thaws a paused container (Docker resumes it so the signal lands), delivers it. */
export function killWithSignal(d: Services, c: Container, signal: number): void {
  const run = c.run;
  if (!run) return;
  d.events.emit(c, 'kill', { signal: String(signal) });
  d.kernel.signal(c.id, signal, signalName(signal));
  if (signal === 9) {
    processExited(d, c, run, 137, 'SIGKILL');
    return;
  }
  if (c.state === 'paused') thaw(d, c);
  if (!run.alive) return;
  if (run.handler) run.handler(signal);
  // Without a handler PID 1 ignores the signal (the kernel protects a namespace's init).
}

export function killNow(d: Services, c: Container): void {
  if (c.run) killWithSignal(d, c, 9);
}

/** `docker kill [-s SIGNAL]`. */
export function containerKill(d: Services, ref: string, signalName?: string): void {
  d.events.op(() => {
    let signal = 9;
    if (signalName !== undefined && signalName !== '') {
      const s = parseSignal(signalName);
      if (typeof s !== 'number') throw new DaemonError(s.error, 'invalidParameter');
      if (s < 1 || s > 64) throw new DaemonError(`the linux daemon does not support signal ${s}`, 'invalidParameter');
      signal = s;
    }
    const c = d.containers.get(ref);
    const snap = c.actor.getSnapshot();
    if (!snap.can({ type: 'container.kill', signal: String(signal) })) {
      throw new DaemonError(refusalText(c.state, 'container.kill', c.id, ref)!, 'conflict');
    }
    if (c.state === 'restarting') {
      // The restart manager is told to give up; no signal reaches a process that is not there.
      cancelRestart(c);
      stateChange(d, c, { type: 'container.kill', signal: String(signal) }, 'die');
      settleWaiters(c, 'not-running');
      return;
    }
    send(c, { type: 'container.kill', signal: String(signal) });
    killWithSignal(d, c, signal);
  });
}

/**
 * kill(2) from a container process (host pid `from`) to `nsPid` in its pid
 * namespace. The namespace's init gets only what it handles (not even
 * SIGKILL from inside); any other process without a handler dies of a
 * terminating signal. Signal 0 only asks whether the pid exists.
 */
export function killInContainer(d: Services, c: Container, from: number, nsPid: number, signal: number): 'ESRCH' | undefined {
  const run = c.run;
  const target = run ? d.kernel.containerProcesses(c.id).find((k) => k.nsPid === nsPid) : undefined;
  if (!run || !target) return 'ESRCH';
  if (signal === 0) return undefined;
  d.trace.emit('kill', { sig: signalName(signal), target: target.pid }, { actor: 'container', pid: from, containerId: c.id }, [{ kind: 'process', id: String(target.pid) }]);
  // Stopping is not simulated: the stop signals do nothing, as the ignored ones.
  const ignoredByDefault = [17, 18, 19, 20, 21, 22, 23, 28].includes(signal);
  const sender = d.kernel.process(from)?.nsPid;
  if (target.pid === run.pid) {
    if (signal !== 9) run.handler?.(signal, sender);
    return undefined;
  }
  const exec = [...c.execs.values()].find((e) => e.running && e.pid === nsPid);
  const child = c.forked.get(nsPid);
  const handler = exec ? exec.handler : (child?.handler ?? null);
  if (handler && signal !== 9) handler(signal, sender);
  else if (!ignoredByDefault) {
    if (exec) exec.kill(128 + signal);
    else child?.killed(signal);
  }
  return undefined;
}

/** SIGTERM for 15: the name the trace shows. */
export function signalName(n: number): string {
  for (const [name, num] of Object.entries(signals)) if (num === n) return name;
  return String(n);
}
