/**
 * printf: bash's builtin, coreutils' /usr/bin/printf and busybox's applet
 * share one formatter; they differ in their messages, in what a bad number
 * prints, and in %q.
 */
import { decodeEscape } from '../syntax';
import { bbUsage, usageError, q, type UtilContext } from '../context';

type Dialect = 'bash' | 'gnu' | 'busybox';

/** bash's `printf` builtin. */
export function bashPrintf(ctx: UtilContext): number {
  return run(ctx, 'bash');
}

/** /usr/bin/printf: coreutils' or busybox's, by flavor. */
export function printf(ctx: UtilContext): number {
  return run(ctx, ctx.flavor === 'gnu' ? 'gnu' : 'busybox');
}

const TWO64 = 1n << 64n;

function run(ctx: UtilContext, dialect: Dialect): number {
  let args = ctx.argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    if (dialect === 'bash') {
      ctx.io.stderr('bash: printf: usage: printf [-v var] format [arguments]\n');
      return 2;
    }
    return dialect === 'gnu' ? usageError(ctx, 'missing operand') : bbUsage(ctx);
  }
  const prefix = dialect === 'bash' ? 'bash: printf: ' : `${ctx.argv[0]}: `;
  const format = args[0]!;
  const values = args.slice(1);
  let out = '';
  let status = 0;
  let k = 0;
  const fail = (msg: string): void => {
    ctx.io.stderr(prefix + msg + '\n');
    status = 1;
  };
  const next = (): string | undefined => values[k++];
  /** A numeric argument as strtoimax/strtold read it, with each dialect's complaint about the rest. */
  const num = (v: string | undefined, float: boolean): number => {
    if (v === undefined) {
      // busybox reads a missing argument as "", an invalid number.
      if (dialect === 'busybox') fail(`invalid number ''`);
      return 0;
    }
    if (/^['"]/.test(v)) return v.length > 1 ? v.codePointAt(1)! : 0;
    const t = v.replace(/^[ \t\n]+/, '');
    const m = float ? /^[+-]?(?:inf(?:inity)?|nan|0x[0-9a-f]+(?:\.[0-9a-f]*)?|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i.exec(t) : /^[+-]?(?:0x[0-9a-f]+|0[0-7]*|[1-9]\d*)/i.exec(t);
    const prefixText = m ? m[0] : '';
    let n = 0;
    if (prefixText !== '') {
      const neg = prefixText.startsWith('-');
      const body = prefixText.replace(/^[+-]/, '');
      if (float) n = /^0x/i.test(body) ? parseInt(body, 16) : /^inf/i.test(body) ? Infinity : /^nan/i.test(body) ? NaN : Number(body);
      else n = /^0x/i.test(body) ? parseInt(body, 16) : /^0[0-7]/.test(body) ? parseInt(body, 8) : Number(body);
      if (neg) n = -n;
    }
    if (prefixText !== '' && prefixText.length === t.length) return n;
    if (dialect === 'busybox') {
      fail(`invalid number '${v}'`);
      return 0;
    }
    if (dialect === 'bash') fail(`${v}: invalid number`);
    else fail(prefixText === '' ? `${q(v)}: expected a numeric value` : `${q(v)}: value not completely converted`);
    return n;
  };
  /** %u %o %x of a negative number wrap around 2^64, as C's unsigned conversion does. */
  const unsigned = (n: number, radix: number): string => {
    const i = BigInt(Math.trunc(n));
    return (i < 0n ? TWO64 + i : i).toString(radix);
  };
  for (let guard = 0; guard < 100000; guard++) {
    const before = k;
    for (let i = 0; i < format.length; ) {
      const c = format[i]!;
      if (c === '\\') {
        const d = decodeEscape(format, i, false);
        if (d.stop) {
          ctx.io.stdout(out);
          return status;
        }
        // printf also takes \NNN without the leading 0.
        const m = /^\\([0-7]{1,3})/.exec(format.slice(i, i + 4));
        if (m && format[i + 1] !== '0') {
          out += String.fromCharCode(parseInt(m[1]!, 8) & 0xff);
          i += m[0].length;
          continue;
        }
        out += d.text;
        i += d.length;
        continue;
      }
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      const m = /^%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?([hlLjzt]*)(.?)/s.exec(format.slice(i))!;
      const conv = m[5]!;
      const allowed = dialect === 'busybox' ? 'sbcdiuoxXfFeEgG%' : 'sbcdiuoxXfFeEgGaAq%';
      if (conv === '' || !allowed.includes(conv)) {
        if (dialect === 'bash') ctx.io.stderr(conv === '' ? 'bash: printf: `%\': missing format character\n' : `bash: printf: \`${conv}': invalid format character\n`);
        else if (dialect === 'gnu') ctx.io.stderr(conv === '' ? `${prefix}%: invalid conversion specification\n` : `${prefix}${m[0]}: invalid conversion specification\n`);
        else ctx.io.stderr(`${prefix}%${m[1]}${m[2] ?? ''}${m[3] !== undefined ? '.' + m[3] : ''}${format.slice(i + m[0].length - conv.length)}: invalid format\n`);
        ctx.io.stdout(out);
        return 1;
      }
      i += m[0].length;
      const flags = m[1]!;
      const width = m[2] === '*' ? num(next(), false) : m[2] ? Number(m[2]) : 0;
      const prec = m[3] === undefined ? undefined : m[3] === '*' ? num(next(), false) : Number(m[3] || '0');
      let s: string;
      switch (conv) {
        case '%': s = '%'; break;
        case 's': s = next() ?? ''; if (prec !== undefined) s = s.slice(0, prec); break;
        case 'q': s = quote(next() ?? '', dialect); break;
        case 'b': {
          const v = next() ?? '';
          s = '';
          for (let j = 0; j < v.length; ) {
            if (v[j] === '\\') {
              const d = decodeEscape(v, j, false);
              if (d.stop) {
                ctx.io.stdout(out + s);
                return status;
              }
              s += d.text;
              j += d.length;
            } else s += v[j++];
          }
          break;
        }
        case 'c': s = (next() ?? '').slice(0, 1); break;
        case 'd': case 'i': {
          const n = Math.trunc(num(next(), false));
          s = Math.abs(n).toString();
          if (prec !== undefined) s = s.padStart(prec, '0');
          s = (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
          break;
        }
        case 'u': s = unsigned(num(next(), false), 10); break;
        case 'o': s = (flags.includes('#') ? '0' : '') + unsigned(num(next(), false), 8); break;
        case 'x': s = (flags.includes('#') ? '0x' : '') + unsigned(num(next(), false), 16); break;
        case 'X': s = (flags.includes('#') ? '0X' : '') + unsigned(num(next(), false), 16).toUpperCase(); break;
        case 'f': case 'F': s = fixed(num(next(), true), prec ?? 6, flags); break;
        case 'e': case 'E': {
          s = exp(num(next(), true), prec ?? 6, flags);
          if (conv === 'E') s = s.toUpperCase();
          break;
        }
        case 'a': case 'A': s = String(num(next(), true)); break;
        default: {
          s = general(num(next(), true), prec === undefined ? 6 : prec || 1, flags);
          if (conv === 'G') s = s.toUpperCase();
        }
      }
      if (s.length < width) {
        if (flags.includes('-')) s = s.padEnd(width);
        else if (flags.includes('0') && /[diuoxXfFeEgG]/.test(conv)) {
          const sign = /^[+\- ]/.test(s) ? s[0]! : '';
          s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
        } else s = s.padStart(width);
      }
      out += s;
    }
    if (k >= values.length || k === before) break;
  }
  ctx.io.stdout(out);
  return status;
}

function sign(n: number, flags: string): string {
  return n < 0 || Object.is(n, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
}

function special(n: number): string | null {
  return Number.isNaN(n) ? 'nan' : Number.isFinite(n) ? null : 'inf';
}

function fixed(n: number, prec: number, flags: string): string {
  return sign(n, flags) + (special(n) ?? Math.abs(n).toFixed(prec));
}

/** C's %e: at least two exponent digits. */
function exp(n: number, prec: number, flags: string): string {
  return sign(n, flags) + (special(n) ?? Math.abs(n).toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2'));
}

/** C's %g: %e or %f by the exponent, trailing zeros dropped. */
function general(n: number, prec: number, flags: string): string {
  const sp = special(n);
  if (sp !== null) return sign(n, flags) + sp;
  const a = Math.abs(n);
  const x = a === 0 ? 0 : Math.floor(Math.log10(Number(a.toPrecision(prec))));
  let s = x < -4 || x >= prec ? a.toExponential(prec - 1) : a.toFixed(Math.max(0, prec - 1 - x));
  if (!flags.includes('#')) s = s.replace(/\.?0+(e|$)/, '$1').replace(/(\.\d*?)0+(e|$)/, '$1$2');
  return sign(n, flags) + s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** %q: bash escapes with backslashes; coreutils quotes as `ls` does. */
function quote(v: string, dialect: Dialect): string {
  if (v === '') return "''";
  if (/^[A-Za-z0-9_.\/,+@%:=-]+$/.test(v)) return v;
  if (dialect === 'bash') return v.replace(/([^A-Za-z0-9_.\/,+@%:=-])/g, '\\$1');
  return v.includes("'") ? `"${v.replace(/(["\\$`])/g, '\\$1')}"` : `'${v}'`;
}
