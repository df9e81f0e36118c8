import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../../../core/model';
import { mergeLayers, openForChanges, stackLabels, toggled, upperChanges, visibleRows, withAncestors, type StackLayer } from './layerTree';

const f = (path: string, size = 1): LayerEntry => ({ path, type: 'file', size, mode: 0o644 });
const d = (path: string): LayerEntry => ({ path, type: 'dir', size: 0, mode: 0o755 });
const wh = (path: string): LayerEntry => ({ path, type: 'whiteout', size: 0, mode: 0 });
const opq = (path: string): LayerEntry => ({ path, type: 'opaque', size: 0, mode: 0o755 });

const base: StackLayer = { id: 'L1', entries: [d('/bin'), f('/bin/sh', 10), f('/bin/vi', 20), d('/etc'), f('/etc/passwd', 5), d('/usr'), d('/usr/sbin'), f('/usr/sbin/a'), f('/usr/sbin/b')] };
const init: StackLayer = { id: 'init', entries: [d('/etc'), f('/etc/hosts', 0)] };

describe('mergeLayers', () => {
  type Row = [string, StackLayer[], Array<[string, string, string, string | undefined]>];
  const rows: Row[] = [
    [
      'a file written, one deleted: A and a whiteout D, their directories C',
      [base, init, { id: 'up', entries: [d('/bin'), wh('/bin/vi'), d('/etc'), f('/etc/motd', 3)] }],
      [
        ['/bin', 'dir', 'up', 'C'],
        ['/bin/sh', 'file', 'L1', undefined],
        ['/bin/vi', 'deleted', 'up', 'D'],
        ['/etc', 'dir', 'up', 'C'],
        ['/etc/hosts', 'file', 'init', undefined],
        ['/etc/motd', 'file', 'up', 'A'],
        ['/etc/passwd', 'file', 'L1', undefined],
        ['/usr', 'dir', 'L1', undefined],
        ['/usr/sbin', 'dir', 'L1', undefined],
        ['/usr/sbin/a', 'file', 'L1', undefined],
        ['/usr/sbin/b', 'file', 'L1', undefined],
      ],
    ],
    [
      'a copied-up file is C and comes from the upper layer',
      [base, { id: 'up', entries: [d('/etc'), f('/etc/passwd', 9)] }],
      [
        ['/bin', 'dir', 'L1', undefined],
        ['/bin/sh', 'file', 'L1', undefined],
        ['/bin/vi', 'file', 'L1', undefined],
        ['/etc', 'dir', 'up', 'C'],
        ['/etc/passwd', 'file', 'up', 'C'],
        ['/usr', 'dir', 'L1', undefined],
        ['/usr/sbin', 'dir', 'L1', undefined],
        ['/usr/sbin/a', 'file', 'L1', undefined],
        ['/usr/sbin/b', 'file', 'L1', undefined],
      ],
    ],
    [
      'an opaque directory hides everything below it from lower layers',
      [base, { id: 'up', entries: [d('/usr'), opq('/usr/sbin'), f('/usr/sbin/z')] }],
      [
        ['/bin', 'dir', 'L1', undefined],
        ['/bin/sh', 'file', 'L1', undefined],
        ['/bin/vi', 'file', 'L1', undefined],
        ['/etc', 'dir', 'L1', undefined],
        ['/etc/passwd', 'file', 'L1', undefined],
        ['/usr', 'dir', 'up', 'C'],
        ['/usr/sbin', 'dir', 'up', 'C'],
        ['/usr/sbin/z', 'file', 'up', 'A'],
      ],
    ],
    [
      'a whiteout on a directory hides all of it; an image layer’s own deletes leave no trace',
      [base, { id: 'L2', entries: [d('/bin'), wh('/bin/sh')] }, { id: 'up', entries: [wh('/usr')] }],
      [
        ['/bin', 'dir', 'L2', undefined],
        ['/bin/vi', 'file', 'L1', undefined],
        ['/etc', 'dir', 'L1', undefined],
        ['/etc/passwd', 'file', 'L1', undefined],
        ['/usr', 'deleted', 'up', 'D'],
      ],
    ],
    [
      'a file replacing a directory hides its contents',
      [base, { id: 'L2', entries: [f('/usr/sbin', 4)] }],
      [
        ['/bin', 'dir', 'L1', undefined],
        ['/bin/sh', 'file', 'L1', undefined],
        ['/bin/vi', 'file', 'L1', undefined],
        ['/etc', 'dir', 'L1', undefined],
        ['/etc/passwd', 'file', 'L1', undefined],
        ['/usr', 'dir', 'L1', undefined],
        ['/usr/sbin', 'file', 'L2', undefined],
      ],
    ],
  ];
  it.each(rows)('%s', (_what, stack, expected) => {
    const merged = mergeLayers(stack, { markTop: stack.at(-1)!.id === 'up' });
    expect([...merged.values()].sort((a, b) => (a.path < b.path ? -1 : 1)).map((e) => [e.path, e.type, e.layerId, e.mark])).toEqual(expected);
  });

  it('flags the opaque directory and remembers what a whiteout hides', () => {
    const merged = mergeLayers([base, { id: 'up', entries: [opq('/usr/sbin'), wh('/bin/vi')] }], { markTop: true });
    expect(merged.get('/usr/sbin')?.opaque).toBe(true);
    expect(merged.get('/bin/vi')).toMatchObject({ type: 'deleted', hiddenIn: 'L1', size: 20 });
  });
});

