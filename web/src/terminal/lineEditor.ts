/**
 * A readline-style line editor for a VT terminal, kept free of xterm.js and
 * the DOM so it can be tested against a headless terminal. It turns the
 * terminal's input (keys, escape sequences, pastes) into effects: bytes to
 * write back, a line to run, or an interrupt. It knows the terminal width so
 * that editing a line that wraps redraws correctly, and it writes as little
 * as possible (typing at the end writes just the typed text), which keeps
 * screen readers from re-reading the whole line on every key.
 */

export type EditorEffect =
  | { type: 'write'; data: string }
  /** Run this line. The editor is busy until `prompt()` is called again. */
  | { type: 'submit'; line: string }
  /** Ctrl-C while a line runs. */
  | { type: 'interrupt' };

export interface LineEditorOptions {
  prompt: string;
  cols: number;
  history?: readonly string[];
  historyLimit?: number;
  /**
   * Whether a line needs more lines to be complete (an open quote, a
   * here-document): Enter then shows bash's `> ` continuation prompt and the
   * lines are submitted together, joined by newlines.
   */
  isIncomplete?: (text: string) => boolean;
}

/** bash's PS2. */
const CONTINUATION_PROMPT = '> ';

const ESC = '\x1b';
const CSI = '\x1b[';

/** "\n" (and "\r\n") → "\r\n": programs write Unix line ends, a raw terminal needs both. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** Terminal cell width of one code point: 0 for combining marks, 2 for East Asian wide and fullwidth. */
export function charWidth(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 0;
  if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f)) return 0;
  if (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** Visible width of text that may contain SGR/CSI escape sequences (a coloured prompt). */
export function visibleWidth(text: string): number {
  let w = 0;
  for (const ch of [...text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')]) w += charWidth(ch);
  return w;
}

interface Pos {
  row: number;
  col: number;
}

type Key =
  | { k: 'text'; text: string }
  | { k: 'enter' | 'backspace' | 'delete' | 'left' | 'right' | 'home' | 'end' | 'up' | 'down' }
  | { k: 'wordLeft' | 'wordRight' | 'killStart' | 'killEnd' | 'killWord' | 'interrupt' | 'clear' | 'eof' | 'ignore' };

/** Splits terminal input into keys. Unknown escape sequences are swallowed whole rather than typed. */
function* keys(data: string): Generator<[Key, number]> {
  let i = 0;
  while (i < data.length) {
    const start = i;
    const ch = data[i]!;
    if (ch === ESC) {
      const next = data[i + 1];
      if (next === '[') {
        let j = i + 2;
        while (j < data.length && !/[@-~]/.test(data[j]!)) j++;
        const params = data.slice(i + 2, j);
        const final = data[j] ?? '';
        i = j + 1;
        const mod = params.split(';')[1];
        const ctrlOrAlt = mod === '5' || mod === '3';
        const byFinal: Record<string, Key> = {
          A: { k: 'up' },
          B: { k: 'down' },
          C: { k: ctrlOrAlt ? 'wordRight' : 'right' },
          D: { k: ctrlOrAlt ? 'wordLeft' : 'left' },
          H: { k: 'home' },
          F: { k: 'end' },
        };
        const byTilde: Record<string, Key> = { '1': { k: 'home' }, '7': { k: 'home' }, '4': { k: 'end' }, '8': { k: 'end' }, '3': { k: 'delete' } };
        yield [final === '~' ? (byTilde[params.split(';')[0]!] ?? { k: 'ignore' }) : (byFinal[final] ?? { k: 'ignore' }), start];
        continue;
      }
      if (next === 'O') {
        const final = data[i + 2] ?? '';
        i += 3;
        const ss3: Record<string, Key> = { A: { k: 'up' }, B: { k: 'down' }, C: { k: 'right' }, D: { k: 'left' }, H: { k: 'home' }, F: { k: 'end' } };
        yield [ss3[final] ?? { k: 'ignore' }, start];
        continue;
      }
      i += next === undefined ? 1 : 2;
      const alt: Record<string, Key> = { b: { k: 'wordLeft' }, f: { k: 'wordRight' }, '\x7f': { k: 'killWord' } };
      yield [(next !== undefined && alt[next]) || { k: 'ignore' }, start];
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      i += ch === '\r' && data[i + 1] === '\n' ? 2 : 1;
      yield [{ k: 'enter' }, start];
      continue;
    }
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      i++;
      const control: Record<number, Key> = {
        0x7f: { k: 'backspace' },
        0x08: { k: 'backspace' },
        0x01: { k: 'home' },
        0x05: { k: 'end' },
        0x02: { k: 'left' },
        0x06: { k: 'right' },
        0x10: { k: 'up' },
        0x0e: { k: 'down' },
        0x03: { k: 'interrupt' },
        0x0c: { k: 'clear' },
        0x15: { k: 'killStart' },
        0x0b: { k: 'killEnd' },
        0x17: { k: 'killWord' },
        0x04: { k: 'eof' },
      };
      yield [control[code] ?? { k: 'ignore' }, start];
      continue;
    }
    // A run of printable text (a paste arrives as one chunk) is inserted at once.
    let j = i;
    while (j < data.length) {
      const c = data.charCodeAt(j);
      if (c < 0x20 || c === 0x7f) break;
      j++;
    }
    yield [{ k: 'text', text: data.slice(i, j) }, start];
    i = j;
  }
}

export class LineEditor {
  private promptText: string;
  private promptWidth: number;
  /** The prompt set by the owner; promptText differs from it while continuing a line (`> `). */
  private primaryPrompt: string;
  /** The lines typed so far of an incomplete command. */
  private pendingLines: string[] = [];
  private readonly isIncomplete: (text: string) => boolean;
  private cols: number;
  private chars: string[] = [];
  private cursorIndex = 0;
  /** Where the terminal cursor is, relative to the prompt's first cell. */
  private at: Pos = { row: 0, col: 0 };
  /** Cells the line occupied when last drawn, to know whether leftovers need erasing. */
  private drawnEnd = 0;
  private readonly hist: string[];
  private readonly historyLimit: number;
  private histIndex: number;
  private draft: string[] = [];
  private isBusy = true;
  private typeahead = '';
  private out: EditorEffect[] = [];

  constructor(opts: LineEditorOptions) {
    this.promptText = opts.prompt;
    this.promptWidth = visibleWidth(opts.prompt);
    this.primaryPrompt = opts.prompt;
    this.isIncomplete = opts.isIncomplete ?? (() => false);
    this.cols = Math.max(2, opts.cols);
    this.historyLimit = opts.historyLimit ?? 1000;
    this.hist = (opts.history ?? []).slice(-this.historyLimit);
    this.histIndex = this.hist.length;
  }

  get line(): string {
    return this.chars.join('');
  }

  get cursor(): number {
    return this.cursorIndex;
  }

  get busy(): boolean {
    return this.isBusy;
  }

  get history(): readonly string[] {
    return this.hist;
  }

  /** The prompt shown from the next `prompt()` on. */
  setPrompt(prompt: string): void {
    this.primaryPrompt = prompt;
    if (this.pendingLines.length === 0) this.usePrompt(prompt);
  }

  private usePrompt(prompt: string): void {
    this.promptText = prompt;
    this.promptWidth = visibleWidth(prompt);
  }

  /** The terminal was resized; it reflows wrapped lines itself, so only the arithmetic changes. */
  resize(cols: number): void {
    this.cols = Math.max(2, cols);
    this.at = this.posOf(this.cursorIndex);
    this.drawnEnd = this.offsetOf(this.chars.length);
  }

  /**
   * Shows a fresh prompt (the cursor must be at the start of a line) and
   * becomes ready for input, then replays whatever was typed while busy.
   */
  prompt(): EditorEffect[] {
    this.showPrompt();
    return this.flush();
  }

  private showPrompt(): void {
    this.isBusy = false;
    this.chars = [];
    this.cursorIndex = 0;
    this.write(this.promptText);
    this.afterWriting(this.promptWidth);
    this.drawnEnd = this.promptWidth;
    const pending = this.typeahead;
    this.typeahead = '';
    if (pending) this.handle(pending);
  }

  /**
   * Text that arrives while the user is typing (output that came late, a
   * notice): printed where the prompt was, with the prompt and the line being
   * typed redrawn below it. While a line runs it is simply written.
   */
  printAbove(text: string): EditorEffect[] {
    if (!text) return [];
    if (this.isBusy) {
      this.write(crlf(text));
      return this.flush();
    }
    this.moveCursor({ row: 0, col: 0 });
    this.write(`${CSI}J${crlf(text)}${text.endsWith('\n') ? '' : '\r\n'}`);
    this.at = { row: 0, col: 0 };
    this.write(this.promptText);
    this.afterWriting(this.promptWidth);
    this.drawnEnd = this.promptWidth;
    this.redrawFrom(0);
    return this.flush();
  }

  /**
   * Puts `text` on the prompt in place of what is there, cursor at the end,
   * without running it (a lesson's "type it" button): the student reads it and
   * presses Enter. Control characters are dropped, so it can never submit or
   * send a key. While a line runs it waits for the next prompt, like typeahead.
   */
  setLine(text: string): EditorEffect[] {
    const clean = text.replace(/[\r\n\t]+/g, ' ').replace(/[\x00-\x1f\x7f-\x9f]/g, '');
    if (this.isBusy) {
      this.typeahead = clean;
      return [];
    }
    this.histIndex = this.hist.length;
    this.draft = [];
    this.replaceLine([...clean]);
    return this.flush();
  }

  /** Input from the terminal (keys or a paste). */
  feed(data: string): EditorEffect[] {
    this.handle(data);
    return this.flush();
  }

  private handle(data: string): void {
    for (const [key, start] of keys(data)) {
      if (this.isBusy) {
        if (key.k === 'interrupt') {
          this.typeahead = '';
          this.write('^C');
          this.out.push({ type: 'interrupt' });
          continue;
        }
        // Typed ahead while a line runs, as a tty would buffer it.
        this.typeahead += data.slice(start);
        return;
      }
      this.apply(key);
    }
  }

  private apply(key: Key): void {
    const n = this.chars.length;
    const i = this.cursorIndex;
    switch (key.k) {
      case 'text': {
        const inserted = [...key.text];
        this.chars.splice(i, 0, ...inserted);
        this.cursorIndex = i + inserted.length;
        this.redrawFrom(i);
        break;
      }
      case 'backspace':
        if (i > 0) {
          this.chars.splice(i - 1, 1);
          this.cursorIndex = i - 1;
          this.redrawFrom(i - 1);
        }
        break;
      case 'delete':
      case 'eof':
        if (i < n) {
          this.chars.splice(i, 1);
          this.redrawFrom(i);
        }
        break;
      case 'left':
        this.moveTo(Math.max(0, i - 1));
        break;
      case 'right':
        this.moveTo(Math.min(n, i + 1));
        break;
      case 'home':
        this.moveTo(0);
        break;
      case 'end':
        this.moveTo(n);
        break;
      case 'wordLeft':
        this.moveTo(this.wordStart(i));
        break;
      case 'wordRight': {
        let j = i;
        while (j < n && this.chars[j] === ' ') j++;
        while (j < n && this.chars[j] !== ' ') j++;
        this.moveTo(j);
        break;
      }
      case 'killStart':
        if (i > 0) {
          this.chars.splice(0, i);
          this.cursorIndex = 0;
          this.redrawFrom(0);
        }
        break;
      case 'killEnd':
        if (i < n) {
          this.chars.splice(i);
          this.redrawFrom(i);
        }
        break;
      case 'killWord': {
        const j = this.wordStart(i);
        if (j < i) {
          this.chars.splice(j, i - j);
          this.cursorIndex = j;
          this.redrawFrom(j);
        }
        break;
      }
      case 'up':
        if (this.histIndex > 0) {
          if (this.histIndex === this.hist.length) this.draft = [...this.chars];
          this.histIndex--;
          this.replaceLine([...this.hist[this.histIndex]!]);
        }
        break;
      case 'down':
        if (this.histIndex < this.hist.length) {
          this.histIndex++;
          this.replaceLine(this.histIndex === this.hist.length ? this.draft : [...this.hist[this.histIndex]!]);
        }
        break;
      case 'interrupt':
        // As bash does: the line is abandoned, shown with ^C, and a new prompt follows.
        this.moveTo(n);
        this.write('^C\r\n');
        this.histIndex = this.hist.length;
        this.draft = [];
        this.endContinuation();
        this.showPrompt();
        break;
      case 'clear':
        this.write(`${CSI}H${CSI}2J`);
        this.at = { row: 0, col: 0 };
        this.write(this.promptText);
        this.afterWriting(this.promptWidth);
        this.drawnEnd = this.promptWidth;
        this.redrawFrom(0);
        break;
      case 'enter': {
        const line = this.line;
        this.moveTo(n);
        this.write('\r\n');
        this.histIndex = this.hist.length;
        this.draft = [];
        if (line.trim() === '' && this.pendingLines.length === 0) {
          this.showPrompt();
          break;
        }
        this.pendingLines.push(line);
        const text = this.pendingLines.join('\n');
        if (this.isIncomplete(text)) {
          this.usePrompt(CONTINUATION_PROMPT);
          this.showPrompt();
          break;
        }
        this.endContinuation();
        if (this.hist[this.hist.length - 1] !== text) {
          this.hist.push(text);
          if (this.hist.length > this.historyLimit) this.hist.shift();
        }
        this.histIndex = this.hist.length;
        this.isBusy = true;
        this.out.push({ type: 'submit', line: text });
        break;
      }
      case 'ignore':
        break;
    }
  }

  /** Back to the primary prompt, dropping any lines kept for an incomplete command. */
  private endContinuation(): void {
    this.pendingLines = [];
    this.usePrompt(this.primaryPrompt);
  }

  private wordStart(i: number): number {
    let j = i;
    while (j > 0 && this.chars[j - 1] === ' ') j--;
    while (j > 0 && this.chars[j - 1] !== ' ') j--;
    return j;
  }

  private replaceLine(chars: string[]): void {
    this.chars = [...chars];
    this.redrawFrom(0, this.chars.length);
  }

  /** Cells from the prompt's first cell to the start of char `index`, wide characters wrapping early as terminals do. */
  private offsetOf(index: number): number {
    let off = this.promptWidth;
    for (let k = 0; k < index; k++) {
      const w = charWidth(this.chars[k]!);
      const col = off % this.cols;
      if (w === 2 && col === this.cols - 1) off += 1;
      off += w;
    }
    return off;
  }

  private posOf(index: number): Pos {
    const off = this.offsetOf(index);
    return { row: Math.floor(off / this.cols), col: off % this.cols };
  }

  private moveTo(index: number): void {
    this.cursorIndex = index;
    this.moveCursor(this.posOf(index));
  }

  private moveCursor(to: Pos): void {
    const from = this.at;
    let seq = '';
    if (to.row < from.row) seq += `${CSI}${from.row - to.row}A`;
    if (to.row > from.row) seq += `${CSI}${to.row - from.row}B`;
    if (to.row !== from.row) {
      seq += '\r';
      if (to.col > 0) seq += `${CSI}${to.col}C`;
    } else if (to.col < from.col) {
      seq += `${CSI}${from.col - to.col}D`;
    } else if (to.col > from.col) {
      seq += `${CSI}${to.col - from.col}C`;
    }
    this.write(seq);
    this.at = to;
  }

  /**
   * Rewrites the line from char `from` to its end and puts the cursor back at
   * `cursorIndex` (or `cursorAfter`). Everything before `from` is already right on screen.
   */
  private redrawFrom(from: number, cursorAfter = this.cursorIndex): void {
    this.moveCursor(this.posOf(from));
    const tail = this.chars.slice(from).join('');
    this.write(tail);
    const end = this.offsetOf(this.chars.length);
    this.afterWriting(end);
    if (end < this.drawnEnd) this.write(`${CSI}J`);
    this.drawnEnd = end;
    this.cursorIndex = cursorAfter;
    this.moveCursor(this.posOf(cursorAfter));
  }

  /**
   * After writing up to cell offset `end`: a line that ends exactly at the
   * right margin leaves the terminal in its "pending wrap" state, where cursor
   * moves misbehave; writing a space and backspacing settles the cursor on the
   * next row, where the arithmetic says it is.
   */
  private afterWriting(end: number): void {
    if (end > 0 && end % this.cols === 0) this.write(' \b');
    this.at = { row: Math.floor(end / this.cols), col: end % this.cols };
  }

  private write(data: string): void {
    if (!data) return;
    const last = this.out[this.out.length - 1];
    if (last?.type === 'write') last.data += data;
    else this.out.push({ type: 'write', data });
  }

  private flush(): EditorEffect[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}
