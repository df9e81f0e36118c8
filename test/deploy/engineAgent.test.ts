import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { rawGet, rawUpgrade, uniqueName, waitFor } from '../agent/support';
import { type Browser, launchBrowser, terminalSelector, typeLine, waitForTerminal } from '../e2e/harness';
import { haveChromium, haveDocker, haveRoot } from '../support/requirements';
import { engineImage, imageProblem, privilegedFlags } from './engineImage';

/**
 * The engine + agent image (deploy/engine-agent) run as a student's pod would
 * be, on this machine's engine (Docker in Docker): privileged, the agent on
 * 0.0.0.0 inside, reached through a published loopback port. Chromium opens the
 * printed URL, runs docker in the page's terminal, and the Layers, Network and
 * Kernel views must show the inner engine, not this machine's.
 *
 * The image takes a minute or two to build (deploy/engine-agent/build.sh, run
 * by .ci/run), so without it this suite skips, even under REQUIRE_DOCKER=1.
 */
const problem = haveDocker() && haveRoot() && haveChromium() ? imageProblem() : 'no Docker, root or Chromium';
if (problem) process.stderr.write(`skipping the engine+agent image suite: ${problem}\n`);

/** `docker exec` into the engine+agent container: the inner engine's CLI, or a look at its /proc. */
function inside(name: string, ...args: string[]): string {
  return execFileSync('docker', ['exec', name, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(problem !== null)('the engine + agent image, run as a privileged container', () => {
  const name = uniqueName('gb-dind-engine');
  let port = 0;
  let url = '';
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    const flags = privilegedFlags();
    if (flags[0] !== '--privileged') process.stderr.write(`engine+agent: this host cannot grant every capability, so --privileged is spelled out without them: ${flags.join(' ')}\n`);
    execFileSync('docker', [
      'run', '-d', '--name', name, ...flags,
      // On a cgroup v1 host the inner containers' /proc/PID/cgroup must name paths under this container's own cgroup root.
      '--cgroupns', 'private',
      '-p', `127.0.0.1:${port}:7681`,
      '-e', `GLASSBOX_PUBLIC_URL=http://127.0.0.1:${port}/`,
      engineImage,
    ], { stdio: 'pipe' });
    const started = Date.now();
    url = await waitFor('the agent URL in docker logs', () => {
      const logs = spawnSync('docker', ['logs', name], { encoding: 'utf8' });
      const found = /^Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})$/m.exec(logs.stdout);
      if (!found && /glassbox-engine-agent: .*(did not start|cannot mount|set GLASSBOX_PUBLIC_URL)/.test(logs.stderr)) throw new Error(`the container failed:\n${logs.stderr}`);
      return found?.[1];
    }, 120_000);
    process.stderr.write(`engine+agent: dockerd and the agent up ${Date.now() - started} ms after docker run\n`);
    // No registry here: the inner engine gets busybox from this machine's engine.
    execFileSync('sh', ['-c', `docker save busybox:latest | docker exec -i ${name} docker load`], { stdio: 'pipe', timeout: 120_000 });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
    await page.goto(url);
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-testid="backend-status"][data-connection="open"]').waitFor({ state: 'attached', timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    // -v: the inner engine's /var/lib/docker is an anonymous volume.
    spawnSync('docker', ['rm', '-f', '-v', name], { stdio: 'ignore' });
  });

  afterEach(() => {
    // An uncaught exception in the page is a defect even when the screen looks right.
    expect(pageErrors.splice(0)).toEqual([]);
  });

  test('prints a URL for the published port; the token stays mandatory there and Host and Origin are checked', async () => {
    const host = `127.0.0.1:${port}`;
    const token = new URL(url).searchParams.get('token')!;
    expect((await rawGet(port, '/api/capabilities', { host })).status).toBe(401);
    expect((await rawGet(port, '/api/capabilities', { host, authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await rawGet(port, '/', { host: 'evil.example' })).status).toBe(403);
    expect((await rawGet(port, '/', { host: `127.0.0.1:${port + 1}` })).status).toBe(403);
    const upgrade = { host, 'sec-websocket-protocol': `glassbox.v1, glassbox.token.${token}` };
    expect((await rawUpgrade(port, '/ws', { ...upgrade, origin: 'http://evil.example' })).status).toBe(403);
    expect((await rawUpgrade(port, '/ws', { ...upgrade, origin: `http://${host}` })).status).toBe(101);
  });

  test('docker run --rm busybox echo hi, typed in the page, runs on the inner engine', async () => {
    await typeLine(page, 'docker run --rm busybox echo hi');
    await waitForTerminal(page, /^hi$/m, { timeoutMs: 60_000 });
    // The engine is this student's own: a name taken on this machine's engine is free in there.
    await typeLine(page, 'docker run -d --name web --memory 64m busybox sleep 300');
    await waitForTerminal(page, /^[0-9a-f]{64}$/m, { timeoutMs: 60_000 });
    // The CLI prints the id of a detached container before its start returns.
    await waitFor('web up in the inner engine', () => /^web Up /.test(inside(name, 'docker', 'ps', '-a', '--format', '{{.Names}} {{.Status}}')), 30_000);
  });

  test('the Layers view reads the inner engine’s overlay2: a file written in the container is added in its container layer', async () => {
    await page.locator('[data-testid="tab-layers"]').click();
    await page.locator('[data-testid="layers-diagram"][data-container="web"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('[data-layer-kind="container"][data-layer]').count()).toBe(1);
    await typeLine(page, `docker exec web sh -c 'echo hi > /etc/motd'`);
    const motd = page.locator('[data-testid="layers-tree"] [data-path="/etc/motd"]');
    await expect.poll(() => motd.getAttribute('data-mark'), { timeout: 30_000 }).toBe('A');
    expect(await motd.getAttribute('data-layer-kind')).toBe('container');
  });

  test('the Network view draws the inner docker0 and the container’s address on it', async () => {
    await page.locator('[data-testid="tab-network"]').click();
    const box = page.locator('.ctr[data-container="web"]');
    await box.waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-cable="bridge"][data-for="web"]').waitFor({ state: 'attached', timeout: 20_000 });
    expect(await page.locator('[data-bridge="docker0"]').count()).toBe(1);
    const ip = inside(name, 'docker', 'inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web').trim();
    // The inner engine picks a subnet this machine's docker0 does not use.
    const outer = execFileSync('docker', ['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', 'bridge'], { encoding: 'utf8' }).trim();
    expect(ip.split('.').slice(0, 2).join('.')).not.toBe(outer.split('.').slice(0, 2).join('.'));
    await expect.poll(() => box.textContent(), { timeout: 20_000 }).toContain(`eth0 ${ip}/`);
  });

  test('the Kernel view shows the inner container’s namespaces as readlink does inside, and its memory limit', async () => {
    await page.locator('[data-testid="tab-kernel"]').click();
    const pid = inside(name, 'docker', 'inspect', '-f', '{{.State.Pid}}', 'web').trim();
    const net = /\[(\d+)\]/.exec(inside(name, 'readlink', `/proc/${pid}/ns/net`))![1]!;
    const cell = page.locator('[data-ns-row="web"] .cell[data-ns="net"]');
    await cell.waitFor({ state: 'attached', timeout: 30_000 });
    expect(await cell.getAttribute('data-inode')).toBe(net);
    // The pid is the one the inner engine knows, in the pod's pid namespace.
    expect(await page.locator(`.proc.container[data-pid="${pid}"]`).count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="kernel-diagram"]').textContent(), { timeout: 20_000 }).toContain('/ 64MiB');
  });

  test('the page sees the inner engine only: none of this machine’s containers, and its own processes in the pod', async () => {
    await typeLine(page, "docker ps -a --format 'name={{.Names}}'");
    const text = await waitForTerminal(page, /^name=web$/m);
    expect(text.match(/^name=.*$/gm)).toEqual(['name=web']);
    const processes = inside(name, 'ps', '-eo', 'comm=').split('\n').map((s) => s.trim());
    expect(processes).toEqual(expect.arrayContaining(['tini', 'dockerd', 'containerd', 'node', 'sleep']));
    // The cost of a student's pod (deploy/jupyterhub/README.md): five containers and the page.
    for (let i = 0; i < 4; i++) inside(name, 'docker', 'run', '-d', 'busybox', 'sleep', '300');
    await waitFor('five running containers', () => inside(name, 'docker', 'ps', '-q').trim().split('\n').length === 5, 30_000);
    // The page takes in the new containers (its snapshot) before the memory is read.
    await page.waitForTimeout(3000);
    const stats = execFileSync('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}, {{.PIDs}} pids', name], { encoding: 'utf8' }).trim();
    process.stderr.write(`engine+agent: with five containers inside and this page connected: ${stats}\n`);
  });
});

describe.skipIf(!haveDocker() || imageProblem() !== null)('the engine + agent entrypoint, misused', () => {
  const run = (...args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync('docker', ['run', '--rm', '--name', uniqueName('gb-dind-refused'), ...args, engineImage], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stderr: r.stderr };
  };

  test('without GLASSBOX_PUBLIC_URL it says what to set and exits 2, starting nothing', () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('glassbox-engine-agent: set GLASSBOX_PUBLIC_URL to the address browsers will open, e.g.');
  });

  test('without privileges it says to run it privileged and exits 1', () => {
    const r = run('-e', 'GLASSBOX_PUBLIC_URL=http://127.0.0.1:7681/');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('glassbox-engine-agent: this container cannot mount: run it with --privileged (Kubernetes: securityContext.privileged: true)\n');
  });
});
