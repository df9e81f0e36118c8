import { describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { EngineDriver, TEST_IMAGES } from '../engine/testDriver';
import type { TraceOp } from '../model';
import { seededRng } from '../ports';
import { Scheduler } from '../scheduler';
import { HOST_NAMESPACES } from './namespaces';

function opsOf(d: EngineDriver, from = 0): TraceOp[] {
  return d.engine.trace.since(from);
}

/** "op" or "op:detail" per op, for order assertions. */
function kinds(ops: TraceOp[]): string[] {
  return ops.map((o) => {
    if (o.op === 'cgroup.write') return `cgroup.write:${o.args.file}`;
    if (o.op === 'mount') return `mount:${o.args.fstype}`;
    if (o.op === 'execve') return `execve:${String(o.args.argv).split(' ')[0]!.split('/').pop()}`;
    return o.op;
  });
}

/** Whether `want` appears in `have` in order (not necessarily adjacent). */
function inOrder(have: string[], want: string[]): boolean {
  let i = 0;
  for (const h of have) if (h === want[i]) i++;
  return i === want.length;
}

function procOf(d: EngineDriver, id: string) {
  const pid = d.engine.inspect(id).State as { Pid: number };
  return d.engine.snapshot().processes!.find((p) => p.pid === pid.Pid)!;
}

describe('kernel: docker run', () => {
  it('emits the shim, runc create, cgroups, namespaces, mounts, pivot_root, sethostname and the execve, in Docker’s order', () => {
    const d = new EngineDriver('trace-run');
    const id = d.runDetached(['sleep', '300']);
    const k = kinds(opsOf(d));
    expect(
      inOrder(k, [
        'execve:containerd-shim-runc-v2',
        'execve:containerd-shim-runc-v2',
        'execve:runc',
        'execve:runc',
        'cgroup.mkdir',
        'cgroup.write:cgroup.procs',
        'clone',
        'unshare',
        'clone',
        'link.up',
        'mount:proc',
        'mount:sysfs',
        'mount:mqueue',
        'execve:libnetwork-setkey',
        'pivot_root',
        'sethostname',
        'execve:sleep',
      ]),
    ).toBe(true);
    const unshare = opsOf(d).find((o) => o.op === 'unshare')!;
    expect(unshare.args.flags).toBe('CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET');
    expect(unshare.containerId).toBe(id);
    const exec = opsOf(d).at(-2)!;
    expect(exec).toMatchObject({ op: 'execve', actor: 'container', args: { path: '/bin/sleep', argv: 'sleep 300' } });
    expect(opsOf(d).find((o) => o.op === 'sethostname')!.args.hostname).toBe(id.slice(0, 12));
  });

  it('makes the process chain: containerd under dockerd, the shim under init, PID 1 under the shim with pid 1 inside', () => {
    const d = new EngineDriver('chain');
    const id = d.runDetached(['sleep', '300']);
    const snap = d.engine.snapshot();
    const init = procOf(d, id);
    const shim = snap.processes!.find((p) => p.pid === init.ppid)!;
    const containerd = snap.processes!.find((p) => p.role === 'containerd')!;
    const dockerd = snap.processes!.find((p) => p.role === 'dockerd')!;
    expect(init).toMatchObject({ nsPid: 1, role: 'container', containerId: id, command: ['sleep', '300'], cgroup: `/docker/${id}` });
    expect(init.pid).toBeGreaterThan(1);
    expect(shim.command).toEqual(['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', id, '-address', '/var/run/docker/containerd/containerd.sock']);
    expect(shim.ppid).toBe(1);
    expect(containerd.ppid).toBe(dockerd.pid);
    // runc is gone once the container runs.
    expect(snap.processes!.some((p) => p.role === 'runc')).toBe(false);
  });

  it('gives each container its own mnt, uts, ipc, pid and net namespaces, and the host’s user and (v1) cgroup ones', () => {
    const d = new EngineDriver('ns');
    const a = procOf(d, d.runDetached(['sleep', '300']));
    const b = procOf(d, d.runDetached(['sleep', '300']));
    for (const t of ['mnt', 'uts', 'ipc', 'pid', 'net'] as const) {
      expect(a.namespaces[t]).not.toBe(HOST_NAMESPACES[t]);
      expect(a.namespaces[t]).not.toBe(b.namespaces[t]);
    }
    expect(a.namespaces.user).toBe(HOST_NAMESPACES.user);
    expect(a.namespaces.cgroup).toBe(HOST_NAMESPACES.cgroup);
    // New inodes are handed out upward, mnt first, as the kernel creates them.
    expect(a.namespaces.uts).toBe(a.namespaces.mnt + 1);
    expect(b.namespaces.mnt).toBeGreaterThan(a.namespaces.net);
    const owners = d.engine.snapshot().namespaces!.filter((n) => n.owner === a.containerId).map((n) => n.type).sort();
    expect(owners).toEqual(['ipc', 'mnt', 'net', 'pid', 'uts']);
  });

  it('on cgroup v2 unshares a private cgroup namespace too, and uses the systemd scope', () => {
    const scheduler = new Scheduler(Date.UTC(2026, 0, 1));
    const engine = new Engine({ scheduler, rng: seededRng('v2'), cgroupVersion: 2, preload: TEST_IMAGES });
    const { id } = engine.create({ image: 'busybox', cmd: ['sleep', '300'] });
    engine.start(id);
    const ops = engine.trace.recent();
    expect(ops.filter((o) => o.op === 'unshare').map((o) => o.args.flags)).toEqual(['CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET', 'CLONE_NEWCGROUP']);
    expect(ops.find((o) => o.op === 'cgroup.mkdir')!.args.path).toBe(`/sys/fs/cgroup/system.slice/docker-${id}.scope`);
    expect(engine.inspect(id).HostConfig).toMatchObject({ CgroupnsMode: 'private' });
  });

  it.each([
    ['--pid=host', { pidMode: 'host' }, 'pid', 'CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET'],
    ['--ipc=host', { ipcMode: 'host' }, 'ipc', 'CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWPID|CLONE_NEWNET'],
    ['--uts=host', { utsMode: 'host' }, 'uts', 'CLONE_NEWNS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET'],
  ] as const)('%s shares the host’s namespace and leaves its flag out', (_flag, opts, type, flags) => {
    const d = new EngineDriver('share');
    const id = d.runDetached(['sleep', '300'], opts);
    expect(opsOf(d).find((o) => o.op === 'unshare')!.args.flags).toBe(flags);
    const p = procOf(d, id);
    expect(p.namespaces[type]).toBe(HOST_NAMESPACES[type]);
    if (type === 'pid') expect(p.nsPid).toBe(p.pid);
    if (type === 'uts') expect(opsOf(d).some((o) => o.op === 'sethostname')).toBe(false);
  });

  it('--pid container:NAME joins that container’s pid namespace with setns', () => {
    const d = new EngineDriver('join');
    const a = d.runDetached(['sleep', '300'], { name: 'first' });
    const before = d.engine.trace.lastSeq;
    const b = d.runDetached(['sleep', '300'], { pidMode: 'container:first' });
    const pa = procOf(d, a);
    const pb = procOf(d, b);
    expect(pb.namespaces.pid).toBe(pa.namespaces.pid);
    expect(pb.nsPid).toBeGreaterThan(1);
    const setns = opsOf(d, before).filter((o) => o.op === 'setns');
    expect(setns.map((o) => [o.args.type, o.args.inode])).toEqual([['pid', pa.namespaces.pid]]);
  });

  it('-h changes only the UTS namespace’s hostname', () => {
    const d = new EngineDriver('hostname');
    d.runDetached(['sleep', '300'], { hostname: 'box' });
    expect(opsOf(d).find((o) => o.op === 'sethostname')!.args.hostname).toBe('box');
  });
});

describe('kernel: cgroups', () => {
  it('writes each limit as runc does, and the files show Docker’s values', () => {
    const d = new EngineDriver('limits');
    const id = d.runDetached(['sleep', '300'], {
      resources: { memory: 64 * 1024 * 1024, nanoCpus: 1.5e9, cpuShares: 512, cpusetCpus: '0', pidsLimit: 100, oomKillDisable: true },
    });
    const writes = opsOf(d)
      .filter((o) => o.op === 'cgroup.write' && o.args.file !== 'cgroup.procs' && o.actor === 'runc')
      .map((o) => `${o.args.file}=${o.args.value}`);
    expect(writes.slice(2)).toEqual([
      'cpuset.cpus=0',
      'memory.limit_in_bytes=67108864',
      'memory.memsw.limit_in_bytes=134217728',
      'memory.oom_control=1',
      'cpu.shares=512',
      'cpu.cfs_period_us=100000',
      'cpu.cfs_quota_us=150000',
      'pids.max=100',
    ]);
    const cg = d.engine.snapshot().cgroups!.find((c) => c.containerId === id)!;
    expect(cg.path).toBe(`/docker/${id}`);
    expect(cg.files.memory!['memory.limit_in_bytes']).toBe('67108864');
    expect(cg.files.memory!['memory.oom_control']).toBe('oom_kill_disable 1\nunder_oom 0\noom_kill 0');
    expect(cg.files.cpu!['cpu.cfs_quota_us']).toBe('150000');
    expect(cg.files.pids!['pids.max']).toBe('100');
    expect(cg.files.pids!['pids.current']).toBe('1');
    expect(cg.memoryLimit).toBe(67108864);
    expect(cg.memoryUsage).toBe(360448);
    expect(d.engine.snapshot().containers[0]!.resources).toMatchObject({ memory: 67108864, memorySwap: 134217728, nanoCpus: 1.5e9, pidsLimit: 100 });
  });

  it('without limits writes none, and the files show the kernel’s defaults', () => {
    const d = new EngineDriver('nolimits');
    const id = d.runDetached(['sleep', '300']);
    expect(opsOf(d).filter((o) => o.op === 'cgroup.write' && !['cgroup.procs', 'cpuset.cpus', 'cpuset.mems'].includes(String(o.args.file)))).toEqual([]);
    const cg = d.engine.snapshot().cgroups!.find((c) => c.containerId === id)!;
    expect(cg.files.memory!['memory.limit_in_bytes']).toBe('9223372036854771712');
    expect(cg.files.cpu!['cpu.shares']).toBe('1024');
    expect(cg.files.cpu!['cpu.cfs_quota_us']).toBe('-1');
    expect(cg.files.pids!['pids.max']).toBe('max');
    expect(cg.files.cpuset!['cpuset.cpus']).toBe('0-1');
  });

  it('pause freezes the cgroup and unpause thaws it', () => {
    const d = new EngineDriver('freeze');
    const id = d.runDetached(['sleep', '300']);
    const before = d.engine.trace.lastSeq;
    d.engine.pause(id);
    expect(d.engine.snapshot().cgroups![0]!.frozen).toBe(true);
    expect(d.engine.snapshot().cgroups![0]!.files.freezer!['freezer.state']).toBe('FROZEN');
    d.engine.unpause(id);
    const writes = opsOf(d, before).filter((o) => o.op === 'cgroup.write').map((o) => o.args.value);
    expect(writes).toEqual(['FROZEN', 'THAWED']);
    expect(kinds(opsOf(d, before))).toEqual(['execve:runc', 'cgroup.write:freezer.state', 'exit', 'execve:runc', 'cgroup.write:freezer.state', 'exit']);
  });

  it('keeps a cgroup’s snapshot while nothing it shows moves, and makes it anew when something does', () => {
    const d = new EngineDriver('cgmemo');
    const id = d.runDetached(['sleep', '300']);
    const first = d.engine.snapshot().cgroups![0]!;
    expect(d.engine.snapshot().cgroups![0]).toBe(first);
    d.engine.pause(id);
    const paused = d.engine.snapshot().cgroups![0]!;
    expect(paused).not.toBe(first);
    expect(paused.files.freezer!['freezer.state']).toBe('FROZEN');
    d.engine.unpause(id);
    d.engine.update(id, { resources: { cpuShares: 512 } });
    const updated = d.engine.snapshot().cgroups![0]!;
    expect(updated.files.cpu!['cpu.shares']).toBe('512');
    expect(updated.files.freezer!['freezer.state']).toBe('THAWED');
    d.engine.execProcess(id, ['sleep', '100']);
    const withExec = d.engine.snapshot().cgroups![0]!;
    expect(withExec.pidsCurrent).toBe(2);
    expect(withExec.files.pids!['pids.current']).toBe('2');
  });

  it('OOM-kills a process past the memory limit: exit 137, OOMKilled, oom then die', async () => {
    const d = new EngineDriver('oom');
    const { id } = d.engine.create({ image: 'busybox', cmd: ['tail', '/dev/zero'], resources: { memory: 8 * 1024 * 1024 } });
    d.engine.start(id);
    expect(await d.until(d.engine.wait(id))).toBe(137);
    expect(d.engine.inspect(id).State).toMatchObject({ OOMKilled: true, ExitCode: 137 });
    expect(d.actions(id).slice(-2)).toEqual(['oom', 'die(137)']);
    const ops = opsOf(d);
    const oom = ops.findIndex((o) => o.op === 'oom_kill');
    expect(ops[oom]).toMatchObject({ actor: 'kernel', args: { cgroup: `/docker/${id}` } });
    expect(ops[oom + 1]).toMatchObject({ op: 'exit', args: { code: 137, signal: 'SIGKILL' } });
    // A new start clears it.
    d.engine.start(id);
    expect(d.engine.inspect(id).State).toMatchObject({ OOMKilled: false });
  });
});

describe('kernel: stop, exec, rm', () => {
  it('stop: SIGTERM, SIGKILL after the timeout, exit, runc delete removes the cgroups, the namespaces go', async () => {
    const d = new EngineDriver('stop');
    const id = d.runDetached(['sleep', '300']);
    const p = procOf(d, id);
    const before = d.engine.trace.lastSeq;
    await d.until(d.engine.stop(id, { timeoutSeconds: 2 }));
    const ops = opsOf(d, before);
    const kills = ops.filter((o) => o.op === 'kill');
    expect(kills.map((o) => [o.args.sig, o.args.target])).toEqual([
      ['SIGTERM', p.pid],
      ['SIGKILL', p.pid],
    ]);
    expect(kills[1]!.time - kills[0]!.time).toBe(2000);
    expect(inOrder(kinds(ops), ['kill', 'kill', 'exit', 'execve:runc', 'cgroup.rmdir', 'exit', 'exit', 'umount'])).toBe(true);
    expect(ops.filter((o) => o.op === 'cgroup.rmdir')).toHaveLength(10);
    const snap = d.engine.snapshot();
    expect(snap.processes!.some((x) => x.containerId === id)).toBe(false);
    expect(snap.namespaces!.some((n) => n.owner === id)).toBe(false);
    expect(snap.cgroups).toEqual([]);
  });

  it('a pid namespace goes with its init, and the containers that joined it are killed', async () => {
    const d = new EngineDriver('held');
    const a = d.runDetached(['sleep', '300'], { name: 'holder' });
    const pidNs = procOf(d, a).namespaces.pid;
    const b = d.runDetached(['sleep', '300'], { pidMode: 'container:holder' });
    expect(procOf(d, b).namespaces.pid).toBe(pidNs);
    // Stopping the holder kills every process in its pid namespace, the joiner's PID 1 too (as the kernel does).
    await d.until(d.engine.stop(a, { timeoutSeconds: 0 }));
    expect(d.state(b)).toBe('exited');
    expect(d.engine.inspect(b).State).toMatchObject({ ExitCode: 137 });
    expect(d.engine.snapshot().namespaces!.some((n) => n.inode === pidNs)).toBe(false);
  });

  it('keeps a net namespace the joiner still holds after its maker stops', async () => {
    const d = new EngineDriver('held-net');
    const a = d.runDetached(['sleep', '300'], { name: 'maker' });
    const netNs = procOf(d, a).namespaces.net;
    const b = d.runDetached(['sleep', '300'], { ipcMode: 'container:maker' });
    const ipcNs = procOf(d, a).namespaces.ipc;
    await d.until(d.engine.stop(a, { timeoutSeconds: 0 }));
    expect(d.state(b)).toBe('running');
    expect(d.engine.snapshot().namespaces!.some((n) => n.inode === ipcNs)).toBe(true);
    expect(d.engine.snapshot().namespaces!.some((n) => n.inode === netNs)).toBe(false);
  });

  it('exec joins each namespace with setns, in runc’s order, and the process shares them', () => {
    const d = new EngineDriver('exec');
    const id = d.runDetached(['sleep', '300']);
    const init = procOf(d, id);
    const before = d.engine.trace.lastSeq;
    const ex = d.engine.execProcess(id, ['ps']);
    const ops = opsOf(d, before);
    expect(ops.filter((o) => o.op === 'setns').map((o) => [o.args.type, o.args.inode])).toEqual([
      ['ipc', init.namespaces.ipc],
      ['uts', init.namespaces.uts],
      ['net', init.namespaces.net],
      ['pid', init.namespaces.pid],
      ['mnt', init.namespaces.mnt],
    ]);
    expect(inOrder(kinds(ops), ['execve:runc', 'execve:runc', 'clone', 'setns', 'clone', 'cgroup.write:cgroup.procs', 'execve:ps'])).toBe(true);
    const proc = d.engine.snapshot().processes!.find((p) => p.pid === ex.pid)!;
    expect(proc).toMatchObject({ ppid: init.ppid, namespaces: init.namespaces, containerId: id });
    expect(ex.nsPid).toBeGreaterThan(1);
    expect(d.engine.snapshot().cgroups![0]!.pidsCurrent).toBe(2);
    ex.exit(0);
    expect(d.engine.snapshot().processes!.some((p) => p.pid === ex.pid)).toBe(false);
  });

  it('is deterministic: the same seed gives the same pids, inodes and trace', () => {
    const run = (seed: string) => {
      const d = new EngineDriver(seed);
      d.runDetached(['sleep', '300']);
      return JSON.stringify([d.engine.snapshot().processes, d.engine.snapshot().namespaces, d.engine.trace.recent()]);
    };
    expect(run('same')).toBe(run('same'));
    expect(run('same')).not.toBe(run('other'));
  });
});
