import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, terminalText, typeLine, waitForTerminal } from './harness';

/**
 * The Dockerfile editor on the simulated backend: Build types one command
 * into the terminal (a here-document into the context directory, then
 * docker build), the build's steps print as Docker's, and the new image is
 * listed with its layers.
 */
describe.skipIf(!haveChromium())('the Dockerfile editor, on the simulated backend', () => {
  const app = pageSuite('dockerfile');

  test('Build writes the Dockerfile through the terminal and builds it; the image runs and shows in the sharing view', async () => {
    const page = app.page;
    await page.locator('[data-testid="dockerfile-toggle"]').click();
    const pane = page.locator('[data-testid="dockerfile-pane"]');
    await pane.waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid="dockerfile-toggle"]').getAttribute('aria-pressed')).toBe('true');

    await page.locator('[data-testid="dockerfile-tag"]').fill('pane-app:1.0');
    await page.locator('[data-testid="dockerfile-dir"]').fill('/root/pane');
    await page.locator('[data-testid="dockerfile-text"]').fill('FROM busybox\nRUN echo "made in the pane" > /note\nCMD ["cat", "/note"]\n');
    await page.locator('[data-testid="dockerfile-build"]').click();

    const text = await waitForTerminal(page, /^Successfully tagged pane-app:1\.0$/m, { timeoutMs: 30_000, unwrap: true });
    // What ran is on screen, as typed: the command, the here-document with its continuation prompts, the steps.
    expect(text).toMatch(/\$ mkdir -p \/root\/pane && cat > \/root\/pane\/Dockerfile <<'EOF' && docker build -t pane-app:1\.0 \/root\/pane/);
    expect(text).toMatch(/^> RUN echo "made in the pane" > \/note$/m);
    expect(text).toMatch(/^> EOF$/m);
    expect(text).toMatch(/^Step 2\/3 : RUN echo "made in the pane" > \/note$/m);
    await expect.poll(() => page.locator('[data-testid="dockerfile-build"]').isEnabled(), { timeout: 10_000 }).toBe(true);

    await typeLine(page, 'docker run --rm pane-app:1.0');
    await waitForTerminal(page, /^made in the pane$/m);
    await typeLine(page, 'cat /root/pane/Dockerfile');
    await waitForTerminal(page, /^CMD \["cat", "\/note"\]$/m);

    await page.locator('[data-testid="tab-layers"]').click();
    await page.locator('[data-testid="layers-view-sharing"]').check();
    await page.locator('[data-testid="sharing-table"] [data-image="pane-app:1.0"]').waitFor({ state: 'visible', timeout: 20_000 });
  });

  test('the pane keeps its text across a reload, and closes from its own button', async () => {
    const page = app.page;
    await page.reload();
    await page.locator('[data-testid="terminal"]').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('[data-testid="dockerfile-toggle"]').click();
    expect(await page.locator('[data-testid="dockerfile-text"]').inputValue()).toMatch(/made in the pane/);
    expect(await page.locator('[data-testid="dockerfile-tag"]').inputValue()).toBe('pane-app:1.0');
    await page.locator('[data-testid="dockerfile-pane"] button.close').click();
    await page.locator('[data-testid="dockerfile-pane"]').waitFor({ state: 'detached' });
    expect(await terminalText(page)).not.toMatch(/Error/);
  });
});
