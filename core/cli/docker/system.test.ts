import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import { dockerCommand } from './index';
import { streamFrame } from './system';
import { psCommand } from '../../kernel/procfs';

async function run(d: EngineDriver, argv: string[], interruptAfterMs?: number): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const interrupt = new InterruptSource();
  if (interruptAfterMs !== undefined) d.scheduler.after(interruptAfterMs, () => interrupt.interrupt());
  const io = { stdin: null, stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), interrupt, stdinIsTTY: false };
  const code = await d.until(argv[0] === 'ps' ? psCommand(d.engine.kernel, () => d.scheduler.now())(argv, io) : dockerCommand(d.engine)(argv, io));
  return { stdout, stderr, code };
}

describe('docker top', () => {
  it('lists the container’s processes with their host pids, as ps -ef on the host', async () => {
    const d = new EngineDriver('top');
    const id = d.runDetached(['sleep', '300'], { name: 'web' });
    const pid = (d.engine.inspect(id).State as { Pid: number }).Pid;
    const r = await run(d, ['docker', 'top', 'web']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD');
    expect(lines[1]).toMatch(new RegExp(`^root {16}${pid} +\\d+ +0 +\\d\\d:\\d\\d +\\? +00:00:00 +sleep 300$`));
    expect(await run(d, ['docker', 'top', 'web', '-o', 'pid,comm'])).toMatchObject({ stdout: `PID                 COMMAND\n${pid}${' '.repeat(20 - String(pid).length)}sleep\n`, code: 0 });
    d.engine.execProcess(id, ['top']);
    expect((await run(d, ['docker', 'top', 'web'])).stdout.split('\n').filter((l) => l !== '')).toHaveLength(3);
  });

  it('refuses a stopped container and an unknown one as dockerd does', async () => {
    const d = new EngineDriver('top-err');
    const { id } = d.engine.create({ image: 'busybox', cmd: ['true'], name: 'idle' });
    expect(await run(d, ['docker', 'top', 'idle'])).toEqual({ stdout: '', stderr: `Error response from daemon: Container ${id} is not running\n`, code: 1 });
    expect(await run(d, ['docker', 'top', 'nosuch'])).toEqual({ stdout: '', stderr: 'Error response from daemon: No such container: nosuch\n', code: 1 });
  });
});

describe('docker stats and update', () => {
  it('--no-stream shows usage against the limit, the pids, a line per running container', async () => {
    const d = new EngineDriver('stats');
    d.runDetached(['sleep', '300'], { name: 'aa', resources: { memory: 64 * 1024 * 1024 } });
    d.runDetached(['sleep', '300'], { name: 'bb' });
    const r = await run(d, ['docker', 'stats', '--no-stream']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS');
    expect(lines[1]).toMatch(/^[0-9a-f]{12}   aa        0\.00%     316KiB \/ 64MiB      0\.48%     0B \/ 0B   0B \/ 0B     1$/);
    expect(lines[2]).toMatch(/ bb .* 316KiB \/ 23\.54GiB /);
    expect((await run(d, ['docker', 'stats', '--no-stream', '--format', '{{.Name}}: {{.MemPerc}}', 'aa'])).stdout).toBe('aa: 0.48%\n');
  });

  it('streams a redraw every 500 ms, as docker 28.2.2 writes it, until Ctrl-C (130)', async () => {
    const d = new EngineDriver('stats-stream');
    d.runDetached(['sleep', '300'], { name: 'aa' });
    const r = await run(d, ['docker', 'stats', '--format', '{{.Name}}', 'aa'], 3250);
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('\x1b[Haa\n\x1b[Haa \x1b[K\n \x1b[K\n\x1b[J'.repeat(6));
  });

  it('BLOCK I/O under cgroup v2: the pages the container wrote into its upper layer', async () => {
    const d = new EngineDriver('stats-v2', { cgroupVersion: 2 });
    d.runDetached(['sh', '-c', 'echo hi > /small; seq 1 2000 > /numbers; sleep 300'], { name: 'wr' });
    // 3 bytes: one 4 KiB page; 8893 bytes: three pages.
    expect((await run(d, ['docker', 'stats', '--no-stream', '--format', '{{.BlockIO}}', 'wr'])).stdout).toBe('0B / 16.4kB\n');
  });

  it('with no container running (and no --all) draws one frame and ends', async () => {
    const d = new EngineDriver('stats-empty');
    const r = await run(d, ['docker', 'stats'], 3000);
    expect(r).toMatchObject({ code: 0, stdout: streamFrame('CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n') });
  });

  it('update writes the new limit into the running cgroup, with Docker’s refusals', async () => {
    const d = new EngineDriver('update');
    const id = d.runDetached(['sleep', '300'], { name: 'aa', resources: { memory: 64 * 1024 * 1024 } });
    expect(await run(d, ['docker', 'update', '--memory', '200m', 'aa'])).toMatchObject({
      stderr: `Error response from daemon: Cannot update container ${id}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time\n`,
      code: 1,
    });
    expect(await run(d, ['docker', 'update', '--memory', '32m', '--pids-limit', '20', 'aa'])).toMatchObject({ stdout: 'aa\n', code: 0 });
    const cg = d.engine.snapshot().cgroups![0]!;
    expect(cg.files.memory!['memory.limit_in_bytes']).toBe('33554432');
    expect(cg.files.pids!['pids.max']).toBe('20');
    expect(d.engine.trace.recent().filter((o) => o.op === 'cgroup.write').slice(-3).map((o) => `${o.args.file}=${o.args.value}`)).toEqual(['memory.limit_in_bytes=33554432', 'memory.memsw.limit_in_bytes=134217728', 'pids.max=20']);
    expect(await run(d, ['docker', 'update', 'aa'])).toEqual({ stdout: '', stderr: 'you must provide one or more flags when using this command\n', code: 1 });
    expect(await run(d, ['docker', 'update', '--memory', '4m', 'aa'])).toMatchObject({ stderr: 'Error response from daemon: Minimum memory limit allowed is 6MB\n', code: 1 });
  });
});

describe('docker update --restart', () => {
  it('gives the restart manager the new policy from the next exit on', async () => {
    const d = new EngineDriver('update-restart');
    const id = d.runDetached(['sh', '-c', 'exit 1'], { name: 'xx' });
    await d.advance(100);
    expect(d.state(id)).toBe('exited');
    expect(await run(d, ['docker', 'update', '--restart=always', 'xx'])).toEqual({ stdout: 'xx\n', stderr: '', code: 0 });
    expect(d.engine.inspect(id).HostConfig).toMatchObject({ RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } });
    expect(d.engine.snapshot().containers.find((c) => c.id === id)!.config.restartPolicy).toEqual({ name: 'always', maximumRetryCount: 0 });
    expect(await run(d, ['docker', 'start', 'xx'])).toMatchObject({ code: 0 });
    await d.advance(5000);
    const count = (): number => (d.engine.inspect(id) as { RestartCount: number }).RestartCount;
    expect(count()).toBeGreaterThan(1);
    expect(await run(d, ['docker', 'update', '--restart=on-failure:3', 'xx'])).toMatchObject({ stdout: 'xx\n', code: 0 });
    expect(d.engine.inspect(id).HostConfig).toMatchObject({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
    expect(await run(d, ['docker', 'update', '--restart=no', 'xx'])).toMatchObject({ code: 0 });
    await d.advance(60_000);
    expect(d.state(id)).toBe('exited');
    const settled = count();
    await d.advance(60_000);
    expect(count()).toBe(settled);
  });

  it('refuses what dockerd and the client refuse', async () => {
    const d = new EngineDriver('update-restart-err');
    const id = d.runDetached(['sleep', '300'], { name: 'rm', autoRemove: true });
    const err = (text: string) => ({ stdout: '', stderr: text + '\n', code: 1 });
    expect(await run(d, ['docker', 'update', '--restart=always', 'rm'])).toEqual(
      err(`Error response from daemon: Cannot update container ${id}: Restart policy cannot be updated because AutoRemove is enabled for the container`),
    );
    expect(await run(d, ['docker', 'update', '--restart=no', 'rm'])).toEqual({ stdout: 'rm\n', stderr: '', code: 0 });
    expect(await run(d, ['docker', 'update', '--restart=bogus', 'rm'])).toEqual(
      err("Error response from daemon: invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"),
    );
    expect(await run(d, ['docker', 'update', '--restart=on-failure:-1', 'nosuch'])).toEqual(err('Error response from daemon: invalid restart policy: maximum retry count cannot be negative'));
    expect(await run(d, ['docker', 'update', '--restart=:3', 'rm'])).toEqual(err('invalid restart policy format: no policy provided before colon'));
    expect(await run(d, ['docker', 'update', '--restart=', 'nosuch'])).toEqual(err('Error response from daemon: No such container: nosuch'));
    expect(d.engine.inspect(id).HostConfig).toMatchObject({ RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } });
  });
});

describe('docker version and info', () => {
  it('version and info name one engine, docker-ce 28.2.2, whose wording the daemon texts follow', async () => {
    const d = new EngineDriver('version');
    const r = await run(d, ['docker', 'version']);
    expect(r.stdout).toContain('Client: Docker Engine - Community\n Version:           28.2.2\n API version:       1.50\n');
    expect(r.stdout).toContain('Server: Docker Engine - Community\n Engine:\n  Version:          28.2.2\n  API version:      1.50 (minimum version 1.24)\n');
    expect(r.stdout).toContain(' runc:\n  Version:          1.2.5\n  GitCommit:        v1.2.5-0-g59923ef\n');
    expect((await run(d, ['docker', 'version', '--format', '{{.Server.Version}} {{.Client.Version}}'])).stdout).toBe('28.2.2 28.2.2\n');
    const info = (await run(d, ['docker', 'info'])).stdout;
    expect(info).toContain(' Server Version: 28.2.2\n');
    expect(info).toContain(' containerd version: 05044ec0a9a75232cad458027ca83437aae3f4da\n runc version: v1.2.5-0-g59923ef\n init version: de40ad0\n');
    expect(info).toMatch(/ ID: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n/);
    expect((await run(d, ['docker', 'info', '--format', '{{.ServerVersion}}'])).stdout).toBe('28.2.2\n');
    // A daemon text of that version: Engine 25+ words a running container's removal this way.
    d.runDetached(['sleep', '300'], { name: 'up' });
    expect((await run(d, ['docker', 'rm', 'up'])).stderr).toBe('Error response from daemon: cannot remove container "up": container is running: stop the container before removing or force remove\n');
  });

  it('info counts containers by state and shows the cgroup driver and version', async () => {
    const d = new EngineDriver('info');
    const a = d.runDetached(['sleep', '300']);
    d.runDetached(['sleep', '300']);
    d.engine.pause(a);
    d.engine.create({ image: 'busybox', cmd: ['true'] });
    const r = await run(d, ['docker', 'info']);
    expect(r.stdout).toContain(' Containers: 3\n  Running: 1\n  Paused: 1\n  Stopped: 1\n');
    expect(r.stdout).toContain(' Cgroup Driver: cgroupfs\n Cgroup Version: 1\n');
    expect(r.stdout).toContain(' Images: 2\n');
    expect((await run(d, ['docker', 'info', '--format', '{{.NCPU}} {{.CgroupVersion}} {{.ContainersPaused}}'])).stdout).toBe('2 1 1\n');
  });
});

describe('ps on the host', () => {
  it('-ef shows the chain: dockerd, containerd under it, the shim under init, the container under the shim, ps itself', async () => {
    const d = new EngineDriver('ps');
    const id = d.runDetached(['sleep', '300']);
    const pid = (d.engine.inspect(id).State as { Pid: number }).Pid;
    const r = await run(d, ['ps', '-ef']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('UID          PID    PPID  C STIME TTY          TIME CMD');
    expect(lines.some((l) => / containerd --config /.test(l))).toBe(true);
    const shim = lines.find((l) => l.includes(`containerd-shim-runc-v2 -namespace moby -id ${id}`))!;
    expect(shim).toMatch(/^root +\d+ +1 /);
    expect(lines.find((l) => l.endsWith('sleep 300'))).toMatch(new RegExp(`^root +${pid} +${shim.split(/ +/)[1]} `));
    expect(lines.at(-2)).toMatch(/ pts\/0 +00:00:00 ps -ef$/);
    const aux = (await run(d, ['ps', 'aux'])).stdout.split('\n');
    expect(aux[0]).toBe('USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND');
    expect(aux.find((l) => l.endsWith('sleep 300'))).toMatch(/ 352 \? +Ss /);
  });
});
