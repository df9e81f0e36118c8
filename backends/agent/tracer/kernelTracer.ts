import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TraceOp } from '../../../core/model';
import { parseCmdline, parseStatus, roleOf } from '../procfs';
import { TraceParser } from './parse';
import { StraceTranslator, straceArgs } from './strace';

/**
 * The real backend's kernel trace: bpftrace running the fixed program
 * docker.bt (no user text reaches it: its only arguments are two pids the
 * agent read from /proc), its lines parsed into TraceOps and delivered in
 * batches. Needs root, tracefs and bpftrace (Debian's package). Where
 * bpftrace is missing, strace attached to the same two pids (strace.ts turns
 * its lines into docker.bt's, so the same parser reads them).
 */

export type TracerKind = 'bpftrace' | 'strace';

export const PROGRAM = fileURLToPath(new URL('./docker.bt', import.meta.url));
const TRACEFS = '/sys/kernel/tracing';
const FLUSH_MS = 100;

function installed(bin: string): boolean {
  try {
    execFileSync(bin, ['--version'], { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** The tracer this host can run (bpftrace first, else strace; `only` insists on one), or why none can. */
export function chooseTracer(only?: TracerKind): { kind: TracerKind } | { problem: string } {
  if (only !== 'strace') {
    const problem = tracingProblem();
    if (problem === null || only === 'bpftrace') return problem === null ? { kind: 'bpftrace' } : { problem };
  }
  if (process.getuid?.() !== 0) return { problem: 'tracing needs root' };
  if (!installed('strace')) return { problem: only ? 'strace is not installed (apt-get install strace)' : 'neither bpftrace nor strace is installed (apt-get install bpftrace)' };
  return { kind: 'strace' };
}

/** Why tracing with bpftrace cannot run here; null when it can. */
export function tracingProblem(): string | null {
  if (process.getuid?.() !== 0) return 'tracing needs root';
  if (!installed('bpftrace')) return 'bpftrace is not installed (apt-get install bpftrace)';
  if (!existsSync(`${TRACEFS}/events`)) {
    try {
      execFileSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS], { stdio: 'pipe', timeout: 10_000 });
    } catch {
      return `tracefs is not mounted on ${TRACEFS}`;
    }
  }
  return null;
}

/** dockerd's and containerd's pids, read from /proc. */
export function dockerPids(procRoot = '/proc'): { dockerd: number; containerd: number } | null {
  let dockerd = 0;
  let containerd = 0;
  for (const e of readdirSync(procRoot)) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const status = parseStatus(readFileSync(`${procRoot}/${e}/status`, 'utf8'));
      const role = roleOf(status.name, parseCmdline(readFileSync(`${procRoot}/${e}/cmdline`, 'utf8')));
      if (role === 'dockerd' && !dockerd) dockerd = Number(e);
      if (role === 'containerd' && !containerd) containerd = Number(e);
    } catch {
      // gone
    }
  }
  return dockerd && containerd ? { dockerd, containerd } : null;
}

/** cgroup hierarchy ids (as /proc/PID/cgroup numbers them) → their directory under /sys/fs/cgroup. */
export function cgroupHierarchies(procCgroup: string, cgroupRoot = '/sys/fs/cgroup'): Record<number, string> {
  const out: Record<number, string> = {};
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):/.exec(line);
    if (!m) continue;
    const controllers = m[2]!;
    if (controllers === '') out[Number(m[1])] = existsSync(`${cgroupRoot}/unified`) ? 'unified' : '';
    else {
      const first = controllers.replace(/^name=/, '').split(',')[0]!;
      out[Number(m[1])] = existsSync(`${cgroupRoot}/${controllers}`) ? controllers : first;
    }
  }
  return out;
}

export interface KernelTracerOptions {
  onOps(ops: TraceOp[]): void;
  log(line: string): void;
  containerFor?: (text: string) => string | undefined;
  ifName?: (index: number) => string | undefined;
  /** Which tracer to run (chooseTracer's choice); bpftrace unless told. */
  tracer?: TracerKind;
}

/** The threads of the given processes (tid → pid), as /proc lists them now. */
function threadsOf(pids: number[], procRoot = '/proc'): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      for (const t of readdirSync(`${procRoot}/${pid}/task`)) out.set(Number(t), pid);
    } catch {
      // gone
    }
  }
  return out;
}

