import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { hostAllowed, isLoopback, newToken, originAllowed, TokenBucket, tokenFromAuthorization, tokenFromUpgrade, tokenMatches } from '../agent/security';
import { readDbFile, loadSqlJs, writeDbFileAtomically } from './dbFile';
import {
  CLASSROOM_SUBPROTOCOL,
  EXPORT_PATH,
  isJoinCode,
  makeJoinCode,
  MAX_FRAME_BYTES,
  normalizeJoinCode,
  parseFrame,
  STUDENT_PATH,
  studentMessage,
  TEACHER_PATH,
  teacherMessage,
  type StudentRow,
  type ToStudent,
  type ToTeacher,
} from './protocol';
import { ProgressStore } from './store';

export interface ClassroomOptions {
  /** 127.0.0.1 unless the class shares a LAN (`--listen`). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where the browsers reach the server when a proxy stands in front: its Host and Origin are allowed too. */
  publicUrl?: URL;
  /** The built web app (dist/web). */
  staticDir: string;
  /** The SQLite file progress is kept in; null keeps it in memory only (tests, the benchmark). */
  dbPath: string | null;
  /** The join code to use (tests); otherwise a new random one. */
  code?: string;
  /** How long changes wait before the file is rewritten, so a burst of progress is one write. */
  saveDelayMs?: number;
  limits?: Partial<Limits>;
  log?: (line: string) => void;
}

export interface Limits {
  /** Frames a student may send at once, and per second after that; beyond it the socket is closed. */
  studentBurst: number;
  studentPerSecond: number;
  teacherBurst: number;
  teacherPerSecond: number;
  /** Refused upgrades (a wrong code or token) one address may make at once, and per second after that. */
  failedUpgradeBurst: number;
  failedUpgradesPerSecond: number;
  maxStudentSockets: number;
  maxTeacherSockets: number;
  maxStudentsPerClass: number;
  /** A student socket that has not said hello by then is closed. */
  helloTimeoutMs: number;
}

const DEFAULT_LIMITS: Limits = {
  studentBurst: 30,
  studentPerSecond: 5,
  teacherBurst: 20,
  teacherPerSecond: 5,
  failedUpgradeBurst: 10,
  failedUpgradesPerSecond: 0.2,
  maxStudentSockets: 400,
  maxTeacherSockets: 8,
  maxStudentsPerClass: 500,
  helloTimeoutMs: 10_000,
};

export interface RunningClassroom {
  /** The teacher's page, with the teacher token: only for the teacher. */
  teacherUrl: string;
  /** Pages students open (`?join=CODE`), one per address they may reach this server at. */
  joinUrls: string[];
  code: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

interface StudentConn {
  ws: WebSocket;
  id: string | null;
  bucket: TokenBucket;
}

/**
 * `glassbox classroom`'s server: serves the built web app, relays students'
 * progress to the teacher's page and keeps it in SQLite. Host and Origin are
 * checked on every request and upgrade as the agent checks them (plus this
 * machine's LAN addresses when it listens on one); the teacher token guards the
 * teacher's socket and the export; the join code only lets a student report
 * their own progress.
 */
export async function startClassroom(opts: ClassroomOptions): Promise<RunningClassroom> {
  const log = opts.log ?? (() => {});
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const host = opts.host ?? '127.0.0.1';
  const token = newToken();
  const code = opts.code ?? makeJoinCode((b) => randomFillSync(b));
  if (!isJoinCode(code)) throw new Error(`not a join code: ${code}`);
  const sql = await loadSqlJs();
  const store = ProgressStore.open(sql, opts.dbPath ? await readDbFile(opts.dbPath) : undefined);
  const classId = store.startClass(code, Date.now());

  let port = 0;
  let lanHosts: string[] = [];
  const hostOk = (h: string | undefined): boolean => hostAllowed(h, port, opts.publicUrl) || (h !== undefined && lanHosts.includes(h.toLowerCase()));
  const originOk = (o: string | undefined): boolean => originAllowed(o, port, opts.publicUrl) || (o !== undefined && lanHosts.some((h) => o.toLowerCase() === `http://${h}`));

  // --- saving: a burst of changes is one atomic rewrite of the file, one at a time.
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const path = opts.dbPath;
    if (!path || !store.changed) return saving;
    const bytes = store.export();
    saving = saving.then(() => writeDbFileAtomically(path, bytes)).catch((err: unknown) => log(`could not save ${path}: ${(err as Error).message}`));
    return saving;
  };
  const scheduleSave = (): void => {
    if (opts.dbPath && !saveTimer) saveTimer = setTimeout(() => void save(), opts.saveDelayMs ?? 1000);
  };

