import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { startAgent } from '../../backends/agent/server';
import { chooseTracer } from '../../backends/agent/tracer/kernelTracer';
import { foreignActivity } from '../agent/engineActivity';
import { docker, dockerQuiet, uniqueName } from '../agent/support';
import { haveChromium, haveDocker, haveRoot, required } from '../support/requirements';
import { type StaticServer, pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * The Trace tab's sequence diagram on the real engine, in the page the agent
 * serves with its kernel trace (bpftrace, else strace): the trace turned on
 * from the tab, a docker run typed in the terminal, and the lanes, phase
 * bands, steps and SVG export drawn from what the tracer saw.
 */
const ready = haveChromium() && haveDocker() && haveRoot();
const choice = ready ? chooseTracer() : { problem: 'no Chromium, Docker or root' };
const traceProblem = 'problem' in choice ? choice.problem : null;
if (traceProblem && required) throw new Error(`the kernel trace is required (REQUIRE_DOCKER=1) but ${traceProblem}`);
if (traceProblem) process.stderr.write(`skipping the sequence diagram on the real engine: ${traceProblem}\n`);
const tracer = 'kind' in choice ? choice.kind : 'bpftrace';

/** An agent on a free loopback port serving the build, with the kernel trace offered. */
async function serveWithTracingAgent(staticDir: string): Promise<StaticServer> {
  const agent = await startAgent({ port: 0, staticDir, trace: true, tracer, log: () => {} });
  return { url: agent.url, close: () => agent.close() };
}

describe.skipIf(traceProblem !== null)(`the trace as a sequence diagram, on the real engine (${tracer})`, () => {
  /** Every try's container (see the retry below), removed after. */
  const names: string[] = [];
  const ids: string[] = [];
  let line = '';
  const app = pageSuite('trace-sequence-real', { serve: serveWithTracingAgent });
  afterAll(async () => {
    // The page turns the trace off; an agent left tracing would slow everyone's dockerd.
    try {
      await app.page.locator('[data-testid="trace-toggle"][aria-pressed="true"]').click({ timeout: 2000 });
    } catch {
      // No page (its set-up failed) or the trace is already off; the agent stops its tracer when it closes anyway.
    }
    if (names.length) dockerQuiet('rm', '-f', ...names);
  });
  const svg = '[data-testid="trace-sequence"]';
  const current = `${svg} .msg[aria-current="step"]`;

  test('docker run draws a lane per actor and the phases a teacher names, in order, from the real trace', async () => {
    const page = app.page;
    await page.locator('[data-testid="tab-trace"]').click();
    expect(await page.locator('[data-testid="trace-mode-sequence"]').isChecked()).toBe(true);
    const toggle = page.locator('[data-testid="trace-toggle"]');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed'), { timeout: 60_000 }).toBe('true');

    // dockerd's own work names no container, so another container or network changing on the shared engine in the same
    // moment lands in this line's trace: run it again until the moment was the line's alone (engineActivity.ts).
    for (let attempt = 1; ; attempt++) {
      const name = uniqueName('gb-rseq-e2e');
      names.push(name);
      line = `docker run -d --name ${name} busybox sleep 30`;
      const echoed = new RegExp(`^\\$ ${line}\\n([0-9a-f]{64})$`, 'm');
      const t0 = Date.now();
      await typeLine(page, line);
      const shown = await waitForTerminal(page, echoed, { timeoutMs: 60_000 });
      const t1 = Date.now();
      ids.push(echoed.exec(shown)![1]!);
      // Drawn once the tracer has streamed the entrypoint's start.
      await expect.poll(() => page.locator('[data-testid="seq-command"]').inputValue(), { timeout: 30_000 }).toBe(line);
      await page.locator(`${svg} .msg[data-phase="start"]`).waitFor({ state: 'attached', timeout: 30_000 });
      const foreign = await foreignActivity(t0 - 1000, t1 + 500, (x) => names.includes(x) || (x.length >= 12 && ids.some((i) => i.startsWith(x))));
      if (!foreign.length) break;
      if (attempt === 10) throw new Error(`the shared engine was never quiet for the line's moment: ${foreign.join('; ')}`);
      process.stderr.write(`other work on the engine during the line (${foreign.join('; ')}): running it again\n`);
      dockerQuiet('rm', '-f', name);
      await page.waitForTimeout(1500);
    }
    const diagram = page.locator(svg);
    expect(await diagram.locator('.lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')))).toEqual(['client', 'dockerd', 'containerd', 'shim', 'runc', 'container', 'kernel']);
    const bands = await diagram.locator('.band').evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')!));
    const teacher = bands.filter((p, i) => ['rootfs', 'namespaces', 'cgroups', 'network', 'start'].includes(p) && bands.indexOf(p) === i);
    expect(teacher).toEqual(['rootfs', 'network', 'cgroups', 'namespaces', 'start']);
    // The steps are the real processes' own: dockerd mounts the overlay, the shim runs runc, runc starts PID 1.
    const labels = await diagram.locator('.msg').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!));
    expect(labels).toContain('shim → runc: execve runc create');
    expect(labels.filter((l) => /^dockerd → kernel: mount/.test(l)).length).toBeGreaterThan(0);
    expect(await diagram.locator('.msg[data-phase="start"]').getAttribute('aria-label')).toBe('runc → container: execve sleep 30');
    // The tracer does not watch the docker CLI: its lane holds only the derived request, and says so.
    expect(labels.filter((l) => l.startsWith('docker CLI'))).toEqual([expect.stringMatching(/^docker CLI → dockerd: POST \/containers\/create.*\(derived/)]);
    const note = diagram.locator('.lane[data-lane="client"] [data-testid="seq-lane-note"]');
    expect(await note.locator('tspan').allTextContents()).toEqual(['not observed', `by ${tracer}`]);
    expect(await note.locator('title').textContent()).toMatch(new RegExp(`^${tracer} saw no operation of this process for this line`));
    expect(await diagram.locator('[data-testid="seq-lane-note"]').count()).toBe(1);
  });

  test('a step highlights its arrow and lights up what it changed in the Network view; ▶ plays', async () => {
    const page = app.page;
    const next = page.locator('[data-testid="seq-next"]');
    await next.click();
    expect(await page.locator(current).getAttribute('data-row')).toBe('0');
    expect(await page.locator('[data-testid="seq-now"]').textContent()).toMatch(/Step 1 of \d+/);
    // Step on to dockerd setting up the network (bpftrace sees the veth made; strace only the netns entered).
    const want = tracer === 'bpftrace' ? 'link.add' : 'setns';
    const hasOp = async (): Promise<boolean> => (await page.locator(current).getAttribute('aria-label'))!.includes(want);
    for (let i = 0; i < 30 && !(await hasOp()); i++) await next.click();
    expect(await page.locator(current).getAttribute('aria-label')).toMatch(new RegExp(`^dockerd → kernel: .*${want}`));
    expect(await page.locator(current).getAttribute('data-phase')).toBe('network');
    await page.locator('[data-testid="tab-network"]').click();
    await page.locator('.iface.lit, .bar.lit').first().waitFor({ state: 'attached', timeout: 15_000 });
    await page.locator('[data-testid="tab-trace"]').click();
    await page.locator(svg).waitFor({ state: 'visible' });

    // ▶ keeps stepping while the trace streams on (each op redraws the diagram): a container started outside the page execs every 0.2 s.
    const busy = uniqueName('gb-rseq-e2e-busy');
    names.push(busy);
    docker('run', '-d', '--name', busy, 'busybox', 'sh', '-c', 'while :; do sleep 0.2; done');
    await page.locator('[data-testid="seq-restart"]').click();
    const play = page.locator('[data-testid="seq-play"]');
    await play.click();
    await expect.poll(async () => Number(await page.locator(current).getAttribute('data-row').catch(() => '-1')), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await play.click();
    expect(await play.getAttribute('aria-pressed')).toBe('false');
    dockerQuiet('rm', '-f', busy);
  });

  test('exports the real sequence diagram as a standalone SVG with its lanes and the lane note', async () => {
    const page = app.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-svg"]').click()]);
    expect(download.suggestedFilename()).toBe('glassbox-trace.svg');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toMatch(/<svg[^>]* class="gb-seq\b/);
    for (const lane of ['client', 'dockerd', 'containerd', 'shim', 'runc', 'container', 'kernel']) expect(text).toContain(`data-lane="${lane}"`);
    expect(text).toContain('Start PID 1');
    expect(text).toContain('execve sleep 30');
    expect(text).toContain(`by ${tracer}`);
    expect(text).not.toContain('tabindex');
  });
});
