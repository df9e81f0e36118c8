import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../engine/testDriver';
import { MemFs } from '../shell/memfs';
import type { Fs } from '../shell/filesystem';
import { parseMemoryLimit } from './hierarchy';
import { processFs } from './views';

/**
 * The host's cgroup hierarchies as root changes them through /sys/fs/cgroup,
 * with the kernel's answers (values and errnos read on the reference host:
 * `mkdir /sys/fs/cgroup/cpu/probe; echo V > …/cpu.cfs_quota_us; cat …`).
 */

function host() {
  const d = new EngineDriver('hierarchy');
  const kernel = d.engine.kernel;
  const fs = processFs(kernel, new MemFs(), kernel.shellPid, () => 0);
  return { d, kernel, fs };
}

function read(fs: Fs, path: string): string {
  const r = fs.tryRead(path);
  return 'data' in r ? r.data : `<${r.error}>`;
}

/** Writes `value` into a fresh cgroup's knob: what it then reads, or the errno. */
function writeKnob(controller: string, knob: string, value: string): string {
  const { fs } = host();
  fs.mkdir(`/sys/fs/cgroup/${controller}/probe`);
  const path = `/sys/fs/cgroup/${controller}/probe/${knob}`;
  const e = fs.writeFile(path, value);
  return e ?? read(fs, path);
}

describe('a fresh cgroup', () => {
  it.each([
    ['cpu', 'cpu.cfs_quota_us', '-1\n'],
    ['cpu', 'cpu.cfs_period_us', '100000\n'],
    ['cpu', 'cpu.shares', '1024\n'],
    ['cpu', 'tasks', ''],
    ['cpu', 'cgroup.procs', ''],
    ['cpu', 'notify_on_release', '0\n'],
    ['memory', 'memory.limit_in_bytes', '9223372036854771712\n'],
    ['memory', 'memory.usage_in_bytes', '0\n'],
    ['memory', 'memory.force_empty', '<EINVAL>'],
    ['cpuset', 'cpuset.cpus', '\n'],
    ['pids', 'pids.max', 'max\n'],
    ['freezer', 'freezer.state', 'THAWED\n'],
  ])('%s/%s reads %j', (controller, knob, want) => {
    const { fs } = host();
    expect(fs.mkdir(`/sys/fs/cgroup/${controller}/probe`)).toBeUndefined();
    expect(read(fs, `/sys/fs/cgroup/${controller}/probe/${knob}`)).toBe(want);
  });

  it('has the reference host’s files in cpu/', () => {
    const { fs } = host();
    fs.mkdir('/sys/fs/cgroup/cpu/probe');
    expect(fs.readdir('/sys/fs/cgroup/cpu/probe')).toEqual([
      'cgroup.clone_children', 'cgroup.procs', 'cpu.cfs_burst_us', 'cpu.cfs_period_us', 'cpu.cfs_quota_us', 'cpu.idle',
      'cpu.rt_period_us', 'cpu.rt_runtime_us', 'cpu.shares', 'cpu.stat', 'cpu.stat.local', 'notify_on_release', 'tasks',
    ]);
    expect(fs.stat('/sys/fs/cgroup/cpu/probe/cpu.stat')).toMatchObject({ mode: 0o444, size: 0 });
    expect(fs.stat('/sys/fs/cgroup/cpu/probe/tasks')).toMatchObject({ mode: 0o644 });
  });
});

describe('writing a knob', () => {
  it.each([
    ['cpu', 'cpu.cfs_quota_us', '20000\n', '20000\n'],
    ['cpu', 'cpu.cfs_quota_us', '-5\n', '-1\n'],
    ['cpu', 'cpu.cfs_quota_us', '0\n', 'EINVAL'],
    ['cpu', 'cpu.cfs_quota_us', '999\n', 'EINVAL'],
    ['cpu', 'cpu.cfs_quota_us', '1000\n', '1000\n'],
    ['cpu', 'cpu.cfs_quota_us', 'abc\n', 'EINVAL'],
    ['cpu', 'cpu.cfs_quota_us', ' 2000\n', 'EINVAL'],
    ['cpu', 'cpu.cfs_quota_us', '18446744073709551615\n', 'EINVAL'],
    ['cpu', 'cpu.shares', '0\n', '2\n'],
    ['cpu', 'cpu.shares', '3\n', '3\n'],
    ['cpu', 'cpu.shares', '300000\n', '262144\n'],
    ['cpu', 'cpu.shares', '-1\n', 'EINVAL'],
    ['cpu', 'cpu.cfs_period_us', '999\n', 'EINVAL'],
    ['cpu', 'cpu.cfs_period_us', '1000\n', '1000\n'],
    ['cpu', 'cpu.cfs_period_us', '1000001\n', 'EINVAL'],
    ['cpu', 'cpu.stat', '1\n', 'EACCES'],
    ['memory', 'memory.limit_in_bytes', '100000\n', '98304\n'],
    ['memory', 'memory.limit_in_bytes', '64m\n', '67108864\n'],
    ['memory', 'memory.limit_in_bytes', '1G\n', '1073741824\n'],
    ['memory', 'memory.limit_in_bytes', '-1\n', '9223372036854771712\n'],
    ['memory', 'memory.limit_in_bytes', '-2\n', 'EINVAL'],
    ['memory', 'memory.limit_in_bytes', 'abc\n', 'EINVAL'],
    ['pids', 'pids.max', '10\n', '10\n'],
    ['pids', 'pids.max', 'max\n', 'max\n'],
    ['pids', 'pids.max', '-1\n', 'EINVAL'],
    ['cpuset', 'cpuset.cpus', '0-1\n', '0-1\n'],
    ['cpuset', 'cpuset.cpus', '5\n', 'ERANGE'],
    ['cpu', 'tasks', '99999\n', 'ESRCH'],
    ['cpu', 'tasks', 'abc\n', 'EINVAL'],
  ])('%s/%s ← %j: %j', (controller, knob, value, want) => {
    expect(writeKnob(controller, knob, value)).toBe(want);
  });

  it.each([
    ['-1', '9223372036854771712'],
    ['4096', '4096'],
    ['4097', '4096'],
    ['1k', '0'],
    ['8k', '8192'],
    ['9223372036854775807', '9223372036854771712'],
    ['1e', '1152921504606846976'],
    ['8e', '9223372036854771712'],
    ['1.5G', 'EINVAL'],
  ])('memparse %s → %s', (input, want) => {
    expect(parseMemoryLimit(input + '\n')).toBe(want);
  });
});

