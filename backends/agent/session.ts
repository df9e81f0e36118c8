import type { WebSocket } from 'ws';
import type { Capabilities, TerminalIO } from '../../core/backend';
import { InterruptSource, type Interrupt } from '../../core/ports';
import type { TerminalInput } from '../../core/process';
import { type AgentMessage, type ClientMessage, clientMessageSchema, parseFrame } from '../real/protocol';
import type { EngineWatcher } from './engineWatcher';
import type { LineTerminal } from './ptyRunner';
import { TokenBucket } from './security';
import type { LessonObjects } from './lessonReset';
import { type HistoryStore, LineRecorder, type MomentSource } from './lineRecorder';
import type { SpawnOptions } from './spawnRunner';

/** What runs a terminal line: the core host shell, wired to real programs. */
export interface LineShell {
  /** `terminal`: the line runs at the page's terminal, whose keystrokes a program may claim. */
  run(line: string, io: TerminalIO, interrupt: Interrupt, terminal?: TerminalInput): Promise<number>;
}

/** The kernel tracer, shared by every connection. */
export interface TraceControl {
  setCommand(line: string | undefined): void;
  setOn(on: boolean): Promise<boolean>;
}

export interface SessionDeps {
  watcher: EngineWatcher;
  trace?: TraceControl;
  capabilities: Capabilities;
  /** A fresh shell for this connection (again on reset); its programs report congestion and kill hooks through `spawn`. */
  makeShell(spawn: SpawnOptions): LineShell;
  /** Removes what a student's lesson made (backends/agent/lessonReset.ts); absent, a lesson reset is refused. */
  resetLesson?(objects: LessonObjects): Promise<string[]>;
  /** Issue 14: the agent's recorded histories, by the key a page keeps; absent, each connection records its own. */
  histories?: HistoryStore;
  log(line: string): void;
}

/** Output waiting in the socket beyond which programs' output is paused. */
const CONGESTED_BYTES = 1 << 20;
/** Messages a client may send at once, and per second after that. */
const BURST = 30;
const PER_SECOND = 10;
/** Refused messages in a row after which a client is cut off as a flood. */
const FLOOD_LIMIT = 200;
/** Keystroke and resize frames at once and per second: a typist, a paste in pieces, a window being dragged. */
const TERMINAL_BURST = 200;
const TERMINAL_PER_SECOND = 100;
/** Keystroke characters at once and per second: a paste of a few pages, never a file. */
const INPUT_BURST_CHARS = 64 * 1024;
const INPUT_CHARS_PER_SECOND = 16 * 1024;

/**
 * The page's terminal while one line runs at it: its size (the pty follows
 * it), and which program of the line reads its keystrokes now. It belongs to
 * that line alone: input and resize frames reach it only with the line's id,
 * and it is dropped when the line ends.
 */
class LineTty implements LineTerminal, TerminalInput {
  private reader: ((data: string) => void) | null = null;
  private readonly listeners = new Set<(cols: number, rows: number) => void>();

  constructor(
    public cols: number,
    public rows: number,
    private readonly rawChanged: (on: boolean) => void,
    /** Output for the page's screen, as the pty delivered it. */
    readonly screen: (text: string) => void,
  ) {}

  get reading(): boolean {
    return this.reader !== null;
  }

  write(data: string): void {
    this.reader?.(data);
  }

