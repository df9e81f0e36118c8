import { parseStatement, SqlError, type ColumnDef, type Expr, type SqlValue, type Statement, type TableRef } from './sql';

/**
 * What mysqld does with the statements sql.ts parses: databases and tables
 * in the server's memory (mysqld.ts writes them to the data directory), the
 * checks MySQL makes in strict mode (unknown database, table or column,
 * duplicate key, a value that does not fit its column) with MySQL's error
 * numbers, SQLSTATEs and texts, and the result a client shows: rows with
 * their column names, or the number of rows a change affected.
 */

export interface Table {
  columns: ColumnDef[];
  rows: SqlValue[][];
  autoIncrement: number;
}

export type Result =
  | { kind: 'rows'; headers: string[]; rows: SqlValue[][]; numeric: boolean[] }
  | { kind: 'ok'; affected: number; info?: string }
  | { kind: 'use'; db: string };

export interface SessionInfo {
  db: string | null;
  user: string;
  host: string;
  connectionId: number;
}

/** The schemas every server has: listed, but their tables are not modelled here. */
export const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'];

const INT_RANGES: Readonly<Record<string, [number, number]>> = {
  TINYINT: [-128, 127], BOOL: [-128, 127], BOOLEAN: [-128, 127], SMALLINT: [-32768, 32767], MEDIUMINT: [-8388608, 8388607],
  INT: [-2147483648, 2147483647], INTEGER: [-2147483648, 2147483647], BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

export class SqlEngine {
  readonly databases = new Map<string, Map<string, Table>>();

  constructor(
    private readonly version: string,
    private readonly now: () => number,
  ) {}

  run(sql: string, session: SessionInfo, line = 1): Result {
    return this.exec(parseStatement(sql, line), session);
  }

  private db(name: string | undefined, session: SessionInfo): { name: string; tables: Map<string, Table> } {
    const n = name ?? session.db;
    if (n === null || n === undefined) throw new SqlError(1046, '3D000', 'No database selected');
    if (SYSTEM_SCHEMAS.includes(n.toLowerCase())) throw new SqlError(0, 'HY000', `glassbox: the tables of the ${n} schema are not simulated yet`);
    const tables = this.databases.get(n);
    if (!tables) throw new SqlError(1049, '42000', `Unknown database '${n}'`);
    return { name: n, tables };
  }

  private table(ref: TableRef, session: SessionInfo): { db: string; table: Table; name: string } {
    const { name: db, tables } = this.db(ref.db, session);
    const table = tables.get(ref.name);
    if (!table) throw new SqlError(1146, '42S02', `Table '${db}.${ref.name}' doesn't exist`);
    return { db, table, name: ref.name };
  }

  private exec(st: Statement, session: SessionInfo): Result {
    switch (st.kind) {
      case 'showDatabases':
        return { kind: 'rows', headers: ['Database'], rows: [...new Set([...SYSTEM_SCHEMAS, ...this.databases.keys()])].sort().map((d) => [d]), numeric: [false] };
      case 'showTables': {
        const { name, tables } = this.db(st.db, session);
        return { kind: 'rows', headers: [`Tables_in_${name}`], rows: [...tables.keys()].sort().map((t) => [t]), numeric: [false] };
      }
      case 'createDatabase':
        if (this.databases.has(st.name) || SYSTEM_SCHEMAS.includes(st.name.toLowerCase())) {
          if (st.ifNotExists) return { kind: 'ok', affected: 1 };
          throw new SqlError(1007, 'HY000', `Can't create database '${st.name}'; database exists`);
        }
        this.databases.set(st.name, new Map());
        return { kind: 'ok', affected: 1 };
      case 'dropDatabase': {
        if (SYSTEM_SCHEMAS.includes(st.name.toLowerCase())) throw new SqlError(3552, 'HY000', `Access to system schema '${st.name}' is rejected.`);
        const tables = this.databases.get(st.name);
        if (!tables) {
          if (st.ifExists) return { kind: 'ok', affected: 0 };
          throw new SqlError(1008, 'HY000', `Can't drop database '${st.name}'; database doesn't exist`);
        }
        this.databases.delete(st.name);
        if (session.db === st.name) session.db = null;
        return { kind: 'ok', affected: tables.size };
      }
      case 'use':
        if (!SYSTEM_SCHEMAS.includes(st.name.toLowerCase()) && !this.databases.has(st.name)) throw new SqlError(1049, '42000', `Unknown database '${st.name}'`);
        session.db = st.name;
        return { kind: 'use', db: st.name };
      case 'createTable': {
        const { tables } = this.db(st.table.db, session);
        if (tables.has(st.table.name)) {
          if (st.ifNotExists) return { kind: 'ok', affected: 0 };
          throw new SqlError(1050, '42S01', `Table '${st.table.name}' already exists`);
        }
        const seen = new Set<string>();
        for (const c of st.columns) {
          if (seen.has(c.name.toLowerCase())) throw new SqlError(1060, '42S21', `Duplicate column name '${c.name}'`);
          seen.add(c.name.toLowerCase());
        }
        tables.set(st.table.name, { columns: st.columns, rows: [], autoIncrement: 1 });
        return { kind: 'ok', affected: 0 };
      }
      case 'dropTable': {
        const { tables, name } = this.db(st.table.db, session);
        if (!tables.delete(st.table.name)) {
          if (st.ifExists) return { kind: 'ok', affected: 0 };
          throw new SqlError(1051, '42S02', `Unknown table '${name}.${st.table.name}'`);
        }
        return { kind: 'ok', affected: 0 };
      }
      case 'describe': {
        const { table } = this.table(st.table, session);
        const rows = table.columns.map((c) => [
          c.name, typeName(c), c.notNull ? 'NO' : 'YES', c.primary ? 'PRI' : c.unique ? 'UNI' : '', c.default === undefined ? null : String(c.default), c.autoIncrement ? 'auto_increment' : '',
        ]);
        return { kind: 'rows', headers: ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'], rows, numeric: [false, false, false, false, false, false] };
      }
      case 'insert': {
        const { table, name } = this.table(st.table, session);
        const cols = st.columns ?? table.columns.map((c) => c.name);
        const idx = cols.map((n) => {
          const i = table.columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase());
          if (i < 0) throw new SqlError(1054, '42S22', `Unknown column '${n}' in 'field list'`);
          return i;
        });
        const fresh: SqlValue[][] = [];
        st.rows.forEach((exprs, r) => {
          if (exprs.length !== cols.length) throw new SqlError(1136, '21S01', `Column count doesn't match value count at row ${r + 1}`);
          const row: SqlValue[] = table.columns.map((c) => (c.default === undefined ? null : c.default));
          const given = new Set<number>();
          exprs.forEach((e, k) => {
            row[idx[k]!] = this.value(e, session, null);
            given.add(idx[k]!);
          });
          table.columns.forEach((c, i) => {
            if (c.autoIncrement && (row[i] === null || row[i] === 0)) row[i] = table.autoIncrement;
            if (c.autoIncrement && typeof row[i] === 'number') table.autoIncrement = Math.max(table.autoIncrement, (row[i] as number) + 1);
            if (row[i] === null && c.notNull) {
              if (given.has(i)) throw new SqlError(1048, '23000', `Column '${c.name}' cannot be null`);
              throw new SqlError(1364, 'HY000', `Field '${c.name}' doesn't have a default value`);
            }
            row[i] = coerce(c, row[i]!, r + 1);
          });
          for (const [i, c] of table.columns.entries()) {
            if (!c.primary && !c.unique) continue;
            const clash = [...table.rows, ...fresh].some((other) => other[i] !== null && String(other[i]) === String(row[i]));
            if (clash) throw new SqlError(1062, '23000', `Duplicate entry '${row[i]}' for key '${name}.${c.primary ? 'PRIMARY' : c.name}'`);
          }
          fresh.push(row);
        });
        table.rows.push(...fresh);
        return fresh.length > 1 ? { kind: 'ok', affected: fresh.length, info: `Records: ${fresh.length}  Duplicates: 0  Warnings: 0` } : { kind: 'ok', affected: fresh.length };
      }
      case 'select': {
        if (!st.from) {
          const row = st.items.map((i) => this.value(i.expr as Expr, session, null));
          return { kind: 'rows', headers: st.items.map((i) => i.header), rows: [row], numeric: row.map((v) => typeof v === 'number') };
        }
        const { table } = this.table(st.from, session);
        const colIndex = (n: string, where: string): number => {
          const i = table.columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase());
          if (i < 0) throw new SqlError(1054, '42S22', `Unknown column '${n}' in '${where}'`);
          return i;
        };
        const headers: string[] = [];
        const getters: ((row: SqlValue[]) => SqlValue)[] = [];
        const numeric: boolean[] = [];
        for (const item of st.items) {
          if (item.expr === '*') {
            table.columns.forEach((c, i) => {
              headers.push(c.name);
              getters.push((row) => row[i]!);
              numeric.push(isNumericType(c.type));
            });
          } else {
            const e = item.expr;
            if (e.kind === 'column') colIndex(e.name, 'field list');
            headers.push(e.kind === 'column' ? (item.header === e.name ? table.columns[colIndex(e.name, 'field list')]!.name : item.header) : item.header);
            getters.push((row) => this.value(e, session, (n) => row[colIndex(n, 'field list')]!));
            numeric.push(e.kind === 'column' ? isNumericType(table.columns[colIndex(e.name, 'field list')]!.type) : false);
          }
        }
        let rows = table.rows;
        if (st.where) {
          const w = st.where;
          const i = colIndex(w.column, 'where clause');
          const v = this.value(w.value, session, null);
          rows = rows.filter((r) => compare(r[i]!, w.op, v));
        }
        if (st.limit !== undefined) rows = rows.slice(0, st.limit);
        const out = rows.map((r) => getters.map((g) => g(r)));
        return { kind: 'rows', headers, rows: out, numeric: numeric.map((n, k) => n || out.some((r) => typeof r[k] === 'number')) };
      }
    }
  }

  private value(e: Expr, session: SessionInfo, column: ((name: string) => SqlValue) | null): SqlValue {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'column':
        if (!column) throw new SqlError(1054, '42S22', `Unknown column '${e.name}' in 'field list'`);
        return column(e.name);
      case 'neg': {
        const v = this.value(e.expr, session, column);
        return v === null ? null : -Number(v);
      }
      case 'binary': {
        const a = this.value(e.left, session, column);
        const b = this.value(e.right, session, column);
        if (a === null || b === null) return null;
        const x = Number(a) || 0;
        const y = Number(b) || 0;
        if (e.op === '/') return y === 0 ? null : Number((x / y).toFixed(4));
        return e.op === '+' ? x + y : e.op === '-' ? x - y : x * y;
      }
      case 'func':
        switch (e.name) {
          case 'VERSION':
            return this.version;
          case 'DATABASE':
          case 'SCHEMA':
            return session.db;
          case 'USER':
            return `${session.user}@${session.host}`;
          case 'CURRENT_USER':
            return `${session.user}@${session.host === 'localhost' ? 'localhost' : '%'}`;
          case 'CONNECTION_ID':
            return session.connectionId;
          default:
            return new Date(this.now()).toISOString().slice(0, 19).replace('T', ' ');
        }
    }
  }
}

