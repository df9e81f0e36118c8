import type { NatRule } from '../model';
import { formatCidr, formatIp } from './ip';
import type { Network, Published } from './network';

/**
 * The iptables rules dockerd (Engine 20.10, iptables backend) keeps, in the
 * order `iptables-save` prints them. A network's rules are inserted at the top
 * of their chains when it is created (-I), so the newest network comes first;
 * a published port's rules are appended (-A) when its container starts.
 * IPv6 bindings ("::") have no IPv4 rule.
 */
export function natRules(state: { networks: readonly Network[]; published: readonly Published[] }): NatRule[] {
  const bridges = state.networks.filter((n) => n.driver === 'bridge' && n.subnet).reverse();
  const v4 = state.published.filter((p) => !p.hostIp.includes(':'));
  const containerOf = (p: Published): string | undefined => {
    for (const ep of p.network.endpoints.values()) if (ep.containerId && formatIp(ep.ip) === p.containerIp) return ep.containerId;
    return undefined;
  };
  const out: NatRule[] = [];
  const f = (chain: string, rule: string, containerId?: string): void => {
    out.push({ table: 'filter', chain, rule: `-A ${chain} ${rule}`, ...(containerId ? { containerId } : {}) });
  };
  const n = (chain: string, rule: string, containerId?: string): void => {
    out.push({ table: 'nat', chain, rule: `-A ${chain} ${rule}`, ...(containerId ? { containerId } : {}) });
  };

  f('FORWARD', '-j DOCKER-USER');
  f('FORWARD', '-j DOCKER-ISOLATION-STAGE-1');
  for (const net of bridges) {
    const br = net.bridge;
    if (net.internal) {
      f('FORWARD', `-i ${br} -o ${br} -j ACCEPT`);
      continue;
    }
    f('FORWARD', `-o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    f('FORWARD', `-o ${br} -j DOCKER`);
    f('FORWARD', `-i ${br} ! -o ${br} -j ACCEPT`);
    f('FORWARD', `-i ${br} -o ${br} -j ACCEPT`);
  }
  for (const p of v4) {
    f('DOCKER', `-d ${p.containerIp}/32 ! -i ${p.network.bridge} -o ${p.network.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j ACCEPT`, containerOf(p));
  }
  for (const net of bridges) {
    const br = net.bridge;
    const sub = formatCidr(net.subnet!);
    if (net.internal) {
      f('DOCKER-ISOLATION-STAGE-1', `! -s ${sub} -o ${br} -j DROP`);
      f('DOCKER-ISOLATION-STAGE-1', `! -d ${sub} -i ${br} -j DROP`);
    } else f('DOCKER-ISOLATION-STAGE-1', `-i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`);
  }
  f('DOCKER-ISOLATION-STAGE-1', '-j RETURN');
  for (const net of bridges) if (!net.internal) f('DOCKER-ISOLATION-STAGE-2', `-o ${net.bridge} -j DROP`);
  f('DOCKER-ISOLATION-STAGE-2', '-j RETURN');
  f('DOCKER-USER', '-j RETURN');

  n('PREROUTING', '-m addrtype --dst-type LOCAL -j DOCKER');
  n('OUTPUT', '! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER');
  for (const net of bridges) if (!net.internal) n('POSTROUTING', `-s ${formatCidr(net.subnet!)} ! -o ${net.bridge} -j MASQUERADE`);
  for (const p of v4) n('POSTROUTING', `-s ${p.containerIp}/32 -d ${p.containerIp}/32 -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j MASQUERADE`, containerOf(p));
  for (const net of bridges) if (!net.internal) n('DOCKER', `-i ${net.bridge} -j RETURN`);
  for (const p of v4) {
    const dst = p.hostIp === '0.0.0.0' ? '' : `-d ${p.hostIp}/32 `;
    n('DOCKER', `${dst}! -i ${p.network.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`, containerOf(p));
  }
  return out;
}
