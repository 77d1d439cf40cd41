/**
 * Caught-up subscribers of a room are written by Bun's topic publish (one per
 * room and request id), through the real client and server: every message
 * once, in order, across the switch from replay to live; deliveries counted; a
 * rider that stops reading is cut off as too slow (4003) and resumes with
 * nothing lost; a rider who loses access is stopped within a second.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CLOSE_TOO_SLOW } from "../../server/trpc/bun-ws-adapter.ts";
import { roomGroup } from "../../shared/schemas.ts";
import { openRawWebSocket } from "../support/raw-websocket.ts";
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

describe("live fan-out through the topic publish", () => {
  test("caught-up subscribers ride it: each gets every message once, in order, and every delivery is counted", async () => {
    const subs = Array.from({ length: 5 }, () => subscribeRoom(server.guest().client, { room: "hall" }));
    await Promise.all(subs.map((s) => s.started));
    await ann.client.room.send.mutate({ room: "hall", text: "first" });
    await waitFor(() => riders("hall") === 5, "every subscriber to ride");
    const before = server.app.metrics.counts.deliveries;
    for (let i = 0; i < 20; i++) await ann.client.room.send.mutate({ room: "hall", text: `m${i}` });
    for (const s of subs) await s.waitForCount(21);
    for (const s of subs) expect(s.messages.map((m) => m.seq)).toEqual(range(1, 21));
    expect(server.app.metrics.counts.deliveries - before).toBe(5 * 20);
    for (const s of subs) s.unsubscribe();
    await waitFor(
      () => riders("hall") === 0 && server.app.services.groups.subscriberCount(roomGroup("hall")) === 0,
      "every rider and listener released",
    );
  });

  test("a resume from the start while messages keep coming switches to it with no gap and no duplicate", async () => {
    for (let i = 0; i < 250; i++) await ann.client.room.send.mutate({ room: "busy", text: `old ${i}` });
    const resumed = subscribeRoom(server.guest().client, { room: "busy", lastEventId: "0" });
    for (let i = 0; i < 60; i++) await ann.client.room.send.mutate({ room: "busy", text: `new ${i}` });
    await resumed.waitForCount(310, 10_000);
    await waitFor(() => riders("busy") === 1, "the resumed subscriber to ride");
    await ann.client.room.send.mutate({ room: "busy", text: "last" });
    await resumed.waitForCount(311);
    expect(resumed.messages.map((m) => m.seq)).toEqual(range(1, 311));
  });

  test("a rider that stops reading is cut off as too slow (4003), others get everything, and it resumes with nothing lost", async () => {
    const fast = subscribeRoom(server.guest().client, { room: "flood" });
    await fast.started;
    const slow = await openRawWebSocket(server.url);
    slow.send(
      JSON.stringify({ id: 1, method: "subscription", params: { path: "room.messages", input: { room: "flood" } } }),
    );
    await waitFor(() => slow.received().includes('"type":"started"'), "the slow client's subscription");
    await ann.client.room.send.mutate({ room: "flood", text: "hello" });
    await waitFor(() => riders("flood") === 2, "both to ride");
    slow.pause();
    const text = "y".repeat(4000);
    let sent = 1;
    const deadline = Date.now() + 30_000;
    while (!server.app.closeCodes.get(CLOSE_TOO_SLOW) && sent < 5000 && Date.now() < deadline) {
      await ann.client.room.send.mutate({ room: "flood", text });
      sent++;
    }
    expect(server.app.closeCodes.get(CLOSE_TOO_SLOW)).toBe(1);
    await fast.waitForCount(sent, 10_000);
    expect(fast.messages.map((m) => m.seq)).toEqual(range(1, sent));
    slow.resume();
    await slow.closed;
    expect(slow.closeCode()).toBe(CLOSE_TOO_SLOW);
    const ids = [
      ...slow
        .received()
        .toString("latin1")
        .matchAll(/"type":"data","data":\{"id":"(\d+)"/g),
    ].map((m) => Number(m[1]));
    expect(ids).toEqual(range(1, ids.length));
    const lastWhole = ids.length - 1;
    const resumed = subscribeRoom(server.guest().client, { room: "flood", lastEventId: String(lastWhole) });
    await resumed.waitForCount(sent - lastWhole, 10_000);
    expect(resumed.messages.map((m) => m.seq)).toEqual(range(lastWhole + 1, sent - lastWhole));
  }, 60_000);

  test("a rider who is kicked is stopped within a second with FORBIDDEN, and gets nothing after it", async () => {
    const ben = await server.signUp("ben");
    await ann.client.room.create.mutate({ room: "inner", visibility: "private" });
    await ann.client.room.invite.mutate({ room: "inner", username: "ben" });
    const stream = subscribeRoom(ben.client, { room: "inner" });
    await stream.started;
    await ann.client.room.send.mutate({ room: "inner", text: "before" });
    await stream.waitForCount(1);
    await waitFor(() => riders("inner") === 1, "ben to ride");
    const at = Date.now();
    await ann.client.room.kick.mutate({ room: "inner", username: "ben" });
    await waitFor(() => stream.errors.length > 0, "the stream to end", 2000);
    expect(Date.now() - at).toBeLessThan(1000);
    expect(stream.errors.map((e) => e.data?.code)).toEqual(["FORBIDDEN"]);
    expect(riders("inner")).toBe(0);
    await ann.client.room.send.mutate({ room: "inner", text: "after" });
    await quietFor(100, () => stream.messages.length, "the messages of ben's ended stream");
    expect(stream.messages.map((m) => m.text)).toEqual(["before"]);
  });

  test("a rider whose session ends (logout) has its socket closed and is off the topic", async () => {
    const ben = await server.signUp("ben");
    const stream = subscribeRoom(ben.client, { room: "hall" });
    await stream.started;
    await ann.client.room.send.mutate({ room: "hall", text: "hi" });
    await waitFor(() => riders("hall") === 1, "ben to ride");
    await ben.client.auth.logout.mutate();
    await waitFor(() => riders("hall") === 0, "ben off the topic", 2000);
  });
});
