import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';

const USAGE = `Usage:  glassbox agent [OPTIONS]

Start the real backend: serve Glassbox on 127.0.0.1 and drive this machine's
Docker Engine. Run it as root on Linux. It prints a URL with a one-time token.

Options:
      --port N       Listen on port N (default: any free port)
      --host-shell   Let the terminal run host programs beyond docker (still no /bin/sh)
  -h, --help         Print usage
`;

interface AgentArgs {
  port: number;
  hostShell: boolean;
}

/** Parses the agent's flags; a string is the usage error to print. */
export function parseAgentArgs(argv: readonly string[]): AgentArgs | 'help' | string {
  const args: AgentArgs = { port: 0, hostShell: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--host-shell') args.hostShell = true;
    else if (a === '--port' || a.startsWith('--port=')) {
      const v = a === '--port' ? argv[++i] : a.slice('--port='.length);
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isInteger(n) || n < 0 || n > 65535) return `invalid port: ${v ?? '(missing)'}`;
      args.port = n;
    } else return `unknown option: ${a}`;
  }
  return args;
}

/** Why the Docker Engine cannot be used, in words a user can act on; null when it answers. */
async function dockerProblem(dockerBin: string): Promise<string | null> {
  try {
    await new Dockerode().ping();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { address?: string };
    const where = e.address ?? process.env.DOCKER_HOST ?? '/var/run/docker.sock';
    if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied on ${where}: run the agent as root (sudo glassbox agent)`;
    if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') return `cannot connect to the Docker daemon at ${where}. Is the docker daemon running?`;
    return `the Docker daemon does not answer: ${e.message}`;
  }
  const cli = await new Promise<ExecFileException | null>((resolve) => execFile(dockerBin, ['--version'], (err) => resolve(err)));
  if (cli) return cli.code === 'ENOENT' ? `the docker CLI (${dockerBin}) is not installed or not on PATH` : `the docker CLI does not run: ${cli.message}`;
  return null;
}

/**
 * `glassbox agent [--port N] [--host-shell]`: checks Docker, starts the agent,
 * prints its URL and runs until SIGINT/SIGTERM. Resolves with the exit code.
 * `staticDir` is the built web app (tests pass their own).
 */
export async function agentMain(argv: string[], staticDir = fileURLToPath(new URL('../../dist/web', import.meta.url))): Promise<number> {
  const args = parseAgentArgs(argv);
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    process.stderr.write(`glassbox agent: ${args}\n\n${USAGE}`);
    return 2;
  }
  if (!existsSync(staticDir)) {
    process.stderr.write(`glassbox agent: the web app is not built yet (${staticDir} is missing). Run: npm run build\n`);
    return 1;
  }
  const dockerBin = 'docker';
  const problem = await dockerProblem(dockerBin);
  if (problem) {
    process.stderr.write(`glassbox agent: ${problem}\n`);
    return 1;
  }
  const { startAgent } = await import('./server');
  let agent;
  try {
    agent = await startAgent({
      port: args.port,
      staticDir,
      hostShell: args.hostShell,
      dockerBin,
      log: (line) => process.stderr.write(`glassbox agent: ${line}\n`),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`glassbox agent: ${e.code === 'EADDRINUSE' ? `port ${args.port} is already in use` : e.message}\n`);
    return 1;
  }
  process.stdout.write(
    `Glassbox agent: driving this machine's Docker Engine${args.hostShell ? ' (host shell enabled)' : ''}.\n` +
      `Open ${agent.url}\n` +
      `Anyone with this URL can run docker commands as root here: do not share it. Press Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await agent.close();
  process.stdout.write('Glassbox agent stopped.\n');
  return 0;
}
