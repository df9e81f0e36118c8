/**
 * Docker's command-line flag parsing: cobra + spf13/pflag, reproduced closely
 * enough that every accepted line, every refusal and every error text match the
 * real client (pflag's flag.go parseArgs/parseLongArg/parseSingleShortArg, and
 * docker/cli's cli/cobra.go FlagErrorFunc and cli/required.go).
 */
import { goQuote, goQuoteRune } from './quote';

export type FlagKind = 'bool' | 'string' | 'int' | 'stringArray' | 'duration';

export interface FlagSpec {
  /** Long name, without dashes: `rm`, `name`, `timeout`. */
  name: string;
  /** One ASCII character, without the dash: `d`, `e`. */
  short?: string;
  kind: FlagKind;
  /** Value when the flag is absent. Durations are in milliseconds. */
  default?: boolean | string | number | readonly string[];
  /** Kept out of help; parses as usual. */
  hidden?: boolean;
  /**
   * pflag's MarkDeprecated message: using the flag still works but prints
   * `Flag --<name> has been deprecated, <message>` (to stdout, as docker does).
   */
  deprecated?: string;
  /**
   * Extra check of each raw value (Docker's opts validators). Return an error
   * text to refuse it; it becomes `invalid argument "<v>" for "<flag>" flag: <text>`.
   */
  validate?: (raw: string) => string | undefined;
}

/** A parse error carrying pflag's exact message (the first line Docker prints). */
export class FlagError extends Error {
  override name = 'FlagError';
}

type Value = boolean | string | number | string[];

/** The outcome of a successful parse; values are read back by name and kind. */
export class ParsedFlags {
  constructor(
    private readonly specs: ReadonlyMap<string, FlagSpec>,
    private readonly values: ReadonlyMap<string, Value>,
    private readonly changedNames: ReadonlySet<string>,
    /** Positional arguments, in order (after `--` too). */
    readonly args: readonly string[],
    /** How many of `args` came before `--`, or -1 when there was no `--` (pflag's ArgsLenAtDash). */
    readonly argsLenAtDash: number,
    /** Deprecation notices, in order, each without a newline; docker prints them on stdout. */
    readonly warnings: readonly string[],
  ) {}

  /** True when `--help` (or an implicit `-h`) was given; cobra then prints help instead of running. */
  get help(): boolean {
    return this.values.get('help') === true;
  }

  /** True when the user set the flag explicitly (pflag's Changed). */
  changed(name: string): boolean {
    this.spec(name);
    return this.changedNames.has(name);
  }

  bool(name: string): boolean {
    return this.get(name, 'bool') as boolean;
  }

  string(name: string): string {
    return this.get(name, 'string') as string;
  }

  int(name: string): number {
    return this.get(name, 'int') as number;
  }

  /** Every value given, in order (`-e A=1 -e B=2` → ['A=1', 'B=2']). */
  stringArray(name: string): string[] {
    return [...(this.get(name, 'stringArray') as string[])];
  }

  /** Milliseconds (Go durations are parsed exactly, then converted). */
  duration(name: string): number {
    return this.get(name, 'duration') as number;
  }

  private spec(name: string): FlagSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`flag accessed but not defined: ${name}`);
    return spec;
  }

  private get(name: string, kind: FlagKind): Value {
    const spec = this.spec(name);
    if (spec.kind !== kind) throw new Error(`trying to get ${kind} value of flag of type ${spec.kind}`);
    return this.values.get(name)!;
  }
}

const HELP: FlagSpec = { name: 'help', kind: 'bool' };

/**
 * Parses `argv` (the words after the command name) against `spec`, as
 * pflag does. With `interspersed: false` (docker run/create/exec) parsing stops
 * at the first positional argument and everything from there on is positional.
 * Like cobra, every command has a `--help` bool flag, with shorthand `-h` unless
 * the command uses `-h` itself (docker run's `--hostname`); docker marks that
 * shorthand deprecated. Throws FlagError on the first bad word.
 */
/** A flag set's index by long and short name, made once per set (`docker run` has a hundred flags, parsed on every run). */
const indexes = new WeakMap<readonly FlagSpec[], { byName: Map<string, FlagSpec>; byShort: Map<string, FlagSpec> }>();

