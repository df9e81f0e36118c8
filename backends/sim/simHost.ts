import type { BackendEvent, Capabilities, TerminalIO } from '../../core/backend';
import type { HostDirListing, LayerEntry, Snapshot, TraceOp, Transition } from '../../core/model';
import { InterruptSource, seededRng, type Interrupt } from '../../core/ports';
import type { TerminalInput } from '../../core/process';
import { Scheduler } from '../../core/scheduler';
import { Engine } from '../../core/engine/engine';
import { dockerCommand } from '../../core/cli/docker';
import { NO_DAEMON } from '../../core/cli/docker/system';
import { HostShell, MemFs } from '../../core/shell';
import { psCommand } from '../../core/kernel/procfs';
import type { CommandRunner } from '../../core/process';
import { hostNetCommands } from '../../core/network/programs/host';
import { processFs } from '../../core/kernel/views';
import { HOST_HOSTNAME, hostSystem } from '../../core/kernel/system';
import type { UtilSystem } from '../../core/shell/context';
import { nsenterCommand, type NsenterTarget } from '../../core/kernel/nsenter';
import type { Fs } from '../../core/shell/filesystem';
import { DEFAULT_PATH } from '../../core/engine/programs';
import { MountedFs } from '../../core/unionfs/mountedFs';
import { HostMountTable } from '../../core/unionfs/hostOverlay';
import { varLibDockerMounts } from '../../core/engine/varLibDocker';
import { UpperDirFs } from '../../core/engine/upperDirFs';
import { listFsDir } from '../../core/engine/hostDir';
import { DockerUnit } from '../../core/engine/dockerService';
import { journalctlCommand, serviceCommand, systemctlCommand } from '../../core/engine/systemctl';
import { editorCommand } from '../../core/shell/editor';
import { DOCKER_SERVICE_PATH, DOCKER_SERVICE_UNIT, unitSaveRefusal } from '../../core/engine/dockerUnitFile';
import { isDialogAnswer, PageDialogs, replayDialogs, type DialogAnswer } from './pageDialogs';

/**
 * One simulated machine: the engine, the host shell and virtual time, plus the
 * journal that rebuilds it. Runs unchanged in the Web Worker and in Node (the
 * `glassbox sim` CLI and the tests); the host passes in how to yield to its
 * event loop, since core has no timers of its own.
 *
 * Determinism: the state is a function of (seed, epoch, journal). Each journal
 * entry records the virtual time at which a line started, Ctrl-C arrived, or
 * keystrokes reached the line that reads the terminal (`docker run -it`), or
 * the page answered a dialog: the editor pane for `vi FILE` (the text saved,
 * or null for quit), or the simulated Docker Hub sign-in for `docker login`
 * (the username, or null for closed).
 */
export type JournalEntry = { t: number; line: string } | LineEvent;

/** What happens to a running line besides time passing: Ctrl-C, keystrokes for it, or the editor pane's answer. */
type LineEvent = { t: number; interrupt: true } | { t: number; input: string } | DialogAnswer;

export interface Journal {
  seed: string;
  epoch: number;
  /** The images the engine started with (SimHostOptions.preload); absent is none. */
  preload?: string[];
  entries: JournalEntry[];
}

export interface SimHostOptions {
  seed?: string;
  /** Unix ms at which virtual time starts. */
  epoch?: number;
  /** Lets promise continuations and the host's event loop run (setImmediate in Node, a macrotask in a worker). */
  yieldToEventLoop: () => Promise<void>;
  /** Whether terminal lines come from an interactive terminal. */
  stdinIsTTY?: boolean;
  /**
   * Whether a line may read keystrokes from the terminal (`input()`): the
   * page's terminal and `glassbox sim`. Without it an attached `-i` client
   * reads end of input at once.
   */
  terminalInput?: boolean;
  /**
   * Images the engine has before the first line, as built-in references
   * ("busybox:latest", "hello-world:latest"): the conformance host's set-up.
   * The default is a fresh install with no images.
   */
  preload?: readonly string[];
  /**
   * Send a snapshot event after every engine change, not only when a line
   * ends: `glassbox lesson check` credits each state a line passes through
   * (`docker pause web && docker unpause web`). Costs one snapshot per change.
   */
  snapshotEachChange?: boolean;
}

