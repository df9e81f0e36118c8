import type { RestartPolicy } from '../model';
import { DaemonError } from './errors';
import { parseSignal } from './process';

/** A restart policy as the API receives it: any name, any count (the client only checks the format). */
export interface RestartPolicyRequest {
  name: string;
  maximumRetryCount: number;
}

/**
 * moby's container.ValidateRestartPolicy (api/types/container/hostconfig.go,
 * v25.0+): the policy, or a DaemonError with the daemon's text. An empty name
 * is what clients before v25 sent for "no".
 */
export function validateRestartPolicy(p: RestartPolicyRequest): RestartPolicy {
  const count = p.maximumRetryCount;
  switch (p.name) {
    case 'always':
    case 'unless-stopped':
    case 'no':
      if (count !== 0) {
        const negative = count < 0 ? ' and cannot be negative' : '';
        throw new DaemonError(`invalid restart policy: maximum retry count can only be used with 'on-failure'${negative}`, 'invalidParameter');
      }
      return { name: p.name, maximumRetryCount: 0 };
    case 'on-failure':
      if (count < 0) throw new DaemonError('invalid restart policy: maximum retry count cannot be negative', 'invalidParameter');
      return { name: 'on-failure', maximumRetryCount: count };
    case '':
      return { name: 'no', maximumRetryCount: 0 };
    default:
      throw new DaemonError(
        `invalid restart policy: unknown policy '${p.name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
        'invalidParameter',
      );
  }
}

/**
 * The daemon's check of Config.StopSignal at create (daemon/container.go
 * verifyContainerSettings, moby/sys/signal.ParseSignal): returns the signal
 * number, or throws with the current wording ("invalid signal: …").
 */
export function validateStopSignal(raw: string): number {
  const s = parseSignal(raw);
  if (typeof s !== 'number') throw new DaemonError(s.error, 'invalidParameter');
  return s;
}
