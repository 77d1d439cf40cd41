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
  // Kysely asks for a statement on every query: each SQL text's wrapper is made once too, as
  // db.query caches the statement. Bounded: texts that vary (IN lists of any length) cannot grow it.
  const wrapped = new Map<string, SqliteStatement>();
  return {
    close: () => {
      wrapped.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = wrapped.get(sql);
      if (!statement) {
        if (wrapped.size >= MAX_WRAPPED) wrapped.clear();
        wrapped.set(sql, (statement = wrap(db, sql, onQuery)));
      }
      return statement;
    },
  };
}

const MAX_WRAPPED = 1000;

function wrap(db: BunDatabase, sql: string, onQuery: ((sql: string, ms: number) => void) | undefined): SqliteStatement {
  const stmt = db.query(sql);
  const reader = stmt.columnNames.length > 0;
  const iterate = (params: Params) => stmt.iterate(...(params as Bindings));
  if (!onQuery) {
    return {
      reader,
      all: (params: Params) => stmt.all(...(params as Bindings)),
      run: (params: Params) => stmt.run(...(params as Bindings)),
      iterate,
    };
  }
  const timed = <T>(run: () => T): T => {
    const started = performance.now();
    try {
      return run();
    } finally {
      onQuery(sql, performance.now() - started);
    }
  };
  return {
    reader,
    all: (params: Params) => timed(() => stmt.all(...(params as Bindings))),
    run: (params: Params) => timed(() => stmt.run(...(params as Bindings))),
    iterate,
  };
}
