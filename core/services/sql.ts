/**
 * A small, honest part of MySQL's SQL: SHOW DATABASES / TABLES, CREATE and
 * DROP DATABASE, USE, CREATE and DROP TABLE, DESCRIBE, INSERT … VALUES,
 * and SELECT of expressions or of columns FROM a table with a simple WHERE
 * and LIMIT. Statements are tokenized and parsed as MySQL would read them;
 * anything outside this part is refused with MySQL's own syntax error (1064,
 * "… near '…' at line N"), never half-done. Execution (sqlEngine.ts) gives
 * MySQL's errors for unknown databases, tables and columns, duplicates and
 * bad values.
 */

export type Token =
  | { kind: 'word'; text: string; upper: string; quoted: boolean; at: number; line: number }
  | { kind: 'string'; text: string; at: number; line: number }
  | { kind: 'number'; text: string; at: number; line: number }
  | { kind: 'punct'; text: string; at: number; line: number }
  | { kind: 'end'; at: number; line: number };

export class SqlError extends Error {
  constructor(
    readonly code: number,
    readonly state: string,
    message: string,
  ) {
    super(message);
  }
}

export function tokenize(sql: string, firstLine = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = firstLine;
  const syntax = (at: number): never => {
    throw new SqlError(1064, '42000', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${sql.slice(at, at + 80)}' at line ${line}`);
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#' || (c === '-' && sql[i + 1] === '-' && (sql[i + 2] === undefined || /\s/.test(sql[i + 2]!)))) {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) syntax(i);
      for (const ch of sql.slice(i, end)) if (ch === '\n') line++;
      i = end + 2;
      continue;
    }
    const at = i;
    if (c === "'" || c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) syntax(at);
        const ch = sql[i]!;
        if (ch === '\\' && i + 1 < sql.length) {
          const n = sql[i + 1]!;
          text += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === '0' ? '\0' : n;
          i += 2;
        } else if (ch === c && sql[i + 1] === c) {
          text += c;
          i += 2;
        } else if (ch === c) {
          i++;
          break;
        } else {
          if (ch === '\n') line++;
          text += ch;
          i++;
        }
      }
      out.push({ kind: 'string', text, at, line });
      continue;
    }
    if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      if (end < 0) syntax(at);
      const text = sql.slice(i + 1, end);
      out.push({ kind: 'word', text, upper: text.toUpperCase(), quoted: true, at, line });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?/i.exec(sql.slice(i))!;
      if (/^[A-Za-z_$]/.test(sql.slice(i + m[0].length))) {
        // "1abc" is an identifier in MySQL.
        const w = /^[A-Za-z0-9_$]+/.exec(sql.slice(i))![0];
        out.push({ kind: 'word', text: w, upper: w.toUpperCase(), quoted: false, at, line });
        i += w.length;
        continue;
      }
      out.push({ kind: 'number', text: m[0], at, line });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$@]/.test(c) || c.charCodeAt(0) > 0x7f) {
      const w = /^[@A-Za-z0-9_$\u0080-\uffff]+/.exec(sql.slice(i))![0];
      out.push({ kind: 'word', text: w, upper: w.toUpperCase(), quoted: false, at, line });
      i += w.length;
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (['<=', '>=', '<>', '!='].includes(two)) {
      out.push({ kind: 'punct', text: two, at, line });
      i += 2;
      continue;
    }
    if ('(),;*=.<>+-/'.includes(c)) {
      out.push({ kind: 'punct', text: c, at, line });
      i++;
      continue;
    }
    syntax(at);
  }
  out.push({ kind: 'end', at: sql.length, line });
  return out;
}

export type Expr =
  | { kind: 'literal'; value: SqlValue }
  | { kind: 'column'; name: string }
  | { kind: 'func'; name: string }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'neg'; expr: Expr };

export type SqlValue = string | number | null;

