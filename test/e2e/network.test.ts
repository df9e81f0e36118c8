import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { docker, dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker } from '../support/requirements';
import { pageSuite, serveWithAgent, typeLine, waitForTerminal } from './harness';

/**
 * The network diagram on the real backend, in Chromium: the agent serves the
 * built page, commands are typed into its terminal, and the diagram shows the
 * real host. The shared engine means unique names and a random high port in
 * place of the issue's `--name web -p 8088:80`.
 */
describe.skipIf(!haveChromium() || !haveDocker())('the network diagram, on the real backend', () => {
  const web = uniqueName('gbnet-web');
  const net = uniqueName('gbnet-net');
  const port = randomInt(40_000, 60_000);
  const app = pageSuite('network-real', { serve: serveWithAgent });

  afterAll(() => {
    dockerQuiet('rm', '-f', web);
    dockerQuiet('network', 'rm', net);
  });

  test('docker run -d -p PORT:80 … httpd draws a cable from docker0 to the container and a door at PORT', async () => {
    const page = app.page;
    await typeLine(page, `docker run -d -p ${port}:80 --name ${web} busybox httpd -f -p 80`);
    await waitForTerminal(page, /^[0-9a-f]{64}$/m, { timeoutMs: 60_000 });
    await page.locator('[data-testid="tab-network"]').click();
    const box = page.locator(`.ctr[data-container="${web}"]`);
    await box.waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator(`[data-cable="bridge"][data-for="${web}"]`).waitFor({ state: 'attached', timeout: 20_000 });
    expect(await page.locator('[data-bridge="docker0"]').count()).toBe(1);
    await page.locator(`.door[data-port="${port}"][data-proto="tcp"]`).waitFor({ state: 'visible', timeout: 20_000 });

    // The host end the diagram names is the one netlink pairs with the container's eth0.
    const pid = docker('inspect', '-f', '{{.State.Pid}}', web).trim();
    const inside = JSON.parse(execFileSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', '-j', 'link', 'show', 'eth0'], { encoding: 'utf8' })) as { link_index: number }[];
    const hostEnd = JSON.parse(execFileSync('ip', ['-j', 'link'], { encoding: 'utf8' })) as { ifindex: number; ifname: string }[];
    const veth = hostEnd.find((l) => l.ifindex === inside[0]!.link_index)!.ifname;
    await expect.poll(() => box.textContent(), { timeout: 20_000 }).toContain(veth);
    expect(await box.textContent()).toMatch(/eth0 172\.\d+\.\d+\.\d+\/\d+/);
  });

  test('a packet path from localhost:PORT plays hop by hop into the container', async () => {
    const page = app.page;
    await page.locator(`.ctr[data-container="${web}"]`).click();
    const select = page.locator('[data-testid="flow-select"]');
    await expect.poll(() => select.locator('option').allTextContents(), { timeout: 10_000 }).toContain(`host: curl localhost:${port} → ${web}:80`);
    await select.selectOption({ label: `host: curl localhost:${port} → ${web}:80` });
    await page.locator('[data-testid="play-packet"]').click();
    await page.locator('[data-testid="packet"]').waitFor({ state: 'attached' });
    const caption = page.locator('[data-testid="hop-caption"]');
    // This daemon's nat OUTPUT jump skips 127.0.0.0/8, so localhost goes through docker-proxy.
    await expect.poll(() => caption.textContent(), { timeout: 15_000 }).toMatch(/docker-proxy/);
    await expect.poll(() => caption.textContent(), { timeout: 15_000 }).toMatch(/Bridge docker0/);
    await expect.poll(() => caption.textContent(), { timeout: 15_000 }).toMatch(/Process in .*80\/tcp/);
  });

  test('docker network create adds a bridge; docker network connect adds a cable (time to the page measured)', async () => {
    const page = app.page;
    await typeLine(page, `docker network create ${net}`);
    const bar = page.locator(`.bar[data-network="${net}"]`);
    await bar.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await bar.getAttribute('data-bridge')).toMatch(/^br-[0-9a-f]{12}$/);

    // Outside the page, as another terminal would: the time until the browser shows the new cable.
    const seen = page.waitForFunction(
      ([name, network]) => (document.querySelector(`[data-cable="${network}"][data-for="${name}"]`) ? performance.timeOrigin + performance.now() : null),
      [web, net] as const,
      { polling: 'raf', timeout: 20_000 },
    );
    const start = Date.now();
    execFileSync('docker', ['network', 'connect', net, web], { stdio: 'ignore' });
    const returned = Date.now();
    const shownAt = (await (await seen).jsonValue()) as number;
    process.stderr.write(`network: docker network connect → cable in the page: ${Math.round(shownAt - start)} ms from the command's start, ${Math.round(shownAt - returned)} ms after it returned\n`);
    expect(shownAt).toBeGreaterThan(start);
    await expect.poll(() => page.locator(`.ctr[data-container="${web}"] [data-network="${net}"]`).textContent(), { timeout: 10_000 }).toMatch(/eth1 /);
  });
});
