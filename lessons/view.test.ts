import { describe, expect, it } from 'vitest';
import { LessonSyntaxError, parseLesson } from './format';
import { parseView, ViewSyntaxError } from './view';

const USAGE = 'row PATH, whiteout PATH, mount PATH, volume NAME, image REF, registry HOST, ns TYPE, state STATE, veth, cgroup or play';

describe('parseView', () => {
  it.each([
    ['a tab alone', ['tab: lifecycle'], { tab: 'lifecycle' }],
    ['tab, container and a whiteout', ['tab: layers', 'container: box', 'point: whiteout /etc/hostname'], { tab: 'layers', container: 'box', point: { kind: 'whiteout', path: '/etc/hostname' } }],
    ['a row', ['point: row /tmp/a', 'tab: layers'], { tab: 'layers', point: { kind: 'row', path: '/tmp/a' } }],
    ['the veth pair', ['tab: network', 'container: web', 'point: veth'], { tab: 'network', container: 'web', point: { kind: 'veth' } }],
    ['the cgroup', ['tab: kernel', '  container: limited  ', '', 'point: cgroup'], { tab: 'kernel', container: 'limited', point: { kind: 'cgroup' } }],
    ['Play', ['tab: network', 'point: play'], { tab: 'network', point: { kind: 'play' } }],
    ['a mount', ['tab: volumes', 'container: db', 'point: mount /data'], { tab: 'volumes', container: 'db', point: { kind: 'mount', path: '/data' } }],
    ['a volume', ['tab: volumes', 'point: volume data'], { tab: 'volumes', point: { kind: 'volume', name: 'data' } }],
    ['an image', ['tab: layers', 'point: image mybusy:v1'], { tab: 'layers', point: { kind: 'image', name: 'mybusy:v1' } }],
    ['a registry', ['tab: registry', 'point: registry localhost:5000'], { tab: 'registry', point: { kind: 'registry', name: 'localhost:5000' } }],
    ['a namespace', ['tab: kernel', 'container: box', 'point: ns uts'], { tab: 'kernel', container: 'box', point: { kind: 'ns', name: 'uts' } }],
    ['a lifecycle state', ['tab: lifecycle', 'container: web', 'point: state paused'], { tab: 'lifecycle', container: 'web', point: { kind: 'state', name: 'paused' } }],
  ])('%s', (_what, lines, expected) => {
    expect(parseView(lines, 1)).toEqual(expected);
  });

  it.each([
    ['no tab', ['container: box'], 1, 'the ```view fence needs "tab: …"'],
    ['an unknown tab', ['tab: disks'], 1, 'unknown tab "disks" (one of lifecycle, layers, network, volumes, registry, kernel, trace)'],
    ['an unknown key', ['tab: layers', 'colour: red'], 2, 'expected "tab:", "container:" or "point:", got "colour: red"'],
    ['a relative path', ['tab: layers', 'point: whiteout etc/x'], 2, '"point: whiteout" needs an absolute path'],
    ['an argument to veth', ['tab: network', 'point: veth eth0'], 2, '"point: veth" takes no argument'],
    ['an unknown point', ['tab: network', 'point: bridge'], 2, `unknown point "bridge" (${USAGE})`],
    ['a mount without a path', ['tab: volumes', 'point: mount data'], 2, '"point: mount" needs an absolute path'],
    ['a registry without a host', ['tab: registry', 'point: registry'], 2, '"point: registry" needs a name'],
    ['an unknown namespace', ['tab: kernel', 'point: ns time'], 2, 'unknown namespace "time" (one of mnt, uts, ipc, pid, net, user, cgroup)'],
    ['a bad name', ['tab: network', 'container: /web'], 2, '"/web" is not a container name'],
  ])('refuses %s, naming the line', (_what, lines, line, reason) => {
    const err = (() => {
      try {
        parseView(lines, 1);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ViewSyntaxError);
    expect(err).toMatchObject({ line, reason });
  });
});

const LESSON = (view: string): string => `---
id: demo
title:
  en: Demo
summary:
  en: A demo.
languages: [en]
---

## Delete a file {#rm}

Delete it.

\`\`\`cmd
docker exec box rm /etc/hostname
\`\`\`
${view}
\`\`\`check
upper layer of box has whiteout /etc/hostname
\`\`\`
`;

describe('a step\'s ```view fence in a lesson file', () => {
  it('is read into the step', () => {
    const step = parseLesson(LESSON('\n```view\ntab: layers\ncontainer: box\npoint: whiteout /etc/hostname\n```\n')).steps[0]!;
    expect(step.view).toEqual({ tab: 'layers', container: 'box', point: { kind: 'whiteout', path: '/etc/hostname' } });
  });

  it('is optional', () => {
    expect(parseLesson(LESSON('')).steps[0]!.view).toBeUndefined();
  });

  it('reports a mistake at its line in the file', () => {
    expect(() => parseLesson(LESSON('\n```view\ntab: layers\npoint: bridge\n```\n'))).toThrow(new LessonSyntaxError(`unknown point "bridge" (${USAGE})`, 20));
  });
});
