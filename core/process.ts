import type { Interrupt } from './ports';

/**
 * How the host shell runs a program (`docker`, `grep`, …): argv in, text out,
 * exit code back. Pipes hand one stage's whole stdout to the next as `stdin`.
 */
export interface ProcessIO {
  /** The piped or redirected input; null when stdin is the terminal itself. */
  stdin: string | null;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Ctrl-C while this program runs. */
  interrupt: Interrupt;
  /** True when stdin is an interactive terminal (the web terminal), false for scripts and `glassbox sim`. */
  stdinIsTTY: boolean;
  /** True when stdout is the terminal itself (not a pipe or a file): `docker save` refuses to write a tar there. */
  stdoutIsTTY?: boolean;
  /** True when stderr is the terminal itself: with stdin and stdout, a program may then be given a real pseudo-terminal (the agent). */
  stderrIsTTY?: boolean;
  /** The shell's working directory, for programs that read or write host files (`docker build .`, `docker save -o`). */
  cwd?: string;
  /** The terminal's keystrokes, when stdin is the terminal and the backend can deliver them. */
  terminal?: TerminalInput;
}

/**
 * The terminal's raw keystrokes, for a program that reads them itself: the
 * docker client attached to a container's tty (`run -it`, `exec -it`,
 * `attach`, `start -ai`). While claimed, the terminal stops editing lines and
 * sends every key (Enter as "\r", Ctrl-C as "\x03", Ctrl-D as "\x04").
 */
export interface TerminalInput {
  /** Takes the keystrokes until the returned release function is called. */
  claim(onData: (data: string) => void): () => void;
  /**
   * Opens a file in the page's editor pane (vi, vim, nano): resolves with the
   * text to save, or null when the student quits without saving. Absent where
   * nobody can edit (scripts, replays without an editor).
   */
  edit?(request: EditRequest): Promise<string | null>;
  /**
   * Opens the page's simulated Docker Hub sign-in (`docker login`'s web-based
   * login, after "Press ENTER to open your browser"): resolves with the
   * username the student signed in as, or null when they closed it.
   */
  signIn?(request: SignInRequest): Promise<string | null>;
}

/** The device-code sign-in `docker login` asks the browser for. */
export interface SignInRequest {
  /** The one-time device confirmation code the client printed (XXXX-XXXX). */
  code: string;
  /** The activation page the client opens, with the code in its query. */
  url: string;
}

/** What an editor program shows in the page's editor pane. */
export interface EditRequest {
  /** The file's absolute path, as the editor names it. */
  path: string;
  /** The file's text now ('' for a new file). */
  content: string;
  /** The file does not exist yet: saving creates it (vim's "[New]"). */
  newFile?: boolean;
  /** The pane's title: the command line, e.g. "vim /etc/docker/daemon.json". */
  title: string;
  /** The editor's own message after a save that failed (vim's E212), shown in the pane; the text stays unsaved. */
  error?: string;
}

export type CommandRunner = (argv: string[], io: ProcessIO) => Promise<number>;
