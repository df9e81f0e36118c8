import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import Dockerode from 'dockerode';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import type { Capabilities } from '../../core/backend';
import { MAX_MESSAGE_BYTES, SUBPROTOCOL, WS_PATH } from '../real/protocol';
import { createAgentShell } from './agentShell';
import { removeLessonObjects } from './lessonReset';
import { HistoryStore } from './lineRecorder';
import { EngineWatcher } from './engineWatcher';
import { NetworkReader } from './network';
import { hostAllowed, isLoopback, newToken, originAllowed, tokenFromAuthorization, tokenFromUpgrade, tokenFromUrl, tokenMatches } from './security';
import { Session, type TraceControl } from './session';
import { KernelTracer, type TracerKind, chooseTracer } from './tracer/kernelTracer';

export interface AgentOptions {
  /** The address to listen on: 127.0.0.1 unless the agent runs behind a published port or a proxy (then `publicUrl` is required). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where browsers reach the agent when not on loopback here: its host and origin are allowed too, and `url` is built from it. */
  publicUrl?: URL;
  /** The token to require, when a launcher must know it in advance (`--token-file`); otherwise a new random one. */
  token?: string;
  /** The built web app (dist/web). */
  staticDir: string;
  /** Let the terminal run host programs beyond docker and the shell's built-in utilities, over the host's real files. */
  hostShell?: boolean;
  /** With hostShell: the terminal's first working directory (tests keep their files in a temp dir); else the user's home. */
  shellCwd?: string;
  /** The docker CLI the terminal's `docker` runs. */
  dockerBin?: string;
  /** false: never offer the kernel trace (it needs root, bpftrace and tracefs; checked at start). */
  trace?: boolean;
  /** Trace with this tracer only (tests force strace); otherwise bpftrace, else strace. */
  tracer?: TracerKind;
  log?: (line: string) => void;
}

export interface RunningAgent {
  /** `http://127.0.0.1:PORT/?token=…` (or the public URL with the token): the page to open. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Connections one agent serves at once (a few tabs; more is abuse). */
const MAX_CONNECTIONS = 8;

/**
 * The real backend's agent: serves the built web app and one WebSocket (`/ws`)
 * on loopback. Every HTTP request and upgrade must name this agent in `Host`;
 * upgrades must come from its own origin and carry the per-start token; the
 * HTTP API (`/api/…`) wants the token too. Static files need no token: the page
 * reads it from its own URL.
 */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const log = opts.log ?? (() => {});
  const host = opts.host ?? '127.0.0.1';
  const publicUrl = opts.publicUrl;
  // Defence in depth for callers other than `glassbox agent`, which checks this too.
  if (!isLoopback(host) && !publicUrl) throw new Error(`listening on ${host} needs a public URL`);
  if (opts.token !== undefined && !/^[0-9a-f]{64}$/.test(opts.token)) throw new Error('the token must be 64 hex digits');
  const token = opts.token ?? newToken();
  const docker = new Dockerode();
  const version = await docker.version();
  const choice = opts.trace === false ? { problem: 'tracing was turned off' } : chooseTracer(opts.tracer);
  const traceProblem = 'problem' in choice ? choice.problem : null;
  const tracerKind = 'kind' in choice ? choice.kind : undefined;
  if (traceProblem) log(`no kernel trace: ${traceProblem}`);
  else log(`kernel trace with ${tracerKind}`);
  const capabilities: Capabilities = { kind: 'real', trace: traceProblem === null, hostShell: opts.hostShell ?? false, engine: `Docker Engine ${version.Version}` };
  if (tracerKind) capabilities.tracer = tracerKind;
  const watcher = new EngineWatcher({ docker, log, network: new NetworkReader({ log }) });
  await watcher.start();
  const tracer = new KernelTracer({
    tracer: tracerKind,
    onOps: (ops) => watcher.addTrace(ops),
    log,
    containerFor: (text) => watcher.containerList().find((c) => (c.networks ?? []).some((n) => n.ip && new RegExp(`(^|[^\\d.])${n.ip.replace(/\./g, '\\.')}([^\\d]|$)`).test(text)))?.id,
  });
  const trace: TraceControl | undefined = traceProblem
    ? undefined
    : {
        setCommand: (line) => tracer.setCommand(line),
        setOn: async (on) => {
          if (on) await tracer.start();
          else await tracer.stop();
          return tracer.running;
        },
      };
  const dockerBin = opts.dockerBin ?? 'docker';
  const makeShell = createAgentShell({ dockerBin, hostShell: opts.hostShell ?? false, hostname: hostname(), ...(opts.shellCwd !== undefined ? { cwd: opts.shellCwd } : {}) });

  const files = sirv(opts.staticDir, { etag: true, dev: false });
  let port = 0;

  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port, publicUrl)) return refuse(res, 403);
    res.setHeader('x-content-type-options', 'nosniff');
    // The page URL carries the token: never send it on as a Referer.
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', "frame-ancestors 'none'");
    res.setHeader('cache-control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405);
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/api/')) {
      const given = tokenFromAuthorization(req.headers.authorization) ?? tokenFromUrl(req.url);
      if (!tokenMatches(token, given)) return refuse(res, 401);
      return api(path, res);
    }
    files(req, res, () => {
      refuse(res, 404);
    });
  });

  function api(path: string, res: ServerResponse): void {
    const json = (value: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (path === '/api/capabilities') return json(capabilities);
    if (path === '/api/snapshot') {
      watcher.freshSnapshot().then(json, () => refuse(res, 502));
      return;
    }
    refuse(res, 404);
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    // Only ever select the version protocol: the token protocol is never echoed.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const sessions = new Set<Session>();
  const histories = new HistoryStore();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuseUpgrade = (code: number, why: string): void => {
      log(`refused a WebSocket upgrade: ${why}`);
      const body = `${STATUS_CODES[code]}\n`;
      socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      socket.destroy();
    };
    if (!hostAllowed(req.headers.host, port, publicUrl)) return refuseUpgrade(403, 'foreign Host');
    if ((req.url ?? '/').split('?')[0] !== WS_PATH) return refuseUpgrade(404, 'unknown path');
    if (!originAllowed(req.headers.origin, port, publicUrl)) return refuseUpgrade(403, 'foreign or missing Origin');
    if (!tokenMatches(token, tokenFromUpgrade(req.url, req.headers['sec-websocket-protocol']))) return refuseUpgrade(401, 'missing or wrong token');
    if (sessions.size >= MAX_CONNECTIONS) return refuseUpgrade(503, 'too many connections');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(ws, { watcher, trace, capabilities, makeShell, resetLesson: (objects) => removeLessonObjects(dockerBin, objects), histories, log });
      sessions.add(session);
      ws.on('close', () => sessions.delete(session));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  let closing: Promise<void> | null = null;
  return {
    url: publicUrl ? `${publicUrl.href}?token=${token}` : `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      (closing ??= (async () => {
        for (const s of sessions) s.close();
        await tracer.stop();
        await watcher.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const client of wss.clients) client.terminate();
        });
        wss.close();
      })()),
  };
}

function refuse(res: ServerResponse, code: number): void {
  res.writeHead(code, { 'content-type': 'text/plain' }).end(`${STATUS_CODES[code]}\n`);
}
