/**
 * Go's strconv.Quote / QuoteRune. Docker's error texts and `printf "%q"` quote
 * user input this way, so the escapes must match byte for byte.
 */

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function escapeRune(cp: number, quote: string): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (PRINTABLE.test(ch)) return ch;
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  // A lone surrogate cannot come from valid UTF-8; Go would show the replacement rune.
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** strconv.Quote: a double-quoted Go string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, '"');
  return out + '"';
}

/** strconv.QuoteRune: a single-quoted Go rune literal (pflag's `%q` of a shorthand byte). */
export function goQuoteRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0xfffd;
  return "'" + escapeRune(cp, "'") + "'";
}

// ---------------------------------------------------------------------------
// strconv.FormatFloat, which fmt's %e %f %g %v and go-units' sizes go through.
// Go rounds the exact binary value half-to-even; JS's toFixed/toPrecision round
// exact ties away from zero, so digits are produced here from the exact value.

interface Decimal {
  /** Significant digits, no leading or trailing zeros ('' for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trim({ d: digits, dp });
}

function trim(a: Decimal): Decimal {
  let d = a.d.replace(/0+$/, '');
  if (d === '') return { d: '', dp: 0 };
  const lead = d.length - d.replace(/^0+/, '').length;
  d = d.slice(lead);
  return { d, dp: a.dp - lead };
}

// strconv's decimal.Round: round half to even on exact ties.
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const next = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = next >= 5;
  if (!up) return trim({ d: a.d.slice(0, nd), dp: a.dp });
  let i = nd - 1;
  while (i >= 0 && a.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  return trim({ d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp });
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const [m, e] = x.toExponential().split('e') as [string, string];
  return trim({ d: m.replace('.', ''), dp: Number(e) + 1 });
}

function fmtE(a: Decimal, prec: number, e: string): string {
  let out = a.d.length > 0 ? a.d[0]! : '0';
  if (prec > 0) {
    out += '.';
    let i = 1;
    const m = Math.min(a.d.length, prec + 1);
    if (i < m) {
      out += a.d.slice(i, m);
      i = m;
    }
    out += '0'.repeat(Math.max(0, prec + 1 - i));
  }
  const exp = a.d.length === 0 ? 0 : a.dp - 1;
  const abs = Math.abs(exp);
  return out + e + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' + abs : String(abs));
}

function fmtF(a: Decimal, prec: number): string {
  let out: string;
  if (a.dp > 0) {
    const m = Math.min(a.d.length, a.dp);
    out = a.d.slice(0, m) + '0'.repeat(a.dp - m);
  } else {
    out = '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = a.dp + i;
      out += j >= 0 && j < a.d.length ? a.d[j] : '0';
    }
  }
  return out;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64). `prec` -1 means the shortest
 * representation that reads back exactly.
 */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  const ax = Math.abs(x);
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(ax);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(digs.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const exact = exactDecimal(ax);
    if (fmt === 'e' || fmt === 'E') digs = roundDecimal(exact, prec + 1);
    else if (fmt === 'f') digs = roundDecimal(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDecimal(exact, prec);
    }
  }
  let body: string;
  if (fmt === 'e' || fmt === 'E') {
    body = fmtE(digs, prec, fmt);
  } else if (fmt === 'f') {
    body = fmtF(digs, prec);
  } else {
    let eprec = prec;
    if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
    if (shortest) eprec = 6;
    const exp = digs.dp - 1;
    if (digs.d.length !== 0 && (exp < -4 || exp >= eprec)) {
      if (prec > digs.d.length) prec = digs.d.length;
      body = fmtE(digs, prec - 1, fmt === 'g' ? 'e' : 'E');
    } else {
      if (prec > digs.dp) prec = digs.d.length;
      body = fmtF(digs, Math.max(prec - digs.dp, 0));
    }
  }
  return (neg ? '-' : '') + body;
}
