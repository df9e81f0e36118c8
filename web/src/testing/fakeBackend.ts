import type { Backend, BackendEvent, Capabilities } from '../../../core/backend';
import type { ContainerSnapshot, ContainerState, Snapshot, Transition } from '../../../core/model';

/**
 * A tiny stand-in Backend for developing and screenshotting the page without
 * the engine: a handful of docker commands that move containers through the
 * lifecycle and emit the same events a real backend does. Never shipped: the
 * page loads it only in dev builds, with `?backend=fake`.
 */
export function createFakeBackend(kind: 'sim' | 'real' = 'sim'): Backend & { close(): void } {
  const listeners = new Set<(e: BackendEvent) => void>();
  let containers: ContainerSnapshot[] = [];
  let seq = 0;
  let time = Date.UTC(2026, 0, 1);
  let cancel: (() => void) | null = null;

  const snapshot = (): Snapshot => ({ kind, time, containers: structuredClone(containers), images: [] });
  const emit = (transitions: Transition[]): void => {
    const e: BackendEvent = { type: 'snapshot', snapshot: snapshot(), transitions };
    for (const l of listeners) l(e);
  };
  const move = (c: ContainerSnapshot, to: ContainerState | null, action: string): Transition => {
    const t: Transition = { containerId: c.id, name: c.name, from: c.state, to, action, time: ++time };
    if (to === null) containers = containers.filter((x) => x !== c);
    else c.state = to;
    return t;
  };
  const find = (ref: string | undefined): ContainerSnapshot | undefined => containers.find((c) => c.name === ref || (ref && ref.length >= 3 && c.id.startsWith(ref)));

  const create = (name: string | undefined, image: string): ContainerSnapshot => {
    const id = (++seq).toString(16).padStart(4, '0').repeat(16);
    const c: ContainerSnapshot = {
      id,
      name: name ?? `fake_${seq}`,
      image,
      imageId: 'sha256:' + '0'.repeat(64),
      command: ['sh'],
      state: 'created',
      exitCode: 0,
      pid: 0,
      oomKilled: false,
      restartCount: 0,
      created: new Date(time).toISOString(),
      startedAt: '0001-01-01T00:00:00Z',
      finishedAt: '0001-01-01T00:00:00Z',
      status: 'Created',
      config: { hostname: id.slice(0, 12), env: [], tty: false, openStdin: false, autoRemove: false, restartPolicy: { name: 'no', maximumRetryCount: 0 }, labels: {} },
    };
    containers.push(c);
    return c;
  };

  const caps: Capabilities = { kind, trace: false, hostShell: false, engine: 'fake' };

  return {
    async capabilities() {
      return caps;
    },
    async exec(line, io) {
      const words = line.trim().split(/\s+/);
      if (words[0] !== 'docker') {
        io.stderr(`${words[0]}: command not found\n`);
        return 127;
      }
      const [cmd, ...args] = words.slice(1);
      const flags = args.filter((a) => a.startsWith('-'));
      const nameAt = args.indexOf('--name');
      const name = nameAt >= 0 ? args[nameAt + 1] : undefined;
      const positional = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '--name');
      const ref = positional[0];
      const c = find(ref);
      const need = (): ContainerSnapshot | null => {
        if (!c) io.stderr(`Error response from daemon: No such container: ${ref}\n`);
        return c ?? null;
      };
      switch (cmd) {
        case 'run':
        case 'create': {
          const n = create(name, positional[0] ?? 'busybox');
          const ts: Transition[] = [{ containerId: n.id, name: n.name, from: null, to: 'created', action: 'create', time: ++time }];
          if (cmd === 'run') ts.push(move(n, 'running', 'start'));
          emit(ts);
          io.stdout(`${n.id}\n`);
          return 0;
        }
        case 'start':
        case 'unpause':
        case 'pause': {
          const t = need();
          if (!t) return 1;
          emit([move(t, cmd === 'pause' ? 'paused' : 'running', cmd)]);
          io.stdout(`${ref}\n`);
          return 0;
        }
        case 'stop':
        case 'kill': {
          const t = need();
          if (!t) return 1;
          if (cmd === 'stop') {
            // Waits like the real grace period, so Ctrl-C has something to interrupt.
            const interrupted = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), 1500);
              cancel = () => {
                clearTimeout(timer);
                resolve(true);
              };
            });
            cancel = null;
            if (interrupted) return 130;
          }
          t.exitCode = cmd === 'stop' ? 143 : 137;
          emit([move(t, 'exited', 'die')]);
          io.stdout(`${ref}\n`);
          return 0;
        }
        case 'rm': {
          const t = need();
          if (!t) return 1;
          if (t.state === 'running' && !flags.includes('-f')) {
            io.stderr(`Error response from daemon: cannot remove container "/${t.name}": container is running: stop the container before removing or force remove\n`);
            return 1;
          }
          const ts: Transition[] = [];
          if (t.state === 'running') ts.push(move(t, 'removing', 'die'));
          else ts.push(move(t, 'removing', 'destroy'));
          ts.push(move(t, null, 'destroy'));
          emit(ts);
          io.stdout(`${ref}\n`);
          return 0;
        }
        case 'ps':
          io.stdout('CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
          for (const x of containers) io.stdout(`${x.id.slice(0, 12)}   ${x.image}   "sh"      now       ${x.state}             ${x.name}\n`);
          return 0;
        default:
          io.stderr(`docker: unknown command: docker ${cmd ?? ''}\n`);
          return 1;
      }
    },
    async interrupt() {
      cancel?.();
    },
    async input() {
      // The fake runs nothing that reads the terminal.
    },
    async snapshot() {
      return snapshot();
    },
    async layerEntries() {
      return {}; // the fake has no images, so no layers
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async reset() {
      containers = [];
      emit([]);
    },
    close() {
      listeners.clear();
    },
  };
}
