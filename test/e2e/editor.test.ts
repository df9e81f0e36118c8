import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * The page's dialogs on the simulated backend: `vim FILE` opens the file
 * editor over the terminal and saving writes the file (daemon.json then
 * takes effect at `systemctl restart docker`); a save the editor cannot make
 * shows vim's own error; `docker login` opens the simulated Docker Hub
 * sign-in after Enter and prints Login Succeeded once the student confirms.
 */
describe.skipIf(!haveChromium())('vi and docker login’s dialogs, on the simulated backend', () => {
  const app = pageSuite('editor');

  test('vim opens the file over the terminal; Save and quit writes it and the daemon takes it at restart', async () => {
    const page = app.page;
    await typeLine(page, 'vim /etc/docker/daemon.json');
    const text = page.locator('[data-testid="file-editor-text"]');
    await text.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await text.inputValue()).toBe('');
    await text.fill('{\n  "registry-mirrors": ["https://mirror.example.com"]\n}\n');
    await page.locator('[data-testid="file-editor-save"]').click();
    await page.locator('[data-testid="file-editor"]').waitFor({ state: 'detached' });
    await typeLine(page, 'systemctl restart docker && docker info | grep -A1 "Registry Mirrors"');
    await waitForTerminal(page, /^\s*https:\/\/mirror\.example\.com\/$/m, { timeoutMs: 30_000 });
  });

  test('a save into a missing directory shows vim’s E212 and keeps the pane; Quit leaves nothing', async () => {
    const page = app.page;
    await typeLine(page, 'vi /nonexistent/notes.txt');
    const text = page.locator('[data-testid="file-editor-text"]');
    await text.waitFor({ state: 'visible', timeout: 20_000 });
    await text.fill('hello\n');
    await page.locator('[data-testid="file-editor-save"]').click();
    const error = page.locator('[data-testid="file-editor-error"]');
    await error.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await error.textContent()).toContain(`"/nonexistent/notes.txt" E212: Can't open file for writing`);
    expect(await text.inputValue()).toBe('hello\n');
    await page.locator('[data-testid="file-editor-quit"]').click();
    await page.locator('[data-testid="file-editor"]').waitFor({ state: 'detached' });
    await typeLine(page, 'ls /nonexistent; echo "ls=$?"');
    await waitForTerminal(page, /^ls=2$/m);
  });

  test('docker login: Enter opens the simulated Hub sign-in with the terminal’s code; Confirm logs in', async () => {
    const page = app.page;
    await typeLine(page, 'docker login');
    const screen = await waitForTerminal(page, /Your one-time device confirmation code is: ([A-Z]{4}-[A-Z]{4})/);
    const code = /Your one-time device confirmation code is: ([A-Z]{4}-[A-Z]{4})/.exec(screen)![1]!;
    await page.keyboard.press('Enter');
    const dialog = page.locator('[data-testid="hub-sign-in"]');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await dialog.textContent()).toMatch(/Simulated by Glassbox/);
    expect(await page.locator('[data-testid="hub-code"]').textContent()).toBe(code);
    await page.locator('[data-testid="hub-user"]').fill('student1');
    await page.locator('[data-testid="hub-confirm"]').click();
    await waitForTerminal(page, /^Login Succeeded$/m, { timeoutMs: 20_000 });
    await typeLine(page, 'grep -c index.docker.io /root/.docker/config.json');
    await waitForTerminal(page, /^3$/m);
  });
});
