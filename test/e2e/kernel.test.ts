import { readlinkSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { tracingProblem } from '../../backends/agent/tracer/kernelTracer';
import { docker, dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker, haveRoot } from '../support/requirements';
import { pageSuite, serveWithAgent, typeLine, waitForTerminal } from './harness';

/** The text of the trace rows of one op kind. */
async function opTexts(page: Page, op: string): Promise<string[]> {
  return page.locator(`[data-testid="trace-diagram"] .op[data-op="${op}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

describe.skipIf(!haveChromium())('the Trace tab, on the simulated backend', () => {
  const app = pageSuite('trace-sim');

  test('docker run -d --name web busybox sleep 300 lists unshare with the five namespace flags, pivot_root and the veth set-up; a click picks an op', async () => {
    const page = app.page;
    await typeLine(page, 'docker run -d --name web busybox sleep 300');
    await waitForTerminal(page, /^[0-9a-f]{64}$/m);
    await page.locator('[data-testid="tab-trace"]').click();
    await page.locator('[data-testid="trace-mode-table"]').check();
    await page.locator('[data-testid="trace-diagram"] .op[data-op="link.add"]').first().waitFor({ state: 'visible', timeout: 20_000 });
    expect(await opTexts(page, 'unshare')).toContainEqual(expect.stringContaining('flags=CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET (runc'));
    expect((await opTexts(page, 'pivot_root')).length).toBe(1);
    expect((await opTexts(page, 'link.add')).some((t) => /type=veth name=veth\w+ peer=veth\w+/.test(t))).toBe(true);
    expect((await opTexts(page, 'link.rename')).some((t) => /newname=eth0/.test(t))).toBe(true);
    expect((await opTexts(page, 'addr.add')).some((t) => /dev=eth0 addr=172\.17\.\d+\.\d+\/16/.test(t))).toBe(true);
    expect(await page.locator('[data-testid="trace-diagram"] .cmd').first().textContent()).toContain('$ docker run -d --name web busybox sleep 300');
    // Keyboard: focus the op, Enter picks it.
    const row = page.locator('[data-testid="trace-diagram"] .op[data-op="link.add"]').first();
    await row.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => row.getAttribute('class')).toContain('picked');
    // The filter narrows the list.
    await page.locator('[data-testid="trace-filter"]').fill('iptables');
    await expect.poll(() => page.locator('[data-testid="trace-diagram"] .op').evaluateAll((els) => els.every((e) => e.getAttribute('data-op') === 'iptables'))).toBe(true);
  });
});

const traceProblem = haveChromium() && haveDocker() && haveRoot() ? tracingProblem() : 'no Chromium, Docker or root';

describe.skipIf(traceProblem !== null)('the Kernel and Trace tabs, on the real backend', () => {
  const name = uniqueName('gbktr');
  const app = pageSuite('kernel-real', { serve: serveWithAgent });
  afterAll(() => dockerQuiet('rm', '-f', name));

  test('with tracing on, docker run lists unshare with the five namespace flags, pivot_root and the veth, seen by bpftrace', async () => {
    const page = app.page;
    await page.locator('[data-testid="tab-trace"]').click();
    await page.locator('[data-testid="trace-mode-table"]').check();
    const toggle = page.locator('[data-testid="trace-toggle"]');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed'), { timeout: 60_000 }).toBe('true');
    await typeLine(page, `docker run -d --name ${name} --memory 64m busybox sleep 300`);
    await waitForTerminal(page, /^[0-9a-f]{64}$/m, { timeoutMs: 60_000 });
    await page.locator('[data-testid="trace-diagram"] .op[data-op="pivot_root"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    // The engine is shared: dockerd's unnamed network work may be put down to a container another test started at the same moment.
    await page.locator('[data-testid="trace-only-selected"]').uncheck();
    // Ops stream in as the tracer reads them (netlink requests are resolved a little later): poll rather than read once.
    await expect
      .poll(async () => (await opTexts(page, 'unshare')).some((t) => t.includes('flags=CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET (runc')), { timeout: 20_000 })
      .toBe(true);
    await expect
      .poll(async () => (await opTexts(page, 'link.add')).some((t) => /type=veth name=veth\w+ peer=veth\w+ \(dockerd \d+\)/.test(t)), { timeout: 20_000 })
      .toBe(true);
  });

  test('the Kernel tab shows the container’s namespaces as readlink does and its memory limit', async () => {
    const page = app.page;
    await page.locator('[data-testid="tab-kernel"]').click();
    const pid = docker('inspect', '-f', '{{.State.Pid}}', name).trim();
    const net = /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))![1]!;
    const cell = page.locator(`[data-ns-row="${name}"] .cell[data-ns="net"]`);
    await cell.waitFor({ state: 'attached', timeout: 20_000 });
    expect(await cell.getAttribute('data-inode')).toBe(net);
    expect(await page.locator(`[data-ns-row="${name}"] .cell[data-ns="user"]`).getAttribute('data-shared')).toBe('host');
    expect(await page.locator(`.proc.container[data-pid="${pid}"]`).count()).toBe(1);
    expect(await page.locator('[data-testid="kernel-diagram"]').textContent()).toContain('/ 64MiB');
  });
});
