/**
 * The human-readable numbers and times Docker prints: docker/go-units
 * (HumanDuration, HumanSize, BytesSize) and moby's container State.String()
 * (the STATUS column of `docker ps`).
 */
import { formatFloat } from './quote';

/** go-units HumanDuration. `ms` is a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function sizeAndUnit(size: number, base: number, units: readonly string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]!];
}

/**
 * go-units HumanSizeWithPrecision: decimal units, `%.*g` (so 999.5 kB at
 * precision 3 really prints "1e+03kB", as Docker does).
 */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1000, DECIMAL_UNITS);
  return formatFloat(size, 'g', precision) + unit;
}

/** go-units HumanSize: 4 significant digits ("1.983MB", the VIRTUAL SIZE column). */
export function humanSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 4);
}

/** The size columns of `docker ps -s` and `docker images` use 3 significant digits ("1.98MB", "762kB"). */
export function dockerSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 3);
}

/** go-units BytesSize: binary units, 4 significant digits ("64MiB", "1.5GiB"). */
export function bytesSize(bytes: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1024, BINARY_UNITS);
  return formatFloat(size, 'g', 4) + unit;
}

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from here on toISOString prints a six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;

function twoDigits(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/**
 * `new Date(ms).toISOString()` ("2026-01-01T00:00:05.120Z") computed with
 * integer arithmetic (Hinnant's civil_from_days): tables and snapshots print
 * thousands of times at once and the Date round trip is several times slower.
 */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString();
  const t = Math.trunc(ms);
  const days = Math.floor(t / DAY_MS);
  let rem = t - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rem / 3_600_000);
  rem -= hours * 3_600_000;
  const minutes = Math.floor(rem / 60_000);
  rem -= minutes * 60_000;
  const seconds = Math.floor(rem / 1000);
  const milli = rem - seconds * 1000;
  const frac = milli < 10 ? '00' + milli : milli < 100 ? '0' + milli : String(milli);
  return `${year}-${twoDigits(month)}-${twoDigits(day)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.${frac}Z`;
}

/** A Docker time as ms since the epoch; Go's zero time ('0001-01-01T00:00:00Z'), '' and 0 mean "never". */
export type DockerTime = number | string;

function toMs(t: DockerTime | undefined): number | undefined {
  if (t === undefined || t === '' || t === 0) return undefined;
  if (typeof t === 'number') return t;
  if (t.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The parts of a container's State that its STATUS text is made from. */
export interface StatusInput {
  running: boolean;
  paused?: boolean;
  restarting?: boolean;
  removalInProgress?: boolean;
  dead?: boolean;
  exitCode: number;
  startedAt?: DockerTime;
  finishedAt?: DockerTime;
  /** Health.Status when the container has a healthcheck. */
  health?: 'starting' | 'healthy' | 'unhealthy';
}

/**
 * moby's State.String(): "Up 5 seconds", "Up 5 seconds (Paused)",
 * "Restarting (1) 3 seconds ago", "Up 2 minutes (health: starting)",
 * "Removal In Progress", "Dead", "Created", "Exited (137) 2 minutes ago".
 * `now` is the current time in ms since the epoch (from the Clock).
 */
export function containerStatus(s: StatusInput, now: number): string {
  if (s.running) {
    if (s.paused) return `Up ${since(s.startedAt, now)} (Paused)`;
    if (s.restarting) return `Restarting (${s.exitCode}) ${since(s.finishedAt, now)} ago`;
    if (s.health !== undefined) return `Up ${since(s.startedAt, now)} (${s.health === 'starting' ? 'health: starting' : s.health})`;
    return `Up ${since(s.startedAt, now)}`;
  }
  if (s.removalInProgress) return 'Removal In Progress';
  if (s.dead) return 'Dead';
  if (toMs(s.startedAt) === undefined) return 'Created';
  if (toMs(s.finishedAt) === undefined) return '';
  return `Exited (${s.exitCode}) ${since(s.finishedAt, now)} ago`;
}

// A module function rather than a closure per call: `docker ps` computes a status per container.
function since(t: DockerTime | undefined, now: number): string {
  return humanDuration(now - (toMs(t) ?? 0));
}

/** The CREATED column of `docker ps` (RunningFor): "2 minutes ago". */
export function runningFor(created: DockerTime, now: number): string {
  return `${humanDuration(now - (toMs(created) ?? 0))} ago`;
}
