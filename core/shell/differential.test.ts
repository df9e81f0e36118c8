/**
 * The host shell against the real bash and GNU tools of this machine: each
 * line runs in both (real bash in an empty temporary directory, ours in its
 * empty home), and stdout, stderr and the exit code must be identical.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostShell } from './hostShell';
import { never } from '../ports';

const LINES: string[] = [
  // quoting and expansion
  `echo hello   world`,
  `echo "a  b"   'c  d' e\\ f`,
  `echo 'single $HOME' "double \\$x \\\\ \\" end"`,
  `x=5; echo $x "$x" '$x' \${x} \${x}y $xy.`,
  `x='a   b'; echo $x; echo "$x"`,
  `x=; echo [$x] ["$x"] [\${x:-def}] [\${x-def}] [\${y:-unset}]`,
  `x=abc.tar.gz; echo \${x%.gz} \${x%%.*} \${x#*.} \${x##*.} \${#x}`,
  `echo $(echo  a   b) "$(echo  a   b)"`,
  "echo `echo back tick` and $(echo $(echo nested))",
  `echo "$(printf 'a\\n\\n\\n')"end`,
  `v=$(false); echo $?`,
  `false; echo $?; true; echo $?`,
  `echo $((3 + 4 * 2)) $((10 / 3)) $((10 % 3)) $((2 ** 8)) $((1 < 2 && 3 > 4))`,
  `i=1; echo $((i + 41))`,
  `echo a\\;b 'c;d' "e;f"`,
  `echo a#b # a comment`,
  `echo $'tab\\there' $'nl\\nx'`,
  `echo "" '' x`,
  `set -- ; echo "[$*]"`,
  // operators
  `true && echo yes || echo no`,
  `false && echo yes || echo no`,
  `false || false || echo third`,
  `echo a; echo b; echo c`,
  `! true; echo $?`,
  `! false; echo $?`,
  `(echo sub; exit 3); echo $?`,
  `{ echo g1; echo g2; } | wc -l`,
  `x=1; (x=2; echo $x); echo $x`,
  `echo one | (read a; echo got $a)`,
  `for i in 1 2 3; do echo n$i; done`,
  `for f in a b; do for g in 1 2; do echo $f$g; done; done`,
  `for i in 1 2 3 4; do if [ $i = 3 ]; then break; fi; echo $i; done`,
  `for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done`,
  `i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done`,
  `if [ -z "" ]; then echo empty; elif true; then echo no; else echo never; fi`,
  `if false; then echo a; elif true; then echo b; fi`,
  // redirects
  `echo hi > f; cat f; echo there >> f; cat f`,
  `echo out > f 2>&1; cat f`,
  `cat nofile 2> err; cat err`,
  `cat nofile 2>&1 | sed 's/^/X:/'`,
  `cat nofile > /dev/null 2>&1; echo $?`,
  `cat nofile &> both; cat both`,
  `echo data > in; tr a-z A-Z < in`,
  `tr a-z A-Z <<< "here string"`,
  `echo x > /nonexistent/dir/f`,
  `cat < missing`,
  `echo a 1>&2 2>/dev/null`,
  `{ echo o; echo e >&2; } 2>&1 | wc -l`,
  // syntax errors
  `echo a ;; echo b`,
  `echo )`,
  `echo a && && echo b`,
  `echo a | | b`,
  `echo a >`,
  // commands
  `nosuchcommand`,
  `nosuchcommand arg; echo $?`,
  `./nothere`,
  `cd /nonexistent`,
  `cd /tmp; pwd; cd - > /dev/null; cd /; pwd`,
  `export 1x=2`,
  `type cd`,
  `type nosuch`,
  // echo / printf
  `echo -n no newline; echo`,
  `echo -e 'a\\tb\\nc'`,
  `echo -e 'stop\\cafter'`,
  `echo -- -n`,
  `echo -nx`,
  `printf '%s|%5s|%-5s|%d|%05d|%x|%o|%c\\n' a b c 42 42 255 8 xyz`,
  `printf '%s\\n' one two three`,
  `printf '%d\\n' abc`,
  `printf '%.2f %e\\n' 3.14159 1234.5`,
  // grep
  `printf 'apple\\nbanana\\ncherry\\n' | grep an`,
  `printf 'apple\\nbanana\\ncherry\\n' | grep -v an`,
  `printf 'apple\\nBanana\\ncherry\\n' | grep -i b`,
  `printf 'a\\nb\\na\\n' | grep -c a`,
  `printf 'a\\nb\\na\\n' | grep -n a`,
  `printf 'foo bar\\nfoobar\\n' | grep -w foo`,
  `printf 'foo bar\\nfoobar\\n' | grep -x foobar`,
  `printf 'ab12cd345\\n' | grep -o '[0-9]\\+'`,
  `printf 'ab12cd345\\n' | grep -oE '[0-9]+'`,
  `printf 'a+b\\naab\\n' | grep 'a+b'`,
  `printf 'a+b\\naab\\n' | grep -E 'a+b'`,
  `printf 'x(y\\n' | grep '('`,
  `printf 'x\\n' | grep -E '('`,
  `printf 'x\\n' | grep 'a\\('`,
  `printf 'cat\\ndog\\n' | grep -E 'cat|dog'`,
  `printf 'cat\\ndog\\n' | grep 'cat\\|dog'`,
  `printf 'Up 2 hours\\nExited (0)\\n' | grep -q Up; echo $?`,
  `printf 'x\\n' | grep -q nomatch; echo $?`,
  `grep x nofile; echo $?`,
  `grep`,
  `grep -Z x`,
  `printf 'line1\\nline2\\n' > f1; printf 'line3\\n' > f2; grep line f1 f2`,
  `printf 'line1\\n' > f1; grep -c line f1 nofile; echo $?`,
  `printf 'a1\\nb\\nc\\nd\\ne2\\nf\\n' | grep -A1 -n '[0-9]'`,
  `printf 'a\\nb\\nc\\nd\\ne\\nf\\ng\\n' | grep -C1 -e b -e f`,
  `printf 'Ab\\nab\\n' | grep '[[:upper:]]'`,
  `printf 'hello world\\n' | grep -o '\\<w[a-z]*'`,
  `printf 'x\\ny\\n' | grep -l x`,
  // wc
  `printf 'a b c\\nd e\\n' | wc`,
  `printf 'a b c\\nd e\\n' | wc -l`,
  `printf 'a b c\\nd e\\n' | wc -w`,
  `printf 'a b c\\nd e\\n' | wc -c`,
  `printf 'a b c\\nd e\\n' | wc -lc`,
  `printf 'no newline' | wc -l`,
  `printf '中文\\n' | wc -c -m`,
  `printf 'a b c\\nd e\\n' > f; wc f; wc -l f; wc -lw f`,
  `printf 'a\\n' > f; printf 'hello world\\nfoo\\n' > g; wc f g`,
  `wc nofile`,
  `wc -z`,
  `seq 2000 > big; wc big; wc -c big`,
  // head / tail
  `seq 20 | head`,
  `seq 20 | head -n 3`,
  `seq 20 | head -3`,
  `seq 5 | head -n -2`,
  `seq 20 | tail -n 3`,
  `seq 20 | tail -2`,
  `seq 5 | tail -n +3`,
  `printf 'abc' | head -c 2`,
  `seq 3 > a; seq 4 6 > b; head -n 1 a b`,
  `head -n x`,
  `head nofile`,
  // sort / uniq
  `printf 'b\\na\\nB\\n10\\n9\\n' | sort`,
  `printf 'b\\na\\nc\\n' | sort -r`,
  `printf '10\\n9\\nx\\n-1\\n1.5\\n' | sort -n`,
  `printf '10\\n9\\n100\\n' | sort -rn`,
  `printf 'a 2\\nb 1\\nc 3\\n' | sort -k2 -n`,
  `printf 'a:2\\nb:10\\nc:1\\n' | sort -t: -k2,2n`,
  `printf 'b\\na\\nb\\na\\n' | sort -u`,
  `printf 'x 1\\ny 1\\nz 0\\n' | sort -k2,2 -u`,
  `printf 'a\\na\\nb\\na\\n' | uniq`,
  `printf 'a\\na\\nb\\na\\n' | uniq -c`,
  `printf 'a\\na\\nb\\n' | uniq -d`,
  `printf 'a\\na\\nb\\n' | uniq -u`,
  `printf 'b\\na\\nb\\nc\\nb\\n' | sort | uniq -c | sort -rn`,
  `sort nofile`,
  `sort -k 0`,
  // cut / tr
  `printf 'a:b:c\\n' | cut -d: -f2`,
  `printf 'a:b:c\\n' | cut -d: -f1,3`,
  `printf 'a:b:c\\n' | cut -d: -f2-`,
  `printf 'abcdef\\n' | cut -c2-4`,
  `printf 'abc\\n' | cut -c1,3`,
  `printf 'no delim\\n' | cut -d: -f2`,
  `printf 'a\\tb\\n' | cut -f2`,
  `cut -f0`,
  `cut -d ab -f1`,
  `printf 'x\\n' | cut`,
  `echo hello | tr a-z A-Z`,
  `echo hello | tr -d l`,
  `echo 'a   b    c' | tr -s ' '`,
  `echo hello | tr '[:lower:]' '[:upper:]'`,
  `echo 'a,b,c' | tr , '\\n'`,
  `echo abc | tr abc x`,
  `tr`,
  `tr a`,
  // tee / seq / xargs
  `echo tee-me | tee t1; cat t1`,
  `echo more | tee -a t1 > /dev/null; cat t1`,
  `seq 3`,
  `seq 2 4`,
  `seq 1 2 9`,
  `seq 5 -1 1`,
  `seq 1 0.5 3`,
  `seq -w 8 10`,
  `seq -s, 4`,
  `seq`,
  `seq x`,
  `printf 'a b\\nc\\n' | xargs echo x`,
  `printf 'a b c\\n' | xargs -n1 echo x`,
  `printf '' | xargs echo y; echo $?`,
  `printf '' | xargs -r echo y; echo $?`,
  `printf 'a\\nb\\n' | xargs -I{} echo '[{}]'`,
  `seq 3 | xargs`,
  `echo a | xargs nosuchcmd; echo $?`,
  `echo a | xargs false; echo $?`,
  // awk / sed
  `echo 'x y z' | awk '{print $2, $1}'`,
  `echo 'a:b:c' | awk -F: '{print $NF, NF}'`,
  `printf 'a 1\\nb 2\\nc 3\\n' | awk '{s += $2} END {print s}'`,
  `printf 'h1 h2\\nr1 v1\\nr2 v2\\n' | awk 'NR>1 {print $1}'`,
  `printf 'Up 1\\nExited 2\\nUp 3\\n' | awk '/Up/ {print $2}'`,
  `printf 'a b\\n' | awk '{printf "%s-%s\\n", $2, $1}'`,
  `printf 'x 1\\ny 2\\nx 3\\n' | awk '{c[$1]+=$2} END {print c["x"], c["y"]}'`,
  `echo 'a b c' | awk '{print length($0), toupper($1), substr($0, 3, 3)}'`,
  `echo 5 | awk '{ if ($1 > 3) print "big"; else print "small" }'`,
  `echo '3 4' | awk '{print $1 * $2, $1 / $2, $1 - $2}'`,
  `echo 'a b c' | awk '{$2 = "X"; print; print NF}'`,
  `printf '10\\n9\\n' | awk '$1 > 9'`,
  `echo abc | sed 's/b/X/'`,
  `echo aaa | sed 's/a/b/g'`,
  `echo aaa | sed 's/a/b/2'`,
  `echo abc | sed 's/b/[&]/g'`,
  `echo 'hello world' | sed 's/\\(hello\\) \\(world\\)/\\2 \\1/'`,
  `echo 'hello world' | sed -E 's/(hello) (world)/\\2 \\1/'`,
  `echo /usr/bin | sed 's|/|_|g'`,
  `seq 5 | sed -n '2,4p'`,
  `seq 5 | sed '2d'`,
  `seq 5 | sed '$d'`,
  `seq 5 | sed -n '/3/,$p'`,
  `seq 3 | sed 's/^/> /'`,
  `seq 5 | sed 3q`,
  `printf 'a\\nb' | sed 's/b/c/'`,
  `echo x | sed 's/x/'`,
  `echo x | sed 'k'`,
  // files
  `mkdir d; touch d/x d/y; ls d; ls`,
  `mkdir d; mkdir d`,
  `mkdir -p a/b/c; ls a/b`,
  `mkdir x/y`,
  `touch a b; rm a; ls`,
  `rm nofile`,
  `rm -f nofile; echo $?`,
  `mkdir d; rm d`,
  `mkdir d; touch d/f; rm -r d; ls`,
  `mkdir d; touch d/f; rmdir d`,
  `ls nofile`,
  `touch x/y`,
  `echo c > a; cp a b; cat b; mv b c; ls`,
  `cp nofile x`,
  `touch .hidden vis; ls; ls -a; ls -A`,
  `touch b a c; echo *; echo [ab]; echo ?`,
  `echo *.none`,
  `touch f1.txt f2.txt g.log; echo *.txt; ls *.txt`,
  `echo ~/x`,
  `[ -f nofile ] && echo yes || echo no`,
  `touch f; [ -f f ] && echo file; [ -d . ] && echo dir`,
  `[ 1 -lt 2 ]; echo $?; [ a = b ]; echo $?; [ x != y ]; echo $?`,
  `[ 1 -lt`,
  `test abc -eq 1; echo $?`,
  `basename /a/b/c.txt .txt; dirname /a/b/c.txt`,
  `true; false; echo $?`,
  `sleep x`,
  `sleep`,
];

function realBash(line: string): { stdout: string; stderr: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gbtest-sh-'));
  try {
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', line], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8', HOME: '/root', TERM: 'dumb' },
      timeout: 10_000,
    });
    // bash -c prefixes its messages with "-c: line 1: "; the interactive shell the terminal imitates does not.
    const stderr = r.stderr.replace(/^bash: (?:-c: )?line \d+: /gm, 'bash: ').replace(/^bash: `.*'\n/gm, '');
    return { stdout: r.stdout.split(dir).join('/root'), stderr, code: r.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ours(line: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const sh = new HostShell({ commands: {}, env: { HOME: '/root' } });
  let stdout = '';
  let stderr = '';
  const code = await sh.run(line, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, never);
  return { stdout, stderr, code };
}

describe('the host shell matches real bash and GNU tools', () => {
  it.each(LINES)('%s', async (line) => {
    const expected = realBash(line);
    const actual = await ours(line);
    expect(actual).toEqual(expected);
  });
});
