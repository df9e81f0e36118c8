import type { DockerEvent } from '../../model';
import { goStruct } from '../gotemplate';
import { parseTimestamp } from '../../engine/timestamp';
import { untilInterrupted, type CommandDef, type Ctx } from './common';
import { executeRow, parseFormat, TemplateError } from './template';

/**
 * `docker events` (docker/cli's system/events.go against moby's
 * daemon/events): the events dockerd still holds between --since and
 * --until, then, unless --until has passed, the new ones as they happen
 * (on virtual time) until --until or Ctrl-C.
 */

/** Go's time.Format(RFC3339NanoFixed) of a virtual time (ms) in UTC: nine fractional digits. */
export function eventTimestamp(ms: number): string {
  const nanos = eventNanos(ms);
  const secs = nanos / 1_000_000_000n;
  const iso = new Date(Number(secs) * 1000).toISOString();
  return `${iso.slice(0, 19)}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** The event's TimeNano (int64 nanoseconds, exact past 2^53). */
function eventNanos(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

/** docker/cli's prettyPrintEvent: time, type, action, actor id and the attributes sorted by key. */
export function eventLine(e: DockerEvent): string {
  const keys = Object.keys(e.attributes).sort();
  const attrs = keys.length > 0 ? ` (${keys.map((k) => `${k}=${e.attributes[k]}`).join(', ')})` : '';
  return `${eventTimestamp(e.time)} ${e.type} ${e.action} ${e.id}${attrs}\n`;
}

/** events.Message for templates (Go field names) with its JSON tags for `{{json .}}`. */
function eventMessage(e: DockerEvent): object {
  // moby fills the deprecated status/id/from only for container and image events.
  const legacy = e.type === 'container' || e.type === 'image';
  const from = e.type === 'container' ? (e.attributes.image ?? '') : '';
  const timeNano = eventNanos(e.time);
  const time = timeNano / 1_000_000_000n;
  const actor = goStruct('events.Actor', { ID: e.id, Attributes: e.attributes });
  const msg = goStruct('events.Message', {
    Status: legacy ? e.action : '',
    ID: legacy ? e.id : '',
    From: from,
    Type: e.type,
    Action: e.action,
    Actor: actor,
    Scope: 'local',
    Time: time,
    TimeNano: timeNano,
  });
  const json = {
    ...(legacy && e.action !== '' ? { status: e.action } : {}),
    ...(legacy && e.id !== '' ? { id: e.id } : {}),
    ...(from !== '' ? { from } : {}),
    Type: e.type,
    Action: e.action,
    Actor: goStruct('events.Actor', { ID: e.id, Attributes: e.attributes }),
    scope: 'local',
    time,
    timeNano,
  };
  Object.defineProperty(msg, 'MarshalJSON', { value: () => goStruct('json', json), enumerable: false });
  return msg;
}

/** filters.Args.FuzzyMatch: no values, or one equal to or a prefix of `source`. */
function fuzzy(values: readonly string[] | undefined, source: string): boolean {
  return values === undefined || values.some((v) => source === v || source.startsWith(v));
}

function exact(values: readonly string[] | undefined, source: string): boolean {
  return values === undefined || values.includes(source);
}

function stripTag(ref: string): string {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}

/** moby's daemon/events/filter.go Include, for the event types the simulator logs. */
export function eventMatches(e: DockerEvent, filters: Readonly<Record<string, readonly string[]>>): boolean {
  const name = e.attributes.name ?? '';
  const byName = (type: string): boolean => fuzzy(filters[type], e.id) || fuzzy(filters[type], name);
  const eventFilter = filters.event;
  const fuzzyEvent = eventFilter?.some((v) => v === 'health_status' || v === 'exec_create' || v === 'exec_start') ?? false;
  if (!(fuzzyEvent ? fuzzy(eventFilter, e.action) : exact(eventFilter, e.action))) return false;
  if (!exact(filters.type, e.type)) return false;
  if (!exact(filters.scope, 'local')) return false;
  // A daemon filter matches the engine id or the host's name (the reload event's).
  if (filters.daemon !== undefined && !byName('daemon')) return false;
  if (!byName('container') || !byName('volume') || !byName('network')) return false;
  if (filters.image !== undefined) {
    const imageName = e.attributes[e.type === 'image' ? 'name' : 'image'] ?? '';
    if (![e.id, imageName, stripTag(e.id), stripTag(imageName)].some((s) => filters.image!.includes(s))) return false;
  }
  for (const v of filters.label ?? []) {
    const eq = v.indexOf('=');
    if (eq < 0 ? !(v in e.attributes) : e.attributes[v.slice(0, eq)] !== v.slice(eq + 1)) return false;
  }
  return true;
}

function parseEventFilters(ctx: Ctx, raw: readonly string[]): Record<string, string[]> | number {
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

export const events: CommandDef = {
  name: 'events',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parseEventFilters(ctx, flags.stringArray('filter'));
    if (typeof filters === 'number') return filters;
    const now = ctx.engine.now();
    const times: { since?: number; until?: number } = {};
    for (const key of ['since', 'until'] as const) {
      const raw = flags.string(key);
      if (raw === undefined || raw === '') continue;
      const t = parseTimestamp(raw, now);
      if (typeof t !== 'number') {
        ctx.io.stderr(t.error + '\n');
        return 1;
      }
      times[key] = t;
    }
    const { since, until } = times;
    if (since !== undefined && until !== undefined && until < since) {
      ctx.io.stderr(`Error response from daemon: \`since\` time (${flags.string('since')}) cannot be after \`until\` time (${flags.string('until')})\n`);
      return 1;
    }
    const format = flags.string('format') ?? '';
    let write: (e: DockerEvent) => void = (e) => ctx.io.stdout(eventLine(e));
    if (format !== '') {
      const template = parseFormat(format === 'json' ? '{{json .}}' : format);
      write = (e) => ctx.io.stdout(executeRow(template, eventMessage(e)) + '\n');
    }
    const show = (e: DockerEvent): void => {
      if (eventMatches(e, filters)) write(e);
    };
    try {
      // The buffered events: only when --since or --until asks for them.
      if (since !== undefined || until !== undefined) {
        for (const e of ctx.engine.events()) if (e.time >= (since ?? 0) && (until === undefined || e.time <= until)) show(e);
      }
      if (until !== undefined && until <= now) return 0;
      let stop: () => void = () => {};
      const ended = new Promise<number>((resolve) => {
        const off = ctx.engine.subscribe((_t, evs) => {
          // Another host's events reach subscribers too (forwarded); this daemon's are in its own log.
          const log = ctx.engine.events();
          for (const e of evs) if ((until === undefined || e.time <= until) && log.includes(e)) show(e);
        });
        const cancel = until !== undefined ? ctx.engine.after(until - now, () => resolve(0)) : () => {};
        stop = () => {
          off();
          cancel();
        };
      });
      const r = await untilInterrupted(ctx, ended);
      stop();
      return 'interrupted' in r ? 130 : 0;
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`${e.phase === 'parse' ? 'template parsing error' : 'template execution error'}: ${e.message}\n`);
      return 1;
    }
  },
};
