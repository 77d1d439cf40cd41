/** The language a person chose for Parlor ("en", "es"); null: the browser's. Kept so the choice follows them to another device. */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("user").addColumn("language", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("user").dropColumn("language").execute();
}
