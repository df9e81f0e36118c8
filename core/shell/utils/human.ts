/** The "human-readable" sizes each tool prints (-h): they round differently. */

const UNITS = 'KMGTPE';

/** coreutils (df -h, ls -h, du -h): powers of 1024, rounded up, one decimal below 10. */
export function gnuHuman(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  let v = bytes;
  let u = -1;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (v < 10) {
    const t = Math.ceil(v * 10 - 1e-9) / 10;
    if (t < 10) return t.toFixed(1) + UNITS[u]!;
    v = t;
  }
  const n = Math.ceil(v - 1e-9);
  // 1023.x rounds up into the next unit.
  if (n >= 1024 && u < UNITS.length - 1) return '1.0' + UNITS[u + 1]!;
  return n + UNITS[u]!;
}

/**
 * busybox's make_human_readable_str(val, block_size, 0): halves rounded per
 * step, one decimal digit; `noFraction` (block_size 0) rounds it away.
 */
export function bbHuman(bytes: number, noFraction = false): string {
  if (bytes === 0) return '0';
  let val = Math.round(bytes);
  let frac = 0;
  let u = -1;
  while (val >= 1024) {
    u++;
    frac = Math.floor(((val % 1024) * 10 + 512) / 1024);
    val = Math.floor(val / 1024);
  }
  if (frac >= 10) {
    val++;
    frac = 0;
  }
  if (u < 0) return String(val);
  if (noFraction) return `${frac >= 5 ? val + 1 : val}${UNITS[u]}`;
  return `${val}.${frac}${UNITS[u]}`;
}

/** procps' scale_size for free -h: the shortest of "%.1f" and "%ld" with a Ki/Mi/Gi suffix that fits five columns. */
export function procpsHuman(kb: number): string {
  const bytes = kb * 1024;
  if (`${bytes}B`.length <= 4) return `${bytes}B`;
  const up = 'KMGTP';
  let last = '';
  for (let i = 1; i <= up.length; i++) {
    const v = bytes / 1024 ** i;
    const a = `${v.toFixed(1)}${up[i - 1]}i`;
    if (a.length <= 5) return a;
    last = `${Math.trunc(v)}${up[i - 1]}i`;
    if (last.length <= 5) return last;
  }
  return last;
}
