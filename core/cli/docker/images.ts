import type { Engine } from '../../engine/engine';
import { DaemonError } from '../../engine/errors';
import { PullStreamError, type DeleteRecord } from '../../engine/imageService';
import { normalizeImageRef, type ImageConfig } from '../../images/catalog';
import { familiarName, familiarString, parseNormalizedNamed, ReferenceError, withDefaultTag } from '../../images/reference';
import type { Image } from '../../images/store';
import { humanSizeWithPrecision, isoTime, runningFor } from '../humanize';
import { formatItems, headerContext, IMAGE_HEADERS, tabwriteRows } from '../table';
import { daemonErrorText, type CommandDef, type Ctx } from './common';
import { imageJson } from './imageJson';
import { daemonPull, pullFromPrivateRegistry } from './registry';
import { inspectAll } from './inspect';
import { goJson, TemplateError } from './template';
import { displayJsonMessages } from './jsonMessages';
import type { PullMessage } from '../../engine/imageService';

/**
 * The image commands: pull, images (image ls), tag, rmi (image rm), history,
 * image inspect, image prune, and the container side of images: diff and
 * commit. Output and errors as the 28.2.2 client prints them.
 */

/** Prints a template error the way docker/cli's formatter does; returns the exit code. */
export function templateFailed(ctx: Ctx, e: unknown): number {
  if (!(e instanceof TemplateError)) throw e;
  ctx.io.stderr(`${e.phase === 'parse' ? 'template parsing error' : 'template execution error'}: ${e.message}\n`);
  return 1;
}

/** Rows through `--format` as formatter.Context writes them: `json` one object a line, a template (with a header for `table`). */
export function writeFormatted(ctx: Ctx, format: string, rows: readonly Record<string, unknown>[], headers: Readonly<Record<string, string>>): number {
  if (format === 'json') {
    for (const r of rows) ctx.io.stdout(htmlEscapedJson(r) + '\n');
    return 0;
  }
  try {
    ctx.io.stdout(formatItems(format, rows, headerContext(headers)));
  } catch (e) {
    return templateFailed(ctx, e);
  }
  return 0;
}

function dockerError(ctx: Ctx, e: unknown): number {
  ctx.io.stderr(daemonErrorText(e) + '\n');
  return 1;
}

/** Unix seconds of an RFC 3339 time, as the API reports Created. */
function createdMs(rfc3339: string): number {
  const ms = Date.parse(rfc3339);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000) * 1000;
}

/** Go's time.Unix(s, 0).String() in UTC: "2026-01-01 00:00:00 +0000 UTC". */
export function goTimeString(ms: number): string {
  const iso = isoTime(ms);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** time.Unix(s, 0).Format(time.RFC3339) in UTC. */
function rfc3339Seconds(ms: number): string {
  return isoTime(ms).slice(0, 19) + 'Z';
}

const shortId = (id: string): string => id.slice(7, 19);

/** A formatter context's MarshalJSON: encoding/json's Marshal, which escapes <, > and & ("<none>" → "\u003cnone\u003e"). */
export function htmlEscapedJson(value: unknown): string {
  return goJson(value).replace(/[<>&]/g, (c) => '\\u00' + c.charCodeAt(0).toString(16));
}

// ---------------------------------------------------------------------------
// docker pull

export const pull: CommandDef = {
  name: 'pull',
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    const ref = flags.args[0]!;
    let parsed;
    try {
      parsed = parseNormalizedNamed(ref);
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      ctx.io.stderr(e.message + '\n');
      return 1;
    }
    if (flags.bool('all-tags') && parsed.tag !== undefined) {
      ctx.io.stderr("tag can't be used with --all-tags/-a\n");
      return 1;
    }
    const quiet = flags.bool('quiet');
    if (parsed.tag === undefined && parsed.digest === undefined && !flags.bool('all-tags') && !quiet) ctx.io.stdout('Using default tag: latest\n');
    // A private registry (host[:port]/name) is reached over the simulated network (registry.ts).
    if (parsed.domain !== 'docker.io' && !flags.bool('all-tags') && parsed.digest === undefined) return pullFromPrivateRegistry(ctx, parsed, quiet);
    let messages: PullMessage[];
    try {
      messages = flags.bool('all-tags') ? ctx.engine.pull(ref) : await daemonPull(ctx, ref);
    } catch (e) {
      if (!(e instanceof PullStreamError)) return dockerError(ctx, e);
      if (!quiet) ctx.io.stdout(displayJsonMessages(e.messages, ctx.io.stdoutIsTTY === true));
      ctx.io.stderr(e.message + '\n');
      return 1;
    }
    const named = withDefaultTag(parsed);
    if (!quiet) ctx.io.stdout(displayJsonMessages(messages, ctx.io.stdoutIsTTY === true));
    ctx.io.stdout(`${named.domain}/${named.path}${named.tag !== undefined ? `:${named.tag}` : ''}${named.digest !== undefined ? `@${named.digest}` : ''}\n`);
    return 0;
  },
};

