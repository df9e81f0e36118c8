/**
 * alias and unalias against the real bash of this machine: each case's lines
 * run in real bash as one script (with `shopt -s expand_aliases`, since
 * `bash -c` does not expand aliases otherwise) and in our interactive host
 * shell one line at a time, as a terminal sends them. Output, errors and the
 * last status must be identical.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HostShell } from './hostShell';
import { never } from '../ports';

const CASES: string[][] = [
  [`alias ll='ls -l' a=b "q=it's"`, 'alias', 'alias ll', 'alias -p'],
  ['alias nope'],
  ['alias a=1 nope b=2', 'alias'],
  ['alias x=1', 'unalias x', 'alias', 'unalias x'],
  ['alias x=1 y=2', 'unalias -a', 'alias'],
  ['unalias'],
  ['alias -x'],
  [`alias 'a/b=x'`],
  // Expansion: of the first word, again for the word after a value ending in a blank, not inside its own expansion.
  [`alias e='echo from-alias'`, 'e hi', "'e' quoted", 'echo e'],
  [`alias e='echo ' w=world`, 'e w', 'echo w'],
  [`alias echo='echo [x]'`, 'echo hi', 'true && echo after-and; echo after-semicolon | cat'],
  [`alias two='echo a; echo b'`, 'two'],
  // Defined on a line, usable from the next (the line was read first).
  [`alias e=echo; e same-line`, 'e next-line'],
  [`alias ls='ls -d'`, 'ls /', 'unalias ls', 'ls -d /'],
];

function realBash(lines: string[]): { stdout: string; stderr: string; code: number } {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', ['shopt -s expand_aliases', ...lines].join('\n')], {
    cwd: '/',
    encoding: 'utf8',
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8', HOME: '/root', TERM: 'dumb' },
    timeout: 10_000,
  });
  // bash -c prefixes its messages with "line N: "; the interactive shell the terminal imitates does not.
  return { stdout: r.stdout, stderr: r.stderr.replace(/^bash: (?:-c: )?line \d+: /gm, 'bash: '), code: r.status ?? -1 };
}

async function ours(lines: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const sh = new HostShell({ commands: {}, env: { HOME: '/root' }, cwd: '/' });
  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const line of lines) code = await sh.run(line, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, never);
  return { stdout, stderr, code };
}

describe('alias and unalias match real bash', () => {
  it.each(CASES.map((c) => [c.join(' ⏎ '), c] as const))('%s', async (_name, lines) => {
    expect(await ours([...lines])).toEqual(realBash([...lines]));
  });
});

describe('aliases outside an interactive shell', () => {
  it('bash -c does not expand them; after shopt -s expand_aliases a later parse (eval) does', async () => {
    const r = await ours([`bash -c "alias e=echo
e hi"`, `bash -c "shopt -s expand_aliases; alias e=echo; eval 'e hi'; shopt expand_aliases; shopt -u expand_aliases; eval 'e hi'"`]);
    expect(r).toEqual({ stdout: 'hi\nexpand_aliases \ton\n', stderr: 'bash: line 2: e: command not found\nbash: line 1: e: command not found\n', code: 127 });
  });
});
