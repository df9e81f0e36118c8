import type { EditRequest } from '../process';
import { refusalText, type ContainerEvent } from '../lifecycle/containerMachine';
import { DaemonError } from './errors';
import type { ChildProcess, Proc, ProcessInfo, Program } from './process';
import { resolveCommand } from './programs';
import { containerRefs, namespaceJoin } from '../kernel/hostConfig';
import { programRss, resolveExecutable } from '../kernel/programs';
import { containerMounts, mountsOfNamespace, overlayOptions } from '../kernel/system';
import { processFs as kernelProcessFs } from '../kernel/views';
import { utilProcess } from '../kernel/procfs';
import { lookupUser, parseGroup, parsePasswd } from '../cshell/users';
import { execUserError } from './exec';
import type { UtilMount } from '../shell/context';
import type { Fs } from '../shell/filesystem';
import { StdinPipe } from './stdin';
import { type Container, type Run, processEnv, send } from './container';
import { removeNow } from './delete';
import { output } from './logs';
import { killInContainer, signalName } from './kill';
import { processExited } from './monitor';
import { emitNetworks, networkFiles } from './networks';
import type { Services } from './services';

/**
 * `docker start` (moby's daemon/start.go): the checks, the overlay mount and
 * the network before the task, then PID 1 as a simulated program with its
 * stdio, timers, signals and memory; the processes it forks.
 */

/** `docker start`: throws for a paused or removed container, does nothing for a running one (304). */
export function containerStart(d: Services, ref: string): void {
  d.events.op(() => {
    const c = d.containers.get(ref);
    const snap = c.actor.getSnapshot();
    if (c.state === 'running' || c.state === 'restarting') throw new DaemonError('Container is already started', 'notModified');
    if (!snap.can({ type: 'container.start' })) throw new DaemonError(refusalText(c.state, 'container.start', c.id, ref)!, 'conflict');
    startProcess(d, c, { type: 'container.start' });
  });
}

/** Starts PID 1; throws (and records ExitCode/Error) when the command cannot be executed. */
export function startProcess(d: Services, c: Container, event: ContainerEvent, afterStartEvent?: () => void): void {
  let env = processEnv(c);
  // Namespaces shared with another container need that container running (dockerd checks before creating the task).
  for (const ref of containerRefs(c.nsModes)) {
    const other = d.containers.get(ref);
    if (other.state !== 'running' && other.state !== 'paused' && other.state !== 'restarting') throw new DaemonError(`container ${other.id} is not running`, 'conflict');
  }
  d.mounts.prepare(c.id);
  const shares = c.resources.cpuShares;
  const cgroupError = shares !== 0 && shares < 2 ? 'the minimum allowed cpu-shares is 2' : shares > 262_144 ? 'the maximum allowed cpu-shares is 262144' : '';
  const program = cgroupError !== '' ? 125 : resolveCommand({ fs: c.fs, env, cwd: c.config.workingDir || '/' }, c.path);
  if (typeof program === 'number') {
    const reason = program === 126 ? 'permission denied' : c.path.includes('/') ? `stat ${c.path}: no such file or directory` : 'executable file not found in $PATH';
    const init = cgroupError !== '' ? `error setting cgroup config for procHooks process: ${cgroupError}` : `exec: ${JSON.stringify(c.path)}: ${reason}`;
    const message = `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ${init}: unknown`;
    c.exitCode = program === 125 ? 128 : program;
    c.error = message;
    c.pendingStdin = undefined;
    if (c.autoRemove) removeNow(d, c);
    throw new DaemonError(message, 'system', program);
  }
  // runc looks the user up in the container's own /etc/passwd; HOME is that user's.
  const read = (path: string): string => {
    const r = c.fs.tryRead(path);
    return 'data' in r ? r.data : '';
  };
  const who = lookupUser(c.config.user, parsePasswd(read('/etc/passwd')), parseGroup(read('/etc/group')));
  if (!who) {
    const message = execUserError(c.config.user);
    c.exitCode = 128;
    c.error = message;
    c.pendingStdin = undefined;
    if (c.autoRemove) removeNow(d, c);
    throw new DaemonError(message, 'system');
  }
  if (!c.config.env.some((kv) => kv.startsWith('HOME='))) env = env.map((kv) => (kv.startsWith('HOME=') ? `HOME=${who.home}` : kv));
  // dockerd mounts the container's overlay before it sets up the network (moby's conditionalMountOnStart).
  const rootfs = d.images.rootfsMount(c);
  d.trace.emit(
    'mount',
    { fstype: 'overlay', source: 'overlay', target: rootfs.merged, options: `index=off,lowerdir=${rootfs.lowerdirs.join(':')},upperdir=${rootfs.upperdir},workdir=${rootfs.workdir}` },
    { ...d.kernel.dockerd, containerId: c.id },
    [{ kind: 'mount', id: rootfs.merged }, ...rootfs.layers.map((id) => ({ kind: 'layer' as const, id }))],
  );
  d.networks.holdForSetKey();
  try {
    d.net.start(c.id);
  } catch (e) {
    d.networks.flushNetOps();
    if (e instanceof DaemonError) c.error = e.message;
    c.pendingStdin = undefined;
    throw e;
  }
  networkFiles(d, c);
  emitNetworks(d, c, 'connect');
  if (event.type !== 'container.autoRestart') c.backoffMs = 0;
  const from = c.state;
  send(c, event);
  c.startedAt = d.scheduler.now();
  c.exitCode = 0;
  c.error = '';
  c.oomKilled = false;
  d.events.emit(c, 'start');
  d.events.transition(c, from, c.state, 'start');
  // Anything dockerd logs right after the start comes before the process's own exit.
  afterStartEvent?.();
  spawn(d, c, program, env, who.uid);
}