function indexOf(spec: readonly FlagSpec[]): { byName: Map<string, FlagSpec>; byShort: Map<string, FlagSpec> } {
  const known = indexes.get(spec);
  if (known) return known;
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of spec) {
    if (byName.has(s.name)) throw new Error(`flag redefined: ${s.name}`);
    byName.set(s.name, s);
    if (s.short !== undefined) {
      if (s.short.length !== 1) throw new Error(`${goQuote(s.short)} shorthand is more than one ASCII character`);
      if (byShort.has(s.short)) throw new Error(`unable to redefine ${goQuoteRune(s.short)} shorthand: it's already used for ${goQuote(byShort.get(s.short)!.name)} flag`);
      byShort.set(s.short, s);
    }
  }
  if (!byName.has('help')) {
    byName.set('help', HELP);
    if (!byShort.has('h')) byShort.set('h', HELP);
  }
  const index = { byName, byShort };
  indexes.set(spec, index);
  return index;
}

export function parseFlags(spec: readonly FlagSpec[], argv: readonly string[], opts: { interspersed?: boolean } = {}): ParsedFlags {
  const interspersed = opts.interspersed ?? true;
  const { byName, byShort } = indexOf(spec);

  const values = new Map<string, Value>();
  for (const s of byName.values()) values.set(s.name, defaultOf(s));
  const changed = new Set<string>();
  const warnings: string[] = [];
  const args: string[] = [];
  let argsLenAtDash = -1;

  const set = (flag: FlagSpec, raw: string): void => {
    const display = flag.short !== undefined ? `-${flag.short}, --${flag.name}` : `--${flag.name}`;
    let value: Value;
    try {
      value = convert(flag, raw, changed.has(flag.name) ? values.get(flag.name)! : undefined);
      const problem = flag.validate?.(raw);
      if (problem !== undefined) throw new Error(problem);
    } catch (e) {
      throw new FlagError(`invalid argument ${goQuote(raw)} for ${goQuote(display)} flag: ${(e as Error).message}`);
    }
    values.set(flag.name, value);
    changed.add(flag.name);
    if (flag.deprecated !== undefined) warnings.push(`Flag --${flag.name} has been deprecated, ${flag.deprecated}`);
  };

  let rest = [...argv];
  while (rest.length > 0) {
    const s = rest.shift()!;
    if (s.length < 2 || s[0] !== '-') {
      args.push(s);
      if (!interspersed) {
        args.push(...rest);
        break;
      }
      continue;
    }
    if (s[1] === '-') {
      if (s.length === 2) {
        argsLenAtDash = args.length;
        args.push(...rest);
        break;
      }
      rest = parseLong(s, rest, byName, set);
    } else {
      rest = parseShorts(s, rest, byShort, set, warnings);
    }
  }
  return new ParsedFlags(byName, values, changed, args, argsLenAtDash, warnings);
}

