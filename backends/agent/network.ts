import { execFile } from 'node:child_process';
import { readlink } from 'node:fs/promises';
import { z } from 'zod';
import type { ContainerSnapshot, InterfaceSnapshot, NatRule, NetworkSnapshot } from '../../core/model';

/**
 * The real host's network topology for the network diagram: links and
 * addresses from netlink (`ip -j -d addr`, in the host's namespace and in each
 * container's, entered with `nsenter --net=/proc/<pid>/ns/net`), and Docker's
 * NAT and filter rules from `iptables-save`. Parsing is pure (tested on
 * recorded output); reading spawns fixed programs with fixed arguments, never
 * a shell, and the only variable part is a pid the Engine API gave as a number.
 */

// ---- netlink --------------------------------------------------------------

const ipLink = z.object({
  ifindex: z.number().int(),
  ifname: z.string(),
  link_index: z.number().int().optional(),
  master: z.string().optional(),
  flags: z.array(z.string()).optional(),
  link_type: z.string().optional(),
  address: z.string().optional(),
  linkinfo: z.object({ info_kind: z.string().optional() }).passthrough().optional(),
  addr_info: z.array(z.object({ family: z.string(), local: z.string().optional(), prefixlen: z.number().int().optional() }).passthrough()).optional(),
});
const ipLinks = z.array(ipLink.passthrough());

/** Which InterfaceSnapshot kind a link is; null for kinds the diagram does not draw (ifb, dummy, tun …). */
function kindOf(l: z.infer<typeof ipLink>): InterfaceSnapshot['kind'] | null {
  if (l.link_type === 'loopback') return 'loopback';
  const k = l.linkinfo?.info_kind;
  if (k === 'bridge' || k === 'veth' || k === 'vxlan') return k;
  if (k === undefined && l.link_type === 'ether') return 'physical';
  return null;
}

/**
 * The interfaces of one namespace from `ip -j -d addr show`. IPv4 and global
 * IPv6 addresses are kept as CIDR; link-local ones (fe80::/10) are not.
 * A veth's `link_index` is its peer's ifindex (in the other namespace).
 */
export function interfacesFromIp(json: string, netns: string): InterfaceSnapshot[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return [];
  }
  const parsed = ipLinks.safeParse(raw);
  if (!parsed.success) return [];
  const out: InterfaceSnapshot[] = [];
  for (const l of parsed.data) {
    const kind = kindOf(l);
    if (!kind) continue;
    const addresses = (l.addr_info ?? [])
      .filter((a) => a.local && a.prefixlen !== undefined && (a.family === 'inet' || (a.family === 'inet6' && !/^fe[89ab]/i.test(a.local))))
      .map((a) => `${a.local}/${a.prefixlen}`);
    const i: InterfaceSnapshot = {
      name: l.ifname,
      ifindex: l.ifindex,
      kind,
      mac: l.address ?? '',
      addresses,
      up: (l.flags ?? []).includes('UP'),
      netns,
    };
    if (l.master) i.master = l.master;
    if (kind === 'veth' && l.link_index !== undefined) i.peerIfindex = l.link_index;
    out.push(i);
  }
  return out;
}

/** Whether the IPv4 address `ip` lies in the IPv4 CIDR `subnet`. */
function inSubnet(ip: string, subnet: string): boolean {
  const toInt = (a: string): number | null => {
    const parts = a.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
    return parts.reduce((n, p) => n * 256 + Number(p), 0);
  };
  const [base, bits] = subnet.split('/');
  const a = toInt(ip);
  const b = toInt(base ?? '');
  const len = Number(bits);
  if (a === null || b === null || !Number.isInteger(len) || len < 0 || len > 32) return false;
  const size = 2 ** (32 - len);
  return Math.floor(a / size) === Math.floor(b / size);
}

