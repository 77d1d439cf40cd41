/**
 * Uploads: one row per file (its bytes live in a Storage under `storage_key`).
 * `message_id` is null until a send attaches it (then `position` is its place
 * among the message's files); unattached rows older than a day are purged.
 */
import { type Kysely, PostgresAdapter } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const idType = db.getExecutor().adapter instanceof PostgresAdapter ? "bigint" : "integer";
  await db.schema
    .createTable("upload")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uploader_id", idType, (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("thumbnail_key", "text")
    // Milliseconds since the epoch: the purge and the daily quota compare numbers.
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("message_id", idType, (c) => c.references("message.id"))
    .addColumn("position", "integer")
    .execute();
  await db.schema.createIndex("upload_message").on("upload").columns(["message_id", "position"]).execute();
  await db.schema.createIndex("upload_uploader_created").on("upload").columns(["uploader_id", "created_at"]).execute();
  await db.schema.createIndex("upload_created").on("upload").column("created_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("upload").execute();
}
