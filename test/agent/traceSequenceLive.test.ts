import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceOp } from '../../core/model';
import { chooseTracer, tracingProblem } from '../../backends/agent/tracer/kernelTracer';
import { SimHost } from '../../backends/sim/simHost';
import { TEST_IMAGES } from '../../core/engine/testDriver';
import { type SeqPhase, type Sequence, phaseOrder, sequenceOf, unobservedLanes } from '../../web/src/diagrams/trace/sequenceModel';
import { haveDocker, haveRoot, required } from '../support/requirements';
import { foreignActivity } from './engineActivity';
import { type TestAgent, connectClient, dockerQuiet, run, startTestAgent, uniqueName, waitFor } from './support';

/**
 * The sequence diagram drawn live from the real engine: a docker run typed
 * through the agent with the kernel trace on, the ops it streams for that
 * line, and the diagram's phases and lanes, the same a teacher sees on the
 * simulator for the same line (phase order, not op counts).
 */

/** How many times a line is run to find a moment when no one else's container or network changed on the shared engine. */
const ATTEMPTS = 10;
const TEACHER: readonly SeqPhase[] = ['rootfs', 'namespaces', 'cgroups', 'network', 'start'];
/** What Docker 20.10 does for docker run, on both backends: the overlay and the veth first (dockerd), then runc's cgroups, namespaces and exec. */
const ORDER: readonly SeqPhase[] = ['rootfs', 'network', 'cgroups', 'namespaces', 'start'];

/** Where an op of this kind is drawn: the first message that carries one, as "from→to phase". */
function drawn(seq: Sequence, match: (o: TraceOp) => boolean): string {
  const m = seq.messages.find((x) => x.ops.some(match));
  return m ? `${m.from}→${m.to} ${m.phase}` : 'not drawn';
}

/** The lanes and phases a teacher points at, the same on either backend. */
function expectTeacherLanes(seq: Sequence, entrypoint: string): void {
  expect(drawn(seq, (o) => o.op === 'mount' && o.args.fstype === 'overlay')).toBe('dockerd→kernel rootfs');
  expect(drawn(seq, (o) => o.op === 'pivot_root')).toBe('runc→kernel rootfs');
  expect(drawn(seq, (o) => o.op === 'cgroup.mkdir')).toBe('runc→kernel cgroups');
  expect(drawn(seq, (o) => o.op === 'unshare' && String(o.args.flags).includes('CLONE_NEWPID'))).toBe('runc→kernel namespaces');
  expect(drawn(seq, (o) => o.op === 'sethostname')).toBe('runc→kernel namespaces');
  // PID 1 starts once, from runc onto the container's lane.
  expect(seq.messages.filter((m) => m.phase === 'start').map((m) => `${m.from}→${m.to} ${m.label}`)).toEqual([`runc→container execve ${entrypoint}`]);
  // The runtime chain: containerd starts the shim, the shim runs runc create then runc start; the task calls between them are derived.
  expect(seq.messages.find((m) => m.to === 'shim' && !m.derived)).toMatchObject({ from: 'containerd', label: 'execve containerd-shim-runc-v2' });
  expect(seq.messages.filter((m) => m.from === 'shim' && m.to === 'runc').map((m) => m.label)).toEqual(['execve runc create', 'execve runc start']);
  expect(seq.messages.filter((m) => m.derived && m.from === 'dockerd').map((m) => m.label)).toEqual(['Tasks.Create', 'Tasks.Start']);
  // dockerd sets up the network from its own lane.
  expect(seq.messages.some((m) => m.phase === 'network' && m.from === 'dockerd' && m.to === 'kernel' && !m.derived)).toBe(true);
}

async function simSequence(line: string): Promise<Sequence> {
  const sim = new SimHost({ preload: TEST_IMAGES, yieldToEventLoop: () => new Promise<void>((r) => setImmediate(r)) });
  let out = '';
  expect(await sim.runToCompletion(line, { stdout: (t) => (out += t), stderr: () => {} })).toBe(0);
  return sequenceOf(sim.snapshot().trace ?? [], line, { containerId: out.trim() });
}