export interface ColumnDef {
  name: string;
  type: string;
  /** VARCHAR(n), CHAR(n), DECIMAL(p,s). */
  size?: number[];
  unsigned: boolean;
  notNull: boolean;
  primary: boolean;
  autoIncrement: boolean;
  unique: boolean;
  default?: SqlValue;
}

export type Statement =
  | { kind: 'showDatabases' }
  | { kind: 'showTables'; db?: string }
  | { kind: 'createDatabase'; name: string; ifNotExists: boolean }
  | { kind: 'dropDatabase'; name: string; ifExists: boolean }
  | { kind: 'use'; name: string }
  | { kind: 'createTable'; table: TableRef; ifNotExists: boolean; columns: ColumnDef[] }
  | { kind: 'dropTable'; table: TableRef; ifExists: boolean }
  | { kind: 'describe'; table: TableRef }
  | { kind: 'insert'; table: TableRef; columns?: string[]; rows: Expr[][] }
  | { kind: 'select'; items: { expr: Expr | '*'; header: string }[]; from?: TableRef; where?: { column: string; op: string; value: Expr }; limit?: number };

export interface TableRef {
  db?: string;
  name: string;
}

const TYPES = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'MEDIUMINT', 'VARCHAR', 'CHAR', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT', 'DATE', 'DATETIME', 'TIMESTAMP', 'TIME', 'DECIMAL', 'NUMERIC', 'FLOAT', 'DOUBLE', 'BOOLEAN', 'BOOL']);
const FUNCS = new Set(['VERSION', 'DATABASE', 'SCHEMA', 'USER', 'CURRENT_USER', 'NOW', 'CURRENT_TIMESTAMP', 'CONNECTION_ID']);

