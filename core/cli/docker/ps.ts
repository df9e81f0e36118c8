import type { ContainerSummary } from '../../engine/engine';
import { runningFor } from '../humanize';
import { goQuote } from '../quote';
import { tabwrite } from '../table';
import { daemonErrorText, type CommandDef } from './common';
import { goStruct } from '../gotemplate';
import { executeHeader, executeRow, goJson, parseFormat, preFormat, TemplateError } from './template';

const DEFAULT_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

/** The column headers docker prints for each field of a container row. */
const HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES',
};

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const FILTER_KEYS = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];

/** docker/cli's formatter.Ellipsis: cut to `max` columns, the last one an ellipsis. */
function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return chars.slice(0, max - 1).join('') + '…';
}

/** Go's time.Time.String() for a UTC time, to the second: "2026-01-01 00:00:00 +0000 UTC". */
function goTimeString(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** The fields of docker/cli's ContainerContext for one container. */
function rowContext(c: ContainerSummary, now: number, trunc: boolean): Record<string, unknown> {
  const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).sort().join(',');
  return {
    ID: trunc ? c.id.slice(0, 12) : c.id,
    Image: trunc && c.image.startsWith('sha256:') ? c.image.slice(7, 19) : c.image,
    Command: goQuote(trunc ? ellipsis(c.command, 20) : c.command),
    CreatedAt: goTimeString(c.created),
    RunningFor: runningFor(c.created, now),
    Ports: '',
    State: c.state,
    Status: c.status,
    Size: '0B',
    Names: c.names.map((n) => n.slice(1)).filter((n) => !trunc || !n.includes('/')).join(','),
    Labels: labels,
    Mounts: '',
    Networks: 'bridge',
    LocalVolumes: '0',
    Label: (key: string) => c.labels[key] ?? '',
  };
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
        ctx.io.stderr(`Error response from daemon: Invalid filter '${key}'\n`);
        return 1;
      }
      if (key === 'status') {
        const bad = values.find((v) => !STATUSES.includes(v));
        if (bad !== undefined) {
          ctx.io.stderr(`Error response from daemon: Invalid filter 'status=${bad}'\n`);
          return 1;
        }
      }
    }
    let list: ContainerSummary[];
    try {
      list = ctx.engine.list({ all: flags.bool('all'), last: flags.int('last'), latest: flags.bool('latest'), filters });
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
      for (const c of list) {
        const row = rowContext(c, now, trunc);
        delete row.Label;
        ctx.io.stdout(goJson(sortKeys({ ...row, Platform: null })) + '\n');
      }
      return 0;
    }
    const { table, template } = preFormat(format);
    let text = '';
    try {
      const t = parseFormat(template);
      if (table) text += executeHeader(t, HEADERS) + '\n';
      for (const c of list) text += executeRow(t, goStruct('*formatter.ContainerContext', rowContext(c, now, trunc))) + '\n';
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`${e.phase === 'parse' ? 'failed to parse template' : 'failed to execute template'}: ${e.message}\n`);
      return 1;
    }
    ctx.io.stdout(table ? tabwrite(text) : text);
    return 0;
  },
};

/** A map's keys in sorted order, as Go's encoding/json writes map[string]interface{}. */
function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
