import { describe, expect, it } from 'vitest';
import {
  checkArgs,
  flagErrorText,
  FlagError,
  parseFlags,
  parseGoBool,
  parseGoDuration,
  parseGoInt,
  type ArgsRule,
  type FlagSpec,
} from './flags';
import { goQuote, goQuoteRune } from './quote';

// A cut of `docker run`'s and `docker stop`'s flags.
const RUN: FlagSpec[] = [
  { name: 'detach', short: 'd', kind: 'bool' },
  { name: 'interactive', short: 'i', kind: 'bool' },
  { name: 'tty', short: 't', kind: 'bool' },
  { name: 'rm', kind: 'bool' },
  { name: 'name', kind: 'string' },
  { name: 'hostname', short: 'h', kind: 'string' },
  { name: 'env', short: 'e', kind: 'stringArray' },
  { name: 'publish', short: 'p', kind: 'stringArray', validate: (v) => (v.includes(':') || /^\d+$/.test(v) ? undefined : `invalid port ${v}`) },
  { name: 'health-interval', kind: 'duration' },
  { name: 'restart', kind: 'string', default: 'no' },
];
const STOP: FlagSpec[] = [
  { name: 'signal', short: 's', kind: 'string' },
  { name: 'timeout', short: 't', kind: 'int' },
  { name: 'time', kind: 'int', hidden: true, deprecated: 'use --timeout instead' },
];
const PS: FlagSpec[] = [
  { name: 'all', short: 'a', kind: 'bool' },
  { name: 'last', short: 'n', kind: 'int', default: -1 },
  { name: 'filter', short: 'f', kind: 'stringArray' },
  { name: 'format', kind: 'string' },
];

describe('parseFlags accepts what pflag accepts', () => {
  const ok: Array<[string, FlagSpec[], string[], boolean, (p: ReturnType<typeof parseFlags>) => unknown, unknown]> = [
    ['long with space', RUN, ['--name', 'web', 'busybox'], false, (p) => [p.string('name'), p.args], ['web', ['busybox']]],
    ['long with =', RUN, ['--name=web', 'busybox'], false, (p) => p.string('name'), 'web'],
    ['long with empty =', RUN, ['--name=', 'busybox'], false, (p) => [p.string('name'), p.changed('name')], ['', true]],
    ['= inside value', RUN, ['-e', 'A=b=c', 'busybox'], false, (p) => p.stringArray('env'), ['A=b=c']],
    ['shorthand with space', RUN, ['-h', 'box', 'busybox'], false, (p) => p.string('hostname'), 'box'],
    ['shorthand glued', RUN, ['-hbox', 'busybox'], false, (p) => p.string('hostname'), 'box'],
    ['shorthand with =', RUN, ['-h=box', 'busybox'], false, (p) => p.string('hostname'), 'box'],
    ['combined bools -it', RUN, ['-it', 'busybox'], false, (p) => [p.bool('interactive'), p.bool('tty'), p.bool('detach')], [true, true, false]],
    ['combined bools -dit', RUN, ['-dit', 'busybox'], false, (p) => [p.bool('detach'), p.bool('interactive'), p.bool('tty')], [true, true, true]],
    ['bools then a value flag -ite', RUN, ['-ite', 'X=1', 'busybox'], false, (p) => [p.bool('tty'), p.stringArray('env')], [true, ['X=1']]],
    ['bools then a glued value -itevalue', RUN, ['-iteX=1', 'busybox'], false, (p) => p.stringArray('env'), ['X=1']],
    ['bool shorthand =false', RUN, ['-d=false', 'busybox'], false, (p) => [p.bool('detach'), p.changed('detach')], [false, true]],
    ['bool --rm=false', RUN, ['--rm=false', 'busybox'], false, (p) => p.bool('rm'), false],
    ['bool accepts Go spellings', RUN, ['--rm=T', 'busybox'], false, (p) => p.bool('rm'), true],
    ['bool takes no separate value', RUN, ['--rm', 'false'], false, (p) => [p.bool('rm'), p.args], [true, ['false']]],
    ['repeatable stringArray', RUN, ['-e', 'A=1', '--env', 'B=2', '-eC=3', 'busybox'], false, (p) => p.stringArray('env'), ['A=1', 'B=2', 'C=3']],
    ['defaults when absent', RUN, ['busybox'], false, (p) => [p.string('restart'), p.stringArray('env'), p.bool('rm'), p.changed('restart')], ['no', [], false, false]],
    ['last value wins', RUN, ['--name', 'a', '--name', 'b', 'busybox'], false, (p) => p.string('name'), 'b'],
    ['interspersed:false stops at the image', RUN, ['-d', 'busybox', 'sh', '-c', '--rm', 'x'], false, (p) => [p.args, p.bool('rm')], [['busybox', 'sh', '-c', '--rm', 'x'], false]],
    ['interspersed:true keeps parsing', STOP, ['a', '-t', '3', 'b'], true, (p) => [p.args, p.int('timeout')], [['a', 'b'], 3]],
    ['-- ends flags', STOP, ['-t', '1', '--', '-t', 'x'], true, (p) => [p.args, p.argsLenAtDash], [['-t', 'x'], 0]],
    ['-- after positionals', STOP, ['a', '--', 'b'], true, (p) => [p.args, p.argsLenAtDash], [['a', 'b'], 1]],
    ['no -- gives -1', STOP, ['a'], true, (p) => p.argsLenAtDash, -1],
    ['lone dash is positional', STOP, ['-'], true, (p) => p.args, ['-']],
    ['empty word is positional', STOP, [''], true, (p) => p.args, ['']],
    ['int negative', PS, ['-n', '-1'], true, (p) => p.int('last'), -1],
    ['int hex', PS, ['-n', '0x10'], true, (p) => p.int('last'), 16],
    ['int octal with leading 0', PS, ['-n', '010'], true, (p) => p.int('last'), 8],
    ['int underscores', PS, ['-n', '1_000'], true, (p) => p.int('last'), 1000],
    ['int default', PS, [], true, (p) => p.int('last'), -1],
    ['duration', RUN, ['--health-interval', '1m30s', 'x'], false, (p) => p.duration('health-interval'), 90_000],
    ['deprecated flag warns', STOP, ['--time', '1', 'a'], true, (p) => [p.int('time'), p.warnings], [1, ['Flag --time has been deprecated, use --timeout instead']]],
    ['--help', STOP, ['--help'], true, (p) => [p.help, p.warnings], [true, []]],
    ['-h is help (deprecated shorthand) when unused', PS, ['-h'], true, (p) => [p.help, p.warnings], [true, ['Flag shorthand -h has been deprecated, use --help']]],
    ['-h belongs to run --hostname', RUN, ['-h', 'x', 'busybox'], false, (p) => [p.help, p.string('hostname')], [false, 'x']],
    ['--help on run', RUN, ['--help'], false, (p) => p.help, true],
  ];
  it.each(ok)('%s', (_label, spec, argv, interspersed, read, want) => {
    expect(read(parseFlags(spec, argv, { interspersed }))).toEqual(want);
  });
});

