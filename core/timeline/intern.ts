/**
 * Structural sharing for plain data kept over time (a snapshot after every
 * line): a part that equals, deeply, one interned by the previous call comes
 * back as that same object, so a thousand snapshots that differ in a few
 * containers cost a thousand small spines, not a thousand copies. Every object
 * returned is a copy made here or an earlier call's: later changes to the
 * value given cannot reach it.
 *
 * Only sharing with the previous value is looked for (the table of the call
 * before is dropped): the timeline moves forward, and a part that comes back
 * after a long absence is simply stored again. Parts from `keyedDepth` down
 * (a snapshot's containers, layers, processes …) are found by their JSON,
 * which the engine makes natively; the levels above are compared by position.
 */
export class Interner {
  private prev = new Map<string, unknown>();
  private next = new Map<string, unknown>();
  private prevRoot: unknown = undefined;

  constructor(private readonly keyedDepth = 2) {}

  /** `value` with every part shared where it equals one of the previous call's. Treat the result as read-only. */
  intern<T>(value: T): T {
    this.next = new Map();
    const out = this.node(value, 0, this.prevRoot) as T;
    this.prevRoot = out;
    this.prev = this.next;
    return out;
  }

  private node(value: unknown, depth: number, before: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    let key: string | undefined;
    if (depth >= this.keyedDepth) {
      key = (Array.isArray(value) ? 'a' : 'o') + JSON.stringify(value);
      const seen = this.next.get(key) ?? this.prev.get(key);
      if (seen !== undefined) {
        this.next.set(key, seen);
        return seen;
      }
    }
    let out: unknown;
    if (Array.isArray(value)) {
      const was: readonly unknown[] = Array.isArray(before) ? before : [];
      const items = value.map((v, i) => this.node(v, depth + 1, was[i]));
      out = Array.isArray(before) && items.length === was.length && items.every((v, i) => v === was[i]) ? before : items;
    } else {
      const was = (before !== null && typeof before === 'object' && !Array.isArray(before) ? before : {}) as Record<string, unknown>;
      const obj: Record<string, unknown> = {};
      let same = before !== undefined && before !== null;
      let count = 0;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        const child = this.node(v, depth + 1, was[k]);
        obj[k] = child;
        count++;
        if (child !== was[k]) same = false;
      }
      out = same && count === Object.keys(was).length ? before : obj;
    }
    if (key !== undefined) this.next.set(key, out);
    return out;
  }
}
