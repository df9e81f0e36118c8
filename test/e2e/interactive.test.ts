import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * A shell inside a container, typed into the page's terminal (simulated
 * backend): the keys reach the container's tty, its prompt and echo come back,
 * and Ctrl-P Ctrl-Q leaves it running.
 */
const chip = (state: string, name: string): string => `[data-state="${state}"] [data-container="${name}"]`;

describe.skipIf(!haveChromium())('an interactive container shell in the page', () => {
  const app = pageSuite('interactive');

  test('docker run -it: type into busybox sh, detach with Ctrl-P Ctrl-Q, the container keeps running', async () => {
    const page = app.page;
    await typeLine(page, 'docker run -it --name tty busybox sh');
    await waitForTerminal(page, /built-in shell \(ash\)[\s\S]*^\/ #$/m);
    await page.keyboard.type('echo hi > /etc/motd');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^\/ # echo hi > \/etc\/motd\n\/ #$/m);
    await page.keyboard.type('cat /etc/motd');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^\/ # cat \/etc\/motd\nhi\n\/ #$/m);
    // The rows trim trailing blanks, so a prompt shows as "/ #".
    // Ctrl-P Ctrl-Q: the client detaches, the page's own prompt is back.
    await page.keyboard.press('Control+P');
    await page.keyboard.press('Control+Q');
    await page.locator(chip('running', 'tty')).waitFor({ state: 'visible', timeout: 20_000 });
    await typeLine(page, 'docker ps --format "{{.Names}} {{.Status}}"');
    await waitForTerminal(page, /^tty Up /m);
  });

  test('docker exec -it into the running container sees the file; exit ends the exec with its code', async () => {
    const page = app.page;
    await typeLine(page, 'docker exec -it tty sh');
    await waitForTerminal(page, /built-in shell \(ash\)[\s\S]*\n\/ #$/);
    await page.keyboard.type('cd /etc; cat motd');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /cd \/etc; cat motd\nhi\n\/etc #$/m);
    await page.keyboard.type('exit 3');
    await page.keyboard.press('Enter');
    await typeLine(page, 'echo "exec exited with $?"');
    const text = await waitForTerminal(page, /^exec exited with 3$/m);
    expect(text).toMatch(/^\/etc # exit 3$/m);
    await page.locator(chip('running', 'tty')).waitFor({ state: 'visible', timeout: 20_000 });
  });
});
