import { describe, expect, it } from 'vitest';
import { goStruct, TemplateError } from './gotemplate';
import { CONTAINER_HEADERS, formatItems, headerContext, headerLabel, preFormat, renderTable, stringWidth, tabwrite, tabwriteRows } from './table';

// Captured from docker 28.2.2 (`docker ps -a`, `docker images`, and custom table formats).
const PS_HEADERS = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
const PS_ROWS = [
  ['b781f5c2c27b', '2318553bc80c', '"sleep 3600"', '5 minutes ago', 'Up 5 minutes (Paused)', '127.0.0.1:18081->80/tcp', 'gbtest-tbl25006-paused'],
  ['b90fe6d79eb2', '2318553bc80c', '"sh -c \'exit 3\'"', '5 minutes ago', 'Exited (3) 5 minutes ago', '', 'gbtest-tbl25006-exit'],
  ['52ba00c7ceae', '2318553bc80c', '"sleep 3600"', '5 minutes ago', 'Up 5 minutes', '', 'gbtest-tbl25006-run'],
  ['94dfb8a4cdfb', '2318553bc80c', '"true"', '5 minutes ago', 'Created', '', 'gbtest-tbl25006-created'],
];
const PS_OUT =
  'CONTAINER ID   IMAGE          COMMAND            CREATED         STATUS                     PORTS                     NAMES\n' +
  'b781f5c2c27b   2318553bc80c   "sleep 3600"       5 minutes ago   Up 5 minutes (Paused)      127.0.0.1:18081->80/tcp   gbtest-tbl25006-paused\n' +
  'b90fe6d79eb2   2318553bc80c   "sh -c \'exit 3\'"   5 minutes ago   Exited (3) 5 minutes ago                             gbtest-tbl25006-exit\n' +
  '52ba00c7ceae   2318553bc80c   "sleep 3600"       5 minutes ago   Up 5 minutes                                         gbtest-tbl25006-run\n' +
  '94dfb8a4cdfb   2318553bc80c   "true"             5 minutes ago   Created                                              gbtest-tbl25006-created\n';

describe('renderTable', () => {
  it('matches docker ps -a byte for byte', () => {
    expect(renderTable(PS_HEADERS, PS_ROWS)).toBe(PS_OUT);
  });

  it('prints only the header when there are no rows, with the minimum width of 10', () => {
    expect(renderTable(PS_HEADERS, [])).toBe('CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
  });

  it('matches docker images', () => {
    expect(
      renderTable(
        ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
        [
          ['busybox', 'latest', 'e1ab304ee380', '24 seconds ago', '1.98MB'],
          ['hello-world', 'latest', '00832190fca2', '24 seconds ago', '762kB'],
          ['<none>', '<none>', '2318553bc80c', '12 minutes ago', '1.98MB'],
        ],
      ),
    ).toBe(
      'REPOSITORY    TAG       IMAGE ID       CREATED          SIZE\n' +
        'busybox       latest    e1ab304ee380   24 seconds ago   1.98MB\n' +
        'hello-world   latest    00832190fca2   24 seconds ago   762kB\n' +
        '<none>        <none>    2318553bc80c   12 minutes ago   1.98MB\n',
    );
  });

  it('a single column is never padded', () => {
    expect(renderTable(['CONTAINER ID'], [['abc'], ['def']])).toBe('CONTAINER ID\nabc\ndef\n');
  });

  it('counts wide characters as two columns', () => {
    expect(renderTable(['A', 'B'], [['容器名', 'x']])).toBe('A         B\n容器名    x\n');
  });
});

describe('tabwrite (Go text/tabwriter as docker configures it)', () => {
  it.each([
    ['empty', '', ''],
    ['no tabs', 'abc\ndef\n', 'abc\ndef\n'],
    ['trailing tab pads the last column (docker ps --format "table {{.Names}}\\t{{.Status}}\\t")',
      'NAMES\tSTATUS\t\nweb\tUp 5 minutes (Paused)\t\n',
      'NAMES     STATUS                  \nweb       Up 5 minutes (Paused)   \n'],
    ['a one-cell line breaks the column block (table {{.Names}}\\n{{.Status}}\\t{{.ID}})',
      'NAMES\nSTATUS\tCONTAINER ID\ngbtest-tbl25006-paused\nUp 5 minutes (Paused)\tb781f5c2c27b\ngbtest-tbl25006-exit\nExited (3) 5 minutes ago\tb90fe6d79eb2\n',
      'NAMES\nSTATUS    CONTAINER ID\ngbtest-tbl25006-paused\nUp 5 minutes (Paused)   b781f5c2c27b\ngbtest-tbl25006-exit\nExited (3) 5 minutes ago   b90fe6d79eb2\n'],
    ['columns of different depth (the Go doc example)', 'aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n',
      'aaaa      bbb       d\naa        b         dd\na         \naa        cccc      eee\n'],
    ['no final newline keeps the tail unterminated', 'a\tb\nccc\td', 'a         b\nccc       d'],
    ['empty cells still take the column width', '\tx\nlong-enough-cell\ty\n', '                   x\nlong-enough-cell   y\n'],
    ['formfeed ends all columns', 'a\tb\n\fccccccccccccc\td\n', 'a         b\n\nccccccccccccc   d\n'],
  ])('%s', (_l, input, want) => expect(tabwrite(input)).toBe(want));

  it('honours other settings', () => {
    expect(tabwrite('a\tb\nccc\td\n', { minwidth: 0, padding: 1, padchar: '.' })).toBe('a...b\nccc.d\n');
  });
});

describe('tabwriteRows', () => {
  const viaText = (rows: string[][]): string => tabwrite(rows.map((r) => r.join('\t') + '\n').join(''));

  it.each([
    ['no rows', []],
    ['an empty row between columns', [['a', 'b'], [], ['ccc', 'd']]],
    ['one-cell rows break the columns', [['NAMES'], ['STATUS', 'ID'], ['web'], ['Up 5 minutes', 'b781f5c2c27b']]],
    ['ragged rows', [['aaaa', 'bbb', 'd'], ['aa', 'b', 'dd'], ['a', ''], ['aa', 'cccc', 'eee']]],
    ['wide characters', [['容器名', 'x'], ['a', '😀']]],
    ['a cell holding a tab or a newline', [['a\tb', 'c'], ['d', 'e\nf'], ['g\fh', 'i\vj']]],
  ])('%s: as tabwrite of the joined text', (_l, rows) => expect(tabwriteRows(rows)).toBe(viaText(rows)));

  it('agrees with tabwrite of the joined text on generated tables', () => {
    const alphabet = ['a', 'bc', ' ', 'long-cell-text', '容', '😀', 'e\u0301', '\t', '\n', ''];
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let t = 0; t < 2000; t++) {
      const rows = Array.from({ length: rnd(6) }, () => Array.from({ length: rnd(5) }, () => Array.from({ length: rnd(3) }, () => alphabet[rnd(alphabet.length)]).join('')));
      expect(tabwriteRows(rows), JSON.stringify(rows)).toBe(viaText(rows));
    }
  });
});

