/**
 * Go's text/template, as `docker … --format` runs it: the lexer, parser and
 * executor of Go 1.2x reproduced closely enough that output and error texts
 * match, plus docker/cli's template functions (templates/templates.go).
 *
 * Data is plain JS: strings, numbers (integral → Go int, else float64),
 * booleans, arrays (slices), plain objects (maps: printed and ranged in sorted
 * key order), objects tagged with goStruct() (structs: fields in order,
 * unknown fields are errors), functions (methods, called with the template's
 * arguments), null (nil) and undefined (a missing value, "<no value>").
 */
import { formatFloat, goQuote, goQuoteRune } from './quote';
import { utf8Length } from '../utf8';

/** A template that failed to parse or to execute; `message` is Go's error text. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    message: string,
    /** 'parse' for syntax errors, 'exec' for errors while executing. */
    readonly phase: 'parse' | 'exec',
    /** What had been written before an execution error (Go keeps it). */
    readonly partial = '',
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// Go values in JS

const GO_TYPE = Symbol('goType');
const NIL_COLLECTIONS = new WeakSet<object>();

/** Marks `fields` as a Go struct named `typeName` (e.g. '*formatter.ContainerContext'). */
export function goStruct<T extends object>(typeName: string, fields: T): T {
  Object.defineProperty(fields, GO_TYPE, { value: typeName, enumerable: false });
  return fields;
}

/** A nil slice: prints `[]` like an empty one, but `json` gives `null` (Docker's unset Cmd, Env…). */
export const GO_NIL_SLICE: readonly never[] = Object.freeze([]);
/** A nil map: prints `map[]`, `json` gives `null`. */
export const GO_NIL_MAP: Readonly<Record<string, never>> = Object.freeze({});
NIL_COLLECTIONS.add(GO_NIL_SLICE);
NIL_COLLECTIONS.add(GO_NIL_MAP);

/** A float64 constant from the template text (`1.0`, `1e6`), kept apart from ints for printing. */
class GoFloat {
  constructor(readonly value: number) {}
}

type Fn = (...args: unknown[]) => unknown;

function structName(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null ? ((v as Record<symbol, string>)[GO_TYPE] ?? undefined) : undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat) && structName(v) === undefined;
}

// A JS number stands for a Go int when it is integral and fits in int64.
function isFloat(v: unknown): boolean {
  return v instanceof GoFloat || (typeof v === 'number' && (!Number.isInteger(v) || Math.abs(v) >= 2 ** 63));
}

function numberOf(v: unknown): number {
  return v instanceof GoFloat ? v.value : (v as number);
}

function elemTypeName(values: unknown[], empty: string): string {
  if (values.length === 0) return empty;
  const names = new Set(values.map((x) => (x === null || x === undefined ? 'interface {}' : goTypeName(x))));
  return names.size === 1 ? [...names][0]! : 'interface {}';
}

/** The Go type a JS value stands for, as error messages and %T name it. */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number' || v instanceof GoFloat) return isFloat(v) ? 'float64' : 'int';
  if (typeof v === 'function') return 'func(...) interface {}';
  const s = structName(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) return '[]' + elemTypeName(v, 'string');
  return 'map[string]' + elemTypeName(Object.values(v as object).filter((x) => typeof x !== 'function'), 'string');
}

function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof GoFloat) return v.value !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (typeof v === 'function') return true;
  if (structName(v) !== undefined) return true;
  return Object.keys(v as object).length > 0;
}

function sortedKeys(m: object): string[] {
  return Object.keys(m)
    .filter((k) => typeof (m as Record<string, unknown>)[k] !== 'function')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function structFields(s: object): Array<[string, unknown]> {
  return Object.entries(s).filter(([, v]) => typeof v !== 'function');
}

// ---------------------------------------------------------------------------
// fmt: Sprint, Sprintln, Sprintf and %v

/** fmt's %v of a value ("map[a:1 b:2]", "[a b]", "<nil>"). */
export function formatValue(v: unknown): string {
  return fmtValue(v, 'v', {}, 0);
}

interface FmtFlags {
  minus?: boolean;
  plus?: boolean;
  /** %+v: struct field names. */
  plusV?: boolean;
  /** %#v: Go syntax (only strings are quoted here). */
  sharpV?: boolean;
  sharp?: boolean;
  space?: boolean;
  zero?: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, f: FmtFlags, zeroOk = false): string {
  if (f.width === undefined) return s;
  const n = [...s].length;
  if (n >= f.width) return s;
  const fill = f.width - n;
  if (f.minus) return s + ' '.repeat(fill);
  if (f.zero && zeroOk) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function badVerb(verb: string, v: unknown): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${fmtValue(v, 'v', {}, 0)})`;
}

function fmtInt(n: bigint, verb: string, f: FmtFlags): string | undefined {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString();
      break;
    case 'b':
      digits = abs.toString(2);
      if (f.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (f.sharp) prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (f.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (f.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(n)), f);
    case 'q':
      return pad(goQuoteRune(String.fromCodePoint(Number(n))), f);
    case 'U':
      return pad('U+' + abs.toString(16).toUpperCase().padStart(4, '0'), f);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return undefined;
    default:
      return undefined;
  }
  if (f.prec !== undefined) {
    digits = f.prec === 0 && abs === 0n ? '' : digits.padStart(f.prec, '0');
  }
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + prefix + digits, f, f.prec === undefined);
}

function fmtFloatVerb(x: number, verb: string, f: FmtFlags): string | undefined {
  let s: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      s = formatFloat(x, verb === 'G' ? 'G' : 'g', f.prec ?? -1);
      break;
    case 'e':
    case 'E':
      s = formatFloat(x, verb, f.prec ?? 6);
      break;
    case 'f':
    case 'F':
      s = formatFloat(x, 'f', f.prec ?? 6);
      break;
    default:
      return undefined;
  }
  if (s === '+Inf') s = f.plus ? '+Inf' : f.space ? ' Inf' : 'Inf';
  else if (!s.startsWith('-') && s !== 'NaN') s = (f.plus ? '+' : f.space ? ' ' : '') + s;
  return pad(s, f, Number.isFinite(x));
}

function fmtString(s: string, verb: string, f: FmtFlags): string | undefined {
  switch (verb) {
    case 'v':
    case 's':
      return pad(f.prec !== undefined ? [...s].slice(0, f.prec).join('') : s, f);
    case 'q':
      return pad(f.sharp && !s.includes('`') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s) ? '`' + s + '`' : goQuote(s), f);
    case 'x':
    case 'X': {
      let bytes = utf8Bytes(s);
      if (f.prec !== undefined) bytes = bytes.slice(0, f.prec);
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0'));
      let out = f.space ? hex.map((h) => (f.sharp ? '0x' + h : h)).join(' ') : (f.sharp ? '0x' : '') + hex.join('');
      if (verb === 'X') out = out.toUpperCase();
      return pad(out, f);
    }
    default:
      return undefined;
  }
}

