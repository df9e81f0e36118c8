import { readlinkSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CgroupSnapshot, TraceOp } from '../../core/model';
import { parseIoServiceBytes, parseIoStat } from '../../backends/agent/procfs';
import { RUN_PUBLISHED_KEY_OPS, keyOps } from '../../backends/agent/tracer/keyOps';
import { chooseTracer, tracingProblem } from '../../backends/agent/tracer/kernelTracer';
import { SimHost } from '../../backends/sim/simHost';
import { haveDocker, haveRoot, required } from '../support/requirements';
import { type TestAgent, connectClient, docker, dockerQuiet, run, startTestAgent, uniqueName, waitFor } from './support';
import { TEST_IMAGES } from '../../core/engine/testDriver';

const NS = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts'] as const;

// A container made with the plain docker CLI: the agent must report what the kernel holds.
describe.skipIf(!haveDocker() || !haveRoot())('agent: processes, namespaces and cgroups from the real kernel', () => {
  const name = uniqueName('gbkern');
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;

  beforeAll(async () => {
    t = await startTestAgent();
    client = connectClient(t);
  });
  afterAll(async () => {
    dockerQuiet('rm', '-f', name);
    client?.close();
    await t?.close();
  });

  it('reports the namespace inodes readlink gives and the memory limit the cgroup file holds', async () => {
    const id = docker('run', '-d', '--name', name, '--memory', '64m', 'busybox', 'sleep', '300').trim();
    const snap = await waitFor('the container in a snapshot', async () => {
      const s = await client.snapshot();
      return s.containers.some((c) => c.id === id && c.pid > 0) && s.cgroups?.some((g) => g.containerId === id) ? s : undefined;
    });
    const pid = snap.containers.find((c) => c.id === id)!.pid;
    const p1 = snap.processes!.find((p) => p.pid === pid)!;
    expect(p1).toMatchObject({ role: 'container', containerId: id, nsPid: 1, command: ['sleep', '300'] });
    for (const type of NS) {
      const inode = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`))![1]);
      expect(p1.namespaces[type], type).toBe(inode);
      expect(snap.namespaces!.some((n) => n.type === type && n.inode === inode)).toBe(true);
    }
    // The five namespaces docker run makes are the container's own; user (and cgroup on v1) are the host's.
    expect(snap.namespaces!.filter((n) => n.owner === id).map((n) => n.type).sort()).toEqual(['ipc', 'mnt', 'net', 'pid', 'uts']);
    const cg = snap.cgroups!.find((g) => g.containerId === id)!;
    const file = cg.version === 1 ? `/sys/fs/cgroup/memory${cg.path}/memory.limit_in_bytes` : `/sys/fs/cgroup${cg.path}/memory.max`;
    expect(cg.memoryLimit).toBe(Number(readFileSync(file, 'utf8').trim()));
    expect(cg.memoryLimit).toBe(64 * 1024 * 1024);
    expect(cg.memoryUsage).toBeGreaterThan(0);
    expect(snap.containers.find((c) => c.id === id)!.resources).toMatchObject({ memory: 64 * 1024 * 1024 });
    // The chain above it: the shim is PID 1's parent, started for this container; dockerd and containerd are there.
    const shim = snap.processes!.find((p) => p.pid === p1.ppid)!;
    expect(shim).toMatchObject({ role: 'shim', containerId: id });
    expect(snap.processes!.some((p) => p.role === 'dockerd')).toBe(true);
    expect(snap.processes!.some((p) => p.role === 'containerd')).toBe(true);
  });

  it('reads the CPU time a busy container burns (cpuacct.usage) and its block I/O as the cgroup counts it', async () => {
    const busy = uniqueName('gb-pty-busy');
    const id = docker('run', '-d', '--name', busy, 'busybox', 'sh', '-c', 'while :; do :; done').trim();
    try {
      const cgroupOf = async (): Promise<CgroupSnapshot | undefined> => (await client.snapshot()).cgroups?.find((g) => g.containerId === id && g.cpuUsageNs !== undefined);
      const first = await waitFor('the busy container’s cgroup', cgroupOf);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 1500));
      const second = (await cgroupOf())!;
      const wall = (Date.now() - t0) * 1e6;
      // A busy loop burns a whole CPU; two cores shared with other work still give it well over a fifth.
      expect(second.cpuUsageNs! - first.cpuUsageNs!).toBeGreaterThan(wall * 0.2);
      const dir = (controller: string): string => `/sys/fs/cgroup/${controller}${second.path}`;
      if (second.version === 1) {
        expect(Number(readFileSync(`${dir('cpuacct')}/cpuacct.usage`, 'utf8'))).toBeGreaterThanOrEqual(second.cpuUsageNs!);
        const io = parseIoServiceBytes(readFileSync(`${dir('blkio')}/blkio.throttle.io_service_bytes`, 'utf8'));
        expect([second.blockRead, second.blockWrite]).toEqual([io.read, io.write]);
      } else {
        const io = parseIoStat(readFileSync(`${dir('')}/io.stat`, 'utf8'));
        expect([second.blockRead, second.blockWrite]).toEqual([io.read, io.write]);
      }
    } finally {
      dockerQuiet('rm', '-f', busy);
    }
  });

  it('shows the freezer state pause sets', async () => {
    docker('pause', name);
    try {
      const s = await waitFor('a frozen cgroup', async () => {
        const snap = await client.snapshot();
        return snap.cgroups?.find((g) => g.containerId && g.frozen && snap.containers.some((c) => c.name === name && c.id === g.containerId)) ? snap : undefined;
      });
      expect(s.cgroups!.some((g) => g.frozen)).toBe(true);
    } finally {
      docker('unpause', name);
    }
  });
});

/**
 * A describe block's agent with the kernel trace on (bpftrace unless `tracer`
 * says otherwise), registered as its hooks; removes the container `name` after.
 */
function tracingAgent(name: string, opts: { tracer?: 'strace' }): { readonly client: ReturnType<typeof connectClient> } {
  let t: TestAgent | undefined;
  let client: ReturnType<typeof connectClient> | undefined;
  beforeAll(async () => {
    t = await startTestAgent({ trace: true, ...opts });
    client = connectClient(t);
    expect(await client.capabilities()).toMatchObject({ trace: true, ...opts });
    expect(await client.setTrace!(true)).toBe(true);
  });
  afterAll(async () => {
    dockerQuiet('rm', '-f', name);
    await client?.setTrace?.(false).catch(() => false);
    client?.close();
    await t?.close();
  });
  return {
    get client() {
      return client!;
    },
  };
}

const traceProblem = haveDocker() && haveRoot() ? tracingProblem() : 'no Docker or not root';
if (traceProblem && required) throw new Error(`the kernel trace is required (REQUIRE_DOCKER=1) but ${traceProblem}`);
if (traceProblem) process.stderr.write(`skipping the kernel trace tests: ${traceProblem}\n`);

// The real backend observes the real dockerd: the key operations of a start, in the order the sim must emit them.
describe.skipIf(traceProblem !== null)('agent: the kernel trace observed with bpftrace', () => {
  const name = uniqueName('gbtrace');
  const agent = tracingAgent(name, {});

  const port = 20000 + Math.floor(Math.random() * 30000);
  const line = `docker run -d --name ${name} -p ${port}:80 busybox httpd -f -p 80`;
  /** The key operations the real kernel showed for the line. */
  let realKeys: string[] = [];

  it('sees docker run -d -p’s namespaces, overlay mount, cgroups, veth, DNAT rule, pivot_root, hostname and execve', async () => {
    const ran = await run(agent.client, line);
    expect(ran.code).toBe(0);
    const id = ran.stdout.trim();
    const ops = await waitFor('the entrypoint’s execve in the trace', () => {
      // The line's ops: dockerd's first steps (overlay, veth, iptables) may name no container yet, but never another one.
      const mine = agent.client.events.flatMap((e) => (e.type === 'trace' ? e.ops : [])).filter((o) => o.command === line && (o.containerId === id || o.containerId === undefined));
      return mine.some((o) => o.op === 'execve' && o.args.path === '/bin/httpd') ? mine : undefined;
    });
    const start = ops.slice(0, ops.findIndex((o: TraceOp) => o.op === 'execve' && o.args.path === '/bin/httpd') + 1);
    realKeys = keyOps(start);
    expect(realKeys).toEqual(RUN_PUBLISHED_KEY_OPS);
    expect(start.filter((o) => o.op === 'unshare' || o.op === 'pivot_root').every((o) => o.command === line)).toBe(true);
    // The snapshot keeps them too.
    const snap = await agent.client.snapshot();
    expect(snap.trace!.some((o) => o.containerId === id && o.op === 'sethostname' && o.args.hostname === id.slice(0, 12))).toBe(true);
  });

  // Fidelity: the simulated engine performs the same key operations, in the same order, as the real dockerd just did.
  it('the sim emits the key operations of the same line in the order the real kernel showed', async () => {
    expect(realKeys.length).toBeGreaterThan(0);
    // Set up as the agent's host is: busybox already there, so the line runs without a pull.
    const sim = new SimHost({ preload: TEST_IMAGES, yieldToEventLoop: () => new Promise<void>((r) => setImmediate(r)) });
    let out = '';
    expect(await sim.runToCompletion(line, { stdout: (t) => (out += t), stderr: () => {} })).toBe(0);
    const id = out.trim();
    const ops = (sim.snapshot().trace ?? []).filter((o) => o.command === line && (o.containerId === id || o.containerId === undefined));
    const start = ops.slice(0, ops.findIndex((o) => o.op === 'execve' && o.args.path === '/bin/httpd') + 1);
    expect(keyOps(start)).toEqual(realKeys);
  });
});

const straceChoice = haveDocker() && haveRoot() ? chooseTracer('strace') : { problem: 'no Docker or not root' };
const straceProblem = 'problem' in straceChoice ? straceChoice.problem : null;
if (straceProblem && required) throw new Error(`the strace kernel trace is required (REQUIRE_DOCKER=1) but ${straceProblem}`);
if (straceProblem) process.stderr.write(`skipping the strace kernel trace tests: ${straceProblem}\n`);

// The fallback where bpftrace is missing: strace on dockerd and containerd, in the same vocabulary and order.
// strace does not decode dockerd's rtnetlink requests, so the veth pair is the one key op it cannot show.
describe.skipIf(straceProblem !== null)('agent: the kernel trace observed with strace', () => {
  const name = uniqueName('gbstrace');
  const agent = tracingAgent(name, { tracer: 'strace' });

  it('sees docker run -d -p’s overlay mount, DNAT rule, cgroups, namespaces, pivot_root, hostname and execve in order', async () => {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const line = `docker run -d --name ${name} -p ${port}:80 busybox httpd -f -p 80`;
    const ran = await run(agent.client, line);
    expect(ran.code).toBe(0);
    const id = ran.stdout.trim();
    const ops = await waitFor('the entrypoint’s execve in the trace', () => {
      // Other engineers' containers start alongside on a shared engine: runc's ops always name theirs.
      const mine = agent.client.events.flatMap((e) => (e.type === 'trace' ? e.ops : [])).filter((o) => o.command === line && (o.containerId === id || (o.containerId === undefined && o.actor === 'dockerd')));
      return mine.some((o) => o.op === 'execve' && o.args.path === '/bin/httpd') ? mine : undefined;
    });
    const start = ops.slice(0, ops.findIndex((o: TraceOp) => o.op === 'execve' && o.args.path === '/bin/httpd') + 1);
    expect(keyOps(start)).toEqual(RUN_PUBLISHED_KEY_OPS.filter((k) => k !== 'link.add veth'));
    const unshare = start.find((o) => o.op === 'unshare')!;
    expect(unshare).toMatchObject({ actor: 'runc', containerId: id });
    const snap = await agent.client.snapshot();
    expect(snap.trace!.some((o) => o.containerId === id && o.op === 'sethostname' && o.args.hostname === id.slice(0, 12))).toBe(true);
  });
});
