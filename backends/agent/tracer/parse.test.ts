import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceOp } from '../../../core/model';
import { RUN_PUBLISHED_KEY_OPS, keyOps } from './keyOps';
import { TraceParser, bufferString, cloneFlagNames, iptablesRule, unescapeBytes } from './parse';

const FIXTURES = new URL('../../../test/agent/fixtures/trace/', import.meta.url);

interface Meta {
  dockerdPid: number;
  containerdPid: number;
  containerId: string;
  ip: string;
  mergedDir: string;
  hierarchies: Record<string, string>;
}

/** The recorded bpftrace output of `docker run -d -p P:80 busybox httpd`, pause, unpause, exec, stop, rm on Docker 20.10. */
function recorded(name: string): { meta: Meta; ops: TraceOp[] } {
  const meta = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Meta;
  const parser = new TraceParser({
    dockerdPid: meta.dockerdPid,
    containerdPid: meta.containerdPid,
    hierarchies: Object.fromEntries(Object.entries(meta.hierarchies).map(([k, v]) => [Number(k), v])),
    startWall: 1_000_000,
    containerFor: (text) => (text.includes(meta.mergedDir.replace(/\/merged$/, '')) || text.includes(meta.ip) ? meta.containerId : undefined),
  });
  for (const line of readFileSync(new URL(`${name}.bpftrace.txt`, FIXTURES), 'utf8').split('\n')) if (line) parser.push(line);
  return { meta, ops: parser.flush() };
}

