import { afterAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { docker, dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker, haveRoot } from '../support/requirements';
import { pageSuite, serveWithAgent, terminalSelector } from './harness';

/**
 * The lesson player on the real engine (the page the agent serves): progress
 * is the real engine's own, apart from the simulator's; a jump moves only the
 * pane and says so; restart either removes the lesson's own container (when
 * the agent offers it) or says plainly that it cannot.
 */
describe.skipIf(!haveChromium() || !haveDocker() || !haveRoot())('the lesson player, on the real engine', () => {
  const name = uniqueName('gb-player-e2e');
  const app = pageSuite('lesson-player-real', { serve: serveWithAgent });
  /** The student's container: the page adds the student's suffix to the names a lesson makes (lessons/suffix.ts). */
  const mine = (): string[] => docker('ps', '-a', '--filter', `name=^/${name}-[a-z0-9]+$`, '--format', '{{.Names}} {{.State}}').split('\n').filter((l) => l.trim() !== '');
  afterAll(() => {
    for (const line of mine()) dockerQuiet('rm', '-f', line.split(' ')[0]!);
  });

  const lesson = `---
id: player-real
title:
  en: On the real engine
summary:
  en: One container, run and removed.
languages: [en]
creates: [${name}]
---

## Run it {#run}

Run a container that keeps running.

\`\`\`cmd
docker run -d --name ${name} busybox sleep 600
\`\`\`

\`\`\`check
container ${name} is running
\`\`\`

## Remove it {#rm}

Remove it.

\`\`\`cmd
docker rm -f ${name}
\`\`\`

\`\`\`check
container ${name} is absent
\`\`\`
`;
  const pane = '[data-testid="lesson-pane"]';
  const statusOf = (page: Page, id: string): Promise<string | null> => page.locator(`${pane} [data-step="${id}"]`).getAttribute('data-status');
  const useBackend = async (page: Page, kind: 'sim' | 'real'): Promise<void> => {
    await page.locator(`[data-testid="backend-switch"] [data-backend="${kind}"]`).click();
    await expect.poll(() => page.locator(pane).getAttribute('data-backend')).toBe(kind);
    await page.locator(terminalSelector).waitFor({ state: 'visible' });
  };
  const running = (): string => {
    const found = mine();
    if (found.length > 1) throw new Error(`more than one container of this run: ${found.join(', ')}`);
    return found[0]?.split(' ')[1] ?? 'absent';
  };

  test('progress per backend, a jump that moves only the pane, and a restart that says what it did', async () => {
    const page = app.page;
    await expect.poll(() => page.locator('[data-testid="backend-status"]').getAttribute('data-connection'), { timeout: 30_000 }).toBe('open');
    await page.evaluate((source) => {
      const dt = new DataTransfer();
      dt.items.add(new File([source], 'real.md', { type: 'text/markdown' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, lesson);
    await expect.poll(() => page.locator(pane).getAttribute('data-backend')).toBe('real');
    await page.locator(`${pane} [data-step="run"] [data-testid="lesson-insert"]`).click();
    await page.keyboard.press('Enter');
    await expect.poll(() => statusOf(page, 'run'), { timeout: 30_000 }).toBe('done');
    expect(running()).toBe('running');

    // The simulator has its own progress on this lesson: none.
    await useBackend(page, 'sim');
    expect(await statusOf(page, 'run')).toBe('current');
    await useBackend(page, 'real');
    await expect.poll(() => statusOf(page, 'run')).toBe('done');

    // A jump back moves the pane only: the container is still there.
    await page.locator(`${pane} [data-step="run"] [data-testid="lesson-jump"]`).click();
    const notice = page.locator('[data-testid="lesson-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('On a real engine a jump moves only the lesson pane: the engine is left as it is.');
    expect(running()).toBe('running');
    // The student is on the step again, though the engine already has its container.
    await page.waitForTimeout(1500);
    expect(await statusOf(page, 'run')).toBe('current');

    // Restart: the agent removes what this student's lesson made (its suffixed container), and nothing else.
    await page.locator('[data-testid="lesson-restart"]').click();
    await page.locator(`${pane}[aria-busy="false"]`).waitFor();
    await expect.poll(running, { timeout: 30_000 }).toBe('absent');
  });
});
