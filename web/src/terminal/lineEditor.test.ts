import { isIncompleteInput } from '../../../core/shell/syntax';
import { describe, expect, it } from 'vitest';
import headless from '@xterm/headless';
import { seededRng } from '../../../core/ports';
import { charWidth, crlf, LineEditor, visibleWidth, type EditorEffect } from './lineEditor';

/**
 * The editor is driven like the page drives it, and its output goes into a
 * real (headless) xterm, so these tests check what a student would see on the
 * screen and where the cursor is, not the bytes.
 */

const { Terminal } = headless;

const KEY = {
  enter: '\r',
  backspace: '\x7f',
  left: '\x1b[D',
  right: '\x1b[C',
  up: '\x1b[A',
  down: '\x1b[B',
  home: '\x1b[H',
  end: '\x1b[F',
  homeSS3: '\x1bOH',
  endTilde: '\x1b[4~',
  del: '\x1b[3~',
  ctrlA: '\x01',
  ctrlE: '\x05',
  ctrlC: '\x03',
  ctrlL: '\x0c',
  ctrlU: '\x15',
  ctrlK: '\x0b',
  ctrlW: '\x17',
  ctrlLeft: '\x1b[1;5D',
  ctrlRight: '\x1b[1;5C',
};

class Harness {
  readonly term: InstanceType<typeof Terminal>;
  readonly editor: LineEditor;
  readonly submitted: string[] = [];
  interrupts = 0;

  constructor(cols = 40, rows = 12, history: string[] = []) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 100 });
    this.editor = new LineEditor({ prompt: '\x1b[1;32m$\x1b[0m ', cols, history, isIncomplete: isIncompleteInput });
  }

  async apply(effects: EditorEffect[]): Promise<void> {
    for (const e of effects) {
      if (e.type === 'write') await new Promise<void>((r) => this.term.write(e.data, r));
      else if (e.type === 'submit') this.submitted.push(e.line);
      else this.interrupts++;
    }
  }

  async start(): Promise<this> {
    await this.apply(this.editor.prompt());
    return this;
  }

  async type(...inputs: string[]): Promise<this> {
    for (const input of inputs) await this.apply(this.editor.feed(input));
    return this;
  }

  /** The line finished: its output, then (on a fresh row, as the page does) the next prompt. */
  async finish(output = ''): Promise<this> {
    if (output) await new Promise<void>((r) => this.term.write(crlf(output), r));
    if (this.term.buffer.active.cursorX !== 0) await new Promise<void>((r) => this.term.write('\r\n', r));
    await this.apply(this.editor.prompt());
    return this;
  }

  /** Screen rows from the top of the buffer, trailing blanks trimmed. */
  screen(): string[] {
    const buf = this.term.buffer.active;
    const rows: string[] = [];
    for (let y = 0; y < buf.length; y++) rows.push(buf.getLine(y)!.translateToString(true).trimEnd());
    while (rows.length && rows[rows.length - 1] === '') rows.pop();
    return rows;
  }

  cursor(): { x: number; y: number } {
    const buf = this.term.buffer.active;
    return { x: buf.cursorX, y: buf.cursorY + buf.viewportY };
  }
}

/** Where a terminal of `cols` columns shows "$ " + line, and the cell of char `index`. */
function expected(line: string, cols: number, index: number): { rows: string[]; cursor: { x: number; y: number } } {
  const rows: string[] = [];
  let row = '$ ';
  let col = 2;
  let cursor = { x: 0, y: 0 };
  const chars = [...line];
  for (let k = 0; k <= chars.length; k++) {
    const ch = chars[k];
    const w = ch === undefined ? 1 : charWidth(ch);
    if (col + w > cols) {
      rows.push(row);
      row = '';
      col = 0;
    }
    if (k === index) cursor = { x: col, y: rows.length };
    if (ch === undefined) break;
    row += ch;
    col += w;
  }
  rows.push(row);
  while (rows.length > 1 && rows[rows.length - 1] === '') rows.pop();
  return { rows: rows.map((r) => r.trimEnd()), cursor };
}

