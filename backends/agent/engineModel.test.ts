import type { ContainerInspectInfo, ImageInspectInfo, NetworkInspectInfo, VolumeInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, ContainerState, DockerEvent } from '../../core/model';
import { type ContainerHistory, containerFromInspect, dockerEventFromApi, imageFromInspect, networkFromInspect, transitionsFor, volumesFromApi } from './engineModel';

const ID = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function ev(action: string, id = ID, name = 'web', time = 1): DockerEvent {
  return { type: 'container', action, id, attributes: { name }, time };
}

describe('transitionsFor', () => {
  type Row = [string, DockerEvent[], Array<[string, ContainerState | null]>, Array<[ContainerState | null, ContainerState | null, string]>];
  const rows: Row[] = [
    ['docker run -d', [ev('create'), ev('attach'), ev('start')], [[ID, 'running']], [[null, 'created', 'create'], ['created', 'running', 'start']]],
    [
      'docker run --rm of a short command, in one burst',
      [ev('create'), ev('start'), ev('die'), ev('destroy')],
      [[ID, null]],
      [[null, 'created', 'create'], ['created', 'running', 'start'], ['running', 'exited', 'die'], ['exited', null, 'destroy']],
    ],
    ['kill, die and stop give one move', [ev('kill'), ev('kill'), ev('die'), ev('stop')], [[ID, 'exited']], [['running', 'exited', 'die']]],
    ['restart of a running container', [ev('kill'), ev('die'), ev('stop'), ev('start'), ev('restart')], [[ID, 'running']], [['running', 'exited', 'die'], ['exited', 'running', 'start']]],
    ['a restart policy taking over after die', [ev('die')], [[ID, 'restarting']], [['running', 'restarting', 'die']]],
    [
      'a restart policy restarting within the burst',
      [ev('die'), ev('start'), ev('die')],
      [[ID, 'restarting']],
      [['running', 'exited', 'die'], ['exited', 'running', 'start'], ['running', 'restarting', 'die']],
    ],
    ['events that do not move the state', [ev('exec_start: sh -c ls'), ev('rename'), ev('health_status: healthy')], [[ID, 'running']], []],
    ['two containers interleaved keep event order', [ev('pause'), ev('create', OTHER, 'db'), ev('unpause')], [[ID, 'running'], [OTHER, 'created']], [['running', 'paused', 'pause'], [null, 'created', 'create'], ['paused', 'running', 'unpause']]],
  ];
  it.each(rows)('%s', (_what, events, current, expected) => {
    const known = new Map<string, ContainerHistory>([[ID, { state: 'running', name: 'web' }]]);
    if (events[0]!.action === 'create') known.delete(ID);
    const out = transitionsFor(events, known, new Map(current));
    expect(out.map((t) => [t.from, t.to, t.action])).toEqual(expected);
  });

  it('names and ids each move, and remembers the end state for the next burst', () => {
    const known = new Map<string, ContainerHistory>();
    const first = transitionsFor([ev('create', ID, 'web', 10)], known, new Map([[ID, 'created']]));
    expect(first).toEqual([{ containerId: ID, name: 'web', from: null, to: 'created', action: 'create', time: 10 }]);
    expect(known.get(ID)).toEqual({ state: 'created', name: 'web' });
    transitionsFor([ev('destroy', ID)], known, new Map([[ID, null]]));
    expect(known.has(ID)).toBe(false);
  });
});

describe('dockerEventFromApi', () => {
  it('maps an Engine API event record', () => {
    expect(
      dockerEventFromApi({
        status: 'die',
        id: ID,
        Type: 'container',
        Action: 'die',
        Actor: { ID, Attributes: { exitCode: '137', image: 'busybox', name: 'web' } },
        time: 1795801497,
        timeNano: 1795801497123456789,
      }),
    ).toEqual({ type: 'container', action: 'die', id: ID, attributes: { exitCode: '137', image: 'busybox', name: 'web' }, time: 1795801497123 });
  });

  it.each([
    [{ Type: 'daemon', Action: 'reload', Actor: { ID: 'x' } }],
    [{ Type: 'plugin', Action: 'enable', Actor: { ID: 'x' } }],
    [{ Type: 'container', Actor: { ID: 'x' } }],
  ])('drops records the model does not carry: %j', (raw) => {
    expect(dockerEventFromApi(raw)).toBeNull();
  });
});

