import { DaemonError } from '../../engine/errors';
import type { Volume } from '../../engine/volumes/volumeService';
import { GO_NIL_MAP, goStruct } from '../gotemplate';
import { humanSize } from '../humanize';
import { formatItems, headerContext, tabwriteRows } from '../table';
import { daemonErrorText, runGroup, type CommandDef, type Ctx } from './common';
import { inspectAll } from './inspect';
import { naturalLess } from './network';
import { goJson, TemplateError } from './template';

/**
 * `docker volume …` as the 28.2.2 client runs it against a 28.x daemon:
 * create, ls, inspect, rm and prune (anonymous volumes only unless `--all`).
 * The volumes themselves are the engine's (core/engine/volumes/volumeService.ts).
 */

/** The API's Volume as the client's typed struct: Labels and Options are maps (nil prints map[]); the omitempty fields are there too. */
export function typedVolume(json: Record<string, unknown>): unknown {
  const map = (v: unknown): unknown => (v === null ? GO_NIL_MAP : v);
  const struct = goStruct('volume.Volume', { ClusterVolume: null, ...json, Labels: map(json.Labels), Options: map(json.Options), Status: GO_NIL_MAP, UsageData: null });
  Object.defineProperty(struct, 'MarshalJSON', { value: () => json, enumerable: false });
  return struct;
}

/** docker/cli's filter flag: KEY=VALUE each, else the flag's own error (exit 125). */
function parseFilters(ctx: Ctx, raw: readonly string[], usage: string): Record<string, string[]> | number {
  const filters: Record<string, string[]> = {};
  for (const f of raw) {
    const eq = f.indexOf('=');
    if (eq < 0) {
      ctx.io.stderr(`invalid argument "${f}" for "${ctx.path.endsWith('prune') ? '--filter' : '-f, --filter'}" flag: bad format of filter (expected name=value)\n\nUsage:  ${ctx.path} ${usage}\n\nRun '${ctx.path} --help' for more information\n`);
      return 125;
    }
    (filters[f.slice(0, eq).trim().toLowerCase()] ??= []).push(f.slice(eq + 1));
  }
  return filters;
}

function fail(ctx: Ctx, e: unknown): number {
  ctx.io.stderr(daemonErrorText(e) + '\n');
  return 1;
}

const VOLUME_HEADERS = {
  ID: 'ID',
  Name: 'VOLUME NAME',
  Group: 'GROUP',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Availability: 'AVAILABILITY',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Status: 'STATUS',
};

/** docker/cli's volumeContext: one row of `docker volume ls` (no usage data in a plain list: Links and Size are N/A). */
function volumeRow(v: Volume): Record<string, unknown> {
  const labels = Object.keys(v.labels).sort().map((k) => `${k}=${v.labels[k]}`).join(',');
  const fields = {
    Availability: 'N/A',
    Driver: v.driver,
    Group: 'N/A',
    Labels: labels,
    Links: 'N/A',
    Mountpoint: v.mountpoint,
    Name: v.name,
    Scope: 'local',
    Size: 'N/A',
    Status: 'N/A',
  };
  const row = goStruct('*formatter.volumeContext', { ...fields });
  Object.defineProperties(row, {
    Label: { value: (key: string) => v.labels[key] ?? '', enumerable: false },
    MarshalJSON: { value: () => ({ ...fields }), enumerable: false },
  });
  return row;
}

const create: CommandDef = {
  name: 'volume create',
  usage: '[OPTIONS] [VOLUME]',
  args: { kind: 'max', n: 1 },
  async run(ctx, flags) {
    let name = flags.string('name');
    if (flags.args.length === 1) {
      if (name !== '') {
        ctx.io.stderr('conflicting options: cannot specify a volume-name through both --name and as a positional arg\n');
        return 1;
      }
      name = flags.args[0]!;
    }
    if (flags.stringArray('opt').length > 0) {
      ctx.io.stderr(`glassbox: ${ctx.path} -o (volume driver options): not simulated yet\n`);
      return 2;
    }
    const labels: Record<string, string> = {};
    for (const l of flags.stringArray('label')) {
      const eq = l.indexOf('=');
      labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
    }
    try {
      const v = ctx.engine.volumeOp((vols) => vols.create(name, flags.string('driver'), { labels }));
      ctx.io.stdout(v.name + '\n');
      return 0;
    } catch (e) {
      return fail(ctx, e);
    }
  },
};