/** Virtual time a scripted line may run before it gets a Ctrl-C. */
const LINE_BUDGET_MS = 10 * 60_000;
/** The docker CLI gives up after the third SIGINT; so does a script. */
const MAX_PRESSES = 3;

/** The fixed epoch of scripted runs: 2026-01-01T00:00:00Z. */
export const DEFAULT_EPOCH = Date.UTC(2026, 0, 1);

export class SimHost {
  private scheduler!: Scheduler;
  private engine!: Engine;
  private shell!: HostShell;
  /** The login shell's view of the host (the disk, /var/lib/docker, /proc): what listHostDir reads. */
  private hostView!: Fs;
  private unsubscribeEngine: () => void = () => {};
  private listeners = new Set<(e: BackendEvent) => void>();
  private pending: Transition[] = [];
  private pendingTrace: TraceOp[] = [];
  private dirty = false;
  private running: { interrupt: InterruptSource; done: Promise<number> } | null = null;
  private journalListeners = new Set<(entry: JournalEntry) => void>();
  /** Whoever reads the terminal's keystrokes now (a docker client attached to a container). */
  private reader: ((data: string) => void) | null = null;
  private rawListener: ((raw: boolean) => void) | null = null;
  /** The page's dialogs the running line waits on (editor pane, Hub sign-in). */
  private readonly dialogs = new PageDialogs((answer) => {
    this.record(answer);
    this.flushEvents();
  }, () => this.scheduler.now());
  journal!: Journal;

  constructor(private readonly opts: SimHostOptions) {
    this.build(opts.seed ?? 'glassbox', opts.epoch ?? DEFAULT_EPOCH, [...(opts.preload ?? [])]);
  }

