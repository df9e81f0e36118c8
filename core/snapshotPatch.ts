import type { Snapshot } from './model';

/**
 * What changed between two snapshots, small enough to post to the page after
 * every change (a whole snapshot of a thousand containers is megabytes of
 * structured clone). Lists of objects with an identity are patched by key;
 * everything else is replaced whole when it differs. Applying a patch keeps
 * the objects that did not change, so views see the same identities.
 */

/** The list fields patched item by item, and how an item is keyed. */
const KEYED = {
  containers: (c: Snapshot['containers'][number]) => c.id,
  images: (i: Snapshot['images'][number]) => i.id,
  layers: (l: NonNullable<Snapshot['layers']>[number]) => l.id,
  networks: (n: NonNullable<Snapshot['networks']>[number]) => `${n.host ?? ''}|${n.id}`,
  interfaces: (i: NonNullable<Snapshot['interfaces']>[number]) => `${i.host ?? ''}|${i.netns}|${i.name}`,
  processes: (p: NonNullable<Snapshot['processes']>[number]) => String(p.pid),
  namespaces: (n: NonNullable<Snapshot['namespaces']>[number]) => `${n.type}:${n.inode}`,
  cgroups: (c: NonNullable<Snapshot['cgroups']>[number]) => c.path,
  trace: (t: NonNullable<Snapshot['trace']>[number]) => String(t.seq),
  volumes: (v: NonNullable<Snapshot['volumes']>[number]) => v.name,
  registries: (r: NonNullable<Snapshot['registries']>[number]) => r.id,
} as const;

type KeyedField = keyof typeof KEYED;

/**
 * One list's changes: items added or changed, keys removed. By default new
 * items go at the end; `insertAfter` places each after a key (null: first)
 * when the others kept their order; `order` gives the whole new order.
 */
export interface ListPatch {
  upsert: unknown[];
  remove: string[];
  insertAfter?: [string, string | null][];
  order?: string[];
  /**
   * Where the changes are (issue 14): the old list's items outside the spans'
   * windows stay, in order; each span takes the next `upsert`, `remove` and
   * `insertAfter` entries of the patch, in order, and the receiver patches
   * only its window.
   */
  spans?: ListSpan[];
}

/** One window [at[0], at[1]) of the old list and how many of the patch's entries apply to it. */
export interface ListSpan {
  at: [number, number];
  upsert: number;
  remove: number;
  insertAfter: number;
}

export interface SnapshotPatch {
  /** Fields replaced whole (also a keyed list that was absent before, or whose keys repeat). */
  set: Partial<Snapshot>;
  /** Fields the new snapshot no longer has. */
  unset: (keyof Snapshot)[];
  lists: Partial<Record<KeyedField, ListPatch>>;
}

function isKeyed(field: string): field is KeyedField {
  return Object.hasOwn(KEYED, field);
}

/** Structural equality of plain data (what a snapshot is made of). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * An item's key, remembered per object (and a list's index, per list):
 * snapshot data is not changed once made (the engine freezes its own), and
 * most items are the same objects from one snapshot to the next.
 */
const keyCache = new WeakMap<object, string>();

function keyOf(item: unknown, key: (item: never) => string): string {
  if (typeof item !== 'object' || item === null) return key(item as never);
  let k = keyCache.get(item);
  if (k === undefined) {
    k = key(item as never);
    keyCache.set(item, k);
  }
  return k;
}

/**
 * A list's keys and items by key, remembered per list: the sender's next list
 * is the base of its following diff, so each list is indexed once.
 */
const indexCache = new WeakMap<readonly unknown[], { keys: string[]; byKey: Map<string, unknown> }>();

function indexed(items: readonly unknown[], key: (item: never) => string): { keys: string[]; byKey: Map<string, unknown> } {
  let ix = indexCache.get(items);
  if (!ix) {
    const keys = items.map((i) => keyOf(i, key));
    const byKey = new Map<string, unknown>();
    for (let i = 0; i < items.length; i++) byKey.set(keys[i] as string, items[i]);
    ix = { keys, byKey };
    indexCache.set(items, ix);
  }
  return ix;
}

/**
 * The fast path of diffList for a list that changed in a few stretches (most
 * snapshots: a container added, its processes, namespaces and interfaces; the
 * trace ring dropping its oldest ops and gaining new ones): items that are the
 * same objects as before, in the same order, are not looked at, and `prev`'s
 * index is handed on to `next` by changing it for the stretches only.
 * Undefined when it does not apply (no index of `prev`, keys that repeat, an
 * item moved from one stretch to another): the caller then compares the
 * whole lists.
 */
