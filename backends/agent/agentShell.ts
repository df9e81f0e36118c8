import { accessSync, constants, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Interrupt } from '../../core/ports';
import type { CommandRunner } from '../../core/process';
import { HostShell } from '../../core/shell/hostShell';
import { MemFs } from '../../core/shell/memfs';
import { DiskFs } from './diskFs';
import { withMemoryContext } from './buildContext';
import { machinelessUtilities } from '../../core/shell/utils';
import type { LineShell } from './session';
import { type SpawnOptions, dockerRunner, hostProgramRunner } from './spawnRunner';

export interface AgentShellOptions {
  dockerBin: string;
  /** Whether programs on the host's PATH may run (the shell's builtins still come first). */
  hostShell: boolean;
  hostname: string;
  /** The shell's first working directory (tests); else the home of the agent's user, as HostShell sets it. */
  cwd?: string;
}

/**
 * The agent's terminal: core's host shell parses every line (pipes, `$( )`,
 * redirects, its own utilities), and only its `docker` reaches the real
 * machine, as an argv for the real CLI. With `hostShell`, programs found on
 * the host's PATH run for real too, still as an argv, and the shell's files
 * are the host's real files (DiskFs).
 */
export function createAgentShell(opts: AgentShellOptions): (spawn: SpawnOptions) => LineShell {
  return (spawn) => {
    const clock = { now: () => Date.now() };
    if (opts.hostShell) {
      // The operator opted in with --host-shell: the page may read and write
      // this machine's disk as the agent's user. Without it a page must never
      // touch the host's files, so the shell keeps them in memory (below).
      const run: SpawnOptions = { ...spawn, shellCwd: true };
      const docker = dockerRunner(opts.dockerBin, run);
      const user = userInfo();
      const shell = new HostShell({
        fs: new DiskFs(),
        commands: withHostPrograms({ docker }, hostProgramRunner(run)),
        hostname: opts.hostname,
        utilities: machinelessUtilities(),
        sleep: wallSleep,
        clock,
        // The real user and home; the disk is not the shell's to furnish.
        ...(user.uid === 0 ? {} : { user: user.username, env: { HOME: user.homedir } }),
        cwd: opts.cwd ?? (user.uid === 0 ? '/root' : user.homedir),
        makeDirs: false,
      });
      return { run: (line, io, interrupt, terminal) => shell.run(line, io, interrupt, { stdinIsTTY: true, ...(terminal ? { terminal } : {}) }) };
    }
    // The shell's files live here, in memory; `docker build` of a context among them is written out for the real CLI.
    const fs = new MemFs(() => clock.now());
    const docker = withMemoryContext(dockerRunner(opts.dockerBin, spawn), fs);
    const shell = new HostShell({
      fs,
      commands: { docker },
      hostname: opts.hostname,
      utilities: machinelessUtilities(),
      sleep: wallSleep,
      clock,
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
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
