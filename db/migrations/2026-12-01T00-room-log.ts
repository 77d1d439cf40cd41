/**
 * The room log carries every change. Messages keep their current state
 * (edited text, tombstone, reactions) so history stays one indexed query; every
 * other change is a row of `room_entry`, numbered from the same per-room seq, so
 * resume stays one range scan over the two tables. `room.message_count` keeps
 * counting messages (not entries) cheap.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = postgres ? "bigint" : "integer";

  await db.schema.alterTable("message").addColumn("edited_at", "text").execute();
  await db.schema
    .alterTable("message")
    .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("message").addColumn("reply_to", "bigint").execute();
  // JSON of [{ emoji, users: [username, …] }, …]: read with the message, written under the room's lock.
  await db.schema
    .alterTable("message")
    .addColumn("reactions", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  // The text as first sent, kept once the message is edited, so replaying its entry shows what was sent then.
  await db.schema.alterTable("message").addColumn("original_text", "text").execute();

  await db.schema
    .alterTable("room")
    .addColumn("message_count", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // Every room so far holds only messages: its newest seq is its count.
  await sql`update room set message_count = last_seq`.execute(db);

  await db.schema
    .createTable("room_entry")
    .addColumn("room", "text", (c) => c.notNull().references("room.name"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("target", "bigint", (c) => c.notNull())
    .addColumn("actor_id", idType, (c) => c.notNull().references("user.id"))
    // Kind-specific fields as JSON: { text } for an edit, { emoji, added } for a reaction, {} for a delete.
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("room_entry_pk", ["room", "seq"])
    .execute();
  // Edits of one message, found to scrub their text when it is deleted.
  await db.schema.createIndex("room_entry_target").on("room_entry").columns(["room", "target"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("room_entry").execute();
  await db.schema.alterTable("room").dropColumn("message_count").execute();
  for (const column of ["original_text", "reactions", "reply_to", "deleted", "edited_at"]) {
    await db.schema.alterTable("message").dropColumn(column).execute();
  }
}