describe('LineEditor on a terminal', () => {
  it('types a line and submits it on Enter', async () => {
    const h = await new Harness().start();
    await h.type('docker ps', KEY.enter);
    expect(h.submitted).toEqual(['docker ps']);
    expect(h.screen()).toEqual(['$ docker ps']);
    expect(h.cursor()).toEqual({ x: 0, y: 1 });
    expect(h.editor.busy).toBe(true);
  });

  it.each([
    ['Backspace', ['dockrr', KEY.backspace, KEY.backspace, 'er'], 'docker', 6],
    ['Left then insert', ['docker s', KEY.left, 'p', KEY.right], 'docker ps', 9],
    ['Home (CSI H) then insert', ['ps', KEY.home, 'docker '], 'docker ps', 7],
    ['Home (SS3) and End (CSI 4~)', ['ps', KEY.homeSS3, 'docker ', KEY.endTilde, ' -a'], 'docker ps -a', 12],
    ['Ctrl-A / Ctrl-E', ['ps', KEY.ctrlA, 'docker ', KEY.ctrlE, ' -a'], 'docker ps -a', 12],
    ['Delete under the cursor', ['docker pps', KEY.left, KEY.left, KEY.left, KEY.del], 'docker ps', 7],
    ['Ctrl-U kills to the start', ['rubbish', KEY.ctrlU, 'docker ps'], 'docker ps', 9],
    ['Ctrl-K kills to the end', ['docker ps -a', KEY.left, KEY.left, KEY.left, KEY.ctrlK], 'docker ps', 9],
    ['Ctrl-W deletes the word before', ['docker stop web', KEY.ctrlW, 'db'], 'docker stop db', 14],
    ['Ctrl-Left / Ctrl-Right move by word', ['docker stop web', KEY.ctrlLeft, KEY.ctrlLeft, 'x', KEY.ctrlRight], 'docker xstop web', 12],
    ['Left at the start and Right at the end do nothing', [KEY.left, 'ab', KEY.right, KEY.right], 'ab', 2],
    ['Backspace at the start does nothing', ['ab', KEY.home, KEY.backspace], 'ab', 0],
    ['an unknown escape sequence is not typed', ['a', '\x1b[15~', 'b'], 'ab', 2],
  ])('%s', async (_name, inputs, line, cursor) => {
    const h = await new Harness().start();
    await h.type(...inputs);
    expect(h.editor.line).toBe(line);
    expect(h.editor.cursor).toBe(cursor);
    const want = expected(line, 40, cursor);
    expect(h.screen()).toEqual(want.rows);
    expect(h.cursor()).toEqual(want.cursor);
  });

  it('walks the history with Up/Down and keeps the line being typed', async () => {
    const h = await new Harness().start();
    await h.type('docker run -d --name web busybox', KEY.enter);
    await h.finish('abc\n');
    await h.type('docker ps', KEY.enter);
    await h.finish();
    await h.type('docker st', KEY.up);
    expect(h.editor.line).toBe('docker ps');
    await h.type(KEY.up);
    expect(h.editor.line).toBe('docker run -d --name web busybox');
    await h.type(KEY.up); // nothing older
    expect(h.editor.line).toBe('docker run -d --name web busybox');
    await h.type(KEY.down);
    expect(h.editor.line).toBe('docker ps');
    await h.type(KEY.down);
    expect(h.editor.line).toBe('docker st');
    expect(h.screen().at(-1)).toBe('$ docker st');
    expect(h.cursor()).toEqual({ x: 11, y: 3 });
  });

  it('keeps no blank lines and no immediate repeats in the history', async () => {
    const h = await new Harness().start();
    await h.type('docker ps', KEY.enter);
    await h.finish();
    await h.type('docker ps', KEY.enter);
    await h.finish();
    await h.type('   ', KEY.enter);
    expect(h.submitted).toEqual(['docker ps', 'docker ps']);
    expect(h.editor.history).toEqual(['docker ps']);
    expect(h.editor.busy).toBe(false);
  });

  it('starts from a given history', async () => {
    const h = await new Harness(40, 12, ['docker images']).start();
    await h.type(KEY.up);
    expect(h.editor.line).toBe('docker images');
  });

  it('Ctrl-C on a line being typed abandons it with ^C, as bash does', async () => {
    const h = await new Harness().start();
    await h.type('docker rm web', KEY.home, KEY.ctrlC);
    expect(h.interrupts).toBe(0);
    expect(h.submitted).toEqual([]);
    expect(h.editor.line).toBe('');
    expect(h.screen()).toEqual(['$ docker rm web^C', '$']);
    expect(h.cursor()).toEqual({ x: 2, y: 1 });
  });

  it('Ctrl-C while a line runs interrupts it and drops what was typed ahead', async () => {
    const h = await new Harness().start();
    await h.type('docker stop web', KEY.enter, 'docker ps');
    await h.type(KEY.ctrlC);
    expect(h.interrupts).toBe(1);
    await h.finish();
    expect(h.screen()).toEqual(['$ docker stop web', '^C', '$']);
    expect(h.editor.line).toBe('');
  });

  it('keeps what is typed while a line runs and replays it at the next prompt', async () => {
    const h = await new Harness().start();
    await h.type('docker stop web', KEY.enter, 'docker p', 's', KEY.enter, 'docker i');
    expect(h.submitted).toEqual(['docker stop web']);
    await h.finish('web\n');
    expect(h.submitted).toEqual(['docker stop web', 'docker ps']);
    await h.finish('CONTAINER ID\n');
    expect(h.editor.line).toBe('docker i');
    expect(h.screen()).toEqual(['$ docker stop web', 'web', '$ docker ps', 'CONTAINER ID', '$ docker i']);
  });

  it('runs a pasted block of lines one after another', async () => {
    const h = await new Harness().start();
    await h.type('docker create --name a busybox\r\ndocker start a\ndocker ps\r');
    expect(h.submitted).toEqual(['docker create --name a busybox']);
    await h.finish();
    await h.finish();
    await h.finish();
    expect(h.submitted).toEqual(['docker create --name a busybox', 'docker start a', 'docker ps']);
    expect(h.editor.busy).toBe(false);
  });

  it('Ctrl-L clears the screen and redraws the line at the top with the cursor in place', async () => {
    const h = await new Harness().start();
    await h.type('docker ps', KEY.enter);
    await h.finish('CONTAINER ID   IMAGE\n');
    await h.type('docker logs web', KEY.left, KEY.left, KEY.left, KEY.ctrlL);
    const buf = h.term.buffer.active;
    const visible: string[] = [];
    for (let y = 0; y < h.term.rows; y++) visible.push(buf.getLine(buf.viewportY + y)!.translateToString(true));
    expect(visible.filter((r) => r !== '')).toEqual(['$ docker logs web']);
    expect(visible[0]).toBe('$ docker logs web');
    expect({ x: buf.cursorX, y: buf.cursorY }).toEqual({ x: 14, y: 0 });
  });

  it('edits a line that wraps over several rows', async () => {
    const h = await new Harness(20).start();
    const long = 'docker run -d --name web busybox sleep 1000';
    await h.type(long, KEY.home, 'X', KEY.end, KEY.backspace, KEY.backspace, KEY.ctrlA, KEY.right, KEY.right, KEY.del);
    const line = 'Xdcker run -d --name web busybox sleep 10';
    expect(h.editor.line).toBe(line);
    const want = expected(line, 20, 2);
    expect(h.screen()).toEqual(want.rows);
    expect(h.cursor()).toEqual(want.cursor);
  });

  it('handles a line that ends exactly at the right margin', async () => {
    const h = await new Harness(10).start();
    await h.type('12345678'); // "$ " + 8 = 10 cells: the row is full
    expect(h.cursor()).toEqual({ x: 0, y: 1 });
    await h.type('9', KEY.backspace, KEY.backspace, KEY.left, 'x');
    expect(h.editor.line).toBe('123456x7');
    const want = expected('123456x7', 10, 7);
    expect(h.screen()).toEqual(want.rows);
    expect(h.cursor()).toEqual(want.cursor);
  });

  it('puts wide (Chinese) characters in two cells, wrapping them early like the terminal', async () => {
    const h = await new Harness(11).start();
    await h.type('echo 容器容器', KEY.left, KEY.left, '镜像');
    const line = 'echo 容器镜像容器';
    expect(h.editor.line).toBe(line);
    const want = expected(line, 11, 9);
    expect(h.screen()).toEqual(want.rows);
    expect(h.cursor()).toEqual(want.cursor);
  });

  it('matches the screen after any sequence of edits (seeded random walk)', async () => {
    const rng = seededRng('line-editor');
    const pool = ['a', 'bc', ' ', 'docker ', '容', KEY.backspace, KEY.left, KEY.left, KEY.right, KEY.home, KEY.end, KEY.del, KEY.ctrlW, KEY.ctrlK, KEY.ctrlLeft, KEY.ctrlRight];
    for (let run = 0; run < 8; run++) {
      const cols = 9 + (rng.nextU32() % 12);
      const h = await new Harness(cols, 30).start();
      for (let step = 0; step < 60; step++) await h.type(pool[rng.nextU32() % pool.length]!);
      const want = expected(h.editor.line, cols, h.editor.cursor);
      expect(h.screen(), `cols ${cols}, line ${JSON.stringify(h.editor.line)}`).toEqual(want.rows);
      expect(h.cursor()).toEqual(want.cursor);
    }
  });

  it('prints late output above the line being typed and redraws it below', async () => {
    const h = await new Harness(20).start();
    await h.type('docker stop my-long-container', KEY.left, KEY.left);
    await h.apply(h.editor.printAbove('late output\nagain'));
    const want = expected('docker stop my-long-container', 20, 27);
    expect(h.screen()).toEqual(['late output', 'again', ...want.rows]);
    expect(h.cursor()).toEqual({ x: want.cursor.x, y: want.cursor.y + 2 });
    await h.type('X');
    expect(h.editor.line).toBe('docker stop my-long-containXer');
  });

  it('setLine puts a command on the prompt in place of what was typed, and Enter runs it', async () => {
    const h = await new Harness(30).start();
    await h.type('docker images --all', KEY.home);
    await h.apply(h.editor.setLine('docker pause web'));
    expect(h.submitted).toEqual([]);
    expect(h.editor.line).toBe('docker pause web');
    expect(h.screen()).toEqual(['$ docker pause web']);
    expect(h.cursor()).toEqual({ x: 18, y: 0 });
    await h.type(KEY.enter);
    expect(h.submitted).toEqual(['docker pause web']);
  });

  it('setLine redraws a long line over several rows', async () => {
    const h = await new Harness(20).start();
    const line = 'docker run -d --name web busybox sleep 300';
    await h.apply(h.editor.setLine(line));
    const want = expected(line, 20, line.length);
    expect(h.screen()).toEqual(want.rows);
    expect(h.cursor()).toEqual(want.cursor);
  });

  it('setLine drops control characters, so it can never run a line or send a key', async () => {
    const h = await new Harness().start();
    await h.apply(h.editor.setLine('docker ps\r\ndocker rm web\x03\x1b[A'));
    expect(h.submitted).toEqual([]);
    expect(h.interrupts).toBe(0);
    expect(h.editor.line).toBe('docker ps docker rm web[A');
  });

  it('setLine while a line runs puts the command on the next prompt', async () => {
    const h = await new Harness().start();
    await h.type('docker stop web', KEY.enter, 'docker p');
    expect(h.editor.setLine('docker rm web')).toEqual([]);
    await h.finish();
    expect(h.submitted).toEqual(['docker stop web']);
    expect(h.editor.line).toBe('docker rm web');
    expect(h.screen()).toEqual(['$ docker stop web', '$ docker rm web']);
  });

  it('writes only the typed text when typing at the end of the line', () => {
    const editor = new LineEditor({ prompt: '$ ', cols: 80 });
    editor.prompt();
    expect(editor.feed('d')).toEqual([{ type: 'write', data: 'd' }]);
    expect(editor.feed('ocker')).toEqual([{ type: 'write', data: 'ocker' }]);
  });
});

