/**
 * Past one machine, every process confirms what arrives from Redis against the
 * database. Two Parlors share one Redis and one SQLite file; B's database counts
 * the statements that read the room log's entries while 1,000 messages sent on A
 * reach B's subscribers. Confirmed in batches (one range read per room and turn),
 * B reads the log far fewer times than it hears entries — it used to read once each.
 * Many busy rooms at once (a node among several sees every room's entries): the
 * ranges of all rooms in a turn are read together, not one read per room.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../../db/index.ts";
import { describeWithServices, redisService, testRedisUrl, uniqueRedisPrefix } from "../support/backends.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";

const SENDERS = 20;
const EACH = 50;

await describeWithServices("confirming entries from Redis", [redisService], () => {
  let dir: string;
  let a: TestServer;
  let b: TestServer;
  let logReads = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parlor-confirm-"));
    const env = {
      DATABASE_URL: `sqlite:${join(dir, "chat.db")}`,
      REDIS_URL: await testRedisUrl(),
      REDIS_PREFIX: uniqueRedisPrefix(),
      SEND_BURST: "1000",
      SEND_PER_SECOND: "1000",
    };
    a = await startTestServer(env);
    // The room log's range reads (entriesBetween) are the only statements that read `room_entry` by seq.
    const counted = createDb(env.DATABASE_URL, {
      onQuery: (sql) => void (/from "room_entry"/.test(sql) && logReads++),
    });
    b = await startTestServer(env, { db: counted });
  }, 30_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("1,000 entries sent on one process cost another far fewer log reads than entries, each subscriber getting every one once, in order", async () => {
    const senders = await Promise.all(Array.from({ length: SENDERS }, () => a.signUp()));
    const subs = Array.from({ length: 3 }, () => subscribeRoom(b.guest().client, { room: "hall" }));
    await Promise.all(subs.map((s) => s.started));
    logReads = 0;
    await Promise.all(
      senders.map(async (s, i) => {
        for (let k = 0; k < EACH; k++) await s.client.room.send.mutate({ room: "hall", text: `${i}:${k}` });
      }),
    );
    const total = SENDERS * EACH;
    for (const s of subs) await s.waitForCount(total, 30_000);
    for (const s of subs) expect(s.messages.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    console.log(`process B: ${logReads} log reads for ${total} entries from Redis`);
    // One read per entry before; batched, a few entries share each read at the very least.
    expect(logReads).toBeLessThan(total / 2);
  }, 60_000);

  test("an entry in each of 40 rooms at once, 5 times over, costs another process a few log reads, not one per room, each room's subscriber getting its entries in order", async () => {
    const ROOMS = 40;
    const ROUNDS = 5;
    const sender = await a.signUp();
    const rooms = Array.from({ length: ROOMS }, (_, r) => `busy${r}`);
    // Each room made first (its first send), then watched on B.
    await Promise.all(rooms.map((room) => sender.client.room.send.mutate({ room, text: "open" })));
    const subs = rooms.map((room) => subscribeRoom(b.guest().client, { room, lastEventId: "1" }));
    await Promise.all(subs.map((s) => s.started));
    logReads = 0;
    for (let k = 0; k < ROUNDS; k++)
      await Promise.all(rooms.map((room) => sender.client.room.send.mutate({ room, text: `${k}` })));
    for (const s of subs) await s.waitForCount(ROUNDS, 30_000);
    for (const s of subs) expect(s.messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    console.log(`process B: ${logReads} log reads for ${ROOMS * ROUNDS} entries in ${ROOMS} rooms`);
    // One read per room and round before: 200.
    expect(logReads).toBeLessThan((ROOMS * ROUNDS) / 4);
  }, 60_000);
});
