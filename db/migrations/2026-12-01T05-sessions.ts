/**
 * Sessions a person can list: when each was opened. Sessions opened before this
 * migration have no known start (null), so no date is made up for them.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("session").addColumn("created_at", "bigint").execute();
  // The periodic sweep deletes by expiry.
  await db.schema.createIndex("session_expires_at").on("session").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("session_expires_at").execute();
  await db.schema.alterTable("session").dropColumn("created_at").execute();
}
