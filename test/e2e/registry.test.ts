import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, repoRoot, typeLine, waitForTerminal } from './harness';

/**
 * The Registry view in Chromium, on the simulated backend: a registry:2
 * container beside the Hub and the local store, and a push's layers on the
 * lane — sent the first time, skipped the second.
 */
describe.skipIf(!haveChromium())('the registry view, on the simulated backend', () => {
  const app = pageSuite('registry-sim');

  test('shows the registry, what a push stored, and which layers the push sent or skipped', async () => {
    const page = app.page;
    await page.locator('[data-testid="tab-registry"]').click();
    const diagram = page.locator('[data-testid="registry-diagram"]');
    await diagram.locator('[data-testid="registry-none"]').waitFor({ state: 'visible', timeout: 30_000 });
    await typeLine(page, 'docker run -d -p 5000:5000 --name=registry registry');
    await waitForTerminal(page, /^[0-9a-f]{64}$/m, { timeoutMs: 60_000 });
    await expect.poll(() => diagram.locator('[data-testid="registry-none"]').count(), { timeout: 30_000 }).toBe(0);
    await diagram.locator('[data-registry="localhost:5000"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await diagram.locator('[data-registry]').evaluateAll((els) => els.map((e) => e.getAttribute('data-registry')))).toEqual(['docker.io', 'localhost:5000']);
    expect(await diagram.locator('[data-registry="localhost:5000"]').getAttribute('aria-label')).toBe('localhost:5000 (container registry): running · no login · insecure (plain HTTP)');

    await typeLine(page, 'docker pull busybox');
    await waitForTerminal(page, /^Status: Downloaded newer image for busybox:latest$/m, { timeoutMs: 60_000 });
    await typeLine(page, 'docker tag busybox localhost:5000/bb');
    await typeLine(page, 'docker push localhost:5000/bb');
    await waitForTerminal(page, /^latest: digest: sha256:/m, { timeoutMs: 60_000 });
    await expect.poll(() => diagram.locator('[data-testid="registry-caption"]').textContent(), { timeout: 30_000 }).toBe('docker push localhost:5000/bb:latest: 1 sent, 0 skipped');
    expect(await diagram.locator('[data-registry="localhost:5000"]').textContent()).toContain('bb:latest');
    await page.screenshot({ path: await shot('registry-push'), fullPage: true });

    await typeLine(page, 'docker push localhost:5000/bb');
    await expect.poll(() => diagram.locator('[data-testid="registry-caption"]').textContent(), { timeout: 30_000 }).toBe('docker push localhost:5000/bb:latest: 0 sent, 1 skipped');
    expect(await diagram.locator('.chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['exists']);
    await page.screenshot({ path: await shot('registry-push-again'), fullPage: true });
    // The earlier push can be chosen from the list, by keyboard.
    const first = diagram.locator('[data-transfer="3"]'); // 1 and 2 were the pulls of registry and busybox
    await first.focus();
    await page.keyboard.press('Enter');
    expect(await diagram.locator('.chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['pushed']);
  });

  test('lists a volume’s data directory on the host when its path is clicked', async () => {
    const page = app.page;
    await typeLine(page, "docker run -d --name vols -v gbdata:/data busybox sh -c 'echo hello > /data/greeting; sleep 300'");
    await waitForTerminal(page, /^[0-9a-f]{64}$/m);
    await page.locator('[data-testid="tab-volumes"]').click();
    await page.locator('[data-testid="volumes-view-engine"]').check();
    const path = page.locator('[data-testid="volumes-engine"] [data-hostdir="/var/lib/docker/volumes/gbdata/_data"]');
    await path.waitFor({ state: 'visible', timeout: 30_000 });
    await path.focus();
    await page.keyboard.press('Enter');
    const list = page.locator('[data-testid="hostdir"][data-path="/var/lib/docker/volumes/gbdata/_data"]');
    await list.locator('[data-entry="greeting"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await list.locator('[data-entry="greeting"]').textContent()).toBe('greetingfile6B');
    await page.keyboard.press('Escape');
    expect(await list.count()).toBe(0);
  });
});

async function shot(name: string): Promise<string> {
  const dir = join(repoRoot, 'test-results', 'e2e');
  await mkdir(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
