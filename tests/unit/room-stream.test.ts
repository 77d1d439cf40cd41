/**
 * The resume logic of room.messages, driven event by event: a real SQLite log
 * and a real in-memory group layer, with publishes in the orders that several
 * writers, a slow reader or a reconnect produce.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createUser } from "../../server/auth/users.ts";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { appendMessage } from "../../server/messages/repository.ts";
import { openRoomStream } from "../../server/messages/room-stream.ts";
import { type Message, roomGroup } from "../../shared/schemas.ts";

let db: Db;
let groups: GroupLayer;
let ann: { id: number; username: string };
let abort: AbortController;
beforeEach(async () => {
  db = createDb("sqlite::memory:");
  await migrateToLatest(db);
  groups = createMemoryGroupLayer({ capacity: 4 });
  ann = await createUser(db, { username: "ann", password: "ann's password" });
  abort = new AbortController();
});
afterEach(async () => {
  abort.abort();
  await groups.close();
  await db.destroy();
});

/** Stores messages without publishing them (a writer whose publish is late, or lost). */
async function store(n: number, room = "r"): Promise<Message[]> {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await appendMessage(db, { room, sender: ann, text: `t${i}` })).message);
  return out;
}

const publish = (m: Message) => groups.publish(roomGroup(m.room), { type: "message", message: m });

async function read(stream: AsyncIterator<Message>, n: number): Promise<number[]> {
  const seqs = [];
  for (let i = 0; i < n; i++) {
    const next = await Promise.race([stream.next(), Bun.sleep(1000).then(() => null)]);
    if (!next || next.done) break;
    seqs.push(next.value.seq);
  }
  return seqs;
}

const open = (after?: number) => openRoomStream({ db, groups, room: "r", after, signal: abort.signal });

describe("room stream", () => {
  test("publishes that arrive out of seq order (two writers) are delivered once each, in seq order", async () => {
    const stream = await open();
    const [m1, m2, m3] = await store(3);
    await publish(m2!); // 1 is missing: filled from the database
    await publish(m1!); // late: already delivered
    await publish(m3!);
    expect(await read(stream, 3)).toEqual([1, 2, 3]);
    expect(await read(stream, 1)).toEqual([]); // nothing more, no duplicate
  });

  test("a stored message whose publish was lost is delivered with the next one", async () => {
    const stream = await open();
    const [, m2] = await store(2);
    await publish(m2!);
    expect(await read(stream, 2)).toEqual([1, 2]);
  });

  test("live events that repeat the replay are dropped", async () => {
    const stored = await store(5);
    const stream = await open(0);
    for (const m of stored.slice(3)) await publish(m); // 4 and 5 arrive live too
    expect(await read(stream, 5)).toEqual([1, 2, 3, 4, 5]);
    const [m6] = await store(1);
    await publish(m6!);
    expect(await read(stream, 2)).toEqual([6]);
  });

  test("a reader that lags past the queue's capacity catches up from the database, missing nothing", async () => {
    const stream = await open();
    for (const m of await store(20)) await publish(m); // capacity is 4: the queue overflows
    expect(await read(stream, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test("resuming after a seq replays exactly what follows it", async () => {
    await store(7);
    expect(await read(await open(4), 3)).toEqual([5, 6, 7]);
  });

  test("other rooms' messages never appear, even with a matching seq", async () => {
    const stream = await open();
    const [other] = await store(1, "elsewhere");
    await publish(other!);
    const [mine] = await store(1);
    await publish(mine!);
    const got = [];
    for (let i = 0; i < 1; i++) got.push((await stream.next()).value as Message);
    expect(got.map((m) => [m.room, m.seq])).toEqual([["r", 1]]);
  });

  test("a resume point past the end is refused, and the group subscription is released", async () => {
    await store(2);
    await expect(open(3)).rejects.toThrow("'lastEventId' 3 is past the newest message of room 'r' (2).");
    expect(groups.subscriberCount(roomGroup("r"))).toBe(0);
  });

  test("aborting ends the stream and releases the group subscription", async () => {
    const stream = await open();
    expect(groups.subscriberCount(roomGroup("r"))).toBe(1);
    const pending = stream.next();
    abort.abort();
    expect((await pending).done).toBe(true);
    expect(groups.subscriberCount(roomGroup("r"))).toBe(0);
  });
});
