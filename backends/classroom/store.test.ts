import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { loadSqlJs } from './dbFile';
import { csvCell, ProgressStore } from './store';

let sql: SqlJsStatic;
beforeAll(async () => {
  sql = await loadSqlJs();
});

const step = (stepIndex: number, passed: boolean, failing: string | null = null) => ({ lesson: 'lifecycle', step: `s${stepIndex}`, stepIndex, passed, failing, at: 1_000 + stepIndex });

describe('the progress store', () => {
  it('shows each student of the class with their latest progress, in joining order', () => {
    const store = ProgressStore.open(sql);
    const cls = store.startClass('ACDEFG', 0);
    store.joinStudent(cls, 'hash-a', 'Ada', 'a', 10);
    store.joinStudent(cls, 'hash-b', 'Bo', 'b', 20);
    store.record('a', step(0, true), 30);
    store.record('a', step(1, false, 'no container named web is running'), 40);
    const roster = store.roster(cls, (id) => id === 'a');
    expect(roster).toEqual([
      { id: 'a', name: 'Ada', online: true, seen: 40, progress: step(1, false, 'no container named web is running') },
      { id: 'b', name: 'Bo', online: false, seen: 20, progress: null },
    ]);
  });

  it('knows a returning student by their key, under their new name, and keeps classes apart', () => {
    const store = ProgressStore.open(sql);
    const first = store.startClass('ACDEFG', 0);
    expect(store.joinStudent(first, 'hash-a', 'Ada', 'a', 10)).toEqual({ id: 'a', name: 'Ada', joinedAt: 10 });
    expect(store.joinStudent(first, 'hash-a', 'Ada L.', 'other', 50)).toEqual({ id: 'a', name: 'Ada L.', joinedAt: 10 });
    expect(store.countStudents(first)).toBe(1);
    const second = store.startClass('HJKMNP', 100);
    expect(store.roster(second, () => true)).toEqual([]);
    expect(store.joinStudent(second, 'hash-a', 'Ada', 'a2', 110).id).toBe('a2');
  });

  it('survives a round trip through its file bytes', () => {
    const store = ProgressStore.open(sql);
    const cls = store.startClass('ACDEFG', 0);
    store.joinStudent(cls, 'h', 'Ada', 'a', 10);
    store.record('a', step(2, true), 30);
    expect(store.changed).toBe(true);
    const bytes = store.export();
    expect(store.changed).toBe(false);
    const again = ProgressStore.open(sql, bytes);
    expect(again.roster(cls, () => false)[0]?.progress).toEqual(step(2, true));
  });

  it('exports CSV, one row per event, oldest first, for one class or all', () => {
    const store = ProgressStore.open(sql);
    const one = store.startClass('ACDEFG', 0);
    store.joinStudent(one, 'h', 'Lovelace, Ada', 'a', 10);
    store.record('a', step(0, false, 'the container "web" is not running'), Date.UTC(2025, 0, 2, 9, 0, 0));
    const two = store.startClass('HJKMNP', 0);
    store.joinStudent(two, 'h2', '=HYPERLINK("x")', 'b', 10);
    store.record('b', step(1, true), Date.UTC(2025, 0, 3));
    const lines = store.csv(one).trimEnd().split('\r\n');
    expect(lines[0]).toBe('class,code,student,lesson,step,step_number,passed,failing_check,student_time,received_time');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`${one},ACDEFG,"Lovelace, Ada",lifecycle,s0,1,no,"the container ""web"" is not running",1970-01-01T00:00:01.000Z,2025-01-02T09:00:00.000Z`);
    const all = store.csv().trimEnd().split('\r\n');
    expect(all).toHaveLength(3);
    expect(all[2]).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2', "'-2"],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
