import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, LayerEntry, Snapshot } from '../core/model';
import { parseChecks, whyNot, type LineRecord, type Moment } from './checks';

const id = (name: string): string => name.padEnd(64, '0');
function container(name: string, over: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return { id: id(name), name, state: 'running', exitCode: 0, oomKilled: false, restartCount: 0, config: { restartPolicy: { name: 'no', maximumRetryCount: 0 } }, ...over } as ContainerSnapshot;
}
const entry = (path: string, type: LayerEntry['type'] = 'file'): LayerEntry => ({ path, type, size: 0, mode: 0o644 });

const snap: Snapshot = {
  kind: 'sim',
  time: 0,
  containers: [
    container('web', { ports: [{ containerId: id('web'), containerPort: 80, hostPort: 8080, protocol: 'tcp', hostIp: '0.0.0.0' }], networks: [{ network: 'bridge', ip: '', prefixLen: 16, gateway: '', mac: '', aliases: [] }], networkMode: 'bridge' }),
    container('made', { state: 'created' }),
    container('hog', { state: 'exited', exitCode: 137, oomKilled: true, resources: { memory: 8 << 20, memorySwap: 16 << 20, nanoCpus: 5e8, cpuShares: 0, cpusetCpus: '', pidsLimit: 0, oomKillDisable: false } }),
    container('box', { rootfs: { containerId: id('box'), lowerdirs: [], upperdir: '', workdir: '', merged: '', layers: ['img1', 'init', 'up'] }, restartCount: 2, config: { restartPolicy: { name: 'always', maximumRetryCount: 0 } } as ContainerSnapshot['config'] }),
    container('side', { networkMode: `container:${id('web')}` }),
    container('store', {
      mounts: [
        { type: 'volume', source: '/var/lib/docker/volumes/data/_data', destination: '/data', rw: true, name: 'data' },
        { type: 'bind', source: '/srv/site', destination: '/usr/share/nginx/html', rw: false, name: '' },
        { type: 'volume', source: `/var/lib/docker/volumes/${'a'.repeat(64)}/_data`, destination: '/var/lib/mysql', rw: true, name: 'a'.repeat(64) },
        { type: 'tmpfs', source: '', destination: '/run', rw: true, name: '' },
      ],
    }),
  ],
  images: [
    { id: 'sha256:aa', tags: ['busybox:latest'], layers: ['l1'], size: 0, created: '' },
    { id: 'sha256:bb', tags: ['mybox:v1'], layers: ['l1', 'l2'], size: 0, created: '' },
  ],
  layers: [{ id: 'up', kind: 'container', parent: 'init', dir: '', size: 0, entries: 3, containerId: id('box') }],
  networks: [{ id: 'n', name: 'mynet', driver: 'bridge', scope: 'local', bridge: '', subnet: '', gateway: '', internal: false, containers: [] }],
  volumes: [
    { name: 'data', driver: 'local', mountpoint: '/var/lib/docker/volumes/data/_data', labels: {}, anonymous: false, users: [id('store')], createdAt: '' },
    { name: 'a'.repeat(64), driver: 'local', mountpoint: '', labels: {}, anonymous: true, users: [id('store')], createdAt: '' },
  ],
  cgroups: [{ path: '/docker/x', version: 1, containerId: id('web'), files: {}, memoryUsage: 0, memoryLimit: 64 << 20, pidsCurrent: 1, frozen: true }],
};
const lines: LineRecord[] = [
  { line: 'docker top web', exit: 0, output: 'UID PID\nroot 1234 nginx: master process\n' },
  { line: 'docker stop web', exit: 1, output: 'Error\n' },
];
const files = { img1: [entry('/bin'), entry('/bin/vi'), entry('/etc/passwd')], init: [entry('/etc/hosts')], up: [entry('/bin/vi', 'whiteout'), entry('/etc/passwd'), entry('/p')] };
const moment: Moment = { snapshot: snap, lines, files };

