/**
 * A subscription whose stream hands its subscriber to the live channel
 * (server/trpc/ws/subscriptions.ts, topics.ts): the transport reads that stream
 * no more, goes on with the one it is handed back with, and a stop reaches
 * whichever stream holds the subscriber, so that one ends by itself (its
 * `finally` runs: what it holds is released) before `stopped` is sent.
 */
import { describe, expect, test } from "bun:test";
import { initTRPC } from "@trpc/server";
import type { LiveSeat } from "../../server/groups/live-channel.ts";
import { Connection, type ConnectionHost, type WsSocket } from "../../server/trpc/ws/connection.ts";
import { createFrameEncoder } from "../../server/trpc/ws/protocol.ts";
import { createTopicChannel } from "../../server/trpc/ws/topics.ts";

/** What the procedure and its streams let the test see and steer. */
function probe() {
  return {
    seat: undefined as LiveSeat | undefined,
    signal: undefined as AbortSignal | undefined,
    /** Awaited in the joining stream's `finally`: the test holds it there. */
    finallyGate: Promise.resolve(),
    joinedEnded: false,
    resumedStarted: false,
    resumedEnded: false,
  };
}
type Probe = ReturnType<typeof probe>;

/** One event, then it joins the seat and ends (its subscriber rides). */
async function* joining(p: Probe) {
  try {
    yield "a";
    if (p.seat?.join("room:k", { behind() {} })) return;
    yield "not riding";
  } finally {
    p.joinedEnded = true;
    await p.finallyGate;
  }
}

/** What a hand-back resumes with: one event, then it waits for the stop (ending at once if stopped already). */
async function* resumed(p: Probe, signal: AbortSignal) {
  p.resumedStarted = true;
  try {
    if (signal.aborted) return;
    yield "b";
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  } finally {
    p.resumedEnded = true;
  }
}

function connect(p: Probe) {
  const t = initTRPC.context<{ connection: Connection<object> }>().create();
  const router = t.router({
    rides: t.procedure.subscription(({ ctx, signal }) => {
      p.signal = signal;
      p.seat = ctx.connection.liveSeat(signal);
      return joining(p);
    }),
  });
  const topics: string[] = [];
  const written: string[] = [];
  const ws = {
    data: {},
    send: (frame: string) => written.push(frame),
    cork: (callback: () => void) => callback(),
    close() {},
    getBufferedAmount: () => 0,
    subscribe: (topic: string) => topics.push(topic),
    unsubscribe: (topic: string) => topics.splice(topics.indexOf(topic), 1),
  } satisfies WsSocket<object>;
  const frames = createFrameEncoder(router);
  const stats = { deliveries: 0 };
  const channel = createTopicChannel({ frames, highWaterBytes: 1000, slowConsumerBytes: 10_000, stats });
  channel.attach({ publish: () => 0 });
  const host: ConnectionHost<object> = {
    router,
    frames,
    topics: channel,
    createContext: async (connection) => ({ connection }),
    onError() {},
    slowConsumerBytes: 10_000,
    highWaterBytes: 1000,
    maxBatchSize: 10,
    maxCallsInFlight: 4,
    scheduleFlush: (writer) => queueMicrotask(() => writer.flush()),
  };
  const connection = new Connection(ws, host, false);
  const sent = () =>
    written.map((f) => {
      const { result } = JSON.parse(f) as { result: { type: string; data?: unknown } };
      return result.type === "data" ? result.data : result.type;
    });
  return { connection, topics, sent };
}

const subscribe = JSON.stringify({ id: 1, method: "subscription", params: { path: "rides" } });
const stop = JSON.stringify({ id: 1, method: "subscription.stop" });
const settle = () => Bun.sleep(1);

describe("a subscription riding the live channel", () => {
  test("read no more while it rides; handed back, it goes on with the new stream; stopped, that stream ends, then `stopped`", async () => {
    const p = probe();
    const { connection, topics, sent } = connect(p);
    connection.onMessage(subscribe);
    await settle();
    expect(sent()).toEqual(["started", "a"]);
    expect(topics).toEqual(["room:k\u0000" + '{"id":1,']);
    expect(p.joinedEnded).toBe(true);
    // The relay hands it back: off the topic, a stream of its own again.
    p.seat!.leave();
    p.seat!.resume(resumed(p, p.signal!));
    await settle();
    expect(topics).toEqual([]);
    expect(sent()).toEqual(["started", "a", "b"]);
    connection.onMessage(stop);
    await settle();
    expect(p.resumedEnded).toBe(true);
    expect(sent()).toEqual(["started", "a", "b", "stopped"]);
  });

  test("stopped while the stream that joined is still ending and it was handed back meanwhile: the new stream still starts and ends by itself, then one `stopped`", async () => {
    const p = probe();
    let release!: () => void;
    p.finallyGate = new Promise((resolve) => (release = resolve));
    const { connection, sent } = connect(p);
    connection.onMessage(subscribe);
    await settle();
    expect(p.joinedEnded).toBe(true);
    p.seat!.leave();
    p.seat!.resume(resumed(p, p.signal!));
    connection.onMessage(stop);
    release();
    await settle();
    // Started, it saw the stop and ended: what it holds (a relay, a guard) is released by its own `finally`.
    expect(p.resumedStarted).toBe(true);
    expect(p.resumedEnded).toBe(true);
    expect(sent()).toEqual(["started", "a", "stopped"]);
  });
});
