import type { Backend, BackendEvent, Capabilities, RecordedTimeline, TerminalIO, TimelineLine } from '../../core/backend';
import type { HostDirListing, LayerEntry, Snapshot } from '../../core/model';
import {
  type ClientMessage,
  MAX_INPUT_LENGTH,
  MAX_LAYERS_PER_REQUEST,
  MAX_LINE_NO,
  MAX_TERMINAL_CELLS,
  SUBPROTOCOL,
  TOKEN_PROTOCOL_PREFIX,
  WS_PATH,
  agentMessageSchema,
  historyKeySchema,
  layerIdSchema,
  momentSchema,
  parseFrame,
  recordedLinesSchema,
} from './protocol';

export interface RealBackendOptions {
  /** ws://host:port/ws — for the page the agent serves, see `agentAddressFromLocation`. */
  url: string;
  token: string;
  /** The WebSocket class; the browser's by default (Node tests pass `ws`'s). */
  WebSocketImpl?: typeof WebSocket;
  /** How long a call waits for the connection to (re)open before giving up. */
  connectTimeoutMs?: number;
  /**
   * Issue 14: the key of this page's recorded history on the agent (32 hex
   * digits, kept by the page): named on every (re)connection, so a reload
   * finds the lines run before it. Without it the history lasts one connection.
   */
  historyKey?: string;
}

type ConnectionState = 'connecting' | 'open' | 'closed';

type Pending =
  /** `tty`: the line runs at the page's terminal; `raw`: a program of it reads the keystrokes now. */
  | { kind: 'exec'; io: TerminalIO; resolve: (code: number) => void; tty: boolean; raw: boolean }
  | { kind: 'request'; resolve: (value: unknown) => void; reject: (err: Error) => void };

/**
 * Where the agent that served this page listens, and its token: the agent
 * prints `http://127.0.0.1:PORT/?token=…`, so the page finds both in its own
 * address. The WebSocket sits beside the page (`ws` resolved against its
 * path), so a page served under a prefix, e.g. `/user/NAME/glassbox/` behind
 * jupyter-server-proxy, connects under that prefix too. Null when the page was
 * not opened with a token.
 */
export function agentAddressFromLocation(location: { protocol: string; host: string; pathname?: string; search: string }): { url: string; token: string } | null {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return null;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const dir = (location.pathname ?? '/').replace(/[^/]*$/, '');
  return { url: `${scheme}//${location.host}${dir}${WS_PATH.slice(1)}`, token };
}

/** The real backend's own operations beyond the Backend port. */
export interface RealBackendExtras {
  close(): void;
  /** Issue 14: what the agent recorded after each line, read-only (never a rewind). */
  timeline: RecordedTimeline;
  /** The port's optional lesson reset, which the agent always offers. */
  resetLesson: NonNullable<Backend['resetLesson']>;
}

/**
 * The Backend port over the agent's WebSocket (protocol: ./protocol.ts). It
 * reconnects with backoff and reports the connection as `connection` events;
 * a line running when the connection drops ends with exit code 1 and a message
 * on stderr, since its output can no longer reach us.
 */
