import { afterAll, describe, expect, test } from 'vitest';
import { registryImage } from '../agent/registryImage';
import { docker, dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker, haveRoot } from '../support/requirements';
import { pageSuite, serveWithAgent, typeLine, waitForTerminal } from './harness';

/**
 * The Registry view on the real engine, in the page the agent serves: a
 * registry container started in the page's terminal, a real push, and the
 * layer it sent, then skipped on the second push.
 */
const ready = haveChromium() && haveDocker() && haveRoot();
const image = ready ? registryImage() : null;

describe.skipIf(!ready || image === null)('the registry view, on the real engine', () => {
  const reg = uniqueName('gb-views-e2e-reg');
  const repo = uniqueName('gb-views'); // short enough for the row: gb-views-<10 hex>:latest
  const app = pageSuite('registry-real', { serve: serveWithAgent });
  let host = '';
  afterAll(() => {
    dockerQuiet('rm', '-f', reg);
    if (host) dockerQuiet('rmi', `${host}/${repo}`);
  });

  test('a real push sends its layer the first time and skips it the second', async () => {
    const page = app.page;
    await typeLine(page, `docker run -d --name ${reg} -p 127.0.0.1::5000 ${image!}`);
    await waitForTerminal(page, /^[0-9a-f]{64}$/m, { timeoutMs: 30_000 });
    host = `localhost:${docker('port', reg, '5000/tcp').trim().split(':').at(-1)!}`;
    await page.locator('[data-testid="tab-registry"]').click();
    const diagram = page.locator('[data-testid="registry-diagram"]');
    const box = diagram.locator(`[data-registry="${host}"]`);
    await box.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await box.getAttribute('aria-label')).toBe(`${host} (container ${reg}): running · no login · insecure (plain HTTP)`);

    await typeLine(page, `docker tag busybox:latest ${host}/${repo}`);
    await typeLine(page, `docker push ${host}/${repo}`);
    await waitForTerminal(page, /^latest: digest: sha256:/m, { timeoutMs: 60_000 });
    const caption = diagram.locator('[data-testid="registry-caption"]');
    await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toBe(`docker push ${host}/${repo}:latest: 1 sent, 0 skipped`);
    await expect.poll(() => box.textContent(), { timeout: 30_000 }).toContain(`${repo}:latest`);

    await typeLine(page, `docker push ${host}/${repo}`);
    await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toBe(`docker push ${host}/${repo}:latest: 0 sent, 1 skipped`);
    expect(await diagram.locator('.chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['exists']);
  });
});
