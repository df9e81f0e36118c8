import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceOp } from '../../core/model';
import { TraceParser } from '../../backends/agent/tracer/parse';
import { StraceTranslator } from '../../backends/agent/tracer/strace';
import { SimHost } from '../../backends/sim/simHost';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { type SeqPhase, phaseOrder, sequenceOf } from '../../web/src/diagrams/trace/sequenceModel';

// The sequence diagram is drawn from either backend's ops: the sim's and the real kernel's
// (recorded with bpftrace and with strace on Docker 20.10) must give a teacher the same phases.
// Needs no Docker: the real traces are the recorded fixtures the tracer's own tests use.

const TEACHER: readonly SeqPhase[] = ['rootfs', 'namespaces', 'cgroups', 'network', 'start'];
const hierarchies = (h: Record<string, string>): Record<number, string> => Object.fromEntries(Object.entries(h).map(([k, v]) => [Number(k), v]));
const json = <T>(url: URL): T => JSON.parse(readFileSync(url, 'utf8')) as T;

/** The container's ops up to its entrypoint's execve, tagged with the line as the agent tags them. */
function startOf(ops: readonly TraceOp[], containerId: string, entrypoint: string, line: string): TraceOp[] {
  const mine = ops.filter((o) => o.containerId === containerId);
  return mine.slice(0, mine.findIndex((o) => o.op === 'execve' && o.args.path === entrypoint) + 1).map((o) => ({ ...o, command: line }));
}

/** bpftrace: run-publish is `docker run -d --name kt-fid3 -p P:80 busybox httpd -f -p 80`, run-sleep `docker run -d --name gb-seqtrace-rec busybox sleep 60`. */
function bpftraceRun(name: 'run-publish' | 'run-sleep', entrypoint: string): { line: string; ops: TraceOp[] } {
  const dir = new URL('./fixtures/trace/', import.meta.url);
  const meta = json<{ dockerdPid: number; containerdPid: number; containerId: string; ip: string; mergedDir: string; hierarchies: Record<string, string>; commands: string[] }>(new URL(`${name}.json`, dir));
  const parser = new TraceParser({
    dockerdPid: meta.dockerdPid,
    containerdPid: meta.containerdPid,
    hierarchies: hierarchies(meta.hierarchies),
    startWall: 1_000_000,
    containerFor: (text) => (text.includes(meta.mergedDir.replace(/\/merged$/, '')) || text.includes(meta.ip) ? meta.containerId : undefined),
  });
  for (const l of readFileSync(new URL(`${name}.bpftrace.txt`, dir), 'utf8').split('\n')) if (l) parser.push(l);
  const line = meta.commands[0]!;
  return { line, ops: startOf(parser.flush(), meta.containerId, entrypoint, line) };
}

/** strace: `docker run --rm busybox true`. */
function straceRun(): { line: string; ops: TraceOp[] } {
  const dir = new URL('./fixtures/strace/', import.meta.url);
  const meta = json<{ dockerd: number; containerd: number; tgid: Record<string, number>; hierarchies: Record<string, string>; container: string; layerDir: string }>(new URL('run-true.json', dir));
  const h = hierarchies(meta.hierarchies);
  const translator = new StraceTranslator({ dockerdPid: meta.dockerd, containerdPid: meta.containerd, hierarchies: h, tgidOf: (tid) => meta.tgid[tid] });
  const parser = new TraceParser({ dockerdPid: meta.dockerd, containerdPid: meta.containerd, hierarchies: h, startWall: 0, containerFor: (text) => (text.includes(meta.layerDir) ? meta.container : undefined) });
  for (const l of readFileSync(new URL('run-true.strace.txt', dir), 'utf8').split('\n')) for (const t of translator.translate(l)) parser.push(t);
  const line = 'docker run --rm busybox true';
  return { line, ops: startOf(parser.flush(), meta.container, '/bin/true', line) };
}

async function simRun(line: string): Promise<TraceOp[]> {
  const sim = new SimHost({ preload: TEST_IMAGES, yieldToEventLoop: () => new Promise<void>((r) => setImmediate(r)) });
  expect(await sim.runToCompletion(line, { stdout: () => {}, stderr: () => {} })).toBe(0);
  return sim.snapshot().trace ?? [];
}

