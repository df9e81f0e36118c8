import type { Engine } from '../../engine/engine';
import { rfc3339Nano } from '../../engine/engine';
import { DaemonError } from '../../engine/errors';
import { formatIp } from '../../network/ip';
import type { Network } from '../../network/network';
import type { ParsedFlags } from '../flags';
import { GO_NIL_MAP, goStruct } from '../gotemplate';
import { formatItems, headerContext, tabwriteRows } from '../table';
import { daemonErrorText, runGroup, type CommandDef, type Ctx } from './common';
import { inspectAll } from './inspect';
import { goJson, TemplateError } from './template';

/**
 * `docker network …` as the 28.2.2 client runs it against the simulated
 * daemon: create, ls, inspect, rm, connect, disconnect, prune.
 */

/** `docker network inspect` JSON (Engine 20.10's NetworkResource, keys in its order). */
export function networkJson(engine: Engine, n: Network): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  const ids = [...n.endpoints.keys()].sort();
  for (const id of ids) {
    const ep = n.endpoints.get(id)!;
    const name = ep.model.containerName(id);
    containers[id] = { Name: name, EndpointID: ep.id, MacAddress: ep.mac, IPv4Address: n.subnet ? `${formatIp(ep.ip)}/${n.subnet.prefix}` : '', IPv6Address: '' };
  }
  const config = n.ipamConfig
    ? [{ Subnet: n.ipamConfig.subnet, ...(n.ipamConfig.ipRange !== '' ? { IPRange: n.ipamConfig.ipRange } : {}), ...(n.ipamConfig.gateway !== '' ? { Gateway: n.ipamConfig.gateway } : {}) }]
    : [];
  return {
    Name: n.name,
    Id: n.id,
    Created: rfc3339Nano(n.created),
    Scope: n.scope,
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.predefined ? null : {}, Config: config },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: { ...n.options },
    Labels: { ...n.labels },
  };
}

/** NetworkResource as the client's typed struct: Options, Labels, Containers and IPAM.Options are maps (nil prints map[]). */
export function typedNetwork(json: Record<string, unknown>): unknown {
  const map = (v: unknown): unknown => (v === null ? GO_NIL_MAP : v);
  const ipam = json.IPAM as { Driver: string; Options: unknown; Config: Record<string, unknown>[] };
  const containers: Record<string, unknown> = {};
  for (const [id, c] of Object.entries(json.Containers as Record<string, object>)) containers[id] = goStruct('network.EndpointResource', { ...c });
  return goStruct('network.Inspect', {
    ...json,
    IPAM: goStruct('network.IPAM', { Driver: ipam.Driver, Options: map(ipam.Options), Config: ipam.Config.map((c) => goStruct('network.IPAMConfig', { ...c })) }),
    ConfigFrom: goStruct('network.ConfigReference', { ...(json.ConfigFrom as object) }),
    Containers: containers,
    Options: map(json.Options),
    Labels: map(json.Labels),
  });
}