function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

function fmtValue(v: unknown, verb: string, f: FmtFlags, depth: number): string {
  if (verb === 'T') return pad(v === undefined || v === null ? '<nil>' : goTypeName(v), f);
  if (v === undefined || v === null) {
    return verb === 'v' ? pad('<nil>', f) : badVerb(verb, v);
  }
  if (typeof v === 'boolean') {
    return verb === 'v' || verb === 't' ? pad(String(v), f) : badVerb(verb, v);
  }
  // An int64 past 2^53 (an event's TimeNano) stays exact as a bigint.
  if (typeof v === 'bigint') return fmtInt(v, verb, f) ?? badVerb(verb, v);
  if (typeof v === 'number' || v instanceof GoFloat) {
    const x = numberOf(v);
    const out = isFloat(v) ? fmtFloatVerb(x, verb, f) : fmtInt(BigInt(x), verb, f) ?? fmtFloatVerb(x, verb, f);
    // Go refuses %e/%f on ints and %d on floats.
    if (out === undefined || (!isFloat(v) && 'eEfFgG'.includes(verb))) return badVerb(verb, v);
    return out;
  }
  if (typeof v === 'string') return f.sharpV ? pad(goQuote(v), f) : fmtString(v, verb, f) ?? badVerb(verb, v);
  if (typeof v === 'function') return verb === 'v' || verb === 'p' ? '0xc000010000' : badVerb(verb, v);
  if (Array.isArray(v)) {
    return '[' + v.map((x) => fmtValue(x, verb, f, depth + 1)).join(' ') + ']';
  }
  const s = structName(v);
  if (s !== undefined) {
    return '{' + structFields(v as object).map(([k, x]) => (f.plusV ? `${k}:` : '') + fmtValue(x, verb, f, depth + 1)).join(' ') + '}';
  }
  const m = v as Record<string, unknown>;
  return 'map[' + sortedKeys(m).map((k) => fmtValue(k, verb, f, depth + 1) + ':' + fmtValue(m[k], verb, f, depth + 1)).join(' ') + ']';
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function goSprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: always spaces, and a final newline. */
export function goSprintln(args: readonly unknown[]): string {
  return args.map((a) => formatValue(a)).join(' ') + '\n';
}

/** fmt.Sprintf with Go's verbs, flags, widths, precisions and its %!verb(type=value) complaints. */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  const chars = [...format];
  const takeInt = (): number | undefined => {
    let n: number | undefined;
    while (i < chars.length && chars[i]! >= '0' && chars[i]! <= '9') {
      n = (n ?? 0) * 10 + Number(chars[i]);
      i++;
    }
    return n;
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    const f: FmtFlags = {};
    for (; i < chars.length; i++) {
      const fl = chars[i];
      if (fl === '-') {
        f.minus = true;
        f.zero = false;
      } else if (fl === '+') f.plus = true;
      else if (fl === '#') f.sharp = true;
      else if (fl === ' ') f.space = true;
      else if (fl === '0') f.zero = !f.minus;
      else break;
    }
    if (chars[i] === '*') {
      i++;
      const w = args[argi++];
      if (typeof w === 'number' && Number.isInteger(w)) {
        f.width = Math.abs(w);
        if (w < 0) {
          f.minus = true;
          f.zero = false;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      f.width = takeInt();
    }
    if (chars[i] === '.') {
      i++;
      if (chars[i] === '*') {
        i++;
        const p = args[argi++];
        if (typeof p === 'number' && Number.isInteger(p) && p >= 0) f.prec = p;
        else out += '%!(BADPREC)';
      } else {
        f.prec = takeInt() ?? 0;
      }
    }
    if (i >= chars.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = chars[i++]!;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argi++];
    if (verb === 'v') {
      if (f.plus) f.plusV = true;
      if (f.sharp) f.sharpV = true;
      f.plus = false;
      f.sharp = false;
    }
    if (!'vTtbcdoOqxXUeEfFgGsp'.includes(verb)) {
      out += badVerb(verb, arg);
      continue;
    }
    out += fmtValue(arg, verb, f, 0);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`)).join(', ') + ')';
  }
  return out;
}

// ---------------------------------------------------------------------------
// encoding/json, as docker's `json` function uses it (no HTML escaping)

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function jsonString(s: string): string {
  return JSON.stringify(s.replace(LONE_SURROGATE, '\ufffd')).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

class UnsupportedJson extends Error {}

function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new UnsupportedJson(`json: unsupported value: ${formatFloat(x, 'g', -1)}`);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return formatFloat(x, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  return formatFloat(x, 'f', -1);
}

function encodeJson(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || v instanceof GoFloat) {
    const x = numberOf(v);
    return isFloat(v) ? jsonFloat(x) : BigInt(x).toString();
  }
  if (typeof v === 'function') throw new UnsupportedJson('json: unsupported type: func()');
  if (NIL_COLLECTIONS.has(v as object)) return 'null';
  if (Array.isArray(v)) return '[' + v.map(encodeJson).join(',') + ']';
  const marshal = (v as { MarshalJSON?: unknown }).MarshalJSON;
  if (typeof marshal === 'function') return encodeJson((marshal as Fn).call(v));
  if (structName(v) !== undefined) return '{' + structFields(v as object).map(([k, x]) => jsonString(k) + ':' + encodeJson(x)).join(',') + '}';
  const m = v as Record<string, unknown>;
  return '{' + sortedKeys(m).map((k) => jsonString(k) + ':' + encodeJson(m[k])).join(',') + '}';
}

/** Go's json.Marshal without HTML escaping: compact, map keys sorted, struct fields in order. */
export function goJson(v: unknown): string {
  try {
    return encodeJson(v);
  } catch (e) {
    // docker's json func ignores the encoder's error and prints nothing.
    if (e instanceof UnsupportedJson) return '';
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Functions

/** The Go parameter types the executor checks arguments against. */
export type ParamType = 'any' | 'string' | 'int' | 'bool' | '[]string' | 'value';

/** A template function: Go's signature (for arity and type errors) and its body. */
export interface FuncDef {
  params: ParamType[];
  /** Type of the trailing variadic parameter, when the function is variadic. */
  variadic?: ParamType;
  /** Throw an Error to report `error calling <name>: <message>`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each function declares its own parameter types; checked at call time against `params`
  fn: (...args: any[]) => unknown;
}

/** Thrown by functions to report `error calling <name>: <message>`. */
class CallError extends Error {}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: unknown): Kind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || v instanceof GoFloat) return isFloat(v) ? 'float' : 'int';
  return 'invalid';
}

function eqFn(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new CallError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of rest) {
    const k2 = basicKind(b);
    let t = false;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) throw new CallError('incompatible types for comparison');
    } else if (k1 === 'invalid') {
      const nil1 = a === null || a === undefined;
      const nil2 = b === null || b === undefined;
      if (nil1 || nil2) t = nil1 === nil2;
      else if (Array.isArray(a) || Array.isArray(b) || isMap(a) || isMap(b)) throw new CallError(`non-comparable type ${formatValue(b)}: ${goTypeName(b)}`);
      else t = a === b;
    } else {
      t = k1 === 'int' || k1 === 'float' ? numberOf(a) === numberOf(b) : a === b;
    }
    if (t) return true;
  }
  return false;
}

function ltFn(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new CallError('invalid type for comparison');
  if (k1 !== k2) throw new CallError('incompatible types for comparison');
  if (k1 === 'bool') throw new CallError('invalid type for comparison');
  if (k1 === 'string') return (a as string) < (b as string);
  return numberOf(a) < numberOf(b);
}

function indexFn(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined) throw new CallError('index of untyped nil');
  for (const index of indexes) {
    if (item === null) throw new CallError('index of nil pointer');
    if (Array.isArray(item) || typeof item === 'string') {
      if (index === null || index === undefined) throw new CallError('cannot index slice/array with nil');
      if (basicKind(index) !== 'int') throw new CallError(`cannot index slice/array with type ${goTypeName(index)}`);
      const x = numberOf(index);
      const len = typeof item === 'string' ? utf8Length(item) : item.length;
      if (x < 0 || x >= len) throw new CallError(`index out of range: ${x}`);
      item = typeof item === 'string' ? utf8Bytes(item)[x] : item[x];
    } else if (isMap(item)) {
      if (typeof index !== 'string') throw new CallError(`value has type ${goTypeName(index)}; should be string`);
      const values = Object.values(item);
      item = Object.hasOwn(item, index) ? item[index] : values.length === 0 || values.every((x) => typeof x === 'string') ? '' : null;
    } else {
      throw new CallError(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function lenFn(item: unknown): number {
  if (item === null || item === undefined) throw new CallError('len of nil pointer');
  if (typeof item === 'string') return utf8Length(item);
  if (Array.isArray(item)) return item.length;
  if (isMap(item)) return sortedKeys(item).length;
  throw new CallError(`len of type ${goTypeName(item)}`);
}

function sliceFn(item: unknown, ...idx: unknown[]): unknown {
  if (item === undefined || item === null) throw new CallError('slice of untyped nil');
  if (idx.length > 3) throw new CallError(`too many slice indexes: ${idx.length}`);
  if (typeof item !== 'string' && !Array.isArray(item)) throw new CallError(`can't slice item of type ${goTypeName(item)}`);
  if (typeof item === 'string' && idx.length === 3) throw new CallError('cannot 3-index slice a string');
  const len = typeof item === 'string' ? utf8Length(item) : item.length;
  const n = idx.map((x) => {
    if (basicKind(x) !== 'int') throw new CallError(`cannot index slice/array with type ${goTypeName(x)}`);
    const v = numberOf(x);
    if (v < 0 || v > len) throw new CallError(`index out of range: ${v}`);
    return v;
  });
  const i = n[0] ?? 0;
  const j = n[1] ?? len;
  if (i > j) throw new CallError(`invalid slice index: ${i} > ${j}`);
  if (typeof item === 'string') return String.fromCharCode(...utf8Bytes(item).slice(i, j));
  return item.slice(i, j);
}

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\ufffd', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function queryEscape(s: string): string {
  return utf8Bytes(s)
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === ' ') return '+';
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

// Go's text/template fmt-based functions stringify their args with Sprint.
const BUILTINS: Record<string, FuncDef> = {
  and: { params: ['value'], variadic: 'value', fn: () => undefined }, // short-circuits: handled by the executor
  or: { params: ['value'], variadic: 'value', fn: () => undefined },
  not: { params: ['value'], fn: (a: unknown) => !truth(a) },
  len: { params: ['value'], fn: lenFn },
  index: { params: ['value'], variadic: 'value', fn: indexFn },
  slice: { params: ['value'], variadic: 'value', fn: sliceFn },
  eq: { params: ['value'], variadic: 'value', fn: eqFn },
  ne: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !eqFn(a, b) },
  lt: { params: ['value', 'value'], fn: ltFn },
  le: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => ltFn(a, b) || eqFn(a, b) },
  gt: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !(ltFn(a, b) || eqFn(a, b)) },
  ge: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !ltFn(a, b) },
  print: { params: [], variadic: 'any', fn: (...a: unknown[]) => goSprint(a) },
  println: { params: [], variadic: 'any', fn: (...a: unknown[]) => goSprintln(a) },
  printf: { params: ['string'], variadic: 'any', fn: (f: string, ...a: unknown[]) => goSprintf(f, a) },
  html: { params: [], variadic: 'any', fn: (...a: unknown[]) => htmlEscape(a.length === 1 && typeof a[0] === 'string' ? a[0] : goSprint(a)) },
  urlquery: { params: [], variadic: 'any', fn: (...a: unknown[]) => queryEscape(a.length === 1 && typeof a[0] === 'string' ? a[0] : goSprint(a)) },
};

