/**
 * date: the virtual clock (ctx.now()) in UTC, in each flavor's default form
 * or a +FORMAT (strftime with GNU's flags and widths), -d for another time,
 * -r for a file's. The simulated machines keep UTC; setting the clock is
 * refused.
 */
import { getopt, has, last } from '../getopt';
import { bbUsage, optionError, q, usageError, type UtilContext } from '../context';
import { fsErrorText, resolvePath } from '../filesystem';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_MS = 86_400_000;

/** ISO 8601 week-numbering year and week of a UTC date. */
function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { year: t.getUTCFullYear(), week: Math.ceil(((t.getTime() - yearStart) / DAY_MS + 1) / 7) };
}

/**
 * strftime in UTC with GNU's extensions: flags - _ 0 ^ #, a width, %:z and %N.
 * `gnu` false leaves %N and %:z as busybox (whose libc lacks them) prints them.
 */
export function strftime(format: string, ms: number, gnu = true): string {
  const d = new Date(ms);
  const Y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  const H = d.getUTCHours();
  const M = d.getUTCMinutes();
  const S = d.getUTCSeconds();
  const wd = d.getUTCDay();
  const yday = Math.floor((Date.UTC(Y, mo, day) - Date.UTC(Y, 0, 1)) / DAY_MS);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const spad = (n: number, w = 2): string => String(n).padStart(w, ' ');
  const h12 = H % 12 || 12;
  const conv = (c: string, colon: boolean): { text: string; numeric: boolean; spaced?: boolean } | null => {
    switch (c) {
      case 'a': return { text: DAYS[wd]!.slice(0, 3), numeric: false };
      case 'A': return { text: DAYS[wd]!, numeric: false };
      case 'b': case 'h': return { text: MONTHS[mo]!.slice(0, 3), numeric: false };
      case 'B': return { text: MONTHS[mo]!, numeric: false };
      case 'c': return { text: `${DAYS[wd]!.slice(0, 3)} ${MONTHS[mo]!.slice(0, 3)} ${spad(day)} ${pad(H)}:${pad(M)}:${pad(S)} ${Y}`, numeric: false };
      case 'C': return { text: pad(Math.floor(Y / 100)), numeric: true };
      case 'd': return { text: pad(day), numeric: true };
      case 'D': return { text: `${pad(mo + 1)}/${pad(day)}/${pad(Y % 100)}`, numeric: false };
      case 'e': return { text: spad(day), numeric: true, spaced: true };
      case 'F': return { text: `${Y}-${pad(mo + 1)}-${pad(day)}`, numeric: false };
      case 'g': return { text: pad(isoWeek(d).year % 100), numeric: true };
      case 'G': return { text: String(isoWeek(d).year), numeric: true };
      case 'H': return { text: pad(H), numeric: true };
      case 'I': return { text: pad(h12), numeric: true };
      case 'j': return { text: pad(yday + 1, 3), numeric: true };
      case 'k': return { text: spad(H), numeric: true, spaced: true };
      case 'l': return { text: spad(h12), numeric: true, spaced: true };
      case 'm': return { text: pad(mo + 1), numeric: true };
      case 'M': return { text: pad(M), numeric: true };
      case 'n': return { text: '\n', numeric: false };
      case 'N': return gnu ? { text: pad((ms % 1000 + 1000) % 1000, 3) + '000000', numeric: true } : null;
      case 'p': return { text: H < 12 ? 'AM' : 'PM', numeric: false };
      case 'P': return { text: H < 12 ? 'am' : 'pm', numeric: false };
      case 'r': return { text: `${pad(h12)}:${pad(M)}:${pad(S)} ${H < 12 ? 'AM' : 'PM'}`, numeric: false };
      case 'R': return { text: `${pad(H)}:${pad(M)}`, numeric: false };
      case 's': return { text: String(Math.floor(ms / 1000)), numeric: true };
      case 'S': return { text: pad(S), numeric: true };
      case 't': return { text: '\t', numeric: false };
      case 'T': return { text: `${pad(H)}:${pad(M)}:${pad(S)}`, numeric: false };
      case 'u': return { text: String(wd || 7), numeric: true };
      case 'U': return { text: pad(Math.floor((yday + 7 - wd) / 7)), numeric: true };
      case 'V': return { text: pad(isoWeek(d).week), numeric: true };
      case 'w': return { text: String(wd), numeric: true };
      case 'W': return { text: pad(Math.floor((yday + 7 - ((wd + 6) % 7)) / 7)), numeric: true };
      case 'x': return { text: `${pad(mo + 1)}/${pad(day)}/${pad(Y % 100)}`, numeric: false };
      case 'X': return { text: `${pad(H)}:${pad(M)}:${pad(S)}`, numeric: false };
      case 'y': return { text: pad(Y % 100), numeric: true };
      case 'Y': return { text: String(Y), numeric: true };
      case 'z': return colon ? (gnu ? { text: '+00:00', numeric: false } : null) : { text: '+0000', numeric: false };
      case 'Z': return { text: 'UTC', numeric: false };
      case '%': return { text: '%', numeric: false };
      default: return null;
    }
  };
  let out = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      out += format[i];
      continue;
    }
    const m = /^%([-_0^#]*)(\d*)(:?)([A-Za-z%])/.exec(format.slice(i));
    if (!m) {
      out += '%';
      continue;
    }
    const r = conv(m[4]!, m[3] === ':');
    if (!r) {
      out += m[0];
      i += m[0].length - 1;
      continue;
    }
    i += m[0].length - 1;
    const flags = m[1]!;
    let text = r.text;
    if (flags.includes('^')) text = text.toUpperCase();
    else if (flags.includes('#')) text = /[a-z]/.test(text) ? text.toUpperCase() : text.toLowerCase();
    if (r.numeric && flags.includes('-')) text = text.replace(/^[0 ]+(?=\d)/, '');
    else if (r.numeric && flags.includes('_')) text = text.replace(/^0+(?=\d)/, (z) => ' '.repeat(z.length));
    else if (r.numeric && flags.includes('0') && r.spaced) text = text.replace(/ /g, '0');
    const width = Number(m[2] || 0);
    if (text.length < width) text = (r.numeric && !flags.includes('_') && !flags.includes('-') ? text.padStart(width, '0') : text.padStart(width));
    if (flags.includes('0') && r.numeric && text.length < width) text = text.padStart(width, '0');
    out += text;
  }
  return out;
}

