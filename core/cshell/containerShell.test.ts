import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../engine/testDriver';
import { seededRng } from '../ports';

/**
 * The container shell against real busybox: each row is a script and what
 * `docker run --rm --hostname hh busybox sh -c SCRIPT` printed on the test
 * image (recorded with test/setup/record-busybox.mjs). Times in `ls -l` are
 * masked: the image's files carry their build time, new files the clock's.
 */
const recorded: [script: string, stdout: string, stderr: string, code: number][] = [
  ["echo hi > /etc/motd; cat /etc/motd", "hi\n", "", 0],
  ["echo a >> /tmp/f; echo b >> /tmp/f; cat /tmp/f", "a\nb\n", "", 0],
  ["touch /tmp/a && ls /tmp", "a\n", "", 0],
  ["touch /x/y", "", "touch: /x/y: No such file or directory\n", 1],
  ["mkdir /tmp/d && mkdir /tmp/d", "", "mkdir: can't create directory '/tmp/d': File exists\n", 1],
  ["mkdir /x/y; mkdir -p /x/y && ls -d /x/y", "/x/y\n", "mkdir: can't create directory '/x/y': No such file or directory\n", 0],
  ["mkdir -p /a/b/c && cp -r /a /c && ls /c/b", "c\n", "", 0],
  ["cp /bin /t", "", "cp: omitting directory '/bin'\n", 1],
  ["cp /nope /t", "", "cp: can't stat '/nope': No such file or directory\n", 1],
  ["cp /etc/passwd /nodir/x", "", "cp: can't create '/nodir/x': No such file or directory\n", 1],
  ["mv /nope /t", "", "mv: can't rename '/nope': No such file or directory\n", 1],
  ["mv /tmp /tmp/a", "", "mv: can't rename '/tmp': Invalid argument\n", 1],
  ["touch /tmp/x; mv /tmp/x /tmp/y; ls /tmp", "y\n", "", 0],
  ["rm /etc", "", "rm: '/etc' is a directory\n", 1],
  ["rm /nonexist", "", "rm: can't remove '/nonexist': No such file or directory\n", 1],
  ["rm -f /nonexist; echo $?", "0\n", "", 0],
  ["rmdir /etc", "", "rmdir: '/etc': Directory not empty\n", 1],
  ["ln -s /etc/hostname /tmp/l && cat /tmp/l; ls /tmp", "hh\nl\n", "", 0],
  ["ln -s /a /nodir/b", "", "ln: /nodir/b: No such file or directory\n", 1],
  ["touch /tmp/l; ln -s x /tmp/l", "", "ln: /tmp/l: File exists\n", 1],
  ["cat /nope", "", "cat: can't open '/nope': No such file or directory\n", 1],
  ["cat /etc", "", "cat: read error: Is a directory\n", 1],
  ["cat < /nope", "", "sh: can't open /nope: no such file\n", 1],
  ["echo x > /nodir/f", "", "sh: can't create /nodir/f: nonexistent directory\n", 1],
  ["echo x > /etc", "", "sh: can't create /etc: Is a directory\n", 1],
  ["cd /nope", "", "sh: cd: line 0: can't cd to /nope: No such file or directory\n", 2],
  ["cd /etc/passwd", "", "sh: cd: line 0: can't cd to /etc/passwd: Not a directory\n", 2],
  ["cd /etc && pwd && cd && pwd; echo $PWD", "/etc\n/root\n/root\n", "", 0],
  ["cd /tmp; touch q; ls; cd ..; ls -d t*", "q\ntmp\n", "", 0],
  ["id; id -u; id -g; id -un; id -gn; id -G", "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n0\n0\nroot\nroot\n0 10\n", "", 0],
  ["whoami; hostname; pwd", "root\nhh\n/\n", "", 0],
  ["ls /nope", "", "ls: /nope: No such file or directory\n", 1],
  ["ls -a /home", ".\n..\n", "", 0],
  ["ls -d /e* /h*", "/etc\n/home\n", "", 0],
  ["echo /etc/host*", "/etc/hostname /etc/hosts\n", "", 0],
  ["echo \"/etc/host*\"", "/etc/host*\n", "", 0],
  ["ls /etc", "group\nhostname\nhosts\nmtab\npasswd\nresolv.conf\n", "", 0],
  ["export A=1; sh -c \"echo \\$A\"", "1\n", "", 0],
  ["B=2; sh -c \"echo [\\$B]\"", "[]\n", "", 0],
  ["nosuch; echo $?", "127\n", "sh: nosuch: not found\n", 0],
  ["/etc/passwd; echo $?", "126\n", "sh: /etc/passwd: Permission denied\n", 0],
  ["ls -l /etc/passwd /etc/group", "-rw-r--r--    1 root     root           153 Nov 27 17:48 /etc/group\n-rw-r--r--    1 root     root           340 Nov 27 17:48 /etc/passwd\n", "", 0],
  ["ls -ld /tmp /root /etc/hostname", "-rw-r--r--    1 root     root             3 Nov 27 21:38 /etc/hostname\ndrwxr-xr-x    2 root     root          4096 Nov 27 17:48 /root\ndrwxrwxrwt    2 root     root          4096 Nov 27 17:48 /tmp\n", "", 0],
];

