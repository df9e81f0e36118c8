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
  // ls / files
  `touch b a; ls`,
  `ls nofile; echo $?`,
  `touch a; ls a nofile`,
  `mkdir d e; touch d/x; ls d e`,
  `mkdir d; touch f; ls -F`,
  `mkdir -p d/e; touch d/e/f; ls -R d`,
  `ls -Q`,
  `ls -y`,
  `touch x/y`,
  `touch`,
  `rm nofile`,
  `rm -f nofile; echo $?`,
  `mkdir d; rm d`,
  `rm`,
  `rm -Q`,
  `mkdir d; touch d/f; rm -r d; ls`,
  `mkdir d; mkdir d`,
  `mkdir x/y`,
  `mkdir`,
  `mkdir -p a/b; ls a`,
  `rmdir nofile`,
  `touch f; rmdir f`,
  `mkdir -p d/e; rmdir d`,
  `cp`,
  `cp nofile x`,
  `mkdir d; cp d e`,
  `touch f; cp f f`,
  `touch a b; cp a b c`,
  `echo c > a; cp a b; cat b; mv b c; ls`,
  `mv`,
  `mv nofile x`,
  `mkdir d; mv d d/x`,
  `mkdir d; cp -r d d/x`,
  `touch a; mv a a; ls`,
  `ln`,
  `ln -s tgt lnk; readlink lnk`,
  `ln nofile x`,
  `touch f; ln f g; ls`,
  `touch f; ln -s f g; ln -s f g`,
  `touch f; ln -sf f g; ln -sf f g; readlink g`,
  `touch a; ln -sv a b`,
  `ln -s a x/y`,
  `readlink nofile; echo $?`,
  `readlink`,
  `basename /a/b/c.txt .txt; dirname /a/b/c.txt`,
  `basename`,
  `dirname a b`,
  `basename a b c`,
  `basename -s .c a.c b.c`,
  // find
  `mkdir -p d/e; touch d/e/g; find`,
  `mkdir -p d/e; touch d/e/g; find d -type f`,
  `mkdir -p d/e; touch d/e/g; find . -name '*g*'`,
  `mkdir -p d/e; touch d/e/g; find d -maxdepth 1`,
  `touch a; find . -name a -print -o -name b`,
  `mkdir d; touch d/x; find d -exec echo X {} \\;`,
  `mkdir d; touch d/x; find d -exec echo X {} +`,
  `find nofile`,
  `find . -name x -foo`,
  `find . -type q`,
  `find . -maxdepth x`,
  `find . -name`,
  `find . -exec echo`,
  `find . \\( -name a`,
  `mkdir d; touch d/x; find d -empty`,
  `touch a; find a b`,
  `printf abc > a; find . -size +0`,
  `touch a; find . -iname A`,
  `touch a; find . ! -name a`,
  `touch a; find ./a`,
  `touch a.txt b.txt; find . -name *.txt`,
  `find . -delete`,
  // env / xargs / sleep / which / test / kill
  `env -i A=1 B=2`,
  `env -i A=1 env`,
  `env -Q`,
  `env nosuch`,
  `env /tmp`,
  `env -u`,
  `env -i sh -c 'echo $A' ; A=x env -u A sh -c 'echo [$A]'`,
  `printf 'a b\nc\n' | xargs echo x`,
  `printf 'a b c\n' | xargs -n1 echo x`,
  `printf '' | xargs echo y; echo $?`,
  `printf '' | xargs -r echo y; echo $?`,
  `printf 'a\nb\n' | xargs -I{} echo '[{}]'`,
  `echo a | xargs nosuchcmd; echo $?`,
  `echo a | xargs false; echo $?`,
  `echo "it's" | xargs echo`,
  `echo a b | xargs -t echo`,
  `printf 'a\nb\n' | xargs -L1 echo`,
  `echo a | xargs /tmp`,
  `printf 'x\n' > f; xargs -a f echo`,
  `echo | xargs -Q`,
  `xargs -n x`,
  `echo a | xargs sh -c 'exit 255'; echo $?`,
  `env sleep`,
  `env sleep x`,
  `env sleep 1x`,
  `env sleep 0.1; echo $?`,
  `env which`,
  `env which nosuch; echo $?`,
  `env test 1 -eq a`,
  `env [ 1 -lt`,
  `env [ 1 -lt ]`,
  `env test a b; echo $?`,
  `env test a b c d`,
  `env test a = `,
  `env test x -foo y`,
  `env test a '<' b; echo $?`,
  `env test -f a b`,
  `env test 1 -lt 2x`,
  `env test -z; echo $?`,
  `env test 1 -gt 2 -o 3 -gt 2; echo $?`,
  `touch f; env test -f f -a ! -d f; echo $?`,
  `env kill`,
  `env kill -Q 1`,
  `env kill -l`,
  `env kill -l 9; env kill -l KILL`,
  `env kill -s`,
  `env kill -9`,
  // date / stat / du / md5sum
  `date -u -d @0`,
  `date -d @86400 -R`,
  `date -d @0 -I; date -d @0 -Iseconds; date -d @0 -Ihours; date -d @0 -Iminutes`,
  `date -d @0 '+%s%n%F%T%j%%%U%W%V%G%u%w%y%C%p%I%l%k%r%R%D%x%X%c%h%e%Z%z%:z%P%N'`,
  `date -d @1000000000 '+%-d|%_m|%05d|%^a|%#b|%10A|%-H'`,
  `date -d '2024-02-03 04:05:06' +%s`,
  `date -d 2024-02-03 +%s`,
  `date -d x`,
  `date -d yesterday`,
  `date -Q`,
  `printf abc > f; stat -c '%n|%s|%a|%A|%F|%h|%N|%b|%B|%o|%u|%g' f`,
  `mkdir d; ln -s d l; stat -c '%n %F %N %s' d l`,
  `stat nofile`,
  `stat`,
  `mkdir -p d/e; printf abc > d/e/f; du d; du -s d; du -a d`,
  `mkdir -p d/e; printf abc > d/e/f; du -h d; du -c d d/e/f; du -b d`,
  `du nofile`,
  `printf abc > f; md5sum f; printf abc | md5sum`,
  `md5sum nofile`,
  `printf abc > f; md5sum f > s; md5sum -c s`,
  `printf 'x  f\n' > s; md5sum -c s`,
  `mkdir d; md5sum d`,
  `printf abc | sha256sum`,
  `md5sum -Q`,
  // sed / awk
  `echo abc | sed 's/b/X/'`,
  `echo aaa | sed 's/a/b/g'`,
  `echo 'hello world' | sed 's/\\(hello\\) \\(world\\)/\\2 \\1/'`,
  `echo 'hello world' | sed -E 's/(hello) (world)/\\2 \\1/'`,
  `seq 5 | sed -n '2,4p'`,
  `seq 5 | sed '$d'`,
  `seq 3 | sed 's/^/> /'`,
  `echo x | sed 's/x/'`,
  `echo x | sed 'k'`,
  `echo x | sed`,
  `sed p nofile; echo $?`,
  `echo x | sed 's/x/y/q'`,
  `echo x | sed -E 's/(x/y/'`,
  `echo x | sed 's/\\(x/y/'`,
  `echo x | sed -Q p`,
  `printf 'a\\nb\\n' > f; sed -i 's/a/A/' f; cat f`,
  `echo 'x y z' | awk '{print $2, $1}'`,
  `echo 'a:b:c' | awk -F: '{print $NF, NF}'`,
  `printf 'a 1\\nb 2\\nc 3\\n' | awk '{s += $2} END {print s}'`,
  `printf 'a b\\n' | awk '{printf "%s-%s\\n", $2, $1}'`,
  `echo x | awk '{print $1'`,
  `echo x | awk 'BEGIN { x = }'`,
  `echo x | awk`,
  `awk '{print}' nofile; echo $?`,
  `echo x | awk -Q 1`,
  `echo x | awk -f nofile; echo $?`,
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

if (!haveBusybox) {
  describe('busybox differential', () => {
    // CI installs Debian's busybox-static; without it there is nothing to compare against.
    if (process.env.REQUIRE_DOCKER === '1') it(`needs ${BUSYBOX} (apt install busybox-static)`, () => expect(haveBusybox).toBe(true));
    else it.skip(`is skipped: ${BUSYBOX} is absent (Debian's busybox-static provides it)`, () => {});
  });
}
