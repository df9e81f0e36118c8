import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { isLoopback, parsePublicUrl, tokenFileProblem } from './security';

const USAGE = `Usage:  glassbox agent [OPTIONS]

Start the real backend: serve Glassbox on 127.0.0.1 and drive this machine's
Docker Engine. Run it as root on Linux. It prints a URL with a one-time token.

Options:
      --port N             Listen on 127.0.0.1:N (default: any free port)
      --public-url URL     Also accept requests for URL (its Host and Origin), the
                           address browsers use when a proxy or a published port
                           stands in front of the agent; the printed URL is this one
      --listen ADDR:PORT   Listen on ADDR instead of 127.0.0.1, e.g. 0.0.0.0:7681 in a
                           container; an address other machines reach needs --public-url
      --token-file FILE    Take the token from FILE (64 hex digits, mode 600) instead of
                           making one, for a launcher that must know it in advance
      --host-shell         Let the terminal run host programs beyond docker (still no /bin/sh),
                           and make its files this machine's real files: what the page
                           writes (echo … > f, rm, mv) changes the host's disk
  -h, --help               Print usage
`;

export interface AgentArgs {
  /** 127.0.0.1 unless --listen says otherwise. */
  address: string;
  port: number;
  hostShell: boolean;
  publicUrl?: URL;
  tokenFile?: string;
}

/** `ADDR:PORT` with an IPv4 address or a bracketed IPv6 one; a string is what is wrong. */
export function parseListen(text: string): { address: string; port: number } | string {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const address = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || address === undefined || !(m[1] !== undefined ? isIPv6(address) : isIPv4(address)) || port > 65535) {
    return `invalid listen address: ${text} (want ADDR:PORT, e.g. 0.0.0.0:7681)`;
  }
  return { address, port };
}

/** Parses the agent's flags; a string is the usage error to print. */
export function parseAgentArgs(argv: readonly string[]): AgentArgs | 'help' | string {
  const args: AgentArgs = { address: '127.0.0.1', port: 0, hostShell: false };
  let portGiven = false;
  let listenGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string): string | undefined => (a === flag ? argv[++i] : a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : undefined);
    const is = (flag: string): boolean => a === flag || a.startsWith(`${flag}=`);
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--host-shell') args.hostShell = true;
    else if (is('--port')) {
      const v = value('--port');
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isInteger(n) || n < 0 || n > 65535) return `invalid port: ${v ?? '(missing)'}`;
      args.port = n;
      portGiven = true;
    } else if (is('--listen')) {
      const listen = parseListen(value('--listen') ?? '(missing)');
      if (typeof listen === 'string') return listen;
      Object.assign(args, listen);
      listenGiven = true;
    } else if (is('--public-url')) {
      const url = parsePublicUrl(value('--public-url') ?? '(missing)');
      if (typeof url === 'string') return url;
      args.publicUrl = url;
    } else if (is('--token-file')) {
      const file = value('--token-file');
      if (!file) return 'invalid token file: (missing)';
      args.tokenFile = file;
    } else return `unknown option: ${a}`;
  }
  if (portGiven && listenGiven) return '--port and --listen both set the port: give one';
  // A port others can reach, with only loopback names allowed, would refuse every
  // request anyway; say what is missing instead of starting an agent no one can use.
  if (!isLoopback(args.address) && !args.publicUrl) return `--listen ${args.address} is reachable from other machines: give --public-url, the address browsers open the agent at`;
  return args;
}

/** The token in `file`, or why it cannot be used. */
async function readTokenFile(file: string): Promise<{ token: string } | { problem: string }> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const problem = tokenFileProblem(text, info.mode);
    return problem ? { problem: `the token file ${file} ${problem}` } : { token: text.trim() };
  } catch (err) {
    return { problem: `cannot read the token file: ${(err as Error).message}` };
  }
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
  let token: string | undefined;
  if (args.tokenFile !== undefined) {
    const read = await readTokenFile(args.tokenFile);
    if ('problem' in read) {
      process.stderr.write(`glassbox agent: ${read.problem}\n`);
      return 1;
    }
    token = read.token;
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
      host: args.address,
      port: args.port,
      publicUrl: args.publicUrl,
      token,
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
  const where = args.publicUrl ? `Listening on ${formatAddress(args.address)}:${agent.port}, for requests to ${args.publicUrl.origin} and loopback only.\n` : '';
  process.stdout.write(
    `Glassbox agent: driving this machine's Docker Engine${args.hostShell ? ' (host shell enabled)' : ''}.\n` +
      where +
      `Open ${agent.url}\n` +
      `Anyone with this URL can run docker commands as root here: do not share it. Press Ctrl-C to stop.\n`,
  );
  await untilStopSignal();
  await agent.close();
  process.stdout.write('Glassbox agent stopped.\n');
  return 0;
}

/** Resolves at the first Ctrl-C (SIGINT) or SIGTERM: a server command's run until it is stopped. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function formatAddress(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
