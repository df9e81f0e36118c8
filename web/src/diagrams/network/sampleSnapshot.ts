import type { ContainerSnapshot, InterfaceSnapshot, NatRule, NetworkSnapshot, PortBinding, Snapshot } from '../../../../core/model';

/**
 * A snapshot shaped as the agent reads a real host (docker0 plus user
 * bridges, a veth pair per container, Docker's DNAT and MASQUERADE rules),
 * of any size: for the layout and path tests and for the frame-rate bench.
 */
export interface SampleOptions {
  containers: number;
  bridges: number;
  /** The first `published` containers publish 80/tcp on 8088, 8089, … */
  published?: number;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
export const sampleId = (i: number): string => hex(i + 1, 8).repeat(8);

export function sampleSnapshot(opts: SampleOptions): Snapshot {
  const networks: NetworkSnapshot[] = [];
  const interfaces: InterfaceSnapshot[] = [
    { name: 'lo', ifindex: 1, kind: 'loopback', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'], up: true, netns: 'host' },
    { name: 'eth0', ifindex: 2, kind: 'physical', mac: '02:fc:00:00:00:01', addresses: ['192.0.2.2/24'], up: true, netns: 'host' },
  ];
  const natRules: NatRule[] = [
    { table: 'nat', chain: 'PREROUTING', rule: '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER' },
    { table: 'nat', chain: 'OUTPUT', rule: '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER' },
  ];
  let ifindex = 100;
  for (let b = 0; b < opts.bridges; b++) {
    const name = b === 0 ? 'bridge' : `net${b}`;
    const id = hex(b + 0xa0, 2).repeat(32);
    const bridge = b === 0 ? 'docker0' : `br-${id.slice(0, 12)}`;
    const subnet = `172.${17 + b}.0.0/16`;
    networks.push({ id, name, driver: 'bridge', scope: 'local', bridge, subnet, gateway: `172.${17 + b}.0.1`, internal: false, containers: [] });
    interfaces.push({ name: bridge, ifindex: ifindex++, kind: 'bridge', mac: `02:42:00:00:00:${hex(b, 2)}`, addresses: [`172.${17 + b}.0.1/16`], up: true, netns: 'host' });
    natRules.push({ table: 'nat', chain: 'POSTROUTING', rule: `-A POSTROUTING -s ${subnet} ! -o ${bridge} -j MASQUERADE` });
  }
  const containers: ContainerSnapshot[] = [];
  for (let i = 0; i < opts.containers; i++) {
    const id = sampleId(i);
    const net = networks[i % opts.bridges]!;
    const k = Math.floor(i / opts.bridges) + 2;
    const ip = `172.${17 + (i % opts.bridges)}.${k >> 8}.${k & 255}`;
    const mac = `02:42:ac:${hex(17 + (i % opts.bridges), 2)}:${hex(k >> 8, 2)}:${hex(k & 255, 2)}`;
    net.containers.push(id);
    const inside = ifindex++;
    const outside = ifindex++;
    interfaces.push({ name: `veth${hex(i, 7)}`, ifindex: outside, kind: 'veth', mac: `0e:00:00:00:${hex(i >> 8, 2)}:${hex(i & 255, 2)}`, addresses: [], up: true, netns: 'host', master: net.bridge, peerIfindex: inside });
    interfaces.push({ name: 'lo', ifindex: 1, kind: 'loopback', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'], up: true, netns: id });
    interfaces.push({ name: 'eth0', ifindex: inside, kind: 'veth', mac, addresses: [`${ip}/16`], up: true, netns: id, peerIfindex: outside });
    const ports: PortBinding[] = [];
    if (i < (opts.published ?? 0)) {
      const hostPort = 8088 + i;
      ports.push({ containerId: id, containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort });
      natRules.push({ table: 'nat', chain: 'DOCKER', rule: `-A DOCKER ! -i ${net.bridge} -p tcp -m tcp --dport ${hostPort} -j DNAT --to-destination ${ip}:80`, containerId: id });
      natRules.push({ table: 'filter', chain: 'DOCKER', rule: `-A DOCKER -d ${ip}/32 ! -i ${net.bridge} -o ${net.bridge} -p tcp -m tcp --dport 80 -j ACCEPT`, containerId: id });
    }
    containers.push({
      id,
      name: `c${i + 1}`,
      image: 'busybox',
      imageId: 'sha256:' + '0'.repeat(64),
      command: ['httpd', '-f', '-p', '80'],
      state: 'running',
      exitCode: 0,
      pid: 1000 + i,
      oomKilled: false,
      restartCount: 0,
      created: '2026-01-01T00:00:00Z',
      startedAt: '2026-01-01T00:00:01Z',
      finishedAt: '0001-01-01T00:00:00Z',
      status: 'Up 1 second',
      config: { hostname: id.slice(0, 12), env: [], tty: false, openStdin: false, autoRemove: false, restartPolicy: { name: 'no', maximumRetryCount: 0 }, labels: {} },
      networkMode: i % opts.bridges === 0 ? 'default' : net.name,
      networks: [{ network: net.name, ip, prefixLen: 16, gateway: net.gateway, mac, aliases: [] }],
      ports,
    });
  }
  return { kind: 'real', time: 0, containers, images: [], networks, interfaces, natRules };
}
