import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { haveChromium } from '../support/requirements';
import { pageSuite, terminalSelector, waitForTerminal } from './harness';

/**
 * Presenter mode on a projector's 1280×720, on the simulated backend, measured
 * from the DOM: the terminal's type, every visible label of the shown diagram
 * as rendered (font size × the SVG's scale on screen), lines that must not
 * wrap, labels that must not be cut, and the panes at browser zoom.
 *
 * Browser zoom is emulated by the viewport it leaves the page: 125% and 150%
 * of a 1280×720 screen are 1024×576 and 853×480 CSS pixels, which is all the
 * layout sees (media queries, vw, the grid); the device pixel ratio only
 * changes rasterisation.
 */

const tabs = ['lifecycle', 'network', 'layers', 'volumes', 'registry', 'kernel', 'trace'] as const;

interface DiagramMeasure {
  texts: number;
  smallest: { px: number; text: string }[];
  /** Texts that start inside their group's box and run past its right edge. */
  overflowing: string[];
}

/** The shown diagram's visible texts: rendered size (CSS px) and whether each fits the box it sits in. */
function measureDiagram(page: Page): Promise<DiagramMeasure> {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="diagram-viewport"] svg:not([aria-hidden="true"])');
    const texts = svg ? [...svg.querySelectorAll('text')].filter((t) => t.getBoundingClientRect().width > 0) : [];
    const sizes = texts.map((t) => {
      const m = t.getScreenCTM()!;
      return { px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b), text: t.textContent ?? '' };
    });
    sizes.sort((a, b) => a.px - b.px);
    const overflowing: string[] = [];
    for (const t of texts) {
      const box = t.parentElement?.querySelector(':scope > rect');
      if (!box) continue;
      const r = t.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      if (r.left >= b.left - 1 && r.left < b.right && r.right > b.right + 1) overflowing.push(t.textContent ?? '');
    }
    return { texts: texts.length, smallest: sizes.slice(0, 3), overflowing };
  });
}

/** Rows of a flex line whose children do not all share one horizontal band (a wrapped line). */
function wrapped(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const row of document.querySelectorAll(sel)) {
      const kids = [...row.children].filter((k) => k.getBoundingClientRect().height > 0);
      const tops = kids.map((k) => k.getBoundingClientRect().top);
      const bottoms = kids.map((k) => k.getBoundingClientRect().bottom);
      if (kids.length > 1 && Math.max(...tops) >= Math.min(...bottoms)) out.push(`${sel}: ${kids.map((k) => `${k.textContent?.trim().slice(0, 20)}@${Math.round(k.getBoundingClientRect().top)}`).join(', ')}`);
      // A control whose own text broke into two lines.
      for (const el of row.querySelectorAll('button, [role="tab"], .status, h1')) {
        const cs = getComputedStyle(el);
        const lh = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.3;
        const chrome = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth'].reduce((n, p) => n + (parseFloat(cs[p as 'paddingTop']) || 0), 0);
        const h = el.getBoundingClientRect().height - chrome;
        if (h > 1.5 * lh) out.push(`${sel}: "${el.textContent?.trim()}" is ${Math.round(h)}px tall, in lines of ${Math.round(lh)}px`);
      }
    }
    return out;
  }, selector);
}

async function noLineWraps(page: Page): Promise<void> {
  expect(await wrapped(page, '.topbar')).toEqual([]);
  expect(await wrapped(page, '.topbar .controls')).toEqual([]);
  expect(await wrapped(page, '[role="tablist"]')).toEqual([]);
}

/** The terminal and the diagram panel sit side by side (not stacked). */
async function sideBySide(page: Page): Promise<void> {
  const [term, diagram] = await Promise.all([page.locator('.terminal-pane').boundingBox(), page.locator('section.diagrams').boundingBox()]);
  expect(term).not.toBeNull();
  expect(diagram).not.toBeNull();
  expect(term!.x + term!.width).toBeLessThanOrEqual(diagram!.x);
  expect(term!.y).toBeLessThan(diagram!.y + diagram!.height);
  expect(diagram!.y).toBeLessThan(term!.y + term!.height);
}