describe('stringWidth', () => {
  it.each([['abc', 3], ['', 0], ['容器', 4], ['e\u0301', 1], ['😀', 2], ['a\tb', 2], ['ｈｉ', 4], ['ab容器', 6], ['a\x7fb\x00', 2], ['id 😀 x', 7], ['e\u0301 ok', 4]])('%j is %d wide', (s, w) => expect(stringWidth(s)).toBe(w));
});

describe('formatItems (docker --format, outputs captured from docker 28 ps)', () => {
  const row = (Names: string, ID: string, Status: string, State: string, labels: Record<string, string> = {}): object =>
    goStruct('*formatter.ContainerContext', { ID, Names, Status, State, Label: (k: string) => labels[k] ?? '' });
  const items = [
    row('gbtest-tbl25006-paused', 'b781f5c2c27b', 'Up 5 minutes (Paused)', 'paused'),
    row('gbtest-tbl25006-exit', 'b90fe6d79eb2', 'Exited (3) 5 minutes ago', 'exited'),
    row('gbtest-tbl25006-run', '52ba00c7ceae', 'Up 5 minutes', 'running', { a: '1' }),
  ];
  const header = headerContext(CONTAINER_HEADERS);

  it.each([
    ['table {{.Names}}\\t{{.Status}}', items,
      'NAMES                    STATUS\ngbtest-tbl25006-paused   Up 5 minutes (Paused)\ngbtest-tbl25006-exit     Exited (3) 5 minutes ago\ngbtest-tbl25006-run      Up 5 minutes\n'],
    ['table {{.Names}}\\t{{.Status}}\\t', items.slice(2), 'NAMES                 STATUS         \ngbtest-tbl25006-run   Up 5 minutes   \n'],
    ['table {{.Names}}\\n{{.Status}}\\t{{.ID}}', items.slice(0, 1),
      'NAMES\nSTATUS    CONTAINER ID\ngbtest-tbl25006-paused\nUp 5 minutes (Paused)   b781f5c2c27b\n'],
    ['table {{.Names}}:{{upper .Status}} {{.Label "a"}} {{"lit"}} {{json .State}}|{{pad .Names 1 1}}|{{truncate .Names 3}}', items.slice(0, 1),
      'NAMES:STATUS a lit STATE| NAMES |NAMES\ngbtest-tbl25006-paused:UP 5 MINUTES (PAUSED)  lit "paused"| gbtest-tbl25006-paused |gbt\n'],
    ['{{.Label "a"}}', items, '\n\n1\n'],
    ['  {{.Names}}\\t{{.ID}}\\n  x  ', items.slice(2), 'gbtest-tbl25006-run\t52ba00c7ceae\n  x\n'],
    ['tablex {{.Names}}', items.slice(2), 'x NAMES\nx gbtest-tbl25006-run\n'],
    ['table {{.ID}}\\t{{.Names}}', [], 'CONTAINER ID   NAMES\n'],
    ['{{.Names}}', [], ''],
    ['table {{json .}}', [goStruct('T', { A: 1 })], '\n{"A":1}\n'],
  ] as const)('%j', (format, list, want) => expect(formatItems(format, list, header)).toBe(want));

  it('reports template errors with their phase', () => {
    expect(() => formatItems('{{.Names', items)).toThrow(expect.objectContaining({ phase: 'parse', message: 'template: :1: unclosed action' }));
    let err: unknown;
    try {
      formatItems('{{.Foo}}', items);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toBe('template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext');
  });

  it.each([
    ['table {{.A}}', { table: true, template: '{{.A}}' }],
    ['json', { table: false, template: '{{json .}}' }],
    ['  {{.A}}\\t{{.B}}\\n ', { table: false, template: '{{.A}}\t{{.B}}\n' }],
    ['\t{{.A}}', { table: false, template: '\t{{.A}}' }],
    ['tablejson', { table: true, template: 'json' }],
  ])('preFormat(%j)', (f, want) => expect(preFormat(f)).toEqual(want));

  it.each([['com.example.app-name', 'app name'], ['a', 'a'], ['x_y', 'x y']])('headerLabel(%j)', (n, want) => expect(headerLabel(n)).toBe(want));
});
