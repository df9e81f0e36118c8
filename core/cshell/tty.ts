/**
 * A terminal's line discipline, as the kernel's n_tty runs it for a
 * container's pty in canonical mode: typed characters are echoed, Backspace
 * and Ctrl-U edit the line, Enter sends it, Ctrl-D at the start of a line is
 * end of input, Ctrl-C and Ctrl-\ signal the foreground process. (busybox ash
 * edits its line itself in raw mode and echoes the same way; its cursor
 * position query, ESC[6n, is left out as the page's terminal would answer it.)
 */
export interface TtyPort {
  /** What the terminal shows (the echo), written to the pty's output. */
  echo(text: string): void;
  /** A completed line (with its "\n"), or what was typed before Ctrl-D. */
  line(text: string): void;
  /** Ctrl-D on an empty line. */
  eof(): void;
  /** Ctrl-C (2) or Ctrl-\ (3), for the foreground process. */
  signal(signal: number): void;
}

export class Tty {
  private buffer = '';
  /** Inside an escape sequence (arrow keys and the like), which the simulated line editing ignores. */
  private escape: '' | 'esc' | 'csi' | 'ss3' = '';

  constructor(private readonly port: TtyPort) {}

  input(data: string): void {
    for (const ch of data) {
      if (this.escape !== '') {
        this.skipEscape(ch);
        continue;
      }
      switch (ch) {
        case '\r':
        case '\n': {
          const text = this.buffer + '\n';
          this.buffer = '';
          this.port.echo('\r\n');
          this.port.line(text);
          break;
        }
        case '\x7f':
        case '\b':
          if (this.buffer !== '') {
            this.buffer = [...this.buffer].slice(0, -1).join('');
            this.port.echo('\b \b');
          }
          break;
        case '\x15':
          this.port.echo('\b \b'.repeat([...this.buffer].length));
          this.buffer = '';
          break;
        case '\x03':
        case '\x1c':
          this.port.echo(ch === '\x03' ? '^C' : '^\\');
          this.buffer = '';
          this.port.signal(ch === '\x03' ? 2 : 3);
          break;
        case '\x04':
          if (this.buffer === '') this.port.eof();
          else {
            const text = this.buffer;
            this.buffer = '';
            this.port.line(text);
          }
          break;
        case '\x1b':
          this.escape = 'esc';
          break;
        default:
          if (ch < ' ') break; // other control keys do nothing here
          this.buffer += ch;
          this.port.echo(ch);
      }
    }
  }

  private skipEscape(ch: string): void {
    if (this.escape === 'esc') this.escape = ch === '[' ? 'csi' : ch === 'O' ? 'ss3' : '';
    else if (this.escape === 'ss3') this.escape = '';
    else if (ch >= '@' && ch <= '~') this.escape = '';
  }
}
