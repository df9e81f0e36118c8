import { afterAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker, haveRoot } from '../support/requirements';
import { pageSuite, serveWithAgent, terminalSelector, terminalText, typeLine, waitForTerminal } from './harness';

/**
 * A shell inside a container on the real engine, typed into the page the
 * agent serves: the real docker CLI runs on a pseudo-terminal, the page's
 * terminal goes raw, and the container's own prompt, echo, exit codes and
 * window size come back.
 */
describe.skipIf(!haveChromium() || !haveDocker() || !haveRoot())('an interactive container shell in the page, on the real engine', () => {
  const name = uniqueName('gb-pty-e2e');
  const app = pageSuite('interactive-real', { serve: serveWithAgent });
  afterAll(() => dockerQuiet('rm', '-f', name));

  /** Types keys into whatever reads the terminal now (no click: focus stays where it is). */
  const keys = async (page: Page, text: string): Promise<void> => {
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };
  /** The page's own prompt is back on the last row. */
  const pagePrompt = (page: Page): Promise<string> => waitForTerminal(page, /\n\$$/);

  test('docker run -it: type into busybox sh, detach with Ctrl-P Ctrl-Q; docker exec -it sees the file', async () => {
    const page = app.page;
    await typeLine(page, `docker run -it --name ${name} busybox sh`);
    await waitForTerminal(page, /built-in shell \(ash\)[\s\S]*^\/ #$/m, { timeoutMs: 30_000 });
    await keys(page, 'echo hi > /f; cat /f');
    await waitForTerminal(page, /^\/ # echo hi > \/f; cat \/f\nhi\n\/ #$/m);
    await page.keyboard.press('Control+P');
    await page.keyboard.press('Control+Q');
    await pagePrompt(page);
    await typeLine(page, `docker exec -it ${name} sh -c 'cat /f'`);
    await waitForTerminal(page, /sh -c 'cat \/f'\nhi\n\$$/);
  });

  test('exit 3 in an exec’d interactive sh ends the line with exit code 3 (Tab completes, as the shell does)', async () => {
    const page = app.page;
    await typeLine(page, `docker exec -it ${name} sh`);
    await waitForTerminal(page, /\n\/ #$/);
    // Tab reaches the container's shell while it reads the keys: ash completes "exi" to "exit ".
    await page.keyboard.type('exi');
    await page.keyboard.press('Tab');
    await waitForTerminal(page, /^\/ # exit$/m);
    await keys(page, '3');
    // Keys typed while the client still runs would go to its tty: wait for the page's prompt.
    await pagePrompt(page);
    await typeLine(page, 'echo "exec exited with $?"');
    const text = await waitForTerminal(page, /^exec exited with 3$/m);
    expect(text).toMatch(/^\/ # exit 3$/m);
  });

  test('the container’s tty follows the page’s terminal: stty size before and after a resize', async () => {
    const page = app.page;
    /** The terminal's size as the page shows it: its rows, and the width of a row of zeros that fills one. */
    const shownSize = async (): Promise<string> => {
      await keys(page, 'clear; printf "%0400d\\n" 0');
      const zeros = await waitForTerminal(page, /^0{20,}$/m);
      const cols = Math.max(...zeros.split('\n').filter((r) => /^0+$/.test(r)).map((r) => r.length));
      const rows = await page.locator(`${terminalSelector} .xterm-rows > div`).count();
      return `${rows} ${cols}`;
    };
    const sttySize = async (): Promise<string> => {
      await keys(page, 'clear; stty size');
      return /^(\d+ \d+)$/m.exec(await waitForTerminal(page, /^\d+ \d+$/m))![1]!;
    };
    await typeLine(page, `docker exec -it ${name} sh`);
    await waitForTerminal(page, /\n\/ #$/);
    const before = await sttySize();
    expect(before).toBe(await shownSize());
    await page.setViewportSize({ width: 1000, height: 620 });
    await expect.poll(sttySize, { timeout: 20_000 }).not.toBe(before);
    const after = await sttySize();
    expect(after).toBe(await shownSize());
    const [r0, c0] = before.split(' ').map(Number);
    const [r1, c1] = after.split(' ').map(Number);
    expect(c1).toBeLessThan(c0!);
    expect(r1).toBeLessThan(r0!);
    await keys(page, 'exit');
    await pagePrompt(page);
    expect(await terminalText(page)).not.toContain('the input device is not a TTY');
  });
});