/**
 * Docker's networks with the gateway the bridge device holds where the IPAM
 * config names none: daemon 20.10 leaves the default bridge's Gateway out of
 * `network inspect` (docker0 was given its address at start, outside IPAM),
 * so the diagram would show `-` where containers route through 172.17.0.1.
 * The bridge's IPv4 address in the network's subnet is that gateway.
 */
export function withBridgeGateways(networks: readonly NetworkSnapshot[], interfaces: readonly InterfaceSnapshot[]): NetworkSnapshot[] {
  return networks.map((n) => {
    if (n.gateway || !n.bridge) return n;
    const dev = interfaces.find((i) => i.netns === 'host' && i.kind === 'bridge' && i.name === n.bridge);
    const ip = dev?.addresses.map((a) => a.split('/')[0]!).find((a) => !a.includes(':') && (!n.subnet || inSubnet(a, n.subnet)));
    return ip ? { ...n, gateway: ip } : n;
  });
}

// ---- iptables ---------------------------------------------------------------

export interface SavedRule {
  table: string;
  chain: string;
  rule: string;
}

/** Every `-A` line of `iptables-save` output with its table. */
export function parseIptablesSave(text: string): SavedRule[] {
  const out: SavedRule[] = [];
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith('-A ')) {
      const chain = line.slice(3).split(' ', 1)[0]!;
      out.push({ table, chain, rule: line.trimEnd() });
    }
  }
  return out;
}

export interface DockerRuleContext {
  /** Linux bridges of Docker's networks (docker0, br-…). */
  bridges: readonly string[];
  /** Subnets of Docker's networks (CIDR). */
  subnets: readonly string[];
  /** Container IPv4 address → container id. */
  containerIps: ReadonlyMap<string, string>;
}

/**
 * The rules Docker made, in the nat and filter tables: every rule of its own
 * chains (DOCKER, DOCKER-USER, DOCKER-ISOLATION-STAGE-*), the jumps into them,
 * and rules naming one of its bridges or subnets (MASQUERADE, FORWARD). Each
 * rule that names a container's address (DNAT --to-destination, -d/-s
 * ip/32) is tied to that container.
 */
export function dockerRules(all: readonly SavedRule[], ctx: DockerRuleContext): NatRule[] {
  const out: NatRule[] = [];
  for (const r of all) {
    if (r.table !== 'nat' && r.table !== 'filter') continue;
    const words = r.rule.split(' ');
    const jump = words[words.indexOf('-j') + 1] ?? '';
    const mentions = (flag: string, values: readonly string[]): boolean =>
      words.some((w, i) => w === flag && values.includes(words[i + 1] ?? ''));
    const id = containerOfRule(words, ctx.containerIps);
    const docker =
      r.chain.startsWith('DOCKER') ||
      jump.startsWith('DOCKER') ||
      mentions('-i', ctx.bridges) ||
      mentions('-o', ctx.bridges) ||
      mentions('-s', ctx.subnets) ||
      id !== undefined;
    if (!docker) continue;
    const rule: NatRule = { table: r.table, chain: r.chain, rule: r.rule };
    if (id) rule.containerId = id;
    out.push(rule);
  }
  return out;
}

function containerOfRule(words: readonly string[], ips: ReadonlyMap<string, string>): string | undefined {
  for (let i = 0; i < words.length - 1; i++) {
    const w = words[i];
    const v = words[i + 1]!;
    if (w === '--to-destination') {
      const ip = v.replace(/^\[/, '').replace(/\]?(:\d+(-\d+)?)?$/, '');
      if (ips.has(ip)) return ips.get(ip);
    }
    if ((w === '-d' || w === '-s') && v.endsWith('/32') && ips.has(v.slice(0, -3))) return ips.get(v.slice(0, -3));
  }
  return undefined;
}

/**
 * How the kernel holds Docker's rules: `iptables -V` says legacy or
 * nf_tables; where Docker itself writes nftables (Docker 29's firewall
 * backend), `nft list tables` shows its own tables.
 */
