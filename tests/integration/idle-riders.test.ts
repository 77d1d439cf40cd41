/**
 * A caught-up subscriber is a record in its room's relay, through the real
 * client and server: it rides before the room's next message (nothing of its
 * own stream runs meanwhile: no generator, no group subscription of its own);
 * handed back, it is made a stream again from its record with no gap and no
 * duplicate, and rides again; stopped while it rides or while it replays, it
 * ends at once and releases everything.
 */
import { heapStats } from "bun:jsc";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { MemoryGroupLayer } from "../../server/groups/memory.ts";
import { roomGroup } from "../../shared/schemas.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { quietFor, waitFor } from "../support/wait.ts";

let server: TestServer;
let ann: TestUser;
beforeEach(async () => {
  server = await startTestServer({ SEND_BURST: "100000", SEND_PER_SECOND: "100000" });
  ann = await server.signUp("ann");
});
afterEach(() => server.stop());

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const riders = (room: string) => server.app.liveMembers(roomGroup(room));
const ownSubscriptions = (room: string) => server.app.services.groups.subscriberCount(roomGroup(room));
/** Live async generators in this process (the server's and the clients'), after a full collection. */
const generators = () => {
  Bun.gc(true);
  return heapStats().objectTypeCounts.AsyncGenerator ?? 0;
};
/** Streams of the room still watched for revocation: each one's guard, released when its stream ends. */
const guarded = (room: string) => server.app.services.revocations.watching(room);
const send = (room: string, text: string) => ann.client.room.send.mutate({ room, text });

describe("a caught-up subscriber as a record in its room's relay", () => {
  test("subscribers of a quiet room ride before its next message, and none keeps a stream of its own", async () => {
    await send("quiet", "before");
    const baseline = generators();
    const subs = Array.from({ length: 40 }, () => subscribeRoom(server.guest().client, { room: "quiet" }));
    await Promise.all(subs.map((s) => s.started));
    await waitFor(() => riders("quiet") === 40, "every subscriber to ride, with no message sent");
    // The relay's listener is the room's one group subscription: no subscriber has a queue of its own.
    expect(ownSubscriptions("quiet")).toBe(1);
    // Nothing of their streams is left running: not one generator per subscriber (the clients hold none either).
    expect(generators() - baseline).toBeLessThan(10);
    for (let i = 0; i < 5; i++) await send("quiet", `m${i}`);
    for (const s of subs) await s.waitForCount(5);
    for (const s of subs) expect(s.messages.map((m) => m.seq)).toEqual(range(2, 5));
    for (const s of subs) s.unsubscribe();
    await waitFor(() => riders("quiet") === 0 && ownSubscriptions("quiet") === 0, "every rider released");
  });

  test("handed back (a lag), each is made a stream again from its record: no gap, no duplicate, and it rides again", async () => {
    const subs = Array.from({ length: 5 }, () => subscribeRoom(server.guest().client, { room: "lagging" }));
    await Promise.all(subs.map((s) => s.started));
    await waitFor(() => riders("lagging") === 5, "every subscriber to ride");
    await send("lagging", "1");
    // Every rider is handed back at once, as after a Redis reconnect; messages keep coming meanwhile.
    (server.app.services.groups as MemoryGroupLayer).lagAll();
    expect(riders("lagging")).toBe(0);
    for (let i = 2; i <= 30; i++) await send("lagging", String(i));
    await waitFor(() => riders("lagging") === 5, "every subscriber to ride again");
    await send("lagging", "31");
    for (const s of subs) await s.waitForCount(31);
    await quietFor(200, () => subs.every((s) => s.messages.length === 31));
    for (const s of subs) expect(s.messages.map((m) => m.seq)).toEqual(range(1, 31));
  });

  test("stopped while it rides: it ends at once, off the topic, its slot and its relay released", async () => {
    const stays = subscribeRoom(server.guest().client, { room: "hall" });
    const leaves = subscribeRoom(server.guest().client, { room: "hall" });
    await Promise.all([stays.started, leaves.started]);
    await waitFor(() => riders("hall") === 2, "both to ride");
    expect(guarded("hall")).toBe(2);
    leaves.unsubscribe();
    await waitFor(() => riders("hall") === 1, "the one stopped off the topic");
    await waitFor(() => guarded("hall") === 1, "what its stream held released");
    await send("hall", "after");
    await stays.waitForCount(1);
    await quietFor(200, () => leaves.messages.length === 0);
    stays.unsubscribe();
    await waitFor(
      () => riders("hall") === 0 && ownSubscriptions("hall") === 0 && guarded("hall") === 0,
      "the relay released",
    );
  });

  test("stopped while it replays: nothing more arrives, and it never rides", async () => {
    for (let i = 0; i < 300; i++) await send("long", `old ${i}`);
    const resumed = subscribeRoom(server.guest().client, { room: "long", lastEventId: "0" });
    await resumed.waitForCount(1);
    resumed.unsubscribe();
    const had = resumed.messages.length;
    await waitFor(() => ownSubscriptions("long") === 0 && guarded("long") === 0, "everything released");
    await send("long", "new");
    await quietFor(300, () => resumed.messages.length === had);
    expect(riders("long")).toBe(0);
    expect(resumed.messages.map((m) => m.seq)).toEqual(range(1, had));
  });
});
