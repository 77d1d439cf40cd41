/**
 * Amplification (SECURITY.md, "What one connection can hold"): a signed-in client
 * sends a little and asks the server to build a lot — a 61 KB frame of 640
 * `room.history` calls on a room of long messages once made the server build
 * 200 MB of answers in one event-loop turn. Each test runs one such attack on a
 * Parlor in its own process and bounds that process's peak RSS (VmHWM, reset just
 * before the attack, so what one turn allocates and frees is caught too), with
 * the bound derived from the limits in the test's text.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createParlorClient } from "@parlor/client";
import { MAX_FRAME_BYTES } from "../../server/limits/defaults.ts";
import { HTTP_BATCH_MAX_CALLS } from "../../shared/transport.ts";
import { type ParlorProcess, startParlorProcess } from "../support/parlor-process.ts";
import { MiB, peakRssBytes, resetPeakRss } from "../support/peak-rss.ts";
import { openRawWebSocket, type RawWebSocket } from "../support/raw-websocket.ts";
import { waitFor } from "../support/wait.ts";

/** The defaults under test (server/config.ts). */
const MAX_BATCH_SIZE = 100;
const MAX_CALLS_IN_FLIGHT = HTTP_BATCH_MAX_CALLS;
const MAX_QUEUED_BYTES = 1 * MiB;
const HIGH_WATER = 256 * 1024;
/** What a process allocates and frees around any burst of work without holding it (allocator and collector slack). */
const SLACK = 16 * MiB;

/** 4,000 emoji: the longest message, and two UTF-16 units (two bytes in memory) per character. */
const LONG_TEXT = "😀".repeat(4000);

type Frame = { id: number; result?: { type: string }; error?: { data: { code: string } } };

let server: ParlorProcess;
let token: string;
/** Bytes in memory of one answer to `room.history` on the 20-message room, as JSON (two-byte string). */
let historyAnswerBytes: number;
/** Bytes in memory of one stored long message as the server reads it from the database. */
const rowBytes = LONG_TEXT.length * 2;

beforeAll(async () => {
  server = await startParlorProcess({
    database: "sqlite::memory:",
    env: { SEND_BURST: "100000", SEND_PER_SECOND: "100000" },
  });
  const guest = createParlorClient({ url: server.url });
  ({ token } = await guest.auth.register.mutate({ username: "mallory", password: "correct horse battery" }));
  const client = createParlorClient({ url: server.url, token });
  for (const [room, count] of [
    ["long20", 20],
    ["long40", 40],
  ] as const) {
    for (let i = 0; i < count; i += 8)
      await Promise.all(
        Array.from({ length: Math.min(8, count - i) }, () => client.room.send.mutate({ room, text: LONG_TEXT })),
      );
  }
  historyAnswerBytes = JSON.stringify(await client.room.history.query({ room: "long20" })).length * 2;
  expect(historyAnswerBytes).toBeGreaterThan(20 * rowBytes); // ~320 KB: the attack's unit
}, 60_000);

afterAll(async () => {
  await server?.dispose();
});

/** A raw WebSocket signed in as mallory (connectionParams first, as wsLink does). */
async function signedInSocket(): Promise<RawWebSocket> {
  const raw = await openRawWebSocket(server.url, "/trpc?connectionParams=1");
  expect(raw.handshake).toStartWith("HTTP/1.1 101");
  raw.send(JSON.stringify({ method: "connectionParams", data: { token } }));
  return raw;
}

const historyCall = (id: number) => ({
  id,
  method: "query",
  params: { path: "room.history", input: { room: "long20" } },
});

/** Outcome per request id: "data", or the error code. */
function outcomes(raw: RawWebSocket): Map<number, string> {
  const seen = new Map<number, string>();
  for (const frame of raw.textFrames() as Frame[])
    seen.set(frame.id, frame.error ? frame.error.data.code : frame.result!.type);
  return seen;
}

