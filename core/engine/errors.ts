/**
 * An error as dockerd returns it: the message the client prints after
 * "Error response from daemon: ", and the errdefs class that decides the HTTP
 * status (and so what the client does with it).
 */
export type DaemonErrorKind = 'notFound' | 'conflict' | 'invalidParameter' | 'notModified' | 'system';

export class DaemonError extends Error {
  override name = 'DaemonError';
  constructor(
    message: string,
    readonly kind: DaemonErrorKind,
    /** For a failed start: the exit code Docker records (127 not found, 126 not executable). */
    readonly exitCode?: number,
  ) {
    super(message);
  }
}

export function noSuchContainer(ref: string): DaemonError {
  return new DaemonError(`No such container: ${ref}`, 'notFound');
}
