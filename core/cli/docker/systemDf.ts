import type { DiskUsage } from '../../engine/diskUsage';
import { familiarName, parseNormalizedNamed } from '../../images/reference';
import { goStruct } from '../gotemplate';
import { humanSize, humanSizeWithPrecision, runningFor } from '../humanize';
import { goQuote } from '../quote';
import { formatItems, headerContext, IMAGE_HEADERS, preFormat, tabwriteRows } from '../table';
import type { ContainerSummary } from '../../engine/list';
import type { CommandDef, Ctx } from './common';
import { goTimeString, templateFailed, writeFormatted } from './images';
import { rowFields } from './ps';
import { executeRow, parseFormat, TemplateError } from './template';

/**
 * `docker system df [-v] [--format]` (docker/cli's system/df.go and
 * formatter/disk_usage.go) over the daemon's disk usage: the summary rows,
 * or with -v a table per kind.
 */

const SUMMARY_FORMAT = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const SUMMARY_HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

/** "1.5GB (99%)": the reclaimable bytes and their share of the total, rounded down; just the size when the total is 0. */
function reclaimable(bytes: number, total: number): string {
  return total > 0 ? `${humanSize(bytes)} (${Math.floor((bytes * 100) / total)}%)` : humanSize(bytes);
}

type SummaryRow = Record<'Type' | 'TotalCount' | 'Active' | 'Size' | 'Reclaimable', string>;

/** The four rows: images (every distinct layer once), containers (upper layers), local volumes, build cache (none here). */
export function summaryRows(du: DiskUsage, running: ReadonlySet<string>): SummaryRow[] {
  const usedImages = du.images.filter((i) => i.containers > 0);
  const imagesUsed = usedImages.reduce((n, i) => n + i.size - i.sharedSize, 0);
  const containersSize = du.containers.reduce((n, c) => n + c.sizeRw, 0);
  const containersFree = du.containers.filter((c) => !running.has(c.id)).reduce((n, c) => n + c.sizeRw, 0);
  const volumesSize = du.volumes.reduce((n, v) => n + v.size, 0);
  const volumesFree = du.volumes.filter((v) => v.refCount === 0).reduce((n, v) => n + v.size, 0);
  return [
    { Type: 'Images', TotalCount: String(du.images.length), Active: String(usedImages.length), Size: humanSize(du.layersSize), Reclaimable: reclaimable(du.layersSize - imagesUsed, du.layersSize) },
    { Type: 'Containers', TotalCount: String(du.containers.length), Active: String(du.containers.length - du.containers.filter((c) => !running.has(c.id)).length), Size: humanSize(containersSize), Reclaimable: reclaimable(containersFree, containersSize) },
    { Type: 'Local Volumes', TotalCount: String(du.volumes.length), Active: String(du.volumes.filter((v) => v.refCount > 0).length), Size: humanSize(volumesSize), Reclaimable: reclaimable(volumesFree, volumesSize) },
    { Type: 'Build Cache', TotalCount: '0', Active: '0', Size: '0B', Reclaimable: '0B' },
  ];
}

/** The -v data: docker/cli's diskUsageContext, its rows as the tables and `{{json .}}` show them. */
function verboseData(ctx: Ctx, du: DiskUsage, list: readonly ContainerSummary[]): { Images: Record<string, unknown>[]; Containers: Record<string, unknown>[]; Volumes: Record<string, unknown>[]; BuildCache: never[] } {
  const now = ctx.engine.now();
  const sizes = new Map(du.containers.map((c) => [c.id, c.sizeRw]));
  const containerRows = list.map((c) => rowFields(c, now, false, humanSizeWithPrecision(sizes.get(c.id) ?? 0, 3)));
  return { Images: imageRows(du, now), Containers: containerRows, Volumes: volumeRows(du), BuildCache: [] };
}

function imageRows(du: DiskUsage, now: number): Record<string, unknown>[] {
  const images = [...du.images].sort((a, b) => Date.parse(b.image.created) - Date.parse(a.image.created));
  return images.map((u) => {
    let repo = '<none>';
    let tag = '<none>';
    const first = u.image.repoTags[0];
    if (first !== undefined) {
      // Only the first tag, as the client shows it.
      const named = parseNormalizedNamed(first);
      repo = familiarName(named);
      tag = first.slice(first.lastIndexOf(':') + 1);
    }
    const created = Math.floor(Date.parse(u.image.created) / 1000) * 1000;
    return {
      Containers: String(u.containers),
      CreatedAt: goTimeString(created),
      CreatedSince: runningFor(created, now),
      Digest: '',
      ID: u.image.id,
      Repository: repo,
      SharedSize: humanSize(u.sharedSize),
      Size: humanSizeWithPrecision(u.size, 3),
      Tag: tag,
      UniqueSize: humanSize(u.size - u.sharedSize),
      VirtualSize: humanSize(u.size),
    };
  });
}