describe('the trace as a sequence diagram, from both backends', () => {
  it('draws the sim’s docker run -d busybox sleep 60 as the real one recorded with bpftrace: the same phases in order, the same runtime chain', async () => {
    const line = 'docker run -d busybox sleep 60';
    const sim = sequenceOf(await simRun(line), line);
    const real = bpftraceRun('run-sleep', '/bin/sleep');
    const seq = sequenceOf(real.ops, real.line);
    expect(phaseOrder(seq, TEACHER)).toEqual(['rootfs', 'network', 'cgroups', 'namespaces', 'start']);
    expect(phaseOrder(sim, TEACHER)).toEqual(phaseOrder(seq, TEACHER));
    const chain = (s: typeof sim): string[] => s.messages.filter((m) => m.phase === 'runtime' && m.ops[0]?.op !== 'exit' && m.from !== 'client').map((m) => `${m.from}→${m.to} ${m.label}`);
    expect(chain(sim)).toEqual(chain(seq));
    expect(chain(seq)).toEqual([
      'dockerd→containerd Tasks.Create',
      'containerd→shim task.Create',
      'containerd→shim execve containerd-shim-runc-v2',
      'shim→shim execve containerd-shim-runc-v2',
      'shim→runc execve runc create',
      'runc→runc execve runc init',
      'dockerd→containerd Tasks.Start',
      'containerd→shim task.Start',
      'shim→runc execve runc start',
    ]);
    // The steps a teacher points at, in the same order on both: overlay, veth, cgroups, unshare, pivot_root, sethostname, execve.
    const key = (s: typeof sim): string[] =>
      s.messages
        .flatMap((m) => m.ops)
        .filter((o) => (o.op === 'mount' && o.args.fstype === 'overlay') || (o.op === 'link.add' && o.args.type === 'veth') || o.op === 'unshare' || o.op === 'pivot_root' || o.op === 'sethostname' || (o.op === 'execve' && o.args.path === '/bin/sleep') || (o.op === 'cgroup.mkdir' && String(o.args.path).includes('/memory/')))
        .map((o) => o.op)
        // dockerd mounts the overlay more than once (the -init layer, then the container's): the same step.
        .filter((op, i, all) => op !== all[i - 1]);
    expect(key(sim)).toEqual(key(seq));
    // Known differences the diagram shows (the sim is simpler, not wrong in order): runc 1.1 bind-mounts a sealed copy of
    // its own binary before the cgroups, writes more cgroup files after the mounts, and masks /proc paths with mounts after
    // pivot_root; dockerd setns-es into the container's netns. The sim draws none of these.
    expect(seq.messages.some((m) => m.phase === 'rootfs' && /runc\.\w+$/.test(m.label))).toBe(true);
    expect(sim.messages.some((m) => m.phase === 'rootfs' && /runc\.\w+$/.test(m.label))).toBe(false);
  });

  it('gives the same phases, in the same order, for the sim’s docker run -d busybox sleep 60 and the real docker run -d -p (bpftrace)', async () => {
    const line = 'docker run -d busybox sleep 60';
    const sim = sequenceOf(await simRun(line), line);
    const real = bpftraceRun('run-publish', '/bin/httpd');
    const seq = sequenceOf(real.ops, real.line);
    expect(phaseOrder(sim, TEACHER)).toEqual(['rootfs', 'network', 'cgroups', 'namespaces', 'start']);
    expect(phaseOrder(seq, TEACHER)).toEqual(phaseOrder(sim, TEACHER));
    // Both start PID 1 once, from runc from runc, and both show the chain containerd → shim → runc.
    for (const s of [sim, seq]) {
      expect(s.messages.filter((m) => m.phase === 'start')).toMatchObject([{ from: 'runc', to: 'container' }]);
      expect(s.messages.find((m) => m.to === 'shim' && !m.derived)).toMatchObject({ from: 'containerd' });
      expect(s.messages.filter((m) => m.to === 'runc' && m.from === 'shim').map((m) => m.label)).toEqual(['execve runc create', 'execve runc start']);
      expect(s.messages.filter((m) => m.derived && m.from === 'dockerd').map((m) => m.label)).toEqual(['Tasks.Create', 'Tasks.Start']);
      expect(s.messages[0]).toMatchObject({ from: 'client', derived: expect.any(Boolean) });
    }
    // Differences the diagram shows (known, not errors): the real tracer does not watch the client, so its API request comes first
    // and no client execve is drawn; -p adds dockerd's iptables runs and docker-proxy to the real network phase.
    expect(sim.messages[0]).toMatchObject({ from: 'client', to: 'client', label: `execve ${line}` });
    expect(seq.messages[0]).toMatchObject({ from: 'client', to: 'dockerd', derived: true });
    expect(seq.messages.some((m) => m.phase === 'network' && /docker-proxy/.test(m.label))).toBe(true);
  });

  it('gives the same phases for the real docker run --rm busybox true seen with strace', async () => {
    const real = straceRun();
    const sim = sequenceOf(await simRun(real.line), real.line);
    const seq = sequenceOf(real.ops, real.line);
    // strace cannot decode dockerd's rtnetlink requests, so the real network phase is only the netns and hook; it still comes before the cgroups.
    expect(phaseOrder(seq, TEACHER)).toEqual(phaseOrder(sim, TEACHER));
    expect(seq.messages.filter((m) => m.phase === 'start')).toMatchObject([{ from: 'runc', to: 'container', label: 'execve true' }]);
  });
});