const DATE = /[A-Z][a-z]{2} [ 0-9]\d (?: \d{4}|\d\d:\d\d)/g;

async function sh(script: string, opts: { workingDir?: string } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  const d = new EngineDriver();
  const { id } = d.engine.create({ image: 'busybox', cmd: ['sh', '-c', script], hostname: 'hh', ...opts });
  let stdout = '';
  let stderr = '';
  d.engine.attach(id, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  const exited = d.engine.wait(id, 'next-exit');
  d.engine.start(id);
  const code = await d.until(exited);
  return { stdout, stderr, code };
}

describe('busybox sh in a container, as real busybox in Docker', () => {
  it.each(recorded)('%s', async (script, stdout, stderr, code) => {
    const r = await sh(script);
    expect({ ...r, stdout: r.stdout.replace(DATE, 'DATE') }).toEqual({ stdout: stdout.replace(DATE, 'DATE'), stderr, code });
  });
});

/**
 * The same scripts in the simulated busybox container (working directory
 * /tmp) and in this machine's /bin/busybox (Debian's busybox-static, the
 * binary of the test image) in an empty directory: stdout, stderr and the
 * exit code must be identical. Each feature of the shell has rows here:
 * pipes through grep/wc/sort/head, $( ) and backquotes, case, functions,
 * $(( )), here-documents, redirects, traps, background jobs, exit codes and
 * the not-found (127) and permission (126) errors.
 */
const DIFFERENTIAL: string[] = [
  "echo hello   world",
  "echo \"a  b\"   'c  d' e\\ f",
  "x=5; echo $x \"$x\" '$x' ${x} ${x}y $xy.",
  "x=abc.tar.gz; echo ${x%.gz} ${x%%.*} ${x#*.} ${x##*.} ${#x}",
  "x=; echo [${x:-def}] [${x-def}] [${y:-unset}] [${y:+set}]",
  "echo $(echo  a   b) \"$(echo  a   b)\"",
  "echo `echo back tick` and $(echo $(echo nested))",
  "v=$(false); echo $?",
  "echo $((3 + 4 * 2)) $((10 / 3)) $((10 % 3)) $((1 < 2))",
  "true && echo yes || echo no; false && echo yes || echo no",
  "! true; echo $?; ! false; echo $?",
  "(echo sub; exit 3); echo $?",
  "x=1; (x=2; echo $x); echo $x",
  "{ echo g1; echo g2; } | wc -l",
  "echo one | (read a; echo got $a)",
  "printf 'b\\na\\nc\\n' | sort",
  "seq 10 | sort -r | head -3",
  "seq 100 | grep 7 | wc -l",
  "printf 'x y\\nz w\\n' | awk '{print $2}'",
  "echo hello | sed 's/l/L/g'",
  "echo abc | tr a-z A-Z",
  "seq 3 | while read n; do echo n$n; done",
  "for f in a b; do for g in 1 2; do echo $f$g; done; done",
  "for i in 1 2 3 4; do if [ $i = 3 ]; then break; fi; echo $i; done",
  "for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done",
  "i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done",
  "i=0; until [ $i -ge 3 ]; do i=$((i+1)); done; echo $i",
  "if [ -z '' ]; then echo empty; elif true; then echo no; else echo never; fi",
  "case abc in a*) echo A;; *) echo other;; esac",
  "case x in y|x) echo yx;; esac; case q in a) echo a;; esac; echo $?",
  "for w in apple banana cherry; do case $w in b*) echo B:$w;; *a*) echo A:$w;; esac; done",
  "f() { echo \"f:$1:$#\"; return 3; }; f x y; echo $?",
  "g() { local v=in; echo $v; }; v=out; g; echo $v",
  "echo hi > f; cat f; echo there >> f; cat f; wc -l < f",
  "cat nofile 2> err; cat err",
  "cat nofile > /dev/null 2>&1; echo $?",
  "{ echo o; echo e >&2; } 2>&1 | wc -l",
  "x=5; cat <<EOF\nval $x \\$x $(echo sub)\nEOF\necho after",
  "cat <<'EOF'\n$HOME \\n\nEOF",
  "cat <<-EOF\n\tindented\n\tEOF",
  "tr a-z A-Z <<EOF | sed 's/^/X:/'\none\ntwo\nEOF",
  "trap 'echo bye' EXIT; echo hi",
  "trap 'echo bye $?' EXIT; exit 4",
  "trap 'echo t' TERM; trap",
  "sleep 0 & wait; echo waited $?",
  "(exit 5) & wait $!; echo $?",
  "exit 3",
  "nosuchcommand; echo $?",
  "touch f; ./f; echo $?",
  "set -e; echo before; false; echo after",
  "set -- a b c; echo $# $2; shift; echo $1",
  "echo $((1/0)); echo after",
  "echo ${unset:?oops}; echo after",
  "cd /nonexistent; echo $?",
  "IFS=:; set -- $(echo a:b:c); echo $#",
  "yes | head -2",
  "A=1 sh -c 'echo $A'; echo [$A]",
  "export B=2; sh -c 'echo $B'",
  "x=$(printf 'a\\n\\n\\n'); echo \"[$x]\"",
  "eval 'echo ev; echo al'",
  "type cd echo",
  "echo a;; echo b",
  "echo )",
  "if true; then",
  "trap 'echo got TERM' TERM; kill -TERM $$; echo after",
  "sleep 5 & p=$!; sleep 0.1; kill $p; wait $p 2>/dev/null; echo $?",
  "sleep 5 & jobs; kill %1",
  "(sleep 0.1; echo late) & echo early; wait",
  "fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5",
  "set -- 'a b' c; for x in \"$@\"; do echo [$x]; done; for x in $@; do echo [$x]; done; echo \"$*\"",
  "command -v echo; command -v nosuch; echo $?",
  "exec echo replaced; echo not-here",
  "cat <<< 'here string'",
  "echo $((5 & 3)) $((5 | 3)) $((5 ^ 3)) $((1 << 4)) $((-7 / 2)) $((2 > 1 ? 10 : 20))",
  "[ 1 -eq a ]; echo $?",
  "readonly r=1; r=2; echo after $r",
  "local x=1; echo after",
  "exit abc; echo after",
  "echo one\ncd /nonexistent\necho three",
  "for i in 1 2 3; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done",
  "printf 'l1\\nl2\\n' > f; while read line; do echo \"<$line>\"; done < f",
  "touch a1 a2 b1; echo a*; echo *1; echo [ab]2; echo z*",
  "printf '%s-%d|%5s|%-3s|\\n' x 42 r l",
  "set -x; echo traced; x=1",
  "f() { echo $0; }; f",
  "false | true; echo $?; true | false; echo $?",
  "echo x > /nonexistent/f; echo $?",
  "cat < nofile; echo $?",
  "n=0; while [ $n -lt 1000 ]; do n=$((n+1)); done; echo $n",
  "seq 3 | { while read l; do sum=$(( ${sum:-0} + l )); done; echo $sum; }",
  "(trap 'echo sub-exit' EXIT; echo in-sub); echo out",
  "sh -c 'exit 7'; echo $?",
  "sh -c 'echo $0 $1 $2' zero one two",
  "echo $- | grep -q c && echo has-c",
  "case 'a*' in 'a*') echo literal;; a*) echo glob;; esac",
  "echo ${x:=dflt}; echo $x",
  "grep -c o <<EOF\nfoo\nbar\nboo\nEOF",
  "ls nosuchfile 2>&1 | wc -l",
];

function realBusybox(script: string): { stdout: string; stderr: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gbtest-ash-'));
  try {
    const r = spawnSync('/bin/busybox', ['sh', '-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' },
      timeout: 10_000,
    });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HAVE_BUSYBOX = existsSync('/bin/busybox');

describe('the container shell matches /bin/busybox sh', () => {
  if (!HAVE_BUSYBOX) {
    // CI installs Debian's busybox-static; without it there is nothing to compare against.
    if (process.env.REQUIRE_DOCKER === '1') it('needs /bin/busybox (apt install busybox-static)', () => expect(HAVE_BUSYBOX).toBe(true));
    else it.skip('skipped: /bin/busybox is absent (apt install busybox-static to run these)', () => {});
    return;
  }
  it('covers at least forty scripts', () => expect(DIFFERENTIAL.length).toBeGreaterThanOrEqual(40));
  it.each(DIFFERENTIAL)('%s', async (script) => {
    const expected = realBusybox(script);
    expect(await sh(script, { workingDir: '/tmp' })).toEqual(expected);
  });
});

/** The same scripts as bash and dash in an ubuntu container, against this machine's bash and dash (GNU tools on both sides). */
function realShell(shell: string, script: string): { stdout: string; stderr: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gbtest-sh-'));
  try {
    const r = spawnSync(`/bin/${shell}`, ['-c', script], {
      argv0: shell,
      cwd: dir,
      encoding: 'utf8',
      // No LC_ALL and a HOME of its own: the scripts print neither, and both slow bash's start here by a tenth of a second or more.
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir },
      timeout: 10_000,
    });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inUbuntu(d: EngineDriver, shell: string, script: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const { id } = d.engine.create({ image: 'ubuntu', cmd: [shell, '-c', script], workingDir: '/tmp' });
  let stdout = '';
  let stderr = '';
  d.engine.attach(id, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  const exited = d.engine.wait(id, 'next-exit');
  d.engine.start(id);
  const code = await d.until(exited);
  d.engine.remove(id, { force: true });
  return { stdout, stderr, code };
}

/** Scripts whose real outcome depends on a race between a job and `kill` in the real shell. */
const RACY = new Set(['sleep 5 & jobs; kill %1']);

for (const shell of ['bash', 'dash']) {
  const path = `/bin/${shell}`;
  describe(`${shell} in an ubuntu container matches ${path}`, () => {
    if (!existsSync(path)) {
      it.skip(`skipped: ${path} is absent`, () => {});
      return;
    }
    const d = new EngineDriver();
    d.engine.pull('ubuntu');
    it.each(DIFFERENTIAL.filter((s) => !RACY.has(s)))('%s', async (script) => {
      expect(await inUbuntu(d, shell, script)).toEqual(realShell(shell, script));
    });
  });
}

describe('robustness', () => {
  it('never crashes and always exits with a status, whatever the script', async () => {
    const rng = seededRng('container-shell-fuzz');
    const alphabet = ['echo', 'grep', 'a', ' ', '|', '||', '&&', ';', '"', "'", '$(', ')', '`', '$', '{', '}', '>', '<', '2>&1', '\\', '*', '#', '\n', 'x=1', '$((', '))', 'if', 'then', 'fi', 'for', 'do', 'done', 'in', 'while', 'case', 'esac', ';;', '-n', 'sed', 's/a/b/', 'awk', '{print $1}', 'wc', '-l', 'cd', '..', 'ls', 'cat', 'f', '[', ']', '!', '&', '(', '${', '%', 'seq', '3', 'sort', 'head', 'sh', '-c', 'f()', 'trap', 'wait', 'kill', '%1', 'exit', 'set', '-e', 'local', 'return', '<<', 'EOF'];
    const d = new EngineDriver();
    for (let n = 0; n < 300; n++) {
      const len = 1 + (rng.nextU32() % 10);
      let script = '';
      for (let k = 0; k < len; k++) script += alphabet[rng.nextU32() % alphabet.length]! + (rng.nextU32() % 2 ? ' ' : '');
      const { id } = d.engine.create({ image: 'busybox', cmd: ['sh', '-c', script] });
      let stderr = '';
      d.engine.attach(id, { stdout: () => {}, stderr: (t) => (stderr += t) });
      const exited = d.engine.wait(id, 'next-exit');
      d.engine.start(id);
      d.scheduler.after(60_000, () => d.state(id) === 'running' && d.engine.kill(id));
      const code = await d.until(exited);
      expect(Number.isInteger(code) && code >= 0 && code <= 255, script).toBe(true);
      expect(stderr, script).not.toContain('internal error');
      d.engine.remove(id, { force: true });
    }
  }, 120_000);
});
