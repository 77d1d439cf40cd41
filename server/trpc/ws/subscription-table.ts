/**
 * The live subscriptions of one connection, by request id. Most connections hold
 * a few (a browser: its room, the room's presence, its rooms): they are kept in
 * an array searched in order, and in a Map only past SMALL. A Map's storage
 * weighs about 300 bytes however few it holds, an array of one about 16, and the
 * table lives as long as its connection.
 */
import type { RequestId } from "./protocol.ts";

const SMALL = 8;

export class SubscriptionTable<T extends { readonly id: RequestId }> {
  private few: T[] = [];
  private many: Map<RequestId, T> | null = null;

  get(id: RequestId): T | undefined {
    if (this.many) return this.many.get(id);
    for (const entry of this.few) if (entry.id === id) return entry;
    return undefined;
  }

  add(entry: T): void {
    if (this.many) {
      this.many.set(entry.id, entry);
      return;
    }
    this.few.push(entry);
    if (this.few.length <= SMALL) return;
    this.many = new Map(this.few.map((e) => [e.id, e]));
    this.few = [];
  }

  /** Removes `entry` if it is the one held under its id. */
  delete(entry: T): void {
    if (this.many) {
      if (this.many.get(entry.id) === entry) this.many.delete(entry.id);
      return;
    }
    const at = this.few.indexOf(entry);
    if (at >= 0) this.few.splice(at, 1);
  }

  values(): Iterable<T> {
    return this.many ? this.many.values() : this.few;
  }

  /** Empties the table; what it held. */
  takeAll(): T[] {
    const all = [...this.values()];
    this.few = [];
    this.many = null;
    return all;
  }
}
