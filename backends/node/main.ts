import { fileURLToPath } from 'node:url';
import { serveMain } from './serve';
import { simMain } from './simCli';

const USAGE = `Usage:  glassbox [COMMAND]

Glassbox: see what each docker command does to a container, its layers, its network and the kernel.

Commands:
  (none)      Serve the web app with the simulated backend on 127.0.0.1 (--port N, default 5170)
  sim         Run terminal lines from stdin against the simulated engine (--jsonl, --seed)
  lesson      Check lesson files on the simulated engine, or write a new one
  agent       Start the real backend: drive this machine's Docker Engine (root)
  classroom   Relay a class's progress to the teacher's page (join code, live view, CSV export)

Run 'glassbox COMMAND --help' for more information on a command.
`;

const staticDir = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** The `glassbox` bin. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return serveMain([], staticDir);
    case 'sim':
      return simMain(rest);
    case 'lesson': {
      const { lessonMain } = await import('./lessonCli');
      return lessonMain(rest);
    }
    case 'agent': {
      const { agentMain } = await import('../agent/main');
      return agentMain(rest);
    }
    case 'classroom': {
      const { classroomMain } = await import('../classroom/main');
      return classroomMain(rest, staticDir);
    }
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      if (command.startsWith('--')) return serveMain(argv, staticDir);
      process.stderr.write(`glassbox: unknown command: ${command}\n\n${USAGE}`);
      return 1;
  }
}
