import { describe, expect, it } from 'vitest';
import type { CgroupSnapshot, ContainerSnapshot, NamespaceType, ProcessSnapshot, Snapshot } from '../../../../core/model';
import { bytes, cgroupView, namespaceRows, processChain } from './kernelModel';

const HOST: Record<NamespaceType, number> = { cgroup: 10, ipc: 11, mnt: 12, net: 13, pid: 14, user: 15, uts: 16 };
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const proc = (pid: number, ppid: number, role: ProcessSnapshot['role'], command: string[], extra: Partial<ProcessSnapshot> = {}): ProcessSnapshot => ({
  pid,
  ppid,
  nsPid: pid,
  command,
  role,
  namespaces: HOST,
  cgroup: '/',
  ...extra,
});
const ctr = (id: string, name: string, pid: number): ContainerSnapshot => ({ id, name, pid, created: `2026-01-01T00:00:0${pid % 10}Z` }) as ContainerSnapshot;

const aNs = { ...HOST, ipc: 21, mnt: 22, net: 23, pid: 24, uts: 25 };
const snapshot: Pick<Snapshot, 'containers' | 'processes' | 'namespaces' | 'cgroups'> = {
  containers: [ctr(A, 'web', 201), ctr(B, 'side', 301)],
  processes: [
    proc(100, 1, 'dockerd', ['dockerd']),
    proc(101, 100, 'containerd', ['containerd']),
    proc(200, 1, 'shim', ['containerd-shim-runc-v2', '-id', A], { containerId: A }),
    proc(201, 200, 'container', ['sleep', '300'], { nsPid: 1, namespaces: aNs, containerId: A }),
    proc(203, 201, 'container', ['sh'], { nsPid: 3, namespaces: aNs, containerId: A }),
    proc(300, 1, 'shim', ['containerd-shim-runc-v2', '-id', B], { containerId: B }),
    // --net container:web
    proc(301, 300, 'container', ['sleep', '1'], { nsPid: 1, namespaces: { ...aNs, ipc: 31, mnt: 32, pid: 34, uts: 35 }, containerId: B }),
  ],
  namespaces: [
    ...Object.entries(HOST).map(([type, inode]) => ({ type: type as NamespaceType, inode, owner: 'host' })),
    ...(['ipc', 'mnt', 'net', 'pid', 'uts'] as const).map((type) => ({ type, inode: aNs[type], owner: A })),
    ...([['ipc', 31], ['mnt', 32], ['pid', 34], ['uts', 35]] as const).map(([type, inode]) => ({ type, inode, owner: B })),
  ],
  cgroups: [{ path: `/docker/${A}`, version: 1, containerId: A, files: { memory: { 'memory.limit_in_bytes': '67108864', 'cgroup.procs': '201' }, freezer: { 'freezer.state': 'FROZEN', tasks: '201' } }, memoryUsage: 16777216, memoryLimit: 67108864, pidsCurrent: 2, frozen: true }],
};

describe('kernel model', () => {
  it('draws the chain from the client to the container’s children, with both pids', () => {
    const chain = processChain(snapshot.processes!, snapshot.containers[0]!);
    expect(chain.map((n) => [n.role, n.pid, n.nsPid, n.depth])).toEqual([
      ['client', 0, 0, 0],
      ['dockerd', 100, 100, 0],
      ['containerd', 101, 101, 0],
      ['shim', 200, 200, 0],
      ['container', 201, 1, 0],
      ['container', 203, 3, 1],
    ]);
    expect(processChain(snapshot.processes!, null).map((n) => n.role)).toEqual(['client', 'dockerd', 'containerd']);
  });

  it('makes sharing explicit: --net container:web uses web’s net namespace, user is the host’s', () => {
    const rows = namespaceRows(snapshot);
    expect(rows.map((r) => r.label)).toEqual(['host', 'web', 'side']);
    const side = rows[2]!.cells;
    expect(side.find((c) => c.type === 'net')).toEqual({ type: 'net', inode: 23, sharedWith: 'web' });
    expect(side.find((c) => c.type === 'uts')).toEqual({ type: 'uts', inode: 35, sharedWith: null });
    expect(rows[1]!.cells.find((c) => c.type === 'user')).toEqual({ type: 'user', inode: 15, sharedWith: 'host' });
  });

  it('shows the cgroup directories, limit files and usage', () => {
    const v = cgroupView(snapshot, A)!;
    expect(v.dirs.map((d) => d.dir)).toEqual([`/sys/fs/cgroup/memory/docker/${A}`, `/sys/fs/cgroup/freezer/docker/${A}`]);
    expect(v.memoryFraction).toBe(0.25);
    expect(v.files).toEqual([
      { controller: 'memory', file: 'memory.limit_in_bytes', value: '67108864' },
      { controller: 'freezer', file: 'freezer.state', value: 'FROZEN' },
    ]);
    expect([v.cpuTime, v.blockIO]).toEqual([null, null]);
    expect(cgroupView(snapshot, B)).toBeNull();
    expect(bytes(67108864)).toBe('64MiB');
    expect(bytes(1536)).toBe('1.5KiB');
  });

  it.each<[string, Partial<CgroupSnapshot>, string | null, string | null]>([
    ['the real backend’s v1 figures', { cpuUsageNs: 187764692, blockRead: 1056768, blockWrite: 20971520 }, '0.19s', '1.06MB / 21MB'],
    ['nothing read or written yet', { cpuUsageNs: 0, blockRead: 0, blockWrite: 0 }, '0.00s', '0B / 0B'],
    ['CPU only (the simulator models no disk)', { cpuUsageNs: 2_500_000_000 }, '2.50s', null],
  ])('CPU time and block I/O as docker stats words them: %s', (_what, figures, cpu, io) => {
    const v = cgroupView({ cgroups: [{ ...snapshot.cgroups![0]!, ...figures }] }, A)!;
    expect([v.cpuTime, v.blockIO]).toEqual([cpu, io]);
  });
});
