import { containerSizeRw } from './archive';
import { removeNow } from './delete';
import { networkRemove } from './networks';
import { DaemonError } from './errors';
import type { Services } from './services';
import { parseTimestamp } from './timestamp';

/**
 * moby's daemon/prune.go: `docker container prune` (and the containers part
 * of `docker system prune`). Only stopped containers go; `until` and
 * `label`/`label!` narrow the set as the daemon reads them.
 */

/** The filters the daemon accepts for a container prune. */
const CONTAINER_PRUNE_FILTERS = ['label', 'label!', 'until'];

/** A label filter value: `key` (present) or `key=value` (equal). */
export function labelMatches(labels: Readonly<Record<string, string>>, v: string): boolean {
  const eq = v.indexOf('=');
  return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
}

/** The prune filters `label`, `label!` and `until` as one predicate; a DaemonError for a bad key or time. */
export function pruneMatcher(filters: Readonly<Record<string, readonly string[]>>, now: number, accepted: readonly string[] = CONTAINER_PRUNE_FILTERS): (labels: Readonly<Record<string, string>>, created: number) => boolean {
  for (const key of Object.keys(filters)) {
    if (accepted.includes(key)) continue;
    // Engine 23+ words it in lower case (20.10: "Invalid filter"); the conformance known difference accepts both.
    throw new DaemonError(`invalid filter '${key}'`, 'invalidParameter');
  }
  const untils = filters.until ?? [];
  if (untils.length > 1) throw new DaemonError('more than one until filter specified', 'invalidParameter');
  let until: number | undefined;
  if (untils.length === 1) {
    const t = parseTimestamp(untils[0]!, now);
    if (typeof t !== 'number') throw new DaemonError(t.error, 'invalidParameter');
    until = t;
  }
  const labels = filters.label ?? [];
  const notLabels = filters['label!'] ?? [];
  return (l, created) => {
    // moby skips what was created After(until): the same instant still goes.
    if (until !== undefined && created > until) return false;
    if (!labels.every((v) => labelMatches(l, v))) return false;
    return !notLabels.some((v) => labelMatches(l, v));
  };
}

/** Removes the stopped containers the filters match: their ids (oldest first, as the daemon walks them) and the bytes of their upper layers. */
export function containerPrune(d: Services, filters: Readonly<Record<string, readonly string[]>> = {}): { deleted: string[]; reclaimed: number } {
  const match = pruneMatcher(filters, d.scheduler.now());
  return d.events.op(() => {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of [...d.containers.byId.values()]) {
      if (c.state === 'running' || c.state === 'paused' || c.state === 'restarting' || c.state === 'removing') continue;
      if (!match(c.config.labels, c.created)) continue;
      reclaimed += containerSizeRw(d, c.id);
      removeNow(d, c);
      deleted.push(c.id);
    }
    d.events.emitPrune('container', reclaimed);
    return { deleted, reclaimed };
  });
}

/** moby's NetworksPrune: the custom networks no container is attached to, by the same filters; their names, oldest first. */
export function networkPrune(d: Services, filters: Readonly<Record<string, readonly string[]>> = {}): string[] {
  const match = pruneMatcher(filters, d.scheduler.now());
  return d.events.op(() => {
    const deleted: string[] = [];
    for (const n of d.net.list()) {
      if (n.predefined || n.endpoints.size > 0) continue;
      if (!match(n.labels, n.created)) continue;
      networkRemove(d, n.id);
      deleted.push(n.name);
    }
    d.events.emitPrune('network', 0);
    return deleted;
  });
}
