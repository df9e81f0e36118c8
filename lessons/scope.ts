import type { Snapshot } from '../core/model';
import { repositoryOf } from './suffix';

/**
 * What one student's diagrams show on a shared real engine: the lesson's own
 * containers and what they stand on, not the whole class's. A container is
 * the lesson's when its name is one of `names` (the lesson's names as the
 * student sees them, suffixed: lessons/suffix.ts `suffixedNames`), ends with
 * `-suffix`, or its id is in `ids` (containers the student's lines made
 * without a name). The rest of the snapshot follows the kept containers.
 */
export interface ScopeOptions {
  suffix?: string;
  ids?: Iterable<string>;
}

/** The snapshot cut down to the lesson's containers, their images, layers, networks, volumes, processes and cgroups. */
export function lessonScope(snapshot: Snapshot, names: Iterable<string>, opts: ScopeOptions = {}): Snapshot {
  const named = new Set(names);
  const tail = opts.suffix ? `-${opts.suffix}` : null;
  const ours = (name: string): boolean => named.has(name) || (tail !== null && name.endsWith(tail));
  const ids = new Set(opts.ids ?? []);
  const containers = snapshot.containers.filter((c) => ours(c.name) || ids.has(c.id));
  const kept = new Set(containers.map((c) => c.id));
  const mine = (containerId: string | undefined): boolean => containerId === undefined || kept.has(containerId);

  // Images: the lesson's tags, the ones its containers run, and the bases those are built on.
  const lessonImages = snapshot.images.filter((i) => i.tags.some((t) => ours(repositoryOf(t))) || containers.some((c) => c.imageId === i.id));
  const images = snapshot.images.filter(
    (i) => lessonImages.includes(i) || (i.layers.length > 0 && lessonImages.some((l) => i.layers.every((layer, k) => l.layers[k] === layer))),
  );
  const imageLayers = new Set(images.flatMap((i) => i.layers));

  const out: Snapshot = { ...snapshot, containers, images };
  if (snapshot.layers) out.layers = snapshot.layers.filter((l) => (l.kind === 'image' ? imageLayers.has(l.id) : kept.has(l.containerId ?? '')));
  if (snapshot.networks) {
    const used = new Set(containers.flatMap((c) => [...(c.networks ?? []).map((n) => n.network), c.networkMode ?? '']));
    out.networks = snapshot.networks
      .filter((n) => ours(n.name) || used.has(n.name) || n.containers.some((id) => kept.has(id)))
      .map((n) => ({ ...n, containers: n.containers.filter((id) => kept.has(id)) }));
  }
  if (snapshot.interfaces) {
    // A host veth belongs to the container whose eth0 is its peer.
    const peers = new Set(snapshot.interfaces.filter((i) => i.netns !== 'host' && kept.has(i.netns)).map((i) => i.peerIfindex));
    out.interfaces = snapshot.interfaces.filter((i) => (i.netns === 'host' ? i.kind !== 'veth' || peers.has(i.ifindex) : kept.has(i.netns)));
  }
  if (snapshot.natRules) out.natRules = snapshot.natRules.filter((r) => mine(r.containerId));
  if (snapshot.processes) out.processes = snapshot.processes.filter((p) => mine(p.containerId));
  if (snapshot.namespaces) out.namespaces = snapshot.namespaces.filter((n) => n.owner === 'host' || kept.has(n.owner));
  if (snapshot.cgroups) out.cgroups = snapshot.cgroups.filter((g) => mine(g.containerId));
  if (snapshot.trace) out.trace = snapshot.trace.filter((t) => mine(t.containerId));
  if (snapshot.volumes) {
    const mounted = new Set(containers.flatMap((c) => (c.mounts ?? []).map((m) => m.name)).filter((n) => n !== ''));
    out.volumes = snapshot.volumes.filter((v) => ours(v.name) || mounted.has(v.name));
  }
  return out;
}
