import type { ProcessIO } from '../process';

/**
 * The `alias`, `unalias` and (for expand_aliases only) `shopt` builtins.
 * The table lives on the interpreter; the parser expands it (syntax.ts,
 * expandAlias) in an interactive shell, or after `shopt -s expand_aliases`.
 */

export interface AliasHost {
  readonly aliases: Map<string, string>;
  expanding(): boolean;
  setExpanding(on: boolean): void;
  /** bash's wording, or busybox ash's (`ll='ls -l'`, `alias: x not found`). */
  readonly bash: boolean;
  /** An error line with the shell's prefix. */
  error(io: ProcessIO, text: string, builtin: string): void;
}

type AliasBuiltin = (argv: string[], io: ProcessIO) => number;

/** Single-quoted as bash's `alias` prints it: a ' inside becomes '\''. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

export function aliasBuiltins(h: AliasHost): Record<string, AliasBuiltin> {
  const show = (name: string): string => `${h.bash ? 'alias ' : ''}${name}=${quote(h.aliases.get(name)!)}\n`;
  const list = (io: ProcessIO): void => {
    for (const name of [...h.aliases.keys()].sort()) io.stdout(show(name));
  };
  const alias: AliasBuiltin = (argv, io) => {
    const args = argv.slice(1);
    if (h.bash) {
      let print = false;
      while (args[0]?.startsWith('-') && args[0] !== '-') {
        const a = args.shift()!;
        if (a === '--') break;
        if (a !== '-p') {
          h.error(io, `${a.slice(0, 2)}: invalid option`, 'alias');
          io.stderr('alias: usage: alias [-p] [name[=value] ... ]\n');
          return 2;
        }
        print = true;
      }
      if (print || args.length === 0) list(io);
    } else if (args.length === 0) list(io);
    let status = 0;
    for (const a of args) {
      const eq = a.indexOf('=');
      if (eq < 0) {
        if (h.aliases.has(a)) io.stdout(show(a));
        else {
          if (h.bash) h.error(io, `${a}: not found`, 'alias');
          else io.stderr(`alias: ${a} not found\n`);
          status = 1;
        }
        continue;
      }
      const name = a.slice(0, eq);
      // bash refuses names with the characters its reader splits words on; ash takes anything.
      if (h.bash && (name === '' || /[\s/$`=;&|()<>'"\\]/.test(name))) {
        h.error(io, `\`${name}': invalid alias name`, 'alias');
        status = 1;
        continue;
      }
      h.aliases.set(name, a.slice(eq + 1));
    }
    return status;
  };
  const unalias: AliasBuiltin = (argv, io) => {
    const args = argv.slice(1);
    if (args[0] === '-a') {
      h.aliases.clear();
      return 0;
    }
    if (args.length === 0 || (h.bash && args[0]!.startsWith('-') && args[0] !== '--')) {
      if (h.bash) {
        if (args.length > 0) h.error(io, `${args[0]!.slice(0, 2)}: invalid option`, 'unalias');
        io.stderr('unalias: usage: unalias [-a] name [name ...]\n');
      }
      return h.bash ? 2 : 0;
    }
    let status = 0;
    for (const a of args[0] === '--' ? args.slice(1) : args) {
      if (h.aliases.delete(a)) continue;
      if (h.bash) h.error(io, `${a}: not found`, 'unalias');
      else io.stderr(`unalias: ${a} not found\n`);
      status = 1;
    }
    return status;
  };
  const shopt: AliasBuiltin = (argv, io) => {
    const args = argv.slice(1);
    const flag = args[0] === '-s' || args[0] === '-u' ? args.shift() : undefined;
    if (args.length === 0 || args.some((a) => a !== 'expand_aliases')) {
      io.stderr(`glassbox: shopt: ${args.find((a) => a !== 'expand_aliases') ?? 'listing the options'} is not simulated yet (only expand_aliases)\n`);
      return 2;
    }
    if (flag === undefined) {
      io.stdout(`expand_aliases \t${h.expanding() ? 'on' : 'off'}\n`);
      return h.expanding() ? 0 : 1;
    }
    h.setExpanding(flag === '-s');
    return 0;
  };
  return h.bash ? { alias, unalias, shopt } : { alias, unalias };
}
