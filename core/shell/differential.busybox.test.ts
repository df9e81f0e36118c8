/**
 * The utilities' busybox flavor against real busybox: each line runs in
 * `/bin/busybox sh -c` (Debian's busybox-static, the binary the busybox image
 * is built from) in an empty temporary directory, and in our shell with the
 * busybox flavor in its empty home; stdout, stderr and the exit code must be
 * identical. The lines keep to what bash and ash agree on (pipes, `;`,
 * redirects, `$?`), so a difference is the applet's. Builtins that ash and
 * bash word differently (printf, test, kill) are reached through `env`, which
 * runs the applet itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostShell } from './hostShell';
import { never } from '../ports';

const BUSYBOX = '/bin/busybox';

const LINES: string[] = [
  // cat
  `printf 'a\\nb\\n' > f; cat f`,
  `cat nofile`,
  `mkdir d; cat d`,
  `cat -n nofile`,
  `printf 'a\\n\\nb\\n' | cat -n`,
  `printf 'a\\n\\nb\\n' | cat -b`,
  `printf 'a\\tb\\n\\n' | cat -A`,
  `cat -T`,
  // echo / printf
  `echo -e 'x\\101y\\0102z'`,
  `env echo -n -e 'a\\cb'; echo`,
  `env echo -- -n`,
  `env printf '%s|%5s|%-5s|%d|%05d|%x|%o|%c\\n' a b c 42 42 255 8 xyz`,
  `env printf '%d\\n' abc`,
  `env printf '%d\\n' 12abc`,
  `env printf '%d %d\\n' 1 2 3`,
  `env printf`,
  `env printf '%q\\n' x`,
  `env printf '%.2f %e %g\\n' 3.14159 1234.5 0.0001`,
  `env printf '%i|%u|%x\\n' -3 -3 -1`,
  // grep
  `printf 'apple\\nbanana\\ncherry\\n' | grep an`,
  `printf 'apple\\nBanana\\ncherry\\n' | grep -i b`,
  `printf 'a\\nb\\na\\n' | grep -c a`,
  `printf 'a\\nb\\na\\n' | grep -n a`,
  `printf 'foo bar\\nfoobar\\n' | grep -w foo`,
  `printf 'ab12cd345\\n' | grep -oE '[0-9]+'`,
  `printf 'cat\\ndog\\n' | grep 'cat\\|dog'`,
  `printf 'x\\n' | grep -E '('`,
  `printf 'x\\n' | grep 'a\\('`,
  `grep x nofile; echo $?`,
  `grep`,
  `grep -Z x`,
  `grep -e`,
  `printf 'x\\n' | grep --foo x`,
  `printf 'line1\\n' > f1; grep -c line f1 nofile; echo $?`,
  `printf 'a1\\nb\\nc\\nd\\ne2\\nf\\n' | grep -A1 -n '[0-9]'`,
  `printf 'x\\ny\\n' | grep -L x; echo $?`,
  `mkdir d; grep x d; echo $?`,
  `printf 'a\\n' | grep -m x a`,
  `printf 'a\\n' | grep -A x a`,
  `mkdir -p d/e; echo hit > d/e/f; echo no > d/g; grep -r hit d; grep -r hit .`,
  `printf 'x\\n' | grep -H x`,
  // wc
  `printf 'a b c\\nd e\\n' | wc`,
  `printf 'a b c\\nd e\\n' | wc -l`,
  `printf 'a b\\nc\\n' > f; wc f; wc -l f; wc -lw f`,
  `printf 'a\\n' > f; printf 'hello world\\nfoo\\n' > g; wc f g`,
  `printf 'a\\n' > f; wc -c f nofile`,
  `printf '中文\\n' | wc -c -m`,
  `mkdir d; wc d`,
  `wc -Q`,
  // head / tail
  `seq 20 | head -n 3`,
  `seq 5 | head -n -2`,
  `seq 5 | tail -n +3`,
  `printf 'abcdef' | tail -c 3`,
  `seq 3 > a; seq 4 6 > b; head -n 1 a b`,
  `seq 3 > a; tail -n 1 a nofile`,
  `head nofile`,
  `tail nofile`,
  `head -n x`,
  `tail -n x`,
  `mkdir d; head d; tail d`,
  `printf '1\\n2\\n' | tail -v`,
  `head -Q`,
  // sort / uniq
  `printf 'b\\na\\nB\\n10\\n9\\n' | sort`,
  `printf '10\\n9\\nx\\n-1\\n1.5\\n' | sort -n`,
  `printf 'a:2\\nb:10\\nc:1\\n' | sort -t: -k2,2n`,
  `printf 'x 1\\ny 1\\nz 0\\n' | sort -k2,2 -u`,
  `printf 'b\\nA\\na\\n' | sort -f`,
  `sort nofile`,
  `sort -k 0`,
  `sort -t ab`,
  `sort -h`,
  `echo x | sort -o /nonexist/f`,
  `printf 'a\\na\\nb\\na\\n' | uniq -c`,
  `printf 'a\\na\\nb\\n' | uniq -d`,
  `printf 'a 1\\nb 1\\n' | uniq -f 1 -c`,
  `uniq nofile`,
  `uniq a b c`,
  // cut / tr
  `printf 'a:b:c\\n' | cut -d: -f2`,
  `printf 'a:b:c\\n' | cut -d: -f1,3`,
  `printf 'abcdef\\n' | cut -c2-4`,
  `printf 'no delim\\n' | cut -s -d: -f2`,
  `echo a:b | cut -f0`,
  `echo abc | cut -c x`,
  `printf 'x\\n' | cut`,
  `cut -d: -c1`,
  `cut -b 1 -f 1`,
  `printf 'a:b:c\\n' | cut -d: --complement -f2`,
  `echo hello | tr a-z A-Z`,
  `echo 'a   b    c' | tr -s ' '`,
  `echo hello | tr '[:lower:]' '[:upper:]'`,
  `echo abc | tr a`,
  `tr`,
  `echo 'a b' | tr -cd a`,
  // seq / tee / rev
  `seq 1 0.5 3`,
  `seq -w 8 10`,
  `seq -s, 4`,
  `seq 0.1 0.1 0.3`,
  `seq`,
  `seq 1 x`,
  `seq -f %g 3`,
  `echo x | tee t1 t2; cat t1 t2`,
  `echo x | tee d/nonexist`,
  `printf 'abc\\n' | rev`,
  `rev nofile`,
];

function realBusybox(line: string): { stdout: string; stderr: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gbtest-bb-'));
  try {
    const r = spawnSync(BUSYBOX, ['sh', '-c', line], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', TERM: 'dumb' },
      timeout: 10_000,
    });
    return { stdout: r.stdout.split(dir).join('/root'), stderr: r.stderr.split(dir).join('/root'), code: r.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ours(line: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const sh = new HostShell({ commands: {}, env: { HOME: '/root' }, flavor: 'busybox' });
  let stdout = '';
  let stderr = '';
  const code = await sh.run(line, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, never);
  return { stdout, stderr, code };
}

const haveBusybox = existsSync(BUSYBOX);

describe.skipIf(!haveBusybox)('the busybox flavor matches real busybox 1.35', () => {
  it.each(LINES)('%s', async (line) => {
    const expected = realBusybox(line);
    const actual = await ours(line);
    expect(actual).toEqual(expected);
  });
});

describe.skipIf(haveBusybox)('busybox differential', () => {
  it(`is skipped: ${BUSYBOX} is absent (Debian's busybox-static provides it)`, () => {});
});
