import { type Backend, type BackendEvent, type BranchInfo, type Capabilities, type EditRequest, type SignInRequest, type TerminalIO, canRewind } from '../../../core/backend';
import type { ContainerSnapshot, LayerEntry, Snapshot, TraceOp, Transition } from '../../../core/model';
import { diffSnapshots, type LayerFiles, type SnapshotDiff } from '../../../core/timeline/diffSnapshots';
import { mergeTrace } from '../diagrams/trace/traceModel';
import { MissingLayerFiles } from '../diagrams/layers/entriesCache';
import { openBackend, realAvailable, type BackendKind, type OpenBackend, type PageLocation } from './backends';
import { containerNamedIn } from './followContainer';
import { LessonState, studentSeed } from './lessonState.svelte';
import { studentSuffix } from '../../../lessons/suffix';

/**
 * What the page knows, in one reactive object: the backend in use and its
 * connection, the latest snapshot, the last batch of lifecycle transitions (for
 * the diagrams to animate), the lines run, and the selected container. The
 * page only renders this; all docker behaviour is the backend's.
 */

export interface HistoryEntry {
  id: number;
  line: string;
  /** null while running; 'error' when the backend itself failed. */
  exit: number | null | 'error';
  /** Issue 14: the line's number in the backend's timeline (0-based), when it has one. */
  lineNo?: number;
}

/** Issue 14: an earlier moment shown in place of the live engine. */
export interface PastView {
  historyId: number;
  line: string;
  /** 1-based, as the banner counts. */
  number: number;
  snapshot: Snapshot;
  /** The layers' files at that moment; rejects with MissingLayerFiles when some cannot be told. */
  layerEntries(ids: string[]): Promise<Record<string, LayerEntry[]>>;
  /** The files of those of the layers that moment can tell, the others left out. */
  knownLayerEntries(ids: string[]): Promise<Record<string, LayerEntry[]>>;
}

/** Issue 14: what changed between two lines. */
export interface MomentDiff {
  from: { historyId: number; number: number; line: string };
  to: { historyId: number; number: number; line: string };
  diff: SnapshotDiff;
  /** Some layer's files of either moment could not be told (an image removed since, on the real engine): file changes may be missing. */
  filesMissing: boolean;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * A page dialog the running line waits on: the editor pane for `vi FILE`
 * (answered with the text to save, or null for quit), or the simulated
 * Docker Hub sign-in for `docker login` (the username, or null for closed).
 */
export type PageDialog =
  | { kind: 'edit'; request: EditRequest; answer(text: string | null): void }
  | { kind: 'signIn'; request: SignInRequest; answer(user: string | null): void };

const HISTORY_LIMIT = 200;

/** The lifecycle's batch while the past is shown: a seq of its own, nothing to play. */
const PAST_BATCH: { seq: number; list: Transition[] } = { seq: -2, list: [] };

function historyKey(kind: BackendKind): string {
  return `glassbox.history.${kind}`;
}

function loadHistory(kind: BackendKind): HistoryEntry[] {
  try {
    const raw = localStorage.getItem(historyKey(kind));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((e): e is HistoryEntry => typeof e?.line === 'string' && typeof e?.id === 'number')
      .map((e) => ({ ...e, exit: e.exit === null ? 'error' : e.exit }));
  } catch {
    return [];
  }
}

export class AppState {
  kind = $state<BackendKind>('sim');
  /** Bumped on every backend switch and reset: the terminal starts afresh. */
  generation = $state(0);
  /** Why `generation` last changed. */
  generationReason = $state<'switch' | 'reset' | 'lesson'>('switch');
  capabilities = $state<Capabilities | null>(null);
  connection = $state<{ state: ConnectionState; detail?: string }>({ state: 'connecting' });
  /** The lesson followed and the student's progress, judged on every snapshot. */
  readonly lessons = new LessonState();
  /** The latest transitions, numbered so a diagram can tell a new batch from a re-render. */
  transitions = $state.raw<{ seq: number; list: Transition[] }>({ seq: 0, list: [] });
  history = $state<HistoryEntry[]>([]);
  /** Id of the container the diagrams follow. */
  selectedId = $state<string | null>(null);
  /** Name of the selected container, remembered so "removed" can still name it. */
  selectedName = $state<string | null>(null);
  running = $state(false);
  /** The dialog the running line waits on, if any. */
  dialog = $state.raw<PageDialog | null>(null);
  /** Issue 4: the kernel operations seen so far (from snapshots and trace events), oldest first, bounded. */
  trace = $state.raw<TraceOp[]>([]);
  /** Whether the backend is tracing (the sim always is; the real backend when turned on). */
  traceOn = $state(false);
  readonly realAvailable: boolean;
  /** The teacher's last "everyone to step N" (classroom), numbered so a repeat of the same step is seen. */
  stepRequest = $state.raw<{ seq: number; lesson: string; stepIndex: number } | null>(null);
  /** Issue 14: the earlier moment shown instead of the live engine, or null for now. */
  past = $state.raw<PastView | null>(null);
  /** Issue 14: the changes between two lines the user picked (shift-click), or null. */
  comparison = $state.raw<MomentDiff | null>(null);
  /** Issue 14: the other branches of the simulator's timeline ("continue from here" keeps them). */
  branches = $state.raw<BranchInfo[]>([]);
  /** Issue 14: the live machine is being rebuilt (continue from here, switching branch). */
  rewinding = $state(false);

