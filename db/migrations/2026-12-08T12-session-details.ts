/**
 * What a person's list of sessions shows to tell them apart: the browser and
 * system (parsed from the User-Agent at sign-in), the coarse address (an IPv4
 * /24 or IPv6 /48, as text) and when it was last used (ms since the epoch,
 * written at most once a minute). Null for sessions opened before.
 */
import type { Kysely } from "kysely";

const COLUMNS = [
  ["browser", "text"],
  ["system", "text"],
  ["address", "text"],
  ["last_active_at", "bigint"],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable("session").addColumn(name, type).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of COLUMNS) await db.schema.alterTable("session").dropColumn(name).execute();
}
