import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { haveChromium } from '../support/requirements';
import { pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * The Trace tab's sequence diagram on the simulated backend: docker run's
 * lanes and phases in order, a step that lights up what it changed in the
 * Network view, ▶/⏸, and the SVG export.
 */
describe.skipIf(!haveChromium())('the trace as a sequence diagram, on the simulated backend', () => {
  const app = pageSuite('trace-sequence');
  const line = 'docker run -d busybox sleep 60';
  const current = '[data-testid="trace-sequence"] .msg[aria-current="step"]';

  test('docker run draws a lane per actor and the phases a teacher names, in order', async () => {
    const page = app.page;
    await typeLine(page, line);
    await waitForTerminal(page, /^[0-9a-f]{64}$/m);
    await page.locator('[data-testid="tab-trace"]').click();
    expect(await page.locator('[data-testid="trace-mode-sequence"]').isChecked()).toBe(true);
    const svg = page.locator('[data-testid="trace-sequence"]');
    await svg.locator('.msg').first().waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator('[data-testid="seq-command"]').inputValue()).toBe(line);
    expect(await svg.locator('.lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')))).toEqual(['client', 'dockerd', 'containerd', 'shim', 'runc', 'container', 'kernel']);
    expect(await svg.locator('.lane text').allTextContents()).toEqual(['docker CLI', 'dockerd', 'containerd', 'shim', 'runc', 'container', 'kernel']);
    const bands = await svg.locator('.band').evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')!));
    const teacher = bands.filter((p, i) => ['rootfs', 'namespaces', 'cgroups', 'network', 'start'].includes(p) && bands.indexOf(p) === i);
    expect(teacher).toEqual(['rootfs', 'network', 'cgroups', 'namespaces', 'start']);
    expect(await svg.locator('.band[data-phase="start"] text').first().textContent()).toBe('Start PID 1');
    // The request no tracer sees is drawn, and marked as derived.
    expect(await svg.locator('.msg.derived').first().getAttribute('aria-label')).toMatch(/^docker CLI → dockerd: POST \/containers\/create.*\(derived/);
    // The entrypoint starts from runc onto the container's lane.
    expect(await svg.locator('.msg[data-phase="start"]').getAttribute('aria-label')).toBe('runc → container: execve sleep 60');

    // Presenter size: with the panel 1280 px wide (or wider), an arrow's label is at least 14 px on screen.
    const sizes = (): Promise<{ px: number; width: number }> =>
      svg.evaluate((el) => {
        const s = el as SVGSVGElement;
        const text = s.querySelector('.msg text')!;
        return { px: parseFloat(getComputedStyle(text).fontSize) * s.getScreenCTM()!.a, width: s.getBoundingClientRect().width };
      });
    const normal = await sizes();
    await page.setViewportSize({ width: 2800, height: 900 });
    await expect.poll(async () => (await sizes()).width).toBeGreaterThanOrEqual(1280);
    const wide = await sizes();
    await page.setViewportSize({ width: 1400, height: 900 });
    process.stdout.write(`sequence labels: ${normal.px.toFixed(1)} px with the panel ${normal.width.toFixed(0)} px wide, ${wide.px.toFixed(1)} px at ${wide.width.toFixed(0)} px\n`);
    expect(wide.px).toBeGreaterThanOrEqual(14);
  });

  test('a step highlights its arrow, says what it is, and lights up what it changed in the Network view', async () => {
    const page = app.page;
    const next = page.locator('[data-testid="seq-next"]');
    await next.click();
    expect(await page.locator(current).getAttribute('data-row')).toBe('0');
    expect(await page.locator('[data-testid="seq-now"]').textContent()).toMatch(/Step 1 of \d+/);
    // Step on to dockerd making the veth pair.
    for (let i = 0; i < 20 && (await page.locator(current).getAttribute('data-op')) !== 'link.add'; i++) await next.click();
    expect(await page.locator(current).getAttribute('aria-label')).toMatch(/^dockerd → kernel: link\.add/);
    // From the keyboard: the current arrow is the one tab stop, and ↓ steps on.
    const row = Number(await page.locator(current).getAttribute('data-row'));
    await page.locator(current).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.locator(current).getAttribute('data-row')).toBe(String(row + 1));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-row'))).toBe(String(row + 1));
    expect(await page.locator('[data-testid="trace-sequence"] .msg[tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('ArrowUp');
    await page.locator('[data-testid="tab-network"]').click();
    await page.locator('.iface.lit').first().waitFor({ state: 'attached', timeout: 10_000 });
    // Back to the trace: the same mode and step.
    await page.locator('[data-testid="tab-trace"]').click();
    await page.locator('[data-testid="trace-sequence"]').waitFor({ state: 'visible' });
  });

  test('▶ plays the steps one by one and ⏸ stops', async () => {
    const page = app.page;
    await page.locator('[data-testid="seq-restart"]').click();
    expect(await page.locator(current).count()).toBe(0);
    const play = page.locator('[data-testid="seq-play"]');
    await play.click();
    expect(await play.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => Number(await page.locator(current).getAttribute('data-row').catch(() => '-1')), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await play.click();
    expect(await play.getAttribute('aria-pressed')).toBe('false');
    const at = await page.locator(current).getAttribute('data-row');
    await page.waitForTimeout(1500);
    expect(await page.locator(current).getAttribute('data-row')).toBe(at);
  });

  test('an op picked in the Table is the step the Sequence shows', async () => {
    const page = app.page;
    // A later command is the one shown; the op picked belongs to the earlier docker run.
    await typeLine(page, 'docker ps -q');
    await expect.poll(() => page.locator('[data-testid="seq-command"]').inputValue()).toBe('docker ps -q');
    await page.locator('[data-testid="trace-mode-table"]').check();
    await page.locator('[data-testid="trace-diagram"] .op[data-op="sethostname"]').first().click();
    await page.locator('[data-testid="trace-mode-sequence"]').check();
    await page.locator(current).waitFor({ state: 'attached' });
    expect(await page.locator(current).getAttribute('aria-label')).toMatch(/^runc → kernel: sethostname hostname=[0-9a-f]{12}$/);
    expect(await page.locator('[data-testid="seq-command"]').inputValue()).toBe(line);
  });

  test('exports the sequence diagram as a standalone SVG', async () => {
    const page = app.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-svg"]').click()]);
    expect(download.suggestedFilename()).toBe('glassbox-trace.svg');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toMatch(/<svg[^>]* class="gb-seq\b/);
    expect(text).toContain('Start PID 1');
    expect(text).not.toContain('tabindex');
  });
});
