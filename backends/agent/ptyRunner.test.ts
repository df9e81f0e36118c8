import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../core/ports';
import type { ProcessIO } from '../../core/process';
import { type LineTerminal, runInPty, usesTerminal } from './ptyRunner';

describe('usesTerminal: whether a docker command line runs on a pty and takes the keystrokes', () => {
  it.each([
    ['run -it busybox sh', true],
    ['run -ti busybox sh', true],
    ['run -dit busybox sh', true],
    ['run --rm -i busybox cat', true],
    ['run --tty busybox top', true],
    ['run --interactive=true busybox cat', true],
    ['run --interactive=false busybox cat', false],
    ['run --name it -e A=1 busybox sh', false],
    ['run -d --name web busybox sleep 300', false],
    ['run --rm busybox ls -l', false],
    ['container run -it busybox', true],
    ['exec -it web sh', true],
    ['exec -e X=1 -u root -ti web sh', true],
    ['exec web ps', false],
    ['attach web', true],
    ['attach --no-stdin web', false],
    ['start -ai web', true],
    ['start --attach web', true],
    ['start web', false],
    ['container start -a web', true],
    ['login', true],
    ['build -', true],
    ['build -t x .', false],
    ['image import - img', true],
    ['save busybox', true],
    ['image save busybox', true],
    ['save -o b.tar busybox', false],
    ['save --output=b.tar busybox', false],
    ['export web', true],
    ['container export --output b.tar web', false],
    ['ps -a', false],
    ['images', false],
    ['-H unix:///var/run/docker.sock exec -it web sh', true],
    ['--context default ps', false],
    ['-D run -it busybox', true],
    ['', false],
  ])('docker %s → %s', (line, expected) => {
    expect(usesTerminal(line === '' ? [] : line.split(' '))).toBe(expected);
  });
});

/** A terminal of a given size whose resizes the test drives; its screen is the harness's output. */
function fakeTerminal(cols: number, rows: number, h: Harness): LineTerminal & { resize(cols: number, rows: number): void } {
  const listeners = new Set<(c: number, r: number) => void>();
  const term = {
    cols,
    rows,
    screen: (text: string) => h.io.stdout(text),
    onResize(l: (c: number, r: number) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    resize(c: number, r: number) {
      term.cols = c;
      term.rows = r;
      for (const l of listeners) l(c, r);
    },
  };
  return term;
}

interface Harness {
  io: ProcessIO;
  out: () => string;
  interrupt: InterruptSource;
  raw: boolean[];
  type: (data: string) => void;
}

function harness(): Harness {
  let out = '';
  const interrupt = new InterruptSource();
  const raw: boolean[] = [];
  let reader: ((d: string) => void) | null = null;
  const io: ProcessIO = {
    stdin: null,
    stdinIsTTY: true,
    stdoutIsTTY: true,
    stderrIsTTY: true,
    stdout: (t) => (out += t),
    stderr: (t) => (out += `[stderr]${t}`),
    interrupt,
    terminal: {
      claim(onData) {
        reader = onData;
        raw.push(true);
        return () => {
          reader = null;
          raw.push(false);
        };
      },
    },
  };
  return { io, out: () => out, interrupt, raw, type: (d) => reader?.(d) };
}

async function until(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Debian's busybox-static stands in for the docker CLI: any program on a pty behaves alike.
describe.skipIf(!existsSync('/bin/busybox'))('runInPty', () => {
  it('gives the program a tty of the terminal’s size; stdout and stderr both reach the screen', async () => {
    const h = harness();
    const code = await runInPty('/bin/busybox', ['sh', '-c', 'stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; echo oops >&2; exit 5'], h.io, fakeTerminal(91, 17, h), {}, false);
    expect(code).toBe(5);
    expect(h.out()).toBe('17 91\r\nall-tty\r\noops\r\n');
    expect(h.raw).toEqual([]);
  });

  it('claims the keystrokes while a reading program runs, and follows a resize', async () => {
    const h = harness();
    const term = fakeTerminal(80, 24, h);
    const done = runInPty('/bin/busybox', ['sh', '-c', 'read a; stty size; read b; echo "$a/$b"'], h.io, term);
    await until('raw', () => h.raw.length === 1);
    h.type('one\r');
    await until('the first size', () => h.out().includes('24 80'));
    term.resize(120, 40);
    h.type('stty size\r');
    expect(await done).toBe(0);
    // Cooked mode: the tty echoes what was typed, and `read` sees the line.
    expect(h.out()).toBe('one\r\n24 80\r\nstty size\r\none/stty size\r\n');
    expect(h.raw).toEqual([true, false]);
  });

  it('reports a resize to the program (SIGWINCH)', async () => {
    const h = harness();
    const term = fakeTerminal(80, 24, h);
    const done = runInPty('/bin/busybox', ['sh', '-c', 'trap "stty size; exit 0" WINCH; echo ready; while :; do sleep 0.05; done'], h.io, term, {}, false);
    await until('ready', () => h.out().includes('ready'));
    term.resize(100, 50);
    expect(await done).toBe(0);
    expect(h.out()).toBe('ready\r\n50 100\r\n');
  });

  it('an interrupt from the page is SIGINT to its process group (exit 130)', async () => {
    const h = harness();
    const done = runInPty('/bin/busybox', ['sh', '-c', 'echo ready; sleep 30'], h.io, fakeTerminal(80, 24, h));
    await until('ready', () => h.out().includes('ready'));
    h.interrupt.interrupt();
    expect(await done).toBe(130);
  });

  it('a closed connection hangs the program up (SIGHUP, exit 129)', async () => {
    let kill = (): void => {};
    const h = harness();
    const done = runInPty('/bin/busybox', ['sh', '-c', 'echo ready; sleep 30'], h.io, fakeTerminal(80, 24, h), { onKill: (k) => (kill = k) });
    await until('ready', () => h.out().includes('ready'));
    kill();
    expect(await done).toBe(129);
  });

  it('a program that is not there: command not found, 127', async () => {
    const h = harness();
    expect(await runInPty('gb-no-such-program', [], h.io, fakeTerminal(80, 24, h))).toBe(127);
    expect(h.out()).toBe('[stderr]gb-no-such-program: command not found\n');
  });
});