// ---------------------------------------------------------------------------
// docker images / image ls

interface ImageRow {
  image: Image;
  repo: string;
  tag: string;
  digest: string;
}

const IMAGE_FILTERS = ['before', 'dangling', 'label', 'reference', 'since', 'until'];

/** path.Match as reference.FamiliarMatch uses it: `*` and `?` within a path segment, `[…]` classes. */
function pathMatch(pattern: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      re += '[' + pattern.slice(i + 1, end).replace(/^\^/, '^').replace(/\\/g, '\\\\') + ']';
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(name);
}

/** reference.FamiliarMatch: the pattern against the familiar name, then the familiar string. */
function referenceMatches(pattern: string, ref: string): boolean {
  try {
    const r = parseNormalizedNamed(ref);
    return pathMatch(pattern, familiarName(r)) || pathMatch(pattern, familiarString(r));
  } catch {
    return false;
  }
}

/**
 * The daemon's image list (newest first; an untagged image that is the parent
 * of another only with -a) and the client's rows: one per tag, digests
 * alongside with --digests, `<none>` for a dangling image.
 */
function imageRows(engine: Engine, filters: Record<string, string[]>, all: boolean, digests: boolean): ImageRow[] | { error: string } {
  for (const [key, values] of Object.entries(filters)) {
    if (!IMAGE_FILTERS.includes(key)) return { error: `invalid filter '${key}'` };
    if (key === 'dangling') for (const v of values) if (!['true', 'false', '1', '0'].includes(v.toLowerCase())) return { error: `invalid filter 'dangling=[${v}]'` };
  }
  const dangling = filters.dangling?.map((v) => v === 'true' || v === '1');
  const danglingOnly = dangling?.includes(true) ?? false;
  const store = engine.imageStore;
  const images = store
    .list()
    .map((image, i) => ({ image, i }))
    .sort((a, b) => createdMs(b.image.created) - createdMs(a.image.created) || b.i - a.i)
    .map((x) => x.image);
  const rows: ImageRow[] = [];
  for (const image of images) {
    const refs = filters.reference;
    let tags = image.repoTags;
    let digestRefs = image.repoDigests;
    if (refs) {
      tags = tags.filter((t) => refs.some((p) => referenceMatches(p, t)));
      digestRefs = digestRefs.filter((t) => refs.some((p) => referenceMatches(p, t)));
      if (tags.length === 0 && digestRefs.length === 0) continue;
    }
    if (filters.label && !filters.label.every((l) => labelMatches(image.config, l))) continue;
    const untagged = image.repoTags.length === 0 && image.repoDigests.length === 0;
    if (untagged) {
      if (!all && store.children(image.id).length > 0) continue;
      if (dangling && !danglingOnly) continue;
      rows.push({ image, repo: '<none>', tag: '<none>', digest: '<none>' });
      continue;
    }
    if (danglingOnly && image.repoTags.length > 0) continue;
    // The client groups tags and digests by repository.
    const byRepo = new Map<string, string[]>();
    for (const t of tags) {
      const colon = t.lastIndexOf(':');
      const list = byRepo.get(t.slice(0, colon)) ?? [];
      list.push(t.slice(colon + 1));
      byRepo.set(t.slice(0, colon), list);
    }
    const digestsByRepo = new Map<string, string[]>();
    for (const d of digestRefs) {
      const at = d.indexOf('@');
      const list = digestsByRepo.get(d.slice(0, at)) ?? [];
      list.push(d.slice(at + 1));
      digestsByRepo.set(d.slice(0, at), list);
    }
    for (const [repo, repoTags] of byRepo) {
      const ds = digests ? (digestsByRepo.get(repo) ?? []) : [];
      digestsByRepo.delete(repo);
      for (const tag of repoTags) {
        if (ds.length === 0) rows.push({ image, repo, tag, digest: '<none>' });
        else for (const d of ds) rows.push({ image, repo, tag, digest: d });
      }
    }
    for (const [repo, ds] of digestsByRepo) {
      if (digests) for (const d of ds) rows.push({ image, repo, tag: '<none>', digest: d });
      else rows.push({ image, repo, tag: '<none>', digest: '' });
    }
  }
  return rows;
}