function parseLong(s: string, rest: string[], byName: ReadonlyMap<string, FlagSpec>, set: (f: FlagSpec, v: string) => void): string[] {
  const body = s.slice(2);
  if (body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${s}`);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const flag = byName.get(name);
  if (!flag) throw new FlagError(`unknown flag: --${name}`);
  if (eq >= 0) {
    set(flag, body.slice(eq + 1));
  } else if (flag.kind === 'bool') {
    // Bool flags carry NoOptDefVal "true": `--rm false` leaves "false" positional.
    set(flag, 'true');
  } else if (rest.length > 0) {
    set(flag, rest[0]!);
    return rest.slice(1);
  } else {
    throw new FlagError(`flag needs an argument: ${s}`);
  }
  return rest;
}

function parseShorts(
  s: string,
  rest: string[],
  byShort: ReadonlyMap<string, FlagSpec>,
  set: (f: FlagSpec, v: string) => void,
  warnings: string[],
): string[] {
  // pflag walks bytes; shorthands are ASCII, so UTF-16 units serve the same.
  let shorts = s.slice(1);
  while (shorts.length > 0) {
    const c = shorts[0]!;
    const flag = byShort.get(c);
    if (!flag) throw new FlagError(`unknown shorthand flag: ${goQuoteRune(c)} in -${shorts}`);
    let value: string;
    let next = shorts.slice(1);
    if (shorts.length > 2 && shorts[1] === '=') {
      value = shorts.slice(2);
      next = '';
    } else if (flag.kind === 'bool') {
      value = 'true';
    } else if (shorts.length > 1) {
      value = shorts.slice(1);
      next = '';
    } else if (rest.length > 0) {
      value = rest[0]!;
      rest = rest.slice(1);
    } else {
      throw new FlagError(`flag needs an argument: ${goQuoteRune(c)} in -${shorts}`);
    }
    if (flag === HELP) warnings.push('Flag shorthand -h has been deprecated, use --help');
    set(flag, value);
    shorts = next;
  }
  return rest;
}

function defaultOf(spec: FlagSpec): Value {
  const d = spec.default;
  switch (spec.kind) {
    case 'bool': return typeof d === 'boolean' ? d : false;
    case 'string': return typeof d === 'string' ? d : '';
    case 'int': return typeof d === 'number' ? d : 0;
    case 'duration': return typeof d === 'number' ? d : 0;
    case 'stringArray': return Array.isArray(d) ? [...(d as readonly string[])] : [];
  }
}

function convert(flag: FlagSpec, raw: string, previous: Value | undefined): Value {
  switch (flag.kind) {
    case 'bool': return parseGoBool(raw);
    case 'string': return raw;
    case 'int': return Number(parseGoInt(raw));
    case 'duration': return parseGoDuration(raw) / 1e6;
    // pflag's stringArray: the first Set replaces the default, later ones append.
    case 'stringArray': return previous === undefined ? [raw] : [...(previous as string[]), raw];
  }
}

/** strconv.ParseBool. Throws with Go's error text. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

/**
 * strconv.ParseInt(s, 0, 64): decimal, 0x/0o/0b prefixes, a leading 0 for
 * octal, underscores between digits. Throws with Go's error text.
 */
export function parseGoInt(s0: string): bigint {
  const syntax = (): Error => new Error(`strconv.ParseInt: parsing ${goQuote(s0)}: invalid syntax`);
  const range = (): Error => new Error(`strconv.ParseInt: parsing ${goQuote(s0)}: value out of range`);
  let s = s0;
  if (s === '') throw syntax();
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '') throw syntax();
  let base = 10n;
  if (s[0] === '0') {
    const p = s[1]?.toLowerCase();
    if (s.length >= 3 && (p === 'b' || p === 'o' || p === 'x')) {
      base = p === 'b' ? 2n : p === 'o' ? 8n : 16n;
      s = s.slice(2);
    } else {
      base = 8n;
      s = s.slice(1);
    }
  }
  const maxU = (1n << 64n) - 1n;
  let n = 0n;
  let underscores = false;
  for (const ch of s) {
    if (ch === '_') {
      underscores = true;
      continue;
    }
    const d = digitValue(ch);
    if (d === undefined || BigInt(d) >= base) throw syntax();
    n = n * base + BigInt(d);
    if (n > maxU) throw range();
  }
  if (underscores && !underscoreOK(s0)) throw syntax();
  const cutoff = 1n << 63n;
  if ((!neg && n >= cutoff) || (neg && n > cutoff)) throw range();
  return neg ? -n : n;
}

function digitValue(ch: string): number | undefined {
  const c = ch.toLowerCase();
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 87;
  return undefined;
}

// strconv.underscoreOK: underscores only between digits or after a base prefix.
function underscoreOK(s0: string): boolean {
  let s = s0;
  let saw = '^';
  let i = 0;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  let hex = false;
  const p = s[1]?.toLowerCase();
  if (s.length >= 2 && s[0] === '0' && (p === 'b' || p === 'o' || p === 'x')) {
    i = 2;
    saw = '0';
    hex = p === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    const l = c.toLowerCase();
    if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5
  'μs': 1000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration, in nanoseconds. Throws with Go's error text. */
export function parseGoDuration(orig: string): number {
  const invalid = (): Error => new Error(`time: invalid duration ${goQuote(orig)}`);
  const max = 1n << 63n;
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) throw invalid();
    const intMatch = /^[0-9]*/.exec(s)![0];
    s = s.slice(intMatch.length);
    let v = intMatch === '' ? 0n : BigInt(intMatch);
    if (v >= max) throw invalid();
    let frac = '';
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      frac = /^[0-9]*/.exec(s)![0];
      s = s.slice(frac.length);
      post = frac !== '';
    }
    if (intMatch === '' && !post) throw invalid();
    let i = 0;
    while (i < s.length && !(s[i] === '.' || (s[i]! >= '0' && s[i]! <= '9'))) i++;
    if (i === 0) throw new Error(`time: missing unit in duration ${goQuote(orig)}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNIT_NS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(u)} in duration ${goQuote(orig)}`);
    if (v > max / unit) throw invalid();
    v *= unit;
    if (frac !== '') {
      v += BigInt(Math.floor(Number('0.' + frac) * Number(unit)));
      if (v > max) throw invalid();
    }
    total += v;
    if (total > max) throw invalid();
  }
  if (!neg && total > max - 1n) throw invalid();
  return Number(neg ? -total : total);
}

// ---------------------------------------------------------------------------
// How docker prints usage errors.

/** Exit status for a flag error (docker/cli's FlagErrorFunc returns StatusError 125). */
export const FLAG_ERROR_STATUS = 125;
/** Exit status for a wrong number of arguments (a plain error: the CLI exits 1). */
export const ARGS_ERROR_STATUS = 1;

/** What a usage error names: `{ path: 'docker run', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]' }`. */
export interface CommandUsage {
  /** cobra's CommandPath: `docker run`, `docker container start`. */
  path: string;
  /** The Use line after the command's own name; '' for none. */
  usage: string;
}

function useLine(cmd: CommandUsage): string {
  return cmd.usage === '' ? cmd.path : `${cmd.path} ${cmd.usage}`;
}

/**
 * docker's stderr text for a flag error (exit 125), without the final newline:
 * `unknown flag: --foo\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information`.
 */
export function flagErrorText(err: Error | string, cmd: CommandUsage): string {
  const message = typeof err === 'string' ? err : err.message;
  return `${message}\n\nUsage:  ${useLine(cmd)}\n\nRun '${cmd.path} --help' for more information`;
}

/** cobra.PositionalArgs as docker/cli declares them (cli/required.go). */
export type ArgsRule =
  | { kind: 'none' }
  | { kind: 'any' }
  | { kind: 'min'; n: number }
  | { kind: 'max'; n: number }
  | { kind: 'exact'; n: number }
  | { kind: 'range'; min: number; max: number };

function pluralize(word: string, n: number): string {
  return n === 1 ? word : word + 's';
}

/**
 * Checks the positional-argument count; returns docker's stderr text (exit 1,
 * without the final newline) or undefined when the count is fine. The wording
 * differs per rule exactly as in docker/cli, including "See" for at-least and
 * the "SRun" typo for at-most.
 */
export function checkArgs(rule: ArgsRule, args: readonly string[], cmd: CommandUsage): string | undefined {
  const bin = cmd.path.split(' ')[0];
  const n = args.length;
  const tail = `\n\nUsage:  ${useLine(cmd)}\n\n`;
  switch (rule.kind) {
    case 'any':
      return undefined;
    case 'none':
      return n === 0 ? undefined : `${bin}: '${cmd.path}' accepts no arguments${tail}Run '${cmd.path} --help' for more information`;
    case 'min':
      return n >= rule.n ? undefined : `${bin}: '${cmd.path}' requires at least ${rule.n} ${pluralize('argument', rule.n)}${tail}See '${cmd.path} --help' for more information`;
    case 'max':
      return n <= rule.n ? undefined : `${bin}: '${cmd.path}' requires at most ${rule.n} ${pluralize('argument', rule.n)}${tail}SRun '${cmd.path} --help' for more information`;
    case 'exact':
      return n === rule.n ? undefined : `${bin}: '${cmd.path}' requires ${rule.n} ${pluralize('argument', rule.n)}${tail}Run '${cmd.path} --help' for more information`;
    case 'range':
      return n >= rule.min && n <= rule.max
        ? undefined
        : `${bin}: '${cmd.path}' requires at least ${rule.min} and at most ${rule.max} ${pluralize('argument', rule.max)}${tail}Run '${cmd.path} --help' for more information`;
  }
}
