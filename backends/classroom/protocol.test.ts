import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isJoinCode, JOIN_ALPHABET, JOIN_CODE_LENGTH, makeJoinCode, normalizeJoinCode, parseFrame, studentMessage, teacherMessage } from './protocol';

describe('join codes', () => {
  it('are six letters of an alphabet without look-alikes', () => {
    for (const ch of '0O1IL5S8B2Z') expect(JOIN_ALPHABET).not.toContain(ch);
    for (let i = 0; i < 200; i++) {
      const code = makeJoinCode((b) => randomFillSync(b));
      expect(code).toHaveLength(JOIN_CODE_LENGTH);
      expect(isJoinCode(code)).toBe(true);
    }
  });

  it('use every letter of the alphabet about equally (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) for (const c of makeJoinCode((b) => randomFillSync(b))) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(JOIN_ALPHABET.length);
    const expected = (3000 * JOIN_CODE_LENGTH) / JOIN_ALPHABET.length;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
  });

  it('skip random bytes that would bias the draw', () => {
    // 25 letters: bytes from 250 up are rejected; 0 and 24 are the first and last letters.
    const feeds = [new Uint8Array([255, 250, 0, 24, 25, 1, 2, 3])];
    const code = makeJoinCode((b) => {
      b.fill(0);
      b.set(feeds.shift() ?? [1, 1, 1, 1, 1, 1].map(() => 4));
      return b;
    });
    expect(code).toBe(`${JOIN_ALPHABET[0]}${JOIN_ALPHABET[24]}${JOIN_ALPHABET[0]}${JOIN_ALPHABET[1]}${JOIN_ALPHABET[2]}${JOIN_ALPHABET[3]}`);
  });

  it.each([
    ['acd-efg', 'ACDEFG', true],
    [' ACD EFG ', 'ACDEFG', true],
    ['ACDEF', 'ACDEF', false],
    ['ACDEF0', 'ACDEF0', false],
    ['ACDEFGH', 'ACDEFGH', false],
  ])('%j is read as %j (a code: %s)', (typed, normal, valid) => {
    expect(normalizeJoinCode(typed)).toBe(normal);
    expect(isJoinCode(normalizeJoinCode(typed))).toBe(valid);
  });
});

describe('student messages', () => {
  const progress = { type: 'progress', lesson: 'lifecycle', step: 'run', stepIndex: 0, passed: false, failing: 'no container named web', at: 1_700_000_000_000 };
  const key = 'k'.repeat(22);

  it.each([
    ['a hello', { type: 'hello', key, name: 'Ada' }],
    ['progress', progress],
    ['progress with no failing check', { ...progress, failing: null, passed: true }],
  ])('accepts %s', (_what, msg) => {
    expect(parseFrame(studentMessage, JSON.stringify(msg))).not.toHaveProperty('refused');
  });

  it('tidies a display name: trimmed, inner spaces collapsed', () => {
    expect(parseFrame(studentMessage, JSON.stringify({ type: 'hello', key, name: '  Ada \t Lovelace ' }))).toEqual({ type: 'hello', key, name: 'Ada Lovelace' });
  });

  it.each([
    ['not JSON', '{"type":'],
    ['an unknown type', JSON.stringify({ type: 'goto', lesson: 'lifecycle', stepIndex: 2 })],
    ['an extra field (another student)', JSON.stringify({ ...progress, student: 'someone-else' })],
    ['an empty name', JSON.stringify({ type: 'hello', key, name: '   ' })],
    ['a 41-character name', JSON.stringify({ type: 'hello', key, name: 'x'.repeat(41) })],
    ['a name with a control character', JSON.stringify({ type: 'hello', key, name: 'Ada\u0007' })],
    ['a name with a right-to-left override', JSON.stringify({ type: 'hello', key, name: 'Ada\u202eevil' })],
    ['a short key', JSON.stringify({ type: 'hello', key: 'abc', name: 'Ada' })],
    ['a lesson id with markup', JSON.stringify({ ...progress, lesson: '<script>' })],
    ['a negative step', JSON.stringify({ ...progress, stepIndex: -1 })],
    ['a fractional step', JSON.stringify({ ...progress, stepIndex: 1.5 })],
    ['an over-long why-not', JSON.stringify({ ...progress, failing: 'x'.repeat(501) })],
    ['a string for passed', JSON.stringify({ ...progress, passed: 'yes' })],
  ])('refuses %s', (_what, text) => {
    expect(parseFrame(studentMessage, text)).toHaveProperty('refused');
  });
});

describe('teacher messages', () => {
  it('accepts "everyone to step N" and refuses anything else', () => {
    expect(parseFrame(teacherMessage, JSON.stringify({ type: 'goto', lesson: 'network', stepIndex: 3 }))).toEqual({ type: 'goto', lesson: 'network', stepIndex: 3 });
    expect(parseFrame(teacherMessage, JSON.stringify({ type: 'goto', lesson: 'network', stepIndex: 3, to: 'one' }))).toHaveProperty('refused');
    expect(parseFrame(teacherMessage, JSON.stringify({ type: 'progress' }))).toHaveProperty('refused');
  });
});
