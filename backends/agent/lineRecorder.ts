import type { TimelineLine } from '../../core/backend';
import type { LayerEntry, Snapshot } from '../../core/model';
import { Interner } from '../../core/timeline/intern';

/** One line's moment, read once the line finished. */
export interface Moment {
  /** Resolves with the engine right after the line, or null when it could not be read. */
  snapshot: Promise<Snapshot | null>;
  /** The entries of the containers' own layers (writable and init) at that moment, by layer id. */
  containerLayers: Promise<Record<string, LayerEntry[]>>;
}

/** What reads the engine right after a line. */
export interface MomentSource {
  snapshot(): Promise<Snapshot>;
  /** The entries of the named layers (the watcher's cached walks: unchanged layers come back as the same arrays). */
  layerEntries(ids: readonly string[]): Promise<Record<string, LayerEntry[]>>;
}

/** Lines a history keeps: the page's history strip shows as many. */
export const RECORDED_LINES = 200;

interface Recorded {
  lineNo: number;
  line: string;
  exit: number;
  moment: Moment;
}

/**
 * Issue 14: the real engine's past, as the agent saw it right after each
 * terminal line: the line, its exit code, the snapshot, and the files of the
 * containers' own layers (they change; image layers never do, so their files
 * are read live). Read-only: nothing here is ever replayed against the engine.
 *
 * Bounded to the last `limit` lines; snapshots are interned, so a moment where
 * one container changed costs that container and a spine, not a copy of the
 * engine. Line numbers count from the first line recorded and never reuse a
 * dropped line's number, so a page asking for line 7 never gets another line.
 */
export class LineRecorder {
  private readonly kept: Recorded[] = [];
  private next = 0;
  private interner = new Interner();
  /** Moments are read one after the other, so each is interned against the one before it. */
  private reading: Promise<unknown> = Promise.resolve();

  constructor(private readonly limit = RECORDED_LINES) {}

  /**
   * Notes that `line` finished with `exit`; the engine is read from `source`
   * now (after the moments before it). The line is listed at once, and its
   * moment answers once read. Resolves with its number.
   */
  record(line: string, exit: number, source: MomentSource): number {
    const interner = this.interner;
    const snapshot = this.reading.then(
      () => source.snapshot(),
      () => source.snapshot(),
    );
    const interned = snapshot.then(
      (s) => interner.intern(s),
      () => null,
    );
    const containerLayers = snapshot.then(
      (s) => {
        const ids = (s.layers ?? []).filter((l) => l.kind !== 'image').map((l) => l.id);
        return ids.length ? source.layerEntries(ids) : {};
      },
      () => ({}),
    );
    // Swallowed here: each moment says for itself that it could not be read.
    const moment: Moment = { snapshot: interned, containerLayers: containerLayers.catch(() => ({})) };
    this.reading = Promise.all([interned, moment.containerLayers]);
    const lineNo = this.next++;
    this.kept.push({ lineNo, line, exit, moment });
    if (this.kept.length > this.limit) this.kept.splice(0, this.kept.length - this.limit);
    return lineNo;
  }

  /**
   * Resolves once every moment recorded so far has been read: the session
   * starts its next line only then, so a moment never shows the next line's doing.
   */
  async settled(): Promise<void> {
    await this.reading.catch(() => {});
  }

  lines(): TimelineLine[] {
    return this.kept.map(({ lineNo, line, exit }) => ({ lineNo, line, exit }));
  }

  /** The moment right after line `lineNo`, or null for a line not (or no longer) kept. */
  moment(lineNo: number): Moment | null {
    const first = this.kept[0];
    if (!first || !Number.isInteger(lineNo)) return null;
    return this.kept[lineNo - first.lineNo]?.moment ?? null;
  }

  async at(lineNo: number): Promise<Snapshot | null> {
    return (await this.moment(lineNo)?.snapshot) ?? null;
  }

  /**
   * The named layers' entries right after line `lineNo`: a container's layer
   * as recorded then, an image layer as the engine has it now (an image layer
   * never changes), or left out where neither is known (a container layer of
   * that moment not recorded, an image layer removed since).
   */
  async layerEntriesAt(lineNo: number, ids: readonly string[], live: MomentSource): Promise<Record<string, LayerEntry[]>> {
    const moment = this.moment(lineNo);
    if (!moment) return {};
    const [snapshot, recorded] = await Promise.all([moment.snapshot, moment.containerLayers]);
    if (!snapshot) return {};
    const kindOf = new Map((snapshot.layers ?? []).map((l) => [l.id, l.kind]));
    const out: Record<string, LayerEntry[]> = {};
    const image: string[] = [];
    for (const id of new Set(ids)) {
      const kind = kindOf.get(id);
      if (kind === 'container' || kind === 'init') {
        const entries = recorded[id];
        if (entries) out[id] = entries;
      } else if (kind !== undefined) image.push(id);
    }
    if (image.length) Object.assign(out, await live.layerEntries(image));
    return out;
  }

  /** Forgets every line (the student started afresh); numbering starts over too. */
  clear(): void {
    this.kept.length = 0;
    this.next = 0;
    this.interner = new Interner();
    this.reading = Promise.resolve();
  }
}

/** Histories one agent keeps (a student per browser, a few browsers at most): the least recently used goes first. */
export const MAX_HISTORIES = 16;

/**
 * The histories of one agent, by the key each page made for itself and keeps:
 * a reload or a second tab of the same browser finds its own history again,
 * and nobody without the key reads it.
 */
export class HistoryStore {
  private readonly byKey = new Map<string, LineRecorder>();

  constructor(
    private readonly max = MAX_HISTORIES,
    private readonly make: () => LineRecorder = () => new LineRecorder(),
  ) {}

  get(key: string): LineRecorder {
    let recorder = this.byKey.get(key);
    if (recorder) this.byKey.delete(key);
    else recorder = this.make();
    // A Map keeps insertion order: the first key is the least recently used.
    this.byKey.set(key, recorder);
    while (this.byKey.size > this.max) this.byKey.delete(this.byKey.keys().next().value!);
    return recorder;
  }
}
