import type { EditRequest } from '../process';
/**
 * `docker exec` as dockerd runs it: an exec instance is created (exec_create)
 * in a running container, then started (exec_start): runc joins the
 * container's namespaces and runs the command as a new process in them, with
 * its own stdio, environment, user and working directory; its exit is
 * exec_die. The containers hold the instances; this file holds their shapes,
 * the texts runc and dockerd give when a start fails, and the operations
 * (moby's daemon/exec.go).
 */
import { StdinPipe } from './stdin';
import { randomHex } from '../ports';
import { DaemonError } from './errors';
import type { Proc } from './process';
import { resolveCommand } from './programs';
import { programRss, resolveExecutable } from '../kernel/programs';
import { lookupUser, parseGroup, parsePasswd } from '../cshell/users';
import { resolvePath } from '../shell/filesystem';
import { type Container, mergeEnv, processEnv } from './container';
import { killInContainer } from './kill';
import { containerProcesses, execInPlace, forkProcess, mountTable, processFs } from './start';
import type { Services } from './services';

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
  /** The client's editor pane, for an editor run with `-it` (core/shell/editor.ts). */
  edit?(request: EditRequest): Promise<string | null>;
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

/** Tells `hook` whenever an exec process starts or ends (the kernel model's seam). Returns an unsubscribe function. */
export function onExec(d: Services, hook: ExecHook): () => void {
  d.containers.execHooks.add(hook);
  return () => d.containers.execHooks.delete(hook);
}

/** dockerd's getActiveContainer: the container must be running, not paused or restarting. */
function activeContainer(d: Services, ref: string): Container {
  const c = d.containers.get(ref);
  if (c.state === 'paused') throw new DaemonError(`Container ${ref} is paused, unpause the container before exec`, 'conflict');
  if (c.state === 'restarting') throw new DaemonError(`Container ${c.id} is restarting, wait until the container is running`, 'conflict');
  if (c.state !== 'running' || !c.run) throw new DaemonError(`Container ${c.id} is not running`, 'conflict');
  return c;
}

/** POST /containers/{id}/exec: an exec instance, not started yet. Emits exec_create. */
export function containerExecCreate(d: Services, ref: string, opts: ExecOptions): string {
  return d.events.op(() => {
    const c = activeContainer(d, ref);
    const id = randomHex(d.rng, 64);
    c.execs.set(id, { id, opts, running: false, pid: 0, stdin: null, kill: () => {}, handler: null });
    d.events.emit(c, `exec_create: ${opts.cmd.join(' ')}`, { execID: id });
    return id;
  });
}

/**
 * POST /exec/{id}/start: runs the command in the container. Throws a
 * DaemonError with exit code 126 when runc cannot start it (missing command,
 * working directory or user).
 */
