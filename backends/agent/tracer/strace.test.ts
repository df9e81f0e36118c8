import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceOp } from '../../../core/model';
import { keyOps } from './keyOps';
import { TraceParser } from './parse';
import { StraceTranslator, splitArgs, straceArgs, unquote } from './strace';

const FIXTURES = new URL('../../../test/agent/fixtures/strace/', import.meta.url);

interface Meta {
  dockerd: number;
  containerd: number;
  /** dockerd's and containerd's threads (tid → pid) when the capture was made. */
  tgid: Record<string, number>;
  hierarchies: Record<string, string>;
  container: string;
  layerDir: string;
}

/** The recorded strace output of `docker run --rm busybox true` on Docker 20.10 (other engineers' containers ran alongside). */
function recorded(name: string): { meta: Meta; ops: TraceOp[] } {
  const meta = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Meta;
  const hierarchies = Object.fromEntries(Object.entries(meta.hierarchies).map(([k, v]) => [Number(k), v]));
  const translator = new StraceTranslator({ dockerdPid: meta.dockerd, containerdPid: meta.containerd, hierarchies, tgidOf: (tid) => meta.tgid[tid] });
  const parser = new TraceParser({
    dockerdPid: meta.dockerd,
    containerdPid: meta.containerd,
    hierarchies,
    startWall: 0,
    containerFor: (text) => (text.includes(meta.layerDir) ? meta.container : undefined),
  });
  for (const line of readFileSync(new URL(`${name}.strace.txt`, FIXTURES), 'utf8').split('\n')) for (const l of translator.translate(line)) parser.push(l);
  return { meta, ops: parser.flush() };
}

describe('StraceTranslator on a recorded docker run', () => {
  const { meta, ops } = recorded('run-true');
  const mine = ops.filter((o) => o.containerId === meta.container);

  it('finds the key operations of the container start in order', () => {
    expect(keyOps(mine)).toEqual(['mount overlay', 'cgroup', 'namespaces CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS', 'pivot_root', 'sethostname', 'execve']);
  });

  it('maps each syscall into the trace vocabulary', () => {
    const overlay = mine.find((o) => o.op === 'mount' && o.args.fstype === 'overlay')!;
    expect(overlay.actor).toBe('dockerd');
    expect(overlay.args.source).toBe('overlay');
    expect(String(overlay.args.target)).toBe(`${meta.layerDir}-init/merged`);
    expect(String(overlay.args.options)).toMatch(/^index=off,lowerdir=/);
    const unshare = mine.find((o) => o.op === 'unshare')!;
    expect(unshare.actor).toBe('runc');
    expect(unshare.args.flags).toBe('CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET');
    expect(mine.find((o) => o.op === 'sethostname')!.args.hostname).toBe(meta.container.slice(0, 12));
    expect(mine.find((o) => o.op === 'pivot_root')!.args).toEqual({ new_root: '.', put_old: '.' });
    const entry = mine.find((o) => o.op === 'execve' && o.args.path === '/bin/true')!;
    expect(entry.actor).toBe('runc');
    expect(entry.args.argv).toBe('true');
    expect(mine.find((o) => o.op === 'exit' && o.pid === entry.pid)).toMatchObject({ actor: 'container', args: { code: 0 } });
  });

  it('turns runc cgroup set-up into cgroup.mkdir and cgroup.write', () => {
    const mkdirs = mine.filter((o) => o.op === 'cgroup.mkdir').map((o) => o.args.path);
    expect(mkdirs).toContain(`/sys/fs/cgroup/memory/docker/${meta.container}`);
    const writes = mine.filter((o) => o.op === 'cgroup.write');
    expect(writes.filter((o) => o.args.file === 'cgroup.procs').map((o) => o.args.path)).toContain(`/sys/fs/cgroup/memory/docker/${meta.container}`);
    expect(writes.every((o) => String(o.args.path).startsWith('/sys/fs/cgroup/'))).toBe(true);
    expect(writes.length).toBeGreaterThan(3);
  });

  it('numbers ops in time order', () => {
    expect(ops.map((o) => o.seq)).toEqual(ops.map((_, i) => i + 1));
    for (let i = 1; i < ops.length; i++) expect(ops[i]!.time).toBeGreaterThanOrEqual(ops[i - 1]!.time);
  });
});

describe('strace lines', () => {
  const fresh = (): StraceTranslator => new StraceTranslator({ dockerdPid: 10, containerdPid: 11, hierarchies: { 4: 'memory' } });

  it('joins <unfinished ...> with its resumed half', () => {
    const t = fresh();
    expect(t.translate('10 10:00:00.000001 sethostname("abc", 3 <unfinished ...>')).toEqual(['START\t0']);
    expect(t.translate('11 10:00:00.000002 --- SIGURG {si_signo=SIGURG} ---')).toEqual([]);
    expect(t.translate('10 10:00:00.000003 <... sethostname resumed>) = 0')).toEqual([`HOST\t${36000n * 1_000_000_000n + 1000n}\t10\t10\tdockerd\tabc`]);
  });

  it("holds a child's lines until its parent's clone returns", () => {
    const t = fresh();
    t.translate('10 10:00:00.000001 clone(child_stack=NULL, flags=CLONE_PARENT|SIGCHLD <unfinished ...>');
    expect(t.translate('40 10:00:00.000002 unshare(CLONE_NEWNS) = 0')).toEqual([]);
    expect(t.translate('10 10:00:00.000003 <... clone resumed>) = 40')).toEqual(['FORK\t36000000001000\t10\t10\tdockerd\t40\t32785', 'UNSHARE\t36000000002000\t40\t40\tdockerd\t131072']);
  });

  it('follows forks and threads, and names cgroup mkdirs by hierarchy', () => {
    const t = fresh();
    t.translate('10 10:00:00.000001 clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 20');
    const fork = t.translate('20 10:00:00.000002 clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x1, stack_size=0x8000}, 88) = 30');
    expect(fork).toEqual(['FORK\t36000000002000\t10\t20\tdockerd\t30\t16657']);
    expect(t.translate('30 10:00:00.000003 mkdirat(AT_FDCWD, "/sys/fs/cgroup/memory/docker/x", 0755) = 0')).toEqual(['CGMKDIR\t36000000003000\t30\t30\tdockerd\t4\t/docker/x']);
    expect(t.translate('30 10:00:00.000004 mkdirat(AT_FDCWD, "/sys/fs/cgroup/memory/docker", 0755) = -1 EEXIST (File exists)')).toEqual([]);
  });

  it('reads the [pid N] prefix strace writes to stderr', () => {
    const t = fresh();
    t.translate('[pid    10] 10:00:00.000001 kill(77, SIGTERM) = 0');
    expect(t.translate('[pid 10] 10:00:00.000002 kill(77, SIGKILL) = 0')).toEqual(['KILL\t36000000002000\t10\t10\tdockerd\t77\t9']);
  });

  it('parses strace arguments and strings', () => {
    expect(splitArgs('"a, b", [1, 2], {x=1, y=2}, 3')).toEqual(['"a, b"', '[1, 2]', '{x=1, y=2}', '3']);
    expect(unquote('"a\\"b\\n\\x41\\101"...')).toBe('a"b\nAA');
    expect(unquote('0xc000012')).toBeNull();
  });

  it('takes only integer pids into its fixed argv', () => {
    expect(straceArgs(1, 2).slice(-4)).toEqual(['-p', '1', '-p', '2']);
    expect(() => straceArgs(Number('1; rm -rf /'), 2)).toThrow(/not a pid/);
    expect(() => straceArgs(1.5, 2)).toThrow(/not a pid/);
  });
});
