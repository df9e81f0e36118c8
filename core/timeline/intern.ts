/**
 * Structural sharing for plain data kept over time (a snapshot after every
 * line): a value that equals, deeply, one interned by the previous call comes
 * back as that same object, so a thousand snapshots that differ in a few
 * containers cost a thousand small spines, not a thousand copies.
 *
 * Only sharing with the previous value is looked for (the table of the call
 * before is dropped): the timeline moves forward, and a value that comes back
 * after a long absence is simply stored again.
 */
export class Interner {
  private prev = new Map<string, unknown>();
  private next = new Map<string, unknown>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  /** `value` with every sub-object shared where it equals one of the previous call's. Treat the result as read-only. */
  intern<T>(value: T): T {
    this.next = new Map();
    const out = this.node(value) as T;
    this.prev = this.next;
    return out;
  }

  private node(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    const parts: string[] = [];
    let out: unknown;
    if (Array.isArray(value)) {
      const items = value.map((v) => this.node(v));
      for (const v of items) parts.push(this.key(v));
      out = items;
      parts.unshift('[');
    } else {
      const obj: Record<string, unknown> = {};
      parts.push('{');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        const child = this.node(v);
        obj[k] = child;
        parts.push(JSON.stringify(k), this.key(child));
      }
      out = obj;
    }
    const key = parts.join(',');
    const seen = this.next.get(key) ?? this.prev.get(key);
    if (seen !== undefined) {
      this.next.set(key, seen);
      return seen;
    }
    this.ids.set(out as object, this.nextId++);
    this.next.set(key, out);
    return out;
  }

  /** A shallow key for a child already interned: its id, or a primitive's JSON. */
  private key(child: unknown): string {
    if (child !== null && typeof child === 'object') return `#${this.ids.get(child)}`;
    return child === undefined ? 'u' : JSON.stringify(child);
  }
}
