/**
 * df, free, mount and uname against output captured from the real tools
 * (fixtures/system.json, made by fixtures/capture-system.sh: busybox inside
 * `docker run busybox`, GNU on a Debian 12 host), each with the state it was
 * printed from: the mount table with statfs numbers, /proc/meminfo, uname.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemFs } from '../memfs';
import { never } from '../../ports';
import type { UtilContext, UtilMemory, UtilMount, UtilSystem } from '../context';
import { utilities } from './index';

interface Capture {
  flavor: 'gnu' | 'busybox';
  command: string;
  mounts?: string[];
  statfs?: string[];
  meminfo?: string[];
  uname?: string[];
  output: string;
  code: number;
}

const CAPTURES: Capture[] = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'system.json'), 'utf8'));

/** /proc/mounts lines and, in the same order, "dev target blocks bfree bavail bsize files ffree" from stat -f. */
function mountsOf(c: Capture): UtilMount[] {
  return (c.mounts ?? []).map((line, i) => {
    const [source, target, fstype, options] = line.split(' ') as [string, string, string, string];
    const [dev, , b, f, a, bs, files, ffree] = (c.statfs?.[i] ?? '0:0 / 0 0 0 4096 0 0').split(' ');
    const k = (n: string | undefined): number => (Number(n) * Number(bs)) / 1024;
    return { source, target, fstype, options, blocks: k(b), used: k(b) - k(f), avail: k(a), files: Number(files), filesFree: Number(ffree), dev: dev! };
  });
}

function memoryOf(c: Capture): UtilMemory {
  const kb = (name: string): number => Number(/\s(\d+) kB/.exec(c.meminfo!.find((l) => l.startsWith(name + ':'))!)![1]);
  return { total: kb('MemTotal'), free: kb('MemFree'), available: kb('MemAvailable'), shared: kb('Shmem'), buffers: kb('Buffers'), cached: kb('Cached') + kb('SReclaimable'), swapTotal: kb('SwapTotal'), swapFree: kb('SwapFree') };
}

function system(c: Capture): UtilSystem {
  return {
    processes: () => [],
    kill: () => 'ESRCH',
    mounts: () => mountsOf(c),
    memory: () => memoryOf(c),
    terminal: () => null,
    kernel: { release: c.uname?.[2] ?? '', version: c.uname?.[3] ?? '', machine: c.uname?.[4] ?? '' },
    privileged: false,
  };
}

async function run(argv: string[], flavor: 'gnu' | 'busybox', sys: UtilSystem | undefined, hostname = 'glassbox', fs = new MemFs()): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const ctx: UtilContext = {
    argv,
    io: { stdin: null, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt: never, stdinIsTTY: false },
    stdoutIsTTY: false,
    fs,
    cwd: '/',
    env: {},
    user: 'root',
    hostname,
    flavor,
    now: () => 0,
    sleep: async () => true,
    exec: async () => 'ENOENT',
    sys,
  };
  const code = await utilities[argv[0]!]!(ctx);
  return { stdout, stderr, code };
}

describe('system utilities print what the real ones printed from the same state', () => {
  it.each(CAPTURES.map((c) => [`${c.flavor}: ${c.command}`, c] as const))('%s', async (_name, c) => {
    const argv = c.command.split(' ');
    // The captured mount table has the file operand's mount; MemFs only needs the path to exist.
    const fs = new MemFs();
    for (const op of argv.slice(1).filter((a) => a.startsWith('/'))) fs.writeFile(op, '');
    const hostname = c.uname?.[1] ?? 'glassbox';
    const r = await run(argv, c.flavor, system(c), hostname, fs);
    expect(r).toEqual({ stdout: c.output, stderr: '', code: c.code });
  });
});

describe('without the system they say so', () => {
  it.each(['ps', 'df', 'free', 'mount', 'uname'])('%s: glassbox: not simulated here, exit 2', async (name) => {
    for (const flavor of ['gnu', 'busybox'] as const) {
      expect(await run([name], flavor, undefined)).toEqual({ stdout: '', stderr: `glassbox: ${name}: not simulated here\n`, code: 2 });
    }
  });
});
