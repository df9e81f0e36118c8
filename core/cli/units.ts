/**
 * The client's typed flag values for resources: go-units RAMInBytes (the
 * `bytes` flags), docker/cli's MemSwapBytes and NanoCPUs (`--cpus decimal`).
 * Each returns the value or the error text pflag wraps into
 * `invalid argument "<v>" for "<flag>" flag: <text>`.
 */

const BINARY: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: "64m", "1.5g", "512", "10 MiB". */
export function ramInBytes(s: string): number | { error: string } {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(s);
  if (!m) return { error: `invalid size: '${s}'` };
  const size = Number.parseFloat(m[1]!);
  if (!Number.isFinite(size)) return { error: `invalid size: '${s}'` };
  const unit = m[2] === undefined ? 1 : BINARY[m[2].toLowerCase()]!;
  return Math.trunc(size * unit);
}

/** docker/cli MemSwapBytes: -1 for unlimited, else RAMInBytes. */
export function memSwapBytes(s: string): number | { error: string } {
  return s === '-1' ? -1 : ramInBytes(s);
}

/** docker/cli NanoCPUs: a rational number of CPUs × 1e9, which must come out whole. */
export function nanoCpus(s: string): number | { error: string } {
  const rat = parseRat(s);
  if (rat === undefined) return { error: `failed to parse ${s} as a rational number` };
  const [num, den] = rat;
  const nano = num * 1_000_000_000n;
  if (nano % den !== 0n) return { error: 'value is too precise' };
  return Number(nano / den);
}

/** Go's big.Rat SetString for the forms a user types: "1.5", "-2", "3/2", "1e-1". */
function parseRat(s: string): [bigint, bigint] | undefined {
  const frac = /^([+-]?\d+)\/(\d+)$/.exec(s);
  if (frac) {
    const den = BigInt(frac[2]!);
    return den === 0n ? undefined : [BigInt(frac[1]!), den];
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  let num = BigInt(digits === '' ? '0' : digits);
  let den = 10n ** BigInt((m[3] ?? '').length);
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exp) > 400) return undefined;
  if (exp > 0) num *= 10n ** BigInt(exp);
  else if (exp < 0) den *= 10n ** BigInt(-exp);
  return [m[1] === '-' ? -num : num, den];
}
