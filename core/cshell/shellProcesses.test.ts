import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../ports';
import { EngineDriver, TEST_EPOCH } from '../engine/testDriver';
import { dockerCommand } from '../cli/docker';
import { SimHost } from '../../backends/sim/simHost';

/** The container shell as a process of the simulated engine: logs, ps, signals, users, terminals, time. */

async function docker(d: EngineDriver, argv: string[], interruptAfterMs?: number): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const interrupt = new InterruptSource();
  if (interruptAfterMs !== undefined) d.scheduler.after(interruptAfterMs, () => interrupt.interrupt());
  const code = await d.until(dockerCommand(d.engine)(argv, { stdin: null, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt, stdinIsTTY: false }));
  return { stdout, stderr, code };
}

const LOOP = 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done';

describe('a looping container', () => {
  it('writes one line per virtual second to its logs, each as it is written', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', LOOP], { name: 'loop' });
    await d.advance(4500);
    expect(d.engine.logs(id).map((e) => [e.text, e.time - TEST_EPOCH])).toEqual([
      ['tick 1\n', 0],
      ['tick 2\n', 1000],
      ['tick 3\n', 2000],
      ['tick 4\n', 3000],
      ['tick 5\n', 4000],
    ]);
  });

  it('docker logs -f --tail 3 shows the last three lines, then each new one as it comes', async () => {
    const d = new EngineDriver();
    d.runDetached(['sh', '-c', LOOP], { name: 'loop' });
    await d.advance(9500);
    let streamed = '';
    const interrupt = new InterruptSource();
    const t0 = d.scheduler.now();
    const seen: [string, number][] = [];
    const done = dockerCommand(d.engine)(['docker', 'logs', '-f', '--tail', '3', 'loop'], {
      stdin: null,
      stdout: (t) => {
        streamed += t;
        seen.push([t, d.scheduler.now() - t0]);
      },
      stderr: () => {},
      interrupt,
      stdinIsTTY: false,
    });
    d.scheduler.after(2600, () => interrupt.interrupt());
    await d.until(done);
    expect(streamed).toBe('tick 8\ntick 9\ntick 10\ntick 11\ntick 12\ntick 13\n');
    expect(seen.slice(-3).map(([, t]) => t)).toEqual([500, 1500, 2500]);
  });

  it('stands still while paused: the sleep due meanwhile ends at the unpause', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', LOOP], { name: 'loop' });
    await d.advance(1500);
    d.engine.pause(id);
    await d.advance(5000);
    d.engine.unpause(id);
    await d.advance(1200);
    expect(d.engine.logs(id).map((e) => [e.text, e.time - TEST_EPOCH])).toEqual([
      ['tick 1\n', 0],
      ['tick 2\n', 1000],
      ['tick 3\n', 6500],
      ['tick 4\n', 7500],
    ]);
  });

  it('keeps looping past the guard for loops that never wait (it sleeps each time)', () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i; sleep 1; done']);
    // One jump of the clock: the shell steps from each timer's callback, as a callback-style program does.
    d.scheduler.advanceTo(d.scheduler.now() + 10_050_000);
    expect(d.state(id)).toBe('running');
    expect(d.engine.logs(id).at(-1)).toMatchObject({ text: '10051\n', time: TEST_EPOCH + 10_050_000 });
  });

  it('stops a loop that never waits, with a message, rather than freeze the simulation', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'while true; do x=1; done; echo after']);
    await d.advance(10);
    expect(d.state(id)).toBe('exited');
    expect(d.engine.logs(id).map((e) => e.text)).toEqual(['sh: loop stopped after 10000 iterations that never waited (glassbox: the simulation cannot interrupt such a loop)\n', 'after\n']);
  });

  it('a loop of nothing but `:` spins on a CPU until killed, instead of stopping', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'while true; do :; done; echo after']);
    await d.advance(5000);
    expect(d.state(id)).toBe('running');
    const now = d.engine.now();
    expect(d.engine.kernel.busyMs(id, now - 1000, now)).toBe(1000);
    expect(d.engine.logs(id)).toEqual([]);
  });

  it('shows the shell and its child in ps and docker top', async () => {
    const d = new EngineDriver();
    d.runDetached(['sh', '-c', 'while true; do sleep 1; done'], { name: 'loop' });
    await d.advance(1500);
    const top = (await docker(d, ['docker', 'top', 'loop'])).stdout.split('\n').filter((l) => l !== '');
    expect(top.slice(1).map((l) => l.replace(/^.*00:00:00 +/, ''))).toEqual(['sh -c while true; do sleep 1; done', 'sleep 1']);
    const shPid = top[1]!.split(/ +/)[1];
    expect(top[2]!.split(/ +/)[2]).toBe(shPid);
    expect((await docker(d, ['docker', 'exec', 'loop', 'ps'])).stdout).toMatch(/^PID {3}USER {5}COMMAND\n {4}1 root {5}sh -c while true; do sleep 1; done\n +\d+ root {5}sleep 1\n +\d+ root {5}ps\n$/);
  });

  it('runs the last command of sh -c in place of the shell: docker top shows it as PID 1', async () => {
    const d = new EngineDriver();
    d.runDetached(['sh', '-c', 'echo starting; sleep 300'], { name: 'web' });
    const top = (await docker(d, ['docker', 'top', 'web'])).stdout.split('\n').filter((l) => l !== '');
    expect(top.slice(1).map((l) => l.replace(/^.*00:00:00 +/, ''))).toEqual(['sleep 300']);
  });
});

