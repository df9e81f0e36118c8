import type { ContainerSnapshot } from '../../core/model';

/**
 * The watcher's containers, each with the sequence number of the read that
 * produced it. Reads take a number when they start; an answer that started
 * before the one the table holds (an inspect that crossed a newer one, a list
 * taken before an event's re-read) is refused, so a stale answer never
 * overwrites a newer state. A container read as gone keeps its number, so a
 * late answer cannot bring it back either.
 */
export class ContainerTable {
  private byId = new Map<string, ContainerSnapshot>();
  private seqs = new Map<string, number>();
  private next = 1;

  /** A number for a read about to start. */
  ticket(): number {
    return this.next++;
  }

  get(id: string): ContainerSnapshot | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  values(): ContainerSnapshot[] {
    return [...this.byId.values()];
  }

  /** Whether what the table holds for `id` was read after `ticket` was taken. */
  newerThan(id: string, ticket: number): boolean {
    return (this.seqs.get(id) ?? 0) > ticket;
  }

  /** Takes a read's answer (null: gone) unless a newer one is held; says whether it did. */
  apply(id: string, ticket: number, value: ContainerSnapshot | null): boolean {
    if (this.newerThan(id, ticket)) return false;
    this.seqs.set(id, ticket);
    if (value) this.byId.set(id, value);
    else this.byId.delete(id);
    return true;
  }

  /** A `docker ps` STATUS text, when the list that carried it is not older than what is held. */
  setStatus(id: string, ticket: number, status: string): void {
    const c = this.byId.get(id);
    if (c && !this.newerThan(id, ticket)) this.byId.set(id, { ...c, status });
  }

  /** Forgets the numbers of containers gone long ago (those older than `ticket` and not held). */
  prune(ticket: number): void {
    for (const [id, seq] of this.seqs) if (seq < ticket && !this.byId.has(id)) this.seqs.delete(id);
  }
}

/** The Engine API's "no such object". */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}

/**
 * `fn` tried up to `attempts` times, waiting `delayMs` × attempt between: a
 * loaded daemon answers an inspect with a 500 or a timeout now and then. A 404
 * is an answer (gone), not retried.
 */
export async function withRetries<T>(fn: () => Promise<T>, attempts: number, delayMs: number): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (isNotFound(err) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delayMs * i));
    }
  }
}

/** Promise.all with at most `limit` calls in flight (the daemon serialises much of its work anyway). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