export function createRealBackend(opts: RealBackendOptions): Backend & RealBackendExtras {
  const Impl = opts.WebSocketImpl ?? (globalThis.WebSocket as typeof WebSocket | undefined);
  if (!Impl) throw new Error('createRealBackend: this runtime has no WebSocket; pass WebSocketImpl');
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  if (opts.historyKey !== undefined && !historyKeySchema.safeParse(opts.historyKey).success) throw new Error('createRealBackend: historyKey must be 32 hex digits');
  const historyKey = opts.historyKey;
  const listeners = new Set<(e: BackendEvent) => void>();
  const pending = new Map<string, Pending>();
  let waitingForOpen: Array<(open: boolean) => void> = [];
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'closed';
  let detail: string | undefined;
  let disposed = false;
  let backoff = 250;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let nextId = 0;
  /** The page's terminal size, for the pseudo-terminal the agent gives a line typed there. */
  let size = { cols: 80, rows: 24 };
  /** Keystrokes waiting to be sent together. */
  let typed: { id: string; data: string; timer: ReturnType<typeof setTimeout>; sent: Array<() => void> } | null = null;
  const flushInput = (): void => {
    const batch = typed;
    if (!batch) return;
    typed = null;
    clearTimeout(batch.timer);
    const p = pending.get(batch.id);
    if (p?.kind === 'exec' && p.raw && state === 'open') for (const piece of pieces(batch.data, MAX_INPUT_LENGTH)) send({ type: 'input', id: batch.id, data: piece });
    for (const done of batch.sent) done();
  };
  /** The running line's exec, if it runs at the terminal. */
  const ttyExec = (): [string, Extract<Pending, { kind: 'exec' }>] | null => {
    for (const [id, p] of pending) if (p.kind === 'exec' && p.tty) return [id, p];
    return null;
  };

  const emit = (e: BackendEvent): void => {
    for (const l of [...listeners]) l(e);
  };
  const setState = (s: ConnectionState, why?: string): void => {
    state = s;
    detail = why;
    emit(why === undefined ? { type: 'connection', state: s } : { type: 'connection', state: s, detail: why });
  };

  const connect = (): void => {
    retry = null;
    if (disposed) return;
    setState('connecting');
    let ws: WebSocket;
    try {
      ws = new Impl(opts.url, [SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX + opts.token]);
    } catch (err) {
      lost(err instanceof Error ? err.message : String(err));
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      backoff = 250;
      // First on the socket, so every line and question after it is this page's history's.
      if (historyKey !== undefined) {
        const id = String(++nextId);
        pending.set(id, { kind: 'request', resolve: () => {}, reject: () => {} });
        ws.send(JSON.stringify({ type: 'history', id, key: historyKey } satisfies ClientMessage));
      }
      setState('open');
      const waiters = waitingForOpen;
      waitingForOpen = [];
      for (const w of waiters) w(true);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (socket === ws && typeof ev.data === 'string') onFrame(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      lost(ev.code === 1006 ? 'the agent is not reachable' : `closed by the agent (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`);
    };
    ws.onerror = () => {};
  };

  const lost = (why: string): void => {
    for (const [id, p] of pending) {
      pending.delete(id);
      if (p.kind === 'exec') {
        if (p.raw) p.io.raw?.(false);
        p.io.stderr('glassbox: lost the connection to the agent\n');
        p.resolve(1);
      } else p.reject(new Error(`lost the connection to the agent: ${why}`));
    }
    setState('closed', why);
    if (disposed) {
      const waiters = waitingForOpen;
      waitingForOpen = [];
      for (const w of waiters) w(false);
      return;
    }
    retry = setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 5000);
  };

  const onFrame = (text: string): void => {
    const parsed = parseFrame(agentMessageSchema, text);
    if (!parsed.ok) return; // Not from a compatible agent; nothing useful to do with it.
    const msg = parsed.value;
    switch (msg.type) {
      case 'event':
        emit(msg.event as BackendEvent);
        return;
      case 'stdout':
      case 'stderr': {
        const p = pending.get(msg.id);
        if (p?.kind === 'exec') p.io[msg.type](msg.text);
        return;
      }
      case 'screen': {
        const p = pending.get(msg.id);
        if (p?.kind === 'exec') (p.io.screen ?? p.io.stdout)(msg.text);
        return;
      }
      case 'raw': {
        const p = pending.get(msg.id);
        if (p?.kind !== 'exec' || !p.tty || p.raw === msg.on) return;
        p.raw = msg.on;
        p.io.raw?.(msg.on);
        return;
      }
      case 'exit': {
        const p = pending.get(msg.id);
        if (p?.kind !== 'exec') return;
        pending.delete(msg.id);
        if (p.raw) p.io.raw?.(false);
        p.resolve(msg.code);
        return;
      }
      case 'result': {
        const p = pending.get(msg.id);
        if (p?.kind !== 'request') return;
        pending.delete(msg.id);
        p.resolve(msg.value);
        return;
      }
      case 'error': {
        const p = msg.id === undefined ? undefined : pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id!);
        if (p.kind === 'exec') {
          p.io.stderr(`glassbox: ${msg.message}\n`);
          p.resolve(1);
        } else p.reject(new Error(msg.message));
        return;
      }
    }
  };

  /** Resolves true once the socket is open (now, or after a reconnect within the timeout). */
  const whenOpen = (): Promise<boolean> => {
    if (state === 'open' && socket) return Promise.resolve(true);
    if (disposed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        waitingForOpen = waitingForOpen.filter((w) => w !== done);
        resolve(false);
      }, connectTimeoutMs);
      const done = (open: boolean): void => {
        clearTimeout(timer);
        resolve(open);
      };
      waitingForOpen.push(done);
    });
  };

  const send = (msg: ClientMessage): void => {
    socket?.send(JSON.stringify(msg));
  };

  type Request = Extract<ClientMessage, { type: 'snapshot' | 'capabilities' | 'reset' | 'layers' | 'trace' | 'hostdir' | 'lines' | 'moment' | 'momentLayers' }>;
  type Unsent = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;
  const request = async <T>(msg: Unsent): Promise<T> => {
    if (!(await whenOpen())) throw new Error(`not connected to the agent${detail ? `: ${detail}` : ''}`);
    const id = String(++nextId);
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { kind: 'request', resolve: resolve as (v: unknown) => void, reject });
      send({ ...msg, id } as Request);
    });
  };

  connect();

  /** A line number the agent can have: anything else has no moment, without asking. */
  const validLineNo = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= MAX_LINE_NO;
  const timeline: RecordedTimeline = {
    async lines(): Promise<TimelineLine[]> {
      const parsed = recordedLinesSchema.safeParse(await request<unknown>({ type: 'lines' }));
      if (!parsed.success) throw new Error('the agent sent a timeline this page cannot read');
      return parsed.data.map(({ lineNo, line, exit }) => ({ lineNo, line, exit }));
    },
    async at(lineNo: number) {
      if (!validLineNo(lineNo)) return null;
      const parsed = momentSchema.safeParse(await request<unknown>({ type: 'moment', lineNo }));
      if (!parsed.success) throw new Error('the agent sent a moment this page cannot read');
      return parsed.data as Snapshot | null;
    },
    async layerEntriesAt(lineNo: number, layerIds: string[]) {
      const out: Record<string, LayerEntry[]> = {};
      if (!validLineNo(lineNo)) return out;
      const valid = [...new Set(layerIds)].filter((l) => layerIdSchema.safeParse(l).success);
      for (let i = 0; i < valid.length; i += MAX_LAYERS_PER_REQUEST) {
        Object.assign(out, await request<Record<string, LayerEntry[]>>({ type: 'momentLayers', lineNo, layerIds: valid.slice(i, i + MAX_LAYERS_PER_REQUEST) }));
      }
      return out;
    },
  };

  const backend: Backend & RealBackendExtras = {
    timeline,
    capabilities: () => request<Capabilities>({ type: 'capabilities' }),
    snapshot: () => request<Snapshot>({ type: 'snapshot' }),
    async layerEntries(layerIds: string[]) {
      const out: Record<string, LayerEntry[]> = {};
      const valid = [...new Set(layerIds)].filter((l) => layerIdSchema.safeParse(l).success);
      for (let i = 0; i < valid.length; i += MAX_LAYERS_PER_REQUEST) {
        Object.assign(out, await request<Record<string, LayerEntry[]>>({ type: 'layers', layerIds: valid.slice(i, i + MAX_LAYERS_PER_REQUEST) }));
      }
      return out;
    },
    reset: async () => {
      await request<null>({ type: 'reset' });
    },
    async resetLesson(lesson, io = { stdout: () => {}, stderr: () => {} }) {
      // The agent refuses any other suffix without saying which request it refused: say so here.
      if (!/^[a-z0-9]{2,16}$/.test(lesson.suffix)) throw new Error(`invalid lesson suffix "${lesson.suffix}" (2 to 16 lowercase letters and digits)`);
      const removed = await request<string[]>({ type: 'reset', lesson: { suffix: lesson.suffix } });
      for (const line of lesson.setup) {
        const code = await backend.exec(line, io);
        if (code !== 0) throw new Error(`the lesson's set-up line "${line}" exited ${code}`);
      }
      return removed;
    },
    setTrace: (on: boolean) => request<boolean>({ type: 'trace', on }),
    listHostDir: (path: string) => request<HostDirListing>({ type: 'hostdir', path }),
    async exec(line: string, io: TerminalIO): Promise<number> {
      if (!(await whenOpen())) {
        io.stderr(`glassbox: not connected to the agent${detail ? ` (${detail})` : ''}\n`);
        return 1;
      }
      const id = String(++nextId);
      // A caller that can go raw is an interactive terminal: the agent then gives the
      // docker client a pseudo-terminal of this size, so `-it` works as in a real one.
      const tty = io.raw !== undefined;
      return new Promise<number>((resolve) => {
        pending.set(id, { kind: 'exec', io, resolve, tty, raw: false });
        send(tty ? { type: 'exec', id, line, tty: { ...size } } : { type: 'exec', id, line });
      });
    },
    /**
     * Keystrokes go to the running line while a program of it reads them (the
     * agent said 'raw'). Keys that come within a few milliseconds of each other
     * (fast typing, a test driver, xterm's replies to a terminal query) travel
     * in one frame, well inside the agent's rate limit.
     */
    input(data: string): Promise<void> {
      const running = ttyExec();
      if (!running?.[1].raw || state !== 'open') return Promise.resolve();
      if (typed && typed.id !== running[0]) flushInput();
      typed ??= { id: running[0], data: '', timer: setTimeout(flushInput, INPUT_BATCH_MS), sent: [] };
      typed.data += data;
      const batch = typed;
      return new Promise<void>((resolve) => batch.sent.push(resolve));
    },
    async resize(cols: number, rows: number): Promise<void> {
      const clamp = (n: number): number => Math.max(1, Math.min(MAX_TERMINAL_CELLS, Math.floor(n) || 1));
      const next = { cols: clamp(cols), rows: clamp(rows) };
      if (next.cols === size.cols && next.rows === size.rows) return;
      size = next;
      // Keys typed before the resize reach the program before it.
      flushInput();
      const running = ttyExec();
      if (running && state === 'open') send({ type: 'resize', id: running[0], ...size });
    },
    async interrupt(): Promise<void> {
      if (state === 'open') send({ type: 'interrupt' });
    },
    subscribe(listener) {
      listeners.add(listener);
      // A late subscriber still learns where the connection stands.
      listener(detail === undefined ? { type: 'connection', state } : { type: 'connection', state, detail });
      return () => listeners.delete(listener);
    },
    close(): void {
      if (disposed) return;
      disposed = true;
      if (retry) clearTimeout(retry);
      const ws = socket;
      socket = null;
      ws?.close(1000);
      lost('closed');
    },
  };
  return backend;
}

/** How long keystrokes wait for the next before they are sent. */
const INPUT_BATCH_MS = 4;

/** `text` in pieces of at most `max` UTF-16 units, never splitting a surrogate pair. */
export function pieces(text: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + max);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - i > 1 && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
