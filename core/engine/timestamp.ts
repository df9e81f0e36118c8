/**
 * moby's api/types/time.GetTimestamp and ParseTimestamps: how `--since`,
 * `--until` and the `until` filter read a time. A Go duration counts back
 * from `now`; RFC 3339 forms (and their shorter local forms, UTC here) are
 * absolute; anything else must be Unix seconds with optional fraction.
 * Results are in ms since the epoch.
 */

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in ms; undefined when it would fail. */
export function parseGoDuration(value: string): number | undefined {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(value);
  if (!m) return value === '0' ? 0 : undefined;
  let total = 0;
  for (const part of value.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * DURATION_UNITS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;

/** The time `value` names, in ms, or an error text as the client or daemon words it. */
export function parseTimestamp(value: string, now: number): number | { error: string } {
  const d = parseGoDuration(value);
  // The client sends a relative time as whole Unix seconds (FormatInt of Unix()).
  if (d !== undefined && value !== '0') return Math.floor((now - d) / 1000) * 1000;
  const abs = ABSOLUTE.exec(value);
  if (abs) {
    const [, y, mo, da, h, mi, s, frac, zone] = abs;
    if (Number(mo) < 1 || Number(mo) > 12) return { error: `parsing time "${value}": month out of range` };
    if (Number(da) < 1 || Number(da) > 31) return { error: `parsing time "${value}": day out of range` };
    let t = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
    if (frac) t += Number(frac) * 1000;
    if (zone && zone !== 'Z' && zone !== 'z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
    return t;
  }
  if (value.includes('-')) return { error: `parsing time "${value}" as "2006-01-02T15:04:05Z07:00": cannot parse "${value}" as "2006"` };
  if (/^\d+(\.\d{1,9})?$/.test(value)) return Number(value) * 1000;
  return { error: `failed to parse value as time or duration: "${value}"` };
}
