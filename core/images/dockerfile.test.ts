import { describe, expect, it } from 'vitest';
import { expandVars, parseDockerfile, unquote } from './dockerfile';

// Errors as a 20.10 daemon's legacy builder reported them for these Dockerfiles
// (`docker build .` here, client 28.2.2, "Error response from daemon: " prefix dropped).
const errors: [string, string][] = [
  ['FROM busybox\nFOO bar', 'dockerfile parse error line 2: unknown instruction: FOO'],
  ['from busybox\nfoo bar', 'dockerfile parse error line 2: unknown instruction: FOO'],
  ['', 'failed to parse Dockerfile: file with no instructions'],
  ['# only a comment\n\n', 'failed to parse Dockerfile: file with no instructions'],
  ['FROM busybox\nCOPY onlyone', 'dockerfile parse error line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['FROM busybox\nLABEL', 'dockerfile parse error line 2: LABEL requires at least one argument'],
  ['FROM busybox\nLABEL foo', 'failed to parse Dockerfile: LABEL must have two arguments'],
  ['FROM busybox\nENV', 'dockerfile parse error line 2: ENV requires at least one argument'],
  ['FROM busybox\nENV A', 'failed to parse Dockerfile: ENV must have two arguments'],
  ['FROM busybox a b', 'dockerfile parse error line 1: FROM requires either one or three arguments'],
  ['FROM busybox\nWORKDIR', 'dockerfile parse error line 2: WORKDIR requires exactly one argument'],
];

describe('parseDockerfile', () => {
  it.each(errors)('%j → %s', (text, message) => {
    expect(() => parseDockerfile(text)).toThrow(message);
  });

  it('joins continuations as the builder prints them in "Step i/n"', () => {
    const [, label] = parseDockerfile('# comment\nFROM busybox AS base\nLABEL a=b \\\n      c="d e"\n');
    expect(label!.original).toBe('LABEL a=b       c="d e"');
    expect(label!.line).toBe(3);
    expect(label!.pairs).toEqual([
      ['a', 'b'],
      ['c', 'd e'],
    ]);
  });

  it('skips comments inside a continuation and honours the escape directive', () => {
    const ins = parseDockerfile('# escape=`\nFROM busybox\nRUN echo a `\n# a comment\n  b\n');
    expect(ins.map((i) => i.original)).toEqual(['FROM busybox', 'RUN echo a   b']);
  });

  it('tells JSON form from shell form', () => {
    const [, cmd, ep, run] = parseDockerfile('FROM busybox\nCMD ["cat", "/hello"]\nENTRYPOINT [not json\nRUN echo $X');
    expect(cmd).toMatchObject({ json: true, args: ['cat', '/hello'] });
    expect(ep).toMatchObject({ json: false, rest: '[not json' });
    expect(run).toMatchObject({ json: false, rest: 'echo $X' });
  });

  it('reads COPY flags and the legacy ENV form', () => {
    const [, copy, env] = parseDockerfile('FROM busybox\nCOPY --from=b1 --chown=1:1 /x /y\nENV A B C');
    expect(copy).toMatchObject({ flags: { from: 'b1', chown: '1:1' }, args: ['/x', '/y'] });
    expect(env!.pairs).toEqual([['A', 'B C']]);
  });

  it('rejects an unknown COPY flag', () => {
    expect(() => parseDockerfile('FROM busybox\nCOPY --bogus=1 a b')).toThrow('dockerfile parse error line 2: Unknown flag: bogus');
  });
});

describe('expandVars', () => {
  const env = new Map([
    ['P', '/x'],
    ['E', ''],
  ]);
  it.each([
    ['$P/y', '/x/y'],
    ['${P}/y', '/x/y'],
    ['${E:-dflt}', 'dflt'],
    ['${P:-dflt}', '/x'],
    ['${P:+set}', 'set'],
    ['${E:+set}', ''],
    ['\\$P', '$P'],
    ['$NOPE-', '-'],
    ['cost $5', 'cost $5'],
  ])('%s → %s', (text, want) => {
    expect(expandVars(text, env)).toBe(want);
  });
});

describe('unquote', () => {
  it.each([
    ['"d e"', 'd e'],
    ["'a b'", 'a b'],
    ['a\\ b', 'a b'],
    ['"q\\"q"', 'q"q'],
  ])('%s → %s', (w, want) => {
    expect(unquote(w)).toBe(want);
  });
});