export function containerExecStart(d: Services, execId: string, io: ExecIO): ExecHandle {
  return d.events.op(() => {
    const c = [...d.containers.byId.values()].find((x) => x.execs.has(execId));
    if (!c) throw new DaemonError(`No such exec instance: ${execId}`, 'notFound');
    const inst = c.execs.get(execId)!;
    activeContainer(d, c.id);
    const run = c.run!;
    const { opts } = inst;
    const cmd = opts.cmd[0];
    d.events.emit(c, `exec_start: ${opts.cmd.join(' ')}`, { execID: execId });
    const fail = (message: string): never => {
      c.execs.delete(execId);
      throw new DaemonError(message, 'system', 126);
    };
    const read = (path: string): string => {
      const r = c.fs.tryRead(path);
      return 'data' in r ? r.data : '';
    };
    // Without -u, an exec runs as the container's user.
    const user = opts.user || c.config.user;
    const who = lookupUser(user, parsePasswd(read('/etc/passwd')), parseGroup(read('/etc/group')));
    if (!who) return fail(execUserError(user));
    const cwd = resolvePath(opts.workingDir || c.config.workingDir || '/', '/');
    if (!c.fs.isDir(cwd)) fail(execChdirError(opts.workingDir || cwd));
    const base = processEnv(c).filter((kv) => !kv.startsWith('HOME='));
    const env = mergeEnv([...base, `HOME=${who!.home}`], opts.env ?? []);
    const program = resolveCommand({ fs: c.fs, env, cwd }, cmd ?? '');
    if (typeof program === 'number') return fail(execStartError(cmd ?? '', program));
    const tty = opts.tty ?? false;
    // The kernel model: runc exec joins the container's namespaces and cgroup; the pid is the one inside.
    const kernelProc = execProcess(d, c.id, opts.cmd, { tty, uid: who!.uid });
    const pid = kernelProc.nsPid;
    let alive = true;
    const timers = new Set<() => void>();
    let resolveDone: (code: number) => void = () => {};
    const done = new Promise<number>((resolve) => (resolveDone = resolve));
    const write = (stream: 'stdout' | 'stderr', text: string): void => {
      if (!alive || text === '') return;
      (stream === 'stdout' || tty ? io.stdout : io.stderr)(text);
    };
    const stdin = new StdinPipe({ tty, echo: (t) => write('stdout', t), signal: (signal) => inst.handler?.(signal), alive: () => alive });
    const exit = (code: number): void => {
      if (!alive) return;
      alive = false;
      for (const cancel of timers) cancel();
      timers.clear();
      inst.running = false;
      c.execs.delete(execId);
      kernelProc.exit(code);
      d.events.op(() => d.events.emit(c, 'exec_die', { execID: execId, exitCode: String(code) }));
      for (const h of d.containers.execHooks) h({ phase: 'exit', containerId: c.id, execId, pid, exitCode: code });
      resolveDone(code);
    };
    Object.assign(inst, { running: true, pid, stdin, kill: exit });
    const proc: Proc = {
      argv: opts.cmd,
      pid,
      spawn: (argv, o) => forkProcess(d, c, kernelProc.pid, argv, env, cwd, o?.fork),
      exec: (argv) => execInPlace(d, c, kernelProc.pid, argv, env, cwd),
      env,
      hostname: c.config.hostname,
      cwd,
      root: c.mount.root(),
      mount: c.mount,
      // An exec joins the container's network namespace.
      net: d.net.view(d.net.netnsOf(c.id) ?? c.id, c.id),
      fs: processFs(d, c, kernelProc.pid),
      user,
      processes: () => containerProcesses(d, c),
      rootfs: () => d.images.rootfsMount(c),
      mounts: () => mountTable(d, c),
      tty,
      stdin: { read: (onData, onEnd) => stdin.read(onData, onEnd), peek: () => stdin.peek() },
      now: () => d.scheduler.now(),
      stdout: (t) => write('stdout', t),
      stderr: (t) => write('stderr', t),
      exit: (code) => d.events.op(() => exit(code)),
      after: (ms, cb) => {
        let cancel: () => void = () => {};
        const fire = (): void => {
          timers.delete(cancel);
          if (!alive) return;
          if (c.state === 'paused') run.deferred.push(fire);
          else d.events.op(cb);
        };
        cancel = d.scheduler.after(ms, fire);
        timers.add(cancel);
        return () => {
          cancel();
          timers.delete(cancel);
        };
      },
      onSignal: (h) => {
        inst.handler = h;
      },
      cpus: d.kernel.cpus,
      setCommand: (argv, execve) => d.kernel.setArgv(kernelProc.pid, [...argv], execve),
      spin: () => d.kernel.spin(kernelProc.pid),
      kill: (target, signal) => d.events.op(() => killInContainer(d, c, kernelProc.pid, target, signal)),
      ...(tty && io.edit ? { edit: io.edit } : {}),
    };
    for (const h of d.containers.execHooks) h({ phase: 'start', containerId: c.id, execId, pid, argv: opts.cmd, user });
    program(proc);
    if (alive) {
      if (!opts.attachStdin) stdin.close();
      else if (typeof io.stdin === 'string') stdin.close(io.stdin);
    }
    return { done, write: (data) => d.events.op(() => stdin.write(data)), closeStdin: () => d.events.op(() => stdin.close()) };
  });
}

/**
 * The kernel side of `docker exec` (the CLI and the in-container shell own
 * the rest): runc exec joins the running container's namespaces and cgroup.
 * Returns the new process's host pid and its pid inside the container, and
 * `exit` to call when it ends.
 */
export function execProcess(d: Services, ref: string, argv: string[], opts: { tty?: boolean; uid?: number } = {}): { pid: number; nsPid: number; exit: (code: number) => void } {
  const c = d.containers.get(ref);
  if (!c.run) throw new DaemonError(`Container ${c.id} is not running`, 'conflict');
  const env = processEnv(c);
  const path = resolveExecutable(c.mount.root(), env, c.config.workingDir || '/', argv[0] ?? '');
  const pid = d.kernel.exec(c.id, argv, path, { tty: opts.tty ?? false, rss: programRss(argv[0] ?? ''), ...(opts.uid ? { uid: opts.uid } : {}) });
  const nsPid = d.kernel.process(pid)?.nsPid ?? pid;
  return { pid, nsPid, exit: (code) => d.events.op(() => d.kernel.processExit(pid, code)) };
}