function diffStretch(prev: readonly unknown[], next: readonly unknown[], key: (item: never) => string): ListPatch | null | undefined {
  const ix = indexCache.get(prev);
  if (!ix || ix.byKey.size !== ix.keys.length) return undefined;
  const regions = changedRegions(prev, next);
  // Each key of the changed stretches, by the stretch it is in.
  const oldRegion = new Map<string, number>();
  const newRegion = new Map<string, number>();
  const newKeysOf: string[][] = [];
  for (let r = 0; r < regions.length; r++) {
    const g = regions[r]!;
    for (let i = g.ps; i < g.pe; i++) oldRegion.set(ix.keys[i] as string, r);
    const keys: string[] = [];
    for (let j = g.ns; j < g.ne; j++) {
      const k = keyOf(next[j], key);
      // A key that repeats, or that an unchanged item has: the whole comparison decides.
      if (newRegion.has(k)) return undefined;
      newRegion.set(k, r);
      keys.push(k);
    }
    newKeysOf.push(keys);
  }
  for (const [k, r] of newRegion) {
    const was = oldRegion.get(k);
    if (was === undefined ? ix.byKey.has(k) : was !== r) return undefined;
  }
  const upsert: unknown[] = [];
  const remove: string[] = [];
  const insertAfter: [string, string | null][] = [];
  const spans: ListSpan[] = [];
  for (let r = 0; r < regions.length; r++) {
    const g = regions[r]!;
    const newKeys = newKeysOf[r]!;
    const oldKeys = ix.keys.slice(g.ps, g.pe);
    // Items that stayed in a stretch kept their order, or the whole new order is sent.
    const stayed = oldKeys.filter((k) => newRegion.has(k));
    const stayedInNext = newKeys.filter((k) => oldRegion.has(k));
    if (!stayed.every((k, i) => k === stayedInNext[i])) return undefined;
    const [u0, r0, a0] = [upsert.length, remove.length, insertAfter.length];
    const added: number[] = [];
    for (let i = 0; i < newKeys.length; i++) {
      const k = newKeys[i] as string;
      const item = next[g.ns + i];
      const old = oldRegion.has(k) ? ix.byKey.get(k) : undefined;
      if (old === undefined) added.push(i);
      if (old === undefined || !deepEqual(old, item)) upsert.push(item);
    }
    for (const k of oldKeys) if (!newRegion.has(k)) remove.push(k);
    // New items that only follow the stretch's others need no anchors (applyList appends them to the window).
    const trailing = added.every((i, n) => i === newKeys.length - added.length + n);
    if (!trailing) {
      for (const i of added) {
        const anchor = i > 0 ? (newKeys[i - 1] as string) : g.ps > 0 ? (ix.keys[g.ps - 1] as string) : null;
        insertAfter.push([newKeys[i] as string, anchor]);
      }
    }
    if (upsert.length > u0 || remove.length > r0) spans.push({ at: [Math.max(0, g.ps - 1), g.pe], upsert: upsert.length - u0, remove: remove.length - r0, insertAfter: insertAfter.length - a0 });
  }
  // Hand the index on: `next` is the base of the sender's next diff. Its keys are
  // prev's with the stretches replaced, changed in place from the last stretch back.
  for (const k of remove) ix.byKey.delete(k);
  for (let r = regions.length - 1; r >= 0; r--) {
    const g = regions[r]!;
    const keys = newKeysOf[r]!;
    for (let j = 0; j < keys.length; j++) ix.byKey.set(keys[j] as string, next[g.ns + j]);
    if (keys.length === g.pe - g.ps) for (let j = 0; j < keys.length; j++) ix.keys[g.ps + j] = keys[j] as string;
    else ix.keys.splice(g.ps, g.pe - g.ps, ...keys);
  }
  indexCache.delete(prev);
  indexCache.set(next, ix);
  if (spans.length === 0) return null;
  return insertAfter.length > 0 ? { upsert, remove, insertAfter, spans } : { upsert, remove, spans };
}

/** A stretch that differs: prev[ps, pe) became next[ns, ne); between stretches both lists hold the same objects. */
interface Region {
  ps: number;
  pe: number;
  ns: number;
  ne: number;
}

/** How far ahead a stretch's end is looked for before the rest of the lists is taken as one stretch. */
const RESYNC_WINDOW = 512;