  private open = $state.raw<OpenBackend | null>(null);
  private latest = $state.raw<Snapshot | null>(null);
  /** What the page shows: on a shared real engine while a lesson is followed, only the lesson's part of it. */
  private readonly shown = $derived(this.latest && this.lessons.view(this.latest));
  /** The last line run, whose container the diagrams follow until the user picks another. */
  private followLine: string | null = null;
  private unsubscribe: (() => void) | null = null;
  private nextHistoryId = 1;
  /** Bumped on every backend switch only: events of the backend now open keep coming through resets and rebuilds. */
  private session = 0;
  /** The terminal's size in cells, given to each backend as it opens. */
  private terminalSize: { cols: number; rows: number } | null = null;

  constructor(private readonly location: PageLocation) {
    this.realAvailable = realAvailable(location);
  }

  /**
   * The snapshot the views show: the live engine's latest, or the past moment
   * being viewed (the lesson's part of either, when scoped). Each live one also
   * moves the lesson on.
   */
  get snapshot(): Snapshot | null {
    return this.past ? this.lessons.view(this.past.snapshot) : this.shown;
  }

  /** The live engine's latest snapshot, even while the past is viewed. */
  get liveSnapshot(): Snapshot | null {
    return this.latest;
  }

  /** Where the layer views read files: the past moment's, or the live backend's. */
  get layerSource(): Pick<Backend, 'layerEntries'> | null {
    // The moment itself, one object per moment, so a view's file cache lasts while it is shown.
    return this.past ?? this.backend;
  }

  /** The kernel operations the Trace view lists: up to the past moment while it is viewed. */
  get traceShown(): TraceOp[] {
    return this.past ? (this.past.snapshot.trace ?? []) : this.trace;
  }

  /** The lifecycle moves to play: none while the past is shown (live moves would fly over the past's containers). */
  get transitionsShown(): { seq: number; list: Transition[] } {
    return this.past ? PAST_BATCH : this.transitions;
  }

  /** Whether "continue from here" can rewind this backend (the simulator's only: the real one's past is read-only). */
  get canFork(): boolean {
    return canRewind(this.backend?.timeline);
  }

  set snapshot(snapshot: Snapshot | null) {
    this.setSnapshot(snapshot, []);
  }

  private setSnapshot(snapshot: Snapshot | null, transitions: Transition[]): void {
    this.latest = snapshot;
    if (snapshot?.trace) this.trace = mergeTrace(this.trace, snapshot.trace);
    this.lessons.observe(snapshot, transitions);
  }

