import type { CommandRunner, EditRequest, ProcessIO, TerminalInput } from '../process';
import { fsErrorText, resolvePath, splitPath, type Fs, type FsErrorCode } from './filesystem';

/**
 * vi, vim and nano: the file opens in the page's editor pane (the terminal's
 * `edit`), and what the student saves is written back through the
 * filesystem the editor runs on (the host's disk, or a container's union
 * mount, where the write copies up as any write does). A save that fails
 * leaves the pane open with the editor's own message, as the real editor
 * stays open with it on its status line; quitting writes nothing.
 *
 * Without an editor (stdin not a terminal: a script, `glassbox sim` fed from
 * a pipe) each one does what the real program does when its input ends at
 * once: vim warns that input is not from a terminal and gives up (exit 1),
 * busybox vi cannot read user input (exit 1), nano dies of "Too many errors
 * from stdin" (exit 1). None of them writes the file then.
 */
export type EditorFlavor = 'vim' | 'busybox' | 'nano';

/** The editor's message for a save that failed with `code`, as its status line shows it. */
export function writeErrorText(flavor: EditorFlavor, path: string, code: FsErrorCode): string {
  switch (flavor) {
    case 'vim':
      return `"${path}" E212: Can't open file for writing`;
    case 'busybox':
      return `'${path}' ${fsErrorText(code)}`;
    case 'nano':
      return `[ Error writing ${path}: ${fsErrorText(code)} ]`;
  }
}

/** What the editor prints when stdin is not a terminal and it reads end of input at once; its exit code is 1. */
export function noTerminalText(flavor: EditorFlavor, name: string, stdoutIsTTY: boolean): { stdout: string; stderr: string } {
  switch (flavor) {
    case 'vim':
      return {
        stderr: `${stdoutIsTTY ? '' : 'Vim: Warning: Output is not to a terminal\n'}Vim: Warning: Input is not from a terminal\n`,
        stdout: 'Vim: Error reading input, exiting...\nVim: Finished.\n',
      };
    case 'busybox':
      return { stdout: '', stderr: `${name}: can't read user input\n` };
    case 'nano':
      return { stdout: '', stderr: 'Too many errors from stdin\n' };
  }
}

/** What an editor needs of the process running it. */
export interface EditorProcess {
  argv: readonly string[];
  fs: Fs;
  cwd: string;
  io: Pick<ProcessIO, 'stdout' | 'stderr' | 'stdinIsTTY' | 'stdoutIsTTY'>;
  /** The terminal, when stdin is one and the backend has an editor pane. */
  terminal?: TerminalInput | undefined;
  /** Why a save of this text to this file is refused (shown in the pane as a failed save's message), or undefined to write it. */
  refuseSave?: ((path: string, text: string) => string | undefined) | undefined;
}

/**
 * Runs one editor session; resolves with the exit code. Options and more
 * than one file are refused plainly (the pane edits one file).
 */
export async function runEditor(flavor: EditorFlavor, p: EditorProcess): Promise<number> {
  const name = p.argv[0] ?? 'vi';
  const args = p.argv.slice(1);
  const bad = args.find((a) => a.startsWith('-') || a.startsWith('+'));
  if (bad !== undefined || args.length > 1) {
    p.io.stderr(`glassbox: ${name} ${bad ?? 'with more than one file'}: not simulated yet (the editor pane edits one file)\n`);
    return 2;
  }
  const edit = p.io.stdinIsTTY ? p.terminal?.edit : undefined;
  if (!edit) {
    if (p.io.stdinIsTTY) {
      p.io.stderr(`glassbox: ${name}: this terminal has no editor pane: not simulated here\n`);
      return 2;
    }
    const text = noTerminalText(flavor, name, p.io.stdoutIsTTY === true);
    if (text.stderr !== '') p.io.stderr(text.stderr);
    if (text.stdout !== '') p.io.stdout(text.stdout);
    return 1;
  }
  if (args.length === 0) {
    p.io.stderr(`glassbox: ${name} without a file name: not simulated yet (name the file to edit)\n`);
    return 2;
  }
  const path = resolvePath(args[0]!, p.cwd);
  const st = p.fs.stat(path);
  if (typeof st !== 'string' && st.kind === 'dir') {
    p.io.stderr(`glassbox: ${name} on a directory: not simulated yet\n`);
    return 2;
  }
  // A missing file opens empty; saving creates it.
  const read = p.fs.tryRead(path);
  let request: EditRequest = { path, content: 'data' in read ? read.data : '', title: [name, ...args].join(' '), ...('data' in read ? {} : { newFile: true }) };
  for (;;) {
    const saved = await edit(request);
    if (saved === null) return 0;
    const refused = p.refuseSave?.(path, saved);
    if (refused !== undefined) {
      request = { ...request, content: saved, error: refused };
      continue;
    }
    const failed = writeFile(p.fs, path, saved);
    if (failed === undefined) return 0;
    request = { ...request, content: saved, error: writeErrorText(flavor, path, failed) };
  }
}

/** open(O_WRONLY|O_CREAT|O_TRUNC) and write: a missing parent directory is ENOENT, not made. */
function writeFile(fs: Fs, path: string, text: string): FsErrorCode | undefined {
  const parent = splitPath(path).parent;
  const dir = fs.stat(parent);
  if (typeof dir === 'string') return dir;
  if (dir.kind !== 'dir') return 'ENOTDIR';
  return fs.writeFile(path, text);
}

/** The editor flavor a program name runs on the host (Debian: vi and vim are vim, nano is nano). */
export function hostEditorFlavor(name: string): EditorFlavor {
  return name === 'nano' ? 'nano' : 'vim';
}

/** vi, vim or nano as a host program over the host's filesystem `fs`; `refuseSave` keeps files the simulation would not act on from changing. */
export function editorCommand(fs: Fs, refuseSave?: (path: string, text: string) => string | undefined): CommandRunner {
  return (argv, io) => runEditor(hostEditorFlavor(argv[0] ?? 'vi'), { argv, fs, cwd: io.cwd ?? '/', io, terminal: io.terminal, refuseSave });
}
