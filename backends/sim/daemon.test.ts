import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

/** dockerd under systemd on the simulated host: daemon.json, systemctl, journalctl, a restart's effect on containers. */

function newHost(): SimHost {
  return new SimHost({ seed: 'daemon-test', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
}

async function out(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  expect(r, line).toMatchObject({ exit: 0, err: '' });
  return r.out;
}

const MIRRORS = `cat > /etc/docker/daemon.json <<EOF
{
  "registry-mirrors": ["https://mirror.example.com"],
  "insecure-registries": ["registry.local:5000", "10.0.0.0/8"],
  "live-restore": false,
  "exec-opts": ["native.cgroupdriver=systemd"],
  "data-root": "/data/docker"
}
EOF`;

describe('daemon.json and systemctl restart docker', () => {
  it('docker info shows the new configuration after the restart, not before', async () => {
    const host = newHost();
    await out(host, MIRRORS);
    const before = await out(host, 'docker info');
    expect(before).not.toContain('Registry Mirrors');
    expect(await out(host, 'systemctl restart docker')).toBe('');
    const info = await out(host, 'docker info');
    expect(info).toContain(' Insecure Registries:\n  registry.local:5000\n  10.0.0.0/8\n  ::1/128\n  127.0.0.0/8\n Registry Mirrors:\n  https://mirror.example.com/\n Live Restore Enabled: false\n');
    expect(info).toContain(' Cgroup Driver: systemd\n');
    expect(info).toContain(' Docker Root Dir: /data/docker\n');
    expect(await out(host, "docker info --format '{{.RegistryConfig.Mirrors}}'")).toBe('[https://mirror.example.com/]\n');
    expect(await out(host, 'systemctl is-active docker')).toBe('active\n');
  });

  it('a malformed daemon.json fails the start with dockerd\'s message, and clients cannot connect', async () => {
    const host = newHost();
    await out(host, `printf '{\\n  "registry-mirrors": ["https://m.example"],\\n}\\n' > /etc/docker/daemon.json`);
    const r = await run(host, 'systemctl restart docker');
    expect(r.exit).toBe(1);
    expect(r.err).toBe('Job for docker.service failed because the control process exited with error code.\nSee "systemctl status docker.service" and "journalctl -xeu docker.service" for details.\n');
    const status = await run(host, 'systemctl status docker');
    expect(status.exit).toBe(3);
    expect(status.out).toMatch(/^● docker.service - Docker Application Container Engine\n/);
    expect(status.out).toMatch(/\n {5}Active: activating \(auto-restart\) \(Result: exit-code\) since Thu 2026-01-01 00:00:\d\d UTC; now\n/);
    const message = "unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '}' looking for beginning of object key string";
    expect(status.out).toContain(`dockerd[`);
    expect(status.out).toContain(message);
    expect(await out(host, 'journalctl -u docker --no-pager -n 4')).toMatch(/^Jan 01 00:00:\d\d glassbox dockerd\[\d+\]: unable to configure .*\n.*status=1\/FAILURE\n.*Failed with result 'exit-code'.\n.*Failed to start docker.service - Docker Application Container Engine.\n$/);
    expect(await run(host, 'docker ps')).toEqual({ out: '', err: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n', exit: 1 });
    // Fixed, it starts again.
    await out(host, 'echo {} > /etc/docker/daemon.json');
    await out(host, 'systemctl start docker');
    expect(await out(host, 'docker ps -q')).toBe('');
  });

  it('an unknown key is refused by name', async () => {
    const host = newHost();
    await out(host, `echo '{"foo": 1, "bar": true}' > /etc/docker/daemon.json`);
    expect((await run(host, 'systemctl restart docker')).exit).toBe(1);
    expect(await out(host, 'journalctl -u docker -n 4 --no-pager')).toContain("unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: foo, bar\n");
  });

  it('a restart stops running containers, then restart policies bring back always, unless-stopped and on-failure', async () => {
    const host = newHost();
    for (const p of ['no', 'always', 'unless-stopped', 'on-failure']) await out(host, `docker run -d --name p-${p} --restart ${p} busybox sleep 1000`);
    await out(host, 'docker run -d --name stopped-us --restart unless-stopped busybox sleep 1000');
    await out(host, 'docker run -d --name stopped-al --restart always busybox sleep 1000');
    await out(host, 'docker stop -t 1 stopped-us stopped-al');
    await out(host, 'systemctl restart docker');
    const running = (await out(host, "docker ps --format '{{.Names}}'")).trim().split('\n').sort();
    // on-failure comes back too: the shutdown's SIGKILL is a non-zero exit (moby/moby#47846).
    expect(running).toEqual(['p-always', 'p-on-failure', 'p-unless-stopped', 'stopped-al']);
    expect(await out(host, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' p-no")).toBe('exited 137\n');
  });

  it('with live-restore the containers keep running across the restart', async () => {
    const host = newHost();
    await out(host, `echo '{"live-restore": true}' > /etc/docker/daemon.json`);
    await out(host, 'systemctl restart docker');
    expect(await out(host, "docker info -f '{{.LiveRestoreEnabled}}'")).toBe('true\n');
    await out(host, 'docker run -d --name keep busybox sleep 1000');
    const started = await out(host, "docker inspect -f '{{.State.StartedAt}}' keep");
    await out(host, 'systemctl restart docker');
    expect(await out(host, "docker inspect -f '{{.State.Status}} {{.State.StartedAt}}' keep")).toBe(`running ${started}`);
  });

  it('systemctl stop leaves docker.socket to start it again at the next client', async () => {
    const host = newHost();
    await out(host, 'docker run -d --name sv busybox sleep 1000');
    const r = await run(host, 'systemctl stop docker');
    expect(r).toEqual({ out: '', err: 'Warning: Stopping docker.service, but it can still be activated by:\n  docker.socket\n', exit: 0 });
    expect(await run(host, 'systemctl is-active docker')).toMatchObject({ out: 'inactive\n', exit: 3 });
    expect(await out(host, "docker ps -a --format '{{.Names}} {{.Status}}'")).toMatch(/^sv Exited \(137\)/);
    expect(await out(host, 'systemctl is-active docker')).toBe('active\n');
    await out(host, 'systemctl stop docker.socket docker');
    expect((await run(host, 'docker ps')).exit).toBe(1);
    expect(await out(host, 'service docker start')).toBe('');
    expect(await out(host, 'docker ps -q')).toBe('');
  });

  it('a key without a modelled effect is noted in the journal, and the daemon runs', async () => {
    const host = newHost();
    await out(host, `echo '{"bip": "192.168.200.1/24"}' > /etc/docker/daemon.json`);
    await out(host, 'systemctl restart docker');
    expect(await out(host, 'journalctl -u docker --no-pager')).toContain('glassbox: daemon.json: "bip" is not simulated yet\n');
  });

  it('vi without a terminal (a script) gives up as vim does when input is not from a terminal, and writes nothing', async () => {
    const host = newHost();
    expect(await run(host, 'vi /etc/docker/daemon.json')).toEqual({
      out: 'Vim: Error reading input, exiting...\nVim: Finished.\n',
      err: 'Vim: Warning: Output is not to a terminal\nVim: Warning: Input is not from a terminal\n',
      exit: 1,
    });
    expect((await run(host, 'ls /etc/docker/daemon.json')).exit).toBe(2);
  });
});

describe('systemd restarts a failing docker.service', () => {
  it('twice, 2 s apart, then gives up; a manual start is then refused until reset-failed', async () => {
    const host = newHost();
    await out(host, `echo '{"nope": 1}' > /etc/docker/daemon.json`);
    expect((await run(host, 'systemctl restart docker')).exit).toBe(1);
    await out(host, 'sleep 10');
    const status = await run(host, 'systemctl status docker');
    expect(status.out).toMatch(/^× docker.service/);
    expect(status.out).toMatch(/\n {5}Active: failed \(Result: exit-code\) since Thu 2026-01-01 00:00:0\d UTC; \ds ago\n/);
    const journal = await out(host, 'journalctl -u docker --no-pager');
    expect(journal.match(/Scheduled restart job, restart counter is at \d/g)).toEqual(['Scheduled restart job, restart counter is at 1', 'Scheduled restart job, restart counter is at 2', 'Scheduled restart job, restart counter is at 3']);
    expect(journal).toMatch(/docker.service: Start request repeated too quickly.\n.*Failed with result 'exit-code'.\n.*Failed to start docker.service - Docker Application Container Engine.\n.*docker.socket: Failed with result 'service-start-limit-hit'.\n$/);
    await out(host, 'echo {} > /etc/docker/daemon.json');
    const refused = await run(host, 'systemctl start docker');
    expect(refused.exit).toBe(1);
    expect(refused.err).toContain('Job for docker.service failed because start of the service was attempted too often.\n');
    await out(host, 'systemctl reset-failed docker');
    await out(host, 'systemctl start docker');
    expect(await out(host, 'docker ps -q')).toBe('');
  });

  it('comes back by itself when daemon.json is fixed before the next try', async () => {
    const host = newHost();
    await out(host, `echo '{' > /etc/docker/daemon.json`);
    expect((await run(host, 'systemctl restart docker')).exit).toBe(1);
    await out(host, 'echo {} > /etc/docker/daemon.json');
    await out(host, 'sleep 3');
    expect(await out(host, 'systemctl is-active docker')).toBe('active\n');
  });
});

describe('the docker client without a daemon', () => {
  it('docker version prints the client half, then the connection error', async () => {
    const host = newHost();
    await out(host, `echo '{' > /etc/docker/daemon.json`);
    expect((await run(host, 'systemctl restart docker')).exit).toBe(1);
    const r = await run(host, 'docker version');
    expect(r.exit).toBe(1);
    expect(r.out).toMatch(/^Client: .*\n(.*\n)* Context: +default\n$/);
    expect(r.err).toBe('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n');
    expect(await run(host, 'docker --version')).toMatchObject({ exit: 0 });
  });
});

describe('systemctl status docker', () => {
  it('shows the unit started at boot, its main pid and its last journal lines', async () => {
    const host = newHost();
    const pid = (await out(host, "ps -e -o pid,comm | awk '$2==\"dockerd\" {print $1}'")).trim();
    const r = await run(host, 'systemctl status docker --no-pager');
    expect(r.exit).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '● docker.service - Docker Application Container Engine',
      '     Loaded: loaded (/lib/systemd/system/docker.service; enabled; preset: enabled)',
      '     Active: active (running) since Wed 2025-12-31 21:00:04 UTC; 2h 59min ago',
      'TriggeredBy: ● docker.socket',
      '       Docs: https://docs.docker.com',
      `   Main PID: ${pid} (dockerd)`,
      '     CGroup: /system.slice/docker.service',
      `             └─${pid} /usr/sbin/dockerd`,
    ]);
    expect(lines.at(-2)).toBe('Dec 31 21:00:04 glassbox systemd[1]: Started docker.service - Docker Application Container Engine.');
  });
});

describe('status and journal options', () => {
  it('systemctl status -n and journalctl -xeu', async () => {
    const host = newHost();
    const status = await out(host, 'systemctl status docker -n 2 --no-pager');
    expect(status.split('\n').slice(-4)).toEqual(['', expect.stringMatching(/msg="API listen on \/run\/docker.sock"$/), expect.stringMatching(/Started docker.service/), '']);
    expect((await out(host, 'systemctl status -n0 docker')).split('\n')).toHaveLength(9);
    expect(await out(host, 'journalctl -xeu docker.service -n 1')).toMatch(/^Dec 31 21:00:04 glassbox systemd\[1\]: Started docker.service - Docker Application Container Engine.\n$/);
    expect(await run(host, 'journalctl -u docker -n x')).toEqual({ out: '', err: "Failed to parse lines 'x'.\n", exit: 1 });
  });
});