function volumeRows(du: DiskUsage): Record<string, unknown>[] {
  return du.volumes.map(({ volume: v, size, refCount }) => ({
    Availability: 'N/A',
    Driver: v.driver,
    Group: 'N/A',
    Labels: Object.keys(v.labels)
      .map((k) => `${k}=${v.labels[k]}`)
      .sort()
      .join(','),
    Links: String(refCount),
    Mountpoint: v.mountpoint,
    Name: v.name,
    Scope: 'local',
    Size: humanSize(size),
    Status: 'N/A',
  }));
}

/**
 * The containers table of the verbose default, built from its cells (every
 * one a string printed as is) without a template run per row: a thousand
 * containers must answer within a frame, as `docker ps` does.
 */
function containersTable(du: DiskUsage, list: readonly ContainerSummary[], now: number): string {
  const sizes = new Map(du.containers.map((c) => [c.id, c.sizeRw]));
  const rows: string[][] = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'LOCAL VOLUMES', 'SIZE', 'CREATED', 'STATUS', 'NAMES']];
  for (const c of list) {
    const command = goQuote(c.command);
    // The ps table's 20-character command with an ellipsis, and the 12-digit id.
    const inner = command.slice(1, -1);
    let local = 0;
    for (const m of c.mounts ?? []) if (m.driver === 'local') local++;
    const names = c.names.length === 1 ? c.names[0]!.slice(1) : c.names.map((n) => n.slice(1)).join(',');
    rows.push([c.id.slice(0, 12), c.image, inner.length > 19 ? `"${inner.slice(0, 19)}…"` : command, String(local), humanSizeWithPrecision(sizes.get(c.id) ?? 0, 3), runningFor(c.created, now), c.status, names]);
  }
  return tabwriteRows(rows);
}

/** The verbose default: a titled table per kind, with the client's short ids and truncations. */
function verboseTables(ctx: Ctx, du: DiskUsage, list: readonly ContainerSummary[]): string {
  const now = ctx.engine.now();
  const shortImages = imageRows(du, now).map((r) => ({ ...r, ID: String(r.ID).replace(/^sha256:/, '').slice(0, 12) }));
  let out = 'Images space usage:\n\n';
  out += formatItems('table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}', shortImages, headerContext(IMAGE_HEADERS));
  out += '\nContainers space usage:\n\n';
  out += containersTable(du, list, now);
  out += '\nLocal Volumes space usage:\n\n';
  const volumes: string[][] = [['VOLUME NAME', 'LINKS', 'SIZE']];
  for (const { volume, size, refCount } of du.volumes) volumes.push([volume.name, String(refCount), humanSize(size)]);
  out += tabwriteRows(volumes);
  out += '\nBuild cache usage: 0B\n\n';
  out += 'CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n';
  return out;
}

export const systemDf: CommandDef = {
  name: 'system df',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const format = flags.string('format') ?? '';
    const du = ctx.engine.diskUsage();
    // One listing for both: the running ones are the summary's active containers.
    const list = ctx.engine.list({ all: true });
    const running = new Set(list.filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting').map((c) => c.id));
    if (!flags.bool('verbose')) {
      return writeFormatted(ctx, format === '' || format === 'table' ? SUMMARY_FORMAT : format, summaryRows(du, running), SUMMARY_HEADERS);
    }
    if (format === '' || format === 'table') {
      ctx.io.stdout(verboseTables(ctx, du, list));
      return 0;
    }
    const data = verboseData(ctx, du, list);
    // A custom -v format runs once over the whole usage (formatter.diskUsageContext), with no newline after.
    const whole = goStruct('*formatter.diskUsageContext', { ...data });
    Object.defineProperty(whole, 'MarshalJSON', { value: () => ({ ...data }), enumerable: false });
    let template: ReturnType<typeof parseFormat>;
    try {
      template = parseFormat(preFormat(format).template);
    } catch (e) {
      return templateFailed(ctx, e);
    }
    try {
      ctx.io.stdout(executeRow(template, whole));
      return 0;
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      // The client prints this execution error as it is.
      ctx.io.stderr(e.message + '\n');
      return 1;
    }
  },
};
