import type { ContainerSummary } from '../../engine/engine';
import { humanSizeWithPrecision, isoTime, runningFor } from '../humanize';
import { goQuote } from '../quote';
import { CONTAINER_HEADERS, preFormat, tabwrite, tabwriteRows } from '../table';
import { daemonErrorText, type CommandDef, type Ctx } from './common';
import { goStruct } from '../gotemplate';
import { displayablePorts } from '../../network/ports';
import { executeHeader, executeRow, goJson, parseFormat, TemplateError } from './template';

const DEFAULT_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const FILTER_KEYS = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];

/** docker/cli's formatter.Ellipsis: cut to `max` columns, the last one an ellipsis. */
function ellipsis(s: string, max: number): string {
  // UTF-16 length bounds the number of characters: short strings need no splitting.
  if (s.length <= max) return s;
  const chars = [...s];
  if (chars.length <= max) return s;
  return chars.slice(0, max - 1).join('') + '…';
}

/** Go's time.Time.String() for a UTC time, to the second: "2026-01-01 00:00:00 +0000 UTC". */
function goTimeString(ms: number): string {
  const iso = isoTime(Math.floor(ms / 1000) * 1000);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

// ContainerContext's fields, one function each, shared by the template rows and the default table.
const commandField = (c: ContainerSummary, trunc: boolean): string => goQuote(trunc ? ellipsis(c.command, 20) : c.command);
const idField = (c: ContainerSummary, trunc: boolean): string => (trunc ? c.id.slice(0, 12) : c.id);
const imageField = (c: ContainerSummary, trunc: boolean): string => (trunc && c.image.startsWith('sha256:') ? c.image.slice(7, 19) : c.image);
const namesField = (c: ContainerSummary, trunc: boolean): string =>
  c.names.length === 1 && (!trunc || c.names[0]!.indexOf('/', 1) < 0) ? c.names[0]!.slice(1) : c.names.map((n) => n.slice(1)).filter((n) => !trunc || !n.includes('/')).join(',');

function labelsField(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return keys.map((k) => `${k}=${labels[k]}`).sort().join(',');
}

/** The fields of docker/cli's ContainerContext for one container (in the sorted order its JSON uses). */
export function rowFields(c: ContainerSummary, now: number, trunc: boolean, size: string): Record<string, unknown> {
  return {
    Command: commandField(c, trunc),
    CreatedAt: goTimeString(c.created),
    ID: idField(c, trunc),
    Image: imageField(c, trunc),
    Labels: labelsField(c.labels),
    LocalVolumes: String((c.mounts ?? []).filter((m) => m.driver === 'local').length),
    Mounts: (c.mounts ?? []).map((m) => (trunc ? ellipsis(m.name || m.source, 15) : m.name || m.source)).join(','),
    Names: namesField(c, trunc),
    Networks: [...c.networks].sort().join(','),
    Platform: null,
    Ports: displayablePorts(c.ports),
    RunningFor: runningFor(c.created, now),
    Size: size,
    State: c.state,
    Status: c.status,
  };
}

/** A row as the template sees it: a Go struct with the Label method and ContainerContext's MarshalJSON. */
function rowContext(fields: Record<string, unknown>, labels: Record<string, string>): Record<string, unknown> {
  // `fields` is this row's own fresh object: it becomes the struct, and MarshalJSON copies it (as a map) only when asked.
  const row = goStruct('*formatter.ContainerContext', fields);
  Object.defineProperties(row, {
    Label: { value: (key: string) => labels[key] ?? '', enumerable: false },
    MarshalJSON: { value: () => ({ ...fields }), enumerable: false },
  });
  return row;
}

/** The default table's template text, after preFormat. */
const DEFAULT_TEMPLATE = preFormat(DEFAULT_FORMAT).template;

const DEFAULT_HEADER = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];

/**
 * The default table built directly from the cells its template prints (every
 * field a string, so printed as is), without a struct or a template run per
 * row: `docker ps` with a thousand containers has to answer within a frame.
 */
