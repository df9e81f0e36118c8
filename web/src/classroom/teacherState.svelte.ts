import { CLASSROOM_SUBPROTOCOL, EXPORT_PATH, parseFrame, TEACHER_PATH, toTeacher, type StudentRow } from '../../../backends/classroom/protocol';
import { TOKEN_PROTOCOL_PREFIX } from '../../../backends/real/protocol';

/**
 * The teacher's connection to `glassbox classroom`: the class's roster, kept
 * live from the server's updates, "everyone to step N", and the CSV export.
 * The token travels as a WebSocket subprotocol and a Bearer header, never in
 * a URL the server logs.
 */

export type TeacherConnection = 'connecting' | 'open' | 'closed' | 'refused';

export class TeacherState {
  connection = $state<TeacherConnection>('connecting');
  code = $state('');
  students = $state.raw<StudentRow[]>([]);
  private ws: WebSocket | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private everOpen = false;

  constructor(
    private readonly page: { protocol: string; host: string; pathname: string },
    private readonly token: string,
  ) {
    this.connect();
  }

  get online(): number {
    return this.students.filter((s) => s.online).length;
  }

  goto(lesson: string, stepIndex: number): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ type: 'goto', lesson, stepIndex }));
    return true;
  }

  /** Downloads the class's progress as CSV (the token goes in a header, so the link cannot be a plain href). */
  async exportCsv(): Promise<void> {
    const res = await fetch(this.url(EXPORT_PATH, 'http'), { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`export failed: ${res.status}`);
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `glassbox-class-${this.code || 'progress'}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.ws?.close();
    this.ws = null;
  }

  private url(path: string, scheme: 'http' | 'ws'): string {
    const dir = this.page.pathname.replace(/[^/]*$/, '');
    const secure = this.page.protocol === 'https:';
    return `${scheme}${secure ? 's' : ''}://${this.page.host}${dir}${path.slice(1)}`;
  }

  private connect(): void {
    this.connection = 'connecting';
    const ws = new WebSocket(this.url(TEACHER_PATH, 'ws'), [CLASSROOM_SUBPROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${this.token}`]);
    this.ws = ws;
    ws.onopen = () => {
      this.everOpen = true;
      this.connection = 'open';
    };
    ws.onmessage = (e) => {
      const msg = typeof e.data === 'string' ? parseFrame(toTeacher, e.data) : { refused: 'binary' };
      if ('refused' in msg) return;
      if (msg.type === 'roster') {
        this.code = msg.code;
        this.students = msg.students;
      } else if (msg.type === 'student') {
        const i = this.students.findIndex((s) => s.id === msg.student.id);
        this.students = i < 0 ? [...this.students, msg.student] : this.students.map((s, j) => (j === i ? msg.student : s));
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      // Refused at the upgrade (a wrong or stale token): retrying cannot help.
      if (!this.everOpen) {
        this.connection = 'refused';
        return;
      }
      this.connection = 'closed';
      this.retry = setTimeout(() => this.connect(), 2000);
    };
  }
}
