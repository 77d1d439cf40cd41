/**
 * The first schema: users, sessions, rooms (each holding its message counter) and messages.
 * Portable DDL: the same migration runs on SQLite and PostgreSQL.
 */
import { type Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // SQLite's rowid alias vs PostgreSQL's identity column.
  const idType = postgres ? "bigint" : "integer";
  const id = (col: any) =>
    postgres ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();

  await db.schema
    .createTable("user")
    .addColumn("id", idType, id)
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("session")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", idType, (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("session_user_id").on("session").column("user_id").execute();

  await db.schema
    .createTable("room")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("last_seq", "bigint", (c) => c.notNull())
    .addColumn("last_message_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("message")
    .addColumn("id", idType, id)
    .addColumn("room", "text", (c) => c.notNull().references("room.name"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("sender_id", idType, (c) => c.notNull().references("user.id"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("message_room_seq", ["room", "seq"])
    .execute();
  // The unique (room, seq) index serves history pages and replays: keyset, no OFFSET.
  await db.schema.createIndex("room_last_message_at").on("room").column("last_message_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("message").execute();
  await db.schema.dropTable("room").execute();
  await db.schema.dropTable("session").execute();
  await db.schema.dropTable("user").execute();
}
