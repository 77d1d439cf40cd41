/**
 * The store's share of the send path, in process: batches of new messages
 * (20 senders into one room, as the bench's busy room) stored through
 * `storeMessageBatch` on a file database with Parlor's pragmas. Prints CPU µs per
 * message for each batch size, over alternating rounds.
 * Run: `bun tests/bench/store-batch.ts [rounds]`.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createDb } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import type { NewMessage } from "../../server/chat/log-rows.ts";
import { storeMessageBatch } from "../../server/chat/message-store.ts";
import { benchText } from "./bench-socket.ts";

const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10);
const path = join(tmpdir(), `parlor-store-batch-${process.pid}.db`);
/** With --by-statement: the time spent in each SQL text (the rest is JS around it). */
const byStatement = process.argv.includes("--by-statement") ? new Map<string, number>() : null;
const db = createDb(`sqlite:${path}`, {
  ...(byStatement && { onQuery: (sql: string, ms: number) => byStatement.set(sql, (byStatement.get(sql) ?? 0) + ms) }),
});
await migrateToLatest(db);
// --no-fts: without the search index's insert trigger, to see what it costs.
if (process.argv.includes("--no-fts")) await sql`drop trigger if exists message_fts_insert`.execute(db);
// Where the search index is kept by an indexer (not a trigger in the send), its runs count too: one per size and round.
const indexer = await import("../../server/chat/search-indexer.ts")
  .then((m) => m.createSearchIndexer(db, { delayMs: 3_600_000 }))
  .catch(() => null);
const senders: { id: number; username: string }[] = [];
for (let i = 0; i < 20; i++) {
  const row = await db
    .insertInto("user")
    .values({ username: `sender${i}`, password_hash: "x", created_at: new Date().toISOString() })
    .returning("id")
    .executeTakeFirstOrThrow();
  senders.push({ id: Number(row.id), username: `sender${i}` });
}
const text = (i: number) => benchText(i, 100);
const batchOf = (n: number): NewMessage[] =>
  Array.from({ length: n }, (_, i) => ({ room: "busy", text: text(i), sender: senders[i % senders.length]! }));

// Warm up: the room exists, every sender is a member, statements are compiled.
for (let i = 0; i < 20; i++) await storeMessageBatch(db, batchOf(20));

const sizesArg = process.argv.find((a) => a.startsWith("--sizes="));
const sizes = sizesArg ? sizesArg.slice("--sizes=".length).split(",").map(Number) : [1, 20, 100, 400];
const totals = new Map(sizes.map((n) => [n, { ns: 0, sys: 0, index: 0, messages: 0 }]));
for (let round = 0; round < rounds; round++) {
  for (const n of round % 2 ? [...sizes].reverse() : sizes) {
    const batches = Math.max(1, Math.floor(2000 / n));
    // CPU time, not wall-clock: on a shared machine waiting for a core is not the store's cost.
    const started = process.cpuUsage();
    for (let b = 0; b < batches; b++) await storeMessageBatch(db, batchOf(n));
    const stored = process.cpuUsage(started);
    await indexer?.catchUp();
    const used = process.cpuUsage(started);
    const t = totals.get(n)!;
    t.ns += (used.user + used.system) * 1000;
    t.sys += used.system * 1000;
    t.index += (used.user + used.system - stored.user - stored.system) * 1000;
    t.messages += batches * n;
  }
}
for (const [n, t] of totals)
  console.log(
    `batch of ${n}: ${(t.ns / t.messages / 1000).toFixed(2)} µs per message (${(t.sys / t.messages / 1000).toFixed(2)} in the kernel, ${(t.index / t.messages / 1000).toFixed(2)} indexing)`,
  );
if (byStatement) {
  const messages = [...totals.values()].reduce((sum, t) => sum + t.messages, 0);
  for (const [sql, ms] of [...byStatement].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`${((ms * 1000) / messages).toFixed(2).padStart(7)} µs/msg  ${sql.slice(0, 110)}`);
}
await indexer?.close();
if (process.argv.includes("--keep")) console.log(`database kept: ${path}`);
await db.destroy();
if (!process.argv.includes("--keep")) for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
