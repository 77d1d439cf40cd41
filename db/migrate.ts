/**
 * Runs the migrations in db/migrations/ with Kysely's Migrator. Called at server
 * start-up, and by `bun run db:migrate` (server/migrate.ts).
 */
import { PostgresAdapter, sql } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import type { Db } from "./index.ts";

/** Migrations are bundled by import, not read from disk, so a compiled server carries them. */
const migrations: Record<string, () => Promise<Migration>> = {
  "2026-11-23T00-init": () => import("./migrations/2026-11-23T00-init.ts"),
  "2026-11-23T01-idempotent-sends": () => import("./migrations/2026-11-23T01-idempotent-sends.ts"),
  "2026-12-01T00-room-log": () => import("./migrations/2026-12-01T00-room-log.ts"),
  "2026-12-01T01-rooms": () => import("./migrations/2026-12-01T01-rooms.ts"),
  "2026-12-01T02-unread": () => import("./migrations/2026-12-01T02-unread.ts"),
  "2026-12-01T05-sessions": () => import("./migrations/2026-12-01T05-sessions.ts"),
  "2026-12-01T06-search": () => import("./migrations/2026-12-01T06-search.ts"),
  "2026-12-08T00-uploads": () => import("./migrations/2026-12-08T00-uploads.ts"),
  "2026-12-08T10-room-names-lower-case": () => import("./migrations/2026-12-08T10-room-names-lower-case.ts"),
  "2026-12-08T11-display-names": () => import("./migrations/2026-12-08T11-display-names.ts"),
  "2026-12-08T12-session-details": () => import("./migrations/2026-12-08T12-session-details.ts"),
  "2026-12-09T20-avatars": () => import("./migrations/2026-12-09T20-avatars.ts"),
  // After the avatars: a database that already ran them must find nothing new before them.
  "2026-12-10T00-user-language": () => import("./migrations/2026-12-10T00-user-language.ts"),
  "2026-12-10T01-search-watermark": () => import("./migrations/2026-12-10T01-search-watermark.ts"),
};

const provider: MigrationProvider = {
  async getMigrations() {
    const entries = await Promise.all(
      Object.entries(migrations).map(async ([name, load]) => [name, await load()] as const),
    );
    return Object.fromEntries(entries);
  },
};

/**
 * On PostgreSQL the migrator must be told its schema: otherwise it takes a
 * migration table in any schema of the database (another app's, another
 * test's) for its own. We use the connection's current schema (search_path).
 */
async function migrationTableSchema(db: Db): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

/** The migrations' names, in the order they run. */
export const migrationNames = (): string[] => Object.keys(migrations).sort();

export async function migrateToLatest(db: Db): Promise<string[]> {
  return migrate(db, (migrator) => migrator.migrateToLatest());
}

/** Runs the migrations up to and including `name` (tests build a database as it stood then, to migrate it further). */
export async function migrateUpTo(db: Db, name: string): Promise<string[]> {
  return migrate(db, (migrator) => migrator.migrateTo(name));
}

async function migrate(
  db: Db,
  run: (migrator: Migrator) => ReturnType<Migrator["migrateToLatest"]>,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: await migrationTableSchema(db) });
  const { error, results } = await run(migrator);
  if (error)
    throw new Error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
