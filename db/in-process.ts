/**
 * A SQLite database's statements, reachable past Kysely's executor. Kysely's
 * executor (connection provider, plugins, result transform: a few awaits and
 * allocations) costs several times what bun:sqlite takes to run a small
 * prepared statement; inside a transaction, which holds the one connection
 * until it ends, a prepared statement (./prepared.ts) can run on it directly.
 *
 * Only inside a transaction: outside one, a statement must wait its turn for
 * the connection (Kysely's mutex), or it could read another transaction's
 * uncommitted rows. A file database also has a read connection of its own
 * (WAL: its reads see every commit made before them, never an uncommitted row,
 * and never wait for the writer): reads prepared for it run there outside a
 * transaction. `:memory:` has no second connection: its reads wait their turn.
 */
import { type QueryResult, SqliteAdapter, type SqliteDatabase, type SqliteStatement } from "kysely";

/** What is read of a Kysely instance (any schema): whether it is a transaction, and its adapter. */
interface KyselyLike {
  readonly isTransaction: boolean;
  getExecutor(): { readonly adapter: object };
}

/** The statements of each in-process database, by its Kysely adapter (shared by its transactions). */
const byAdapter = new WeakMap<object, SqliteDatabase>();
/** The read connection's statements of each file database, by its Kysely adapter. */
const readers = new WeakMap<object, SqliteDatabase>();

/** Called once by createDb for a SQLite database; `reader`: its read connection (a file database). */
export function registerInProcess(db: KyselyLike, sqlite: SqliteDatabase, reader?: SqliteDatabase): void {
  byAdapter.set(db.getExecutor().adapter, sqlite);
  if (reader) readers.set(db.getExecutor().adapter, reader);
}

/** Whether `db` runs in this process (SQLite): then one more statement costs microseconds, not a round trip. */
export const inProcess = (db: KyselyLike) => db.getExecutor().adapter instanceof SqliteAdapter;

/** The statements `db` may run directly: a transaction of an in-process database; else undefined. */
export function directStatements(db: KyselyLike): SqliteDatabase | undefined {
  return db.isTransaction ? byAdapter.get(db.getExecutor().adapter) : undefined;
}

/**
 * The statements a read of committed rows may run on, outside a transaction:
 * the read connection of a file database; else undefined (a transaction reads
 * its own rows on its own connection; `:memory:` and PostgreSQL have none).
 */
export function readerStatements(db: KyselyLike): SqliteDatabase | undefined {
  return db.isTransaction ? undefined : readers.get(db.getExecutor().adapter);
}

/** Runs `statement` as Kysely's SQLite driver would, with the same result. */
export function runDirect<R>(statement: SqliteStatement, parameters: readonly unknown[]): QueryResult<R> {
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return {
    rows: [],
    numAffectedRows: BigInt(changes),
    ...(lastInsertRowid != null && { insertId: BigInt(lastInsertRowid) }),
  };
}