describe('docker stop and the shell as PID 1', () => {
  it('sh -c "sleep 300": sleep is PID 1 and ignores SIGTERM, so stop waits 10 s and kills (137)', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'sleep 300']);
    await d.advance(500);
    const t0 = d.scheduler.now();
    await d.until(d.engine.stop(id));
    expect(d.scheduler.now() - t0).toBe(10_000);
    expect((d.engine.inspect(id).State as { ExitCode: number }).ExitCode).toBe(137);
  });

  it('a trap on TERM ends the loop promptly with its exit code', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 1; done']);
    await d.advance(2300);
    const t0 = d.scheduler.now();
    await d.until(d.engine.stop(id));
    // The trap runs once the sleep in the foreground is done, as busybox ash does.
    expect(d.scheduler.now() - t0).toBe(700);
    expect((d.engine.inspect(id).State as { ExitCode: number }).ExitCode).toBe(0);
    expect(d.engine.logs(id).map((e) => e.text)).toEqual(['bye\n']);
  });

  it('a loop without a trap ignores SIGTERM as PID 1: 137 after the timeout', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', LOOP]);
    await d.advance(1500);
    const t0 = d.scheduler.now();
    await d.until(d.engine.stop(id, { timeoutSeconds: 3 }));
    expect(d.scheduler.now() - t0).toBe(3000);
    expect((d.engine.inspect(id).State as { ExitCode: number }).ExitCode).toBe(137);
  });
});

describe('kill inside the container', () => {
  it('reaches PID 1 from docker exec: a trapped signal runs the trap', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'trap "echo got USR1; exit 3" USR1; while true; do sleep 1; done'], { name: 'lp' });
    await d.advance(500);
    expect(await docker(d, ['docker', 'exec', 'lp', 'sh', '-c', 'kill -USR1 1; echo $?; kill 999'])).toEqual({ stdout: '0\n', stderr: "sh: can't kill pid 999: No such process\n", code: 1 });
    await d.advance(1000);
    expect(d.state(id)).toBe('exited');
    expect(d.engine.logs(id).map((e) => e.text)).toEqual(['got USR1\n']);
    expect((d.engine.inspect(id).State as { ExitCode: number }).ExitCode).toBe(3);
  });

  it('ends a child of the looping shell, which goes on', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'while true; do sleep 10; echo woke $?; done'], { name: 'lp' });
    await d.advance(500);
    const sleepPid = (await docker(d, ['docker', 'exec', 'lp', 'ps'])).stdout.split('\n').find((l) => l.endsWith('sleep 10'))!.trim().split(/ +/)[0]!;
    expect((await docker(d, ['docker', 'exec', 'lp', 'sh', '-c', `kill ${sleepPid}`])).code).toBe(0);
    await d.advance(100);
    expect(d.engine.logs(id).map((e) => e.text)).toEqual(['woke 143\n']);
  });

  it('kill %1 and wait in the shell itself', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'sleep 100 & echo started $!; kill %1; wait %1; echo status $?']);
    await d.advance(100);
    expect(d.engine.logs(id).map((e) => e.text)).toEqual(['started 7\n', 'Terminated\n', 'status 143\n']);
  });

  it('/bin/kill (the utility, not the builtin) reaches a child through the kernel; SIGKILL from inside does not end PID 1', async () => {
    const d = new EngineDriver();
    const id = d.runDetached(['sh', '-c', 'sleep 100 & /bin/kill $!; wait $!; echo status $?; kill -9 1; echo after $?; /bin/kill -0 99; echo gone $?']);
    await d.advance(100);
    expect(d.engine.logs(id).map((e) => e.text).join('')).toBe("status 143\nafter 0\nkill: can't kill pid 99: No such process\ngone 1\n");
  });
});

