/**
 * The ports through which time and randomness enter core. core never reads the
 * wall clock or Math.random: a simulation is a pure function of its seed, its
 * input lines and the virtual times at which they arrive, so any moment can be
 * rebuilt by replaying the journal.
 */

/** Virtual milliseconds since the simulation's epoch (a Unix time in ms). */
export interface Clock {
  now(): number;
}

/** A seeded source of 32-bit unsigned integers. */
export interface Rng {
  nextU32(): number;
}

/**
 * sfc32 seeded from a string through a 32-bit FNV-1a mix. Small, fast and
 * well-studied; we need reproducibility, not cryptographic strength.
 */
export function seededRng(seed: string): Rng {
  let h = 0x811c9dc5;
  const mix = (): number => {
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return h >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix() | 1;
  return {
    nextU32(): number {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      return t >>> 0;
    },
  };
}

/** `n` random lowercase hex digits (container and image ids). */
export function randomHex(rng: Rng, n: number): string {
  let out = '';
  while (out.length < n) out += rng.nextU32().toString(16).padStart(8, '0');
  return out.slice(0, n);
}

/** A uniformly chosen element of a non-empty list. */
export function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.nextU32() % list.length]!;
}

/**
 * Ctrl-C as core sees it (core's lib has no AbortSignal). A running command
 * registers what to do when the user interrupts it.
 */
export interface Interrupt {
  readonly interrupted: boolean;
  /** Calls `cb` on every interrupt from now on (Ctrl-C may be pressed more than once). Returns an unregister function. */
  onInterrupt(cb: () => void): () => void;
}

/** The side that raises interrupts: backends own one per running line. */
export class InterruptSource implements Interrupt {
  private listeners = new Set<() => void>();
  interrupted = false;

  onInterrupt(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  interrupt(): void {
    this.interrupted = true;
    for (const cb of [...this.listeners]) cb();
  }
}

/** An interrupt that never fires (tests, scripted runs). */
export const never: Interrupt = { interrupted: false, onInterrupt: () => () => {} };
