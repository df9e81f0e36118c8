import type { Interrupt } from '../../core/ports';
import { HostShell } from '../../core/shell';
import type { LineShell } from './session';
import { type SpawnOptions, dockerRunner, hostProgramRunner } from './spawnRunner';

export interface AgentShellOptions {
  dockerBin: string;
  /** Whether programs beyond docker and the shell's built-in utilities may run on the host. */
  hostShell: boolean;
  hostname: string;
}

/**
 * The agent's terminal: core's host shell parses every line (pipes, `$( )`,
 * redirects, its own utilities and in-memory files), and only its `docker`
 * reaches the real machine, as an argv for the real CLI.
 */
export function createAgentShell(opts: AgentShellOptions): (spawn: SpawnOptions) => LineShell {
  return (spawn) => {
    const shell = new HostShell({
      commands: { docker: dockerRunner(opts.dockerBin, spawn) },
      hostname: opts.hostname,
      sleep: wallSleep,
      ...(opts.hostShell ? { fallback: hostProgramRunner(spawn) } : {}),
    });
    return { run: (line, io, interrupt) => shell.run(line, io, interrupt, { stdinIsTTY: true }) };
  };
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
