/**
 * How each shell words its messages. One interpreter runs as bash (the host
 * terminal, debian/ubuntu/centos containers), busybox ash (busybox, alpine)
 * or dash (`sh` in debian/ubuntu); they differ in their prefixes
 * (`bash: line 2:`, `sh: cd: line 1:`, `sh: 2:`) and in the texts
 * themselves (`command not found` / `not found`), checked against the real
 * shells (bash 5.2, busybox 1.35, dash 0.5.12).
 */
import type { ShellSyntaxError } from './syntax';

export type Personality = 'bash' | 'ash' | 'dash';

/**
 * How the shell was started: `-c SCRIPT` (with `named` when a $0 followed
 * it), a script file, a script on stdin, or interactive (the host terminal
 * and `-it`).
 */
export type ShellMode = 'command' | 'file' | 'stdin' | 'interactive';

export interface VoiceOptions {
  personality: Personality;
  mode: ShellMode;
  /** `sh -c SCRIPT NAME`: $0 was given. */
  named?: boolean;
}

/** Why a command could not be run. */
export type NotRunnable = 'notfound' | 'nofile' | 'isdir' | 'noperm';

export class Voice {
  constructor(readonly opts: VoiceOptions) {}

  get personality(): Personality {
    return this.opts.personality;
  }

  get interactive(): boolean {
    return this.opts.mode === 'interactive';
  }

  /**
   * The prefix of an error: `bash: line 3: cd: `, `sh: cd: line 2: `,
   * `sh: 3: cd: `. `line` is the 1-based line of the running command.
   */
  prefix(arg0: string, line: number, builtin?: string): string {
    const { personality, mode } = this.opts;
    const b = builtin !== undefined ? `${builtin}: ` : '';
    if (personality === 'bash') {
      if (mode === 'interactive' || mode === 'stdin') return `bash: ${b}`;
      return `${arg0}: line ${line}: ${b}`;
    }
    if (personality === 'dash') return `${arg0}: ${line}: ${b}`;
    // busybox ash_vmsg: arg0, then the command's name (a builtin, or the script), then the line unless interactive.
    const ashLine = mode === 'command' ? line - 1 : line;
    const commandName = builtin ?? (mode === 'file' || (mode === 'command' && this.opts.named) ? arg0 : undefined);
    if (commandName === undefined) return `${arg0}: `;
    return `${arg0}: ${commandName !== arg0 ? `${commandName}: ` : ''}${mode === 'interactive' ? '' : `line ${ashLine}: `}`;
  }

  /** A command that cannot run: the message (after the prefix) and the exit code. */
  notRunnable(name: string, why: NotRunnable): { text: string; code: number } {
    const code = why === 'notfound' || why === 'nofile' ? 127 : 126;
    if (this.personality === 'bash') {
      const text = why === 'notfound' ? 'command not found' : why === 'nofile' ? 'No such file or directory' : why === 'isdir' ? 'Is a directory' : 'Permission denied';
      return { text: `${name}: ${text}`, code };
    }
    return { text: `${name}: ${code === 127 ? 'not found' : 'Permission denied'}`, code };
  }

  /** The message for a syntax error, whole (with its prefix and newline). */
  syntaxError(e: ShellSyntaxError, arg0: string, sourceLine: string | undefined, line = e.line): string {
    const d = e.detail;
    const { personality, mode } = this.opts;
    if (personality === 'bash') {
      if (mode === 'interactive' || mode === 'stdin') return e.message + '\n';
      const where = mode === 'command' ? `${arg0}: -c: line ${line}: ` : `${arg0}: line ${line}: `;
      const text = e.message.replace(/^bash: /, '');
      const echo = d.kind === 'token' && sourceLine !== undefined ? `${where}\`${sourceLine}'\n` : '';
      return `${where}${text}\n${echo}`;
    }
    let text: string;
    if (personality === 'ash') {
      switch (d.kind) {
        case 'token': text = d.atEnd ? 'unexpected end of file' : `unexpected "${d.token === 'newline' ? 'newline' : d.token}"`; break;
        case 'eof': text = `unexpected end of file${d.expecting !== undefined ? ` (expecting "${d.expecting}")` : ''}`; break;
        case 'unterminated': text = d.what === '`' ? 'EOF in backquote substitution' : d.what === '}' ? "missing '}'" : 'unterminated quoted string'; break;
        case 'badFor': text = 'bad for loop variable'; break;
        case 'badSubst': text = 'bad substitution'; break;
        case 'redirection': text = 'unexpected redirection'; break;
        default: text = 'unexpected end of file';
      }
      return `${this.prefixFor(arg0, e.line)}syntax error: ${text}\n`;
    }
    switch (d.kind) {
      case 'token': text = d.atEnd ? 'Syntax error: end of file unexpected' : `Syntax error: "${d.token}" unexpected`; break;
      case 'eof': text = `Syntax error: end of file unexpected${d.expecting !== undefined ? ` (expecting "${d.expecting}")` : ''}`; break;
      case 'unterminated': text = d.what === '`' ? 'Syntax error: EOF in backquote substitution' : d.what === '}' ? "Syntax error: Missing '}'" : 'Syntax error: Unterminated quoted string'; break;
      case 'badFor': text = 'Syntax error: Bad for loop variable'; break;
      case 'badSubst': text = 'Bad substitution'; break;
      case 'redirection': text = 'Syntax error: redirection unexpected'; break;
      default: text = 'Syntax error: end of file unexpected';
    }
    return `${arg0}: ${e.line}: ${text}\n`;
  }

  /** ash's syntax errors carry no line in -c scripts and on stdin, and `line N` in files. */
  private prefixFor(arg0: string, line: number): string {
    return this.opts.mode === 'file' ? `${arg0}: line ${line}: ` : `${arg0}: `;
  }

  /** An arithmetic error's text (after the prefix) and whether it ends a non-interactive shell. */
  arithError(bashText: string): string {
    if (this.personality === 'bash') return bashText;
    const divide = bashText.includes('division by 0');
    if (this.personality === 'ash') return divide ? 'divide by zero' : 'arithmetic syntax error';
    const expr = bashText.split(':')[0]!;
    return divide ? `arithmetic expression: division by zero: "${expr}"` : `arithmetic expression: expecting primary: "${expr}"`;
  }
}
