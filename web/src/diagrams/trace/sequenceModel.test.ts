import { describe, expect, it } from 'vitest';
import type { TraceOp } from '../../../../core/model';
import { type SeqPhase, apiRequest, commandsOf, execLane, lastRunOf, layoutSequence, phaseOf, phaseOrder, pickCommand, runcSubcommand, sequenceOf, unobservedLanes } from './sequenceModel';

let seq = 0;
function op(o: string, args: TraceOp['args'], extra: Partial<TraceOp> = {}): TraceOp {
  return { seq: ++seq, time: seq, op: o, args, actor: 'runc', pid: 100, ...extra };
}

const RUNC = 'runc --root /var/run/docker/runtime-runc/moby --log /x/log.json --log-format json';

describe('phaseOf', () => {
  const table: [string, TraceOp, SeqPhase][] = [
    ['the overlay mount', op('mount', { fstype: 'overlay', source: 'overlay', target: '/var/lib/docker/overlay2/a/merged' }, { actor: 'dockerd' }), 'rootfs'],
    ['pivot_root', op('pivot_root', { new_root: '.', put_old: '.' }), 'rootfs'],
    ['umount of the old root', op('umount', { target: '/' }), 'rootfs'],
    ['the netns pinned by a bind mount', op('mount', { fstype: 'bind', source: '/proc/2450/ns/net', target: '/var/run/docker/netns/42fa' }, { actor: 'dockerd' }), 'network'],
    ['unshare', op('unshare', { flags: 'CLONE_NEWNS|CLONE_NEWPID' }), 'namespaces'],
    ['clone', op('clone', { flags: 'CLONE_PARENT|SIGCHLD', child: 5 }), 'namespaces'],
    ['setns by runc (docker exec joins the container)', op('setns', { type: 'net' }), 'namespaces'],
    ['setns by dockerd (to configure the container’s network)', op('setns', { type: 'net', fd: 14 }, { actor: 'dockerd' }), 'network'],
    ['sethostname', op('sethostname', { hostname: 'abc' }), 'namespaces'],
    ['cgroup.mkdir', op('cgroup.mkdir', { path: '/sys/fs/cgroup/memory/docker/a' }), 'cgroups'],
    ['cgroup.write', op('cgroup.write', { path: '/sys/fs/cgroup/memory/docker/a', file: 'memory.limit_in_bytes', value: '1' }), 'cgroups'],
    ['the OOM killer', op('oom_kill', { target: 5 }, { actor: 'kernel' }), 'cgroups'],
    ['veth', op('link.add', { type: 'veth', name: 'v1', peer: 'v2' }, { actor: 'dockerd' }), 'network'],
    ['addr.add', op('addr.add', { dev: 'eth0', addr: '172.17.0.2/16' }, { actor: 'dockerd' }), 'network'],
    ['route.add', op('route.add', { dst: 'default' }, { actor: 'dockerd' }), 'network'],
    ['iptables', op('iptables', { table: 'nat', rule: '-A DOCKER -j DNAT' }, { actor: 'dockerd' }), 'network'],
    ['dockerd running iptables', op('execve', { path: '/usr/sbin/iptables', argv: '/usr/sbin/iptables --wait -t nat -A DOCKER' }, { actor: 'dockerd' }), 'network'],
    ['the libnetwork prestart hook', op('execve', { path: '/proc/657/exe', argv: 'libnetwork-setkey -exec-root=/var/run/docker x y' }), 'network'],
    ['the entrypoint, sim (actor container)', op('execve', { path: '/bin/sleep', argv: 'sleep 60' }, { actor: 'container' }), 'start'],
    ['the entrypoint, bpftrace (actor runc)', op('execve', { path: '/bin/httpd', argv: 'httpd -f -p 80' }), 'start'],
    ['runc create', op('execve', { path: '/usr/sbin/runc', argv: `${RUNC} create --bundle b id` }, { actor: 'shim' }), 'runtime'],
    ['runc init', op('execve', { path: '/proc/self/exe', argv: 'runc init' }), 'runtime'],
    ['the shim', op('execve', { path: '/usr/bin/containerd-shim-runc-v2', argv: 'containerd-shim-runc-v2 -namespace moby -publish-binary x' }, { actor: 'containerd' }), 'runtime'],
    ['the docker client', op('execve', { path: '/usr/bin/docker', argv: 'docker ps' }, { actor: 'client' }), 'runtime'],
    ['a runtime process exits', op('exit', { code: 0 }, { actor: 'shim' }), 'runtime'],
    ['the container exits', op('exit', { code: 137, signal: 'SIGKILL' }, { actor: 'container' }), 'other'],
    ['a signal', op('kill', { sig: 'SIGTERM', target: 5 }), 'other'],
    ['an op no phase names', op('ptrace', {}), 'other'],
  ];
  it.each(table)('%s', (_, o, want) => expect(phaseOf(o)).toBe(want));
});