describe('visibleRows', () => {
  const many: StackLayer = { id: 'L1', entries: [d('/bin'), ...Array.from({ length: 100 }, (_, i) => f(`/bin/t${String(i).padStart(3, '0')}`))] };
  const up: StackLayer = { id: 'up', entries: [d('/bin'), wh('/bin/t099')] };
  const merged = mergeLayers([many, up], { markTop: true });

  it('opens the directories on the way to a change, folds the rest of a long one, and always shows the change', () => {
    const rows = visibleRows(merged, openForChanges(merged), { limit: 5 });
    expect(rows.map((r) => (r.more ? `+${r.more}` : `${'  '.repeat(r.depth)}${r.name}${r.entry.mark ? ` ${r.entry.mark}` : ''}`))).toEqual([
      'bin C',
      '  t000',
      '  t001',
      '  t002',
      '  t003',
      '  t004',
      '  t099 D',
      '+94',
    ]);
  });

  it('shows a closed directory as one row that counts what is inside it', () => {
    const rows = visibleRows(merged, new Set(['/']));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'bin', open: false, inside: 100, changedInside: 1 });
  });

  it('shows every child of a directory asked for in full', () => {
    expect(visibleRows(merged, new Set(['/', '/bin']), { limit: 5, showAll: new Set(['/bin']) })).toHaveLength(101);
  });
});

describe('upperChanges', () => {
  const lower = mergeLayers([base, init]);
  it.each([
    ['a file new to the container', [], [d('/etc'), f('/etc/motd', 3)], [['/etc/motd', 'added', undefined]]],
    ['a lower file written: copied up', [], [d('/etc'), f('/etc/passwd', 6)], [['/etc/passwd', 'copy-up', 'L1']]],
    ['a lower file deleted: a whiteout', [], [d('/bin'), wh('/bin/vi')], [['/bin/vi', 'whiteout', 'L1']]],
    ['a directory made again: opaque', [], [d('/usr'), opq('/usr/sbin')], [['/usr/sbin', 'opaque', 'L1']]],
    ['an upper file rewritten', [f('/etc/motd', 3)], [f('/etc/motd', 7)], [['/etc/motd', 'changed', undefined]]],
    ['an upper-only file removed', [d('/tmp'), f('/tmp/x', 3)], [d('/tmp')], [['/tmp/x', 'gone', undefined]]],
    ['nothing changed', [d('/etc'), f('/etc/motd', 3)], [d('/etc'), f('/etc/motd', 3)], []],
  ] as const)('%s', (_what, before, after, expected) => {
    expect(upperChanges(before, after, lower).map((c) => [c.path, c.kind, c.from])).toEqual(expected);
  });
});

describe('tree helpers', () => {
  it('toggles a directory open and closed', () => {
    expect([...toggled(new Set(['/']), '/etc')]).toEqual(['/', '/etc']);
    expect([...toggled(new Set(['/', '/etc']), '/etc')]).toEqual(['/']);
  });
  it('opens every directory above a path', () => {
    expect([...withAncestors(new Set(['/']), ['/usr/local/bin/x'])]).toEqual(['/', '/usr/local/bin', '/usr/local', '/usr']);
  });
  it('names image layers L1… bottom first, then init and the container layer', () => {
    const labels = stackLabels([{ id: 'a', kind: 'image' }, { id: 'b', kind: 'image' }, { id: 'i', kind: 'init' }, { id: 'u', kind: 'container' }], { init: 'init', container: 'upper' });
    expect([...labels.values()]).toEqual(['L1', 'L2', 'init', 'upper']);
  });
});
