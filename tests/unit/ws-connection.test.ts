/**
 * One WebSocket connection's bounds (server/trpc/ws/connection.ts), driven through
 * a socket whose buffered amount the test sets: what Bun would hold for a client
 * that reads slowly or not at all. The integration suites prove the same against
 * real sockets and the real tRPC client.
 */
import { describe, expect, test } from "bun:test";
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { CLOSE_TOO_SLOW, Connection, type ConnectionHost, type WsSocket } from "../../server/trpc/ws/connection.ts";
import { createFrameEncoder } from "../../server/trpc/ws/protocol.ts";

const HIGH_WATER = 1_000;
const SLOW_CONSUMER = 10_000;

/** Bun's socket as the connection sees it; `paused`: what is sent stays buffered, as for a client that stopped reading. */
function fakeSocket() {
  const socket = {
    data: {},
    sent: [] as string[],
    buffered: 0,
    paused: false,
    closedWith: null as number | null,
    send(frame: string) {
      socket.sent.push(frame);
      if (socket.paused) socket.buffered += frame.length;
      return frame.length;
    },
    cork(callback: () => void) {
      callback();
    },
    close(code?: number) {
      socket.closedWith = code ?? 1000;
    },
    getBufferedAmount: () => socket.buffered,
  };
  return socket satisfies WsSocket<object>;
}

function testRouter() {
  const t = initTRPC.create();
  const started: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const flood = { yielded: 0, ended: false };
  const router = t.router({
    echo: t.procedure.input(z.string()).query(({ input }) => {
      started.push(input);
      return input;
    }),
    held: t.procedure.input(z.string()).query(async ({ input }) => {
      started.push(input);
      await gate;
      return input;
    }),
    /** 100 events of 500 characters, as fast as they can be taken: a replay that never waits. */
    flood: t.procedure.subscription(async function* () {
      try {
        for (let i = 0; i < 100; i++) {
          flood.yielded++;
          yield "z".repeat(500);
        }
      } finally {
        flood.ended = true;
      }
    }),
    /** One event, then the stream ends with an error (a kick's FORBIDDEN). */
    failsAfterStart: t.procedure.subscription(async function* () {
      yield "one";
      throw new TRPCError({ code: "FORBIDDEN", message: "You were removed from this room." });
    }),
    /** Refused before it starts (no access to begin with). */
    failsToStart: t.procedure.subscription(() => {
      throw new TRPCError({ code: "FORBIDDEN", message: "No access." });
    }),
  });
  return { router, started, release, flood };
}

function connect(
  limits: Partial<Pick<ConnectionHost<object>, "maxBatchSize" | "maxCallsInFlight" | "createContext">> = {},
) {
  const { router, ...probes } = testRouter();
  const ws = fakeSocket();
  const errors: string[] = [];
  let flushes = 0;
  const host: ConnectionHost<object> = {
    router,
    frames: createFrameEncoder(router),
    createContext: limits.createContext ?? (async () => ({})),
    onError: (error) => errors.push(error.code),
    slowConsumerBytes: SLOW_CONSUMER,
    highWaterBytes: HIGH_WATER,
    maxBatchSize: limits.maxBatchSize ?? 10,
    maxCallsInFlight: limits.maxCallsInFlight ?? 4,
    // The adapter flushes at the end of the turn; here the test says when (or never).
    scheduleFlush: () => flushes++,
  };
  const connection = new Connection(ws, host, false);
  const frames = () =>
    ws.sent.map(
      (f) =>
        JSON.parse(f) as {
          id: number;
          result?: { data?: unknown };
          error?: { data: { code: string }; message: string };
        },
    );
  return { connection, ws, errors, frames, scheduledFlushes: () => flushes, ...probes };
}

const query = (id: number, path: string, input: unknown) => ({ id, method: "query", params: { path, input } });
/** Lets every pending promise chain run (one macrotask). */
const settle = () => Bun.sleep(1);

function state(promise: Promise<void>) {
  const seen = { resolved: false, rejected: null as unknown };
  promise.then(
    () => (seen.resolved = true),
    (error: unknown) => (seen.rejected = error),
  );
  return seen;
}

