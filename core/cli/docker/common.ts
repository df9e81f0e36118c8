import type { ProcessIO } from '../../process';
import type { Fs } from '../../shell/filesystem';
import type { Engine } from '../../engine/engine';
import { DaemonError } from '../../engine/errors';
import { ARGS_ERROR_STATUS, checkArgs, FLAG_ERROR_STATUS, FlagError, flagErrorText, parseFlags, type ArgsRule, type FlagSpec, type ParsedFlags } from '../flags';
import { commandFlags, helpTexts } from './helpTexts';

/** What every docker subcommand gets: the engine, the process's stdio and how it was named (`docker start` or `docker container start`). */
export interface Ctx {
  engine: Engine;
  io: ProcessIO;
  /** cobra's CommandPath, e.g. "docker container start". */
  path: string;
  /** The host's filesystem, for the commands that read or write host files (build, save -o, load -i, cp …). */
  fs?: Fs;
}

export interface CommandDef {
  /** The key into helpTexts/commandFlags: run, start, ps… */
  name: string;
  /** The Use line after the command name. */
  usage: string;
  args: ArgsRule;
  /** docker run/create stop parsing flags at the image name. */
  interspersed?: boolean;
  /** Flags beyond the generated ones (hidden, deprecated aliases). */
  extraFlags?: FlagSpec[];
  /** Value checks for generated flags, by long name (docker/cli's typed flag values: bytes, decimal…). */
  validators?: Readonly<Record<string, NonNullable<FlagSpec['validate']>>>;
  run(ctx: Ctx, flags: ParsedFlags): Promise<number>;
}

/** Parses flags and arguments the way cobra does, prints help or usage errors, then runs the command. */
/** A command's flags with its validators, made once per command (its flag index is then made once too). */
const specs = new WeakMap<CommandDef, FlagSpec[]>();

function specOf(def: CommandDef): FlagSpec[] {
  let spec = specs.get(def);
  if (!spec) {
    const validators = def.validators ?? {};
    spec = [...(commandFlags[def.name] ?? []).map((f) => (validators[f.name] ? { ...f, validate: validators[f.name] } : f)), ...(def.extraFlags ?? [])];
    specs.set(def, spec);
  }
  return spec;
}

export async function runDef(def: CommandDef, ctx: Ctx, argv: readonly string[]): Promise<number> {
  const spec = specOf(def);
  const usage = { path: ctx.path, usage: def.usage };
  let flags: ParsedFlags;
  try {
    flags = parseFlags(spec, argv, { interspersed: def.interspersed ?? true });
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    // cobra's FlagErrorFunc: no "docker: " prefix, for run and create too (the 28.x client prints none).
    ctx.io.stderr(flagErrorText(e, usage) + '\n');
    return FLAG_ERROR_STATUS;
  }
  for (const w of flags.warnings) ctx.io.stdout(w + '\n');
  if (flags.help) {
    ctx.io.stdout(helpFor(def.name, ctx.path));
    return 0;
  }
  const argError = checkArgs(def.args, flags.args, usage);
  if (argError !== undefined) {
    ctx.io.stderr(argError + '\n');
    return ARGS_ERROR_STATUS;
  }
  return def.run(ctx, flags);
}

/**
 * A management command (`docker network`, `docker swarm`, `docker container`):
 * its help without a subcommand (on stderr, exit 0, as the client does), the
 * client's error for an unknown one, else the subcommand with its own path.
 */
export async function runGroup(ctx: Omit<Ctx, 'path'>, group: string, subcommands: Readonly<Record<string, CommandDef>>, argv: readonly string[]): Promise<number> {
  const sub = argv[0];
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub === undefined ? ctx.io.stderr : ctx.io.stdout)(helpTexts[group]!);
    return 0;
  }
  const def = subcommands[sub];
  if (!def) {
    ctx.io.stderr(`docker: unknown command: docker ${group} ${sub}\n\nUsage:  docker ${group}\n\nRun 'docker ${group} --help' for more information\n`);
    return 1;
  }
  return runDef(def, { ...ctx, path: `docker ${group} ${sub}` }, argv.slice(1));
}

/** A command's help, with its Usage line naming the path it was called by. */
export function helpFor(name: string, path: string): string {
  const text = helpTexts[name] ?? '';
  // Subcommands of a management command (`network create`) have only one path.
  if (name.includes(' ')) return text;
  return text.replace(/^Usage:  docker [a-z]+/, `Usage:  ${path}`);
}

/** The text the client prints for an error the daemon returned. */
export function daemonErrorText(e: unknown): string {
  if (e instanceof DaemonError) return `Error response from daemon: ${e.message}`;
  throw e;
}

/**
 * Runs `op` for each container, as docker's parallelOperation does, then
 * prints each name that succeeded (in the order given) and the errors.
 * Returns 1 when any failed.
 */
export async function forEachContainer(
  ctx: Ctx,
  refs: readonly string[],
  op: (ref: string) => Promise<void> | void,
  opts: { ignoreNotFound?: boolean } = {},
): Promise<number> {
  const results = await Promise.all(
    refs.map(async (ref) => {
      try {
        await op(ref);
        return null;
      } catch (e) {
        return e;
      }
    }),
  );
  const errors: string[] = [];
  results.forEach((e, i) => {
    if (e === null) {
      ctx.io.stdout(refs[i] + '\n');
      return;
    }
    const text = daemonErrorText(e);
    if (opts.ignoreNotFound && e instanceof DaemonError && e.kind === 'notFound') ctx.io.stderr(text + '\n');
    else errors.push(text);
  });
  if (errors.length === 0) return 0;
  ctx.io.stderr(errors.join('\n') + '\n');
  return 1;
}

/**
 * Waits for `p` unless the user presses Ctrl-C first: then the client gives
 * up (exit 130, as a shell reports a SIGINT death) while the daemon carries on.
 */
export function untilInterrupted<T>(ctx: Ctx, p: Promise<T>): Promise<{ value: T } | { interrupted: true }> {
  return new Promise((resolve) => {
    const off = ctx.io.interrupt.onInterrupt(() => {
      off();
      resolve({ interrupted: true });
    });
    p.then(
      (value) => {
        off();
        resolve({ value });
      },
      (e: unknown) => {
        off();
        throw e;
      },
    );
  });
}
