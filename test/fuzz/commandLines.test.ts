import { describe, expect, test } from 'vitest';
import { generateLines, subcommands } from './commandLines';
import { isPlausibleExitCode, judge, looksLikeAnError } from './verdict';

describe('the fuzz line generator', () => {
  const lines = generateLines('fuzz-0', 5_000);

  test('is reproducible from its seed', () => {
    expect(generateLines('fuzz-0', 200)).toEqual(lines.slice(0, 200));
    expect(generateLines('fuzz-1', 200)).not.toEqual(lines.slice(0, 200));
  });

  test('never puts a line break inside a line', () => {
    expect(lines.filter((l) => /[\r\n]/.test(l))).toEqual([]);
  });

  test.each(subcommands)('covers docker %s, valid and mutated', (sub) => {
    expect(lines.some((l) => l.startsWith(`docker ${sub} `) || l === `docker ${sub}`)).toBe(true);
  });

  test.each([
    ['empty lines', (l: string) => l === ''],
    ['unbalanced quotes', (l: string) => (l.match(/"/g) ?? []).length % 2 === 1],
    ['command substitution', (l: string) => l.includes('$(')],
    ['pipes', (l: string) => / \| /.test(l)],
    ['non-ASCII text', (l: string) => /[^\x00-\x7f]/.test(l)],
    ['very long words', (l: string) => l.split(' ').some((w) => w.length >= 1000)],
    ['unknown flags', (l: string) => /(^| )(--nope|-Q|-zz)( |$)/.test(l)],
  ])('includes %s', (_, has) => {
    expect(lines.some(has)).toBe(true);
  });
});

describe('the fuzz verdict', () => {
  const answer = (cmd: string, stdout: string, stderr: string, exit: number) => ({
    kind: 'answer' as const,
    line: cmd,
    raw: '',
    json: { cmd, stdout, stderr, exit },
  });

  test.each([
    ['a Docker refusal', answer('docker pause x', '', 'Error response from daemon: No such container: x\n', 1), null],
    ['a usage error', answer('docker ps -Q', '', "unknown shorthand flag: 'Q' in -Q\nSee 'docker ps --help'.\n", 125), null],
    ['a container exiting 1 in silence', answer('docker run busybox false', '', '', 1), null],
    ['a crash', { kind: 'crash' as const, line: 'x', detail: 'boom' }, 'crash'],
    ['a hang', { kind: 'hang' as const, line: 'x', detail: 'slow' }, 'hang'],
    ['garbage instead of JSON', { kind: 'answer' as const, line: 'x', raw: 'oops', json: undefined }, 'not-json'],
    ['a clean success', answer('docker ps', 'CONTAINER ID\n', '', 0), null],
    ['undefined in the output', answer('docker ps', 'CONTAINER ID undefined\n', '', 0), 'leak'],
    ['undefined the user typed', answer('docker pause undefined', '', 'Error response from daemon: No such container: undefined\n', 1), null],
    ['a stack trace', answer('docker ps', '', 'Error: x\n    at Engine.ps (file:///work/core/engine/engine.ts:10:5)\n', 1), 'leak'],
    ['[object Object]', answer('docker inspect web', '[object Object]\n', '', 0), 'leak'],
    ['an impossible exit code', answer('docker ps', '', 'Error: x\n', 3), 'bad-exit-code'],
    ['a silent failure', answer('docker ps', '', '', 1), 'silent-failure'],
    ['a blank line keeping the last status', answer('  ', '', '', 127), null],
    ['a blank line that prints', answer('', 'x\n', '', 0), 'unrecognisable-error'],
    ['an error sent to stdout by 2>&1', answer('docker nosuch 2>&1', "docker: unknown command: docker nosuch\n", '', 1), null],
    ['an error sent to a file', answer('docker nosuch 2>/tmp/x', '', '', 1), null],
    ['nonsense sent to stdout by 2>&1', answer('docker ps 2>&1', 'oops\n', '', 1), 'unrecognisable-error'],
    ['a usage text', answer('kill', '', 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ...\n', 2), null],
    ['a failure that says nothing Docker would', answer('docker ps', '', 'oops\n', 1), 'unrecognisable-error'],
  ])('%s', (_, outcome, code) => {
    expect(judge(outcome)?.code ?? null).toBe(code);
  });

  test('a mismatched cmd is a bad shape', () => {
    expect(judge({ kind: 'answer', line: 'docker ps', raw: '', json: { cmd: 'docker ps -a', stdout: '', stderr: '', exit: 0 } })?.code).toBe('bad-shape');
  });

  test.each([[0, true], [1, true], [125, true], [127, true], [130, true], [137, true], [143, true], [3, false], [128, false], [255, false], [-1, false]])(
    'exit code %i plausible: %s',
    (code, ok) => {
      expect(isPlausibleExitCode(code)).toBe(ok);
    },
  );

  test.each([
    ['docker: Error response from daemon: Conflict. The container name "/web" is already in use', true],
    ['"docker pause" requires at least 1 argument.', true],
    ['sh: syntax error: unterminated quoted string', true],
    ['dokcer: command not found', true],
    ['oops', false],
  ])('%s looks like an error: %s', (text, ok) => {
    expect(looksLikeAnError(text)).toBe(ok);
  });
});