const UNIT_MS: Record<string, number> = { sec: 1000, second: 1000, min: 60_000, minute: 60_000, hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS, fortnight: 14 * DAY_MS };

/** A -d time as each date understands it; null when it cannot be read. */
export function parseDate(text: string, now: number, gnu: boolean): number | null {
  const s = text.trim();
  const at = /^@(-?\d+)(?:\.(\d+))?$/.exec(s);
  if (at) {
    if (!gnu && (at[1]!.startsWith('-') || at[2] !== undefined)) return null;
    return Number(at[1]) * 1000 + (at[2] ? Math.round(Number('0.' + at[2]) * 1000) * (at[1]!.startsWith('-') ? -1 : 1) : 0);
  }
  const day = new Date(now);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const iso = (gnu ? /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:Z|\s*UTC)?)?$/i : /^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/).exec(s);
  if (iso) {
    const [y, mo, d, h, mi, se] = iso.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return null;
    return Date.UTC(y, mo - 1, d, h, mi, se);
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (clock) {
    const [h, mi, se] = clock.slice(1).map((v) => Number(v ?? 0)) as [number, number, number];
    return h > 23 || mi > 59 || se > 60 ? null : midnight + ((h * 60 + mi) * 60 + se) * 1000;
  }
  if (!gnu) return null;
  const word = s.toLowerCase();
  if (word === 'now' || word === 'today') return now;
  if (word === 'yesterday') return now - DAY_MS;
  if (word === 'tomorrow') return now + DAY_MS;
  const rel = /^([+-]?\d+)?\s*(sec|second|min|minute|hour|day|week|fortnight|month|year)s?(\s+ago)?$/.exec(word) ?? /^(next|last)\s+(sec|second|min|minute|hour|day|week|fortnight|month|year)()$/.exec(word);
  if (rel) {
    let n = rel[1] === 'next' ? 1 : rel[1] === 'last' ? -1 : Number(rel[1] ?? 1);
    if (rel[3]) n = -n;
    const unit = rel[2]!;
    if (unit === 'month' || unit === 'year') {
      const t = new Date(now);
      if (unit === 'month') t.setUTCMonth(t.getUTCMonth() + n);
      else t.setUTCFullYear(t.getUTCFullYear() + n);
      return t.getTime();
    }
    return now + n * UNIT_MS[unit]!;
  }
  return null;
}

