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

export function wrapBunSqlite(db: BunDatabase): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = db.query(sql);
      return {
        reader: stmt.columnNames.length > 0,
        all: (params: Params) => stmt.all(...(params as Bindings)),
        run: (params: Params) => stmt.run(...(params as Bindings)),
        iterate: (params: Params) => stmt.iterate(...(params as Bindings)),
      };
    },
  };
}
