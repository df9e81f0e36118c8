import type { InterfaceSnapshot } from '../model';

/**
 * Interface snapshots are cheap to build but there are two for every running
 * container: after each change, the previous snapshot's object is kept for
 * every interface that shows the same (issue 14), so the page's patch carries
 * only the new ones and views keep the same objects. Kept objects are frozen.
 */
export class InterfaceMemo {
  /** netns → name → the interface last shown, and the call that last showed it (host is part of netns's key only on a peer host, which adds it to all). */
  private readonly kept = new Map<string, Map<string, { iface: InterfaceSnapshot; seen: number }>>();
  private calls = 0;

  private readonly containers = new Map<string, { version: number; sandbox: object; endpoints: number; list: InterfaceSnapshot[]; seen: number }>();
  private round = 0;

  /**
   * A container's own namespace's interfaces, kept while the network model's
   * change counter for it (bumped on connect, disconnect, start and stop) and
   * its sandbox stay the same: with a thousand containers this is most of the
   * interfaces, and they are not even rebuilt. Call `beginRound` before a
   * snapshot's containers and `endRound` after: those not asked for are forgot.
   */
  ofContainer(id: string, version: number, sandbox: { endpoints: readonly unknown[] }, build: (id: string) => InterfaceSnapshot[]): InterfaceSnapshot[] {
    const kept = this.containers.get(id);
    if (kept && kept.version === version && kept.sandbox === sandbox && kept.endpoints === sandbox.endpoints.length) {
      kept.seen = this.round;
      return kept.list;
    }
    const list = build(id).map(frozen);
    this.containers.set(id, { version, sandbox, endpoints: sandbox.endpoints.length, list, seen: this.round });
    return list;
  }

  beginRound(): void {
    this.round++;
  }

  /** Forgets the containers not asked for since beginRound (removed or stopped). */
  endRound(): void {
    for (const [id, k] of this.containers) if (k.seen !== this.round) this.containers.delete(id);
  }

  /**
   * `built`, each interface replaced by the one kept from last time when it
   * shows the same. What this call did not show is forgot; the kept entries
   * are changed in place, so a snapshot makes no garbage for the hundreds of
   * interfaces that stayed.
   */
  stable(built: readonly InterfaceSnapshot[]): InterfaceSnapshot[] {
    const call = ++this.calls;
    const out: InterfaceSnapshot[] = new Array(built.length);
    for (let k = 0; k < built.length; k++) {
      const i = built[k]!;
      let ns = this.kept.get(i.netns);
      if (!ns) this.kept.set(i.netns, (ns = new Map()));
      const old = ns.get(i.name);
      if (old !== undefined && (old.iface === i || sameInterface(old.iface, i))) {
        old.seen = call;
        out[k] = old.iface;
      } else {
        const keep = frozen(i);
        if (old !== undefined) {
          old.iface = keep;
          old.seen = call;
        } else ns.set(i.name, { iface: keep, seen: call });
        out[k] = keep;
      }
    }
    for (const [netns, ns] of this.kept) {
      for (const [name, e] of ns) if (e.seen !== call) ns.delete(name);
      if (ns.size === 0) this.kept.delete(netns);
    }
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
