import type { InterfaceSnapshot } from '../../model';

/**
 * The captured outputs beside the tests (fixtures/*.txt) are the real tools'
 * output on this machine: line 1 is the command that produced it ("$ …"),
 * line 2 its exit status ("# exit N"), the rest is what it printed
 * (stdout in NAME.txt, stderr in NAME.stderr.txt). Only tests read them.
 */
export interface Fixture {
  cmd: string;
  exit: number;
  text: string;
}

export function parseFixture(raw: string): Fixture {
  const first = raw.indexOf('\n');
  const second = raw.indexOf('\n', first + 1);
  const cmd = raw.slice(2, first);
  const exit = Number(/^# exit (\d+)$/.exec(raw.slice(first + 1, second))?.[1] ?? NaN);
  return { cmd, exit, text: raw.slice(second + 1) };
}

/** A busybox container's two interfaces on a bridge, as Docker sets them up. */
export function containerLinks(opts: { id: string; ifindex: number; peer: number; ip: string; prefix: number; mac: string }): InterfaceSnapshot[] {
  return [
    { name: 'lo', ifindex: 1, kind: 'loopback', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8'], up: true, netns: opts.id },
    { name: 'eth0', ifindex: opts.ifindex, kind: 'veth', mac: opts.mac, addresses: [`${opts.ip}/${opts.prefix}`], up: true, netns: opts.id, peerIfindex: opts.peer },
  ];
}

/** One link of `ip -j addr`, the fields the tests read. */
export interface IpJson {
  ifindex: number;
  link_index?: number;
  ifname: string;
  flags: string[];
  mtu: number;
  master?: string;
  link_type: string;
  address: string;
  /** The transmit queue length (`qlen` in the text); absent where the device has none. */
  txqlen?: number;
  link_netnsid?: number;
  addr_info: { family: 'inet' | 'inet6'; local: string; prefixlen: number; broadcast?: string }[];
}

/**
 * The host as `ip -j addr` saw it when the text fixtures were taken, as the
 * snapshot the simulator keeps. The host's two ifb devices (traffic shaping,
 * not Docker's; the simulated host has none) are left out.
 */
export function hostFromIpJson(text: string): { ifaces: InterfaceSnapshot[]; json: IpJson[] } {
  const json = (JSON.parse(text) as IpJson[]).filter((j) => !j.ifname.startsWith('ifb'));
  const ifaces: InterfaceSnapshot[] = json.map((j) => ({
    name: j.ifname,
    ifindex: j.ifindex,
    kind: j.link_type === 'loopback' ? 'loopback' : j.ifname.startsWith('veth') ? 'veth' : j.ifname === 'eth0' ? 'physical' : 'bridge',
    mac: j.address,
    addresses: j.addr_info.map((a) => `${a.local}/${a.prefixlen}`),
    up: j.flags.includes('UP'),
    netns: 'host',
    ...(j.master ? { master: j.master } : {}),
    ...(j.link_index !== undefined ? { peerIfindex: j.link_index } : {}),
  }));
  return { ifaces, json };
}
