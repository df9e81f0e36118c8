import { existsSync } from 'node:fs';
import { parseListen, untilStopSignal } from '../agent/main';
import { isLoopback, parsePublicUrl } from '../agent/security';
import { defaultDbPath, loadSqlJs, readDbFile } from './dbFile';
import { ProgressStore } from './store';

const USAGE = `Usage:  glassbox classroom [OPTIONS]
        glassbox classroom export [--db PATH]

Relay a class's progress to the teacher's page. Each student's simulator runs
in their own browser; this server serves the app, receives only progress
(lesson, step, last failing check) and keeps it in a SQLite file.
It prints the teacher's URL (keep it private) and a join code for students.

Options:
      --port N             Listen on 127.0.0.1:N (default: any free port)
      --listen ADDR:PORT   Listen on ADDR instead, e.g. 0.0.0.0:7000 so students on the
                           classroom's LAN can join (this machine's addresses are allowed)
      --public-url URL     Also accept requests for URL (a proxy in front of the server)
      --db PATH            Keep progress in PATH (default: ${defaultDbPath()})
  -h, --help               Print usage

export writes every class's progress in the database as CSV to stdout.
`;

export interface ClassroomArgs {
  address: string;
  port: number;
  db: string;
  publicUrl?: URL;
}

/** Parses `glassbox classroom`'s flags (or `export`'s); a string is the usage error to print. */
export function parseClassroomArgs(argv: readonly string[], allowed: 'serve' | 'export' = 'serve'): ClassroomArgs | 'help' | string {
  const args: ClassroomArgs = { address: '127.0.0.1', port: 0, db: defaultDbPath() };
  let portGiven = false;
  let listenGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string): string | undefined => (a === flag ? argv[++i] : a.slice(flag.length + 1));
    const is = (flag: string): boolean => a === flag || a.startsWith(`${flag}=`);
    if (a === '-h' || a === '--help') return 'help';
    if (is('--db')) {
      const v = value('--db');
      if (!v) return 'invalid database path: (missing)';
      args.db = v;
    } else if (allowed === 'serve' && is('--port')) {
      const v = value('--port');
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isInteger(n) || n < 0 || n > 65535) return `invalid port: ${v ?? '(missing)'}`;
      args.port = n;
      portGiven = true;
    } else if (allowed === 'serve' && is('--listen')) {
      const listen = parseListen(value('--listen') ?? '(missing)');
      if (typeof listen === 'string') return listen;
      Object.assign(args, listen);
      listenGiven = true;
    } else if (allowed === 'serve' && is('--public-url')) {
      const url = parsePublicUrl(value('--public-url') ?? '(missing)');
      if (typeof url === 'string') return url;
      args.publicUrl = url;
    } else return `unknown option: ${a}`;
  }
  if (portGiven && listenGiven) return '--port and --listen both set the port: give one';
  return args;
}

/** `glassbox classroom [export]`. Resolves with the exit code. */
export async function classroomMain(argv: string[], staticDir: string): Promise<number> {
  const exporting = argv[0] === 'export';
  const args = parseClassroomArgs(exporting ? argv.slice(1) : argv, exporting ? 'export' : 'serve');
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    process.stderr.write(`glassbox classroom: ${args}\n\n${USAGE}`);
    return 2;
  }
  if (exporting) return exportCsv(args.db);
  if (!existsSync(staticDir)) {
    process.stderr.write(`glassbox classroom: the web app is not built yet (${staticDir} is missing). Run: npm run build\n`);
    return 1;
  }
  const { startClassroom } = await import('./server');
  let room;
  try {
    room = await startClassroom({
      host: args.address,
      port: args.port,
      publicUrl: args.publicUrl,
      staticDir,
      dbPath: args.db,
      log: (line) => process.stderr.write(`glassbox classroom: ${line}\n`),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`glassbox classroom: ${e.code === 'EADDRINUSE' ? `port ${args.port} is already in use` : e.message}\n`);
    return 1;
  }
  const lanNote = isLoopback(args.address) && !args.publicUrl ? 'Only this machine can join; for a classroom LAN use --listen 0.0.0.0:PORT.\n' : '';
  process.stdout.write(
    `Glassbox classroom: progress is kept in ${args.db}\n` +
      `Teacher (keep private): ${room.teacherUrl}\n` +
      `Join code: ${room.code}\n` +
      room.joinUrls.map((u) => `Students open: ${u}\n`).join('') +
      lanNote +
      'Press Ctrl-C to stop.\n',
  );
  await untilStopSignal();
  await room.close();
  process.stdout.write('Glassbox classroom stopped.\n');
  return 0;
}

async function exportCsv(path: string): Promise<number> {
  let bytes;
  try {
    bytes = await readDbFile(path);
  } catch (err) {
    process.stderr.write(`glassbox classroom: cannot read ${path}: ${(err as Error).message}\n`);
    return 1;
  }
  if (!bytes) {
    process.stderr.write(`glassbox classroom: no database at ${path}\n`);
    return 1;
  }
  let store;
  try {
    store = ProgressStore.open(await loadSqlJs(), bytes);
    process.stdout.write(store.csv());
  } catch (err) {
    process.stderr.write(`glassbox classroom: ${path} is not a classroom database: ${(err as Error).message}\n`);
    return 1;
  } finally {
    store?.close();
  }
  return 0;
}
