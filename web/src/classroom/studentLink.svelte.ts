import { CLASSROOM_SUBPROTOCOL, isJoinCode, normalizeJoinCode, STUDENT_PATH } from '../../../backends/classroom/joinCode';
import type { GotoMessage, ProgressMessage, ToStudent } from '../../../backends/classroom/protocol';

/**
 * A student's link to their class: joins with the code and a display name,
 * sends their own progress, and hands the teacher's "everyone to step N" to
 * `onGoto`. Only progress leaves the browser. The code, name and a random key
 * (so a reload is the same student) are kept in localStorage; a dropped
 * connection is retried with a growing delay.
 */

export type LinkState = 'none' | 'connecting' | 'joined' | 'offline' | 'refused';

const STORE_KEY = 'glassbox.classroom';

interface Saved {
  code: string;
  name: string;
  key: string;
}

function load(): Saved | null {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as Partial<Saved> | null;
    return v && typeof v.code === 'string' && typeof v.name === 'string' && typeof v.key === 'string' ? (v as Saved) : null;
  } catch {
    return null;
  }
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The student socket's address, beside the page (a proxy's path prefix is kept). */
export function studentSocketUrl(page: { protocol: string; host: string; pathname: string }, code: string): string {
  const dir = page.pathname.replace(/[^/]*$/, '');
  return `${page.protocol === 'https:' ? 'wss:' : 'ws:'}//${page.host}${dir}${STUDENT_PATH.slice(1)}?code=${encodeURIComponent(code)}`;
}

export class StudentLink {
  state = $state<LinkState>('none');
  name = $state('');
  code = $state('');
  private ws: WebSocket | null = null;
  private key = '';
  private retry: ReturnType<typeof setTimeout> | null = null;
  private delay = 1000;
  private everJoined = false;
  /** Sent once the socket is open again: the latest position, so the teacher is never behind. */
  private latest: Omit<ProgressMessage, 'type'> | null = null;
  /** Counts connection attempts, so one overtaken while the schemas load never opens. */
  private attempt = 0;

  constructor(
    private readonly page: { protocol: string; host: string; pathname: string },
    private readonly onGoto: (goto: GotoMessage) => void,
  ) {
    const saved = load();
    if (saved && isJoinCode(saved.code)) {
      this.key = saved.key;
      this.open(saved.code, saved.name);
    }
  }

  /** Joins class `code` as `name`; false when the code cannot be one. */
  join(code: string, name: string): boolean {
    const c = normalizeJoinCode(code);
    if (!isJoinCode(c) || name.trim() === '') return false;
    this.key ||= load()?.key ?? randomKey();
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ code: c, name: name.trim(), key: this.key } satisfies Saved));
    } catch {
      // Storage disabled: the class lasts for this page only.
    }
    this.open(c, name.trim());
    return true;
  }

  leave(): void {
    try {
      localStorage.removeItem(STORE_KEY);
    } catch {
      // nothing kept
    }
    this.stop();
    this.attempt++;
    this.state = 'none';
  }

  report(progress: Omit<ProgressMessage, 'type'>): void {
    this.latest = progress;
    if (this.state === 'joined') this.ws?.send(JSON.stringify({ type: 'progress', ...progress } satisfies ProgressMessage));
  }

  private open(code: string, name: string, retrying = false): void {
    this.stop();
    if (!retrying) this.everJoined = false;
    this.code = code;
    this.name = name;
    this.state = 'connecting';
    const attempt = ++this.attempt;
    // The wire schemas (zod) load with the first connection, not with the page.
    void import('../../../backends/classroom/protocol').then(({ parseFrame, toStudent }) => {
      if (attempt !== this.attempt || this.state !== 'connecting') return;
      this.connect(code, name, (text) => parseFrame(toStudent, text));
    });
  }

  private connect(code: string, name: string, parse: (text: string) => ToStudent | { refused: string }): void {
    const ws = new WebSocket(studentSocketUrl(this.page, code), [CLASSROOM_SUBPROTOCOL]);
    this.ws = ws;
    let welcomed = false;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', key: this.key, name }));
    ws.onmessage = (e) => {
      const msg = typeof e.data === 'string' ? parse(e.data) : { refused: 'binary' };
      if ('refused' in msg) return;
      if (msg.type === 'welcome') {
        welcomed = true;
        this.everJoined = true;
        this.delay = 1000;
        this.name = msg.name;
        this.state = 'joined';
        if (this.latest) this.report(this.latest);
      } else if (msg.type === 'goto') this.onGoto(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      // Never welcomed since joining: the code (or name) was refused; retrying would not help.
      if (!welcomed && !this.everJoined) {
        this.state = 'refused';
        return;
      }
      this.state = 'offline';
      this.retry = setTimeout(() => {
        this.retry = null;
        this.open(code, name, true);
      }, this.delay);
      this.delay = Math.min(this.delay * 2, 30_000);
    };
  }

  private stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }
}