describe('runcSubcommand, execLane, apiRequest', () => {
  it.each([
    [`${RUNC} create --bundle /b --pid-file /p id`, 'create'],
    [`${RUNC} start id`, 'start'],
    [`${RUNC} kill id 15`, 'kill'],
    ['runc init', 'init'],
    ['/usr/bin/containerd-shim-runc-v2 -id x', ''],
  ])('runc subcommand of %s is %j', (argv, want) => expect(runcSubcommand(argv)).toBe(want));

  it.each<[string, TraceOp, string]>([
    ['shim, started by containerd', op('execve', { path: '/usr/bin/containerd-shim-runc-v2', argv: 'x' }, { actor: 'containerd' }), 'shim'],
    ['runc, started by the shim', op('execve', { path: '/usr/sbin/runc', argv: `${RUNC} start id` }, { actor: 'shim' }), 'runc'],
    ['runc init', op('execve', { path: '/proc/self/exe', argv: 'runc init' }), 'runc'],
    ['the entrypoint exec’d by runc init', op('execve', { path: '/bin/true', argv: 'true' }), 'container'],
    ['a hook stays on runc', op('execve', { path: '/proc/657/exe', argv: 'libnetwork-setkey a b' }), 'runc'],
    ['dockerd’s iptables', op('execve', { path: '/usr/sbin/iptables', argv: 'iptables' }, { actor: 'dockerd' }), 'dockerd'],
  ])('%s', (_, o, want) => expect(execLane(o)).toBe(want));

  it.each([
    ['docker run -d busybox sleep 60', 'POST /containers/create, POST /containers/{id}/start'],
    ['docker container run busybox', 'POST /containers/create, POST /containers/{id}/start'],
    ['docker -H unix:///x stop web', 'POST /containers/{id}/stop'],
    ['docker rm -f web', 'DELETE /containers/{id}'],
    ['docker inspect web', 'docker inspect → dockerd'],
    ['ls /', null],
    ['docker', null],
  ])('%s asks %j', (line, want) => expect(apiRequest(line)).toBe(want));
});

