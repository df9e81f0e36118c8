import type { InterfaceSnapshot } from '../model';

/**
 * Interface snapshots are cheap to build but there are two for every running
 * container: after each change, the previous snapshot's object is kept for
 * every interface that shows the same (issue 14), so the page's patch carries
 * only the new ones and views keep the same objects. Kept objects are frozen.
 */
export class InterfaceMemo {
  /** netns → name → the interface last shown (host is part of netns's key only on a peer host, which adds it to all). */
  private kept = new Map<string, Map<string, InterfaceSnapshot>>();

  private readonly containers = new Map<string, { version: number; sandbox: object; endpoints: number; list: InterfaceSnapshot[] }>();

  /**
   * A container's own namespace's interfaces, kept while the network model's
   * change counter for it (bumped on connect, disconnect, start and stop) and
   * its sandbox stay the same: with a thousand containers this is most of the
   * interfaces, and they are not even rebuilt.
   */
  ofContainer(id: string, version: number, sandbox: { endpoints: readonly unknown[] }, build: () => InterfaceSnapshot[]): InterfaceSnapshot[] {
    const kept = this.containers.get(id);
    if (kept && kept.version === version && kept.sandbox === sandbox && kept.endpoints === sandbox.endpoints.length) return kept.list;
    const list = build().map(frozen);
    this.containers.set(id, { version, sandbox, endpoints: sandbox.endpoints.length, list });
    return list;
  }

  /** Forgets the containers not in `live` (removed or stopped). */
  keepOnly(live: ReadonlySet<string>): void {
    for (const id of this.containers.keys()) if (!live.has(id)) this.containers.delete(id);
  }

  /** `built`, each interface replaced by the one kept from last time when it shows the same. */
  stable(built: InterfaceSnapshot[]): InterfaceSnapshot[] {
    const next = new Map<string, Map<string, InterfaceSnapshot>>();
    const out = built.map((i) => {
      const old = this.kept.get(i.netns)?.get(i.name);
      const keep = old !== undefined && (old === i || sameInterface(old, i)) ? old : frozen(i);
      let ns = next.get(i.netns);
      if (!ns) next.set(i.netns, (ns = new Map()));
      ns.set(i.name, keep);
      return keep;
    });
    this.kept = next;
    return out;
  }
}

function frozen(i: InterfaceSnapshot): InterfaceSnapshot {
  return Object.isFrozen(i) ? i : Object.freeze({ ...i, addresses: Object.freeze([...i.addresses]) as string[] });
}

function sameInterface(a: InterfaceSnapshot, b: InterfaceSnapshot): boolean {
  if (a.name !== b.name || a.ifindex !== b.ifindex || a.kind !== b.kind || a.mac !== b.mac || a.up !== b.up || a.netns !== b.netns) return false;
  if (a.master !== b.master || a.peerIfindex !== b.peerIfindex || a.host !== b.host) return false;
  // An optional field absent on one side and undefined on the other shows the same.
  if (a.addresses.length !== b.addresses.length) return false;
  for (let i = 0; i < a.addresses.length; i++) if (a.addresses[i] !== b.addresses[i]) return false;
  return true;
}
