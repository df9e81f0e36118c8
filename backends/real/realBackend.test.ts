import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendEvent, TerminalIO } from '../../core/backend';
import type { Snapshot } from '../../core/model';
import { agentAddressFromLocation, createRealBackend } from './realBackend';

/** A stand-in for the browser's WebSocket that the test drives from the agent's side. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readonly sent: Array<Record<string, unknown>> = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  closedByClient: number | undefined;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(code?: number): void {
    this.closedByClient = code;
  }
  // The agent's side:
  accept(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  deliver(msg: unknown): void {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const last = (): FakeSocket => FakeSocket.all.at(-1)!;
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function collect(): { io: TerminalIO; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) }, out };
}

const snapshot: Snapshot = { kind: 'real', time: 1, containers: [], images: [] };

describe('createRealBackend', () => {
  let backend: ReturnType<typeof createRealBackend>;
  let events: BackendEvent[];

  beforeEach(() => {
    FakeSocket.all = [];
    events = [];
    backend = createRealBackend({ url: 'ws://127.0.0.1:9/ws', token: 'T0K', WebSocketImpl: FakeSocket as unknown as typeof WebSocket, connectTimeoutMs: 1000 });
    backend.subscribe((e) => events.push(e));
  });
  afterEach(() => {
    backend.close();
    vi.useRealTimers();
  });

  it('offers the version protocol and the token as a subprotocol', () => {
    expect(last().url).toBe('ws://127.0.0.1:9/ws');
    expect(last().protocols).toEqual(['glassbox.v1', 'glassbox.token.T0K']);
  });

  it('tells a subscriber where the connection stands, then each change', () => {
    expect(events).toEqual([{ type: 'connection', state: 'connecting' }]);
    last().accept();
    expect(events.at(-1)).toEqual({ type: 'connection', state: 'open' });
  });

  it('runs a line: streams its output and resolves with its exit code', async () => {
    last().accept();
    const { io, out } = collect();
    const done = backend.exec('docker ps', io);
    await flush();
    const sent = last().sent[0]!;
    expect(sent).toEqual({ type: 'exec', id: sent.id, line: 'docker ps' });
    last().deliver({ type: 'stdout', id: sent.id, text: 'CONTAINER ID\n' });
    last().deliver({ type: 'stderr', id: sent.id, text: 'warn\n' });
    last().deliver({ type: 'stdout', id: 'someone-else', text: 'not ours\n' });
    last().deliver({ type: 'exit', id: sent.id, code: 3 });
    expect(await done).toBe(3);
    expect(out).toEqual({ stdout: 'CONTAINER ID\n', stderr: 'warn\n' });
  });

  it('a line typed at a terminal (a caller that can go raw) asks for a tty of the terminal’s size', async () => {
    last().accept();
    await backend.resize!(132.7, 43);
    const raw: boolean[] = [];
    const { io, out } = collect();
    const done = backend.exec('docker run -it busybox sh', { ...io, raw: (on) => raw.push(on) });
    await flush();
    const id = last().sent[0]!.id as string;
    expect(last().sent[0]).toEqual({ type: 'exec', id, line: 'docker run -it busybox sh', tty: { cols: 132, rows: 43 } });
    // Keys before the agent says the line reads them go nowhere (the terminal edits the next line).
    await backend.input('early');
    last().deliver({ type: 'raw', id, on: true });
    expect(raw).toEqual([true]);
    await backend.input('ls\r');
    await backend.resize!(100, 30);
    await backend.resize!(100, 30);
    last().deliver({ type: 'screen', id, text: '/ # ' });
    last().deliver({ type: 'raw', id: 'someone-else', on: false });
    last().deliver({ type: 'raw', id, on: false });
    await backend.input('late');
    last().deliver({ type: 'exit', id, code: 0 });
    expect(await done).toBe(0);
    expect(raw).toEqual([true, false]);
    expect(out.stdout).toBe('/ # ');
    expect(last().sent.slice(1)).toEqual([
      { type: 'input', id, data: 'ls\r' },
      { type: 'resize', id, cols: 100, rows: 30 },
    ]);
  });

  it('sends keys typed in quick succession in one frame, and before a resize that follows them', async () => {
    last().accept();
    const done = backend.exec('docker exec -it web sh', { ...collect().io, raw: () => {} });
    await flush();
    const id = last().sent[0]!.id as string;
    last().deliver({ type: 'raw', id, on: true });
    const typed = [backend.input('e'), backend.input('c'), backend.input('ho\r')];
    void backend.resize!(70, 20);
    await Promise.all(typed);
    await backend.input('\x10');
    await backend.input('\x11');
    expect(last().sent.slice(1)).toEqual([
      { type: 'input', id, data: 'echo\r' },
      { type: 'resize', id, cols: 70, rows: 20 },
      { type: 'input', id, data: '\x10' },
      { type: 'input', id, data: '\x11' },
    ]);
    last().deliver({ type: 'exit', id, code: 0 });
    await done;
  });

  it('sends a paste in pieces the agent accepts, never splitting a character', async () => {
    last().accept();
    const raw: boolean[] = [];
    const done = backend.exec('docker exec -it web sh', { ...collect().io, raw: (on) => raw.push(on) });
    await flush();
    const id = last().sent[0]!.id as string;
    last().deliver({ type: 'raw', id, on: true });
    const paste = 'a'.repeat(4095) + '😀' + 'b'.repeat(5000);
    await backend.input(paste);
    const pieces = last().sent.slice(1).map((m) => m.data as string);
    expect(pieces.join('')).toBe(paste);
    expect(pieces.map((p) => p.length)).toEqual([4095, 4096, 906]);
    // A line that ends while raw gives the terminal back.
    last().deliver({ type: 'exit', id, code: 0 });
    await done;
    expect(raw).toEqual([true, false]);
  });

  it('writes a pty’s screen output through io.screen, unchanged, where the caller has it', async () => {
    last().accept();
    const screen: string[] = [];
    const { io, out } = collect();
    const done = backend.exec('docker exec -it web sh', { ...io, raw: () => {}, screen: (t) => screen.push(t) });
    await flush();
    const id = last().sent[0]!.id as string;
    last().deliver({ type: 'screen', id, text: 'c\nd\n' });
    last().deliver({ type: 'stdout', id, text: 'after\n' });
    last().deliver({ type: 'exit', id, code: 0 });
    await done;
    expect(screen).toEqual(['c\nd\n']);
    expect(out.stdout).toBe('after\n');
  });

  it('a line from a script (no raw) asks for no tty, and a raw frame for it changes nothing', async () => {
    last().accept();
    const done = backend.exec('docker ps', collect().io);
    await flush();
    const id = last().sent[0]!.id as string;
    expect(last().sent[0]).toEqual({ type: 'exec', id, line: 'docker ps' });
    last().deliver({ type: 'raw', id, on: true });
    await backend.input('x');
    await backend.resize!(90, 20);
    expect(last().sent).toHaveLength(1);
    last().deliver({ type: 'exit', id, code: 0 });
    expect(await done).toBe(0);
  });

  it('prints a refused line’s error and returns 1', async () => {
    last().accept();
    const { io, out } = collect();
    const done = backend.exec('docker ps', io);
    await flush();
    last().deliver({ type: 'error', id: last().sent[0]!.id, message: 'a command is still running (press Ctrl-C to interrupt it)' });
    expect(await done).toBe(1);
    expect(out.stderr).toBe('glassbox: a command is still running (press Ctrl-C to interrupt it)\n');
  });

  it('answers snapshot and capabilities requests, and rejects on an error', async () => {
    last().accept();
    const snap = backend.snapshot();
    await flush();
    last().deliver({ type: 'result', id: last().sent[0]!.id, value: snapshot });
    expect(await snap).toEqual(snapshot);
    const caps = backend.capabilities();
    await flush();
    last().deliver({ type: 'error', id: last().sent[1]!.id, message: 'cannot read the Docker engine' });
    await expect(caps).rejects.toThrow('cannot read the Docker engine');
  });

  it('sends Ctrl-C and reset', async () => {
    last().accept();
    await backend.interrupt();
    const reset = backend.reset();
    await flush();
    expect(last().sent[0]).toEqual({ type: 'interrupt' });
    expect(last().sent[1]).toMatchObject({ type: 'reset' });
    last().deliver({ type: 'result', id: last().sent[1]!.id, value: null });
    await reset;
  });

  it('passes the agent’s events on and ignores frames that do not parse', () => {
    last().accept();
    last().deliver('not json');
    last().deliver({ type: 'event', event: { type: 'shell', line: 'rm' } });
    last().deliver({ type: 'event', event: { type: 'snapshot', snapshot, transitions: [] } });
    const docker = { type: 'container', action: 'start', id: 'x', attributes: {}, time: 5 };
    last().deliver({ type: 'event', event: { type: 'docker', event: docker } });
    expect(events.filter((e) => e.type !== 'connection')).toEqual([
      { type: 'snapshot', snapshot, transitions: [] },
      { type: 'docker', event: docker },
    ]);
  });

  it('ends a running line when the connection drops, then reconnects', async () => {
    vi.useFakeTimers();
    last().accept();
    const { io, out } = collect();
    const done = backend.exec('docker run busybox sleep 30', io);
    await vi.advanceTimersByTimeAsync(0);
    last().drop();
    expect(await done).toBe(1);
    expect(out.stderr).toBe('glassbox: lost the connection to the agent\n');
    expect(events.at(-1)).toEqual({ type: 'connection', state: 'closed', detail: 'the agent is not reachable' });
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(FakeSocket.all).toHaveLength(2);
    expect(events.at(-1)).toEqual({ type: 'connection', state: 'connecting' });
    last().accept();
    expect(events.at(-1)).toEqual({ type: 'connection', state: 'open' });
  });

  it('waits for the connection before sending a line, and gives up after the timeout', async () => {
    vi.useFakeTimers();
    const waiting = backend.exec('docker ps', collect().io);
    await vi.advanceTimersByTimeAsync(10);
    expect(last().sent).toEqual([]);
    last().accept();
    await vi.advanceTimersByTimeAsync(0);
    expect(last().sent[0]).toMatchObject({ type: 'exec', line: 'docker ps' });
    last().deliver({ type: 'exit', id: last().sent[0]!.id, code: 0 });
    expect(await waiting).toBe(0);

    last().drop();
    const { io, out } = collect();
    const refused = backend.exec('docker ps', io);
    // Reconnect attempts fail too.
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(300);
      if (last().readyState === 0) last().drop();
    }
    expect(await refused).toBe(1);
    expect(out.stderr).toMatch(/^glassbox: not connected to the agent/);
  });

  it('stops for good on close()', async () => {
    vi.useFakeTimers();
    last().accept();
    const pendingSnap = backend.snapshot();
    await vi.advanceTimersByTimeAsync(0);
    backend.close();
    await expect(pendingSnap).rejects.toThrow(/lost the connection/);
    expect(last().closedByClient).toBe(1000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'connection', state: 'closed' });
  });
});

describe('agentAddressFromLocation', () => {
  it.each([
    [{ protocol: 'http:', host: '127.0.0.1:5171', search: '?token=abc' }, { url: 'ws://127.0.0.1:5171/ws', token: 'abc' }],
    [{ protocol: 'https:', host: 'localhost:8443', search: '?x=1&token=def' }, { url: 'wss://localhost:8443/ws', token: 'def' }],
    [{ protocol: 'http:', host: '127.0.0.1:5171', search: '' }, null],
    // Behind jupyter-server-proxy the page lives under the user's prefix, and so does the WebSocket.
    [{ protocol: 'https:', host: 'hub.example.edu', pathname: '/user/ana/glassbox/', search: '?token=t1' }, { url: 'wss://hub.example.edu/user/ana/glassbox/ws', token: 't1' }],
    [{ protocol: 'http:', host: '127.0.0.1:8888', pathname: '/user/ana/proxy/7681/index.html', search: '?token=t2' }, { url: 'ws://127.0.0.1:8888/user/ana/proxy/7681/ws', token: 't2' }],
    [{ protocol: 'http:', host: '127.0.0.1:5171', pathname: '/', search: '?token=t3' }, { url: 'ws://127.0.0.1:5171/ws', token: 't3' }],
  ])('%j → %j', (loc, expected) => {
    expect(agentAddressFromLocation(loc)).toEqual(expected);
  });
});

describe('createRealBackend without a WebSocket', () => {
  it('says so at once rather than retrying forever', () => {
    const saved = globalThis.WebSocket;
    // Node 20 has no global WebSocket; make sure of it for this test.
    (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
    try {
      expect(() => createRealBackend({ url: 'ws://127.0.0.1:9/ws', token: 't' })).toThrow('this runtime has no WebSocket; pass WebSocketImpl');
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
  });
});

describe('createRealBackend: the timeline the agent recorded (issue 14)', () => {
  const key = '0123456789abcdef0123456789abcdef';
  let backend: ReturnType<typeof createRealBackend>;

  beforeEach(() => {
    FakeSocket.all = [];
    backend = createRealBackend({ url: 'ws://127.0.0.1:9/ws', token: 'T0K', WebSocketImpl: FakeSocket as unknown as typeof WebSocket, connectTimeoutMs: 1000, historyKey: key });
  });
  afterEach(() => backend.close());

  it('names its history first on every connection, so a reload or reconnect finds the lines run before', async () => {
    last().accept();
    expect(last().sent[0]).toEqual({ type: 'history', id: expect.any(String), key });
    last().drop();
    await new Promise((r) => setTimeout(r, 300));
    last().accept();
    expect(last().sent[0]).toEqual({ type: 'history', id: expect.any(String), key });
  });

  it('refuses a history key the agent would refuse', () => {
    expect(() => createRealBackend({ url: 'ws://127.0.0.1:9/ws', token: 'T', WebSocketImpl: FakeSocket as unknown as typeof WebSocket, historyKey: 'mine' })).toThrow(/32 hex/);
  });

  it('reads the lines with their numbers, and a moment by number', async () => {
    last().accept();
    const lines = backend.timeline.lines();
    await flush();
    const ask = last().sent.at(-1)!;
    expect(ask).toEqual({ type: 'lines', id: expect.any(String) });
    last().deliver({ type: 'result', id: ask.id, value: [{ lineNo: 7, line: 'docker ps', exit: 0 }] });
    expect(await lines).toEqual([{ lineNo: 7, line: 'docker ps', exit: 0 }]);
    const at = backend.timeline.at(7);
    await flush();
    const ask2 = last().sent.at(-1)!;
    expect(ask2).toEqual({ type: 'moment', id: expect.any(String), lineNo: 7 });
    last().deliver({ type: 'result', id: ask2.id, value: snapshot });
    expect(await at).toEqual(snapshot);
  });

  it('asks nothing for a line number the agent cannot have', async () => {
    last().accept();
    const before = last().sent.length;
    expect(await backend.timeline.at(-1)).toBeNull();
    expect(await backend.timeline.at(1.5)).toBeNull();
    expect(await backend.timeline.layerEntriesAt(2 ** 40, ['a'.repeat(64)])).toEqual({});
    expect(last().sent.length).toBe(before);
  });

  it('rejects lines it cannot trust rather than numbering the history wrong', async () => {
    last().accept();
    const lines = backend.timeline.lines();
    await flush();
    last().deliver({ type: 'result', id: last().sent.at(-1)!.id, value: [{ lineNo: -3, line: 'x', exit: 0 }] });
    await expect(lines).rejects.toThrow(/cannot read/);
  });

  it('offers no way to rewind the real engine', () => {
    expect('fork' in backend.timeline).toBe(false);
    expect('branches' in backend.timeline).toBe(false);
    expect('switchBranch' in backend.timeline).toBe(false);
  });
});