/** The stretches where `prev` and `next` differ, found by walking both while they hold the same objects. */
function changedRegions(prev: readonly unknown[], next: readonly unknown[]): Region[] {
  const out: Region[] = [];
  let i = 0;
  let j = 0;
  while (i < prev.length && j < next.length) {
    if (prev[i] === next[j]) {
      i++;
      j++;
      continue;
    }
    // Most stretches are a few items added, removed or replaced: look a little way ahead first.
    const near = nearResync(prev, i, next, j);
    if (near) {
      out.push({ ps: i, pe: near[0], ns: j, ne: near[1] });
      i = near[0];
      j = near[1];
      continue;
    }
    // The nearest place both hold one object again: the first item of next's window that prev's window has.
    const ahead = new Map<unknown, number>();
    for (let a = i; a < Math.min(prev.length, i + RESYNC_WINDOW); a++) if (!ahead.has(prev[a])) ahead.set(prev[a], a);
    let found = false;
    for (let b = j; b < Math.min(next.length, j + RESYNC_WINDOW); b++) {
      const a = ahead.get(next[b]);
      if (a === undefined) continue;
      out.push({ ps: i, pe: a, ns: j, ne: b });
      i = a;
      j = b;
      found = true;
      break;
    }
    if (found) continue;
    // No resync nearby: what differs runs to where the lists' ends agree.
    let s = 0;
    while (s < Math.min(prev.length - i, next.length - j) && prev[prev.length - 1 - s] === next[next.length - 1 - s]) s++;
    out.push({ ps: i, pe: prev.length - s, ns: j, ne: next.length - s });
    return out;
  }
  if (i < prev.length || j < next.length) out.push({ ps: i, pe: prev.length, ns: j, ne: next.length });
  return out;
}

/** How far nearResync looks. */
const NEAR = 8;

/**
 * Where prev and next hold the same object again within NEAR items of i and
 * j (d items inserted, removed or replaced), without indexing a window.
 */
function nearResync(prev: readonly unknown[], i: number, next: readonly unknown[], j: number): [number, number] | undefined {
  for (let d = 1; d <= NEAR; d++) {
    if (j + d < next.length && next[j + d] === prev[i]) return [i, j + d];
    if (i + d < prev.length && prev[i + d] === next[j]) return [i + d, j];
    if (i + d < prev.length && j + d < next.length && prev[i + d] === next[j + d]) return [i + d, j + d];
  }
  return undefined;
}

function diffList(prev: readonly unknown[], next: readonly unknown[], key: (item: never) => string): ListPatch | 'whole' | null {
  if (prev === next) return null;
  const fast = diffStretch(prev, next, key);
  if (fast !== undefined) return fast;
  const { keys: prevKeys, byKey: before } = indexed(prev, key);
  const { keys: nextKeys, byKey: nextSet } = indexed(next, key);
  // Two items with one key cannot be patched by key: such a list is sent whole.
  if (before.size !== prevKeys.length || nextSet.size !== nextKeys.length) return 'whole';
  const upsert: unknown[] = [];
  const added: string[] = [];
  for (let i = 0; i < next.length; i++) {
    const k = nextKeys[i] as string;
    const old = before.get(k);
    if (old === undefined) added.push(k);
    if (old === undefined || !deepEqual(old, next[i])) upsert.push(next[i]);
  }
  const remove = prevKeys.filter((k) => !nextSet.has(k));
  if (upsert.length === 0 && remove.length === 0 && prevKeys.length === nextKeys.length && prevKeys.every((k, i) => k === nextKeys[i])) return null;
  // applyPatch's default order: the old one less removals, additions after in upsert order.
  const implied = [...prevKeys.filter((k) => nextSet.has(k)), ...added];
  const inOrder = implied.length === nextKeys.length && implied.every((k, i) => k === nextKeys[i]);
  if (inOrder) return { upsert, remove };
  // Items that stayed kept their order (a veth added among the host's interfaces): say where each new one goes.
  const stayed = implied.slice(0, implied.length - added.length);
  const stayedInNext = nextKeys.filter((k) => before.has(k));
  if (stayed.every((k, i) => k === stayedInNext[i])) {
    const insertAfter: [string, string | null][] = [];
    nextKeys.forEach((k, i) => {
      if (!before.has(k)) insertAfter.push([k, i === 0 ? null : (nextKeys[i - 1] as string)]);
    });
    return { upsert, remove, insertAfter };
  }
  return { upsert, remove, order: nextKeys };
}

/** The patch that turns `prev` into `next`. */
export function diffSnapshot(prev: Snapshot, next: Snapshot): SnapshotPatch {
  const patch: SnapshotPatch = { set: {}, unset: [], lists: {} };
  const set = patch.set as Record<string, unknown>;
  const p = prev as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  for (const field of Object.keys(p)) if (!Object.hasOwn(n, field)) patch.unset.push(field as keyof Snapshot);
  for (const field of Object.keys(n)) {
    const a = p[field];
    const b = n[field];
    if (isKeyed(field) && Array.isArray(a) && Array.isArray(b)) {
      const d = diffList(a, b, KEYED[field]);
      if (d === 'whole') set[field] = b;
      else if (d) patch.lists[field] = d;
    } else if (!Object.hasOwn(p, field) || !deepEqual(a, b)) {
      set[field] = b;
    }
  }
  return patch;
}

