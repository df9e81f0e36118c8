import type { AttachOptions, Container, LogEntry } from './container';
import type { Services } from './services';

/**
 * The container's output (the json-file log driver): one entry per line,
 * copied to attached clients; `docker logs` and `docker logs -f`.
 */

const MAX_LOG_ENTRIES = 10_000;

export function output(d: Services, c: Container, stream: 'stdout' | 'stderr', text: string): void {
  const time = d.scheduler.now();
  // One log entry per line, as the json-file driver stores them.
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    c.logs.push({ stream, text: text.slice(start, end), time });
    start = end;
  }
  if (c.logs.length > MAX_LOG_ENTRIES) c.logs.splice(0, c.logs.length - MAX_LOG_ENTRIES);
  for (const a of c.attachments) (stream === 'stdout' ? a.stdout : a.stderr)(text);
}

/** The container's log entries (json-file driver), oldest first; `tail` keeps the last n. */
export function containerLogs(d: Services, ref: string, opts: { tail?: number } = {}): LogEntry[] {
  const c = d.containers.get(ref);
  const tail = opts.tail;
  if (tail === undefined || tail < 0) return [...c.logs];
  return tail === 0 ? [] : c.logs.slice(-tail);
}

/** Streams the container's new output to `sink` (`docker logs -f`), without the attach a client makes. Returns a stop function. */
export function followLogs(d: Services, ref: string, sink: Pick<AttachOptions, 'stdout' | 'stderr'>): () => void {
  const c = d.containers.get(ref);
  const entry: AttachOptions = { stdout: sink.stdout, stderr: sink.stderr };
  c.attachments.add(entry);
  return () => {
    c.attachments.delete(entry);
  };
}

/** Whether the container was created with a tty (logs are then one stream). */
export function isTty(d: Services, ref: string): boolean {
  return d.containers.get(ref).config.tty;
}
