import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * The network diagram on the simulated backend: the same drawing from the
 * simulator's network model.
 */
describe.skipIf(!haveChromium())('the network diagram, on the simulated backend', () => {
  const app = pageSuite('network-sim');

  test('docker run -d -p 8088:80 --name web busybox httpd -f -p 80 draws a cable from docker0 to web and a door at 8088', async () => {
    const page = app.page;
    await typeLine(page, 'docker run -d -p 8088:80 --name web busybox httpd -f -p 80');
    await waitForTerminal(page, /^[0-9a-f]{64}$/m);
    await page.locator('[data-testid="tab-network"]').click();
    await page.locator('.ctr[data-container="web"]').waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('[data-cable="bridge"][data-for="web"]').waitFor({ state: 'attached' });
    expect(await page.locator('.bar[data-network="bridge"]').getAttribute('data-bridge')).toBe('docker0');
    await page.locator('.door[data-port="8088"][data-proto="tcp"]').waitFor({ state: 'visible' });
    const text = await page.locator('.ctr[data-container="web"]').textContent();
    expect(text).toMatch(/eth0 172\.17\.0\.2\/16/);
    expect(text).toMatch(/02:42:ac:11:00:02/);
    expect(text).toMatch(/host end veth[0-9a-f]{7}/);
    expect(await page.locator('.door[data-port="8088"]').textContent()).toMatch(/0\.0\.0\.0:8088\/tcp.*→ 172\.17\.0\.2:80/);
  });

  test('a veth op picked in the Trace view lights up that interface in the Network view', async () => {
    const page = app.page;
    await page.locator('[data-testid="tab-trace"]').click();
    await page.locator('[data-testid="trace-mode-table"]').check();
    const vethOp = page.locator('[data-testid="trace-diagram"] .op[data-op="link.add"][aria-label*="type=veth"]').first();
    await vethOp.waitFor({ state: 'visible', timeout: 20_000 });
    await vethOp.click();
    await page.locator('[data-testid="tab-network"]').click();
    await page.locator('.ctr[data-container="web"] .iface.lit').waitFor({ state: 'attached', timeout: 10_000 });
  });

  test('docker network create mynet adds a bridge; a container on it hangs from it', async () => {
    const page = app.page;
    await typeLine(page, 'docker network create mynet');
    await page.locator('.bar[data-network="mynet"]').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator('.bar[data-network="mynet"]').getAttribute('data-bridge')).toMatch(/^br-[0-9a-f]{12}$/);
    await typeLine(page, 'docker run -d --name db --network mynet busybox sleep 300');
    await page.locator('[data-cable="mynet"][data-for="db"]').waitFor({ state: 'attached', timeout: 20_000 });
  });

  test('curl localhost:8088 plays from the host through the published port into web', async () => {
    const page = app.page;
    await page.locator('.ctr[data-container="web"]').click();
    const select = page.locator('[data-testid="flow-select"]');
    await select.selectOption({ label: 'host: curl localhost:8088 → web:80' });
    await page.locator('[data-testid="play-packet"]').click();
    const caption = page.locator('[data-testid="hop-caption"]');
    await expect.poll(() => caption.textContent(), { timeout: 15_000 }).toMatch(/Bridge docker0/);
    await expect.poll(() => caption.textContent(), { timeout: 15_000 }).toMatch(/Process in web: 80\/tcp/);
  });

  test('modes: none has only lo, host sits in the host stack, container: shares its owner', async () => {
    const page = app.page;
    await typeLine(page, 'docker run -d --name iso --network none busybox sleep 300');
    await typeLine(page, 'docker run -d --name hn --network host busybox sleep 300');
    await typeLine(page, 'docker run -d --name side --network container:web busybox sleep 300');
    await page.locator('.ctr[data-container="iso"][data-mode="none"]').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator('.ctr[data-container="iso"]').textContent()).toMatch(/lo 127\.0\.0\.1\/8/);
    await page.locator('.ctr[data-container="hn"][data-mode="host"]').waitFor({ state: 'visible' });
    await page.locator('.ctr[data-container="web"] [data-container="side"]').waitFor({ state: 'attached', timeout: 20_000 });
  });

  test('exports the drawing as a standalone SVG with its text labels', async () => {
    const page = app.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-svg"]').click()]);
    expect(download.suggestedFilename()).toBe('glassbox-network.svg');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toMatch(/^<\?xml/);
    expect(text).toContain('docker0');
    expect(text).toContain('0.0.0.0:8088/tcp');
    expect(text).toContain('>web<');
    expect(text).not.toContain('tabindex');
  });

  test('speaks 简体中文: the tab, the bridge and the door', async () => {
    const page = app.page;
    await page.locator('select').filter({ has: page.locator('option', { hasText: '简体中文' }) }).first().selectOption({ label: '简体中文' });
    await expect.poll(() => page.locator('[data-testid="tab-network"]').textContent(), { timeout: 10_000 }).toBe('网络');
    await expect.poll(() => page.locator('.bar[data-network="bridge"]').textContent()).toContain('网络“bridge”');
    expect(await page.locator('.door[data-port="8088"] title').textContent()).toMatch(/^发布的端口 0\.0\.0\.0:8088\/tcp/);
    await page.locator('select').filter({ has: page.locator('option', { hasText: 'English' }) }).first().selectOption({ label: 'English' });
  });
});
