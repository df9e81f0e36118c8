/** docker stats moves with what containers do: NET I/O from the frames their interfaces moved, BLOCK I/O from what they wrote (core/network/traffic.ts, core/cli/docker/system.ts). */
import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

async function out(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  expect(r, line).toMatchObject({ exit: 0, err: '' });
  return r.out;
}

const io = (host: SimHost, name: string): Promise<string> => out(host, `docker stats --no-stream --format '{{.NetIO}} | {{.BlockIO}}' ${name}`);

describe('docker stats', () => {
  it('NET I/O counts ping and HTTP between containers, both ways; loopback and an idle container stay at 0B', async () => {
    const host = new SimHost({ seed: 'stats', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, 'docker run -d --name cli busybox sleep 300');
    await out(host, 'docker run -d --name srv busybox httpd -f -p 80');
    await out(host, 'docker run -d --name idle busybox sleep 300');
    expect(await io(host, 'cli')).toBe('0B / 0B | 0B / 0B\n');
    const srvIp = (await out(host, "docker inspect -f '{{.NetworkSettings.IPAddress}}' srv")).trim();
    const cliIp = (await out(host, "docker inspect -f '{{.NetworkSettings.IPAddress}}' cli")).trim();
    await out(host, `docker exec cli ping -c 3 ${srvIp}`);
    // Three 98-byte echo requests out, three replies in.
    expect(await io(host, 'cli')).toBe('294B / 294B | 0B / 0B\n');
    expect(await io(host, 'srv')).toBe('294B / 294B | 0B / 0B\n');
    // ifconfig in the container reads the same counters on eth0.
    expect(await out(host, 'docker exec srv ifconfig eth0')).toContain('RX packets:3 errors:0 dropped:0 overruns:0 frame:0\n          TX packets:3 errors:0 dropped:0 overruns:0 carrier:0\n');
    expect(await out(host, 'docker exec srv ifconfig eth0')).toContain('RX bytes:294 (294.0 B)  TX bytes:294 (294.0 B)\n');
    await out(host, `docker exec cli ping -c 2 ${cliIp}`);
    expect(await io(host, 'cli')).toBe('294B / 294B | 0B / 0B\n');
    await run(host, `docker exec cli wget -q -O /dev/null http://${srvIp}/`);
    const [rx, tx] = (await out(host, "docker stats --no-stream --format '{{.NetIO}}' srv")).trim().split(' / ');
    // The server received the request and sent more (the response) than the pings alone.
    expect(parseFloat(rx!)).toBeGreaterThan(294);
    expect(parseFloat(tx!)).toBeGreaterThan(parseFloat(rx!));
    expect(await io(host, 'idle')).toBe('0B / 0B | 0B / 0B\n');
    // A restart makes new veth endpoints: their counters start again.
    await out(host, 'docker restart -t 0 srv');
    expect(await io(host, 'srv')).toBe('0B / 0B | 0B / 0B\n');
  });

  it('BLOCK I/O stays 0B under cgroup v1 (writeback is not charged to the container); -m sets MEM LIMIT; a stopped one is zeros with --all', async () => {
    const host = new SimHost({ seed: 'stats', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, "docker run -d --name wr -m 64m busybox sh -c 'echo hi > /small; seq 1 2000 > /numbers; sleep 300'");
    expect(await out(host, "docker stats --no-stream --format '{{.BlockIO}} {{.MemUsage}} {{.PIDs}}' wr")).toMatch(/^0B \/ 0B \d+(\.\d+)?KiB \/ 64MiB 1\n$/);
    await out(host, 'docker stop -t 0 wr');
    expect(await out(host, "docker stats --no-stream -a --format '{{.Name}} {{.NetIO}} {{.BlockIO}} {{.PIDs}}'")).toBe('wr 0B / 0B 0B / 0B 0\n');
  });
});

describe('docker stats CPU %', () => {
  it('a loop of `:` keeps one CPU busy (100%) until it is killed; sleep uses none', async () => {
    const host = new SimHost({ seed: 'stats-cpu', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, "docker run -d --name busy busybox sh -c 'while true; do :; done'");
    await out(host, 'docker run -d --name calm busybox sleep 300');
    await out(host, 'sleep 2');
    expect(await out(host, "docker stats --no-stream --format '{{.Name}} {{.CPUPerc}}'")).toBe('busy 100.00%\ncalm 0.00%\n');
    expect(await out(host, "docker inspect -f '{{.State.Status}}' busy")).toBe('running\n');
    await out(host, 'docker exec -d busy sh -c "while :; do true; done"');
    await out(host, 'sleep 1');
    expect(await out(host, "docker stats --no-stream --format '{{.CPUPerc}} {{.PIDs}}' busy")).toBe('200.00% 2\n');
    // The cgroup's own counter: three seconds of one CPU and one more of the second spinner, in ns.
    const id = (await out(host, "docker inspect -f '{{.Id}}' busy")).trim();
    expect(await out(host, `cat /sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`)).toBe('4000000000\n');
    await out(host, 'docker kill busy');
    expect(await out(host, "docker stats --no-stream -a --format '{{.Name}} {{.CPUPerc}}' busy")).toBe('busy 0.00%\n');
  });

  it('a loop that does something still stops after its iterations, as before', async () => {
    const host = new SimHost({ seed: 'stats-cpu', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    const r = await run(host, "docker run busybox sh -c 'while true; do x=1; done'");
    expect(r.exit).toBe(1);
    expect(r.err).toContain('loop stopped after');
  });
});

describe('ps and docker top of a spinning loop', () => {
  it('show it running (R), its CPU time and %CPU', async () => {
    const host = new SimHost({ seed: 'stats-cpu', yieldToEventLoop: () => yieldImmediate(), preload: ['busybox:latest'] });
    await out(host, "docker run -d --name spin busybox sh -c 'while true; do :; done'");
    await out(host, 'sleep 65');
    const top = (await out(host, 'docker top spin')).split('\n')[1]!;
    expect(top).toMatch(/^root +\d+ +\d+ +99 +\d\d:\d\d +\? +00:01:05 +sh -c while true; do :; done$/);
    const aux = (await out(host, 'ps aux')).split('\n').find((l) => l.includes('while true'))!;
    expect(aux).toMatch(/^root +\d+ +100 +[\d.]+ +\d+ +\d+ \? +Rs +\d\d:\d\d +1:05 sh -c while true; do :; done$/);
  });
});