describe('containerFromInspect', () => {
  const info = {
    Id: ID,
    Created: '2026-01-01T00:00:00.123456789Z',
    Path: 'sleep',
    Args: ['300'],
    State: { Status: 'exited', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 137, Error: '', StartedAt: '2026-01-01T00:00:01Z', FinishedAt: '2026-01-01T00:00:09Z' },
    Image: 'sha256:' + 'c'.repeat(64),
    Name: '/web',
    RestartCount: 0,
    HostConfig: { AutoRemove: true, RestartPolicy: { Name: '', MaximumRetryCount: 0 } },
    Config: { Hostname: 'aaaaaaaaaaaa', Env: ['PATH=/bin'], Tty: false, OpenStdin: false, Labels: {}, Image: 'busybox' },
  } as unknown as ContainerInspectInfo;

  it('keeps what docker inspect and docker ps say', () => {
    expect(containerFromInspect(info, 'Exited (137) 2 seconds ago')).toEqual({
      id: ID,
      name: 'web',
      image: 'busybox',
      imageId: 'sha256:' + 'c'.repeat(64),
      command: ['sleep', '300'],
      state: 'exited',
      exitCode: 137,
      pid: 0,
      oomKilled: false,
      restartCount: 0,
      created: '2026-01-01T00:00:00.123456789Z',
      startedAt: '2026-01-01T00:00:01Z',
      finishedAt: '2026-01-01T00:00:09Z',
      status: 'Exited (137) 2 seconds ago',
      config: { hostname: 'aaaaaaaaaaaa', env: ['PATH=/bin'], tty: false, openStdin: false, autoRemove: true, restartPolicy: { name: 'no', maximumRetryCount: 0 }, labels: {} },
      networkMode: '',
      networks: [],
      ports: [],
      resources: { memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0, cpusetCpus: '', pidsLimit: 0, oomKillDisable: false },
      mounts: [],
      readonlyRootfs: false,
    });
  });

  // Mounts as the 20.10 daemon here returns them for `docker create -v data:/data -v /srv/site:/www:ro --mount type=tmpfs,dst=/t --tmpfs /run --read-only`.
  it('reads the mounts: volumes, binds and both kinds of tmpfs, shallowest first', () => {
    const mounted = {
      ...info,
      HostConfig: { ReadonlyRootfs: true, Tmpfs: { '/run': '' } },
      Mounts: [
        { Type: 'bind', Source: '/srv/site', Destination: '/www', Mode: 'ro', RW: false, Propagation: 'rprivate' },
        { Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
        { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' },
      ],
    } as unknown as ContainerInspectInfo;
    const c = containerFromInspect(mounted, '');
    expect(c.readonlyRootfs).toBe(true);
    expect(c.mounts).toEqual([
      { type: 'volume', source: '/var/lib/docker/volumes/data/_data', destination: '/data', rw: true, name: 'data' },
      { type: 'tmpfs', source: '', destination: '/run', rw: true, name: '' },
      { type: 'tmpfs', source: '', destination: '/t', rw: true, name: '' },
      { type: 'bind', source: '/srv/site', destination: '/www', rw: false, name: '' },
    ]);
  });

  it('keeps the limits docker run set, as HostConfig holds them', () => {
    const c = containerFromInspect({ ...info, HostConfig: { Memory: 67108864, MemorySwap: 134217728, NanoCpus: 1500000000, CpuShares: 512, CpusetCpus: '0', PidsLimit: 50, OomKillDisable: true } } as unknown as ContainerInspectInfo, '');
    expect(c.resources).toEqual({ memory: 67108864, memorySwap: 134217728, nanoCpus: 1500000000, cpuShares: 512, cpusetCpus: '0', pidsLimit: 50, oomKillDisable: true });
  });

  // NetworkSettings as the 20.10 daemon here returns it for `docker run -p 127.0.0.1:38089:81/udp -p 38090:90 --network default`.
  it('reads the network mode, the endpoints and each published port per host address', () => {
    const running = {
      ...info,
      HostConfig: { NetworkMode: 'default' },
      NetworkSettings: {
        Ports: { '81/udp': [{ HostIp: '127.0.0.1', HostPort: '38089' }], '90/tcp': [{ HostIp: '0.0.0.0', HostPort: '38090' }, { HostIp: '::', HostPort: '38090' }], '7000/tcp': null },
        Networks: {
          bridge: { IPAMConfig: null, Links: null, Aliases: null, MacAddress: '02:42:ac:11:00:03', NetworkID: 'n', EndpointID: 'e', Gateway: '172.17.0.1', IPAddress: '172.17.0.3', IPPrefixLen: 16 },
        },
      },
    } as unknown as ContainerInspectInfo;
    const c = containerFromInspect(running, 'Up 1 second');
    expect(c.networkMode).toBe('default');
    expect(c.networks).toEqual([{ network: 'bridge', ip: '172.17.0.3', prefixLen: 16, gateway: '172.17.0.1', mac: '02:42:ac:11:00:03', aliases: [] }]);
    expect(c.ports).toEqual([
      { containerId: ID, containerPort: 81, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 38089 },
      { containerId: ID, containerPort: 90, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 38090 },
      { containerId: ID, containerPort: 90, protocol: 'tcp', hostIp: '::', hostPort: 38090 },
    ]);
  });

  it('reads the restart policy', () => {
    const c = containerFromInspect({ ...info, HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } } } as unknown as ContainerInspectInfo, '');
    expect(c.config.restartPolicy).toEqual({ name: 'on-failure', maximumRetryCount: 3 });
  });
});

