import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { haveChromium } from '../support/requirements';
import { pageSuite } from './harness';

/**
 * The course's steps name their views: opened by a `?lesson=&step=` link and
 * run, a step brings its tab forward and points at the element it is about
 * (a lifecycle state, a volume's mount, a file in the layer tree, an image's
 * row in the sharing view, the container's namespace, the veth pair, the
 * registry).
 */
const pane = '[data-testid="lesson-pane"]';
const step = (id: string): string => `${pane} [data-step="${id}"]`;

async function openAndRun(page: Page, lesson: string, n: number, id: string): Promise<void> {
  const base = new URL(page.url());
  await page.goto(`${base.origin}${base.pathname}?lesson=${lesson}&step=${n}`);
  await expect.poll(() => page.locator(step(id)).getAttribute('data-status'), { timeout: 30_000 }).toBe('current');
  await page.locator(`${pane}[aria-busy="false"]`).waitFor();
  // A step with a prediction runs once a choice is picked; any will do here.
  const choice = page.locator(step(id)).locator('input[type="radio"]');
  if ((await choice.count()) > 0) await choice.first().check();
  // Each of the step's lines, in order (a click waits until the previous line is done).
  const inserts = page.locator(step(id)).locator('[data-testid="lesson-insert"]');
  for (let i = 0; i < (await inserts.count()); i++) {
    await inserts.nth(i).click();
    await page.keyboard.press('Enter');
  }
  await page.locator(`${step(id)}[data-status="done"]`).waitFor({ timeout: 30_000 });
}

const activeTab = (page: Page): Promise<string | null> => page.locator('[data-testid^="tab-"][aria-selected="true"]').first().getAttribute('data-testid');

describe.skipIf(!haveChromium())('the course points at what each step is about', () => {
  const app = pageSuite('lesson-views');

  test.each([
    // lesson, step (from 1), step id, tab, the element pointed at
    ['lifecycle', 2, 'pause', 'tab-lifecycle', '[data-lesson-point][data-state="paused"]'],
    ['volumes', 2, 'mount', 'tab-volumes', '[data-lesson-point][data-mount="/data"]'],
    ['images', 2, 'tag', 'tab-layers', '[data-lesson-point][data-tags~="mybusy:v1"]'],
    ['process', 6, 'nsenter', 'tab-kernel', '[data-ns-row="box"] [data-ns="uts"][data-lesson-point]'],
    ['volumes', 8, 'mask', 'tab-layers', '[data-lesson-point][data-path="/usr/share/nginx/html"]'],
    ['volumes', 13, 'cp-in', 'tab-layers', '[data-lesson-point][data-path="/tmp/greeting"]'],
    ['network-modes', 5, 'db', 'tab-network', '.iface.lit[data-lesson-point]'],
    ['registry', 3, 'push', 'tab-registry', '[data-lesson-point][data-registry="localhost:5000"]'],
  ])('%s step %i (%s): %s, pointing at %s', async (lesson, n, id, tab, pointed) => {
    const page = app.page;
    await openAndRun(page, lesson, n, id);
    await expect.poll(() => activeTab(page)).toBe(tab);
    await page.locator(pointed).waitFor({ timeout: 20_000 });
    // One element is pointed at.
    expect(await page.locator('[data-lesson-point]').count()).toBe(1);
  });
});