/** Calls `on` with each line a stream prints. */
function lines(stream: NodeJS.ReadableStream, on: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      on(line);
    }
  });
}

/** Who ptraces a thread (0: nobody; -1: gone). */
function tracerPid(tid: number): number {
  try {
    return Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${tid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return -1;
  }
}

export class KernelTracer {
  private child: ChildProcess | null = null;
  private parser: TraceParser | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private command: string | undefined;
  private ready: Promise<void> | null = null;

  constructor(private readonly opts: KernelTracerOptions) {}

  get kind(): TracerKind {
    return this.opts.tracer ?? 'bpftrace';
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The terminal line now running (undefined between lines). */
  setCommand(line: string | undefined): void {
    this.command = line;
    this.parser?.setCommand(line);
  }

  /** Starts the tracer; resolves once its probes are attached (bpftrace printed START; strace attached), or rejects. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const pids = dockerPids();
    if (!pids) return Promise.reject(new Error('dockerd and containerd are not running'));
    const strace = this.kind === 'strace';
    const hierarchies = cgroupHierarchies(readFileSync('/proc/self/cgroup', 'utf8'));
    const child = strace
      ? // strace writes its trace to stderr; stdout is strace's own (nothing with -o unset)
        spawn('strace', straceArgs(pids.dockerd, pids.containerd), { shell: false, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bpftrace', ['-B', 'line', PROGRAM, String(pids.dockerd), String(pids.containerd)], {
          shell: false,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, BPFTRACE_STRLEN: '180' },
        });
    this.child = child;
    // strace stamps wall-clock time of day: its translator counts ns from local midnight.
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const parser = new TraceParser({
      dockerdPid: pids.dockerd,
      containerdPid: pids.containerd,
      hierarchies,
      startWall: strace ? midnight.getTime() : Date.now(),
      containerFor: this.opts.containerFor,
      ifName: this.opts.ifName,
    });
    const threads = threadsOf([pids.dockerd, pids.containerd]);
    const translator = strace ? new StraceTranslator({ dockerdPid: pids.dockerd, containerdPid: pids.containerd, hierarchies, tgidOf: (tid) => threads.get(tid) }) : null;
    parser.setCommand(this.command);
    this.parser = parser;
    this.ready = new Promise<void>((resolve, reject) => {
      let started = false;
      let errText = '';
      const begin = (): void => {
        started = true;
        resolve();
      };
      const trace = strace ? child.stderr! : child.stdout!;
      lines(trace, (line) => {
        if (translator) {
          for (const l of translator.translate(line)) parser.push(l);
          return;
        }
        if (!started && line.startsWith('START\t')) {
          parser.calibrate(Date.now());
          begin();
        }
        parser.push(line);
      });
      const diag = strace ? child.stdout! : child.stderr!;
      diag.setEncoding('utf8');
      diag.on('data', (t: string) => {
        errText = (errText + t).slice(-4000);
      });
      // strace prints nothing when attached: it is once the kernel names it the daemons' tracer.
      if (strace) {
        const poll = setInterval(() => {
          if (started || this.child !== child) return clearInterval(poll);
          if ([...threads.keys()].every((tid) => [child.pid, -1].includes(tracerPid(tid)))) {
            clearInterval(poll);
            begin();
          }
        }, 50);
      }
      child.on('error', (err) => {
        this.stopped();
        reject(err);
      });
      child.on('close', (code) => {
        const wasStarted = started;
        this.stopped();
        if (!wasStarted) reject(new Error(`${this.kind} exited (${code ?? 'signal'}): ${errText.split('\n').filter((l) => /error|strace:/i.test(l) && !/RLIMIT_MEMLOCK/.test(l)).join(' ') || 'no output'}`));
        else this.opts.log(`${this.kind} stopped (${code ?? 'signal'})`);
      });
    });
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    return this.ready;
  }

  private flush(): void {
    const ops = this.parser?.drain() ?? [];
    if (ops.length) this.opts.onOps(ops);
  }

  private stopped(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.parser) {
      const ops = this.parser.flush();
      if (ops.length) this.opts.onOps(ops);
    }
    this.parser = null;
    this.child = null;
    this.ready = null;
  }

  /** Stops bpftrace (its probes detach) and delivers what it saw. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  }
}