describe('networkFromInspect', () => {
  const base = { Created: '', EnableIPv6: false, Internal: false, Attachable: false, Ingress: false, ConfigOnly: false };
  it('names docker0 from the driver option and a user bridge br-<12 hex>', () => {
    const def = networkFromInspect({
      ...base,
      Name: 'bridge',
      Id: 'a'.repeat(64),
      Scope: 'local',
      Driver: 'bridge',
      IPAM: { Driver: 'default', Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
      Options: { 'com.docker.network.bridge.name': 'docker0' },
      Containers: { [OTHER]: {}, [ID]: {} },
    } as unknown as NetworkInspectInfo);
    expect(def).toEqual({ id: 'a'.repeat(64), name: 'bridge', driver: 'bridge', scope: 'local', bridge: 'docker0', subnet: '172.17.0.0/16', gateway: '172.17.0.1', internal: false, containers: [ID, OTHER] });
    const mine = networkFromInspect({ ...base, Name: 'mynet', Id: '5a217a8cd096' + 'f'.repeat(52), Scope: 'local', Driver: 'bridge', IPAM: { Config: [{ Subnet: '172.20.0.0/16', Gateway: '172.20.0.1' }] }, Options: {} } as unknown as NetworkInspectInfo);
    expect(mine).toMatchObject({ bridge: 'br-5a217a8cd096', subnet: '172.20.0.0/16', containers: [] });
    const host = networkFromInspect({ ...base, Name: 'host', Id: 'e'.repeat(64), Scope: 'local', Driver: 'host', IPAM: { Config: [] } } as unknown as NetworkInspectInfo);
    expect(host).toMatchObject({ bridge: '', subnet: '', gateway: '' });
  });
});

describe('imageFromInspect', () => {
  it('keeps tags (not <none>), layers in order and size', () => {
    const img = imageFromInspect({
      Id: 'sha256:' + 'd'.repeat(64),
      RepoTags: ['busybox:latest', '<none>:<none>'],
      RootFS: { Type: 'layers', Layers: ['sha256:1', 'sha256:2'] },
      Size: 1_980_000,
      Created: '2026-01-01T00:00:00Z',
    } as unknown as ImageInspectInfo);
    expect(img).toEqual({ id: 'sha256:' + 'd'.repeat(64), tags: ['busybox:latest'], layers: ['sha256:1', 'sha256:2'], size: 1_980_000, created: '2026-01-01T00:00:00Z' });
  });
});

describe('volumesFromApi', () => {
  const anon = 'a'.repeat(64);
  const vol = (Name: string, CreatedAt: string): VolumeInspectInfo & { CreatedAt: string } => ({ Name, Driver: 'local', Mountpoint: `/var/lib/docker/volumes/${Name}/_data`, Labels: {}, Scope: 'local', Options: null, CreatedAt });
  const user = (id: string, created: string, names: string[]): ContainerSnapshot =>
    ({ id, created, mounts: names.map((name) => ({ type: 'volume', source: `/var/lib/docker/volumes/${name}/_data`, destination: `/${name.slice(0, 4)}`, rw: true, name })) }) as unknown as ContainerSnapshot;

  it('lists volumes in the order they were made, marks anonymous ones and finds their users, oldest container first', () => {
    const vols = volumesFromApi(
      [vol('zeta', '2026-12-07T01:00:02Z'), vol(anon, '2026-12-07T01:00:03.123456Z'), vol('alpha', '2026-12-07T01:00:02Z')],
      [user('c2', '2026-12-07T01:00:05Z', ['zeta']), user('c1', '2026-12-07T01:00:04Z', ['zeta', anon])],
    );
    expect(vols.map((v) => [v.name.slice(0, 5), v.anonymous, v.users, v.createdAt])).toEqual([
      ['alpha', false, [], '2026-12-07T01:00:02Z'],
      ['zeta', false, ['c1', 'c2'], '2026-12-07T01:00:02Z'],
      ['aaaaa', true, ['c1'], '2026-12-07T01:00:03Z'],
    ]);
    expect(vols[0]!.mountpoint).toBe('/var/lib/docker/volumes/alpha/_data');
  });
});