export function spawn(d: Services, c: Container, program: Program, env: string[], uid: number): void {
  const sandboxId = d.net.config(c.id)?.sandboxId;
  const pid = d.kernel.startContainer({
    id: c.id,
    hostname: c.config.hostname,
    argv: [c.path, ...c.args],
    path: resolveExecutable(c.mount.root(), env, c.config.workingDir || '/', c.path),
    resources: c.resources,
    join: namespaceJoin(c.nsModes, (ref) => d.containers.get(ref).id),
    rootfs: `/var/lib/docker/overlay2/${c.layerId}/merged`,
    rootfsOptions: overlayOptions(d.images.rootfsMount(c)),
    mounts: d.mounts.attach(c.id, c.mount, `/var/lib/docker/overlay2/${c.layerId}/merged`),
    tty: c.config.tty,
    rss: programRss(c.path),
    ...(uid ? { uid } : {}),
    ...(sandboxId ? { sandboxKey: `/var/run/docker/netns/${sandboxId.slice(0, 12)}` } : {}),
  }, { setKey: () => d.networks.flushNetOps() });
  d.networks.flushNetOps();
  const run: Run = {
    alive: true,
    pid,
    startedAt: d.scheduler.now(),
    timers: new Set(),
    deferred: [],
    handler: null,
    stdin: new StdinPipe({
      tty: c.config.tty,
      echo: (t) => write('stdout', t),
      // The terminal's Ctrl-C goes to the foreground process: PID 1, which ignores it without a handler.
      signal: (signal) => run.handler?.(signal),
      alive: () => run.alive,
    }),
  };
  c.run = run;
  const stdinText = c.pendingStdin;
  c.pendingStdin = undefined;
  const write = (stream: 'stdout' | 'stderr', text: string): void => {
    if (!run.alive || text === '') return;
    output(d, c, c.config.tty ? 'stdout' : stream, text);
  };
  const proc: Proc = {
    argv: [c.path, ...c.args],
    pid: d.kernel.process(pid)?.nsPid ?? 1,
    spawn: (argv, o) => forkProcess(d, c, pid, argv, env, c.config.workingDir || '/', o?.fork),
    exec: (argv) => execInPlace(d, c, pid, argv, env, c.config.workingDir || '/'),
    env,
    hostname: c.config.hostname,
    cwd: c.config.workingDir || '/',
    root: c.mount.root(),
    mount: c.mount,
    fs: processFs(d, c, pid),
    user: c.config.user,
    processes: () => containerProcesses(d, c),
    rootfs: () => d.images.rootfsMount(c),
    mounts: () => mountTable(d, c),
    tty: c.config.tty,
    ...(c.config.tty ? { edit: (r: EditRequest) => attachedEditor(c, r) } : {}),
    stdin: { read: (onData, onEnd) => run.stdin.read(onData, onEnd), peek: () => run.stdin.peek() },
    now: () => d.scheduler.now(),
    stdout: (t) => write('stdout', t),
    stderr: (t) => write('stderr', t),
    exit: (code) => d.events.op(() => processExited(d, c, run, code)),
    after: (ms, cb) => {
      let cancel: () => void = () => {};
      const fire = (): void => {
        run.timers.delete(cancel);
        if (!run.alive) return;
        if (c.state === 'paused') run.deferred.push(fire);
        else d.events.op(cb);
      };
      cancel = d.scheduler.after(ms, fire);
      run.timers.add(cancel);
      return () => {
        cancel();
        run.timers.delete(cancel);
      };
    },
    onSignal: (h) => {
      run.handler = h;
    },
    net: d.net.view(d.net.netnsOf(c.id) ?? c.id, c.id),
    cpus: d.kernel.cpus,
    setCommand: (argv, execve) => d.kernel.setArgv(pid, [...argv], execve),
    spin: () => d.kernel.spin(pid),
    kill: (target, signal) => d.events.op(() => killInContainer(d, c, pid, target, signal)),
    setMemory: (bytes) => {
      if (!run.alive) return;
      const verdict = d.kernel.setRss(run.pid, bytes);
      if (verdict !== 'oom') return;
      d.events.op(() => {
        // Only a cgroup's own limit raises the oom event; the host running out kills without it.
        if (c.resources.memory > 0) {
          d.kernel.oomKill(c.id, run.pid);
          c.oomKilled = true;
          d.events.emit(c, 'oom');
        }
        processExited(d, c, run, 137, 'SIGKILL');
      });
    },
  };
  program(proc);
  // Stdin: without -i it is /dev/null (a terminal's stays open, unwritten: `docker run -dt busybox sh` waits at its prompt);
  // with -i and a pipe, the text then end of file; with a terminal it stays open.
  if (run.alive) {
    if (!c.config.openStdin && !c.config.tty) endStdin(run, '');
    else if (typeof stdinText === 'string') endStdin(run, stdinText);
  }
}