/** Parses one statement (without its terminator); throws SqlError 1064 at the first token MySQL would not accept. */
export function parseStatement(sql: string, firstLine = 1): Statement {
  const toks = tokenize(sql, firstLine);
  let pos = 0;
  const peek = (): Token => toks[pos]!;
  const fail = (t: Token = peek()): never => {
    throw new SqlError(1064, '42000', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${sql.slice(t.at, t.at + 80)}' at line ${t.line}`);
  };
  const isWord = (w: string, t: Token = peek()): boolean => t.kind === 'word' && !t.quoted && t.upper === w;
  const word = (w: string): void => {
    if (!isWord(w)) fail();
    pos++;
  };
  const punct = (p: string): void => {
    const t = peek();
    if (t.kind !== 'punct' || t.text !== p) fail();
    pos++;
  };
  const isPunct = (p: string): boolean => {
    const t = peek();
    return t.kind === 'punct' && t.text === p;
  };
  const ident = (): string => {
    const t = peek();
    if (t.kind !== 'word' || (!t.quoted && ['SELECT', 'FROM', 'WHERE', 'TABLE', 'DATABASE', 'VALUES', 'INTO', 'CREATE', 'DROP', 'INSERT', 'LIMIT'].includes(t.upper))) fail();
    pos++;
    return (t as { text: string }).text;
  };
  const tableRef = (): TableRef => {
    const a = ident();
    if (isPunct('.')) {
      pos++;
      return { db: a, name: ident() };
    }
    return { name: a };
  };
  const literal = (): SqlValue => {
    const t = peek();
    if (t.kind === 'string') return (pos++, t.text);
    if (t.kind === 'number') return (pos++, Number(t.text));
    if (isPunct('-') && toks[pos + 1]?.kind === 'number') {
      pos += 2;
      return -Number((toks[pos - 1] as { text: string }).text);
    }
    if (isWord('NULL')) return (pos++, null);
    if (isWord('TRUE')) return (pos++, 1);
    if (isWord('FALSE')) return (pos++, 0);
    return fail();
  };
  const primary = (): Expr => {
    const t = peek();
    if (t.kind === 'punct' && t.text === '(') {
      pos++;
      const e = expr();
      punct(')');
      return e;
    }
    if (t.kind === 'punct' && t.text === '-') {
      pos++;
      return { kind: 'neg', expr: primary() };
    }
    if (t.kind === 'word' && !t.quoted && FUNCS.has(t.upper) && toks[pos + 1]?.kind === 'punct' && (toks[pos + 1] as { text: string }).text === '(') {
      pos += 2;
      punct(')');
      return { kind: 'func', name: t.upper };
    }
    if (t.kind === 'word' && !t.quoted && t.upper === 'CURRENT_TIMESTAMP') return (pos++, { kind: 'func', name: 'NOW' });
    if (t.kind === 'string' || t.kind === 'number' || isWord('NULL') || isWord('TRUE') || isWord('FALSE')) return { kind: 'literal', value: literal() };
    if (t.kind === 'word') return { kind: 'column', name: ident() };
    return fail();
  };
  const term = (): Expr => {
    let e = primary();
    while (isPunct('*') || isPunct('/')) {
      const op = (peek() as { text: string }).text;
      pos++;
      e = { kind: 'binary', op, left: e, right: primary() };
    }
    return e;
  };
  const expr = (): Expr => {
    let e = term();
    while (isPunct('+') || isPunct('-')) {
      const op = (peek() as { text: string }).text;
      pos++;
      e = { kind: 'binary', op, left: e, right: term() };
    }
    return e;
  };
  const end = (): void => {
    if (peek().kind !== 'end') fail();
  };
  const first = peek();
  if (first.kind === 'end') throw new SqlError(1065, '42000', 'Query was empty');
  let st: Statement;
  if (isWord('SHOW')) {
    pos++;
    if (isWord('DATABASES') || isWord('SCHEMAS')) {
      pos++;
      st = { kind: 'showDatabases' };
    } else if (isWord('TABLES')) {
      pos++;
      let db: string | undefined;
      if (isWord('FROM') || isWord('IN')) {
        pos++;
        db = ident();
      }
      st = db !== undefined ? { kind: 'showTables', db } : { kind: 'showTables' };
    } else if (isWord('COLUMNS') || isWord('FIELDS')) {
      pos++;
      if (!isWord('FROM') && !isWord('IN')) fail();
      pos++;
      st = { kind: 'describe', table: tableRef() };
    } else return fail();
  } else if (isWord('CREATE') || isWord('DROP')) {
    const create = isWord('CREATE');
    pos++;
    if (isWord('DATABASE') || isWord('SCHEMA')) {
      pos++;
      let cond = false;
      if (isWord('IF')) {
        pos++;
        if (create) word('NOT');
        word('EXISTS');
        cond = true;
      }
      const name = ident();
      // CHARACTER SET / COLLATE options are accepted after the name.
      while (peek().kind !== 'end') {
        if (!create) fail();
        if (isWord('DEFAULT')) pos++;
        if (isWord('CHARACTER') || isWord('CHARSET') || isWord('COLLATE')) {
          if (isWord('CHARACTER')) {
            pos++;
            word('SET');
          } else pos++;
          if (isPunct('=')) pos++;
          ident();
        } else fail();
      }
      st = create ? { kind: 'createDatabase', name, ifNotExists: cond } : { kind: 'dropDatabase', name, ifExists: cond };
    } else if (isWord('TABLE')) {
      pos++;
      let cond = false;
      if (isWord('IF')) {
        pos++;
        if (create) word('NOT');
        word('EXISTS');
        cond = true;
      }
      const table = tableRef();
      if (!create) st = { kind: 'dropTable', table, ifExists: cond };
      else {
        punct('(');
        const columns: ColumnDef[] = [];
        for (;;) {
          if (isWord('PRIMARY')) {
            pos++;
            word('KEY');
            if (columns.some((c) => c.primary)) throw new SqlError(1068, '42000', 'Multiple primary key defined');
            punct('(');
            for (;;) {
              const col = ident();
              const def = columns.find((c) => c.name.toLowerCase() === col.toLowerCase());
              if (!def) throw new SqlError(1072, '42000', `Key column '${col}' doesn't exist in table`);
              def.primary = true;
              def.notNull = true;
              if (!isPunct(',')) break;
              pos++;
            }
            punct(')');
          } else {
            const name = ident();
            const t = peek();
            if (t.kind !== 'word' || !TYPES.has(t.upper)) fail();
            pos++;
            const def: ColumnDef = { name, type: (t as { upper: string }).upper, unsigned: false, notNull: false, primary: false, autoIncrement: false, unique: false };
            if (isPunct('(')) {
              pos++;
              def.size = [];
              for (;;) {
                const n = peek();
                if (n.kind !== 'number') fail();
                def.size.push(Number((n as { text: string }).text));
                pos++;
                if (!isPunct(',')) break;
                pos++;
              }
              punct(')');
            } else if (def.type === 'VARCHAR') fail();
            for (;;) {
              const w = peek().kind === 'word' ? (peek() as { upper: string }).upper : '';
              if (isWord('NULL')) pos++;
              else if (['UNSIGNED', 'NOT', 'AUTO_INCREMENT', 'UNIQUE', 'DEFAULT'].includes(w)) {
                pos++;
                if (w === 'UNSIGNED') def.unsigned = true;
                else if (w === 'NOT') {
                  word('NULL');
                  def.notNull = true;
                } else if (w === 'AUTO_INCREMENT') def.autoIncrement = true;
                else if (w === 'UNIQUE') {
                  def.unique = true;
                  if (isWord('KEY')) pos++;
                } else def.default = literal();
              }
              else if (isWord('PRIMARY')) {
                pos++;
                word('KEY');
                if (def.primary || columns.some((c) => c.primary)) throw new SqlError(1068, '42000', 'Multiple primary key defined');
                def.primary = def.notNull = true;
              }
              else break;
            }
            columns.push(def);
          }
          if (isPunct(',')) {
            pos++;
            continue;
          }
          break;
        }
        punct(')');
        // Table options (ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 …) change nothing a SELECT shows.
        while (peek().kind !== 'end') {
          if (isWord('DEFAULT')) pos++;
          if (!(isWord('ENGINE') || isWord('CHARSET') || isWord('COLLATE') || isWord('CHARACTER') || isWord('AUTO_INCREMENT'))) fail();
          if (isWord('CHARACTER')) {
            pos++;
            word('SET');
          } else pos++;
          if (isPunct('=')) pos++;
          const v = peek();
          if (v.kind !== 'word' && v.kind !== 'number') fail();
          pos++;
        }
        const autos = columns.filter((c) => c.autoIncrement);
        if (autos.length > 1 || autos.some((c) => !c.primary && !c.unique)) throw new SqlError(1075, '42000', 'Incorrect table definition; there can be only one auto column and it must be defined as a key');
        st = { kind: 'createTable', table, ifNotExists: cond, columns };
      }
    } else return fail();
  } else if (isWord('USE')) {
    pos++;
    st = { kind: 'use', name: ident() };
  } else if (isWord('DESCRIBE') || isWord('DESC')) {
    pos++;
    st = { kind: 'describe', table: tableRef() };
  } else if (isWord('INSERT')) {
    pos++;
    if (isWord('INTO')) pos++;
    const table = tableRef();
    let columns: string[] | undefined;
    if (isPunct('(')) {
      pos++;
      columns = [];
      for (;;) {
        columns.push(ident());
        if (!isPunct(',')) break;
        pos++;
      }
      punct(')');
    }
    if (!isWord('VALUES') && !isWord('VALUE')) fail();
    pos++;
    const rows: Expr[][] = [];
    for (;;) {
      punct('(');
      const row: Expr[] = [];
      if (!isPunct(')')) {
        for (;;) {
          row.push(expr());
          if (!isPunct(',')) break;
          pos++;
        }
      }
      punct(')');
      rows.push(row);
      if (!isPunct(',')) break;
      pos++;
    }
    st = columns ? { kind: 'insert', table, columns, rows } : { kind: 'insert', table, rows };
  } else if (isWord('SELECT')) {
    pos++;
    const items: { expr: Expr | '*'; header: string }[] = [];
    for (;;) {
      const start = peek();
      if (isPunct('*')) {
        pos++;
        items.push({ expr: '*', header: '*' });
      } else {
        const e = expr();
        const last = toks[pos - 1]!;
        let header = sql.slice(start.at, last.kind === 'end' ? last.at : last.at + tokenLength(sql, last)).trim();
        if (start.kind === 'string' && pos - 1 === toks.indexOf(start)) header = start.text;
        if (isWord('AS')) {
          pos++;
          const t = peek();
          if (t.kind !== 'word' && t.kind !== 'string') fail();
          header = (t as { text: string }).text;
          pos++;
        } else if (peek().kind === 'word' && !isWord('FROM') && !isWord('WHERE') && !isWord('LIMIT')) header = ident();
        items.push({ expr: e, header });
      }
      if (!isPunct(',')) break;
      pos++;
    }
    let from: TableRef | undefined;
    let where: { column: string; op: string; value: Expr } | undefined;
    let limit: number | undefined;
    if (isWord('FROM')) {
      pos++;
      from = tableRef();
      if (isWord('WHERE')) {
        pos++;
        const column = ident();
        const op = peek();
        if (op.kind !== 'punct' || !['=', '<', '>', '<=', '>=', '<>', '!='].includes(op.text)) fail();
        pos++;
        where = { column, op: (op as { text: string }).text, value: expr() };
      }
    }
    if (isWord('LIMIT')) {
      pos++;
      const n = peek();
      if (n.kind !== 'number') fail();
      limit = Number((n as { text: string }).text);
      pos++;
    }
    end();
    st = { kind: 'select', items, ...(from ? { from } : {}), ...(where ? { where } : {}), ...(limit !== undefined ? { limit } : {}) };
    if (items.some((i) => i.expr === '*') && !from) throw new SqlError(1096, 'HY000', 'No tables used');
  } else return fail(first);
  end();
  return st;
}

function tokenLength(sql: string, t: Token): number {
  if (t.kind === 'end') return 0;
  if (t.kind === 'string') {
    // Up to the closing quote.
    const q = sql[t.at]!;
    let i = t.at + 1;
    while (i < sql.length) {
      if (sql[i] === '\\') i += 2;
      else if (sql[i] === q && sql[i + 1] === q) i += 2;
      else if (sql[i] === q) return i + 1 - t.at;
      else i++;
    }
    return sql.length - t.at;
  }
  if (t.kind === 'word' && t.quoted) return t.text.length + 2;
  return t.text.length;
}

/**
 * The statements of a script, as the mysql client splits them: at `;`
 * (or \g, \G) outside quotes and comments. Returns the complete ones with
 * the line each starts on, and what is left (a statement still being typed).
 */
export function splitStatements(text: string, firstLine = 1): { statements: { sql: string; line: number; vertical: boolean }[]; rest: string } {
  const statements: { sql: string; line: number; vertical: boolean }[] = [];
  let start = 0;
  let line = firstLine;
  let startLine = firstLine;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '-' && text[i + 1] === '-' && /\s/.test(text[i + 2] ?? ' ')) {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
    } else if (c === ';' || (c === '\\' && (text[i + 1] === 'g' || text[i + 1] === 'G'))) {
      const sql = text.slice(start, i);
      if (sql.trim() !== '') statements.push({ sql, line: startLine + leadingLines(sql), vertical: c === '\\' && text[i + 1] === 'G' });
      if (c === '\\') i++;
      start = i + 1;
      startLine = line;
    }
  }
  return { statements, rest: text.slice(start) };
}

function leadingLines(sql: string): number {
  const m = /^\s*/.exec(sql)![0];
  return m.split('\n').length - 1;
}
