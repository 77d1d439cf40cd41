/**
 * server/chat/sender-places.ts: a process remembers its senders' newest places
 * (`sender_index`) in a room after its commit, and trusts them only while
 * nothing else was appended there. Two processes (two database handles) take
 * turns in one room: each sender's places stay 1, 2, 3, … in seq order, on
 * SQLite and PostgreSQL, whoever wrote the messages before.
 */
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { appendChange } from "../../server/chat/change-store.ts";
import type { Author } from "../../server/chat/log-rows.ts";
import { storeMessageBatch } from "../../server/chat/message-store.ts";
import { createPostgresSchema, describeWithServices, postgresService } from "../support/backends.ts";

async function takeTurns(first: Db, second: Db): Promise<void> {
  await migrateToLatest(first);
  const users: Author[] = [];
  for (const username of ["ann", "ben"]) {
    const row = await first
      .insertInto("user")
      .values({ username, password_hash: "x", created_at: new Date().toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    users.push({ id: Number(row.id), username });
  }
  const [ann, ben] = users as [Author, Author];
  const send = async (db: Db, ...senders: Author[]) => {
    const results = await storeMessageBatch(
      db,
      senders.map((sender, i) => ({ room: "shared", text: `message ${i}`, sender })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
  };
  await send(first, ann, ben, ann);
  await send(second, ann, ann);
  await send(first, ann, ben);
  await send(first, ben, ann);
  // An edit from the other process moves the room's last seq: the first one reads the places again.
  await appendChange(second, { room: "shared", target: 1, actor: ann, decide: () => ({ kind: "edit", text: "x" }) });
  await send(first, ann);
  await send(second, ben, ann);
  await send(first, ann, ben);
  for (const user of [ann, ben]) {
    const places = (
      await first
        .selectFrom("message")
        .select("sender_index")
        .where("room", "=", "shared")
        .where("sender_id", "=", user.id)
        .orderBy("seq")
        .execute()
    ).map((r) => Number(r.sender_index));
    expect(places).toEqual(places.map((_, i) => i + 1));
  }
}

test("SQLite: two processes on one file take turns in a room; every sender's places stay 1, 2, 3, …", async () => {
  const path = join(tmpdir(), `parlor-sender-places-${process.pid}.db`);
  const first = createDb(`sqlite:${path}`);
  const second = createDb(`sqlite:${path}`);
  try {
    await takeTurns(first, second);
  } finally {
    await first.destroy();
    await second.destroy();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
});

await describeWithServices("sender places on PostgreSQL", [postgresService], () => {
  test("PostgreSQL: two processes take turns in a room; every sender's places stay 1, 2, 3, …", async () => {
    const schema = await createPostgresSchema();
    const first = createDb(schema.url);
    const second = createDb(schema.url);
    try {
      await takeTurns(first, second);
    } finally {
      await first.destroy();
      await second.destroy();
      await schema.drop();
    }
  });
});