  private build(seed: string, epoch: number, preload: readonly string[]): void {
    this.unsubscribeEngine();
    this.scheduler = new Scheduler(epoch);
    const scheduler = this.scheduler;
    // One host filesystem for the shell and for docker's host side (build contexts, save -o, cp, volumes, bind mounts),
    // with procfs and cgroupfs mounted as the login shell sees them (below).
    const now = (): number => scheduler.now();
    const disk = hostDisk(now);
    this.engine = new Engine({ scheduler: this.scheduler, rng: seededRng(seed), preload, hostFs: disk });
    const sleep = (ms: number, interrupt: Interrupt): Promise<boolean> =>
      new Promise<boolean>((resolve) => {
        const cancel = scheduler.after(ms, () => {
          off();
          resolve(true);
        });
        const off = interrupt.onInterrupt(() => {
          cancel();
          off();
          resolve(false);
        });
      });
    const kernel = this.engine.kernel;
    // Mounts made in the host shell (`mount -t overlay …`) sit between the disk and procfs, and in the kernel's table.
    const mounted = new MountedFs(disk, { mounts: [] });
    const mounting = new HostMountTable(disk, mounted, kernel.hostMadeMounts, now);
    // Docker's data root (overlay2, containers) as the engine has it now; volumes/ stays the disk's.
    const dockerTrees = varLibDockerMounts(this.engine.services);
    // Each container's upper directory is writable from the host (upperDirFs.ts); the rest of the data root is a read-only view.
    const fs = new UpperDirFs(processFs(kernel, mounted, kernel.shellPid, now, dockerTrees), this.engine.services, now);
    this.hostView = fs;
    const engine = this.engine;
    // The machine ps, kill, df, mount, stat, free and uname read; /proc/mounts is the same table (core/kernel/system.ts).
    const dockerKb = (): number => (engine.snapshot().layers ?? []).reduce((n, l) => n + l.size, 0) / 1024;
    // SIGHUP to dockerd reloads daemon.json (`unit` is made below; signals come later).
    const signal = (pid: number, sig: number): 'ok' | undefined => (sig === 1 && pid === unit.pid && unit.reload(false) ? 'ok' : undefined);
    const sys: UtilSystem = hostSystem(kernel, { dockerKb, mounting, signal });
    // docker.service: dockerd's start and stop under systemd, reading /etc/docker/daemon.json.
    const unit = new DockerUnit(this.engine, disk, now);
    const docker = withDaemon(unit, withClientProcess(this.engine, dockerCommand(this.engine, { fs })));
    const systemctl = systemctlCommand(unit, now);
    const editor = editorCommand(fs, unitSaveRefusal);
    // `own`: the host's files (not a container's mount namespace), where docker and ps are the host's.
    const commands = (net: string, hostname: string, own: boolean): Record<string, CommandRunner> => ({
      ...(own ? { docker, ps: psCommand(kernel, now) } : { ps: notInNamespaces('ps') }),
      // ip, ifconfig, brctl, bridge, iptables, iptables-save, curl, ping over the namespace's network
      ...hostNetCommands({ net: () => engine.net.view(net), now, sleep }),
    });
    // nsenter's command runs in a shell of its own over the namespaces it entered.
    const entered = (t: NsenterTarget): HostShell => {
      const root = t.mnt !== undefined ? engine.containerRoot(t.mnt) : undefined;
      const hostname = t.uts !== undefined ? (engine.containerRoot(t.uts)?.hostname ?? HOST_HOSTNAME) : HOST_HOSTNAME;
      const net = t.net !== undefined ? (engine.net.netnsOf(t.net) ?? t.net) : 'host';
      const view: Fs = processFs(kernel, root?.fs ?? mounted, t.pid, now, root ? [] : dockerTrees);
      // mount and df read the table of the mount namespace entered.
      const mntNs = t.mnt !== undefined ? kernel.containerNamespaces(t.mnt)?.mnt : undefined;
      const seen = mntNs !== undefined ? hostSystem(kernel, { dockerKb, mntNs }) : sys;
      return new HostShell({ fs: view, commands: commands(net, hostname, root === undefined), hostname, sleep, clock: { now }, pid: t.pid, cwd: root ? '/' : this.shell.cwd, makeDirs: false, sys: seen });
    };
    // In a container's mount namespace execvp finds only the container's programs.
    const canExec = (name: string, t: NsenterTarget): boolean => {
      const shell = entered(t);
      if (name.includes('/')) return shell.fs.stat(name) !== 'ENOENT';
      if (t.mnt === undefined) return shell.hasProgram(name);
      return shell.hasProgram(name) && DEFAULT_PATH.split(':').some((d) => {
        const st = shell.fs.stat(`${d}/${name}`);
        return typeof st !== 'string' && st.kind === 'file' && (st.mode & 0o111) !== 0;
      });
    };
    this.shell = new HostShell({
      fs,
      commands: {
        ...commands('host', HOST_HOSTNAME, true),
        systemctl,
        service: serviceCommand(systemctl),
        journalctl: journalctlCommand(unit),
        vi: editor,
        vim: editor,
        nano: editor,
        nsenter: nsenterCommand({
          kernel,
          canExec,
          run: (argv, io, t) => entered(t).run(argv.map(shellWord).join(' '), io, io.interrupt),
        }),
      },
      hostname: HOST_HOSTNAME,
      sleep,
      clock: { now },
      pid: kernel.shellPid,
      // The host's `ps` itself stays psCommand: it lists itself.
      sys,
      readBashrc: true,
    });
    const offEngine = this.engine.subscribe((transitions) => {
      this.pending.push(...transitions);
      this.dirty = true;
      if (this.opts.snapshotEachChange) this.flushEvents();
    });
    const offTrace = this.engine.trace.subscribe((op) => {
      this.pendingTrace.push(op);
      this.dirty = true;
    });
    this.unsubscribeEngine = () => {
      offEngine();
      offTrace();
    };
    this.journal = { seed, epoch, ...(preload.length > 0 ? { preload: [...preload] } : {}), entries: [] };
    this.reader = null;
    this.pending = [];
    this.pendingTrace = [];
    this.dirty = true;
  }

