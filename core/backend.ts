import type { DockerEvent, HostDirListing, LayerEntry, Snapshot, TraceOp, Transition } from './model';
import type { EditRequest, SignInRequest } from './process';
import type { SnapshotPatch } from './snapshotPatch';
import type { RingDelta } from './traceRing';

export type { EditRequest, SignInRequest };

/**
 * The port every backend implements. The web UI talks only to this: it sends
 * terminal lines and renders snapshots, and knows which backend it has only
 * through `capabilities()`.
 */
export interface Backend {
  capabilities(): Promise<Capabilities>;
  /** Runs one terminal line to completion; resolves with its exit code. */
  exec(line: string, io: TerminalIO): Promise<number>;
  /** Interrupts the line now running, as Ctrl-C would (exit 130 unless the command says otherwise). */
  interrupt(): Promise<void>;
  /**
   * Raw keystrokes for the line now running, while it reads the terminal
   * (after `io.raw(true)`): `docker run -it`, `exec -it`, `attach`,
   * `start -ai`. Enter is "\r", Ctrl-C "\x03", Ctrl-D "\x04", Ctrl-P Ctrl-Q
   * "\x10\x11". Ignored when nothing reads them.
   */
  input(data: string): Promise<void>;
  /**
   * The terminal's size in character cells, once at the start and on every
   * change. A backend that runs programs on a real pseudo-terminal (the real
   * backend) sizes it so, and a container's tty follows (`stty size`).
   */
  resize?(cols: number, rows: number): Promise<void>;
  snapshot(): Promise<Snapshot>;
  /**
   * Issue 5: the file lists of the named layers (LayerSnapshot ids), read on
   * demand since they are too big for every snapshot. Layers the backend does
   * not have (any more) are left out of the answer.
   */
  layerEntries(layerIds: string[]): Promise<Record<string, LayerEntry[]>>;
  subscribe(listener: (e: BackendEvent) => void): Unsubscribe;
  /** Back to a fresh engine (sim) or a fresh session (real). */
  reset(seed?: string): Promise<void>;
  /**
   * Issue 11: the first entries of a directory on the host the diagrams show
   * (a volume's _data, a layer's diff), read-only. The real backend lists only
   * under the engine's data root or a live container's bind-mount source;
   * rejects with a message otherwise.
   */
  listHostDir?(path: string): Promise<HostDirListing>;
  /** Issue 4: turns the kernel trace on or off where it costs something (the real backend); resolves with whether it is now on. */
  setTrace?(on: boolean): Promise<boolean>;

  // Issue 12: the lesson player. A backend offers what it can; the page says plainly what it cannot.
  /**
   * The engine a fresh one with `lines` run on it in order would be (the
   * simulator): a lesson's set-up, then the solutions of the steps before the
   * one the student moves to. Its timeline keeps a moment after each line,
   * reuses the lines it already begins with, and keeps the student's lines
   * it replaces as a branch. Output is not shown; the snapshot events follow.
   */
  rebuild?(lines: string[]): Promise<void>;
  /**
   * Puts a lesson back at its start on a shared engine (the real backend):
   * removes only what this student's lesson made (names ending "-suffix",
   * containers this session's lines made) and nothing else, then runs the
   * lesson's `setup`. Resolves with what was removed ("container web-ab12" …).
   */
  resetLesson?(lesson: { suffix: string; setup: readonly string[] }, io?: TerminalIO): Promise<string[]>;
  /**
   * Issue 14: the engine as it was after each line. The simulator's can also
   * rewind (a `Timeline`); the real backend's is what its agent recorded,
   * read-only (a `RecordedTimeline`): nothing is replayed against a real engine.
   */
  timeline?: RecordedTimeline | Timeline;
}