export function date(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  // -I takes its value only when attached (-Iseconds).
  const args = ctx.argv.slice(1).map((a) => (/^-I/.test(a) ? `--iso-8601=${a.slice(2)}` : a));
  const p = getopt(args, {
    flags: 'uR',
    withValue: gnu ? 'dsrf' : 'dsrD',
    long: gnu
      ? { date: { as: 'd', value: true }, set: { as: 's', value: true }, reference: { as: 'r', value: true }, utc: { as: 'u', value: false }, universal: { as: 'u', value: false }, 'rfc-email': { as: 'R', value: false }, 'rfc-2822': { as: 'R', value: false }, 'iso-8601': { as: 'I', value: 'optional' }, file: { as: 'f', value: true } }
      : { 'iso-8601': { as: 'I', value: 'optional' } },
  });
  if ('error' in p) return optionError(ctx, p.error);
  const tz = ctx.env.TZ;
  if (tz !== undefined && !/^(|:?UTC0?|:?Etc\/UTC|:?GMT0?|:?Universal|:?Zulu)$/.test(tz)) {
    ctx.io.stderr(`glassbox: date: time zones other than UTC (TZ=${tz}) are not simulated yet\n`);
    return 2;
  }
  if (has(p, 'f') || has(p, 'D')) {
    ctx.io.stderr(`glassbox: date: -${has(p, 'f') ? 'f' : 'D'} is not simulated yet\n`);
    return 2;
  }
  const formats = p.operands.filter((o) => o.startsWith('+'));
  const rest = p.operands.filter((o) => !o.startsWith('+'));
  if (formats.length > 1) return gnu ? usageError(ctx, `extra operand ${q(formats[1]!)}`) : bbUsage(ctx);
  if (has(p, 's') || rest.length > 0) {
    const value = last(p, 's') ?? rest[0]!;
    if (!has(p, 's') && parseDate(value, ctx.now(), false) === null && !/^\d{8}(\d{2}){0,2}(\.\d{2})?$/.test(value)) {
      ctx.io.stderr(gnu ? `date: invalid date ${q(value)}\n` : `date: invalid date '${value}'\n`);
      return 1;
    }
    ctx.io.stderr('glassbox: date: setting the clock is not simulated yet\n');
    return 2;
  }
  let when = ctx.now();
  const dateArg = last(p, 'd');
  if (dateArg !== undefined) {
    const t = parseDate(dateArg, when, gnu);
    if (t === null) {
      ctx.io.stderr(gnu ? `date: invalid date ${q(dateArg)}\n` : `date: invalid date '${dateArg}'\n`);
      return 1;
    }
    when = t;
  }
  const ref = last(p, 'r');
  if (ref !== undefined) {
    const st = ctx.fs.stat(resolvePath(ref, ctx.cwd));
    if (typeof st === 'string') {
      ctx.io.stderr(gnu ? `date: ${ref}: ${fsErrorText(st)}\n` : `date: can't stat '${ref}': ${fsErrorText(st)}\n`);
      return 1;
    }
    when = st.mtime;
  }
  let format = '%a %b %e %H:%M:%S %Z %Y';
  if (formats[0] !== undefined) format = formats[0].slice(1);
  else if (has(p, 'R')) format = '%a, %d %b %Y %H:%M:%S %z';
  else if (has(p, 'I')) {
    const spec = last(p, 'I') || 'date';
    const iso: Record<string, string> = { date: '%Y-%m-%d', hours: '%Y-%m-%dT%H%:z', minutes: '%Y-%m-%dT%H:%M%:z', seconds: '%Y-%m-%dT%H:%M:%S%:z', ns: '%Y-%m-%dT%H:%M:%S,%N%:z' };
    const f = Object.keys(iso).find((k) => k.startsWith(spec));
    if (f === undefined || (!gnu && f === 'ns')) {
      if (gnu) {
        ctx.io.stderr(`date: invalid argument ${q(spec)} for ${q('--iso-8601')}\nValid arguments are:\n${['hours', 'minutes', 'date', 'seconds', 'ns'].map((a) => `  - ${q(a)}\n`).join('')}Try 'date --help' for more information.\n`);
        return 1;
      }
      return bbUsage(ctx);
    }
    // busybox formats the colon zone itself.
    format = gnu ? iso[f]! : iso[f]!.replace('%:z', '+00:00');
  }
  ctx.io.stdout(strftime(format, when, gnu) + '\n');
  return 0;
}