function endStdin(run: Run, text: string): void {
  run.stdin.close(text);
}

/** What mount and df show in the container: its mount namespace's table, the one /proc/mounts prints. */
export function mountTable(d: Services, c: Container): UtilMount[] {
  const mnt = d.kernel.containerNamespaces(c.id)?.mnt;
  if (mnt !== undefined) return mountsOfNamespace(d.kernel, mnt);
  return containerMounts({ id: c.id, rootfsOptions: overlayOptions(d.images.rootfsMount(c)) }, Math.floor(d.kernel.memTotal / 1024), d.kernel.cgroupVersion);
}

/** The container's files as one of its processes (host pid) sees them: procfs and sysfs mounted for it. */
export function processFs(d: Services, c: Container, hostPid: number): Fs {
  return kernelProcessFs(d.kernel, c.fs, hostPid, () => d.scheduler.now());
}

/** A container process forks a child that runs `argv` (Proc.spawn): the kernel records it until it exits. */
export function forkProcess(d: Services, c: Container, parentPid: number, argv: readonly string[], env: string[], cwd: string, forkOnly = false): ChildProcess {
  const path = forkOnly ? '' : resolveExecutable(c.mount.root(), env, cwd, argv[0] ?? '');
  const pid = d.kernel.fork(parentPid, [...argv], path, { rss: programRss(argv[0] ?? ''), exec: !forkOnly });
  const nsPid = d.kernel.process(pid)?.nsPid ?? pid;
  let alive = true;
  let onKilled: (signal: number) => void = () => {};
  const end = (code: number, signal?: number): void => {
    if (!alive) return;
    alive = false;
    c.forked.delete(nsPid);
    d.events.op(() => d.kernel.processExit(pid, code, signal === undefined ? undefined : signalName(signal)));
  };
  const entry = { handler: null as ((signal: number, from?: number) => void) | null, killed: (signal: number) => { end(128 + signal, signal); onKilled(signal); } };
  c.forked.set(nsPid, entry);
  return {
    pid: nsPid,
    fs: processFs(d, c, pid),
    exit: (code) => end(code),
    onSignal: (h) => (entry.handler = h),
    onKilled: (cb) => (onKilled = cb),
    setCommand: (title) => d.kernel.setArgv(pid, [...title]),
    spawn: (childArgv, o) => forkProcess(d, c, pid, childArgv, env, cwd, o?.fork),
    exec: (newArgv) => execInPlace(d, c, pid, newArgv, env, cwd),
  };
}

/** A container process execs another program in its place (the kernel's execve): `ps` shows the new command. */
export function execInPlace(d: Services, c: Container, pid: number, argv: readonly string[], env: string[], cwd: string): void {
  d.kernel.setArgv(pid, [...argv], resolveExecutable(c.mount.root(), env, cwd, argv[0] ?? ''));
}

/** The processes in a container's pid namespace: PID 1, the running execs and the children they forked. */
export function containerProcesses(d: Services, c: Container): ProcessInfo[] {
  if (!c.run) return [];
  const users = new Map<number, string>();
  for (const e of c.execs.values()) if (e.running) users.set(e.pid, e.opts.user || c.config.user);
  const byHostPid = new Map<number, string>();
  const list: ProcessInfo[] = [];
  const inside = d.kernel.containerProcesses(c.id);
  const nsPidOf = new Map(inside.map((k) => [k.pid, k.nsPid]));
  const frozen = d.kernel.frozenPids();
  for (const k of inside) {
    // A forked child runs as its parent does.
    const user = k.pid === c.run.pid ? c.config.user : (users.get(k.nsPid) ?? byHostPid.get(k.ppid) ?? '');
    byHostPid.set(k.pid, user);
    const u = utilProcess(k, frozen, d.kernel.cpuOf(k.pid));
    // The parent as the namespace sees it: one outside it (containerd-shim, runc) is 0.
    list.push({ pid: k.nsPid, user, command: k.argv.join(' '), argv: k.argv, ppid: nsPidOf.get(k.ppid) ?? 0, tty: k.tty, started: k.started, rss: k.rss, vsz: k.vsz, stat: u.stat });
  }
  return list.sort((a, b) => a.pid - b.pid);
}

/** The editor pane of the client attached to the container's tty; without one vi waits for its keys. */
function attachedEditor(c: Container, request: EditRequest): Promise<string | null> {
  for (const a of c.attachments) if (a.edit) return a.edit(request);
  return new Promise(() => {});
}
