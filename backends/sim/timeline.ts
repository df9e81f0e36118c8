import type { LayerEntry, Snapshot } from '../../core/model';
import { Interner } from '../../core/timeline/intern';
import type { BranchInfo, TimelineLine } from '../../core/backend';
import type { Journal, SimHost } from './simHost';

/**
 * The simulated machine's past, line by line (issue 14). After every line the
 * engine's Snapshot and the entries of its containers' layers are kept, with
 * everything that did not change shared with the line before (Interner), so
 * viewing the past is a lookup and never touches the live engine.
 *
 * Why snapshots and not machine checkpoints: the engine's state is xstate
 * actors, closures and class instances that a structured clone cannot copy,
 * while a Snapshot is plain data, and viewing needs nothing else. Changing the
 * live engine (continue from here, switching branch, a lesson jump) replays
 * the journal, which the machine is a function of.
 */
interface Moment {
  snapshot: Snapshot;
  /** Entries of the layers that change (init and containers' writable layers), by layer id. */
  layers: Record<string, readonly LayerEntry[]>;
}

interface Branch {
  id: number;
  journal: Journal;
  /** The lines the branch has after the point where it left the other. */
  from: number;
}

/**
 * Rebuilding by replay (a reload, a branch) keeps the moments of the last
 * this many lines only, the ones the page's history strip lists: keeping a
 * moment costs a snapshot, and a reload of a long session should not pay
 * for a thousand. Lines run live are always kept.
 */
const REPLAY_KEEPS = 200;

export class SimTimeline {
  /** By line number; a hole where a replay did not keep the moment. */
  private moments: (Moment | undefined)[] = [];
  /** Every line's exit code, by line number. */
  private exits: number[] = [];
  /** Image layers never change (their id is their content's digest): kept once, for every moment. */
  private readonly imageLayers = new Map<string, readonly LayerEntry[]>();
  private readonly snapshots = new Interner();
  private readonly files = new Interner();
  private branchList: Branch[] = [];
  private nextBranch = 1;

  constructor(private readonly host: SimHost) {}

  /** Keeps the moment after the line that just finished (the journal's last line). */
  record(exit: number): void {
    const entries = this.host.journal.entries;
    let entry = entries.length - 1;
    while (entry >= 0 && !('line' in entries[entry]!)) entry--;
    if (entry < 0) return;
    const lineNo = this.lineCountBefore(entry);
    this.keep(lineNo, exit);
  }

  private keep(lineNo: number, exit: number): void {
    this.note(lineNo, exit);
    const snapshot = this.snapshots.intern(this.host.snapshot());
    const changing: string[] = [];
    for (const l of snapshot.layers ?? []) {
      if (l.kind !== 'image') changing.push(l.id);
      else if (!this.imageLayers.has(l.id)) this.imageLayers.set(l.id, this.host.layerEntries([l.id])[l.id] ?? []);
    }
    const layers = this.files.intern(this.host.layerEntries(changing));
    this.moments[lineNo] = { snapshot, layers };
  }

  /** Line `lineNo` finished with `exit`; what came after it is gone. */
  private note(lineNo: number, exit: number): void {
    this.exits.length = lineNo;
    this.exits.push(exit);
    this.moments.length = lineNo;
  }

  private lineCountBefore(entry: number): number {
    let n = 0;
    const entries = this.host.journal.entries;
    for (let i = 0; i < entry; i++) if ('line' in entries[i]!) n++;
    return n;
  }

  /** The lines so far, oldest first, as the timeline lists them. */
  lines(): TimelineLine[] {
    const lines = journalLines(this.host.journal);
    return this.exits.map((exit, i) => ({ line: lines[i] ?? '', exit }));
  }

  /** The engine right after line `lineNo` (0-based), or null for a line it does not have. */
  at(lineNo: number): Snapshot | null {
    return this.moments[lineNo]?.snapshot ?? null;
  }

  /** The named layers' entries as they were right after line `lineNo`; layers that did not exist then are left out. */
  layerEntriesAt(lineNo: number, layerIds: readonly string[]): Record<string, LayerEntry[]> {
    const m = this.moments[lineNo];
    const out: Record<string, LayerEntry[]> = {};
    if (!m) return out;
    for (const id of layerIds) {
      const entries = m.layers[id] ?? this.imageLayers.get(id);
      if (entries && (m.snapshot.layers ?? []).some((l) => l.id === id)) out[id] = [...entries];
    }
    return out;
  }

  /** Rebuilds the whole machine and its past from a journal (a reload). */
  async restore(journal: Journal): Promise<void> {
    await this.replayKeeping(journal, journal.entries.length, 0);
  }

  /** Forgets the past and the branches (the engine was reset). */
  clear(): void {
    this.moments = [];
    this.exits = [];
    this.branchList = [];
  }

  /**
   * Rewinds the live engine to just before journal entry `entryIndex` (as
   * `SimHost.replay(journal, entryIndex)`), dropping what came after. For
   * the lesson player; "continue from here" keeps the rest as a branch first.
   */
  async rewindTo(entryIndex: number): Promise<void> {
    const journal = this.copy(this.host.journal);
    const upTo = Math.max(0, Math.min(entryIndex, journal.entries.length));
    const kept = this.lineCountBefore(upTo);
    // Everything before the rewind point is the same machine: those moments stay.
    await this.replayKeeping(journal, upTo, kept);
  }