const ls: CommandDef = {
  name: 'volume ls',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parseFilters(ctx, flags.stringArray('filter'), '[OPTIONS]');
    if (typeof filters === 'number') return filters;
    let list: Volume[];
    try {
      list = ctx.engine.volumes.list(filters);
    } catch (e) {
      return fail(ctx, e);
    }
    list = [...list].sort((a, b) => (naturalLess(a.name, b.name) ? -1 : naturalLess(b.name, a.name) ? 1 : 0));
    const quiet = flags.bool('quiet');
    let format = flags.string('format');
    if (format === '' || format === 'table') format = quiet ? '{{.Name}}' : 'table {{.Driver}}\t{{.Name}}';
    if (format === 'table {{.Driver}}\t{{.Name}}') {
      ctx.io.stdout(tabwriteRows([['DRIVER', 'VOLUME NAME'], ...list.map((v) => [v.driver, v.name])]));
      return 0;
    }
    if (format === 'json') {
      for (const v of list) ctx.io.stdout(goJson((volumeRow(v) as { MarshalJSON(): unknown }).MarshalJSON()) + '\n');
      return 0;
    }
    try {
      ctx.io.stdout(formatItems(format, list.map(volumeRow), headerContext(VOLUME_HEADERS)));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`${e.phase === 'parse' ? 'failed to parse template' : 'failed to execute template'}: ${e.message}\n`);
      return 1;
    }
    return 0;
  },
};

const inspect: CommandDef = {
  name: 'volume inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    const volumes = ctx.engine.volumes;
    return inspectAll(ctx, flags.args, flags.string('format'), (ref) => volumes.inspect(volumes.get(ref)), (ref) => `Error response from daemon: get ${ref}: no such volume`, typedVolume);
  },
};

const rm: CommandDef = {
  name: 'volume rm',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    const errors: string[] = [];
    for (const name of flags.args) {
      try {
        ctx.engine.volumeOp((v) => v.remove(name, { force: flags.bool('force') }));
        ctx.io.stdout(name + '\n');
      } catch (e) {
        if (!(e instanceof DaemonError)) throw e;
        errors.push(daemonErrorText(e));
      }
    }
    if (errors.length === 0) return 0;
    ctx.io.stderr(errors.join('\n') + '\n');
    return 1;
  },
};

const UNUSED_WARNING = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ';
const ALL_WARNING = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ';

const prune: CommandDef = {
  name: 'volume prune',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parseFilters(ctx, flags.stringArray('filter'), '[OPTIONS]');
    if (typeof filters === 'number') return filters;
    let warning = UNUSED_WARNING;
    if (flags.bool('all')) {
      if (filters.all !== undefined) {
        ctx.io.stderr('conflicting options: cannot specify both --all and --filter all=1\n');
        return 1;
      }
      filters.all = ['true'];
      warning = ALL_WARNING;
    }
    if (!flags.bool('force')) {
      ctx.io.stdout(warning);
      const answer = (ctx.io.stdin ?? '').split('\n')[0]!.trim().toLowerCase();
      // A cancelled prune says nothing more and succeeds, as the client does.
      if (answer !== 'y' && answer !== 'yes') return 0;
    }
    let report: { deleted: string[]; reclaimed: number };
    try {
      report = ctx.engine.volumeOp((v) => v.prune(filters));
    } catch (e) {
      return fail(ctx, e);
    }
    if (report.deleted.length > 0) ctx.io.stdout(`Deleted Volumes:\n${report.deleted.map((d) => d + '\n').join('')}\n`);
    ctx.io.stdout(`Total reclaimed space: ${humanSize(report.deleted.length > 0 ? report.reclaimed : 0)}\n`);
    return 0;
  },
};

const subcommands: Record<string, CommandDef> = { create, ls, list: ls, inspect, rm, remove: rm, prune };

/** `docker volume [COMMAND]`. */
export async function volumeCommand(ctx: Omit<Ctx, 'path'>, argv: readonly string[]): Promise<number> {
  const sub = argv[0];
  // Its Use line is "volume COMMAND" (network's is "network"): the usage error says so.
  if (sub !== undefined && !sub.startsWith('-') && sub !== 'help' && !Object.hasOwn(subcommands, sub)) {
    ctx.io.stderr(`docker: unknown command: docker volume ${sub}\n\nUsage:  docker volume COMMAND\n\nRun 'docker volume --help' for more information\n`);
    return 1;
  }
  return runGroup(ctx, 'volume', subcommands, argv);
}
