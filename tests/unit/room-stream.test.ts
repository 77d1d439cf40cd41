/**
 * The resume logic of room.messages, driven event by event: a real SQLite log
 * and a real in-memory group layer, with publishes in the orders that several
 * writers, a slow reader or a reconnect produce.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createUser } from "../../server/auth/index.ts";
import { appendChange } from "../../server/chat/change-store.ts";
import { entriesBetween } from "../../server/chat/log-reader.ts";
import { appendMessage } from "../../server/chat/message-store.ts";
import { entryWeight, openRoomStream } from "../../server/chat/room-stream.ts";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { REPLAY_BATCH, REPLAY_STEP_BYTES } from "../../server/limits/defaults.ts";
import { type EntryEvent, type Message, type RoomEntry, roomGroup } from "../../shared/schemas.ts";

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

const entryOf = (m: Message): RoomEntry => ({ kind: "message", seq: m.seq, message: m });
const publish = (m: Message) => groups.publish(roomGroup(m.room), { type: "entry", room: m.room, entry: entryOf(m) });

/** What the database holds at the event's seq (the room log service's confirm, without its cache). */
const confirm = async (event: EntryEvent) =>
  (await entriesBetween(db, { room: event.room, after: event.entry.seq - 1, upTo: event.entry.seq }))[0] ?? null;

async function read(stream: AsyncIterator<RoomEntry>, n: number): Promise<number[]> {
  const seqs = [];
  for (let i = 0; i < n; i++) {
    const next = await Promise.race([stream.next(), Bun.sleep(1000).then(() => null)]);
    if (!next || next.done) break;
    seqs.push(next.value.seq);
  }
  return seqs;
}

const open = (after?: number, layer: GroupLayer = groups, pace?: () => Promise<() => void>) =>
  openRoomStream({
    db,
    groups: layer,
    room: "r",
    after,
    signal: abort.signal,
    map: (e: RoomEntry) => e,
    confirm,
    pacer: pace && { replayBatch: pace },
  });

