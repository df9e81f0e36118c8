/**
 * Byte strings for the services' binary formats (dump.rdb): a string whose
 * characters are bytes 0–255, to and from the text they encode in UTF-8.
 * (core's ES2022 library has no TextEncoder.)
 */

export function utf8Bytes(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out += ch;
    else if (c < 0x800) out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

/** The text UTF-8 bytes encode (a malformed sequence becomes U+FFFD). */
export function fromUtf8Bytes(b: string): string {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b.charCodeAt(i);
    const need = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
    if (need < 0 || i + need >= b.length) {
      out += '\ufffd';
      i++;
      continue;
    }
    let cp = need === 0 ? c : c & (0x3f >> need);
    for (let k = 1; k <= need; k++) cp = (cp << 6) | (b.charCodeAt(i + k) & 0x3f);
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}
