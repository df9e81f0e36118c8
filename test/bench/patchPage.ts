import { type MessagePort, parentPort } from 'node:worker_threads';
import type { BackendEvent } from '../../core/backend';
import type { Snapshot } from '../../core/model';
import { receivingPatches } from '../../backends/sim/patchStream';

/**
 * The page's end of the port in the patch bench: events arrive as the
 * client's do (postMessage's structured clone), patches are applied by the
 * client's own code, and each snapshot the listener then holds is
 * acknowledged with the moment it was held (timeOrigin-based, so comparable
 * across threads).
 */
export interface PageMessage {
  n: number;
  event: BackendEvent;
}

export interface PageAck {
  n: number;
  at: number;
  containers: number;
}

if (!parentPort) throw new Error('patchPage runs in a worker thread');
const port: MessagePort = parentPort;
let held: Snapshot | null = null;
let current = -1;

function listening(): (e: BackendEvent) => void {
  held = null;
  return receivingPatches((e) => {
    if (e.type !== 'snapshot') return;
    held = e.snapshot;
    port.postMessage({ n: current, at: performance.timeOrigin + performance.now(), containers: held.containers.length } satisfies PageAck);
  });
}

let deliver = listening();
port.on('message', (m: PageMessage | 'reset') => {
  if (m === 'reset') {
    deliver = listening();
    return;
  }
  current = m.n;
  deliver(m.event);
});
