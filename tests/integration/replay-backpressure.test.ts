/**
 * The replay backpressure hook (`ConnectionState.drain`) on a real Bun socket:
 * a replay that awaits it never queues much more than the high-water mark for a
 * client that has stopped reading, is not cut off as too slow, and delivers
 * everything once the client reads again. The same replay without it is cut off
 * (4003). A small router of its own stands for the room stream, which the chat
 * service wires to the hook.
 */
import { afterEach, expect, test } from "bun:test";
import { initTRPC } from "@trpc/server";
import { MAX_FRAME_BYTES, WS_IDLE_TIMEOUT_SECONDS } from "../../server/limits/defaults.ts";
import { type BunWsServer, createBunWsHandler, type TrpcSocketData } from "../../server/trpc/bun-ws-adapter.ts";
import { CLOSE_TOO_SLOW } from "../../server/trpc/ws/connection.ts";
import { openRawWebSocket } from "../support/raw-websocket.ts";
import { waitFor } from "../support/wait.ts";

const HIGH_WATER = 64 * 1024;
const SLOW_CONSUMER = 512 * 1024;
const EVENTS = 1000;
// 1,000 × 16 KiB = 16 MiB: far more than the kernel holds for a client that stopped reading (~4 MiB here) plus our limits.
const EVENT_TEXT = "r".repeat(16 * 1024);

interface ReplayCtx {
  drain: () => Promise<void>;
  /** What Bun holds for this socket now. */
  buffered: () => number;
}

function replayServer(opts: { awaitDrain: boolean }) {
  const t = initTRPC.context<ReplayCtx>().create();
  const seen = { maxQueued: 0, yielded: 0, closeCode: null as number | null };
  const router = t.router({
    replay: t.procedure.subscription(async function* ({ ctx }) {
      for (let i = 1; i <= EVENTS; i++) {
        // What the room stream does between batches (here every event is a batch).
        if (opts.awaitDrain) await ctx.drain();
        seen.maxQueued = Math.max(seen.maxQueued, ctx.buffered());
        seen.yielded++;
        yield { i, text: EVENT_TEXT };
      }
    }),
  });
  const ws: BunWsServer = createBunWsHandler({
    router,
    createContext: async ({ socket }) => ({
      drain: () => socket.drain(),
      buffered: () => socket.ws.getBufferedAmount(),
    }),
    onClose: (_data, code) => (seen.closeCode = code),
    maxPayloadLength: MAX_FRAME_BYTES,
    slowConsumerBytes: SLOW_CONSUMER,
    highWaterBytes: HIGH_WATER,
    maxBatchSize: 10,
    maxCallsInFlight: 4,
    idleTimeout: WS_IDLE_TIMEOUT_SECONDS,
  });
  const server = Bun.serve<TrpcSocketData>({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      const url = new URL(req.url);
      return srv.upgrade(req, { data: { url: url.pathname + url.search, cookie: null, ip: null } })
        ? undefined
        : new Response("upgrade", { status: 400 });
    },
    websocket: ws.websocket,
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}`, seen };
}

const servers: Bun.Server<TrpcSocketData>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

const subscribeFrame = JSON.stringify({ id: 1, method: "subscription", params: { path: "replay", input: null } });

test("a replay that awaits drain() holds about the high-water mark for a client that stopped reading, is not cut off, and delivers every event once it reads", async () => {
  const { url, seen } = replayServer({ awaitDrain: true });
  const raw = await openRawWebSocket(url);
  raw.pause();
  raw.send(subscribeFrame);
  await Bun.sleep(500); // the replay has produced all it will while nobody reads
  expect(seen.yielded).toBeLessThan(EVENTS);
  expect(seen.closeCode).toBeNull();
  // Each wait ends under the mark; one event is written after it.
  expect(seen.maxQueued).toBeLessThan(HIGH_WATER + 2 * EVENT_TEXT.length);

  raw.resume();
  await waitFor(
    () => raw.received().subarray(-100).toString("latin1").includes('"type":"stopped"'),
    "the whole replay",
    10_000,
  );
  const events = raw
    .textFrames()
    .filter(
      (f): f is { result: { data: { i: number } } } => (f as { result?: { type: string } }).result?.type === "data",
    );
  expect(events.map((e) => e.result.data.i)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
  expect(seen.closeCode).toBeNull();
  raw.destroy();
});

test("the same replay without drain() is cut off as too slow (4003) once Bun holds more than the slow-reader limit", async () => {
  const { url, seen } = replayServer({ awaitDrain: false });
  const raw = await openRawWebSocket(url);
  raw.pause();
  raw.send(subscribeFrame);
  await waitFor(() => seen.closeCode !== null, "the slow-reader cut", 5_000);
  expect(seen.closeCode).toBe(CLOSE_TOO_SLOW);
  raw.destroy();
});
