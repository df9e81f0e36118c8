import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TraceOp } from '../../../core/model';
import { parseCmdline, parseStatus, roleOf } from '../procfs';
import { TraceParser } from './parse';

/**
 * The real backend's kernel trace: bpftrace running the fixed program
 * docker.bt (no user text reaches it: its only arguments are two pids the
 * agent read from /proc), its lines parsed into TraceOps and delivered in
 * batches. Needs root, tracefs and bpftrace (Debian's package).
 */

export const PROGRAM = fileURLToPath(new URL('./docker.bt', import.meta.url));
const TRACEFS = '/sys/kernel/tracing';
const FLUSH_MS = 100;

/** Why tracing cannot run here; null when it can. */
export function tracingProblem(): string | null {
  if (process.getuid?.() !== 0) return 'tracing needs root';
  try {
    execFileSync('bpftrace', ['--version'], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    return 'bpftrace is not installed (apt-get install bpftrace)';
  }
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
}

export class KernelTracer {
  private child: ChildProcess | null = null;
  private parser: TraceParser | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private command: string | undefined;
  private ready: Promise<void> | null = null;

  constructor(private readonly opts: KernelTracerOptions) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** The terminal line now running (undefined between lines). */
  setCommand(line: string | undefined): void {
    this.command = line;
    this.parser?.setCommand(line);
  }

  /** Starts bpftrace; resolves once its probes are attached (START printed), or rejects. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const pids = dockerPids();
    if (!pids) return Promise.reject(new Error('dockerd and containerd are not running'));
    const child = spawn('bpftrace', ['-B', 'line', PROGRAM, String(pids.dockerd), String(pids.containerd)], {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BPFTRACE_STRLEN: '180' },
    });
    this.child = child;
    const parser = new TraceParser({
      dockerdPid: pids.dockerd,
      containerdPid: pids.containerd,
      hierarchies: cgroupHierarchies(readFileSync('/proc/self/cgroup', 'utf8')),
      startWall: Date.now(),
      containerFor: this.opts.containerFor,
      ifName: this.opts.ifName,
    });
    parser.setCommand(this.command);
    this.parser = parser;
    this.ready = new Promise<void>((resolve, reject) => {
      let buffered = '';
      let started = false;
      let errText = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!started && line.startsWith('START\t')) {
            started = true;
            parser.calibrate(Date.now());
            resolve();
          }
          parser.push(line);
        }
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (t: string) => {
        errText = (errText + t).slice(-4000);
      });
      child.on('error', (err) => {
        this.stopped();
        reject(err);
      });
      child.on('close', (code) => {
        const wasStarted = started;
        this.stopped();
        if (!wasStarted) reject(new Error(`bpftrace exited (${code ?? 'signal'}): ${errText.split('\n').filter((l) => /error/i.test(l) && !/RLIMIT_MEMLOCK/.test(l)).join(' ') || 'no output'}`));
        else this.opts.log(`bpftrace stopped (${code ?? 'signal'})`);
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
