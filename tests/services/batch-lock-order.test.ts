/**
 * Two processes' batches that hold messages for the same rooms, arrived in
 * opposite orders, lock those rooms in one order (by name): neither waits on
 * the other in a circle, so PostgreSQL never has to break a deadlock by
 * failing one (it detects one only after `deadlock_timeout`, 1 s, then the
 * writer falls back to storing one by one). Two databases stand for the two
 * processes: each its own pool on the same schema.
 */
import { expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import type { Author } from "../../server/chat/log-rows.ts";
import { storeMessageBatch } from "../../server/chat/message-store.ts";
import { createPostgresSchema, describeWithServices, postgresService } from "../support/backends.ts";

async function author(db: Db, username: string): Promise<Author> {
  const row = await db
    .insertInto("user")
    .values({ username, password_hash: "x", created_at: new Date().toISOString() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), username };
}

await describeWithServices("batches lock their rooms in one order", [postgresService], () => {
  test("PostgreSQL: 40 pairs of batches over the same rooms in opposite orders all commit, every seq once", async () => {
    const schema = await createPostgresSchema();
    const one = createDb(schema.url);
    const two = createDb(schema.url);
    try {
      await migrateToLatest(one);
      const ann = await author(one, "ann");
      const ben = await author(one, "ben");
      const rooms = ["lock-a", "lock-b", "lock-c", "lock-d"];
      // Every room exists with both as members, so each batch takes the rooms' row locks straight away.
      for (const r of await storeMessageBatch(
        one,
        rooms.flatMap((room) => [ann, ben].map((sender) => ({ room, text: "hello", sender }))),
      ))
        expect(r.ok).toBe(true);
      const batch = (sender: Author, order: string[], round: number) =>
        order.map((room) => ({ room, text: `${sender.username} ${round}`, sender }));
      for (let round = 0; round < 40; round++) {
        const [a, b] = await Promise.all([
          storeMessageBatch(one, batch(ann, rooms, round)),
          storeMessageBatch(two, batch(ben, rooms.toReversed(), round)),
        ]);
        expect([...a, ...b].every((r) => r.ok)).toBe(true);
      }
      for (const room of rooms) {
        const seqs = await one.selectFrom("message").select("seq").where("room", "=", room).orderBy("seq").execute();
        expect(seqs.map((s) => Number(s.seq))).toEqual(Array.from({ length: 82 }, (_, i) => i + 1));
      }
    } finally {
      await one.destroy();
      await two.destroy();
      await schema.drop();
    }
  }, 60_000);
});
