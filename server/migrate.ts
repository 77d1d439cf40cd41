/** `bun run db:migrate`: bring the configured database to the latest schema. */
import { createDb } from "../db/index.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { loadConfig } from "./config.ts";

const config = loadConfig(process.env);
const db = createDb(config.databaseUrl);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
} finally {
  await db.destroy();
}
