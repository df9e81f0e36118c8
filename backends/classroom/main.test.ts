import { describe, expect, it } from 'vitest';
import { parseClassroomArgs } from './main';

describe('glassbox classroom flags', () => {
  it.each<[string[], Partial<ReturnType<typeof parseClassroomArgs> & object> | string]>([
    [[], { address: '127.0.0.1', port: 0 }],
    [['--port', '7000'], { address: '127.0.0.1', port: 7000 }],
    [['--listen', '0.0.0.0:7000', '--db', 'class.sqlite'], { address: '0.0.0.0', port: 7000, db: 'class.sqlite' }],
    [['--db=x.sqlite'], { db: 'x.sqlite' }],
    [['--port', '70000'], 'invalid port: 70000'],
    [['--listen', '0.0.0.0'], 'invalid listen address: 0.0.0.0 (want ADDR:PORT, e.g. 0.0.0.0:7681)'],
    [['--port', '1', '--listen', '0.0.0.0:2'], '--port and --listen both set the port: give one'],
    [['--db'], 'invalid database path: (missing)'],
    [['--token', 'x'], 'unknown option: --token'],
  ])('%j', (argv, expected) => {
    const got = parseClassroomArgs(argv);
    if (typeof expected === 'string') expect(got).toBe(expected);
    else expect(got).toMatchObject(expected);
  });

  it('export takes only --db', () => {
    expect(parseClassroomArgs(['--db', 'a.sqlite'], 'export')).toMatchObject({ db: 'a.sqlite' });
    expect(parseClassroomArgs(['--listen', '0.0.0.0:1'], 'export')).toBe('unknown option: --listen');
  });
});
