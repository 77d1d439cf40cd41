import { describe, expect, test } from "bun:test";
import { initTRPC } from "@trpc/server";
import { Connection, type ConnectionHost } from "../../server/trpc/ws/connection.ts";
import { createFrameEncoder } from "../../server/trpc/ws/protocol.ts";

const router = initTRPC.create().router({});
const fakeSocket = {
  data: {},
  send: () => 0,
  cork: (f: () => void) => f(),
  close: () => {},
  getBufferedAmount: () => 0,
};

describe("a WebSocket connection that closes while its context is being made", () => {
  test("what the context registered for its close (session registry, per-user count) is released all the same", async () => {
    let finish!: () => void;
    let released = 0;
    const host: ConnectionHost<object> = {
      router,
      frames: createFrameEncoder(router),
      // As createWsContext does: it looks the session up (slow), then registers a release for the close.
      createContext: (connection) =>
        new Promise((resolve) => {
          finish = () => {
            connection.once("close", () => released++);
            resolve({});
          };
        }),
      onError: () => {},
      slowConsumerBytes: 1 << 20,
      highWaterBytes: 1 << 18,
      maxBatchSize: 100,
      maxCallsInFlight: 8,
      scheduleFlush: () => {},
    };
    const connection = new Connection(fakeSocket, host, true);
    connection.onMessage(JSON.stringify({ method: "connectionParams", data: { token: "t" } }));
    connection.closed();
    finish();
    await Bun.sleep(0);
    expect(released).toBe(1);
  });

  test("a listener registered while open runs once, when it closes", () => {
    const host = {
      router,
      frames: createFrameEncoder(router),
      createContext: async () => ({}),
      onError: () => {},
      slowConsumerBytes: 1 << 20,
      highWaterBytes: 1 << 18,
      maxBatchSize: 100,
      maxCallsInFlight: 8,
      scheduleFlush: () => {},
    };
    const connection = new Connection(fakeSocket, host, false);
    let released = 0;
    connection.once("close", () => released++);
    expect(released).toBe(0);
    connection.closed();
    connection.closed();
    expect(released).toBe(1);
  });
});