function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = prev.charCodeAt(0) < 0x80 ? !/[A-Za-z0-9_]/.test(prev) : /\s/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function truncateBytes(s: string, n: number): string {
  if (utf8Length(s) < n) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = utf8Length(ch);
    if (used + w > n) break;
    out += ch;
    used += w;
  }
  return out;
}

/** docker/cli templates.go basicFunctions. */
export const DOCKER_FUNCS: Readonly<Record<string, FuncDef>> = {
  json: { params: ['any'], fn: (v: unknown) => goJson(v).trim() },
  split: { params: ['string', 'string'], fn: (s: string, sep: string) => (sep === '' ? [...s] : s.split(sep)) },
  join: { params: ['[]string', 'string'], fn: (a: string[], sep: string) => a.join(sep) },
  title: { params: ['string'], fn: goTitle },
  lower: { params: ['string'], fn: (s: string) => s.toLowerCase() },
  upper: { params: ['string'], fn: (s: string) => s.toUpperCase() },
  pad: { params: ['string', 'int', 'int'], fn: (s: string, p: number, q: number) => (s === '' ? s : ' '.repeat(Math.max(0, p)) + s + ' '.repeat(Math.max(0, q))) },
  truncate: { params: ['string', 'int'], fn: truncateBytes },
};

/** docker/cli templates.go HeaderFunctions: the same names, leaving a table header untouched. */
export const HEADER_FUNCS: Readonly<Record<string, FuncDef>> = {
  json: { params: ['string'], fn: (v: string) => v },
  split: { params: ['string', 'string'], fn: (v: string) => v },
  join: { params: ['string', 'string'], fn: (v: string) => v },
  title: { params: ['string'], fn: (v: string) => v },
  lower: { params: ['string'], fn: (v: string) => v },
  upper: { params: ['string'], fn: (v: string) => v },
  truncate: { params: ['string', 'int'], fn: (v: string) => v },
};

