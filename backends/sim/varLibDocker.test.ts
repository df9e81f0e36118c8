/** /var/lib/docker on the simulated host: overlay2's directories and the containers' files, consistent with docker inspect (core/engine/varLibDocker.ts). */
import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';

async function run(host: SimHost, line: string): Promise<{ out: string; err: string; exit: number }> {
  let out = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { out, err, exit };
}

async function out(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  expect(r, line).toMatchObject({ exit: 0, err: '' });
  return r.out;
}

describe('/var/lib/docker', () => {
  it('a file written in a container is in the UpperDir docker inspect names; a deleted one is a whiteout there', async () => {
    const host = new SimHost({ seed: 'var-lib-docker', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, "docker run --name wr busybox sh -c 'echo hello > /greeting; rm /bin/vi /bin/ls'");
    const upper = (await out(host, "docker inspect -f '{{.GraphDriver.Data.UpperDir}}' wr")).trim();
    expect(await out(host, `cat ${upper}/greeting`)).toBe('hello\n');
    expect(await out(host, `ls -l ${upper}/bin`)).toMatch(/^total 0\nc--------- 3 root root 0, 0 .* ls\nc--------- 3 root root 0, 0 .* vi\n$/);
    // The lower directories inspect lists exist and hold the image's files.
    const lowers = (await out(host, "docker inspect -f '{{.GraphDriver.Data.LowerDir}}' wr")).trim().split(':');
    expect(await out(host, `ls ${lowers[lowers.length - 1]}/bin/vi`)).toBe(`${lowers[lowers.length - 1]}/bin/vi\n`);
    // overlay2/l holds the short names that `lower` files list.
    const dir = upper.replace(/\/diff$/, '');
    const lowerFile = await out(host, `cat ${dir}/lower`);
    const first = lowerFile.split(':')[0]!;
    expect(await out(host, `readlink /var/lib/docker/overlay2/${first}`)).toBe(`../${dir.split('/').pop()}-init/diff\n`);
    expect(await out(host, `find ${upper} -type f`)).toBe(`${upper}/greeting\n`);
    expect(await out(host, `find ${upper} -type c`)).toBe(`${upper}/bin/ls\n${upper}/bin/vi\n`);
    // Stopped: no merged directory (overlay2 removes it on unmount).
    expect(await out(host, `ls ${dir}`)).toBe('diff\nlink\nlower\nwork\n');
    expect(await out(host, 'ls /var/lib/docker')).toBe('containers\nimage\noverlay2\n');
    // du counts busybox's hard-linked applets once: the busybox layer is 2000 kB, as on the reference host.
    const bottom = lowers[lowers.length - 1]!;
    expect(await out(host, `du -s ${bottom}`)).toBe(`2000\t${bottom}\n`);
    expect(await out(host, `ls ${bottom.replace(/\/diff$/, '')}`)).toBe('committed\ndiff\nlink\n');
  });

  it('a running container has merged, its union; its directory in containers/ has the hostname runc binds', async () => {
    const host = new SimHost({ seed: 'var-lib-docker', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, 'docker run -d --name web --hostname webhost busybox sleep 300');
    const merged = (await out(host, "docker inspect -f '{{.GraphDriver.Data.MergedDir}}' web")).trim();
    expect(await out(host, `ls ${merged}/bin/sleep`)).toBe(`${merged}/bin/sleep\n`);
    const id = (await out(host, "docker inspect -f '{{.Id}}' web")).trim();
    expect(await out(host, `cat /var/lib/docker/containers/${id}/hostname`)).toBe('webhost\n');
    const lg = (await out(host, "docker run -d busybox echo '<b> & c'")).trim();
    expect(await out(host, `cat /var/lib/docker/containers/${lg}/${lg}-json.log`)).toMatch(/^\{"log":"\\u003cb\\u003e \\u0026 c\\n","stream":"stdout","time":"2026-01-01T00:00:\d\d(\.\d+)?Z"\}\n$/);
    const image = (await out(host, "docker inspect -f '{{.Image}}' web")).trim();
    expect(await out(host, 'cat /var/lib/docker/image/overlay2/repositories.json')).toBe(`{"Repositories":{"busybox":{"busybox:latest":"${image}"}}}`);
    expect(await run(host, `touch /var/lib/docker/containers/${id}/x`)).toMatchObject({ exit: 1, err: expect.stringContaining('Read-only file system') });
  });
});