describe("drain(): the replay's backpressure hook", () => {
  test("with less than the high-water mark queued it resolves at once, the same settled promise every time", async () => {
    const { connection, ws } = connect();
    ws.buffered = HIGH_WATER - 1;
    const first = connection.drain();
    expect(connection.drain()).toBe(first);
    const seen = state(first);
    await settle();
    expect(seen.resolved).toBe(true);
  });

  test("at or over the mark it waits for Bun's drain event that brings the socket under, not for one that leaves it over", async () => {
    const { connection, ws } = connect();
    ws.buffered = HIGH_WATER;
    const seen = state(connection.drain());
    await settle();
    expect(seen.resolved).toBe(false);
    ws.buffered = HIGH_WATER + 500; // still over after a partial write
    connection.onDrain();
    await settle();
    expect(seen.resolved).toBe(false);
    ws.buffered = HIGH_WATER / 2;
    connection.onDrain();
    await settle();
    expect(seen.resolved).toBe(true);
  });

  test("our own outbox counts: what this turn queued but has not written yet is handed to Bun first", async () => {
    const { connection, ws } = connect();
    ws.paused = true;
    ws.buffered = 300;
    // Answers queued this turn, not yet flushed (each under the mark), plus what Bun holds, reach the mark: a replay must wait.
    connection.onMessage(JSON.stringify([query(1, "echo", "a".repeat(350)), query(2, "echo", "b".repeat(350))]));
    await settle();
    expect(ws.sent).toEqual([]);
    const seen = state(connection.drain());
    await settle();
    expect(ws.sent).toHaveLength(2); // handed to Bun by drain() itself
    expect(seen.resolved).toBe(false);
    ws.buffered = 0;
    connection.onDrain();
    await settle();
    expect(seen.resolved).toBe(true);
  });

  test("a wait is rejected with an AbortError when the socket closes; after the close drain() rejects at once", async () => {
    const { connection, ws } = connect();
    ws.buffered = HIGH_WATER * 2;
    const seen = state(connection.drain());
    connection.close(1000);
    await settle();
    expect((seen.rejected as Error).name).toBe("AbortError");
    const after = state(connection.drain());
    await settle();
    expect((after.rejected as Error).name).toBe("AbortError");
  });
});

describe("a connection refused at its context (the per-user cap)", () => {
  test("regression: a request that arrives just after the refusal is answered with it (the socket closed at once, leaving it unanswered)", async () => {
    const refused = new TRPCError({ code: "TOO_MANY_REQUESTS", message: "At most 2 connections per user." });
    const { connection, ws, frames } = connect({ createContext: () => Promise.reject(refused) });
    // Input: the context fails, then (a turn later) the client's subscription arrives.
    await settle();
    await settle();
    connection.onMessage(
      JSON.stringify({ id: 7, method: "subscription", params: { path: "failsToStart", input: null } }),
    );
    await settle();
    connection.flush();
    // Output: the refusal for the connection (id null), then the same refusal as the subscription's answer.
    expect(frames().map((f) => [f.id, f.error?.data.code])).toEqual([
      [null, "TOO_MANY_REQUESTS"],
      [7, "TOO_MANY_REQUESTS"],
    ] as never);
    expect(ws.closedWith).toBeNull();
  });
});