const cases: [check: string, why: string | null][] = [
  ['container web is running', null],
  ['container made is running', '`made` exists but is `created`, not `running`: did the command fail?'],
  ['container nope is running', 'no container named `nope`'],
  ['container web is exited', '`web` exists but is `running`, not `exited`: its main process is still running'],
  ['container nope is absent', null],
  ['container web is absent', '`web` still exists (it is `running`)'],
  ['container web exists', null],
  ['container hog exited with code 137', null],
  ['container hog exited with code 0', '`hog` exited with code 137, not 0'],
  ['container web exited with code 0', '`web` is `running`: it has not exited'],
  ['container hog was OOM-killed', null],
  ['container web was OOM-killed', '`web` was not killed by the OOM killer (it is `running`)'],
  ['container box has restarted', null],
  ['container web has restarted', 'Docker has not restarted `web`'],
  ['container box has restart policy always', null],
  ['container web has restart policy always', '`web` has restart policy `no`, not `always`'],
  ['image busybox exists', null],
  ['image nginx:latest exists', 'no image `nginx:latest`'],
  ['image nginx is absent', null],
  ['image busybox:latest is absent', 'image `busybox:latest` is still there'],
  ['image mybox:v1 has 2 layers', null],
  ['image mybox:v1 is built on busybox with 1 more layer', null],
  ['image mybox:v1 is built on busybox with 2 more layers', '`mybox:v1` has 1 layers more than `busybox:latest`, not 2'],
  ['image busybox is built on mybox:v1', '`busybox:latest` does not share the layers of `mybox:v1`'],
  ['upper layer of box has whiteout /bin/vi', null],
  ['upper layer of box has whiteout /etc/passwd', 'the upper layer of `box` holds no whiteout for `/etc/passwd`'],
  ['upper layer of box has added file /p', null],
  ['upper layer of box has changed file /etc/passwd', null],
  ['upper layer of box has added file /etc/passwd', '`/etc/passwd` in the upper layer of `box` is changed, not added: the image has it too'],
  ['upper layer of box has changed file /p', '`/p` in the upper layer of `box` is added, not changed: the image does not have it'],
  ['upper layer of box has added file /q', 'the upper layer of `box` holds no file `/q`'],
  ['upper layer of web has added file /q', '`web` has no upper layer in the snapshot'],
  ['network mynet exists', null],
  ['network other exists', 'no network named `other`'],
  ['network mynet is absent', 'network `mynet` still exists'],
  ['container web is on network bridge', null],
  ['container web is on network mynet', '`web` is not on network `mynet` (it is on `bridge`)'],
  ['container web has network mode bridge', null],
  ['container side has network mode container:web', null],
  ['container web has network mode host', '`web` has network mode `bridge`, not `host`'],
  ['container web publishes 8080->80', null],
  ['container web publishes 8080→80/tcp', null],
  ['container web publishes 8081->80', '`web` does not publish 8081→80 (it publishes 8080→80)'],
  ['cgroup of web has memory limit 64m', null],
  ['cgroup of web has memory limit 32m', 'the memory limit of `web` is 64 MiB, not 32 MiB'],
  ['cgroup of hog has memory+swap limit 16m', null],
  ['cgroup of hog has cpu limit 0.5', null],
  ['cgroup of web has cpu limit 1', '`web` has no CPU limit, not 1'],
  ['cgroup of web is frozen', null],
  ['cgroup of made is frozen', '`made` has no cgroup (it is `created`)'],
  ['the last line exited 1', null],
  ['the last line exited 137', 'the last line exited 1, not 137'],
  ['a line matching /^docker stop/ was run', null],
  ['a line matching /docker kill/ was run', 'no line matching /docker kill/ was run'],
  ['the output of the last line contains "Error"', null],
  ['the output of the last line contains "web"', 'the output of `docker stop web` does not contain "web"'],
  ['the output of a line matching /docker top/ contains "nginx: master"', null],
  ['the output of a line matching /docker top/ contains "UID PID\\nroot 99"', 'the output of `docker top web` does not contain "UID PID\\nroot 99"'],
  ['volume data exists', null],
  ['volume gone exists', 'no volume named `gone`'],
  ['volume gone is absent', null],
  ['volume data is absent', 'volume `data` still exists'],
  ['container store mounts volume data at /data', null],
  ['container store mounts volume data at /data read-write', null],
  ['container store mounts volume data at /data read-only', 'the mount at `/data` in `store` is read-write, not read-only'],
  ['container store mounts volume logs at /data', 'at `/data` in `store` is volume `data`, not volume `logs`'],
  ['container store mounts volume data at /srv', '`store` has nothing mounted at `/srv` (it mounts volume `data` at `/data`, a bind mount of `/srv/site` at `/usr/share/nginx/html`, an anonymous volume (`aaaaaaaaaaaa`…) at `/var/lib/mysql`, a tmpfs at `/run`)'],
  ['container web mounts volume data at /data', '`web` has nothing mounted at `/data` (it has no mounts)'],
  ['container nope mounts volume data at /data', 'no container named `nope`'],
  ['container store mounts an anonymous volume at /var/lib/mysql', null],
  ['container store mounts an anonymous volume at /data', 'at `/data` in `store` is volume `data`, not an anonymous volume'],
  ['container store mounts volume data at /var/lib/mysql', 'at `/var/lib/mysql` in `store` is an anonymous volume (`aaaaaaaaaaaa`…), not volume `data`'],
  ['container store bind-mounts /srv/site at /usr/share/nginx/html read-only', null],
  ['container store bind-mounts /srv/site at /usr/share/nginx/html read-write', 'the mount at `/usr/share/nginx/html` in `store` is read-only, not read-write'],
  ['container store bind-mounts /srv/other at /usr/share/nginx/html', 'at `/usr/share/nginx/html` in `store` is a bind mount of `/srv/site`, not a bind mount of `/srv/other`'],
  ['container store bind-mounts /srv/site at /data', 'at `/data` in `store` is volume `data`, not a bind mount of `/srv/site`'],
  ['container store mounts tmpfs at /run', null],
  ['container store mounts tmpfs at /data', 'at `/data` in `store` is volume `data`, not a tmpfs'],
  ['the output of the last line does not contain "web"', null],
  ['the output of the last line does not contain "Error"', 'the output of `docker stop web` contains "Error"'],
  ['the output of a line matching /docker top/ does not contain "nginx"', 'the output of `docker top web` contains "nginx"'],
  ['the output of a line matching /docker top/ does not contain "redis"', null],
  ['the output of a line matching /docker rm/ does not contain "x"', 'no line matching /docker rm/ was run'],
  ['the output of a line matching /docker top/ has 2 lines', null],
  ['the output of the last line has 1 line', null],
  ['the output of the last line has 3 lines', 'the output of `docker stop web` has 1 lines, not 3'],
  ['all:\n  container web is running\n  container made is running', '`made` exists but is `created`, not `running`: did the command fail?'],
  ['any:\n  container made is running\n  container web is running', null],
  ['any:\n  container made is running\n  container nope is running', '`made` exists but is `created`, not `running`: did the command fail?; or no container named `nope`'],
];

