import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand } from '../../web/src/dockerfile/buildCommand';
import { haveDocker } from '../support/requirements';
import { type TestAgent, capture, connectClient, docker, dockerQuiet, run, startTestAgent, uniqueName, waitFor } from './support';

describe.skipIf(!haveDocker())('agent: terminal lines run the real docker CLI', () => {
  const name = uniqueName();
  const toClean: string[] = [name];
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;

  const running = (n: string): Promise<true> =>
    waitFor(`${n} running`, async () => (await client.snapshot()).containers.some((c) => c.name === n && c.state === 'running') || undefined);

  beforeAll(async () => {
    t = await startTestAgent();
    client = connectClient(t);
    docker('run', '-d', '--name', name, 'busybox', 'sleep', '300');
  });

  afterAll(async () => {
    for (const n of toClean) dockerQuiet('rm', '-f', n);
    client?.close();
    await t?.close();
  });

  it('streams a pipeline’s stdout and its exit code', async () => {
    const r = await run(client, `docker ps -a --format '{{.Names}}' | grep ${name}`);
    expect(r).toEqual({ code: 0, stdout: `${name}\n`, stderr: '' });
  });

  it('streams a large output whole and in order, before the exit code', async () => {
    const r = await run(client, 'docker run --rm busybox seq 1 100000');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(100_001);
    expect(lines[0]).toBe('1');
    expect(lines[99_999]).toBe('100000');
    expect(lines.every((l, i) => i === 100_000 ? l === '' : l === String(i + 1))).toBe(true);
  });

  it('builds what the Dockerfile pane types for the real engine: the Dockerfile on stdin through a here-document', async () => {
    const tag = `${uniqueName('gbtest-pane')}:1.0`;
    try {
      const r = await run(client, buildCommand({ dockerfile: `FROM busybox\nLABEL pane=${name}\nCMD ["echo", "$HOME"]\n`, tag, dir: '', kind: 'real' }));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Successfully tagged ${tag.replace(/[.]/g, '\\.')}$`, 'm'));
      expect(docker('image', 'inspect', '-f', '{{index .Config.Labels "pane"}} {{json .Config.Cmd}}', tag).trim()).toBe(`${name} ["echo","$HOME"]`);
    } finally {
      dockerQuiet('rmi', '-f', tag);
    }
  });

  it('builds a context the terminal wrote into its memory (printf > Dockerfile, then docker build .), as the course lesson does', async () => {
    const tag = `${uniqueName('gbtest-ctx')}:1.0`;
    const dir = `/tmp/${uniqueName('gbctx')}`;
    try {
      const r = await run(client, `mkdir -p ${dir}/sub && cd ${dir} && echo hi > sub/f.txt && printf 'FROM busybox\\nCOPY sub/f.txt /f.txt\\nCMD ["cat", "/f.txt"]\\n' > Dockerfile && docker build -q -t ${tag} .`);
      // (stderr carries the CLI's legacy-builder notice where buildx is missing.)
      expect(r.stderr).not.toMatch(/unable to prepare context|Cannot locate specified Dockerfile/);
      expect(r.code).toBe(0);
      // Nothing of it reached the host's disk, and the agent's own copy is gone.
      expect(existsSync(dir)).toBe(false);
      expect(docker('run', '--rm', tag).trim()).toBe('hi');
    } finally {
      dockerQuiet('rmi', '-f', tag);
    }
  });

  it('passes on Docker’s own error text and exit code', async () => {
    const missing = uniqueName('gbtest-missing');
    const r = await run(client, `docker rm ${missing}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error response from daemon: No such container: ${missing}\n`);
  });

  it('gives the CLI’s usage error for a bad flag (exit 125)', async () => {
    const r = await run(client, 'docker run --no-such-flag busybox');
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('unknown flag: --no-such-flag');
  });

  it('Ctrl-C ends a foreground docker run whose process handles SIGINT (--init)', async () => {
    const n = uniqueName();
    toClean.push(n);
    const { io, out } = capture();
    const done = client.exec(`docker run --rm --init --name ${n} busybox sleep 30`, io);
    await running(n);
    await client.interrupt();
    expect(await done).toBe(130);
    expect(out.stdout).toBe('');
  });

  it('Ctrl-C three times makes the CLI give up, as in a real terminal, while the container runs on', async () => {
    const n = uniqueName();
    toClean.push(n);
    const { io, out } = capture();
    const done = client.exec(`docker run --rm --name ${n} busybox sleep 30`, io);
    await running(n);
    // PID 1 ignores SIGINT, so the first two are passed on to no effect. Spaced
    // like key presses: the kernel merges a SIGINT into one still pending.
    for (let i = 0; i < 3; i++) {
      await client.interrupt();
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await done).toBe(1);
    expect(out.stderr).toContain('got 3 SIGTERM/SIGINTs, forcefully exiting');
    expect(docker('inspect', '--format', '{{.State.Status}}', n).trim()).toBe('running');
  });

  it('runs one line at a time per connection', async () => {
    const n = uniqueName();
    toClean.push(n);
    const first = client.exec(`docker run --rm --init --name ${n} busybox sleep 30`, capture().io);
    await running(n);
    const second = await run(client, 'docker ps');
    expect(second).toEqual({ code: 1, stdout: '', stderr: 'glassbox: a command is still running (press Ctrl-C to interrupt it)\n' });
    await client.interrupt();
    expect(await first).toBe(130);
  });

  it('gives stdin from the pipeline to docker', async () => {
    const r = await run(client, `echo hello-from-the-pipe | docker exec -i ${name} cat`);
    expect(r).toEqual({ code: 0, stdout: 'hello-from-the-pipe\n', stderr: '' });
  });

  describe('no host command runs without --host-shell', () => {
    it('does not run rm after a ;', async () => {
      const sentinel = `/tmp/${uniqueName('gbtest-sentinel')}`;
      mkdirSync(sentinel);
      try {
        // A sentinel directory rather than `/`: if this test ever failed, it must not wipe the machine.
        await run(client, `docker ps; rm -rf ${sentinel}`);
        expect(existsSync(sentinel)).toBe(true);
      } finally {
        rmSync(sentinel, { recursive: true, force: true });
      }
    });

    it('does not run a command substitution on the host', async () => {
      const marker = `/tmp/${uniqueName('gbtest-marker')}`;
      await run(client, `docker ps $(touch ${marker})`);
      await run(client, `docker ps --format x > ${marker}`);
      expect(existsSync(marker)).toBe(false);
    });

    it.each(['gbtest-no-such-program --version', 'uname -s', '/usr/bin/uname -s'])('refuses %s: not the shell’s own', async (line) => {
      const r = await run(client, line);
      expect(r.code).toBe(127);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^bash: \S+: (command not found|No such file or directory)\n$/);
    });
  });

  it('reset forgets the shell’s state but keeps the containers', async () => {
    await run(client, 'export GBTEST_VAR=kept');
    expect((await run(client, 'echo $GBTEST_VAR')).stdout).toBe('kept\n');
    await client.reset();
    expect((await run(client, 'echo $GBTEST_VAR')).stdout).toBe('\n');
    expect(docker('inspect', '--format', '{{.State.Status}}', name).trim()).toBe('running');
  });
});

describe.skipIf(!haveDocker())('agent: --host-shell', () => {
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;

  beforeAll(async () => {
    t = await startTestAgent({ hostShell: true });
    client = connectClient(t);
  });
  afterAll(async () => {
    client?.close();
    await t?.close();
  });

  it('says so in its capabilities', async () => {
    expect((await client.capabilities()).hostShell).toBe(true);
  });

  it('runs host programs on the PATH', async () => {
    expect(await run(client, 'uname -s')).toEqual({ code: 0, stdout: 'Linux\n', stderr: '' });
  });

  it('still passes arguments as an argv, never through /bin/sh', async () => {
    const marker = `/tmp/${uniqueName('gbtest-marker')}`;
    const r = await run(client, `env echo 'x; touch ${marker}'`);
    expect(r).toEqual({ code: 0, stdout: `x; touch ${marker}\n`, stderr: '' });
    expect(existsSync(marker)).toBe(false);
  });

  it('its files are the host\'s: what a line writes, a bind mount, the host\'s own cat and docker build . read', async () => {
    const dir = `/tmp/${uniqueName('gb-diskfs')}`;
    const tag = `${uniqueName('gb-diskfs-img')}:1`;
    try {
      const r = await run(client, `mkdir -p ${dir} && cd ${dir} && echo 'from the terminal' > note && /bin/cat note && docker run --rm -v ${dir}:/d busybox cat /d/note`);
      expect(r).toEqual({ code: 0, stdout: 'from the terminal\nfrom the terminal\n', stderr: '' });
      expect(readFileSync(`${dir}/note`, 'utf8')).toBe('from the terminal\n');
      // docker runs in the shell's directory: "." is the one the line cd'd to.
      const b = await run(client, `cd ${dir} && printf 'FROM busybox\\nCOPY note /note\\nCMD ["cat", "/note"]\\n' > Dockerfile && docker build -q -t ${tag} . >/dev/null && docker run --rm ${tag}`);
      // (stderr carries the CLI's legacy-builder notice here)
      expect({ code: b.code, stdout: b.stdout }).toEqual({ code: 0, stdout: 'from the terminal\n' });
    } finally {
      dockerQuiet('rmi', tag);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('binary passes through the shell byte for byte: docker save > f, cat f | sha256sum, docker load < f', async () => {
    const dir = `/tmp/${uniqueName('gb-binary')}`;
    const tag = `${uniqueName('gb-binary-img')}:1`;
    mkdirSync(dir);
    docker('tag', 'busybox:latest', tag);
    try {
      const saved = await run(client, `cd ${dir} && docker save ${tag} > through-shell.tar && docker save -o direct.tar ${tag}`);
      expect(saved).toEqual({ code: 0, stdout: '', stderr: '' });
      // The shell's redirect wrote the very bytes the CLI writes with -o (a tar of NULs, octal and gzip-free layer bytes).
      const direct = readFileSync(`${dir}/direct.tar`);
      expect(direct.length).toBeGreaterThan(100_000);
      expect(readFileSync(`${dir}/through-shell.tar`).equals(direct)).toBe(true);
      // Read by the shell's own cat and piped to a host program: the same bytes again.
      const sums = await run(client, `cd ${dir} && cat through-shell.tar | sha256sum && sha256sum < direct.tar`);
      const [a, b] = sums.stdout.split('\n');
      expect(a?.slice(0, 64)).toMatch(/^[0-9a-f]{64}$/);
      expect(a?.slice(0, 64)).toBe(b?.slice(0, 64));
      dockerQuiet('rmi', tag);
      const loaded = await run(client, `cd ${dir} && docker load < through-shell.tar`);
      expect(loaded).toEqual({ code: 0, stdout: `Loaded image: ${tag}\n`, stderr: '' });
    } finally {
      dockerQuiet('rmi', tag);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses names that are on no PATH', async () => {
    expect((await run(client, 'gbtest-no-such-program')).stderr).toBe('bash: gbtest-no-such-program: command not found\n');
  });
});
