/**
 * Queries built and compiled once, then run many times with new parameters.
 * On the hot path Kysely's builders (immutable node trees, frozen and cloned at
 * every step, then compiled) cost more than SQLite takes to run the statement;
 * the SQL text never changes, only the values do.
 *
 * `build` is called once per dialect with placeholders in place of its
 * parameters: use each where its value goes, as usual (Kysely binds every value
 * as a parameter). Values written in the builder itself stay as they are.
 *
 * Inside a transaction of a SQLite database the statement runs on bun:sqlite
 * directly (./in-process.ts), past Kysely's executor; elsewhere through it,
 * unless it is prepared `{ onReader: true }` and the database is a SQLite file:
 * then on its read connection, also directly.
 *
 * @example
 * const byName = prepare((db, name: string) => db.selectFrom("user").selectAll().where("username", "=", name));
 * const { rows } = await byName(db, "ann");
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult, SqliteStatement } from "kysely";
import { directStatements, readerStatements, runDirect } from "./in-process.ts";
import type { Database } from "./schema.ts";

/** The database a prepared query runs on (or inside a transaction of): typed, so a builder needs no cast. */
type On = Kysely<Database>;

type Slot = number | { value: unknown };

export interface PrepareOptions {
  /**
   * A read that needs nothing newer than the last commit (a history page, its
   * files): outside a transaction it runs on the database's read connection when
   * it has one (a SQLite file, ./in-process.ts). It then sees every commit made
   * before it, never a transaction's uncommitted rows, and never waits for one in
   * progress (the search indexer's batch, the message writer's) as a statement on
   * the one connection behind Kysely's mutex does.
   */
  onReader?: boolean;
}

/** A compiled query and, once it ran directly on SQLite, that database's statements for it. */
interface Compiled<R> {
  query: CompiledQuery<R>;
  statement?: SqliteStatement;
  readerStatement?: SqliteStatement;
}

/** Runs a compiled query with `parameters`: directly in a SQLite transaction or on its reader, else through Kysely. */
function execute<R>(
  db: On,
  entry: Compiled<R>,
  parameters: unknown[],
  onReader = false,
): QueryResult<R> | Promise<QueryResult<R>> {
  // The adapter (the key of `entry`) is one database's: so are the statements.
  const direct = directStatements(db);
  if (direct) return runDirect<R>((entry.statement ??= direct.prepare(entry.query.sql)), parameters);
  const reader = onReader ? readerStatements(db) : undefined;
  if (reader) return runDirect<R>((entry.readerStatement ??= reader.prepare(entry.query.sql)), parameters);
  return db.executeQuery({ ...entry.query, parameters });
}

/**
 * The stand-ins `build` receives instead of its parameters. They are symbols, not
 * values of the parameters' types: `build` only passes them where a value goes
 * (Kysely binds each as a parameter), which is all that is needed to find them in
 * the compiled query's parameter list.
 */
function standIns<T>(values: symbol[] | Record<string, symbol>): T {
  return values as T;
}

export function prepare<P extends unknown[], R>(
  build: (db: On, ...params: P) => Compilable<R>,
  { onReader = false }: PrepareOptions = {},
) {
  // Keyed by the dialect's adapter: a transaction shares it with its database, and the SQL depends only on it.
  const compiled = new WeakMap<object, Compiled<R> & { slots: Slot[] }>();

  function compile(db: On) {
    const placeholders = Array.from({ length: build.length - 1 }, (_, i) => Symbol(`param ${i}`));
    const query = build(db, ...standIns<P>(placeholders)).compile();
    const slots = query.parameters.map((value): Slot => {
      const index = typeof value === "symbol" ? placeholders.indexOf(value) : -1;
      return index >= 0 ? index : { value };
    });
    // A parameter the SQL never binds is a mistake in `build` (or a default or rest parameter, which arity does not count).
    const unused = placeholders.findIndex((_, i) => !slots.includes(i));
    if (unused >= 0) throw new Error(`prepare(): parameter ${unused} of the query is never bound`);
    return { query, slots };
  }

  return async function run(db: On, ...params: P): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let entry = compiled.get(adapter);
    if (!entry) compiled.set(adapter, (entry = compile(db)));
    const parameters = entry.slots.map((slot) => (typeof slot === "number" ? params[slot] : slot.value));
    return execute(db, entry, parameters, onReader);
  };
}

/**
 * `prepare` for a statement over a list of rows (a multi-row insert): `build`
 * gets `rows.length` rows of placeholders, one per column, and is compiled once
 * per row count and dialect; each run binds the rows' values in their place.
 *
 * @example
 * const insertUsers = prepareRows(["username", "password_hash"], (db, rows: NewUser[]) => db.insertInto("user").values(rows));
 */
export function prepareRows<Row extends Record<string, unknown>, R>(
  columns: readonly (keyof Row & string)[],
  build: (db: On, rows: Row[]) => Compilable<R>,
) {
  type RowSlot = { row: number; column: keyof Row } | { value: unknown };
  const compiled = new WeakMap<object, Map<number, Compiled<R> & { slots: RowSlot[] }>>();

  function compile(db: On, n: number) {
    const marks = new Map<symbol, RowSlot>();
    const rows = Array.from({ length: n }, (_, row) => {
      const placeholders: Record<string, symbol> = {};
      for (const column of columns) marks.set((placeholders[column] = Symbol(`${column} ${row}`)), { row, column });
      return standIns<Row>(placeholders);
    });
    const query = build(db, rows).compile();
    return {
      query,
      slots: query.parameters.map((value): RowSlot => (typeof value === "symbol" && marks.get(value)) || { value }),
    };
  }

  return async function run(db: On, rows: readonly Row[]): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let byCount = compiled.get(adapter);
    if (!byCount) compiled.set(adapter, (byCount = new Map()));
    let entry = byCount.get(rows.length);
    if (!entry) byCount.set(rows.length, (entry = compile(db, rows.length)));
    const parameters = entry.slots.map((slot) => ("value" in slot ? slot.value : rows[slot.row]![slot.column]));
    return execute(db, entry, parameters);
  };
}
