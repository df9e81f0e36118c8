/**
 * The shell's file descriptors: where output goes (a Sink) and where input
 * comes from (an Input). An Input is shared like a file descriptor: `read`
 * takes a line, the next program takes the rest. A Pipe is both: the writing
 * stage's stdout and the reading stage's stdin, streaming as it is written.
 */
import type { FsErrorCode } from './filesystem';
import type { Wait } from './task';

export interface Sink {
  write(text: string): void;
  /** Set when a file refused the last write (a cgroup knob given a bad value): the writer reports it. */
  refused?: FsErrorCode | undefined;
}

export class BufferSink implements Sink {
  private chunks: string[] = [];
  write(text: string): void {
    if (text !== '') this.chunks.push(text);
  }
  text(): string {
    const t = this.chunks.join('');
    this.chunks = [t];
    return t;
  }
}

export const NULL_SINK: Sink = { write: () => {} };

export interface Input {
  /** Everything up to end of file is buffered: fixed text, or a pipe whose writers are done. */
  readonly complete: boolean;
  /** Waits until `complete`. */
  whenComplete(): Wait<void>;
  /** Waits until a whole line is buffered, or the input is complete. */
  whenLine(): Wait<void>;
  /** What is buffered (everything, once complete), consumed. */
  takeAll(): string;
  /** One line from the buffer, without its newline, consumed; null at end of input. */
  takeLine(): string | null;
  /**
   * Gives a reader what is buffered, then each chunk as it comes, then end
   * of input. Returns a function that detaches the reader (it has exited):
   * later text waits for the next reader.
   */
  stream(onData: (text: string) => void, onEnd: () => void): () => void;
  /** What a reader would get at once, without taking it: the buffered text and whether end of input follows it. */
  peek(): { text: string; ended: boolean };
}

/** Input that is all there: a file, a here-document, a finished stage's output, /dev/null. */
export class TextInput implements Input {
  private pos = 0;
  constructor(private readonly text: string) {}
  get complete(): boolean {
    return true;
  }
  whenComplete(): Wait<void> {
    return (resume) => resume();
  }
  whenLine(): Wait<void> {
    return (resume) => resume();
  }
  takeAll(): string {
    const rest = this.text.slice(this.pos);
    this.pos = this.text.length;
    return rest;
  }
  takeLine(): string | null {
    if (this.pos >= this.text.length) return null;
    const i = this.text.indexOf('\n', this.pos);
    const line = this.text.slice(this.pos, i < 0 ? undefined : i);
    this.pos = i < 0 ? this.text.length : i + 1;
    return line;
  }
  stream(onData: (text: string) => void, onEnd: () => void): () => void {
    const rest = this.takeAll();
    if (rest !== '') onData(rest);
    onEnd();
    return () => {};
  }
  peek(): { text: string; ended: boolean } {
    return { text: this.text.slice(this.pos), ended: true };
  }
}

/**
 * Input fed from outside in chunks (a pipe's writer, a container process's
 * stdin): buffered until a reader takes it.
 */
export class StreamInput implements Input {
  private buffer = '';
  private ended = false;
  private reader: { onData: (t: string) => void; onEnd: () => void } | null = null;
  private waiters: { line: boolean; resume: () => void }[] = [];

  get complete(): boolean {
    return this.ended;
  }

  /** Whether the input ended; the buffer may still hold text. */
  get atEnd(): boolean {
    return this.ended && this.buffer === '';
  }

  /** Text arrives. */
  push(text: string): void {
    if (this.ended || text === '') return;
    if (this.reader) {
      this.reader.onData(text);
      return;
    }
    this.buffer += text;
    this.wake();
  }

  /** End of input. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const r = this.reader;
    this.reader = null;
    r?.onEnd();
    this.wake();
  }

  /** Hook for subclasses that fetch input only when someone wants it. */
  protected demand(): void {}

  private wake(): void {
    const ready = this.waiters.filter((w) => this.ended || (w.line && this.buffer.includes('\n')));
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resume();
  }

  whenComplete(): Wait<void> {
    return (resume) => {
      if (this.ended) return resume();
      this.waiters.push({ line: false, resume });
      this.demand();
    };
  }

  whenLine(): Wait<void> {
    return (resume) => {
      if (this.ended || this.buffer.includes('\n')) return resume();
      this.waiters.push({ line: true, resume });
      this.demand();
    };
  }

  takeAll(): string {
    const t = this.buffer;
    this.buffer = '';
    return t;
  }

  peek(): { text: string; ended: boolean } {
    return { text: this.buffer, ended: this.ended };
  }

  takeLine(): string | null {
    if (this.buffer === '') return this.ended ? null : '';
    const i = this.buffer.indexOf('\n');
    if (i < 0) {
      const line = this.buffer;
      this.buffer = '';
      return line;
    }
    const line = this.buffer.slice(0, i);
    this.buffer = this.buffer.slice(i + 1);
    return line;
  }

  stream(onData: (text: string) => void, onEnd: () => void): () => void {
    const rest = this.takeAll();
    if (rest !== '') onData(rest);
    if (this.ended) {
      onEnd();
      return () => {};
    }
    const me = { onData, onEnd };
    this.reader = me;
    this.demand();
    return () => {
      if (this.reader === me) this.reader = null;
    };
  }
}

/**
 * A pipe between two stages. Writes stream to the reading stage; once the
 * reader has gone, writes are refused (the writer's SIGPIPE), and the
 * writers that wrote are told so they can be killed as the kernel would.
 */
export class Pipe extends StreamInput implements Sink {
  private readerGone = false;
  private readonly onBrokenListeners = new Set<() => void>();

  /** The reading side has exited. */
  get broken(): boolean {
    return this.readerGone;
  }

  write(text: string): void {
    if (this.readerGone) return;
    this.push(text);
  }

  /** The writing stage is done (its end of the pipe is closed). */
  closeWrite(): void {
    this.end();
  }

  /** The reading stage is done: later writes fail with SIGPIPE. */
  closeRead(): void {
    if (this.readerGone) return;
    this.readerGone = true;
    this.takeAll();
    for (const l of [...this.onBrokenListeners]) l();
  }

  /** Calls `l` when the reader goes away (a writer that will get SIGPIPE on its next write). Returns the unregister function. */
  onBroken(l: () => void): () => void {
    this.onBrokenListeners.add(l);
    return () => this.onBrokenListeners.delete(l);
  }
}
