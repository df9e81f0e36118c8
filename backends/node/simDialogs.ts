import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EditRequest, TerminalIO } from '../../core/backend';

/**
 * The page's dialogs for `glassbox sim` at a terminal: `vi FILE` opens the
 * host's own $VISUAL or $EDITOR (vi if neither is set) on a temporary copy
 * and reads it back (saved when the editor wrote the file; quit when it did
 * not); `docker login`'s browser is a prompt for the Docker ID, labelled as
 * the simulated Docker Hub. Without a terminal there are none (simCli.ts).
 */
export function terminalDialogs(readLine: () => Promise<string | undefined>, env: NodeJS.ProcessEnv = process.env): Required<Pick<TerminalIO, 'edit' | 'signIn'>> {
  return {
    edit: (request) => Promise.resolve(editOnHost(request, env)),
    signIn: async (request) => {
      process.stderr.write(`\n[simulated browser: Docker Hub device activation, simulated by Glassbox]\n${request.url}\nOne-time code: ${request.code}\nDocker ID (username), or an empty line to close the page: `);
      const user = (await readLine())?.trim() ?? '';
      return user === '' ? null : user;
    },
  };
}

/** Edits a temporary copy of the file in the host's editor; the text if the editor wrote it, else null. */
export function editOnHost(request: EditRequest, env: NodeJS.ProcessEnv): string | null {
  const [program, ...args] = (env.VISUAL || env.EDITOR || 'vi').trim().split(/\s+/);
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-edit-'));
  const file = join(dir, basename(request.path) || 'file');
  try {
    writeFileSync(file, request.content);
    const before = statSync(file).mtimeMs;
    if (request.error !== undefined) process.stderr.write(`${request.error}\n`);
    const r = spawnSync(program!, [...args, file], { stdio: 'inherit' });
    if (r.error) {
      process.stderr.write(`glassbox: cannot start the editor ${program}: ${r.error.message}\n`);
      return null;
    }
    return statSync(file).mtimeMs !== before ? readFileSync(file, 'utf8') : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
