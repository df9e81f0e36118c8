import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { haveChromium } from '../support/requirements';
import { buildWeb, launchBrowser, repoRoot, serveStatic, terminalSelector, terminalText, waitForTerminal, type Browser, type BuiltWeb, type StaticServer } from './harness';

/**
 * The lesson pane in a real browser: a student picks the lifecycle lesson,
 * lets the first step type its command at the prompt, presses Enter, and the
 * pane moves on to the next step.
 */
const step = (id: string): string => `[data-testid="lesson-pane"] [data-step="${id}"]`;

describe.skipIf(!haveChromium())('the lesson pane, on the simulated backend', () => {
  let web: BuiltWeb;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    web = await buildWeb();
    server = await serveStatic(web.dir);
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
    await page.goto(server.url);
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await web?.dispose();
  });

  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const dir = join(repoRoot, 'test-results', 'e2e');
      await mkdir(dir, { recursive: true });
      const file = join(dir, `lesson-${task.name.replace(/[^\w-]+/g, '-')}.png`);
      await page?.screenshot({ path: file, fullPage: true }).catch(() => {});
      process.stderr.write(`screenshot of the failure: ${file}\nterminal:\n${await terminalText(page).catch(() => '?')}\n`);
    });
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  test('choosing the lifecycle lesson, typing the first command and pressing Enter completes the first step', async () => {
    expect(await page.locator('[data-testid="lesson-pane"]').count()).toBe(0);
    await page.selectOption('[data-testid="lesson-menu"]', 'lifecycle');
    await page.locator(step('run')).waitFor({ state: 'visible' });
    expect(await page.locator(step('run')).getAttribute('data-status')).toBe('current');
    expect(await page.locator(step('pause')).getAttribute('data-status')).toBe('pending');

    await page.locator(step('run')).locator('[data-testid="lesson-insert"]').click();
    // Typed at the prompt, not run: the step waits for Enter.
    await waitForTerminal(page, /^\$ docker run -d --name web busybox sleep 300$/m, { unwrap: true });
    expect(await page.locator(step('run')).getAttribute('data-status')).toBe('current');

    // The button left the focus in the terminal, so Enter runs the line.
    await page.keyboard.press('Enter');
    await page.locator(`${step('run')}[data-status="done"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator(step('pause')).getAttribute('data-status')).toBe('current');
    expect(await page.locator(step('unpause')).getAttribute('data-status')).toBe('pending');
    await expect.poll(() => page.locator(step('run')).textContent()).toMatch(/Done/);
  });
});