  /**
   * "Continue from here": the lines after `lineNo` become a branch the
   * student can go back to, and the live engine is as it was right after it.
   */
  async fork(lineNo: number): Promise<void> {
    if (lineNo < 0 || lineNo >= this.exits.length) throw new Error(`no line ${lineNo + 1} in the timeline`);
    if (lineNo < this.exits.length - 1) this.saveBranch(this.copy(this.host.journal), lineNo + 1);
    // Up to the next line's entry: the line's own Ctrl-Cs and keystrokes stay.
    let seen = 0;
    const next = this.host.journal.entries.findIndex((e) => 'line' in e && seen++ === lineNo + 1);
    await this.rewindTo(next === -1 ? this.host.journal.entries.length : next);
  }

  /**
   * The lesson player's jump: the live machine becomes what a fresh engine
   * with `lines` run on it is, and the timeline keeps a moment after each of
   * them. Where the live journal already begins with some of `lines` (the
   * same text, as journaled), those lines and their moments are reused by
   * continuing from the last of them, and only the rest are run; otherwise
   * the engine starts over from nothing (at `epoch`). Either way the lines
   * the student ran past that point become a branch, as "continue from here"
   * keeps them.
   */
  async jumpTo(lines: readonly string[], epoch?: number): Promise<void> {
    const current = journalLines(this.host.journal);
    let k = 0;
    while (k < lines.length && k < current.length && current[k] === lines[k]) k++;
    if (k > 0) await this.fork(k - 1);
    else {
      if (current.length > 0) this.saveBranch(this.copy(this.host.journal), 0);
      this.exits = [];
      this.moments = [];
      this.host.reset(undefined, epoch);
    }
    // Run as a script runs them (time jumps, Ctrl-C for a line that would wait forever), journaled as typed lines are.
    const sink = { stdout: () => {}, stderr: () => {} };
    for (const line of lines.slice(k)) this.record(await this.host.runToCompletion(line, sink));
    // Jumping back and forth between steps remakes lines a branch already holds: one copy, the live one.
    const live = this.host.journal;
    this.branchList = this.branchList.filter((b) => !sameJournal(b.journal, live));
  }

  /** The other branches, each named by its first line past the fork and its line count. */
  branches(): BranchInfo[] {
    return this.branchList.map((b) => {
      const lines = journalLines(b.journal);
      return { id: b.id, from: b.from, first: lines[b.from] ?? '', lines: lines.length };
    });
  }

  /** Makes branch `id` the live machine; the lines it replaces become a branch in turn. */
  async switchBranch(id: number): Promise<void> {
    const target = this.branchList.find((b) => b.id === id);
    if (!target) throw new Error(`no branch ${id}`);
    this.branchList = this.branchList.filter((b) => b !== target);
    const current = this.copy(this.host.journal);
    const common = commonLines(current, target.journal);
    if (this.lineCount(current) > common) this.saveBranch(current, common);
    await this.replayKeeping(target.journal, target.journal.entries.length, Math.min(common, this.exits.length));
  }

  /** Branches as saved across reloads. */
  savedBranches(): { journal: Journal; from: number }[] {
    return this.branchList.map((b) => ({ journal: b.journal, from: b.from }));
  }

  loadBranches(saved: readonly { journal: Journal; from: number }[]): void {
    this.branchList = saved.map((b) => ({ id: this.nextBranch++, journal: this.copy(b.journal), from: b.from }));
  }

  private saveBranch(journal: Journal, from: number): void {
    if (this.branchList.some((b) => sameJournal(b.journal, journal))) return;
    this.branchList.push({ id: this.nextBranch++, journal, from });
  }

  private lineCount(journal: Journal): number {
    return journalLines(journal).length;
  }

  /** Replays `journal` up to `upTo` entries into the live host, keeping what it has of the first `kept` lines and recording the rest. */
  private async replayKeeping(journal: Journal, upTo: number, kept: number): Promise<void> {
    kept = Math.min(kept, this.exits.length);
    this.exits.length = kept;
    this.moments.length = kept;
    const total = journal.entries.slice(0, upTo).filter((e) => 'line' in e).length;
    await this.host.replay(journal, upTo, (lineNo, _entry, exit) => {
      if (lineNo < kept) return;
      if (lineNo >= total - REPLAY_KEEPS) this.keep(lineNo, exit);
      else this.note(lineNo, exit);
    });
  }

  private copy(journal: Journal): Journal {
    return { ...journal, entries: [...journal.entries] };
  }
}

/** The lines a journal holds, in order (its other entries are keystrokes and Ctrl-Cs). */
function journalLines(j: Journal): string[] {
  return j.entries.flatMap((e) => ('line' in e ? [e.line] : []));
}

/** How many lines two journals share from the start: the same line with the same Ctrl-Cs and keystrokes at the same times. */
function commonLines(a: Journal, b: Journal): number {
  if (a.seed !== b.seed || a.epoch !== b.epoch || (a.preload ?? []).join() !== (b.preload ?? []).join()) return 0;
  const ga = lineGroups(a);
  const gb = lineGroups(b);
  let n = 0;
  while (n < ga.length && n < gb.length && ga[n] === gb[n]) n++;
  return n;
}

/** The same machine: the same lines with the same Ctrl-Cs and keystrokes at the same times, and nothing more. */
function sameJournal(a: Journal, b: Journal): boolean {
  const n = lineGroups(a).length;
  return n === lineGroups(b).length && commonLines(a, b) === n;
}

/** Each line with the events that follow it, as text to compare. */
function lineGroups(j: Journal): string[] {
  const out: string[] = [];
  for (const e of j.entries) {
    if ('line' in e) out.push(JSON.stringify(e));
    else if (out.length > 0) out[out.length - 1] += JSON.stringify(e);
  }
  return out;
}
