/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { BackendEvent, TerminalIO } from '../../core/backend';
import { SimHost, type Journal, type JournalEntry } from './simHost';
import { sendingPatches } from './patchStream';

/**
 * The simulated engine in a Web Worker. Virtual time follows the wall clock
 * here (a student who types `docker stop` waits the real ten seconds); every
 * line and Ctrl-C is journaled with its virtual time so the page can rebuild
 * the same machine after a reload.
 */
const TICK_MS = 50;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const host = new SimHost({ yieldToEventLoop, stdinIsTTY: true, terminalInput: true, epoch: Date.now() });
// Virtual time is Unix time here: the journal's epoch is the moment it began.
let ticking = false;
/** The tick under way, if any: a rebuild waits for it, since it drives the machine's time itself. */
let tick: Promise<void> = Promise.resolve();
/** While a rebuild runs its lines, wall-clock ticks stay out. */
let holding = false;

setInterval(() => {
  if (ticking || holding) return;
  ticking = true;
  tick = host
    .advanceTo(Date.now())
    .finally(() => {
      ticking = false;
    });
}, TICK_MS);

const api = {
  capabilities: () => host.capabilities(),
  snapshot: () => host.snapshot(),
  layerEntries: (layerIds: string[]) => host.layerEntries(layerIds),
  listHostDir: (path: string) => host.listHostDir(path),
  prompt: () => host.prompt(),
  /**
   * Resolves only after every write has reached the page: comlink sends the
   * writes and the result over different ports, which do not keep order.
   */
  async exec(line: string, io: TerminalIO): Promise<number> {
    const delivered: Promise<unknown>[] = [];
    const code = await host.start(line, {
      stdout: (text) => void delivered.push(Promise.resolve(io.stdout(text))),
      stderr: (text) => void delivered.push(Promise.resolve(io.stderr(text))),
      // Through the same channel as the output, so the page switches modes in order with what it shows.
      raw: (on) => void delivered.push(Promise.resolve(io.raw?.(on)).catch(() => {})),
      // The page's dialogs (editor pane, Hub sign-in), once what the line printed before is on screen.
      edit: async (request) => (await Promise.all(delivered), (await io.edit?.(request)) ?? null),
      signIn: async (request) => (await Promise.all(delivered), (await io.signIn?.(request)) ?? null),
    });
    await Promise.all(delivered);
    return code;
  },
  interrupt: () => host.interrupt(),
  input: (data: string) => host.input(data),
  subscribe(listener: (e: BackendEvent) => void): () => void {
    // After the first snapshot only what changed crosses the port (issue 14).
    return Comlink.proxy(host.subscribe(sendingPatches(listener)));
  },
  onJournal(listener: (entry: JournalEntry) => void): () => void {
    return Comlink.proxy(host.onJournal(listener));
  },
  journal: (): Journal => host.journal,
  /** Rebuilds from a saved journal, then carries on in wall-clock time from where it left off. */
  async restore(journal: Journal): Promise<void> {
    ticking = true;
    try {
      await host.replay(journal);
      // Time that passed while the page was closed passes in the simulation too.
      await host.advanceTo(Math.max(host.now(), Date.now()));
    } finally {
      ticking = false;
    }
  },
  reset(seed?: string): void {
    host.reset(seed, Date.now());
  },
  /** A fresh engine with `lines` run on it (time jumps through them as in a script), then wall-clock time again. */
  async rebuild(lines: string[]): Promise<void> {
    holding = true;
    try {
      await tick.catch(() => {});
      await host.rebuild(lines, Date.now());
    } finally {
      holding = false;
    }
  },
};

export type SimWorkerApi = typeof api;

Comlink.expose(api);