describe('parseFlags refuses with pflag\'s messages', () => {
  const bad: Array<[string, FlagSpec[], string[], boolean, string]> = [
    ['unknown long', RUN, ['--foo', 'busybox'], false, 'unknown flag: --foo'],
    ['unknown long with =', RUN, ['--foo=1', 'busybox'], false, 'unknown flag: --foo'],
    ['unknown shorthand', RUN, ['-z', 'busybox'], false, "unknown shorthand flag: 'z' in -z"],
    ['unknown shorthand in a group', RUN, ['-itz'], false, "unknown shorthand flag: 'z' in -z"],
    ['unknown shorthand names the rest of the group', RUN, ['-zit'], false, "unknown shorthand flag: 'z' in -zit"],
    ['-h not defined anywhere on stop', STOP, ['-x'], true, "unknown shorthand flag: 'x' in -x"],
    ['long needs argument', RUN, ['--name'], false, 'flag needs an argument: --name'],
    ['shorthand needs argument', RUN, ['-e'], false, "flag needs an argument: 'e' in -e"],
    ['grouped shorthand needs argument', RUN, ['-ite'], false, "flag needs an argument: 'e' in -e"],
    ['bad int', STOP, ['-t', 'x', 'a'], true, 'invalid argument "x" for "-t, --timeout" flag: strconv.ParseInt: parsing "x": invalid syntax'],
    ['bad int, long-only flag', STOP, ['--time', 'x', 'a'], true, 'invalid argument "x" for "--time" flag: strconv.ParseInt: parsing "x": invalid syntax'],
    ['int out of range', PS, ['-n', '99999999999999999999'], true, 'invalid argument "99999999999999999999" for "-n, --last" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range'],
    ['int 08 is bad octal', PS, ['-n', '08'], true, 'invalid argument "08" for "-n, --last" flag: strconv.ParseInt: parsing "08": invalid syntax'],
    ['bad bool', RUN, ['--rm=foo'], false, 'invalid argument "foo" for "--rm" flag: strconv.ParseBool: parsing "foo": invalid syntax'],
    ['bad bool shorthand', RUN, ['-d=yes'], false, 'invalid argument "yes" for "-d, --detach" flag: strconv.ParseBool: parsing "yes": invalid syntax'],
    ['bad flag syntax', PS, ['---x'], true, 'bad flag syntax: ---x'],
    ['bad flag syntax --=', PS, ['--=x'], true, 'bad flag syntax: --=x'],
    ['duration without unit', RUN, ['--health-interval', '5'], false, 'invalid argument "5" for "--health-interval" flag: time: missing unit in duration "5"'],
    ['duration bad unit', RUN, ['--health-interval=5q'], false, 'invalid argument "5q" for "--health-interval" flag: time: unknown unit "q" in duration "5q"'],
    ['duration garbage', RUN, ['--health-interval', 'x'], false, 'invalid argument "x" for "--health-interval" flag: time: invalid duration "x"'],
    ['validator refuses', RUN, ['-p', 'abc'], false, 'invalid argument "abc" for "-p, --publish" flag: invalid port abc'],
    ['value quoted Go-style', STOP, ['-t', 'a"b\n'], true, 'invalid argument "a\\"b\\n" for "-t, --timeout" flag: strconv.ParseInt: parsing "a\\"b\\n": invalid syntax'],
  ];
  it.each(bad)('%s', (_label, spec, argv, interspersed, message) => {
    let caught: unknown;
    try {
      parseFlags(spec, argv, { interspersed });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FlagError);
    expect((caught as FlagError).message).toBe(message);
  });

  it('stops at the first error even if --help follows', () => {
    expect(() => parseFlags(PS, ['--foo', '--help'])).toThrow('unknown flag: --foo');
  });

  it('flags after the image are not parsed with interspersed:false', () => {
    expect(parseFlags(RUN, ['busybox', '--foo'], { interspersed: false }).args).toEqual(['busybox', '--foo']);
  });
});

