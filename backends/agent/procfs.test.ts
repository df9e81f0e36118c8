import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContainerSnapshot } from '../../core/model';
import { cgroupFigures, containerIdInPath, parseIoServiceBytes, parseIoStat, parseLimit, parseNsLink, parseProcCgroup, parseStatus, readKernel } from './procfs';

const FIX = new URL('../../test/agent/fixtures/procfs/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIX), 'utf8');
const ID = '00d7a313f3de9a7754e2fcd37ad321e5452dde555cc65bc36c210ea766264caa';

describe('procfs parsers on files recorded from a `docker run --memory 64m busybox sleep 300`', () => {
  it('reads NSpid: the host pid and the pid inside the container', () => {
    expect(parseStatus(fixture('container-status.txt'))).toMatchObject({ name: 'sleep', ppid: 7170, nspid: [7214, 1] });
  });

  it('reads /proc/PID/cgroup on v1, every controller under /docker/<id>', () => {
    const cg = parseProcCgroup(fixture('container-cgroup-v1.txt'));
    expect(cg.get('memory')).toBe(`/docker/${ID}`);
    expect(cg.get('cpuacct')).toBe(`/docker/${ID}`);
    expect(cg.get('name=systemd')).toBe(`/docker/${ID}`);
    expect(cg.get('')).toBe(`/docker/${ID}`);
    expect(parseProcCgroup(fixture('host-cgroup.txt')).get('memory')).toBe('/');
  });

  it('reads namespace links and limits', () => {
    const links = Object.fromEntries(fixture('container-ns.txt').trim().split('\n').map((l) => l.split(' ') as [string, string]));
    expect(parseNsLink(links.net!)).toBe(4026532573);
    expect(parseNsLink('not a link')).toBe(0);
    expect(parseLimit(fixture('memory-v1.txt').split('\n')[1])).toBe(64 * 1024 * 1024);
    expect(parseLimit('9223372036854771712')).toBe(0);
    expect(parseLimit('max')).toBe(0);
    expect(containerIdInPath(`/system.slice/docker-${ID}.scope`)).toBe(ID);
    expect(containerIdInPath(`/docker/${ID}`)).toBe(ID);
  });
});

/**
 * CPU time and block I/O, docker stats' CPU and BLOCK I/O columns.
 * cpuacct-usage-v1.txt and blkio-io-service-bytes-v1-idle.txt are recorded
 * from a busybox busy loop on this project's host (whose virtual disk the
 * kernel does not account per cgroup: "Total 0"); the other three are written
 * in the kernel's formats (blk-cgroup's per-device Read/Write/Sync/Async/
 * Discard/Total lines, and v2's io.stat and cpu.stat) for two devices.
 */
describe('CPU and block I/O from the cgroup files', () => {
  it.each([
    ['two devices, each with its Total, then the overall Total', fixture('blkio-io-service-bytes-v1.txt'), { read: 1052672 + 4096, write: 20971520 }],
    ['nothing accounted (recorded)', fixture('blkio-io-service-bytes-v1-idle.txt'), { read: 0, write: 0 }],
    ['empty', '', { read: 0, write: 0 }],
  ])('blkio.throttle.io_service_bytes: %s', (_what, text, expected) => {
    expect(parseIoServiceBytes(text)).toEqual(expected);
  });

  it('io.stat (v2): rbytes and wbytes summed over the devices', () => {
    expect(parseIoStat(fixture('io-stat-v2.txt'))).toEqual({ read: 1052672 + 4096, write: 20971520 });
    expect(parseIoStat('')).toEqual({ read: 0, write: 0 });
  });

  it.each<[string, 1 | 2, Record<string, Record<string, string>>, Record<string, number | undefined>]>([
    [
      'v1: cpuacct.usage in ns, blkio in bytes',
      1,
      { cpuacct: { 'cpuacct.usage': fixture('cpuacct-usage-v1.txt').trim() }, blkio: { 'blkio.throttle.io_service_bytes': fixture('blkio-io-service-bytes-v1.txt') } },
      { cpuUsageNs: 187764692, blockRead: 1056768, blockWrite: 20971520 },
    ],
    ['v1: the files missing (a kernel without the controllers)', 1, {}, { cpuUsageNs: undefined, blockRead: undefined, blockWrite: undefined }],
    ['v1: a counter that is not a number', 1, { cpuacct: { 'cpuacct.usage': 'garbage' } }, { cpuUsageNs: undefined }],
    [
      'v2: cpu.stat usage_usec in µs, io.stat in bytes',
      2,
      { '': { 'cpu.stat': fixture('cpu-stat-v2.txt'), 'io.stat': fixture('io-stat-v2.txt') } },
      { cpuUsageNs: 187764000, blockRead: 1056768, blockWrite: 20971520 },
    ],
    ['v2: no io.stat (io controller not enabled)', 2, { '': { 'cpu.stat': 'usage_usec 5' } }, { cpuUsageNs: 5000, blockRead: undefined }],
  ])('%s', (_what, version, files, expected) => {
    const figures = cgroupFigures(version, files);
    for (const [key, value] of Object.entries(expected)) expect(figures[key as keyof typeof figures], key).toBe(value);
  });
});

describe('readKernel over a proc tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'gb-procfs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const proc = join(root, 'proc');
  const cgroup = join(root, 'cgroup');
  const ns = (inodes: Record<string, number>): Record<string, number> => ({ cgroup: 4026531835, ipc: 1, mnt: 2, net: 3, pid: 4, user: 4026531837, uts: 5, ...inodes });
  function addProc(pid: number, ppid: number, name: string, argv: string[], nspid: number[], inodes: Record<string, number>, cg: string): void {
    const dir = join(proc, String(pid));
    mkdirSync(join(dir, 'ns'), { recursive: true });
    writeFileSync(join(dir, 'status'), `Name:\t${name}\nPPid:\t${ppid}\nNSpid:\t${nspid.join('\t')}\n`);
    writeFileSync(join(dir, 'cmdline'), `${argv.join('\0')}\0`);
    writeFileSync(join(dir, 'cgroup'), cg);
    for (const [t, i] of Object.entries(inodes)) symlinkSync(`${t}:[${i}]`, join(dir, 'ns', t));
  }
  const hostNs = ns({ ipc: 4026531839, mnt: 4026531841, net: 4026531840, pid: 4026531836, uts: 4026531838 });
  const ctrNs = ns({ ipc: 4026532571, mnt: 4026532569, net: 4026532573, pid: 4026532572, uts: 4026532570 });
  addProc(1, 0, 'init', ['/sbin/init'], [1], hostNs, '4:memory:/\n0::/\n');
  addProc(100, 1, 'dockerd', ['dockerd'], [100], hostNs, '4:memory:/\n');
  addProc(101, 100, 'containerd', ['containerd', '--config', 'x'], [101], hostNs, '4:memory:/\n');
  addProc(200, 1, 'containerd-shim', ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', ID], [200], hostNs, '4:memory:/\n');
  addProc(201, 200, 'sleep', ['sleep', '300'], [201, 1], ctrNs, `4:memory:/docker/${ID}\n6:freezer:/docker/${ID}\n2:cpuacct:/docker/${ID}\n7:blkio:/docker/${ID}\n0::/docker/${ID}\n`);
  addProc(202, 201, 'sh', ['sh'], [202, 7], ctrNs, `4:memory:/docker/${ID}\n`);
  addProc(300, 1, 'bash', ['bash'], [300], hostNs, '4:memory:/\n');
  mkdirSync(join(cgroup, 'memory', 'docker', ID), { recursive: true });
  mkdirSync(join(cgroup, 'freezer', 'docker', ID), { recursive: true });
  writeFileSync(join(cgroup, 'memory', 'docker', ID, 'memory.limit_in_bytes'), '67108864\n');
  writeFileSync(join(cgroup, 'memory', 'docker', ID, 'memory.usage_in_bytes'), '327680\n');
  writeFileSync(join(cgroup, 'freezer', 'docker', ID, 'freezer.state'), 'FROZEN\n');
  mkdirSync(join(cgroup, 'cpuacct', 'docker', ID), { recursive: true });
  mkdirSync(join(cgroup, 'blkio', 'docker', ID), { recursive: true });
  writeFileSync(join(cgroup, 'cpuacct', 'docker', ID, 'cpuacct.usage'), fixture('cpuacct-usage-v1.txt'));
  writeFileSync(join(cgroup, 'blkio', 'docker', ID, 'blkio.throttle.io_service_bytes'), fixture('blkio-io-service-bytes-v1.txt'));
  const container = { id: ID, pid: 201, created: '2026-11-27T21:05:00Z' } as ContainerSnapshot;

  it('finds the chain dockerd → containerd, the shim and the container’s processes with both pids', () => {
    const { processes } = readKernel([container], { procRoot: proc, cgroupRoot: cgroup });
    expect(processes.map((p) => [p.pid, p.role, p.nsPid, p.containerId ?? ''])).toEqual([
      [100, 'dockerd', 100, ''],
      [101, 'containerd', 101, ''],
      [200, 'shim', 200, ID],
      [201, 'container', 1, ID],
      [202, 'container', 7, ID],
    ]);
    expect(processes[3]).toMatchObject({ command: ['sleep', '300'], cgroup: `/docker/${ID}`, namespaces: { net: 4026532573, user: 4026531837 } });
  });

  it('lists the host’s namespaces and the container’s own, shared ones once', () => {
    const { namespaces } = readKernel([container], { procRoot: proc, cgroupRoot: cgroup });
    expect(namespaces.filter((n) => n.owner === ID).map((n) => n.type).sort()).toEqual(['ipc', 'mnt', 'net', 'pid', 'uts']);
    expect(namespaces.find((n) => n.type === 'user')).toEqual({ type: 'user', inode: 4026531837, owner: 'host' });
  });

  it('takes the host’s namespaces from dockerd when PID 1’s cannot be read', () => {
    rmSync(join(proc, '1', 'ns'), { recursive: true });
    const { namespaces } = readKernel([container], { procRoot: proc, cgroupRoot: cgroup });
    expect(namespaces.filter((n) => n.owner === 'host').map((n) => [n.type, n.inode])).toContainEqual(['net', 4026531840]);
    expect(namespaces.find((n) => n.type === 'user')).toEqual({ type: 'user', inode: 4026531837, owner: 'host' });
  });

  it('reads the container’s cgroup files: the limit, the usage, the freezer, CPU time and block I/O', () => {
    const { cgroups } = readKernel([container], { procRoot: proc, cgroupRoot: cgroup });
    expect(cgroups).toEqual([
      expect.objectContaining({ path: `/docker/${ID}`, version: 1, containerId: ID, memoryLimit: 67108864, memoryUsage: 327680, frozen: true, cpuUsageNs: 187764692, blockRead: 1056768, blockWrite: 20971520 }),
    ]);
    expect(cgroups[0]!.files.cpuacct).toEqual({ 'cpuacct.usage': '187764692' });
    expect(cgroups[0]!.files.memory!['memory.limit_in_bytes']).toBe('67108864');
  });
});
