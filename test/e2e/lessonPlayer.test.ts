import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { haveChromium } from '../support/requirements';
import { pageSuite, terminalSelector, typeLine, waitForTerminal } from './harness';

/**
 * The lesson player in a real browser, on the simulator: a student goes
 * through "Your first container" with a prediction, a jump (through the
 * timeline, which lists the lines it ran), a mistake (and
 * the why-not), a hint, a restart that really resets the engine, a reload
 * that keeps progress (the simulator's, not the real engine's), a
 * `?lesson=&step=` link that rebuilds the engine at that step, the ✓ of a
 * finished lesson, and a lesson file dropped on the page whose step brings
 * its view forward.
 */
const pane = '[data-testid="lesson-pane"]';
const step = (id: string): string => `${pane} [data-step="${id}"]`;
const statusOf = (page: Page, id: string): Promise<string | null> => page.locator(step(id)).getAttribute('data-status');

async function runStep(page: Page, id: string): Promise<void> {
  await page.locator(step(id)).locator('[data-testid="lesson-insert"]').first().click();
  await page.keyboard.press('Enter');
}

/** Runs `docker inspect` on `name` and returns its state, or "absent". */
async function containerState(page: Page, name: string): Promise<string> {
  const marker = `st-${Math.random().toString(36).slice(2, 8)}`;
  await typeLine(page, `docker inspect -f '${marker}={{.State.Status}}' ${name} 2>/dev/null || echo ${marker}=absent`);
  const text = await waitForTerminal(page, new RegExp(`^${marker}=\\w+$`, 'm'));
  return new RegExp(`^${marker}=(\\w+)$`, 'm').exec(text)![1]!;
}

const DROPPED = `---
id: my-cgroups
title:
  en: Where limits live
summary:
  en: A container's memory limit is a file in its cgroup.
languages: [en]
creates: [box]
---

## Run with a limit {#run}

Run a container with a memory limit.

\`\`\`cmd
docker run -d --name box -m 64m busybox sleep 3600
\`\`\`

\`\`\`view
tab: kernel
container: box
point: cgroup
\`\`\`

\`\`\`check
container box is running
\`\`\`

## Delete a file {#rm}

Delete \`/bin/ls\` in the container: its upper layer gets a whiteout.

\`\`\`cmd
docker exec box rm /bin/ls
\`\`\`

\`\`\`view
tab: layers
container: box
point: whiteout /bin/ls
\`\`\`

\`\`\`check
upper layer of box has whiteout /bin/ls
\`\`\`
`;