describe('the utilities see the container (UtilContext.sys) and each child its own /proc/self', () => {
  async function logs(image: string, cmd: string[]): Promise<string> {
    const d = new EngineDriver();
    if (image !== 'busybox') d.engine.pull(image);
    const id = d.runDetached(cmd, { image });
    await d.advance(100);
    return d.engine.logs(id).map((e) => e.text).join('');
  }

  it('busybox ps -o as PID 1 (the last command runs in place of sh), as real Docker prints it', async () => {
    expect(await logs('busybox', ['sh', '-c', 'ps -o pid,ppid,comm'])).toBe('PID   PPID  COMMAND\n    1     0 ps\n');
  });

  it("procps' ps in centos lists the pid namespace's processes, none with a terminal, with their parents", async () => {
    expect(await logs('centos', ['bash', '-c', 'sleep 1 & ps -o pid,ppid,comm; true'])).toBe('  PID  PPID COMMAND\n    1     0 bash\n    7     1 sleep\n    8     1 ps\n');
  });

  it('/proc/self is the child reading it, not the shell', async () => {
    const [self, shell] = (await logs('busybox', ['sh', '-c', 'readlink /proc/self; echo $$'])).split('\n');
    expect(shell).toBe('1');
    expect(Number(self)).toBeGreaterThan(1);
  });
});

