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
   * The sender's promise that the old list's items outside [from, to) stay,
   * in order, around the changes (and that a new item's anchor lies inside
   * it): the receiver then patches only that window (issue 14).
   */
  span?: [number, number];
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
 * The fast path of diffList for a list that changed in one stretch (most
 * snapshots: a container added, its processes, namespaces, interfaces):
 * items at the start and end that are the same objects as before are not
 * looked at, and `prev`'s index is handed on to `next` by changing it for the
 * stretch only. Undefined when it does not apply (no index of `prev`, or keys
 * that repeat): the caller then compares the whole lists.
 */
function diffStretch(prev: readonly unknown[], next: readonly unknown[], key: (item: never) => string): ListPatch | null | undefined {
  const ix = indexCache.get(prev);
  if (!ix || ix.byKey.size !== ix.keys.length) return undefined;
  const min = Math.min(prev.length, next.length);
  let p = 0;
  while (p < min && prev[p] === next[p]) p++;
  let s = 0;
  while (s < min - p && prev[prev.length - 1 - s] === next[next.length - 1 - s]) s++;
  const prevEnd = prev.length - s;
  const nextEnd = next.length - s;
  const oldKeys = ix.keys.slice(p, prevEnd);
  const oldByKey = new Map<string, unknown>();
  for (let i = 0; i < oldKeys.length; i++) oldByKey.set(oldKeys[i] as string, prev[p + i]);
  const newKeys: string[] = [];
  const newSet = new Set<string>();
  for (let i = p; i < nextEnd; i++) {
    const k = keyOf(next[i], key);
    // A key that repeats, or that an item outside the stretch has: the whole comparison decides.
    if (newSet.has(k) || (ix.byKey.has(k) && !oldByKey.has(k))) return undefined;
    newKeys.push(k);
    newSet.add(k);
  }
  const upsert: unknown[] = [];
  const added: string[] = [];
  for (let i = 0; i < newKeys.length; i++) {
    const k = newKeys[i] as string;
    const old = oldByKey.get(k);
    if (old === undefined) added.push(k);
    if (old === undefined || !deepEqual(old, next[p + i])) upsert.push(next[p + i]);
  }
  const remove = oldKeys.filter((k) => !newSet.has(k));
  // Hand the index on: `next` is the base of the sender's next diff.
  for (const k of remove) ix.byKey.delete(k);
  for (let i = 0; i < newKeys.length; i++) ix.byKey.set(newKeys[i] as string, next[p + i]);
  const nextKeys = ix.keys.slice(0, p).concat(newKeys, ix.keys.slice(prevEnd));
  indexCache.delete(prev);
  indexCache.set(next, { keys: nextKeys, byKey: ix.byKey });
  const stayed = oldKeys.filter((k) => newSet.has(k));
  const stayedInNext = newKeys.filter((k) => oldByKey.has(k));
  if (!stayed.every((k, i) => k === stayedInNext[i])) return { upsert, remove, order: nextKeys };
  if (upsert.length === 0 && remove.length === 0) return null;
  const span: [number, number] = [Math.max(0, p - 1), prevEnd];
  // New items that only follow the others at the very end need no anchors (applyList appends them).
  const appended = s === 0 && added.every((k, i) => k === newKeys[newKeys.length - added.length + i]);
  if (added.length === 0 || appended) return { upsert, remove, span };
  const insertAfter: [string, string | null][] = [];
  for (let i = 0; i < newKeys.length; i++) {
    const k = newKeys[i] as string;
    if (!oldByKey.has(k)) insertAfter.push([k, i > 0 ? (newKeys[i - 1] as string) : p > 0 ? (ix.keys[p - 1] as string) : null]);
  }
  return { upsert, remove, insertAfter, span };
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
  const span = lp.span;
  if (span && !lp.order && span[0] >= 0 && span[0] <= span[1] && span[1] <= prev.length) {
    // Only the window changes: patch it, and copy the rest around it once.
    const { span: _, ...inWindow } = lp;
    const window = prev.slice(span[0], span[1]);
    const patched = applyList(window, inWindow, key);
    // A removal the window does not hold means the lists differ from the sender's: patch the whole list instead.
    if (patched.length - window.length === lp.upsert.length - countChanged(window, lp, key) - lp.remove.length) {
      return prev.slice(0, span[0]).concat(patched, prev.slice(span[1]));
    }
    return applyList(prev, inWindow, key);
  }
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

/** How many of the patch's upserts replace an item of `window`. */
function countChanged(window: readonly unknown[], lp: ListPatch, key: (item: never) => string): number {
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