describe("bounded work per connection", () => {
  test("a call is not started while the high-water mark is queued for the socket; it runs once the socket drains", async () => {
    const { connection, ws, started, frames } = connect();
    ws.buffered = HIGH_WATER;
    connection.onMessage(JSON.stringify(query(1, "echo", "waited")));
    await settle();
    expect(started).toEqual([]);
    ws.buffered = 0;
    connection.onDrain();
    await settle();
    expect(started).toEqual(["waited"]);
    connection.flush();
    expect(frames()).toEqual([{ id: 1, result: { type: "data", data: "waited" } } as never]);
  });

  test("past maxCallsInFlight, calls are refused at once with TOO_MANY_REQUESTS, not queued; a freed slot takes the next one", async () => {
    const { connection, started, release, frames } = connect({ maxCallsInFlight: 2 });
    connection.onMessage(JSON.stringify([query(1, "held", "one"), query(2, "held", "two"), query(3, "held", "three")]));
    await settle();
    expect(started).toEqual(["one", "two"]);
    expect(frames()).toHaveLength(1);
    expect(frames()[0]).toMatchObject({
      id: 3,
      error: {
        data: { code: "TOO_MANY_REQUESTS" },
        message: "At most 2 calls at once per connection: wait for their answers before sending more.",
      },
    });
    release();
    await settle();
    connection.onMessage(JSON.stringify(query(4, "echo", "four")));
    await settle();
    connection.flush();
    expect(frames().map((f) => [f.id, f.result?.data ?? f.error?.data.code])).toEqual([
      [3, "TOO_MANY_REQUESTS"],
      [1, "one"],
      [2, "two"],
      [4, "four"],
    ]);
  });

  test("a frame with more than maxBatchSize calls runs none of them: each call gets PAYLOAD_TOO_LARGE, a subscription.stop gets nothing", async () => {
    const { connection, started, frames } = connect({ maxBatchSize: 3 });
    const batch = [
      query(1, "echo", "a"),
      query(2, "echo", "b"),
      { id: 3, method: "subscription", params: { path: "flood", input: null } },
      { id: 9, method: "subscription.stop" },
    ];
    connection.onMessage(JSON.stringify(batch));
    await settle();
    connection.flush();
    expect(started).toEqual([]);
    expect(frames().map((f) => [f.id, f.error?.data.code])).toEqual([
      [1, "PAYLOAD_TOO_LARGE"],
      [2, "PAYLOAD_TOO_LARGE"],
      [3, "PAYLOAD_TOO_LARGE"],
    ]);
    expect(frames()[0]!.error!.message).toBe("At most 3 calls in one frame (this one had 4); nothing in it was run.");
  });

  test("a turn that produces more than the high-water mark is written out before the turn ends, so a reader that stopped is cut off (4003) while it is produced", async () => {
    const { connection, ws, flood, scheduledFlushes } = connect();
    ws.paused = true;
    connection.onMessage(JSON.stringify({ id: 1, method: "subscription", params: { path: "flood", input: null } }));
    await settle();
    // The adapter's end-of-turn flush never ran (the test never calls it), yet the bytes reached Bun…
    expect(scheduledFlushes()).toBeGreaterThan(0);
    expect(ws.buffered).toBeGreaterThan(SLOW_CONSUMER);
    // …and the slow-reader rule acted on them: closed, and the stream stopped long before its 100 events.
    expect(ws.closedWith).toBe(CLOSE_TOO_SLOW);
    expect(ws.buffered).toBeLessThan(SLOW_CONSUMER + HIGH_WATER + 600);
    expect(flood.yielded).toBeLessThan(40);
    expect(flood.ended).toBe(true);
  });
});

describe("as tRPC's own handler answers", () => {
  const subscription = (id: number, path: string) => ({ id, method: "subscription", params: { path, input: null } });
  /** Each frame as [id, what it is]: a result's type (and data), or an error's code. */
  const replies = (frames: ReturnType<ReturnType<typeof connect>["frames"]>) =>
    frames.map((f) => {
      const result = (f as { result?: { type: string; data?: unknown } }).result;
      return [
        f.id,
        result ? `${result.type}${result.data === undefined ? "" : ` ${String(result.data)}`}` : f.error!.data.code,
      ];
    });

  test("a stream that ends with an error after it started is followed by `stopped`; one refused before it starts gets the error alone", async () => {
    const { connection, frames } = connect();
    connection.onMessage(JSON.stringify([subscription(1, "failsAfterStart"), subscription(2, "failsToStart")]));
    await settle();
    connection.flush();
    expect(replies(frames()).filter(([id]) => id === 1)).toEqual([
      [1, "started"],
      [1, "data one"],
      [1, "FORBIDDEN"],
      [1, "stopped"],
    ]);
    expect(replies(frames()).filter(([id]) => id === 2)).toEqual([[2, "FORBIDDEN"]]);
  });

  test("closeWhenAnswered: a query in flight is answered before the close; one sent meanwhile is refused SERVICE_UNAVAILABLE, unrun", async () => {
    const { connection, ws, started, release, frames } = connect();
    connection.onMessage(JSON.stringify(query(1, "held", "in flight")));
    await settle();
    connection.closeWhenAnswered(1012, "Server restarting");
    expect(ws.closedWith).toBeNull();
    connection.onMessage(JSON.stringify(query(2, "echo", "too late")));
    await settle();
    expect(started).toEqual(["in flight"]);
    expect(frames()[0]).toMatchObject({
      id: 2,
      error: {
        data: { code: "SERVICE_UNAVAILABLE" },
        message: "The server is restarting: nothing was run. Send it again on a new connection.",
      },
    });
    expect(ws.closedWith).toBeNull();
    release();
    await settle();
    expect(replies(frames())).toEqual([
      [2, "SERVICE_UNAVAILABLE"],
      [1, "data in flight"],
    ]);
    expect(ws.closedWith).toBe(1012);
  });

  test("closeWhenAnswered with nothing in flight closes at once", () => {
    const { connection, ws } = connect();
    connection.closeWhenAnswered(1012, "Server restarting");
    expect(ws.closedWith).toBe(1012);
  });
});