/** sortorder.NaturalLess: digit runs compare as numbers. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a[i]!;
    const cb = b[j]!;
    const da = ca >= '0' && ca <= '9';
    const db = cb >= '0' && cb <= '9';
    if (da && db) {
      let ei = i;
      while (ei < a.length && a[ei]! >= '0' && a[ei]! <= '9') ei++;
      let ej = j;
      while (ej < b.length && b[ej]! >= '0' && b[ej]! <= '9') ej++;
      const na = a.slice(i, ei).replace(/^0+/, '');
      const nb = b.slice(j, ej).replace(/^0+/, '');
      if (na.length !== nb.length) return na.length < nb.length;
      if (na !== nb) return na < nb;
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca < cb;
    i++;
    j++;
  }
  return a.length - i < b.length - j;
}

function parseFilters(ctx: Ctx, raw: readonly string[]): Record<string, string[]> | number {
  const filters: Record<string, string[]> = {};
  for (const f of raw) {
    const eq = f.indexOf('=');
    if (eq < 0) {
      ctx.io.stderr(`invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)\n\nUsage:  ${ctx.path} [OPTIONS]\n\nRun '${ctx.path} --help' for more information\n`);
      return 125;
    }
    (filters[f.slice(0, eq).trim().toLowerCase()] ??= []).push(f.slice(eq + 1));
  }
  return filters;
}

function regexMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return false;
  }
}

function labelMatch(labels: Record<string, string>, v: string): boolean {
  const eq = v.indexOf('=');
  return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
}

const LS_FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];

function matches(n: Network, filters: Record<string, string[]>): boolean {
  for (const [key, values] of Object.entries(filters)) {
    const ok = values.some((v) => {
      switch (key) {
        case 'driver':
          return n.driver === v;
        case 'name':
          return n.name === v || regexMatch(v, n.name);
        case 'id':
          return n.id === v || regexMatch(v, n.id);
        case 'scope':
          return v === n.scope;
        case 'type':
          return v === 'builtin' ? n.predefined : v === 'custom' ? !n.predefined : false;
        case 'label':
          return labelMatch(n.labels, v);
        case 'dangling':
          return (v === 'true' || v === '1') === (!n.predefined && n.endpoints.size === 0);
        default:
          return true;
      }
    });
    if (!ok) return false;
  }
  return true;
}

const NETWORK_HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' };

/** Go's time.Time.String() with nanoseconds, as the network formatter prints CreatedAt. */
function goTime(ms: number): string {
  const iso = rfc3339Nano(ms); // 2026-01-01T00:00:00.5Z
  return `${iso.slice(0, 10)} ${iso.slice(11, -1)} +0000 UTC`;
}

/** docker/cli's networkContext fields. */
function networkRow(n: Network, trunc: boolean): Record<string, unknown> {
  const labels = Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(',');
  const fields = {
    CreatedAt: goTime(n.created),
    Driver: n.driver,
    ID: trunc ? n.id.slice(0, 12) : n.id,
    IPv4: 'false',
    IPv6: 'false',
    Internal: String(n.internal),
    Labels: labels,
    Name: n.name,
    Scope: n.scope,
  };
  const row = goStruct('*formatter.networkContext', { ...fields });
  Object.defineProperties(row, {
    Label: { value: (key: string) => n.labels[key] ?? '', enumerable: false },
    MarshalJSON: { value: () => ({ ...fields }), enumerable: false },
  });
  return row;
}

const ls: CommandDef = {
  name: 'network ls',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parseFilters(ctx, flags.stringArray('filter'));
    if (typeof filters === 'number') return filters;
    const bad = Object.keys(filters).find((k) => !LS_FILTERS.includes(k));
    if (bad !== undefined) {
      ctx.io.stderr(`Error response from daemon: invalid filter '${bad}'\n`);
      return 1;
    }
    const list = ctx.engine.net.list().filter((n) => matches(n, filters));
    list.sort((a, b) => (naturalLess(a.name, b.name) ? -1 : naturalLess(b.name, a.name) ? 1 : 0));
    const trunc = !flags.bool('no-trunc');
    let format = flags.string('format');
    if (flags.bool('quiet')) format = '{{.ID}}';
    if (format === '' || format === 'table') {
      ctx.io.stdout(tabwriteRows([['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], ...list.map((n) => [trunc ? n.id.slice(0, 12) : n.id, n.name, n.driver, n.scope])]));
      return 0;
    }
    if (format === 'json') {
      for (const n of list) ctx.io.stdout(goJson((networkRow(n, trunc) as { MarshalJSON(): unknown }).MarshalJSON()) + '\n');
      return 0;
    }
    try {
      ctx.io.stdout(formatItems(format, list.map((n) => networkRow(n, trunc)), headerContext(NETWORK_HEADERS)));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`${e.phase === 'parse' ? 'failed to parse template' : 'failed to execute template'}: ${e.message}\n`);
      return 1;
    }
    return 0;
  },
};

const create: CommandDef = {
  name: 'network create',
  usage: '[OPTIONS] NETWORK',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    const subnets = flags.stringArray('subnet').flatMap((s) => s.split(','));
    const gateways = flags.stringArray('gateway').flatMap((s) => s.split(','));
    const ranges = flags.stringArray('ip-range').flatMap((s) => s.split(','));
    // docker/cli's consolidateIpam: every gateway and range needs a subnet of its own.
    if ((gateways.length > 0 || ranges.length > 0) && subnets.length === 0) {
      ctx.io.stderr('every ip-range or gateway must have a corresponding subnet\n');
      return 1;
    }
    if (subnets.length > 1 || gateways.length > 1 || ranges.length > 1) {
      ctx.io.stderr('Error response from daemon: the simulator models one IPv4 subnet per network\n');
      return 1;
    }
    const kv = (list: readonly string[]): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const l of list) {
        const eq = l.indexOf('=');
        out[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
      }
      return out;
    };
    const driver = flags.string('driver');
    try {
      const net = ctx.engine.networkCreate({
        name: flags.args[0]!,
        driver,
        subnet: subnets[0],
        gateway: gateways[0],
        ipRange: ranges[0],
        internal: flags.bool('internal'),
        attachable: flags.bool('attachable'),
        labels: kv(flags.stringArray('label')),
        options: kv(flags.stringArray('opt')),
      });
      ctx.io.stdout(net.id + '\n');
      return 0;
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
  },
};

const inspect: CommandDef = {
  name: 'network inspect',
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    return inspectAll(ctx, flags.args, flags.string('format'), (ref) => networkJson(ctx.engine, ctx.engine.net.get(ref)), (ref) => `Error response from daemon: network ${ref} not found`, typedNetwork);
  },
};

