import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { ProgressMessage, StudentRow } from './protocol';

/**
 * The classroom's progress store: SQLite (sql.js, WebAssembly) in memory,
 * saved whole to a file by the server. It holds only what students report:
 * their display names and progress events, per class (one class per start of
 * `glassbox classroom`). Nothing a student runs is here.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS classes (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS students (
  id TEXT PRIMARY KEY,
  class_id INTEGER NOT NULL REFERENCES classes(id),
  key_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  UNIQUE (class_id, key_hash)
);
CREATE TABLE IF NOT EXISTS progress (
  id INTEGER PRIMARY KEY,
  student_id TEXT NOT NULL REFERENCES students(id),
  lesson TEXT NOT NULL,
  step TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  passed INTEGER NOT NULL,
  failing TEXT,
  client_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS progress_by_student ON progress (student_id, id);
`;

export interface StoredStudent {
  id: string;
  name: string;
  joinedAt: number;
}

export class ProgressStore {
  private dirty = false;

  private constructor(private readonly db: Database) {
    db.exec(SCHEMA);
  }

  /** A store over an existing database file's bytes, or a new empty one. */
  static open(sql: SqlJsStatic, bytes?: Uint8Array): ProgressStore {
    return new ProgressStore(bytes && bytes.length > 0 ? new sql.Database(bytes) : new sql.Database());
  }

  /** True when something changed since the last `export()`. */
  get changed(): boolean {
    return this.dirty;
  }

  /** The whole database as a SQLite file. */
  export(): Uint8Array {
    this.dirty = false;
    return this.db.export();
  }

  close(): void {
    this.db.close();
  }

  startClass(code: string, now: number): number {
    this.db.run('INSERT INTO classes (code, started_at) VALUES (?, ?)', [code, now]);
    this.dirty = true;
    return Number(this.one('SELECT last_insert_rowid()')[0]);
  }

  /** The student with this key in this class (renamed to `name`), or a new one with `newId`. */
  joinStudent(classId: number, keyHash: string, name: string, newId: string, now: number): StoredStudent {
    const found = this.one('SELECT id, joined_at FROM students WHERE class_id = ? AND key_hash = ?', [classId, keyHash]);
    this.dirty = true;
    if (found.length > 0) {
      this.db.run('UPDATE students SET name = ? WHERE id = ?', [name, found[0]!]);
      return { id: String(found[0]), name, joinedAt: Number(found[1]) };
    }
    this.db.run('INSERT INTO students (id, class_id, key_hash, name, joined_at) VALUES (?, ?, ?, ?, ?)', [newId, classId, keyHash, name, now]);
    return { id: newId, name, joinedAt: now };
  }

  countStudents(classId: number): number {
    return Number(this.one('SELECT count(*) FROM students WHERE class_id = ?', [classId])[0]);
  }

  record(studentId: string, p: Omit<ProgressMessage, 'type'>, now: number): void {
    this.db.run('INSERT INTO progress (student_id, lesson, step, step_index, passed, failing, client_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      studentId,
      p.lesson,
      p.step,
      p.stepIndex,
      p.passed ? 1 : 0,
      p.failing,
      Math.round(p.at),
      now,
    ]);
    this.dirty = true;
  }

  /** Every student of the class with their latest progress, in joining order; `online` says who is connected. */
  roster(classId: number, online: (id: string) => boolean): StudentRow[] {
    const rows = this.all(
      `SELECT s.id, s.name, s.joined_at, p.lesson, p.step, p.step_index, p.passed, p.failing, p.client_at, p.received_at
       FROM students s LEFT JOIN progress p ON p.id = (SELECT max(id) FROM progress WHERE student_id = s.id)
       WHERE s.class_id = ? ORDER BY s.joined_at, s.id`,
      [classId],
    );
    return rows.map((r) => {
      const id = String(r[0]);
      return {
        id,
        name: String(r[1]),
        online: online(id),
        seen: Number(r[9] ?? r[2]),
        progress:
          r[3] === null
            ? null
            : { lesson: String(r[3]), step: String(r[4]), stepIndex: Number(r[5]), passed: r[6] === 1, failing: r[7] === null ? null : String(r[7]), at: Number(r[8]) },
      };
    });
  }

  /**
   * Every progress event as CSV (RFC 4180), oldest first; only class `classId`
   * when given. Cells a spreadsheet would run as a formula are quoted with a
   * leading apostrophe (names are typed by students).
   */
  csv(classId?: number): string {
    const rows = this.all(
      `SELECT c.id, c.code, s.name, p.lesson, p.step, p.step_index, p.passed, p.failing, p.client_at, p.received_at
       FROM progress p JOIN students s ON s.id = p.student_id JOIN classes c ON c.id = s.class_id
       ${classId === undefined ? '' : 'WHERE c.id = ?'} ORDER BY p.id`,
      classId === undefined ? [] : [classId],
    );
    const iso = (ms: SqlValue): string => new Date(Number(ms)).toISOString();
    const lines = [['class', 'code', 'student', 'lesson', 'step', 'step_number', 'passed', 'failing_check', 'student_time', 'received_time'].join(',')];
    for (const r of rows) {
      lines.push([r[0], r[1], r[2], r[3], r[4], Number(r[5]) + 1, r[6] === 1 ? 'yes' : 'no', r[7] ?? '', iso(r[8]!), iso(r[9]!)].map((v) => csvCell(String(v))).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  }

  private one(sql: string, params: SqlValue[] = []): SqlValue[] {
    return this.all(sql, params)[0] ?? [];
  }

  private all(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const out: SqlValue[][] = [];
      while (stmt.step()) out.push(stmt.get());
      return out;
    } finally {
      stmt.free();
    }
  }
}

/** One CSV cell: quoted when it must be, and defused when a spreadsheet would read it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