  get backend(): Backend | null {
    return this.open?.backend ?? null;
  }

  get selected(): ContainerSnapshot | null {
    return this.snapshot?.containers.find((c) => c.id === this.selectedId) ?? null;
  }

  async use(kind: BackendKind): Promise<void> {
    if (this.open && this.running) await this.open.backend.interrupt().catch(() => {});
    this.unsubscribe?.();
    this.open?.close();
    this.open = null;
    this.kind = kind;
    this.lessons.engine = null;
    this.lessons.setBackend(kind);
    // A real engine may be the class's: the lesson's names carry this student's suffix there.
    this.lessons.useSuffix(kind === 'real' ? studentSuffix(studentSeed()) : null);
    this.capabilities = null;
    this.snapshot = null;
    this.trace = [];
    this.traceOn = kind === 'sim';
    this.transitions = { seq: this.transitions.seq + 1, list: [] };
    this.connection = { state: kind === 'sim' ? 'open' : 'connecting' };
    this.running = false;
    this.history = kind === 'sim' ? loadHistory(kind) : [];
    this.past = null;
    this.comparison = null;
    this.branches = [];
    this.nextHistoryId = Math.max(0, ...this.history.map((h) => h.id)) + 1;
    this.generationReason = 'switch';
    this.generation++;
    this.dialog = null;
    const generation = this.generation;
    const session = ++this.session;

    let opened: OpenBackend;
    try {
      opened = await openBackend(kind, this.location);
    } catch (err) {
      this.connection = { state: 'closed', detail: err instanceof Error ? err.message : String(err) };
      return;
    }
    if (generation !== this.generation) {
      opened.close(); // switched again while this one was opening
      return;
    }
    this.open = opened;
    this.lessons.files = (ids) => opened.backend.layerEntries(ids);
    const backend = opened.backend;
    this.lessons.engine = {
      kind,
      ...(backend.rebuild ? { rebuild: (lines: string[]) => this.rebuild(lines) } : {}),
      ...(backend.resetLesson
        ? {
            // The agent removes by the student's suffix (and what this session's lines made), not by the front matter's names.
            resetLesson: async (_names: string[], setup: string[]) => {
              const suffix = this.lessons.suffix;
              if (suffix === null) throw new Error('this lesson is not suffixed for a shared engine');
              await backend.resetLesson!({ suffix, setup });
              this.snapshot = await backend.snapshot();
            },
          }
        : {}),
    };
    if (this.terminalSize) void opened.backend.resize?.(this.terminalSize.cols, this.terminalSize.rows).catch(() => {});
    this.unsubscribe = opened.backend.subscribe((e) => {
      if (session === this.session) this.onEvent(e);
    });
    try {
      const [capabilities, snapshot] = await Promise.all([opened.backend.capabilities(), opened.backend.snapshot()]);
      if (generation !== this.generation) return;
      this.capabilities = capabilities;
      if (!this.latest) this.snapshot = snapshot;
      if (opened.backend.timeline) await this.syncTimeline(opened.backend);
    } catch (err) {
      if (generation === this.generation && kind === 'sim') this.connection = { state: 'closed', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  private onEvent(e: BackendEvent): void {
    switch (e.type) {
      case 'snapshot':
        this.setSnapshot(e.snapshot, e.transitions);
        if (this.followLine) this.follow(this.followLine);
        if (e.transitions.length) this.transitions = { seq: this.transitions.seq + 1, list: e.transitions };
        break;
      case 'connection':
        this.connection = e.detail === undefined ? { state: e.state } : { state: e.state, detail: e.detail };
        if (e.state === 'open' && this.open) {
          // After a reconnect the agent's state may have moved on without us (its history too, from another tab).
          const backend = this.open.backend;
          void backend.snapshot().then((s) => {
            if (this.open?.backend === backend) this.snapshot = s;
          }, () => {});
          if (backend.timeline && !this.running) void this.syncTimeline(backend).catch(() => {});
        }
        break;
      case 'trace':
        this.trace = mergeTrace(this.trace, e.ops);
        break;
      case 'docker':
        break;
    }
  }

  /** Turns the real backend's kernel trace on or off (the sim's is always on). */
  async setTrace(on: boolean): Promise<void> {
    const backend = this.backend;
    if (!backend?.setTrace) return;
    this.traceOn = await backend.setTrace(on);
  }

  /** Runs one terminal line; resolves with its exit code, or null when the backend failed or was switched away. */
  async run(line: string, io: TerminalIO): Promise<number | null> {
    const backend = this.backend;
    if (!backend) {
      io.stderr('glassbox: no backend is connected\n');
      return null;
    }
    const generation = this.generation;
    // A line typed while the past is shown runs on the live engine: back to now first.
    this.backToNow();
    const entry: HistoryEntry = { id: this.nextHistoryId++, line, exit: null };
    this.history = [...this.history, entry].slice(-HISTORY_LIMIT);
    this.running = true;
    this.lessons.lineStarted();
    this.followLine = line;
    this.follow(line);
    let exit: number | 'error';
    // The lesson's transcript checks read what the line printed (bounded).
    let output = '';
    const keep = (t: string): void => {
      if (output.length < 64 * 1024) output += t;
    };
    const seen: TerminalIO = {
      ...io,
      stdout: (t) => (keep(t), io.stdout(t)),
      stderr: (t) => (keep(t), io.stderr(t)),
      edit: (request) => this.openDialog(generation, (answer) => ({ kind: 'edit', request, answer })),
      signIn: (request) => this.openDialog(generation, (answer) => ({ kind: 'signIn', request, answer })),
    };
    try {
      exit = await backend.exec(line, seen);
    } catch (err) {
      exit = 'error';
      if (generation === this.generation) io.stderr(`glassbox: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    if (generation !== this.generation) return null;
    this.running = false;
    this.dialog = null;
    const lineNo = await this.lineNoOf(backend);
    if (generation !== this.generation) return null;
    this.history = this.history.map((h) => (h.id === entry.id ? { ...h, exit, ...(lineNo !== undefined ? { lineNo } : {}) } : h));
    this.saveHistory();
    if (exit !== 'error') this.lessons.lineDone(line, exit, output);
    // A container the line created exists only now.
    this.follow(line);
    return exit === 'error' ? null : exit;
  }

  /** Shows a dialog for the line of `generation` and resolves with its answer; a backend switch or reset closes it unanswered. */
  private openDialog(generation: number, make: (answer: (value: string | null) => void) => PageDialog): Promise<string | null> {
    if (generation !== this.generation) return Promise.resolve(null);
    return new Promise((resolve) => {
      const dialog = make((value) => {
        if (this.dialog === dialog) this.dialog = null;
        resolve(value);
      });
      this.dialog?.answer(null);
      this.dialog = dialog;
    });
  }

  async interrupt(): Promise<void> {
    await this.backend?.interrupt();
  }

  /** Keystrokes for the running line while it reads the terminal (`docker run -it`). */
  async input(data: string): Promise<void> {
    await this.backend?.input(data);
  }

  /** The terminal's size changed (or is first known): a container's tty follows it on the real backend. */
  async resize(cols: number, rows: number): Promise<void> {
    this.terminalSize = { cols, rows };
    await this.backend?.resize?.(cols, rows);
  }

  async reset(): Promise<void> {
    const backend = this.backend;
    if (!backend) return;
    if (this.running) await backend.interrupt().catch(() => {});
    this.generationReason = 'reset';
    this.generation++;
    this.dialog = null;
    this.running = false;
    this.history = [];
    this.saveHistory();
    this.past = null;
    this.comparison = null;
    this.branches = [];
    this.trace = [];
    this.selectedId = null;
    this.selectedName = null;
    this.followLine = null;
    await backend.reset();
    this.snapshot = await backend.snapshot();
  }

  /**
   * The engine a fresh one with `lines` run on it would be (the lesson player
   * puts the simulator at a step's start): the terminal starts over as on a
   * reset; the history is the simulator's timeline after the jump (the lines
   * run to get there, the student's earlier ones kept as a branch).
   */
  async rebuild(lines: string[]): Promise<void> {
    const backend = this.backend;
    if (!backend?.rebuild) throw new Error('this backend cannot rebuild its engine');
    if (this.running) await backend.interrupt().catch(() => {});
    this.generationReason = 'lesson';
    this.generation++;
    this.running = false;
    // A backend without a timeline starts its history over; one with a timeline lists the jump's lines below.
    this.history = [];
    this.saveHistory();
    this.trace = [];
    this.selectedId = null;
    this.selectedName = null;
    this.followLine = null;
    this.past = null;
    this.comparison = null;
    await this.rewindWith(backend, async () => {
      await backend.rebuild!(lines);
      // The rebuild's own snapshot events travel on another channel: let them land before the state the lesson starts from.
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
  }

  /**
   * The timeline's number of the line just run: the simulator's, or the one
   * the agent recorded it under (the real engine's, read-only).
   */
  private async lineNoOf(backend: Backend): Promise<number | undefined> {
    try {
      if (!backend.timeline) return undefined;
      const lines = await backend.timeline.lines();
      return lines.at(-1)?.lineNo ?? lines.length - 1;
    } catch {
      // No moment for this line: the timeline leaves it unclickable.
      return undefined;
    }
  }

  /** The history as the backend's timeline has it (after a reload, a fork or a branch switch). */
  private async syncTimeline(backend: Backend): Promise<void> {
    const timeline = backend.timeline;
    if (!timeline) return;
    const [lines, branches] = await Promise.all([timeline.lines(), canRewind(timeline) ? timeline.branches() : []]);
    if (this.backend !== backend || this.running) return;
    const shown = lines.slice(-HISTORY_LIMIT);
    const offset = lines.length - shown.length;
    // The real engine's numbers go on past the lines it dropped; the simulator's are indices.
    this.history = shown.map((l, i) => {
      const lineNo = l.lineNo ?? offset + i;
      return { id: lineNo + 1, line: l.line, exit: l.exit, lineNo };
    });
    this.nextHistoryId = Math.max(lines.length, ...this.history.map((h) => h.id)) + 1;
    this.branches = branches;
    this.saveHistory();
  }

  /** Whether the engine's state after history entry `h` can be shown. */
  hasMoment(h: HistoryEntry): boolean {
    return h.exit !== null && this.backend?.timeline !== undefined && h.lineNo !== undefined;
  }

  private async momentOf(h: HistoryEntry): Promise<PastView | null> {
    const backend = this.backend;
    if (!backend) return null;
    const number = (h.lineNo ?? this.history.indexOf(h)) + 1;
    const timeline = backend.timeline;
    if (!timeline || h.lineNo === undefined) return null;
    const lineNo = h.lineNo;
    const snapshot = await timeline.at(lineNo);
    if (!snapshot) return null;
    const knownLayerEntries = (ids: string[]): Promise<Record<string, LayerEntry[]>> => timeline.layerEntriesAt(lineNo, ids);
    const layerEntries = async (ids: string[]): Promise<Record<string, LayerEntry[]>> => {
      const got = await knownLayerEntries(ids);
      // A layer whose files that moment cannot tell is said so, never shown with another moment's files.
      const missing = ids.filter((id) => !(id in got));
      if (missing.length) throw new MissingLayerFiles(missing);
      return got;
    };
    return { historyId: h.id, line: h.line, number, snapshot, layerEntries, knownLayerEntries };
  }

  /** Shows the engine as it was right after history entry `h`; the latest line is now itself. */
  async view(h: HistoryEntry): Promise<void> {
    if (h.id === this.history.at(-1)?.id && !this.running) {
      this.backToNow();
      return;
    }
    const generation = this.generation;
    const moment = await this.momentOf(h);
    if (generation !== this.generation || !moment) return;
    this.past = moment;
  }

  backToNow(): void {
    this.past = null;
  }

  /** Lists what changed between the lines of entries `a` and `b` (in whichever order they were picked). */
  async compare(a: HistoryEntry, b: HistoryEntry): Promise<void> {
    const [first, second] = this.history.indexOf(a) <= this.history.indexOf(b) ? [a, b] : [b, a];
    const generation = this.generation;
    const [ma, mb] = await Promise.all([this.momentOf(first), this.momentOf(second)]);
    if (generation !== this.generation || !ma || !mb) return;
    let filesMissing = false;
    const files = async (m: PastView): Promise<LayerFiles> => {
      // The containers' stacks: their writable layers and what lies under them.
      const ids = m.snapshot.containers.flatMap((c) => c.rootfs?.layers ?? []).filter((id, i, all) => all.indexOf(id) === i);
      try {
        // What that moment can tell (an image removed since, on the real engine, cannot): the others' files are left out.
        const got = await m.knownLayerEntries(ids);
        if (ids.some((id) => !(id in got))) filesMissing = true;
        return got;
      } catch {
        filesMissing = true;
        return {};
      }
    };
    const [fa, fb] = await Promise.all([files(ma), files(mb)]);
    if (generation !== this.generation) return;
    const end = (m: PastView): MomentDiff['from'] => ({ historyId: m.historyId, number: m.number, line: m.line });
    this.comparison = { from: end(ma), to: end(mb), diff: diffSnapshots(ma.snapshot, mb.snapshot, fa, fb), filesMissing };
  }

  closeComparison(): void {
    this.comparison = null;
  }

  /** "Continue from here": the simulator goes back to right after entry `h`; the later lines become a branch. */
  async continueFrom(h: HistoryEntry): Promise<void> {
    const backend = this.backend;
    const timeline = backend?.timeline;
    if (!backend || !canRewind(timeline) || h.lineNo === undefined || this.running || this.rewinding) return;
    await this.rewindWith(backend, () => timeline.fork(h.lineNo!));
  }

  /** Makes branch `id` the live machine; the lines it replaces become a branch. */
  async switchBranch(id: number): Promise<void> {
    const backend = this.backend;
    const timeline = backend?.timeline;
    if (!backend || !canRewind(timeline) || this.running || this.rewinding) return;
    await this.rewindWith(backend, () => timeline.switchBranch(id));
  }

  private async rewindWith(backend: Backend, change: () => Promise<void>): Promise<void> {
    this.rewinding = true;
    try {
      await change();
      this.past = null;
      this.comparison = null;
      await this.syncTimeline(backend);
      this.snapshot = await backend.snapshot();
      this.trace = this.latest?.trace ?? [];
    } finally {
      this.rewinding = false;
    }
  }

  /** The teacher moved the class to step `stepIndex` (0-based) of `lesson`: the lesson pane follows. */
  requestStep(lesson: string, stepIndex: number): void {
    // The course loads on first need; the request waits for it.
    void this.lessons.loadCourse().then((all) => {
      if (!all.some((l) => l.id === lesson)) return;
      this.stepRequest = { seq: (this.stepRequest?.seq ?? 0) + 1, lesson, stepIndex };
      this.lessons.choose(lesson);
      void this.lessons.goTo(stepIndex);
    });
  }

  /** The user picked a container (or none): the diagrams stop following the terminal until the next line. */
  select(container: ContainerSnapshot | null): void {
    this.followLine = null;
    this.choose(container);
  }

  private choose(container: ContainerSnapshot | null): void {
    if (container?.id === this.selectedId) return;
    this.selectedId = container?.id ?? null;
    this.selectedName = container?.name ?? null;
  }

  private follow(line: string): void {
    const named = containerNamedIn(line, this.snapshot?.containers ?? []);
    if (named) this.choose(named);
  }

  private saveHistory(): void {
    if (this.kind !== 'sim') return;
    try {
      localStorage.setItem(historyKey(this.kind), JSON.stringify(this.history));
    } catch {
      // Storage full or disabled: history lasts for this page only.
    }
  }
}