function labelMatches(config: ImageConfig, filter: string): boolean {
  const labels = config.Labels ?? {};
  const eq = filter.indexOf('=');
  return eq < 0 ? filter in labels : labels[filter.slice(0, eq)] === filter.slice(eq + 1);
}

/** Parses repeated `--filter key=value` as the client does; a value without "=" is a usage error. */
function parseFilters(ctx: Ctx, raw: readonly string[], usage: string): Record<string, string[]> | number {
  const filters: Record<string, string[]> = {};
  for (const f of raw) {
    const eq = f.indexOf('=');
    if (eq < 0) {
      ctx.io.stderr(`invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)\n\nUsage:  ${ctx.path} ${usage}\n\nRun '${ctx.path} --help' for more information\n`);
      return 125;
    }
    (filters[f.slice(0, eq).trim().toLowerCase()] ??= []).push(f.slice(eq + 1));
  }
  return filters;
}

/** The fields of docker/cli's imageContext for one row (sorted, as its JSON prints them). */
function imageFields(engine: Engine, row: ImageRow, trunc: boolean, now: number): Record<string, unknown> {
  const created = createdMs(row.image.created);
  const size = engine.imageSize(row.image);
  return {
    Containers: 'N/A',
    CreatedAt: goTimeString(created),
    CreatedSince: runningFor(created, now),
    Digest: row.digest,
    ID: trunc ? shortId(row.image.id) : row.image.id,
    Repository: row.repo,
    SharedSize: 'N/A',
    Size: humanSizeWithPrecision(size, 3),
    Tag: row.tag,
    UniqueSize: 'N/A',
    VirtualSize: humanSizeWithPrecision(size, 4),
  };
}

export const images: CommandDef = {
  name: 'images',
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  args: { kind: 'max', n: 1 },
  async run(ctx, flags) {
    const filters = parseFilters(ctx, flags.stringArray('filter'), '[OPTIONS] [REPOSITORY[:TAG]]');
    if (typeof filters === 'number') return filters;
    if (flags.args[0] !== undefined) (filters.reference ??= []).push(flags.args[0]);
    const digests = flags.bool('digests');
    const rows = imageRows(ctx.engine, filters, flags.bool('all'), digests);
    if ('error' in rows) {
      ctx.io.stderr(`Error response from daemon: ${rows.error}\n`);
      return 1;
    }
    const trunc = !flags.bool('no-trunc');
    const now = ctx.engine.now();
    let format = flags.string('format');
    if (flags.bool('quiet')) format = '{{.ID}}';
    if (format === '' || format === 'table') {
      const header = digests ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'] : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
      const table = rows.map((r) => {
        const f = imageFields(ctx.engine, r, trunc, now);
        const cells = [r.repo, r.tag, String(f.ID), String(f.CreatedSince), String(f.Size)];
        if (digests) cells.splice(2, 0, r.digest);
        return cells;
      });
      ctx.io.stdout(tabwriteRows([header, ...table]));
      return 0;
    }
    return writeFormatted(ctx, format, rows.map((r) => imageFields(ctx.engine, r, trunc, now)), IMAGE_HEADERS);
  },
};

// ---------------------------------------------------------------------------
// docker tag, rmi

export const tag: CommandDef = {
  name: 'tag',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  args: { kind: 'exact', n: 2 },
  async run(ctx, flags) {
    const [source, target] = flags.args as [string, string];
    try {
      parseNormalizedNamed(target);
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      ctx.io.stderr(`Error parsing reference: ${JSON.stringify(target)} is not a valid repository/tag: ${e.message}\n`);
      return 1;
    }
    try {
      ctx.engine.tagImage(source, target);
    } catch (e) {
      return dockerError(ctx, e);
    }
    return 0;
  },
};

function recordLine(r: DeleteRecord): string {
  return 'untagged' in r ? `Untagged: ${r.untagged}` : `Deleted: ${r.deleted}`;
}

export const rmi: CommandDef = {
  name: 'rmi',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    const errors: string[] = [];
    for (const ref of flags.args) {
      try {
        const records = ctx.engine.removeImage(ref, { force: flags.bool('force'), prune: !flags.bool('no-prune') });
        ctx.io.stdout(records.map((r) => recordLine(r) + '\n').join(''));
      } catch (e) {
        errors.push(daemonErrorText(e));
      }
    }
    if (errors.length === 0) return 0;
    ctx.io.stderr(errors.join('\n') + '\n');
    return 1;
  },
};

