import { describe, expect, it } from 'vitest';
import { HostShell, type HostShellOptions } from './hostShell';
import { InterruptSource, never, seededRng, type Interrupt } from '../ports';
import type { CommandRunner, ProcessIO } from '../process';

interface Call {
  argv: string[];
  stdin: string | null;
  stdinIsTTY: boolean;
}

/** A fake `docker` that records every argv and answers a few subcommands like the real CLI. */
function fakeDocker(ids: string[] = ['4f1c2b3a9d8e', '77aa66bb55cc']): { run: CommandRunner; calls: Call[] } {
  const calls: Call[] = [];
  const saved: string[] = [];
  const run: CommandRunner = async (argv, io) => {
    calls.push({ argv, stdin: io.stdin, stdinIsTTY: io.stdinIsTTY });
    const [, sub, ...rest] = argv;
    if (sub === 'ps' && rest.some((a) => /^-a?q$|^-qa$/.test(a))) {
      io.stdout(ids.map((id) => id + '\n').join(''));
      return 0;
    }
    if (sub === 'images' && rest.includes('-q')) {
      io.stdout('sha1\nsha2\n');
      return 0;
    }
    if (sub === 'images') {
      io.stdout('REPOSITORY    TAG       IMAGE ID       CREATED        SIZE\nbusybox       latest    a416a98b71e2   2 months ago   4.26MB\nhello-world   latest    d2c94e258dcb   9 months ago   13.3kB\n');
      return 0;
    }
    if (sub === 'run' && rest.includes('-d')) {
      io.stdout('c0ffee' + '0'.repeat(58) + '\n');
      return 0;
    }
    if (sub === 'save') {
      io.stdout('TARBALL-BYTES');
      saved.push('TARBALL-BYTES');
      return 0;
    }
    if (sub === 'load') {
      io.stdout(io.stdin === 'TARBALL-BYTES' ? 'Loaded image: centos:latest\n' : 'requested load from stdin, but stdin is empty\n');
      return io.stdin === 'TARBALL-BYTES' ? 0 : 1;
    }
    if ((sub === 'rm' || sub === 'kill' || sub === 'stop' || sub === 'rmi') && rest.filter((a) => !a.startsWith('-')).length === 0) {
      io.stderr(`docker: 'docker ${sub}' requires at least 1 argument\n\nUsage:  docker ${sub} [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker ${sub} --help' for more information\n`);
      return 1;
    }
    for (const a of rest) if (!a.startsWith('-')) io.stdout(a + '\n');
    return 0;
  };
  return { run, calls };
}

async function run(sh: HostShell, line: string, opts: { interrupt?: Interrupt; tty?: boolean } = {}): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const code = await sh.run(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, opts.interrupt ?? never, { stdinIsTTY: opts.tty ?? false });
  return { out, err, code };
}

function shell(extra: Partial<HostShellOptions> = {}): HostShell {
  return new HostShell({ commands: {}, ...extra });
}