describe('-u user', () => {
  it('PID 1 runs as the user: id, HOME, the prompt sign', async () => {
    const d = new EngineDriver();
    expect(await docker(d, ['docker', 'run', '--rm', '-u', 'nobody', 'busybox', 'id'])).toEqual({ stdout: 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n', stderr: '', code: 0 });
    expect((await docker(d, ['docker', 'run', '--rm', '-u', 'nobody', 'busybox', 'sh', '-c', 'echo $HOME; whoami'])).stdout).toBe('/home\nnobody\n');
    expect((await docker(d, ['docker', 'run', '--rm', '-u', '1234', 'busybox', 'sh', '-c', 'id; echo $HOME'])).stdout).toBe('uid=1234 gid=0(root) groups=0(root)\n/\n');
    const { id } = d.engine.create({ image: 'busybox', cmd: ['sleep', '100'], user: 'nobody' });
    expect((d.engine.inspect(id).Config as { User: string }).User).toBe('nobody');
  });

  it('the container runs as the user: docker top and ps show it, and docker exec defaults to it', async () => {
    const d = new EngineDriver();
    d.runDetached(['sh', '-c', 'while true; do sleep 1; done'], { name: 'nob', user: 'nobody' });
    await d.advance(1500);
    const top = (await docker(d, ['docker', 'top', 'nob'])).stdout.split('\n').filter((l) => l !== '');
    expect(top.slice(1).map((l) => l.split(/ +/)[0])).toEqual(['nobody', 'nobody']);
    expect((await docker(d, ['docker', 'exec', 'nob', 'ps'])).stdout).toMatch(/^PID {3}USER {5}COMMAND\n {4}1 nobody {3}sh -c .*\n +\d+ nobody {3}sleep 1\n +\d+ nobody {3}ps\n$/);
    expect((await docker(d, ['docker', 'exec', '-u', 'root', 'nob', 'whoami'])).stdout).toBe('root\n');
  });

  it('an unknown user fails the start as runc does (125, State.Error, ExitCode 128)', async () => {
    const d = new EngineDriver();
    expect(await docker(d, ['docker', 'run', '--name', 'u1', '-u', 'nosuch', 'busybox', 'id'])).toEqual({
      stdout: '',
      stderr: "docker: Error response from daemon: unable to find user nosuch: no matching entries in passwd file\n\nRun 'docker run --help' for more information\n",
      code: 125,
    });
    expect(d.engine.inspect('u1').State).toMatchObject({ Status: 'created', ExitCode: 128, Error: 'unable to find user nosuch: no matching entries in passwd file' });
  });
});

describe('interactive shells (-it)', () => {
  async function session(image: string, keys: string[], opts: object = {}): Promise<{ out: string; code: number | null }> {
    const d = new EngineDriver();
    if (image !== 'busybox') d.engine.pull(image);
    const { id } = d.engine.create({ image, tty: true, openStdin: true, attachStdin: true, ...opts });
    let out = '';
    const client = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t), stdin: null };
    const attach = d.engine.attach(id, client);
    void attach;
    const exited = d.engine.wait(id, 'next-exit');
    d.engine.start(id);
    for (const k of keys) {
      await d.advance(100);
      d.engine.writeStdin(id, k);
    }
    await d.advance(100);
    let code: number | null = null;
    if (d.state(id) === 'exited') code = await d.until(exited);
    return { out, code };
  }

  it('busybox sh: banner, prompt, echo, Ctrl-C to the foreground command, exit N', async () => {
    const r = await session('busybox', ['echo hi\r', 'sleep 50\r', '\x03', 'false\r', 'echo $?\r', 'exit 5\r']);
    expect(r.out).toBe(
      "\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n" +
        '/ # echo hi\r\nhi\r\n/ # sleep 50\r\n^C\r\n/ # false\r\n/ # echo $?\r\n1\r\n/ # exit 5\r\n',
    );
    expect(r.code).toBe(5);
  });

  it('Ctrl-C ends a spinning loop of `:` and the prompt comes back', async () => {
    const r = await session('busybox', ['while true; do :; done\r', '\x03', 'echo back\r', 'exit\r']);
    expect(r.out).toContain('/ # while true; do :; done\r\n^C\r\n/ # echo back\r\nback\r\n');
  });

  it('ubuntu bash: root@<12-char id>:/# from /etc/bash.bashrc, bash messages, Ctrl-D says exit', async () => {
    const r = await session('ubuntu', ['nosuch\r', 'cd /tmp\r', '\x04']);
    const prompt = /^root@([0-9a-f]{12}):\/# /.exec(r.out);
    expect(prompt).not.toBeNull();
    const host = prompt![1];
    expect(r.out).toBe(`root@${host}:/# nosuch\r\nbash: nosuch: command not found\r\nroot@${host}:/# cd /tmp\r\nroot@${host}:/tmp# exit\r\n`);
    expect(r.code).toBe(0);
  });

  it('Ctrl-C also ends a wait for a job and a read of the terminal', async () => {
    const r = await session('busybox', ['sleep 100 &\r', 'wait\r', '\x03', 'echo w$?\r', 'read x\r', '\x03', 'echo r$?\r', 'exit\r']);
    expect(r.out).toMatch(/\/ # wait\r\n\^C\r\n\/ # echo w\$\?\r\nw130\r\n\/ # read x\r\n\^C\r\n\/ # echo r\$\?\r\nr130\r\n\/ # exit\r\n$/);
    expect(r.code).toBe(0);
  });

  it('a PS2 prompt continues an unfinished command; a job started with & reports its number and pid', async () => {
    const r = await session('busybox', ['for i in 1 2\r', 'do echo $i; done\r', 'sleep 1 &\r', 'exit\r']);
    expect(r.out).toMatch(/\/ # for i in 1 2\r\n> do echo \$i; done\r\n1\r\n2\r\n\/ # sleep 1 &\r\n\[1\] \d+\r\n\/ # exit\r\n$/);
  });
});

describe('determinism', () => {
  const SCRIPT = 'for i in 1 2 3; do echo $i $(seq $i | wc -l); sleep 1; done; echo x >&2; sleep 0.5; echo end';

  async function logsWith(step: (d: EngineDriver, exited: Promise<number>) => Promise<void>): Promise<string[]> {
    const d = new EngineDriver();
    const { id } = d.engine.create({ image: 'busybox', cmd: ['sh', '-c', SCRIPT] });
    const exited = d.engine.wait(id, 'next-exit');
    d.engine.start(id);
    await step(d, exited);
    return d.engine.logs(id).map((e) => `${e.time - TEST_EPOCH} ${e.stream} ${e.text}`);
  }

  it('gives the same output at the same virtual times however time is advanced', async () => {
    const byUntil = await logsWith(async (d, exited) => void (await d.until(exited)));
    const byTimer = await logsWith(async (d) => {
      for (let i = 0; i < 40; i++) await d.advance(100);
    });
    const byOneJump = await logsWith(async (d) => void d.scheduler.advanceTo(d.scheduler.now() + 10_000));
    expect(byUntil).toEqual(['0 stdout 1 1\n', '1000 stdout 2 2\n', '2000 stdout 3 3\n', '3000 stderr x\n', '3500 stdout end\n']);
    expect(byTimer).toEqual(byUntil);
    expect(byOneJump).toEqual(byUntil);
  });

  it('replays from the simulator journal to the same logs', async () => {
    const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));
    const a = new SimHost({ yieldToEventLoop });
    const sink = { stdout: () => {}, stderr: () => {} };
    await a.runToCompletion(`docker run -d --name loop busybox sh -c '${LOOP}'`, sink);
    await a.runToCompletion('sleep 3', sink);
    await a.runToCompletion("docker exec loop sh -c 'echo from exec; ps | wc -l'", sink);
    await a.runToCompletion('sleep 2', sink);
    const read = async (h: SimHost): Promise<string> => {
      let out = '';
      await h.runToCompletion('docker logs -t loop', { stdout: (t) => (out += t), stderr: (t) => (out += t) });
      return out;
    };
    const b = new SimHost({ yieldToEventLoop });
    await b.replay(a.journal);
    const original = await read(a);
    expect(original.split('\n').filter((l) => l !== '')).toHaveLength(6);
    expect(await read(b)).toBe(original);
  });
});
