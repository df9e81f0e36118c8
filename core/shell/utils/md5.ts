import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * MD5 (RFC 1321) over the UTF-8 bytes of a string, for md5sum. Core has no
 * crypto API of its own; @noble/hashes gives the same digest on every
 * backend, as it does SHA-256 in core/images/digest.ts.
 */

/** The lower-case hex MD5 of `text`. */
export function md5Hex(text: string): string {
  return bytesToHex(md5(utf8ToBytes(text)));
}
