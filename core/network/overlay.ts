import type { Rng } from '../ports';
import { parseCidr, type Cidr } from './ip';
import type { Network, NetworkModel } from './network';

/**
 * The cross-host case: simulated hosts on one LAN (10.0.2.0/24), a swarm
 * among them, and overlay networks whose endpoints live on several hosts. An
 * overlay network is one Network object shared by every member's model; its
 * frames between hosts travel in VXLAN (UDP 4789) between the hosts' eth0
 * addresses. What is simulated: the control plane's results (the network
 * everywhere, addresses from one pool, names across hosts); what is not: the
 * gossip and raft traffic itself, encryption, the ingress mesh and
 * docker_gwbridge (an overlay-only container here has no way out).
 */
export interface SimHostInfo {
  name: string;
  ip: string;
  model: NetworkModel;
}

export interface Swarm {
  /** Host names: the manager first, then workers in the order they joined. */
  members: string[];
  nodeIds: Map<string, string>;
  workerToken: string;
  managerToken: string;
}

/** Base-36 digits, as swarmkit's identity.NewID prints node ids (25 characters). */
function base36(rng: Rng, n: number): string {
  let out = '';
  while (out.length < n) out += (rng.nextU32() % 36).toString(36);
  return out;
}

export class Fabric {
  readonly hosts = new Map<string, SimHostInfo>();
  swarm: Swarm | null = null;
  /** Overlay networks, in creation order. */
  readonly overlays: Network[] = [];
  private nextVni = 4097;
  private readonly vnis = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  addHost(info: SimHostInfo): void {
    this.hosts.set(info.name, info);
  }

  init(manager: string): { nodeId: string; token: string } {
    const nodeId = base36(this.rng, 25);
    const secret = base36(this.rng, 50);
    this.swarm = {
      members: [manager],
      nodeIds: new Map([[manager, nodeId]]),
      workerToken: `SWMTKN-1-${secret}-${base36(this.rng, 25)}`,
      managerToken: `SWMTKN-1-${secret}-${base36(this.rng, 25)}`,
    };
    return { nodeId, token: this.swarm.workerToken };
  }

  join(host: string): void {
    if (!this.swarm) return;
    this.swarm.members.push(host);
    this.swarm.nodeIds.set(host, base36(this.rng, 25));
  }

  isManager(host: string): boolean {
    return this.swarm?.members[0] === host;
  }

  isMember(host: string): boolean {
    return this.swarm?.members.includes(host) ?? false;
  }

  /** The next overlay subnet from the swarm's default pool (10.0.0.0/8 in /24s). */
  nextSubnet(taken: readonly Cidr[]): Cidr {
    for (let i = 0; i < 65536; i++) {
      const c = parseCidr(`10.${i >> 8}.${i & 255}.0/24`)!;
      if (!taken.some((t) => t.base === c.base)) return c;
    }
    return parseCidr('10.0.0.0/24')!;
  }

  vni(net: Network): number {
    let v = this.vnis.get(net.id);
    if (v === undefined) this.vnis.set(net.id, (v = this.nextVni++));
    return v;
  }

  /** A swarm object id: 25 base-36 characters. */
  newId(): string {
    return base36(this.rng, 25);
  }
}
