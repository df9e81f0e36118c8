import { describe, expect, it } from 'vitest';
import { md5Hex } from './md5';

// RFC 1321 appendix A.5, plus a multi-block input and UTF-8 text (checked with GNU md5sum).
const VECTORS: [string, string][] = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ['hello\n', 'b1946ac92492d2347c6235b4d2611184'],
  ['中文\n', 'cd72089b706440b8258e050ebf3f0074'],
];

describe('md5Hex', () => {
  it.each(VECTORS)('md5(%j) = %s', (text, digest) => {
    expect(md5Hex(text)).toBe(digest);
  });
});
