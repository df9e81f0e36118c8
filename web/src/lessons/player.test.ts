import { describe, expect, it } from 'vitest';
import type { ContainerSnapshot, Snapshot } from '../../../core/model';
import { lessons } from './course';
import { completedKey, linesUpTo, linkNeedsJump, progressKey, readLessonLink, rebuildAtStep, sameOriginUrl, stepFocus, focusSubview, withLessonLink } from './player';

const lifecycle = lessons.find((l) => l.id === 'lifecycle')!;

describe('keys per backend', () => {
  it('keeps the simulator and the real engine apart', () => {
    expect(progressKey('sim', 'lifecycle')).not.toBe(progressKey('real', 'lifecycle'));
    expect(completedKey('sim', 'lifecycle')).not.toBe(completedKey('real', 'lifecycle'));
    expect(progressKey('sim', 'lifecycle')).not.toBe(completedKey('sim', 'lifecycle'));
  });
});

describe('linesUpTo / rebuildAtStep', () => {
  it.each([
    [0, []],
    [1, ['docker run -d --name web nginx']],
    [3, ['docker run -d --name web nginx', 'docker pause web', 'docker unpause web']],
  ])('step %i starts after the solutions of the steps before it', (n, expected) => {
    expect(linesUpTo(lifecycle, n)).toEqual([...lifecycle.setup, ...expected]);
  });

  it('clamps past the last step', () => {
    expect(linesUpTo(lifecycle, 999)).toEqual([...lifecycle.setup, ...lifecycle.steps.flatMap((s) => s.commands)]);
  });

  it('rebuilds where the backend can, and says false where it cannot', async () => {
    const seen: string[][] = [];
    expect(await rebuildAtStep({ rebuild: async (lines) => void seen.push(lines) }, lifecycle, 2)).toBe(true);
    expect(seen).toEqual([linesUpTo(lifecycle, 2)]);
    expect(await rebuildAtStep({}, lifecycle, 2)).toBe(false);
  });
});

describe('the lesson link', () => {
  it.each([
    ['', { lesson: null, stepIndex: null, lessonUrl: null }],
    ['?lesson=lifecycle&step=3', { lesson: 'lifecycle', stepIndex: 2, lessonUrl: null }],
    ['?lesson=lifecycle', { lesson: 'lifecycle', stepIndex: null, lessonUrl: null }],
    ['?lesson=lifecycle&step=0', { lesson: 'lifecycle', stepIndex: null, lessonUrl: null }],
    ['?lesson=lifecycle&step=two', { lesson: 'lifecycle', stepIndex: null, lessonUrl: null }],
    ['?lessonUrl=%2Flessons%2Fx.md&token=t', { lesson: null, stepIndex: null, lessonUrl: '/lessons/x.md' }],
  ])('%s', (search, expected) => {
    expect(readLessonLink(search)).toEqual(expected);
  });

  it.each([
    ['', 'lifecycle', 0, '?lesson=lifecycle&step=1'],
    ['?token=t', 'lifecycle', 4, '?token=t&lesson=lifecycle&step=5'],
    ['?lesson=lifecycle&step=2', 'union-fs', 0, '?lesson=union-fs&step=1'],
    ['?lesson=lifecycle&step=2&token=t', null, 0, '?token=t'],
    ['?lessonUrl=%2Fx.md', 'demo', 1, '?lesson=demo&step=2'],
  ])('%s → lesson %s, step index %i', (search, id, step, expected) => {
    expect(withLessonLink(search, id, step)).toBe(expected);
  });

  it.each([
    ['/lessons/x.md', 'http://127.0.0.1:5170/lessons/x.md'],
    ['x.md', 'http://127.0.0.1:5170/app/x.md'],
    ['http://127.0.0.1:5170/y.md', 'http://127.0.0.1:5170/y.md'],
    ['https://example.com/x.md', null],
    ['http://127.0.0.1:9999/x.md', null],
    ['//evil.example/x.md', null],
    ['javascript:alert(1)', null],
  ])('lessonUrl %s', (raw, expected) => {
    expect(sameOriginUrl(raw, 'http://127.0.0.1:5170/app/?lessonUrl=x')?.href ?? null).toBe(expected);
  });

  it.each([
    ['saved progress already there: a reload', 2, 2, 5, false],
    ['another step', 0, 2, 5, true],
    ['a finished lesson names its last step', 5, 4, 5, false],
    ['a finished lesson, an earlier step', 5, 1, 5, true],
    ['a step past the end means the last', 4, 9, 5, false],
  ])('%s', (_what, done, step, count, expected) => {
    expect(linkNeedsJump(done, step, count)).toBe(expected);
  });
});