describe('parsing: quoting, substitution, operators, redirects', () => {
  const cases: [string, string, number][] = [
    ['echo a\\ b "c  d" \'e  f\'', 'a b c  d e  f\n', 0],
    ['echo "$HOME" \'$HOME\' \\$HOME', '/root $HOME $HOME\n', 0],
    ['X=1; echo ${X}2 $X-3', '12 1-3\n', 0],
    ['echo "$(echo a; echo b)"', 'a\nb\n', 0],
    ['echo $(echo a; echo b)', 'a b\n', 0],
    ['echo `echo tick`', 'tick\n', 0],
    ['echo "nested $(echo "inner $(echo deep)")"', 'nested inner deep\n', 0],
    ['false; echo $?', '1\n', 0],
    ['true && echo and', 'and\n', 0],
    ['false || echo or', 'or\n', 0],
    ['false && echo no', '', 1],
    ['echo a | tr a b | tr b c', 'c\n', 0],
    ['echo # comment', '\n', 0],
    ['V=abc; echo ${#V} ${V:-x} ${U:-unset}', '3 abc unset\n', 0],
    ['echo $((6 * 7))', '42\n', 0],
    ['a=1 b=2; echo $a$b', '12\n', 0],
    ['export E=5; env | grep ^E=', 'E=5\n', 0],
    ['E=6 env | grep ^E=; echo ${E:-gone}', 'E=6\ngone\n', 0],
    ['echo one\necho two', 'one\ntwo\n', 0],
    ['echo "multi\nline"', 'multi\nline\n', 0],
  ];
  it.each(cases)('%j', async (line, out, code) => {
    const r = await run(shell(), line);
    expect(r).toEqual({ out, err: '', code });
  });

  const errors: [string, string][] = [
    ['| a', "bash: syntax error near unexpected token `|'\n"],
    ['echo a ;;', "bash: syntax error near unexpected token `;;'\n"],
    ['echo a >', "bash: syntax error near unexpected token `newline'\n"],
    ['echo )', "bash: syntax error near unexpected token `)'\n"],
    ["echo 'open", "bash: unexpected EOF while looking for matching `''\n"],
    ['echo "open', 'bash: unexpected EOF while looking for matching `"\'\n'],
    ['echo a &&', 'bash: syntax error: unexpected end of file\n'],
    ['cat <<EOF', "bash: warning: here-document delimited by end-of-file (wanted `EOF')\n"],
    ['cat <<', "bash: syntax error near unexpected token `newline'\n"],
  ];
  it.each(errors)('syntax error %j', async (line, err) => {
    const sh = shell();
    expect(await run(sh, line)).toEqual({ out: '', err, code: 2 });
    expect(sh.lastStatus).toBe(2);
  });

  it('tells unfinished input apart from wrong input', () => {
    const sh = shell();
    expect(['echo "a', 'echo a |', 'if true; then', 'for i in 1; do', 'echo $(', 'echo a &&'].map((l) => sh.isIncomplete(l))).toEqual([true, true, true, true, true, true]);
    expect(['echo a', '| a', 'echo )', ''].map((l) => sh.isIncomplete(l))).toEqual([false, false, false, false]);
  });

  it('redirects into the in-memory filesystem, in bash order', async () => {
    const sh = shell();
    await run(sh, 'echo one > f; echo two >> f; ls nofile 2> err; ls nofile > both 2>&1; ls nofile 2>&1 > out');
    expect(sh.fs.readFile('/root/f')).toBe('one\ntwo\n');
    expect(sh.fs.readFile('/root/err')).toBe("ls: cannot access 'nofile': No such file or directory\n");
    expect(sh.fs.readFile('/root/both')).toBe("ls: cannot access 'nofile': No such file or directory\n");
    expect(sh.fs.readFile('/root/out')).toBe('');
    expect(await run(sh, 'echo x > $NOPE')).toEqual({ out: '', err: 'bash: $NOPE: ambiguous redirect\n', code: 1 });
    expect(await run(sh, 'echo x > /no/such/f')).toEqual({ out: '', err: 'bash: /no/such/f: No such file or directory\n', code: 1 });
    expect(await run(sh, 'echo x > /tmp')).toEqual({ out: '', err: 'bash: /tmp: Is a directory\n', code: 1 });
    expect(await run(sh, 'echo gone > /dev/null; cat /dev/null')).toEqual({ out: '', err: '', code: 0 });
  });

  it('keeps $? across lines and after a failed command', async () => {
    const sh = shell();
    await run(sh, 'nosuch');
    expect(sh.lastStatus).toBe(127);
    expect((await run(sh, 'echo $?')).out).toBe('127\n');
    expect((await run(sh, '')).code).toBe(0);
  });
});

