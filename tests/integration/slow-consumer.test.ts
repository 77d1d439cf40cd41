/**
 * Promise 7 (SECURITY.md): a client that stops reading while its room is busy is
 * cut off at a bounded buffer with close code 4003; the server's memory stays
 * bounded, other subscribers get everything, and the slow one resumes from its
 * last message with nothing lost.
 */
import { expect, test } from "bun:test";
import { CLOSE_TOO_SLOW } from "../../server/trpc/bun-ws-adapter.ts";
import { openRawWebSocket } from "../support/raw-websocket.ts";
import { startTestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

test("a client that stops reading is closed with 4003 at a bounded buffer; others are unaffected; it resumes with nothing lost", async () => {
  await using server = await startTestServer({ SEND_BURST: "100000", SEND_PER_SECOND: "100000" });
  const ann = await server.signUp("ann");
  const fast = subscribeRoom((await server.signUp("ben")).client, { room: "flood" });
  await fast.started;

  const slow = await openRawWebSocket(server.url);
  expect(slow.handshake).toStartWith("HTTP/1.1 101");
  slow.send(
    JSON.stringify({ id: 1, method: "subscription", params: { path: "room.messages", input: { room: "flood" } } }),
  );
  await waitFor(() => slow.received().includes('"type":"started"'), "the slow client's subscription");
  slow.pause();

  const rssBefore = process.memoryUsage().rss;
  const text = "y".repeat(4000);
  let sent = 0;
  const deadline = Date.now() + 30_000;
  // Bounded: stops when the slow client is cut off, after 5,000 messages, or after 30 s.
  while (!server.app.closeCodes.get(CLOSE_TOO_SLOW) && sent < 5000 && Date.now() < deadline) {
    await ann.client.room.send.mutate({ room: "flood", text });
    sent++;
  }
  expect(server.app.closeCodes.get(CLOSE_TOO_SLOW)).toBe(1);
  // ~4 KB per message: the slow reader held at most a few MB (kernel buffers plus our 1 MiB) before the cut.
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);

  await fast.waitForCount(sent, 10_000);
  expect(fast.messages.map((m) => m.seq)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));

  // The slow client reads what reached it, then resumes after its last whole message.
  slow.resume();
  await slow.closed;
  const ids = [
    ...slow
      .received()
      .toString("latin1")
      .matchAll(/"type":"data","data":\{"id":"(\d+)"/g),
  ].map((m) => Number(m[1]));
  expect(ids.length).toBeGreaterThan(0);
  expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
  const lastWhole = ids.length - 1; // the last one may be cut mid-frame
  const resumed = subscribeRoom(server.guest().client, { room: "flood", lastEventId: String(lastWhole) });
  await resumed.waitForCount(sent - lastWhole, 10_000);
  expect(resumed.messages.map((m) => m.seq)).toEqual(
    Array.from({ length: sent - lastWhole }, (_, i) => lastWhole + 1 + i),
  );
}, 60_000);