  // --- who is here
  const rows = new Map<string, StudentRow>();
  const studentSockets = new Set<StudentConn>();
  const teachers = new Set<WebSocket>();
  /** Per remote address: its ration of refused upgrades, and until when it is refused outright once that ran out. */
  const failedUpgrades = new Map<string, { bucket: TokenBucket; blockedUntil: number }>();
  const socketsOf = (id: string): StudentConn[] => [...studentSockets].filter((s) => s.id === id);

  const toTeachers = (msg: ToTeacher): void => {
    const text = JSON.stringify(msg);
    for (const t of teachers) if (t.readyState === t.OPEN) t.send(text);
  };
  const send = (ws: WebSocket, msg: ToStudent | ToTeacher): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const setOnline = (id: string, online: boolean): void => {
    const row = rows.get(id);
    if (!row || row.online === online) return;
    row.online = online;
    toTeachers({ type: 'student', student: row });
  };

  const files = sirv(opts.staticDir, { etag: true, dev: false });
  const server = createServer((req, res) => {
    if (!hostOk(req.headers.host)) return refuse(res, 403);
    res.setHeader('x-content-type-options', 'nosniff');
    // The teacher's URL carries the token: never send it on as a Referer.
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', "frame-ancestors 'none'");
    res.setHeader('cache-control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405);
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === EXPORT_PATH) {
      if (!tokenMatches(token, tokenFromAuthorization(req.headers.authorization))) return refuse(res, 401);
      res
        .writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="glassbox-class-${code}.csv"` })
        .end(store.csv(classId));
      return;
    }
    files(req, res, () => refuse(res, 404));
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(CLASSROOM_SUBPROTOCOL) ? CLASSROOM_SUBPROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const address = req.socket.remoteAddress ?? '?';
    const refuseUpgrade = (status: number, why: string, counts = false): void => {
      log(`refused a WebSocket upgrade from ${address}: ${why}`);
      if (counts) {
        // Wrong codes and tokens are rationed per address, so guessing a code takes longer than a term.
        const now = Date.now();
        let entry = failedUpgrades.get(address);
        if (!entry) failedUpgrades.set(address, (entry = { bucket: new TokenBucket(limits.failedUpgradeBurst, limits.failedUpgradesPerSecond, now), blockedUntil: 0 }));
        if (!entry.bucket.take(now)) entry.blockedUntil = now + 1000 / limits.failedUpgradesPerSecond;
      }
      const body = `${STATUS_CODES[status]}\n`;
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      socket.destroy();
    };
    if (!hostOk(req.headers.host)) return refuseUpgrade(403, 'foreign Host');
    if (!originOk(req.headers.origin)) return refuseUpgrade(403, 'foreign or missing Origin');
    if ((failedUpgrades.get(address)?.blockedUntil ?? 0) > Date.now()) return refuseUpgrade(429, 'too many refused attempts');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://classroom.invalid');
    } catch {
      return refuseUpgrade(400, 'bad URL');
    }
    if (url.pathname === TEACHER_PATH) {
      if (!tokenMatches(token, tokenFromUpgrade(undefined, req.headers['sec-websocket-protocol']))) return refuseUpgrade(401, 'missing or wrong teacher token', true);
      if (teachers.size >= limits.maxTeacherSockets) return refuseUpgrade(503, 'too many teacher pages');
      wss.handleUpgrade(req, socket, head, (ws) => teacherSocket(ws));
      return;
    }
    if (url.pathname === STUDENT_PATH) {
      if (normalizeJoinCode(url.searchParams.get('code') ?? '') !== code) return refuseUpgrade(403, 'wrong join code', true);
      if (studentSockets.size >= limits.maxStudentSockets) return refuseUpgrade(503, 'the class is full');
      wss.handleUpgrade(req, socket, head, (ws) => studentSocket(ws));
      return;
    }
    refuseUpgrade(404, 'unknown path');
  });

  function teacherSocket(ws: WebSocket): void {
    teachers.add(ws);
    const bucket = new TokenBucket(limits.teacherBurst, limits.teacherPerSecond, Date.now());
    ws.on('close', () => teachers.delete(ws));
    ws.on('error', () => ws.terminate());
    send(ws, { type: 'roster', code, students: [...rows.values()] });
    ws.on('message', (data, isBinary) => {
      if (!bucket.take(Date.now())) return ws.close(1008, 'too many messages');
      const msg = isBinary ? { refused: 'binary frame' } : parseFrame(teacherMessage, data.toString());
      if ('refused' in msg) return send(ws, { type: 'error', message: msg.refused });
      log(`the teacher moved everyone to ${msg.lesson} step ${msg.stepIndex + 1}`);
      const text = JSON.stringify(msg);
      for (const s of studentSockets) if (s.id !== null && s.ws.readyState === s.ws.OPEN) s.ws.send(text);
    });
  }

  function studentSocket(ws: WebSocket): void {
    const conn: StudentConn = { ws, id: null, bucket: new TokenBucket(limits.studentBurst, limits.studentPerSecond, Date.now()) };
    studentSockets.add(conn);
    const helloTimer = setTimeout(() => conn.id === null && ws.close(1008, 'no hello'), limits.helloTimeoutMs);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(helloTimer);
      studentSockets.delete(conn);
      if (conn.id !== null && socketsOf(conn.id).length === 0) setOnline(conn.id, false);
    });
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      if (!conn.bucket.take(now)) return ws.close(1008, 'too many messages');
      const msg = isBinary ? { refused: 'binary frame' } : parseFrame(studentMessage, data.toString());
      if ('refused' in msg) return send(ws, { type: 'error', message: msg.refused });
      if (msg.type === 'hello') {
        if (conn.id !== null) return send(ws, { type: 'error', message: 'already joined' });
        const keyHash = createHash('sha256').update(msg.key).digest('hex');
        const known = [...rows.values()].length;
        const student = store.joinStudent(classId, keyHash, msg.name, randomBytes(8).toString('hex'), now);
        if (!rows.has(student.id) && known >= limits.maxStudentsPerClass) {
          send(ws, { type: 'error', message: 'the class is full' });
          return ws.close(1008, 'the class is full');
        }
        conn.id = student.id;
        clearTimeout(helloTimer);
        const row: StudentRow = rows.get(student.id) ?? { id: student.id, name: student.name, online: true, seen: now, progress: null };
        row.name = student.name;
        row.online = true;
        row.seen = now;
        rows.set(student.id, row);
        scheduleSave();
        send(ws, { type: 'welcome', name: student.name });
        toTeachers({ type: 'student', student: row });
        return;
      }
      if (conn.id === null) return send(ws, { type: 'error', message: 'say hello first' });
      const { type: _type, ...progress } = msg;
      store.record(conn.id, progress, now);
      scheduleSave();
      const row = rows.get(conn.id)!;
      row.progress = progress;
      row.seen = now;
      toTeachers({ type: 'student', student: row });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  lanHosts = reachableHosts(host, port);
  await save();

  const local = `http://127.0.0.1:${port}/`;
  const bases = opts.publicUrl ? [opts.publicUrl.href] : isLoopback(host) ? [local] : lanHosts.map((h) => `http://${h}/`);
  let closing: Promise<void> | null = null;
  return {
    teacherUrl: `${opts.publicUrl?.href ?? local}?teacher=${token}`,
    joinUrls: bases.map((b) => `${b}?join=${code}`),
    code,
    token,
    port,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const client of wss.clients) client.terminate();
        });
        wss.close();
        await save();
        store.close();
      })()),
  };
}

/**
 * `host:port` names this server answers to besides loopback: the address it
 * listens on, or every address of this machine when it listens on all of them.
 */
function reachableHosts(host: string, port: number): string[] {
  if (isLoopback(host)) return [];
  const fmt = (a: string): string => (a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`);
  if (host !== '0.0.0.0' && host !== '::') return [fmt(host.toLowerCase())];
  const addrs = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && (host === '::' || i.family === 'IPv4') && !(i.family === 'IPv6' && i.address.startsWith('fe80')))
    .map((i) => fmt(i!.address.toLowerCase()));
  return [...new Set(addrs)];
}

function refuse(res: ServerResponse, code: number): void {
  res.writeHead(code, { 'content-type': 'text/plain' }).end(`${STATUS_CODES[code]}\n`);
}
