/**
 * GNU getopt_long as coreutils uses it: bundled short flags (`-in`), attached
 * or separate values (`-n5`, `-n 5`), `--long[=value]` with unambiguous
 * prefixes, `--` to end options, and options after operands (permutation).
 */

export interface OptSpec {
  /** Short options without a value, e.g. "ivcnEwoq". */
  flags: string;
  /** Short options that take a value, e.g. "ef". */
  withValue?: string;
  /** Long name → the short letter it stands for (or its own name), and whether it takes a value ('optional' for `--name[=v]`). */
  long?: Record<string, { as: string; value: boolean | 'optional' }>;
  /** Stop at the first operand (POSIX order), as `xargs`, `env` and `sudo` do before their command. */
  stopAtOperand?: boolean;
  /** `-5` means `-n 5` (head, tail). */
  digitsAs?: string;
}

export type ParsedOpts = { opts: { name: string; value: string }[]; operands: string[] } | { error: string };

/** Parses argv (without the program name). Errors carry GNU's text without the "prog: " prefix. */
export function getopt(args: string[], spec: OptSpec): ParsedOpts {
  const opts: { name: string; value: string }[] = [];
  const operands: string[] = [];
  const withValue = spec.withValue ?? '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const longs = spec.long ?? {};
      let key = Object.prototype.hasOwnProperty.call(longs, name) ? name : undefined;
      if (key === undefined) {
        const candidates = Object.keys(longs).filter((k) => k.startsWith(name));
        const targets = new Set(candidates.map((k) => longs[k]!.as));
        if (candidates.length === 0) return { error: `unrecognized option '${a}'` };
        if (targets.size > 1) return { error: `option '${a}' is ambiguous; possibilities:${candidates.map((k) => ` '--${k}'`).join('')}` };
        key = candidates[0]!;
      }
      const def = longs[key]!;
      if (def.value === false) {
        if (eq >= 0) return { error: `option '--${key}' doesn't allow an argument` };
        opts.push({ name: def.as, value: '' });
      } else if (eq >= 0) {
        opts.push({ name: def.as, value: a.slice(eq + 1) });
      } else if (def.value === 'optional') {
        opts.push({ name: def.as, value: '' });
      } else {
        if (i + 1 >= args.length) return { error: `option '--${key}' requires an argument` };
        opts.push({ name: def.as, value: args[++i]! });
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (spec.digitsAs !== undefined && /^-\d+$/.test(a)) {
        opts.push({ name: spec.digitsAs, value: a.slice(1) });
        continue;
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (withValue.includes(c)) {
          if (j + 1 < a.length) opts.push({ name: c, value: a.slice(j + 1) });
          else if (i + 1 < args.length) opts.push({ name: c, value: args[++i]! });
          else return { error: `option requires an argument -- '${c}'` };
          break;
        }
        if (spec.flags.includes(c)) {
          opts.push({ name: c, value: '' });
          continue;
        }
        return { error: `invalid option -- '${c}'` };
      }
      continue;
    }
    if (spec.stopAtOperand) {
      operands.push(...args.slice(i));
      break;
    }
    operands.push(a);
  }
  return { opts, operands };
}

/** Whether option `name` was given. */
export function has(p: { opts: { name: string }[] }, name: string): boolean {
  return p.opts.some((o) => o.name === name);
}

/** The last value given for option `name`. */
export function last(p: { opts: { name: string; value: string }[] }, name: string): string | undefined {
  for (let i = p.opts.length - 1; i >= 0; i--) if (p.opts[i]!.name === name) return p.opts[i]!.value;
  return undefined;
}

/** All values given for option `name`, in order. */
export function all(p: { opts: { name: string; value: string }[] }, name: string): string[] {
  return p.opts.filter((o) => o.name === name).map((o) => o.value);
}
