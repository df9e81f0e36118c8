import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../support/requirements';
import { serveStatic } from '../e2e/harness';
import { summarize, type Stats } from './stats';

/**
 * What a student waits for: the JavaScript the page loads before it can do
 * anything, and the time from navigation to a terminal that echoes a key.
 */
export interface PageBenchResult {
  /** The module scripts and modulepreloads index.html names, gzipped (zlib default level). */
  initialJs: { files: { file: string; bytes: number; gzip: number }[]; bytes: number; gzip: number };
  /** Every JS file in the build (the worker, lazy chunks), gzipped. */
  allJs: { files: number; bytes: number; gzip: number };
  /** Navigation start → the terminal shows a typed character, fresh profile each load. */
  timeToEcho: Stats | null;
  /** Navigation start → xterm's input element exists. */
  timeToTerminal: Stats | null;
  notes: string[];
}

async function jsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.m?js$/.test(entry.name)) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

/** The JS index.html loads at start: `<script type="module" src>` and `<link rel="modulepreload" href>`. */
async function initialScripts(dir: string): Promise<string[]> {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const urls = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const src = tag.match(/\b(?:src|href)="([^"]+)"/)?.[1];
    if (!src) continue;
    if (tag.startsWith('<script') && /type="module"/.test(tag)) urls.add(src);
    if (tag.startsWith('<link') && /rel="modulepreload"/.test(tag)) urls.add(src);
  }
  return [...urls].filter((u) => !/^[a-z]+:/i.test(u)).map((u) => join(dir, u.replace(/^\.?\//, '')));
}

async function sizes(files: string[]): Promise<{ file: string; bytes: number; gzip: number }[]> {
  return Promise.all(
    files.map(async (file) => {
      const data = await readFile(file);
      return { file, bytes: data.length, gzip: gzipSync(data).length };
    }),
  );
}

const MARKER = 'zqz';

/**
 * Runs in the page before its own scripts and notes, on the page's clock
 * (0 = navigation start), when xterm's input appears and when the marker shows
 * in the rows. A string, not a function: tsx would wrap named functions in a
 * helper that does not exist in the page.
 */
const echoWatcher = `(() => {
  window.__gbEchoAt = null;
  window.__gbTerminalAt = null;
  new MutationObserver(() => {
    if (window.__gbTerminalAt === null && document.querySelector('.xterm-helper-textarea')) window.__gbTerminalAt = performance.now();
    const rows = document.querySelector('.xterm-rows') || document.querySelector('.xterm-accessibility-tree');
    if (window.__gbEchoAt === null && rows && rows.textContent.includes(${JSON.stringify(MARKER)})) window.__gbEchoAt = performance.now();
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

export async function benchPage(dir: string, opts: { loads?: number } = {}): Promise<PageBenchResult> {
  const notes: string[] = [];
  const initial = await sizes(await initialScripts(dir));
  const all = await sizes(await jsFiles(dir));
  if (initial.length === 0) notes.push('index.html names no module script');

  const server = await serveStatic(dir);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  const echo: number[] = [];
  const terminal: number[] = [];
  try {
    for (let i = 0; i < (opts.loads ?? 5); i++) {
      // A fresh context each load: empty cache and storage, as for a first visit.
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      try {
        await context.addInitScript(echoWatcher);
        const page = await context.newPage();
        await page.goto(server.url, { waitUntil: 'commit' });
        const textarea = page.locator('.xterm-helper-textarea');
        await textarea.waitFor({ state: 'attached', timeout: 30_000 });
        // Keys typed before the line editor is ready may be dropped; type again until one echoes.
        let echoed: number | null = null;
        for (let attempt = 0; attempt < 200 && echoed === null; attempt++) {
          await textarea.focus();
          await page.keyboard.type(MARKER);
          echoed = await page
            .waitForFunction(() => (window as unknown as { __gbEchoAt: number | null }).__gbEchoAt, undefined, { timeout: 150 })
            .then((h) => h.jsonValue() as Promise<number>)
            .catch(() => null);
        }
        const at = await page.evaluate(() => (window as unknown as { __gbTerminalAt: number | null }).__gbTerminalAt);
        if (at !== null) terminal.push(at);
        if (echoed !== null) echo.push(echoed);
        else notes.push(`load ${i + 1}: the terminal never echoed a typed key within 30 s`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const total = (list: { bytes: number; gzip: number }[]) => ({ bytes: list.reduce((n, f) => n + f.bytes, 0), gzip: list.reduce((n, f) => n + f.gzip, 0) });
  return {
    initialJs: { files: initial.map((f) => ({ ...f, file: relative(dir, f.file) })), ...total(initial) },
    allJs: { files: all.length, ...total(all) },
    timeToEcho: echo.length ? summarize(echo) : null,
    timeToTerminal: terminal.length ? summarize(terminal) : null,
    notes,
  };
}
