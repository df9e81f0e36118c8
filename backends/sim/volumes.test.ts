import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

/** What a student sees of volumes and bind mounts, through the terminal of one simulated machine. */

function newHost(): SimHost {
  return new SimHost({ seed: 'volumes-test', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
}

async function out(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  expect(r, line).toMatchObject({ exit: 0, err: '' });
  return r.out;
}

describe('a named volume', () => {
  it('keeps its data on the host and outlives its container', async () => {
    const host = newHost();
    await out(host, "docker run --name wr -v data:/data busybox sh -c 'echo hello > /data/f'");
    expect(await out(host, 'cat /var/lib/docker/volumes/data/_data/f')).toBe('hello\n');
    await out(host, 'docker rm wr');
    await out(host, 'echo from-host > /var/lib/docker/volumes/data/_data/g');
    expect(await out(host, 'docker run --rm -v data:/data busybox cat /data/f /data/g')).toBe('hello\nfrom-host\n');
  });

  it('is outside the union: not in docker diff, not in a commit', async () => {
    const host = newHost();
    await out(host, "docker run --name wr -v data:/data busybox sh -c 'echo a > /data/a; echo b > /b'");
    expect(await out(host, 'docker diff wr')).toBe('A /b\nA /data\n');
    await out(host, 'docker commit wr snap');
    expect(await out(host, 'docker run --rm snap ls /data')).toBe('');
  });

  it('is filled from the image when empty, and keeps its own files after', async () => {
    const host = newHost();
    expect(await out(host, 'docker run --rm -v etc:/etc busybox ls /etc')).toBe('group\nhostname\nhosts\nmtab\npasswd\nresolv.conf\n');
    expect(await out(host, 'ls /var/lib/docker/volumes/etc/_data')).toBe('group\nhostname\nhosts\nmtab\npasswd\nresolv.conf\n');
    await out(host, "docker run --rm -v etc:/etc busybox sh -c 'rm /etc/group; echo x > /etc/added'");
    expect(await out(host, 'docker run --rm -v etc:/etc busybox ls /etc')).toBe('added\nhostname\nhosts\nmtab\npasswd\nresolv.conf\n');
    expect(await out(host, 'docker run --rm --mount type=volume,src=bare,dst=/etc,volume-nocopy busybox ls /etc')).toBe('hostname\nhosts\nresolv.conf\n');
  });

  it('cannot be removed while a container uses it', async () => {
    const host = newHost();
    const id = (await out(host, 'docker run -d --name sleeper -v data:/w busybox sleep 300')).trim();
    expect(await run(host, 'docker volume rm data')).toEqual({ out: '', err: `Error response from daemon: remove data: volume is in use - [${id}]\n`, exit: 1 });
    await out(host, 'docker rm -f sleeper');
    expect(await out(host, 'docker volume rm data')).toBe('data\n');
  });

  it('is read-only in the container with :ro', async () => {
    const host = newHost();
    await out(host, 'docker volume create data');
    expect(await run(host, "docker run --rm -v data:/d:ro busybox sh -c 'echo x > /d/f'")).toEqual({ out: '', err: "sh: can't create /d/f: Read-only file system\n", exit: 1 });
    expect(await run(host, 'docker run --rm -v data:/d:ro busybox mkdir /d/x')).toMatchObject({ err: "mkdir: can't create directory '/d/x': Read-only file system\n", exit: 1 });
  });
});

describe('a bind mount', () => {
  it('is the host directory itself, made when -v names a missing one', async () => {
    const host = newHost();
    await out(host, 'mkdir -p /srv/site && echo hi > /srv/site/index.html');
    expect(await out(host, "docker run --rm -v /srv/site:/www busybox sh -c 'cat /www/index.html; echo new > /www/new'")).toBe('hi\n');
    expect(await out(host, 'cat /srv/site/new')).toBe('new\n');
    await out(host, "docker run --rm -v /srv/made/here:/d busybox sh -c 'echo x > /d/f'");
    expect(await out(host, 'cat /srv/made/here/f')).toBe('x\n');
  });

  it('is what a web server in the container serves, and a change on the host shows at once', async () => {
    const host = newHost();
    await out(host, "mkdir /site && echo '<h1>v1</h1>' > /site/index.html");
    await out(host, 'docker run -d --name web -p 8080:80 -v /site:/www busybox httpd -f -h /www');
    expect(await out(host, 'curl -s localhost:8080/')).toBe('<h1>v1</h1>\n');
    await out(host, "echo '<h1>v2</h1>' > /site/index.html");
    expect(await out(host, 'curl -s localhost:8080/')).toBe('<h1>v2</h1>\n');
  });

  it('masks what the image has at the mount point', async () => {
    const host = newHost();
    await out(host, 'mkdir /empty');
    expect(await run(host, 'docker run --rm -v /empty:/bin busybox ls')).toMatchObject({ err: expect.stringContaining('exec: "ls": executable file not found in $PATH'), exit: 127 });
    expect(await out(host, 'docker run --rm -v /empty:/usr busybox /bin/ls /usr')).toBe('');
  });

  it('with --mount refuses a missing source', async () => {
    const host = newHost();
    expect(await run(host, 'docker run --rm --mount type=bind,src=/nope,dst=/x busybox true')).toEqual({
      out: '',
      err: 'docker: Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /nope\n\nRun \'docker run --help\' for more information\n',
      exit: 125,
    });
  });
});

describe('anonymous volumes', () => {
  it('come from -v /path and the image\'s VOLUME, and go with rm -v or --rm', async () => {
    const host = newHost();
    await out(host, 'docker create --name anon -v /anon busybox true');
    const [name] = (await out(host, 'docker volume ls -q')).split('\n');
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    await out(host, 'docker volume create named');
    await out(host, 'docker rm -v anon');
    expect(await out(host, 'docker volume ls -q')).toBe('named\n');
    await out(host, 'docker run --rm -v /anon -v named:/n busybox true');
    expect(await out(host, 'docker volume ls -q')).toBe('named\n');
    expect(await run(host, 'docker run -d --name cache redis')).toMatchObject({ exit: 0 });
    expect(await out(host, "docker inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}} {{len .Name}}{{end}} {{json .Config.Volumes}}' cache")).toBe('volume /data 64 {"/data":{}}\n');
  });

  it('are what docker volume prune removes, unless --all', async () => {
    const host = newHost();
    await out(host, 'docker create --name anon -v /anon busybox true');
    await out(host, 'docker rm anon');
    await out(host, 'docker volume create named');
    expect(await out(host, 'docker volume prune -f')).toMatch(/^Deleted Volumes:\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
    expect(await out(host, 'docker volume prune -f -a')).toBe('Deleted Volumes:\nnamed\n\nTotal reclaimed space: 0B\n');
    expect(await run(host, 'echo y | docker volume prune')).toMatchObject({
      out: 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] Total reclaimed space: 0B\n',
      exit: 0,
    });
  });
});

describe('docker cp through a mount point', () => {
  it('reaches the volume, in and out', async () => {
    const host = newHost();
    await out(host, "docker run --name wr -v data:/w busybox sh -c 'echo a > /w/a'");
    await out(host, 'echo cp > /tmp/cpfile');
    await out(host, 'docker cp /tmp/cpfile wr:/w/');
    expect(await out(host, 'cat /var/lib/docker/volumes/data/_data/cpfile')).toBe('cp\n');
    await out(host, 'docker cp wr:/w/a /tmp/out');
    expect(await out(host, 'cat /tmp/out')).toBe('a\n');
    expect(await out(host, 'docker diff wr')).toBe('A /w\n');
    expect(await run(host, 'docker run --name ro -v data:/w:ro busybox true')).toMatchObject({ exit: 0 });
    expect(await run(host, 'docker cp /tmp/cpfile ro:/w/')).toEqual({ out: '', err: 'Error response from daemon: mounted volume is marked read-only\n', exit: 1 });
  });
});

describe('--read-only, --tmpfs and --volumes-from', () => {
  it('make the root read-only but not the volumes and tmpfs on it', async () => {
    const host = newHost();
    expect(await run(host, 'docker run --rm --read-only busybox touch /x')).toEqual({ out: '', err: 'touch: /x: Read-only file system\n', exit: 1 });
    expect(await out(host, "docker run --rm --read-only -v data:/d --tmpfs /tmp busybox sh -c 'echo v > /d/f; echo t > /tmp/t; cat /d/f /tmp/t'")).toBe('v\nt\n');
    expect(await out(host, "docker inspect --format '{{.HostConfig.ReadonlyRootfs}}' $(docker create --read-only busybox)")).toBe('true\n');
  });

  it('start a tmpfs empty each time', async () => {
    const host = newHost();
    await out(host, "docker run --name tm --tmpfs /scratch busybox sh -c 'ls /scratch; echo x > /scratch/f'");
    expect(await out(host, 'docker start -a tm')).toBe('');
  });

  it('share the other container\'s mounts, read-only with :ro', async () => {
    const host = newHost();
    await out(host, 'docker create --name src -v data:/data -v /anon busybox true');
    await out(host, "docker run --rm --volumes-from src busybox sh -c 'echo shared > /data/f'");
    expect(await run(host, "docker run --rm --volumes-from src:ro busybox sh -c 'cat /data/f; echo x > /data/g'")).toEqual({ out: 'shared\n', err: "sh: can't create /data/g: Read-only file system\n", exit: 1 });
    expect(await out(host, "docker inspect --format '{{range .Mounts}}{{.Destination}} {{.RW}} [{{.Mode}}];{{end}}' $(docker create --volumes-from src:ro busybox)")).toBe('/data false [];/anon false [];\n');
  });
});

describe('the snapshot', () => {
  it('has the volumes with their users and each container\'s mounts', async () => {
    const host = newHost();
    await out(host, 'mkdir /site');
    const id = (await out(host, 'docker create --name web -v data:/data -v /site:/www:ro --tmpfs /run busybox true')).trim();
    const snap = host.snapshot();
    expect(snap.volumes).toEqual([{ name: 'data', driver: 'local', mountpoint: '/var/lib/docker/volumes/data/_data', labels: {}, anonymous: false, users: [id], createdAt: '2026-01-01T00:00:00Z' }]);
    expect(snap.containers.find((c) => c.name === 'web')?.mounts).toEqual([
      { type: 'volume', source: '/var/lib/docker/volumes/data/_data', destination: '/data', rw: true, name: 'data' },
      { type: 'tmpfs', source: '', destination: '/run', rw: true, name: '' },
      { type: 'bind', source: '/site', destination: '/www', rw: false, name: '' },
    ]);
    await out(host, 'docker rm web');
    expect(host.snapshot().volumes?.[0]?.users).toEqual([]);
  });
});
