/**
 * What a batch of new messages costs in statements, counted (not timed): the
 * room's state and the senders' membership are read once per batch, in one
 * statement for all senders (their places in the room remembered from the
 * last batch: server/chat/sender-places.ts), and the rows go in as a few
 * multi-row inserts. A per-message or per-sender query anywhere in the batch
 * would be 100 or 20 more.
 */
import { expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import type { Author } from "../../server/chat/log-rows.ts";
import { storeMessageBatch } from "../../server/chat/message-store.ts";
import { createPostgresSchema, describeWithServices, postgresService } from "../support/backends.ts";

async function statementsOfABatch(db: Db, counted: { n: number }): Promise<number> {
  await migrateToLatest(db);
  const senders: Author[] = [];
  for (let i = 0; i < 20; i++) {
    const row = await db
      .insertInto("user")
      .values({ username: `sender${i}`, password_hash: "x", created_at: new Date().toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    senders.push({ id: Number(row.id), username: `sender${i}` });
  }
  const batch = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ room: "busy", text: `message ${i}`, sender: senders[i % 20]! }));
  // Every sender a member already (they join by sending), every statement compiled.
  for (const r of await storeMessageBatch(db, batch(100))) expect(r.ok).toBe(true);
  counted.n = 0;
  const results = await storeMessageBatch(db, batch(100));
  expect(results.every((r) => r.ok)).toBe(true);
  return counted.n;
}

test("SQLite: a batch of 100 messages from 20 senders is eight statements, the senders' membership read in one", async () => {
  const counted = { n: 0 };
  const db = createDb("sqlite::memory:", { onQuery: () => counted.n++ });
  try {
    // The room, its members among the senders, the seqs, 3 inserts (64 + 32 + 4), begin and commit.
    expect(await statementsOfABatch(db, counted)).toBe(8);
  } finally {
    await db.destroy();
  }
});

await describeWithServices("store batch statements on PostgreSQL", [postgresService], () => {
  test("PostgreSQL: the same batch is seven round trips, whatever the number of senders", async () => {
    const schema = await createPostgresSchema();
    const counted = { n: 0 };
    const db = createDb(schema.url, { onQuery: () => counted.n++ });
    try {
      // Lock, members, the seqs, 2 inserts (64 + 36), begin and commit.
      expect(await statementsOfABatch(db, counted)).toBe(7);
    } finally {
      await db.destroy();
      await schema.drop();
    }
  });
});
