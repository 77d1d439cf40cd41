/**
 * Two Parlor processes (each `bun server/main.ts`, on its own port) sharing one
 * Redis and one PostgreSQL schema, through the real @trpc/client: what is sent on
 * one reaches the subscribers of both, once and in order, also across a lost
 * Redis connection or a Redis that goes down and comes back.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
import type { Message } from "../../shared/schemas.ts";
import {
  describeWithServices,
  postgresService,
  redisServerBinary,
  redisService,
  startPrivateRedis,
  testRedisUrl,
} from "../support/backends.ts";
import { fullHistory } from "../support/history.ts";
import type { ParlorProcess } from "../support/parlor-process.ts";
import { type StartedPair, startProcessPair } from "../support/process-pair.ts";
import { type RecordedSubscription, subscribeRoom } from "../support/subscriber.ts";
import { eventually, quietFor } from "../support/wait.ts";

const seqsOf = (messages: Message[]) => messages.map((m) => m.seq);
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Waits until every subscription holds `n` messages, then checks each saw exactly seqs 1…n, once, in order. */
async function expectEveryoneHas(subs: RecordedSubscription[], n: number) {
  for (const sub of subs) await sub.waitForCount(n, 15_000);
  // Nothing extra (a duplicate) arrives: caught here, or below.
  await quietFor(100, () => subs.map((s) => s.messages.length), "the messages each subscription received");
  for (const sub of subs) {
    expect(sub.errors).toEqual([]);
    expect(seqsOf(sub.messages)).toEqual(oneToN(n));
    expect(sub.ids).toEqual(oneToN(n).map(String));
  }
}