describe('the course’s demo: a cgroup made by hand', () => {
  it('moves the shell in with tasks; rmdir is EBUSY until it leaves; children start in their parent’s cgroup', () => {
    const { fs, kernel } = host();
    const shell = kernel.shellPid;
    expect(fs.mkdir('/sys/fs/cgroup/cpu/demo')).toBeUndefined();
    expect(fs.mkdir('/sys/fs/cgroup/cpu/demo')).toBe('EEXIST');
    expect(fs.writeFile('/sys/fs/cgroup/cpu/demo/tasks', `${shell}\n`)).toBeUndefined();
    expect(read(fs, `/proc/${shell}/cgroup`)).toContain('\n1:cpu:/demo\n');
    expect(read(fs, `/proc/${shell}/cgroup`)).toContain('\n4:memory:/\n');
    expect(read(fs, '/sys/fs/cgroup/cpu/demo/tasks')).toBe(`${shell}\n`);
    const child = kernel.hostExec(['cat']);
    expect(read(fs, '/sys/fs/cgroup/cpu/demo/tasks')).toBe(`${shell}\n${child}\n`);
    kernel.hostExit(child);
    expect(fs.remove('/sys/fs/cgroup/cpu/demo', { dir: true })).toBe('EBUSY');
    expect(fs.writeFile('/sys/fs/cgroup/cpu/tasks', `${shell}\n`)).toBeUndefined();
    expect(read(fs, `/proc/${shell}/cgroup`)).toContain('\n1:cpu:/\n');
    expect(fs.remove('/sys/fs/cgroup/cpu/demo', { dir: true })).toBeUndefined();
    expect(fs.exists('/sys/fs/cgroup/cpu/demo')).toBe(false);
    expect(fs.remove('/sys/fs/cgroup/cpu/demo', { dir: true })).toBe('ENOENT');
  });

  it('refuses new files, a cgroup without its parent, and a cpuset with no CPUs yet', () => {
    const { fs, kernel } = host();
    expect(fs.writeFile('/sys/fs/cgroup/cpu/newfile', 'x')).toBe('EACCES');
    expect(fs.mkdir('/sys/fs/cgroup/cpu/a/b')).toBe('ENOENT');
    expect(fs.mkdir('/sys/fs/cgroup/cpu/a/b', { parents: true })).toBeUndefined();
    expect(fs.remove('/sys/fs/cgroup/cpu/a', { dir: true })).toBe('EBUSY');
    fs.mkdir('/sys/fs/cgroup/cpuset/c');
    expect(fs.writeFile('/sys/fs/cgroup/cpuset/c/tasks', `${kernel.shellPid}\n`)).toBe('ENOSPC');
    expect(fs.writeFile('/sys/fs/cgroup/cpuset/c/cpuset.cpus', '0\n')).toBeUndefined();
    expect(fs.writeFile('/sys/fs/cgroup/cpuset/c/tasks', `${kernel.shellPid}\n`)).toBeUndefined();
    expect(read(fs, '/proc/cgroups')).toMatch(/\ncpuset\t3\t3\t1\n/);
  });

  it('a limit written into a container’s cgroup takes effect; unmodelled knobs are refused', () => {
    const { d, fs, kernel } = host();
    const id = d.runDetached(['sleep', '300'], { resources: { memory: 64 * 1024 * 1024 } });
    const dir = `/sys/fs/cgroup/memory/docker/${id}`;
    expect(fs.writeFile(`${dir}/memory.limit_in_bytes`, '100m\n')).toBeUndefined();
    expect(kernel.cgroupState(id)!.resources.memory).toBe(100 * 1024 * 1024);
    expect(read(fs, `${dir}/memory.limit_in_bytes`)).toBe('104857600\n');
    expect(fs.writeFile(`${dir}/memory.limit_in_bytes`, '4096\n')).toBe('EBUSY');
    expect(fs.writeFile(`${dir}/memory.limit_in_bytes`, '1G\n')).toBe('EINVAL'); // above memsw (2 × 64m)
    expect(fs.writeFile(`/sys/fs/cgroup/cpu/docker/${id}/cpu.cfs_quota_us`, '50000\n')).toBeUndefined();
    expect(read(fs, `/sys/fs/cgroup/cpu/docker/${id}/cpu.cfs_quota_us`)).toBe('50000\n');
    expect(fs.writeFile(`/sys/fs/cgroup/freezer/docker/${id}/freezer.state`, 'FROZEN\n')).toBe('EPERM');
    expect(fs.remove(`/sys/fs/cgroup/cpu/docker/${id}`, { dir: true })).toBe('EBUSY');
  });
});
