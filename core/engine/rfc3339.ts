import { isoTime } from '../cli/humanize';

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 with nanoseconds, trailing zeros trimmed, as Go's RFC3339Nano prints. */
export function rfc3339Nano(ms: number): string {
  if (ms <= 0) return ZERO_TIME;
  const iso = isoTime(ms); // 2026-01-01T00:00:00.500Z
  const dot = iso.lastIndexOf('.');
  let end = iso.length - 1;
  while (end > dot + 1 && iso.charCodeAt(end - 1) === 0x30 /* '0' */) end--;
  return end === dot + 1 ? iso.slice(0, dot) + 'Z' : iso.slice(0, end) + 'Z';
}
