import { describe, expect, it } from 'vitest';
import { bytesSize, containerStatus, dockerSize, humanDuration, humanSize, humanSizeWithPrecision, isoTime, runningFor, type StatusInput } from './humanize';
import { formatFloat } from './quote';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

describe('humanDuration (go-units HumanDuration, its own test table)', () => {
  it.each([
    [450, 'Less than a second'], [-5 * S, 'Less than a second'], [999, 'Less than a second'], [1 * S, '1 second'], [1999, '1 second'],
    [2 * S, '2 seconds'], [45 * S, '45 seconds'], [59 * S, '59 seconds'], [59_999, '59 seconds'], [60 * S, 'About a minute'],
    [119 * S, 'About a minute'], [2 * MIN, '2 minutes'], [3 * MIN, '3 minutes'], [35 * MIN + 40 * S, '35 minutes'], [59 * MIN, '59 minutes'],
    [1 * H, 'About an hour'], [H + 29 * MIN, 'About an hour'], [H + 31 * MIN, '2 hours'], [H + 59 * MIN, '2 hours'], [3 * H + 29 * MIN, '3 hours'],
    [3 * H + 31 * MIN, '4 hours'], [24 * H, '24 hours'], [DAY + 12 * H, '36 hours'], [47 * H + 29 * MIN, '47 hours'], [47 * H + 31 * MIN, '2 days'],
    [2 * DAY, '2 days'], [7 * DAY, '7 days'], [13 * DAY + 5 * H, '13 days'], [2 * WEEK, '2 weeks'], [2 * WEEK + 4 * DAY, '2 weeks'],
    [3 * WEEK, '3 weeks'], [4 * WEEK + 3 * DAY, '4 weeks'], [1 * MONTH, '4 weeks'], [MONTH + 2 * WEEK, '6 weeks'], [2 * MONTH, '2 months'],
    [3 * MONTH + WEEK, '3 months'], [13 * MONTH, '13 months'], [24 * MONTH, '24 months'], [24 * MONTH + 2 * WEEK, '2 years'],
    [3 * YEAR + 2 * MONTH, '3 years'],
  ])('%d ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});

describe('sizes (go-units)', () => {
  it.each([
    [0, 3, '0B'], [1, 3, '1B'], [999, 3, '999B'], [1000, 3, '1kB'], [762_000, 3, '762kB'], [1_983_000, 3, '1.98MB'], [4_260_000, 3, '4.26MB'],
    [1_240_000, 3, '1.24MB'], [1_125_000, 3, '1.12MB'], [1_135_000, 3, '1.14MB'], [1_145_000, 3, '1.15MB'], [999_500, 3, '1e+03kB'], [1_983_000, 4, '1.983MB'],
    [5_000_000_000, 3, '5GB'], [1.5e12, 3, '1.5TB'], [32_768, 3, '32.8kB'], [1e27, 3, '1e+03YB'],
  ])('humanSizeWithPrecision(%d, %d) = %s', (n, p, want) => expect(humanSizeWithPrecision(n, p)).toBe(want));

  it('HumanSize is 4 digits, dockerSize 3', () => {
    expect(humanSize(1_983_000)).toBe('1.983MB');
    expect(humanSize(762_432)).toBe('762.4kB');
    expect(dockerSize(1_983_000)).toBe('1.98MB');
  });

  it.each([
    [0, '0B'], [1023, '1023B'], [1024, '1KiB'], [1536, '1.5KiB'], [64 * 1024 * 1024, '64MiB'], [1.5 * 1024 ** 3, '1.5GiB'],
    [6 * 1024 ** 2 + 1, '6MiB'], [123_456_789, '117.7MiB'],
  ])('bytesSize(%d) = %s', (n, want) => expect(bytesSize(n)).toBe(want));
});

describe('formatFloat (strconv.FormatFloat)', () => {
  it.each([
    [1e6, 'g', -1, '1e+06'], [123456, 'g', -1, '123456'], [0.0001, 'g', -1, '0.0001'], [0.00001, 'g', -1, '1e-05'], [1.5, 'g', -1, '1.5'],
    [100, 'g', -1, '100'], [1e21, 'g', -1, '1e+21'], [-1.5, 'g', -1, '-1.5'], [0, 'g', -1, '0'], [1e-7, 'g', -1, '1e-07'], [1.23456789e8, 'g', -1, '1.23456789e+08'],
    [3.14159, 'g', 3, '3.14'], [0, 'g', 3, '0'], [100, 'g', 3, '100'], [1000, 'g', 3, '1e+03'], [0.5, 'g', 0, '0.5'],
    [0.125, 'f', 2, '0.12'], [0.375, 'f', 2, '0.38'], [2.5, 'f', 0, '2'], [3.5, 'f', 0, '4'], [0.006, 'f', 2, '0.01'], [0.004, 'f', 2, '0.00'],
    [99.96, 'f', 1, '100.0'], [1.5, 'f', -1, '1.5'], [1.5, 'f', 6, '1.500000'], [123, 'f', 0, '123'],
    [1234.5678, 'e', 2, '1.23e+03'], [0, 'e', -1, '0e+00'], [1234.5678, 'E', 3, '1.235E+03'], [1e100, 'e', -1, '1e+100'], [5e-324, 'e', -1, '5e-324'],
    [NaN, 'g', -1, 'NaN'], [Infinity, 'g', -1, '+Inf'], [-Infinity, 'f', 2, '-Inf'],
  ] as const)('FormatFloat(%d, %s, %d) = %s', (x, f, p, want) => expect(formatFloat(x, f, p)).toBe(want));
});

describe('containerStatus (moby State.String)', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const ago = (ms: number): string => new Date(now - ms).toISOString();
  const never = '0001-01-01T00:00:00Z';
  const cases: Array<[string, StatusInput, string]> = [
    ['created', { running: false, exitCode: 0, startedAt: never, finishedAt: never }, 'Created'],
    ['created with missing times', { running: false, exitCode: 0 }, 'Created'],
    ['running', { running: true, exitCode: 0, startedAt: ago(5 * S) }, 'Up 5 seconds'],
    ['running, just started', { running: true, exitCode: 0, startedAt: ago(200) }, 'Up Less than a second'],
    ['paused', { running: true, paused: true, exitCode: 0, startedAt: ago(5 * S) }, 'Up 5 seconds (Paused)'],
    ['restarting', { running: true, restarting: true, exitCode: 1, startedAt: ago(MIN), finishedAt: ago(3 * S) }, 'Restarting (1) 3 seconds ago'],
    ['healthy', { running: true, exitCode: 0, startedAt: ago(2 * MIN), health: 'healthy' }, 'Up 2 minutes (healthy)'],
    ['health starting', { running: true, exitCode: 0, startedAt: ago(2 * S), health: 'starting' }, 'Up 2 seconds (health: starting)'],
    ['paused wins over health', { running: true, paused: true, exitCode: 0, startedAt: ago(2 * S), health: 'healthy' }, 'Up 2 seconds (Paused)'],
    ['exited', { running: false, exitCode: 137, startedAt: ago(3 * MIN), finishedAt: ago(2 * MIN) }, 'Exited (137) 2 minutes ago'],
    ['exited with ms times', { running: false, exitCode: 0, startedAt: now - 10 * S, finishedAt: now - H }, 'Exited (0) About an hour ago'],
    ['started but never finished', { running: false, exitCode: 0, startedAt: ago(S), finishedAt: never }, ''],
    ['removal in progress', { running: false, removalInProgress: true, exitCode: 0, startedAt: ago(S), finishedAt: ago(S) }, 'Removal In Progress'],
    ['dead', { running: false, dead: true, exitCode: 0, startedAt: ago(S), finishedAt: ago(S) }, 'Dead'],
    ['nanosecond RFC 3339', { running: true, exitCode: 0, startedAt: '2024-05-01T11:59:30.123456789Z' }, 'Up 29 seconds'],
  ];
  it.each(cases)('%s', (_l, s, want) => expect(containerStatus(s, now)).toBe(want));

  it('runningFor', () => {
    expect(runningFor(ago(MIN + 5 * S), now)).toBe('About a minute ago');
    expect(runningFor(now - 3 * DAY, now)).toBe('3 days ago');
  });
});

describe('isoTime (Date.prototype.toISOString without the Date)', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z'], [1, '1970-01-01T00:00:00.001Z'], [1.9, '1970-01-01T00:00:00.001Z'], [86_399_999, '1970-01-01T23:59:59.999Z'],
    [951_782_400_000, '2000-02-29T00:00:00.000Z'], [951_868_800_000, '2000-03-01T00:00:00.000Z'], [4_107_542_400_000, '2100-03-01T00:00:00.000Z'],
    [1_767_225_600_120, '2026-01-01T00:00:00.120Z'], [1_767_225_599_999, '2025-12-31T23:59:59.999Z'], [253_402_300_799_999, '9999-12-31T23:59:59.999Z'],
    // Outside four-digit years, as toISOString prints them.
    [253_402_300_800_000, '+010000-01-01T00:00:00.000Z'], [-1, '1969-12-31T23:59:59.999Z'],
  ])('%d → %s', (ms, want) => expect(isoTime(ms)).toBe(want));

  it('agrees with toISOString across the years', () => {
    const step = 7_919_993_211; // about three months, odd so every field moves
    for (let ms = 0; ms < 253_402_300_800_000; ms += step) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