/** The describe block's body for one tracer: the agent, the line, the container removed after. */
function liveSequenceSuite(tracer: 'bpftrace' | 'strace'): void {
  const names: string[] = [];
  const ids: string[] = [];
  let t: TestAgent | undefined;
  let client: ReturnType<typeof connectClient> | undefined;
  beforeAll(async () => {
    t = await startTestAgent({ trace: true, tracer });
    client = connectClient(t);
    expect(await client.capabilities()).toMatchObject({ trace: true, tracer });
    expect(await client.setTrace!(true)).toBe(true);
  });
  afterAll(async () => {
    // Tracing off first: strace slows dockerd down.
    await client?.setTrace?.(false).catch(() => false);
    if (names.length) dockerQuiet('rm', '-f', ...names);
    client?.close();
    await t?.close();
  });

  it(`draws docker run's phases in the teacher's order, each on its actor's lane, as the simulator does (${tracer})`, async () => {
    const c = client!;
    const streamed = (): TraceOp[] => c.events.flatMap((e) => (e.type === 'trace' ? e.ops : []));
    let line = '';
    let id = '';
    let entry: TraceOp | undefined;
    // On a shared engine another container or network changing in the same moment puts dockerd's work into this line: run it again.
    for (let attempt = 1; ; attempt++) {
      const name = uniqueName('gb-rseq');
      names.push(name);
      line = `docker run -d --name ${name} busybox sleep 30`;
      const t0 = Date.now();
      const ran = await run(c, line);
      const t1 = Date.now();
      expect(ran.code, ran.stderr).toBe(0);
      id = ran.stdout.trim();
      entry = await waitFor('the entrypoint’s execve in the trace', () => streamed().find((o) => o.op === 'execve' && o.args.path === '/bin/sleep' && o.containerId === id), 30_000);
      // The agent tags ops with the line until 300 ms after it ends; bpftrace's buffer may hold ops from just before it began.
      ids.push(id);
      const foreign = await foreignActivity(t0 - 1000, t1 + 500, (x) => names.includes(x) || (x.length >= 12 && ids.some((i) => i.startsWith(x))));
      if (!foreign.length) break;
      if (attempt === ATTEMPTS) throw new Error(`the shared engine was never quiet for the line's moment: ${foreign.join('; ')}`);
      process.stderr.write(`other work on the engine during the line (${foreign.join('; ')}): running it again\n`);
      // Removed now, and its own dockerd work let past, so it does not land in the next try.
      dockerQuiet('rm', '-f', name);
      await new Promise((r) => setTimeout(r, 1500));
    }
    // Every op of the container up to its entrypoint is put down to the line (a missing command tag would drop it from the diagram).
    const untagged = streamed().filter((o) => o.containerId === id && o.seq <= entry!.seq && o.command !== line);
    expect(untagged.map((o) => `${o.actor} ${o.op}`)).toEqual([]);

    const real = sequenceOf(streamed(), line, { containerId: id });
    const sim = await simSequence(line);
    process.stdout.write(`${tracer}: ${real.messages.length} rows (${real.messages.reduce((n, m) => n + m.ops.length, 0)} ops); sim: ${sim.messages.length} rows\n`);
    // On a failure, the rows as drawn with each op's pid and container, to tell a mis-mapped op from another container's work.
    const rows = real.messages.map((m) => `${m.phase} ${m.from}→${m.to} ${m.label} [${m.ops.map((o) => `${o.pid}/${o.containerId?.slice(0, 12) ?? '-'}`).join(' ')}]`).join('\n');
    expect(phaseOrder(real, TEACHER), rows).toEqual(ORDER);
    expect(phaseOrder(sim, TEACHER)).toEqual(phaseOrder(real, TEACHER));
    expectTeacherLanes(real, 'sleep 30');
    expectTeacherLanes(sim, 'sleep 30');
    // No ops of another container (a shared engine) and none invented: each drawn op was streamed for this line.
    const seqs = new Set(streamed().filter((o) => o.command === line).map((o) => o.seq));
    expect(real.messages.flatMap((m) => m.ops).every((o) => seqs.has(o.seq) && (o.containerId === undefined || o.containerId === id))).toBe(true);
    // The client is what the real tracer does not watch: its lane holds only the derived request, and the diagram says so. The sim traces it.
    expect(real.messages.filter((m) => m.from === 'client' || m.to === 'client')).toMatchObject([{ from: 'client', to: 'dockerd', derived: true }]);
    expect(unobservedLanes(real)).toEqual(['client']);
    expect(unobservedLanes(sim)).toEqual([]);
    if (tracer === 'bpftrace') expect(drawn(real, (o) => o.op === 'link.add' && o.args.type === 'veth')).toBe('dockerd→kernel network');
    // strace does not decode dockerd's rtnetlink requests: its network phase is the netns entered and the hooks, still before the cgroups.
    else expect(real.messages.some((m) => m.ops.some((o) => o.op === 'link.add'))).toBe(false);
  });
}

// strace first: attached while dockerd is still tearing down the previous suite's container, strace has been seen to slow
// dockerd to a minute a line and to miss its first calls (the overlay mount, the shim and runc create).
const straceChoice = haveDocker() && haveRoot() ? chooseTracer('strace') : { problem: 'no Docker or not root' };
const straceProblem = 'problem' in straceChoice ? straceChoice.problem : null;
if (straceProblem && required) throw new Error(`the strace kernel trace is required (REQUIRE_DOCKER=1) but ${straceProblem}`);
if (straceProblem) process.stderr.write(`skipping the live sequence diagram (strace): ${straceProblem}\n`);

describe.skipIf(straceProblem !== null)('the sequence diagram, live on the real engine with strace (the fallback)', () => liveSequenceSuite('strace'));

const bpftraceProblem = haveDocker() && haveRoot() ? tracingProblem() : 'no Docker or not root';
if (bpftraceProblem && required) throw new Error(`the kernel trace is required (REQUIRE_DOCKER=1) but ${bpftraceProblem}`);
if (bpftraceProblem) process.stderr.write(`skipping the live sequence diagram (bpftrace): ${bpftraceProblem}\n`);

describe.skipIf(bpftraceProblem !== null)('the sequence diagram, live on the real engine with bpftrace', () => liveSequenceSuite('bpftrace'));
