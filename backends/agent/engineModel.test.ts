import type { ContainerInspectInfo, ImageInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ContainerState, DockerEvent } from '../../core/model';
import { type ContainerHistory, containerFromInspect, dockerEventFromApi, imageFromInspect, transitionsFor } from './engineModel';

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
    });
  });

  it('reads the restart policy', () => {
    const c = containerFromInspect({ ...info, HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } } } as unknown as ContainerInspectInfo, '');
    expect(c.config.restartPolicy).toEqual({ name: 'on-failure', maximumRetryCount: 3 });
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
