import type { ContainerState } from '../model';
import { normalizeImageRef } from '../images/catalog';
import { containerStatus } from '../cli/humanize';
import type { NetworkModel } from '../network/network';
import type { Proto } from '../network/ports';
import type { Container } from './container';
import { summaryPorts } from './networks';
import type { Services } from './services';

/** `docker ps` (moby's daemon/list.go): the containers, newest first, filtered as the daemon filters them. */

export interface ListOptions {
  all?: boolean;
  /** Show the n last created (all states); -1 for no limit. */
  last?: number;
  latest?: boolean;
  /** Docker's filters: status, name, id, exited, ancestor, label. */
  filters?: Record<string, string[]>;
}

/** One container as `docker ps` sees it (Engine API ContainerSummary, trimmed). */
export interface ContainerSummary {
  id: string;
  names: string[];
  image: string;
  imageId: string;
  /** Path and args as `docker ps` shows them (joined with spaces). */
  command: string;
  created: number;
  state: ContainerState;
  status: string;
  labels: Record<string, string>;
  /** Published ports of a running container (API Port objects). */
  ports: { ip: string; privatePort: number; publicPort: number; type: Proto }[];
  /** Names of the networks it is attached to (or its mode). */
  networks: string[];
  /** Its mounts: a volume's name, the host path, the volume driver ('' for binds and tmpfs). */
  mounts?: { name: string; source: string; driver: string }[];
}

/** The names of the filters `docker ps -f` accepts, for the CLI's validation. */
export const PS_FILTERS = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];

/** `docker ps`: newest first. */
export function containerList(d: Services, opts: ListOptions = {}): ContainerSummary[] {
  const now = d.scheduler.now();
  const all = opts.all || (opts.last ?? -1) > 0 || opts.latest;
  const limit = opts.latest ? 1 : opts.last ?? -1;
  const filters = opts.filters ?? {};
  const filtered = Object.keys(filters).length > 0;
  const out: ContainerSummary[] = [];
  const list = [...d.containers.byId.values()];
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i]!;
    if (!all && c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting') continue;
    if (filtered && !matchesFilters(c, filters, d.net, (v) => d.mounts.matchesVolume(c.id, v))) continue;
    out.push({
      id: c.id,
      names: [`/${c.name}`],
      image: c.imageRef,
      imageId: c.image.id,
      command: summaryCommand(c.path, c.args),
      created: c.created,
      state: c.state,
      status: statusText(c, now),
      labels: { ...c.config.labels },
      ports: summaryPorts(d, c),
      networks: d.net.containerNetworks(c.id).map((n) => n.network.name),
      mounts: d.mounts.summary(c.id),
    });
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

export function statusText(c: Container, now: number): string {
  return containerStatus(
    {
      running: c.state === 'running' || c.state === 'paused' || c.state === 'restarting',
      paused: c.state === 'paused',
      restarting: c.state === 'restarting',
      removalInProgress: c.state === 'removing',
      dead: c.state === 'dead',
      exitCode: c.exitCode,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
    },
    now,
  );
}

/** The daemon's ContainerSummary.Command: arguments containing a space are wrapped in single quotes. */
function summaryCommand(path: string, args: readonly string[]): string {
  // A plain loop: `docker ps` builds one per listed container.
  let out = path;
  for (const a of args) out += a.includes(' ') ? ` '${a}'` : ` ${a}`;
  return out;
}

function matchesFilters(c: Container, filters: Record<string, string[]>, net: NetworkModel, volume: (v: string) => boolean): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    const ok = values.some((v) => {
      switch (key) {
        case 'status':
          return c.state === v;
        case 'name':
          try {
            return new RegExp(v).test(`/${c.name}`);
          } catch {
            return false;
          }
        case 'id':
          return c.id.startsWith(v);
        case 'exited':
          return c.state === 'exited' && String(c.exitCode) === v;
        case 'ancestor':
          return normalizeImageRef(v) === normalizeImageRef(c.imageRef) || c.image.id === v || c.image.id.slice(7).startsWith(v);
        case 'network':
          // A network's name or id (a prefix of the id matches, as the daemon's filter does).
          return net.containerNetworks(c.id).some(({ network }) => network.name === v || network.id.startsWith(v));
        case 'publish':
        case 'expose': {
          // "80", "80/udp" or a range "8000-8080/tcp": published host ports, or exposed container ports.
          const [range, proto = 'tcp'] = v.split('/');
          const [lo, hi = lo] = (range ?? '').split('-').map(Number);
          const ports = key === 'publish' ? net.published(c.id).map((p) => ({ port: p.hostPort, proto: p.proto as string })) : c.config.exposedPorts.map((k) => ({ port: Number(k.split('/')[0]), proto: k.split('/')[1]! }));
          return ports.some((p) => p.proto === proto && p.port >= lo! && p.port <= hi!);
        }
        case 'label': {
          const eq = v.indexOf('=');
          return eq < 0 ? v in c.config.labels : c.config.labels[v.slice(0, eq)] === v.slice(eq + 1);
        }
        case 'volume':
          return volume(v);
        default:
          return true;
      }
    });
    if (!ok) return false;
  }
  return true;
}
