import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, waitForTerminal } from './harness';

/**
 * The lesson pane in a real browser: a student picks the lifecycle lesson,
 * lets the first step type its command at the prompt, presses Enter, and the
 * pane moves on to the next step.
 */
const step = (id: string): string => `[data-testid="lesson-pane"] [data-step="${id}"]`;

describe.skipIf(!haveChromium())('the lesson pane, on the simulated backend', () => {
  const app = pageSuite('lesson');

  test('choosing the lifecycle lesson, typing the first command and pressing Enter completes the first step', async () => {
    const page = app.page;
    expect(await page.locator('[data-testid="lesson-pane"]').count()).toBe(0);
    await page.selectOption('[data-testid="lesson-menu"]', 'lifecycle');
    await page.locator(step('run')).waitFor({ state: 'visible' });
    expect(await page.locator(step('run')).getAttribute('data-status')).toBe('current');
    expect(await page.locator(step('pause')).getAttribute('data-status')).toBe('pending');

    await page.locator(step('run')).locator('[data-testid="lesson-insert"]').click();
    // Typed at the prompt, not run: the step waits for Enter.
    await waitForTerminal(page, /^\$ docker run -d --name web nginx$/m, { unwrap: true });
    expect(await page.locator(step('run')).getAttribute('data-status')).toBe('current');

    // The button left the focus in the terminal, so Enter runs the line.
    await page.keyboard.press('Enter');
    await page.locator(`${step('run')}[data-status="done"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator(step('pause')).getAttribute('data-status')).toBe('current');
    expect(await page.locator(step('unpause')).getAttribute('data-status')).toBe('pending');
    await expect.poll(() => page.locator(step('run')).textContent()).toMatch(/Done/);
  });
});