describe('crlf', () => {
  it.each([
    ['a\nb\n', 'a\r\nb\r\n'],
    ['a\r\nb', 'a\r\nb'],
    ['no newline', 'no newline'],
    ['\n\n', '\r\n\r\n'],
  ])('%j', (input, output) => {
    expect(crlf(input)).toBe(output);
  });
});

describe('widths', () => {
  it.each([
    ['a', 1],
    ['容', 2],
    ['，', 2],
    ['\u0301', 0],
  ])('charWidth(%j) = %i', (ch, w) => {
    expect(charWidth(ch)).toBe(w);
  });

  it('ignores colour sequences in the prompt', () => {
    expect(visibleWidth('\x1b[1;32mroot@glassbox\x1b[0m:~# ')).toBe(17);
  });
});

describe('continuation lines', () => {
  it('keeps an incomplete command (a here-document) under `> ` and submits it whole', async () => {
    const h = await new Harness().start();
    await h.type('cat > Dockerfile <<EOF\r', 'FROM busybox\r');
    expect(h.submitted).toEqual([]);
    expect(h.screen()).toEqual(['$ cat > Dockerfile <<EOF', '> FROM busybox', '>']);
    await h.type('EOF\r');
    expect(h.submitted).toEqual(['cat > Dockerfile <<EOF\nFROM busybox\nEOF']);
    await h.finish();
    expect(h.screen()[3]).toBe('$');
    expect(h.editor.history.at(-1)).toBe('cat > Dockerfile <<EOF\nFROM busybox\nEOF');
  });

  it('drops the kept lines on Ctrl-C, as bash does', async () => {
    const h = await new Harness().start();
    await h.type('echo "open\r', KEY.ctrlC, 'echo ok\r');
    expect(h.submitted).toEqual(['echo ok']);
    expect(h.screen()).toEqual(['$ echo "open', '> ^C', '$ echo ok']);
  });
});