const rm: CommandDef = {
  name: 'network rm',
  usage: 'NETWORK [NETWORK...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    let status = 0;
    for (const ref of flags.args) {
      try {
        ctx.engine.networkRemove(ref);
        ctx.io.stdout(ref + '\n');
      } catch (e) {
        if (flags.bool('force') && e instanceof DaemonError && e.kind === 'notFound') continue;
        ctx.io.stderr(daemonErrorText(e) + '\n');
        status = 1;
      }
    }
    // cli.StatusError without a message prints as "exit status N".
    if (status !== 0) ctx.io.stderr(`exit status ${status}\n`);
    return status;
  },
};

/** connect and disconnect: NETWORK CONTAINER, silent on success, the daemon's error otherwise. */
function endpointCommand(name: 'network connect' | 'network disconnect', op: (ctx: Ctx, net: string, container: string, flags: ParsedFlags) => void): CommandDef {
  return {
    name,
    usage: '[OPTIONS] NETWORK CONTAINER',
    args: { kind: 'exact', n: 2 },
    async run(ctx, flags) {
      const [net, container] = flags.args as [string, string];
      try {
        op(ctx, net, container, flags);
        return 0;
      } catch (e) {
        ctx.io.stderr(daemonErrorText(e) + '\n');
        return 1;
      }
    },
  };
}

const connect = endpointCommand('network connect', (ctx, net, container, flags) =>
  ctx.engine.networkConnect(net, container, { aliases: flags.stringArray('alias').flatMap((a) => a.split(',')), ip: flags.string('ip') }),
);

const disconnect = endpointCommand('network disconnect', (ctx, net, container) => ctx.engine.networkDisconnect(net, container));

const PRUNE_WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';

const prune: CommandDef = {
  name: 'network prune',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parseFilters(ctx, flags.stringArray('filter'));
    if (typeof filters === 'number') return filters;
    if (!flags.bool('force')) {
      ctx.io.stdout(PRUNE_WARNING);
      const answer = (ctx.io.stdin ?? '').trim().toLowerCase();
      // A cancelled prune says nothing more and succeeds, as the 28.x client does.
      if (answer !== 'y' && answer !== 'yes') return 0;
    }
    let deleted: string[];
    try {
      deleted = ctx.engine.pruneNetworks(filters);
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    if (deleted.length > 0) ctx.io.stdout(`Deleted Networks:\n${deleted.map((d) => d + '\n').join('')}\n`);
    return 0;
  },
};

const subcommands: Record<string, CommandDef> = { create, ls, list: ls, inspect, rm, remove: rm, connect, disconnect, prune };

/** `docker network [COMMAND]`. */
export function networkCommand(ctx: Omit<Ctx, 'path'>, argv: readonly string[]): Promise<number> {
  return runGroup(ctx, 'network', subcommands, argv);
}
