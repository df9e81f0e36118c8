import { describe, expect, it } from 'vitest';
import { ByteDecoder, decodeBytes, encodeText } from './byteText';

const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe('bytes as the shell\'s text and back', () => {
  const cases: { name: string; input: Buffer; text?: string }[] = [
    { name: 'ASCII', input: Buffer.from('hello\n'), text: 'hello\n' },
    { name: 'UTF-8 Chinese and an emoji (a surrogate pair)', input: Buffer.from('容器 🐳\n'), text: '容器 🐳\n' },
    { name: 'a byte that begins no sequence', input: bytes(0x61, 0xff, 0x62), text: 'a\udcffb' },
    { name: 'a lead byte without its continuation', input: bytes(0xe5, 0x41), text: '\udce5A' },
    { name: 'an overlong form', input: bytes(0xc0, 0xaf), text: '\udcc0\udcaf' },
    { name: 'an encoded surrogate (not UTF-8)', input: bytes(0xed, 0xb2, 0x80), text: '\udced\udcb2\udc80' },
    { name: 'a code point past U+10FFFF', input: bytes(0xf4, 0x90, 0x80, 0x80) },
    { name: 'a tar header: NULs and octal', input: Buffer.concat([Buffer.from('manifest.json'), Buffer.alloc(87), Buffer.from('0000644\0'), bytes(0x80, 0x9c, 0xfe)]) },
    { name: 'U+10080, whose second half is in the escapes\' range', input: Buffer.from('\u{10080}'), text: '\u{10080}' },
  ];
  for (const c of cases) {
    it(`${c.name}: decoded, then encoded back to the same bytes`, () => {
      const text = decodeBytes(c.input);
      if (c.text !== undefined) expect(text).toBe(c.text);
      expect(encodeText(text).equals(c.input)).toBe(true);
    });
  }

  it('every byte value, and random binary, round-trip', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(encodeText(decodeBytes(all)).equals(all)).toBe(true);
    let seed = 7;
    const rnd = Buffer.from(Array.from({ length: 20_000 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16 & 0xff));
    expect(encodeText(decodeBytes(rnd)).equals(rnd)).toBe(true);
  });

  it('a stream cut anywhere decodes as the whole does', () => {
    const whole = Buffer.concat([Buffer.from('容器 🐳 '), bytes(0xff, 0xe5, 0xae), Buffer.from('镜像'), bytes(0xf0, 0x9f)]);
    for (let cut = 0; cut <= whole.length; cut++) {
      for (let cut2 = cut; cut2 <= whole.length; cut2++) {
        const d = new ByteDecoder();
        const text = d.write(whole.subarray(0, cut)) + d.write(whole.subarray(cut, cut2)) + d.write(whole.subarray(cut2)) + d.end();
        expect(text, `${cut}/${cut2}`).toBe(decodeBytes(whole));
      }
    }
  });

  it('text the shell made (no escapes) encodes as plain UTF-8; a lone high surrogate as U+FFFD', () => {
    expect(encodeText('echo 你好').equals(Buffer.from('echo 你好'))).toBe(true);
    expect(encodeText('a\ud800b').equals(Buffer.from('a\ufffdb'))).toBe(true);
  });
});