describe.skipIf(!haveChromium())('the lesson player, on the simulated backend', () => {
  const app = pageSuite('lesson-player');

  test('a lesson through: a prediction, a jump, a mistake and its why-not, a hint, a restart that resets the engine, a reload that keeps progress', async () => {
    const page = app.page;
    await page.selectOption('[data-testid="lesson-menu"]', 'first-container');
    await page.locator(step('hello')).waitFor({ state: 'visible' });
    await runStep(page, 'hello');
    await page.locator(`${step('hello')}[data-status="done"]`).waitFor({ timeout: 20_000 });

    // Predict, then run: the command cannot be typed before an answer is picked.
    const named = page.locator(step('named'));
    expect(await named.locator('[data-testid="lesson-insert"]').isDisabled()).toBe(true);
    await named.locator('input[type="radio"][value="a"]').check();
    await runStep(page, 'named');
    const outcome = named.locator('[data-testid="lesson-predict-outcome"]');
    await outcome.waitFor({ timeout: 20_000 });
    expect(await outcome.getAttribute('data-held')).toBe('true');
    expect(await outcome.textContent()).toContain('Your prediction held: a) 0');
    expect(await statusOf(page, 'ps')).toBe('current');
    await expect.poll(() => new URL(page.url()).search).toBe('?lesson=first-container&step=3');

    // Jump to "A container that keeps running": the engine is rebuilt at its start.
    await page.locator(step('sleeper')).locator('[data-testid="lesson-jump"]').click();
    await waitForTerminal(page, /The engine was rebuilt at the start of the lesson step\./, { unwrap: true });
    await expect.poll(() => statusOf(page, 'sleeper')).toBe('current');
    await expect.poll(() => new URL(page.url()).search).toBe('?lesson=first-container&step=5');
    // Through the timeline: the two lines the student ran are kept, the steps' lines after them run; each is in the history.
    const historyLines = (): Promise<(string | null)[]> => page.locator('[data-testid="history"] li').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    await expect.poll(historyLines).toEqual(['docker run hello-world', 'docker run --name hello hello-world', 'docker ps -a', 'docker version']);
    expect(await containerState(page, 'hello')).toBe('exited');

    // A mistake: the step says why it is not done, in one sentence.
    await typeLine(page, 'docker run -d --name sleeper busybox slep 3600');
    const why = page.locator('[data-testid="lesson-why"]');
    // The line's end and the snapshot it caused travel apart: the sentence settles on the state the line left.
    await expect.poll(() => why.textContent(), { timeout: 20_000 }).toBe('sleeper exists but is created, not running: did the command fail?');
    expect(await statusOf(page, 'sleeper')).toBe('current');
    // Hints one at a time.
    await page.locator(step('sleeper')).locator('[data-testid="lesson-next-hint"]').click();
    expect(await page.locator('[data-testid="lesson-hint"]').allTextContents()).toEqual(['Both -d and --name sleeper go before the image, busybox.']);
    expect(await containerState(page, 'sleeper')).toBe('created');

    // Restart: the engine is back at the lesson's start (the mistaken container is gone), and so is progress.
    await page.locator('[data-testid="lesson-restart"]').click();
    await expect.poll(() => statusOf(page, 'hello')).toBe('current');
    await page.locator(`${pane}[aria-busy="false"]`).waitFor();
    // The lines the restart replaced are not lost: a branch on the timeline, the history empty.
    await expect.poll(() => page.locator('[data-testid="timeline-bar"] .branches summary').textContent()).toBe('Branches (1)');
    expect(await historyLines()).toEqual([]);
    expect(await containerState(page, 'sleeper')).toBe('absent');
    expect(await containerState(page, 'hello')).toBe('absent');
    await expect.poll(() => new URL(page.url()).search).toBe('?lesson=first-container&step=1');

    await runStep(page, 'hello');
    await page.locator(`${step('hello')}[data-status="done"]`).waitFor({ timeout: 20_000 });
    await expect.poll(() => new URL(page.url()).search).toBe('?lesson=first-container&step=2');

    // A reload keeps the simulator's progress (and only the simulator's), and does not rebuild: the engine's state comes back too.
    await page.reload();
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(step('named')).waitFor({ state: 'visible' });
    expect(await statusOf(page, 'hello')).toBe('done');
    expect(await statusOf(page, 'named')).toBe('current');
    const stored = await page.evaluate(() => ({ sim: localStorage.getItem('glassbox.lesson.sim.first-container.progress'), real: localStorage.getItem('glassbox.lesson.real.first-container.progress') }));
    expect(stored).toEqual({ sim: '["hello"]', real: null });
    expect(new URL(page.url()).search).toBe('?lesson=first-container&step=2');
  });

  test('challenge mode hides the commands: hints one at a time, the solution last', async () => {
    const page = app.page;
    await page.locator('[data-testid="lesson-challenge"]').check();
    try {
      const current = page.locator(step('named'));
      expect(await current.locator('[data-testid="lesson-command"]').count()).toBe(0);
      await current.locator('[data-testid="lesson-command-hidden"]').waitFor();
      await current.locator('[data-testid="lesson-next-hint"]').click();
      expect(await current.locator('[data-testid="lesson-hint"]').count()).toBe(1);
      await current.locator('[data-testid="lesson-solution"]').click();
      expect(await current.locator('[data-testid="lesson-command"]').textContent()).toBe('docker run --name hello hello-world');
    } finally {
      // Challenge mode is remembered: the other tests want the commands.
      await page.locator('[data-testid="lesson-challenge"]').uncheck();
    }
  });

  test('finishing a lesson ticks it in the menu and offers the next one', async () => {
    const page = app.page;
    await page.locator(step('clean')).locator('[data-testid="lesson-jump"]').click();
    await expect.poll(() => statusOf(page, 'clean'), { timeout: 30_000 }).toBe('current');
    await page.locator(`${pane}[aria-busy="false"]`).waitFor();
    expect(await page.locator('[data-testid="lesson-menu"] option[value="first-container"]').getAttribute('data-completed')).toBe('false');
    await runStep(page, 'clean');
    await page.locator('[data-testid="lesson-next-lesson"]').waitFor({ timeout: 20_000 });
    const option = page.locator('[data-testid="lesson-menu"] option[value="first-container"]');
    expect(await option.getAttribute('data-completed')).toBe('true');
    expect(await option.textContent()).toMatch(/^✓ 1\. .*\(completed\)$/);
    await page.locator('[data-testid="lesson-next-lesson"]').click();
    await expect.poll(() => page.locator(pane).getAttribute('data-lesson')).toBe('images');
  });

  test('a ?lesson=&step= link opens the step with the engine at its start; an unknown lesson says so', async () => {
    const page = app.page;
    const base = new URL(page.url());
    await page.goto(`${base.origin}${base.pathname}?lesson=lifecycle&step=3`);
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => statusOf(page, 'unpause'), { timeout: 30_000 }).toBe('current');
    await page.locator(`${pane}[aria-busy="false"]`).waitFor();
    // The solutions of steps 1 and 2 ran: nginx is up and frozen.
    expect(await containerState(page, 'web')).toBe('paused');
    expect(new URL(page.url()).search).toBe('?lesson=lifecycle&step=3');

    await page.goto(`${base.origin}${base.pathname}?lesson=no-such-lesson`);
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
    const notice = page.locator('[data-testid="lesson-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('There is no lesson "no-such-lesson".');

    await page.goto(`${base.origin}${base.pathname}?lessonUrl=${encodeURIComponent('https://example.com/evil.md')}`);
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Lesson files are opened only from this site: https://example.com/evil.md is elsewhere.');
  });

  test('a lesson file dropped on the page opens; each step brings its view forward and points at its element', async () => {
    const page = app.page;
    await page.evaluate((source) => {
      const dt = new DataTransfer();
      dt.items.add(new File([source], 'limits.md', { type: 'text/markdown' }));
      document.querySelector('[data-testid="terminal"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, DROPPED);
    await expect.poll(() => page.locator(pane).getAttribute('data-lesson')).toBe('my-cgroups');
    await expect.poll(() => page.locator('[data-testid="tab-kernel"]').getAttribute('aria-selected')).toBe('true');
    await runStep(page, 'run');
    await page.locator(`${step('run')}[data-status="done"]`).waitFor({ timeout: 20_000 });
    // The step passed, and its view shows what the line did: the new container's cgroup, pointed at.
    const cgroup = page.locator('.dir.lit[data-lesson-point]');
    await cgroup.first().waitFor({ timeout: 20_000 });
    expect(await cgroup.first().getAttribute('data-cgroup-dir')).toMatch(/docker-[0-9a-f]{64}\.scope$|\/docker\/[0-9a-f]{64}$/);

    // The next line brings the next step's view: the Layers tab, the whiteout row in the closed /bin opened and pointed at.
    await runStep(page, 'rm');
    await expect.poll(() => page.locator('[data-testid="tab-layers"]').getAttribute('aria-selected')).toBe('true');
    const row = page.locator('[data-lesson-point][data-path="/bin/ls"]');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-type')).toBe('deleted');
    await page.locator(`${step('rm')}[data-status="done"]`).waitFor({ timeout: 20_000 });
  });

  test('the course names its views: the veth pair of the networking lesson and the whiteout of the union-fs lesson are pointed at', async () => {
    const page = app.page;
    const base = new URL(page.url());
    await page.goto(`${base.origin}${base.pathname}?lesson=networking&step=3`);
    await expect.poll(() => statusOf(page, 'veth'), { timeout: 30_000 }).toBe('current');
    await expect.poll(() => page.locator('[data-testid="tab-network"]').getAttribute('aria-selected')).toBe('true');
    const veth = page.locator('.iface.lit[data-lesson-point]');
    await veth.first().waitFor({ timeout: 20_000 });

    // On the delete step the whiteout shows once the line has run.
    await page.goto(`${base.origin}${base.pathname}?lesson=union-fs&step=5`);
    await expect.poll(() => statusOf(page, 'delete'), { timeout: 30_000 }).toBe('current');
    await expect.poll(() => page.locator('[data-testid="tab-layers"]').getAttribute('aria-selected')).toBe('true');
    await runStep(page, 'delete');
    await page.locator('[data-lesson-point][data-path="/bin/vi"][data-type="deleted"]').waitFor({ timeout: 20_000 });
  });

  test('?lessonUrl= loads the file from this site, and says so when it cannot', async () => {
    const page = app.page;
    const base = new URL(page.url());
    const here = `${base.origin}${base.pathname}`;
    // This site serves a lesson at lessons/limits.md (the static server has only the build: the browser is handed the file).
    await page.route(`${here}lessons/limits.md`, (route) => route.fulfill({ status: 200, contentType: 'text/markdown', body: DROPPED.replace('id: my-cgroups', 'id: served-limits') }));
    await page.goto(`${here}?lessonUrl=${encodeURIComponent('lessons/limits.md')}&keep=1`);
    await expect.poll(() => page.locator(pane).getAttribute('data-lesson'), { timeout: 30_000 }).toBe('served-limits');
    // The address now names the lesson, not the file; other parameters stay.
    await expect.poll(() => new URL(page.url()).search).toBe('?keep=1&lesson=served-limits&step=1');
    await page.unroute(`${here}lessons/limits.md`);

    await page.goto(`${here}?lessonUrl=${encodeURIComponent('lessons/missing.md')}`);
    const notice = page.locator('[data-testid="lesson-notice"]');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toContain(`Could not load the lesson file ${here}lessons/missing.md: 404`);
  });
});
