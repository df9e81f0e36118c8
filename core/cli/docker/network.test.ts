import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import { dockerCommand } from './index';
import { naturalLess } from './network';

/** One terminal against one simulated engine; argv split on spaces. */
function session(seed: string) {
  const d = new EngineDriver(seed);
  const docker = dockerCommand(d.engine);
  return async (line: string, stdin: string | null = null) => {
    let stdout = '';
    let stderr = '';
    const code = await d.until(docker(line.split(' '), { stdin, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt: new InterruptSource(), stdinIsTTY: false }));
    return { stdout, stderr, code };
  };
}

describe('docker network', () => {
  it('ls sorts by name as sortorder.NaturalLess does', async () => {
    const run = session('ls');
    for (const n of ['net10', 'net2', 'Net1']) await run(`docker network create ${n}`);
    const { stdout } = await run('docker network ls --format {{.Name}}');
    expect(stdout).toBe('Net1\nbridge\nhost\nnet2\nnet10\nnone\n');
    expect(naturalLess('a9', 'a10')).toBe(true);
    expect(naturalLess('a10', 'a9')).toBe(false);
  });

  it('rm prints each removed name, the errors, then "exit status 1"', async () => {
    const run = session('rm');
    await run('docker network create mynet');
    expect(await run('docker network rm mynet bridge nosuch')).toEqual({
      stdout: 'mynet\n',
      stderr: 'Error response from daemon: bridge is a pre-defined network and cannot be removed\nError response from daemon: network nosuch not found\nexit status 1\n',
      code: 1,
    });
    expect(await run('docker network rm -f nosuch')).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('prune removes only unused user networks, and asks first without -f', async () => {
    const run = session('prune');
    await run('docker network create used');
    await run('docker network create unused');
    await run('docker run -d --name aa --network used busybox sleep 300');
    expect(await run('docker network prune', 'n\n')).toMatchObject({ stdout: 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ', stderr: '', code: 0 });
    expect((await run('docker network prune -f')).stdout).toBe('Deleted Networks:\nunused\n\n');
    expect((await run('docker network prune -f')).stdout).toBe('');
  });

  it('without a subcommand prints its help on stderr; an unknown one is refused', async () => {
    const run = session('help');
    const bare = await run('docker network');
    expect(bare.code).toBe(0);
    expect(bare.stderr).toMatch(/^Usage:  docker network COMMAND/);
    expect(await run('docker network nosuch')).toMatchObject({ code: 1, stderr: "docker: unknown command: docker network nosuch\n\nUsage:  docker network\n\nRun 'docker network --help' for more information\n" });
  });
});

describe('docker port and the PORTS column', () => {
  it('lists every binding in natural order, one with PRIVATE_PORT, and refuses an unpublished one', async () => {
    const run = session('port');
    await run('docker run -d --name web -p 8088:80 -p 127.0.0.1:9000:9000/udp busybox sleep 300');
    expect((await run('docker port web')).stdout).toBe('80/tcp -> 0.0.0.0:8088\n80/tcp -> [::]:8088\n9000/udp -> 127.0.0.1:9000\n');
    expect((await run('docker port web 80')).stdout).toBe('0.0.0.0:8088\n[::]:8088\n');
    expect(await run('docker port web 81')).toMatchObject({ code: 1, stderr: "Error: No public port '81' published for web\n" });
    // Same-numbered mappings are grouped and listed before the others (formatter.DisplayablePorts).
    expect((await run('docker ps --format {{.Ports}}')).stdout).toBe('127.0.0.1:9000->9000/udp, 0.0.0.0:8088->80/tcp, [::]:8088->80/tcp\n');
  });

  it('a second -p on the same host port fails as the daemon words it, exit 125', async () => {
    const run = session('clash');
    await run('docker run -d --name one -p 8088:80 busybox sleep 300');
    const r = await run('docker run -d --name two -p 8088:80 busybox sleep 300');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^docker: Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint two \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8088 failed: port is already allocated\n/);
  });

  it('-H names another simulated host; an unknown one is the client\'s connection error', async () => {
    const run = session('hosts');
    await run('docker -H node2 run -d --name far busybox sleep 300');
    expect((await run('docker -H tcp://node2:2375 ps --format {{.Names}}')).stdout).toBe('far\n');
    expect((await run('docker ps --format {{.Names}}')).stdout).toBe('');
    expect(await run('docker -H 10.9.9.9 ps')).toMatchObject({ code: 1, stderr: 'Cannot connect to the Docker daemon at tcp://10.9.9.9:2375. Is the docker daemon running?\n' });
  });
});
