/**
 * `docker exec` as dockerd runs it: an exec instance is created (exec_create)
 * in a running container, then started (exec_start): runc joins the
 * container's namespaces and runs the command as a new process in them, with
 * its own stdio, environment, user and working directory; its exit is
 * exec_die. The engine holds the instances; this file holds their shapes and
 * the texts runc and dockerd give when a start fails.
 */
import type { StdinPipe } from './stdin';

export interface ExecOptions {
  cmd: string[];
  tty?: boolean;
  /** `-i`: stdin is attached. */
  attachStdin?: boolean;
  /** KEY=value, added to the container's environment. */
  env?: string[];
  /** `-w`: the working directory ('' = the container's). */
  workingDir?: string;
  /** `-u`: name, uid, name:group or uid:gid ('' = the container's user). */
  user?: string;
}

/** Where a started exec's output goes and what feeds its stdin. */
export interface ExecIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** With `-i`: piped text (then end of file), or null for a terminal that stays open. */
  stdin?: string | null;
}

/** A running exec, for the client: its end, and its stdin. */
export interface ExecHandle {
  /** Settles with the exit code when the process ends. */
  done: Promise<number>;
  /** Keystrokes or piped text (a no-op without -i). */
  write(data: string): void;
  /** Closes stdin (end of file). */
  closeStdin(): void;
}

/**
 * The seam for the kernel model: an exec process starts in a container's
 * namespaces and cgroup, and ends. `pid` is the pid in the container's pid
 * namespace.
 */
export type ExecHook = (e: { phase: 'start'; containerId: string; execId: string; pid: number; argv: readonly string[]; user: string } | { phase: 'exit'; containerId: string; execId: string; pid: number; exitCode: number }) => void;

export interface ExecInstance {
  id: string;
  opts: ExecOptions;
  running: boolean;
  pid: number;
  stdin: StdinPipe | null;
  /** Ends the process (the container stopped: SIGKILL). */
  kill: (code: number) => void;
  /** The interactive shell's Ctrl-C and `docker kill` reach the process's handler, if any. */
  handler: ((signal: number, from?: number) => void) | null;
}

const RUNC_EXEC = 'OCI runtime exec failed: exec failed: unable to start container process';

/** runc's text when the command cannot be run (the exit code is 126). */
export function execStartError(cmd: string, why: 127 | 126): string {
  const reason = why === 126 ? 'permission denied' : cmd.includes('/') ? `stat ${cmd}: no such file or directory` : 'executable file not found in $PATH';
  return `${RUNC_EXEC}: exec: ${JSON.stringify(cmd)}: ${reason}: unknown`;
}

/** runc's text when `-w` names a directory that is not there. */
export function execChdirError(dir: string): string {
  return `${RUNC_EXEC}: chdir to cwd (${JSON.stringify(dir)}) set in config.json failed: no such file or directory: unknown`;
}

/** dockerd's text for a `-u` name that /etc/passwd does not have. */
export function execUserError(user: string): string {
  const name = user.split(':')[0]!;
  return /^[0-9]+$/.test(name) ? `unable to find group ${user.split(':')[1]}: no matching entries in group file` : `unable to find user ${name}: no matching entries in passwd file`;
}