/** The same layer, as if its events came over the network (Redis): the stream must confirm each one. */
const untrusted = (layer: GroupLayer): GroupLayer => ({
  local: false,
  publish: (g, e) => layer.publish(g, e),
  subscribe: (g, o) => layer.subscribe(g, o),
  subscriberCount: (g) => layer.subscriberCount(g),
  close: () => layer.close(),
});

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
    const got = (await stream.next()).value as RoomEntry;
    expect(got.kind === "message" && [got.message.room, got.seq]).toEqual(["r", 1]);
  });

  test("a resume point past the end is refused, and the group subscription is released", async () => {
    await store(2);
    await expect(open(3)).rejects.toThrow("'lastEventId' 3 is past the newest entry of room 'r' (2).");
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

  test("edits, deletes and reactions of old messages are replayed on resume, in seq order, with the deleted text gone", async () => {
    const [m1, m2] = await store(2);
    const change = (target: number, c: Parameters<typeof appendChange>[1]["decide"]) =>
      appendChange(db, { room: "r", target, actor: ann, decide: c });
    await change(m1!.seq, () => ({ kind: "edit", text: "t0, fixed" }));
    await change(m2!.seq, () => ({ kind: "reaction", emoji: "👍", added: true }));
    await change(m2!.seq, () => ({ kind: "edit", text: "secret" }));
    await change(m2!.seq, () => ({ kind: "delete" }));
    const stream = await open(0);
    const got: RoomEntry[] = [];
    for (let i = 0; i < 6; i++) got.push((await stream.next()).value as RoomEntry);
    expect(got.map((e) => [e.seq, e.kind])).toEqual([
      [1, "message"],
      [2, "message"],
      [3, "edit"],
      [4, "reaction"],
      [5, "edit"],
      [6, "delete"],
    ]);
    // The first message replays as it was sent; its edit follows.
    expect(got[0]!.kind === "message" && got[0]!.message.text).toBe("t0");
    // Nothing a deleted message said survives in the log: neither its text nor its edits.
    expect(got[1]!.kind === "message" && got[1]!.message.text).toBe("");
    expect(got[4]!.kind === "edit" && got[4]!.text).toBe("");
  });

  test("over a layer shared with other processes, a forged event the database does not hold is never shown and does not stall the room", async () => {
    const layer = untrusted(groups);
    const stream = await open(undefined, layer);
    const forged: Message = {
      id: 1,
      room: "r",
      seq: 9_000_000_000_000,
      sender: "mallory",
      text: "forged",
      timestamp: new Date().toISOString(),
      editedAt: null,
      deleted: false,
      replyTo: null,
      reactions: [],
      attachments: [],
    };
    await publish(forged);
    await publish({ ...forged, seq: 1, text: "forged at the next seq" });
    const [real] = await store(1);
    await publish(real!);
    const first = (await stream.next()).value as RoomEntry;
    // What is shown is what the database holds, not what the event said.
    expect(first.kind === "message" && [first.seq, first.message.sender, first.message.text]).toEqual([1, "ann", "t0"]);
    const [next] = await store(1);
    await publish(next!);
    expect(await read(stream, 1)).toEqual([2]);
  });

  test("over a shared layer, an event the layer vouches for (signed by a process of ours) is taken as it came, unconfirmed; the next, not vouched for, is confirmed", async () => {
    const vouched = new WeakSet<object>();
    const layer: GroupLayer = { ...untrusted(groups), vouches: (event) => vouched.has(event) };
    let confirmed = 0;
    const stream = await openRoomStream({
      db,
      groups: layer,
      room: "r",
      after: undefined,
      signal: abort.signal,
      map: (e: RoomEntry) => e,
      confirm: (event) => (confirmed++, confirm(event)),
    });
    const [m1, m2] = await store(2);
    const signed: EntryEvent = { type: "entry", room: "r", entry: entryOf({ ...m1!, text: "as published" }) };
    vouched.add(signed);
    await groups.publish(roomGroup("r"), signed);
    await publish(m2!);
    const [first, second] = [(await stream.next()).value, (await stream.next()).value] as RoomEntry[];
    expect(first!.kind === "message" && first!.message.text).toBe("as published");
    expect(second!.kind === "message" && second!.message.text).toBe("t1");
    expect(confirmed).toBe(1);
  });

  test("a resume from the start reads the log a batch at a time, each batch waiting for its turn and released once handed on", async () => {
    await store(REPLAY_BATCH * 2 + 10);
    let held = 0;
    let most = 0;
    let batches = 0;
    const stream = await open(0, groups, async () => {
      batches++;
      most = Math.max(most, ++held);
      return () => held--;
    });
    const seqs = await read(stream, REPLAY_BATCH * 2 + 10);
    expect(seqs).toEqual(Array.from({ length: REPLAY_BATCH * 2 + 10 }, (_, i) => i + 1));
    expect(batches).toBe(3);
    expect(most).toBe(1);
    abort.abort();
    await stream.return(undefined);
    expect(held).toBe(0);
  });

  test("regression: a step of long messages was 100 of them (1.6 MB, over MAX_QUEUED_BYTES) — a resume on a room of 150 messages of 4,000 emoji hands on at most REPLAY_STEP_BYTES plus one entry between two waits for the socket, and every entry once, in order", async () => {
    const long = "😀".repeat(4000);
    for (let i = 0; i < 150; i++) await appendMessage(db, { room: "r", sender: ann, text: long });
    const steps: number[] = [];
    const stream = await open(0, groups, async () => {
      steps.push(0);
      return () => {};
    });
    const seqs = [];
    for (let i = 0; i < 150; i++) {
      const next = await stream.next();
      if (next.done) break;
      seqs.push(next.value.seq);
      steps[steps.length - 1]! += entryWeight(next.value);
    }
    expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const oneEntry = entryWeight({ kind: "message", seq: 1, message: { text: long } as Message });
    expect(Math.max(...steps)).toBeLessThanOrEqual(REPLAY_STEP_BYTES + oneEntry);
    abort.abort();
    await stream.return(undefined);
  });

  test("regression: a caught-up stream kept its last replay batch reachable until it ended — once every entry is handed on, none of them is held by the stream waiting for the next", async () => {
    await store(30);
    const handed: WeakRef<RoomEntry>[] = [];
    const stream = await openRoomStream({
      db,
      groups,
      room: "r",
      after: 0,
      signal: abort.signal,
      confirm,
      map: (entry: RoomEntry) => {
        handed.push(new WeakRef(entry));
        return entry.seq;
      },
    });
    for (let i = 0; i < 30; i++) await stream.next();
    const waiting = stream.next(); // caught up: waits for a live entry
    await Bun.sleep(0); // WeakRefs hold their targets until the turn that made them ends
    Bun.gc(true);
    expect(handed.length).toBe(30);
    expect(handed.filter((ref) => ref.deref() !== undefined).length).toBe(0);
    abort.abort();
    await stream.return(undefined);
    await waiting;
  });
});