// ---------------------------------------------------------------------------
// Lexer (text/template/parse/lex.go)

type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'complex' | 'assign' | 'declare' | 'EOF' | 'field' | 'identifier'
  | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim' | 'rightParen' | 'space' | 'string'
  | 'text' | 'variable'
  // keywords
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot', block: 'block', break: 'break', continue: 'continue', define: 'define', else: 'else', end: 'end', if: 'if',
  range: 'range', nil: 'nil', template: 'template', with: 'with',
};
const KEYWORD_TYPES = new Set<ItemType>(Object.values(KEYWORDS));

interface Item {
  typ: ItemType;
  pos: number;
  val: string;
  line: number;
}

function itemString(i: Item): string {
  if (i.typ === 'EOF') return 'EOF';
  if (i.typ === 'error') return i.val;
  if (KEYWORD_TYPES.has(i.typ)) return `<${i.val}>`;
  if (utf8Length(i.val) > 10) return goQuote([...i.val].slice(0, 10).join('')) + '...';
  return goQuote(i.val);
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

function runeU(c: string): string {
  const cp = c.codePointAt(0)!;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(c) ? `${hex} '${c}'` : hex;
}

function lex(input: string): Item[] {
  const items: Item[] = [];
  // Positions are UTF-16 offsets while lexing; Go reports byte columns, computed later.
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  // Lines are filled in afterwards from positions (withLines).
  const emit = (typ: ItemType): void => {
    items.push({ typ, pos: start, val: input.slice(start, pos), line: 0 });
    start = pos;
  };
  const ignore = (): void => {
    start = pos;
  };
  const error = (msg: string): void => {
    items.push({ typ: 'error', pos: start, val: msg, line: 0 });
  };
  const next = (): string | undefined => {
    if (pos >= input.length) return undefined;
    const c = String.fromCodePoint(input.codePointAt(pos)!);
    pos += c.length;
    return c;
  };
  const backup = (c: string | undefined): void => {
    if (c !== undefined) pos -= c.length;
  };
  const peek = (): string | undefined => {
    const c = next();
    backup(c);
    return c;
  };
  // Go's lexQuote and lexChar: up to the closing quote, backslash escapes allowed, no newline.
  const lexQuote = (close: string, unterminated: string): boolean => {
    for (;;) {
      const c = next();
      if (c === '\\') {
        const d = next();
        if (d !== undefined && d !== '\n') continue;
      }
      if (c === undefined || c === '\n' || c === '\\') {
        error(unterminated);
        return false;
      }
      if (c === close) return true;
    }
  };
  const hasLeftTrim = (s: string): boolean => s.length >= 2 && s[0] === '-' && isSpace(s[1]);
  const hasRightTrim = (s: string): boolean => s.length >= 2 && isSpace(s[0]) && s[1] === '-';
  const atRightDelim = (): [boolean, boolean] => {
    if (input.startsWith('}}', pos)) return [true, false];
    if (hasRightTrim(input.slice(pos, pos + 2)) && input.startsWith('}}', pos + 2)) return [true, true];
    return [false, false];
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (isSpace(r)) return true;
    if (r === undefined || '.,|:)('.includes(r)) return true;
    return input.startsWith('}}', pos);
  };
  const leftTrimLength = (s: string): number => s.length - s.replace(/^[ \t\r\n]+/, '').length;
  const rightTrimLength = (s: string): number => s.length - s.replace(/[ \t\r\n]+$/, '').length;
  const accept = (valid: string): boolean => {
    const c = next();
    if (c !== undefined && valid.includes(c)) return true;
    backup(c);
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (;;) {
      const c = next();
      if (c === undefined || !valid.includes(c)) {
        backup(c);
        return;
      }
    }
  };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  // Emits the text before the next "{{" (trimmed before "{{- "); 'done' at EOF.
  const lexText = (): 'action' | 'done' => {
    const x = input.indexOf('{{', start);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      emit('EOF');
      return 'done';
    }
    if (x > start) {
      const trim = hasLeftTrim(input.slice(x + 2, x + 4)) ? rightTrimLength(input.slice(start, x)) : 0;
      pos = x - trim;
      if (pos > start) emit('text');
    }
    pos = x;
    ignore();
    return 'action';
  };

  const lexInsideAction = (): boolean => {
    for (;;) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) {
          error('unclosed left paren');
          return false;
        }
        if (trim) {
          pos += 2;
          ignore();
        }
        pos += 2;
        emit('rightDelim');
        if (trim) {
          pos += leftTrimLength(input.slice(pos));
          ignore();
        }
        return true;
      }
      const r = next();
      if (r === undefined) {
        error('unclosed action');
        return false;
      }
      if (isSpace(r)) {
        backup(r);
        let n = 0;
        while (isSpace(peek())) {
          next();
          n++;
        }
        // A space before "-}}" belongs to the trim marker.
        if (hasRightTrim(input.slice(pos - 1, pos + 1)) && input.startsWith('}}', pos + 1)) {
          backup(input[pos - 1]);
          if (n === 1) continue;
        }
        emit('space');
        continue;
      }
      switch (r) {
        case '=':
          emit('assign');
          continue;
        case ':':
          if (next() !== '=') {
            error('expected :=');
            return false;
          }
          emit('declare');
          continue;
        case '|':
          emit('pipe');
          continue;
        case '"':
          if (!lexQuote('"', 'unterminated quoted string')) return false;
          emit('string');
          continue;
        case '`':
          for (;;) {
            const c = next();
            if (c === undefined) {
              error('unterminated raw quoted string');
              return false;
            }
            if (c === '`') break;
          }
          emit('rawString');
          continue;
        case "'":
          if (!lexQuote("'", 'unterminated character constant')) return false;
          emit('charConstant');
          continue;
        case '$':
        case '.': {
          if (r === '.' && pos < input.length && input[pos]! >= '0' && input[pos]! <= '9') {
            backup(r);
            if (!lexNumber()) return false;
            continue;
          }
          if (atTerminator()) {
            emit(r === '$' ? 'variable' : 'dot');
            continue;
          }
          let c: string | undefined;
          for (;;) {
            c = next();
            if (!isAlphaNumeric(c)) {
              backup(c);
              break;
            }
          }
          if (!atTerminator()) {
            error(`bad character ${runeU(c!)}`);
            return false;
          }
          emit(r === '$' ? 'variable' : 'field');
          continue;
        }
        case '(':
          emit('leftParen');
          parenDepth++;
          continue;
        case ')':
          parenDepth--;
          if (parenDepth < 0) {
            error('unexpected right paren');
            return false;
          }
          emit('rightParen');
          continue;
      }
      if (r === '+' || r === '-' || (r >= '0' && r <= '9')) {
        backup(r);
        if (!lexNumber()) return false;
        continue;
      }
      if (isAlphaNumeric(r)) {
        let c: string | undefined;
        for (;;) {
          c = next();
          if (!isAlphaNumeric(c)) {
            backup(c);
            break;
          }
        }
        if (!atTerminator()) {
          error(`bad character ${runeU(c!)}`);
          return false;
        }
        const word = input.slice(start, pos);
        const kw = KEYWORDS[word];
        if (kw !== undefined) emit(kw);
        else if (word === 'true' || word === 'false') emit('bool');
        else emit('identifier');
        continue;
      }
      if (r.codePointAt(0)! <= 0x7f && r >= ' ' && r !== '\x7f') {
        emit('char');
        continue;
      }
      error(`unrecognized character in action: ${runeU(r)}`);
      return false;
    }
  };

  const lexNumber = (): boolean => {
    if (!scanNumber()) {
      error(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
      return false;
    }
    const sign = peek();
    if (sign === '+' || sign === '-') {
      if (!scanNumber() || input[pos - 1] !== 'i') {
        error(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
        return false;
      }
      emit('complex');
    } else {
      emit('number');
    }
    return true;
  };

  for (;;) {
    if (lexText() === 'done') return items;
    // At "{{".
    pos += 2;
    const trim = hasLeftTrim(input.slice(pos, pos + 2));
    const after = trim ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      ignore();
      pos += 2;
      const x = input.indexOf('*/', pos);
      if (x < 0) {
        error('unclosed comment');
        return items;
      }
      pos = x + 2;
      const [delim, rtrim] = atRightDelim();
      if (!delim) {
        error('comment ends before closing delimiter');
        return items;
      }
      if (rtrim) pos += 2;
      pos += 2;
      if (rtrim) pos += leftTrimLength(input.slice(pos));
      ignore();
      continue;
    }
    emit('leftDelim');
    pos += after;
    ignore();
    parenDepth = 0;
    if (!lexInsideAction()) return items;
  }
}

