import type { LayerEntry, LayerSnapshot } from '../../../../core/model';

/**
 * Issue 14: a past moment's layers whose files the backend cannot tell (on the
 * real engine, an image layer removed since): the views say so rather than
 * show another moment's files.
 */
export class MissingLayerFiles extends Error {
  constructor(readonly layerIds: readonly string[]) {
    super(`no files known at that moment for ${layerIds.map((id) => id.replace(/^sha256:/, '').slice(0, 12)).join(', ')}`);
  }
}

/**
 * The page's copy of layer file lists, fetched on demand through the Backend
 * port. Image and init layers never change once made, so each is fetched once;
 * a container's upper layer is fetched again whenever it is asked for.
 */
export class LayerEntriesCache {
  private fixed = new Map<string, LayerEntry[]>();

  constructor(private readonly fetch: (ids: string[]) => Promise<Record<string, LayerEntry[]>>) {}

  /** The file lists of these layers; a layer the backend no longer has is missing from the map. */
  async get(layers: readonly Pick<LayerSnapshot, 'id' | 'kind'>[]): Promise<Map<string, LayerEntry[]>> {
    const wanted = [...new Map(layers.map((l) => [l.id, l])).values()];
    const ask = wanted.filter((l) => l.kind === 'container' || !this.fixed.has(l.id)).map((l) => l.id);
    const got = ask.length ? await this.fetch(ask) : {};
    const out = new Map<string, LayerEntry[]>();
    for (const l of wanted) {
      const entries = got[l.id] ?? this.fixed.get(l.id);
      if (!entries) continue;
      if (l.kind !== 'container') this.fixed.set(l.id, entries);
      out.set(l.id, entries);
    }
    return out;
  }
}