function applyList(prev: readonly unknown[], lp: ListPatch, key: (item: never) => string): unknown[] {
  if (lp.spans && !lp.order) return applySpans(prev, lp, lp.spans, key);
  if (lp.order) {
    const byKey = new Map<string, unknown>();
    for (const item of prev) byKey.set(keyOf(item, key), item);
    for (const item of lp.upsert) byKey.set(keyOf(item, key), item);
    return lp.order.map((k) => {
      if (!byKey.has(k)) throw new Error(`snapshot patch: no item ${k}`);
      return byKey.get(k);
    });
  }
  // One walk of the old list, without indexing it: patches are small, lists are not.
  const changed = new Map<string, unknown>();
  for (const item of lp.upsert) changed.set(keyOf(item, key), item);
  const removed = new Set(lp.remove);
  const follower = new Map<string | null, string>((lp.insertAfter ?? []).map(([k, anchor]) => [anchor, k]));
  const out: unknown[] = [];
  const placed = new Set<string>();
  const place = (k: string, item: unknown): void => {
    out.push(item);
    placed.add(k);
  };
  const chain = (from: string | null): void => {
    for (let k = follower.get(from); k !== undefined; k = follower.get(k)) {
      if (!changed.has(k)) throw new Error(`snapshot patch: no item ${k}`);
      place(k, changed.get(k));
    }
  };
  chain(null);
  for (const item of prev) {
    const k = keyOf(item, key);
    if (removed.has(k)) continue;
    if (changed.has(k)) place(k, changed.get(k));
    else out.push(item);
    chain(k);
  }
  // Without insertAfter, new items go at the end in the order sent.
  for (const [k, item] of changed) if (!placed.has(k)) place(k, item);
  return out;
}

/** A patch with spans: each window patched on its own, the rest copied around them once. */
function applySpans(prev: readonly unknown[], lp: ListPatch, spans: readonly ListSpan[], key: (item: never) => string): unknown[] {
  // Each window patched first, so the new list is made once at its size.
  const parts: unknown[][] = [];
  let size = prev.length;
  let last = 0;
  let [u, r, a] = [0, 0, 0];
  for (const sp of spans) {
    const [from, to] = sp.at;
    if (!(from >= last && from <= to && to <= prev.length)) throw new Error('snapshot patch: a span outside its list');
    const part: ListPatch = { upsert: lp.upsert.slice(u, (u += sp.upsert)), remove: lp.remove.slice(r, (r += sp.remove)) };
    if (sp.insertAfter > 0) part.insertAfter = (lp.insertAfter ?? []).slice(a, (a += sp.insertAfter));
    const window = prev.slice(from, to);
    const patched = applyList(window, part, key);
    // A removal the window does not hold: the receiver's list is not the sender's base.
    if (patched.length - window.length !== part.upsert.length - replaced(window, part, key) - part.remove.length) throw new Error('snapshot patch: a span does not match its base');
    parts.push(patched);
    size += patched.length - window.length;
    last = to;
  }
  const out: unknown[] = new Array(size);
  let o = 0;
  last = 0;
  for (let s = 0; s < spans.length; s++) {
    const [from, to] = spans[s]!.at;
    for (let i = last; i < from; i++) out[o++] = prev[i];
    for (const item of parts[s]!) out[o++] = item;
    last = to;
  }
  for (let i = last; i < prev.length; i++) out[o++] = prev[i];
  return out;
}

/** How many of the patch's upserts replace an item of `window`. */
function replaced(window: readonly unknown[], lp: ListPatch, key: (item: never) => string): number {
  const up = new Set(lp.upsert.map((i) => keyOf(i, key)));
  let n = 0;
  for (const item of window) if (up.has(keyOf(item, key))) n++;
  return n;
}

/** `prev` with `patch` applied: a new snapshot that shares every object the patch did not change. */
export function applyPatch(prev: Snapshot, patch: SnapshotPatch): Snapshot {
  const out: Record<string, unknown> = { ...prev, ...patch.set };
  for (const field of patch.unset) delete out[field];
  for (const [field, lp] of Object.entries(patch.lists)) {
    if (!lp || !isKeyed(field)) continue;
    const base = out[field];
    if (!Array.isArray(base)) throw new Error(`snapshot patch: no list ${field} to patch`);
    out[field] = applyList(base, lp, KEYED[field]);
  }
  return out as unknown as Snapshot;
}

/** Whether the patch changes nothing. */
export function isEmptyPatch(patch: SnapshotPatch): boolean {
  return Object.keys(patch.set).length === 0 && patch.unset.length === 0 && Object.keys(patch.lists).length === 0;
}