/** Runs `attack` and returns by how much the server's peak RSS rose above its RSS just before. */
async function peakGrowth(attack: () => Promise<void>): Promise<number> {
  Bun.gc(true);
  await Bun.sleep(200); // the server finishes the previous test's closes before the baseline; nothing to observe from here
  const before = resetPeakRss(server.pid);
  await attack();
  const growth = peakRssBytes(server.pid) - before;
  if (process.env.PARLOR_PRINT_RSS) console.log(`peak RSS growth: ${(growth / MiB).toFixed(1)} MiB`);
  return growth;
}

describe("one signed-in connection cannot make the server build unbounded answers", () => {
  test("WebSocket: one 61 KB frame of 640 room.history calls (far over MAX_BATCH_SIZE) runs none: each call is answered PAYLOAD_TOO_LARGE, and memory stays flat", async () => {
    const raw = await signedInSocket();
    const frame = JSON.stringify(Array.from({ length: 640 }, (_, id) => historyCall(id)));
    expect(frame.length).toBeGreaterThan(50_000);
    expect(frame.length).toBeLessThan(MAX_FRAME_BYTES);
    // Nothing runs: what is held is the parsed frame and 640 small errors (~200 B each), far under the slack.
    // Without the cap: 640 × ~320 KB of answers (≈ 200 MB).
    const growth = await peakGrowth(async () => {
      raw.send(frame);
      await waitFor(() => outcomes(raw).size === 640, "an answer to each of the 640 calls", 10_000);
    });
    const seen = outcomes(raw);
    expect([...new Set(seen.values())]).toEqual(["PAYLOAD_TOO_LARGE"]);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 640 }, (_, i) => i));
    expect(growth).toBeLessThan(SLACK);
    raw.destroy();
  }, 30_000);

  test("WebSocket: frames at the batch cap run at most MAX_CALLS_IN_FLIGHT calls at once; the rest are TOO_MANY_REQUESTS, and memory stays under the bound", async () => {
    const raw = await signedInSocket();
    const frames = 5;
    // Each frame starts at most MAX_CALLS_IN_FLIGHT calls, each holding its rows, its answer and the frame
    // (≤ 3 answers' worth); the collector may not yet have reclaimed any of them:
    // bound = frames × MAX_CALLS_IN_FLIGHT × 3 × answer + slack ≈ 5 × 8 × 1 MB + 16 MiB.
    // Without the cap: frames × 100 calls at once (≈ 500 MB).
    const bound = frames * MAX_CALLS_IN_FLIGHT * 3 * historyAnswerBytes + SLACK;
    const growth = await peakGrowth(async () => {
      for (let f = 0; f < frames; f++)
        raw.send(JSON.stringify(Array.from({ length: MAX_BATCH_SIZE }, (_, i) => historyCall(f * MAX_BATCH_SIZE + i))));
      await waitFor(() => outcomes(raw).size === frames * MAX_BATCH_SIZE, "an answer to every call", 20_000);
    });
    const seen = outcomes(raw);
    for (const [id, outcome] of seen) {
      // Slots are taken in frame order: only a frame's first MAX_CALLS_IN_FLIGHT calls can have one.
      if (id % MAX_BATCH_SIZE >= MAX_CALLS_IN_FLIGHT) expect([id, outcome]).toEqual([id, "TOO_MANY_REQUESTS"]);
      else expect(["data", "TOO_MANY_REQUESTS"]).toContain(outcome);
    }
    expect([...seen.values()].filter((o) => o === "data").length).toBeGreaterThan(0);
    expect(growth).toBeLessThan(bound);
    raw.destroy();
  }, 30_000);

  test("HTTP: the longest ?batch=1 GET Bun accepts is PAYLOAD_TOO_LARGE (413) and runs nothing; a batch at the cap runs MAX_CALLS_IN_FLIGHT calls, the rest TOO_MANY_REQUESTS", async () => {
    const get = (n: number) => {
      const input: Record<number, { room: string }> = {};
      for (let i = 0; i < n; i++) input[i] = { room: "long20" };
      const url = `${server.url}/trpc/${Array(n).fill("room.history").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
      return { url, send: () => fetch(url, { headers: { authorization: `Bearer ${token}` } }) };
    };
    let longest = MAX_BATCH_SIZE;
    while (get(longest + 1).url.length < 15 * 1024) longest++; // Bun answers 431 to a head over 16 KiB
    expect(longest).toBeGreaterThan(2 * MAX_BATCH_SIZE);
    // bound = MAX_CALLS_IN_FLIGHT × 3 × answer (the capped batch) + slack; without the caps: ~longest × 1 MB (≈ 300 MB).
    const bound = MAX_CALLS_IN_FLIGHT * 3 * historyAnswerBytes + SLACK;
    let over!: Response;
    let atCap!: Response;
    const growth = await peakGrowth(async () => {
      [over, atCap] = await Promise.all([get(longest).send(), get(MAX_BATCH_SIZE).send()]);
    });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { data: { code: string } } }).error.data.code).toBe("PAYLOAD_TOO_LARGE");
    const answers = (await atCap.json()) as { result?: unknown; error?: { data: { code: string } } }[];
    expect(answers.map((a) => (a.error ? a.error.data.code : "data"))).toEqual([
      ...Array(MAX_CALLS_IN_FLIGHT).fill("data"),
      ...Array(MAX_BATCH_SIZE - MAX_CALLS_IN_FLIGHT).fill("TOO_MANY_REQUESTS"),
    ]);
    expect(growth).toBeLessThan(bound);
  }, 30_000);

  test("WebSocket: 100 subscriptions resuming from lastEventId 0 on a room of 40 long messages, from a client that does not read, hold one replay batch at a time; once it reads, every entry arrives", async () => {
    const raw = await signedInSocket();
    raw.pause();
    const subscriptions = 100;
    const frame = JSON.stringify(
      Array.from({ length: subscriptions }, (_, id) => ({
        id,
        method: "subscription",
        params: { path: "room.messages", input: { room: "long40", lastEventId: "0" } },
      })),
    );
    // One replay batch per connection at a time (here a batch is the whole room: 40 rows), each read only once
    // the socket is under the high-water mark; so the server holds at most one batch, as rows and as frames,
    // plus what Bun buffers, plus the slack twice (JavaScriptCore collects lazily: rows and frames already sent
    // linger as garbage until the next collection): bound = 2 × 40 × row + MAX_QUEUED_BYTES + high water + 2 × slack
    // ≈ 1.3 MB + 33.25 MiB. Without the gate: every subscription's first batch at once, as rows and frames (≈ 130 MB).
    const bound = 2 * 40 * rowBytes + MAX_QUEUED_BYTES + HIGH_WATER + 2 * SLACK;
    const growth = await peakGrowth(async () => {
      raw.send(frame);
      await Bun.sleep(1500); // the server has done all it will do by now; the client reads nothing meanwhile
    });
    expect(growth).toBeLessThan(bound);
    // Reading again, the client gets every subscription's whole replay — or, when a batch landed on a socket
    // already near its limit, it is cut as too slow (4003) and a real client resumes from its last ids. Nothing else.
    raw.resume();
    const tracked = () =>
      raw.textFrames().filter((f) => (f as { result?: { id?: string } }).result?.id !== undefined).length;
    await waitFor(
      () => tracked() >= subscriptions * 40 || raw.closeCode() !== null,
      `${subscriptions * 40} replayed entries or a close (have ${tracked()})`,
      20_000,
    );
    expect([null, 4003]).toContain(raw.closeCode());
    if (raw.closeCode() === null) expect(tracked()).toBe(subscriptions * 40);
    raw.destroy();
  }, 30_000);
});
