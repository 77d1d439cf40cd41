/** A connection's live subscriptions by id (server/trpc/ws/subscription-table.ts): the same answers whether it holds a few or many. */
import { describe, expect, test } from "bun:test";
import { SubscriptionTable } from "../../server/trpc/ws/subscription-table.ts";

const entry = (id: string | number) => ({ id });

describe("subscription table", () => {
  for (const size of [1, 8, 9, 50]) {
    test(`with ${size} entries: each is found by its id, deleted only as itself, and all are taken at the end`, () => {
      const table = new SubscriptionTable<{ id: string | number }>();
      const entries = Array.from({ length: size }, (_, i) => entry(i % 2 ? i : `s${i}`));
      for (const e of entries) table.add(e);
      for (const e of entries) expect(table.get(e.id)).toBe(e);
      expect(table.get("absent")).toBeUndefined();
      // Another entry under a taken id is not the one held: deleting it changes nothing.
      table.delete(entry(entries[0]!.id));
      expect(table.get(entries[0]!.id)).toBe(entries[0]);
      table.delete(entries[0]!);
      expect(table.get(entries[0]!.id)).toBeUndefined();
      expect([...table.values()]).toEqual(entries.slice(1));
      expect(table.takeAll()).toEqual(entries.slice(1));
      expect([...table.values()]).toEqual([]);
    });
  }
});
