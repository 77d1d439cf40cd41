/**
 * `bun run db:backup <file>`: a consistent copy of the SQLite database while a
 * server keeps serving it. `VACUUM INTO` reads the database in one read
 * transaction (in WAL mode writers go on meanwhile) and writes a compact new
 * file: every commit before it started is in the copy, none after. The copy
 * is then opened and checked (`PRAGMA integrity_check`) before this says done.
 * On PostgreSQL, pg_dump is the tool: this says so and exits with 2.
 */
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseDatabaseUrl } from "../db/index.ts";

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

const target = process.argv[2];
if (!target || process.argv.length > 3) fail("Usage: bun run db:backup <file>   (a new file: an existing one is never overwritten)", 2);

const url = process.env.DATABASE_URL ?? "sqlite:data/parlor.db";
let database: ReturnType<typeof parseDatabaseUrl>;
try {
  database = parseDatabaseUrl(url);
} catch (error) {
  fail(`DATABASE_URL: ${(error as Error).message}`, 2);
}
if (database.kind === "postgres") {
  fail("DATABASE_URL is PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=parlor.dump \"$DATABASE_URL\" (restore with pg_restore).", 2);
}
if (database.path === ":memory:") fail("DATABASE_URL is an in-memory database: there is nothing on disk to back up.", 2);
if (!existsSync(database.path)) fail(`No database at ${database.path}.`);
const file = resolve(target);
if (existsSync(file)) fail(`${file} exists already: give a new file name.`);

const source = new Database(database.path, { readwrite: true, create: false });
try {
  // A writer holding the lock makes a reader wait only in rare WAL checkpoints: wait rather than fail.
  source.run("PRAGMA busy_timeout = 5000");
  source.query("VACUUM INTO ?").run(file);
} catch (error) {
  fail(`Backup failed: ${(error as Error).message}`);
} finally {
  source.close();
}

const copy = new Database(file, { readonly: true });
try {
  const check = copy.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all();
  if (check.length !== 1 || check[0]!.integrity_check !== "ok") fail(`The copy at ${file} fails its integrity check: ${check.map((r) => r.integrity_check).join("; ")}`);
  const { n } = copy.query<{ n: number }, []>("select count(*) as n from message").get()!;
  console.log(`Backed up ${database.path} to ${file} (${n} messages; integrity check ok).`);
} finally {
  copy.close();
}
