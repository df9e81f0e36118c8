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

/** bpftrace: `docker run -d --name kt-fid3 -p P:80 busybox httpd -f -p 80`. */
function bpftraceRun(): { line: string; ops: TraceOp[] } {
  const dir = new URL('./fixtures/trace/', import.meta.url);
  const meta = json<{ dockerdPid: number; containerdPid: number; containerId: string; ip: string; mergedDir: string; hierarchies: Record<string, string>; commands: string[] }>(new URL('run-publish.json', dir));
  const parser = new TraceParser({
    dockerdPid: meta.dockerdPid,
    containerdPid: meta.containerdPid,
    hierarchies: hierarchies(meta.hierarchies),
    startWall: 1_000_000,
    containerFor: (text) => (text.includes(meta.mergedDir.replace(/\/merged$/, '')) || text.includes(meta.ip) ? meta.containerId : undefined),
  });
  for (const l of readFileSync(new URL('run-publish.bpftrace.txt', dir), 'utf8').split('\n')) if (l) parser.push(l);
  const line = meta.commands[0]!;
  return { line, ops: startOf(parser.flush(), meta.containerId, '/bin/httpd', line) };
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
  it('gives the same phases, in the same order, for the sim’s docker run -d busybox sleep 60 and the real docker run -d (bpftrace)', async () => {
    const line = 'docker run -d busybox sleep 60';
    const sim = sequenceOf(await simRun(line), line);
    const real = bpftraceRun();
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
