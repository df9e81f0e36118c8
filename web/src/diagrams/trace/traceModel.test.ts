import { describe, expect, it } from 'vitest';
import type { TraceOp } from '../../../../core/model';
import { argsText, groupTrace, mergeTrace, phaseOf } from './traceModel';

let seq = 0;
function op(o: string, args: TraceOp['args'], extra: Partial<TraceOp> = {}): TraceOp {
  return { seq: ++seq, time: seq, op: o, args, actor: 'runc', pid: 100, ...extra };
}

describe('trace model', () => {
  const run = 'docker run -d --name web busybox sleep 300';
  const ops = [
    op('mount', { fstype: 'overlay', source: 'overlay', target: '/var/lib/docker/overlay2/x/merged' }, { actor: 'dockerd', command: run }),
    op('link.add', { type: 'veth', name: 'veth1', peer: 'veth2' }, { actor: 'dockerd', command: run }),
    op('cgroup.mkdir', { path: '/sys/fs/cgroup/memory/docker/a' }, { command: run, containerId: 'a' }),
    op('cgroup.write', { path: '/sys/fs/cgroup/memory/docker/a', file: 'cgroup.procs', value: '4242' }, { command: run, containerId: 'a' }),
    op('unshare', { flags: 'CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET' }, { command: run, containerId: 'a' }),
    op('pivot_root', { new_root: '.', put_old: '.' }, { command: run, containerId: 'a' }),
    op('execve', { path: '/bin/sleep', argv: 'sleep 300' }, { command: run, containerId: 'a' }),
    op('exit', { code: 0 }, { actor: 'container', containerId: 'b' }),
    op('kill', { sig: 'SIGTERM', target: 4242 }, { command: 'docker stop web', containerId: 'a' }),
  ];

  it('groups ops per command, then by phase, in order', () => {
    const g = groupTrace(ops);
    expect(g.map((c) => [c.command, c.count])).toEqual([
      [run, 7],
      [null, 1],
      ['docker stop web', 1],
    ]);
    expect(g[0]!.phases.map((p) => [p.phase, p.ops.length])).toEqual([
      ['filesystem', 1],
      ['network', 1],
      ['cgroups', 2],
      ['namespaces', 1],
      ['filesystem', 1],
      ['process', 1],
    ]);
  });

  it('filters by words and by container (dockerd’s unattributed work stays)', () => {
    expect(groupTrace(ops, { text: 'veth' }).flatMap((c) => c.phases.flatMap((p) => p.ops.map((o) => o.op)))).toEqual(['link.add']);
    expect(groupTrace(ops, { text: 'runc CLONE_NEWPID' })[0]!.count).toBe(1);
    const onlyA = groupTrace(ops, { containerId: 'a' });
    expect(onlyA.map((c) => c.command)).toEqual([run, 'docker stop web']);
    expect(onlyA[0]!.count).toBe(7);
  });

  it('merges snapshots and live events by seq, bounded', () => {
    const a = ops.slice(0, 4);
    expect(mergeTrace(a, ops.slice(2)).map((o) => o.seq)).toEqual(ops.map((o) => o.seq));
    expect(mergeTrace(a, ops.slice(4), 3).map((o) => o.seq)).toEqual(ops.slice(-3).map((o) => o.seq));
    expect(mergeTrace(a, [])).toBe(a);
  });

  it('says what each op did in one line', () => {
    expect(argsText(ops[0]!)).toBe('overlay overlay → /var/lib/docker/overlay2/x/merged');
    expect(argsText(ops[3]!)).toBe('/sys/fs/cgroup/memory/docker/a/cgroup.procs ← 4242');
    expect(argsText(ops[8]!)).toBe('SIGTERM → 4242');
    expect(argsText(op('cgroup.mkdir', { path: `/sys/fs/cgroup/memory/docker/${'ab'.repeat(32)}` }))).toBe('path=/sys/fs/cgroup/memory/docker/abababababab…');
    expect(phaseOf('iptables')).toBe('network');
    expect(phaseOf('sethostname')).toBe('namespaces');
    expect(phaseOf('oom_kill')).toBe('process');
  });
});
