import { describe, expect, it } from 'vitest';
import { seededRng } from '../ports';
import { DaemonError } from './errors';
import { generateName, nameWords } from './names';
import { daemonError, EngineDriver, TEST_EPOCH } from './testDriver';

/** busybox ash's greeting on a terminal (Debian's busybox-static, as the test image has it). */
const BANNER = "\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n";

describe('Engine', () => {
  describe('lifecycle scenarios (events in Docker’s order)', () => {
    type Step = (d: EngineDriver, id: string) => unknown;
    const cases: { name: string; cmd: string[]; opts?: object; steps: Step[]; events: string[]; state?: string; exitCode?: number }[] = [
      {
        name: 'docker stop of sleep (ignores SIGTERM as PID 1) waits 10 s then kills',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.until(d.engine.stop(id))],
        events: ['create', 'start', 'kill[15]', 'kill[9]', 'die(137)', 'stop'],
        state: 'exited',
        exitCode: 137,
      },
      {
        name: 'docker stop of top (handles SIGTERM) ends at once with 143',
        cmd: ['top'],
        steps: [(d, id) => d.until(d.engine.stop(id))],
        events: ['create', 'start', 'kill[15]', 'die(143)', 'stop'],
        exitCode: 143,
      },
      {
        name: 'docker kill sends SIGKILL: 137',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.engine.kill(id)],
        events: ['create', 'start', 'kill[9]', 'die(137)'],
        exitCode: 137,
      },
      {
        name: 'docker kill -s HUP is ignored by sleep as PID 1',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.engine.kill(id, 'HUP')],
        events: ['create', 'start', 'kill[1]'],
        state: 'running',
      },
      {
        name: 'pause and unpause',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.engine.pause(id), (d, id) => d.engine.unpause(id)],
        events: ['create', 'start', 'pause', 'unpause'],
        state: 'running',
      },
      {
        name: 'docker stop of a paused container thaws it to deliver SIGTERM',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.engine.pause(id), (d, id) => d.until(d.engine.stop(id))],
        events: ['create', 'start', 'pause', 'kill[15]', 'unpause', 'kill[9]', 'die(137)', 'stop'],
        exitCode: 137,
      },
      {
        name: 'docker rm -f of a running container',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.engine.remove(id, { force: true })],
        events: ['create', 'start', 'kill[9]', 'die(137)', 'destroy'],
      },
      {
        name: 'docker rm -f of a paused container',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.engine.pause(id), (d, id) => d.engine.remove(id, { force: true })],
        events: ['create', 'start', 'pause', 'kill[9]', 'die(137)', 'destroy'],
      },
      {
        name: 'docker restart of a running container: stop, then start',
        cmd: ['sleep', '100'],
        steps: [(d, id) => d.until(d.engine.restart(id, { timeoutSeconds: 1 }))],
        events: ['create', 'start', 'kill[15]', 'kill[9]', 'die(137)', 'stop', 'start', 'restart'],
        state: 'running',
      },
      {
        name: 'docker restart of a created container that exits at once',
        cmd: ['true'],
        steps: [(d, id) => d.until(d.engine.restart(id))],
        events: ['create', 'start', 'die(0)', 'start', 'restart', 'die(0)'],
      },
      {
        name: '--rm: removed once it exits',
        cmd: ['true'],
        opts: { autoRemove: true },
        steps: [],
        events: ['create', 'start', 'die(0)', 'destroy'],
      },
      {
        name: '--rm and docker stop: die, stop, then destroy',
        cmd: ['sleep', '100'],
        opts: { autoRemove: true },
        steps: [(d, id) => d.until(d.engine.stop(id, { timeoutSeconds: 0 }))],
        events: ['create', 'start', 'kill[15]', 'kill[9]', 'die(137)', 'stop', 'destroy'],
      },
      {
        name: 'sh -c exits with the script’s status',
        cmd: ['sh', '-c', 'echo a; exit 3'],
        steps: [],
        events: ['create', 'start', 'die(3)'],
        exitCode: 3,
      },
    ];

    it.each(cases)('$name', async ({ cmd, opts, steps, events, state, exitCode }) => {
      const d = new EngineDriver();
      const id = d.runDetached(cmd, opts);
      for (const step of steps) await step(d, id);
      await d.advance(0);
      expect(d.actions(id)).toEqual(events);
      if (state !== undefined) expect(d.state(id)).toBe(state);
      if (exitCode !== undefined && d.engine.list({ all: true }).some((c) => c.id === id)) {
        expect((d.engine.inspect(id).State as { ExitCode: number }).ExitCode).toBe(exitCode);
      }
    });
  });

  it('docker stop waits the timeout in virtual time (-t 3)', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sleep', '100']);
    let stopped = false;
    void d.engine.stop(id, { timeoutSeconds: 3 }).then(() => (stopped = true));
    await d.advance(2999);
    expect(stopped).toBe(false);
    expect(d.state(id)).toBe('running');
    await d.advance(1);
    expect(stopped).toBe(true);
    expect(d.state(id)).toBe('exited');
  });

  it('sleep ends on its own after its duration', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sleep', '2']);
    await d.advance(1999);
    expect(d.state(id)).toBe('running');
    await d.advance(1);
    expect(d.state(id)).toBe('exited');
    expect(d.actions(id)).toEqual(['create', 'start', 'die(0)']);
  });

  it('a paused sleep finishes only once unpaused', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sleep', '1']);
    d.engine.pause(id);
    await d.advance(5000);
    expect(d.state(id)).toBe('paused');
    d.engine.unpause(id);
    expect(d.state(id)).toBe('exited');
  });

  describe('restart policies', () => {
    it('on-failure:2 restarts twice with Docker’s back-off, then stays exited', async () => {
      const d = new EngineDriver();
      const id = d.runDetached(['sh', '-c', 'echo tick; exit 3'], { restartPolicy: { name: 'on-failure', maximumRetryCount: 2 } });
      expect(d.state(id)).toBe('restarting');
      expect(d.engine.inspect(id).RestartCount).toBe(1);
      await d.advance(99);
      expect(d.actions(id)).toEqual(['create', 'start', 'die(3)']);
      await d.advance(1); // 100 ms back-off
      expect(d.actions(id)).toEqual(['create', 'start', 'die(3)', 'start', 'die(3)']);
      await d.advance(199);
      expect(d.actions(id)).toHaveLength(5);
      await d.advance(1); // then 200 ms
      expect(d.actions(id)).toEqual(['create', 'start', 'die(3)', 'start', 'die(3)', 'start', 'die(3)']);
      expect(d.state(id)).toBe('exited');
      expect(d.engine.inspect(id).RestartCount).toBe(2);
      expect(d.engine.logs(id).map((e) => e.text)).toEqual(['tick\n', 'tick\n', 'tick\n']);
      expect(d.engine.list({ all: true })[0]!.status).toBe('Exited (3) Less than a second ago');
    });

    it.each([
      ['always', 0, 'restarting'],
      ['always', 1, 'restarting'],
      ['unless-stopped', 0, 'restarting'],
      ['on-failure', 0, 'exited'],
      ['on-failure', 1, 'restarting'],
      ['no', 1, 'exited'],
    ] as const)('%s after exit %i → %s', (name, code, state) => {
      const d = new EngineDriver();
      const id = d.runDetached(['sh', '-c', `exit ${code}`], { restartPolicy: { name, maximumRetryCount: 0 } });
      expect(d.state(id)).toBe(state);
      if (state === 'restarting') expect(d.engine.list({ all: true })[0]!.status).toBe(`Restarting (${code}) Less than a second ago`);
    });

    it('docker stop of a restarting container cancels the restart', async () => {
      const d = new EngineDriver();
      const id = d.runDetached(['false'], { restartPolicy: { name: 'always', maximumRetryCount: 0 } });
      await d.until(d.engine.stop(id));
      expect(d.state(id)).toBe('exited');
      await d.advance(120_000);
      expect(d.state(id)).toBe('exited');
      expect(d.actions(id)).toEqual(['create', 'start', 'die(1)', 'stop']);
    });

    it('docker stop of a running always container does not restart it', async () => {
      const d = new EngineDriver();
      const id = d.runDetached(['sleep', '100'], { restartPolicy: { name: 'always', maximumRetryCount: 0 } });
      await d.until(d.engine.stop(id, { timeoutSeconds: 0 }));
      await d.advance(60_000);
      expect(d.state(id)).toBe('exited');
    });

    it('the back-off doubles up to a minute', async () => {
      const d = new EngineDriver();
      const id = d.runDetached(['false'], { restartPolicy: { name: 'always', maximumRetryCount: 0 } });
      const starts: number[] = [];
      d.engine.subscribe((_, events) => {
        for (const e of events) if (e.id === id && e.action === 'start') starts.push(e.time - TEST_EPOCH);
      });
      await d.advance(300_000);
      const gaps = starts.map((t, i) => t - (starts[i - 1] ?? 0));
      expect(gaps.slice(0, 11)).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000]);
    });
  });

  describe('refusals (Docker’s texts)', () => {
    it.each([
      ['pause of a created container', (d: EngineDriver, id: string) => d.engine.pause(id), 'created', 'Container ID is not running', 'conflict'],
      ['unpause of a running container', (d: EngineDriver, id: string) => d.engine.unpause(id), 'running', 'Container ID is not paused', 'conflict'],
      ['kill of a created container', (d: EngineDriver, id: string) => d.engine.kill(id), 'created', 'Container ID is not running', 'conflict'],
      ['rm of a running container', (d: EngineDriver, id: string) => d.engine.remove(id), 'running', 'cannot remove container "ID": container is running: stop the container before removing or force remove', 'conflict'],
      ['start of a paused container', (d: EngineDriver, id: string) => d.engine.start(id), 'paused', 'cannot start a paused container, try unpause instead', 'conflict'],
      ['pause of a paused container', (d: EngineDriver, id: string) => d.engine.pause(id), 'paused', 'Container ID is already paused', 'conflict'],
      ['rm of a paused container', (d: EngineDriver, id: string) => d.engine.remove(id), 'paused', 'cannot remove container "ID": container is paused and must be unpaused first', 'conflict'],
      ['start of a running container', (d: EngineDriver, id: string) => d.engine.start(id), 'running', 'Container is already started', 'notModified'],
      ['kill with an unknown signal', (d: EngineDriver, id: string) => d.engine.kill(id, 'FOO'), 'running', 'invalid signal: FOO', 'invalidParameter'],
      ['kill with signal 99', (d: EngineDriver, id: string) => d.engine.kill(id, '99'), 'running', 'the linux daemon does not support signal 99', 'invalidParameter'],
    ] as const)('%s', (_, act, state, text, kind) => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: ['sleep', '100'] });
      if (state !== 'created') d.engine.start(id);
      if (state === 'paused') d.engine.pause(id);
      const e = daemonError(() => act(d, id));
      expect(e.message).toBe(text.replace('ID', id));
      expect(e.kind).toBe(kind);
    });
  });

  describe('names and ids', () => {
    it('refuses a name in use with Docker’s conflict text', () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', name: 'web' });
      expect(daemonError(() => d.engine.create({ image: 'busybox', name: 'web' })).message).toBe(
        `Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
      d.engine.remove('web');
      expect(() => d.engine.create({ image: 'busybox', name: 'web' })).not.toThrow();
    });

    it.each(['a', 'bad name', '-x', 'x/y'])('refuses the invalid name %j', (name) => {
      const d = new EngineDriver();
      expect(daemonError(() => d.engine.create({ image: 'busybox', name })).message).toBe(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    });

    it('finds containers by full id, name, /name and unique prefix', () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', name: 'web' });
      for (const ref of [id, 'web', '/web', id.slice(0, 3)]) expect(d.engine.resolve(ref)).toBe(id);
      expect(daemonError(() => d.engine.resolve('nosuch')).message).toBe('No such container: nosuch');
    });

    it('reports an ambiguous prefix', () => {
      const d = new EngineDriver();
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push(d.engine.create({ image: 'busybox' }).id);
      const clash = ids.map((id) => id[0]!).find((c, i, all) => all.indexOf(c) !== i)!;
      expect(daemonError(() => d.engine.resolve(clash)).message).toBe(`multiple IDs found with provided prefix: ${clash}`);
    });

    it('is deterministic: same seed, same ids and names; another seed, others', () => {
      const make = (seed: string) => {
        const d = new EngineDriver(seed);
        return [0, 1, 2].map(() => d.engine.create({ image: 'busybox' })).map(({ id }) => [id, d.engine.inspect(id).Name]);
      };
      expect(make('a')).toEqual(make('a'));
      expect(make('a')).not.toEqual(make('b'));
      for (const [id, name] of make('a')) {
        expect(id).toMatch(/^[0-9a-f]{64}$/);
        expect(name).toMatch(/^\/[a-z]+_[a-z]+$/);
      }
    });

    it('generates adjective_surname from Docker’s lists, never boring_wozniak', () => {
      const rng = seededRng('names');
      const left = new Set<string>(nameWords.left);
      const right = new Set<string>(nameWords.right);
      for (let i = 0; i < 2_000; i++) {
        const name = generateName(rng);
        const [a, b] = name.split('_');
        expect(left.has(a!) && right.has(b!)).toBe(true);
        expect(name).not.toBe('boring_wozniak');
      }
      expect(generateName(rng, 1)).toMatch(/^[a-z]+_[a-z]+[0-9]$/);
      expect(nameWords.left).toHaveLength(108);
    });

    it('uses the short id as hostname unless -h is given', () => {
      const d = new EngineDriver();
      const a = d.engine.create({ image: 'busybox' }).id;
      const b = d.engine.create({ image: 'busybox', hostname: 'myhost' }).id;
      expect((d.engine.inspect(a).Config as { Hostname: string }).Hostname).toBe(a.slice(0, 12));
      expect((d.engine.inspect(b).Config as { Hostname: string }).Hostname).toBe('myhost');
    });
  });

  describe('start failures', () => {
    it.each([
      ['/nonexistent', 127, 'exec: "/nonexistent": stat /nonexistent: no such file or directory'],
      ['nosuchcmd', 127, 'exec: "nosuchcmd": executable file not found in $PATH'],
      ['/etc', 126, 'exec: "/etc": permission denied'],
      ['/etc/passwd', 126, 'exec: "/etc/passwd": permission denied'],
    ])('%s → %i', (cmd, code, reason) => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: [cmd] });
      const e = daemonError(() => d.engine.start(id));
      expect(e.exitCode).toBe(code);
      expect(e.message).toContain(reason);
      const state = d.engine.inspect(id).State as { Status: string; ExitCode: number; Error: string };
      expect(state).toMatchObject({ Status: 'created', ExitCode: code, Error: e.message });
      expect(d.actions(id)).toEqual(['create']);
    });

    it('a --rm container whose command is missing is removed', () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: ['nosuch'], autoRemove: true });
      expect(() => d.engine.start(id)).toThrow(DaemonError);
      expect(d.actions(id)).toEqual(['create', 'destroy']);
    });

    it('an unknown image is a pull access denied error', () => {
      const d = new EngineDriver();
      expect(d.engine.image('nosuch')).toBeUndefined();
      expect(daemonError(() => d.engine.pull('nosuch')).message).toBe(
        "pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      );
    });
  });

  describe('processes', () => {
    async function output(cmd: string[], opts: object = {}, stdin?: string | null): Promise<{ out: string; err: string; code: number; state: string }> {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd, ...opts });
      let out = '';
      let err = '';
      d.engine.attach(id, { stdout: (t) => (out += t), stderr: (t) => (err += t), stdin });
      const exited = d.engine.wait(id, 'next-exit');
      d.engine.start(id);
      await d.advance(60_000);
      const state = d.state(id);
      const code = state === 'exited' ? await exited : -1;
      return { out, err, code, state };
    }

    it.each([
      [['echo', 'hello', 'world'], 'hello world\n', '', 0],
      [['true'], '', '', 0],
      [['false'], '', '', 1],
      [['sh', '-c', 'echo out; echo err >&2; exit 3'], 'out\n', 'err\n', 3],
      [['sh', '-c', 'false && echo no || echo yes; echo $?'], 'yes\n0\n', '', 0],
      [['sh', '-c', 'sleep 1; echo after'], 'after\n', '', 0],
      [['sh', '-c', 'nosuch'], '', 'sh: nosuch: not found\n', 127],
      [['sh', '-c', 'echo a;;'], '', 'sh: syntax error: unexpected ";;"\n', 2],
      [['sh', '-c', 'echo "a  b" c $HOSTNAME'], 'a  b c HOST\n', '', 0],
      [['ls', '-l', '/etc/passwd'], '-rw-r--r--    1 root     root           340 Jul 18  2023 /etc/passwd\n', '', 0],
      [['sh'], '', '', 0],
      [['hostname'], 'HOST\n', '', 0],
      [['pwd'], '/\n', '', 0],
      [['id'], 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n', '', 0],
      [['whoami'], 'root\n', '', 0],
      [['uname'], 'Linux\n', '', 0],
      [['env'], 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=HOST\nHOME=/root\n', '', 0],
      [['ls', '/'], 'bin\ndev\netc\nhome\nlib\nproc\nroot\nsys\ntmp\nusr\nvar\n', '', 0],
      [['ls', '/etc'], 'group\nhostname\nhosts\nmtab\npasswd\nresolv.conf\n', '', 0],
      [['ls', '/nope'], '', 'ls: /nope: No such file or directory\n', 1],
      [['cat', '/etc/hostname'], 'HOST\n', '', 0],
      [['cat', '/nope'], '', "cat: can't open '/nope': No such file or directory\n", 1],
      [['cat'], '', '', 0],
    ])('%j', async (cmd, out, err, code) => {
      const r = await output(cmd as string[], { hostname: 'HOST' });
      expect(r).toEqual({ out, err, code, state: 'exited' });
    });

    it.each([
      [['sh', '-c', 'trap "echo bye" EXIT; echo hi; exit 3'], 'hi\nbye\n', '', 3],
      [['sh', '-c', 'trap "x" BOGUS; echo $?'], '1\n', 'sh: trap: line 0: BOGUS: invalid signal specification\n', 0],
      [['sh', '-c', 'echo a\ntrap x BOGUS'], 'a\n', 'sh: trap: line 1: BOGUS: invalid signal specification\n', 1],
      [['sh', '-c', 'trap "echo t" TERM; trap; trap - TERM; trap'], "trap -- 'echo t' TERM\n", '', 0],
      [['sh', '-c', `trap "echo x" KILL; trap "echo q" EXIT TERM; trap 15; trap "a'b" INT; trap`], `trap -- 'echo q' EXIT\ntrap -- 'a'"'"'b' INT\ntrap -- 'echo x' KILL\nq\n`, '', 0],
      [['sh', '-c', 'sleep 1 & echo first; wait; echo w=$?'], 'first\nw=0\n', '', 0],
      [['sh', '-c', 'X=1; X=2 & echo $X'], '1\n', '', 0],
      [['sh', '-c', 'sleep 1 &; echo x'], '', 'sh: syntax error: unexpected ";"\n', 2],
      [['sh', '-c', '&'], '', 'sh: syntax error: unexpected "&"\n', 2],
      [['sh', '-c', 'echo a &&'], '', 'sh: syntax error: unexpected end of file\n', 2],
      [['sh', '-c', 'echo a &&\necho b'], 'a\nb\n', '', 0],
    ])('sh: %j', async (cmd, out, err, code) => {
      expect(await output(cmd as string[])).toEqual({ out, err, code, state: 'exited' });
    });

    // What real busybox sh does as PID 1 when signalled (checked against Docker 28 with busybox 1.35).
    it.each([
      ['a trap ends wait at once with its exit', 'trap "exit 7" TERM; sleep 3600 & wait', 'stop', 7, ''],
      ['a trap that does not exit: wait returns 143 and the script goes on', 'trap "echo got" TERM; sleep 3600 & wait; echo after $?', 'stop', 0, 'got\nafter 143\n'],
      ['a trap waits for the foreground command', 'trap "exit 5" TERM; sleep 3', 'TERM', 5, ''],
      ['no trap: PID 1 ignores SIGTERM, stop kills it', 'sleep 3600 & wait', 'stop', 137, ''],
      ['an ignoring trap', 'trap "" TERM; sleep 3600 & wait', 'stop', 137, ''],
      ['a SIGINT trap', 'trap "echo int" INT; sleep 3600 & wait', 'INT', 130, 'int\n'],
      ['names in any case, with SIG, or numbers', 'trap "exit 9" sigterm; trap "exit 8" 2; sleep 3600 & wait', 'INT', 8, ''],
      // (top's screen is left out of these logs.)
      ['the last command of sh -c runs in place of the shell (top handles SIGTERM)', 'echo hi; top', 'stop', 143, null],
      ['a command that is not last leaves sh as PID 1', 'top; true', 'stop', 137, null],
      ['a trap keeps the shell as PID 1', 'trap "exit 3" USR1; top', 'stop', 137, null],
    ])('sh as PID 1: %s', async (_name, script, how, code, logs) => {
      const d = new EngineDriver();
      const id = d.runDetached(['sh', '-c', script]);
      await d.advance(1000);
      const t0 = d.scheduler.now();
      if (how === 'stop') await d.until(d.engine.stop(id, { timeoutSeconds: 2 }));
      else {
        d.engine.kill(id, how);
        await d.until(d.engine.wait(id));
      }
      expect(d.state(id)).toBe('exited');
      expect((d.engine.inspect(id).State as { ExitCode: number }).ExitCode).toBe(code);
      if (logs !== null) expect(d.engine.logs(id).map((e) => e.text).join('')).toBe(logs);
      // A trapped stop is prompt; an ignored one waits out the timeout.
      if (how === 'stop') expect(d.scheduler.now() - t0).toBe(code === 137 ? 2000 : 0);
    });

    it('-e sets the environment (and -t adds TERM, with CRLF line ends)', async () => {
      const r = await output(['env'], { env: ['FOO=bar', 'PATH=/bin', 'UNSET'], tty: true, hostname: 'h' });
      expect(r.out).toBe('PATH=/bin\r\nHOSTNAME=h\r\nTERM=xterm\r\nFOO=bar\r\nHOME=/root\r\n');
    });

    it('cat copies piped stdin with -i, and keeps running on an open terminal', async () => {
      expect(await output(['cat'], { openStdin: true, attachStdin: true }, 'hi\n')).toMatchObject({ out: 'hi\n', code: 0 });
      expect(await output(['cat'], { openStdin: true, attachStdin: true }, null)).toMatchObject({ state: 'running' });
    });

    it('sh runs a script piped to it', async () => {
      expect(await output(['sh'], { openStdin: true }, 'echo from-stdin; exit 4\n')).toMatchObject({ out: 'from-stdin\n', code: 4 });
    });

    it('sh with a tty stays up at its prompt', async () => {
      expect(await output(['sh'], { tty: true, openStdin: true }, null)).toMatchObject({ out: BANNER + '/ # ', state: 'running' });
    });

    it('hello-world prints the official message', async () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'hello-world' });
      d.engine.start(id);
      const text = d.engine.logs(id).map((e) => e.text).join('');
      expect(text).toContain('Hello from Docker!\nThis message shows that your installation appears to be working correctly.\n');
      expect(d.state(id)).toBe('exited');
    });

    it('keeps logs per line with stream and time; tail keeps the last lines', async () => {
      const d = new EngineDriver();
      const id = d.runDetached(['sh', '-c', 'echo one; sleep 1; echo two >&2; echo three']);
      await d.advance(2000);
      expect(d.engine.logs(id)).toEqual([
        { stream: 'stdout', text: 'one\n', time: TEST_EPOCH },
        { stream: 'stderr', text: 'two\n', time: TEST_EPOCH + 1000 },
        { stream: 'stdout', text: 'three\n', time: TEST_EPOCH + 1000 },
      ]);
      expect(d.engine.logs(id, { tail: 1 }).map((e) => e.text)).toEqual(['three\n']);
      expect(d.engine.logs(id, { tail: 0 })).toEqual([]);
    });
  });

  describe('wait', () => {
    it('resolves at once for a container that is not running, else at its exit', async () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: ['sh', '-c', 'sleep 2; exit 5'] });
      expect(await d.engine.wait(id)).toBe(0);
      d.engine.start(id);
      expect(await d.until(d.engine.wait(id))).toBe(5);
      expect(d.scheduler.now()).toBe(TEST_EPOCH + 2000);
    });

    it('removed: resolves when an --rm container is gone', async () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: ['false'], autoRemove: true });
      const removed = d.engine.wait(id, 'removed');
      d.engine.start(id);
      expect(await removed).toBe(1);
      expect(d.engine.list({ all: true })).toEqual([]);
    });
  });

  describe('snapshot and transitions', () => {
    it('reports each state change as a transition, and plain data in the snapshot', async () => {
      const d = new EngineDriver();
      const id = d.runDetached(['sleep', '100'], { name: 'web' });
      d.engine.pause(id);
      d.engine.remove(id, { force: true });
      expect(d.transitions.map((t) => `${t.from ?? '∅'}→${t.to ?? '∅'} ${t.action}`)).toEqual([
        '∅→created create',
        'created→running start',
        'running→paused pause',
        'paused→removing die',
        'removing→∅ destroy',
      ]);
      const d2 = new EngineDriver();
      const id2 = d2.runDetached(['sleep', '100'], { name: 'web' });
      const snap = d2.engine.snapshot();
      expect(structuredClone(snap)).toEqual(snap);
      expect(snap.containers[0]).toMatchObject({ id: id2, name: 'web', image: 'busybox', state: 'running', command: ['sleep', '100'], status: 'Up Less than a second' });
      expect(snap.containers[0]!.pid).toBeGreaterThan(0);
      expect(snap.images.map((i) => i.tags[0])).toEqual(['busybox:latest', 'hello-world:latest']);
    });

    it('notifies listeners once per operation', () => {
      const d = new EngineDriver();
      let calls = 0;
      d.engine.subscribe(() => calls++);
      d.runDetached(['true']);
      expect(calls).toBe(2); // create; start (with its immediate die)
    });

    it('keeps the last 256 events, as dockerd does', () => {
      const d = new EngineDriver();
      for (let i = 0; i < 100; i++) d.runDetached(['true'], { autoRemove: true });
      expect(d.engine.events()).toHaveLength(256);
      expect(d.engine.events().at(-1)!.action).toBe('destroy');
    });
  });

  describe('ps', () => {
    it('lists running containers newest first, all with -a, and filters', async () => {
      const d = new EngineDriver();
      d.runDetached(['sleep', '100'], { name: 'first' });
      await d.advance(1000);
      d.runDetached(['true'], { name: 'done' });
      d.runDetached(['sleep', '100'], { name: 'last' });
      expect(d.engine.list().map((c) => c.names[0])).toEqual(['/last', '/first']);
      expect(d.engine.list({ all: true }).map((c) => c.names[0])).toEqual(['/last', '/done', '/first']);
      expect(d.engine.list({ latest: true }).map((c) => c.names[0])).toEqual(['/last']);
      expect(d.engine.list({ last: 2 }).map((c) => c.names[0])).toEqual(['/last', '/done']);
      expect(d.engine.list({ all: true, filters: { status: ['exited'] } }).map((c) => c.names[0])).toEqual(['/done']);
      expect(d.engine.list({ all: true, filters: { name: ['^/f'] } }).map((c) => c.names[0])).toEqual(['/first']);
      expect(d.engine.list({ all: true, filters: { exited: ['0'] } }).map((c) => c.names[0])).toEqual(['/done']);
      expect(d.engine.list()[1]!.status).toBe('Up 1 second');
    });
  });
});
