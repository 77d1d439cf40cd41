/**
 * Kysely has no bun:sqlite dialect of its own; its SqliteDialect only needs the
 * small structural interface below, which bun:sqlite meets with a thin wrapper.
 * Statements come from `db.query()`, which caches them: each SQL text is prepared once.
 */
import type { Database as BunDatabase } from "bun:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

type Params = ReadonlyArray<unknown>;
// bun:sqlite binds positional parameters from a spread list.
type Bindings = import("bun:sqlite").SQLQueryBindings[];

/**
 * `onQuery` (metrics) hears each statement's duration. bun:sqlite runs statements
 * synchronously, so timing them here costs two clock reads, where Kysely's own
 * query log adds several awaits to every query.
 */
export function wrapBunSqlite(db: BunDatabase, onQuery?: (sql: string, ms: number) => void): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = db.query(sql);
      const timed = <T>(run: () => T): T => {
        if (!onQuery) return run();
        const started = performance.now();
        try {
          return run();
        } finally {
          onQuery(sql, performance.now() - started);
        }
      };
      return {
        reader: stmt.columnNames.length > 0,
        all: (params: Params) => timed(() => stmt.all(...(params as Bindings))),
        run: (params: Params) => timed(() => stmt.run(...(params as Bindings))),
        iterate: (params: Params) => stmt.iterate(...(params as Bindings)),
      };
    },
  };
}
