import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../core/model';
import { haveDocker, haveRoot } from '../support/requirements';
import { type TestAgent, connectClient, docker, dockerQuiet, startTestAgent, uniqueName, waitFor } from './support';

/**
 * The agent's network topology against the kernel's own answer: containers
 * made with plain `docker run` (not through the agent), each paired with the
 * host veth whose ifindex its eth0's iflink names as read inside its network
 * namespace by `ip`, and its published port listed with the DNAT rule Docker
 * made for it.
 */
interface IpLink {
  ifindex: number;
  ifname: string;
  link_index?: number;
  master?: string;
}

const ipJson = (args: string[]): IpLink[] => JSON.parse(execFileSync(args[0]!, args.slice(1), { encoding: 'utf8' })) as IpLink[];

describe.skipIf(!haveDocker() || !haveRoot())('agent: the real network topology', () => {
  const names = [uniqueName('gbnet-a'), uniqueName('gbnet-b')];
  const ports = [randomInt(40_000, 50_000), randomInt(50_000, 60_000)];
  const ids: string[] = [];
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;
  let snap: Snapshot;

  beforeAll(async () => {
    t = await startTestAgent();
    client = connectClient(t);
    await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
    names.forEach((name, i) => ids.push(docker('run', '-d', '--name', name, '-p', `${ports[i]}:80`, 'busybox', 'httpd', '-f', '-p', '80').trim()));
    snap = await waitFor('both containers with their interfaces and rules', async () => {
      const s = await client.snapshot();
      const ready = ids.every((id) => s.interfaces?.some((i) => i.netns === id && i.name === 'eth0') && s.natRules?.some((r) => r.containerId === id && r.rule.includes('DNAT')));
      return ready ? s : undefined;
    });
  });

  afterAll(async () => {
    for (const n of names) dockerQuiet('rm', '-f', n);
    client?.close();
    await t?.close();
  });

  it("pairs each container's eth0 with the host veth netlink names, as `ip` in its namespace says", () => {
    const hostLinks = ipJson(['ip', '-j', 'link']);
    const seen = new Set<string>();
    ids.forEach((id) => {
      const pid = docker('inspect', '-f', '{{.State.Pid}}', id).trim();
      const [eth0] = ipJson(['nsenter', `--net=/proc/${pid}/ns/net`, 'ip', '-j', 'link', 'show', 'eth0']);
      const hostEnd = hostLinks.find((l) => l.ifindex === eth0!.link_index)!;
      expect(hostEnd.master).toBe('docker0');

      const inside = snap.interfaces!.find((i) => i.netns === id && i.name === 'eth0')!;
      expect(inside).toMatchObject({ kind: 'veth', ifindex: eth0!.ifindex, peerIfindex: hostEnd.ifindex });
      const peer = snap.interfaces!.find((i) => i.netns === 'host' && i.ifindex === inside.peerIfindex)!;
      expect(peer).toMatchObject({ name: hostEnd.ifname, kind: 'veth', master: 'docker0', peerIfindex: eth0!.ifindex });
      seen.add(peer.name);

      const c = snap.containers.find((x) => x.id === id)!;
      const ip = docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', id).trim();
      expect(c.networks).toEqual([expect.objectContaining({ network: 'bridge', ip, prefixLen: 16, gateway: '172.17.0.1' })]);
      expect(inside.addresses).toContain(`${ip}/16`);
      expect(inside.mac).toBe(c.networks![0]!.mac);
    });
    // Two containers, two different host ends.
    expect(seen.size).toBe(2);
  });

  it('lists each published port with the DNAT rule that carries it to the container', () => {
    ids.forEach((id, i) => {
      const c = snap.containers.find((x) => x.id === id)!;
      expect(c.ports).toContainEqual({ containerId: id, containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: ports[i] });
      const ip = c.networks![0]!.ip;
      const dnat = snap.natRules!.filter((r) => r.containerId === id && r.table === 'nat' && r.chain === 'DOCKER');
      expect(dnat.map((r) => r.rule)).toEqual([`-A DOCKER ! -i docker0 -p tcp -m tcp --dport ${ports[i]} -j DNAT --to-destination ${ip}:80`]);
      // And it is the rule iptables holds now.
      expect(execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).split('\n')).toContain(dnat[0]!.rule);
    });
    expect(snap.networks?.find((n) => n.name === 'bridge')).toMatchObject({ bridge: 'docker0', subnet: '172.17.0.0/16', containers: expect.arrayContaining(ids) });
  });

  it('gives the default bridge the gateway docker0 holds, though the engine’s IPAM config may leave it out', () => {
    const docker0 = ipJson(['ip', '-j', 'addr', 'show', 'docker0']) as unknown as Array<{ addr_info: Array<{ family: string; local: string }> }>;
    const address = docker0[0]!.addr_info.find((a) => a.family === 'inet')!.local;
    expect(snap.networks?.find((n) => n.name === 'bridge')?.gateway).toBe(address);
  });

  it('shows the interface a docker network connect adds, with its address, without another event', async () => {
    const net = uniqueName('gbnet-net');
    docker('network', 'create', net);
    try {
      docker('network', 'connect', net, ids[0]!);
      const ip = docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, ids[0]!).trim();
      // Docker reports the connect as the endpoint joins, a moment before the veth end has its name and address inside.
      const s = await waitFor('the new interface with its address', async () => {
        const snap = await client.snapshot();
        return snap.interfaces?.some((i) => i.netns === ids[0] && i.addresses.includes(`${ip}/${snap.containers.find((c) => c.id === ids[0])?.networks?.find((n) => n.network === net)?.prefixLen}`)) ? snap : undefined;
      }, 15_000);
      const bridge = s.networks!.find((n) => n.name === net)!.bridge;
      const inside = s.interfaces!.find((i) => i.netns === ids[0] && i.addresses.some((a) => a.startsWith(`${ip}/`)))!;
      expect(s.interfaces!.find((i) => i.netns === 'host' && i.ifindex === inside.peerIfindex)).toMatchObject({ kind: 'veth', master: bridge });
    } finally {
      dockerQuiet('network', 'disconnect', '-f', net, ids[0]!);
      dockerQuiet('network', 'rm', net);
    }
  });

  it('drops the container, its interfaces and its rules once it is removed', async () => {
    dockerQuiet('rm', '-f', names[1]!);
    // The container goes with its event; its veth and rules go with the next read of the kernel (eventually, not in one step).
    const after = await waitFor('the removal, with its interfaces and rules', async () => {
      const s = await client.snapshot();
      const gone = !s.containers.some((c) => c.id === ids[1]) && !s.interfaces!.some((i) => i.netns === ids[1]) && !s.natRules!.some((r) => r.containerId === ids[1]);
      return gone ? s : undefined;
    });
    expect(after.interfaces!.some((i) => i.netns === ids[1])).toBe(false);
    expect(after.natRules!.some((r) => r.containerId === ids[1])).toBe(false);
    expect(after.interfaces!.some((i) => i.netns === ids[0] && i.name === 'eth0')).toBe(true);
  });
});