describe('stepFocus', () => {
  const web = { id: 'c'.repeat(64), name: 'web', state: 'running' } as ContainerSnapshot;
  const snapshot: Snapshot = {
    kind: 'sim',
    time: 0,
    images: [],
    containers: [web],
    cgroups: [{ containerId: web.id, path: `/system.slice/docker-${web.id}.scope` } as NonNullable<Snapshot['cgroups']>[number]],
    interfaces: [
      { name: 'eth0', ifindex: 7, kind: 'veth', mac: '', addresses: ['172.17.0.2/16'], up: true, netns: web.id, peerIfindex: 8 },
      { name: 'veth1a2b3c4', ifindex: 8, kind: 'veth', mac: '', addresses: [], up: true, netns: 'host', master: 'docker0', peerIfindex: 7 },
      { name: 'docker0', ifindex: 3, kind: 'bridge', mac: '', addresses: ['172.17.0.1/16'], up: true, netns: 'host' },
    ],
  };

  it.each([
    ['a tab alone', { tab: 'lifecycle' as const }, { tab: 'lifecycle', containerId: null, targets: [], selector: null }],
    ['the veth pair, both ends', { tab: 'network' as const, container: 'web', point: { kind: 'veth' as const } }, { tab: 'network', containerId: web.id, targets: [{ kind: 'interface', id: 'eth0' }, { kind: 'interface', id: 'veth1a2b3c4' }], selector: '.iface.lit' }],
    ['the cgroup', { tab: 'kernel' as const, container: 'web', point: { kind: 'cgroup' as const } }, { tab: 'kernel', containerId: web.id, targets: [{ kind: 'cgroup', id: `/system.slice/docker-${web.id}.scope` }], selector: '.dir.lit' }],
    ['a whiteout row', { tab: 'layers' as const, container: 'web', point: { kind: 'whiteout' as const, path: '/etc/"x"' } }, { tab: 'layers', containerId: web.id, targets: [], selector: '[data-path="/etc/\\"x\\""][data-type="deleted"]' }],
    ['Play', { tab: 'network' as const, point: { kind: 'play' as const } }, { tab: 'network', containerId: null, targets: [], selector: '[data-testid="play-packet"]' }],
    ['a mount', { tab: 'volumes' as const, container: 'web', point: { kind: 'mount' as const, path: '/data' } }, { tab: 'volumes', containerId: web.id, targets: [], selector: '[data-mount="/data"]' }],
    ['a volume', { tab: 'volumes' as const, point: { kind: 'volume' as const, name: 'data' } }, { tab: 'volumes', containerId: null, targets: [], selector: '[data-volume="data"]' }],
    ['an image without a tag, as its tags list it', { tab: 'layers' as const, point: { kind: 'image' as const, name: 'busybox' } }, { tab: 'layers', containerId: null, targets: [], selector: '[data-tags~="busybox:latest"]' }],
    ['an image on a registry with a port', { tab: 'layers' as const, point: { kind: 'image' as const, name: 'localhost:5000/busybox' } }, { tab: 'layers', containerId: null, targets: [], selector: '[data-tags~="localhost:5000/busybox:latest"]' }],
    ['a tagged image', { tab: 'layers' as const, point: { kind: 'image' as const, name: 'mybusy:v1' } }, { tab: 'layers', containerId: null, targets: [], selector: '[data-tags~="mybusy:v1"]' }],
    ['a registry', { tab: 'registry' as const, point: { kind: 'registry' as const, name: 'localhost:5000' } }, { tab: 'registry', containerId: null, targets: [], selector: '[data-registry="localhost:5000"]' }],
    ['a lifecycle state', { tab: 'lifecycle' as const, container: 'web', point: { kind: 'state' as const, name: 'paused' } }, { tab: 'lifecycle', containerId: web.id, targets: [], selector: '[data-state="paused"]' }],
    ["the container's namespace, in its row", { tab: 'kernel' as const, container: 'web', point: { kind: 'ns' as const, name: 'uts' } }, { tab: 'kernel', containerId: web.id, targets: [], selector: '[data-ns-row="web"] [data-ns="uts"]' }],
    ['a namespace of a container not there yet', { tab: 'kernel' as const, container: 'db', point: { kind: 'ns' as const, name: 'uts' } }, { tab: 'kernel', containerId: null, targets: [], selector: null }],
    ['a container not there yet', { tab: 'kernel' as const, container: 'db', point: { kind: 'cgroup' as const } }, { tab: 'kernel', containerId: null, targets: [], selector: null }],
  ])('%s', (_what, view, expected) => {
    expect(stepFocus(view, snapshot)).toEqual(expected);
  });
});

describe('focusSubview', () => {
  it.each([
    ['an image: the layer-sharing view', { tab: 'layers' as const, point: { kind: 'image' as const, name: 'busybox' } }, { layers: 'sharing', volumes: 'container' }],
    ['a volume: the engine\'s volumes', { tab: 'volumes' as const, point: { kind: 'volume' as const, name: 'data' } }, { layers: 'container', volumes: 'engine' }],
    ['a row: the container', { tab: 'layers' as const, point: { kind: 'row' as const, path: '/a' } }, { layers: 'container', volumes: 'container' }],
  ])('%s', (_what, view, expected) => {
    expect(focusSubview(view)).toEqual(expected);
  });
});
