import { afterAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { docker, dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker, haveRoot } from '../support/requirements';
import { pageSuite, serveWithAgent, typeLine, waitForTerminal } from './harness';

/**
 * The layer diagram in Chromium: a file written inside a container shows up
 * added (A) in its container layer, a deleted one as a whiteout (D), each row
 * naming the layer it comes from, and the last change is captioned.
 */
const row = (path: string): string => `[data-testid="layers-tree"] [data-path="${path}"]`;

async function writeAndDelete(page: Page, name: string): Promise<void> {
  await page.locator('[data-testid="tab-layers"]').click();
  await page.locator(`[data-testid="layers-diagram"][data-container="${name}"]`).waitFor({ state: 'visible', timeout: 30_000 });
  // Before any change: /bin/vi comes from an image layer, and nothing is marked.
  await page.locator(row('/bin')).waitFor({ state: 'visible', timeout: 30_000 });
  expect(await page.locator('[data-testid="layers-tree"] [data-mark="A"]').count()).toBe(0);
  // The stack: image layer(s), the init layer and the container layer.
  expect(await page.locator('[data-layer-kind="container"][data-layer]').count()).toBe(1);
  expect(await page.locator('[data-layer-kind="init"][data-layer]').count()).toBe(1);

  await typeLine(page, `docker exec ${name} sh -c 'echo hi > /etc/motd'`);
  const motd = page.locator(row('/etc/motd'));
  await motd.waitFor({ state: 'visible', timeout: 30_000 });
  await expect.poll(() => motd.getAttribute('data-mark'), { timeout: 20_000 }).toBe('A');
  expect(await motd.getAttribute('data-layer-kind')).toBe('container');
  await expect.poll(() => page.locator('[data-testid="layers-caption"]').textContent(), { timeout: 20_000 }).toMatch(/\/etc\/motd added in the container layer/);

  await typeLine(page, `docker exec ${name} rm /bin/vi`);
  const vi = page.locator(row('/bin/vi'));
  await expect.poll(() => vi.getAttribute('data-mark'), { timeout: 30_000 }).toBe('D');
  expect(await vi.getAttribute('data-type')).toBe('deleted');
  expect(await vi.textContent()).toMatch(/whiteout/);
  await expect.poll(() => page.locator('[data-testid="layers-caption"]').textContent(), { timeout: 20_000 }).toMatch(/whiteout \/bin\/vi in the container layer hides it in L\d/);
  // The directory above the deleted file is changed (C), as docker diff says.
  expect(await page.locator(row('/bin')).getAttribute('data-mark')).toBe('C');
}

describe.skipIf(!haveChromium())('the layer diagram, on the simulated backend', () => {
  const app = pageSuite('layers-sim');

  test('echo hi > /etc/motd marks it added in the container layer; rm /bin/vi shows a whiteout', async () => {
    const page = app.page;
    await typeLine(page, 'docker run -d --name lay busybox sleep 300');
    await waitForTerminal(page, /^[0-9a-f]{64}$/m);
    await writeAndDelete(page, 'lay');
  });

  test('in 简体中文 the diagram’s labels are translated, the marks and paths are not', async () => {
    const page = app.page;
    const language = page.locator('[data-testid="language"]').first();
    await language.selectOption({ label: '简体中文' });
    await expect.poll(() => page.locator('[data-testid="layers-diagram"]').textContent(), { timeout: 10_000 }).toMatch(/合并视图/);
    expect(await page.locator('[data-testid="layers-caption"]').textContent()).toMatch(/容器层中的 whiteout \/bin\/vi/);
    expect(await page.locator(row('/etc/motd')).getAttribute('data-mark')).toBe('A');
    await language.selectOption({ label: 'English' });
  });
});

describe.skipIf(!haveChromium() || !haveDocker() || !haveRoot())('the layer diagram, on the real backend', () => {
  const name = uniqueName('gblayers-e2e');
  const app = pageSuite('layers-real', { serve: serveWithAgent });

  afterAll(() => dockerQuiet('rm', '-f', name));

  test('echo hi > /etc/motd marks it added in the container layer; rm /bin/vi shows a whiteout', async () => {
    const page = app.page;
    await typeLine(page, `docker run -d --name ${name} busybox sleep 300`);
    await waitForTerminal(page, /^[0-9a-f]{64}$/m, { timeoutMs: 60_000 });
    await writeAndDelete(page, name);
  });

  test('the sharing view lists busybox with its size and the layer tree', async () => {
    const page = app.page;
    await page.locator('[data-testid="layers-view-sharing"]').check();
    const busybox = page.locator('[data-testid="sharing-table"] [data-image="busybox:latest"]');
    await busybox.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await busybox.textContent()).toMatch(/busybox:latest\s*1\.98\dMB/);
    const top = JSON.parse(docker('image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox:latest')) as string[];
    await page.locator(`[data-testid="sharing-tree"] [data-layer="${top.at(-1)}"]`).waitFor({ state: 'visible', timeout: 20_000 });
  });
});
