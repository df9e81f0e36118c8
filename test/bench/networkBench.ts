import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { repoRoot, serveStatic } from '../e2e/harness';
import { chromiumArgs, chromiumPath } from '../support/requirements';
import { summarize, type Stats } from './stats';

/**
 * Frames per second while the network diagram plays a packet path, with 200
 * containers on 3 bridges (web/network-bench.html), in headless Chromium:
 * requestAnimationFrame callbacks counted over the trip, several trips.
 */
export interface NetworkBenchResult {
  containers: number;
  bridges: number;
  /** SVG elements in the drawing. */
  elements: number;
  /** Frames per second over each trip. */
  fps: Stats;
  /** The longest gap between two frames, per trip (ms). */
  worstFrameMs: Stats;
  /** Frames per second of the same page at rest (2 s): this machine's ceiling. */
  idleFps: number;
  notes: string[];
}

/**
 * Runs in the page: counts animation frames from now until the caption shows
 * the packet at its last hop (at most 15 s). A string, not a function: tsx
 * would wrap named functions in a helper that does not exist in the page.
 */
const countFrames = `new Promise((resolve) => {
  const packet = () => document.querySelector('[data-testid="packet"]');
  const first = packet() ? packet().getAttribute('transform') : null;
  let frames = 0;
  let worst = 0;
  let last = performance.now();
  const t0 = last;
  const tick = (ts) => {
    frames++;
    worst = Math.max(worst, ts - last);
    last = ts;
    const b = document.querySelector('[data-testid="hop-caption"] b');
    const [at, of] = (b ? b.textContent : '').split('/').map(Number);
    if ((!of || at !== of) && ts - t0 < 15000) requestAnimationFrame(tick);
    else resolve({ frames, ms: ts - t0, worst, moved: (packet() ? packet().getAttribute('transform') : null) !== first });
  };
  requestAnimationFrame(tick);
})`;

const idleFrames = `new Promise((resolve) => {
  let frames = 0;
  const t0 = performance.now();
  const tick = (ts) => {
    frames++;
    if (ts - t0 < 2000) requestAnimationFrame(tick);
    else resolve((frames / (ts - t0)) * 1000);
  };
  requestAnimationFrame(tick);
})`;

export async function benchNetwork(opts: { containers?: number; bridges?: number; trips?: number } = {}): Promise<NetworkBenchResult> {
  const containers = opts.containers ?? 200;
  const bridges = opts.bridges ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'glassbox-netbench-'));
  const notes: string[] = [];
  try {
    await build({
      configFile: join(repoRoot, 'vite.config.ts'),
      root: join(repoRoot, 'web'),
      logLevel: 'error',
      build: { outDir: dir, emptyOutDir: true, rollupOptions: { input: join(repoRoot, 'web', 'network-bench.html') } },
    });
    const server = await serveStatic(dir);
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${server.url}network-bench.html?containers=${containers}&bridges=${bridges}`);
      await page.locator('[data-testid="network-diagram"] .ctr').first().waitFor({ state: 'attached', timeout: 30_000 });
      const drawn = await page.locator('[data-testid="network-diagram"] .ctr').count();
      if (drawn !== containers) notes.push(`${drawn} containers drawn, ${containers} expected`);
      const elements = await page.evaluate(() => document.querySelectorAll('[data-testid="network-diagram"] *').length);
      const idleFps = (await page.evaluate(idleFrames)) as number;
      const fps: number[] = [];
      const worst: number[] = [];
      for (let i = 0; i < (opts.trips ?? 3); i++) {
        await page.locator('[data-testid="play-packet"]').click();
        const r = (await page.evaluate(countFrames)) as { frames: number; ms: number; worst: number; moved: boolean };
        if (!r.moved) notes.push(`trip ${i + 1}: the packet did not move`);
        fps.push((r.frames / r.ms) * 1000);
        worst.push(r.worst);
      }
      return { containers, bridges, elements, idleFps, fps: summarize(fps), worstFrameMs: summarize(worst), notes };
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
