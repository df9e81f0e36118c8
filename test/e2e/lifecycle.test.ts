import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { haveChromium } from '../support/requirements';
import { pageSuite, terminalSelector, terminalText, typeLine, waitForTerminal } from './harness';

/**
 * The walking skeleton in a real browser: a student types docker commands into
 * the terminal of the built page (simulated backend) and the lifecycle diagram
 * follows; a reload rebuilds the same machine from the journal.
 */
const chip = (state: string, name: string): string => `[data-state="${state}"] [data-container="${name}"]`;

describe.skipIf(!haveChromium())('the page, on the simulated backend', () => {
  const app = pageSuite('lifecycle');

  test('docker run -d puts the container in the running state and prints its id', async () => {
    const page = app.page;
    await typeLine(page, 'docker run -d --name web busybox sleep 300');
    await page.locator(chip('running', 'web')).waitFor({ state: 'visible', timeout: 20_000 });
    // `docker run -d` prints the full 64-hex container id on its own line.
    await waitForTerminal(page, /^[0-9a-f]{64}$/m);
    // A narrow terminal wraps the digest, so read it unwrapped.
    const text = await terminalText(page, { unwrap: true });
    // A fresh engine has no images: the client pulls busybox first, each layer's line rewritten in place on the terminal.
    expect(text).toMatch(/^Unable to find image 'busybox:latest' locally\nlatest: Pulling from library\/busybox\n[0-9a-f]{12}: Pull complete\nDigest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for busybox:latest\n[0-9a-f]{64}$/m);
    expect(text).not.toMatch(/Pulling fs layer|Download complete/);
  });

  test('docker pause moves the container to the paused state, and docker ps says so', async () => {
    const page = app.page;
    await typeLine(page, 'docker pause web');
    await page.locator(chip('paused', 'web')).waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator(chip('running', 'web')).count()).toBe(0);
    await typeLine(page, 'docker ps');
    // A narrow terminal wraps the table, so read it unwrapped.
    const text = await waitForTerminal(page, /\(Paused\)/, { unwrap: true });
    expect(text).toMatch(/CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES/);
    expect(text).toMatch(/^[0-9a-f]{12}\s+busybox\s+"sleep 300"\s.*Up .*\(Paused\)\s+web$/m);
  });

  test('a reload rebuilds the simulated machine: the container is still paused', async () => {
    const page = app.page;
    await page.reload();
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(chip('paused', 'web')).waitFor({ state: 'visible', timeout: 20_000 });
    await typeLine(page, 'docker unpause web');
    await page.locator(chip('running', 'web')).waitFor({ state: 'visible', timeout: 20_000 });
    await waitForTerminal(page, /^web$/m);
  });

  test('errors are printed as Docker prints them', async () => {
    const page = app.page;
    await typeLine(page, 'docker pause nosuch');
    await waitForTerminal(page, /Error response from daemon: No such container: nosuch/, { unwrap: true });
  });

  test('switching the language to 简体中文 translates the page', async () => {
    const page = app.page;
    const before = await page.locator('body').innerText();
    expect(before).not.toMatch(/生命周期/);
    await chooseLanguage(page, '简体中文');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang), { timeout: 10_000 }).toMatch(/^zh/);
    // The lifecycle diagram's tab and its state labels are translated (生命周期, 运行中); the
    // data behind them is not: the chip is still in the node whose data-state is Docker's word.
    await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).toMatch(/生命周期/);
    await expect.poll(() => page.locator('[data-state="running"]').first().textContent(), { timeout: 10_000 }).toMatch(/运行中/);
    await page.locator(chip('running', 'web')).waitFor({ state: 'visible' });
    await chooseLanguage(page, 'English');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang), { timeout: 10_000 }).toMatch(/^en/);
  });
});

/** Picks a language in the top bar, whether it is a select or a group of buttons. */
async function chooseLanguage(page: Page, label: string): Promise<void> {
  const byTestId = page.locator('[data-testid="language"]');
  if ((await byTestId.count()) > 0) {
    const tag = await byTestId.first().evaluate((el) => el.tagName);
    if (tag === 'SELECT') {
      await byTestId.first().selectOption({ label });
      return;
    }
    await byTestId.getByText(label, { exact: true }).click();
    return;
  }
  const option = page.locator('select').filter({ has: page.locator('option', { hasText: label }) });
  if ((await option.count()) > 0) {
    await option.first().selectOption({ label });
    return;
  }
  await page.getByRole('button', { name: label, exact: true }).or(page.getByRole('radio', { name: label, exact: true })).first().click();
}
