import { describe, expect, it } from 'vitest';
import { parseGoDuration, parseTimestamp } from './timestamp';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0, 500);

describe('parseTimestamp (moby GetTimestamp)', () => {
  it.each([
    ['10m', Date.UTC(2026, 0, 1, 11, 50, 0)],
    ['1h30m', Date.UTC(2026, 0, 1, 10, 30, 0)],
    ['0s', Date.UTC(2026, 0, 1, 12, 0, 0)],
    ['0', 0],
    ['1767225600', Date.UTC(2026, 0, 1)],
    ['1767225600.5', Date.UTC(2026, 0, 1) + 500],
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01T10', Date.UTC(2026, 0, 1, 10)],
    ['2026-01-01T10:20:30Z', Date.UTC(2026, 0, 1, 10, 20, 30)],
    ['2026-01-01T10:20:30.25+02:00', Date.UTC(2026, 0, 1, 8, 20, 30, 250)],
  ])('%s', (value, expected) => {
    expect(parseTimestamp(value, NOW)).toBe(expected);
  });

  it('reports what it cannot read as the client does', () => {
    expect(parseTimestamp('abc', NOW)).toEqual({ error: 'failed to parse value as time or duration: "abc"' });
    expect(parseTimestamp('2026-00-01', NOW)).toEqual({ error: 'parsing time "2026-00-01": month out of range' });
  });

  it('reads Go durations with several units and a sign', () => {
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('-2m')).toBe(-120_000);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('5')).toBeUndefined();
  });
});
