import { afterAll, describe, expect, test } from 'vitest';
import { dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker, haveRoot } from '../support/requirements';
import { pageSuite, serveWithAgent, terminalSelector, typeLine } from './harness';

/**
 * Issue 14 on the real engine (the page the agent serves): the timeline is
 * what the agent recorded after each line, so it outlives a reload; a past
 * moment is read-only (no "Continue from here").
 */
const chip = (state: string, name: string): string => `[data-state="${state}"] [data-container="${name}"]`;
const line = (n: number): string => `[data-testid="history"] li:nth-child(${n}) button`;

describe.skipIf(!haveChromium() || !haveDocker() || !haveRoot())('the timeline, on the real engine', () => {
  const name = uniqueName('gb-rtl-e2e');
  const app = pageSuite('timeline-real', { serve: serveWithAgent });
  afterAll(() => dockerQuiet('rm', '-f', name));

  test('after a reload the history strip shows the lines the agent recorded, and a click shows that moment, read-only', async () => {
    const page = app.page;
    await expect.poll(() => page.locator('[data-testid="backend-status"]').getAttribute('data-connection'), { timeout: 30_000 }).toBe('open');
    await typeLine(page, `docker run -d --name ${name} busybox sleep 300`);
    await page.locator(chip('running', name)).waitFor({ state: 'visible', timeout: 30_000 });
    await typeLine(page, `docker stop -t 1 ${name}`);
    await page.locator(chip('exited', name)).waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => page.locator(`${line(2)}:enabled`).count(), { timeout: 10_000 }).toBe(1);

    await page.reload();
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="history"] li').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator('[data-testid="history"] li').allInnerTexts()).toEqual([expect.stringContaining(`docker run -d --name ${name}`), expect.stringContaining(`docker stop -t 1 ${name}`)]);

    await page.locator(line(1)).click();
    const banner = page.locator('[data-testid="past-banner"]');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner.innerText()).toMatch(new RegExp(`after line 1:\\s*docker run -d --name ${name}`));
    expect(await banner.innerText()).toMatch(/Read-only/);
    expect(await page.getByRole('button', { name: 'Continue from here' }).count()).toBe(0);
    // The container as it was then: running, so on the bridge, though it has stopped since.
    // (The Network view draws every live container; the Lifecycle view packs a shared engine's many behind "+N more".)
    await page.locator('[data-testid="tab-network"]').click();
    const onBridge = page.locator(`[data-container="${name}"][data-mode]`);
    await onBridge.first().waitFor({ state: 'visible', timeout: 10_000 });

    await page.getByRole('button', { name: 'Back to now' }).click();
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => onBridge.count(), { timeout: 10_000 }).toBe(0);
  });
});
