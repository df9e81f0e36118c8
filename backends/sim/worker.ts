/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { BackendEvent, TerminalIO } from '../../core/backend';
import { SimHost, type Journal, type JournalEntry } from './simHost';
import { SimTimeline } from './timeline';
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
const timeline = new SimTimeline(host);
// Virtual time is Unix time here, less `lag`: the journal's epoch is the moment it began, and after
// "continue from here" the machine carries on from the moment it went back to, not from the wall clock.
let ticking = false;
let lag = 0;
/** While the machine is rebuilt by replay: the page hears neither the replayed lines nor the states they pass through. */
let quiet = false;
const pageListeners = new Set<(e: BackendEvent) => void>();

setInterval(() => {
  if (ticking) return;
  ticking = true;
  host
    .advanceTo(Date.now() - lag)
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
    // A line sent while another runs is turned away and never journaled: no moment for it.
    const refused = host.isRunning;
    const code = await host.start(line, {
      stdout: (text) => void delivered.push(Promise.resolve(io.stdout(text))),
      stderr: (text) => void delivered.push(Promise.resolve(io.stderr(text))),
      // Through the same channel as the output, so the page switches modes in order with what it shows.
      raw: (on) => void delivered.push(Promise.resolve(io.raw?.(on)).catch(() => {})),
      // The page's dialogs (editor pane, Hub sign-in), once what the line printed before is on screen.
      edit: async (request) => (await Promise.all(delivered), (await io.edit?.(request)) ?? null),
      signIn: async (request) => (await Promise.all(delivered), (await io.signIn?.(request)) ?? null),
    });
    // The moment right after the line, before the ticks move time on while the page catches up.
    if (!refused) timeline.record(code);
    await Promise.all(delivered);
    return code;
  },
  interrupt: () => host.interrupt(),
  input: (data: string) => host.input(data),
  subscribe(listener: (e: BackendEvent) => void): () => void {
    // After the first snapshot only what changed crosses the port (issue 14); the rewind's own snapshot goes the same way.
    const send = sendingPatches(listener);
    pageListeners.add(send);
    const off = host.subscribe((e) => {
      if (!quiet) send(e);
    });
    return Comlink.proxy(() => {
      pageListeners.delete(send);
      off();
    });
  },
  onJournal(listener: (entry: JournalEntry) => void): () => void {
    return Comlink.proxy(host.onJournal((entry) => {
      if (!quiet) listener(entry);
    }));
  },
  journal: (): Journal => host.journal,
  /** Rebuilds from a saved journal, then carries on in wall-clock time from where it left off. */
  async restore(journal: Journal, branches: { journal: Journal; from: number }[] = []): Promise<void> {
    ticking = true;
    try {
      await timeline.restore(journal);
      timeline.loadBranches(branches);
      lag = 0;
      // Time that passed while the page was closed passes in the simulation too.
      await host.advanceTo(Math.max(host.now(), Date.now()));
    } finally {
      ticking = false;
    }
  },
  reset(seed?: string): void {
    host.reset(seed, Date.now());
    timeline.clear();
    lag = 0;
  },
  /**
   * The machine a fresh engine with `lines` run on it would be (time jumps through them as in a script), then
   * wall-clock time again: the lesson player's jump, through the timeline (lines it already has are reused, the
   * student's replaced lines kept as a branch).
   */
  rebuild: (lines: string[]) => rebuilding(() => timeline.jumpTo(lines, Date.now())),
  timelineLines: () => timeline.lines(),
  timelineAt: (lineNo: number) => timeline.at(lineNo),
  layerEntriesAt: (lineNo: number, layerIds: string[]) => timeline.layerEntriesAt(lineNo, layerIds),
  branches: () => timeline.branches(),
  savedBranches: () => timeline.savedBranches(),
  fork: (lineNo: number) => rebuilding(() => timeline.fork(lineNo)),
  switchBranch: (id: number) => rebuilding(() => timeline.switchBranch(id)),
  /** For the lesson player: the machine as it was just before journal entry `entryIndex`, later entries dropped. */
  rewindTo: (entryIndex: number) => rebuilding(() => timeline.rewindTo(entryIndex)),
};

/** Changes the live machine by replay, with the wall-clock ticks held off; time then carries on from the moment replayed to. */
async function rebuilding(fn: () => Promise<void>): Promise<void> {
  // A line still running would be cut off mid-way; the page waits for it (or Ctrl-C) first.
  if (host.isRunning) throw new Error('a command is still running');
  while (ticking) await yieldToEventLoop();
  ticking = true;
  quiet = true;
  try {
    await fn();
    lag = Math.max(0, Date.now() - host.now());
  } finally {
    quiet = false;
    ticking = false;
    const event: BackendEvent = { type: 'snapshot', snapshot: host.snapshot(), transitions: [] };
    for (const l of pageListeners) l(event);
  }
}

export type SimWorkerApi = typeof api;

Comlink.expose(api);
