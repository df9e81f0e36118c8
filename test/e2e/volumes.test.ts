import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * The Volumes view in Chromium, on the simulated backend: the selected
 * container's mount points beside its union filesystem, each with the host
 * directory it shows, and the engine's volumes with the containers using them.
 */
describe.skipIf(!haveChromium())('the volumes view, on the simulated backend', () => {
  const app = pageSuite('volumes-sim');

  test('draws a container\'s volume, bind mount and tmpfs, then every volume and its users', async () => {
    const page = app.page;
    await typeLine(page, 'mkdir -p /srv/site');
    await typeLine(page, 'docker run -d --name vol -v data:/data -v /srv/site:/www:ro --tmpfs /run busybox sleep 300');
    await waitForTerminal(page, /^[0-9a-f]{64}$/m);
    await page.locator('[data-testid="tab-volumes"]').click();
    const diagram = page.locator('[data-testid="volumes-diagram"][data-container="vol"]');
    await diagram.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await diagram.locator('[data-mount]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-mount')} ${e.getAttribute('data-mount-type')}`))).toEqual([
      '/data volume',
      '/run tmpfs',
      '/www bind',
    ]);
    expect(await diagram.locator('[data-mount="/data"]').getAttribute('aria-label')).toBe('/data: volume data, read-write, on the host at /var/lib/docker/volumes/data/_data');
    expect(await diagram.locator('[data-mount="/www"]').textContent()).toContain('/srv/site');

    await typeLine(page, 'docker volume create spare');
    await page.locator('[data-testid="volumes-view-engine"]').check();
    const engine = page.locator('[data-testid="volumes-engine"]');
    await engine.locator('[data-volume="spare"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await engine.locator('[data-volume]').evaluateAll((els) => els.map((e) => e.getAttribute('data-volume')))).toEqual(['data', 'spare']);
    expect(await engine.locator('[data-volume="spare"]').textContent()).toContain('unused (dangling)');
    expect(await engine.locator('[data-container="vol"]').count()).toBe(1);
  });
});