  onResize(listener: (cols: number, rows: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    for (const l of [...this.listeners]) l(cols, rows);
  }

  claim(onData: (data: string) => void): () => void {
    this.reader = onData;
    this.rawChanged(true);
    return () => {
      if (this.reader !== onData) return;
      this.reader = null;
      this.rawChanged(false);
    };
  }
}

interface Running {
  id: string;
  interrupt: InterruptSource;
  kills: Set<() => void>;
  tty: LineTty | null;
}

/**
 * One WebSocket connection: its own host shell (cwd, variables, files), at
 * most one running line, and the engine's events passed through.
 */
export class Session {
  private shell: LineShell;
  private running: Running | null = null;
  private bucket = new TokenBucket(BURST, PER_SECOND, Date.now());
  private terminalBucket = new TokenBucket(TERMINAL_BURST, TERMINAL_PER_SECOND, Date.now());
  private inputChars = new TokenBucket(INPUT_BURST_CHARS, INPUT_CHARS_PER_SECOND, Date.now());
  private refusedInARow = 0;
  private closed = false;
  private readonly unsubscribe: () => void;
  /** Names of the containers this session's lines made (a lesson reset removes them, and nothing of anyone else's). */
  private readonly made = new Set<string>();
  /** When the running line started and the last one ended: a container created then is this session's. */
  private lineWindow: { start: number; end: number | null; line: string } | null = null;
  /** Issue 14: the moments after this connection's lines (a page's own history once it names its key). */
  private history = new LineRecorder();
  private readonly moments: MomentSource;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    this.shell = this.newShell();
    this.moments = { snapshot: () => deps.watcher.freshSnapshot(), layerEntries: (ids) => deps.watcher.layerEntries(ids) };
    this.unsubscribe = deps.watcher.subscribe((event) => {
      if (event.type === 'snapshot') this.noteMade(event.transitions);
      this.send({ type: 'event', event });
    });
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => deps.log(`websocket error: ${err.message}`));
    void deps.watcher.freshSnapshot().then(
      (snapshot) => this.send({ type: 'event', event: { type: 'snapshot', snapshot, transitions: [] } }),
      (err: unknown) => deps.log(`reading the engine failed: ${String(err)}`),
    );
  }

  private newShell(): LineShell {
    return this.deps.makeShell({
      // A closed socket is never congested: its programs must drain and end.
      congested: () => this.ws.readyState === this.ws.OPEN && this.ws.bufferedAmount > CONGESTED_BYTES,
      onKill: (kill) => {
        const run = this.running;
        if (!run) return;
        run.kills.add(kill);
      },
      terminal: () => this.running?.tty ?? null,
    });
  }

  private send(msg: AgentMessage): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(msg));
  }

  private onFrame(data: unknown, isBinary: boolean): void {
    const now = Date.now();
    const text = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : String(data);
    const parsed = text === null ? null : parseFrame(clientMessageSchema, text);
    // Keystrokes and resizes come many times faster than requests: they have their own
    // budget, so typing never starves snapshots and a request flood never eats the keys.
    const msg = parsed?.ok ? parsed.value : null;
    const allowed =
      msg?.type === 'input'
        ? this.terminalBucket.take(now) && this.inputChars.take(now, msg.data.length)
        : msg?.type === 'resize'
          ? this.terminalBucket.take(now)
          : this.bucket.take(now);
    if (!allowed) {
      if (++this.refusedInARow >= FLOOD_LIMIT) {
        this.deps.log('closing a connection that keeps flooding');
        this.ws.close(1008, 'rate limit exceeded');
        return;
      }
      this.send({ type: 'error', message: 'rate limit exceeded' });
      return;
    }
    this.refusedInARow = 0;
    if (parsed === null) {
      this.send({ type: 'error', message: 'invalid message: binary frames are not accepted' });
      return;
    }
    if (!parsed.ok) {
      this.send({ type: 'error', message: parsed.message });
      return;
    }
    this.handle(parsed.value);
  }

  private handle(msg: ClientMessage): void {
    switch (msg.type) {
      case 'exec':
        this.exec(msg.id, msg.line, msg.tty);
        return;
      // Errors about keystrokes carry no id: the line they name is not failed by them.
      case 'input': {
        const tty = this.ttyOf(msg.id);
        if (!tty?.reading) {
          this.send({ type: 'error', message: tty ? 'the running line is not reading the terminal' : 'no running line at a terminal has that id' });
          return;
        }
        tty.write(msg.data);
        return;
      }
      case 'resize': {
        const tty = this.ttyOf(msg.id);
        if (!tty) {
          this.send({ type: 'error', message: 'no running line at a terminal has that id' });
          return;
        }
        tty.resize(msg.cols, msg.rows);
        return;
      }
      case 'interrupt':
        this.running?.interrupt.interrupt();
        return;
      case 'capabilities':
        this.send({ type: 'result', id: msg.id, value: this.deps.capabilities });
        return;
      case 'snapshot':
        this.deps.watcher.freshSnapshot().then(
          (snapshot) => this.send({ type: 'result', id: msg.id, value: snapshot }),
          () => this.send({ type: 'error', id: msg.id, message: 'cannot read the Docker engine' }),
        );
        return;
      case 'layers':
        this.deps.watcher.layerEntries(msg.layerIds).then(
          (value) => this.send({ type: 'result', id: msg.id, value }),
          () => this.send({ type: 'error', id: msg.id, message: 'cannot read the layers' }),
        );
        return;
      case 'hostdir':
        this.deps.watcher.listHostDir(msg.path).then(
          (value) => this.send({ type: 'result', id: msg.id, value }),
          (err: unknown) => this.send({ type: 'error', id: msg.id, message: `cannot list ${msg.path}: ${err instanceof Error ? err.message : 'refused'}` }),
        );
        return;
      case 'trace': {
        const trace = this.deps.trace;
        if (!trace) {
          this.send({ type: 'error', id: msg.id, message: 'the kernel trace is not available here' });
          return;
        }
        trace.setOn(msg.on).then(
          (on) => this.send({ type: 'result', id: msg.id, value: on }),
          (err: unknown) => this.send({ type: 'error', id: msg.id, message: `cannot start the kernel trace: ${err instanceof Error ? err.message : String(err)}` }),
        );
        return;
      }
      case 'history':
        if (!this.deps.histories) {
          this.send({ type: 'error', id: msg.id, message: 'recorded histories are not available here' });
          return;
        }
        this.history = this.deps.histories.get(msg.key);
        this.send({ type: 'result', id: msg.id, value: null });
        return;
      case 'lines':
        this.send({ type: 'result', id: msg.id, value: this.history.lines() });
        return;
      case 'moment':
        this.history.at(msg.lineNo).then(
          (value) => this.send({ type: 'result', id: msg.id, value }),
          () => this.send({ type: 'error', id: msg.id, message: 'cannot read that moment' }),
        );
        return;
      case 'momentLayers':
        this.history.layerEntriesAt(msg.lineNo, msg.layerIds, this.moments).then(
          (value) => this.send({ type: 'result', id: msg.id, value }),
          () => this.send({ type: 'error', id: msg.id, message: 'cannot read the layers' }),
        );
        return;
      case 'reset':
        this.stopRunning();
        this.shell = this.newShell();
        // A fresh start is a fresh timeline too; a lesson's reset keeps the lines that led to it.
        if (!msg.lesson) this.history.clear();
        if (msg.lesson) this.resetLesson(msg.id, msg.lesson.suffix);
        else this.send({ type: 'result', id: msg.id, value: null });
        return;
    }
  }

  /**
   * Containers created while this session's line ran (or just after: the
   * engine's event can trail the CLI's exit) are this session's when the line
   * names them, or when the line runs or creates a container without --name
   * and the engine gave it one of its generated names. On a shared engine
   * anyone else's container created in that moment has a name of its own, not
   * in this line: it is left alone.
   */
  private noteMade(transitions: readonly { from: string | null; name: string; time: number }[]): void {
    const w = this.lineWindow;
    if (!w) return;
    for (const t of transitions) {
      if (t.from !== null || t.time < w.start - 1000 || (w.end !== null && t.time > w.end + 2000)) continue;
      if (madeByLine(w.line, t.name)) this.made.add(t.name);
    }
  }

  private resetLesson(id: string, suffix: string): void {
    const reset = this.deps.resetLesson;
    if (!reset) {
      this.send({ type: 'error', id, message: 'a lesson reset is not available here' });
      return;
    }
    const containers = [...this.made];
    this.made.clear();
    this.lineWindow = null;
    reset({ suffix, containers }).then(
      (removed) => this.send({ type: 'result', id, value: removed }),
      (err: unknown) => this.send({ type: 'error', id, message: `cannot reset the lesson: ${err instanceof Error ? err.message : String(err)}` }),
    );
  }

  /** The terminal of the running line with this id, if that line runs at one. */
  private ttyOf(id: string): LineTty | null {
    return this.running?.id === id ? this.running.tty : null;
  }

  private exec(id: string, line: string, size: { cols: number; rows: number } | undefined): void {
    if (this.running) {
      this.send({ type: 'error', id, message: 'a command is still running (press Ctrl-C to interrupt it)' });
      return;
    }
    const run: Running = { id, interrupt: new InterruptSource(), kills: new Set<() => void>(), tty: null };
    // Both go out only while this line runs: a pty still dying after a reset cannot write into the next line.
    if (size) {
      run.tty = new LineTty(
        size.cols,
        size.rows,
        (on) => this.running === run && this.send({ type: 'raw', id, on }),
        (text) => this.running === run && this.send({ type: 'screen', id, text }),
      );
    }
    this.running = run;
    this.lineWindow = { start: Date.now(), end: null, line };
    this.deps.trace?.setCommand(line);
    const io: TerminalIO = {
      stdout: (text) => this.running === run && this.send({ type: 'stdout', id, text }),
      stderr: (text) => this.running === run && this.send({ type: 'stderr', id, text }),
    };
    // The moment after this session's line before is read first: it must not show this line's doing.
    this.history
      .settled()
      .then(() => (this.running === run ? this.shell.run(line, io, run.interrupt, run.tty ?? undefined) : 130))
      .catch((err: unknown) => {
        // A defect, not a user error: say so and keep the session usable.
        this.deps.log(`internal error running a line: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        io.stderr(`glassbox: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      })
      .then((code) => {
        if (this.running !== run) return;
        if (this.lineWindow) this.lineWindow.end = Date.now();
        // Ops still in flight (bpftrace's buffers) belong to the line: let them in before moving on.
        setTimeout(() => this.deps.trace?.setCommand(undefined), 300);
        this.running = null;
        // Listed before the exit goes out, so the page finds the line when it asks; its moment follows.
        this.history.record(line, code, this.moments);
        this.send({ type: 'exit', id, code });
      });
  }

  /** Ends the running line's programs at once (reset, or nobody left to see them). */
  private stopRunning(): void {
    const run = this.running;
    if (!run) return;
    this.running = null;
    run.interrupt.interrupt();
    for (const kill of run.kills) kill();
    this.send({ type: 'exit', id: run.id, code: 130 });
  }

  private onClose(): void {
    this.stopRunning();
    this.closed = true;
    this.unsubscribe();
  }

  /** The agent is stopping. */
  close(): void {
    this.stopRunning();
    this.ws.close(1001, 'agent stopping');
  }
}

/** Whether a container named `name`, created while `line` ran, is that line's (see Session.noteMade). */
export function madeByLine(line: string, name: string): boolean {
  const words = line.split(/[\s;&|()'"=]+/);
  if (words.includes(name)) return true;
  const unnamed = /\bdocker\s+(container\s+)?(run|create)\b/.test(line) && !/--name\b/.test(line);
  // moby's names-generator: adjective_surname, with a digit when a name was taken.
  return unnamed && /^[a-z]+_[a-z]+[0-9]?$/.test(name);
}