// ---------------------------------------------------------------------------
// Parse tree (text/template/parse/node.go)

type Node =
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: PipeNode }
  | ControlNode
  | { type: 'break' | 'continue' | 'else' | 'end'; pos: number }
  | { type: 'template'; pos: number; name: string; pipe?: PipeNode }
  | ListNode
  | PipeNode
  | CommandNode
  | ArgNode;

interface ControlNode {
  type: 'if' | 'with' | 'range';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}
interface ListNode {
  type: 'list';
  pos: number;
  nodes: Node[];
}
interface PipeNode {
  type: 'pipe';
  pos: number;
  decl: VariableNode[];
  isAssign: boolean;
  cmds: CommandNode[];
}
interface CommandNode {
  type: 'command';
  pos: number;
  args: ArgNode[];
}
interface VariableNode {
  type: 'variable';
  pos: number;
  ident: string[];
}
type ArgNode =
  | { type: 'field'; pos: number; ident: string[] }
  | VariableNode
  | { type: 'chain'; pos: number; node: ArgNode; field: string[] }
  | { type: 'identifier'; pos: number; ident: string }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'number'; pos: number; text: string; value: number | GoFloat; isInt: boolean }
  | { type: 'string'; pos: number; quoted: string; text: string }
  | PipeNode;

