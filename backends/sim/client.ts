import * as Comlink from 'comlink';
import type { Backend, BackendEvent, TerminalIO, Timeline } from '../../core/backend';
import type { Journal, JournalEntry } from './simHost';
import type { SimWorkerApi } from './worker';
import { receivingPatches } from './patchStream';

export interface SimBackendOptions {
  seed?: string;
  /** localStorage key for the journal; null keeps nothing across reloads. */
  storageKey?: string | null;
}

/**
 * The simulated backend as the page sees it: the engine runs in a Web Worker,
 * and its journal is kept in localStorage so a reload rebuilds the same state.
 */
export function createSimBackend(opts: SimBackendOptions = {}): Backend & { ready: Promise<void>; close(): void; timeline: Timeline; rewindTo(entryIndex: number): Promise<void> } {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'glassbox-sim' });
  const remote = Comlink.wrap<SimWorkerApi>(worker);
  const storageKey = opts.storageKey === undefined ? 'glassbox.sim.journal' : opts.storageKey;
  const listeners = new Set<(e: BackendEvent) => void>();
  let journal: Journal | null = null;

  const branchesKey = storageKey ? `${storageKey}.branches` : null;
  const save = (): void => {
    if (!storageKey || !journal) return;
    try {
      localStorage.setItem(storageKey, JSON.stringify(journal));
    } catch {
      // Storage full or disabled: the session still works, it just will not survive a reload.
    }
  };
  /** After the live machine was rebuilt (fork, branch, rewind): its journal and the branches, saved. */
  const resync = async (): Promise<void> => {
    journal = await remote.journal();
    save();
    if (!branchesKey) return;
    try {
      localStorage.setItem(branchesKey, JSON.stringify(await remote.savedBranches()));
    } catch {
      // As above.
    }
  };
  const loadBranches = (): { journal: Journal; from: number }[] => {
    if (!branchesKey) return [];
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(branchesKey) ?? '[]');
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((b): b is { journal: Journal; from: number } => typeof b?.from === 'number' && Array.isArray(b?.journal?.entries) && typeof b.journal.seed === 'string');
    } catch {
      return [];
    }
  };

  const load = (): Journal | null => {
    if (!storageKey) return null;
    try {
      const raw = localStorage.getItem(storageKey);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Journal;
      if (typeof parsed.seed !== 'string' || typeof parsed.epoch !== 'number' || !Array.isArray(parsed.entries)) return null;
      if (parsed.preload !== undefined && !(Array.isArray(parsed.preload) && parsed.preload.every((p) => typeof p === 'string'))) return null;
      return parsed;
    } catch {
      return null;
    }
  };

  const ready = (async () => {
    const saved = load();
    if (saved && (opts.seed === undefined || saved.seed === opts.seed)) {
      await remote.restore(saved, loadBranches());
    } else {
      await remote.reset(opts.seed);
    }
    journal = await remote.journal();
    save();
    await remote.onJournal(
      Comlink.proxy((entry: JournalEntry) => {
        journal?.entries.push(entry);
        save();
      }),
    );
    // The worker sends patches after its first snapshot: listeners get whole snapshots again.
    const deliver = receivingPatches((e: BackendEvent) => {
      for (const l of listeners) l(e);
    });
    await remote.subscribe(Comlink.proxy(deliver));
  })();

  return {
    ready,
    async capabilities() {
      await ready;
      return remote.capabilities();
    },
    async exec(line: string, io: TerminalIO) {
      await ready;
      return remote.exec(line, Comlink.proxy(io));
    },
    async interrupt() {
      await ready;
      await remote.interrupt();
    },
    async input(data: string) {
      await ready;
      await remote.input(data);
    },
    async snapshot() {
      await ready;
      return remote.snapshot();
    },
    async layerEntries(layerIds: string[]) {
      await ready;
      return remote.layerEntries(layerIds);
    },
    async listHostDir(path: string) {
      await ready;
      return remote.listHostDir(path);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async reset(seed?: string) {
      await ready;
      await remote.reset(seed);
      await resync();
    },
    timeline: {
      lines: async () => (await ready, remote.timelineLines()),
      at: async (lineNo) => (await ready, remote.timelineAt(lineNo)),
      layerEntriesAt: async (lineNo, ids) => (await ready, remote.layerEntriesAt(lineNo, ids)),
      branches: async () => (await ready, remote.branches()),
      async fork(lineNo) {
        await ready;
        await remote.fork(lineNo);
        await resync();
      },
      async switchBranch(id) {
        await ready;
        await remote.switchBranch(id);
        await resync();
      },
    },
    /** For the lesson player: the machine just before journal entry `entryIndex` (as a replay up to it), later entries dropped. */
    async rewindTo(entryIndex: number) {
      await ready;
      await remote.rewindTo(entryIndex);
      await resync();
    },
    async rebuild(lines: string[]) {
      await ready;
      await remote.rebuild(lines);
      // The jump may have kept the student's lines as a branch: saved with the journal.
      await resync();
    },
    close() {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
