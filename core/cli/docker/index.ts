import type { CommandRunner, ProcessIO } from '../../process';
import type { Engine } from '../../engine/engine';
import { runDef, type CommandDef, type Ctx } from './common';
import { helpTexts } from './helpTexts';
import { inspect } from './inspect';
import { kill, pause, restart, rm, stop, unpause, wait } from './lifecycle';
import { logs } from './logs';
import { networkCommand } from './network';
import { port } from './port';
import { ps } from './ps';
import { create, run, start } from './run';
import { info, stats, top, update, version } from './system';

/** The client's version line (`docker -v`), the version the simulator's texts follow. */
export const CLIENT_VERSION = 'Docker version 28.2.2, build e6534b4';

const topLevel: Record<string, CommandDef> = { run, create, start, stop, kill, pause, unpause, restart, rm, ps, inspect, logs, wait, port, top, stats, update, version, info };

/** `docker container <sub>`: the same commands, with ls/list for ps and remove for rm. */
const containerSubcommands: Record<string, CommandDef> = {
  run, create, start, stop, kill, pause, unpause, restart, rm, remove: rm, ls: ps, list: ps, ps, inspect, logs, wait, port, top, stats, update,
};

/** Global options that take a value (docker [OPTIONS] COMMAND). */
const GLOBAL_WITH_VALUE = new Set(['--config', '-c', '--context', '-H', '--host', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const GLOBAL_BOOL = new Set(['-D', '--debug', '--tls', '--tlsverify']);

/**
 * The `docker` program for the host shell: argv[0] is "docker". Output,
 * error texts and exit codes follow the real client (28.x) talking to the
 * simulated engine.
 */
export function dockerCommand(engine: Engine): CommandRunner {
  return async (argv: string[], io: ProcessIO): Promise<number> => {
    let i = 1;
    // Global options before the command.
    while (i < argv.length && argv[i]!.startsWith('-')) {
      const a = argv[i]!;
      if (a === '--help' || a === '-h') {
        io.stdout(helpTexts.docker!);
        return 0;
      }
      if (a === '-v' || a === '--version') {
        io.stdout(CLIENT_VERSION + '\n');
        return 0;
      }
      const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
      if (GLOBAL_WITH_VALUE.has(name)) i += a.includes('=') ? 1 : 2;
      else if (GLOBAL_BOOL.has(name)) i += 1;
      else {
        io.stderr(`unknown flag: ${name.startsWith('--') ? name : `-${name.slice(1, 2)}`}\n\nUsage:  docker [OPTIONS] COMMAND\n\nRun 'docker --help' for more information\n`);
        return 125;
      }
    }
    const command = argv[i];
    const rest = argv.slice(i + 1);
    if (command === undefined) {
      // With no command the client shows its help on stderr and succeeds.
      io.stderr(helpTexts.docker!);
      return 0;
    }
    if (command === 'help') {
      io.stdout(helpTexts.docker!);
      return 0;
    }
    if (command === 'container') {
      const sub = rest[0];
      if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
        (sub === undefined ? io.stderr : io.stdout)(helpTexts.container!);
        return 0;
      }
      const def = containerSubcommands[sub];
      if (!def) {
        io.stderr(`docker: unknown command: docker container ${sub}\n\nUsage:  docker container\n\nRun 'docker container --help' for more information\n`);
        return 1;
      }
      const ctx: Ctx = { engine, io, path: `docker container ${sub}` };
      return runDef(def, ctx, rest.slice(1));
    }
    if (command === 'network') return networkCommand({ engine, io }, rest);
    const def = topLevel[command];
    if (!def) {
      io.stderr(`docker: unknown command: docker ${command}\n\nRun 'docker --help' for more information\n`);
      return 1;
    }
    return runDef(def, { engine, io, path: `docker ${command}` }, rest);
  };
}