async function showTab(page: Page, tab: string): Promise<void> {
  await page.locator(`[data-testid="tab-${tab}"]`).click();
  // The panel sizes the drawing on the next frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForTimeout(150);
}

async function everyDiagramReadable(page: Page): Promise<void> {
  for (const tab of tabs) {
    await showTab(page, tab);
    const m = await measureDiagram(page);
    expect.soft(m.texts, `${tab} shows text`).toBeGreaterThan(0);
    expect.soft(m.smallest[0]?.px ?? 0, `${tab}: smallest label ${JSON.stringify(m.smallest[0])}`).toBeGreaterThanOrEqual(13.99);
    expect.soft(m.overflowing, `${tab}: labels running out of their boxes`).toEqual([]);
  }
}

const stepShown = (page: Page): Promise<string | null> => page.locator('[data-testid="presenter-step"]').getAttribute('data-step');

describe.skipIf(!haveChromium())('presenter mode at 1280×720, on the simulated backend', () => {
  const app = pageSuite('presenter');

  test('the top bar turns presenter mode on, in the address, and a reload keeps it', async () => {
    const page = app.page;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator('[data-testid="presenter-toggle"]').click();
    await page.locator('.shell[data-present="true"]').waitFor();
    expect(new URL(page.url()).searchParams.get('present')).toBe('1');
    expect(await page.locator('[data-testid="presenter-toggle"]').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await page.locator(terminalSelector).waitFor();
    await page.locator('.shell[data-present="true"]').waitFor();
    // No lesson yet: the strip says how to get one, the history strip is gone.
    await page.locator('[data-testid="presenter-step"]').waitFor();
    expect(await page.locator('.history').count()).toBe(0);
  });

  test('a lesson and a running container: terminal ≥ 16 px, every diagram label ≥ 14 px and uncut, nothing wraps', async () => {
    const page = app.page;
    await page.selectOption('[data-testid="lesson-menu"]', 'lifecycle');
    await expect.poll(() => stepShown(page)).toBe('run');
    // Run puts the step's command in the terminal and runs it.
    await page.locator('[data-testid="presenter-run"]').click();
    await waitForTerminal(page, /^\$ docker run -d --name web nginx$/m, { unwrap: true });
    await waitForTerminal(page, /^[0-9a-f]{64}$/m, { unwrap: true });
    await expect.poll(() => stepShown(page)).toBe('pause');

    const termPx = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.xterm-rows')!).fontSize));
    expect(termPx).toBeGreaterThanOrEqual(16);
    await everyDiagramReadable(page);
    await noLineWraps(page);
    await sideBySide(page);
  });

  test('keyboard: PageDown / PageUp and Alt+Shift+arrows move the step, from the terminal too', async () => {
    const page = app.page;
    await page.locator(terminalSelector).click();
    const before = await stepShown(page);
    await page.keyboard.press('PageDown');
    await expect.poll(() => stepShown(page)).not.toBe(before);
    const after = await stepShown(page);
    await page.keyboard.press('PageUp');
    await expect.poll(() => stepShown(page)).toBe(before);
    await page.keyboard.press('Alt+Shift+ArrowRight');
    await expect.poll(() => stepShown(page)).toBe(after);
    await page.keyboard.press('Alt+Shift+ArrowLeft');
    await expect.poll(() => stepShown(page)).toBe(before);
    // The keys went to presenter mode, not to the prompt.
    expect(await page.locator('.xterm-rows').textContent()).not.toMatch(/~|\[5|\[6/);
  });

  test('zoom buttons and keys scale the diagram; full screen enters and leaves', async () => {
    const page = app.page;
    await showTab(page, 'lifecycle');
    const width = () => page.locator('[data-testid="diagram-viewport"] svg').evaluate((s) => s.getBoundingClientRect().width);
    const w0 = await width();
    await page.locator('[data-testid="zoom-in"]').click();
    await expect.poll(() => page.locator('[data-testid="diagram-viewport"]').getAttribute('data-zoom')).toBe('1.25');
    await expect.poll(width).toBeGreaterThan(w0);
    await page.locator('[data-testid="diagram-viewport"]').focus();
    await page.keyboard.press('0');
    await expect.poll(() => page.locator('[data-testid="diagram-viewport"]').getAttribute('data-zoom')).toBe('1');
    await page.keyboard.press('-');
    await expect.poll(() => page.locator('[data-testid="diagram-viewport"]').getAttribute('data-zoom')).toBe('0.8');
    await page.locator('[data-testid="zoom-reset"]').click();
    expect(await page.locator('[data-testid="zoom-in"]').getAttribute('aria-label')).toBe('Zoom in');
    // Ctrl-wheel over the diagram zooms it (and not the page).
    const viewport = await page.locator('[data-testid="diagram-viewport"]').boundingBox();
    await page.mouse.move(viewport!.x + viewport!.width / 2, viewport!.y + viewport!.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await expect.poll(async () => Number(await page.locator('[data-testid="diagram-viewport"]').getAttribute('data-zoom'))).toBeGreaterThan(1);
    await page.locator('[data-testid="zoom-reset"]').click();

    await page.locator('[data-testid="fullscreen"]').click();
    await expect
      .poll(() => page.evaluate(() => document.fullscreenElement?.classList.contains('diagrams') === true || document.querySelector('.diagrams.fallback-fullscreen') !== null))
      .toBe(true);
    await expect.poll(() => page.locator('section.diagrams').getAttribute('data-fullscreen')).toBe('true');
    await page.locator('[data-testid="fullscreen"]').click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement === null && document.querySelector('.diagrams.fallback-fullscreen') === null)).toBe(true);
  });

  test('at 125% and 150% browser zoom the panes stay side by side and nothing wraps, presenting or not', async () => {
    const page = app.page;
    for (const size of [
      { width: 1024, height: 576 },
      { width: 853, height: 480 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(200);
      await sideBySide(page);
      await noLineWraps(page);
      await page.locator('[data-testid="presenter-toggle"]').click();
      await page.waitForTimeout(200);
      await sideBySide(page);
      await noLineWraps(page);
      await page.locator('[data-testid="presenter-toggle"]').click();
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  test('normal mode at 1280×720 cuts neither the bridge nor the container layer label', async () => {
    const page = app.page;
    await page.locator('.shell[data-present="true"]').waitFor();
    await page.locator('[data-testid="presenter-toggle"]').click();
    await page.locator('.shell[data-present="false"]').waitFor();
    await showTab(page, 'network');
    const bridge = await page.locator('[data-bridge="docker0"] text').first().textContent();
    expect(bridge).toBe('docker0 · network "bridge" (bridge)');
    await showTab(page, 'layers');
    const upper = await page.locator('.box.container text.what').textContent();
    expect(upper).toBe('container layer (read-write)');
    expect(await page.locator('.box.init text.what').textContent()).not.toContain('…');
    for (const tab of tabs) {
      await showTab(page, tab);
      expect.soft((await measureDiagram(page)).overflowing, `${tab}: labels running out of their boxes`).toEqual([]);
    }
    await noLineWraps(page);
    await sideBySide(page);
  });

  test('in Chinese the same holds: labels ≥ 14 px and uncut, nothing wraps', async () => {
    const page = app.page;
    await page.selectOption('[data-testid="language"]', 'zh-CN');
    await page.locator('[data-testid="presenter-toggle"]').click();
    await page.locator('.shell[data-present="true"]').waitFor();
    expect(await page.locator('[data-testid="zoom-in"]').getAttribute('aria-label')).toBe('放大');
    await everyDiagramReadable(page);
    await noLineWraps(page);
    await sideBySide(page);
    await showTab(page, 'layers');
    expect(await page.locator('.box.container text.what').textContent()).toBe('容器层（可读写）');
  });

  test('presenting a lesson opens the diagram it is about', async () => {
    const page = app.page;
    await page.selectOption('[data-testid="lesson-menu"]', 'networking');
    await expect.poll(() => page.locator('[data-testid="tab-network"]').getAttribute('aria-selected')).toBe('true');
    // The tabs stay free: another tab can still be picked while the lesson goes on.
    await showTab(page, 'kernel');
    expect(await page.locator('[data-testid="tab-kernel"]').getAttribute('aria-selected')).toBe('true');
  });
});