export type FirewallBackend = 'iptables-legacy' | 'iptables-nft' | 'nftables';
export function firewallBackend(iptablesVersion: string, nftTables: string): FirewallBackend {
  if (/^table \S+ docker-/m.test(nftTables)) return 'nftables';
  return /nf_tables/.test(iptablesVersion) ? 'iptables-nft' : 'iptables-legacy';
}

/**
 * Docker's own nftables rules (`nft -a list table ip docker-bridges` lines)
 * as NatRules: chains named from the table, rules as nft prints them.
 */
export function parseNftTable(text: string): SavedRule[] {
  const out: SavedRule[] = [];
  let table = '';
  let chain = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const t = line.match(/^table (\S+) (\S+) \{/);
    if (t) {
      table = t[2]!;
      continue;
    }
    const c = line.match(/^chain (\S+) \{/);
    if (c) {
      chain = c[1]!;
      continue;
    }
    if (!line || line === '}' || /^(type|policy) /.test(line) || line.startsWith('#')) continue;
    if (chain) out.push({ table, chain, rule: line.replace(/ # handle \d+$/, '') });
  }
  return out;
}

/** Docker's nftables rules, with the nat/filter table inferred from the chain (nat-… chains, dnat/masquerade verdicts). */
export function dockerNftRules(all: readonly SavedRule[], ips: ReadonlyMap<string, string>): NatRule[] {
  return all.map((r) => {
    const nat = /nat|dnat|masquerade|snat/i.test(`${r.chain} ${r.rule}`);
    const rule: NatRule = { table: nat ? 'nat' : 'filter', chain: r.chain, rule: r.rule };
    for (const [ip, id] of ips) {
      if (new RegExp(`(^|[ :])${ip.replace(/\./g, '\\.')}([ :/]|$)`).test(r.rule)) {
        rule.containerId = id;
        break;
      }
    }
    return rule;
  });
}

// ---- reading --------------------------------------------------------------

export type Exec = (file: string, args: readonly string[]) => Promise<string>;

/** Runs a program without a shell and returns its stdout; rejects on a non-zero exit. */
export const execNoShell: Exec = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { shell: false, timeout: 10_000, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });

export interface NetworkView {
  interfaces: InterfaceSnapshot[];
  natRules: NatRule[];
  firewall: FirewallBackend | null;
}

export interface NetworkReaderOptions {
  exec?: Exec;
  /** readlink of /proc/<pid>/ns/net (and /proc/self/ns/net for the host). */
  nsOf?: (pid: number | 'self') => Promise<string>;
  log?: (line: string) => void;
}

/**
 * Reads the host's links and rules on every call, and each container's links
 * once per (container, pid) unless the container is named as changed: a
 * container's interfaces change only when it starts or is connected or
 * disconnected, which the Docker events name.
 */
export class NetworkReader {
  private readonly exec: Exec;
  private readonly nsOf: (pid: number | 'self') => Promise<string>;
  private readonly log: (line: string) => void;
  private cache = new Map<string, { key: string; ns: string; interfaces: InterfaceSnapshot[] }>();
  private firewall: FirewallBackend | null = null;
  private warned = new Set<string>();

  constructor(opts: NetworkReaderOptions = {}) {
    this.exec = opts.exec ?? execNoShell;
    this.nsOf = opts.nsOf ?? ((pid) => readlink(`/proc/${pid}/ns/net`));
    this.log = opts.log ?? (() => {});
  }

  private warnOnce(what: string, err: unknown): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.log(`network: ${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }

  /**
   * Everything at once: the programs run side by side (each spawn costs tens
   * of milliseconds), and `networks` may still be on its way from the Engine
   * API; the rules are filtered once it is there.
   */
  async read(containers: readonly ContainerSnapshot[], networks: readonly NetworkSnapshot[] | Promise<readonly NetworkSnapshot[]>, changed: ReadonlySet<string> | 'all'): Promise<NetworkView> {
    // Handled here too: the nftables path never waits for it.
    Promise.resolve(networks).catch(() => {});
    const hostNs = await this.nsOf('self').catch(() => '');
    const [hostJson, containerIfs, natRules] = await Promise.all([
      this.exec('ip', ['-j', '-d', 'addr', 'show']).catch((err: unknown) => (this.warnOnce('ip addr', err), '[]')),
      this.readContainers(containers, hostNs, changed),
      this.readRules(containers, networks),
    ]);
    const interfaces = [...interfacesFromIp(hostJson, 'host'), ...containerIfs];
    return { interfaces, natRules, firewall: this.firewall };
  }

  private async readContainers(containers: readonly ContainerSnapshot[], hostNs: string, changed: ReadonlySet<string> | 'all'): Promise<InterfaceSnapshot[]> {
    const live = containers.filter((c) => c.pid > 0 && Number.isSafeInteger(c.pid));
    const keep = new Map<string, { key: string; ns: string; interfaces: InterfaceSnapshot[] }>();
    const seenNs = new Set<string>();
    // Containers that own their namespace first, so one joined with --network container:X is never read as the owner.
    const ordered = [...live].sort((a, b) => Number(isJoined(a)) - Number(isJoined(b)));
    for (const c of ordered) {
      const key = `${c.pid}`;
      const cached = this.cache.get(c.id);
      let entry = cached && cached.key === key && changed !== 'all' && !changed.has(c.id) ? cached : null;
      if (!entry) {
        const ns = await this.nsOf(c.pid).catch(() => '');
        if (!ns) continue; // the process is gone: the next event says so
        let interfaces: InterfaceSnapshot[] = [];
        if (ns !== hostNs && !seenNs.has(ns)) {
          try {
            interfaces = interfacesFromIp(await this.exec('nsenter', [`--net=/proc/${c.pid}/ns/net`, 'ip', '-j', '-d', 'addr', 'show']), c.id);
          } catch (err) {
            this.warnOnce('nsenter (the agent needs root to read containers\' interfaces)', err);
          }
        }
        entry = { key, ns, interfaces };
      }
      // Host-mode containers and those sharing another's namespace have no interfaces of their own.
      if (entry.ns === hostNs || seenNs.has(entry.ns)) entry = { ...entry, interfaces: [] };
      seenNs.add(entry.ns);
      keep.set(c.id, entry);
    }
    this.cache = keep;
    return [...keep.values()].flatMap((e) => e.interfaces);
  }

  private async readRules(containers: readonly ContainerSnapshot[], networksComing: readonly NetworkSnapshot[] | Promise<readonly NetworkSnapshot[]>): Promise<NatRule[]> {
    const ips = new Map<string, string>();
    for (const c of containers) for (const n of c.networks ?? []) if (n.ip) ips.set(n.ip, c.id);
    if (this.firewall === null) {
      const [v, nft] = await Promise.all([
        this.exec('iptables', ['-V']).catch(() => ''),
        this.exec('nft', ['list', 'tables']).catch(() => ''),
      ]);
      this.firewall = firewallBackend(v, nft);
    }
    try {
      if (this.firewall === 'nftables') {
        const rules = [];
        for (const table of ['docker-bridges']) {
          rules.push(...parseNftTable(await this.exec('nft', ['-a', 'list', 'table', 'ip', table])));
        }
        return dockerNftRules(rules, ips);
      }
      const [text, networks] = await Promise.all([this.exec('iptables-save', []), networksComing]);
      const saved = parseIptablesSave(text);
      return dockerRules(saved, {
        bridges: networks.map((n) => n.bridge).filter(Boolean),
        subnets: networks.map((n) => n.subnet).filter(Boolean),
        containerIps: ips,
      });
    } catch (err) {
      this.warnOnce('reading the firewall rules', err);
      return [];
    }
  }
}

function isJoined(c: ContainerSnapshot): boolean {
  return (c.networkMode ?? '').startsWith('container:');
}
