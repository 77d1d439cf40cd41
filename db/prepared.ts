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
 * @example
 * const byName = prepare((db, name: string) => db.selectFrom("user").selectAll().where("username", "=", name));
 * const { rows } = await byName(db, "ann");
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";

type Slot = number | { value: unknown };

export function prepare<P extends unknown[], R>(build: (db: Kysely<any>, ...params: P) => Compilable<R>) {
  // Keyed by the dialect's adapter: a transaction shares it with its database, and the SQL depends only on it.
  const compiled = new WeakMap<object, { query: CompiledQuery<R>; slots: Slot[] }>();

  function compile(db: Kysely<any>) {
    const placeholders = Array.from({ length: build.length - 1 }, (_, i) => Symbol(`param ${i}`));
    const query = build(db, ...(placeholders as unknown as P)).compile();
    const slots = query.parameters.map((value): Slot => {
      const index = placeholders.indexOf(value as symbol);
      return index >= 0 ? index : { value };
    });
    // A parameter the SQL never binds is a mistake in `build` (or a default or rest parameter, which arity does not count).
    const unused = placeholders.findIndex((_, i) => !slots.includes(i));
    if (unused >= 0) throw new Error(`prepare(): parameter ${unused} of the query is never bound`);
    return { query, slots };
  }

  return async function run(db: Kysely<any>, ...params: P): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let entry = compiled.get(adapter);
    if (!entry) compiled.set(adapter, (entry = compile(db)));
    const parameters = entry.slots.map((slot) => (typeof slot === "number" ? params[slot] : slot.value));
    return db.executeQuery({ ...entry.query, parameters });
  };
}
