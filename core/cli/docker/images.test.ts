import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import { dockerCommand } from './index';

/** Runs docker command lines (split on spaces, or argv arrays) against one simulated engine. */
function session(): (line: string | string[], stdin?: string) => Promise<{ stdout: string; stderr: string; code: number }> {
  const d = new EngineDriver('images');
  const docker = dockerCommand(d.engine);
  return async (line, stdin) => {
    let stdout = '';
    let stderr = '';
    const p = docker(typeof line === 'string' ? line.split(' ') : line, {
      stdin: stdin ?? null,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      interrupt: new InterruptSource(),
      stdinIsTTY: false,
    });
    const code = await d.until(p);
    return { stdout, stderr, code };
  };
}

describe('docker image commands', () => {
  it('pull prints the default tag, per-layer lines, Digest, Status and the full name; -q only the name', async () => {
    const docker = session();
    const r = await docker('docker pull alpine');
    expect(r.stdout).toMatch(/^Using default tag: latest\nlatest: Pulling from library\/alpine\n[0-9a-f]{12}: Pulling fs layer\n[0-9a-f]{12}: Verifying Checksum\n[0-9a-f]{12}: Download complete\n[0-9a-f]{12}: Pull complete\nDigest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for alpine:latest\ndocker.io\/library\/alpine:latest\n$/);
    expect((await docker('docker pull -q registry:2')).stdout).toBe('docker.io/library/registry:2\n');
    expect((await docker('docker pull -a alpine:3')).stderr).toBe("tag can't be used with --all-tags/-a\n");
  });

  it('images lists one row per tag, newest first; -q, --digests and filters', async () => {
    const docker = session();
    await docker('docker tag busybox mine:1');
    const r = await docker('docker images');
    expect(r.stdout.split('\n').map((l) => l.split(/\s{2,}/).slice(0, 2).join(':'))).toEqual(['REPOSITORY:TAG', 'busybox:latest', 'mine:1', 'hello-world:latest', '']);
    expect((await docker('docker images -q mine')).stdout).toMatch(/^[0-9a-f]{12}\n$/);
    expect((await docker('docker images -f nosuch=1')).stderr).toBe("Error response from daemon: invalid filter 'nosuch'\n");
    expect((await docker(['docker', 'images', '--format', '{{.Repository}}', '-f', 'reference=hello*'])).stdout).toBe('hello-world\n');
  });

  it('history shows each step newest first, <missing> below the image, sizes of the layers', async () => {
    const docker = session();
    await docker('docker pull redis');
    const r = await docker(['docker', 'history', '--format', '{{.ID}}|{{.Size}}|{{.CreatedBy}}', 'redis']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^[0-9a-f]{12}\|0B\|CMD \["redis-server"\]$/);
    expect(lines.slice(1).every((l) => l.startsWith('<missing>|'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^<missing>\|74\.\dMB\|\/bin\/sh -c #\(nop\) ADD file:/);
  });

  it('diff and commit: the upper layer becomes the new image top layer; rmi untags then deletes', async () => {
    const docker = session();
    await docker('docker create --name cc busybox true');
    const d = await docker('docker diff cc');
    expect(d.stdout).toBe('');
    const id = (await docker(['docker', 'commit', '-m', 'msg', '-c', 'CMD ["echo","hi"]', 'cc', 'mine:v1'])).stdout.trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await docker(['docker', 'image', 'inspect', '-f', '{{.Comment}} {{.Config.Cmd}}', 'mine:v1'])).stdout).toBe('msg [echo hi]\n');
    expect((await docker(['docker', 'commit', '-c', 'FOO bar', 'cc'])).stderr).toBe('Error response from daemon: foo is not a valid change command\n');
    expect((await docker('docker rmi mine:v1')).stdout).toBe(`Untagged: mine:v1\nDeleted: ${id}\n`);
    expect((await docker('docker rmi mine:v1')).stderr).toBe('Error response from daemon: No such image: mine:v1\n');
  });

  it('image prune asks first and reads the answer from stdin', async () => {
    const docker = session();
    const no = await docker('docker image prune', '');
    expect(no.stdout).toBe('WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
    expect((await docker('docker image prune', 'y\n')).stdout).toMatch(/Total reclaimed space: 0B\n$/);
  });
});
