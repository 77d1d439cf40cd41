/**
 * `createDb(url)`: the one place that knows which engine is behind a URL.
 * Everything above db/ sees a `Kysely<Database>` and writes portable queries.
 */
import { Database as BunDatabase } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { wrapBunSqlite } from "./bun-sqlite-dialect.ts";
import { registerInProcess } from "./in-process.ts";
import type { Database } from "./schema.ts";

export type { Database } from "./schema.ts";
export type Db = Kysely<Database>;

export type DbTarget =
  | { kind: "sqlite"; path: string } // path ":memory:" for an in-memory database
  | { kind: "postgres"; url: string };

/** Reads `sqlite:<path>`, `sqlite::memory:`, `:memory:` or `postgres://…`; throws a readable error otherwise. */
export function parseDatabaseUrl(url: string): DbTarget {
  if (url === ":memory:" || url === "sqlite::memory:") return { kind: "sqlite", path: ":memory:" };
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (!path) throw new Error(`DATABASE_URL '${url}' names no file: use sqlite:<path> or sqlite::memory:`);
    return { kind: "sqlite", path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  throw new Error(`DATABASE_URL '${url}' is not understood: use sqlite:<path>, sqlite::memory: or postgres://…`);
}

function openSqlite(path: string): BunDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BunDatabase(path, { create: true, strict: true });
  if (path !== ":memory:") sqlite.run("PRAGMA journal_mode = WAL");
  // In WAL mode NORMAL survives a process crash; a power loss can drop the last commits.
  sqlite.run("PRAGMA synchronous = NORMAL");
  sqlite.run("PRAGMA foreign_keys = ON");
  // Several processes may share the file: wait for the write lock rather than fail.
  sqlite.run("PRAGMA busy_timeout = 5000");
  return sqlite;
}

/**
 * A file database's second connection, for reads of committed rows (./in-process.ts).
 * Read-only; opened after the first, which made the file and put it in WAL mode.
 */
function openReader(path: string): BunDatabase {
  const reader = new BunDatabase(path, { readonly: true, strict: true });
  // A reader waits only in rare moments (the WAL being reset or recovered): wait rather than fail.
  reader.run("PRAGMA busy_timeout = 5000");
  return reader;
}

/** The connection Kysely runs on (closing it closes the reader too) and, for a file, the read connection. */
function sqliteConnections(path: string, onQuery: DbOptions["onQuery"]) {
  const sqlite = wrapBunSqlite(openSqlite(path), onQuery);
  if (path === ":memory:") return { sqlite, reader: undefined };
  const reader = wrapBunSqlite(openReader(path), onQuery);
  const close = () => {
    reader.close();
    return sqlite.close();
  };
  return { sqlite: { ...sqlite, close }, reader };
}

/** int8 (bigint, count(*)) as a JS number: our ids and seqs stay far below 2^53. */
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

export interface DbOptions {
  /** Told of every query that ran, with its duration (for metrics); unset, Kysely times nothing. */
  onQuery?: (sql: string, ms: number) => void;
  /**
   * Told when a PostgreSQL connection fails outside a query (an idle one cut by a restart,
   * a failover or an administrator). Unset, such errors are ignored. Either way they never
   * reach the process: the pool drops that connection and opens a new one on the next query.
   */
  onConnectionError?: (error: Error) => void;
}

export function createDb(url: string, { onQuery, onConnectionError }: DbOptions = {}): Db {
  const target = parseDatabaseUrl(url);
  if (target.kind === "sqlite") {
    const { sqlite, reader } = sqliteConnections(target.path, onQuery);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    // Prepared statements inside its transactions run on it directly, reads of committed rows on the reader (./in-process.ts).
    registerInProcess(db, sqlite, reader);
    return db;
  }
  // PostgreSQL: Kysely's query log times each query (a few awaits more, against a network round trip).
  const log = onQuery
    ? {
        log(event: LogEvent) {
          if (event.level === "query") onQuery(event.query.sql, event.queryDurationMillis);
        },
      }
    : {};
  const pool = new pg.Pool({ connectionString: target.url, types: pgTypes, max: 10 });
  // An 'error' event nobody listens to is thrown, and ends the process: the pool emits one for an idle
  // connection that dies, and a client emits one for its own connection dying while checked out (its
  // query in flight fails by itself, with the same error: the caller hears of it there).
  // The pool's event repeats the idle client's own: heard once, through the client.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", (error: Error) => onConnectionError?.(error)));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...log });
}
