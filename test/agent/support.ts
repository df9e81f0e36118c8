import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Backend, BackendEvent, TerminalIO } from '../../core/backend';
import { type RunningAgent, startAgent } from '../../backends/agent/server';
import { createRealBackend, type RealBackendExtras } from '../../backends/real/realBackend';

/** A unique docker object name for this run. */
export function uniqueName(what = 'gbtest'): string {
  return `${what}-${randomBytes(5).toString('hex')}`;
}

/** The plain docker CLI, run directly (not through the agent). */
export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

export function dockerQuiet(...args: string[]): void {
  try {
    docker(...args);
  } catch {
    // cleanup of something that may already be gone
  }
}

export interface TestAgent {
  agent: RunningAgent;
  origin: string;
  wsUrl: string;
  logs: string[];
  close(): Promise<void>;
}

/** An agent in this process on a free port, serving a one-file static dir. */
export async function startTestAgent(
  opts: { hostShell?: boolean; shellCwd?: string; trace?: boolean; tracer?: 'bpftrace' | 'strace'; host?: string; publicUrl?: URL; token?: string } = {},
): Promise<TestAgent> {
  const staticDir = mkdtempSync(join(tmpdir(), 'gbtest-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>glassbox test</title><p>glassbox agent test page</p>\n');
  const logs: string[] = [];
  // No kernel trace unless a test asks for it (checking for bpftrace costs a second).
  const agent = await startAgent({
    host: opts.host,
    port: 0,
    publicUrl: opts.publicUrl,
    token: opts.token,
    staticDir,
    hostShell: opts.hostShell,
    shellCwd: opts.shellCwd,
    trace: opts.trace ?? false,
    tracer: opts.tracer,
    log: (l) => logs.push(l),
  });
  return {
    agent,
    origin: `http://127.0.0.1:${agent.port}`,
    wsUrl: `ws://127.0.0.1:${agent.port}/ws`,
    logs,
    async close() {
      await agent.close();
      rmSync(staticDir, { recursive: true, force: true });
    },
  };
}

/** `ws`'s WebSocket shaped like the browser's, sending the Origin a page served by the agent would. */
export function webSocketWithOrigin(origin: string): typeof globalThis.WebSocket {
  class OriginWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin });
    }
  }
  return OriginWebSocket as unknown as typeof globalThis.WebSocket;
}

/** `historyKey`: the page's key to its recorded history (issue 14), as the page sends it. */
export function connectClient(t: TestAgent, historyKey?: string): Backend & RealBackendExtras & { events: BackendEvent[] } {
  const backend = createRealBackend({ url: t.wsUrl, token: t.agent.token, WebSocketImpl: webSocketWithOrigin(t.origin), ...(historyKey !== undefined ? { historyKey } : {}) });
  const events: BackendEvent[] = [];
  backend.subscribe((e) => events.push(e));
  return Object.assign(backend, { events });
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function capture(): { io: TerminalIO; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t) }, out };
}

export async function run(backend: Backend, line: string): Promise<Ran> {
  const { io, out } = capture();
  const code = await backend.exec(line, io);
  return { code, ...out };
}

/** Polls until `probe` returns a value (not undefined/false); fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RawResponse {
  status: number;
  body: string;
}

/** A plain HTTP GET with exactly these headers (Host included), to probe the agent's checks. */
export function rawGet(port: number, path: string, headers: Record<string, string>, address = '127.0.0.1'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, method: 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket upgrade with exactly these headers; the status the agent answered (101 when it accepted). */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      setHost: false,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One WebSocket to the agent spoken in the wire protocol itself (backends/real/protocol.ts), frames kept as they arrive. */
export interface ProtocolConnection {
  ws: WebSocket;
  frames: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  send(msg: Record<string, unknown>): void;
  /** Waits for the first frame (from `from` on) that `match` accepts. */
  frame(match: (f: Record<string, unknown>) => boolean, timeoutMs?: number, from?: number): Promise<Record<string, unknown>>;
  /** All the output (stdout, stderr, the pty's screen) of the exec with this id so far. */
  output(id: string): string;
}

/** Opens a connection the way the page does (its Origin, the token as a subprotocol). */
export async function connectProtocol(t: TestAgent): Promise<ProtocolConnection> {
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const s = new WebSocket(t.wsUrl, ['glassbox.v1', `glassbox.token.${t.agent.token}`], { origin: t.origin });
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return {
    ws,
    frames,
    closed,
    send: (msg) => ws.send(JSON.stringify(msg)),
    frame: (match, timeoutMs = 20_000, from = 0) => waitFor('a frame', () => frames.slice(from).find(match), timeoutMs),
    output: (id) =>
      frames
        .filter((f) => (f.type === 'stdout' || f.type === 'stderr' || f.type === 'screen') && f.id === id)
        .map((f) => String(f.text))
        .join(''),
  };
}
