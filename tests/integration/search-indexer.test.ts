/**
 * SQLite's search indexer (server/chat/search-indexer.ts): new messages reach
 * the FTS5 index in batches after their commit, up to a persisted watermark;
 * a catch-up makes everything committed before it searchable; a message edited
 * or deleted before it was indexed is indexed as it is then; a new process
 * (a restart) carries on from the watermark, and nothing is indexed twice.
 */
import { afterEach, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { appendChange } from "../../server/chat/change-store.ts";
import type { Author } from "../../server/chat/log-rows.ts";
import { storeMessage } from "../../server/chat/message-store.ts";
import { fts5AllOf } from "../../server/chat/search.ts";
import { createSearchIndexer, type SearchIndexer } from "../../server/chat/search-indexer.ts";
import { eventually } from "../support/wait.ts";

const path = join(tmpdir(), `parlor-search-indexer-${process.pid}.db`);
const open: { db: Db; indexer?: SearchIndexer }[] = [];

async function openDb(): Promise<Db> {
  const db = createDb(`sqlite:${path}`);
  await migrateToLatest(db);
  open.push({ db });
  return db;
}

function indexerOn(db: Db, options: Parameters<typeof createSearchIndexer>[1] = {}): SearchIndexer {
  const indexer = createSearchIndexer(db, { delayMs: 60_000, ...options });
  open.find((o) => o.db === db)!.indexer = indexer;
  return indexer;
}

afterEach(async () => {
  for (const { db, indexer } of open.splice(0)) {
    await indexer?.close();
    await db.destroy();
  }
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
});

async function signUp(db: Db, username: string): Promise<Author> {
  const row = await db
    .insertInto("user")
    .values({ username, password_hash: "x", created_at: new Date().toISOString() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), username };
}

/** The texts the index finds for `words`, by message id. */
async function indexed(db: Db, ...words: string[]): Promise<string[]> {
  const { rows } = await sql<{ text: string }>`select message.text from message_fts
    join message on message.id = message_fts.rowid where message_fts match ${fts5AllOf(words)} order by message.id`.execute(
    db,
  );
  return rows.map((r) => r.text);
}

/** Documents in the index: each message at most once, deleted ones never. */
async function documents(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from message_fts_docsize`.execute(db);
  return Number(rows[0]!.n);
}

const watermark = async (db: Db) =>
  Number(
    (await sql<{ w: number }>`select indexed_up_to as w from search_watermark where id = 1`.execute(db)).rows[0]!.w,
  );

test("a message is in the index only after the indexer ran; a catch-up takes in everything committed before it", async () => {
  const db = await openDb();
  const ann = await signUp(db, "ann");
  const indexer = indexerOn(db);
  await storeMessage(db, { room: "lobby", text: "lunch on tuesday", sender: ann });
  const { message } = await storeMessage(db, { room: "lobby", text: "tuesday again", sender: ann });
  expect(await indexed(db, "tuesday")).toEqual([]);
  await indexer.catchUp();
  expect(await indexed(db, "tuesday")).toEqual(["lunch on tuesday", "tuesday again"]);
  expect(await watermark(db)).toBe(message.id);
  // Nothing new: a second catch-up indexes nothing twice.
  await indexer.catchUp();
  expect(await documents(db)).toBe(2);
});

test("written() indexes in the background, in batches, without a search", async () => {
  const db = await openDb();
  const ann = await signUp(db, "ann");
  const indexer = indexerOn(db, { delayMs: 5, batch: 3 });
  for (let i = 0; i < 10; i++) await storeMessage(db, { room: "lobby", text: `note ${i}`, sender: ann });
  indexer.written();
  await eventually(async () => (await documents(db)) === 10, "10 messages indexed");
  expect((await indexed(db, "note")).length).toBe(10);
});

test("a commit that lands after close starts no run: nothing touches a database being destroyed", async () => {
  const db = await openDb();
  const ann = await signUp(db, "ann");
  const errors: unknown[] = [];
  const indexer = indexerOn(db, { delayMs: 5, onError: (error) => errors.push(error) });
  await indexer.close();
  await storeMessage(db, { room: "lobby", text: "late", sender: ann });
  indexer.written();
  await db.destroy();
  await Bun.sleep(50);
  expect(errors).toEqual([]);
  open.splice(0);
});

test("edited or deleted before it was indexed: indexed as it is then; after: the triggers follow the change", async () => {
  const db = await openDb();
  const ann = await signUp(db, "ann");
  const indexer = indexerOn(db);
  const edit = (seq: number, text: string) =>
    appendChange(db, { room: "lobby", target: seq, actor: ann, decide: () => ({ kind: "edit", text }) });
  const remove = (seq: number) =>
    appendChange(db, { room: "lobby", target: seq, actor: ann, decide: () => ({ kind: "delete" }) });

  const early = (await storeMessage(db, { room: "lobby", text: "meet on tuesday", sender: ann })).message;
  const gone = (await storeMessage(db, { room: "lobby", text: "tuesday secret", sender: ann })).message;
  await edit(early.seq, "meet on wednesday");
  await remove(gone.seq);
  await indexer.catchUp();
  expect(await indexed(db, "tuesday")).toEqual([]);
  expect(await indexed(db, "wednesday")).toEqual(["meet on wednesday"]);

  // Under the watermark now: an edit and a delete change the index at once, without the indexer.
  const later = (await storeMessage(db, { room: "lobby", text: "friday plan", sender: ann })).message;
  await indexer.catchUp();
  await edit(early.seq, "meet on thursday");
  await remove(later.seq);
  expect(await indexed(db, "wednesday")).toEqual([]);
  expect(await indexed(db, "thursday")).toEqual(["meet on thursday"]);
  expect(await indexed(db, "friday")).toEqual([]);
  expect(await documents(db)).toBe(1);
  await sql`insert into message_fts(message_fts) values ('integrity-check')`.execute(db);
});

test("a new process carries on from the persisted watermark: what the last one left is indexed, nothing twice", async () => {
  const first = await openDb();
  const ann = await signUp(first, "ann");
  await indexerOn(first).catchUp();
  await storeMessage(first, { room: "lobby", text: "before the restart", sender: ann });
  await indexerOn(first).catchUp();
  await storeMessage(first, { room: "lobby", text: "left unindexed at the restart", sender: ann });
  const closing = open.pop()!;
  await closing.indexer?.close();
  await closing.db.destroy();

  const second = await openDb();
  // Starting, the indexer takes in what is above the watermark by itself.
  indexerOn(second, { delayMs: 5 });
  await eventually(async () => (await documents(second)) === 2, "the message left unindexed indexed");
  expect(await indexed(second, "restart")).toEqual(["before the restart", "left unindexed at the restart"]);
});
