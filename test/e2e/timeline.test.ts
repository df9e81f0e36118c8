import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * Issue 14 in a real browser, on the simulated backend: three lines, a click
 * on the first shows the engine as it was right after it (marked as the past),
 * Back to now returns; Shift-click lists what changed; Continue from here
 * rewinds the live engine and keeps the rest as a branch.
 */
const chip = (state: string, name: string): string => `[data-state="${state}"] [data-container="${name}"]`;
const line = (n: number): string => `[data-testid="history"] li:nth-child(${n}) button`;

describe.skipIf(!haveChromium())('the timeline, on the simulated backend', () => {
  const app = pageSuite('timeline');

  test('three lines, then the first one clicked shows the engine as it was after it, marked as the past', async () => {
    const page = app.page;
    await typeLine(page, 'docker run -d --name web busybox sleep 300');
    await page.locator(chip('running', 'web')).waitFor({ state: 'visible', timeout: 30_000 });
    await typeLine(page, 'docker stop -t 1 web');
    await page.locator(chip('exited', 'web')).waitFor({ state: 'visible', timeout: 20_000 });
    await typeLine(page, 'docker rm web');
    await waitForTerminal(page, /^web\n[\s\S]*^web$/m);
    await page.locator(chip('exited', 'web')).waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => page.locator(`${line(3)}:enabled`).count(), { timeout: 10_000 }).toBe(1);

    await page.locator(line(1)).click();
    const banner = page.locator('[data-testid="past-banner"]');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner.innerText()).toMatch(/Viewing the past — after line 1:\s*docker run -d --name web busybox sleep 300/);
    // The lifecycle view shows the container as it was then: running, though it is gone now.
    await page.locator(chip('running', 'web')).waitFor({ state: 'visible', timeout: 10_000 });

    // → moves to the next line: the container had stopped.
    await page.locator('[data-testid="history"] ol').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => banner.innerText(), { timeout: 10_000 }).toMatch(/after line 2:\s*docker stop -t 1 web/);
    await page.locator(chip('exited', 'web')).waitFor({ state: 'visible', timeout: 10_000 });

    await page.getByRole('button', { name: 'Back to now' }).click();
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.locator('[data-container="web"]').count()).toBe(0);
  });

  test('Shift-click on another line lists what changed between the two', async () => {
    const page = app.page;
    await page.locator(line(1)).click();
    await page.locator(line(3)).click({ modifiers: ['Shift'] });
    const panel = page.locator('[data-testid="moment-diff"]');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await panel.innerText();
    expect(text).toMatch(/Changes from line 1 to line 3/);
    expect(text).toMatch(/Containers\s*removed\s*web running/);
    await page.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  test('Continue from here rewinds the live engine; the later lines are a branch to return to', async () => {
    const page = app.page;
    await page.locator(line(1)).click();
    await page.getByRole('button', { name: 'Continue from here' }).click();
    await page.locator('[data-testid="past-banner"]').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="history"] li').count(), { timeout: 10_000 }).toBe(1);
    await typeLine(page, 'docker ps --format {{.Names}}');
    await waitForTerminal(page, /^web$/m);
    await page.getByText('Branches (1)').click();
    await page.getByRole('button', { name: 'Switch to this branch' }).click();
    await expect.poll(() => page.locator('[data-testid="history"] li').count(), { timeout: 30_000 }).toBe(3);
    expect(await page.locator('[data-container="web"]').count()).toBe(0);
  });

  test('the terminal scrolls to the line viewed, and back down with now', async () => {
    const page = app.page;
    for (let i = 0; i < 30; i++) await typeLine(page, `echo step${i}`);
    await waitForTerminal(page, /^step29$/m);
    const topRow = (): Promise<string> => page.locator('.xterm-rows > div').first().innerText();
    await page.locator(line(4)).click();
    await expect.poll(topRow, { timeout: 10_000 }).toBe('$ echo step0');
    await page.getByRole('button', { name: 'Back to now' }).click();
    await expect.poll(topRow, { timeout: 10_000 }).not.toBe('$ echo step0');
  });
});