// ---------------------------------------------------------------------------
// docker history

interface HistoryRow {
  id: string;
  created: number;
  createdBy: string;
  size: number;
  comment: string;
}

/** The daemon's ImageHistory: newest first, sizes of the layers the steps made, ids along the parent chain. */
function historyRows(engine: Engine, image: Image): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let layer = 0;
  for (const h of image.history) {
    const size = h.emptyLayer ? 0 : engine.layerSize(image.layers[layer++]?.id ?? '');
    rows.unshift({ id: '<missing>', created: createdMs(h.created), createdBy: h.createdBy, size, comment: h.comment ?? '' });
  }
  let current: Image | undefined = image;
  for (const row of rows) {
    if (!current) break;
    row.id = current.id;
    current = current.parent === '' ? undefined : engine.image(current.parent);
  }
  return rows;
}

const HISTORY_HEADERS: Readonly<Record<string, string>> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

export const history: CommandDef = {
  name: 'history',
  usage: '[OPTIONS] IMAGE',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    let image: Image;
    try {
      image = ctx.engine.resolveImage(flags.args[0]!);
    } catch (e) {
      return dockerError(ctx, e);
    }
    const human = flags.bool('human');
    const trunc = !flags.bool('no-trunc');
    const now = ctx.engine.now();
    const fields = (r: HistoryRow): Record<string, unknown> => {
      const createdAt = rfc3339Seconds(r.created);
      const createdBy = r.createdBy.replace(/\t/g, ' ');
      return {
        Comment: r.comment,
        CreatedAt: createdAt,
        CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
        CreatedSince: human ? runningFor(r.created, now) : createdAt,
        ID: r.id === '<missing>' ? r.id : trunc ? shortId(r.id) : r.id,
        Size: human ? humanSizeWithPrecision(r.size, 3) : String(r.size),
      };
    };
    let format = flags.string('format');
    if (flags.bool('quiet')) format = '{{.ID}}';
    else if (format === '' || format === 'table') {
      format = human ? 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}' : 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
    }
    const rows = historyRows(ctx.engine, image).map(fields);
    return writeFormatted(ctx, format, rows, HISTORY_HEADERS);
  },
};

// ---------------------------------------------------------------------------
// docker image inspect, image prune

export const imageInspect: CommandDef = {
  name: 'image inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    return inspectAll(
      ctx,
      flags.args,
      flags.string('format'),
      (ref) => {
        try {
          return imageJson(ctx.engine, ctx.engine.resolveImage(ref));
        } catch (e) {
          if (e instanceof DaemonError && e.kind === 'notFound') return undefined;
          throw e;
        }
      },
      // The 20.10 daemon's wording, as `docker inspect --type image` prints it.
      (ref) => `Error response from daemon: no such image: ${ref}: No such image: ${normalizeImageRef(ref)}`,
    );
  },
};

export const imagePrune: CommandDef = {
  name: 'image prune',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parseFilters(ctx, flags.stringArray('filter'), '[OPTIONS]');
    if (typeof filters === 'number') return filters;
    const all = flags.bool('all');
    if (!flags.bool('force')) {
      ctx.io.stdout(
        all
          ? 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] '
          : 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ',
      );
      const answer = (ctx.io.stdin ?? '').split('\n')[0]!.trim().toLowerCase();
      // A cancelled prune says nothing more and succeeds, as the 28.x client does.
      if (answer !== 'y' && answer !== 'yes') return 0;
    }
    let result: { records: DeleteRecord[]; reclaimed: number };
    try {
      result = ctx.engine.pruneImages({ all, filters });
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    const { records, reclaimed } = result;
    let out = '';
    if (records.length > 0) out += 'Deleted Images:\n' + records.map((r) => ('untagged' in r ? `untagged: ${r.untagged}` : `deleted: ${r.deleted}`) + '\n').join('') + '\n';
    out += `Total reclaimed space: ${humanSizeWithPrecision(reclaimed, 3)}\n`;
    ctx.io.stdout(out);
    return 0;
  },
};

// ---------------------------------------------------------------------------
// docker diff, commit (container commands about the filesystem)

export const diff: CommandDef = {
  name: 'diff',
  usage: 'CONTAINER',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    try {
      const changes = ctx.engine.containerDiff(flags.args[0]!);
      let out = '';
      for (const c of changes) out += `${c.kind} ${c.path}\n`;
      ctx.io.stdout(out);
    } catch (e) {
      return dockerError(ctx, e);
    }
    return 0;
  },
};

