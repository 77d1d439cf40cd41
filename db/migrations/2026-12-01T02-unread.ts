/**
 * Read markers and exact unread counts, cheap at any size. Each message carries
 * its place among the room's messages (`msg_index`) and among its sender's
 * messages in the room (`sender_index`), so "messages by others after seq s"
 * is a subtraction of a few indexed lookups, never a scan of the room; deleted
 * messages are found through a partial index, and mentions are rows of their own.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const idType = db.getExecutor().adapter instanceof PostgresAdapter ? "bigint" : "integer";
  await db.schema.alterTable("message").addColumn("msg_index", "bigint").execute();
  await db.schema.alterTable("message").addColumn("sender_index", "bigint").execute();
  await sql`update message set msg_index = r.n, sender_index = r.s
    from (select id,
                 row_number() over (partition by room order by seq) as n,
                 row_number() over (partition by room, sender_id order by seq) as s
          from message) r
    where r.id = message.id`.execute(db);
  await db.schema.createIndex("message_room_sender_seq").on("message").columns(["room", "sender_id", "seq"]).execute();
  await db.schema
    .createIndex("message_room_deleted_seq")
    .on("message")
    .columns(["room", "seq"])
    .where(sql.ref("deleted"), "=", 1)
    .execute();

  await db.schema
    .createTable("read_marker")
    .addColumn("user_id", idType, (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("room", "text", (c) => c.notNull().references("room.name"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("read_marker_pk", ["user_id", "room"])
    .execute();

  // `@username` in a message, for the user named (never the sender themselves).
  await db.schema
    .createTable("mention")
    .addColumn("user_id", idType, (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("room", "text", (c) => c.notNull().references("room.name"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("mention_pk", ["user_id", "room", "seq"])
    .execute();
  await db.schema.createIndex("mention_room_seq").on("mention").columns(["room", "seq"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("mention").execute();
  await db.schema.dropTable("read_marker").execute();
  await db.schema.dropIndex("message_room_deleted_seq").execute();
  await db.schema.dropIndex("message_room_sender_seq").execute();
  await db.schema.alterTable("message").dropColumn("sender_index").execute();
  await db.schema.alterTable("message").dropColumn("msg_index").execute();
}
