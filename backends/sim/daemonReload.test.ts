import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

/** dockerd's configuration reload on SIGHUP (core/engine/daemonReload.ts): systemctl reload docker, kill -HUP, the daemon reload event, the journal. */

function newHost(): SimHost {
  return new SimHost({ seed: 'reload-test', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
}

async function out(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  expect(r, line).toMatchObject({ exit: 0, err: '' });
  return r.out;
}

const CONFIG = `cat > /etc/docker/daemon.json <<EOF
{
  "debug": true,
  "insecure-registries": ["registry.local:5000"],
  "registry-mirrors": ["https://mirror.example.com"],
  "labels": ["room=101"],
  "max-concurrent-downloads": 6,
  "live-restore": true,
  "data-root": "/data/docker"
}
EOF`;

describe('systemctl reload docker', () => {
  it('applies the reloadable options at once, keeps data-root, leaves containers running', async () => {
    const host = newHost();
    await out(host, 'docker run -d --name keep busybox sleep 600');
    await out(host, CONFIG);
    expect(await out(host, "docker info --format '{{.Debug}} {{.LiveRestoreEnabled}} {{.RegistryConfig.Mirrors}}'")).toBe('false false []\n');
    expect(await out(host, 'systemctl reload docker')).toBe('');
    expect(await out(host, "docker info --format '{{.Debug}} {{.LiveRestoreEnabled}} {{.RegistryConfig.Mirrors}} {{.DockerRootDir}}'")).toBe('true true [https://mirror.example.com/] /var/lib/docker\n');
    expect(await out(host, "docker ps --format '{{.Names}} {{.State}}'")).toBe('keep running\n');
  });

  it('logs the daemon reload event with moby\'s attributes', async () => {
    const host = newHost();
    await out(host, CONFIG);
    await out(host, 'systemctl reload docker');
    const id = (await out(host, "docker info --format '{{.ID}}'")).trim();
    const events = await out(host, 'docker events --since 0 --until 0s --filter type=daemon');
    expect(events).toMatch(
      new RegExp(
        `^\\S+ daemon reload ${id} \\(debug=true, default-cgroupns-mode=host, default-ipc-mode=private, default-runtime=runc, default-shm-size=67108864, features=map\\[\\], insecure-registries=\\["registry.local:5000"\\], labels=\\["room=101"\\], live-restore=true, max-concurrent-downloads=6, max-concurrent-uploads=5, max-download-attempts=5, name=glassbox, registry-mirrors=\\["https://mirror.example.com/"\\], runtimes=, shutdown-timeout=15\\)\\n$`,
      ),
    );
  });

  it('the journal has systemd\'s reloading lines around dockerd\'s', async () => {
    const host = newHost();
    await out(host, 'systemctl reload docker');
    const lines = (await out(host, 'journalctl -u docker -n 4')).trim().split('\n');
    expect(lines[0]).toMatch(/systemd\[1\]: Reloading docker.service - Docker Application Container Engine\.\.\.$/);
    expect(lines[1]).toMatch(/dockerd\[\d+\]: time="[^"]+" level=info msg="Got signal to reload configuration" config-file=\/etc\/docker\/daemon.json$/);
    expect(lines[2]).toMatch(/level=info msg="Reloaded configuration" config="\{\\"max-concurrent-downloads\\":3,/);
    expect(lines[3]).toMatch(/systemd\[1\]: Reloaded docker.service - Docker Application Container Engine\.$/);
  });

  it('a broken daemon.json is logged and the old configuration stays', async () => {
    const host = newHost();
    await out(host, CONFIG);
    await out(host, 'systemctl reload docker');
    await out(host, "echo '{\"debug\": false,' > /etc/docker/daemon.json");
    expect(await out(host, 'systemctl reload docker')).toBe('');
    expect(await out(host, "docker info --format '{{.Debug}}'")).toBe('true\n');
    expect(await out(host, 'journalctl -u docker -n 2')).toMatch(/level=error msg="Error reloading configuration" error="unable to configure the Docker daemon with file \/etc\/docker\/daemon.json: unexpected EOF"\n.*Reloaded docker.service/);
  });

  it('is refused while docker.service is stopped', async () => {
    const host = newHost();
    await out(host, 'systemctl stop docker.socket');
    await run(host, 'systemctl stop docker');
    expect(await run(host, 'systemctl reload docker')).toEqual({ out: '', err: 'docker.service is not active, cannot reload.\n', exit: 1 });
  });
});

describe('kill -HUP dockerd', () => {
  it('reloads as systemctl reload does, without systemd\'s lines', async () => {
    const host = newHost();
    await out(host, "echo '{\"debug\": true}' > /etc/docker/daemon.json");
    const pid = /Main PID: (\d+)/.exec(await out(host, 'systemctl status docker'))![1]!;
    expect(await out(host, `kill -HUP ${pid}`)).toBe('');
    expect(await out(host, "docker info --format '{{.Debug}}'")).toBe('true\n');
    const last = (await out(host, 'journalctl -u docker -n 1')).trim();
    expect(last).toMatch(/dockerd\[\d+\]: .*msg="Reloaded configuration"/);
    expect(await out(host, 'docker events --since 0 --until 0s --format "{{.Type}} {{.Action}}"')).toContain('daemon reload\n');
  });

  it('with debug already on, the reload logs its debug lines', async () => {
    const host = newHost();
    await out(host, "echo '{\"debug\": true, \"max-concurrent-uploads\": 2}' > /etc/docker/daemon.json");
    await out(host, 'systemctl restart docker');
    await out(host, 'systemctl reload docker');
    const lines = (await out(host, 'journalctl -u docker -n 6')).split('\n');
    expect(lines.slice(1, 5).map((l) => l.replace(/^.*level=/, 'level='))).toEqual([
      'level=debug msg="Reset Max Concurrent Downloads: 3"',
      'level=debug msg="Reset Max Concurrent Uploads: 2"',
      'level=debug msg="Reset Max Download Attempts: 5"',
      expect.stringMatching(/^level=info msg="Reloaded configuration" config=/),
    ]);
  });
});