function defaultTable(list: readonly ContainerSummary[], now: number, trunc: boolean): string {
  const rows: string[][] = [DEFAULT_HEADER];
  for (const c of list) rows.push([idField(c, trunc), imageField(c, trunc), commandField(c, trunc), runningFor(c.created, now), c.status, displayablePorts(c.ports), namesField(c, trunc)]);
  return tabwriteRows(rows);
}

export const ps: CommandDef = {
  name: 'ps',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters: Record<string, string[]> = {};
    for (const f of flags.stringArray('filter')) {
      const eq = f.indexOf('=');
      if (eq < 0) {
        ctx.io.stderr(`invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)\n\nUsage:  ${ctx.path} [OPTIONS]\n\nRun '${ctx.path} --help' for more information\n`);
        return 125;
      }
      const key = f.slice(0, eq).trim().toLowerCase();
      const value = f.slice(eq + 1);
      (filters[key] ??= []).push(value);
    }
    for (const [key, values] of Object.entries(filters)) {
      if (!FILTER_KEYS.includes(key)) {
        ctx.io.stderr(`Error response from daemon: invalid filter '${key}'\n`);
        return 1;
      }
      if (key === 'exited') {
        // The daemon reads each exit code with strconv.Atoi.
        const bad = values.find((v) => !/^[+-]?[0-9]+$/.test(v));
        if (bad !== undefined) {
          ctx.io.stderr(`Error response from daemon: strconv.Atoi: parsing ${goQuote(bad)}: invalid syntax\n`);
          return 1;
        }
      }
      if (key === 'status') {
        const bad = values.find((v) => !STATUSES.includes(v));
        if (bad !== undefined) {
          ctx.io.stderr(`Error response from daemon: invalid filter 'status=${bad}'\n`);
          return 1;
        }
      }
    }
    let list: ContainerSummary[];
    try {
      // A status filter lists every container, as if -a were given (daemon/list.go foldFilter).
      const all = flags.bool('all') || (filters.status?.length ?? 0) > 0;
      list = ctx.engine.list({ all, last: flags.int('last'), latest: flags.bool('latest'), filters });
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    const now = ctx.engine.now();
    const trunc = !flags.bool('no-trunc');
    let format = flags.string('format');
    if (flags.bool('quiet')) format = '{{.ID}}';
    else if (format === '') format = DEFAULT_FORMAT;
    if (format === 'json') {
      for (const c of list) ctx.io.stdout(goJson(rowFields(c, now, trunc, '0B')) + '\n');
      return 0;
    }
    const { table, template } = preFormat(format);
    // Asking for .Size makes the client request sizes: the container's layer, then the image it shares.
    const withSize = flags.bool('size') || /\.Size\b/.test(template) || /\bjson\s+\.\s*\}\}/.test(template);
    // SizeRw (the container's upper layer) and SizeRootFs (that plus its image's layers).
    const sizeOf = (c: ContainerSummary): string => {
      if (!withSize) return '0B';
      const rw = ctx.engine.containerSizeRw(c.id);
      return `${humanSizeWithPrecision(rw, 3)} (virtual ${humanSizeWithPrecision(imageSizeOf(ctx, c.imageId) + rw, 3)})`;
    };
    if (table && template === DEFAULT_TEMPLATE) {
      ctx.io.stdout(defaultTable(list, now, trunc));
      return 0;
    }
    if (!table && template === '{{.ID}}') {
      // `-q` (and `--format {{.ID}}`): the ids, as the template prints them.
      let ids = '';
      for (const c of list) ids += idField(c, trunc) + '\n';
      ctx.io.stdout(ids);
      return 0;
    }
    let text = '';
    try {
      const t = parseFormat(template);
      if (table) text += executeHeader(t, CONTAINER_HEADERS) + '\n';
      for (const c of list) text += executeRow(t, rowContext(rowFields(c, now, trunc, sizeOf(c)), c.labels)) + '\n';
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`${e.phase === 'parse' ? 'failed to parse template' : 'failed to execute template'}: ${e.message}\n`);
      return 1;
    }
    ctx.io.stdout(table ? tabwrite(text) : text);
    return 0;
  },
};

function imageSizeOf(ctx: Ctx, imageId: string): number {
  const image = ctx.engine.image(imageId);
  return image ? ctx.engine.imageSize(image) : 0;
}