function nodeString(n: Node): string {
  switch (n.type) {
    case 'text':
      return goQuote(n.text);
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'with':
    case 'range':
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${n.elseList ? `{{else}}${nodeString(n.elseList)}` : ''}{{end}}`;
    case 'break':
    case 'continue':
    case 'else':
    case 'end':
      return `{{${n.type}}}`;
    case 'template':
      return `{{template ${goQuote(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain':
      return (n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.field.map((f) => '.' + f).join('');
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
  }
}

// strconv.Unquote for "…" and `…` literals, and UnquoteChar for '…'.
function unquoteChar(s: string, quote: string): [string, string] {
  const c = s[0];
  if (c === undefined) throw new Error('invalid syntax');
  if (c === quote && (quote === "'" || quote === '"')) throw new Error('invalid syntax');
  if (c !== '\\') {
    const ch = String.fromCodePoint(s.codePointAt(0)!);
    return [ch, s.slice(ch.length)];
  }
  const e = s[1];
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
  if (e !== undefined && e in simple) return [simple[e]!, s.slice(2)];
  if (e === quote) return [e, s.slice(2)];
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const h = s.slice(2, 2 + hexLen);
    if (h.length < hexLen || !/^[0-9a-fA-F]+$/.test(h)) throw new Error('invalid syntax');
    const v = parseInt(h, 16);
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff && e !== 'x')) throw new Error('invalid syntax');
    // \x in a string is a raw byte; as text we map it to the same code point.
    return [String.fromCodePoint(v), s.slice(2 + hexLen)];
  }
  if (e !== undefined && e >= '0' && e <= '7') {
    const o = s.slice(1, 4);
    if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) throw new Error('invalid syntax');
    return [String.fromCharCode(parseInt(o, 8)), s.slice(4)];
  }
  throw new Error('invalid syntax');
}

function unquote(q: string): string {
  if (q[0] === '`') {
    if (q.length < 2 || q[q.length - 1] !== '`') throw new Error('invalid syntax');
    return q.slice(1, -1).replace(/\r/g, '');
  }
  if (q.length < 2 || q[q.length - 1] !== '"') throw new Error('invalid syntax');
  let s = q.slice(1, -1);
  let out = '';
  while (s.length > 0) {
    const [c, rest] = unquoteChar(s, '"');
    out += c;
    s = rest;
  }
  return out;
}

function parseNumber(text: string, typ: ItemType): { value: number | GoFloat; isInt: boolean } {
  if (typ === 'charConstant') {
    let v: [string, string];
    try {
      v = unquoteChar(text.slice(1), "'");
    } catch {
      throw new Error(`malformed character constant: ${text}`);
    }
    if (v[1] !== "'") throw new Error(`malformed character constant: ${text}`);
    return { value: v[0].codePointAt(0)!, isInt: true };
  }
  if (typ === 'complex') throw new Error(`illegal number syntax: ${goQuote(text)}`);
  if (text.endsWith('i')) throw new Error(`illegal number syntax: ${goQuote(text)}`);
  const clean = text.replace(/_/g, '');
  const intLike = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.test(text);
  if (intLike) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[+-]/, '');
    let v: bigint;
    if (/^0[oO]/.test(body)) v = BigInt('0o' + body.slice(2));
    else if (/^0[0-7]+$/.test(body)) v = BigInt('0o' + body.slice(1));
    else v = BigInt(body);
    if (neg) v = -v;
    if (v >= -(1n << 63n) && v < 1n << 63n) return { value: Number(v), isInt: true };
    if (v >= 0n && v < 1n << 64n) return { value: Number(v), isInt: false };
  }
  // Floats: decimal with optional exponent.
  if (/^[+-]?(\d[\d_]*\.?[\d_]*|\.[\d_]+)([eE][+-]?[\d_]+)?$/.test(text) && !/(^|[^0-9])_|_($|[^0-9])/.test(text.replace(/^[+-]/, ''))) {
    const f = Number(clean);
    if (Number.isFinite(f)) {
      // Looks like an integer but did not parse as one: too big, or "08".
      if (!/[.eE]/.test(text)) throw new Error(`integer overflow: ${goQuote(text)}`);
      return { value: new GoFloat(f), isInt: Number.isInteger(f) && Math.abs(f) < 2 ** 63 };
    }
  }
  throw new Error(`illegal number syntax: ${goQuote(text)}`);
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private last: Item;

  constructor(
    private readonly items: Item[],
    private readonly name: string,
    private readonly hasFunction: (name: string) => boolean,
  ) {
    this.last = items[0]!;
  }

  private fail(msg: string): never {
    throw new TemplateError(`template: ${this.name}:${this.last.line}: ${msg}`, 'parse');
  }

  private next(): Item {
    const it = this.items[Math.min(this.i, this.items.length - 1)]!;
    this.i++;
    this.last = it;
    return it;
  }

  private backup(n = 1): void {
    this.i -= n;
  }

  private peek(): Item {
    return this.items[Math.min(this.i, this.items.length - 1)]!;
  }

  private nextNonSpace(): Item {
    let t = this.next();
    while (t.typ === 'space') t = this.next();
    return t;
  }

  // Like Go's: skips spaces and leaves the next token unread.
  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private unexpected(t: Item, context: string): never {
    if (t.typ === 'error') this.fail(t.val);
    this.fail(`unexpected ${itemString(t)} in ${context}`);
  }

  private expect(typ: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== typ) this.unexpected(t, context);
    return t;
  }

  parse(): ListNode {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== 'EOF') {
      if (this.peek().typ === 'leftDelim') {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().typ === 'define') this.fail('{{define}} is not supported here');
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.fail(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== 'EOF') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    if (t.typ === 'text') return { type: 'text', pos: t.pos, text: t.val };
    if (t.typ === 'leftDelim') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): Node {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case 'block':
        this.fail('{{block}} is not supported here');
        break;
      case 'break':
      case 'continue': {
        const n = this.nextNonSpace();
        if (n.typ !== 'rightDelim') this.unexpected(n, `{{${t.typ}}}`);
        if (this.rangeDepth === 0) this.fail(`{{${t.typ}}} outside {{range}}`);
        return { type: t.typ, pos: t.pos };
      }
      case 'else':
        return this.elseControl();
      case 'end':
        return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'range':
      case 'with':
        return this.control(t.typ);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    const pos = this.peek().pos;
    return { type: 'action', pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private templateControl(): Node {
    const tok = this.nextNonSpace();
    if (tok.typ !== 'string' && tok.typ !== 'rawString') this.unexpected(tok, 'template clause');
    let name: string;
    try {
      name = unquote(tok.val);
    } catch (e) {
      this.fail((e as Error).message);
    }
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().typ !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline('template', 'rightDelim');
    }
    return { type: 'template', pos: tok.pos, name, pipe };
  }

  private elseControl(): Node {
    const p = this.peekNonSpace();
    if (p.typ === 'if' || p.typ === 'with') return { type: 'else', pos: p.pos };
    return { type: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  private control(context: 'if' | 'range' | 'with'): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    let [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.type === 'else') {
      // "{{else if …}}" and "{{else with …}}" nest a new if/with that shares our {{end}}.
      if ((context === 'if' && this.peek().typ === 'if') || (context === 'with' && this.peek().typ === 'with')) {
        this.next();
        elseList = { type: 'list', pos: next.pos, nodes: [this.control(context)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.type !== 'end') this.fail(`expected end; found ${nodeString(next)}`);
      }
    }
    this.vars.length = mark;
    return { type: context, pos: pipe.pos, pipe, list, elseList };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const pipe: PipeNode = { type: 'pipe', pos: this.peekNonSpace().pos, decl: [], isAssign: false, cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== 'variable') break;
      this.next();
      const afterVar = this.peek();
      const next = this.peekNonSpace();
      if (next.typ === 'assign' || next.typ === 'declare') {
        pipe.isAssign = next.typ === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
      } else if (next.typ === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      } else if (afterVar.typ === 'space') {
        // "$x foo": the variable is an argument; back up over it and its space.
        this.i = this.items.indexOf(v);
      } else {
        this.i = this.items.indexOf(v);
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.typ === end) {
        if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          const k = c.args[0]!.type;
          if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') this.fail(`non executable command in pipeline stage ${i + 2}`);
        });
        return pipe;
      }
      switch (t.typ) {
        case 'bool': case 'charConstant': case 'complex': case 'dot': case 'field': case 'identifier':
        case 'number': case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          continue;
      }
      this.unexpected(t, context);
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.typ === 'space') continue;
      if (t.typ === 'rightDelim' || t.typ === 'rightParen') this.backup();
      else if (t.typ !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    let node = this.term();
    if (!node) return undefined;
    if (this.peek().typ === 'field') {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().typ === 'field') fields.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { type: 'variable', pos, ident: [...node.ident, ...fields] };
          break;
        case 'bool': case 'string': case 'number': case 'nil': case 'dot':
          this.fail(`unexpected . after term ${goQuote(nodeString(node))}`);
          break;
        default:
          node = { type: 'chain', pos, node, field: fields };
      }
    }
    return node;
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.fail(`function ${goQuote(t.val)} not defined`);
        return { type: 'identifier', pos: t.pos, ident: t.val };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'nil':
        return { type: 'nil', pos: t.pos };
      case 'variable': {
        const ident = t.val.split('.');
        if (!this.vars.includes(ident[0]!)) this.fail(`undefined variable ${goQuote(ident[0]!)}`);
        return { type: 'variable', pos: t.pos, ident };
      }
      case 'field':
        return { type: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        try {
          return { type: 'number', pos: t.pos, text: t.val, ...parseNumber(t.val, t.typ) };
        } catch (e) {
          this.fail((e as Error).message);
        }
        break;
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        try {
          return { type: 'string', pos: t.pos, quoted: t.val, text: unquote(t.val) };
        } catch (e) {
          this.fail((e as Error).message);
        }
    }
    this.backup();
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Executor (text/template/exec.go)

