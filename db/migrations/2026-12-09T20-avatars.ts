/**
 * A person's picture: `avatar_id` names one of their uploads (an image). While
 * it does, the purge keeps that upload and its thumbnail is public (see
 * server/files/files.ts); null: no avatar (initials are shown).
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // No foreign key: SQLite cannot drop a column that has one, and nothing deletes an upload someone
  // wears (the purge and a message's delete skip it; an account's uploads go with the account).
  await db.schema.alterTable("user").addColumn("avatar_id", "text").execute();
  // The purge asks, for each upload it looks at, whether someone wears it.
  await db.schema.createIndex("user_avatar").on("user").column("avatar_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("user_avatar").execute();
  await db.schema.alterTable("user").dropColumn("avatar_id").execute();
}
