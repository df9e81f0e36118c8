import { isUtf8 } from 'node:buffer';

/**
 * A host program's bytes as the shell's text and back, losslessly. The shell
 * works in strings; most output is UTF-8, but `docker save busybox > b.tar`,
 * `docker export`, `gzip` and `docker load < b.tar` move binary through it.
 * Bytes that are not UTF-8 become the lone surrogates U+DC80–U+DCFF (PEP 383's
 * "surrogateescape"), which no valid UTF-8 decodes to, and are written back as
 * the bytes they were. On the terminal they show as replacement characters,
 * as binary on a terminal shows garbage.
 */

const ESCAPE_BASE = 0xdc00;

/** The length of the UTF-8 sequence at `i`, or 0 when the byte there does not begin a valid, complete one. */
function sequenceAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 3;
    // No overlong forms, and no encoded surrogates (they are the escapes).
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 4;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + need > end) return 0;
  const second = b[i + 1]!;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return need;
}

/** `bytes` as text: UTF-8 where it is, each other byte as its escape. */
export function decodeBytes(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let run = 0;
  for (let i = 0; i < buf.length; ) {
    const n = sequenceAt(buf, i, buf.length);
    if (n > 0) {
      i += n;
      continue;
    }
    out += buf.toString('utf8', run, i) + String.fromCharCode(ESCAPE_BASE + buf[i]!);
    run = ++i;
  }
  return out + buf.toString('utf8', run);
}

/** Decodes a stream chunk by chunk: a sequence cut by a chunk's end waits for the next. */
export class ByteDecoder {
  private carry: Buffer = Buffer.alloc(0);

  write(chunk: Buffer): string {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let cut = buf.length;
    // At most the last three bytes can be the start of a sequence the next chunk completes.
    for (let k = 1; k <= Math.min(3, buf.length); k++) {
      const c = buf[buf.length - k]!;
      if ((c & 0xc0) === 0x80) continue;
      const need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 1;
      if (need > k) cut = buf.length - k;
      break;
    }
    this.carry = Buffer.from(buf.subarray(cut));
    return decodeBytes(buf.subarray(0, cut));
  }

  /** What is left: an unfinished sequence, as escapes. */
  end(): string {
    const rest = decodeBytes(this.carry);
    this.carry = Buffer.alloc(0);
    return rest;
  }
}

/** A lone U+DC80–U+DCFF (not the second half of a pair): an escaped byte. */
const ESCAPED = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/** `text` as the bytes it stands for: UTF-8, with each escape back to its byte. */
export function encodeText(text: string): Buffer {
  if (!ESCAPED.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      continue;
    }
    if (c < 0xdc80 || c > 0xdcff) continue;
    if (i > run) parts.push(Buffer.from(text.slice(run, i), 'utf8'));
    parts.push(Buffer.of(c - ESCAPE_BASE));
    run = i + 1;
  }
  if (run < text.length) parts.push(Buffer.from(text.slice(run), 'utf8'));
  return Buffer.concat(parts);
}