class BreakSignal {}
class ContinueSignal {}

class ExecFail extends Error {}

interface ExecOptions {
  /** Go's Option("missingkey=error"): a missing map key is an error instead of "<no value>". */
  missingKey?: 'default' | 'error';
  /** Functions to use instead of those the template was parsed with (docker's header functions). */
  funcs?: Readonly<Record<string, FuncDef>>;
}

class State {
  out = '';
  node: Node | undefined;
  vars: Array<{ name: string; value: unknown }> = [];

  constructor(
    private readonly src: string,
    private readonly name: string,
    private readonly funcs: Readonly<Record<string, FuncDef>>,
    private readonly missingKeyError: boolean,
  ) {}

  at(n: Node): void {
    this.node = n;
  }

  fail(msg: string): never {
    if (!this.node) throw new ExecFail(`template: ${this.name}: ${msg}`);
    const before = this.src.slice(0, this.node.pos);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const col = utf8Length(before.slice(nl + 1));
    const context = nodeString(this.node);
    throw new ExecFail(`template: ${this.name}:${line}:${col}: executing ${goQuote(this.name)} at <${context}>: ${msg}`);
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.fail(`undefined variable: ${name}`);
  }

  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const val = this.evalPipeline(dot, node.pipe);
        if (typeof val === 'function') this.fail(`if/with can't use ${formatValue(val)}`);
        if (truth(val)) this.walk(node.type === 'with' ? val : dot, node.list);
        else if (node.elseList) this.walk(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.fail(`template ${goQuote(node.name)} not defined`);
        break;
      case 'text':
        this.out += node.text;
        return;
      default:
        this.fail(`unknown node: ${nodeString(node)}`);
    }
  }

  walkRange(dot: unknown, r: ControlNode): void {
    this.at(r);
    const mark0 = this.vars.length;
    const val = this.evalPipeline(dot, r.pipe);
    const mark = this.vars.length;
    const decl = r.pipe.decl;
    const one = (index: unknown, elem: unknown): boolean => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
        else this.vars[this.vars.length - 1]!.value = elem;
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.vars[this.vars.length - 2]!.value = index;
      }
      try {
        this.walk(elem, r.list);
      } catch (e) {
        if (e instanceof BreakSignal) return false;
        if (!(e instanceof ContinueSignal)) throw e;
      } finally {
        this.vars.length = mark;
      }
      return true;
    };
    let ran = false;
    if (Array.isArray(val)) {
      for (let i = 0; i < val.length; i++) {
        ran = true;
        if (!one(i, val[i])) break;
      }
    } else if (val === undefined || val === null) {
      // An invalid or nil value is not an error: nothing to range over.
    } else if (typeof val === 'number' && Number.isInteger(val)) {
      if (decl.length > 1) this.fail(`can't use ${formatValue(val)} to iterate over more than one variable`);
      for (let i = 0; i < val; i++) {
        ran = true;
        if (!one(i, i)) break;
      }
    } else if (isMap(val)) {
      for (const k of sortedKeys(val)) {
        ran = true;
        if (!one(k, val[k])) break;
      }
    } else {
      this.fail(`range can't iterate over ${formatValue(val)}`);
    }
    if (!ran && r.elseList) this.walk(dot, r.elseList);
    this.vars.length = mark0;
  }

  printValue(n: Node, v: unknown): void {
    this.at(n);
    if (v === undefined) this.out += '<no value>';
    else if (typeof v === 'function') this.fail(`can't print ${nodeString(n)} of type ${goTypeName(v)}`);
    else this.out += formatValue(v);
  }

  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  notAFunction(args: ArgNode[], final: unknown): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: unknown): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        this.at(first);
        return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain':
        return this.evalChain(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.fail('nil is not a command');
        break;
      case 'number':
        if (!first.isInt && !(first.value instanceof GoFloat)) this.fail(`${first.text} overflows int`);
        return first.value;
      case 'string':
        return first.text;
    }
    this.fail(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  evalChain(dot: unknown, chain: Extract<ArgNode, { type: 'chain' }>, args: ArgNode[], final: unknown): unknown {
    this.at(chain);
    if (chain.node.type === 'nil') this.fail(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'any', chain.node, true);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  evalVariable(dot: unknown, v: VariableNode, args: ArgNode[], final: unknown): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  evalFieldChain(dot: unknown, receiver: unknown, node: Node, ident: string[], args: ArgNode[], final: unknown): unknown {
    // A value looked up in a map has the map's element type (interface {} for decoded JSON), which Go's errors name.
    let staticType: string | undefined;
    for (let i = 0; i < ident.length - 1; i++) {
      const next = this.evalField(dot, ident[i]!, node, [], MISSING, receiver, staticType);
      staticType = isMap(receiver) ? goTypeName(receiver).slice('map[string]'.length) : undefined;
      receiver = next;
    }
    return this.evalField(dot, ident[ident.length - 1]!, node, args, final, receiver, staticType);
  }

  evalField(dot: unknown, name: string, node: Node, args: ArgNode[], final: unknown, receiver: unknown, staticType?: string): unknown {
    if (receiver === undefined) {
      if (this.missingKeyError) this.fail(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    if (receiver === null) this.fail(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (typeof receiver === 'object' && !Array.isArray(receiver) && !(receiver instanceof GoFloat)) {
      const obj = receiver as Record<string, unknown>;
      const member = Object.hasOwn(obj, name) ? obj[name] : undefined;
      if (typeof member === 'function') {
        return this.evalCall(dot, { params: [], variadic: 'any', fn: (...a: unknown[]) => (member as Fn).apply(receiver, a) }, node, name, args, final, true);
      }
      const struct = structName(receiver);
      if (struct !== undefined) {
        if (!Object.hasOwn(obj, name)) this.fail(`can't evaluate field ${name} in type ${struct}`);
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return member;
      }
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      if (!Object.hasOwn(obj, name) && this.missingKeyError) this.fail(`map has no entry for key ${goQuote(name)}`);
      return member;
    }
    this.fail(`can't evaluate field ${name} in type ${staticType ?? goTypeName(receiver)}`);
  }

  evalFunction(dot: unknown, node: Extract<ArgNode, { type: 'identifier' }>, cmd: CommandNode, args: ArgNode[], final: unknown): unknown {
    this.at(node);
    const fn = this.funcs[node.ident] ?? BUILTINS[node.ident];
    if (!fn) this.fail(`${goQuote(node.ident)} is not a defined function`);
    if (node.ident === 'and' || node.ident === 'or') {
      const rest = args.slice(1);
      if (rest.length + (final !== MISSING ? 1 : 0) < 1) this.fail(`wrong number of args for ${node.ident}: want at least 1 got 0`);
      let v: unknown;
      for (const a of rest) {
        v = this.evalArg(dot, 'value', a);
        if (truth(v) === (node.ident === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    return this.evalCall(dot, fn, cmd, node.ident, args, final, false);
  }

  evalCall(dot: unknown, fn: FuncDef, node: Node, name: string, args: ArgNode[], final: unknown, method: boolean): unknown {
    const given = args.slice(1);
    const numIn = given.length + (final !== MISSING ? 1 : 0);
    const fixed = fn.params.length;
    if (!method) {
      if (fn.variadic !== undefined) {
        if (numIn < fixed) this.fail(`wrong number of args for ${name}: want at least ${fixed} got ${given.length}`);
      } else if (numIn !== fixed) {
        this.fail(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
      }
    }
    const typeAt = (i: number): ParamType => fn.params[i] ?? fn.variadic ?? 'any';
    const argv = given.map((a, i) => this.evalArg(dot, typeAt(i), a));
    if (final !== MISSING) argv.push(this.validateType(final, typeAt(numIn - 1)));
    try {
      return fn.fn(...argv);
    } catch (e) {
      if (e instanceof ExecFail || e instanceof BreakSignal || e instanceof ContinueSignal) throw e;
      this.at(node);
      this.fail(`error calling ${name}: ${(e as Error).message}`);
    }
  }

  validateType(value: unknown, typ: ParamType): unknown {
    if (typ === 'value') return value;
    if (value === undefined || value === null) {
      if (typ === 'any') return null;
      if (typ === '[]string') return [];
      this.fail(`invalid value; expected ${typ}`);
    }
    const got = goTypeName(value);
    switch (typ) {
      case 'any':
        return value;
      case 'string':
        if (typeof value === 'string') return value;
        break;
      case 'int':
        if (basicKind(value) === 'int') return numberOf(value);
        break;
      case 'bool':
        if (typeof value === 'boolean') return value;
        break;
      case '[]string':
        if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value;
        break;
    }
    this.fail(`wrong type for value; expected ${typ}; got ${got}`);
  }

  evalArg(dot: unknown, typ: ParamType, n: ArgNode, chainReceiver = false): unknown {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        // An untyped nil: invalid for reflect.Value parameters, a nil interface otherwise.
        if (typ === 'value') return undefined;
        if (typ === 'any' || typ === '[]string') return typ === '[]string' ? [] : null;
        this.fail(`cannot assign nil to ${typ}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariable(dot, n, [n], MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, { type: 'command', pos: n.pos, args: [n] }, [n], MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChain(dot, n, [n], MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.fail(`expected bool; found ${nodeString(n)}`);
        break;
      case 'string':
        if (n.type === 'string') return n.text;
        this.fail(`expected string; found ${nodeString(n)}`);
        break;
      case 'int':
        if (n.type === 'number' && n.isInt) return numberOf(n.value);
        this.fail(`expected integer; found ${nodeString(n)}`);
        break;
      case '[]string':
        this.fail(`can't handle ${nodeString(n)} for arg of type []string`);
        break;
    }
    // interface{} / reflect.Value: any constant.
    void chainReceiver;
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'number':
        if (!n.isInt && !(n.value instanceof GoFloat)) this.fail(`${n.text} overflows int`);
        return n.value;
      case 'string':
        return n.text;
    }
    this.fail(`can't handle ${nodeString(n)} for arg of type interface {}`);
  }
}

const MISSING = Symbol('missing');

/** Recently parsed templates by function set, then by name and text; the oldest is dropped past PARSED_KEPT. */
const PARSED = new WeakMap<object, Map<string, Template>>();
const PARSED_KEPT = 64;

/** A parsed template; execute it any number of times. */
export class Template {
  private constructor(
    private readonly src: string,
    private readonly name: string,
    private readonly root: ListNode,
    private readonly funcs: Readonly<Record<string, FuncDef>>,
  ) {}

  /**
   * Parses like template.New(name).Funcs(funcs).Parse(src). Throws
   * TemplateError (phase 'parse') with Go's message, e.g.
   * `template: :1: function "foo" not defined`.
   */
  static parse(src: string, opts: { name?: string; funcs?: Readonly<Record<string, FuncDef>> } = {}): Template {
    const name = opts.name ?? '';
    const funcs = opts.funcs ?? DOCKER_FUNCS;
    // A parsed template is never changed by executing it, so the same text parses once.
    let cache = PARSED.get(funcs);
    const key = name + '\u0000' + src;
    const hit = cache?.get(key);
    if (hit) return hit;
    const items = withLines(src, lex(src));
    const root = new Parser(items, name, (f) => f in funcs || f in BUILTINS).parse();
    const t = new Template(src, name, root, funcs);
    if (!cache) PARSED.set(funcs, (cache = new Map()));
    if (cache.size >= PARSED_KEPT) cache.delete(cache.keys().next().value!);
    cache.set(key, t);
    return t;
  }

  /** Runs the template over `data`; throws TemplateError (phase 'exec') carrying the partial output. */
  execute(data: unknown, opts: ExecOptions = {}): string {
    const s = new State(this.src, this.name, opts.funcs ? { ...this.funcs, ...opts.funcs } : this.funcs, opts.missingKey === 'error');
    s.vars.push({ name: '$', value: data });
    try {
      s.walk(data, this.root);
    } catch (e) {
      if (e instanceof ExecFail) throw new TemplateError(e.message, 'exec', s.out);
      throw e;
    }
    return s.out;
  }
}

// Go counts lines from the start of each token; recompute them from positions.
function withLines(src: string, items: Item[]): Item[] {
  return items.map((it) => ({ ...it, line: 1 + (src.slice(0, it.pos).match(/\n/g)?.length ?? 0) }));
}

/** Parses and executes in one step with docker's functions (templates.Parse + Execute). */
export function renderTemplate(template: string, data: unknown, opts: ExecOptions = {}): string {
  return Template.parse(template).execute(data, opts);
}
