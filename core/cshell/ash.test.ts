import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../engine/testDriver';

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

async function sh(script: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const d = new EngineDriver();
  const { id } = d.engine.create({ image: 'busybox', cmd: ['sh', '-c', script], hostname: 'hh' });
  let stdout = '';
  let stderr = '';
  d.engine.attach(id, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  const exited = d.engine.wait(id, 'next-exit');
  d.engine.start(id);
  const code = await d.until(exited);
  return { stdout: stdout.replace(DATE, 'DATE'), stderr, code };
}

describe('busybox sh in a container, as real busybox', () => {
  it.each(recorded)('%s', async (script, stdout, stderr, code) => {
    expect(await sh(script)).toEqual({ stdout: stdout.replace(DATE, 'DATE'), stderr, code });
  });
});

describe('what the container shell does not run yet', () => {
  it.each([
    ['echo hi | tr a-z A-Z > /up; cat /up', 'a pipe (|)'],
    ['echo $(hostname) > /h', 'command substitution ($( ) and backquotes)'],
    ['echo "at `date`"', 'command substitution ($( ) and backquotes)'],
    ['touch /a; for i in 1 2; do echo $i; done', '"for" (if, for, while, case and { })'],
    ['if [ -f /etc/hosts ]; then echo yes; fi', '"if" (if, for, while, case and { })'],
    ['(cd /tmp && touch x)', 'a subshell ( )'],
  ])('%s: says so and runs nothing (exit 2), rather than take it for plain words', async (script, what) => {
    const r = await sh(`${script}\nls /`);
    expect(r).toEqual({ stdout: '', stderr: `glassbox: ${what} in the container shell: not simulated yet\n`, code: 2 });
  });

  it('still takes | and $( as plain text where quoting makes them so, and || as or', async () => {
    expect(await sh(`echo 'a | b $(c)' "x \\$(y)"; false || echo or`)).toEqual({ stdout: 'a | b $(c) x $(y)\nor\n', stderr: '', code: 0 });
  });
});