/** Issue 14: the past of a backend's engine, line by line (0-based line numbers), read-only. */
export interface RecordedTimeline {
  /** Oldest first; a line's number is its `lineNo` where it has one (a bounded timeline dropped older lines), else its index. */
  lines(): Promise<TimelineLine[]>;
  /** The snapshot right after line `lineNo`; null for a line it does not have. */
  at(lineNo: number): Promise<Snapshot | null>;
  /**
   * The named layers' entries right after line `lineNo` (for the layer views
   * and the diff's files). Layers it cannot tell for that moment are left out
   * of the answer.
   */
  layerEntriesAt(lineNo: number, layerIds: string[]): Promise<Record<string, LayerEntry[]>>;
}

/** Issue 14: a timeline that can also move the live engine (the simulator's). */
export interface Timeline extends RecordedTimeline {
  /** Continue from here: the live engine goes back to right after `lineNo`; the later lines become a branch. */
  fork(lineNo: number): Promise<void>;
  branches(): Promise<BranchInfo[]>;
  /** Makes a branch the live engine; the lines it replaces become a branch. */
  switchBranch(id: number): Promise<void>;
}

export interface TimelineLine {
  line: string;
  exit: number;
  /** Its number, where older lines were dropped (the agent keeps the last few hundred); absent, its index in `lines()`. */
  lineNo?: number;
}

/** Whether a backend's timeline can move the live engine ("continue from here", branches): the simulator's only. */
export function canRewind(timeline: RecordedTimeline | Timeline | undefined): timeline is Timeline {
  return timeline !== undefined && 'fork' in timeline;
}

export interface BranchInfo {
  id: number;
  /** Where it leaves the live line (its first own line, 0-based). */
  from: number;
  /** Its first own line's text. */
  first: string;
  /** How many lines it has in all. */
  lines: number;
}

export interface Capabilities {
  kind: 'sim' | 'real';
  /** Whether a kernel trace is available. */
  trace: boolean;
  /** Issue 4: what the real backend traces the kernel with (bpftrace; strace where bpftrace is missing). */
  tracer?: 'bpftrace' | 'strace';
  /** Whether the terminal may run host commands beyond docker and the built-in utilities. */
  hostShell: boolean;
  /** Engine version string shown in the top bar. */
  engine: string;
}

/** Where a running line writes. Strings use "\n" line ends; the terminal converts. */
export interface TerminalIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * The running line starts (true) or stops (false) reading the terminal's
   * keystrokes itself: the terminal then sends every key through `input()`
   * instead of editing a line (a tty's raw mode). Optional for callers that
   * never type (scripts, replays).
   */
  raw?(on: boolean): void;
  /**
   * Output of a real pseudo-terminal (the real backend's docker client):
   * its line ends are already the terminal driver's ("\r\n", or a bare
   * "\n" where a program set its tty raw and means "down one row"), so the
   * terminal writes it unchanged. Without it such text goes to `stdout`.
   */
  screen?(text: string): void;
  /**
   * Opens a file in the page's editor pane for `vi`, `vim` or `nano`; resolves
   * with the text to save, or null for quit without saving. Callers without
   * an editor (scripts) leave it out, and the editor then behaves as the real
   * one does when stdin is not a terminal.
   */
  edit?(request: EditRequest): Promise<string | null>;
  /**
   * Opens the simulated Docker Hub sign-in for `docker login` without
   * arguments; resolves with the username signed in, or null when it was
   * closed. Without it the browser does not open and the client keeps waiting.
   */
  signIn?(request: SignInRequest): Promise<string | null>;
}

export type BackendEvent =
  | { type: 'snapshot'; snapshot: Snapshot; transitions: Transition[] }
  /** Issue 14: what changed since the previous snapshot event (the sim worker, after its first); the page's client turns it back into a snapshot event. `trace`: the trace ring's change, whose new ops came in the trace events before it. */
  | { type: 'patch'; patch: SnapshotPatch; trace?: RingDelta; transitions: Transition[] }
  | { type: 'docker'; event: DockerEvent }
  /** Issue 4: kernel operations as they happen (also kept, bounded, in Snapshot.trace). */
  | { type: 'trace'; ops: TraceOp[] }
  | { type: 'connection'; state: 'connecting' | 'open' | 'closed'; detail?: string };

export type Unsubscribe = () => void;
