/**
 * What replaying a room of long messages leaves behind in the server, measured in
 * a Parlor of its own process (RSS from /proc; the heap after a forced collection,
 * through tests/support/memory-probe.ts). One socket subscribes 100 times to a room
 * of 150 messages of 4,000 emoji (16 KB each in memory and on the wire) from
 * `lastEventId` 0 and reads as fast as it can: 15,000 frames, 240 MB.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createParlorClient } from "@parlor/client";
import { type ParlorProcess, startParlorProcess } from "../support/parlor-process.ts";
import { MiB, peakRssBytes, resetPeakRss } from "../support/peak-rss.ts";
import { openRawWebSocket, type RawWebSocket } from "../support/raw-websocket.ts";
import { waitFor } from "../support/wait.ts";

const LONG_TEXT = "😀".repeat(4000);
const MESSAGES = 150;
const SUBSCRIPTIONS = 100;

let server: ParlorProcess;
let token: string;

beforeAll(async () => {
  server = await startParlorProcess({
    database: "sqlite::memory:",
    env: { SEND_BURST: "100000", SEND_PER_SECOND: "100000" },
    memoryProbe: true,
  });
  const guest = createParlorClient({ url: server.url });
  ({ token } = await guest.auth.register.mutate({ username: "mallory", password: "correct horse battery" }));
  const client = createParlorClient({ url: server.url, token });
  for (let i = 0; i < MESSAGES; i += 10)
    await Promise.all(Array.from({ length: 10 }, () => client.room.send.mutate({ room: "long150", text: LONG_TEXT })));
}, 60_000);

afterAll(async () => {
  await server?.dispose();
});

interface FastReader {
  raw: RawWebSocket;
  /** Tracked events received (frames whose result carries an id). */
  events(): number;
  /** `stopped` frames and errors received. */
  ends(): number;
}

/** A socket signed in as mallory that reads every frame at once and keeps none. */
async function fastReader(): Promise<FastReader> {
  let events = 0;
  let ends = 0;
  const raw = await openRawWebSocket(server.url, "/trpc?connectionParams=1", {
    onFrame(opcode, payload) {
      if (opcode !== 1) return;
      const head = payload.subarray(0, 80).toString("latin1");
      if (head.includes('"type":"data"')) events++;
      else if (head.includes('"type":"stopped"') || head.includes('"error"')) ends++;
    },
  });
  expect(raw.handshake).toStartWith("HTTP/1.1 101");
  raw.send(JSON.stringify({ method: "connectionParams", data: { token } }));
  return { raw, events: () => events, ends: () => ends };
}

/** One frame of SUBSCRIPTIONS `room.messages` subscriptions from lastEventId 0, read to the end of their replays. */
async function replayAll(reader: FastReader): Promise<void> {
  reader.raw.send(
    JSON.stringify(
      Array.from({ length: SUBSCRIPTIONS }, (_, id) => ({
        id,
        method: "subscription",
        params: { path: "room.messages", input: { room: "long150", lastEventId: "0" } },
      })),
    ),
  );
  const all = SUBSCRIPTIONS * MESSAGES;
  await waitFor(
    () => reader.events() >= all || reader.raw.closeCode() !== null || reader.ends() > 0,
    `${all} replayed entries (have ${reader.events()})`,
    120_000,
  );
}

const print = (what: string, bytes: number) =>
  process.env.PARLOR_PRINT_RSS && console.log(`${what}: ${(bytes / MiB).toFixed(1)} MiB`);

describe("replaying long messages to many subscriptions of one socket", () => {
  test("regression: a caught-up subscription kept its last replay batch (and each entry's frame) alive until the socket closed — after 100 replays of 150 long messages and a forced collection, the server's heap and RSS grow by under 16 MiB while the socket stays open", async () => {
    const base = await server.measure();
    const reader = await fastReader();
    await replayAll(reader);
    expect(reader.raw.closeCode()).toBeNull();
    expect(reader.events()).toBe(SUBSCRIPTIONS * MESSAGES);
    // Every subscription is caught up and idle; what they delivered must be garbage now.
    // Measured: +1.2 MiB heap, +2 MiB RSS (with the last batch kept: +158 MiB heap, +230 MiB RSS).
    const after = await server.measure();
    print("heap growth after GC", after.heapSize - base.heapSize);
    print("RSS growth after GC", after.rss - base.rss);
    expect(after.heapSize - base.heapSize).toBeLessThan(16 * MiB);
    expect(after.rss - base.rss).toBeLessThan(16 * MiB);
    reader.raw.destroy();
  }, 180_000);

  test("peak memory does not follow the reader's throughput: replaying 100 subscriptions × 150 long messages (240 MB) to a fast reader raises the server's peak RSS by under 150 MiB", async () => {
    await server.measure();
    const before = resetPeakRss(server.pid);
    const reader = await fastReader();
    await replayAll(reader);
    expect(reader.raw.closeCode()).toBeNull();
    expect(reader.events()).toBe(SUBSCRIPTIONS * MESSAGES);
    // Measured: +94 MiB (before the fix: +614 MiB).
    const growth = peakRssBytes(server.pid) - before;
    print("peak RSS growth", growth);
    expect(growth).toBeLessThan(150 * MiB);
    reader.raw.destroy();
  }, 180_000);

  // End to end for the unit test "a step of long messages was 100 of them…" (tests/unit/room-stream.test.ts), which
  // fails deterministically without byte-sized steps; here the kernel's buffers make the old cut a matter of chance.
  test("a reader that pauses, then reads, is never cut off (no 4003): replay steps of long messages stay under MAX_QUEUED_BYTES, and all 15,000 entries arrive", async () => {
    const reader = await fastReader();
    reader.raw.pause();
    const sent = reader.events();
    reader.raw.send(
      JSON.stringify(
        Array.from({ length: SUBSCRIPTIONS }, (_, id) => ({
          id,
          method: "subscription",
          params: { path: "room.messages", input: { room: "long150", lastEventId: "0" } },
        })),
      ),
    );
    await Bun.sleep(1500); // the server fills what the kernel and its limits hold while nobody reads
    reader.raw.resume();
    await waitFor(
      () => reader.events() - sent >= SUBSCRIPTIONS * MESSAGES || reader.raw.closeCode() !== null,
      "every replayed entry, or a close",
      120_000,
    );
    expect(reader.raw.closeCode()).toBeNull();
    expect(reader.events() - sent).toBe(SUBSCRIPTIONS * MESSAGES);
    reader.raw.destroy();
  }, 180_000);
});