/** A `--change` instruction applied to the image config, as the daemon's commit does (a subset of the Dockerfile). */
function applyChange(config: Partial<ImageConfig>, base: ImageConfig, line: string): string | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(line);
  if (!m) return undefined;
  const instruction = m[1]!.toUpperCase();
  const rest = m[2]!.trim();
  const list = (): string[] => {
    if (rest.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(rest);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
      } catch {
        // not JSON: the shell form
      }
    }
    return ['/bin/sh', '-c', rest];
  };
  const pairs = (): [string, string][] => {
    if (!rest.includes('=') || /^\S+\s/.test(rest) && !/^\S+=/.test(rest)) {
      const sp = rest.search(/\s/);
      return sp < 0 ? [[rest, '']] : [[rest.slice(0, sp), rest.slice(sp).trim()]];
    }
    return [...rest.matchAll(/(\S+?)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((p) => [p[1]!, p[2]!.startsWith('"') ? (JSON.parse(p[2]!) as string) : p[2]!]);
  };
  switch (instruction) {
    case 'CMD':
      config.Cmd = list();
      return undefined;
    case 'ENTRYPOINT':
      config.Entrypoint = list();
      return undefined;
    case 'ENV': {
      const env = [...(config.Env ?? base.Env ?? [])];
      for (const [k, v] of pairs()) {
        const i = env.findIndex((e) => e.split('=')[0] === k);
        if (i >= 0) env[i] = `${k}=${v}`;
        else env.push(`${k}=${v}`);
      }
      config.Env = env;
      return undefined;
    }
    case 'LABEL':
      config.Labels = { ...(config.Labels ?? base.Labels ?? {}), ...Object.fromEntries(pairs()) };
      return undefined;
    case 'WORKDIR':
      config.WorkingDir = rest;
      return undefined;
    case 'USER':
      config.User = rest;
      return undefined;
    case 'EXPOSE': {
      const ports = { ...(config.ExposedPorts ?? base.ExposedPorts ?? {}) };
      for (const p of rest.split(/\s+/)) ports[p.includes('/') ? p : `${p}/tcp`] = {};
      config.ExposedPorts = ports;
      return undefined;
    }
    case 'VOLUME': {
      const volumes = { ...(config.Volumes ?? base.Volumes ?? {}) };
      for (const v of rest.startsWith('[') ? list() : rest.split(/\s+/)) volumes[v] = {};
      config.Volumes = volumes;
      return undefined;
    }
    case 'STOPSIGNAL':
      config.StopSignal = rest;
      return undefined;
    default:
      return `${instruction.toLowerCase()} is not a valid change command`;
  }
}

export const commit: CommandDef = {
  name: 'commit',
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  args: { kind: 'range', min: 1, max: 2 },
  extraFlags: [],
  async run(ctx, flags) {
    const [container, reference] = flags.args as [string, string | undefined];
    if (reference !== undefined) {
      try {
        const r = parseNormalizedNamed(reference);
        if (r.digest !== undefined) throw new ReferenceError('invalid reference format');
      } catch (e) {
        if (!(e instanceof ReferenceError)) throw e;
        ctx.io.stderr(e.message + '\n');
        return 1;
      }
    }
    try {
      const image = ctx.engine.resolveContainerImage(container);
      const changes: Partial<ImageConfig> = {};
      for (const c of flags.stringArray('change')) {
        const error = applyChange(changes, image.config, c);
        if (error) throw new DaemonError(error, 'invalidParameter');
      }
      const committed = ctx.engine.commitContainer(container, {
        ...(reference !== undefined ? { reference } : {}),
        comment: flags.string('message'),
        author: flags.string('author'),
        changes,
      });
      ctx.io.stdout(committed.id + '\n');
    } catch (e) {
      return dockerError(ctx, e);
    }
    return 0;
  },
};

// ---------------------------------------------------------------------------
// docker image COMMAND

/** `docker image <sub>`: the image commands under their management-command names. */
export const imageSubcommands: Record<string, CommandDef> = {
  ls: { ...images, name: 'image ls' },
  list: { ...images, name: 'image ls' },
  rm: { ...rmi, name: 'image rm' },
  remove: { ...rmi, name: 'image rm' },
  tag: { ...tag, name: 'image tag' },
  history: { ...history, name: 'image history' },
  pull: { ...pull, name: 'image pull' },
  inspect: imageInspect,
  prune: imagePrune,
};
