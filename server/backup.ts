/**
 * `bun run db:backup <file>`: a consistent copy of the SQLite database while a
 * server keeps serving it. `VACUUM INTO` reads the database in one read
 * transaction (in WAL mode writers go on meanwhile) and writes a compact new
 * file: every commit before it started is in the copy, none after. The copy
 * is then opened and checked (`PRAGMA integrity_check`) before this says done.
 * On PostgreSQL, pg_dump is the tool: this says so and exits with 2.
 *
 * The copy holds every password hash and session: it is created here first,
 * empty, 0600, with O_CREAT|O_EXCL|O_NOFOLLOW (never over an existing file, never
 * through a symbolic link, dangling or not), and SQLite fills that empty file.
 */
import { Database } from "bun:sqlite";
import { closeSync, constants, existsSync, lstatSync, openSync, unlinkSync } from "node:fs";
import { resolve } from "node:path";
import { parseDatabaseUrl } from "../db/index.ts";
import { BACKUP_BUSY_TIMEOUT_MS } from "./limits/defaults.ts";

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

const target = process.argv[2];
if (!target || process.argv.length > 3)
  fail("Usage: bun run db:backup <file>   (a new file: an existing one is never overwritten)", 2);

const url = process.env.DATABASE_URL ?? "sqlite:data/parlor.db";
let database: ReturnType<typeof parseDatabaseUrl>;
try {
  database = parseDatabaseUrl(url);
} catch (error) {
  fail(`DATABASE_URL: ${(error as Error).message}`, 2);
}
if (database.kind === "postgres") {
  fail(
    'DATABASE_URL is PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=parlor.dump "$DATABASE_URL" (restore with pg_restore).',
    2,
  );
}
if (database.path === ":memory:")
  fail("DATABASE_URL is an in-memory database: there is nothing on disk to back up.", 2);
if (!existsSync(database.path)) fail(`No database at ${database.path}.`);
const file = resolve(target);

/** Creates `path` empty and readable by its owner only, or says why not; never follows or replaces anything there. */
function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600));
  } catch (error) {
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink())
      fail(`${path} is a symbolic link: refusing to write a backup through it. Give a new file name.`);
    if ((error as NodeJS.ErrnoException).code === "EEXIST") fail(`${path} exists already: give a new file name.`);
    fail(`Cannot create ${path}: ${(error as Error).message}`);
  }
}

createPrivateFile(file);
const source = new Database(database.path, { readwrite: true, create: false });
try {
  // A writer holding the lock makes a reader wait only in rare WAL checkpoints: wait rather than fail.
  source.run(`PRAGMA busy_timeout = ${BACKUP_BUSY_TIMEOUT_MS}`);
  // VACUUM INTO accepts an empty file: the one made above, with its mode.
  source.query("VACUUM INTO ?").run(file);
} catch (error) {
  unlinkSync(file);
  fail(`Backup failed: ${(error as Error).message}`);
} finally {
  source.close();
}

const copy = new Database(file, { readonly: true });
try {
  const check = copy.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all();
  if (check.length !== 1 || check[0]!.integrity_check !== "ok")
    fail(`The copy at ${file} fails its integrity check: ${check.map((r) => r.integrity_check).join("; ")}`);
  const { n } = copy.query<{ n: number }, []>("select count(*) as n from message").get()!;
  console.log(`Backed up ${database.path} to ${file} (${n} messages; integrity check ok).`);
  // Files live beside the database, not in it: copied after it, every file the copy names is in that copy.
  const uploads = process.env.S3_BUCKET
    ? `the bucket ${process.env.S3_BUCKET}`
    : (process.env.UPLOADS_DIR ?? "data/uploads");
  console.log(
    `Uploaded files are not in this copy: back up ${uploads} now, after it (see docs/operations.md, "Backups and exports").`,
  );
} finally {
  copy.close();
}