describe('sequenceOf', () => {
  const run = 'docker run -d busybox sleep 60';
  const id = 'c'.repeat(64);
  const shimArgv = `/usr/bin/containerd-shim-runc-v2 -namespace moby -address /s -publish-binary /usr/bin/containerd -id ${id}`;
  const ops: TraceOp[] = [
    op('execve', { path: '/usr/bin/docker', argv: run }, { actor: 'client', pid: 10, command: run }),
    op('mount', { fstype: 'overlay', source: 'overlay', target: '/var/lib/docker/overlay2/a/merged' }, { actor: 'dockerd', pid: 2, command: run }),
    op('link.add', { type: 'veth', name: 'v1', peer: 'v2' }, { actor: 'dockerd', pid: 2, command: run, affects: [{ kind: 'interface', id: 'v1' }] }),
    op('execve', { path: '/usr/bin/containerd-shim-runc-v2', argv: shimArgv }, { actor: 'shim', pid: 20, command: run }),
    op('execve', { path: '/usr/sbin/runc', argv: `${RUNC} create --bundle /b ${id}` }, { actor: 'runc', pid: 30, command: run }),
    op('cgroup.mkdir', { path: '/sys/fs/cgroup/cpu/docker/c' }, { pid: 30, command: run, affects: [{ kind: 'cgroup', id: '/docker/c' }] }),
    op('cgroup.write', { path: '/sys/fs/cgroup/cpu/docker/c', file: 'cgroup.procs', value: '31' }, { pid: 30, command: run, affects: [{ kind: 'cgroup', id: '/docker/c' }] }),
    op('cgroup.mkdir', { path: '/sys/fs/cgroup/memory/docker/c' }, { pid: 30, command: run, affects: [{ kind: 'cgroup', id: '/docker/c/mem' }] }),
    op('unshare', { flags: 'CLONE_NEWNS|CLONE_NEWPID' }, { pid: 31, command: run, affects: [{ kind: 'namespace', id: '4026532256' }] }),
    op('pivot_root', { new_root: '.', put_old: '.' }, { pid: 31, command: run }),
    op('exit', { code: 0 }, { pid: 30, command: run }),
    op('execve', { path: '/usr/sbin/runc', argv: `${RUNC} start ${id}` }, { actor: 'runc', pid: 32, command: run }),
    op('execve', { path: '/bin/sleep', argv: 'sleep 60' }, { actor: 'container', pid: 31, command: run, affects: [{ kind: 'process', id: '31' }] }),
    op('execve', { path: '/usr/bin/docker', argv: 'docker ps' }, { actor: 'client', pid: 40, command: 'docker ps' }),
  ];

  it('lists the commands that have ops and picks the latest by default', () => {
    expect(commandsOf(ops)).toEqual([run, 'docker ps']);
    expect(pickCommand(ops, null)).toBe('docker ps');
    expect(pickCommand(ops, run)).toBe(run);
    expect(pickCommand(ops, 'docker gone')).toBe('docker ps');
    expect(pickCommand([], null)).toBeNull();
  });

  it('draws the request, the task calls, each process start and each kernel call, in order, on their lanes', () => {
    const s = sequenceOf(ops, run);
    expect(s.lanes).toEqual(['client', 'dockerd', 'containerd', 'shim', 'runc', 'container', 'kernel']);
    expect(s.messages.map((m) => [m.from, m.to, m.label, m.derived])).toEqual([
      ['client', 'client', `execve ${run}`, false],
      ['client', 'dockerd', 'POST /containers/create, POST /containers/{id}/…', true],
      ['dockerd', 'kernel', 'mount overlay → …/lib/docker/overlay2/a/merged', false],
      ['dockerd', 'kernel', 'link.add type=veth name=v1 peer=v2', false],
      ['dockerd', 'containerd', 'Tasks.Create', true],
      ['containerd', 'shim', 'task.Create', true],
      ['containerd', 'shim', 'execve containerd-shim-runc-v2', false],
      ['shim', 'runc', 'execve runc create', false],
      ['runc', 'kernel', 'cgroup.mkdir, cgroup.write ×3', false],
      ['runc', 'kernel', 'unshare flags=CLONE_NEWNS|CLONE_NEWPID', false],
      ['runc', 'kernel', 'pivot_root → .', false],
      ['runc', 'kernel', 'exit 0 (runc create)', false],
      ['dockerd', 'containerd', 'Tasks.Start', true],
      ['containerd', 'shim', 'task.Start', true],
      ['shim', 'runc', 'execve runc start', false],
      ['runc', 'container', 'execve sleep 60', false],
    ]);
    // The collapsed cgroup arrow carries all three ops, so a step lights up every cgroup it made.
    expect(s.messages[8]!.ops.map((o) => o.op)).toEqual(['cgroup.mkdir', 'cgroup.write', 'cgroup.mkdir']);
  });

  it('groups the rows into phase bands in order, the exit of runc create with the runtime', () => {
    const s = sequenceOf(ops, run);
    expect(s.bands.map((b) => [b.phase, b.first, b.last])).toEqual([
      ['runtime', 0, 1],
      ['rootfs', 2, 2],
      ['network', 3, 3],
      ['runtime', 4, 7],
      ['cgroups', 8, 8],
      ['namespaces', 9, 9],
      ['rootfs', 10, 10],
      ['runtime', 11, 14],
      ['start', 15, 15],
    ]);
    expect(phaseOrder(s, ['rootfs', 'namespaces', 'cgroups', 'network', 'start'])).toEqual(['rootfs', 'network', 'cgroups', 'namespaces', 'start']);
  });

  it('draws the latest run of a line typed twice, not both mixed', () => {
    const again = [
      ...ops,
      op('exit', { code: 0 }, { actor: 'container', pid: 31 }),
      op('execve', { path: '/usr/bin/docker', argv: run }, { actor: 'client', pid: 50, command: run }),
      op('unshare', { flags: 'CLONE_NEWNS' }, { pid: 51, command: run }),
    ];
    expect(lastRunOf(again, run).map((o) => o.pid)).toEqual([50, 51]);
    expect(sequenceOf(again, run).messages.map((m) => m.label)).toEqual([`execve ${run}`, 'POST /containers/create, POST /containers/{id}/…', 'unshare flags=CLONE_NEWNS']);
    expect(lastRunOf(ops, 'docker ps').map((o) => o.pid)).toEqual([40]);
    expect(lastRunOf(ops, 'never run')).toEqual([]);
  });

  it('leaves out another container’s ops put down to the same line (a shared real engine), keeping those that name none', () => {
    const mixed = [
      op('mount', { fstype: 'overlay', source: 'overlay', target: '/m' }, { actor: 'dockerd', command: run }),
      op('unshare', { flags: 'CLONE_NEWNS' }, { containerId: 'mine', command: run }),
      op('execve', { path: '/bin/sleep', argv: 'sleep 86400' }, { containerId: 'theirs', command: run }),
      op('execve', { path: '/bin/sleep', argv: 'sleep 60' }, { containerId: 'mine', command: run }),
    ];
    const labels = (containerId: string | null): string[] => sequenceOf(mixed, run, { containerId }).messages.filter((m) => !m.derived).map((m) => m.label);
    expect(labels('mine')).toEqual(['mount overlay → /m', 'unshare flags=CLONE_NEWNS', 'execve sleep 60']);
    expect(labels(null)).toEqual(['mount overlay → /m', 'unshare flags=CLONE_NEWNS', 'execve sleep 86400', 'execve sleep 60']);
  });

  it('keeps every op as its own arrow when asked not to collapse', () => {
    expect(sequenceOf(ops, run, { collapse: false }).messages.filter((m) => m.ops[0]?.op.startsWith('cgroup.'))).toHaveLength(3);
  });

  it('puts the request first when the trace saw no client (the real tracer watches only dockerd and containerd)', () => {
    const s = sequenceOf(ops.slice(1), run);
    expect(s.messages[0]).toMatchObject({ from: 'client', to: 'dockerd', derived: true });
  });

  it('names the lanes drawn only from derived calls: the client the real tracer never sees, dockerd answering docker ps from memory', () => {
    // The sim traces the client's execve: every lane with an arrow has a traced op.
    expect(unobservedLanes(sequenceOf(ops, run))).toEqual([]);
    // The real tracers watch dockerd and containerd, not the client: its only arrow is the derived request.
    expect(unobservedLanes(sequenceOf(ops.slice(1), run))).toEqual(['client']);
    // The request and its answerer are both inferred; the lanes with no arrow at all (containerd, the shim) are not noted.
    expect(unobservedLanes(sequenceOf([op('exit', { code: 0 }, { actor: 'runc', command: 'docker ps' })], 'docker ps'))).toEqual(['client', 'dockerd']);
  });

  it('does not derive a request the trace shows', () => {
    const withApi = [op('api', { method: 'POST', path: '/containers/create' }, { actor: 'client', command: run }), ...ops];
    expect(sequenceOf(withApi, run).messages.filter((m) => m.derived && m.to === 'dockerd')).toHaveLength(0);
  });

  it('draws the OOM killer from the kernel to the container', () => {
    const oom = op('oom_kill', { target: 31 }, { actor: 'kernel', pid: 0, containerId: 'c', command: 'docker start c' });
    expect(sequenceOf([oom], 'docker start c').messages.at(-1)).toMatchObject({ from: 'kernel', to: 'container', phase: 'cgroups' });
  });

  it('lays the lanes out left to right after the phase column, a row per message', () => {
    const s = sequenceOf(ops, run);
    const g = layoutSequence(s, 1280);
    const xs = s.lanes.map((l) => g.laneX[l]);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(xs[0]).toBeGreaterThan(g.bandWidth);
    expect(xs[xs.length - 1]).toBeLessThan(1280);
    expect(g.rowY(1) - g.rowY(0)).toBe(g.rowHeight);
    expect(g.height).toBeGreaterThan(g.rowY(s.messages.length - 1));
  });
});
