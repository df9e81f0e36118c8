/** A summary of timings in milliseconds. Medians, because a GC pause or a busy neighbour should not move the headline number. */
export interface Stats {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(times: readonly number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, median, p95: quantile(sorted, 0.95), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/** "0.42 ms (p95 0.61, n 2000)". */
export function formatStats(s: Stats): string {
  const ms = (x: number): string => (x < 10 ? x.toFixed(3) : x.toFixed(1));
  return `${ms(s.median)} ms median (p95 ${ms(s.p95)}, min ${ms(s.min)}, max ${ms(s.max)}, n ${s.n})`;
}
