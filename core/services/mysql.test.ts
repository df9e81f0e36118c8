import { describe, expect, it } from 'vitest';
import { parseStatement, SqlError, splitStatements } from './sql';
import { SqlEngine, type SessionInfo } from './sqlEngine';
import { ServiceSession } from './testKit';

const WARN = 'mysql: [Warning] Using a password on the command line interface can be insecure.\n';

async function mysql(image = 'mysql'): Promise<ServiceSession> {
  const s = new ServiceSession('mysql');
  expect((await s.run(`docker run -d --name mdb -e MYSQL_ROOT_PASSWORD=SECRET ${image}`)).code).toBe(0);
  return s;
}

describe('docker run mysql', () => {
  it('without a root password setting: the entrypoint’s refusal, exit 1', async () => {
    const s = new ServiceSession('mysql-nopw');
    await s.run('docker run -d --name mdb mysql');
    await s.advance(5_000);
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(1\) /);
    const logs = await s.logs('mdb');
    expect(logs.out.replace(/^\S+ \S+ /gm, '')).toBe(
      "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.40-1debian12 started.\n[Note] [Entrypoint]: Switching to dedicated user 'mysql'\n[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.40-1debian12 started.\n",
    );
    expect(logs.err.replace(/^\S+ \S+ /, '')).toBe(
      '[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n',
    );
  });

  it('initializes for seconds: a client before then gets ERROR 2002; then "ready for connections" and select 1', async () => {
    const s = await mysql();
    expect(await s.run(`docker exec mdb mysql -uroot -pSECRET -e 'select 1'`)).toEqual({
      out: '',
      err: `${WARN}ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n`,
      code: 1,
    });
    await s.advance(15_000);
    const logs = await s.logs('mdb');
    expect(logs.out).toMatch(/\[Note\] \[Entrypoint\]: Initializing database files\n[\s\S]*\[Note\] \[Entrypoint\]: Temporary server stopped\n\n\S+ \S+ \[Note\] \[Entrypoint\]: MySQL init process done\. Ready for start up\.\n\n$/);
    expect(logs.err).toMatch(/\[System\] \[MY-010931\] \[Server\] \/usr\/sbin\/mysqld: ready for connections\. Version: '8\.0\.40'  socket: '\/var\/run\/mysqld\/mysqld\.sock'  port: 3306  MySQL Community Server - GPL\.\n$/);
    expect(await s.run(`docker exec mdb mysql -uroot -pSECRET -e 'select 1'`)).toEqual({ out: '1\n1\n', err: WARN, code: 0 });
    // With a terminal stderr and stdout are one stream, and mysql prints the boxed table.
    expect((await s.run(`docker exec -t mdb mysql -uroot -pSECRET -e 'select 1'`)).out).toBe(`${WARN.replace('\n', '\r\n')}+---+\r\n| 1 |\r\n+---+\r\n| 1 |\r\n+---+\r\n`);
    expect((await s.run('docker top mdb -o pid,args')).out).toMatch(/\n\d+\s+mysqld\n$/);
  });

  it('a wrong password is ERROR 1045', async () => {
    const s = await mysql();
    await s.advance(15_000);
    expect(await s.run(`docker exec mdb mysql -uroot -pWRONG -e 'select 1'`)).toEqual({ out: '', err: `${WARN}ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n`, code: 1 });
    expect((await s.run(`docker exec mdb mysql -uroot -e 'select 1'`)).err).toBe("ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)\n");
  });

  it('the SQL subset: databases, tables, rows; anything else is MySQL’s syntax error; data survives a restart', async () => {
    const s = await mysql();
    await s.advance(15_000);
    const q = (sql: string, flags = ''): Promise<{ out: string; err: string; code: number }> => s.run(`docker exec ${flags} mdb mysql -uroot -pSECRET -e "${sql}"`);
    expect((await q('SHOW DATABASES')).out).toBe('Database\ninformation_schema\nmysql\nperformance_schema\nsys\n');
    expect((await q("CREATE DATABASE shop; USE shop; CREATE TABLE items (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(10) NOT NULL, price DECIMAL(6,2)); INSERT INTO items (name, price) VALUES ('pen', 1.5), ('book', 12)")).code).toBe(0);
    expect((await q('SELECT * FROM shop.items')).out).toBe('id\tname\tprice\n1\tpen\t1.50\n2\tbook\t12.00\n');
    expect((await q('SELECT * FROM shop.items', '-t')).out).toBe(`${WARN.replace('\n', '\r\n')}+----+------+-------+\r\n| id | name | price |\r\n+----+------+-------+\r\n|  1 | pen  |  1.50 |\r\n|  2 | book | 12.00 |\r\n+----+------+-------+\r\n`);
    expect((await q('UPDATE shop.items SET price = 2')).err).toBe(`${WARN}ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'UPDATE shop.items SET price = 2' at line 1\n`);
    expect((await q('SELECT * FROM shop.nope')).err).toBe(`${WARN}ERROR 1146 (42S02) at line 1: Table 'shop.nope' doesn't exist\n`);
    expect((await q("INSERT INTO shop.items (name) VALUES ('a very long name')")).err).toBe(`${WARN}ERROR 1406 (22001) at line 1: Data too long for column 'name' at row 1\n`);
    await s.run('docker restart mdb');
    await s.advance(5_000);
    expect((await q('SELECT name FROM shop.items WHERE id = 2')).out).toBe('name\nbook\n');
  });

  it('the interactive client under -it: banner, mysql> prompt, tables with "N rows in set", Bye', async () => {
    const s = await mysql();
    await s.advance(15_000);
    const r = await s.run('docker exec -it mdb mysql -uroot -pSECRET', { stdin: 'show databases;\nselect\n1+1;\nexit\n', tty: true });
    const out = r.out.replace(/\r\n/g, '\n');
    expect(out).toContain('Welcome to the MySQL monitor.  Commands end with ; or \\g.\nYour MySQL connection id is ');
    expect(out).toContain('Server version: 8.0.40 MySQL Community Server - GPL\n');
    expect(out).toContain('mysql> ');
    expect(out).toContain('+--------------------+\n| Database           |\n+--------------------+\n| information_schema |\n');
    expect(out).toContain('4 rows in set (0.00 sec)\n');
    expect(out).toContain('    -> ');
    expect(out).toContain('+-----+\n| 1+1 |\n+-----+\n|   2 |\n+-----+\n1 row in set (0.00 sec)\n');
    expect(out.endsWith('Bye\n')).toBe(true);
  });

  it('MYSQL_DATABASE, MYSQL_USER and MYSQL_PASSWORD create the database and the account', async () => {
    const s = new ServiceSession('mysql-env');
    await s.run('docker run -d --name mdb -e MYSQL_ROOT_PASSWORD=r -e MYSQL_DATABASE=app -e MYSQL_USER=u -e MYSQL_PASSWORD=p mysql');
    await s.advance(15_000);
    const out = (await s.logs('mdb')).out;
    expect(out).toContain('[Note] [Entrypoint]: Creating database app\n');
    expect(out).toContain('[Note] [Entrypoint]: Creating user u\n');
    expect(out).toContain('[Note] [Entrypoint]: Giving user u access to schema app\n');
    expect((await s.run(`docker exec mdb mysql -uu -pp app -e 'select database()'`)).out).toBe('database()\napp\n');
  });

  it('mysql:5.7 has its own layers, logs and client version', async () => {
    const s = await mysql('mysql:5.7');
    await s.advance(15_000);
    const logs = await s.logs('mdb');
    expect(logs.out).toContain('[Note] [Entrypoint]: Entrypoint script for MySQL Server 5.7.44-1.el7 started.\n');
    expect(logs.out).toContain('[Note] [Entrypoint]: Waiting for server startup\n');
    expect(logs.err).toMatch(/\[Note\] mysqld: ready for connections\.\nVersion: '5\.7\.44'  socket: '\/var\/run\/mysqld\/mysqld\.sock'  port: 3306  MySQL Community Server \(GPL\)\n$/);
    expect((await s.run('docker exec mdb mysql --version')).out).toBe('mysql  Ver 14.14 Distrib 5.7.44, for Linux (x86_64) using  EditLine wrapper\n');
  });
});

