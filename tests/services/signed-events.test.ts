/**
 * Events signed with the deployment's key (REDIS_EVENT_KEY). Three Parlors share
 * one Redis and one PostgreSQL schema: A and B hold the key, C does not (a
 * process not yet restarted with it). B's and C's databases count the reads of
 * the room log. What A sends reaches B with no such read (taken as B's own) and
 * C through its confirming reads, the same entries on both. A raw Redis client
 * plays the attacker who can publish there: forged, tampered, stale and replayed
 * events, and signed events moved to another room's channel.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { createDb } from "../../db/index.ts";
import { createEventSigner } from "../../server/groups/event-signature.ts";
import type { RoomEntry, RoomEvent } from "../../shared/schemas.ts";
import {
  createPostgresSchema,
  describeWithServices,
  postgresService,
  redisService,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/backends.ts";
import { testMessage } from "../support/entries.ts";
import { png, upload } from "../support/files.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { type RecordedSubscription, subscribeRoom } from "../support/subscriber.ts";
import { quietFor } from "../support/wait.ts";

const KEY = randomBytes(32).toString("base64");
const seqs = (entries: RoomEntry[]) => entries.map((e) => e.seq);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const texts = (entries: RoomEntry[]) => JSON.stringify(entries);

await describeWithServices("events signed with the deployment's key", [postgresService, redisService], () => {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let prefix: string;
  let raw: Redis;
  let tap: Redis;
  /** Every payload published on each channel, as Redis carried it. */
  const heard = new Map<string, string[]>();
  const reads = { b: 0, c: 0 };

  beforeAll(async () => {
    schema = await createPostgresSchema();
    const redisUrl = await testRedisUrl();
    prefix = uniqueRedisPrefix();
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SEND_BURST: "1000",
      SEND_PER_SECOND: "1000",
    };
    // The room log's reads (entriesBetween, entriesOfRanges) are the only statements that read `room_entry` by seq.
    const counted = (name: keyof typeof reads) =>
      createDb(schema.url, { onQuery: (sql) => void (/from "room_entry"/.test(sql) && reads[name]++) });
    a = await startTestServer({ ...env, REDIS_EVENT_KEY: KEY });
    b = await startTestServer({ ...env, REDIS_EVENT_KEY: KEY }, { db: counted("b") });
    c = await startTestServer(env, { db: counted("c") });
    raw = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    tap = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    tap.on("pmessage", (_pattern: string, channel: string, payload: string) => {
      const list = heard.get(channel) ?? [];
      list.push(payload);
      heard.set(channel, list);
    });
    await tap.psubscribe(`${prefix}room:*`);
  }, 30_000);
  afterAll(async () => {
    raw?.disconnect();
    tap?.disconnect();
    await c?.stop();
    await b?.stop();
    await a?.stop();
    await schema?.drop();
  });

  /** The payload a process of ours published (signed) for `seq` of `room`, as Redis carried it (not the attacker's). */
  const payloadOf = (room: string, seq: number) => {
    const channel = `${prefix}room:${room}`;
    const ours = createEventSigner({ key: KEY });
    const payload = heard.get(channel)?.find((p) => JSON.parse(p).entry?.seq === seq && ours.verified(channel, p));
    if (!payload) throw new Error(`no signed payload of ${room}'s entry ${seq} heard`);
    return payload;
  };

  async function expectExactly(subs: RecordedSubscription[], n: number) {
    for (const s of subs) await s.waitForEntries(n, 15_000);
    await quietFor(200, () => subs.map((s) => s.entries.length), "the entries each subscription received");
    for (const s of subs) {
      expect(s.errors).toEqual([]);
      expect(seqs(s.entries)).toEqual(oneTo(n));
    }
  }

  let onA: RecordedSubscription;
  let onB: RecordedSubscription;
  let onC: RecordedSubscription;
  let total = 0;

  test("with the key, entries sent on A reach B with no read of the log; C, without it, confirms them and gets the very same entries", async () => {
    const ann = await a.signUp();
    const ben = await a.signUp();
    onA = subscribeRoom(a.guest().client, { room: "hall" });
    onB = subscribeRoom(b.guest().client, { room: "hall" });
    onC = subscribeRoom(c.guest().client, { room: "hall" });
    await Promise.all([onA.started, onB.started, onC.started]);
    reads.b = 0;
    reads.c = 0;
    // Every kind of entry, with what each carries: attachments, replies, edits, reactions, deletes, membership.
    const file = await upload(ann.client, await png(), "plan.png");
    const first = await ann.client.room.send.mutate({ room: "hall", text: "with a file", attachments: [file.id] });
    const reply = await ben.client.room.send.mutate({ room: "hall", text: "a reply", replyTo: first.seq });
    await ann.client.room.edit.mutate({ room: "hall", seq: first.seq, text: "with a file, edited" });
    await ben.client.room.react.mutate({ room: "hall", seq: first.seq, emoji: "👍", add: true });
    await ben.client.room.react.mutate({ room: "hall", seq: first.seq, emoji: "👍", add: false });
    await ben.client.room.delete.mutate({ room: "hall", seq: reply.seq });
    await (await a.signUp()).client.room.join.mutate({ room: "hall" });
    for (let i = 0; i < 40; i++) total = (await ann.client.room.send.mutate({ room: "hall", text: `m${i}` })).seq;

    await expectExactly([onA, onB, onC], total);
    expect(onB.entries).toEqual(onA.entries);
    expect(onC.entries).toEqual(onA.entries);
    expect(onB.entries[0]).toMatchObject({ kind: "message", message: { attachments: [{ id: file.id }] } });
    expect(new Set(onB.entries.map((e) => e.kind))).toEqual(
      new Set(["message", "edit", "reaction", "delete", "member"]),
    );
    console.log(`B (key): ${reads.b} log reads; C (no key): ${reads.c} log reads, for ${total} entries`);
    expect(reads.b).toBe(0);
    expect(reads.c).toBeGreaterThan(0);
  }, 60_000);

  /** Publishes `payloads` on room `room`'s channel as the attacker, then a real message; B's and C's subscribers get only the real one. */
  async function expectDropped(payloads: string[], channelRoom = "hall") {
    const before = reads.b;
    for (const p of payloads) await raw.publish(`${prefix}room:${channelRoom}`, p);
    const ann = await a.signUp();
    const real = await ann.client.room.send.mutate({ room: "hall", text: "the real one" });
    total = real.seq;
    await expectExactly([onA, onB, onC], total);
    expect(onB.entries).toEqual(onA.entries);
    expect(onC.entries).toEqual(onA.entries);
    expect(texts(onB.entries)).not.toContain("forged");
    return reads.b - before;
  }

  /** An entry the database does not hold: the room's next seq, with a text of the attacker's. */
  const forged = (seq: number, room = "hall"): RoomEvent => ({
    type: "entry",
    room,
    entry: { kind: "message", seq, message: testMessage(seq, { room, text: "forged" }) },
  });

  test("forged events (unsigned, another key, tampered with, signed too long ago) take the confirming read, and are dropped", async () => {
    const next = total + 1;
    const channel = `${prefix}room:hall`;
    const json = JSON.stringify(forged(next));
    const otherKey = createEventSigner({ key: randomBytes(32).toString("base64") }).sign(channel, json);
    const stale = createEventSigner({ key: KEY, now: () => Date.now() - 60_000 }).sign(channel, json);
    // A real signed payload of this room, given the next seq and the attacker's text.
    const tampered = payloadOf("hall", total)
      .replaceAll(`"seq":${total}`, `"seq":${next}`)
      .replace(/"text":"[^"]*"/, '"text":"forged"');
    expect(tampered).toContain("forged");
    const confirmingReads = await expectDropped([json, otherKey, tampered, stale]);
    expect(confirmingReads).toBeGreaterThan(0);
  }, 30_000);

  test("replayed signed entries (old seqs, and the newest) are not shown again or out of order, to riders and to a stream resuming", async () => {
    const newest = total;
    const resuming = subscribeRoom(b.guest().client, { room: "hall", lastEventId: String(newest - 3) });
    await resuming.waitForEntries(3, 15_000);
    const replayed = [1, 2, newest - 1, newest].map((seq) => payloadOf("hall", seq));
    // Taken as signed (no confirming read): the seq order alone keeps them out.
    expect(await expectDropped(replayed)).toBe(0);
    await quietFor(200, () => resuming.entries.length, "the resuming stream's entries");
    expect(seqs(resuming.entries)).toEqual([newest - 2, newest - 1, newest, newest + 1]);
  }, 30_000);

  test("a signed entry of one room published on another room's channel never reaches that room, whatever seq it claims", async () => {
    const ann = await a.signUp();
    for (let i = 0; i < 3; i++) await ann.client.room.send.mutate({ room: "side", text: `side ${i}` });
    const onSide = subscribeRoom(b.guest().client, { room: "side", lastEventId: "3" });
    await onSide.started;
    // hall's entry 4, as signed for hall's channel, and again with `room` rewritten to side (its signature broken).
    const hallEntry = payloadOf("hall", 4);
    const renamed = hallEntry.replaceAll('"room":"hall"', '"room":"side"');
    expect(renamed).not.toBe(hallEntry);
    await raw.publish(`${prefix}room:side`, hallEntry);
    await raw.publish(`${prefix}room:side`, renamed);
    const real = await ann.client.room.send.mutate({ room: "side", text: "side's own" });
    await onSide.waitForEntries(1, 15_000);
    await quietFor(200, () => onSide.entries.length, "side's entries");
    expect(onSide.entries).toHaveLength(1);
    expect(onSide.entries[0]).toMatchObject({ kind: "message", seq: 4, message: { text: "side's own", id: real.id } });
  }, 30_000);
});
