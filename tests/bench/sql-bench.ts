/**
 * The storage side of the bench, run as a child process pinned to the server's
 * core: the bare insert loop (the send path's ceiling), filling a database for
 * the history scenario, and history pages through bun:sqlite directly next to
 * the same pages through Parlor's repository (Kysely). Prints `RESULT <json>`.
 */
import { Database } from "bun:sqlite";
import { createDb } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { historyPage } from "../../server/chat/log-reader.ts";
import { benchText } from "./bench-socket.ts";
import { Histogram } from "./histogram.ts";

export type SqlJob =
  | { kind: "insert"; path: string; seconds: number; maxMessages: number; rooms: number; payload: number }
  | { kind: "populate"; path: string; bigRoom: number; rooms: number; perRoom: number }
  | {
      kind: "history";
      path: string;
      queries: { name: string; room: string; before?: number; limit: number }[];
      iterations: number;
      warmup: number;
    };

/** The pragmas db/index.ts sets on a file database. */
function openLikeParlor(path: string): Database {
  const db = new Database(path, { create: true, strict: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  db.run("PRAGMA foreign_keys = ON");
  db.run("PRAGMA busy_timeout = 5000");
  return db;
}

async function migrate(path: string) {
  const kysely = createDb(`sqlite:${path}`);
  await migrateToLatest(kysely);
  await kysely.destroy();
}

async function insertLoop(job: Extract<SqlJob, { kind: "insert" }>) {
  await migrate(job.path);
  const db = openLikeParlor(job.path);
  const userId = Number(
    db
      .query("insert into user (username, password_hash, created_at) values (?, ?, ?) returning id")
      .get("bare", "x", new Date().toISOString())!["id" as never],
  );
  const upsert = db.query(
    `insert into "room" ("name", "last_seq", "last_message_at") values (?, 1, ?) on conflict ("name") do update set "last_seq" = "room"."last_seq" + 1, "last_message_at" = ? returning "last_seq"`,
  );
  const insert = db.query(
    `insert into "message" ("room", "seq", "sender_id", "text", "created_at", "client_id") values (?, ?, ?, ?, ?, ?) returning "id"`,
  );
  // One transaction per message, as Parlor commits each send before acknowledging it.
  const append = db.transaction((room: string, text: string) => {
    const now = new Date().toISOString();
    const { last_seq } = upsert.get(room, now, now) as { last_seq: number };
    return insert.get(room, last_seq, userId, text, now, null);
  });
  const h = new Histogram();
  const start = performance.now();
  const deadline = start + job.seconds * 1000;
  let n = 0;
  while (n < job.maxMessages && performance.now() < deadline) {
    const t = performance.now();
    append(`send${n % job.rooms}`, benchText(n, job.payload));
    h.record((performance.now() - t) * 1000);
    n++;
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return { messages: n, seconds, messagesPerSecond: n / seconds, latency: h.summary() };
}

async function populate(job: Extract<SqlJob, { kind: "populate" }>) {
  await migrate(job.path);
  const db = openLikeParlor(job.path);
  const t0 = performance.now();
  const userId = Number(
    (
      db
        .query("insert into user (username, password_hash, created_at) values (?, ?, ?) returning id")
        .get("historian", "x", new Date().toISOString()) as { id: number }
    ).id,
  );
  const room = db.query(`insert into "room" ("name", "last_seq", "last_message_at") values (?, ?, ?)`);
  const msg = db.query(
    `insert into "message" ("room", "seq", "sender_id", "text", "created_at") values (?, ?, ?, ?, ?)`,
  );
  const fill = db.transaction((name: string, count: number) => {
    const at = new Date().toISOString();
    room.run(name, count, at);
    for (let seq = 1; seq <= count; seq++) msg.run(name, seq, userId, benchText(seq, 100), at);
  });
  fill("big", job.bigRoom);
  for (let r = 0; r < job.rooms; r++) fill(`h${r}`, job.perRoom);
  // Indexed for search up to the newest message, as a database Parlor wrote is (its search indexer keeps up).
  db.run("insert into message_fts(rowid, text) select id, text from message where deleted = 0");
  db.run("update search_watermark set indexed_up_to = (select coalesce(max(id), 0) from message) where id = 1");
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.run("ANALYZE");
  db.close();
  return { rows: job.bigRoom + job.rooms * job.perRoom, seconds: (performance.now() - t0) / 1000 };
}

/** The SQL Kysely sends for historyPage, run through bun:sqlite directly, then historyPage itself. */
async function history(job: Extract<SqlJob, { kind: "history" }>) {
  const raw = openLikeParlor(job.path);
  const kysely = createDb(`sqlite:${job.path}`);
  const select = `select "message"."id", "message"."room", "message"."seq", "user"."username" as "sender", "message"."text", "message"."created_at" from "message" inner join "user" on "user"."id" = "message"."sender_id" where "message"."room" = ?`;
  const newest = raw.query(`${select} order by "message"."seq" desc limit ?`);
  const after = raw.query(`${select} and "message"."seq" < ? order by "message"."seq" desc limit ?`);
  const out: Record<string, unknown> = {};
  for (const q of job.queries) {
    const direct = () => {
      const rows = (
        q.before === undefined ? newest.all(q.room, q.limit + 1) : after.all(q.room, q.before, q.limit + 1)
      ) as { id: number; room: string; seq: number; sender: string; text: string; created_at: string }[];
      // The same mapping to messages the repository does, so both sides return the same thing.
      return rows
        .slice(0, q.limit)
        .map((r) => ({ id: r.id, room: r.room, seq: r.seq, sender: r.sender, text: r.text, timestamp: r.created_at }));
    };
    const viaRepository = () => historyPage(kysely, { room: q.room, before: q.before, limit: q.limit });
    for (let i = 0; i < job.warmup; i++) {
      direct();
      await viaRepository();
    }
    const hd = new Histogram();
    const hr = new Histogram();
    // Interleaved, so both see the same cache and the same machine.
    for (let i = 0; i < job.iterations; i++) {
      let t = performance.now();
      const a = direct();
      hd.record((performance.now() - t) * 1000);
      t = performance.now();
      const b = await viaRepository();
      hr.record((performance.now() - t) * 1000);
      if (a.length !== q.limit || b.messages.length !== q.limit)
        throw new Error(`history ${q.name}: expected ${q.limit} rows, got ${a.length} and ${b.messages.length}`);
    }
    out[q.name] = { direct: hd.summary(), repository: hr.summary() };
  }
  raw.close();
  await kysely.destroy();
  return out;
}

if (import.meta.main) {
  const job = JSON.parse(process.argv[2]!) as SqlJob;
  const run = { insert: insertLoop, populate, history }[job.kind] as (j: SqlJob) => Promise<unknown>;
  console.log(`RESULT ${JSON.stringify(await run(job))}`);
  process.exit(0);
}