describe('TraceParser on a recorded docker run -p', () => {
  const { meta, ops } = recorded('run-publish');
  const mine = ops.filter((o) => o.containerId === meta.containerId);

  it('numbers ops in time order', () => {
    expect(ops.map((o) => o.seq)).toEqual(ops.map((_, i) => i + 1));
    for (let i = 1; i < ops.length; i++) expect(ops[i]!.time).toBeGreaterThanOrEqual(ops[i - 1]!.time);
  });

  it('sees the key operations of a start in Docker’s order', () => {
    const start = mine.slice(0, mine.findIndex((o) => o.op === 'execve' && o.args.path === '/bin/httpd') + 1);
    expect(keyOps(start)).toEqual(RUN_PUBLISHED_KEY_OPS);
  });

  it('names the process that made each op', () => {
    const by = (op: string, pred: (o: TraceOp) => boolean = () => true): TraceOp => mine.find((o) => o.op === op && pred(o))!;
    expect(by('mount', (o) => o.args.target === meta.mergedDir)).toMatchObject({ actor: 'dockerd', pid: meta.dockerdPid, args: { source: 'overlay', target: meta.mergedDir } });
    expect(String(by('mount', (o) => o.args.target === meta.mergedDir).args.options)).toMatch(/^index=off,lowerdir=\/var\/lib\/docker\/overlay2\/l\//);
    expect(by('unshare')).toMatchObject({ actor: 'runc', args: { flags: 'CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET' } });
    expect(by('clone')).toMatchObject({ actor: 'runc', args: { flags: 'CLONE_PARENT|SIGCHLD' } });
    expect(by('sethostname')).toMatchObject({ actor: 'runc', args: { hostname: meta.containerId.slice(0, 12) } });
    expect(by('execve', (o) => o.args.path === '/bin/httpd')).toMatchObject({ actor: 'runc', args: { argv: 'httpd -f -p 80' } });
    expect(by('cgroup.mkdir', (o) => String(o.args.path).includes('/memory/'))).toMatchObject({ actor: 'runc', args: { path: `/sys/fs/cgroup/memory/docker/${meta.containerId}` } });
    // containerd starts the shim, which starts itself again as the long-lived shim, which runs runc.
    const shims = mine.filter((o) => o.op === 'execve' && String(o.args.path).endsWith('containerd-shim-runc-v2'));
    expect(shims.map((o) => o.actor).slice(0, 2)).toEqual(['containerd', 'shim']);
    expect(mine.find((o) => o.op === 'execve' && o.args.path === '/usr/sbin/runc')).toMatchObject({ actor: 'shim' });
  });

  it('reads the network set-up from rtnetlink and the rules from iptables’ argv', () => {
    const net = mine.filter((o) => /^(link|addr|route)\./.test(o.op) && o.actor === 'dockerd').map((o) => [o.op, o.args]);
    const add = net.find(([op]) => op === 'link.add')![1] as Record<string, string>;
    expect(add.type).toBe('veth');
    expect(add.name).toMatch(/^veth[0-9a-f]{7}$/);
    expect(net).toContainEqual(['link.netns', { name: add.peer, netns: expect.stringMatching(/^fd:\d+$/) }]);
    expect(net).toContainEqual(['link.rename', { name: add.peer, newname: 'eth0' }]);
    expect(net).toContainEqual(['addr.add', { dev: 'eth0', addr: `${meta.ip}/16` }]);
    expect(net).toContainEqual(['route.add', { dst: 'default', via: '172.17.0.1', dev: 'eth0' }]);
    const rules = mine.filter((o) => o.op === 'iptables').map((o) => o.args.rule);
    expect(rules[0]).toMatch(new RegExp(`^-A DOCKER -p tcp -d 0/0 --dport \\d+ -j DNAT --to-destination ${meta.ip.replace(/\./g, '\\.')}:80 ! -i docker0$`));
    expect(rules.some((r) => String(r).startsWith('-D DOCKER'))).toBe(true);
  });

  it('sees pause as FROZEN and unpause as THAWED in the freezer, exec as setns, stop as signals', () => {
    const writes = mine.filter((o) => o.op === 'cgroup.write' && o.args.file === 'freezer.state').map((o) => o.args.value);
    expect(writes.indexOf('FROZEN')).toBeGreaterThanOrEqual(0);
    expect(writes.lastIndexOf('THAWED')).toBeGreaterThan(writes.indexOf('FROZEN'));
    expect(mine.filter((o) => o.op === 'setns' && o.actor === 'runc').map((o) => o.args.type)).toEqual(['ipc', 'uts', 'net', 'pid', 'mnt']);
    // runc kill as docker stop asks (SIGTERM, then SIGKILL: httpd ignores SIGTERM as PID 1), and dockerd stopping the two docker-proxy processes.
    expect(mine.filter((o) => o.op === 'kill' && o.actor === 'runc').map((o) => o.args.sig)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(mine.filter((o) => o.op === 'kill' && o.actor === 'dockerd').map((o) => o.args.sig)).toEqual(['SIGINT', 'SIGINT']);
    expect(mine.find((o) => o.op === 'exit' && o.actor === 'container' && o.args.signal)).toMatchObject({ args: { code: 137, signal: 'SIGKILL' } });
    expect(mine.filter((o) => o.op === 'cgroup.rmdir').length).toBe(10);
  });
});

describe('trace parser pieces', () => {
  it('decodes bpftrace %r buffers', () => {
    expect(bufferString('overlay\\x00\\x01junk')).toBe('overlay');
    expect([...unescapeBytes('a\\x0ab')]).toEqual([97, 10, 98]);
  });

  it('names clone flags as the sim does', () => {
    expect(cloneFlagNames(0x6c020000)).toBe('CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET');
    expect(cloneFlagNames(0x8011, true)).toBe('CLONE_PARENT|SIGCHLD');
  });

  it('keeps iptables changes and drops checks', () => {
    expect(iptablesRule(['--wait', '-t', 'nat', '-C', 'DOCKER', '-j', 'RETURN'])).toBeNull();
    expect(iptablesRule(['--wait', '-t', 'nat', '-I', 'DOCKER', '-i', 'docker0', '-j', 'RETURN'])).toEqual({ table: 'nat', chain: 'DOCKER', rule: '-I DOCKER -i docker0 -j RETURN' });
    expect(iptablesRule(['--wait', '-D', 'FORWARD', '-j', 'DOCKER-USER'])).toEqual({ table: 'filter', chain: 'FORWARD', rule: '-D FORWARD -j DOCKER-USER' });
  });

  it('attributes ops to the terminal line running', () => {
    const p = new TraceParser({ dockerdPid: 10, containerdPid: 11, hierarchies: {}, startWall: 0 });
    p.push('START\t1000000');
    p.setCommand('docker run -d busybox');
    p.push('UNSHARE\t2000000\t30\t30\trunc:[1:CHILD]\t1812070400');
    p.setCommand(undefined);
    p.push('KILL\t3000000\t31\t31\trunc\t30\t15');
    const [a, b] = p.drain();
    expect(a).toMatchObject({ op: 'unshare', time: 1, command: 'docker run -d busybox', actor: 'runc' });
    expect(b).toMatchObject({ op: 'kill', time: 2, args: { sig: 'SIGTERM', target: 30 } });
    expect(b!.command).toBeUndefined();
  });
});
