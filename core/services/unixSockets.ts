import type { Proc } from '../engine/process';
import { socketPair } from '../network/socket';
import type { Socket } from '../network/view';
import type { Fs } from '../shell/filesystem';

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

/** bind(2) + listen(2) at `path`: 'EADDRINUSE' when a live server holds it. */
export function bindUnix(p: Pick<Proc, 'fs'>, path: string, onConnection: (s: Socket) => void): { close(): void } | 'EADDRINUSE' {
  let table = bound.get(p.fs);
  if (!table) bound.set(p.fs, (table = new Map()));
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
  const handler = bound.get(p.fs)?.get(path);
  if (!handler) return p.fs.exists(path) ? 'ECONNREFUSED' : 'ENOENT';
  const [client, server] = socketPair({ ip: path, port: 0 }, { ip: path, port: 0 });
  handler(server);
  return client;
}

/** Forgets every socket bound in this filesystem (a fresh run of the container). */
export function unbindAll(p: Pick<Proc, 'fs'>): void {
  bound.delete(p.fs);
}
