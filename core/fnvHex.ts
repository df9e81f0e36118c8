/**
 * `length` stable hex digits from a string: 32-bit FNV-1a, run again over the
 * string (its bytes offset by the round) for each further 8 digits. For ids
 * derived from other ids (a container's layer directory, a sandbox key, an
 * exec id) that must be the same on every run; not a cryptographic digest.
 */
export function fnvHex(s: string, length: number): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < length; round++) {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i) + round;
      h = Math.imul(h, 0x01000193);
    }
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}
