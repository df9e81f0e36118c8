/**
 * The classroom's addresses, limits and join codes: plain values with no
 * schema library, so the student's page can hold them in its first load and
 * fetch the wire schemas (protocol.ts, zod) only when it joins a class.
 */

export const CLASSROOM_SUBPROTOCOL = 'glassbox.classroom.v1';
export const STUDENT_PATH = '/classroom/student';
export const TEACHER_PATH = '/classroom/teacher';
export const EXPORT_PATH = '/classroom/export.csv';
/** Largest frame the server accepts. Progress is small; this leaves room for a long why-not. */
export const MAX_FRAME_BYTES = 4 * 1024;
export const MAX_NAME_LENGTH = 40;
export const MAX_FAILING_LENGTH = 500;

/** Join codes avoid letters and digits read alike on a projector (0/O, 1/I/L, 5/S, 8/B, 2/Z). */
export const JOIN_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const JOIN_CODE_LENGTH = 6;

/** A code as typed: case and spaces or dashes do not matter. */
export function normalizeJoinCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

export function isJoinCode(text: string): boolean {
  return text.length === JOIN_CODE_LENGTH && [...text].every((c) => JOIN_ALPHABET.includes(c));
}

/**
 * A join code from `randomValues` (crypto.getRandomValues, or Node's
 * randomFillSync): rejection sampling keeps every letter equally likely.
 */
export function makeJoinCode(randomValues: (bytes: Uint8Array) => Uint8Array): string {
  const limit = 256 - (256 % JOIN_ALPHABET.length);
  let code = '';
  while (code.length < JOIN_CODE_LENGTH) {
    for (const b of randomValues(new Uint8Array(16))) {
      if (b < limit && code.length < JOIN_CODE_LENGTH) code += JOIN_ALPHABET[b % JOIN_ALPHABET.length];
    }
  }
  return code;
}
