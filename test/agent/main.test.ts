import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveDocker } from '../support/requirements';
import { rawGet, waitFor } from './support';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** `glassbox agent` as its own process, with a stand-in web app. */
function agentProcess(dir: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const script = join(dir, 'agent.mts');
  writeFileSync(
    script,
    `import { agentMain } from ${JSON.stringify(join(repo, 'backends/agent/main.ts'))};\n` +
      `process.exitCode = await agentMain(process.argv.slice(2), ${JSON.stringify(join(dir, 'web'))});\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

describe.skipIf(!haveDocker())('glassbox agent (the command)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gbtest-agent-main-'));
    mkdirWeb(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a URL with its token, serves the page, and stops cleanly on SIGINT', async () => {
    const p = agentProcess(dir, ['--port', '0']);
    const url = await waitFor('the URL', () => /Open (http:\/\/127\.0\.0\.1:(\d+)\/\?token=[0-9a-f]{64})\n/.exec(p.out.stdout) ?? undefined, 60_000);
    const page = await rawGet(Number(url[2]), '/', { host: `127.0.0.1:${url[2]}` });
    expect(page.body).toContain('stand-in page');
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.out.stdout).toContain('Glassbox agent stopped.');
  });

  it('says clearly when Docker does not answer', async () => {
    const p = agentProcess(dir, [], { ...process.env, DOCKER_HOST: 'unix:///tmp/gbtest-no-such-docker.sock' });
    expect(await p.exited).toBe(1);
    expect(p.out.stderr).toBe('glassbox agent: cannot connect to the Docker daemon at /tmp/gbtest-no-such-docker.sock. Is the docker daemon running?\n');
  });

  it('behind a published port: listens on 0.0.0.0, prints the public URL with the token from --token-file', async () => {
    const tokenFile = join(dir, 'token');
    const token = 'e1'.repeat(32);
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const p = agentProcess(dir, ['--listen', '0.0.0.0:0', '--public-url', 'http://127.0.0.1:41234', '--token-file', tokenFile]);
    const port = await waitFor('the address', () => /Listening on 0\.0\.0\.0:(\d+), for requests to http:\/\/127\.0\.0\.1:41234 and loopback only\.\n/.exec(p.out.stdout)?.[1], 60_000);
    expect(p.out.stdout).toContain(`Open http://127.0.0.1:41234/?token=${token}\n`);
    expect((await rawGet(Number(port), '/', { host: '127.0.0.1:41234' })).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('refuses a token file others can read (exit 1)', async () => {
    const tokenFile = join(dir, 'token-shared');
    writeFileSync(tokenFile, 'e1'.repeat(32), { mode: 0o644 });
    chmodSync(tokenFile, 0o644);
    const p = agentProcess(dir, ['--token-file', tokenFile]);
    expect(await p.exited).toBe(1);
    expect(p.out.stderr).toBe(`glassbox agent: the token file ${tokenFile} is readable or writable by others (mode 644): chmod 600 it\n`);
  });

  it('refuses --listen on an outside address without --public-url (exit 2)', async () => {
    const p = agentProcess(dir, ['--listen', '0.0.0.0:7681']);
    expect(await p.exited).toBe(2);
    expect(p.out.stderr).toMatch(/^glassbox agent: --listen 0\.0\.0\.0 is reachable from other machines: give --public-url, the address browsers open the agent at\n\nUsage:/);
  });

  it('refuses an unknown flag with usage (exit 2)', async () => {
    const p = agentProcess(dir, ['--host', '0.0.0.0']);
    expect(await p.exited).toBe(2);
    expect(p.out.stderr).toMatch(/^glassbox agent: unknown option: --host\n\nUsage:  glassbox agent/);
  });
});

function mkdirWeb(dir: string): void {
  const web = join(dir, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><p>stand-in page</p>\n');
}