describe('reading values back', () => {
  it('refuses an undefined flag or the wrong kind (programming errors)', () => {
    const p = parseFlags(STOP, []);
    expect(() => p.bool('nope')).toThrow('flag accessed but not defined: nope');
    expect(() => p.string('timeout')).toThrow('trying to get string value of flag of type int');
  });
  it('returns a copy of arrays', () => {
    const p = parseFlags(RUN, ['-e', 'A=1', 'x'], { interspersed: false });
    p.stringArray('env').push('B');
    expect(p.stringArray('env')).toEqual(['A=1']);
  });
  it('refuses duplicate definitions', () => {
    expect(() => parseFlags([{ name: 'a', kind: 'bool' }, { name: 'a', kind: 'bool' }], [])).toThrow();
    expect(() => parseFlags([{ name: 'a', short: 'x', kind: 'bool' }, { name: 'b', short: 'x', kind: 'bool' }], [])).toThrow();
  });
});

describe('Go number and duration parsing', () => {
  it.each([
    ['0', 0n], ['-0', 0n], ['+7', 7n], ['0b101', 5n], ['0o17', 15n], ['0X1f', 31n], ['0_7', 7n], ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
  ])('ParseInt(%s)', (s, want) => expect(parseGoInt(s)).toBe(want));

  it.each([
    ['', 'invalid syntax'], ['-', 'invalid syntax'], ['0x', 'invalid syntax'], ['1__0', 'invalid syntax'], ['_1', 'invalid syntax'],
    ['1_', 'invalid syntax'], ['1.5', 'invalid syntax'], ['9223372036854775808', 'value out of range'], ['-9223372036854775809', 'value out of range'],
  ])('ParseInt(%s) fails', (s, why) => expect(() => parseGoInt(s)).toThrow(`strconv.ParseInt: parsing ${goQuote(s)}: ${why}`));

  it.each([['1', true], ['t', true], ['TRUE', true], ['True', true], ['0', false], ['F', false], ['false', false]] as const)(
    'ParseBool(%s)', (s, want) => expect(parseGoBool(s)).toBe(want));
  it.each(['yes', 'tRUE', '', 'on'])('ParseBool(%s) fails', (s) => expect(() => parseGoBool(s)).toThrow(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`));

  it.each([
    ['0', 0], ['-0', 0], ['1s', 1e9], ['1.5h', 5.4e12], ['300ms', 3e8], ['-1m', -6e10], ['1h2m3s', 3723e9], ['.5s', 5e8], ['1.s', 1e9],
    ['10us', 1e4], ['10µs', 1e4], ['10μs', 1e4], ['7ns', 7], ['+2s', 2e9],
  ])('ParseDuration(%s)', (s, ns) => expect(parseGoDuration(s)).toBe(ns));

  it.each([
    ['', 'time: invalid duration ""'], ['-', 'time: invalid duration "-"'], ['.s', 'time: invalid duration ".s"'], ['s', 'time: invalid duration "s"'],
    ['1', 'time: missing unit in duration "1"'], ['1s2', 'time: missing unit in duration "1s2"'], ['3d', 'time: unknown unit "d" in duration "3d"'],
    ['9999999999h', 'time: invalid duration "9999999999h"'],
  ])('ParseDuration(%s) fails', (s, msg) => expect(() => parseGoDuration(s)).toThrow(msg));
});

describe('Go quoting', () => {
  it.each([
    ['abc', '"abc"'], ['a"b', '"a\\"b"'], ['a\\b', '"a\\\\b"'], ['\t\n\r', '"\\t\\n\\r"'], ['\x00\x7f', '"\\x00\\x7f"'], ['\x07\x08\x0c\x0b', '"\\a\\b\\f\\v"'],
    ['héllo 世界', '"héllo 世界"'], ['\u00a0', '"\\u00a0"'], ['\u200b', '"\\u200b"'], ['😀', '"😀"'], ['\u{e0001}', '"\\U000e0001"'],
  ])('Quote(%j)', (s, want) => expect(goQuote(s)).toBe(want));
  it.each([['z', "'z'"], ["'", "'\\''"], ['"', `'"'`], ['\n', "'\\n'"]])('QuoteRune(%j)', (c, want) => expect(goQuoteRune(c)).toBe(want));
});

describe('docker usage error texts', () => {
  const run = { path: 'docker run', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]' };
  it('flag errors (exit 125), as docker 28 prints them', () => {
    expect(flagErrorText(new FlagError('unknown flag: --foo'), run)).toBe(
      "unknown flag: --foo\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information",
    );
    expect(flagErrorText('bad flag syntax: ---x', { path: 'docker ps', usage: '[OPTIONS]' })).toBe(
      "bad flag syntax: ---x\n\nUsage:  docker ps [OPTIONS]\n\nRun 'docker ps --help' for more information",
    );
  });

  const start = { path: 'docker start', usage: '[OPTIONS] CONTAINER [CONTAINER...]' };
  const cases: Array<[string, ArgsRule, string[], { path: string; usage: string }, string | undefined]> = [
    ['min 1, none given', { kind: 'min', n: 1 }, [], start,
      "docker: 'docker start' requires at least 1 argument\n\nUsage:  docker start [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker start --help' for more information"],
    ['min 2 plural', { kind: 'min', n: 2 }, ['a'], { path: 'docker exec', usage: '[OPTIONS] CONTAINER COMMAND [ARG...]' },
      "docker: 'docker exec' requires at least 2 arguments\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nSee 'docker exec --help' for more information"],
    ['min satisfied', { kind: 'min', n: 1 }, ['a', 'b'], start, undefined],
    ['exact 1', { kind: 'exact', n: 1 }, ['a', 'b'], { path: 'docker logs', usage: '[OPTIONS] CONTAINER' },
      "docker: 'docker logs' requires 1 argument\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nRun 'docker logs --help' for more information"],
    ['exact 2', { kind: 'exact', n: 2 }, ['a'], { path: 'docker rename', usage: 'CONTAINER NEW_NAME' },
      "docker: 'docker rename' requires 2 arguments\n\nUsage:  docker rename CONTAINER NEW_NAME\n\nRun 'docker rename --help' for more information"],
    ['exact satisfied', { kind: 'exact', n: 2 }, ['a', 'b'], start, undefined],
    ['none', { kind: 'none' }, ['x'], { path: 'docker ps', usage: '[OPTIONS]' },
      "docker: 'docker ps' accepts no arguments\n\nUsage:  docker ps [OPTIONS]\n\nRun 'docker ps --help' for more information"],
    ['none satisfied', { kind: 'none' }, [], start, undefined],
    ['range', { kind: 'range', min: 1, max: 2 }, [], { path: 'docker port', usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]' },
      "docker: 'docker port' requires at least 1 and at most 2 arguments\n\nUsage:  docker port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nRun 'docker port --help' for more information"],
    ['range satisfied', { kind: 'range', min: 1, max: 2 }, ['a', 'b'], start, undefined],
    ['max keeps docker\'s SRun typo', { kind: 'max', n: 1 }, ['a', 'b'], { path: 'docker login', usage: '[OPTIONS] [SERVER]' },
      "docker: 'docker login' requires at most 1 argument\n\nUsage:  docker login [OPTIONS] [SERVER]\n\nSRun 'docker login --help' for more information"],
    ['any', { kind: 'any' }, ['a', 'b', 'c'], start, undefined],
    ['nested command path', { kind: 'min', n: 1 }, [], { path: 'docker container rm', usage: '[OPTIONS] CONTAINER [CONTAINER...]' },
      "docker: 'docker container rm' requires at least 1 argument\n\nUsage:  docker container rm [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker container rm --help' for more information"],
  ];
  it.each(cases)('argument count: %s', (_l, rule, args, cmd, want) => expect(checkArgs(rule, args, cmd)).toBe(want));
});
