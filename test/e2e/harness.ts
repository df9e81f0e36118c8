import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import sirv from 'sirv';
import { build } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startAgent } from '../../backends/agent/server';
import { chromiumArgs, chromiumPath } from '../support/requirements';

/**
 * What the browser suites and the page benchmark share: a private build of the
 * web app, a loopback static server for it, a Chromium with a throwaway
 * profile, and readers for what xterm shows.
 *
 * The build goes to a temporary directory rather than dist/web so a run never
 * races a teammate's `npm run build` or serves a half-written bundle.
 */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface BuiltWeb {
  dir: string;
  dispose(): Promise<void>;
}

/** Builds the web app with the project's vite config into a fresh temporary directory. */
export async function buildWeb(): Promise<BuiltWeb> {
  const dir = await mkdtemp(join(tmpdir(), 'glassbox-web-'));
  await build({
    configFile: join(repoRoot, 'vite.config.ts'),
    root: join(repoRoot, 'web'),
    logLevel: 'error',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** The real backend's way of serving the page: an agent on a free loopback port serves the build (pageSuite's `serve`). */
export async function serveWithAgent(staticDir: string): Promise<StaticServer> {
  const agent = await startAgent({ port: 0, staticDir });
  return { url: agent.url, close: () => agent.close() };
}

/** Serves `dir` on 127.0.0.1 at a free port, as `glassbox` does (sirv, no SPA fallback). */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const files = sirv(dir, { etag: true, single: false });
  const server: Server = createServer((req, res) =>
    files(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium with a fresh temporary profile, so localStorage starts empty and survives reloads within the run. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'glassbox-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport: { width: 1400, height: 900 },
    // The page picks its language from the browser's; tests start from English.
    locale: 'en-US',
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The terminal element the page marks with `data-testid="terminal"`. */
export const terminalSelector = '[data-testid="terminal"]';

/**
 * The text xterm shows, one string per row. Reads the DOM renderer's rows, or
 * the accessibility tree when a screen-reader mode is on. With `unwrap`, a row
 * filled to the last column is taken as wrapped and joined to the next (the
 * DOM does not mark wrapped rows); otherwise trailing blanks are trimmed.
 */
export async function terminalText(page: Page, opts: { unwrap?: boolean } = {}): Promise<string> {
  const rows = await page.evaluate((sel) => {
    const root = document.querySelector(sel) ?? document;
    const container = root.querySelector('.xterm-rows') ?? root.querySelector('.xterm-accessibility-tree');
    return container ? Array.from(container.children, (row) => (row.textContent ?? '').replace(/\u00a0/g, ' ')) : [];
  }, terminalSelector);
  if (!opts.unwrap) return rows.map((r) => r.trimEnd()).join('\n').trimEnd();
  const cols = Math.max(0, ...rows.map((r) => r.length));
  return rows.map((r) => (r.length >= cols ? r : r.trimEnd() + '\n')).join('').trimEnd();
}

/** Types a line into the terminal as a user would: focus it, type, press Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.locator(terminalSelector).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/**
 * Waits until the terminal shows text matching `pattern`; returns that text.
 * With `unwrap`, rows xterm wrapped are joined first.
 */
export async function waitForTerminal(page: Page, pattern: RegExp, opts: { timeoutMs?: number; unwrap?: boolean } = {}): Promise<string> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page, { unwrap: opts.unwrap });
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`the terminal never showed ${pattern}; it shows:\n${await terminalText(page)}`);
}

/**
 * The set-up every browser suite shares, registered as the calling describe
 * block's hooks: a private build, a server, a Chromium on the page with the
 * terminal ready; on failure a screenshot and the terminal's text under
 * test-results/e2e/; and after each test, no uncaught error in the page.
 * `serve` replaces the static server, e.g. with an agent serving the build
 * (its `url` is the page to open).
 */
export function pageSuite(name: string, opts: { serve?: (webDir: string) => Promise<StaticServer> } = {}): { readonly page: Page } {
  let web: BuiltWeb | undefined;
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    web = await buildWeb();
    server = await (opts.serve ?? serveStatic)(web.dir);
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
    await page.goto(server.url);
    await page.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await web?.dispose();
  });

  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const dir = join(repoRoot, 'test-results', 'e2e');
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${name}-${task.name.replace(/[^\w-]+/g, '-')}.png`);
      await page?.screenshot({ path: file, fullPage: true }).catch(() => {});
      const text = page ? await terminalText(page).catch(() => '?') : '?';
      process.stderr.write(`screenshot of the failure: ${file}\nterminal:\n${text}\n`);
    });
  });

  afterEach(() => {
    // An uncaught exception in the page is a defect even when the screen looks right.
    expect(pageErrors.splice(0)).toEqual([]);
  });

  return {
    get page(): Page {
      if (!page) throw new Error('the page is not open (beforeAll failed)');
      return page;
    },
  };
}
