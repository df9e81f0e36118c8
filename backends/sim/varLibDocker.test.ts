/** /var/lib/docker on the simulated host: overlay2's directories and the containers' files, consistent with docker inspect (core/engine/varLibDocker.ts). */
import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

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
    expect(await out(host, 'ls /var/lib/docker')).toBe('containers\nimage\nnetwork\noverlay2\nplugins\nruntimes\nswarm\ntmp\nvolumes\n');
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

  it('containers/<id> holds config.v2.json and hostconfig.json agreeing with docker inspect, with their byte sizes', async () => {
    const host = new SimHost({ seed: 'var-lib-docker', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, "docker run -d --name cfg -m 64m -v data:/data -p 8080:80 busybox sh -c 'echo \"<hi>\"; sleep 300'");
    const id = (await out(host, "docker inspect -f '{{.Id}}' cfg")).trim();
    const dir = `/var/lib/docker/containers/${id}`;
    const names = [`${id}-json.log`, 'checkpoints', 'config.v2.json', 'hostconfig.json', 'hostname', 'hosts', 'mounts', 'resolv.conf'];
    expect(await out(host, `ls ${dir}`)).toBe(names.sort().join('\n') + '\n');
    const config = JSON.parse(await out(host, `cat ${dir}/config.v2.json`)) as Record<string, unknown>;
    expect(Object.keys(config).slice(0, 8)).toEqual(['StreamConfig', 'State', 'ID', 'Created', 'Managed', 'Path', 'Args', 'Config']);
    const pid = (await out(host, "docker inspect -f '{{.State.Pid}}' cfg")).trim();
    expect(config).toMatchObject({ ID: id, Name: '/cfg', Driver: 'overlay2', State: { Running: true, Pid: Number(pid) }, HasBeenStartedBefore: true });
    expect(config.MountPoints).toMatchObject({ '/data': { Name: 'data', Type: 'volume', Source: '/var/lib/docker/volumes/data/_data', Spec: { Type: 'volume', Source: 'data', Target: '/data' } } });
    // Go's encoder escapes < and > in strings, as it does in the log.
    expect(await out(host, `grep -o 'u003chi.u003e' ${dir}/config.v2.json`)).toBe('u003chi\\u003e\n'.repeat(2));
    const hostConfig = JSON.parse(await out(host, `cat ${dir}/hostconfig.json`)) as Record<string, unknown>;
    expect(hostConfig).toMatchObject({ Memory: 67108864, Binds: ['data:/data'], PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } });
    // ls -l, wc -c and stat agree on the sizes.
    const wc = (await out(host, `wc -c < ${dir}/config.v2.json`)).trim();
    expect(await out(host, `stat -c '%s %a' ${dir}/config.v2.json ${dir}/hostconfig.json`)).toBe(`${wc} 600\n${(await out(host, `wc -c < ${dir}/hostconfig.json`)).trim()} 644\n`);
    // Stopped: the state is saved as such.
    await out(host, 'docker kill cfg');
    expect(await out(host, `grep -o '"Running":[a-z]*,"Paused":[a-z]*' ${dir}/config.v2.json`)).toBe('"Running":false,"Paused":false\n');
  });

  it('image/overlay2 has the image db and the layer db that name the same ids as inspect', async () => {
    const host = new SimHost({ seed: 'var-lib-docker', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, 'docker run -d --name lay busybox sleep 300');
    const image = (await out(host, "docker image inspect -f '{{.Id}}' busybox")).trim().slice(7);
    const diffId = (await out(host, "docker image inspect -f '{{index .RootFS.Layers 0}}' busybox")).trim();
    const db = '/var/lib/docker/image/overlay2';
    expect(await out(host, `ls ${db}`)).toBe('imagedb\nlayerdb\nrepositories.json\n');
    expect(await out(host, `ls ${db}/imagedb/content/sha256`)).toBe(`${image}\n`);
    expect(await out(host, `grep -o '"diff_ids":\\[[^]]*\\]' ${db}/imagedb/content/sha256/${image}`)).toBe(`"diff_ids":["${diffId}"]\n`);
    // A one-layer image: its chain id is its diff id; cache-id names its overlay2 directory.
    const chain = `${db}/layerdb/sha256/${diffId.slice(7)}`;
    expect(await out(host, `ls ${chain}`)).toBe('cache-id\ndiff\nsize\n');
    expect(await out(host, `cat ${chain}/diff`)).toBe(diffId);
    const lowers = (await out(host, "docker inspect -f '{{.GraphDriver.Data.LowerDir}}' lay")).trim().split(':');
    expect(`/var/lib/docker/overlay2/${await out(host, `cat ${chain}/cache-id`)}/diff`).toBe(lowers[lowers.length - 1]);
    const id = (await out(host, "docker inspect -f '{{.Id}}' lay")).trim();
    const upper = (await out(host, "docker inspect -f '{{.GraphDriver.Data.UpperDir}}' lay")).trim();
    expect(`/var/lib/docker/overlay2/${await out(host, `cat ${db}/layerdb/mounts/${id}/mount-id`)}/diff`).toBe(upper);
    expect(await out(host, `cat ${db}/layerdb/mounts/${id}/parent`)).toBe(diffId);
  });

  it('the bolt databases are binary files of a fresh engine\'s size, not JSON', async () => {
    const host = new SimHost({ seed: 'var-lib-docker', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    expect(await out(host, "stat -c '%s %a %n' /var/lib/docker/volumes/metadata.db /var/lib/docker/network/files/local-kv.db")).toBe('32768 600 /var/lib/docker/volumes/metadata.db\n131072 644 /var/lib/docker/network/files/local-kv.db\n');
    expect(await run(host, 'grep -c "{" /var/lib/docker/volumes/metadata.db')).toMatchObject({ out: '0\n', exit: 1 });
  });
});

describe('a container\'s upper directory, written from the host', () => {
  it('a file written into diff is in the container and in merged; removing a whiteout brings the lower file back', async () => {
    const host = new SimHost({ seed: 'var-lib-docker', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, "docker run -d --name up busybox sh -c 'echo from-container > /inside; rm /bin/vi; sleep 300'");
    const upper = (await out(host, "docker inspect -f '{{.GraphDriver.Data.UpperDir}}' up")).trim();
    const merged = (await out(host, "docker inspect -f '{{.GraphDriver.Data.MergedDir}}' up")).trim();
    expect(await out(host, `cat ${upper}/inside`)).toBe('from-container\n');
    await out(host, `echo from-host > ${upper}/outside`);
    await out(host, `mkdir -p ${upper}/etc/app && echo k=v >> ${upper}/etc/app/conf`);
    expect(await out(host, 'docker exec up cat /outside /etc/app/conf')).toBe('from-host\nk=v\n');
    expect(await out(host, `cat ${merged}/outside`)).toBe('from-host\n');
    // The image's /etc is still there beside the new directory.
    expect(await out(host, 'docker exec up ls /etc/passwd')).toBe('/etc/passwd\n');
    expect(await out(host, 'docker diff up')).toContain('A /outside\n');
    expect(await out(host, `ls -l ${upper}/bin`)).toMatch(/^total 0\nc--------- \d+ root root 0, 0 .* vi\n$/);
    expect(await run(host, 'docker exec up ls /bin/vi')).toMatchObject({ exit: 1 });
    await out(host, `rm ${upper}/bin/vi`);
    expect(await out(host, 'docker exec up ls /bin/vi')).toBe('/bin/vi\n');
    await out(host, `rm ${upper}/outside`);
    expect(await run(host, 'docker exec up cat /outside')).toMatchObject({ exit: 1, err: 'cat: can\'t open \'/outside\': No such file or directory\n' });
  });

  it('the image\'s layers and the init layer stay read-only', async () => {
    const host = new SimHost({ seed: 'var-lib-docker', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, 'docker run -d --name ro busybox sleep 300');
    const lowers = (await out(host, "docker inspect -f '{{.GraphDriver.Data.LowerDir}}' ro")).trim().split(':');
    for (const dir of [lowers[0]!, lowers[lowers.length - 1]!]) {
      expect(await run(host, `touch ${dir}/x`)).toEqual({ out: '', err: `touch: cannot touch '${dir}/x': Read-only file system\n`, exit: 1 });
    }
  });
});