function isNumericType(t: string): boolean {
  return t in INT_RANGES || ['DECIMAL', 'NUMERIC', 'FLOAT', 'DOUBLE'].includes(t);
}

/** DESCRIBE's Type column: int, varchar(20), decimal(10,2) … */
function typeName(c: ColumnDef): string {
  const base = c.type === 'INTEGER' ? 'int' : c.type === 'BOOLEAN' || c.type === 'BOOL' ? 'tinyint(1)' : c.type === 'NUMERIC' ? 'decimal' : c.type.toLowerCase();
  const size = c.size && !(c.type in INT_RANGES) ? `(${c.size.join(',')})` : c.type === 'DECIMAL' && !c.size ? '(10,0)' : '';
  return `${base}${size}${c.unsigned ? ' unsigned' : ''}`;
}

/** A value stored into a column, as strict mode allows it (or MySQL's error). */
function coerce(c: ColumnDef, v: SqlValue, row: number): SqlValue {
  if (v === null) return null;
  const range = INT_RANGES[c.type];
  if (range) {
    const n = typeof v === 'number' ? v : /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n)) throw new SqlError(1366, 'HY000', `Incorrect integer value: '${v}' for column '${c.name}' at row ${row}`);
    const r = Math.round(n);
    if (r < (c.unsigned ? 0 : range[0]) || r > (c.unsigned ? range[1] * 2 + 1 : range[1])) throw new SqlError(1264, '22003', `Out of range value for column '${c.name}' at row ${row}`);
    return r;
  }
  if (['DECIMAL', 'NUMERIC', 'FLOAT', 'DOUBLE'].includes(c.type)) {
    const n = typeof v === 'number' ? v : Number(v);
    if (typeof v === 'string' && !/^\s*-?\d*\.?\d+\s*$/.test(v)) throw new SqlError(1366, 'HY000', `Incorrect decimal value: '${v}' for column '${c.name}' at row ${row}`);
    if (c.type === 'DECIMAL' || c.type === 'NUMERIC') return n.toFixed(c.size?.[1] ?? 0);
    return n;
  }
  const s = String(v);
  const max = c.type === 'VARCHAR' || c.type === 'CHAR' ? (c.size?.[0] ?? 1) : c.type === 'TEXT' ? 65535 : Infinity;
  if ([...s].length > max) throw new SqlError(1406, '22001', `Data too long for column '${c.name}' at row ${row}`);
  if (c.type === 'DATE' && !/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new SqlError(1292, '22007', `Incorrect date value: '${s}' for column '${c.name}' at row ${row}`);
  return s;
}

function compare(a: SqlValue, op: string, b: SqlValue): boolean {
  if (a === null || b === null) return false;
  const num = typeof a === 'number' || typeof b === 'number';
  const x = num ? Number(a) : String(a).toLowerCase();
  const y = num ? Number(b) : String(b).toLowerCase();
  switch (op) {
    case '=':
      return x === y;
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    default:
      return x !== y;
  }
}
