import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { CLASSROOM_SUBPROTOCOL, STUDENT_PATH, TEACHER_PATH, type ToStudent, type ToTeacher } from '../../backends/classroom/protocol';
import { TOKEN_PROTOCOL_PREFIX } from '../../backends/real/protocol';

/**
 * Node WebSocket clients that behave as the page does (same Origin, same
 * subprotocols), for the classroom's server test and its benchmark.
 */

export interface Client<T> {
  ws: WebSocket;
  received: T[];
  /** The next received message matching `pred` (already received ones count), within `ms`. */
  next(pred: (m: T) => boolean, ms?: number): Promise<T>;
  send(msg: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

function wrap<T>(ws: WebSocket): Client<T> {
  const received: T[] = [];
  const waiters: { pred: (m: T) => boolean; resolve: (m: T) => void }[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as T;
    received.push(msg);
    for (const w of [...waiters]) {
      if (w.pred(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  return {
    ws,
    received,
    next(pred, ms = 5000) {
      const have = received.find(pred);
      if (have) return Promise.resolve(have);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message within ${ms} ms; got ${JSON.stringify(received)}`)), ms);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    send: (msg) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
    closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
  };
}

/** Opens a socket, resolving once open or rejecting with the HTTP status of a refused upgrade. */
function open<T>(url: string, protocols: string[], origin: string): Promise<Client<T>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { origin, perMessageDeflate: false });
    // Listen before 'open': the server's first frame can arrive in the same read as the handshake.
    const client = wrap<T>(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export async function connectTeacher(port: number, token: string, origin = `http://127.0.0.1:${port}`): Promise<Client<ToTeacher>> {
  return open(`ws://127.0.0.1:${port}${TEACHER_PATH}`, [CLASSROOM_SUBPROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`], origin);
}

/** A student's socket, not yet past its hello. */
export async function connectStudent(port: number, code: string, origin = `http://127.0.0.1:${port}`): Promise<Client<ToStudent>> {
  return open(`ws://127.0.0.1:${port}${STUDENT_PATH}?code=${encodeURIComponent(code)}`, [CLASSROOM_SUBPROTOCOL], origin);
}

/** A student who joined as `name` (welcomed). */
export async function joinStudent(port: number, code: string, name: string, key = randomBytes(16).toString('hex')): Promise<Client<ToStudent>> {
  const s = await connectStudent(port, code);
  s.send({ type: 'hello', key, name });
  await s.next((m) => m.type === 'welcome');
  return s;
}
