import type { Proc } from '../engine/process';
import { socketPair } from '../network/socket';
import type { Socket } from '../network/view';
import type { Fs } from '../shell/filesystem';
import { MountFs } from '../shell/mountFs';

/**
 * Unix domain sockets (mysqld's /var/run/mysqld/mysqld.sock): a name in the
 * container's filesystem that a server binds and a client on the same
 * filesystem connects to. The simulated filesystem has no socket nodes, so
 * the bound sockets are kept here, per container filesystem; the name also
 * appears as a file, as `ls` and `docker diff` show the real one. A container
 * that starts again starts with none bound (`unbindAll` at its entrypoint):
 * the processes that held them died with the previous run.
 */

const bound = new WeakMap<Fs, Map<string, (s: Socket) => void>>();

/** The container's filesystem under each process's own view (procfs and sysfs are mounted per process). */
function fsOf(p: Pick<Proc, 'fs'>): Fs {
  return p.fs instanceof MountFs ? p.fs.base : p.fs;
}

/** bind(2) + listen(2) at `path`: 'EADDRINUSE' when a live server holds it. */
export function bindUnix(p: Pick<Proc, 'fs'>, path: string, onConnection: (s: Socket) => void): { close(): void } | 'EADDRINUSE' {
  const fs = fsOf(p);
  let table = bound.get(fs);
  if (!table) bound.set(fs, (table = new Map()));
  if (table.has(path)) return 'EADDRINUSE';
  table.set(path, onConnection);
  p.fs.writeFile(path, '');
  return {
    close: () => {
      if (table.get(path) !== onConnection) return;
      table.delete(path);
      p.fs.remove(path);
    },
  };
}

/** connect(2) to `path`: ENOENT without the name, ECONNREFUSED when the name is there but nobody listens. */
export function connectUnix(p: Pick<Proc, 'fs'>, path: string): Socket | 'ENOENT' | 'ECONNREFUSED' {
  const handler = bound.get(fsOf(p))?.get(path);
  if (!handler) return p.fs.exists(path) ? 'ECONNREFUSED' : 'ENOENT';
  const [client, server] = socketPair({ ip: path, port: 0 }, { ip: path, port: 0 });
  handler(server);
  return client;
}

/** Forgets every socket bound in this filesystem (a fresh run of the container). */
export function unbindAll(p: Pick<Proc, 'fs'>): void {
  bound.delete(fsOf(p));
}
