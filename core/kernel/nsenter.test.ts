import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../engine/testDriver';
import type { ProcessIO } from '../process';
import { nsenterCommand, type NsenterTarget } from './nsenter';

function io(): ProcessIO & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    stdin: null,
    stdinIsTTY: false,
    interrupt: { interrupted: false, onInterrupt: () => () => {} },
    stdout: (t: string) => void (r.out += t),
    stderr: (t: string) => void (r.err += t),
  };
  return r;
}

/** nsenter over a kernel with one running container; the command "runs" by reporting where it is. */
function setup() {
  const d = new EngineDriver('nsenter');
  const id = d.runDetached(['sleep', '300']);
  const pid = (d.engine.inspect(id).State as { Pid: number }).Pid;
  const kernel = d.engine.kernel;
  const ran: { argv: string[]; target: NsenterTarget; ns: Record<string, number>; nsPid: number }[] = [];
  const nsenter = nsenterCommand({
    kernel,
    canExec: (name) => name !== 'nosuch',
    run: async (argv, _io, target) => {
      const p = kernel.process(target.pid)!;
      ran.push({ argv, target, ns: { ...p.ns }, nsPid: p.nsPid });
      return 0;
    },
  });
  return { id, pid, kernel, nsenter, ran };
}

describe('nsenter', () => {
  it.each([
    [(p: number) => ['-t', String(p), '-n', 'ip', 'addr'], ['net'], { net: true }],
    [(p: number) => ['--target', String(p), '--net', '--uts', 'hostname'], ['uts', 'net'], { uts: true, net: true }],
    [(p: number) => [`--target=${p}`, '-m', '-u', '-i', '-p', 'ls'], ['ipc', 'uts', 'pid', 'mnt'], { mnt: true, uts: true }],
    [(p: number) => ['-t', String(p), '-a', 'hostname'], ['ipc', 'uts', 'net', 'pid', 'mnt'], { mnt: true, uts: true, net: true }],
    [(p: number) => [`-t${p}`, '-n', '-u', 'true'], ['uts', 'net'], { uts: true, net: true }],
  ])('enters what it is asked to, as a child of the shell in those namespaces', async (args, entered, owners) => {
    const { id, pid, kernel, nsenter, ran } = setup();
    const r = io();
    expect(await nsenter(['nsenter', ...args(pid)], r)).toBe(0);
    expect(r.err).toBe('');
    const [run] = ran;
    expect(run!.target.entered).toEqual(entered);
    for (const t of entered) expect(run!.ns[t]).toBe(kernel.containerNamespaces(id)![t as 'net']);
    expect({ mnt: run!.target.mnt === id, uts: run!.target.uts === id, net: run!.target.net === id }).toEqual({ mnt: false, uts: false, net: false, ...owners });
    if (entered.includes('pid')) expect(run!.nsPid).toBeGreaterThan(1);
    expect(kernel.process(run!.target.pid)).toBeUndefined();
  });

  it.each([
    [() => ['-t', '99999', '-n', 'true'], 'nsenter: cannot open /proc/99999/ns/net: No such file or directory\n', 1],
    [() => ['-n', 'true'], 'nsenter: neither filename nor target pid supplied for ns/net\n', 1],
    [(p: number) => ['-t', String(p), '-U', 'true'], "nsenter: reassociate to namespace 'ns/user' failed: Invalid argument\n", 1],
    [(p: number) => ['-t', String(p), '-n', 'nosuch'], 'nsenter: failed to execute nosuch: No such file or directory\n', 127],
    [(p: number) => ['-t', String(p), '-n', '-x', 'true'], "nsenter: invalid option -- 'x'\nTry 'nsenter --help' for more information.\n", 1],
    [(p: number) => ['-t', String(p), '--bogus'], "nsenter: unrecognized option '--bogus'\nTry 'nsenter --help' for more information.\n", 1],
    [() => ['-t'], "nsenter: option requires an argument -- 't'\nTry 'nsenter --help' for more information.\n", 1],
    [() => ['-t', 'abc', '-n', 'true'], "nsenter: failed to parse pid: 'abc'\n", 1],
    [(p: number) => ['-t', String(p), '-n'], expect.stringMatching(/^glassbox: nsenter without a command .*not simulated yet/), 2],
    [(p: number) => ['-t', String(p), '-r', 'true'], 'glassbox: nsenter -r: not simulated yet\n', 2],
  ])('refuses %#', async (args, err, code) => {
    const { pid, nsenter, ran } = setup();
    const r = io();
    expect(await nsenter(['nsenter', ...args(pid)], r)).toBe(code);
    expect(r.err).toEqual(err);
    expect(ran).toEqual([]);
  });
});

describe('nsenter option letters', () => {
  it('takes a namespace file only when attached to its letter (-nFILE), which is not simulated', async () => {
    const { pid, nsenter } = setup();
    const r = io();
    expect(await nsenter(['nsenter', '-t', String(pid), '-nu', 'true'], r)).toBe(2);
    expect(r.err).toBe('glassbox: nsenter -nFILE (a namespace file): not simulated yet\n');
  });
});