  capabilities(): Capabilities {
    return { kind: 'sim', trace: true, hostShell: false, engine: 'Glassbox simulated Docker Engine' };
  }

  now(): number {
    return this.scheduler.now();
  }

  prompt(): string {
    return this.shell.prompt();
  }

  snapshot(): Snapshot {
    return this.engine.snapshot();
  }

  /** The file lists (diff directories) of the named layers the engine has, for the layer diagrams; unknown ids are left out. */
  layerEntries(layerIds: readonly string[]): Record<string, LayerEntry[]> {
    const out: Record<string, LayerEntry[]> = {};
    for (const id of layerIds) if (this.engine.hasLayer(id)) out[id] = [...this.engine.layerEntries(id)];
    return out;
  }

  /** Issue 11: a host directory the diagrams show, as `ls` on the host would see it (read-only). */
  listHostDir(path: string): HostDirListing {
    return listFsDir(this.hostView, path);
  }

  subscribe(listener: (e: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onJournal(listener: (entry: JournalEntry) => void): () => void {
    this.journalListeners.add(listener);
    return () => this.journalListeners.delete(listener);
  }

  /** Sends one snapshot event carrying every transition since the last one, if anything changed. */
  flushEvents(): void {
    if (!this.dirty || this.listeners.size === 0) return;
    const event: BackendEvent = { type: 'snapshot', snapshot: this.engine.snapshot(), transitions: this.pending };
    const trace: BackendEvent | null = this.pendingTrace.length > 0 ? { type: 'trace', ops: this.pendingTrace } : null;
    this.pending = [];
    this.pendingTrace = [];
    this.dirty = false;
    // Trace ops first: a view that highlights what an op changed finds it in the snapshot that follows.
    if (trace) for (const l of this.listeners) l(trace);
    for (const l of this.listeners) l(event);
  }

  private record(entry: JournalEntry): void {
    this.journal.entries.push(entry);
    for (const l of this.journalListeners) l(entry);
  }

  /**
   * Starts a line. The promise settles when the line has finished, which needs
   * virtual time to move: call `advanceTo`/`runToCompletion` while it waits.
   */
  start(line: string, io: TerminalIO): Promise<number> {
    if (this.running) return Promise.resolve(this.busy(io));
    const interrupt = new InterruptSource();
    this.record({ t: this.scheduler.now(), line });
    this.engine.trace.setCommand(line);
    const running: { interrupt: InterruptSource; done: Promise<number> } = { interrupt, done: Promise.resolve(0) };
    this.reader = null;
    this.rawListener = io.raw ? (on) => io.raw?.(on) : null;
    const terminal: TerminalInput = {
      ...this.dialogs.terminal(io),
      claim: (onData) => {
        this.reader = onData;
        this.rawListener?.(true);
        return () => {
          if (this.reader !== onData) return;
          this.reader = null;
          this.rawListener?.(false);
        };
      },
    };
    running.done = this.shell
      .run(line, io, interrupt, { stdinIsTTY: this.opts.stdinIsTTY ?? false, ...(this.opts.terminalInput ? { terminal } : {}) })
      .catch((err: unknown) => {
        // A defect, not a user error: say so plainly and keep the machine usable.
        io.stderr(`glassbox: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      })
      .finally(() => {
        // An abandoned line may settle later; it must not clear the line that runs now.
        if (this.running === running) {
          this.running = null;
          this.reader = null;
          this.engine.trace.setCommand(undefined);
        }
        this.flushEvents();
      });
    this.running = running;
    return running.done;
  }

  private busy(io: TerminalIO): number {
    io.stderr('glassbox: a command is still running (press Ctrl-C to interrupt it)\n');
    return 1;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  interrupt(): void {
    if (!this.running) return;
    this.record({ t: this.scheduler.now(), interrupt: true });
    this.running.interrupt.interrupt();
  }

  /** Whether the running line reads the terminal's keystrokes now (the page's terminal is then in raw mode). */
  get readsInput(): boolean {
    return this.reader !== null;
  }

  /** Keystrokes for the running line; journaled with their virtual time. Ignored when no line reads them. */
  input(data: string): void {
    if (!this.reader || data === '') return;
    this.record({ t: this.scheduler.now(), input: data });
    this.reader(data);
    this.flushEvents();
  }

  /**
   * Moves virtual time to `t`, one timer at a time, letting each timer's
   * continuations run before the next fires, so the outcome does not depend on
   * how coarsely the host ticks.
   */
  async advanceTo(t: number): Promise<void> {
    await this.opts.yieldToEventLoop();
    for (let at = this.scheduler.nextAt(); at !== undefined && at <= t; at = this.scheduler.nextAt()) {
      this.scheduler.advanceTo(at);
      await this.opts.yieldToEventLoop();
    }
    this.scheduler.advanceTo(t);
    this.flushEvents();
  }

  /**
   * Runs a line with time jumping straight to each next timer, as the CLI and
   * replays do. Nobody can press Ctrl-C in a script, so a line that would wait
   * forever (a foreground `top`, or `sleep` that ignores SIGINT as PID 1) gets
   * what a user would do: Ctrl-C once it has nothing left to wait for or has
   * run LINE_BUDGET_MS of virtual time, up to three times, as the docker CLI
   * counts them. A replay instead presses Ctrl-C and types exactly when the
   * journal says (`planned`).
   *
   * `feed` gives the script's next lines to a line that reads the terminal
   * (`docker run -i busybox sh` under `glassbox sim`): each one typed with
   * Enter while the line waits for input, then Ctrl-D when the feed is empty.
   */
  async runToCompletion(line: string, io: TerminalIO, planned?: readonly LineEvent[], feed?: () => Promise<string | undefined>): Promise<number> {
    let settled = false;
    // A replay's dialogs answer from the journal, at their time (below).
    const done = this.start(line, replayDialogs(io, planned)).then((code) => {
      settled = true;
      return code;
    });
    const started = this.scheduler.now();
    const events = planned ? [...planned] : null;
    let presses = 0;
    let fed = false;
    while (!settled) {
      await this.opts.yieldToEventLoop();
      if (settled) break;
      if (feed && !fed && this.reader && !events) {
        const next = await feed();
        if (next === undefined) {
          fed = true;
          this.input('\x04');
        } else this.input(next + '\r');
        continue;
      }
      if (this.dialogs.opened && !events) {
        // A script's dialog (editor, sign-in): time stands still while it answers.
        await this.dialogs.opened;
        continue;
      }
      const next = this.scheduler.nextAt();
      const event = events?.[0];
      if (event && isDialogAnswer(event)) {
        if (this.dialogs.waiting && (next === undefined || next > event.t)) {
          this.scheduler.advanceTo(Math.max(this.scheduler.now(), event.t));
          events!.shift();
          this.dialogs.answer(event);
          continue;
        }
        if (next !== undefined) {
          this.scheduler.advanceTo(next);
          continue;
        }
      }
      if (event && 'input' in event && (next === undefined || next > event.t)) {
        this.scheduler.advanceTo(Math.max(this.scheduler.now(), event.t));
        events!.shift();
        this.input(event.input);
        continue;
      }
      // The journal's next Ctrl-C (a dialog's answer not yet asked for is no Ctrl-C); a script's after the line's budget.
      const due = events ? (event && !isDialogAnswer(event) ? event.t : undefined) : started + LINE_BUDGET_MS;
      if (due !== undefined && (next === undefined || next > due) && presses < MAX_PRESSES) {
        this.scheduler.advanceTo(Math.max(this.scheduler.now(), due));
        events?.shift();
        presses++;
        this.interrupt();
        continue;
      }
      if (next !== undefined && (due === undefined || next <= due)) {
        this.scheduler.advanceTo(next);
        continue;
      }
      if (!events && presses < MAX_PRESSES) {
        presses++;
        this.interrupt();
        continue;
      }
      // Nothing left to wait for and nobody left to press Ctrl-C: stop waiting.
      await this.opts.yieldToEventLoop();
      if (settled) break;
      this.running = null;
      this.reader = null;
      this.dialogs.clear();
      this.engine.trace.setCommand(undefined);
      io.stderr('glassbox: the line did not finish; stopped waiting for it\n');
      this.flushEvents();
      return 130;
    }
    return done;
  }

  /**
   * Rebuilds a machine from its journal (a reload, or stepping back in the timeline).
   * `onLine` hears each line as it finishes: its number among the lines, its entry's index, its exit code.
   */
  async replay(journal: Journal, upTo = journal.entries.length, onLine?: (lineNo: number, entryIndex: number, exit: number) => void): Promise<void> {
    this.build(journal.seed, journal.epoch, journal.preload ?? []);
    const sink: TerminalIO = { stdout: () => {}, stderr: () => {} };
    const entries = journal.entries.slice(0, upTo);
    let lineNo = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!('line' in entry)) continue;
      await this.advanceTo(entry.t);
      const events: LineEvent[] = [];
      for (let k = i + 1; k < entries.length && !('line' in entries[k]!); k++) events.push(entries[k] as LineEvent);
      const exit = await this.runToCompletion(entry.line, sink, events);
      onLine?.(lineNo++, i, exit);
    }
    // The replayed moves are the past, not news: with nobody listening yet (a reload) they would wait for the
    // page's first event, which would play them and credit a lesson with states the machine only passed through.
    this.pending = [];
    this.flushEvents();
  }

  reset(seed?: string, epoch?: number): void {
    // A line still running belongs to the old machine: it may settle later, but no longer holds this one.
    this.running = null;
    this.build(seed ?? this.journal.seed, epoch ?? this.journal.epoch, this.journal.preload ?? []);
    this.flushEvents();
  }

  /**
   * A fresh machine with `lines` run on it in order, time jumping as in a
   * script, keeping no past (the page's lesson jump goes through
   * `SimTimeline.jumpTo`, which keeps a moment per line). The lines (and any
   * Ctrl-C a line needed) are journaled as typed ones are, so a reload
   * rebuilds the same machine. Resolves with each line's exit code.
   */
  async rebuild(lines: readonly string[], epoch?: number): Promise<number[]> {
    this.reset(undefined, epoch);
    const sink: TerminalIO = { stdout: () => {}, stderr: () => {} };
    const codes: number[] = [];
    for (const line of lines) codes.push(await this.runToCompletion(line, sink));
    this.flushEvents();
    return codes;
  }
}

/**
 * The programs of the host's packages that a student looks for (`which dockerd`), where the
 * reference host has them: Debian 12's docker.io, and the docker 28 client in /usr/local/bin.
 */
const HOST_PROGRAM_FILES = ['/usr/bin/containerd', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/docker', '/usr/bin/nsenter', '/usr/local/bin/docker', '/usr/sbin/dockerd', '/usr/sbin/runc'];

/**
 * Root's ~/.bashrc: Debian 12's (base-files' dot.bashrc), with `ll` enabled.
 * Debian leaves every alias commented out; the course's notes were written on
 * CentOS hosts, where `ll` is defined (by /etc/profile.d/colorls.sh), and use it.
 */
const ROOT_BASHRC = [
  '# ~/.bashrc: executed by bash(1) for non-login shells.',
  '',
  '# Note: PS1 and umask are already set in /etc/profile. You should not',
  '# need this unless you want different defaults for root.',
  "# PS1='${debian_chroot:+($debian_chroot)}\\h:\\w\\$ '",
  '# umask 022',
  '',
  "# You may uncomment the following lines if you want `ls' to be colorized:",
  "# export LS_OPTIONS='--color=auto'",
  '# eval "$(dircolors)"',
  "# alias ls='ls $LS_OPTIONS'",
  "# alias ll='ls $LS_OPTIONS -l'",
  "# alias l='ls $LS_OPTIONS -lA'",
  '#',
  '# Some more alias to avoid making mistakes:',
  "# alias rm='rm -i'",
  "# alias cp='cp -i'",
  "# alias mv='mv -i'",
  "alias ll='ls -l'",
  '',
].join('\n');

/** The host's own files: the usual directories, the mount points of /proc and /sys/fs/cgroup, /etc/docker, Docker's programs. */
function hostDisk(now: () => number): MemFs {
  const disk = new MemFs(now);
  // /etc/docker: dockerd makes it at its first start (no daemon.json: Debian's docker.io ships none).
  for (const d of ['/proc', '/sys/fs/cgroup', '/usr/sbin', '/var/lib/docker', '/etc/docker']) disk.mkdir(d, { parents: true });
  for (const f of HOST_PROGRAM_FILES) {
    disk.writeFile(f, '');
    disk.chmod(f, 0o755);
  }
  disk.writeFile('/root/.bashrc', ROOT_BASHRC);
  disk.mkdir('/usr/lib/systemd/system', { parents: true });
  disk.writeFile(DOCKER_SERVICE_PATH, DOCKER_SERVICE_UNIT);
  // dockerd makes its data root 0710, and at its first start the stores it keeps in bolt databases (binary: their pages are
  // not modelled, so they read as the zero-filled pages of empty ones, at the sizes a fresh engine's have).
  disk.chmod('/var/lib/docker', 0o710);
  for (const [dir, mode] of [['/var/lib/docker/volumes', 0o701], ['/var/lib/docker/network', 0o750], ['/var/lib/docker/network/files', 0o750], ['/var/lib/docker/plugins', 0o700], ['/var/lib/docker/runtimes', 0o700], ['/var/lib/docker/swarm', 0o700], ['/var/lib/docker/tmp', 0o700]] as const) {
    disk.mkdir(dir, { parents: true });
    disk.chmod(dir, mode);
  }
  disk.writeFile('/var/lib/docker/volumes/metadata.db', '\0'.repeat(32_768));
  disk.chmod('/var/lib/docker/volumes/metadata.db', 0o600);
  disk.writeFile('/var/lib/docker/network/files/local-kv.db', '\0'.repeat(131_072));
  disk.chmod('/var/lib/docker/network/files/local-kv.db', 0o644);
  return disk;
}

/** A word of a command line, quoted for bash when it needs it. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** A host program that reads the host's process table or talks to dockerd, run under nsenter in other namespaces: not simulated there. */
function notInNamespaces(name: string): CommandRunner {
  return async (_argv, io) => {
    io.stderr(`glassbox: ${name} inside the namespaces nsenter entered: not simulated yet\n`);
    return 2;
  };
}

/**
 * The client reaches dockerd through /run/docker.sock: with docker.service
 * stopped, docker.socket starts it (socket activation); with the service
 * failed, or the socket stopped too, nothing answers. The client's own
 * --version and help need no daemon; `docker version` prints its half.
 */
function withDaemon(unit: DockerUnit, docker: CommandRunner): CommandRunner {
  return async (argv, io) => {
    const clientOnly = argv.slice(1).every((a) => ['--version', '-v', '--help', '-h', 'help'].includes(a)) || /^(-H|--host)/.test(argv[1] ?? '');
    if (clientOnly || unit.engine.daemonRunning) return docker(argv, io);
    // Socket activation: a stopped docker.service starts for the connection.
    if (unit.socketActive && unit.state === 'inactive') unit.start();
    // `docker version` prints the client's half itself.
    if (!unit.engine.daemonRunning && argv[1] !== 'version') {
      io.stderr(`${NO_DAEMON}\n`);
      return 1;
    }
    return docker(argv, io);
  };
}

/** The `docker` client is a process on the host while it runs (the chain the Kernel view draws: docker → dockerd → …). */
function withClientProcess(engine: Engine, docker: CommandRunner): CommandRunner {
  return async (argv, io) => {
    const pid = engine.kernel.clientStart(argv);
    let code = 1;
    try {
      code = await docker(argv, io);
      return code;
    } finally {
      engine.kernel.clientExit(pid, code);
    }
  };
}