describe('check forms', () => {
  it.each(cases)('%s', (source, why) => {
    const result = whyNot(parseChecks(source), moment);
    expect(result?.en ?? null).toBe(why);
    if (why) expect(result!['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  });

  it('counts the lines a terminal shows: a final newline ends a line, an empty output has none', () => {
    const count = (output: string): string | null => whyNot(parseChecks('the output of the last line has 2 lines'), { snapshot: snap, lines: [{ line: 'x', exit: 0, output }] })?.en ?? null;
    expect(count('a\nb\n')).toBeNull();
    expect(count('a\nb')).toBeNull();
    expect(count('a\r\nb\r\n')).toBeNull();
    expect(count('')).toBe('the output of `x` has 0 lines, not 2');
    expect(count('a\n\nb\n')).toBe('the output of `x` has 3 lines, not 2');
  });

  it('says why when no line has been run, and when layer files are not known', () => {
    expect(whyNot(parseChecks('the last line exited 0'), { snapshot: snap, lines: [] })?.en).toBe('no line has been run yet');
    expect(whyNot(parseChecks('the output of the last line has 1 line'), { snapshot: snap, lines: [] })?.en).toBe('no line has been run yet');
    expect(whyNot(parseChecks('upper layer of box has whiteout /bin/vi'), { snapshot: snap, lines: [] })?.en).toBe("the files of `box`'s upper layer are not known here");
  });
});
