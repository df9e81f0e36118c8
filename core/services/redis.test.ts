import { describe, expect, it } from 'vitest';
import { formatRaw, formatTty, repr } from './redisCli';
import { crc64, readRdb, writeRdb } from './redisRdb';
import { array, bulk, encodeCommand, error, integer, NIL, parseCommand, parseReply, status } from './resp';
import { ServiceSession } from './testKit';

async function redis(): Promise<ServiceSession> {
  const s = new ServiceSession('redis');
  await s.run('docker network create app');
  expect((await s.run('docker run -d --name rd --network app redis')).code).toBe(0);
  return s;
}

describe('docker run -d --name rd redis', () => {
  it('logs redis 7.4’s start-up lines on stdout and shows redis-server *:6379 in docker top', async () => {
    const s = await redis();
    const lines = (await s.logs('rd')).out.split('\n').filter((l) => l !== '').map((l) => l.replace(/ \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} /, ' T '));
    expect(lines).toEqual([
      expect.stringMatching(/^1:C T # WARNING Memory overcommit must be enabled! /),
      '1:C T * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
      '1:C T * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started',
      '1:C T # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf',
      '1:M T * monotonic clock: POSIX clock_gettime',
      '1:M T * Running mode=standalone, port=6379.',
      '1:M T * Server initialized',
      '1:M T * Ready to accept connections tcp',
    ]);
    expect((await s.run('docker top rd -o pid,args')).out).toMatch(/\n\d+\s+redis-server \*:6379\n$/);
  });

  it('redis-cli ping, set, get: raw without a terminal, quoted with one; the data stays in the server', async () => {
    const s = await redis();
    expect((await s.run('docker exec rd redis-cli ping')).out).toBe('PONG\n');
    expect((await s.run('docker exec rd redis-cli set k v')).out).toBe('OK\n');
    expect((await s.run('docker exec rd redis-cli get k')).out).toBe('v\n');
    expect((await s.run('docker exec -t rd redis-cli get k')).out).toBe('"v"\r\n');
    expect((await s.run('docker exec -t rd redis-cli incr n')).out).toBe('(integer) 1\r\n');
    expect((await s.run('docker exec -t rd redis-cli get nothing')).out).toBe('(nil)\r\n');
  });

  it('an unknown command is redis’s error text (and exit 0, as redis-cli without -e)', async () => {
    const s = await redis();
    expect(await s.run('docker exec rd redis-cli foo bar')).toEqual({ out: "ERR unknown command 'foo', with args beginning with: 'bar' \n\n", err: '', code: 0 });
    expect((await s.run('docker exec -t rd redis-cli foo')).out).toBe("(error) ERR unknown command 'foo', with args beginning with: \r\n");
    expect((await s.run('docker exec rd redis-cli get')).out).toBe("ERR wrong number of arguments for 'get' command\n\n");
  });

  it('redis-cli under -it is the interactive prompt', async () => {
    const s = await redis();
    const r = await s.run('docker exec -it rd redis-cli', { stdin: 'ping\nset a 1\nget a\nexit\n', tty: true });
    expect(r.out).toContain('127.0.0.1:6379> ');
    expect(r.out).toContain('PONG\r\n');
    expect(r.out).toContain('OK\r\n');
    expect(r.out).toContain('"1"\r\n');
  });

  it('another container on the user network reaches it by name: redis-cli -h rd', async () => {
    const s = await redis();
    await s.run('docker exec rd redis-cli set greeting hello');
    expect((await s.run('docker run --rm --network app redis redis-cli -h rd ping')).out).toBe('PONG\n');
    expect((await s.run('docker run --rm --network app redis redis-cli -h rd get greeting')).out).toBe('hello\n');
    expect(await s.run('docker run --rm redis redis-cli -h rd ping')).toMatchObject({ err: 'Could not connect to Redis at rd:6379: Name or service not known\n', code: 1 });
  });

  it('docker stop: SIGTERM, the final RDB save, exit 0; the data comes back with docker start', async () => {
    const s = await redis();
    await s.run('docker exec rd redis-cli set k v');
    await s.run('docker stop rd');
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(0\) /);
    const out = (await s.logs('rd')).out;
    expect(out).toMatch(/\n1:signal-handler \(\d+\) Received SIGTERM scheduling shutdown\.\.\.\n1:M .+ \* User requested shutdown\.\.\.\n1:M .+ \* Saving the final RDB snapshot before exiting\.\n1:M .+ \* DB saved on disk\n1:M .+ # Redis is now ready to exit, bye bye\.\.\.\n$/);
    await s.run('docker start rd');
    expect((await s.run('docker exec rd redis-cli get k')).out).toBe('v\n');
    expect((await s.logs('rd')).out).toContain('* Done loading RDB, keys loaded: 1, keys expired: 0.\n');
  });
});

describe('RESP and redis-cli’s formats', () => {
  it('commands and replies round-trip, UTF-8 lengths included', () => {
    expect(encodeCommand(['SET', 'k', 'é'])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n');
    expect(parseCommand('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n')).toEqual({ args: ['GET', 'k'], rest: '' });
    expect(parseCommand('PING hello\r\n')).toEqual({ args: ['PING', 'hello'], rest: '' });
    expect(parseCommand('*2\r\n$3\r\nGET')).toBeUndefined();
    expect(parseReply('*2\r\n:1\r\n$-1\r\n')?.reply).toEqual(array([integer(1), NIL]));
  });

  it.each([
    [status('OK'), 'OK\n', 'OK\n'],
    [bulk('a"b\n'), '"a\\"b\\n"\n', 'a"b\n\n'],
    [integer(3), '(integer) 3\n', '3\n'],
    [NIL, '(nil)\n', '\n'],
    [error('ERR x'), '(error) ERR x\n', 'ERR x\n\n'],
    [array([]), '(empty array)\n', '\n'],
    [array([bulk('a'), bulk('b')]), '1) "a"\n2) "b"\n', 'a\nb\n'],
  ])('%o prints as redis-cli prints it', (reply, tty, raw) => {
    expect(formatTty(reply)).toBe(tty);
    expect(formatRaw(reply)).toBe(raw);
  });

  it('quotes non-ASCII bytes as \\x escapes (sdscatrepr)', () => {
    expect(repr('é')).toBe('"\\xc3\\xa9"');
  });

  it('dump.rdb carries its CRC64 and reads back', () => {
    expect(crc64('123456789').toString(16)).toBe('e9c6d914c4b8d9ca');
    const bytes = writeRdb([{ db: 0, key: 'k', value: { type: 'string', value: 'v' }, expireAt: 0 }, { db: 1, key: 'l', value: { type: 'list', value: ['a', 'b'] }, expireAt: 5 }], { version: '7.4.1', now: 0, usedMem: 1 });
    expect(bytes.startsWith('REDIS0012\xfa')).toBe(true);
    expect(readRdb(bytes)).toEqual([{ db: 0, key: 'k', value: { type: 'string', value: 'v' }, expireAt: 0 }, { db: 1, key: 'l', value: { type: 'list', value: ['a', 'b'] }, expireAt: 5 }]);
    expect(readRdb(bytes.slice(0, -1) + 'x')).toBeUndefined();
  });
});
