/** Migrations run the same on every database, and on PostgreSQL stay inside their own schema. */
import { expect, test } from "bun:test";
import { sql } from "kysely";
import { createDb } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createPostgresSchema, databaseBackends, describeEach } from "../support/backends.ts";

await describeEach("migrations", databaseBackends, (backend) => {
  test("a second run applies nothing; every table is there", async () => {
    const env = await backend.create();
    try {
      expect(await migrateToLatest(env.db)).toEqual([]);
      // Introspection lists every schema on PostgreSQL: count each table once.
      const tables = new Set((await env.db.introspection.getTables()).map((t) => t.name));
      for (const table of ["message", "room", "session", "user"]) expect(tables.has(table)).toBe(true);
    } finally {
      await env.dispose();
    }
  });
});

await describeEach(
  "migrations on PostgreSQL",
  databaseBackends.filter((b) => b.name === "postgres"),
  () => {
    // Regression: Kysely's migrator took another schema's migration table for its own and failed
    // with 'relation "kysely_migration_lock" does not exist'.
    test("a schema whose neighbour is already migrated gets its own tables", async () => {
      const first = await createPostgresSchema();
      const second = await createPostgresSchema();
      const a = createDb(first.url);
      const b = createDb(second.url);
      try {
        await migrateToLatest(a);
        expect((await migrateToLatest(b)).length).toBeGreaterThan(0);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from message`.execute(b);
        expect(rows[0]!.n).toBe(0);
      } finally {
        await a.destroy();
        await b.destroy();
        await first.drop();
        await second.drop();
      }
    });
  },
);