describe('the SQL subset', () => {
  const session = (): SessionInfo => ({ db: null, user: 'root', host: 'localhost', connectionId: 8 });

  it.each([
    ['selec 1', "near 'selec 1' at line 1"],
    ['select * form t', "near 'form t' at line 1"],
    ['CREATE TABLE t (id INTEGR)', "near 'INTEGR)' at line 1"],
    ['DELETE FROM t', "near 'DELETE FROM t' at line 1"],
  ])('%s is a syntax error %s', (sql, near) => {
    try {
      parseStatement(sql);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SqlError);
      expect((e as SqlError).code).toBe(1064);
      expect((e as SqlError).message).toBe(`You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use ${near}`);
    }
  });

  it.each([
    ['USE nope', 1049, "Unknown database 'nope'"],
    ['CREATE TABLE t (id INT)', 1046, 'No database selected'],
    ['CREATE DATABASE mysql', 1007, "Can't create database 'mysql'; database exists"],
    ['DROP DATABASE nope', 1008, "Can't drop database 'nope'; database doesn't exist"],
  ])('%s is MySQL’s error %i', (sql, code, message) => {
    const e = new SqlEngine('8.0.40', () => 0);
    expect(() => e.run(sql, session())).toThrow(message);
    try {
      e.run(sql, session());
    } catch (x) {
      expect((x as SqlError).code).toBe(code);
    }
  });

  it('checks keys and counts as MySQL does', () => {
    const e = new SqlEngine('8.0.40', () => 0);
    const s = session();
    e.run('CREATE DATABASE d', s);
    e.run('USE d', s);
    e.run('CREATE TABLE t (id INT PRIMARY KEY, n INT)', s);
    expect(e.run('INSERT INTO t VALUES (1, 2), (2, 3)', s)).toEqual({ kind: 'ok', affected: 2, info: 'Records: 2  Duplicates: 0  Warnings: 0' });
    expect(() => e.run('INSERT INTO t VALUES (1, 5)', s)).toThrow("Duplicate entry '1' for key 't.PRIMARY'");
    expect(() => e.run('INSERT INTO t VALUES (3)', s)).toThrow("Column count doesn't match value count at row 1");
    expect(() => e.run("INSERT INTO t VALUES ('x', 1)", s)).toThrow("Incorrect integer value: 'x' for column 'id' at row 1");
    expect(() => e.run('SELECT nope FROM t', s)).toThrow("Unknown column 'nope' in 'field list'");
    expect(e.run('SELECT n FROM t WHERE id > 1', s)).toEqual({ kind: 'rows', headers: ['n'], rows: [[3]], numeric: [true] });
    expect(e.run('SHOW TABLES', s)).toEqual({ kind: 'rows', headers: ['Tables_in_d'], rows: [['t']], numeric: [false] });
  });

  it('splits a script at ; outside quotes, keeping each statement’s line', () => {
    expect(splitStatements("select 'a;b';\n\nselect 2; sel").statements.map((x) => [x.sql.trim(), x.line])).toEqual([["select 'a;b'", 1], ['select 2', 3]]);
    expect(splitStatements('select 1; sel').rest).toBe(' sel');
  });
});
