/**
 * The migration that folds room names to lower case, on SQLite and PostgreSQL:
 * a database as it stood before it, with names that collide by case, migrated.
 * The oldest room of each collision keeps the lower-case name with everything
 * it held; each newer one is renamed whole to `<name>-2`, `-3`, …; nothing of
 * one room ends up in another.
 */
import { expect, test } from "bun:test";
import type { Kysely } from "kysely";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest, migrateUpTo, migrationNames } from "../../db/migrate.ts";
import { createPostgresSchema, databaseBackends, describeEach } from "../support/backends.ts";

const FOLD = "2026-12-08T10-room-names-lower-case";
/** The database as it stood just before the fold. */
const BEFORE_FOLD = migrationNames()[migrationNames().indexOf(FOLD) - 1]!;

/** A fresh, empty database of the backend's kind, migrated up to just before the fold. */
async function databaseBeforeFold(backend: string): Promise<{ db: Db; dispose(): Promise<void> }> {
  if (backend === "sqlite") {
    const db = createDb("sqlite::memory:");
    await migrateUpTo(db, BEFORE_FOLD);
    return { db, dispose: () => db.destroy() };
  }
  const schema = await createPostgresSchema();
  const db = createDb(schema.url);
  await migrateUpTo(db, BEFORE_FOLD);
  return {
    db,
    async dispose() {
      await db.destroy();
      await schema.drop();
    },
  };
}

/** A room as the schema before the fold had it, with one message by `senderId` (text: the room's own name), its member row, read marker and a mention. */
async function roomWithMessage(
  db: Kysely<any>,
  name: string,
  createdAt: string | null,
  senderId: number,
): Promise<void> {
  const at = createdAt ?? "2026-01-01T00:00:00.000Z";
  await db
    .insertInto("room")
    .values({
      name,
      last_seq: 2,
      message_count: 1,
      last_message_at: at,
      visibility: "public",
      owner_id: senderId,
      member_count: 1,
      direct: 0,
      created_at: createdAt,
    })
    .execute();
  await db
    .insertInto("message")
    .values({
      room: name,
      seq: 1,
      sender_id: senderId,
      text: `in ${name}`,
      created_at: at,
      msg_index: 1,
      sender_index: 1,
    })
    .execute();
  await db
    .insertInto("room_entry")
    .values({
      room: name,
      seq: 2,
      kind: "reaction",
      target: 1,
      actor_id: senderId,
      data: '{"emoji":"👍","added":true}',
      created_at: at,
    })
    .execute();
  await db.insertInto("room_member").values({ room: name, user_id: senderId, role: "owner", joined_at: at }).execute();
  await db.insertInto("read_marker").values({ user_id: senderId, room: name, seq: 1 }).execute();
  await db.insertInto("mention").values({ user_id: senderId, room: name, seq: 1 }).execute();
}

/** Per room name: the texts of its messages and the rooms its other rows name, to see nothing moved between rooms. */
async function contents(db: Kysely<any>) {
  const rooms = (await db.selectFrom("room").select("name").orderBy("name").execute()).map((r) => r.name as string);
  const out: Record<string, { messages: string[]; rows: number }> = {};
  for (const room of rooms) {
    const messages = (await db.selectFrom("message").select("text").where("room", "=", room).execute()).map(
      (m) => m.text as string,
    );
    let rows = 0;
    for (const table of ["room_entry", "room_member", "read_marker", "mention"]) {
      rows += Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .where("room", "=", room)
            .executeTakeFirstOrThrow()
        ).n,
      );
    }
    out[room] = { messages, rows };
  }
  return out;
}

await describeEach("room names folded to lower case (migration)", databaseBackends, (backend) => {
  test("the oldest of 'General' / 'general' / 'GENERAL' keeps 'general', the newer become 'general-2', 'general-3' whole; other names just fold", async () => {
    const { db, dispose } = await databaseBeforeFold(backend.name);
    try {
      const any = db as unknown as Kysely<any>;
      await any
        .insertInto("user")
        .values({ username: "ann", password_hash: "x", created_at: "2026-01-01T00:00:00.000Z" })
        .execute();
      const annId = Number((await any.selectFrom("user").select("id").executeTakeFirstOrThrow()).id);
      // 'general' (lower case) is the NEWEST: it must move away, and the oldest, 'GENERAL', take its name.
      await roomWithMessage(any, "general", "2026-03-01T00:00:00.000Z", annId);
      await roomWithMessage(any, "General", "2026-02-01T00:00:00.000Z", annId);
      // Older than both rooms' creation dates: no created_at (before that column), dated by its first message.
      await roomWithMessage(any, "GENERAL", null, annId);
      await roomWithMessage(any, "Plans", "2026-02-01T00:00:00.000Z", annId);
      await roomWithMessage(any, "dm:1:2", "2026-02-01T00:00:00.000Z", annId);
      const before = await contents(any);

      await migrateToLatest(db);

      const after = await contents(any);
      expect(Object.keys(after)).toEqual(["dm:1:2", "general", "general-2", "general-3", "plans"]);
      expect(after.general).toEqual(before.GENERAL!);
      expect(after["general-2"]).toEqual(before.General!);
      expect(after["general-3"]).toEqual(before.general!);
      expect(after.plans).toEqual(before.Plans!);
      expect(after["dm:1:2"]).toEqual(before["dm:1:2"]!);
      // Each message kept its own text: "in GENERAL" is in 'general', and so on — nothing merged.
      expect(after.general!.messages).toEqual(["in GENERAL"]);
    } finally {
      await dispose();
    }
  });

  test("a renamed room takes the first free suffix, and a 64-character name is cut to fit it", async () => {
    const { db, dispose } = await databaseBeforeFold(backend.name);
    try {
      const any = db as unknown as Kysely<any>;
      await any
        .insertInto("user")
        .values({ username: "ann", password_hash: "x", created_at: "2026-01-01T00:00:00.000Z" })
        .execute();
      const annId = Number((await any.selectFrom("user").select("id").executeTakeFirstOrThrow()).id);
      await roomWithMessage(any, "dev", "2026-01-01T00:00:00.000Z", annId);
      await roomWithMessage(any, "dev-2", "2026-01-01T00:00:00.000Z", annId);
      await roomWithMessage(any, "Dev", "2026-02-01T00:00:00.000Z", annId);
      const long = "a".repeat(64);
      await roomWithMessage(any, long, "2026-01-01T00:00:00.000Z", annId);
      await roomWithMessage(any, "A".repeat(64), "2026-02-01T00:00:00.000Z", annId);

      await migrateToLatest(db);

      const after = await contents(any);
      expect(after["dev-3"]!.messages).toEqual(["in Dev"]);
      expect(after[`${"a".repeat(62)}-2`]!.messages).toEqual([`in ${"A".repeat(64)}`]);
      expect(after[long]!.messages).toEqual([`in ${long}`]);
    } finally {
      await dispose();
    }
  });
});
