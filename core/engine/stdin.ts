import { Tty } from '../cshell/tty';

type Reader = { onData: (t: string) => void; onEnd: () => void };

/**
 * A process's standard input as the engine feeds it: nothing (/dev/null), a
 * pipe (text, then end of file), or a terminal that stays open and takes
 * keystrokes through a line discipline (Tty). Text that arrives before
 * anyone reads waits for the first reader.
 */
export class StdinPipe {
  private readers: Reader[] = [];
  private queued = '';
  private closed = false;
  private readonly tty: Tty | null;

  constructor(opts: { tty: boolean; echo: (text: string) => void; signal: (signal: number) => void; alive: () => boolean }) {
    this.alive = opts.alive;
    this.tty = opts.tty
      ? new Tty({ echo: opts.echo, line: (t) => this.deliver(t), eof: () => this.endOfInput(false), signal: opts.signal })
      : null;
  }

  private readonly alive: () => boolean;

  read(onData: (t: string) => void, onEnd: () => void): void {
    if (this.queued !== '') {
      const text = this.queued;
      this.queued = '';
      onData(text);
    }
    if (this.closed) return onEnd();
    this.readers.push({ onData, onEnd });
  }

  /** What a read would get at once: the text waiting for a reader, and whether the input has ended after it. */
  peek(): { text: string; ended: boolean } {
    return { text: this.queued, ended: this.closed };
  }

  /** Keystrokes (through the line discipline with a tty) or piped text. */
  write(data: string): void {
    if (this.closed) return;
    if (this.tty) this.tty.input(data);
    else this.deliver(data);
  }

  /** The writer's end closes: `text` (if any), then end of file for good. */
  close(text = ''): void {
    if (this.closed) return;
    if (text !== '') this.deliver(text);
    this.endOfInput(true);
  }

  private deliver(text: string): void {
    if (this.readers.length === 0) {
      this.queued += text;
      return;
    }
    for (const r of [...this.readers]) if (this.alive()) r.onData(text);
  }

  /** A terminal's Ctrl-D ends this read only (the next read waits again); a pipe's end is final. */
  private endOfInput(final: boolean): void {
    if (final) this.closed = true;
    const readers = this.readers;
    this.readers = [];
    for (const r of readers) if (this.alive()) r.onEnd();
  }
}
