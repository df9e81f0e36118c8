import { describe, expect, it } from 'vitest';
import { compareTranscripts, formatMismatches, lineDiff } from './compare';
import type { Outcome } from './engines';
import { judgeLine, judgeStderrLine, knownDifferences } from './known-differences';
import { parseScript } from './script';

const prefix = 'gbc-0badcafe';
const id = 'f250bbf927c86fce10a31b83e598a0eca8054eff7f1c8bce663a509692a5ecfb';
const otherId = '84bab3b752be43935bf383c2bbc918cc162687df0c79baa17e26b79b457bea7f';

function outcome(cmd: string, stdout = '', stderr = '', exit = 0): Outcome {
  return { cmd, stdout, stderr, exit };
}

describe('knownDifferences', () => {
  it.each(knownDifferences.map((d) => [d.id, d] as const))('%s accepts its own example and cites its source', (_id, d) => {
    expect(d.daemon20.test(d.example.daemon20)).toBe(true);
    expect(d.current.test(d.example.current)).toBe(true);
    expect(d.source).toMatch(/moby v\d/);
    expect(judgeLine(d.example.daemon20, d.example.current, d.example.cmd, d.stream ?? 'stderr')).toEqual({ kind: 'accepted', difference: d });
  });

  it.each(knownDifferences.map((d) => [d.id, d] as const))('%s rejects a simulator that keeps the 20.10 wording', (_id, d) => {
    expect(judgeLine(d.example.daemon20, d.example.daemon20, d.example.cmd, d.stream ?? 'stderr').kind).toBe('old-wording');
  });

  it('has unique ids', () => {
    expect(new Set(knownDifferences.map((d) => d.id)).size).toBe(knownDifferences.length);
  });
});

describe('judgeStderrLine', () => {
  const rm = knownDifferences.find((d) => d.id === 'rm-running')!;
  it.each([
    ['a name that is not on the command line', 'docker rm %p-run', rm.example.current.replace('%p-run', '%p-other'), 'unexplained'],
    ['a line no entry explains', 'docker rm %p-run', 'Error response from daemon: something else', 'unexplained'],
    ['the current wording for the name typed', 'docker rm %p-run', rm.example.current, 'accepted'],
  ])('%s', (_what, cmd, simLine, kind) => {
    expect(judgeStderrLine(rm.example.daemon20, simLine, cmd).kind).toBe(kind);
  });

  it('requires groups both patterns name to agree', () => {
    const filter = knownDifferences.find((d) => d.id === 'invalid-filter')!;
    const cmd = 'docker ps --filter nosuchfilter=x';
    expect(judgeStderrLine(filter.example.daemon20, "Error response from daemon: invalid filter 'other'", cmd).kind).toBe('unexplained');
  });

  it('leaves identical lines that no entry matches to plain comparison', () => {
    expect(judgeStderrLine('Error: No such object: %p-x', 'Error: No such object: %p-x', 'docker inspect %p-x').kind).toBe('unexplained');
  });
});

describe('compareTranscripts', () => {
  const script = parseScript('t.txt', '# a comment\n\ndocker run -d --name %p-a busybox sleep 9\ndocker ps -q --filter name=%p\ndocker rm %p-a\n');
  const cmds = script.lines.map((l) => l.template.replace('%p', prefix));
  const real = [
    outcome(cmds[0]!, `${id}\n`),
    outcome(cmds[1]!, `${id.slice(0, 12)}\n`),
    outcome(cmds[2]!, '', `Error response from daemon: You cannot remove a running container ${id}. Stop the container before attempting removal or force remove\n`, 1),
  ];

  it('matches a faithful simulator with other ids and the current wording', () => {
    const sim = [
      outcome(cmds[0]!, `${otherId}\n`),
      outcome(cmds[1]!, `${otherId.slice(0, 12)}\n`),
      outcome(cmds[2]!, '', `Error response from daemon: cannot remove container "${prefix}-a": container is running: stop the container before removing or force remove\n`, 1),
    ];
    const result = compareTranscripts(script, real, sim, prefix);
    expect(result.matched).toBe(3);
    expect(result.lines[2]!.accepted.map((d) => d.id)).toEqual(['rm-running']);
    expect(formatMismatches(result)).toBe('t.txt: all 3 lines match');
  });

  it('reports each kind of difference with the script, line number and command', () => {
    const sim = [
      outcome(cmds[0]!, `${otherId}\n`),
      outcome(cmds[1]!, `${id.slice(0, 12)}\n`), // an id that is not the container just created
      outcome(cmds[2]!, `${prefix}-a\n`, '', 0),
    ];
    const result = compareTranscripts(script, real, sim, prefix);
    expect(result.matched).toBe(1);
    const report = formatMismatches(result);
    expect(report).toContain('t.txt: 2 of 3 lines differ');
    expect(report).toContain('t.txt:4  $ docker ps -q --filter name=%p');
    expect(report).toContain('- <id12#1>\n    + <id12#2>');
    expect(report).toContain('t.txt:5  $ docker rm %p-a');
    expect(report).toContain('exit code: real 1, sim 0');
    expect(report).toContain('+ %p-a');
  });

  it('reports the old wording as a mismatch even though it equals the real line', () => {
    const sim = [real[0]!, real[1]!, real[2]!];
    const result = compareTranscripts(script, real, sim, prefix);
    expect(result.matched).toBe(2);
    expect(formatMismatches(result)).toContain('known difference "rm-running"');
  });
});

describe('compareTranscripts on stdout', () => {
  const script = parseScript('v.txt', "docker version --format '{{.Server.Version}} {{.Client.Version}}'\n");
  const cmd = script.lines[0]!.template;
  const real = [outcome(cmd, '20.10.24+dfsg1 28.2.2\n')];

  it.each([
    ['the simulated engine’s own version', '28.2.2 28.2.2\n', 1],
    ['the conformance host’s version kept by the simulator', '20.10.24+dfsg1 28.2.2\n', 0],
    ['another client version', '28.2.2 27.0.0\n', 0],
  ])('%s', (_what, simOut, matched) => {
    expect(compareTranscripts(script, real, [outcome(cmd, simOut)], prefix).matched).toBe(matched);
  });
});

describe('lineDiff', () => {
  it.each([
    ['equal', 'a\nb\n', 'a\nb\n', '  a\n  b'],
    ['a changed line', 'a\nb\n', 'a\nc\n', '  a\n- b\n+ c'],
    ['an extra line', 'a\n', 'a\nb\n', '  a\n+ b'],
    ['a missing final newline', 'a\n', 'a', '  a\n  (real ends with a newline, sim does not)'],
    ['nothing against an empty line', '', '\n', '+ '],
    ['both empty', '', '', '  (both empty)'],
  ])('%s', (_what, real, sim, expected) => {
    expect(lineDiff(real, sim)).toBe(expected);
  });
});
