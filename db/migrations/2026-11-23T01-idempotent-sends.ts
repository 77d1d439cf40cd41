/**
 * A send retried after a timeout must not store a second row: messages carry
 * the client's id for the send, unique per sender. And usernames are unique
 * regardless of case, so "Ann" cannot pose as "ann".
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("message").addColumn("client_id", "text").execute();
  // NULLs are distinct in SQLite and PostgreSQL alike: sends without a client id never collide.
  await db.schema
    .createIndex("message_sender_client_id")
    .on("message")
    .columns(["sender_id", "client_id"])
    .unique()
    .execute();
  await db.schema.createIndex("user_username_lower").on("user").expression(sql`lower(username)`).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("user_username_lower").execute();
  await db.schema.dropIndex("message_sender_client_id").execute();
  await db.schema.alterTable("message").dropColumn("client_id").execute();
}
