import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Interrupt } from '../../core/ports';
import type { CommandRunner } from '../../core/process';
import { HostShell } from '../../core/shell/hostShell';
import { MemFs } from '../../core/shell/memfs';
import { withMemoryContext } from './buildContext';
import { machinelessUtilities } from '../../core/shell/utils';
import type { LineShell } from './session';
import { type SpawnOptions, dockerRunner, hostProgramRunner } from './spawnRunner';

export interface AgentShellOptions {
  dockerBin: string;
  /** Whether programs on the host's PATH may run (the shell's builtins still come first). */
  hostShell: boolean;
  hostname: string;
}

/**
 * The agent's terminal: core's host shell parses every line (pipes, `$( )`,
 * redirects, its own utilities and in-memory files), and only its `docker`
 * reaches the real machine, as an argv for the real CLI. With `hostShell`,
 * programs found on the host's PATH run for real too, still as an argv.
 */
export function createAgentShell(opts: AgentShellOptions): (spawn: SpawnOptions) => LineShell {
  return (spawn) => {
    const clock = { now: () => Date.now() };
    // The shell's files live here, in memory; `docker build` of a context among them is written out for the real CLI.
    const fs = new MemFs(() => clock.now());
    const docker = withMemoryContext(dockerRunner(opts.dockerBin, spawn), fs);
    const shell = new HostShell({
      fs,
      commands: opts.hostShell ? withHostPrograms({ docker }, hostProgramRunner(spawn)) : { docker },
      hostname: opts.hostname,
      utilities: machinelessUtilities(),
      sleep: wallSleep,
      clock,
    });
    return { run: (line, io, interrupt, terminal) => shell.run(line, io, interrupt, { stdinIsTTY: true, ...(terminal ? { terminal } : {}) }) };
  };
}

/**
 * The shell looks programs up by own-property name in `commands`; this table
 * also answers for any name that is an executable on the host's PATH, looked
 * up when the shell asks (so newly installed programs appear).
 */
function withHostPrograms(own: Record<string, CommandRunner>, host: CommandRunner): Record<string, CommandRunner> {
  const onPath = (name: string | symbol): name is string =>
    typeof name === 'string' && !Object.prototype.hasOwnProperty.call(own, name) && isHostProgram(name);
  return new Proxy(own, {
    getOwnPropertyDescriptor: (target, name) =>
      onPath(name) ? { value: host, writable: false, enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(target, name),
    has: (target, name) => onPath(name) || Reflect.has(target, name),
    get: (target, name, receiver) => (onPath(name) ? host : Reflect.get(target, name, receiver)),
  });
}

function isHostProgram(name: string): boolean {
  if (name === '' || name.includes('/') || name === '.' || name === '..') return false;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** `sleep` in wall time; false when Ctrl-C cut it short. */
function wallSleep(ms: number, interrupt: Interrupt): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(true);
    }, ms);
    const off = interrupt.onInterrupt(() => {
      clearTimeout(timer);
      off();
      resolve(false);
    });
  });
}