describe("the course's docker lines", () => {
  const lines: [string, string[][]][] = [
    ['docker kill $(docker ps -q)', [['docker', 'ps', '-q'], ['docker', 'kill', '4f1c2b3a9d8e', '77aa66bb55cc']]],
    ['docker rm $(docker ps -a -q)', [['docker', 'ps', '-a', '-q'], ['docker', 'rm', '4f1c2b3a9d8e', '77aa66bb55cc']]],
    ['sudo docker rm $(sudo docker ps -a -q)', [['docker', 'ps', '-a', '-q'], ['docker', 'rm', '4f1c2b3a9d8e', '77aa66bb55cc']]],
    ['docker rmi $(docker images -q)', [['docker', 'images', '-q'], ['docker', 'rmi', 'sha1', 'sha2']]],
    ['docker ps -q | xargs docker rm -f', [['docker', 'ps', '-q'], ['docker', 'rm', '-f', '4f1c2b3a9d8e', '77aa66bb55cc']]],
    ["docker ps --format '{{.Names}}\\t{{.Status}}'", [['docker', 'ps', '--format', '{{.Names}}\\t{{.Status}}']]],
    ['docker run -d -p 88:80 --name web -v /src/webapp:/opt/webapp training/webapp python app.py', [['docker', 'run', '-d', '-p', '88:80', '--name', 'web', '-v', '/src/webapp:/opt/webapp', 'training/webapp', 'python', 'app.py']]],
    ['docker exec -it web /bin/bash', [['docker', 'exec', '-it', 'web', '/bin/bash']]],
    ['docker run -e "A=b c" busybox env', [['docker', 'run', '-e', 'A=b c', 'busybox', 'env']]],
  ];
  it.each(lines)('%s', async (line, argvs) => {
    const d = fakeDocker();
    const sh = shell({ commands: { docker: d.run } });
    const r = await run(sh, line);
    expect(r.err).toBe('');
    expect(d.calls.map((c) => c.argv)).toEqual(argvs);
  });

  it('passes an empty substitution as no argument, so docker reports its own usage error', async () => {
    const d = fakeDocker([]);
    const sh = shell({ commands: { docker: d.run } });
    const r = await run(sh, 'docker rm $(docker ps -a -q)');
    expect(d.calls[1]!.argv).toEqual(['docker', 'rm']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("'docker rm' requires at least 1 argument");
  });

  it('saves to a file and loads it back through stdin', async () => {
    const d = fakeDocker();
    const sh = shell({ commands: { docker: d.run } });
    expect((await run(sh, 'docker save centos > /opt/centos.tar.gz')).code).toBe(0);
    expect(sh.fs.readFile('/opt/centos.tar.gz')).toBe('TARBALL-BYTES');
    expect(await run(sh, 'docker load < /opt/centos.tar.gz')).toEqual({ out: 'Loaded image: centos:latest\n', err: '', code: 0 });
  });

  it('keeps a container id in a variable', async () => {
    const d = fakeDocker();
    const sh = shell({ commands: { docker: d.run } });
    await run(sh, 'CID=$(docker run -d busybox sleep 100); docker stop $CID');
    expect(d.calls[1]!.argv).toEqual(['docker', 'stop', 'c0ffee' + '0'.repeat(58)]);
  });

  it('filters docker output through grep, awk and wc', async () => {
    const sh = shell({ commands: { docker: fakeDocker().run } });
    expect((await run(sh, 'docker images | grep busybox')).out).toBe('busybox       latest    a416a98b71e2   2 months ago   4.26MB\n');
    expect((await run(sh, "docker images | awk 'NR>1 {print $1\":\"$2}'")).out).toBe('busybox:latest\nhello-world:latest\n');
    expect((await run(sh, 'docker images | tail -n +2 | wc -l')).out).toBe('2\n');
    expect((await run(sh, 'docker images | grep -c nothing')).code).toBe(1);
  });

  it('tells a program whether its stdin is the terminal or a pipe', async () => {
    const d = fakeDocker();
    const sh = shell({ commands: { docker: d.run } });
    await run(sh, 'docker run -it busybox sh', { tty: true });
    await run(sh, 'echo hi | docker run -i busybox cat', { tty: true });
    await run(sh, 'docker run -i busybox cat <<< data', { tty: true });
    expect(d.calls.map((c) => [c.stdin, c.stdinIsTTY])).toEqual([[null, true], ['hi\n', false], ['data\n', false]]);
  });

  // The agent gives a program a real pseudo-terminal only when all three are the terminal.
  it.each([
    ['docker ps', [true, true, true]],
    ['docker ps 2>/dev/null', [true, true, false]],
    ['docker ps 2>err.txt', [true, true, false]],
    ['docker ps > out.txt', [true, false, true]],
    ['docker ps > out.txt 2>&1', [true, false, false]],
    ['docker ps 2>&1 | cat', [true, false, false]],
    ['docker ps | cat', [true, false, true]],
    ['docker ps |& cat', [true, false, false]],
    ['echo x | docker ps', [false, true, true]],
    ['docker ps 1>&2', [true, true, true]],
    ['docker ps 2>&-', [true, true, false]],
    ['docker ps 2>/dev/stderr', [true, true, true]],
    ['docker ps </dev/null', [false, true, true]],
    ['bash -c "docker ps"', [true, true, true]],
    ['bash -c "docker ps" 2>/dev/null', [true, true, false]],
  ])('tells %s which of stdin, stdout and stderr are the terminal', async (line, [stdin, stdout, stderr]) => {
    const seen: boolean[][] = [];
    const sh = shell({ commands: { docker: async (_argv, io) => (seen.push([io.stdin === null && io.stdinIsTTY, io.stdoutIsTTY ?? false, io.stderrIsTTY ?? false]), 0) } });
    await run(sh, line, { tty: true });
    expect(seen.at(-1)).toEqual([stdin, stdout, stderr]);
  });

  it('lets backend programs win over utilities of the same name', async () => {
    const sh = shell({ commands: { grep: async (_a, io) => (io.stdout('backend grep\n'), 0) } });
    expect((await run(sh, 'echo x | grep x')).out).toBe('backend grep\n');
  });

  it('reports a program that throws as an error, not a crash', async () => {
    const sh = shell({ commands: { docker: async () => { throw new Error('boom'); } } });
    expect(await run(sh, 'docker ps; echo next')).toEqual({ out: 'next\n', err: 'bash: docker: internal error: boom\n', code: 0 });
  });
});

describe('utilities', () => {
  const cases: [string, string, string, number][] = [
    ['echo -n a; echo -e "b\\tc"', 'ab\tc\n', '', 0],
    ['printf "%s=%d\\n" a 1 b 2', 'a=1\nb=2\n', '', 0],
    ['seq 3 | tac', '', 'bash: tac: command not found\n', 127],
    ['clear', '\x1b[H\x1b[2J\x1b[3J', '', 0],
    ['whoami; hostname; id', 'root\nglassbox\nuid=0(root) gid=0(root) groups=0(root)\n', '', 0],
    ['pwd; cd /tmp; pwd; cd; pwd', '/root\n/tmp\n/root\n', '', 0],
    ['cd /nope', '', 'bash: cd: /nope: No such file or directory\n', 1],
    ['type echo docker nosuch', 'echo is a shell builtin\ndocker is /usr/bin/docker\n', 'bash: type: nosuch: not found\n', 1],
    ['which grep cd', '/usr/bin/grep\n', '', 1],
    ['unset HOME; echo ${HOME:-none}', 'none\n', '', 0],
    ['sudo whoami', 'root\n', '', 0],
    ['sudo cd /', '', 'sudo: cd: command not found\n', 1],
    ['sudo nosuch', '', 'sudo: nosuch: command not found\n', 1],
    ['env nosuch', '', 'env: \u2018nosuch\u2019: No such file or directory\n', 127],
    ['bash -c "echo inner; exit 4"; echo $?', 'inner\n4\n', '', 0],
    ['sh -c \'echo $0 $1\' zero one', 'zero one\n', '', 0],
    ['bash -c "echo ("', '', "bash: -c: line 1: syntax error near unexpected token `('\nbash: -c: line 1: `echo ('\n", 2],
    ['echo "echo from file" > s.sh; bash s.sh; . ./s.sh', 'from file\nfrom file\n', '', 0],
    ['eval "echo a; echo b"', 'a\nb\n', '', 0],
    ['help | head -n 1', 'Glassbox host shell, a bash look-alike. It runs in your browser over an in-memory filesystem.\n', '', 0],
  ];
  it.each(cases)('%j', async (line, out, err, code) => {
    const sh = shell({ commands: { docker: fakeDocker().run } });
    expect(await run(sh, line)).toEqual({ out, err, code });
  });

  it('prints ls in columns on a terminal and one name per line into a pipe', async () => {
    const sh = shell();
    await run(sh, 'touch alpha beta gamma delta epsilon');
    expect((await run(sh, 'ls', { tty: true })).out).toBe('alpha  beta  delta  epsilon  gamma\n');
    expect((await run(sh, 'ls | cat', { tty: true })).out).toBe('alpha\nbeta\ndelta\nepsilon\ngamma\n');
    await run(sh, 'for i in $(seq 30); do touch file-with-a-long-name-$i; done');
    const cols = (await run(sh, 'ls', { tty: true })).out.split('\n');
    expect(cols.length).toBeGreaterThan(3);
    expect(Math.max(...cols.map((l) => l.length))).toBeLessThan(80);
  });

  it('formats ls -l with the clock', async () => {
    const sh = shell({ clock: { now: () => Date.UTC(2026, 10, 27, 17, 42) } });
    await run(sh, 'echo hello > f; mkdir d');
    expect((await run(sh, 'ls -l')).out).toBe('total 8\ndrwxr-xr-x 2 root root 4096 Nov 27 17:42 d\n-rw-r--r-- 1 root root    6 Nov 27 17:42 f\n');
  });

  it('leaves `exit` with a note at top level and stops the line', async () => {
    const sh = shell();
    const r = await run(sh, 'exit 3; echo not-here');
    expect(r.code).toBe(3);
    expect(r.out).toBe('');
    expect(r.err).toContain('exit\n');
  });

  it('completes command names and paths', async () => {
    const sh = shell({ commands: { docker: fakeDocker().run } });
    await run(sh, 'mkdir -p /opt/myregistry; touch /opt/notes.txt');
    expect(sh.complete('doc')).toEqual(['docker']);
    expect(sh.complete('echo a | gr')).toEqual(['grep']);
    expect(sh.complete('sudo do')).toEqual(['docker']);
    expect(sh.complete('ls /opt/my')).toEqual(['/opt/myregistry/']);
    expect(sh.complete('cat /opt/')).toEqual(['/opt/myregistry/', '/opt/notes.txt']);
    expect(sh.complete('cat /nope/x')).toEqual([]);
  });

  it('shows a bash-like prompt', async () => {
    const sh = shell();
    expect(sh.prompt()).toBe('root@glassbox:~# ');
    await run(sh, 'cd /tmp');
    expect(sh.prompt()).toBe('root@glassbox:/tmp# ');
    const user = new HostShell({ commands: {}, user: 'student', hostname: 'lab' });
    expect(user.prompt()).toBe('student@lab:~$ ');
  });
});

describe('Ctrl-C', () => {
  /** A sleep in "virtual time" that only ends when interrupted (or released by the test). */
  function pausedSleep(): { sleep: HostShellOptions['sleep']; started: Promise<void> } {
    let markStarted!: () => void;
    const started = new Promise<void>((r) => (markStarted = r));
    return {
      started,
      sleep: (_ms, interrupt) =>
        new Promise<boolean>((resolve) => {
          interrupt.onInterrupt(() => resolve(false));
          markStarted();
        }),
    };
  }

  it('stops a sleep and the rest of the line with 130', async () => {
    const s = pausedSleep();
    const sh = shell({ sleep: s.sleep });
    const intr = new InterruptSource();
    const done = run(sh, 'sleep 100; echo after', { interrupt: intr });
    await s.started;
    intr.interrupt();
    expect(await done).toEqual({ out: '', err: '', code: 130 });
    expect(sh.lastStatus).toBe(130);
  });

  it('stops a loop of sleeps', async () => {
    const s = pausedSleep();
    const sh = shell({ sleep: s.sleep });
    const intr = new InterruptSource();
    const done = run(sh, 'for i in 1 2 3; do echo $i; sleep 1; done; echo end', { interrupt: intr });
    await s.started;
    intr.interrupt();
    expect(await done).toEqual({ out: '1\n', err: '', code: 130 });
  });

  it('abandons a program that ignores the interrupt and drops its later output', async () => {
    let late: ((t: string) => void) | null = null;
    let markStarted!: () => void;
    const started = new Promise<void>((r) => (markStarted = r));
    const hang: CommandRunner = (_argv, io: ProcessIO) => {
      late = io.stdout;
      markStarted();
      return new Promise<number>(() => {});
    };
    const sh = shell({ commands: { docker: hang } });
    const intr = new InterruptSource();
    const done = run(sh, 'docker logs -f web | grep x; echo after', { interrupt: intr });
    await started;
    intr.interrupt();
    const r = await done;
    late!('too late\n');
    expect(r).toEqual({ out: '', err: '', code: 130 });
  });

  it('lets a program that handles the interrupt choose its exit code', async () => {
    let markStarted!: () => void;
    const started = new Promise<void>((r) => (markStarted = r));
    const attached: CommandRunner = (_argv, io) =>
      new Promise<number>((resolve) => {
        io.interrupt.onInterrupt(() => {
          io.stdout('got SIGINT\n');
          resolve(2);
        });
        markStarted();
      });
    const sh = shell({ commands: { docker: attached } });
    const intr = new InterruptSource();
    const done = run(sh, 'docker run -it busybox sh; echo after', { interrupt: intr });
    await started;
    intr.interrupt();
    expect(await done).toEqual({ out: 'got SIGINT\n', err: '', code: 2 });
  });

  it('ends `tail -f` only by interrupt', async () => {
    const sh = shell();
    const intr = new InterruptSource();
    const done = run(sh, 'echo line > log; tail -f log', { interrupt: intr });
    await Promise.resolve();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    intr.interrupt();
    expect(await done).toEqual({ out: 'line\n', err: '', code: 130 });
  });
});

describe('robustness', () => {
  it('never throws, whatever the line', async () => {
    const rng = seededRng('shell-fuzz');
    const alphabet = ['echo', 'grep', 'a', ' ', '|', '||', '&&', ';', '"', "'", '$(', ')', '`', '$', '{', '}', '>', '<', '2>&1', '\\', '*', '#', '\n', 'x=1', '$((', '))', 'if', 'then', 'fi', 'for', 'do', 'done', 'in', '-n', 'sed', 's/a/b/', 'awk', '{print $1}', 'wc', '-l', 'cd', '..', 'ls', 'cat', 'f', '[', ']', '!', '&', '(', '${', '%', '#', 'seq', '3', 'xargs', 'bash', '-c'];
    const sh = shell({ commands: { docker: fakeDocker().run } });
    for (let n = 0; n < 1500; n++) {
      const len = 1 + (rng.nextU32() % 12);
      let line = '';
      for (let k = 0; k < len; k++) line += alphabet[rng.nextU32() % alphabet.length]! + (rng.nextU32() % 2 ? ' ' : '');
      const r = await run(sh, line);
      expect(Number.isInteger(r.code) && r.code >= 0 && r.code <= 255, line).toBe(true);
      expect(r.err, line).not.toContain('internal error');
    }
  });

  it('stops a loop that never waits instead of freezing the tab', async () => {
    const r = await run(shell(), 'while true; do :; done');
    expect(r.code).toBe(1);
    expect(r.err).toContain('loop stopped after');
  });

  it('stops such a loop with a real clock too (time passes while it computes, but it never waits)', async () => {
    let t = 0;
    const r = await run(shell({ clock: { now: () => (t += 3) } }), 'while true; do :; done');
    expect(r.code).toBe(1);
    expect(r.err).toContain('loop stopped after');
  });

  it('lets a loop that sleeps run on (until Ctrl-C)', async () => {
    let now = 0;
    let sleeps = 0;
    const intr = new InterruptSource();
    const sh = shell({
      clock: { now: () => now },
      sleep: async (ms) => {
        now += ms;
        if (++sleeps === 20_000) intr.interrupt();
        return true;
      },
    });
    const r = await run(sh, 'while true; do sleep 1; done', { interrupt: intr });
    expect(r).toEqual({ out: '', err: '', code: 130 });
    expect(sleeps).toBe(20_000);
  });

  it('stops a script that runs itself', async () => {
    const r = await run(shell(), 'echo "bash self.sh" > self.sh; bash self.sh');
    expect(r.err).toContain('maximum nesting level exceeded');
  });

  it('carries large outputs through pipes intact', async () => {
    const big: CommandRunner = async (_a, io) => {
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) lines.push(`container-${i} ${i % 3 === 0 ? 'Up' : 'Exited'}\n`);
      io.stdout(lines.join(''));
      return 0;
    };
    const sh = shell({ commands: { docker: big } });
    expect((await run(sh, 'docker ps -a | grep Up | wc -l')).out).toBe('3334\n');
    expect((await run(sh, 'seq 100000 | tail -n 1')).out).toBe('100000\n');
    expect((await run(sh, 'docker ps -a | sort -k2 | uniq -c -f1 | wc -l')).out).toBe('2\n');
  });
});
