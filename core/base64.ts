/** base64 as Basic auth and Docker's config.json use it: standard alphabet, padded, over UTF-8. */

/** Standard base64 of the UTF-8 bytes (Basic auth and config.json's "auth" are base64("user:password")). */
export function base64(text: string): string {
  const bytes = [...utf8Bytes(text)];
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += abc[(n >> 18) & 63]! + abc[(n >> 12) & 63]! + (i + 1 < bytes.length ? abc[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? abc[n & 63]! : '=');
  }
  return out;
}

/** The text base64 encodes (UTF-8), or undefined when it is not base64. */
export function unbase64(encoded: string): string | undefined {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = encoded.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return undefined;
  let bits = 0;
  let acc = 0;
  let hex = '';
  for (const ch of clean) {
    acc = (acc << 6) | abc.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += '%' + ((acc >> bits) & 255).toString(16).padStart(2, '0');
    }
  }
  try {
    return decodeURIComponent(hex);
  } catch {
    return undefined;
  }
}

function* utf8Bytes(text: string): Generator<number> {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) yield c;
    else if (c < 0x800) yield* [0xc0 | (c >> 6), 0x80 | (c & 63)];
    else if (c < 0x10000) yield* [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    else yield* [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
  }
}
