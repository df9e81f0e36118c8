import type { Value } from './redisCommands';
import { fromUtf8Bytes as fromBytes, utf8Bytes } from './bytes';

/**
 * dump.rdb as redis-server writes it at shutdown and reads it at start:
 * "REDIS0012", the aux fields, each database's keys (with their expiry) and
 * the CRC64 (Jones) of it all. Lists, sets and hashes use RDB's plain
 * encodings (types 1, 2 and 4), which every redis still loads. The
 * simulated filesystem holds text, so the file's bytes are kept one per
 * character (Latin-1).
 */

const POLY = 0x95ac9329ac4bc9b5n;
const MASK = 0xffffffffffffffffn;

/** CRC-64/Jones as redis computes it (reflected, init 0): crc64("123456789") = 0xe9c6d914c4b8d9ca. */
export function crc64(bytes: string): bigint {
  let crc = 0n;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= BigInt(bytes.charCodeAt(i) & 0xff);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  }
  return crc & MASK;
}


function len(n: number): string {
  if (n < 64) return String.fromCharCode(n);
  if (n < 16384) return String.fromCharCode(0x40 | (n >> 8), n & 0xff);
  return String.fromCharCode(0x80, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function str(s: string): string {
  const b = utf8Bytes(s);
  return len(b.length) + b;
}

function le64(n: bigint): string {
  let out = '';
  for (let i = 0n; i < 8n; i++) out += String.fromCharCode(Number((n >> (8n * i)) & 0xffn));
  return out;
}

export interface RdbKey {
  db: number;
  key: string;
  value: Value;
  expireAt: number;
}

/** The file's bytes for these keys. */
export function writeRdb(keys: readonly RdbKey[], opts: { version: string; now: number; usedMem: number }): string {
  let out = 'REDIS0012';
  const aux = (k: string, v: string): void => void (out += '\xfa' + str(k) + str(v));
  aux('redis-ver', opts.version);
  aux('redis-bits', '64');
  aux('ctime', String(Math.floor(opts.now / 1000)));
  aux('used-mem', String(opts.usedMem));
  aux('aof-base', '0');
  const dbs = [...new Set(keys.map((k) => k.db))].sort((a, b) => a - b);
  for (const db of dbs) {
    const here = keys.filter((k) => k.db === db);
    out += '\xfe' + len(db) + '\xfb' + len(here.length) + len(here.filter((k) => k.expireAt !== 0).length);
    for (const k of here) {
      if (k.expireAt !== 0) out += '\xfc' + le64(BigInt(k.expireAt));
      const v = k.value;
      if (v.type === 'string') out += '\x00' + str(k.key) + str(v.value);
      else if (v.type === 'list') out += '\x01' + str(k.key) + len(v.value.length) + v.value.map(str).join('');
      else if (v.type === 'set') out += '\x02' + str(k.key) + len(v.value.size) + [...v.value].map(str).join('');
      else out += '\x04' + str(k.key) + len(v.value.size) + [...v.value].map(([f, x]) => str(f) + str(x)).join('');
    }
  }
  out += '\xff';
  return out + le64(crc64(out));
}

/** The keys of a file written by writeRdb; undefined for anything else (a bad checksum, another encoding). */
export function readRdb(bytes: string): RdbKey[] | undefined {
  if (!bytes.startsWith('REDIS') || bytes.length < 18) return undefined;
  const body = bytes.slice(0, -8);
  if (le64(crc64(body)) !== bytes.slice(-8)) return undefined;
  let i = 9;
  const readLen = (): number => {
    const b = body.charCodeAt(i++);
    const kind = b >> 6;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | body.charCodeAt(i++);
    const n = (body.charCodeAt(i) << 24) | (body.charCodeAt(i + 1) << 16) | (body.charCodeAt(i + 2) << 8) | body.charCodeAt(i + 3);
    i += 4;
    return n >>> 0;
  };
  const readStr = (): string => {
    const n = readLen();
    const s = body.slice(i, i + n);
    i += n;
    return fromBytes(s);
  };
  const keys: RdbKey[] = [];
  let db = 0;
  let expireAt = 0;
  while (i < body.length) {
    const op = body.charCodeAt(i++);
    if (op === 0xff) break;
    if (op === 0xfa) {
      readStr();
      readStr();
    } else if (op === 0xfe) db = readLen();
    else if (op === 0xfb) {
      readLen();
      readLen();
    } else if (op === 0xfc) {
      let n = 0n;
      for (let k = 0n; k < 8n; k++) n |= BigInt(body.charCodeAt(i++)) << (8n * k);
      expireAt = Number(n);
    } else if (op === 0x00 || op === 0x01 || op === 0x02 || op === 0x04) {
      const key = readStr();
      let value: Value;
      if (op === 0x00) value = { type: 'string', value: readStr() };
      else if (op === 0x01) value = { type: 'list', value: Array.from({ length: readLen() }, readStr) };
      else if (op === 0x02) value = { type: 'set', value: new Set(Array.from({ length: readLen() }, readStr)) };
      else {
        const n = readLen();
        const m = new Map<string, string>();
        for (let k = 0; k < n; k++) m.set(readStr(), readStr());
        value = { type: 'hash', value: m };
      }
      keys.push({ db, key, value, expireAt });
      expireAt = 0;
    } else return undefined;
  }
  return keys;
}