await describeWithServices("two processes, one Redis, one PostgreSQL", [postgresService, redisService], () => {
  let pair: StartedPair;
  let redisUrl: string;
  beforeAll(async () => {
    redisUrl = await testRedisUrl();
    pair = await startProcessPair(redisUrl);
  }, 30_000);
  afterAll(() => pair?.stop());

  test("a client on A sends, a client on B receives; A and B show the same history", async () => {
    const { a, b } = pair;
    // Signed up on A, sending on B too: sessions live in the shared database.
    const ann = await a.signUp();
    const ben = await b.signUp();
    const onB = subscribeRoom(ben.client, { room: "lobby" });
    const onA = subscribeRoom(a.guest().client, { room: "lobby" });
    await Promise.all([onA.started, onB.started]);

    const first = await ann.client.room.send.mutate({ room: "lobby", text: "hello from A" });
    await onB.waitForCount(1);
    expect(onB.messages).toEqual([first]);

    // Both processes write at once: one log, the same order everywhere.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? ann : ben).client.room.send.mutate({ room: "lobby", text: `m${i}` }),
      ),
    );
    await expectEveryoneHas([onA, onB], 11);
    expect(onA.messages).toEqual(onB.messages);
    const historyA = await fullHistory(ann.client, "lobby");
    const historyB = await fullHistory(ben.client, "lobby");
    expect(historyA).toEqual(historyB);
    expect(historyA).toEqual(onA.messages.map((m) => ({ seq: m.seq, text: m.text })));
    onA.unsubscribe();
    onB.unsubscribe();
  }, 30_000);

  test("edits, deletes and reactions made on one process reach subscribers on both, in seq order; a forged event on the channel is never shown", async () => {
    const { a, b, prefix } = pair;
    const room = "changes";
    const ann = await a.signUp();
    const ben = await b.signUp();
    const onA = subscribeRoom(a.guest().client, { room });
    const onB = subscribeRoom(b.guest().client, { room });
    await Promise.all([onA.started, onB.started]);
    const m = await ann.client.room.send.mutate({ room, text: "typo" });
    await ann.client.room.edit.mutate({ room, seq: m.seq, text: "fixed" });
    // Someone with access to Redis publishes an entry the database does not hold.
    const raw = new Redis(redisUrl);
    const forged = {
      kind: "edit",
      seq: 3,
      target: m.seq,
      text: "forged",
      editedAt: new Date().toISOString(),
      by: "mallory",
    };
    await raw.publish(`${prefix}room:${room}`, JSON.stringify({ type: "entry", room, entry: forged }));
    raw.disconnect();
    await ben.client.room.react.mutate({ room, seq: m.seq, emoji: "👍", add: true });
    const r = await ben.client.room.send.mutate({ room, text: "reply", replyTo: m.seq });
    await ben.client.room.delete.mutate({ room, seq: r.seq });
    for (const sub of [onA, onB]) await sub.waitForEntries(5, 15_000);
    await quietFor(100, () => [onA.entries.length, onB.entries.length], "the entries each side received");
    for (const sub of [onA, onB]) {
      expect(sub.errors).toEqual([]);
      expect(sub.entries.map((e) => [e.seq, e.kind])).toEqual([
        [1, "message"],
        [2, "edit"],
        [3, "reaction"],
        [4, "message"],
        [5, "delete"],
      ]);
      expect(sub.entries[2]).toMatchObject({ kind: "reaction", user: ben.username, emoji: "👍" });
    }
    const history = (await ben.client.room.history.query({ room })).messages;
    expect(history.map((x) => [x.seq, x.text, x.deleted, x.editedAt !== null, x.reactions])).toEqual([
      [4, "", true, false, []],
      [1, "fixed", false, true, [{ emoji: "👍", users: [ben.username] }]],
    ]);
    onA.unsubscribe();
    onB.unsubscribe();
  }, 30_000);

  test("Redis connections killed mid-stream: every subscriber on both processes gets every message, once, in order", async () => {
    const { a, b, prefix } = pair;
    const room = "killed";
    const senders = [await a.signUp(), await b.signUp()];
    const subs = [a, a, b, b].map((p) => subscribeRoom(p.guest().client, { room }));
    await Promise.all(subs.map((s) => s.started));

    const admin = new Redis(redisUrl, { protocol: 2, disableClientInfo: true, maxRetriesPerRequest: 1 });
    /** Ids of this suite's own connections (named after its prefix): never anyone else's. */
    const ownConnections = async () =>
      ((await admin.client("LIST")) as string)
        .split("\n")
        .map((line) => ({ id: line.match(/\bid=(\d+)/)?.[1], name: line.match(/\bname=(\S*)/)?.[1] ?? "" }))
        .filter((c) => c.id && c.name.startsWith(prefix));
    try {
      const killed = new Set<string>();
      const total = 40;
      for (let i = 0; i < total; i++) {
        // The last kill comes just before the last sends: no later message fills their gap,
        // only the resubscribe's catch-up can deliver them.
        if (i === 10 || i === total - 3) {
          // Two processes: a publisher, a subscriber and a limits connection each (back from the previous
          // kill, if any). Sends go on while the limits connection is down: limits count per process meanwhile.
          let own: Awaited<ReturnType<typeof ownConnections>> = [];
          await eventually(
            async () => (own = await ownConnections()).length >= 6,
            "both processes' six Redis connections",
            5_000,
            50,
          );
          expect(own.length).toBe(6);
          for (const c of own) {
            await admin.client("KILL", "ID", c.id!);
            killed.add(c.id!);
          }
        }
        await senders[i % 2]!.client.room.send.mutate({ room, text: `m${i}` });
      }
      await expectEveryoneHas(subs, total);
      // They came back as new connections (and the messages above were delivered through them).
      const now = await ownConnections();
      expect(now.filter((c) => c.name.startsWith(`${prefix}sub:`)).length).toBe(2);
      expect(now.every((c) => !killed.has(c.id!))).toBe(true);
    } finally {
      admin.disconnect();
      for (const s of subs) s.unsubscribe();
    }
  }, 30_000);
});

await describeWithServices(
  "two processes while their Redis goes down and comes back",
  [postgresService, redisServerBinary],
  () => {
    let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
    let pair: StartedPair;
    beforeAll(async () => {
      redis = await startPrivateRedis();
      pair = await startProcessPair(redis.url);
    }, 30_000);
    afterAll(async () => {
      await pair?.stop();
      await redis?.stop();
    });

    test("sends keep working during the outage, and every subscriber catches up once Redis is back", async () => {
      const { a, b } = pair;
      const room = "outage";
      const senders = [await a.signUp(), await b.signUp()];
      const subs = [a, b].map((p: ParlorProcess) => subscribeRoom(p.guest().client, { room }));
      await Promise.all(subs.map((s) => s.started));
      const send = (i: number) => senders[i % 2]!.client.room.send.mutate({ room, text: `m${i}` });

      for (let i = 0; i < 3; i++) await send(i);
      await expectEveryoneHas(subs, 3);

      await redis.stop();
      // Stored is sent: each send answers with its message although nothing can be published.
      const during: number[] = [];
      for (let i = 3; i < 8; i++) during.push((await send(i)).seq);
      expect(during).toEqual([4, 5, 6, 7, 8]);

      await redis.start();
      // Nothing more is sent: only the resubscribe (and its catch-up from the database) can deliver 4…8.
      await expectEveryoneHas(subs, 8);
      // And live delivery works again.
      for (let i = 8; i < 10; i++) await send(i);
      await expectEveryoneHas(subs, 10);
      for (const s of subs) s.unsubscribe();
    }, 30_000);
  },
);
